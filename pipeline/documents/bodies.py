"""Rendering for templates that share one package: each document as its rendered body (to be joined
into a chunk) and its editable copy, without opening a .docx per render.

docxtpl opens the template anew for every render (a third of a render's time) and composing with
docxcompose then reconciles each document's styles, numbering and pictures with the chunk's (as
much again). Neither is needed when the templates of a run differ only in their text: the same
styles, settings, fonts and relationships, one section, no numbering, headers, footnotes or
pictures of their own, no templated document properties — as the shipped templates are. Then each template is opened once per
process and rendered with docxtpl's own steps (tag clean-up, Jinja, line breaks, tables, drawing
ids), its body is taken as it is, and the chunk is the bodies laid one after another in one copy of
the package (pdf/compose.py `join`). A template set that does not qualify is rendered and composed
the general way (render.py, compose.py `compose`), with the same result on paper.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import InlineImage
from lxml import etree

# Parts that may differ between templates of one package: the text, its footer, its properties.
_OWN_PARTS = re.compile(r"word/document\.xml|word/footer\d+\.xml|docProps/(core|app)\.xml")
# Parts a template may not have at all: each needs reconciling when documents are put together.
_FOREIGN_PARTS = re.compile(r"word/(header\d*|footnotes|endnotes|comments|numbering)\.xml|docProps/custom\.xml"
                            r"|word/(media|embeddings|diagrams|charts)/.*")



@dataclass
class RenderedBody:
    docx: bytes  # the editable copy
    body: etree._Element  # its <w:body>, free to be moved into a chunk


def share_one_package(blobs: dict[str, bytes]) -> bool:
    """Whether the templates differ only in their text (see the module's docstring)."""
    contents: dict[str, bytes] | None = None
    for blob in blobs.values():
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as package:
                names = package.namelist()
                if any(_FOREIGN_PARTS.fullmatch(name) for name in names):
                    return False
                shared = {name: package.read(name) for name in names if not _OWN_PARTS.fullmatch(name)}
                document = package.read("word/document.xml")
                properties = package.read("docProps/core.xml") if "docProps/core.xml" in names else b""
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            return False  # left to the general path, which reports it
        if re.search(rb"<w:pPr>(?:(?!</w:pPr>).)*<w:sectPr", document, re.DOTALL):
            return False  # more than one section
        if b"{" in properties:
            return False  # templated document properties: docxtpl renders them, the copies here would not
        if contents is None:
            contents = shared
        elif shared != contents:
            return False
    return contents is not None


class BodyRenderer:
    """One template, opened once, rendered for case after case (docxtpl's render, minus re-opening
    the template and minus putting the result back into it)."""

    def __init__(self, template, env, logo: bytes = b""):
        self.template = template  # a docxtpl DocxTemplate, never rendered in place
        self.env = env
        self.logo = logo
        template.render_init()
        self.logo_id = ""
        if logo:  # added now, so that every render (and every template) refers to it by the same id
            self.logo_id, _image = template.docx.part.get_or_add_image(io.BytesIO(logo))
        self._copy = _CopyMaker.of(template)

    def render(self, context: dict, logo_height_mm: float) -> RenderedBody:
        template = self.template
        template.render_init()  # resets docxtpl's per-render counters; the opened template stays
        if self.logo and context.get("org", {}).get("has_logo"):
            logo = InlineImage(template, io.BytesIO(self.logo), height=Mm(logo_height_mm))
            context = {**context, "org": {**context["org"], "logo": logo}}
        body = template.fix_tables(template.build_xml(context, self.env))
        template.fix_docpr_ids(body)
        footers = list(template.build_headers_footers_xml(context, template.FOOTER_URI, self.env))
        return RenderedBody(self._copy.make(body, footers), body)


@dataclass(frozen=True)
class _CopyMaker:
    """Editable copies without saving the template each time: every part that a render does not
    change is compressed once into `base`; a copy is `base` with the rendered document and footers
    appended (what python-docx would write, less the work)."""

    base: bytes
    head: bytes  # word/document.xml up to its body
    tail: bytes  # and after it
    footers: dict[str, str]  # relationship id → the footer's name in the package

    @classmethod
    def of(cls, template) -> _CopyMaker:
        buffer = io.BytesIO()
        template.docx.save(buffer)
        footers = {key: rel.target_part.partname.membername
                   for key, rel in template.docx.part.rels.items() if rel.reltype == template.FOOTER_URI}
        rendered = {"word/document.xml", *footers.values()}
        base = io.BytesIO()
        with zipfile.ZipFile(buffer) as saved, zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as kept:
            for info in saved.infolist():
                if info.filename not in rendered:
                    kept.writestr(info, saved.read(info))
            document = saved.read("word/document.xml")
        start, end = document.index(b"<w:body"), document.rindex(b"</w:body>") + len(b"</w:body>")
        return cls(base.getvalue(), document[:start], document[end:], footers)

    def make(self, body: etree._Element, footers: list[tuple[str, bytes]]) -> bytes:
        buffer = io.BytesIO(self.base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
            package.writestr("word/document.xml", self.head + etree.tostring(body, encoding="UTF-8") + self.tail)
            for key, xml in footers:
                package.writestr(self.footers[key], xml if xml.startswith(b"<?xml") else _DECLARATION + xml)
        return buffer.getvalue()


_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"  # as python-docx writes parts


def body_of(docx: bytes) -> etree._Element:
    """The <w:body> of a saved editable copy (to compose it again after a failed conversion)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        root = etree.fromstring(package.read("word/document.xml"),
                                etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    return root.find(qn("w:body"))
