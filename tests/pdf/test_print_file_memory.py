"""The print file's memory is flat in the number of packets. Issue 20, finding 9 (80 / 211 / 540 MB
for 20 / 100 / 300 packets: pypdf held every packet until the file was written).

The same batch of packet-like PDFs (~400 KB each, like a real packet: 12 pages, two sets with their
documents in the outline, an incompressible picture) is stacked into a print file, 20 and then 300 of
them, each in a fresh Python process whose resident memory is sampled (psutil) while it works.
The index is converted by the real LibreOffice, which is not counted (it is not a Python process).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time

import pikepdf
import psutil
import pytest
from conftest import ROOT
from pikepdf import Dictionary, Name, OutlineItem

PACKET_BYTES = 400_000
CHILD = """
import sys
from datetime import date
from pathlib import Path
from pipeline.pdf.libreoffice import open_converter
from pipeline.pdf.print_file import PrintEntry, write_print_file_pdf

folder, count = Path(sys.argv[1]), int(sys.argv[2])
entries = [PrintEntry(f"SYN-{n:06d}", "张三", folder / f"packet-{n % 300}.pdf") for n in range(count)]
profile = folder / f"profile-{count}"
profile.mkdir()
converter = open_converter("soffice", 120, profile)
try:
    with open(folder / f"print-{count}.pdf", "wb") as handle:
        write_print_file_pdf(entries, date(2026, 11, 24), converter, True, handle)
finally:
    converter.close()
"""


def packet(path, rng: random.Random) -> None:
    pdf = pikepdf.new()
    picture = pdf.make_stream(rng.randbytes(PACKET_BYTES), Type=Name.XObject, Subtype=Name.Image, Width=400,
                              Height=330, ColorSpace=Name.DeviceRGB, BitsPerComponent=8, Filter=Name.DCTDecode)
    for n in range(12):
        pdf.add_blank_page(page_size=(595, 842))
        pdf.pages[n].obj.Contents = pdf.make_stream(b"q 400 0 0 330 100 400 cm /Im0 Do Q BT ET\n" if n == 0 else b"")
        pdf.pages[n].obj.Resources = Dictionary(XObject=Dictionary(Im0=picture))
    with pdf.open_outline() as outline:
        for title, first, documents in (("寄送件（交贷款机构）", 0, ((0, "协商还款申请书"), (3, "收支及债务情况表"))),
                                        ("本人留存（不要寄出）", 7, ((7, "还款计划表"), (10, "权利与求助")))):
            item = OutlineItem(title, first)
            item.children.extend(OutlineItem(name, page) for page, name in documents)
            outline.root.append(item)
    pdf.save(path)


def peak_rss(folder, count: int) -> int:
    run = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), str(count)], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process = psutil.Process(run.pid)
    peak = 0
    while run.poll() is None:
        try:
            peak = max(peak, process.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.01)  # a sampling interval, not a wait for something to happen
    _, stderr = run.communicate()
    assert run.returncode == 0, stderr
    return peak


@pytest.mark.slow
def test_the_print_files_memory_does_not_grow_with_the_batch(tmp_path):
    rng = random.Random(9)
    for n in range(300):
        packet(tmp_path / f"packet-{n}.pdf", rng)
    small, large = peak_rss(tmp_path, 20), peak_rss(tmp_path, 300)
    with pikepdf.open(tmp_path / "print-300.pdf") as printed:
        assert len(printed.pages) >= 1 + 300 * 12
        with printed.open_outline() as outline:
            assert len(outline.root) == 301 and [c.title for c in outline.root[300].children] == [
                "寄送件（交贷款机构）", "本人留存（不要寄出）"]
    assert (tmp_path / "print-300.pdf").stat().st_size > 300 * PACKET_BYTES  # the packets really went in
    print(f"peak RSS: 20 packets {small / 2**20:.0f} MiB, 300 packets {large / 2**20:.0f} MiB")
    # 280 packets more are 112 MB of pictures: holding them would be seen
    assert large - small < 20 * 2**20, (small, large)
