"""Run chunks on local worker processes: a bounded number in flight, results as they finish.

The parent reads, validates and writes; workers only run `run_chunk`. Bounding the chunks in
flight keeps memory flat however long the input is, and lets input be read as it is needed.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

import psutil

from pipeline.run.chunk import Chunk, run_chunk
from pipeline.run.pool import ChunkResult, failed_outcomes

log = logging.getLogger(__name__)

IN_FLIGHT_PER_WORKER = 2  # one running, one queued: a worker never waits for the parent


class LocalPool:
    def __init__(self, jobs: int):
        self.jobs = jobs
        self._executor: ProcessPoolExecutor | None = None
        self._in_flight: dict[Future, Chunk] = {}
        self._already_running: set[int] = set()

    def __enter__(self) -> LocalPool:
        if self.jobs > 1:
            self._already_running = {child.pid for child in psutil.Process().children(recursive=True)}
            # forkserver: workers start from a clean interpreter, not a copy of the parent's state.
            self._executor = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("forkserver"),
                                                 initializer=_leave_interrupts_to_the_parent)
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self._executor is None:
            return
        if kind is not None:
            # Interrupted (Ctrl-C, SIGTERM) or failing: stop the workers and their LibreOffice now
            # rather than letting them finish chunks nobody will write.
            _kill_descendants(except_pids=self._already_running)
            self._executor.shutdown(wait=False, cancel_futures=True)
        else:
            self._executor.shutdown(wait=True)
        self._executor = None

    def submit(self, chunk: Chunk) -> list[ChunkResult]:
        if self._executor is None:
            return [_guarded(chunk)]
        finished = []
        while len(self._in_flight) >= self.jobs * IN_FLIGHT_PER_WORKER:
            finished += self._collect(wait(self._in_flight, return_when=FIRST_COMPLETED).done)
        self._in_flight[self._executor.submit(run_chunk, chunk)] = chunk
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


def _guarded(chunk: Chunk) -> ChunkResult:
    try:
        return ChunkResult(chunk, run_chunk(chunk))
    except Exception as exc:
        log.exception("chunk of %d cases failed", len(chunk.jobs))
        return ChunkResult(chunk, failed_outcomes(chunk, exc))
