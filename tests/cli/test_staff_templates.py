"""A staff template (`--templates DIR`) in a real build: its own page header prints on its pages, the
packet's footer stays, and a template that tries to run code only fails its case."""

from __future__ import annotations

import csv
import re

from conftest import DATA, PAYLOAD, TEMPLATES_DIR
from docx import Document
from e2e import outline_sets, outline_titles, read_report, run_cli
from pypdf import PdfReader


def one_case(tmp_path):
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[:1]
    source = tmp_path / "one.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return source


def test_a_staff_templates_page_header_prints_on_its_own_pages_and_the_footer_stays(tmp_path):
    folder = tmp_path / "ours"
    folder.mkdir()
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    header = letter.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "示例律师事务所专用笺　{{ case_id }}"
    letter.save(folder / "hardship_letter.docx")
    out = tmp_path / "out"
    result = run_cli("build", str(one_case(tmp_path)), "--out", str(out), "--date", "2026-11-24", "--templates",
                     str(folder), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    packet = out / "E2E-001" / "packet.pdf"
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(packet).pages]
    starts = [page for _, page in outline_titles(packet)]
    letter_pages = range(starts[0], starts[1])
    borrower = outline_sets(packet)[1][1]
    for number, text in enumerate(pages):
        assert ("示例律师事务所专用笺E2E-001" in text) == (number in letter_pages), number
        label, first, total = ("寄送件", 0, borrower) if number < borrower else ("本人留存", borrower, len(pages) - borrower)
        assert f"案件编号：E2E-001{label}第{number - first + 1}页/共{total}页" in text, text[-40:]


def test_a_template_that_tries_to_run_code_fails_its_case_and_runs_nothing(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    letter.add_paragraph(PAYLOAD)
    letter.save(folder / "hardship_letter.docx")
    out = tmp_path / "out"
    result = run_cli("build", str(one_case(tmp_path)), "--out", str(out), "--date", "2026-11-24", "--templates",
                     str(folder), "--jobs", "1")
    assert result.returncode == 1
    (row,) = read_report(out)
    assert row["status"] == "failed" and "SecurityError" in row["messages"]
    assert not (out / "E2E-001" / "packet.pdf").exists()
    assert "uid=" not in result.stdout + result.stderr + (out / "packets.log").read_text("utf-8")
