"""The Starlette application: its routes (pages.py, api.py), the middleware every answer passes
through, and how problems are answered — a page or `{"error", "message"}` in the reader's language,
never a traceback (unexpected errors go, masked, to DATA/server.log).

Middleware, outermost first: Guard (the last word on any error), Language (which translator this
request gets), SecurityHeaders (CSP, no caching of personal data, no framing), BodyLimit (413 as
soon as a request is larger than any upload may be, before it is read).
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from pipeline.common.errors import UserProblem
from pipeline.common.i18n import N_
from pipeline.common.resources import shipped_path
from pipeline.common.safe_files import size_text
from pipeline.output.files import private_folder
from pipeline.serve import account_pages, api, help_pages, pages, row_fix
from pipeline.serve.auth import LANGUAGE_COOKIE
from pipeline.serve.refusals import LoginRequired, Refusal
from pipeline.serve.retention import Housekeeping, purge_expired
from pipeline.serve.server import Server
from pipeline.serve.settings import ServerSettings
from pipeline.serve.translations import chosen, translator

log = logging.getLogger("pipeline.serve")

ERROR_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "too_large", 429: "too_many_requests", 500: "internal_error"}
STATUS_MESSAGES = {
    400: N_("请求的格式不正确"),
    401: N_("需要登录"),
    403: N_("没有权限"),
    404: N_("找不到这个页面或批次"),
    405: N_("不支持这种请求方式"),
    413: N_("上传的内容超过大小上限"),
    429: N_("请求过于频繁，请稍后再试"),
    500: N_("服务器内部错误，已记录；请稍后再试或联系管理员"),
}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def is_api(request_or_scope) -> bool:
    path = request_or_scope["path"] if isinstance(request_or_scope, dict) else request_or_scope.url.path
    return path == "/api" or path.startswith("/api/")


def problem(request: Request, status: int, message: str) -> Response:
    if is_api(request):
        return JSONResponse({"error": ERROR_CODES.get(status, str(status)), "message": message}, status_code=status)
    server: Server = request.app.state.server
    _ = request.state.translate
    return server.render(request, "error.html", title=_("出错了"), status=status, message=message)


async def _user_problem(request: Request, exc: UserProblem) -> Response:
    """Every problem for the user, in one place: a Refusal with its status, any other one as 400."""
    status = exc.status if isinstance(exc, Refusal) else 400
    response = problem(request, status, exc.text(request.state.translate))
    if status == 401 and is_api(request):
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


async def _http_exception(request: Request, exc: HTTPException) -> Response:
    # Starlette's own detail (e.g. a multipart parser's) is in English and technical: a plain message instead.
    status = exc.status_code if exc.status_code in STATUS_MESSAGES else 400
    return problem(request, status, request.state.translate(STATUS_MESSAGES[status]))


async def _login_required(request: Request, exc: LoginRequired) -> Response:
    """The login page, then back where the reader was. A form sent with an expired session (an upload
    among them) cannot be kept: the login page says so, and returns to the form's page."""
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        query = urlencode({"next": target}) if target not in ("/", "/batches") else ""
    else:
        back = "/batches/new" if request.url.path == "/batches" else request.url.path.rsplit("/", 1)[0]
        query = urlencode({"next": back, "expired": "1"})
    return RedirectResponse("/login" + (f"?{query}" if query else ""), status_code=303)


# Starlette types a handler as taking any Exception; each of these takes the class it is registered for.
_HANDLERS: dict[Any, Any] = {UserProblem: _user_problem, HTTPException: _http_exception, LoginRequired: _login_required}


class Guard:
    """Any exception that reached this far: logged with its traceback (masked), answered in one line."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            message = translator(_language_of(scope))(STATUS_MESSAGES[500])
            if is_api(scope):
                response = JSONResponse({"error": ERROR_CODES[500], "message": message}, status_code=500)
            else:
                response = Response(message, status_code=500, media_type="text/plain; charset=utf-8")
            await response(scope, receive, send)


def _language_of(scope) -> str:
    headers = dict(scope.get("headers") or [])
    cookie = HTTPConnection(scope).cookies.get(LANGUAGE_COOKIE)
    if cookie is not None:
        return chosen(cookie)
    if is_api(scope) and headers.get(b"accept-language", b"").lower().startswith(b"en"):
        return "en"
    return chosen(None)


class Language:
    """The reader's language: the page switch's cookie; for the API also Accept-Language: en."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            language = _language_of(scope)
            scope.setdefault("state", {})
            scope["state"]["language"] = language
            scope["state"]["translate"] = translator(language)
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"), (b"referrer-policy", b"no-referrer")]
                if not scope["path"].startswith("/static/"):
                    headers.append((b"cache-control", b"no-store"))  # pages and files hold personal data
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """413 for a request body larger than the largest upload allowed — by its Content-Length before a
    byte is read, or by counting when it has none. Raised where the handler reads the body, so that
    the handler has checked who is asking first."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        received = 0

        async def counting_receive():
            nonlocal received
            if declared.isdigit() and int(declared) > limit:
                raise too_large(limit)
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise too_large(limit)
            return message

        await self.app(scope, counting_receive, send)


def too_large(limit: int) -> Refusal:
    return Refusal(413, N_("上传的内容超过大小上限（共 {limit}），请拆分后分批上传"), limit=size_text(limit))


def create_app(settings: ServerSettings) -> Starlette:
    server = Server(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        private_folder(settings.data)
        private_folder(settings.batches)
        server.store.initialise()
        server.jobs.recover()
        purge_expired(server.jobs, settings.retain_days)
        if settings.run_jobs:
            server.jobs.start()
        housekeeping = Housekeeping(server.jobs)
        housekeeping.start()
        try:
            yield
        finally:
            server.jobs.stop()

    app = Starlette(
        routes=[*pages.routes, *row_fix.routes, *help_pages.routes, *account_pages.routes, *api.routes,
                Mount("/static", app=StaticFiles(directory=shipped_path("serve", "static")), name="static")],
        middleware=[Middleware(Guard), Middleware(Language), Middleware(SecurityHeaders),
                    Middleware(BodyLimit, limit=settings.max_request_bytes)],
        exception_handlers=_HANDLERS,
        lifespan=lifespan,
    )
    app.state.server = server
    return app
