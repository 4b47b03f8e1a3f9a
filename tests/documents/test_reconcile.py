"""Every template set is made documents of one package when it is loaded (documents/reconcile.py), so
that every build joins bodies the one way (pdf/compose.py): a staff template with styles, a page
header, numbered lists or a templated title of its own is brought into the package; what cannot be
put together is refused, naming the template."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from pipeline.documents.reconcile import TemplatesRefused, one_package, share_one_package
from pipeline.documents.render import TemplateSet, template_files


def _changed(blob: bytes, part: str, change) -> bytes:
    """The .docx with one part changed (`change(old) -> new`; a part it lacks is added from b"")."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        for name in names:
            data = source.read(name)
            if name == part:
                data, old = change(data), data
                assert data != old, f"{part} unchanged"
            target.writestr(name, data)
        if part not in names:
            target.writestr(part, change(b""))
    return buffer.getvalue()


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _parts(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_the_shipped_templates_share_one_package_and_are_used_as_they_are():
    blobs, _custom = template_files()
    assert share_one_package(blobs)
    assert one_package(blobs) is blobs


def _staff_call_sheet() -> bytes:
    """A call sheet written from scratch in Word: Word's own styles, one of the author's, a page
    header and a numbered list (python-docx's default template is Word's)."""
    document = Document()
    document.add_paragraph("通话准备：{{ borrower.name }}", style="Title")
    style = document.styles.add_style("Staff Emphasis", 1)
    style.font.bold = True
    document.add_paragraph("备注：{{ case_id }}", style="Staff Emphasis")
    for item in ("第一项", "第二项"):
        document.add_paragraph(item, style="List Number")
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = "示例律师事务所　{{ borrower.name }}"
    return _saved(document)


def test_a_staff_template_with_its_own_style_header_and_list_is_brought_into_the_package():
    blobs, _custom = template_files()
    blobs["call_sheet"] = _staff_call_sheet()
    assert not share_one_package(blobs)
    reconciled = one_package(blobs)
    assert share_one_package(reconciled)
    call_sheet = Document(io.BytesIO(reconciled["call_sheet"]))
    texts = [p.text for p in call_sheet.paragraphs]
    assert "备注：{{ case_id }}" in texts and "第二项" in texts  # its own text, untouched
    assert call_sheet.sections[0].header.paragraphs[0].text == "示例律师事务所　{{ borrower.name }}"
    assert "Staff Emphasis" in {s.name for s in call_sheet.styles}
    letter = Document(io.BytesIO(reconciled["hardship_letter"]))
    original = Document(io.BytesIO(blobs["hardship_letter"]))
    assert [p.text for p in letter.paragraphs] == [p.text for p in original.paragraphs]
    assert not letter.sections[0].header.paragraphs[0].text  # another template's header is not its own


def test_a_templated_title_stays_the_templates_own():
    blobs, _custom = template_files()
    blobs["call_sheet"] = _changed(blobs["call_sheet"], "docProps/core.xml",
                                   lambda xml: xml.replace(b"<dc:title>", b"<dc:title>{{ case_id }} ", 1))
    blobs["evidence_checklist"] = _staff_call_sheet()  # something to reconcile
    reconciled = one_package(blobs)
    assert b"{{ case_id }}" in _parts(reconciled["call_sheet"])["docProps/core.xml"]
    assert b"{{ case_id }}" not in _parts(reconciled["hardship_letter"])["docProps/core.xml"]


@pytest.mark.parametrize(("part", "change", "words"), [
    ("word/document.xml", lambda xml: xml.replace(b"<w:p>", b"<w:p><w:pPr><w:sectPr/></w:pPr>", 1), "分节符"),
    ("word/comments.xml", lambda _xml: b"<w:comments/>", "批注"),
    ("word/embeddings/oleObject1.bin", lambda _xml: b"\0", "嵌入的对象"),
    ("word/footnotes.xml", lambda _xml: b'<w:footnotes><w:footnote w:id="1"><w:p/></w:footnote></w:footnotes>', "脚注"),
], ids=["two-sections", "comments", "embedded", "footnotes"])
def test_what_cannot_be_put_together_is_refused_naming_the_template(part, change, words):
    blobs, _custom = template_files()
    blobs["call_sheet"] = _changed(blobs["call_sheet"], part, change)
    with pytest.raises(TemplatesRefused) as refused:
        one_package(blobs)
    ((name, text),) = refused.value.problems
    assert name == "call_sheet" and words in text


def test_word_s_empty_footnote_separators_are_not_footnotes():
    separators = (b'<w:footnotes><w:footnote w:type="separator" w:id="-1"><w:p/></w:footnote>'
                  b'<w:footnote w:type="continuationSeparator" w:id="0"><w:p/></w:footnote></w:footnotes>')
    blobs, _custom = template_files()
    blobs["call_sheet"] = _changed(blobs["call_sheet"], "word/footnotes.xml", lambda _xml: separators)
    one_package(blobs)  # no refusal


def test_a_template_set_loaded_with_a_staff_template_renders(tmp_path):
    (tmp_path / "call_sheet.docx").write_bytes(_staff_call_sheet())
    templates = TemplateSet(tmp_path)
    assert set(templates.custom) == {"call_sheet"} and share_one_package(templates.blobs)
