"""Fill the Word templates (docxtpl) with a case's context: one .docx per document.

Templates are data, not code: they travel between centres by e-mail, so they are rendered in
Jinja's sandbox (no attributes beyond the context's, no `__class__` walks to the interpreter)
with every name required to exist. Each template is read once per process and its Jinja source
compiled once; a render then costs one .docx parse and one Jinja pass. Links to outside files (a
picture "linked to file") are removed when a template is loaded: a conversion never fetches anything.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import jinja2
from docx import Document as open_document
from docx.document import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from pipeline.common.resources import shipped
from pipeline.documents.bodies import BodyRenderer, RenderedBody, share_one_package
from pipeline.documents.kinds import DOCUMENTS

LOGO_HEIGHT_MM = 14
LISTING_CHARACTERS = "\t\a\n\f"  # what docxtpl's resolve_listing acts on
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, strict about names, escaping cell text, compiling each source once.

    docxtpl asks for `from_string` on every render; the source is the same each time.
    """

    def __init__(self):
        # autoescape: cell text such as `<w:t>` or `&amp;` must print literally, never become XML.
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source, globals, template_class)
        return self._compiled[source]


class _Template(DocxTemplate):
    """docxtpl cleans the template's XML of Word's run splits with a series of regular expressions on
    every render (a third of the render time); the XML is the same each time, so is the result.
    (docxtpl's `patch_xml` is a pure function of its argument; tests/documents/test_library_fences.py
    fails if that stops being true.)"""

    def __init__(self, source, patched: dict[str, str]):
        super().__init__(source)
        self._patched = patched

    def patch_xml(self, src_xml):
        if src_xml not in self._patched:
            self._patched[src_xml] = super().patch_xml(src_xml)
        return self._patched[src_xml]

    def resolve_listing(self, xml):
        # docxtpl turns tabs, line, paragraph and page breaks typed in a value into Word's, with a
        # regular expression per paragraph, run and text; a render without any has nothing to turn.
        if not any(character in xml for character in LISTING_CHARACTERS):
            return xml
        return super().resolve_listing(xml)


class TemplateSet:
    """The templates of one run: the shipped ones, each replaced by a same-named file in `override`."""

    def __init__(self, override: Path | None = None, logo: bytes = b""):
        self.logo = logo  # the organisation's logo, placed where a template says {{ org.logo }}
        self.blobs: dict[str, bytes] = {}  # document → its .docx bytes
        self.custom: dict[str, Path] = {}  # documents replaced by a staff template → that file
        for kind in DOCUMENTS:
            file = f"{kind.name}.docx"
            custom = override / file if override else None
            if custom is not None and custom.is_file():
                self.custom[kind.name], self.blobs[kind.name] = custom, without_external_links(custom.read_bytes())
            else:
                self.blobs[kind.name] = without_external_links(shipped("templates", file).read_bytes())
        self._reset()

    def file_name(self, name: str) -> str:
        return f"{name}.docx"

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes], logo: bytes = b"") -> TemplateSet:
        """Templates that travelled with a chunk of work (no files on this machine)."""
        templates = cls.__new__(cls)
        templates.logo = logo
        templates.blobs = dict(blobs)
        templates.custom = {}
        templates._reset()
        return templates

    def _reset(self) -> None:
        self.env = TemplateEnvironment()
        self.patched: dict[str, str] = {}
        self._bodies: dict[str, BodyRenderer] | None = None
        self._shared: bool | None = None
        self._package: bytes | None = None

    @property
    def shared(self) -> bool:
        """Whether the documents can be rendered as bodies and joined (documents/bodies.py)."""
        if self._shared is None:
            self._shared = share_one_package(self.blobs)
            if self._shared:
                self._bodies = {name: BodyRenderer(_Template(self.open(name), self.patched), self.env, self.logo)
                                for name in self.blobs}
                # the logo must be known by one id in every template, as it will be in the chunk
                self._shared = len({renderer.logo_id for renderer in self._bodies.values()}) == 1
        return self._shared

    def package(self) -> Document:
        """A fresh copy of the package that `shared` documents' bodies are joined in: the first
        template as it is, with the logo (under the id the bodies use)."""
        if self._package is None:
            buffer = io.BytesIO()
            next(iter(self._bodies.values())).template.docx.save(buffer)
            self._package = buffer.getvalue()
        return open_document(io.BytesIO(self._package))

    def render_body(self, name: str, context: dict) -> RenderedBody:
        """The document's body and editable copy, for templates that are `shared`."""
        if not self.shared:
            raise ValueError("these templates do not share one package")
        return self._bodies[name].render(context, LOGO_HEIGHT_MM)

    def open(self, name: str) -> io.BytesIO:
        return io.BytesIO(self.blobs[name])

    def render(self, name: str, context: dict) -> Document:
        template = _Template(self.open(name), self.patched)
        if self.logo and context.get("org", {}).get("has_logo"):
            logo = InlineImage(template, io.BytesIO(self.logo), height=Mm(LOGO_HEIGHT_MM))
            context = {**context, "org": {**context["org"], "logo": logo}}
        template.render(context, jinja_env=self.env)
        return template.docx


def without_external_links(docx: bytes) -> bytes:
    """The template without its links to files outside it (a picture "linked to file", an attached
    template, a linked object: relationships with TargetMode="External"), which LibreOffice would fetch
    while converting — from the network, or a local file into the packet. Hyperlinks stay: they are
    only followed when a reader clicks them. A file that is not a zip is left to fail when rendered."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as source:
            changed = {}
            for info in source.infolist():
                if info.filename.endswith(".rels"):
                    original = source.read(info)
                    cleaned = _internal_relationships(original)
                    if cleaned != original:
                        changed[info.filename] = cleaned
            if not changed:
                return docx
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    target.writestr(info, changed.get(info.filename) or source.read(info))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError):
        return docx
    return buffer.getvalue()


def _internal_relationships(xml: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml, parser)
    external = [r for r in root.iter(_RELATIONSHIPS)
                if (r.get("TargetMode") or "").lower() == "external" and r.get("Type") != _HYPERLINK]
    if not external:
        return xml
    for relationship in external:
        relationship.getparent().remove(relationship)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
