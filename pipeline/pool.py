"""Run chunks on local worker processes: a bounded number in flight, results as they finish.

The parent reads, validates and writes; workers only run `run_chunk`. Bounding the chunks in
flight keeps memory flat however long the input is, and lets input be read as it is needed.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

import psutil

from pipeline.chunk import CaseOutcome, Chunk, run_chunk
from pipeline.i18n import _

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: a worker never waits for the parent


class LocalPool:
    def __init__(self, jobs: int):
        self.jobs = jobs

    def run(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, list[CaseOutcome]]]:
        if self.jobs == 1:
            for chunk in chunks:
                yield chunk, _guarded(chunk)
            return
        already_running = {child.pid for child in psutil.Process().children(recursive=True)}
        # forkserver: workers start from a clean interpreter, not a copy of the parent's state.
        executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("forkserver"),
                                       initializer=_leave_interrupts_to_the_parent)
        in_flight: dict[Future, Chunk] = {}
        try:
            for chunk in chunks:
                while len(in_flight) >= self.jobs * IN_FLIGHT_PER_WORKER:
                    yield from _collect(in_flight, wait(in_flight, return_when=FIRST_COMPLETED).done)
                in_flight[executor.submit(run_chunk, chunk)] = chunk
            while in_flight:
                yield from _collect(in_flight, wait(in_flight, return_when=FIRST_COMPLETED).done)
        except BaseException:
            # Interrupted (Ctrl-C, SIGTERM) or failing: stop the workers and their LibreOffice now
            # rather than letting them finish chunks nobody will write.
            _kill_descendants(except_pids=already_running)
            executor.shutdown(wait=False, cancel_futures=True)
            raise
        executor.shutdown(wait=True)


def _leave_interrupts_to_the_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _kill_descendants(except_pids: set[int]) -> None:
    """Kill the workers and their LibreOffice. The workers are grandchildren (forked by the
    forkserver); the forkserver and resource tracker, direct children, exit with this process."""
    direct = {child.pid for child in psutil.Process().children()}
    for process in psutil.Process().children(recursive=True):
        if process.pid in except_pids or process.pid in direct:
            continue
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass


def _collect(in_flight: dict[Future, Chunk], done) -> Iterator[tuple[Chunk, list[CaseOutcome]]]:
    for future in done:
        chunk = in_flight.pop(future)
        try:
            yield chunk, future.result()
        except Exception as exc:  # a bug or a dead worker: the chunk's cases fail, the batch goes on
            log.error("chunk of %d cases failed", len(chunk.jobs), exc_info=exc)
            yield chunk, failed_outcomes(chunk, exc)


def _guarded(chunk: Chunk) -> list[CaseOutcome]:
    try:
        return run_chunk(chunk)
    except Exception as exc:
        log.exception("chunk of %d cases failed", len(chunk.jobs))
        return failed_outcomes(chunk, exc)


def failed_outcomes(chunk: Chunk, exc: BaseException) -> list[CaseOutcome]:
    reason = _("内部错误（{kind}），详情见日志").format(kind=type(exc).__name__)
    return [CaseOutcome(job.case_id, error=reason) for job in chunk.jobs]
