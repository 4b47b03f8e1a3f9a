"""Fill the Word templates (docxtpl) with a set's context: one .docx per document.

Templates are data, not code: they travel between centres by e-mail. They are rendered in Jinja's
sandbox, narrowed to reading the context: items of its dicts and lists, Jinja's own loop helpers —
no attribute or method of any other object (the context holds only text, numbers, lists, dicts and
the logo as prepared text), `*` and `**` kept to sizes a document can hold — with every name
required to exist. Each template is read once per process and its Jinja source compiled once.
Links to anything outside a template (a picture "linked to file", a linked object, an image that is a
link) are removed when it is loaded: neither a conversion nor a reader of the editable copy fetches
anything; only hyperlinks the author wrote in the text stay (`templates check` lists them).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import jinja2
from docx import Document as open_document
from docx.document import Document
from docxtpl import DocxTemplate
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace
from lxml import etree

from pipeline.common.resources import shipped
from pipeline.documents.bodies import BodyRenderer, RenderedBody
from pipeline.documents.kinds import DOCUMENTS
from pipeline.documents.reconcile import one_package

LOGO_HEIGHT_MM = 14
LISTING_CHARACTERS = "\t\a\n\f"  # what docxtpl's resolve_listing acts on
MAX_REPEAT = 100_000  # the longest text or list `*` may make; `**` no more than this either
_DICT_VIEWS = {"items", "keys", "values"}
_JINJA_HELPERS = (LoopContext, Namespace, Cycler, Joiner)
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W_HYPERLINK = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink"


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, strict about names, escaping cell text, compiling each source once.

    docxtpl asks for `from_string` on every render; the source is the same each time.
    """

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self):
        # autoescape: cell text such as `<w:t>` or `&amp;` must print literally, never become XML.
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source, globals, template_class)
        return self._compiled[source]

    def is_safe_attribute(self, obj, attr, value):
        """Only what reading the context needs; every other attribute or method is refused here,
        whatever `templates check` said of the template."""
        if isinstance(obj, _JINJA_HELPERS):
            return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)
        return isinstance(obj, dict) and attr in _DICT_VIEWS

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise jinja2.sandbox.SecurityError(f"exponent {right} is too large")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(times, int) \
                        and len(sequence) * times > MAX_REPEAT:
                    raise jinja2.sandbox.SecurityError(f"a repeat of {len(sequence) * times} is too long")
        return super().call_binop(context, operator, left, right)


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
    """The templates of one run: the shipped ones, each replaced by a same-named file in `override`,
    as documents of one package (documents/reconcile.py; TemplatesRefused when they cannot be)."""

    def __init__(self, override: Path | None = None, logo: bytes = b""):
        blobs, self.custom = template_files(override)
        self.originals = blobs  # as the files are, links removed: what `templates check` reads
        self._load(blobs, logo)

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes], logo: bytes = b"") -> TemplateSet:
        """Templates that travelled with a chunk of work (`blobs`, already one package)."""
        templates = cls.__new__(cls)
        templates.custom = {}
        templates.originals = blobs
        templates._load(blobs, logo)
        return templates

    def _load(self, blobs: dict[str, bytes], logo: bytes) -> None:
        self.logo = logo
        self.blobs = one_package(blobs)  # document → its .docx bytes, all of one package
        self.env = TemplateEnvironment()
        patched: dict[str, str] = {}
        self._renderers = {name: BodyRenderer(_Template(io.BytesIO(blob), patched), self.env, logo, LOGO_HEIGHT_MM)
                           for name, blob in self.blobs.items()}
        if len({renderer.logo_id for renderer in self._renderers.values()}) > 1:
            raise AssertionError("the logo must be known by one id in every template, as it is in the chunk")
        self._package: bytes | None = None

    def file_name(self, name: str) -> str:
        return f"{name}.docx"

    def open(self, name: str) -> io.BytesIO:
        return io.BytesIO(self.originals[name])

    def render(self, name: str, context: dict) -> RenderedBody:
        """The document's body (to be joined into a chunk) and its editable copy."""
        return self._renderers[name].render(context)

    def reopen(self, name: str, docx: bytes) -> RenderedBody:
        """An editable copy of `name`, as `render` gave it (to join it again)."""
        return self._renderers[name].reopen(docx)

    def package(self) -> Document:
        """A fresh copy of the package the documents' bodies are joined in: the first template as
        it is, with the logo (under the id the bodies use)."""
        if self._package is None:
            buffer = io.BytesIO()
            next(iter(self._renderers.values())).template.docx.save(buffer)
            self._package = buffer.getvalue()
        return open_document(io.BytesIO(self._package))


def template_files(override: Path | None = None) -> tuple[dict[str, bytes], dict[str, Path]]:
    """Every template as its .docx bytes, links to outside removed: the shipped ones, each replaced
    by a same-named file in `override`; and which were replaced, by what file."""
    blobs: dict[str, bytes] = {}
    custom: dict[str, Path] = {}
    for kind in DOCUMENTS:
        file = f"{kind.name}.docx"
        staff = override / file if override else None
        if staff is not None and staff.is_file():
            custom[kind.name], blobs[kind.name] = staff, without_external_links(staff.read_bytes())
        else:
            blobs[kind.name] = without_external_links(shipped("templates", file).read_bytes())
    return blobs, custom


def without_external_links(docx: bytes) -> bytes:
    """The template without its links to anything outside it, which LibreOffice would fetch while
    converting and Word or LibreOffice while opening the editable copy — from the network, or a
    local file into the document: every relationship with TargetMode="External" except a hyperlink
    that only text hyperlinks (w:hyperlink) point to; the attributes that pointed to a removed one go
    too. A file that is not a zip is left to fail when loaded."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as source:
            names = set(source.namelist())
            changed = {}
            for info in source.infolist():
                if not info.filename.endswith(".rels"):
                    continue
                owner = _owner_of(info.filename)
                owner_xml = source.read(owner) if owner in names else b""
                relationships, removed = _internal_relationships(source.read(info), owner_xml)
                if removed:
                    changed[info.filename] = relationships
                    if owner in names:
                        changed[owner] = _without_references(owner_xml, removed)
            if not changed:
                return docx
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    target.writestr(info, changed.get(info.filename) or source.read(info))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, ValueError):
        return docx
    return buffer.getvalue()


def hyperlink_targets(docx: bytes) -> list[str]:
    """The outside addresses a template's text links to (kept: a reader follows them only by clicking)."""
    targets = []
    with zipfile.ZipFile(io.BytesIO(docx)) as source:
        for name in source.namelist():
            if name.endswith(".rels"):
                for relationship in _parse(source.read(name)).iter(_RELATIONSHIPS):
                    if (relationship.get("TargetMode") or "").lower() == "external":
                        targets.append(relationship.get("Target") or "")
    return list(dict.fromkeys(targets))


def _owner_of(rels_name: str) -> str:
    """word/_rels/document.xml.rels → word/document.xml"""
    folder, _, file = rels_name.rpartition("_rels/")
    return folder + file.removesuffix(".rels")


def _parse(xml: bytes):
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                 huge_tree=True))


def _internal_relationships(xml: bytes, owner: bytes) -> tuple[bytes, set[str]]:
    """The relationships without the external ones a reader would follow, and the ids removed."""
    root = _parse(xml)
    text_links: set[str] = set()
    other_uses: set[str] = set()
    if owner:
        for element in _parse(owner).iter():
            for attribute, value in element.attrib.items():
                if attribute.startswith("{" + _R + "}"):
                    (text_links if element.tag == _W_HYPERLINK and attribute == f"{{{_R}}}id" else other_uses).add(value)
    removed = set()
    for relationship in list(root.iter(_RELATIONSHIPS)):
        if (relationship.get("TargetMode") or "").lower() != "external":
            continue
        key = relationship.get("Id")
        if relationship.get("Type") == _HYPERLINK and key in text_links and key not in other_uses:
            continue
        removed.add(key)
        relationship.getparent().remove(relationship)
    if not removed:
        return xml, removed
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), removed


def _without_references(xml: bytes, removed: set[str]) -> bytes:
    """A part with every r:… attribute that named a removed relationship taken out."""
    root = _parse(xml)
    for element in root.iter():
        for attribute, value in list(element.attrib.items()):
            if attribute.startswith("{" + _R + "}") and value in removed:
                del element.attrib[attribute]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
