"""Which template sets may be rendered as bodies and joined (documents/bodies.py): only those whose
documents differ in their text alone; any other goes the general way, composed with docxcompose."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.documents.bodies import share_one_package
from pipeline.documents.render import TemplateSet


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


def test_the_shipped_templates_share_one_package():
    assert share_one_package(TemplateSet().blobs)


@pytest.mark.parametrize(("part", "change"), [
    ("word/styles.xml", lambda xml: xml.replace(b"Noto Serif CJK SC", b"SimSun", 1)),  # its own styles
    ("word/header1.xml", lambda _xml: b"<w:hdr/>"),  # a page header of its own
    ("word/numbering.xml", lambda _xml: b"<w:numbering/>"),  # numbered lists
    ("docProps/core.xml", lambda xml: xml.replace(b"<dc:title>", b"<dc:title>{{ case_id }} ", 1)),  # templated title
    ("word/document.xml", lambda xml: xml.replace(b"<w:p>", b"<w:p><w:pPr><w:sectPr/></w:pPr>", 1)),  # two sections
], ids=["styles", "header", "numbering", "templated-title", "two-sections"])
def test_a_template_that_differs_beyond_its_text_sends_the_set_the_general_way(part, change):
    blobs = TemplateSet().blobs
    blobs["call_sheet"] = _changed(blobs["call_sheet"], part, change)
    assert not share_one_package(blobs)
