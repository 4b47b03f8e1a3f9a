"""Logging in, limited so that a burst of guesses gets almost nothing through and an attacker
elsewhere cannot lock the real user out:

- failed logins are counted per account *from one address* (LOGIN_FAILURES a minute) and per
  address whatever the account (ADDRESS_FAILURES a minute, against guessing across accounts) —
  never per account alone, which anyone anywhere could use to lock an account;
- an attempt is counted before its password is checked, in the same transaction that looked at the
  counts, and uncounted only when the password was right: the counters hold across the check, so
  forty attempts sent at once still get LOGIN_FAILURES checks;
- at most one password check is in flight per account (a second attempt meanwhile is answered at
  once) and at most ARGON2_AT_ONCE for the whole server (each is an argon2 hash: a burst of them
  would stop the server answering anyone); an attempt that waits longer than WAIT for its turn is
  told the server is busy.
"""

from __future__ import annotations

import asyncio
import time
from enum import Enum

from starlette.concurrency import run_in_threadpool

from pipeline.serve import accounts
from pipeline.serve.accounts import User
from pipeline.serve.store import Store

LOGIN_WINDOW = 60.0  # seconds over which failed logins are counted
LOGIN_FAILURES = 5  # per account from one address
ADDRESS_FAILURES = 20  # per address, whatever the accounts
ARGON2_AT_ONCE = 2  # password checks running at once in the whole server
WAIT = 5.0  # seconds an attempt may wait for a free check


class Refused(Enum):
    WRONG = "wrong"  # checked: no such account, or the wrong password
    BLOCKED = "blocked"  # too many failures from this address (for this account, or for all)
    BUSY = "busy"  # a check for this account is in flight, or the server's checks are all taken


def _reserve(store: Store, name: str, address: str, now: float) -> int | None:
    """Count this attempt as a failure unless the limits are reached; its row id, or None (blocked)."""
    with store.transaction() as db:
        pair, anywhere = db.execute(
            "SELECT COALESCE(SUM(name = ?), 0), COUNT(*) FROM login_failures WHERE address = ? AND at > ?",
            (name, address, now - LOGIN_WINDOW)).fetchone()
        if pair >= LOGIN_FAILURES or anywhere >= ADDRESS_FAILURES:
            return None
        return db.execute("INSERT INTO login_failures (at, name, address) VALUES (?, ?, ?)",
                          (now, name, address)).lastrowid


def _uncount(store: Store, attempt: int) -> None:
    with store.connect() as db:
        db.execute("DELETE FROM login_failures WHERE rowid = ?", (attempt,))


class PasswordChecks:
    """The server's gate for password checks (one per server; used from its event loop only)."""

    def __init__(self, at_once: int = ARGON2_AT_ONCE):
        self.slots = asyncio.Semaphore(at_once)
        self.in_flight: set[str] = set()  # accounts with an attempt being handled

    async def attempt(self, store: Store, name: str, password: str, address: str) -> User | Refused:
        if name in self.in_flight:
            return Refused.BUSY
        self.in_flight.add(name)
        try:
            attempt = await run_in_threadpool(_reserve, store, name, address, time.time())
            if attempt is None:
                return Refused.BLOCKED
            try:
                await asyncio.wait_for(self.slots.acquire(), WAIT)
            except TimeoutError:
                await run_in_threadpool(_uncount, store, attempt)  # not checked: not a failure
                return Refused.BUSY
            try:
                user = await run_in_threadpool(accounts.check_password, store, name, password)
            finally:
                self.slots.release()
            if user is None:
                return Refused.WRONG
            await run_in_threadpool(_uncount, store, attempt)
            return user
        finally:
            self.in_flight.discard(name)
