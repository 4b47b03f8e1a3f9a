"""Peak memory of a build stays under 1 GB whatever one row contains. Issue 14, finding 6 (30 × the same
45 MB PDF in one cell took 5.6 GB); issue 20, finding 5 (a 1 MB PDF whose page inflates to 1 GiB
built "ok" at 2.19 GB).

The heaviest row a build accepts — evidence up to the row's byte limit, in scans whose pages really
draw all of it, so that nothing is dropped on the way — is built at --jobs 2 (the chunk travels to a
worker and back), next to an ordinary row, a row naming the same big scan thirty times and a row
with a decompression bomb, both refused. The resident memory of every Python process of the run
(LibreOffice excluded: it never sees the scans) is sampled while it runs; their sum must stay under 1 GB.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from datetime import date

import hostile
import psutil
import pytest
from conftest import ROOT
from e2e import read_report

from bench.synthetic import write_batch
from pipeline.intake import evidence_files

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

LIMIT = 1 << 30


def python_rss(root: psutil.Process) -> int:
    total = 0
    for process in [root, *root.children(recursive=True)]:
        try:
            if process.name().startswith("python"):
                total += process.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def test_peak_memory_of_a_build_stays_under_1_gb_whatever_one_row_contains(tmp_path):
    row_limit_mb = evidence_files.MAX_ROW_BYTES / 1_000_000
    big = row_limit_mb * 0.74  # two scans just under the row's limit together
    hostile.pdf_big_page_image(tmp_path / "big-1.pdf", big)
    hostile.pdf_big_page_image(tmp_path / "big-2.pdf", row_limit_mb - big - 0.5)
    hostile.pdf_flate_bomb(tmp_path / "bomb.pdf", 1024)
    source = write_batch(tmp_path / "cases.csv", 4, date(2026, 11, 24))
    with source.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[:4]  # the fourth client's first debt alone
    rows[0]["证明文件"] = "big-1.pdf、big-2.pdf"
    rows[2]["证明文件"] = "、".join(["big-1.pdf"] * 30)
    rows[3]["证明文件"] = "bomb.pdf"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    run = subprocess.Popen([sys.executable, "-m", "pipeline", "build", str(source), "--out", str(tmp_path / "out"),
                            "--date", "2026-11-24", "--jobs", "2"], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(run.pid)
    peak = 0
    while run.poll() is None:
        peak = max(peak, python_rss(root))
        time.sleep(0.02)  # a sampling interval, not a wait for something to happen
    stdout, stderr = run.communicate()
    assert run.returncode == 1, stderr
    report = read_report(tmp_path / "out")
    assert [r["status"] for r in report] == ["ok", "ok", "invalid", "invalid"]
    assert "合计超过" in report[2]["messages"] and "解压后超过" in report[3]["messages"]
    packet = next((tmp_path / "out").glob("SYN-000001/packet.pdf"))
    assert packet.stat().st_size > evidence_files.MAX_ROW_BYTES * 0.9  # the scans really went through
    print(f"peak RSS of the build's Python processes: {peak / 2**20:.0f} MiB")
    assert peak < LIMIT
