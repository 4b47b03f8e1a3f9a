"""Fences around the library internals the pipeline leans on. Each override is pinned to tested
versions in pyproject.toml; these tests fail loudly if a new version stops behaving the way the
override assumes, instead of the packets silently changing."""

from __future__ import annotations

import io
import re
import zipfile

import cerberus
from conftest import PACKET_DATE, ROOT, make_case
from docx import Document
from docx.oxml.ns import qn
from docxcompose.composer import Composer
from docxtpl import DocxTemplate
from lxml import etree

from pipeline.contract import default_contract
from pipeline.contract.messages import CollectedErrors
from pipeline.documents.context import build_context
from pipeline.documents.kinds import DOCUMENTS
from pipeline.documents.render import LISTING_CHARACTERS, TemplateSet
from pipeline.pdf.compose import NumberedSet, _ChunkComposer, compose, join
from pipeline.plan import plan_repayment


def _context(**changes):
    case = make_case(**changes)
    return build_context(case, plan_repayment(case, PACKET_DATE).plan, default_contract())


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


def test_docxcompose_still_calls_the_hooks_the_chunk_composer_overrides(monkeypatch):
    """_ChunkComposer defers renumbering and skips style work by overriding these Composer methods;
    if `insert` stopped calling one of them, the override would silently do nothing."""
    called = set()
    for name in ("renumber_bookmarks", "renumber_docpr_ids", "renumber_nvpicpr_ids", "add_styles",
                 "restart_first_numbering"):
        original = getattr(Composer, name)

        def spy(self, *args, _name=name, _original=original):
            called.add(_name)
            return _original(self, *args)

        monkeypatch.setattr(Composer, name, spy)
    templates = TemplateSet()
    first, second = (templates.render("repayment_agreement", _context()) for _ in range(2))
    Composer(first).append(second)
    assert called == {"renumber_bookmarks", "renumber_docpr_ids", "renumber_nvpicpr_ids", "add_styles",
                      "restart_first_numbering"}


def _parts(document) -> dict[str, bytes]:
    buffer = io.BytesIO()
    document.save(buffer)
    archive = zipfile.ZipFile(buffer)
    return {name: archive.read(name) for name in ("word/document.xml", "word/styles.xml")}


def test_the_chunk_composer_gives_the_same_document_as_docxcompose_itself():
    templates = TemplateSet()
    contexts = [_context(), _context(case_id="T-002", requests=("deferral", "installments"), deferral_months=2)]
    documents = [[templates.render(kind.name, context) for kind in DOCUMENTS] for context in contexts]
    plain_documents = [[Document(io.BytesIO(_bytes(d))) for d in docs] for docs in documents]
    ours = compose(NumberedSet(f"T-{n}", "寄送件", tuple(docs)) for n, docs in enumerate(documents))

    # The same composition (bookmarks, sections, footers) with docxcompose's own Composer.
    import pipeline.pdf.compose as module

    class Plain(Composer):
        def finish(self):
            return self.doc

    saved = module._ChunkComposer
    module._ChunkComposer = Plain
    try:
        theirs = compose(NumberedSet(f"T-{n}", "寄送件", tuple(docs)) for n, docs in enumerate(plain_documents))
    finally:
        module._ChunkComposer = saved
    assert _parts(ours) == _parts(theirs)
    assert issubclass(_ChunkComposer, Composer)


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_cerberus_hands_its_error_objects_to_a_custom_error_handler():
    """contract/ reads Cerberus's findings through the public error-handler API, not `_errors`."""
    validator = cerberus.Validator({"a": {"type": "integer"}, "b": {"type": "list", "schema": {"type": "string"}}},
                                   error_handler=CollectedErrors)
    assert not validator.validate({"a": "x", "b": ["ok", 3]})
    found = validator.errors
    assert {(tuple(e.document_path), e.rule) for e in found} == {(("a",), "type"), (("b", 1), "type")}


LOGO = (ROOT / "samples" / "organisation-logo.png").read_bytes()
_BOOKMARK_AND_DRAWING_IDS = re.compile(rb'(<w:bookmark(?:Start|End) w:id|<wp:docPr id|<pic:cNvPr id)="\d+"')


def _comparable(document) -> dict[str, bytes]:
    """The composed document's parts as LibreOffice reads them: body and footers (by section order),
    with ids that only need to be unique in the file left out."""
    buffer = io.BytesIO()
    document.save(buffer)
    archive = zipfile.ZipFile(buffer)
    body = etree.fromstring(archive.read("word/document.xml"))
    footers = [document.part.related_parts[r.get(qn("r:id"))].blob
               for r in body.iter(qn("w:footerReference"))]
    for reference in body.iter(qn("w:footerReference")):
        reference.set(qn("r:id"), "")
    canonical = etree.tostring(body, method="c14n")
    return {"document": _BOOKMARK_AND_DRAWING_IDS.sub(rb"\1", canonical),
            "footers": b"".join(etree.tostring(etree.fromstring(f), method="c14n") for f in footers),
            "styles": archive.read("word/styles.xml")}


def test_joining_bodies_gives_the_document_that_composing_gives():
    """The shipped templates share one package, so the pipeline renders bodies and joins them
    (pdf/compose.py `join`) instead of composing documents with docxcompose: the result must be the
    same document, mark for mark and section for section."""
    templates = TemplateSet(logo=LOGO)
    assert templates.shared
    first = _context()
    contexts = [{**first, "org": {**first["org"], "has_logo": True}},
                _context(case_id="T-002", requests=("deferral", "installments"), deferral_months=2,
                         hardship_details="第一行\n第二行")]
    bodies = [NumberedSet(f"T-{n}", "寄送件", tuple(templates.render_body(k.name, c).body for k in DOCUMENTS))
              for n, c in enumerate(contexts)]
    documents = [NumberedSet(f"T-{n}", "寄送件", tuple(templates.render(k.name, c) for k in DOCUMENTS))
                 for n, c in enumerate(contexts)]
    joined, composed = join(bodies, templates.package), compose(documents)
    assert _comparable(joined) == _comparable(composed)


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
