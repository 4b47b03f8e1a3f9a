"""Each worker starts its LibreOffice as it starts (issue 16: the first chunk should not wait for
LibreOffice), and every worker starts with the first chunk, not one by one as chunks come."""

from __future__ import annotations

import time
from pathlib import Path

import psutil
import pytest

from pipeline.documents.render import TemplateSet
from pipeline.pdf.libreoffice import find_soffice
from pipeline.run.chunk import Chunk, ConverterSettings
from pipeline.run.local_pool import LocalPool

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


def _offices(profiles: Path) -> set[int]:
    found = set()
    for process in psutil.Process().children(recursive=True):
        try:
            if process.name() == "soffice.bin" and str(profiles) in " ".join(process.cmdline()):
                found.add(process.pid)
        except psutil.Error:
            pass
    return found


def test_one_chunk_starts_every_worker_and_its_libreoffice(tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir(mode=0o700)
    settings = ConverterSettings(find_soffice(), 120, profiles)
    empty = Chunk((), TemplateSet().blobs, settings)  # converts nothing: no worker needs LibreOffice for it
    with LocalPool(2, office=settings) as pool:
        assert pool.submit(empty) == []
        assert [len(result.outcomes) for result in pool.drain()] == [0]
        # Waiting for an event (two LibreOffice processes of this pool), bounded only against a hang.
        deadline = time.monotonic() + 120
        while len(_offices(profiles)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_offices(profiles)) == 2
