"""Editable copies keep no external relationship a reader would follow (issue 20, finding 4): a
picture linked to an outside file or address (`a:blip r:link`), a hyperlinked image, a linked object —
whatever type its relationship claims; only the hyperlinks the author wrote in the text stay, and
`templates check` lists them."""

from __future__ import annotations

import io
import re
import zipfile

from conftest import PACKET_DATE, ROOT, make_case
from docx import Document

from pipeline.contract import default_contract
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import TemplateSet, hyperlink_targets, without_external_links
from pipeline.documents.template_check import check_templates, example_sets
from pipeline.plan import plan_case

LOGO = ROOT / "samples" / "organisation-logo.png"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
FETCHED = "http://127.0.0.1:9/tracker.png"
HELP = "https://www.12348.gov.cn/"


def _linking_template() -> bytes:
    """A call sheet with a picture that is also a link to an outside image (the relationship typed
    `hyperlink`, as the audit found LibreOffice fetching), a hyperlinked picture, and a text link."""
    document = Document()
    document.add_paragraph("{{ case_id }}")
    document.add_picture(str(LOGO))
    paragraph = document.add_paragraph()
    part = document.part
    fetched = part.relate_to(FETCHED, HYPERLINK, is_external=True)
    clicked = part.relate_to("http://127.0.0.1:9/click", HYPERLINK, is_external=True)
    text = part.relate_to(HELP, HYPERLINK, is_external=True)
    blip = document.element.body.xpath(".//a:blip")[0]
    blip.set("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link", fetched)
    doc_pr = document.element.body.xpath(".//wp:docPr")[0]
    doc_pr.append(doc_pr.makeelement(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}hlinkClick",
        {"{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id": clicked}))
    link = paragraph._p.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink",
                                    {"{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id": text})
    paragraph._p.append(link)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _external(docx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        rels = b"".join(package.read(n) for n in package.namelist() if n.endswith(".rels"))
    return re.findall(rb'Target="([^"]+)"[^>]*TargetMode="External"', rels) + \
        re.findall(rb'TargetMode="External"[^>]*Target="([^"]+)"', rels)


def test_only_the_authors_text_hyperlinks_survive_loading():
    cleaned = without_external_links(_linking_template())
    assert _external(cleaned) == [HELP.encode()]
    document = Document(io.BytesIO(cleaned))
    blip = document.element.body.xpath(".//a:blip")[0]
    assert not [a for a in blip.attrib if a.endswith("}link")]  # no dangling reference either
    assert hyperlink_targets(cleaned) == [HELP]


def test_the_editable_copy_carries_no_link_to_fetch(tmp_path):
    (tmp_path / "call_sheet.docx").write_bytes(_linking_template())
    case = make_case()
    context = packet_sets(case, plan_case(case, PACKET_DATE).plan, default_contract())[1].context
    copy = TemplateSet(tmp_path).render("call_sheet", context).docx
    assert _external(copy) == [HELP.encode()]
    assert FETCHED.encode() not in b"".join(
        zipfile.ZipFile(io.BytesIO(copy)).read(n) for n in zipfile.ZipFile(io.BytesIO(copy)).namelist())


def test_templates_check_lists_the_links_it_keeps(tmp_path):
    blobs = {**TemplateSet().originals, "call_sheet": without_external_links(_linking_template())}
    notes = [f.message() for f in check_templates(blobs, example_sets(default_contract(), PACKET_DATE), {"call_sheet"})
             if not f.is_error]
    assert any(HELP in note for note in notes), notes
