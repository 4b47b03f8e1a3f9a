"""改正这一行: one row of a batch fixed in the browser, with the client in front of the caseworker.

The form is made from the contract (every column, its meaning and its choices, as the help page
shows them), filled with the row as it was read. What is sent is kept as a correction beside the
upload (batch_notes.CORRECTIONS; the upload itself is never changed) and the whole sheet is checked
again, the same way as at upload; building again makes only the cases whose rows changed (the build
skips packets that are current) in the same batch.

ID and phone numbers are not put into the page: the field is empty, shows the number masked, and
left empty keeps it.
"""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline.common.i18n import N_
from pipeline.common.mask import mask_id_number, mask_phone
from pipeline.contract.describe import describe_columns
from pipeline.contract.schema import default_contract
from pipeline.intake import open_input
from pipeline.intake.corrections import CorrectedInput
from pipeline.serve import batches
from pipeline.serve.access_log import Action
from pipeline.serve.auth import check_csrf, page_session, server_of
from pipeline.serve.batch_notes import add_correction, checked_rows, read_corrections
from pipeline.serve.batches import Batch
from pipeline.serve.pages import log_action, owned
from pipeline.serve.refusals import Refusal

MAX_CELL = 32_767  # what one Excel cell holds: the form takes no more than the sheet could
LONG_TEXT = ("hardship_details",)  # a few sentences: a text area
NOT_NOW = N_("这个批次正在检查或生成，请等它结束后再改正")
NO_ROW = N_("找不到第{row}行（可能已被删除）")


def _batch(request: Request) -> Batch:
    batch = owned(request, page_session(request).user.id)
    if batch.status not in batches.REOPENABLE:
        raise Refusal(409, NOT_NOW)
    return batch


def _sheet(request: Request, batch: Batch) -> Path:
    return server_of(request).settings.batch_folder(batch.id) / "input" / batch.source


def _row_number(request: Request) -> int:
    text = request.path_params["row"]
    if not text.isdigit() or len(text) > 7 or int(text) < 2:
        raise Refusal(404, NO_ROW, row=text[:8])
    return int(text)


def current_cells(sheet: Path, folder: Path, row: int) -> dict[str, str] | None:
    """The row as the next check will read it: the upload with its corrections laid over it."""
    columns = default_contract().intake_columns
    for raw in CorrectedInput(open_input(sheet, columns), read_corrections(folder), columns).rows():
        if raw.row == row:
            return dict(raw.cells)
    return None


def _masked(kind: str, value: str) -> str:
    return mask_id_number(value) if kind == "id" else mask_phone(value)


async def _the_row(request: Request) -> tuple[Batch, int, Path, dict[str, str]]:
    """The user's batch, the row asked for, the batch's folder and the row's cells as they stand."""
    batch = _batch(request)
    row = _row_number(request)
    folder = server_of(request).settings.batch_folder(batch.id)
    cells = await run_in_threadpool(current_cells, _sheet(request, batch), folder, row)
    if cells is None:
        raise Refusal(404, NO_ROW, row=row)
    return batch, row, folder, cells


async def row_form(request: Request) -> Response:
    server = server_of(request)
    batch, row, folder, cells = await _the_row(request)
    _ = request.state.translate
    problems = next((r.problems for r in checked_rows(folder) if r.row == row), [])
    personal = default_contract().intake_columns.personal
    return server.render(request, "row.html", title=_("改正第{row}行").format(row=row), batch=batch, row=row,
                         columns=describe_columns(default_contract(), _), cells=cells, problems=problems,
                         personal={k: _masked(kind, cells[k]) for k, kind in personal.items() if cells.get(k)},
                         long_text=LONG_TEXT)


async def save_row(request: Request) -> Response:
    session = page_session(request)
    server = server_of(request)
    columns = describe_columns(default_contract())
    form = await request.form(max_files=0, max_fields=len(columns) + 2, max_part_size=MAX_CELL * 4)
    check_csrf(session.csrf, form.get("csrf"))
    batch, row, folder, before = await _the_row(request)
    personal = default_contract().intake_columns.personal
    cells: dict[str, str] = {}
    for column in columns:
        value = form.get(f"cell-{column.key}")
        value = value if isinstance(value, str) else ""
        if len(value) > MAX_CELL:
            raise Refusal(400, N_("「{column}」超过{limit}个字符，请缩短后再保存"), column=column.header,
                          limit=f"{MAX_CELL:,}")
        if column.key in personal and not value.strip():
            value = before.get(column.key, "")  # the page never held the number: empty keeps it
        if value.strip():
            cells[column.key] = value
    with server.jobs.lock:  # the check lane claims under it: it cannot start before the fix is kept
        if not batches.reopen(server.store, batch):
            raise Refusal(409, NOT_NOW)
        add_correction(folder, row, cells)
    log_action(request, session.user.name, Action.CORRECT, batch.id, cells.get("case_id", ""), str(row))
    server.jobs.wake()
    return RedirectResponse(f"/batches/{batch.id}", status_code=303)


routes = [
    Route("/batches/{batch_id}/rows/{row}", row_form, methods=["GET"]),
    Route("/batches/{batch_id}/rows/{row}", save_row, methods=["POST"]),
]
