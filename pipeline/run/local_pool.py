"""Run chunks on local worker processes: a bounded number in flight, results as they finish.

The parent reads, validates and writes; workers only run `run_chunk`. Bounding the chunks in
flight keeps memory flat however long the input is, and lets input be read as it is needed.

Workers belong to the run: they log into the run's log (records travel to the parent through a
queue; nothing reaches the terminal), create nothing others can read (umask 077), and die with the
run — killed by the kernel when their parent, the forkserver, exits (which it does when the run's
process does), and by a thread watching the run's process itself, whichever comes first. Their
LibreOffice dies with them (PDEATHSIG, pdf/soffice_converter.py).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import multiprocessing
import os
import select
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing.util import Finalize

import psutil

from pipeline.common.process import die_with_parent
from pipeline.run.chunk import Chunk, ConverterSettings, run_chunk, start_office
from pipeline.run.pool import ChunkResult, failed_outcomes
from pipeline.run.scratch import interrupts_held, is_alive, process_start

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: a worker never waits for the parent
LOG_DRAIN_SECONDS = 10.0  # for the last worker records after a normal end
WORKER_UMASK = 0o077  # chunk documents and LibreOffice's files hold full ID numbers


class LocalPool:
    def __init__(self, jobs: int, office: ConverterSettings | None = None):
        self.jobs = jobs
        self.office = office  # start each worker's LibreOffice as the worker starts
        self._started = False  # has a chunk been submitted yet?
        self._executor: ProcessPoolExecutor | None = None
        self._in_flight: dict[Future, Chunk] = {}
        self._already_running: set[int] = set()
        self._children_before: set = set()
        self._worker_logs: _WorkerLogs | None = None
        self._at_exit: Finalize | None = None

    def __enter__(self) -> LocalPool:
        if self.jobs > 1:
            self._already_running = {child.pid for child in psutil.Process().children(recursive=True)}
            self._children_before = set(multiprocessing.active_children())
            # Should the clean-up below never run, or be cut short, the workers are killed when this
            # process ends, before multiprocessing waits for its children (which would be forever).
            self._at_exit = Finalize(None, _kill_workers, args=(self._children_before, self._already_running),
                                     exitpriority=100)
            # forkserver: workers start from a clean interpreter, not a copy of the parent's state.
            context = multiprocessing.get_context("forkserver")
            self._worker_logs = _WorkerLogs(context)
            pid = os.getpid()
            self._executor = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_start_worker,
                                                 initargs=(self._worker_logs.records, pid, process_start(pid),
                                                           self.office))
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self._executor is None:
            return
        if kind is None:
            self._executor.shutdown(wait=True)
            self._close(LOG_DRAIN_SECONDS)
            return
        # Interrupted (Ctrl-C, SIGTERM) or failing: stop the workers and their LibreOffice now rather
        # than letting them finish chunks nobody will write. A second Ctrl-C or SIGTERM must not cut
        # this short: a worker left running is waited for at this process's exit, forever.
        with interrupts_held():
            # Shut the executor down first: once it sees its workers killed it closes its wake-up
            # pipe, and shutdown() can then fail on it (a race in Python 3.11).
            with contextlib.suppress(Exception):
                self._executor.shutdown(wait=False, cancel_futures=True)
            _kill_workers(self._children_before, self._already_running)
            self._close(1.0)

    def _close(self, log_drain: float) -> None:
        self._executor = None
        if self._at_exit is not None:
            self._at_exit.cancel()
            self._at_exit = None
        if self._worker_logs is not None:
            # after the workers: their last records are written too — unless one was killed in the
            # middle of writing one, which would leave the queue waiting for the rest forever
            self._worker_logs.stop(wait=log_drain)
            self._worker_logs = None

    def warm(self) -> None:
        """Start every worker and its LibreOffice now, before any chunk is known (the office server's
        next build: batch/workshop.py)."""
        self._started = True
        if self._executor is None:
            if self.office is not None:
                start_office(self.office)
            return
        for _ in range(self.jobs):
            self._executor.submit(_ready)

    def submit(self, chunk: Chunk) -> list[ChunkResult]:
        first, self._started = not self._started, True
        if self._executor is None:
            if first and self.office is not None:
                start_office(self.office)  # it starts while this process renders the chunk
            return [_guarded(chunk)]
        finished = []
        while len(self._in_flight) >= self.jobs * IN_FLIGHT_PER_WORKER:
            finished += self._collect(wait(self._in_flight, return_when=FIRST_COMPLETED).done)
        self._in_flight[self._executor.submit(run_chunk, chunk)] = chunk
        if first:
            # The executor starts a worker for each task submitted while none is idle: start them all
            # (and their LibreOffice) with the first chunk, while the rows of the next are read.
            for _ in range(self.jobs - 1):
                self._executor.submit(_ready)
        return finished

    def drain(self) -> Iterator[ChunkResult]:
        while self._in_flight:
            yield from self._collect(wait(self._in_flight, return_when=FIRST_COMPLETED).done)

    def _collect(self, done) -> list[ChunkResult]:
        results = []
        for future in done:
            chunk = self._in_flight.pop(future)
            try:
                results.append(ChunkResult(chunk, future.result()))
            except Exception as exc:  # a bug or a dead worker: the chunk's cases fail, the batch goes on
                log.error("chunk of %d cases failed", len(chunk.jobs), exc_info=exc)
                results.append(ChunkResult(chunk, failed_outcomes(chunk, exc)))
        return results


class _WorkerLogs:
    """The workers' log records, handled in this process as if logged here (the run's log, masked).

    Not logging's QueueListener: its stop() waits without limit, and a worker killed while writing a
    record leaves half a message in the queue's pipe, which no read ever completes."""

    def __init__(self, context):
        self.records = context.Queue()
        self.records.cancel_join_thread()  # leaving this process never waits on the queue either
        self._thread = threading.Thread(target=self._forward, name="worker-logs", daemon=True)
        self._thread.start()

    def _forward(self) -> None:
        while True:
            try:
                record = self.records.get()
            except (EOFError, OSError, ValueError):
                return
            if record is None:
                return
            logging.getLogger(record.name).handle(record)

    def stop(self, wait: float) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.records.put(None)
        self._thread.join(wait)


def _ready() -> None:
    """A task that does nothing: submitted to start a worker."""


def _start_worker(records, parent: int, parent_started: int, office: ConverterSettings | None) -> None:
    """In each worker, before its first chunk."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.umask(WORKER_UMASK)
    die_with_parent()  # the parent is the forkserver, which exits when the run's process does
    _watch(parent, parent_started)
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(records)]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)  # pypdf's and Pillow's warnings too: never on the terminal
    if office is not None:
        start_office(office)


def _watch(parent: int, parent_started: int) -> None:
    """Kill this worker (and so its LibreOffice) as soon as the run's process is gone, however it went."""
    try:
        handle = os.pidfd_open(parent)
    except (AttributeError, OSError):
        handle = None
    if not is_alive(parent, parent_started):  # gone already (its pid may even be someone else's now)
        os.kill(os.getpid(), signal.SIGKILL)
    if handle is None:
        return  # no pidfd (an old kernel): the forkserver's death signal still applies

    def wait_for_parent() -> None:
        select.select([handle], [], [])  # readable once the process has exited
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=wait_for_parent, name="watch-parent", daemon=True).start()


def _kill_workers(children_before: set, pids_before: set[int]) -> None:
    """The workers (a worker the executor was still starting is no descendant yet, but is a child
    process object already) and everything below them."""
    _kill_descendants(except_pids=pids_before)
    for worker in set(multiprocessing.active_children()) - children_before:
        with contextlib.suppress(Exception):
            worker.kill()


def _kill_descendants(except_pids: set[int]) -> None:
    """Kill the workers and their LibreOffice. The workers are grandchildren (forked by the
    forkserver); the forkserver and resource tracker, direct children, exit with this process."""
    try:
        direct = {child.pid for child in psutil.Process().children()}
        descendants = psutil.Process().children(recursive=True)
    except psutil.Error:
        return
    for process in descendants:
        if process.pid in except_pids or process.pid in direct:
            continue
        try:
            process.kill()
        except psutil.Error:
            pass


def _guarded(chunk: Chunk) -> ChunkResult:
    try:
        return ChunkResult(chunk, run_chunk(chunk))
    except Exception as exc:
        log.exception("chunk of %d cases failed", len(chunk.jobs))
        return ChunkResult(chunk, failed_outcomes(chunk, exc))
