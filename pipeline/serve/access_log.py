"""The access log: who uploaded, checked, built, viewed, downloaded or deleted which batch, when and
from which address, and who changed which account (the account's name in `item`). It names batches and cases by their ids only — never a borrower's name, ID
number, phone or a file name — and it is kept when the batch itself is deleted."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

from pipeline.common.i18n import N_
from pipeline.serve.store import Store

SYSTEM = "-"  # the server itself (retention)


class Action(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    UPLOAD = "upload"
    BUILD = "build"
    CORRECT = "correct"  # a row fixed in the browser; `item` is its row number
    STOP = "stop"
    VIEW = "view"
    DOWNLOAD = "download"
    DELETE = "delete"
    PURGE = "purge"  # deleted by retention
    PASSWORD_CHANGE = "password_change"  # by the account's owner
    USER_ADD = "user_add"  # by an administrator; `item` names the account
    USER_DISABLE = "user_disable"
    USER_ENABLE = "user_enable"
    USER_REMOVE = "user_remove"
    PASSWORD_RESET = "password_reset"


# How the access log page names each action (the database keeps the English word, for scripts).
ACTION_LABELS = {
    Action.LOGIN: N_("登录"), Action.LOGIN_FAILED: N_("登录失败"), Action.LOGOUT: N_("退出"),
    Action.UPLOAD: N_("上传"), Action.BUILD: N_("生成"), Action.CORRECT: N_("改正一行"), Action.STOP: N_("停止生成"), Action.VIEW: N_("查看"),
    Action.DOWNLOAD: N_("下载"), Action.DELETE: N_("删除"), Action.PURGE: N_("到期自动删除"),
    Action.PASSWORD_CHANGE: N_("修改自己的密码"), Action.USER_ADD: N_("添加用户"), Action.USER_DISABLE: N_("停用用户"),
    Action.USER_ENABLE: N_("启用用户"), Action.USER_REMOVE: N_("删除用户"), Action.PASSWORD_RESET: N_("重设密码"),
}


@dataclass(frozen=True)
class Entry:
    at: float
    user: str
    address: str
    action: str
    batch_id: str
    case_id: str
    item: str


def record(store: Store, user: str, address: str, action: Action, batch_id: str = "", case_id: str = "",
           item: str = "") -> None:
    with store.connect() as db:
        db.execute("INSERT INTO access_log (at, user, address, action, batch_id, case_id, item)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)", (time.time(), user, address, action, batch_id, case_id, item))


def entries(store: Store, batch_id: str | None = None, limit: int = 500, offset: int = 0) -> list[Entry]:
    query = "SELECT at, user, address, action, batch_id, case_id, item FROM access_log"
    values: tuple = ()
    if batch_id is not None:
        query += " WHERE batch_id = ?"
        values = (batch_id,)
    with store.connect() as db:
        rows = db.execute(query + " ORDER BY id DESC LIMIT ? OFFSET ?", (*values, limit, offset)).fetchall()
    return [Entry(**dict(row)) for row in rows]
