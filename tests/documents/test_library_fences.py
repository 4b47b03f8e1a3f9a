"""Fences around the library internals the pipeline leans on. Each override is pinned to tested
versions in pyproject.toml; these tests fail loudly if a new version stops behaving the way the
override assumes, instead of the packets silently changing."""

from __future__ import annotations

import io

import cerberus
from conftest import PACKET_DATE, ROOT, make_case
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate

from pipeline.contract import default_contract
from pipeline.contract.messages import CollectedErrors
from pipeline.documents.kinds import DOCUMENTS
from pipeline.documents.packet import packet_sets
from pipeline.documents.render import LISTING_CHARACTERS, TemplateSet
from pipeline.pdf.compose import NumberedSet, join
from pipeline.plan import plan_case


def _context(**changes):
    case = make_case(**changes)
    # the borrower's set's context holds every name any template reads
    return packet_sets(case, plan_case(case, PACKET_DATE).plan, default_contract())[-1].context


def test_docxtpl_patches_the_xml_on_every_render_and_the_patch_depends_only_on_its_input(monkeypatch):
    """render.py caches `patch_xml` by its input: right only while docxtpl calls it on each render
    and its result is a function of the XML alone."""
    calls = []
    original = DocxTemplate.patch_xml

    def spy(self, src_xml):
        calls.append(src_xml)
        return original(self, src_xml)

    monkeypatch.setattr(DocxTemplate, "patch_xml", spy)
    blob = TemplateSet().blobs["hardship_letter"]
    for _ in range(2):
        template = DocxTemplate(io.BytesIO(blob))
        template.render(_context())
    assert len(calls) >= 2 and calls[0] == calls[len(calls) // 2]
    assert original(DocxTemplate(io.BytesIO(blob)), calls[0]) == original(DocxTemplate(io.BytesIO(blob)), calls[0])


def test_cerberus_hands_its_error_objects_to_a_custom_error_handler():
    """contract/ reads Cerberus's findings through the public error-handler API, not `_errors`."""
    validator = cerberus.Validator({"a": {"type": "integer"}, "b": {"type": "list", "schema": {"type": "string"}}},
                                   error_handler=CollectedErrors)
    assert not validator.validate({"a": "x", "b": ["ok", 3]})
    found = validator.errors
    assert {(tuple(e.document_path), e.rule) for e in found} == {(("a",), "type"), (("b", 1), "type")}


LOGO = (ROOT / "samples" / "organisation-logo.png").read_bytes()


def _chunk_of(contexts, templates):
    sets = [NumberedSet(f"T-{n}", name, label, tuple(templates.render(k.name, c) for k in DOCUMENTS))
            for n, c in enumerate(contexts) for name, label in (("lender-1", "寄送件"), ("borrower", "本人留存"))]
    return join(sets, templates.package)


def test_every_bookmark_of_a_joined_chunk_has_an_id_of_its_own_and_one_end():
    """LibreOffice pairs a bookmark's start and end by id: two bookmarks sharing one (every document's
    marks did) can end each other, and a split then finds the wrong pages."""
    templates = TemplateSet(logo=LOGO)
    first = _context()
    contexts = [{**first, "org": {**first["org"], "has_logo": True}},
                _context(case_id="T-002", requests=("deferral", "installments"), deferral_months=2)]
    body = _chunk_of(contexts, templates).element.body
    starts = [m.get(qn("w:id")) for m in body.iter(qn("w:bookmarkStart"))]
    ends = [m.get(qn("w:id")) for m in body.iter(qn("w:bookmarkEnd"))]
    assert len(starts) >= 2 * 2 * len(DOCUMENTS)  # every document's start mark, every set's end mark
    assert len(set(starts)) == len(starts) and sorted(starts) == sorted(ends)
    names = [m.get(qn("w:name")) for m in body.iter(qn("w:bookmarkStart"))]
    assert len(set(names)) == len(names)


def test_docxcompose_brings_a_templates_styles_and_pictures_into_the_package():
    """documents/reconcile.py leans on docxcompose's Composer to copy what a template uses into the
    package of the first: every style a body names and every picture it shows must be there."""
    from pipeline.documents.reconcile import one_package
    from pipeline.documents.render import template_files

    blobs, _ = template_files()
    staff = Document()
    staff.styles.add_style("Staff Note", 1)
    staff.add_paragraph("{{ case_id }}", style="Staff Note")
    staff.add_paragraph("1", style="List Number")
    staff.add_picture(io.BytesIO(LOGO))
    buffer = io.BytesIO()
    staff.save(buffer)
    blobs["call_sheet"] = buffer.getvalue()
    document = Document(io.BytesIO(one_package(blobs)["call_sheet"]))
    defined = {style.style_id for style in document.styles}
    used = {e.get(qn("w:val")) for e in document.element.body.iter(qn("w:pStyle"))}
    assert used and used <= defined
    embeds = [e.get(qn("r:embed")) for e in document.element.body.iter(qn("a:blip"))]
    assert embeds and all(document.part.rels[key].target_part.blob == LOGO for key in embeds)


def test_docxtpl_turns_only_the_listing_characters_into_word_breaks():
    """render.py skips docxtpl's `resolve_listing` when a render holds none of LISTING_CHARACTERS:
    right only while those are the only characters it acts on."""
    template = DocxTemplate(io.BytesIO(TemplateSet().blobs["hardship_letter"]))
    acted_on = set()
    for code in range(1, 0x20):
        xml = f'<w:p><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">a{chr(code)}b</w:t></w:r></w:p>'
        if template.resolve_listing(xml) != xml:
            acted_on.add(chr(code))
    assert acted_on == set(LISTING_CHARACTERS)
