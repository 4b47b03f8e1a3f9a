"""The server's state in one SQLite file under --data: users, tokens, sessions, batches, failed logins
and the access log — no personal data: what a batch knows of its upload (the file's name, the rows
its check found, why it failed) stays in the batch's own folder (batch_notes.py). Every process (the server, its build and check
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
from pipeline.serve.batch_notes import write_note

BATCH_FOLDERS = "batches"  # DATA/batches/<id>, beside the database
# Columns and a table that held what came from uploads; moved into the batch folders (batch_notes.py).
OLD_NOTE_COLUMNS = {"source": "source.txt", "reason": "reason.txt", "notices": "notices.txt"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a new user must not inherit old batches
    name TEXT NOT NULL UNIQUE,
    password TEXT NOT NULL,
    admin INTEGER NOT NULL DEFAULT 0,
    disabled INTEGER NOT NULL DEFAULT 0,
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
    packet_date TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    duplex INTEGER NOT NULL DEFAULT 0,
    print_file INTEGER NOT NULL DEFAULT 0,
    tagged INTEGER NOT NULL DEFAULT 0,
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
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS batches_user ON batches(user_id, created);
CREATE INDEX IF NOT EXISTS batches_status ON batches(status, queued);
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

    def batch_folder(self, batch_id: str) -> Path:
        return self.path.parent / BATCH_FOLDERS / batch_id

    def initialise(self) -> Store:
        private_folder(self.path.parent)
        # Created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE))
        os.chmod(self.path, FILE_MODE)
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            if "disabled" not in {row["name"] for row in db.execute("PRAGMA table_info(users)")}:  # older database
                db.execute("ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0")
            if "tagged" not in {row["name"] for row in db.execute("PRAGMA table_info(batches)")}:  # older database
                db.execute("ALTER TABLE batches ADD COLUMN tagged INTEGER NOT NULL DEFAULT 0")
            self._move_notes_out(db)
        return self

    def _move_notes_out(self, db: sqlite3.Connection) -> None:
        """A database from before the notes moved: each batch's file name, reason and notices go to its
        folder, the columns are dropped; checked batches are checked again (their rows go to the folder
        then) and the checked-rows table is dropped. secure_delete and the checkpoint leave no copy."""
        columns = {row["name"] for row in db.execute("PRAGMA table_info(batches)")}
        old = [c for c in OLD_NOTE_COLUMNS if c in columns]
        checked = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'checked_rows'").fetchone()
        if not old and not checked:
            return
        for row in db.execute(f"SELECT id, {', '.join(old)} FROM batches").fetchall() if old else []:
            folder = self.batch_folder(row["id"])
            for column in old:
                if folder.is_dir() and row[column]:
                    write_note(folder, OLD_NOTE_COLUMNS[column], row[column])
        for column in old:
            db.execute(f"ALTER TABLE batches DROP COLUMN {column}")
        if checked:
            db.execute("UPDATE batches SET status = 'uploaded' WHERE status = 'checked'")
            db.execute("DROP TABLE checked_rows")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

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
