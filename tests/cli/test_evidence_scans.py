"""Evidence scans named in 证明文件 end up in the packet, after the cover sheet that lists them."""

from __future__ import annotations

import csv
import io
import re

import pytest
from conftest import DATA
from e2e import outline_titles, read_report, run_cli
from PIL import Image
from pypdf import PdfReader, PdfWriter

from pipeline.documents.kinds import DOCUMENTS

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


def _pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_scans_follow_the_cover_sheet_and_bad_ones_invalidate_only_their_row(tmp_path):
    (tmp_path / "scans").mkdir()
    (tmp_path / "scans" / "流水.pdf").write_bytes(_pdf(3))
    Image.new("RGB", (300, 400), (20, 20, 200)).save(tmp_path / "诊断.jpg", "JPEG")
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[:3]
    files = {"E2E-001": "scans/流水.pdf、诊断.jpg", "E2E-002": "scans/没有这个.pdf", "E2E-003": ""}
    for row in rows:
        row["证明文件"] = files[row["案件编号"]]
    source = tmp_path / "cases.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    out = tmp_path / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24")
    assert result.returncode == 1, result.stderr
    report = {r["case_id"]: r for r in read_report(out)}
    assert report["E2E-001"]["status"] == "ok" and report["E2E-003"]["status"] == "ok"
    assert report["E2E-002"]["status"] == "invalid"
    assert "「证明文件」“scans/没有这个.pdf”找不到该文件" in report["E2E-002"]["messages"]

    # a client with one debt: no financial statement, no overview of all debts
    single = [k for k in DOCUMENTS if not k.needs_several]
    packet = out / "E2E-001" / "packet.pdf"
    outline = outline_titles(packet)
    titles = [t for t, _ in outline]
    cover = [k.title for k in single].index("证明材料清单")
    assert titles[: cover + 1] == [k.title for k in single][: cover + 1]
    assert titles[cover + 1: cover + 3] == ["证明文件：流水.pdf", "证明文件：诊断.jpg"]
    assert titles[cover + 3:] == [k.title for k in single][cover + 1:]
    starts = dict(outline)
    assert starts["证明文件：诊断.jpg"] - starts["证明文件：流水.pdf"] == 3  # the scan's own three pages
    assert starts[titles[cover + 3]] - starts["证明文件：诊断.jpg"] == 1
    reader = PdfReader(packet)
    cover_text = re.sub(r"\s+", "", reader.pages[starts["证明材料清单"]].extract_text())
    assert "证明文件：流水.pdf3" in cover_text and "证明文件：诊断.jpg1" in cover_text
    # the scans carry the lender set's footer and count in its page numbers
    lender_pages = len(PdfReader(out / "E2E-001" / "to_lender.pdf").pages)
    for number in range(starts["证明文件：流水.pdf"], starts[titles[cover + 3]]):
        text = re.sub(r"\s+", "", reader.pages[number].extract_text())
        assert f"案件编号：E2E-001寄送件第{number + 1}页/共{lender_pages}页" in text, text
    assert [t for t, _ in outline_titles(out / "E2E-001" / "to_lender.pdf")] == titles[: cover + 4]
    # E2E-003 lists no evidence at all: its lender set has no cover sheet
    assert [t for t, _ in outline_titles(out / "E2E-003" / "packet.pdf")] == [
        k.title for k in single if k.name != "evidence_cover"]


def test_format_characters_in_a_scans_name_do_not_reach_the_outline_or_the_metadata(tmp_path):
    """Issue 20, finding 10: "invoice\u202egpj.pdf" (U+202E, right-to-left override: it reads "invoicefdp.jpg")
    was the outline entry and part of the document information of to_lender.pdf and packet.pdf;
    a borrower's name with a zero-width space was the print file's outline entry."""
    name = "invoice\u202egpj\u200b.pdf"
    (tmp_path / name).write_bytes(_pdf(1))
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    row["证明文件"] = name
    row["姓名"] = "张\u200b晓明"
    source = tmp_path / "cases.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    out = tmp_path / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24", "--print-file")
    assert result.returncode == 0, result.stderr
    for pdf in (out / "E2E-001" / "to_lender.pdf", out / "E2E-001" / "packet.pdf"):
        titles = [t for t, _ in outline_titles(pdf)]
        assert "证明文件：invoicegpj.pdf" in titles, titles
        info = PdfReader(pdf).metadata
        assert "证明文件：invoicegpj.pdf" in info["/Subject"]
        assert not any(c in text for text in [*titles, info["/Title"], info["/Subject"]] for c in "\u202e\u200b")
    printed = PdfReader(out / "print" / "batch-2026-11-24.pdf")
    assert [item.title for item in printed.outline if not isinstance(item, list)] == ["打印索引", "E2E-001 张晓明"]
