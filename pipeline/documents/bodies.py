"""Rendering a template of a set that shares one package (documents/reconcile.py): its body, to be
joined into a chunk, and its editable copy, without opening a .docx per render.

docxtpl opens the template anew for every render (a third of a render's time). Since every template
of a run is its package plus its own body, each is opened once per process and rendered with
docxtpl's own steps (tag clean-up, Jinja, line breaks, tables, drawing ids); its body is taken as it
is, and the chunk is the bodies laid one after another in one copy of the package (pdf/compose.py).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree
from markupsafe import Markup


@dataclass
class RenderedBody:
    docx: bytes  # the editable copy
    body: etree._Element  # its <w:body>, free to be moved into a chunk
    headers: dict[str, bytes] = field(default_factory=dict)  # relationship id → a templated page header, rendered


class BodyRenderer:
    """One template, opened once, rendered for case after case (docxtpl's render, minus re-opening
    the template and minus putting the result back into it)."""

    def __init__(self, template, env, logo: bytes = b"", logo_height_mm: float = 14):
        self.template = template  # a docxtpl DocxTemplate, never rendered in place
        self.env = env
        template.render_init()
        # The logo as the drawing it becomes, made once: the context holds text, never an object
        # that reaches the template (docxtpl's InlineImage carries the running DocxTemplate).
        self.logo = _drawing(template, logo, logo_height_mm) if logo else None
        embed = re.search(r'r:embed="([^"]+)"', self.logo) if self.logo else None
        self.logo_id = embed.group(1) if embed else ""
        self._copy = _CopyMaker.of(template)
        self._templated_headers = {key for key, part in template.get_headers_footers(template.HEADER_URI)
                                   if b"{" in part.blob}
        self._properties = self._copy.properties if b"{" in (self._copy.properties or b"") else None

    def render(self, context: dict) -> RenderedBody:
        template = self.template
        template.render_init()  # resets docxtpl's per-render counters; the opened template stays
        if self.logo and context.get("org", {}).get("has_logo"):
            context = {**context, "org": {**context["org"], "logo": self.logo}}
        body = template.fix_tables(template.build_xml(context, self.env))
        template.fix_docpr_ids(body)
        footers = list(template.build_headers_footers_xml(context, template.FOOTER_URI, self.env))
        headers = {key: xml for key, xml in template.build_headers_footers_xml(context, template.HEADER_URI, self.env)
                   if key in self._templated_headers}
        properties = self.env.from_string(self._properties.decode("utf-8")).render(context).encode("utf-8") \
            if self._properties else None
        return RenderedBody(self._copy.make(body, footers + list(headers.items()), properties), body, headers)

    def reopen(self, docx: bytes) -> RenderedBody:
        """A copy this renderer made, as it came out of `render` (to join it again after a failed
        conversion: joining takes the body in)."""
        with zipfile.ZipFile(io.BytesIO(docx)) as package:
            root = etree.fromstring(package.read("word/document.xml"),
                                    etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
            headers = {key: package.read(self._copy.parts[key]) for key in self._templated_headers}
        return RenderedBody(docx, root.find(qn("w:body")), headers)


def _drawing(template, logo: bytes, height_mm: float) -> Markup:
    """The run that shows the logo, as docxtpl's InlineImage writes it into a text run."""
    picture = template.docx.part.new_pic_inline(io.BytesIO(logo), None, Mm(height_mm)).xml
    return Markup('</w:t></w:r><w:r><w:drawing>%s</w:drawing></w:r><w:r><w:t xml:space="preserve">') % Markup(picture)


@dataclass(frozen=True)
class _CopyMaker:
    """Editable copies without saving the template each time: every part that a render does not
    change is compressed once into `base`; a copy is `base` with the rendered document, footers and
    templated headers appended (what python-docx would write, less the work)."""

    base: bytes
    head: bytes  # word/document.xml up to its body
    tail: bytes  # and after it
    parts: dict[str, str]  # relationship id → the footer's or header's name in the package
    unrendered: dict[str, bytes]  # those parts as the template has them
    properties: bytes | None  # docProps/core.xml as the template has it

    @classmethod
    def of(cls, template) -> _CopyMaker:
        buffer = io.BytesIO()
        template.docx.save(buffer)
        parts = {key: rel.target_part.partname.membername for key, rel in template.docx.part.rels.items()
                 if rel.reltype in (template.FOOTER_URI, template.HEADER_URI)}
        rendered = {"word/document.xml", "docProps/core.xml", *parts.values()}
        base = io.BytesIO()
        with zipfile.ZipFile(buffer) as saved, zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as kept:
            for info in saved.infolist():
                if info.filename not in rendered:
                    kept.writestr(info, saved.read(info))
            document = saved.read("word/document.xml")
            headers_and_footers = {name: saved.read(name) for name in parts.values()}
            properties = saved.read("docProps/core.xml") if "docProps/core.xml" in saved.namelist() else None
        start, end = document.index(b"<w:body"), document.rindex(b"</w:body>") + len(b"</w:body>")
        return cls(base.getvalue(), document[:start], document[end:], parts, headers_and_footers, properties)

    def make(self, body: etree._Element, rendered: list[tuple[str, bytes]], properties: bytes | None) -> bytes:
        buffer = io.BytesIO(self.base)
        written = {self.parts[key]: xml for key, xml in rendered}
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
            package.writestr("word/document.xml", self.head + etree.tostring(body, encoding="UTF-8") + self.tail)
            for name, xml in {**self.unrendered, **written}.items():
                package.writestr(name, xml if xml.startswith(b"<?xml") else _DECLARATION + xml)
            core = properties or self.properties
            if core:
                package.writestr("docProps/core.xml", core)
        return buffer.getvalue()


_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"  # as python-docx writes parts
