"""Batch records: one upload of a spreadsheet (and its evidence), its status, its progress and its place in
the queue. A batch belongs to the user who uploaded it; every lookup here takes the owner, so another
user's batch is simply not found.

    uploaded → checking → checked → queued → running → done | failed
    (the API skips the check: its batches start queued; queued or running → stopped → queued)
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pipeline.common.errors import RowOutcome
from pipeline.serve.batch_notes import NOTICES, REASON, SOURCE, add_checked_rows, read_note, write_note
from pipeline.serve.store import Store


class BatchStatus(StrEnum):
    UPLOADED = "uploaded"  # waiting for the check lane
    CHECKING = "checking"  # the spreadsheet is being checked (validate_inputs)
    CHECKED = "checked"  # the check is shown; waiting for the user to build
    QUEUED = "queued"  # waiting for the build lane
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # could not be checked or built at all; `reason` says why
    STOPPED = "stopped"  # its owner stopped the build: the upload and the packets built so far stay
    DELETING = "deleting"  # being stopped and removed


FINISHED = (BatchStatus.DONE, BatchStatus.FAILED, BatchStatus.STOPPED)  # stamped `finished`; retention counts from it


@dataclass(frozen=True)
class Batch:
    id: str
    user_id: int
    status: BatchStatus
    source: str  # the spreadsheet's file name (shown to its owner only, never logged; kept in the batch's folder)
    packet_date: date
    organisation: str  # profile file stem under DATA/organisations, or ''
    duplex: bool
    print_file: bool
    tagged: bool  # tagged PDFs (packets build --tagged)
    lang: str  # of the messages in its report
    created: float
    queued: float | None
    started: float | None
    finished: float | None
    total: int
    done: int
    ok: int
    invalid: int
    failed: int
    attempts: int
    reason: str  # why it failed (the batch folder's reason.txt)
    notices: str  # the check's or build's notices, one a line (notices.txt)

    def rate(self, now: float | None = None) -> float:
        """Rows per second since the build started."""
        if not self.started or not self.done:
            return 0.0
        elapsed = (now or time.time()) - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def eta(self, now: float | None = None) -> float | None:
        """Seconds until the last row, at the rate so far; None before the first row."""
        rate = self.rate(now)
        return max(self.total - self.done, 0) / rate if rate else None


def _batch(store: Store, row) -> Batch:
    values = dict(row)
    folder = store.batch_folder(values["id"])
    values.update(source=read_note(folder, SOURCE), reason=read_note(folder, REASON), notices=read_note(folder, NOTICES))
    values["status"] = BatchStatus(values["status"])
    values["packet_date"] = date.fromisoformat(values["packet_date"])
    for flag in ("duplex", "print_file", "tagged"):
        values[flag] = bool(values[flag])
    return Batch(**values)


def new_batch_id() -> str:
    """Random, so that batch ids say nothing and cannot be guessed."""
    return secrets.token_hex(8)


def create(store: Store, batch_id: str, user_id: int, *, source: str, packet_date: date, organisation: str,
           duplex: bool, print_file: bool, lang: str, status: BatchStatus, tagged: bool = False) -> Batch:
    now = time.time()
    write_note(store.batch_folder(batch_id), SOURCE, source)
    with store.connect() as db:
        db.execute(
            "INSERT INTO batches (id, user_id, status, packet_date, organisation, duplex, print_file, tagged, lang,"
            " created, queued) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (batch_id, user_id, status, packet_date.isoformat(), organisation, int(duplex), int(print_file),
             int(tagged), lang, now, now if status == BatchStatus.QUEUED else None))
    batch = load(store, batch_id)
    assert batch is not None  # inserted just above
    return batch


def load(store: Store, batch_id: str) -> Batch | None:
    """Any user's batch: for the server's own work, never for answering a request."""
    with store.connect() as db:
        row = db.execute("SELECT * FROM batches WHERE id = ?", (batch_id,)).fetchone()
    return _batch(store, row) if row else None


def owned(store: Store, batch_id: str, user_id: int) -> Batch | None:
    with store.connect() as db:
        row = db.execute("SELECT * FROM batches WHERE id = ? AND user_id = ? AND status != ?",
                         (batch_id, user_id, BatchStatus.DELETING)).fetchone()
    return _batch(store, row) if row else None


def of_user(store: Store, user_id: int) -> list[Batch]:
    with store.connect() as db:
        rows = db.execute("SELECT * FROM batches WHERE user_id = ? AND status != ? ORDER BY created DESC",
                          (user_id, BatchStatus.DELETING)).fetchall()
    return [_batch(store, row) for row in rows]


def ahead_of(store: Store, batch: Batch) -> int:
    """How many batches will be built before this one: the one running and those queued earlier."""
    if batch.status != BatchStatus.QUEUED:
        return 0
    with store.connect() as db:
        (count,) = db.execute("SELECT COUNT(*) FROM batches WHERE status = ? OR (status = ? AND queued < ?)",
                              (BatchStatus.RUNNING, BatchStatus.QUEUED, batch.queued)).fetchone()
    return count


# A batch whose rows can be fixed in the browser: nothing is being checked or built.
REOPENABLE = (BatchStatus.CHECKED, BatchStatus.DONE, BatchStatus.STOPPED)


def reopen(store: Store, batch: Batch) -> bool:
    """A row was fixed: the batch is checked again (then built again, keeping the packets still
    current); False when it is being worked on."""
    with store.connect() as db:
        return db.execute("UPDATE batches SET status = ?, finished = NULL, done = 0, ok = 0, invalid = 0, failed = 0"
                          f" WHERE id = ? AND status IN ({', '.join('?' * len(REOPENABLE))})",
                          (BatchStatus.UPLOADED, batch.id, *REOPENABLE)).rowcount == 1


def enqueue(store: Store, batch: Batch) -> bool:
    """A checked or stopped batch joins the queue, at 0 of its rows; False when it was not waiting to be built."""
    with store.connect() as db:
        return db.execute("UPDATE batches SET status = ?, queued = ?, finished = NULL, done = 0, ok = 0, invalid = 0,"
                          " failed = 0 WHERE id = ? AND status IN (?, ?)",
                          (BatchStatus.QUEUED, time.time(), batch.id, BatchStatus.CHECKED, BatchStatus.STOPPED)
                          ).rowcount == 1


def claim(store: Store, waiting: BatchStatus, working: BatchStatus) -> Batch | None:
    """Take the oldest batch in state `waiting` and mark it `working`, in one transaction."""
    with store.transaction() as db:
        order = "queued" if waiting == BatchStatus.QUEUED else "created"
        row = db.execute(f"SELECT id FROM batches WHERE status = ? ORDER BY {order}, id LIMIT 1", (waiting,)).fetchone()
        if row is None:
            return None
        db.execute("UPDATE batches SET status = ?, started = ?, done = 0, ok = 0, invalid = 0, failed = 0"
                   " WHERE id = ?", (working, time.time() if working == BatchStatus.RUNNING else None, row["id"]))
    return load(store, row["id"])


def set_status(store: Store, batch_id: str, status: BatchStatus, *, expected: BatchStatus | None = None,
               reason: str = "") -> bool:
    """Change a batch's status (only from `expected`, when given) and its reason; finishing stamps the time."""
    finished = time.time() if status in FINISHED else None
    query = "UPDATE batches SET status = ?, finished = COALESCE(?, finished) WHERE id = ?"
    values: tuple = (status, finished, batch_id)
    if expected is not None:
        query += " AND status = ?"
        values += (expected,)
    with store.connect() as db:
        changed = db.execute(query, values).rowcount == 1
    if changed:
        write_note(store.batch_folder(batch_id), REASON, reason)
    return changed


def record_progress(store: Store, batch_id: str, counts: dict[str, int], notices: list[str] | None = None) -> None:
    with store.connect() as db:
        db.execute("UPDATE batches SET total = ?, done = ?, ok = ?, invalid = ?, failed = ? WHERE id = ?",
                   (counts["total"], counts["done"], counts["ok"], counts["invalid"], counts["failed"], batch_id))
    if notices is not None:
        write_note(store.batch_folder(batch_id), NOTICES, "\n".join(notices))


def record_checked_rows(store: Store, batch_id: str, outcomes: list[RowOutcome]) -> None:
    add_checked_rows(store.batch_folder(batch_id), outcomes)


def forget(store: Store, batch_id: str) -> None:
    """The batch's record (its folder, with its notes and checked rows, is removed by the caller first)."""
    with store.connect() as db:
        db.execute("DELETE FROM batches WHERE id = ?", (batch_id,))


def with_status(store: Store, *statuses: BatchStatus) -> list[Batch]:
    marks = ", ".join("?" for _ in statuses)
    with store.connect() as db:
        rows = db.execute(f"SELECT * FROM batches WHERE status IN ({marks})", statuses).fetchall()
    return [_batch(store, row) for row in rows]


def expired(store: Store, cutoff: float) -> list[Batch]:
    """Finished before `cutoff`, or uploaded before it and never built (a check nobody acted on)."""
    with store.connect() as db:
        rows = db.execute(
            f"SELECT * FROM batches WHERE (status IN ({', '.join('?' for _ in FINISHED)}) AND finished < ?)"
            " OR (status IN (?, ?) AND created < ?)",
            (*FINISHED, cutoff, BatchStatus.UPLOADED, BatchStatus.CHECKED, cutoff)).fetchall()
    return [_batch(store, row) for row in rows]
