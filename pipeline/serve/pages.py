"""The pages staff use, server-rendered and working without JavaScript: log in, upload a spreadsheet
(and evidence), see every row's problems before anything is built, build, watch the progress, download
the results; the history of one's own batches, each deletable; the access log for administrators.

Every form carries the session's CSRF token; every batch is looked up with its owner, so another
user's batch is "not found". Page titles never name a file or a borrower.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline.common import packet_date as date_range
from pipeline.common.i18n import N_
from pipeline.output.report import STATUS_LABELS
from pipeline.serve import access_log, accounts, batches, downloads
from pipeline.serve.access_log import Action
from pipeline.serve.auth import (
    LANGUAGE_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    address,
    check_csrf,
    forget_cookie,
    new_login_token,
    page_session,
    server_of,
    session_of,
    set_cookie,
)
from pipeline.serve.batch_notes import checked_page
from pipeline.serve.batches import Batch, BatchStatus
from pipeline.serve.cases import grouped, masked_name
from pipeline.serve.file_labels import labelled
from pipeline.serve.jobs import CHECK_DIED, DIED, GAVE_UP
from pipeline.serve.logins import Refused
from pipeline.serve.refusals import Refusal
from pipeline.serve.server import Server, duration
from pipeline.serve.submissions import FORM_LIMITS, TRUE, receive
from pipeline.serve.translations import Translate, chosen
from pipeline.serve.work import INTERNAL_ERROR

PAGE_SIZE = 200
# The check's rows: each carries its problems in full, so a page of them is long already.
CHECK_PAGE_SIZE = 100
ESTIMATE_AFTER = 5  # rows done (and a tenth of the batch) before a rate and a time left are shown
LOGIN_FORM_LIMITS = {"max_files": 0, "max_fields": 5, "max_part_size": 4096}
BATCH_STATUS_LABELS = {
    BatchStatus.UPLOADED: N_("等待检查"),
    BatchStatus.CHECKING: N_("检查中"),
    BatchStatus.CHECKED: N_("已检查，待生成"),
    BatchStatus.QUEUED: N_("排队中"),
    BatchStatus.RUNNING: N_("生成中"),
    BatchStatus.DONE: N_("已完成"),
    BatchStatus.FAILED: N_("未能完成"),
    BatchStatus.STOPPED: N_("已停止"),
    BatchStatus.DELETING: N_("删除中"),
}
CHECKED_LABELS = {"ok": N_("可以生成"), "invalid": N_("无效")}


def owned(request: Request, user_id: int) -> Batch:
    batch = batches.owned(server_of(request).store, request.path_params["batch_id"], user_id)
    if batch is None:
        raise Refusal(404, N_("找不到这个批次（可能已被删除）"))
    return batch


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return max(int(text), 1) if text.isdigit() and len(text) < 7 else 1


def log_action(request: Request, user: str, action: Action, batch_id: str = "", case_id: str = "", item: str = "") -> None:
    access_log.record(server_of(request).store, user, address(request), action, batch_id, case_id, item)


async def home(request: Request) -> Response:
    return RedirectResponse("/batches" if session_of(request) else "/login", status_code=303)


def safe_target(target: str, default: str = "/batches") -> str:
    """A path on this site to go on to (never another site: an open redirect), else `default`."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _login_page(request: Request, message: str | None = None, status: int = 200, next_page: str = "",
                expired: bool = False) -> Response:
    _ = request.state.translate
    token = new_login_token()
    response = server_of(request).render(request, "login.html", title=_("登录"), status=status,
                                         login_token=token, message=message, next_page=next_page, expired=expired)
    set_cookie(request, response, LOGIN_COOKIE, token)
    return response


async def login_form(request: Request) -> Response:
    next_page = safe_target(request.query_params.get("next", ""), "")
    if session_of(request):
        return RedirectResponse(next_page or "/batches", status_code=303)
    return _login_page(request, next_page=next_page, expired=request.query_params.get("expired") == "1")


async def login(request: Request) -> Response:
    server = server_of(request)
    _ = request.state.translate
    form = await request.form(**LOGIN_FORM_LIMITS)
    check_csrf(request.cookies.get(LOGIN_COOKIE), form.get("csrf"))
    name = str(form.get("name", "")).strip()[:100]
    password = str(form.get("password", ""))[:1024]
    next_page = safe_target(str(form.get("next", "")), "")
    user = await server.logins.attempt(server.store, name, password, address(request))
    if user is Refused.BLOCKED:
        return _login_page(request, _("登录失败次数过多，请一分钟后再试"), status=429, next_page=next_page)
    if user is Refused.BUSY:
        return _login_page(request, _("正在验证这个账户的另一次登录，或服务器正忙：请几秒后再试"), status=429,
                           next_page=next_page)
    if user is Refused.WRONG:
        known = any(u.name == name for u in accounts.list_users(server.store))
        log_action(request, name if known else "?", Action.LOGIN_FAILED)
        return _login_page(request, _("用户名或密码不正确"), status=401, next_page=next_page)
    response = RedirectResponse(next_page or "/batches", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, accounts.open_session(server.store, user))
    forget_cookie(request, response, LOGIN_COOKIE)
    log_action(request, user.name, Action.LOGIN)
    return response


async def logout(request: Request) -> Response:
    session = page_session(request)
    form = await request.form(**LOGIN_FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    accounts.close_session(server_of(request).store, request.cookies[SESSION_COOKIE])
    log_action(request, session.user.name, Action.LOGOUT)
    response = RedirectResponse("/login", status_code=303)
    forget_cookie(request, response, SESSION_COOKIE)
    return response


async def choose_language(request: Request) -> Response:
    """The language switch: a cookie, then back to the page it was clicked on (on this site only)."""
    response = RedirectResponse(safe_target(request.query_params.get("next", "/"), "/"), status_code=303)
    set_cookie(request, response, LANGUAGE_COOKIE, chosen(request.path_params["code"]), max_age=365 * 86400)
    return response


async def history(request: Request) -> Response:
    session = page_session(request)
    server = server_of(request)
    _ = request.state.translate
    deleted = request.query_params.get("deleted", "")
    return server.render(request, "batches.html", title=_("我的批次"),
                         batches=[b for b in batches.of_user(server.store, session.user.id) if not refused_at_check(b)],
                         labels=BATCH_STATUS_LABELS,
                         deleted=int(deleted) if deleted.isdigit() and len(deleted) < 12 else None,
                         retain_days=server.settings.retain_days)


def _new_page(request: Request, server: Server, message: str | None = None, status: int = 200,
              chosen: dict | None = None) -> Response:
    """The upload form; after a refusal, with the reason and every choice the reader had made."""
    _ = request.state.translate
    chosen = {"date": time.strftime("%Y-%m-%d"), "organisation": "", "duplex": False, "print_file": False,
              "tagged": False, **(chosen or {})}
    return server.render(request, "new.html", title=_("新建批次"), status=status, message=message,
                         profiles=server.profiles(), chosen=chosen, refused=message is not None,
                         date_range={"first": date_range.FIRST.isoformat(), "last": date_range.LAST.isoformat()},
                         limits={"sheet": server.settings.max_sheet_bytes // 2**20,
                                 "evidence": server.settings.max_evidence_bytes // 2**20})


def _choices(form) -> dict:
    """What the reader chose on the form, as sent (shown again, never trusted: receive() checks it)."""
    def text(name: str) -> str:
        value = form.get(name, "")
        return value.strip()[:40] if isinstance(value, str) else ""

    return {"date": text("date"), "organisation": text("organisation"),
            "duplex": text("duplex").lower() in TRUE, "print_file": text("print_file").lower() in TRUE,
            "tagged": text("tagged").lower() in TRUE}


async def new_batch(request: Request) -> Response:
    page_session(request)
    return _new_page(request, server_of(request))


async def upload(request: Request) -> Response:
    session = page_session(request)  # before a byte of the upload is read
    server = server_of(request)
    try:
        form = await request.form(**FORM_LIMITS)
    except Refusal as refusal:  # larger than any upload may be: stopped before it was read
        return _new_page(request, server, refusal.text(request.state.translate), status=refusal.status)
    try:
        check_csrf(session.csrf, form.get("csrf"))
        try:
            batch = await run_in_threadpool(receive, server, session.user.id, form, request.state.language,
                                            BatchStatus.UPLOADED)
        except Refusal as refusal:  # too large, wrong type, over quota…: said on the form itself
            return _new_page(request, server, refusal.text(request.state.translate), status=refusal.status,
                             chosen=_choices(form))
    finally:
        await form.close()
    log_action(request, session.user.name, Action.UPLOAD, batch.id)
    server.jobs.wake()
    return RedirectResponse(f"/batches/{batch.id}", status_code=303)


def progress_of(server: Server, batch: Batch, _: Translate) -> dict:
    """The figures the progress page shows, and the same as JSON for its script."""
    ahead = batches.ahead_of(server.store, batch)
    # The first packets pay for LibreOffice's start: a rate from them says little about the rest.
    meaningful = batch.done >= max(ESTIMATE_AFTER, batch.total // 10)
    rate, eta = (batch.rate(), batch.eta()) if meaningful else (0.0, None)
    if batch.status == BatchStatus.QUEUED:
        status = _("排队中：前面还有 {count} 个批次").format(count=ahead) if ahead else _("排队中，即将开始")
    else:
        status = _(BATCH_STATUS_LABELS[batch.status])
    return {
        "status": batch.status, "finished": batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING,
                                                               BatchStatus.UPLOADED, BatchStatus.CHECKING),
        "total": batch.total, "done": batch.done, "ok": batch.ok, "invalid": batch.invalid, "failed": batch.failed,
        "ahead": ahead, "rate": round(rate, 2), "eta": round(eta) if eta is not None else None,
        "text": {
            "status": status,
            "count": _("已处理 {done} / {total} 行（成功 {ok}，无效 {invalid}，失败 {failed}）").format(
                done=batch.done, total=batch.total, ok=batch.ok, invalid=batch.invalid, failed=batch.failed),
            "rate": _("速度：每秒 {rate:.1f} 行").format(rate=rate) if rate else "",
            "eta": _("预计还需 {time}").format(time=duration(eta, _)) if eta is not None else "",
        },
    }


SERVER_REASONS = (GAVE_UP, DIED, CHECK_DIED, INTERNAL_ERROR)  # failures of the server, not of the upload


def refused_at_check(batch: Batch) -> bool:
    """A sheet the check could not read at all (a missing column, a damaged file): a refusal of the
    upload, answered on the form — not a batch to list."""
    return batch.status == BatchStatus.FAILED and batch.started is None and batch.reason not in SERVER_REASONS


async def batch_page(request: Request) -> Response:
    session = page_session(request)
    server = server_of(request)
    batch = owned(request, session.user.id)
    _ = request.state.translate
    if refused_at_check(batch):  # said on the form, with the choices; the batch goes
        chosen = {"date": batch.packet_date.isoformat(), "organisation": batch.organisation, "duplex": batch.duplex,
                  "print_file": batch.print_file, "tagged": batch.tagged}
        message = _("案件表“{source}”无法使用：{reason}").format(source=batch.source, reason=_(batch.reason))
        await run_in_threadpool(server.jobs.delete, batch)
        return _new_page(request, server, message, status=400, chosen=chosen)
    log_action(request, session.user.name, Action.VIEW, batch.id)
    page = _page_number(request)
    profiles = {p.key: p.name for p in server.profiles()}
    common: dict[str, Any] = {"batch": batch, "labels": BATCH_STATUS_LABELS, "page": page, "page_size": PAGE_SIZE,
              "notices": [n for n in batch.notices.splitlines() if n],
              "letterhead": profiles.get(batch.organisation, batch.organisation)}
    short = batch.id[:8]
    if batch.status in (BatchStatus.UPLOADED, BatchStatus.CHECKING):
        return server.render(request, "checking.html", title=_("批次 {id} · 检查中").format(id=short),
                             progress=progress_of(server, batch, _), **common)
    if batch.status == BatchStatus.CHECKED:
        problems_only = request.query_params.get("show") == "problems"
        found = checked_page(server.store.batch_folder(batch.id), (page - 1) * CHECK_PAGE_SIZE, CHECK_PAGE_SIZE,
                             problems_only)
        return server.render(request, "checked.html", title=_("批次 {id} · 检查结果").format(id=short),
                             rows=found.rows, found=found, problems_only=problems_only, row_labels=CHECKED_LABELS,
                             pages=max(1, -(-found.matching // CHECK_PAGE_SIZE)),
                             **{**common, "page_size": CHECK_PAGE_SIZE})
    if batch.status in (BatchStatus.QUEUED, BatchStatus.RUNNING):
        return server.render(request, "progress.html", title=_("批次 {id} · 生成中").format(id=short),
                             progress=progress_of(server, batch, _), **common)
    if batch.status == BatchStatus.STOPPED:
        return server.render(request, "stopped.html", title=_("批次 {id} · 已停止").format(id=short), **common)
    lines = list(downloads.report_lines(server.settings, batch, (page - 1) * PAGE_SIZE, PAGE_SIZE))
    return server.render(request, "results.html", title=_("批次 {id} · 结果").format(id=short), lines=lines,
                         cases=grouped(lines, downloads.out_folder(server.settings, batch)), row_labels=STATUS_LABELS,
                         masked=masked_name, labelled=lambda names: labelled(names, _),
                         has_print=downloads.print_file_path(server.settings, batch) is not None, **common)


async def case_page(request: Request) -> Response:
    """One case of a finished batch: the borrower, every row (debt) of it, every file its folder holds."""
    session = page_session(request)
    server = server_of(request)
    batch = owned(request, session.user.id)
    case_id = request.path_params["case_id"]
    if batch.status != BatchStatus.DONE or not downloads.CASE_ID.match(case_id):
        raise Refusal(404, downloads.NOT_FOUND)
    lines = [line for line in downloads.report_lines(server.settings, batch) if line.case_id == case_id]
    if not lines:
        raise Refusal(404, downloads.NOT_FOUND)
    (case,) = grouped(lines, downloads.out_folder(server.settings, batch))
    log_action(request, session.user.name, Action.VIEW, batch.id, case_id)
    _ = request.state.translate
    return server.render(request, "case.html", title=_("批次 {id} · 案件 {case}").format(id=batch.id[:8], case=case_id),
                         batch=batch, case=case, files=labelled(case.files, _), row_labels=STATUS_LABELS)


async def progress(request: Request) -> Response:
    """The figures for the page's script: 401 without a valid session and 404 for a batch that is gone
    (as JSON, never the login page), so that the page can say why it stopped."""
    _ = request.state.translate
    session = session_of(request)
    if session is None:
        return JSONResponse({"error": "unauthorized", "message": _("登录已过期")}, status_code=401)
    batch = batches.owned(server_of(request).store, request.path_params["batch_id"], session.user.id)
    if batch is None:
        return JSONResponse({"error": "not_found", "message": _("找不到这个批次（可能已被删除）")}, status_code=404)
    return JSONResponse(progress_of(server_of(request), batch, _))


async def build(request: Request) -> Response:
    session = page_session(request)
    server = server_of(request)
    form = await request.form(**LOGIN_FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    batch = owned(request, session.user.id)
    if batches.enqueue(server.store, batch):
        log_action(request, session.user.name, Action.BUILD, batch.id)
        server.jobs.wake()
    return RedirectResponse(f"/batches/{batch.id}", status_code=303)


async def confirm_delete(request: Request) -> Response:
    """The step before deleting (no JavaScript needed): what will go, and a button to confirm."""
    session = page_session(request)
    server = server_of(request)
    batch = owned(request, session.user.id)
    _ = request.state.translate
    return server.render(request, "delete.html", title=_("删除批次"), batch=batch, labels=BATCH_STATUS_LABELS)


async def delete(request: Request) -> Response:
    session = page_session(request)
    server = server_of(request)
    form = await request.form(**LOGIN_FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    batch = owned(request, session.user.id)
    await run_in_threadpool(server.jobs.delete, batch)
    log_action(request, session.user.name, Action.DELETE, batch.id)
    return RedirectResponse(f"/batches?deleted={int(batch.created)}", status_code=303)


async def stop(request: Request) -> Response:
    """停止生成: the build stops; the upload and the packets built so far stay, to be started again."""
    session = page_session(request)
    server = server_of(request)
    form = await request.form(**LOGIN_FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    batch = owned(request, session.user.id)
    if await run_in_threadpool(server.jobs.halt, batch):
        log_action(request, session.user.name, Action.STOP, batch.id)
    return RedirectResponse(f"/batches/{batch.id}", status_code=303)


def _download(what: str):
    """A page route for one kind of download of the user's finished batch (the API has its own)."""

    async def endpoint(request: Request) -> Response:
        session = page_session(request)
        batch = owned(request, session.user.id)
        if batch.status != BatchStatus.DONE:
            raise Refusal(404, downloads.NOT_FOUND)
        case_id, name = request.path_params.get("case_id", ""), request.path_params.get("name", "")
        response, item = downloads.answer(server_of(request).settings, batch, what, case_id, name,
                                          request.state.translate)
        log_action(request, session.user.name, Action.DOWNLOAD, batch.id, case_id, item)
        return response

    return endpoint


async def access_log_page(request: Request) -> Response:
    session = page_session(request)
    if not session.user.admin:
        raise Refusal(404, N_("找不到这个页面或批次"))
    page = _page_number(request)
    entries = access_log.entries(server_of(request).store, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    _ = request.state.translate
    return server_of(request).render(request, "access_log.html", title=_("访问记录"), entries=entries,
                                     page=page, page_size=PAGE_SIZE, actions=access_log.ACTION_LABELS)


routes = [
    Route("/", home),
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/language/{code}", choose_language),
    Route("/batches", history, methods=["GET"]),
    Route("/batches", upload, methods=["POST"]),
    Route("/batches/new", new_batch),
    Route("/batches/{batch_id}", batch_page),
    Route("/batches/{batch_id}/progress", progress),
    Route("/batches/{batch_id}/build", build, methods=["POST"]),
    Route("/batches/{batch_id}/delete", confirm_delete, methods=["GET"]),
    Route("/batches/{batch_id}/delete", delete, methods=["POST"]),
    Route("/batches/{batch_id}/stop", stop, methods=["POST"]),
    Route("/batches/{batch_id}/report.csv", _download("report")),
    Route("/batches/{batch_id}/report.xlsx", _download("workbook")),
    Route("/batches/{batch_id}/cases/{case_id}", case_page),
    Route("/batches/{batch_id}/packets.zip", _download("zip")),
    Route("/batches/{batch_id}/print.pdf", _download("print")),
    Route("/batches/{batch_id}/cases/{case_id}/{name}", _download("case")),
    Route("/admin/access-log", access_log_page),
]
