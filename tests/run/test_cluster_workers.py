"""Dask workers get what local workers get (run/local_pool.py): umask 077, and their log records in the
run's log — they travel back with each chunk's result and are handled in the run's process, as the
local workers' come through a queue. Issue 14, findings 8 and 13. No LibreOffice: the task is a stand-in."""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path

import pytest
from e2e import through_pool

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

distributed = pytest.importorskip("distributed")

from pipeline.common.errors import RunError  # noqa: E402
from pipeline.run.chunk import CaseJob, CaseOutcome, Chunk, ConverterSettings  # noqa: E402
from pipeline.run.dask_pool import RECORDS_PER_CHUNK, DaskPool, _one_thread_here  # noqa: E402


@pytest.fixture(scope="module")
def cluster():
    # Workers inherit this process's umask; start them with an ordinary one, so that only the pool's
    # set-up can make it private.
    before = os.umask(0o022)
    try:
        local = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                         dashboard_address=":0")
    finally:
        os.umask(before)
    with local:
        yield local


def _chunk(*case_ids: str) -> Chunk:
    return Chunk(tuple(CaseJob(case_id, ()) for case_id in case_ids), {},
                 ConverterSettings("soffice", 1.0, Path(tempfile.gettempdir())))




def _from_workers(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.process != os.getpid()]


def test_a_cluster_worker_creates_nothing_others_can_read(cluster, caplog):
    def umask_of_the_task(chunk):
        status = Path("/proc/self/status").read_text()
        umask = next(line.split()[1] for line in status.splitlines() if line.startswith("Umask:"))
        return [CaseOutcome(job.case_id, error=f"umask {umask}") for job in chunk.jobs]

    (result,) = through_pool(DaskPool(cluster.scheduler_address, task=umask_of_the_task), [_chunk("C-1")])
    assert [o.error for o in result.outcomes] == ["umask 0077"]


def test_what_a_cluster_worker_logs_reaches_the_runs_log(cluster, caplog):
    def logging_task(chunk):
        log = logging.getLogger("pipeline.run.chunk")
        log.info("converting %s", ",".join(job.case_id for job in chunk.jobs))
        try:
            raise ValueError("a fault in the worker")
        except ValueError:
            log.exception("rendering %s failed", chunk.jobs[0].case_id)
        warnings.warn("a library's warning", UserWarning, stacklevel=1)
        return [CaseOutcome(job.case_id) for job in chunk.jobs]

    caplog.set_level(logging.INFO)
    results = through_pool(DaskPool(cluster.scheduler_address, task=logging_task), [_chunk("C-1", "C-2"), _chunk("C-3")])
    assert all(o.ok for result in results for o in result.outcomes)
    records = _from_workers(caplog)
    messages = sorted(r.getMessage() for r in records if r.name == "pipeline.run.chunk" and r.levelno == logging.INFO)
    assert messages == ["converting C-1,C-2", "converting C-3"]
    failures = [r.getMessage() for r in records if r.levelno == logging.ERROR]
    assert len(failures) == 2 and all("Traceback" in text and "a fault in the worker" in text for text in failures)
    assert sum("a library's warning" in r.getMessage() for r in records if r.name == "py.warnings") == 2


def test_a_failing_task_still_sends_back_what_it_logged(cluster, caplog):
    def failing_task(chunk):
        logging.getLogger("pipeline.run.chunk").warning("about to fail on %s", chunk.jobs[0].case_id)
        raise RuntimeError("a bug")

    (result,) = through_pool(DaskPool(cluster.scheduler_address, task=failing_task), [_chunk("C-9")])
    assert [o.ok for o in result.outcomes] == [False]
    assert any(r.getMessage() == "about to fail on C-9" for r in _from_workers(caplog))


def test_a_chunk_that_logs_without_end_sends_back_a_bounded_number_of_records(cluster, caplog):
    def chatty_task(chunk):
        for n in range(RECORDS_PER_CHUNK + 10):
            logging.getLogger("pypdf").warning("object %d is broken", n)
        return [CaseOutcome(job.case_id) for job in chunk.jobs]

    through_pool(DaskPool(cluster.scheduler_address, task=chatty_task), [_chunk("C-1")])
    records = _from_workers(caplog)
    assert sum(r.name == "pypdf" for r in records) == RECORDS_PER_CHUNK
    assert records[-1].getMessage() == "10 more records of this chunk were not kept"


def test_a_cluster_of_workers_with_two_threads_is_refused_before_any_chunk():
    # Failed before the check: the pool took the two threads and ran chunks on them side by side,
    # sharing one process's cached template sets.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=":0") as two_threads:
        with pytest.raises(RunError, match="有2个线程.*--nthreads 1"):
            DaskPool(two_threads.scheduler_address).__enter__()


def test_on_a_worker_with_two_threads_the_chunk_task_refuses_to_run():
    # A worker that joins after the check: each chunk task checks its own worker first.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=":0") as two_threads, \
            distributed.Client(two_threads.scheduler_address) as client:
        with pytest.raises(RuntimeError, match="one thread"):
            client.submit(_one_thread_here, pure=False).result()
