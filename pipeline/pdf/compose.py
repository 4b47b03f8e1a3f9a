"""Put rendered documents into one .docx for LibreOffice: one section per document, one footer
and page numbering per set (a case's lender set and its borrower's set are numbered each on its
own), and bookmarks that mark where each document and set starts and ends.

The footer is the set's own (case id, which set, page x of y) whatever a template's footer says;
a template's own page header (a staff template may have one) is kept for that document's pages.
Blank pages can be reserved after a document: the evidence scans are placed on them after
conversion, so that they carry the footer and count in the page numbers like any other page.

LibreOffice's cost is mostly per file, not per page, so a whole chunk of packets is converted as
one file and split again by the bookmarks (exported as PDF named destinations). The footer's page
total is a PAGEREF to a bookmark at the set's end, so `x / y` counts the set's own pages
however many packets share the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from copy import deepcopy
from dataclasses import dataclass, field

from docx.document import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docxcompose.composer import Composer
from docxcompose.utils import xpath

from pipeline.pdf.marks import document_mark, end_mark, scans_mark

FOOTER_FONT = "Noto Sans CJK SC"


class _ChunkComposer(Composer):
    """docxcompose as it is, minus work that cannot change the result.

    It renumbers every bookmark and drawing id of the whole result after each append, which makes
    a chunk of n documents cost O(n²); the numbering only matters in the finished file, so it is
    done once, by `finish`. And for each paragraph it copies it lists every style of the result and
    looks for numbering to restart, most of composing's time; paragraphs that use only styles the
    result already has, with no numbering anywhere, are let through without it.
    """

    _deferring = True
    _present: set[str] | None = None  # style ids of the result, while nothing adds one
    _styles_numbered: bool | None = None  # does any style of the result carry numbering?
    _source: object = None  # the document being inserted, and which of its styles carry numbering
    _source_numbered: dict[str, bool] = {}

    def renumber_bookmarks(self):
        if not self._deferring:
            super().renumber_bookmarks()

    def renumber_docpr_ids(self):
        if not self._deferring:
            super().renumber_docpr_ids()

    def renumber_nvpicpr_ids(self):
        if not self._deferring:
            super().renumber_nvpicpr_ids()

    def add_styles(self, doc, element):
        used = {e.val for e in xpath(element, ".//w:tblStyle|.//w:pStyle|.//w:rStyle")}
        if not used:
            return
        if self._present is None:
            self._present = set(self.doc.styles.element.xpath("w:style/@w:styleId"))
        if self.preserve_styles or not used <= self._present or any(
                self.mapped_style_id(style_id) != style_id or self._numbered_in(doc, style_id) for style_id in used):
            super().add_styles(doc, element)
            self._present = self._styles_numbered = None  # it may have added styles

    def restart_first_numbering(self, doc, element):
        if self._styles_numbered is None:
            self._styles_numbered = bool(self.doc.styles.element.xpath(".//w:numId"))
        if self._styles_numbered or xpath(element, ".//w:numId"):
            super().restart_first_numbering(doc, element)

    def _numbered_in(self, doc, style_id: str) -> bool:
        if doc is not self._source:
            self._source, self._source_numbered = doc, {}
        if style_id not in self._source_numbered:
            style = doc.styles.element.get_by_id(style_id)
            self._source_numbered[style_id] = style is not None and bool(xpath(style, ".//w:numId"))
        return self._source_numbered[style_id]

    def finish(self) -> Document:
        self._deferring = False
        self._source = None
        self.renumber_bookmarks()
        self.renumber_docpr_ids()
        self.renumber_nvpicpr_ids()
        return self.doc


@dataclass(frozen=True)
class NumberedSet:
    """Documents numbered together: every page's footer says `案件编号：… {label} 第 x 页 / 共 y 页`."""

    case_id: str
    label: str  # 寄送件 / 本人留存
    documents: tuple[Document, ...]
    blank_pages: dict[int, int] = field(default_factory=dict)  # document index → pages reserved after it


def compose(sets: Iterable[NumberedSet]) -> Document | None:
    """All documents of all sets, in order, as one Word document (None when there are none).
    Each set's documents are copied in and then let go, so `sets` may be produced lazily."""
    composer = None
    starts: list[tuple[int, int]] = []  # (set, document) of each section, in order
    headers: list[Part | None] = []  # each section's own page header, if its template has one
    footers: list[tuple[str, str]] = []  # (case id, label) of each set
    for u, numbered in enumerate(sets):
        footers.append((numbered.case_id, numbered.label))
        for d, document in enumerate(numbered.documents):
            headers.append(_own_header(document))
            # Ids are unique only within one document; docxcompose renumbers them on append.
            _mark(document.element.body, numbered, u, d)
            if composer is None:
                composer = _ChunkComposer(document)
            else:
                _close_section(composer.doc.element.body)
                _use_section_properties(composer.doc.element.body, document.element.body)
                composer.append(document)
            starts.append((u, d))
    if composer is None:
        return None
    master = composer.finish()
    _set_footers(master, starts, footers, headers)
    return master


def join(sets: Iterable[NumberedSet], package: Callable[[], Document]) -> Document | None:
    """The same as `compose`, for documents rendered as bodies of one package (documents/bodies.py):
    each body is laid after the one before in a copy of the package that `package()` opens. Nothing
    is reconciled, since there is nothing to reconcile; ids that must be unique in one file (marks,
    drawings) are made so."""
    master = None
    starts: list[tuple[int, int]] = []
    footers: list[tuple[str, str]] = []
    for u, numbered in enumerate(sets):
        footers.append((numbered.case_id, numbered.label))
        for d, body in enumerate(numbered.documents):
            _offset_bookmark_ids(body, len(starts))
            _mark(body, numbered, u, d)
            if master is None:
                master = package()
                master.element.replace(master.element.body, body)
            else:
                target = master.element.body
                _close_section(target)
                _use_section_properties(target, body)
                final = _section_properties(target)
                for element in list(body):
                    if element.tag != _SECTION:
                        final.addprevious(element)
            starts.append((u, d))
    if master is None:
        return None
    _renumber(master.element.body, ".//wp:docPr")
    _renumber(master.element.body, ".//pic:cNvPr")
    _set_footers(master, starts, footers, [None] * len(starts))
    return master


_SECTION = qn("w:sectPr")


def _section_properties(body):
    """The body's own section properties (its last child; bodies rendered as plain XML have no
    `.sectPr`, and a chunk's body is long to search from the start)."""
    last = body[-1] if len(body) else None
    return last if last is not None and last.tag == _SECTION else body.find(_SECTION)


def _mark(body, numbered: NumberedSet, u: int, d: int) -> None:
    """The marks the PDF is split by (pdf/marks.py): where the document starts, where its reserved
    pages start, where the set ends."""
    _add_bookmark(_first_paragraph(body), document_mark(u, d), start=True)
    if numbered.blank_pages.get(d):
        _reserve_pages(body, numbered.blank_pages[d], scans_mark(u, d))
    if d == len(numbered.documents) - 1:
        _add_bookmark(_last_paragraph(body), end_mark(u), start=False)


def _offset_bookmark_ids(body, document: int) -> None:
    """Bookmark ids of one document, moved to a range of their own (LibreOffice pairs a bookmark's
    start and end by id)."""
    for tag in ("w:bookmarkStart", "w:bookmarkEnd"):
        for mark in body.iter(qn(tag)):
            value = mark.get(qn("w:id"))
            if value is not None and value.isdigit():
                mark.set(qn("w:id"), str(document * 100_000 + int(value)))


def _renumber(body, path: str) -> None:
    for number, element in enumerate(body.xpath(path, namespaces=_NAMESPACES), start=1):
        element.set("id", str(number))


_NAMESPACES = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
               "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture"}


def _set_footers(master: Document, starts: list[tuple[int, int]], footers: list[tuple[str, str]],
                 headers: list[Part | None]) -> None:
    any_header = False
    for section, (u, d), header in zip(master.sections, starts, headers, strict=True):
        case_id, label = footers[u]
        _set_footer(section, case_id, label, u, first=(d == 0))
        if header is not None:
            _use_header(master, section, header)
            any_header = True
        elif any_header:  # a section without a header reference would inherit the one before it
            section.header.is_linked_to_previous = False


def _reserve_pages(body, count: int, mark: str) -> None:
    """`count` empty pages at the end of the document, the first carrying `mark`. A plain empty
    paragraph closes them: the section break goes into the section's last paragraph, and LibreOffice
    makes no page for a page break in the paragraph that also ends the section."""
    for number in range(count):
        paragraph = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        properties.append(OxmlElement("w:pageBreakBefore"))
        paragraph.append(properties)
        _section_properties(body).addprevious(paragraph)
        if number == 0:
            _add_bookmark(paragraph, mark, start=True)
    _section_properties(body).addprevious(OxmlElement("w:p"))


def _own_header(document: Document) -> Part | None:
    """The default page header of a document's (last) section, or None."""
    for reference in document.element.body.sectPr.findall(qn("w:headerReference")):
        if reference.get(qn("w:type")) == "default":
            # rels[…].target_part, not related_parts: docxtpl swaps the rendered header in behind the cache
            return document.part.rels[reference.get(qn("r:id"))].target_part
    return None


def _use_header(master: Document, section, header: Part) -> None:
    """Point the section at `header`, bringing the part (and its images) into the master package
    under names of their own when it comes from another document."""
    package = master.part.package
    if header.package is not package:
        for relationship in header.rels.values():
            if not relationship.is_external:
                target = relationship.target_part
                target.partname = package.next_partname(f"/word/media/header-image%d.{target.partname.ext}")
        header.partname = package.next_partname("/word/header%d.xml")
        header._package = package
    reference = OxmlElement("w:headerReference")
    reference.set(qn("w:type"), "default")
    reference.set(qn("r:id"), master.part.relate_to(header, RT.HEADER))
    section._sectPr.insert(0, reference)


def _first_paragraph(body):
    first = body[0]
    if first.tag != qn("w:p"):  # a table at the very top: put an empty paragraph before it
        first = OxmlElement("w:p")
        body.insert(0, first)
    return first


def _last_paragraph(body):
    paragraphs = body.findall(qn("w:p"))
    if paragraphs:
        return paragraphs[-1]
    paragraph = OxmlElement("w:p")
    body.insert(len(body) - 1, paragraph)
    return paragraph


def _add_bookmark(paragraph, name: str, start: bool) -> None:
    begin, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    mark_id = str(9000 + start)  # the two marks of one document never share an id
    begin.set(qn("w:id"), mark_id)
    begin.set(qn("w:name"), name)
    end.set(qn("w:id"), mark_id)
    properties = paragraph.find(qn("w:pPr"))
    at = 0 if properties is None else 1
    if start:
        paragraph.insert(at, end)
        paragraph.insert(at, begin)
    else:
        paragraph.append(begin)
        paragraph.append(end)


def _close_section(body) -> None:
    """End the current last section: its properties move into its last paragraph (a section break).

    Word keeps a section's properties in the section's last paragraph; an extra empty paragraph
    for the break could spill onto a blank page of its own.
    """
    final = _section_properties(body)
    last = final.getprevious()
    if last is None or last.tag != qn("w:p") or last.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
        last = OxmlElement("w:p")
        final.addprevious(last)
    properties = last.find(qn("w:pPr"))
    if properties is None:
        properties = OxmlElement("w:pPr")
        last.insert(0, properties)
    properties.append(deepcopy(final))


def _use_section_properties(body, appended) -> None:
    """The next section takes the page set-up of the document appended into it."""
    body.replace(_section_properties(body), deepcopy(_section_properties(appended)))


def _set_footer(section, case_id: str, label: str, unit: int, first: bool) -> None:
    sect_pr = section._sectPr
    for reference in sect_pr.findall(qn("w:headerReference")) + sect_pr.findall(qn("w:footerReference")):
        sect_pr.remove(reference)
    for numbering in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(numbering)
    title_page = sect_pr.find(qn("w:titlePg"))
    if title_page is not None:
        sect_pr.remove(title_page)
    if not first:
        return  # inherits the previous section's footer and keeps counting pages
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    sect_pr.append(numbering)
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = 1  # centre
    _text(paragraph, f"案件编号：{case_id}　{label}　第 ")
    _field(paragraph, "PAGE")
    _text(paragraph, " 页 / 共 ")
    _field(paragraph, f"PAGEREF {end_mark(unit)} \\h")
    _text(paragraph, " 页")


def _style_run(run) -> None:
    run.font.size = Pt(9)
    fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attribute), FOOTER_FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    run._r.get_or_add_rPr().append(lang)


def _text(paragraph, text: str) -> None:
    _style_run(paragraph.add_run(text))


def _field(paragraph, instruction: str) -> None:
    for kind in ("begin", None, "separate", "1", "end"):
        run = paragraph.add_run()
        _style_run(run)
        if kind in ("begin", "separate", "end"):
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif kind is None:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            run.text = kind
