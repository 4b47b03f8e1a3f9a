"""Two builds of the same input on the same date give the same packets (issue 24): a reprint matches
the copy the borrower already signed. Each build starts its LibreOffice on a new profile of its own,
as a fresh clone's first `make packets` does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import PACKET_DATE, ROOT
from e2e import run_cli

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

SAMPLES = ROOT / "samples" / "clients.csv"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    outs = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp(name) / "out"
        result = run_cli("build", str(SAMPLES), "--out", str(out), "--date", PACKET_DATE.isoformat(), "--jobs", "2")
        assert result.returncode == 0, result.stderr
        outs.append(out)
    return outs


def _pdfs(out: Path) -> list[Path]:
    return sorted(path.relative_to(out) for pattern in ("*/packet.pdf", "*/to_lender*.pdf") for path in out.glob(pattern))


def _page_texts(pdf: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")


def _page_images(pdf: Path, folder: Path) -> list[bytes]:
    folder.mkdir(parents=True)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")], check=True)
    return [image.read_bytes() for image in sorted(folder.glob("page-*.png"))]


def test_a_build_on_a_new_profile_converts_every_chunk_at_the_first_attempt(two_builds):
    """No chunk falls back to converting its cases one by one: LibreOffice started by a worker's
    short-lived start thread used to be killed as that thread ended (pdf/launcher.py)."""
    for out in two_builds:
        log = (out / "packets.log").read_text("utf-8")
        assert "failed to convert" not in log and "retrying" not in log, log


def test_two_builds_give_the_same_pages_and_the_same_bytes(two_builds, tmp_path):
    first, second = two_builds
    pdfs = _pdfs(first)
    assert len(pdfs) > 17 and pdfs == _pdfs(second)  # 17 clients' packets, and a file per lender
    for pdf in pdfs:
        # No field differs: the /ID is a digest of the content and no date is written (pdf/assemble.py).
        # Equal bytes are equal pages; where they differ, the pages are compared to say how.
        if (first / pdf).read_bytes() == (second / pdf).read_bytes():
            continue
        assert _page_texts(first / pdf) == _page_texts(second / pdf), pdf
        images = [_page_images(out / pdf, tmp_path / name / pdf) for name, out in (("a", first), ("b", second))]
        assert images[0] == images[1], f"{pdf}: the same text, pages drawn differently"
        pytest.fail(f"{pdf}: the same pages, different bytes")
