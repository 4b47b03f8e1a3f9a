"""Running batches in the background: two lanes — checks and builds — each taking one batch at a time
from the database, oldest first, and running it in a fresh child process (`work.py`). One build at a
time: a build already uses every core (`--jobs`), so batches wait in a queue that tells their owners
how many are ahead.

Stopping the server stops the child (SIGTERM: the build's pool kills its workers and LibreOffice),
and anything left of its process tree is killed, so nothing outlives the server. A batch stopped
that way is queued again; one found "running" when the server starts (the server died) is resumed —
re-running a build skips the packets already finished — up to MAX_ATTEMPTS times, then marked failed.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection

import psutil

from pipeline.common.i18n import N_
from pipeline.serve.batch_notes import checked_rows
from pipeline.serve.batches import Batch, BatchStatus, claim, forget, load, set_status, with_status
from pipeline.serve.caseworker_words import administrator_fixes
from pipeline.serve.downloads import report_lines
from pipeline.serve.removal import remove_tree
from pipeline.serve.settings import ServerSettings
from pipeline.serve.store import Store
from pipeline.serve.work import build_batch, check_batch, warm_build

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # builds of one batch cut short by the server dying
STOP_GRACE = 30.0  # seconds a stopped child gets to stop its workers before it is killed
POLL = 1.0  # seconds between looks at the queue (uploads also wake the lanes at once)
WATCH = 0.2  # seconds between looks at a running child

GAVE_UP = N_("服务器在生成这个批次时多次意外停止，已放弃；请重新上传")
DIED = N_("生成进程意外退出；请重新上传，如再次发生请联系管理员")
CHECK_DIED = N_("检查进程意外退出；请重新上传，如再次发生请联系管理员")


class Jobs:
    """The lanes, and what the rest of the server asks of them: wake up, delete a batch, stop."""

    def __init__(self, settings: ServerSettings, store: Store):
        self.settings = settings
        self.store = store
        self.stopping = threading.Event()
        self.lock = threading.Condition()  # claim + `current`, against delete
        self.arriving: set[str] = set()  # batches being received: a folder, no record yet
        self.lanes = [
            Lane(self, "check", BatchStatus.UPLOADED, BatchStatus.CHECKING, self._check_work, self._settle_check),
            Lane(self, "build", BatchStatus.QUEUED, BatchStatus.RUNNING, self._build_work, self._settle_build,
                 spare=self._spare_build if settings.warm_office else None),
        ]

    def recover(self) -> None:
        """The state a previous server left: resume or fail its running batches, finish its deletions.
        A batch that cannot be cleaned is named in the log and left for the next pass; the server starts."""
        for batch in with_status(self.store, BatchStatus.RUNNING):
            if batch.attempts + 1 >= MAX_ATTEMPTS:
                set_status(self.store, batch.id, BatchStatus.FAILED, expected=BatchStatus.RUNNING, reason=GAVE_UP)
                log.warning("batch %s: interrupted %d times, marked failed", batch.id, batch.attempts + 1)
            else:
                with self.store.connect() as db:
                    db.execute("UPDATE batches SET status = ?, attempts = attempts + 1 WHERE id = ? AND status = ?",
                               (BatchStatus.QUEUED, batch.id, BatchStatus.RUNNING))
                log.info("batch %s: interrupted by a restart, resumed", batch.id)
        for batch in with_status(self.store, BatchStatus.CHECKING):
            set_status(self.store, batch.id, BatchStatus.UPLOADED, expected=BatchStatus.CHECKING)
        for batch in with_status(self.store, BatchStatus.DELETING):
            self.remove(batch.id)

    @contextlib.contextmanager
    def receiving(self, batch_id: str) -> Iterator[None]:
        """While an upload is written into a new batch folder (before its record exists)."""
        with self.lock:
            self.arriving.add(batch_id)
        try:
            yield
        finally:
            with self.lock:
                self.arriving.discard(batch_id)

    def sweep_orphans(self) -> list[str]:
        """Remove batch folders that have no record and no upload being received: left by a server
        killed while unpacking, or by a refused upload whose folder would not go. Returns their names."""
        swept: list[str] = []
        try:
            names = [entry.name for entry in os.scandir(self.settings.batches)]
        except FileNotFoundError:
            return swept
        for name in names:
            with self.lock:  # `arriving` before the record: an upload adds itself before its folder exists
                if name in self.arriving or load(self.store, name) is not None:
                    continue
            if self.remove(name):
                swept.append(name)
        if swept:
            log.info("retention: deleted %d batch folders that had no batch record", len(swept))
        return swept

    def start(self) -> None:
        for lane in self.lanes:
            lane.start()

    def wake(self) -> None:
        for lane in self.lanes:
            lane.wake.set()

    def stop(self) -> None:
        self.stopping.set()
        self.wake()
        for lane in self.lanes:
            if lane.is_alive():
                lane.join()

    def delete(self, batch: Batch) -> bool:
        """Stop the batch if it is being worked on, then remove its folder and its record (False: the
        folder would not go; the batch is hidden and deleted at the next start)."""
        with self.lock:
            set_status(self.store, batch.id, BatchStatus.DELETING)
            for lane in self.lanes:
                lane.cancelled.add(batch.id)
            self.lock.wait_for(lambda: all(lane.current != batch.id for lane in self.lanes), timeout=STOP_GRACE * 2)
        return self.remove(batch.id)

    def halt(self, batch: Batch) -> bool:
        """Stop a queued or running build, keeping its upload and the packets already built (a build
        started again skips them); False when it was neither."""
        with self.lock:
            with self.store.connect() as db:
                stopped = db.execute("UPDATE batches SET status = ?, finished = ? WHERE id = ? AND status IN (?, ?)",
                                     (BatchStatus.STOPPED, time.time(), batch.id, BatchStatus.QUEUED,
                                      BatchStatus.RUNNING)).rowcount == 1
            if stopped:
                for lane in self.lanes:
                    lane.cancelled.add(batch.id)
                self.lock.wait_for(lambda: all(lane.current != batch.id for lane in self.lanes), timeout=STOP_GRACE * 2)
                for lane in self.lanes:
                    lane.cancelled.discard(batch.id)
        return stopped

    def remove(self, batch_id: str) -> bool:
        """The batch's folder, then its record. When the folder will not go, the record stays
        "deleting" (hidden from its owner), the log says which batch, and the next start tries
        again; False then."""
        try:
            remove_tree(self.settings.batch_folder(batch_id))
        except OSError as exc:
            log.error("batch %s: could not delete its folder (%s); will try again", batch_id, exc.strerror or exc)
            return False
        forget(self.store, batch_id)
        return True

    def log_fixes(self, batch: Batch) -> None:
        """For the administrator, in server.log: the rows of a finished check or build whose problem
        only they can fix (a lender not on the list); caseworkers are told to ask them."""
        folder = self.settings.batch_folder(batch.id)
        found: dict[str, list[int]] = {}
        for row in checked_rows(folder):
            for problem in row.problems:
                for fix in administrator_fixes(problem["message"]):
                    found.setdefault(fix, []).append(row.row)
        for line in report_lines(self.settings, batch):
            for fix in administrator_fixes(line.messages):
                found.setdefault(fix, []).append(int(line.row) if line.row.isdigit() else 0)
        for fix, rows in found.items():
            log.warning("batch %s, rows %s: %s", batch.id, ", ".join(map(str, sorted(set(rows)))), fix)

    # what each lane runs, and what it records when its child has ended

    def _check_work(self, batch: Batch) -> tuple[Callable, tuple]:
        folder = self.settings.batch_folder(batch.id)
        return check_batch, (self.settings.database, batch.id, folder / "input" / batch.source, os.getpid(),
                             folder / "work.log")

    def _build_work(self, batch: Batch) -> tuple[Callable, tuple]:
        folder = self.settings.batch_folder(batch.id)
        organisation = self.settings.organisations / f"{batch.organisation}.yaml" if batch.organisation else None
        return build_batch, (self.settings.database, batch.id, folder / "input" / batch.source, folder / "out",
                             organisation, self.settings.jobs, self.settings.soffice, os.getpid(), folder / "work.log")

    def _spare_build(self, orders: Connection) -> tuple[Callable, tuple]:
        """The next build's child, started before its batch is known, LibreOffice warm (work.warm_build)."""
        return warm_build, (orders, self.settings.jobs, self.settings.soffice, os.getpid())

    def _settle_check(self, batch: Batch, exitcode: int | None, stopped: bool) -> None:
        if stopped:
            set_status(self.store, batch.id, BatchStatus.UPLOADED, expected=BatchStatus.CHECKING)
        elif set_status(self.store, batch.id, BatchStatus.FAILED, expected=BatchStatus.CHECKING, reason=CHECK_DIED):
            log.error("batch %s: check process ended with exit code %s", batch.id, exitcode)

    def _settle_build(self, batch: Batch, exitcode: int | None, stopped: bool) -> None:
        if stopped:  # the server is stopping: the next one resumes it, in its place in the queue
            set_status(self.store, batch.id, BatchStatus.QUEUED, expected=BatchStatus.RUNNING)
        elif set_status(self.store, batch.id, BatchStatus.FAILED, expected=BatchStatus.RUNNING, reason=DIED):
            log.error("batch %s: build process ended with exit code %s", batch.id, exitcode)


class Lane(threading.Thread):
    """One kind of work, one batch at a time. The thread lives as long as the server: its children
    are told to die with it (PR_SET_PDEATHSIG follows the thread that started them)."""

    def __init__(self, jobs: Jobs, name: str, waiting: BatchStatus, working: BatchStatus,
                 work: Callable[[Batch], tuple[Callable, tuple]], settle: Callable[[Batch, int | None, bool], None],
                 spare: Callable[[Connection], tuple[Callable, tuple]] | None = None):
        super().__init__(name=f"packets-{name}-lane", daemon=True)
        self.make_spare = spare  # a child started ahead of the next batch, handed it when it comes
        self.spare: tuple[multiprocessing.process.BaseProcess, Connection] | None = None
        self.spare_failed = False  # it ended unused (no LibreOffice?): not started again until a batch ran
        self.jobs = jobs
        self.waiting = waiting
        self.working = working
        self.work = work
        self.settle = settle
        self.wake = threading.Event()
        self.current: str | None = None
        self.cancelled: set[str] = set()
        self.context = multiprocessing.get_context("spawn")  # a clean interpreter, not a copy of the server

    def run(self) -> None:
        try:
            self._work()
        finally:
            self._drop_spare()

    def _work(self) -> None:
        while not self.jobs.stopping.is_set():
            self._keep_spare()
            with self.jobs.lock:
                batch = claim(self.jobs.store, self.waiting, self.working)
                self.current = batch.id if batch else None
            if batch is None:
                self.wake.wait(POLL)
                self.wake.clear()
                continue
            try:
                self._run(batch)
            except Exception:  # the lane must go on: the batch fails, the next one is taken
                log.exception("batch %s: could not be run", batch.id)
                self.settle(batch, None, False)
            finally:
                with self.jobs.lock:
                    self.current = None
                    self.cancelled.discard(batch.id)
                    self.jobs.lock.notify_all()

    def _run(self, batch: Batch) -> None:
        if batch.id in self.cancelled:
            return
        target, args = self.work(batch)
        process = self._take_spare(args)
        if process is None:
            process = self.context.Process(target=target, args=args, name=f"packets-{batch.id}")
            process.start()
        self.spare_failed = False
        tree: dict[int, psutil.Process] = {}
        stopped = cancelled = False
        pid = process.pid
        assert pid is not None  # a started process has one
        while process.is_alive():
            _remember_tree(pid, tree)
            process.join(WATCH)
            stopped = self.jobs.stopping.is_set()
            cancelled = batch.id in self.cancelled
            if stopped or cancelled:
                _stop(process, tree)
                break
        _kill_leftovers(tree)
        if cancelled:
            return
        if stopped or _unsettled(self.jobs.store, batch, self.working):
            self.settle(batch, process.exitcode, stopped)
        else:
            self.jobs.log_fixes(batch)


    def _keep_spare(self) -> None:
        if self.make_spare is None or self.spare is not None or self.spare_failed:
            return
        orders, sender = self.context.Pipe(duplex=False)
        target, args = self.make_spare(orders)
        process = self.context.Process(target=target, args=args, name="packets-next-build")
        process.start()
        orders.close()  # the child's end: closing ours then tells it there is no batch
        self.spare = (process, sender)

    def _take_spare(self, args: tuple):
        """The spare child, given the batch; None when there is none alive to take it."""
        if self.spare is None:
            return None
        process, sender = self.spare
        self.spare = None
        try:
            if process.is_alive():
                sender.send(args)
                return process
        except OSError:  # it ended between the look and the send
            pass
        finally:
            sender.close()
        process.join(STOP_GRACE)
        self.spare_failed = True
        log.warning("the warm build process had ended (exit code %s); building the usual way", process.exitcode)
        return None

    def _drop_spare(self) -> None:
        """The server is stopping: the spare's connection closes, so it stops its LibreOffice and ends."""
        if self.spare is None:
            return
        process, sender = self.spare
        self.spare = None
        tree: dict[int, psutil.Process] = {}
        if process.pid is not None:
            _remember_tree(process.pid, tree)
        sender.close()
        process.join(STOP_GRACE)
        if process.is_alive():
            _stop(process, tree)
        _kill_leftovers(tree)


def _unsettled(store: Store, batch: Batch, working: BatchStatus) -> bool:
    """The child ended without recording an outcome (it crashed, or was killed)."""
    current = load(store, batch.id)
    return current is not None and current.status == working


def _remember_tree(pid: int, tree: dict[int, psutil.Process]) -> None:
    try:
        parent = psutil.Process(pid)
        for process in [parent, *parent.children(recursive=True)]:
            tree.setdefault(process.pid, process)
    except psutil.NoSuchProcess:
        pass


def _stop(process, tree: dict[int, psutil.Process]) -> None:
    """SIGTERM (the child stops its pool and LibreOffice itself), then SIGKILL for whatever remains."""
    _remember_tree(process.pid, tree)
    process.terminate()
    process.join(STOP_GRACE)
    if process.is_alive():
        process.kill()
        process.join()


def _kill_leftovers(tree: dict[int, psutil.Process]) -> None:
    for process in tree.values():
        try:
            if process.is_running():  # psutil also checks the start time: never a recycled pid
                process.kill()
        except psutil.NoSuchProcess:
            pass
