"""Fill the Word templates (docxtpl) with a case's context: one .docx per document.

Each template is read from disk once per process and its Jinja source compiled once; a render
then costs one .docx parse and one Jinja pass.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.document import Document
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from pipeline.schema import PROJECT_ROOT

TEMPLATES_DIR = PROJECT_ROOT / "templates"
LOGO_HEIGHT_MM = 14


@dataclass(frozen=True)
class DocumentKind:
    name: str  # file stem: hardship_letter → hardship_letter.docx
    title: str  # outline entry in packet.pdf


DOCUMENTS = (
    DocumentKind("hardship_letter", "协商还款申请书"),
    DocumentKind("evidence_cover", "证明材料清单"),
    DocumentKind("repayment_agreement", "还款协议（草案）"),
    DocumentKind("call_sheet", "通话准备与记录表"),
    DocumentKind("repayment_tracker", "还款跟踪表"),
)


class _CompilingOnce(jinja2.Environment):
    """docxtpl asks for `from_string` on every render; the source is the same each time."""

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
    every render (a third of the render time); the XML is the same each time, so is the result."""

    def __init__(self, source, patched: dict[str, str]):
        super().__init__(source)
        self._patched = patched

    def patch_xml(self, src_xml):
        if src_xml not in self._patched:
            self._patched[src_xml] = super().patch_xml(src_xml)
        return self._patched[src_xml]


class TemplateSet:
    """The templates of one run: the defaults, each replaced by a same-named file in `override`."""

    def __init__(self, override: Path | None = None, base: Path = TEMPLATES_DIR, logo: bytes = b""):
        self.logo = logo  # the organisation's logo, placed where a template says {{ org.logo }}
        self.paths = {}
        for kind in DOCUMENTS:
            custom = override / f"{kind.name}.docx" if override else None
            self.paths[kind.name] = custom if custom and custom.is_file() else base / f"{kind.name}.docx"
        self.blobs = {name: path.read_bytes() for name, path in self.paths.items()}
        self.env = _CompilingOnce()
        self.patched: dict[str, str] = {}

    @classmethod
    def from_blobs(cls, blobs: dict[str, bytes], logo: bytes = b"") -> TemplateSet:
        """Templates that travelled with a chunk of work (no files on this machine)."""
        templates = cls.__new__(cls)
        templates.logo = logo
        templates.paths = {kind.name: Path(f"{kind.name}.docx") for kind in DOCUMENTS}
        templates.blobs = dict(blobs)
        templates.env = _CompilingOnce()
        templates.patched = {}
        return templates

    def open(self, name: str) -> io.BytesIO:
        return io.BytesIO(self.blobs[name])

    def render(self, name: str, context: dict) -> Document:
        template = _Template(self.open(name), self.patched)
        if self.logo and context.get("org", {}).get("has_logo"):
            logo = InlineImage(template, io.BytesIO(self.logo), height=Mm(LOGO_HEIGHT_MM))
            context = {**context, "org": {**context["org"], "logo": logo}}
        template.render(context, jinja_env=self.env)
        return template.docx
