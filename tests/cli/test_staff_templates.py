"""A staff template (`--templates DIR`) in a real build: its own page header prints on its pages, the
packet's footer stays, and a template that tries to run code only fails its case."""

from __future__ import annotations

import csv
import re

import pytest
from conftest import DATA, PAYLOAD, ROOT, TEMPLATES_DIR
from docx import Document
from e2e import outline_sets, outline_titles, read_report, run_cli
from pypdf import PdfReader

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


def one_case(tmp_path, count: int = 1):
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))[:count]
    source = tmp_path / "one.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return source


def two_cases(tmp_path):
    return one_case(tmp_path, 2)


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


def test_a_template_that_tries_to_run_code_stops_the_build_before_any_case_and_runs_nothing(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    letter.add_paragraph(PAYLOAD)
    letter.save(folder / "hardship_letter.docx")
    out = tmp_path / "out"
    result = run_cli("build", str(one_case(tmp_path)), "--out", str(out), "--date", "2026-11-24", "--templates",
                     str(folder), "--jobs", "1")
    assert result.returncode == 2, result.stderr
    assert "自定义模板不能使用" in result.stderr and "hardship_letter.docx" in result.stderr
    assert not (out / "E2E-001").exists() and not (out / "report.csv").exists()
    assert "uid=" not in result.stdout + result.stderr + (out / "packets.log").read_text("utf-8")


def test_a_template_reaching_the_logos_docxtemplate_stops_the_build_and_writes_nothing(tmp_path):
    """Issue 20, finding 2: with a logo, `org.logo` was docxtpl's InlineImage, whose `.tpl` is the running
    DocxTemplate: `.save(path)` wrote a file anywhere, `.new_subdoc(path)` put another borrower's
    letter into this one's to_lender.pdf."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    written = tmp_path / "written.docx"
    letter = Document(TEMPLATES_DIR / "hardship_letter.docx")
    letter.add_paragraph(f"{{{{ org.logo.tpl.save('{written}') }}}}")
    letter.save(folder / "hardship_letter.docx")
    out = tmp_path / "out"
    result = run_cli("build", str(one_case(tmp_path)), "--out", str(out), "--date", "2026-11-24", "--templates",
                     str(folder), "--org", str(ROOT / "samples" / "organisation.yaml"), "--jobs", "1")
    assert result.returncode == 2 and "save()" in result.stderr, result.stderr
    assert not written.exists() and not (out / "E2E-001").exists()


def test_a_template_whose_loop_never_ends_fails_its_case_only(tmp_path):
    """Issue 20, finding 3: two nested range(100000) loops hung the whole batch whatever --timeout said."""
    folder = tmp_path / "slow"
    folder.mkdir()
    sheet = Document(TEMPLATES_DIR / "call_sheet.docx")
    sheet.add_paragraph('{% if case_id == "E2E-002" %}{% for i in range(100000) %}{% for j in range(100000) %}'
                        '{% endfor %}{% endfor %}{% endif %}')
    sheet.save(folder / "call_sheet.docx")
    out = tmp_path / "out"
    result = run_cli("build", str(two_cases(tmp_path)), "--out", str(out), "--date", "2026-11-24", "--templates",
                     str(folder), "--jobs", "1", "--timeout", "5")
    assert result.returncode == 1, result.stderr
    rows = {row["case_id"]: row for row in read_report(out)}
    assert rows["E2E-001"]["status"] == "ok" and (out / "E2E-001" / "packet.pdf").exists()
    assert rows["E2E-002"]["status"] == "failed" and "文书生成超时" in rows["E2E-002"]["messages"]
