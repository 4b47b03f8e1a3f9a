"""The rows of a batch gathered into clients: rows that share a 案件编号 are one client's debts, in
any order and in any of the batch's files.

A client is known only once every row has been read, and a batch may hold a hundred thousand rows,
so the rows are not held in memory: they go, as read, into a SQLite file in the run's private scratch
folder (they carry full ID numbers; the folder is 0700 and removed when the run ends), and come back
client by client, in the order each client first appears. The same file records which case ids
each ID number appears under: one borrower under two case ids is two budgets that do not know of
each other, and both cases are refused.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from pipeline.common.errors import RowError, Severity
from pipeline.contract import coerce
from pipeline.contract.validate import Located, SameBorrower
from pipeline.intake.rows import RawRow

NAMED_OTHERS = 3  # other cases with the same ID number a message names


@contextlib.contextmanager
def grouped_rows(folder: Path) -> Iterator[RowStore]:
    """A store of rows in `folder` (a private scratch folder), removed when the block ends."""
    path = folder / "rows.sqlite3"
    store = RowStore(path)
    try:
        yield store
    finally:
        store.close()
        for leftover in folder.glob("rows.sqlite3*"):
            leftover.unlink(missing_ok=True)


class RowStore:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")  # scratch: a crash loses it with the run
        self.db.executescript("""
            CREATE TABLE files (number INTEGER PRIMARY KEY, headers TEXT, folder TEXT);
            CREATE TABLE rows (seq INTEGER PRIMARY KEY, client TEXT, file INTEGER, source TEXT, row INTEGER,
                               cells TEXT, problems TEXT);
            CREATE TABLE ids (id_number TEXT, client TEXT, case_id TEXT, source TEXT, row INTEGER);
        """)
        self.db.execute("BEGIN")
        self._files: dict[tuple[str, str], int] = {}

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.execute("COMMIT")
        self.db.close()

    def add(self, raw: RawRow, folder: Path | None) -> None:
        client = client_key(raw)
        # JSON in ASCII: a broken byte of the input is kept as a lone surrogate, which UTF-8 cannot hold.
        self.db.execute("INSERT INTO rows (client, file, source, row, cells, problems) VALUES (?, ?, ?, ?, ?, ?)",
                        (client, self._file(raw, folder), raw.source, raw.row,
                         json.dumps(raw.cells), _problems(raw.problems)))
        id_number = _id_number(raw)
        if id_number and not client.startswith("\0"):
            self.db.execute("INSERT INTO ids VALUES (?, ?, ?, ?, ?)",
                            (id_number, client, raw.cells["case_id"], raw.source, raw.row))

    def _file(self, raw: RawRow, folder: Path | None) -> int:
        key = (json.dumps(raw.headers, ensure_ascii=False, sort_keys=True), str(folder or ""))
        if key not in self._files:
            self._files[key] = len(self._files)
            self.db.execute("INSERT INTO files VALUES (?, ?, ?)", (self._files[key], *key))
        return self._files[key]

    def clients(self) -> Iterator[tuple[list[Located], list[SameBorrower]]]:
        """Each client's rows in input order, with the other cases its ID number appears under;
        clients in the order they first appear."""
        self.db.execute("CREATE INDEX rows_by_client ON rows (client, seq)")
        self.db.execute("CREATE INDEX ids_by_number ON ids (id_number)")
        self.db.execute("CREATE INDEX ids_by_client ON ids (client)")
        files = {number: (json.loads(headers), Path(folder) if folder else None)
                 for number, headers, folder in self.db.execute("SELECT number, headers, folder FROM files")}
        order = self.db.execute("SELECT client FROM rows GROUP BY client ORDER BY MIN(seq)")
        for (client,) in _iterate(order):
            rows = []
            for file, source, row, cells, problems in self.db.execute(
                    "SELECT file, source, row, cells, problems FROM rows WHERE client = ? ORDER BY seq", (client,)):
                headers, folder = files[file]
                rows.append((RawRow(source, row, json.loads(cells), headers, _read_problems(problems)), folder))
            yield rows, self._elsewhere(client)

    def _elsewhere(self, client: str) -> list[SameBorrower]:
        """Other clients with one of this client's ID numbers: the first few are enough to name (a sheet
        with one number pasted down a whole column must not cost a pass over it per row)."""
        found: dict[str, SameBorrower] = {}
        numbers = [n for (n,) in self.db.execute("SELECT DISTINCT id_number FROM ids WHERE client = ?", (client,))]
        for number in numbers:
            for other, case_id, source, row in self.db.execute(
                    "SELECT client, case_id, source, row FROM ids WHERE id_number = ? AND client != ? ORDER BY rowid LIMIT ?",
                    (number, client, NAMED_OTHERS + 1)):
                found.setdefault(other, SameBorrower(case_id, source, row))
        return list(found.values())[:NAMED_OTHERS]


def _iterate(cursor: sqlite3.Cursor) -> Iterator[tuple]:
    """A cursor's rows in batches, while other queries run on the same connection."""
    while batch := cursor.fetchmany(1000):
        yield from batch


def client_key(raw: RawRow) -> str:
    """Rows of one client share it: the 案件编号 as typed, trimmed, letter case ignored (folders are
    named after it, and Windows and macOS ignore case). A row without one is a client alone."""
    case_id = raw.cells.get("case_id", "")
    if not case_id:
        return f"\0{raw.source}\0{raw.row}"
    return coerce.narrow(case_id).casefold()


def _id_number(raw: RawRow) -> str:
    """The row's ID number as validation would read it, or '' when it cannot be read."""
    try:
        return coerce.parse_id_number(raw.cells.get("id_number", "")) if raw.cells.get("id_number") else ""
    except ValueError:
        return ""


def _problems(problems: tuple[RowError, ...]) -> str:
    return json.dumps([asdict(p) for p in problems])


def _read_problems(text: str) -> tuple[RowError, ...]:
    return tuple(RowError(**{**p, "severity": Severity(p["severity"])}) for p in json.loads(text))
