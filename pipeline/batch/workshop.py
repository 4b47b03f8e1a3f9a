"""Where a build's chunks are converted: the run's private scratch folder, the LibreOffice settings
and the pool of workers with their LibreOffice.

A build opens its own (`packets build`). The office server opens one before its next batch is known
and warms it (every worker and its LibreOffice started), so that a caseworker's click on 生成材料
does not wait for LibreOffice to start; the workshop then serves that one batch and goes with it —
never two users' files in one LibreOffice, and a fault costs only that batch's LibreOffice.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.batch.options import DEFAULT_TIMEOUT
from pipeline.pdf.libreoffice import reap_strays
from pipeline.run.chunk import ConverterSettings
from pipeline.run.local_pool import LocalPool
from pipeline.run.pool import Pool
from pipeline.run.scratch import run_scratch


@dataclass(frozen=True)
class Workshop:
    scratch: Path
    settings: ConverterSettings
    pool: Pool


@contextlib.contextmanager
def converting(soffice: str, timeout: float = DEFAULT_TIMEOUT) -> Iterator[tuple[Path, ConverterSettings]]:
    """The run's scratch folder and its LibreOffice settings; when the block ends, any LibreOffice
    still running with a profile there is stopped and the folder goes with everything in it."""
    with run_scratch() as scratch:
        try:
            yield scratch, ConverterSettings(soffice, timeout, scratch)
        finally:
            reap_strays(scratch)


@contextlib.contextmanager
def warm_workshop(soffice: str, jobs: int) -> Iterator[Workshop]:
    """Local workers whose LibreOffice start now, before the first chunk is known."""
    with converting(soffice) as (scratch, settings), LocalPool(jobs, office=settings) as pool:
        pool.warm()
        yield Workshop(scratch, settings, pool)
