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
def local_workshop(soffice: str, jobs: int, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Workshop]:
    """Local workers; their LibreOffice profiles and everything else in the scratch folder go with
    the block, and any LibreOffice still running with a profile there is stopped."""
    with run_scratch() as scratch:
        settings = ConverterSettings(soffice, timeout, scratch)
        try:
            with LocalPool(jobs, office=settings) as pool:
                yield Workshop(scratch, settings, pool)
        finally:
            reap_strays(scratch)


@contextlib.contextmanager
def warm_workshop(soffice: str, jobs: int) -> Iterator[Workshop]:
    """A local workshop whose workers and LibreOffice start now, before the first chunk is known."""
    with local_workshop(soffice, jobs) as workshop:
        assert isinstance(workshop.pool, LocalPool)
        workshop.pool.warm()
        yield workshop
