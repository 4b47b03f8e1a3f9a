"""The server's state in one SQLite file under --data: users, tokens, sessions, batches, the rows a
check found, failed logins and the access log. Every process (the server, its build and check
processes, `packets user …` while the server runs) opens its own short-lived connections; WAL lets
readers and the one writer proceed side by side.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pipeline.output.files import FILE_MODE, private_folder

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a new user must not inherit old batches
    name TEXT NOT NULL UNIQUE,
    password TEXT NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    digest TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    at REAL NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_at ON login_failures(at);
CREATE TABLE IF NOT EXISTS batches (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    packet_date TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    duplex INTEGER NOT NULL DEFAULT 0,
    print_file INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT 'zh',
    created REAL NOT NULL,
    queued REAL,
    started REAL,
    finished REAL,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    ok INTEGER NOT NULL DEFAULT 0,
    invalid INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',  -- why it failed, in its owner's language
    notices TEXT NOT NULL DEFAULT '',  -- file-level remarks of the check or build, one per line
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS batches_user ON batches(user_id, created);
CREATE INDEX IF NOT EXISTS batches_status ON batches(status, queued);
CREATE TABLE IF NOT EXISTS checked_rows (
    batch_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    source TEXT NOT NULL,
    row INTEGER NOT NULL,
    case_id TEXT NOT NULL,
    status TEXT NOT NULL,
    problems TEXT NOT NULL,  -- JSON: [{"column", "message", "warning"}]
    PRIMARY KEY (batch_id, seq)
);
CREATE TABLE IF NOT EXISTS access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    user TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    batch_id TEXT NOT NULL DEFAULT '',
    case_id TEXT NOT NULL DEFAULT '',
    item TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS access_log_batch ON access_log(batch_id);
"""


class Store:
    """The database file; `connect()` for a connection, `transaction()` for a write that must be whole."""

    def __init__(self, path: Path):
        self.path = path

    def initialise(self) -> Store:
        private_folder(self.path.parent)
        # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE))
        os.chmod(self.path, FILE_MODE)
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
        return self

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA foreign_keys=ON")
            # Deleted rows (a purged batch's checked rows) are overwritten, not left in free pages.
            db.execute("PRAGMA secure_delete=ON")
            yield db
        finally:
            db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
