"""Ready to print: --duplex pads every document to an even page count; --print-file stacks the batch."""

from __future__ import annotations

import re

import pytest
from conftest import DATA
from e2e import outline_sets, outline_titles, run_cli
from pypdf import PdfReader

from pipeline.documents.kinds import DOCUMENTS

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print")
    duplex = run_cli("build", str(DATA / "cases.csv"), "--out", str(folder / "duplex"), "--date", "2026-11-24",
                     "--duplex", "--print-file")
    simplex = run_cli("build", str(DATA / "cases.csv"), "--out", str(folder / "simplex"), "--date", "2026-11-24")
    assert duplex.returncode == 1 and simplex.returncode == 1  # E2E-004 is invalid
    return folder / "duplex", folder / "simplex"


def test_duplex_documents_start_on_a_fresh_sheet(printed):
    duplex, simplex = printed
    padded_somewhere = False
    for case in ("E2E-001", "E2E-002", "E2E-003"):
        outline = outline_titles(duplex / case / "packet.pdf")
        pages = len(PdfReader(duplex / case / "packet.pdf").pages)
        listed = case != "E2E-003"  # E2E-003 lists no evidence: no cover sheet
        assert [t for t, _ in outline] == [k.title for k in DOCUMENTS if (listed or k.name != "evidence_cover")
                                           and not k.needs_several]  # one debt each
        assert all(start % 2 == 0 for _, start in outline) and pages % 2 == 0, (outline, pages)
        plain = outline_titles(simplex / case / "packet.pdf")
        plain_pages = len(PdfReader(simplex / case / "packet.pdf").pages)
        lengths = [b - a for (_, a), (_, b) in zip(plain, [*plain[1:], ("", plain_pages)], strict=True)]
        assert pages == sum(n + n % 2 for n in lengths)  # one blank page after each odd document
        padded_somewhere |= pages > plain_pages
    assert padded_somewhere, "the test data should have at least one odd-length document"


def test_print_file_has_an_index_and_every_ok_packet_in_input_order(printed):
    duplex, _ = printed
    batch = duplex / "print" / "batch-2026-11-24.pdf"
    reader = PdfReader(batch)
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline
               if not isinstance(item, list)]
    assert [t for t, _ in outline] == ["打印索引", "E2E-001 张晓明", "E2E-002 李秀英", "E2E-003 赵建国"]
    sizes = [len(PdfReader(duplex / c / "packet.pdf").pages) for c in ("E2E-001", "E2E-002", "E2E-003")]
    # a one-page index padded to two pages, then the packets back to back
    assert [p for _, p in outline[1:]] == [2, 2 + sizes[0], 2 + sizes[0] + sizes[1]]
    assert len(reader.pages) == 2 + sum(sizes)
    index = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    for number, (case, first, size) in enumerate(zip(("E2E-001", "E2E-002", "E2E-003"),
                                                   [p + 1 for _, p in outline[1:]], sizes, strict=True), start=1):
        (_, lender_start), (_, borrower_start) = outline_sets(duplex / case / "packet.pdf")
        lender, borrower = borrower_start - lender_start, size - borrower_start
        assert re.search(rf"{number}\s*{case}\s*\S+\s*{first}\s*{lender}\s*{borrower}", index), index
        # under each case, its two sets, where they start in the print file
        assert borrower_start % 2 == 0  # with --duplex the borrower's set starts on a fresh sheet
