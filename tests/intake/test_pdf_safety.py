"""Evidence PDFs: active content never survives, visible pages always do, and whatever a hostile
PDF makes pypdf raise is that file's problem — a message naming it — never the batch's.

Issue 14, findings 4 (active content), 5 (a library exception stops the batch) and 6 (caps)."""

from __future__ import annotations

import io

import hostile
import pytest
from pypdf import PdfReader

from pipeline.intake import evidence_files
from pipeline.intake.evidence_files import load_attachments
from pipeline.intake.pdf_safety import UnsafePdf, safe_pdf


def load(folder, text):
    return load_attachments(text, folder, "cases.csv", 7, "证明文件")


def page_tree_loop(path):
    """A /Pages node that lists itself among its kids."""
    pdf = hostile._Pdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    pdf.set(pages, b"<< /Type /Pages /Count 1 /Kids [%d 0 R] >>" % pages)
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return pdf.write(path, catalog)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("compress", [False, True], ids=["plain objects", "object streams"])
def test_no_active_content_survives_in_any_object_and_the_pages_stay(tmp_path, compress):
    """Finding 4: before, the scan was passed on byte for byte with its JavaScript, Launch, URI, GoToR
    and SubmitForm actions, /AA, /OpenAction, embedded files, file-attachment annotations and XFA."""
    hostile.pdf_with_javascript(tmp_path / "流水.pdf", compress=compress)
    assert hostile.active_content_kinds(hostile.active_content(tmp_path / "流水.pdf")) == \
        hostile.JAVASCRIPT_PDF_FINDINGS  # the file really carries all of it
    (attachment,), problems = load(tmp_path, "流水.pdf")
    assert problems == ()
    assert hostile.active_content(attachment.pdf) == []  # every object, reachable or not
    assert attachment.pages == 2
    assert page_texts(attachment.pdf) == ["EVIDENCE PAGE 1", "EVIDENCE PAGE 2"]


def test_what_annotations_show_stays_on_the_page_and_nothing_of_them_acts(tmp_path):
    """A filled-in form field and a stamp are part of what the page shows: drawn into the page; their
    scripts and the link's URI action are gone, and a hidden annotation stays hidden."""
    hostile.pdf_with_filled_form(tmp_path / "form.pdf")
    assert hostile.active_content(tmp_path / "form.pdf")  # the file carries scripts and a URI action
    (attachment,), problems = load(tmp_path, "form.pdf")
    assert problems == () and hostile.active_content(attachment.pdf) == []
    (text,) = page_texts(attachment.pdf)
    assert text.split("\n") == ["EVIDENCE PAGE 1", "FILLED 12345", "STAMP OK"]
    assert "/Annots" not in PdfReader(io.BytesIO(attachment.pdf)).pages[0]


def test_a_clean_pdf_keeps_what_its_pages_draw(tmp_path):
    hostile.plain_pdf(tmp_path / "plain.pdf", pages=3)
    clean, pages = safe_pdf((tmp_path / "plain.pdf").read_bytes(), 10)
    assert pages == 3
    assert page_texts(clean) == [f"EVIDENCE PAGE {n}" for n in (1, 2, 3)]
    original = PdfReader(tmp_path / "plain.pdf").pages[0]
    rewritten = PdfReader(io.BytesIO(clean)).pages[0]
    assert rewritten.mediabox == original.mediabox
    assert rewritten.get_contents().get_data() == original.get_contents().get_data()


def test_shared_resources_stay_shared(tmp_path):
    hostile.pdf_many_pages(tmp_path / "many.pdf", 50)  # 50 pages, one content stream
    clean, pages = safe_pdf((tmp_path / "many.pdf").read_bytes(), 300)
    reader = PdfReader(io.BytesIO(clean))
    assert pages == 50
    assert len({page.raw_get("/Contents").idnum for page in reader.pages}) == 1


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: hostile.pdf_deep_page_tree(p, depth=3000), "页面树嵌套过深"),
    (lambda p: hostile.pdf_many_pages(p, 50_000), "超过300页"),
    (lambda p: hostile.pdf_truncated(p), "已损坏"),
    (lambda p: hostile.pdf_encrypted(p), "加密"),
    (lambda p: page_tree_loop(p), "页面树有循环引用"),
], ids=["3000 levels deep", "50,000 pages", "truncated", "encrypted", "page tree loop"])
def test_a_hostile_pdf_is_that_files_problem(tmp_path, make, says):
    """Finding 5: a 3,000-deep page tree raised pypdf's LimitReachedError through the whole batch."""
    hostile.plain_pdf(tmp_path / "good.pdf")
    make(tmp_path / "bad.pdf")
    attachments, (problem,) = load(tmp_path, "good.pdf、bad.pdf")
    assert [a.name for a in attachments] == ["good.pdf"]
    assert problem.row == 7 and problem.column == "证明文件" and "“bad.pdf”" in problem.message
    assert says in problem.message, problem.message


def test_any_exception_inside_pypdf_becomes_the_files_problem(tmp_path, monkeypatch):
    """Finding 5: whatever pypdf raises (here a bare KeyError from deep inside) names the file."""
    hostile.plain_pdf(tmp_path / "scan.pdf")

    def broken(*args, **kwargs):
        raise KeyError("/Root")

    monkeypatch.setattr("pipeline.intake.pdf_safety.PdfReader", broken)
    attachments, (problem,) = load(tmp_path, "scan.pdf")
    assert attachments == () and "已损坏或不是有效的PDF文件" in problem.message


def test_unsafe_pdf_says_why_in_one_line(tmp_path):
    hostile.pdf_deep_page_tree(tmp_path / "deep.pdf", depth=150)
    with pytest.raises(UnsafePdf) as refused:
        safe_pdf((tmp_path / "deep.pdf").read_bytes(), 300)
    assert "\n" not in str(refused.value)
    hostile.pdf_deep_page_tree(tmp_path / "ok.pdf", depth=99)  # deep but within pypdf's own limit
    assert safe_pdf((tmp_path / "ok.pdf").read_bytes(), 300)[1] == 1


# ------------------------------------------------------------- a row's limits (finding 6)


def test_the_same_file_named_again_and_again_counts_each_time(tmp_path, monkeypatch):
    """Finding 6: 30 × the same 45 MB PDF in one cell took 5.6 GB; each naming now counts against the
    row's byte limit, and the files after the limit are not read at all."""
    monkeypatch.setattr(evidence_files, "MAX_ROW_BYTES", 10_000)
    hostile.plain_pdf(tmp_path / "scan.pdf")  # under 1 KB
    reads = []
    real_read = evidence_files.read_regular_file
    monkeypatch.setattr(evidence_files, "read_regular_file", lambda *a: reads.append(a) or real_read(*a))
    attachments, (problem,) = load(tmp_path, "、".join(["scan.pdf"] * 30))
    cost = max((tmp_path / "scan.pdf").stat().st_size, len(attachments[0].pdf))
    assert len(attachments) == 10_000 // cost < 30
    assert len(reads) == 1  # read once, counted every time
    assert problem.code == "evidence_too_large" and "合计超过" in problem.message


def test_a_rows_pages_are_capped_across_its_files(tmp_path, monkeypatch):
    monkeypatch.setattr(evidence_files, "MAX_ROW_PAGES", 10)
    hostile.plain_pdf(tmp_path / "four.pdf", pages=4)
    hostile.plain_pdf(tmp_path / "three.pdf", pages=3)
    attachments, (problem,) = load(tmp_path, "four.pdf、three.pdf、four.pdf、three.pdf")
    assert [a.pages for a in attachments] == [4, 3]
    assert problem.code == "evidence_too_large" and "超过10页" in problem.message, problem.message


def test_the_default_limits_are_stated_in_the_readme():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"{evidence_files.MAX_ROW_BYTES // 2**20} MB" in readme and f"{evidence_files.MAX_ROW_PAGES} pages" in readme


@pytest.mark.parametrize("make", [hostile.png_decompression_bomb, hostile.jpeg_decompression_bomb], ids=["png", "jpeg"])
def test_an_image_decompression_bomb_is_refused_without_decoding_it(tmp_path, make):
    make(tmp_path / "bomb.png" if make is hostile.png_decompression_bomb else tmp_path / "bomb.jpg")
    name = next(p.name for p in tmp_path.iterdir())
    attachments, (problem,) = load(tmp_path, name)
    assert attachments == () and "像素过多" in problem.message


def test_a_named_pipe_as_evidence_does_not_block(tmp_path):
    hostile.fifo(tmp_path / "scan.pdf")
    attachments, (problem,) = load(tmp_path, "scan.pdf")
    assert attachments == () and "不是普通文件" in problem.message


def test_an_evidence_name_with_escape_sequences_is_shown_visibly(tmp_path):
    """Finding 7: the file name is a cell value and reaches the terminal in the message."""
    _, (problem,) = load(tmp_path, "\x1b[2J\x1b[31mred\x07\u202egpj.pdf")
    assert "\x1b" not in problem.message and "\x07" not in problem.message and "\u202e" not in problem.message
    assert "␛[2J␛[31mred␇<U+202E>gpj.pdf" in problem.message and problem.value == "␛[2J␛[31mred␇<U+202E>gpj.pdf"


def test_a_name_the_system_cannot_even_look_up_is_that_files_problem(tmp_path):
    """Finding 5: a 5,000-character name made Path.exists() raise ENAMETOOLONG through the batch."""
    hostile.plain_pdf(tmp_path / "good.pdf")
    attachments, (problem,) = load(tmp_path, "good.pdf、" + "长" * 5000 + ".pdf")
    assert [a.name for a in attachments] == ["good.pdf"] and "无法读取" in problem.message
    assert len(problem.message) < 200  # the value is shown cut, with its length


def test_any_other_exception_reading_evidence_is_that_files_problem(tmp_path, monkeypatch):
    hostile.plain_pdf(tmp_path / "scan.pdf")

    def broken(data):
        raise RuntimeError("a library bug")

    monkeypatch.setattr(evidence_files.hashlib, "sha256", broken)
    attachments, (problem,) = load(tmp_path, "scan.pdf")
    assert attachments == () and "无法读取（RuntimeError）" in problem.message
