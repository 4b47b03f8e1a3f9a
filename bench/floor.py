"""LibreOffice's own floor: the same pages the pipeline converts, already composed into chunk files,
converted by one warm LibreOffice per core with no Python work per case. The pipeline cannot be
faster than this; how close it comes is what its Python costs."""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from datetime import date
from pathlib import Path

from pipeline.batch.rows import check_rows, open_inputs
from pipeline.contract import default_contract
from pipeline.documents.context import build_context
from pipeline.documents.kinds import documents_for
from pipeline.documents.render import TemplateSet
from pipeline.pdf.compose import NumberedSet
from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.uno_converter import UnoConverter
from pipeline.run.chunk import compose_chunk, render_documents


def compose_chunks(source: Path, packet_date: date, count: int, size: int, folder: Path) -> list[Path]:
    """The first `count` cases, rendered and composed as the pipeline does, `size` cases per file."""
    contract = default_contract()
    templates = TemplateSet()
    rows = []
    for checked in check_rows(open_inputs([source], contract), contract, packet_date):
        if checked.case is not None:
            rows.append(build_context(checked.case, checked.plan, contract))
        if len(rows) == count:
            break
    def rendered(kinds, context: dict) -> tuple:
        return tuple(render_documents(templates, tuple(kind.name for kind in kinds), context)[1])

    files = []
    for start in range(0, len(rows), size):
        sets = (NumberedSet(context["case_id"], part.label, rendered(kinds, context))
                for context in rows[start:start + size]
                for part, kinds in documents_for(context["evidence"]["any"]).items())
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
