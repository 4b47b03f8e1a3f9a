"""Staff accounts: argon2 password hashes, API tokens and login sessions (logins.py limits logging in).

Tokens and session cookies are random; only their SHA-256 digests are stored, so a copy of the
database opens no account. Users are added and removed with `packets user …`, also while the
server runs (it reads the same database).
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.common.errors import UserProblem
from pipeline.common.i18n import N_, _
from pipeline.serve.store import Store

NAME = re.compile(r"^[\w.@-]{1,40}$")
MIN_PASSWORD = 8
SESSION_IDLE = 12 * 3600  # seconds without a request before a session ends

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Compared against when the name is unknown, so that a wrong name takes as long as a wrong password."""
    return _hasher.hash(secrets.token_hex(16))


class AccountError(UserProblem):
    """An account request that cannot be done (`packets user …` or the accounts pages): a message id
    and its values, in the terminal's language as str(), in a page's with text(_)."""

    def __init__(self, message: str, **values):
        super().__init__(message)
        self.message = message
        self.values = values

    def text(self, translate) -> str:
        return translate(self.message).format(**self.values)

    def __str__(self) -> str:
        return self.text(_)


@dataclass(frozen=True)
class User:
    id: int
    name: str
    admin: bool
    disabled: bool = False


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _user(row) -> User:
    return User(row["id"], row["name"], bool(row["admin"]), bool(row["disabled"]) if "disabled" in row.keys() else False)


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("密码至少需要{count}个字符"), count=MIN_PASSWORD)


def add_user(store: Store, name: str, password: str, admin: bool = False) -> User:
    if not NAME.match(name):
        raise AccountError(N_("用户名只能包含字母、数字、汉字和 . _ - @，最长40个字符：{name}"), name=name)
    _check_password_rules(password)
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise AccountError(N_("用户 {name} 已存在"), name=name)
        cursor = db.execute("INSERT INTO users (name, password, admin, created) VALUES (?, ?, ?, ?)",
                            (name, _hasher.hash(password), int(admin), time.time()))
    assert cursor.lastrowid is not None  # set by the INSERT just made
    return User(cursor.lastrowid, name, admin)


def remove_user(store: Store, name: str) -> None:
    """The account, its sessions and tokens go at once; its batches stay until retention deletes them."""
    with store.transaction() as db:
        if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
            raise AccountError(N_("没有用户 {name}"), name=name)


def list_users(store: Store) -> list[User]:
    with store.connect() as db:
        return [_user(row) for row in db.execute("SELECT id, name, admin, disabled FROM users ORDER BY name")]


def set_password(store: Store, name: str, password: str) -> None:
    """A new password (changed by its owner or reset by an administrator): every session of the
    account ends, so that whoever knew the old one is logged out too."""
    _check_password_rules(password)
    with store.transaction() as db:
        row = db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(N_("没有用户 {name}"), name=name)
        db.execute("UPDATE users SET password = ? WHERE id = ?", (_hasher.hash(password), row["id"]))
        db.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],))


def set_disabled(store: Store, name: str, disabled: bool) -> None:
    """A disabled account cannot log in, and its sessions and API token stop working at once; its
    batches stay (retention deletes them as usual). Enabling it again restores the token."""
    with store.transaction() as db:
        row = db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(N_("没有用户 {name}"), name=name)
        db.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), row["id"]))
        if disabled:
            db.execute("DELETE FROM sessions WHERE user_id = ?", (row["id"],))


def new_token(store: Store, name: str) -> str:
    """A new API token for `name`; the user's earlier tokens stop working."""
    token = secrets.token_urlsafe(32)
    with store.transaction() as db:
        row = db.execute("SELECT id FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountError(N_("没有用户 {name}"), name=name)
        db.execute("DELETE FROM tokens WHERE user_id = ?", (row["id"],))
        db.execute("INSERT INTO tokens (digest, user_id, created) VALUES (?, ?, ?)",
                   (_digest(token), row["id"], time.time()))
    return token


def user_for_token(store: Store, token: str) -> User | None:
    with store.connect() as db:
        row = db.execute("SELECT users.id, users.name, users.admin, users.disabled FROM tokens"
                         " JOIN users ON users.id = tokens.user_id WHERE tokens.digest = ? AND users.disabled = 0",
                         (_digest(token),)).fetchone()
    return _user(row) if row else None


def check_password(store: Store, name: str, password: str) -> User | None:
    with store.connect() as db:
        row = db.execute("SELECT id, name, admin, disabled, password FROM users WHERE name = ? AND disabled = 0",
                         (name,)).fetchone()
    try:
        _hasher.verify(row["password"] if row else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    return _user(row) if row else None


def open_session(store: Store, user: User) -> str:
    """A new session for `user`; returns the cookie value."""
    cookie = secrets.token_urlsafe(32)
    now = time.time()
    with store.connect() as db:
        db.execute("INSERT INTO sessions (digest, user_id, csrf, created, seen) VALUES (?, ?, ?, ?, ?)",
                   (_digest(cookie), user.id, secrets.token_urlsafe(32), now, now))
    return cookie


def session_for(store: Store, cookie: str) -> Session | None:
    now = time.time()
    with store.connect() as db:
        row = db.execute("SELECT users.id, users.name, users.admin, users.disabled, sessions.csrf, sessions.seen"
                         " FROM sessions JOIN users ON users.id = sessions.user_id"
                         " WHERE sessions.digest = ? AND users.disabled = 0", (_digest(cookie),)).fetchone()
        if row is None or row["seen"] < now - SESSION_IDLE:
            return None
        if row["seen"] < now - 60:  # one write a minute at most per session
            db.execute("UPDATE sessions SET seen = ? WHERE digest = ?", (now, _digest(cookie)))
    return Session(_user(row), row["csrf"])


def close_session(store: Store, cookie: str) -> None:
    with store.connect() as db:
        db.execute("DELETE FROM sessions WHERE digest = ?", (_digest(cookie),))


def forget_stale(store: Store, now: float | None = None) -> None:
    """Expired sessions and failed logins older than a day (the limit only looks back a minute)."""
    now = now or time.time()
    with store.connect() as db:
        db.execute("DELETE FROM sessions WHERE seen < ?", (now - SESSION_IDLE,))
        db.execute("DELETE FROM login_failures WHERE at < ?", (now - 86400,))
