"""Help in the browser: the help page (how to fill the sheet, each column's meaning from the contract
itself so that it never drifts, what to check before printing, how to send, how long files are
kept) and the two files a caseworker starts from — the blank intake workbook, the same as
`packets init` writes, and the sample sheet."""

from __future__ import annotations

import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from pipeline.common.resources import shipped_path
from pipeline.contract.describe import describe_columns
from pipeline.contract.intake_form import write_intake_workbook
from pipeline.contract.schema import default_contract
from pipeline.serve.auth import page_session, server_of
from pipeline.serve.downloads import MEDIA_TYPES


async def help_page(request: Request) -> Response:
    """帮助: how to fill the sheet — every column's meaning from the contract itself, so it never
    drifts — what to check before printing, how to send, how long files are kept."""
    page_session(request)
    server = server_of(request)
    _ = request.state.translate
    return server.render(request, "help.html", title=_("帮助"), columns=describe_columns(default_contract(), _),
                         retain_days=server.settings.retain_days)


async def blank_workbook(request: Request) -> Response:
    """The blank intake workbook, the same as `packets init` writes (drop-downs, prompts, 填写说明)."""
    page_session(request)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "intake.xlsx"
        await run_in_threadpool(write_intake_workbook, path, default_contract())
        data = path.read_bytes()
    return Response(data, media_type=MEDIA_TYPES[".xlsx"],
                    headers={"Content-Disposition": 'attachment; filename="intake.xlsx"'})


async def sample_sheet(request: Request) -> Response:
    page_session(request)
    return FileResponse(shipped_path("samples", "clients.csv"), media_type=MEDIA_TYPES[".csv"],
                        filename="sample-clients.csv", content_disposition_type="attachment")


routes = [
    Route("/help", help_page),
    Route("/downloads/intake.xlsx", blank_workbook),
    Route("/downloads/sample-clients.csv", sample_sheet),
]
