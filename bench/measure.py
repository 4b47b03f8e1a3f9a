"""`make bench` / `python -m bench`: the build against simpler ways, on the same cases, in one run.

1. pipeline       — `packets build` itself (the CLI, as staff run it) on N synthetic cases.
2. per document   — every .docx converted by its own `soffice --convert-to pdf` call, then merged
                    into packets with pypdf: the natural first implementation.
3. per core       — all .docx files of the cases handed to one `soffice` call per core (at most 200
                    files per call), in parallel, then merged with pypdf.
4. warm, 1/load   — the pipeline with `--chunk-size 1`: a warm LibreOffice per worker, but one
                    packet's documents per load — what composing many cases into one file beats.
5. LibreOffice floor — the same pages, composed beforehand, converted by one warm LibreOffice per
                    core with no Python work per case (bench/floor.py): the pipeline's lower bound.
6. tagged       — the pipeline with `--tagged` on the same N cases: what tagged PDFs cost
                    (`--no-tagged` skips it).
7. one client   — bench/office.py: a single case from the click to the packet, the CLI against the
                    office server with and without its warm LibreOffice (`--no-office` skips it).
Rows 2–5 run on the first cases of the same batch (they are slow) and are scaled per packet.
Peak RSS is sampled over the pipeline's Python processes (parent and workers, LibreOffice excluded).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
import psutil
from pypdf import PdfWriter

from bench.floor import compose_chunks, convert_floor, planned_clients
from bench.office import one_client
from bench.synthetic import write_batch
from pipeline.contract import default_contract
from pipeline.documents.kinds import DOCUMENTS, SetKind
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import TemplateSet
from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.soffice_converter import pdf_filter

PACKET_DATE = date(2026, 11, 24)
PER_CALL = 200
CHUNK_SIZE = 12  # the pipeline's default
LIBREOFFICE = {"soffice", "soffice.bin", "oosplash"}


@dataclass(frozen=True)
class Measured:
    name: str
    packets: int
    seconds: float
    peak_rss_mb: float | None = None

    @property
    def per_packet(self) -> float:
        return self.seconds / self.packets


def run_pipeline(source: Path, out: Path, jobs: int, extra: tuple[str, ...] = ()) -> Measured:
    command = [sys.executable, "-m", "pipeline", "build", str(source), "--out", str(out),
               "--date", PACKET_DATE.isoformat(), "--jobs", str(jobs), "--quiet", *extra]
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = _watch_rss(process)
    _, errors = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise click.ClickException(f"build exited {process.returncode}: {errors.decode()[-500:]}")
    packets = sum(1 for p in out.iterdir() if (p / "packet.pdf").is_file())
    return Measured(f"pipeline (--jobs {jobs})", packets, seconds, peak / 2**20)


def run_on_local_cluster(source: Path, out: Path, workers: int) -> Measured | None:
    """The same build on a Dask LocalCluster (loopback) with one single-threaded worker per core."""
    try:
        from distributed import LocalCluster  # noqa: PLC0415 - optional
    except ImportError:
        return None
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster:
        measured = run_pipeline(source, out, workers, ("--cluster", cluster.scheduler_address))
    # the workers' memory is the cluster's, not the client's: only the client is measured here
    return dataclasses.replace(measured, name=f"Dask LocalCluster ({workers})")


def _watch_rss(process: psutil.Popen) -> int:
    """Peak of the summed RSS of the process and its Python descendants, sampled every 50 ms."""
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            total = 0
            for member in tree:
                try:
                    if member.name() not in LIBREOFFICE:
                        total += member.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
            peak = max(peak, total)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    return peak


def render_documents(source: Path, count: int, folder: Path) -> list[list[Path]]:
    """The first `count` cases' documents as .docx files, one list per case."""
    contract = default_contract()
    templates = TemplateSet()
    result = []
    for client in planned_clients(source, contract, PACKET_DATE, count):
        paths = []
        for packet_set in packet_sets(client.case, client.plan, contract):
            for name in packet_set.documents:
                path = folder / f"{client.case.case_id}__{packet_set.copy_name(name)}"
                path.write_bytes(templates.render(name, packet_set.context).docx)
                paths.append(path)
        result.append(paths)
    return result


def _soffice(soffice: str, profile: Path, outdir: Path, files: list[Path]) -> None:
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
         "--convert-to", pdf_filter(False), "--outdir", str(outdir), *map(str, files)],
        check=True, capture_output=True, timeout=1800,
    )


def _merge(cases: list[list[Path]], outdir: Path) -> None:
    """The baselines' packets: to_lender.pdf (the lender set) and packet.pdf (everything) per case."""
    lender_documents = {kind.name for kind in DOCUMENTS if kind.set is SetKind.LENDER}
    for n, docs in enumerate(cases):
        lender = [docx for docx in docs if docx.stem.split("__", 1)[1] in lender_documents]
        for name, part in (("to_lender", lender), ("packet", docs)):
            writer = PdfWriter()
            for docx in part:
                writer.append(str(outdir / (docx.stem + ".pdf")))
            writer.write(outdir / f"{name}-{n}.pdf")


def baseline_per_document(source: Path, count: int, scratch: Path) -> Measured:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    soffice = find_soffice()
    started = time.perf_counter()
    cases = render_documents(source, count, folder)
    for docs in cases:
        for docx in docs:
            _soffice(soffice, Path(tempfile.mkdtemp(dir=scratch)), folder, [docx])
    _merge(cases, folder)
    return Measured("one soffice per document", len(cases), time.perf_counter() - started)


def baseline_per_core(source: Path, count: int, jobs: int, scratch: Path) -> Measured:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    soffice = find_soffice()
    started = time.perf_counter()
    cases = render_documents(source, count, folder)
    files = [docx for docs in cases for docx in docs]
    # One soffice call silently stops converting after about 247 files: calls of at most 200.
    groups = [group[i:i + PER_CALL] for group in (files[j::jobs] for j in range(jobs))
              for i in range(0, len(group), PER_CALL)]
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(lambda g: _soffice(soffice, Path(tempfile.mkdtemp(dir=scratch)), folder, g), groups))
    _merge(cases, folder)
    return Measured(f"one soffice per core ({jobs})", len(cases), time.perf_counter() - started)


def warm_one_packet_per_load(source: Path, count: int, jobs: int, scratch: Path) -> Measured:
    subset = write_batch(scratch / "warm.csv", count, PACKET_DATE)  # the same first cases
    measured = run_pipeline(subset, scratch / "warm-out", jobs, ("--chunk-size", "1"))
    return dataclasses.replace(measured, name=f"warm LO, 1 packet/load ({jobs})", peak_rss_mb=None)


def libreoffice_floor(source: Path, count: int, jobs: int, scratch: Path) -> Measured:
    folder = Path(tempfile.mkdtemp(dir=scratch))
    files = compose_chunks(source, PACKET_DATE, count, CHUNK_SIZE, folder)
    return Measured(f"LibreOffice floor ({jobs})", count, convert_floor(files, jobs))


def table(rows: list[Measured], pipeline: Measured) -> str:
    lines = [f"{'path':<28} {'packets':>7} {'seconds':>8} {'packets/s':>9} {'s/packet':>8} {'peak RSS':>9} {'its s/packet ÷ pipeline':>24}",
             "-" * 99]
    for row in rows:
        rss = f"{row.peak_rss_mb:.0f} MB" if row.peak_rss_mb is not None else "—"
        ratio = "—" if row is pipeline else f"{row.per_packet / pipeline.per_packet:.2f}×"
        lines.append(f"{row.name:<28} {row.packets:>7} {row.seconds:>8.1f} {row.packets / row.seconds:>9.2f} "
                     f"{row.per_packet:>8.3f} {rss:>9} {ratio:>24}")
    return "\n".join(lines)


@click.command()
@click.option("-n", "--cases", "n", default=int(os.environ.get("BENCH_N", 300)), show_default=True, help="synthetic cases")
@click.option("--jobs", default=len(os.sched_getaffinity(0)), show_default=True)
@click.option("--per-document", default=8, show_default=True, help="cases for the per-document baseline")
@click.option("--per-core", default=60, show_default=True, help="cases for the per-core baseline")
@click.option("--floor", default=120, show_default=True, help="cases for the LibreOffice floor")
@click.option("--memory", is_flag=True, help="also compare peak RSS for 500 and 5,000 cases")
@click.option("--cluster/--no-cluster", default=True, show_default=True,
              help="also run the build on a Dask LocalCluster (when distributed is installed)")
@click.option("--tagged/--no-tagged", default=True, show_default=True,
              help="also run the build with --tagged on the same cases: what tagged PDFs cost")
@click.option("--office/--no-office", default=True, show_default=True,
              help="also time one client from the click to the packet: the CLI and the office server, cold and warm")
def main(n, jobs, per_document, per_core, floor, memory, cluster, tagged, office):
    """Benchmark the build against the per-document and per-core baselines on the same cases."""
    scratch = Path(tempfile.mkdtemp(prefix="packets-bench-"))
    on_cluster = None
    try:
        source = write_batch(scratch / "batch.csv", n, PACKET_DATE)
        click.echo(f"{date.today()} · {os.cpu_count()} cores · N = {n}", err=True)
        pipeline = run_pipeline(source, scratch / "out", jobs)
        again = run_pipeline(source, scratch / "out", jobs)  # unchanged: every packet is up to date
        with_tags = dataclasses.replace(run_pipeline(source, scratch / "tagged-out", jobs, ("--tagged",)),
                                        name=f"pipeline --tagged (--jobs {jobs})") if tagged else None
        rows = [pipeline,
                baseline_per_document(source, min(per_document, n), scratch),
                baseline_per_core(source, min(per_core, n), jobs, scratch),
                warm_one_packet_per_load(source, min(per_core, n), jobs, scratch),
                libreoffice_floor(source, min(floor, n), jobs, scratch)]
        if with_tags:
            rows.append(with_tags)
        if cluster:
            on_cluster = run_on_local_cluster(source, scratch / "cluster-out", jobs)
            if on_cluster:
                rows.append(on_cluster)
        click.echo(table(rows, pipeline))
        per_document_row, per_core_row, warm_row, floor_row = rows[1:5]
        click.echo(f"pipeline is {per_document_row.per_packet / pipeline.per_packet:.1f}× faster than one soffice per "
                   f"document, {per_core_row.per_packet / pipeline.per_packet:.2f}× faster than one soffice per core, "
                   f"{warm_row.per_packet / pipeline.per_packet:.2f}× faster than a warm LibreOffice converting one "
                   f"packet per load, and {pipeline.per_packet / floor_row.per_packet:.2f}× LibreOffice's own floor")
        click.echo(f"re-run of the unchanged batch: {again.seconds:.2f} s ({again.seconds / pipeline.seconds:.1%} of the first run)")
        if with_tags:
            click.echo(f"tagged PDFs (--tagged) vs untagged: {with_tags.seconds / pipeline.seconds - 1:+.1%} time")
        if on_cluster:
            click.echo(f"cluster overhead vs the local pool: {on_cluster.seconds / pipeline.seconds - 1:+.1%}")
        if office:
            click.echo(one_client(scratch, jobs, PACKET_DATE))
        if memory:
            small = run_pipeline(write_batch(scratch / "m500.csv", 500, PACKET_DATE), scratch / "m500", jobs)
            large = run_pipeline(write_batch(scratch / "m5000.csv", 5000, PACKET_DATE), scratch / "m5000", jobs)
            growth = large.peak_rss_mb / small.peak_rss_mb - 1
            click.echo(f"peak RSS: 500 cases {small.peak_rss_mb:.0f} MB ({small.seconds:.0f} s), "
                       f"5,000 cases {large.peak_rss_mb:.0f} MB ({large.seconds:.0f} s), growth {growth:+.1%}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
