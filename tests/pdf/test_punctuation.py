"""Nothing the templates say is lost on the way to PDF: every paragraph of every editable copy, as
rendered for a varied batch, is in its document's pages with every character, punctuation included.
(LibreOffice 7.4 dropped a full-width comma that fell at the right margin — "请不要寄出，里面有" printed
as "请不要寄出 / 里面有" — while hanging punctuation was on; issue 24.)"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import PACKET_DATE, ROOT
from docx import Document
from e2e import packet_documents, run_cli

from bench.synthetic import write_batch

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

FOOTER = re.compile(r"^案件编号：\S+\s+(?:(?:寄送件|本人留存)\s+)?第\s*\d+\s*页\s*/\s*共\s*\d+\s*页$", re.MULTILINE)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)  # \s takes the ideographic space (U+3000) too


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("punctuation")
    synthetic = write_batch(folder / "synthetic.csv", 12, PACKET_DATE)
    out = folder / "out"
    result = run_cli("build", str(ROOT / "samples" / "clients.csv"), str(synthetic), "--out", str(out),
                     "--date", PACKET_DATE.isoformat(), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    return out


def _paragraphs(docx: Path) -> list[str]:
    """The text of each paragraph of the body and of its tables' cells (nested tables too)."""
    document = Document(docx)
    found = []

    def walk(container):
        found.extend(p.text for p in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in dict.fromkeys(row.cells):  # a merged cell is listed once per column it spans
                    walk(cell)

    walk(document)
    return [text for text in map(_flat, found) if text]


def _document_text(packet: Path, start: int, end: int) -> str:
    """The document's pages in the order LibreOffice drew them (a table cell's lines stay together),
    without the footer a paragraph running on to the next page would be split by."""
    raw = subprocess.run(["pdftotext", "-raw", "-f", str(start + 1), "-l", str(end), str(packet), "-"],
                         capture_output=True, text=True, check=True).stdout
    return _flat(FOOTER.sub("", raw))


def test_every_paragraph_of_every_document_is_in_its_pdf_with_all_its_punctuation(built):
    cases = sorted(path for path in built.iterdir() if (path / "packet.pdf").is_file())
    assert len(cases) == 17 + 12
    missing = []
    checked = 0
    for folder in cases:
        for name, start, end in packet_documents(folder):
            text = _document_text(folder / "packet.pdf", start, end)
            for paragraph in _paragraphs(folder / name):
                checked += 1
                if paragraph not in text:
                    missing.append(f"{folder.name} {name}: {paragraph}")
    assert checked > 2000 and missing == []
