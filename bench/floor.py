"""LibreOffice's own floor: the same pages the pipeline converts, already composed into chunk files,
converted by one warm LibreOffice per core with no Python work per case. The pipeline cannot be
faster than this; how close it comes is what its Python costs."""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from datetime import date
from pathlib import Path

from pipeline.batch.rows import Ready, check_rows, open_inputs
from pipeline.contract import Contract, default_contract
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import TemplateSet
from pipeline.pdf.compose import NumberedSet
from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.uno_converter import UnoConverter
from pipeline.run.chunk import CaseJob, compose_chunk, render_documents
from pipeline.run.scratch import run_scratch


def planned_clients(source: Path, contract: Contract, packet_date: date, count: int) -> list[Ready]:
    """The first `count` valid clients of `source`, checked and planned as a build does."""
    found: list[Ready] = []
    with run_scratch() as scratch:
        for checked in check_rows(open_inputs([source], contract), contract, packet_date, scratch):
            ready = checked.ready()
            if ready is not None:
                found.append(ready)
            if len(found) == count:
                break
    return found


def compose_chunks(source: Path, packet_date: date, count: int, size: int, folder: Path) -> list[Path]:
    """The first `count` cases, rendered and composed as the pipeline does, `size` cases per file."""
    contract = default_contract()
    templates = TemplateSet()
    rows = [CaseJob(client.case.case_id, packet_sets(client.case, client.plan, contract))
            for client in planned_clients(source, contract, packet_date, count)]

    def numbered(job: CaseJob):
        rendered = iter(render_documents(templates, job))
        for packet_set in job.sets:
            yield NumberedSet(job.case_id, packet_set.name, packet_set.label,
                              tuple(next(rendered) for _ in packet_set.documents))

    files = []
    for start in range(0, len(rows), size):
        sets = (numbered_set for job in rows[start:start + size] for numbered_set in numbered(job))
        path = folder / f"chunk-{start // size:04d}.docx"
        compose_chunk(sets, templates).save(path)
        files.append(path)
    return files


def _convert_all(files: list[Path]) -> int:
    with UnoConverter(find_soffice(), 600, Path(tempfile.mkdtemp(prefix="floor-"))) as converter:
        for path in files:
            converter.convert(path)
    return len(files)


def convert_floor(files: list[Path], jobs: int) -> float:
    """Seconds for `jobs` processes, each with its own LibreOffice (started within the time), to
    convert their share of `files`."""
    shares = [files[i::jobs] for i in range(jobs)]
    context = multiprocessing.get_context("forkserver")
    with context.Pool(jobs) as pool:
        started = time.perf_counter()
        pool.map(_convert_all, shares)
        return time.perf_counter() - started
