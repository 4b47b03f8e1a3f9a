"""The build on a Dask cluster (a LocalCluster on loopback): same packets, nothing lost."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from e2e import page_texts, read_report, run_cli, through_pool
from pypdf import PdfReader

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

distributed = pytest.importorskip("distributed")

from bench.synthetic import write_batch  # noqa: E402
from pipeline.batch.rows import check_rows, open_inputs  # noqa: E402
from pipeline.contract import default_contract  # noqa: E402
from pipeline.documents.packet import packet_sets  # noqa: E402
from pipeline.documents.render import TemplateSet  # noqa: E402
from pipeline.pdf.libreoffice import find_soffice  # noqa: E402
from pipeline.run.chunk import CaseJob, Chunk, ConverterSettings  # noqa: E402
from pipeline.run.dask_pool import DaskPool  # noqa: E402

DATE = date(2026, 11, 24)


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as local:
        yield local


def test_cluster_build_gives_the_same_report_and_packets_as_the_local_one(cluster, tmp_path):
    source = write_batch(tmp_path / "batch.csv", 10, DATE)
    local, remote = tmp_path / "local", tmp_path / "cluster"
    first = run_cli("build", str(source), "--out", str(local), "--date", DATE.isoformat(), "--jobs", "2")
    second = run_cli("build", str(source), "--out", str(remote), "--date", DATE.isoformat(),
                     "--cluster", cluster.scheduler_address, "--chunk-size", "3")
    assert first.returncode == second.returncode == 0, second.stderr
    assert [(r["row"], r["case_id"], r["status"]) for r in read_report(local)] == \
        [(r["row"], r["case_id"], r["status"]) for r in read_report(remote)]
    cases = sorted(p.name for p in local.iterdir() if p.is_dir())
    assert len(cases) == 10 and cases == sorted(p.name for p in remote.iterdir() if p.is_dir())
    for case in cases:  # whitespace aside: pypdf spaces text by glyph positions, which the chunk's font subset moves
        assert _words(local / case / "packet.pdf") == _words(remote / case / "packet.pdf"), case


def _words(packet: Path) -> list[str]:
    return [re.sub(r"\s+", "", text) for text in page_texts(packet)]


def _chunks(source: Path, size: int):
    contract = default_contract()
    templates = TemplateSet().blobs
    settings = ConverterSettings(find_soffice(), 120, Path(tempfile.mkdtemp()))
    rows = list(check_rows(open_inputs([source], contract), contract, DATE, Path(tempfile.mkdtemp())))
    for start in range(0, len(rows), size):
        jobs = tuple(CaseJob(c.case.case_id, packet_sets(c.case, c.plan, contract)) for c in rows[start:start + size])
        yield Chunk(jobs, templates, settings)




def test_a_worker_killed_mid_batch_costs_a_retry_not_a_case(cluster, tmp_path):
    source = write_batch(tmp_path / "batch.csv", 16, DATE)
    client = distributed.Client(cluster.scheduler_address, set_as_default=False)
    try:
        pids = client.run(os.getpid)
        results, held = [], []

        def take(arrived):
            for result in arrived:
                results.append(result)
                if len(results) == 1:  # kill, outright, a worker that holds work at this moment
                    busy = [address for address, keys in client.processing().items() if keys]
                    assert busy, "no worker held a chunk when one was to be killed"
                    held.append(len(client.processing()[busy[0]]))
                    os.kill(pids[busy[0]], signal.SIGKILL)

        with DaskPool(cluster.scheduler_address) as pool:
            for chunk in _chunks(source, 2):
                take(pool.submit(chunk))
            take(pool.drain())
    finally:
        client.close()
    assert held and held[0] >= 1  # the killed worker's chunks were run again elsewhere: every case is there, ok
    cases = [o.case_id for result in results for o in result.outcomes]
    assert sorted(cases) == [f"SYN-{n:06d}" for n in range(1, 17)]
    assert all(o.ok and o.files.packet.startswith(b"%PDF") for result in results for o in result.outcomes), \
        [o.error for result in results for o in result.outcomes if not o.ok]


def test_no_more_chunks_in_flight_than_the_limit(cluster, tmp_path):
    source = write_batch(tmp_path / "batch.csv", 12, DATE)
    submitted = received = most = 0
    with DaskPool(cluster.scheduler_address, in_flight=2) as pool:
        for chunk in _chunks(source, 2):
            received += len(pool.submit(chunk))
            submitted += 1
            most = max(most, submitted - received)
        received += len(list(pool.drain()))
    assert submitted == received == 6 and most <= 2


CLIENT = """
import json, os, sys, tempfile, tracemalloc
from pathlib import Path
import psutil
from pipeline.pdf.assemble import CaseFiles
from pipeline.run.chunk import CaseJob, CaseOutcome, Chunk, ConverterSettings
from pipeline.run.dask_pool import DaskPool
from pipeline.documents.render import TemplateSet

def answer_without_converting(chunk):  # what a worker sends back for a chunk, without LibreOffice
    files = lambda: CaseFiles({"to_lender.pdf": b"%PDF-" + os.urandom(30_000)}, b"%PDF-" + os.urandom(60_000), 9)
    return [CaseOutcome(job.case_id, documents={"letter": os.urandom(2_000)}, files=files()) for job in chunk.jobs]

def chunks(n):
    templates = TemplateSet().blobs
    settings = ConverterSettings("soffice", 120, Path(tempfile.gettempdir()))
    for start in range(0, n, 12):
        yield Chunk(tuple(CaseJob(f"C-{i:06d}", ()) for i in range(start, min(n, start + 12))),
                    templates, settings)

process, samples, held, cases, count = psutil.Process(), [], [], 0, 0
tracemalloc.start()

def take(results):
    global cases, count
    for result in results:
        cases += sum(1 for o in result.outcomes if o.ok and len(o.files.packet) > 60_000)
        if count % 50 == 0:
            samples.append(process.memory_info().rss)
            held.append(tracemalloc.get_traced_memory()[0])
        count += 1

with DaskPool(sys.argv[1], task=answer_without_converting) as pool:
    for chunk in chunks(int(sys.argv[2])):
        take(pool.submit(chunk))
    take(pool.drain())
print(json.dumps({"cases": cases, "samples": samples, "held": held}))
"""


def test_the_clients_memory_stays_flat_for_6000_cases(cluster):
    """The client (a process of its own, as with `packets build --cluster`) sees half a GB of packets pass."""
    result = subprocess.run([sys.executable, "-c", CLIENT, cluster.scheduler_address, "6000"],
                            capture_output=True, text=True, timeout=600, check=True)
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    samples, held = measured["samples"], measured["held"]
    assert measured["cases"] == 6_000 and len(samples) > 6  # every case came back, with its packet
    # Kept results would hold about 560 MB by the end, chunks submitted without a bound 30 MB at
    # once, Dask's default log of recent messages 60 MB of chunks. The Python objects the client
    # holds (tracemalloc) stay at a few MB; its RSS may rise a little while the allocator settles.
    shown = [f"{r / 2**20:.0f}/{h / 2**20:.1f}" for r, h in zip(samples, held, strict=True)]
    assert max(held) < 20 * 2**20 and max(samples) - samples[0] < 100 * 2**20, shown


@pytest.mark.parametrize(("address", "message"), [("tcp://127.0.0.1:1", "无法连接 Dask 集群 tcp://127.0.0.1:1"),
                                                  ("scheduler", "Dask 调度器地址 scheduler 无效")])
def test_an_unreachable_or_malformed_scheduler_stops_the_run_with_a_message(tmp_path, address, message):
    source = write_batch(tmp_path / "batch.csv", 1, DATE)
    result = run_cli("build", str(source), "--out", str(tmp_path / "out"), "--date", DATE.isoformat(),
                     "--cluster", address)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "report.csv").exists() or len(read_report(tmp_path / "out")) == 0


LOCAL_BUILD = """
import runpy, sys
sys.argv = ["packets", *sys.argv[1:]]
try:
    runpy.run_module("pipeline", run_name="__main__")
except SystemExit as end:
    print(end.code, "distributed" in sys.modules)
"""


def test_without_cluster_the_local_pool_runs_and_dask_is_not_even_imported(tmp_path):
    source = write_batch(tmp_path / "batch.csv", 2, DATE)
    result = subprocess.run([sys.executable, "-c", LOCAL_BUILD, "build", str(source), "--out", str(tmp_path / "out"),
                             "--date", DATE.isoformat(), "--quiet"], capture_output=True, text=True, timeout=300)
    assert result.stdout.split() == ["0", "False"], result.stderr
    assert [r["status"] for r in read_report(tmp_path / "out")] == ["ok", "ok"]


def _office_processes(marker: str) -> list[str]:
    found = []
    for status in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = status.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "soffice" in command and marker in command:
            found.append(command)
    return found


def test_a_closing_worker_stops_its_libreoffice_and_removes_its_profiles(tmp_path):
    source = write_batch(tmp_path / "batch.csv", 2, DATE)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as single:
        done = through_pool(DaskPool(single.scheduler_address), _chunks(source, 2))
        client = distributed.Client(single.scheduler_address, set_as_default=False)
        try:
            folder = next(iter(client.run(lambda: str(__import__("pipeline.run.dask_pool").run.dask_pool._worker_folder)).values()))
        finally:
            client.close()
        assert Path(folder).is_dir() and _office_processes(folder)  # LibreOffice was running in the worker
    assert all(o.ok for result in done for o in result.outcomes)
    assert not Path(folder).exists() and not _office_processes(folder)


def test_on_the_cluster_the_one_case_that_crashes_libreoffice_is_found_too(tmp_path, monkeypatch):
    from test_faults import FAKE, batch, statuses

    def poison(number, row):
        if number == 4:
            row["困难情况说明"] += "POISON-MARK"

    source = batch(tmp_path, 6, poison)
    out = tmp_path / "out"
    # The workers start the stand-in soffice; it reads its part from their environment.
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "poison")
    monkeypatch.setenv("FAKE_SOFFICE_POISON", "POISON-MARK")
    monkeypatch.setenv("FAKE_SOFFICE_REAL", shutil.which("soffice"))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=":0") as single:
        result = run_cli("build", str(source), "--out", str(out), "--date", DATE.isoformat(), "--soffice", str(FAKE),
                         "--chunk-size", "6", "--cluster", single.scheduler_address)
    assert result.returncode == 1, result.stderr
    assert statuses(out) == {f"SYN-{n:06d}": ("failed" if n == 3 else "ok") for n in range(1, 7)}
    assert "PDF转换失败" in read_report(out)[2]["messages"]
    assert all(PdfReader(out / f"SYN-{n:06d}" / "packet.pdf").outline for n in (1, 2, 4, 5, 6))
    assert not (out / "SYN-000003" / "packet.pdf").exists()
