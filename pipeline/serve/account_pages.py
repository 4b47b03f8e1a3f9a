"""Accounts in the browser: everyone changes their own password (the current one is checked through
the login gate, so guessing it here is limited as on the login page); an administrator adds,
disables, enables and removes accounts and resets passwords. Every form carries the CSRF token;
disabling and removing ask first; each change is a line in the access log (the account in `item`).
An administrator cannot disable or remove their own account (nor so lock the office out)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from pipeline.common.i18n import N_
from pipeline.serve import access_log, accounts
from pipeline.serve.access_log import Action
from pipeline.serve.accounts import AccountError, Session
from pipeline.serve.auth import SESSION_COOKIE, address, check_csrf, page_session, server_of, set_cookie
from pipeline.serve.logins import Refused
from pipeline.serve.refusals import Refusal

FORM_LIMITS = {"max_files": 0, "max_fields": 8, "max_part_size": 4096}
NOTICES = {  # ?done=… after a change: what the page then says
    "password": N_("密码已修改。"), "added": N_("已添加用户 {name}。"), "disabled": N_("已停用用户 {name}：该账户不能再登录。"),
    "enabled": N_("已启用用户 {name}。"), "removed": N_("已删除用户 {name}。"), "reset": N_("已重设用户 {name} 的密码。"),
}


def _log(request: Request, session: Session, action: Action, item: str = "") -> None:
    access_log.record(server_of(request).store, session.user.name, address(request), action, item=item)


def _notice(request: Request) -> str:
    _ = request.state.translate
    done, name = request.query_params.get("done", ""), request.query_params.get("name", "")[:40]
    return _(NOTICES[done]).format(name=name) if done in NOTICES else ""


async def account_page(request: Request, message: str = "", status: int = 200) -> Response:
    page_session(request)
    _ = request.state.translate
    return server_of(request).render(request, "account.html", title=_("我的账户"), status=status, message=message,
                                     notice=_notice(request), min_password=accounts.MIN_PASSWORD)


async def change_password(request: Request) -> Response:
    session = page_session(request)
    server = server_of(request)
    _ = request.state.translate
    form = await request.form(**FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    current, new, again = (str(form.get(k, ""))[:1024] for k in ("current", "new", "again"))
    if new != again:
        return await account_page(request, _("两次输入的新密码不一致"), 400)
    checked = await server.logins.attempt(server.store, session.user.name, current, address(request))
    if isinstance(checked, Refused):
        message = {Refused.WRONG: _("当前密码不正确"), Refused.BLOCKED: _("错误次数过多，请一分钟后再试"),
                   Refused.BUSY: _("服务器正忙，请几秒后再试")}[checked]
        return await account_page(request, message, 400 if checked is Refused.WRONG else 429)
    try:
        await run_in_threadpool(accounts.set_password, server.store, session.user.name, new)
    except AccountError as exc:
        return await account_page(request, exc.text(_), 400)
    _log(request, session, Action.PASSWORD_CHANGE)
    response = RedirectResponse("/account?done=password", status_code=303)  # other sessions ended; this one anew
    set_cookie(request, response, SESSION_COOKIE, accounts.open_session(server.store, session.user))
    return response


def _done(done: str, name: str) -> RedirectResponse:
    return RedirectResponse("/admin/users?" + urlencode({"done": done, "name": name}), status_code=303)


def _admin(request: Request) -> Session:
    session = page_session(request)
    if not session.user.admin:
        raise_not_found()
    return session


def raise_not_found():
    raise Refusal(404, N_("找不到这个页面或批次"))


async def users_page(request: Request, message: str = "", status: int = 200) -> Response:
    session = _admin(request)
    server = server_of(request)
    _ = request.state.translate
    return server.render(request, "users.html", title=_("用户管理"), status=status, message=message,
                         notice=_notice(request), users=accounts.list_users(server.store), me=session.user.name,
                         min_password=accounts.MIN_PASSWORD)


def _target(request: Request) -> accounts.User:
    name = request.path_params["name"]
    found = [u for u in accounts.list_users(server_of(request).store) if u.name == name]
    if not found:
        raise_not_found()
    return found[0]


async def add_user(request: Request) -> Response:
    session = _admin(request)
    server = server_of(request)
    _ = request.state.translate
    form = await request.form(**FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    name = str(form.get("name", "")).strip()[:100]
    password, again = str(form.get("password", ""))[:1024], str(form.get("again", ""))[:1024]
    if password != again:
        return await users_page(request, _("两次输入的密码不一致"), 400)
    try:
        await run_in_threadpool(accounts.add_user, server.store, name, password, form.get("admin") == "1")
    except AccountError as exc:
        return await users_page(request, exc.text(_), 400)
    _log(request, session, Action.USER_ADD, name)
    return _done("added", name)


async def reset_password(request: Request) -> Response:
    session = _admin(request)
    server = server_of(request)
    _ = request.state.translate
    target = _target(request)
    form = await request.form(**FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    try:
        await run_in_threadpool(accounts.set_password, server.store, target.name, str(form.get("password", ""))[:1024])
    except AccountError as exc:
        return await users_page(request, exc.text(_), 400)
    _log(request, session, Action.PASSWORD_RESET, target.name)
    response = _done("reset", target.name)
    if target.name == session.user.name:  # one's own sessions ended with the reset: this one anew
        set_cookie(request, response, SESSION_COOKIE, accounts.open_session(server.store, session.user))
    return response


CHANGES = {  # what a confirmed change does, what it is logged as, what the page then says
    "disable": (lambda store, name: accounts.set_disabled(store, name, True), Action.USER_DISABLE, "disabled"),
    "enable": (lambda store, name: accounts.set_disabled(store, name, False), Action.USER_ENABLE, "enabled"),
    "remove": (accounts.remove_user, Action.USER_REMOVE, "removed"),
}
QUESTIONS = {
    "disable": N_("停用用户 {name}？该账户将不能登录，正在使用的会话和 API 令牌立即失效；它的批次保留。以后可以重新启用。"),
    "enable": N_("启用用户 {name}？该账户将可以重新登录。"),
    "remove": N_("删除用户 {name}？账户、会话和 API 令牌立即删除，无法恢复；它的批次保留到到期自动删除。"),
}


async def confirm_change(request: Request) -> Response:
    session = _admin(request)
    _ = request.state.translate
    target, change = _target(request), request.path_params["change"]
    if change not in CHANGES or (target.name == session.user.name and change != "enable"):
        raise_not_found()
    return server_of(request).render(request, "user_change.html", title=_("用户管理"), target=target, change=change,
                                     question=_(QUESTIONS[change]).format(name=target.name))


async def make_change(request: Request) -> Response:
    session = _admin(request)
    server = server_of(request)
    target, change = _target(request), request.path_params["change"]
    if change not in CHANGES or (target.name == session.user.name and change != "enable"):
        raise_not_found()
    form = await request.form(**FORM_LIMITS)
    check_csrf(session.csrf, form.get("csrf"))
    act, action, done = CHANGES[change]
    await run_in_threadpool(act, server.store, target.name)
    _log(request, session, action, target.name)
    return _done(done, target.name)


routes = [
    Route("/account", account_page, methods=["GET"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/admin/users", users_page, methods=["GET"]),
    Route("/admin/users", add_user, methods=["POST"]),
    Route("/admin/users/{name}/password", reset_password, methods=["POST"]),
    Route("/admin/users/{name}/{change}", confirm_change, methods=["GET"]),
    Route("/admin/users/{name}/{change}", make_change, methods=["POST"]),
]
