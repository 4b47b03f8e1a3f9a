"""Run chunks on a Dask cluster (`packets build --cluster tls://HOST:8786`), the same Pool as LocalPool.

Only a scheduler on this machine may be reached over plain `tcp://`; any other needs `tls://` with
certificates (cluster_security), checked before anything connects.

Workers need no shared filesystem: a chunk carries its cases' contexts, the templates and the logo,
and comes back as bytes; this process writes every file, exactly as on the local path. Each worker
thread keeps its own LibreOffice with its own profile in the worker's scratch space; LibreOffice
dies with its worker process, and a worker plugin removes the profiles when the worker closes.
A bounded number of chunks is in flight, so the client's memory stays flat however long the input.
A worker that dies costs a retry of its chunks (the scheduler reschedules them), not a case.

As local workers do (run/local_pool.py), a worker creates nothing others can read (the plugin sets
umask 077), and what a chunk logs — pypdf's and Pillow's warnings included — goes to the run's log:
the records logged by the thread running the chunk travel back with its result (or its exception)
and are handled in this process as if logged here.
"""

from __future__ import annotations

import dataclasses
import logging
import logging.handlers
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.pdf.libreoffice import reap_strays
from pipeline.run.chunk import CaseOutcome, Chunk, run_chunk
from pipeline.run.cluster_security import ClusterTls, cluster_security
from pipeline.run.pool import ChunkResult, failed_outcomes

try:
    from distributed import WorkerPlugin
except ImportError:  # Dask is optional: without it, DaskPool.run says what to install
    WorkerPlugin = object

log = logging.getLogger(__name__)

IN_FLIGHT_PER_THREAD = 2
RETRIES = 2  # on top of the scheduler's own rescheduling when a worker dies
RECENT_MESSAGES_KEPT = 10
WORKER_UMASK = 0o077  # chunk documents and LibreOffice's files hold full ID numbers
RECORDS_PER_CHUNK = 1_000  # a broken scan can make pypdf warn once per object: the rest are counted, not kept

_worker_folder: Path | None = None
_folder_lock = threading.Lock()


def _profiles_here() -> Path:
    """This worker thread's folder for LibreOffice profiles (a converter is not shared by threads)."""
    global _worker_folder
    with _folder_lock:
        if _worker_folder is None:
            # Inside the worker's own scratch space: Dask removes it even after a worker was killed.
            _worker_folder = Path(tempfile.mkdtemp(prefix="packets-worker-", dir=_scratch_space()))
    folder = _worker_folder / f"t{threading.get_ident()}"
    folder.mkdir(exist_ok=True)
    return folder


def _scratch_space() -> str | None:
    try:
        from distributed import get_worker  # noqa: PLC0415

        return get_worker().local_directory
    except (ImportError, ValueError):  # not on a Dask worker
        return None


def run_chunk_on_worker(chunk: Chunk) -> list[CaseOutcome]:
    """The task a worker runs: the local chunk function with worker-local profiles."""
    settings = dataclasses.replace(chunk.settings, profiles=_profiles_here())
    return run_chunk(dataclasses.replace(chunk, settings=settings))


@dataclass(frozen=True)
class _Answer:
    """What comes back from a worker for a chunk: its outcomes and what was logged while it ran."""

    outcomes: list[CaseOutcome]
    records: list[logging.LogRecord]


_running = threading.local()  # .records: the log records of the chunk this worker thread is running
_capture_lock = threading.Lock()
_capture: logging.Handler | None = None


class _ChunkRecords(logging.handlers.QueueHandler):
    """On a worker: keeps the records logged by a thread while it runs a chunk, made ready to travel
    (message and traceback formatted into the text, as for the local workers' queue). Records of other
    threads are left to the worker's own logging: on its stderr, as before, when it has no handler of its own."""

    def __init__(self):
        super().__init__(queue=None)

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(_running, "records", None) is not None:
            super().emit(record)
        elif logging.getLogger().handlers == [self] and logging.lastResort \
                and record.levelno >= logging.lastResort.level:
            logging.lastResort.handle(record)

    def enqueue(self, record: logging.LogRecord) -> None:
        if len(_running.records) < RECORDS_PER_CHUNK:
            _running.records.append(record)
        else:
            _running.dropped += 1


def _capture_logs() -> None:
    """Once per worker process: records of chunks are captured; the project's own INFO lines too."""
    global _capture
    with _capture_lock:
        if _capture is None:
            _capture = _ChunkRecords()
            logging.getLogger().addHandler(_capture)
            logging.getLogger("pipeline").setLevel(logging.INFO)
            logging.captureWarnings(True)  # pypdf's and Pillow's warnings too, as records


def _logged(task: Callable[[Chunk], list[CaseOutcome]], chunk: Chunk) -> _Answer:
    """What the cluster runs: `task`, with what it logs kept for the run's log. A task that raises
    carries the records on its exception (they travel with it, pickled with its attributes)."""
    _capture_logs()  # the plugin did it already; a worker that joined without it still keeps its records
    _running.records, _running.dropped = [], 0
    try:
        outcomes = task(chunk)
    except BaseException as exc:
        exc.packets_log_records = _records_kept()
        raise
    else:
        return _Answer(outcomes, _records_kept())
    finally:
        _running.records = None


def _records_kept() -> list[logging.LogRecord]:
    records = list(_running.records)
    if _running.dropped:
        records.append(logging.makeLogRecord({
            "name": __name__, "levelno": logging.WARNING, "levelname": "WARNING",
            "msg": f"{_running.dropped} more records of this chunk were not kept"}))
    return records


def _handle_here(records: list[logging.LogRecord]) -> None:
    """A worker's records, handled in this process as if logged here (the run's log, numbers masked)."""
    for record in records:
        logging.getLogger(record.name).handle(record)


class PacketsWorker(WorkerPlugin):
    """Dask worker plugin: at start, what a local worker gets (a private umask, its chunks' log records
    kept for the run's log); at close, its LibreOffice stopped and the profiles removed."""

    name = "packets-worker"

    def setup(self, worker):
        os.umask(WORKER_UMASK)
        _capture_logs()

    def teardown(self, worker):
        global _worker_folder
        if _worker_folder is not None:
            reap_strays(_worker_folder)
            shutil.rmtree(_worker_folder, ignore_errors=True)
            _worker_folder = None


class DaskPool:
    def __init__(self, address: str, in_flight: int | None = None,
                 task: Callable[[Chunk], list[CaseOutcome]] = run_chunk_on_worker, tls: ClusterTls | None = None):
        self.address = address
        self.tls = tls
        self.in_flight = in_flight  # chunks submitted and not yet consumed; default two per worker thread
        self.task = task

    def __enter__(self) -> DaskPool:
        try:
            import dask  # noqa: PLC0415 - only with --cluster
            from distributed import Client, as_completed  # noqa: PLC0415
        except ImportError as exc:
            raise RunError(_("使用 --cluster 需要安装 dask distributed：pip install 'distributed>=2024.1'")) from exc
        try:
            security = cluster_security(self.address, self.tls)
        except ValueError as exc:
            raise RunError(_("Dask 调度器地址 {address} 无效，应形如 tls://HOST:8786").format(address=self.address)) from exc
        try:
            # Dask keeps a debugging log of the last messages sent to the scheduler, 1,000 by default:
            # with every chunk's cases in them, that alone is tens of MB held for nothing.
            with dask.config.set({"distributed.admin.low-level-log-length": RECENT_MESSAGES_KEPT}):
                self._client = Client(self.address, security=security, timeout=10, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise RunError(_("无法连接 Dask 集群 {address}（{reason}）").format(address=self.address, reason=exc)) from exc
        try:
            self._client.register_plugin(PacketsWorker())
            threads = sum(self._client.nthreads().values()) or 1
        except BaseException:
            self._client.close()
            raise
        self._limit = self.in_flight or threads * IN_FLIGHT_PER_THREAD
        self._pending = as_completed(loop=self._client.loop)
        self._submitted = {}
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self._client.close()

    def submit(self, chunk: Chunk) -> list[ChunkResult]:
        finished = []
        while len(self._submitted) >= self._limit:
            finished.append(self._collect(next(self._pending)))
        future = self._client.submit(_logged, self.task, chunk, retries=RETRIES, pure=False)
        self._submitted[future.key] = chunk
        self._pending.add(future)
        return finished

    def drain(self) -> Iterator[ChunkResult]:
        while self._submitted:
            yield self._collect(next(self._pending))

    def _collect(self, future) -> ChunkResult:
        chunk = self._submitted.pop(future.key)
        try:
            answer = future.result()
        except Exception as exc:  # every retry failed: the chunk's cases fail, the batch goes on
            _handle_here(getattr(exc, "packets_log_records", []))
            log.error("chunk of %d cases failed on the cluster", len(chunk.jobs), exc_info=exc)
            outcomes = failed_outcomes(chunk, exc)
        else:
            _handle_here(answer.records)
            outcomes = answer.outcomes
        future.release()
        return ChunkResult(chunk, outcomes)
