"""The work a batch needs, as it runs in its own child process: checking the spreadsheet
(`validate_inputs`) and building it (`build`) — the library calls `packets validate` and
`packets build` make, with the same options — and recording the outcome in the database.

A child process per batch gives the build its own language setting (messages and report.csv are in
its owner's language), and lets the server stop it: SIGTERM becomes KeyboardInterrupt, as with
`packets build`, so the build's pool kills its workers and their LibreOffice on the way out. The
child also asks the kernel to send it SIGTERM should the server die without stopping it.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from multiprocessing.connection import Connection
from pathlib import Path

from pipeline.batch import BuildOptions, build, validate_inputs
from pipeline.batch.workshop import Workshop, warm_workshop
from pipeline.common.errors import RowOutcome, RunError
from pipeline.common.i18n import N_, set_language
from pipeline.common.process import die_with_parent
from pipeline.output.files import private_file
from pipeline.pdf.libreoffice import find_soffice
from pipeline.serve.batch_notes import forget_checked_rows, read_corrections
from pipeline.serve.batches import BatchStatus, load, record_checked_rows, record_progress, set_status
from pipeline.serve.store import Store
from pipeline.shell import PRIVATE_UMASK, log_to, stop_on_sigterm

log = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress writes: a page polls once a second
CHECKED_ROWS_AT_ONCE = 200

# The details are in the batch folder's work.log, for the administrator; the page names no path.
INTERNAL_ERROR = N_("程序内部错误，已记录；请联系管理员（请告诉他这个批次的上传时间）")


def become_child(parent: int, log_file: Path | None) -> None:
    """Private files, SIGTERM as Ctrl-C, gone with the server, errors to the batch's own log (once
    the batch is known: a warm build child learns it later, `log_into`)."""
    os.umask(PRIVATE_UMASK)
    stop_on_sigterm()
    try:
        die_with_parent(signal.SIGTERM)  # SIGTERM, not SIGKILL: the build stops its workers and LibreOffice
    except (OSError, AttributeError):  # not Linux: the server still stops its children on shutdown
        pass
    if os.getppid() != parent:  # the server was gone before the request above was made
        raise SystemExit(1)
    if log_file is not None:
        log_into(log_file)


def log_into(log_file: Path) -> None:
    private_file(log_file)
    log_to(logging.FileHandler(log_file, encoding="utf-8"))


class _Counts:
    """Row outcomes counted as they arrive, written to the database at most every PROGRESS_EVERY s."""

    def __init__(self, store: Store, batch_id: str, total: int):
        self.store = store
        self.batch_id = batch_id
        self.counts = {"total": total, "done": 0, "ok": 0, "invalid": 0, "failed": 0}
        self.written = 0.0

    def row(self, outcome: RowOutcome) -> None:
        self.counts["done"] += 1
        self.counts[str(outcome.status)] += 1
        if time.monotonic() - self.written >= PROGRESS_EVERY:
            self.flush()

    def total(self, rows: int) -> None:
        """The build's count of the rows, before the first one (written at once: the page shows 0 of N)."""
        self.counts["total"] = rows
        self.flush()

    def flush(self, notices: list[str] | None = None) -> None:
        self.counts["total"] = max(self.counts["total"], self.counts["done"])
        record_progress(self.store, self.batch_id, self.counts, notices)
        self.written = time.monotonic()


class CheckedRows(_Counts):
    """The check also keeps every row's outcome, in input order, for the check page."""

    def __init__(self, store: Store, batch_id: str):
        super().__init__(store, batch_id, 0)
        self.waiting: list[RowOutcome] = []
        forget_checked_rows(store.batch_folder(batch_id))  # of a check cut short by a restart

    def row(self, outcome: RowOutcome) -> None:
        self.waiting.append(outcome)
        if len(self.waiting) >= CHECKED_ROWS_AT_ONCE:
            self._write_rows()
        super().row(outcome)

    def _write_rows(self) -> None:
        record_checked_rows(self.store, self.batch_id, self.waiting)
        self.waiting = []

    def flush(self, notices: list[str] | None = None) -> None:
        self._write_rows()
        super().flush(notices)


def _corrections(store: Store, batch_id: str, sheet: Path) -> dict[str, dict[int, dict[str, str]]]:
    """The rows re-typed in the browser (改正这一行), by the sheet's name, as intake wants them."""
    return {sheet.name: read_corrections(store.batch_folder(batch_id))}


def check_batch(database: Path, batch_id: str, sheet: Path, parent: int, log_file: Path) -> None:
    become_child(parent, log_file)
    store = Store(database)
    batch = load(store, batch_id)
    if batch is None:  # deleted before its check began
        return
    set_language(batch.lang)
    rows = CheckedRows(store, batch_id)
    try:
        summary = validate_inputs([sheet], batch.packet_date, rows.row, corrections=_corrections(store, batch_id, sheet))
    except RunError as exc:
        set_status(store, batch_id, BatchStatus.FAILED, expected=BatchStatus.CHECKING, reason=str(exc))
        return
    except Exception:
        log.exception("check of batch %s failed", batch_id)
        set_status(store, batch_id, BatchStatus.FAILED, expected=BatchStatus.CHECKING, reason=INTERNAL_ERROR)
        return
    rows.flush(summary.notices)
    set_status(store, batch_id, BatchStatus.CHECKED, expected=BatchStatus.CHECKING)


def warm_build(orders: Connection, jobs: int, soffice: str | None, parent: int) -> None:
    """The office server's next build, started before its batch is known: its workers and their
    LibreOffice start now, then it waits for the batch (`build_batch`'s arguments) and builds it in
    them (batch/workshop.py). It serves that one batch; the server starts another for the next.
    The connection closed without a batch (the server is stopping) ends it, and its LibreOffice."""
    become_child(parent, None)
    try:
        with warm_workshop(find_soffice(soffice), jobs) as workshop:
            try:
                arguments = orders.recv()
            except EOFError:
                return
            database, batch_id, sheet, out, organisation, jobs, soffice, parent, log_file = arguments
            build_batch(database, batch_id, sheet, out, organisation, jobs, soffice, parent, log_file, workshop)
    except RunError:  # no LibreOffice: the server's next batch is built the usual way and says so
        log.warning("could not start a warm LibreOffice", exc_info=True)


def build_batch(database: Path, batch_id: str, sheet: Path, out: Path, organisation: Path | None,
                jobs: int, soffice: str | None, parent: int, log_file: Path, workshop: Workshop | None = None) -> None:
    if workshop is None:
        become_child(parent, log_file)
    else:
        log_into(log_file)
    store = Store(database)
    batch = load(store, batch_id)
    if batch is None:  # deleted before its build began
        return
    set_language(batch.lang)
    options = BuildOptions(out=out, packet_date=batch.packet_date, soffice=soffice, jobs=jobs, duplex=batch.duplex,
                           print_file=batch.print_file, tagged=batch.tagged, organisation=organisation)
    try:
        progress = _Counts(store, batch_id, 0)
        summary = build([sheet], options, on_row=progress.row, on_total=progress.total,
                        corrections=_corrections(store, batch_id, sheet), workshop=workshop)
    except RunError as exc:
        set_status(store, batch_id, BatchStatus.FAILED, expected=BatchStatus.RUNNING, reason=str(exc))
        return
    except Exception:
        log.exception("build of batch %s failed", batch_id)
        set_status(store, batch_id, BatchStatus.FAILED, expected=BatchStatus.RUNNING, reason=INTERNAL_ERROR)
        return
    progress.flush(summary.notices)
    set_status(store, batch_id, BatchStatus.DONE, expected=BatchStatus.RUNNING)

