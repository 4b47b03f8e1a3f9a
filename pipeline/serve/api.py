"""The JSON API for scripts, with `Authorization: Bearer TOKEN` (`packets user token NAME`):

    POST   /api/batches                  multipart: file, optional evidence (.zip), date, duplex,
                                         print_file, tagged, organisation → 201 {"id", "status": "queued"}
    GET    /api/batches                  the caller's batches
    GET    /api/batches/{id}             {"id", "status", "total", "done", "ok", "invalid", "failed", …}
    GET    /api/batches/{id}/report.csv, /packets.zip, /print.pdf, /cases/{case_id}/{packet.pdf|to_lender.pdf|…}
    DELETE /api/batches/{id}             204, and its files are gone

An API batch is built without the check page: the build reports every row as `packets build` does.
No token or a wrong one: 401; another user's batch: 404, as if it did not exist.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pipeline.common.i18n import N_
from pipeline.serve import access_log, batches, downloads
from pipeline.serve.access_log import Action
from pipeline.serve.accounts import User
from pipeline.serve.auth import address, api_user, server_of
from pipeline.serve.batches import Batch, BatchStatus
from pipeline.serve.refusals import Refusal
from pipeline.serve.submissions import FORM_LIMITS, receive


def summary(request: Request, batch: Batch) -> dict:
    return {
        "id": batch.id, "status": str(batch.status), "total": batch.total, "done": batch.done, "ok": batch.ok,
        "invalid": batch.invalid, "failed": batch.failed, "ahead": batches.ahead_of(server_of(request).store, batch),
        "reason": request.state.translate(batch.reason) if batch.reason else "",
        "packet_date": batch.packet_date.isoformat(), "created": batch.created, "finished": batch.finished,
    }


def _owned(request: Request, user: User) -> Batch:
    batch = batches.owned(server_of(request).store, request.path_params["batch_id"], user.id)
    if batch is None:
        raise Refusal(404, N_("找不到这个批次（可能已被删除）"))
    return batch


def _log(request: Request, user: User, action: Action, batch_id: str, case_id: str = "", item: str = "") -> None:
    access_log.record(server_of(request).store, user.name, address(request), action, batch_id, case_id, item)


async def list_batches(request: Request) -> Response:
    user = api_user(request)
    return JSONResponse([summary(request, b) for b in batches.of_user(server_of(request).store, user.id)])


async def create_batch(request: Request) -> Response:
    user = api_user(request)  # before a byte of the upload is read
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise Refusal(400, N_("请以 multipart/form-data 上传：字段 file（案件表），可选 evidence、date、duplex、print_file、tagged"))
    server = server_of(request)
    form = await request.form(**FORM_LIMITS)
    try:
        batch = await run_in_threadpool(receive, server, user.id, form, request.state.language, BatchStatus.QUEUED)
    finally:
        await form.close()
    _log(request, user, Action.UPLOAD, batch.id)
    _log(request, user, Action.BUILD, batch.id)
    server.jobs.wake()
    return JSONResponse({"id": batch.id, "status": str(batch.status)}, status_code=201)


async def get_batch(request: Request) -> Response:
    user = api_user(request)
    return JSONResponse(summary(request, _owned(request, user)))


async def delete_batch(request: Request) -> Response:
    user = api_user(request)
    batch = _owned(request, user)
    await run_in_threadpool(server_of(request).jobs.delete, batch)
    _log(request, user, Action.DELETE, batch.id)
    return Response(status_code=204)


def _download(what: str):
    """An API route for one kind of download of the caller's finished batch."""

    async def endpoint(request: Request) -> Response:
        user = api_user(request)
        batch = _owned(request, user)
        if batch.status != BatchStatus.DONE:
            raise Refusal(404, downloads.NOT_FOUND)
        case_id, name = request.path_params.get("case_id", ""), request.path_params.get("name", "")
        response, item = downloads.answer(server_of(request).settings, batch, what, case_id, name)
        _log(request, user, Action.DOWNLOAD, batch.id, case_id, item)
        return response

    return endpoint


routes = [
    Route("/api/batches", list_batches, methods=["GET"]),
    Route("/api/batches", create_batch, methods=["POST"]),
    Route("/api/batches/{batch_id}", get_batch, methods=["GET"]),
    Route("/api/batches/{batch_id}", delete_batch, methods=["DELETE"]),
    Route("/api/batches/{batch_id}/report.csv", _download("report"), methods=["GET"]),
    Route("/api/batches/{batch_id}/packets.zip", _download("zip"), methods=["GET"]),
    Route("/api/batches/{batch_id}/print.pdf", _download("print"), methods=["GET"]),
    Route("/api/batches/{batch_id}/cases/{case_id}/{name}", _download("case"), methods=["GET"]),
]
