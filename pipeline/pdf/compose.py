"""Put a chunk's rendered documents into one .docx for LibreOffice: one section per document, one
footer and page numbering per set (each lender set and the borrower's set of a case are numbered
each on its own), and bookmarks that mark where each document and set starts and ends.

Every document is a body rendered in the one package of its template set (documents/reconcile.py),
so a chunk is those bodies laid one after another in a copy of that package: nothing needs
reconciling. The footer is the set's own (case id, which set, page x of y) whatever a template's
footer says; a template's own page header is kept for that document's pages (rendered for the case
when it holds variables). Lists numbered in a template start again in each document. Blank pages can
be reserved after a document: the evidence scans are placed on them after conversion, so that they
carry the footer and count in the page numbers like any other page.

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
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from pipeline.documents.bodies import RenderedBody
from pipeline.pdf.marks import document_mark, end_mark, scans_mark

FOOTER_FONT = "Noto Sans CJK SC"
# Bookmark ids of one document are moved to a range of their own, DOCUMENT_IDS wide; the marks this
# module places take the top of each range (LibreOffice pairs a bookmark's start and end by id).
DOCUMENT_IDS = 100_000
MARK_IDS = 10  # start, scans and end marks of one document: ids DOCUMENT_IDS - MARK_IDS … DOCUMENT_IDS - 1


@dataclass(frozen=True)
class NumberedSet:
    """Documents numbered together: every page's footer says `案件编号：… {label} 第 x 页 / 共 y 页`."""

    case_id: str
    name: str  # the set's name in its case (lender-1, borrower…)
    label: str  # 寄送件 / 本人留存
    documents: tuple[RenderedBody, ...]
    blank_pages: dict[int, int] = field(default_factory=dict)  # document index → pages reserved after it


def join(sets: Iterable[NumberedSet], package: Callable[[], Document]) -> Document | None:
    """All documents of all sets, in order, as one Word document (None when there are none): each
    body is laid after the one before in a copy of the package that `package()` opens; ids that must
    be unique in one file (bookmarks, drawings, list instances) are made so. Each set's documents are
    taken in and let go, so `sets` may be produced lazily."""
    master = None
    starts: list[tuple[int, int]] = []
    footers: list[tuple[str, str]] = []
    for u, numbered in enumerate(sets):
        footers.append((numbered.case_id, numbered.label))
        for d, rendered in enumerate(numbered.documents):
            body = rendered.body
            document = len(starts)
            _offset_bookmark_ids(body, document)
            _mark(body, numbered, u, d, document)
            if master is None:
                master = package()
                master.element.replace(master.element.body, body)
            else:
                _own_headers(master, body, rendered.headers)
                _restart_lists(master, body)
                target = master.element.body
                _close_section(target)
                _use_section_properties(target, body)
                final = _section_properties(target)
                for element in list(body):
                    if element.tag != _SECTION:
                        final.addprevious(element)
            if document == 0:
                _own_headers(master, master.element.body, rendered.headers)
            starts.append((u, d))
    if master is None:
        return None
    _renumber(master.element.body, ".//wp:docPr")
    _renumber(master.element.body, ".//pic:cNvPr")
    _set_footers(master, starts, footers)
    return master


_SECTION = qn("w:sectPr")


def _section_properties(body):
    """The body's own section properties (its last child; bodies rendered as plain XML have no
    `.sectPr`, and a chunk's body is long to search from the start)."""
    last = body[-1] if len(body) else None
    return last if last is not None and last.tag == _SECTION else body.find(_SECTION)


def _mark(body, numbered: NumberedSet, u: int, d: int, document: int) -> None:
    """The marks the PDF is split by (pdf/marks.py): where the document starts, where its reserved
    pages start, where the set ends — each with an id no other bookmark of the chunk has."""
    ids = iter(range((document + 1) * DOCUMENT_IDS - MARK_IDS, (document + 1) * DOCUMENT_IDS))
    _add_bookmark(_first_paragraph(body), document_mark(u, d), next(ids), start=True)
    if numbered.blank_pages.get(d):
        _reserve_pages(body, numbered.blank_pages[d], scans_mark(u, d), next(ids))
    if d == len(numbered.documents) - 1:
        _add_bookmark(_last_paragraph(body), end_mark(u), next(ids), start=False)


def _offset_bookmark_ids(body, document: int) -> None:
    """Bookmark ids of one document, moved to a range of their own."""
    for tag in ("w:bookmarkStart", "w:bookmarkEnd"):
        for mark in body.iter(qn(tag)):
            value = mark.get(qn("w:id"))
            if value is not None and value.isdigit():
                if int(value) >= DOCUMENT_IDS - MARK_IDS:  # never in a template Word wrote
                    raise ValueError(f"bookmark id {value} out of range")
                mark.set(qn("w:id"), str(document * DOCUMENT_IDS + int(value)))


def _renumber(body, path: str) -> None:
    for number, element in enumerate(body.xpath(path, namespaces=_NAMESPACES), start=1):
        element.set("id", str(number))


_NAMESPACES = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
               "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
               "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def _own_headers(master: Document, body, rendered: dict[str, bytes]) -> None:
    """A page header with variables, rendered for this document: a part of its own in the chunk
    (pictures shared with the template's header), and the document's section pointed at it."""
    if not rendered:
        return
    for reference in _section_properties(body).findall(qn("w:headerReference")):
        key = reference.get(qn("r:id"))
        if key not in rendered:
            continue
        template = master.part.rels[key].target_part
        part = Part(master.part.package.next_partname("/word/header%d.xml"), CT.WML_HEADER, rendered[key],
                    master.part.package)
        for relationship in template.rels.values():
            if relationship.is_external:
                part.rels.get_or_add_ext_rel(relationship.reltype, relationship.target_ref)
            else:
                part.rels.add_relationship(relationship.reltype, relationship.target_part, relationship.rId)
        reference.set(qn("r:id"), master.part.relate_to(part, RT.HEADER))


def _restart_lists(master: Document, body) -> None:
    """Numbered lists of a template start at their first number in every document: each list
    instance a body uses becomes a new instance of the same list definition, restarted. (Lists
    numbered through a paragraph style alone, not the paragraph, carry on; Word's list buttons number
    the paragraph.)"""
    used = list(dict.fromkeys(body.xpath(".//w:numPr/w:numId/@w:val", namespaces=_NAMESPACES)))
    if not used:
        return
    numbering = master.part.numbering_part.element
    taken = [int(n) for n in numbering.xpath("w:num/@w:numId", namespaces=_NAMESPACES)]
    mapping = {}
    for number, old in enumerate(used, start=max(taken, default=0) + 1):
        found = numbering.xpath(f'w:num[@w:numId="{old}"]', namespaces=_NAMESPACES)
        if not found or old == "0":
            continue
        instance = deepcopy(found[0])
        instance.set(qn("w:numId"), str(number))
        for override in instance.findall(qn("w:lvlOverride")):
            instance.remove(override)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), _first_number(numbering, instance))
        override.append(start)
        instance.append(override)
        numbering.append(instance)
        mapping[old] = str(number)
    for reference in body.xpath(".//w:numPr/w:numId", namespaces=_NAMESPACES):
        value = reference.get(qn("w:val"))
        if value in mapping:
            reference.set(qn("w:val"), mapping[value])


def _first_number(numbering, instance) -> str:
    abstract = instance.find(qn("w:abstractNumId")).get(qn("w:val"))
    start = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract}"]/w:lvl[@w:ilvl="0"]/w:start/@w:val',
                            namespaces=_NAMESPACES)
    return start[0] if start else "1"


def _set_footers(master: Document, starts: list[tuple[int, int]], footers: list[tuple[str, str]]) -> None:
    empty_header: str | None = None
    any_header = False
    for section, (u, d) in zip(master.sections, starts, strict=True):
        case_id, label = footers[u]
        _set_footer(section, case_id, label, u, first=(d == 0))
        if section._sectPr.findall(qn("w:headerReference")):
            any_header = True
        elif any_header:  # a section without a header reference would inherit the one before it
            if empty_header is None:
                empty_header = master.part.relate_to(_empty_header(master), RT.HEADER)
            reference = OxmlElement("w:headerReference")
            reference.set(qn("w:type"), "default")
            reference.set(qn("r:id"), empty_header)
            section._sectPr.insert(0, reference)


def _empty_header(master: Document) -> Part:
    xml = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           b'<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p/></w:hdr>')
    return Part(master.part.package.next_partname("/word/header%d.xml"), CT.WML_HEADER, xml, master.part.package)


def _reserve_pages(body, count: int, mark: str, mark_id: int) -> None:
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
            _add_bookmark(paragraph, mark, mark_id, start=True)
    _section_properties(body).addprevious(OxmlElement("w:p"))


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


def _add_bookmark(paragraph, name: str, mark_id: int, start: bool) -> None:
    begin, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    begin.set(qn("w:id"), str(mark_id))
    begin.set(qn("w:name"), name)
    end.set(qn("w:id"), str(mark_id))
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
    """The set's footer on its first section (the others inherit it); a template's own page header
    stays, but only its default one: a first-page or even-page header would need titlePg or the
    settings' evenAndOddHeaders, which are the packet's."""
    sect_pr = section._sectPr
    for reference in sect_pr.findall(qn("w:footerReference")) + [
            r for r in sect_pr.findall(qn("w:headerReference")) if r.get(qn("w:type")) != "default"]:
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
