"""Who is asking: a page request by its session cookie (no session: the login page), an API request by
its `Authorization: Bearer` token (none or a wrong one: 401), and every form by its CSRF token (403).

Cookies are HttpOnly and SameSite=Lax, and Secure when the request came over TLS (behind a reverse
proxy, uvicorn takes the scheme from X-Forwarded-Proto). The login form, used before there is a
session, carries a token that must match a cookie of its own.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response

from pipeline.common.i18n import N_
from pipeline.serve import accounts
from pipeline.serve.accounts import Session, User
from pipeline.serve.refusals import LoginRequired, Refusal
from pipeline.serve.server import Server

SESSION_COOKIE = "packets_session"
LOGIN_COOKIE = "packets_login"  # the login form's CSRF token, before there is a session
LANGUAGE_COOKIE = "packets_lang"


def server_of(request: Request) -> Server:
    return request.app.state.server


def address(request: Request) -> str:
    return request.client.host if request.client else ""


def session_of(request: Request) -> Session | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    session = accounts.session_for(server_of(request).store, cookie) if cookie else None
    request.state.session = session
    return session


def page_session(request: Request) -> Session:
    session = session_of(request)
    if session is None:
        raise LoginRequired
    return session


def api_user(request: Request) -> User:
    kind, _, token = request.headers.get("authorization", "").partition(" ")
    user = accounts.user_for_token(server_of(request).store, token.strip()) if kind.lower() == "bearer" else None
    if user is None:
        raise Refusal(401, N_("需要有效的 API 令牌（Authorization: Bearer …）；令牌由管理员用 packets user token 生成"))
    return user


def check_csrf(expected: str | None, sent) -> None:
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise Refusal(403, N_("表单已过期或来源不明（缺少安全令牌），请返回上一页刷新后重试"))


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def forget_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
