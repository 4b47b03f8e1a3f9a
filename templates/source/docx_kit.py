"""The kit the templates are built with: page set-up, styles, fonts, and XML helpers that keep every
docxtpl tag inside a single run (Word splits typed text into runs at will, and a tag split across
runs no longer renders)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

# The Word copies name the faces every Chinese Windows PC has, so that a caseworker who edits one in
# Word or WPS gets the fonts and the page breaks it was made with; the PDFs are drawn with the Noto CJK
# SC faces, to which LibreOffice's replacement table maps these names (pdf/soffice_converter.py
# WINDOWS_FONTS): the same glyphs and pages as before (tests/pdf/test_windows_fonts.py).
SERIF = "SimSun"  # 宋体: body text
SANS = "SimHei"  # 黑体: titles, headings, table headers

# word/fontTable.xml: the two faces the documents use, as Word declares them (GB2312 character set,
# the faces' PANOSE numbers), in place of the Latin and Japanese faces of python-docx's default template.
FONT_TABLE = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:font w:name="SimSun"><w:altName w:val="宋体"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="SimHei"><w:altName w:val="黑体"/><w:panose1 w:val="02010609060101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
    "</w:fonts>"
).encode()

# docProps/app.xml: which program made the file, and no page or word counts (python-docx's default
# claims "Microsoft Macintosh Word", 1 page, 0 words; a count is only true once a document is filled).
APP_PROPERTIES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>negotiation packets</Application><DocSecurity>0</DocSecurity></Properties>"
)

# Sizes in half-points: 小二 18 pt, 小四 12 pt, 五号 10.5 pt, 小五 9 pt.
TITLE_SIZE, BODY_SIZE, TABLE_SIZE, FOOTER_SIZE = 36, 24, 21, 18

# A4 and margins in twentieths of a point (1 cm = 567 twips).
PAGE_W, PAGE_H = 11906, 16838
MARGIN_TB, MARGIN_LR = 1418, 1531  # 2.5 cm, 2.7 cm
TEXT_WIDTH = PAGE_W - 2 * MARGIN_LR  # 8844 twips = 15.6 cm

BLANK = "_" * 16  # a line to fill in by hand; underlined spaces vanish at line ends in Word
DATE_BLANK = "______年____月____日"


# ---------------------------------------------------------------- styles


def _fonts(face: str) -> str:
    return f'<w:rFonts w:ascii="{face}" w:hAnsi="{face}" w:eastAsia="{face}" w:cs="{face}"/>'


# w:eastAsia="zh-CN" makes LibreOffice shape Chinese text with the SC faces. The Western language
# stays en-US, as Chinese Word writes it: with w:val="zh-CN" LibreOffice also line-breaks digits
# the CJK way and splits years and amounts across lines ("截至2⏎026年", "12,000.0⏎0").
WESTERN_LANG, EAST_ASIAN_LANG = "en-US", "zh-CN"
LANG = f'<w:lang w:val="{WESTERN_LANG}" w:eastAsia="{EAST_ASIAN_LANG}" w:bidi="ar-SA"/>'


def _rpr(face: str, size: int, bold: bool = False) -> str:
    weight = "<w:b/><w:bCs/>" if bold else ""
    return f'<w:rPr>{_fonts(face)}{weight}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>{LANG}</w:rPr>'


def _paragraph_style(style_id: str, name: str, ppr: str, rpr: str, based_on: str | None = "Normal",
                     next_style: str | None = None) -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    nxt = f'<w:next w:val="{next_style}"/>' if next_style else ""
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'{based}{nxt}<w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr}</w:style>')


NO_BORDERS = "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
GRID_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)
CELL_MARGINS = ('<w:tblCellMar><w:top w:w="45" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
                '<w:bottom w:w="45" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>')

# Borderless layout tables (info block, signatures): text flush with the body's left edge.
FLUSH_MARGINS = ('<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
                 '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>')

# Chinese line breaking without hanging punctuation. LibreOffice lets a full-width comma or stop that
# falls at the right margin hang into it, and 7.4 then does not draw it at all ("请不要寄出，里面有"
# printed as "请不要寄出 / 里面有", issue 24). Its DOCX import reads w:overflowPunct the other way
# round from Word (writerfilter DomainMapper: hanging = val is 0), so on here means no hanging in
# LibreOffice — the comma stays in the line and the line-start rules (w:kinsoku, on) take a
# character down with it — and Word's own default (overflow allowed) in Word.
CJK_LINE_BREAKING = '<w:kinsoku/><w:overflowPunct/>'

BODY_SPACING = '<w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="auto"/>'  # 1.5 lines
TABLE_SPACING = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'


def styles_xml() -> str:
    """One set of styles for every template: the composed packet merges them by style id."""
    normal_ppr = f'<w:widowControl/>{CJK_LINE_BREAKING}<w:snapToGrid w:val="0"/>{BODY_SPACING}<w:jc w:val="both"/>'
    styles = [
        # Normal: 小四 宋体 (SimSun), 1.5 lines, justified, no indent (address blocks, labels).
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr>{normal_ppr}</w:pPr>{_rpr(SERIF, BODY_SIZE)}</w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        f'{_rpr(SERIF, BODY_SIZE)}</w:style>',
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
        f'{_rpr(SERIF, BODY_SIZE)}<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{CELL_MARGINS}</w:tblPr></w:style>',
        '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
        '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f'<w:pPr>{TABLE_SPACING}</w:pPr>{_rpr(SERIF, TABLE_SIZE)}'
        f'<w:tblPr><w:tblBorders>{GRID_BORDERS}</w:tblBorders>{CELL_MARGINS}</w:tblPr></w:style>',
        # Word's own heading names (shown as 标题 1/2/3 in Chinese Word and WPS) with outline levels: the
        # navigation pane, mammoth and screen readers see the titles and headings as headings.
        _paragraph_style("DocTitle", "heading 1",
                         '<w:keepNext/><w:spacing w:before="120" w:after="360" w:line="240" w:lineRule="auto"/>'
                         '<w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
                         _rpr(SANS, TITLE_SIZE, bold=True), next_style="Normal"),
        _paragraph_style("DocNote", "标题附注",
                         '<w:spacing w:before="0" w:after="240" w:line="276" w:lineRule="auto"/>'
                         '<w:jc w:val="center"/>',
                         _rpr(SERIF, TABLE_SIZE)),
        _paragraph_style("BodyText", "正文首行缩进",
                         '<w:ind w:firstLineChars="200" w:firstLine="480"/>',
                         _rpr(SERIF, BODY_SIZE), next_style="BodyText"),
        _paragraph_style("Statement", "本人陈述",
                         '<w:ind w:left="480" w:right="240" w:firstLineChars="200" w:firstLine="480"/>',
                         _rpr(SERIF, BODY_SIZE), next_style="Statement"),
        _paragraph_style("ClauseHeading", "heading 2",
                         '<w:keepNext/><w:spacing w:before="120" w:after="0" w:line="360" w:lineRule="auto"/>'
                         '<w:outlineLvl w:val="1"/>',
                         _rpr(SANS, BODY_SIZE, bold=True), next_style="BodyText"),
        _paragraph_style("TableText", "表格文字",
                         f'{TABLE_SPACING}<w:jc w:val="center"/>',
                         _rpr(SERIF, TABLE_SIZE)),
        _paragraph_style("TableHeading", "表格标题行",
                         f'<w:keepNext/>{TABLE_SPACING}<w:jc w:val="center"/>',
                         _rpr(SANS, TABLE_SIZE, bold=True), based_on="TableText"),
        _paragraph_style("Signature", "落款",
                         '<w:keepNext/><w:keepLines/><w:ind w:left="4820"/>',
                         _rpr(SERIF, BODY_SIZE)),
        # The borrower's one-page sheets: 五号, 1.25 lines, so that a page holds what it must.
        _paragraph_style("PlainText", "简明正文",
                         '<w:spacing w:before="0" w:after="20" w:line="276" w:lineRule="auto"/>'
                         '<w:ind w:firstLineChars="200" w:firstLine="420"/>',
                         _rpr(SERIF, TABLE_SIZE), next_style="PlainText"),
        _paragraph_style("SheetHeading", "heading 3",
                         '<w:keepNext/><w:spacing w:before="80" w:after="20" w:line="276" w:lineRule="auto"/>'
                         '<w:outlineLvl w:val="1"/>',
                         _rpr(SANS, TABLE_SIZE, bold=True), next_style="PlainText"),
        _paragraph_style("SmallNote", "说明文字",
                         '<w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="auto"/>',
                         _rpr(SERIF, TABLE_SIZE)),
        _paragraph_style("Footer", "footer",
                         '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
                         _rpr(SANS, FOOTER_SIZE)),
    ]
    return (
        f'<w:styles {nsdecls("w")}>'
        # The defaults name the faces and zh-CN explicitly so that LibreOffice draws with the Noto CJK SC
        # faces SimSun and SimHei are replaced by, not with its locale's CJK fallback (a JP/KR face).
        f'<w:docDefaults><w:rPrDefault>{_rpr(SERIF, BODY_SIZE)}</w:rPrDefault>'
        f'<w:pPrDefault><w:pPr>{BODY_SPACING}</w:pPr></w:pPrDefault></w:docDefaults>'
        + "".join(styles)
        + "</w:styles>"
    )


STYLE_FACE = {  # the face each paragraph style gives its runs (styles_xml)
    "Normal": SERIF, "BodyText": SERIF, "Statement": SERIF, "PlainText": SERIF, "SheetHeading": SANS, "DocTitle": SANS, "DocNote": SERIF, "ClauseHeading": SANS,
    "TableText": SERIF, "TableHeading": SANS, "Signature": SERIF, "SmallNote": SERIF, "Footer": SANS,
}
STYLE_BOLD = {"DocTitle", "ClauseHeading", "TableHeading", "SheetHeading"}


# ---------------------------------------------------------------- XML helpers


def el(tag: str, attrs: dict | None = None, *children):
    element = OxmlElement(tag)
    for key, value in (attrs or {}).items():
        element.set(qn(key), str(value))
    for child in children:
        if child is not None:
            element.append(child)
    return element


@dataclass(frozen=True)
class R:
    """One run: literal text and/or whole docxtpl tags, never part of a tag."""

    text: str
    bold: bool | None = None
    face: str | None = None


def run(text: str, style: str, bold: bool | None = None, face: str | None = None):
    # Only what differs from the paragraph's style: its face, size and languages come from the style.
    # Repeating them on every run made a Word user's change to a style show nowhere, and LibreOffice
    # reads each run's direct formatting anew (a 12-case chunk: 4.60 s to convert with it, 4.15 s without).
    rpr = el("w:rPr")
    if face is not None and face != STYLE_FACE[style]:
        rpr.append(el("w:rFonts", {"w:ascii": face, "w:hAnsi": face, "w:eastAsia": face, "w:cs": face}))
    if bold and style not in STYLE_BOLD:
        rpr.append(el("w:b"))
        rpr.append(el("w:bCs"))
    r = el("w:r", None, rpr if len(rpr) else None)
    if text:
        t = el("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
    return r


def P(*runs, style: str = "BodyText", jc: str | None = None, keep_next: bool | None = None, before: int | None = None,
      after: int | None = None, ind_left: int | None = None, no_indent: bool = False, keep_lines: bool = False):
    """A paragraph; each element of `runs` is a str or an R. A lead-in (text ending in a colon:
    如下：, 承诺：) keeps with the paragraph it introduces unless told otherwise."""
    text = "".join(item if isinstance(item, str) else item.text for item in runs).rstrip()
    if keep_next is None:
        keep_next = text.endswith(("：", ":")) and style not in ("TableText", "TableHeading")
    ppr = el("w:pPr", None, el("w:pStyle", {"w:val": style}))
    if keep_next:
        ppr.append(el("w:keepNext"))
    if keep_lines:
        ppr.append(el("w:keepLines"))
    if before is not None or after is not None:
        spacing = el("w:spacing")
        if before is not None:
            spacing.set(qn("w:before"), str(before))
        if after is not None:
            spacing.set(qn("w:after"), str(after))
        ppr.append(spacing)
    if ind_left is not None or no_indent:
        ind = el("w:ind", {"w:left": ind_left or 0, "w:firstLineChars": 0, "w:firstLine": 0})
        ppr.append(ind)
    if jc:
        ppr.append(el("w:jc", {"w:val": jc}))
    p = el("w:p", None, ppr)
    for item in runs:
        item = R(item) if isinstance(item, str) else item
        p.append(run(item.text, style, item.bold, item.face))
    return p


def tag(statement: str):
    """A paragraph holding only a docxtpl paragraph tag, e.g. `{%p if borrower.address %}`."""
    return P(statement, style="Normal")


# ---------------------------------------------------------------- tables


def _tbl_pr(widths: list[int], borders: bool, jc: str = "center"):
    total = sum(widths)
    xml = (f'<w:tblPr {nsdecls("w")}>'
           + ('<w:tblStyle w:val="TableGrid"/>' if borders else "")
           + f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="{jc}"/>'
           + f'<w:tblBorders>{GRID_BORDERS if borders else NO_BORDERS}</w:tblBorders>'
           + '<w:tblLayout w:type="fixed"/>' + (CELL_MARGINS if borders else FLUSH_MARGINS)
           + '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
           + ' w:noHBand="1" w:noVBand="1"/></w:tblPr>')
    return parse_xml(xml)


def cell(width: int, *paragraphs, span: int = 1, valign: str = "center"):
    tcpr = el("w:tcPr", None, el("w:tcW", {"w:w": width, "w:type": "dxa"}))
    if span > 1:
        tcpr.append(el("w:gridSpan", {"w:val": span}))
    tcpr.append(el("w:vAlign", {"w:val": valign}))
    tc = el("w:tc", None, tcpr)
    for p in paragraphs or (P(style="TableText"),):
        tc.append(p)
    return tc


def row(cells, header: bool = False, min_height: int | None = None):
    # Rows never split across pages; the header row repeats on every page the table reaches.
    trpr = el("w:trPr", None, el("w:cantSplit"))
    if min_height:
        trpr.append(el("w:trHeight", {"w:val": min_height, "w:hRule": "atLeast"}))
    if header:
        trpr.append(el("w:tblHeader"))
    tr = el("w:tr", None, trpr)
    for tc in cells:
        tr.append(tc)
    return tr


def table(widths: list[int], rows, borders: bool = True, jc: str = "center"):
    grid = el("w:tblGrid", None, *[el("w:gridCol", {"w:w": w}) for w in widths])
    return el("w:tbl", None, _tbl_pr(widths, borders, jc), grid, *rows)


def text_cell(width: int, content, jc: str = "center", style: str = "TableText", span: int = 1):
    content = content if isinstance(content, (list, tuple)) else [content]
    return cell(width, P(*content, style=style, jc=jc), span=span)


def header_row(widths: list[int], labels: list[str]):
    return row([text_cell(w, label, style="TableHeading") for w, label in zip(widths, labels, strict=True)],
               header=True)


def loop_row(widths: list[int], statement: str):
    """The row docxtpl replaces by `{% for … %}` / `{% endfor %}`; its other cells are dropped with it."""
    return row([text_cell(widths[0], statement, jc="left")] + [cell(w) for w in widths[1:]])


# ---------------------------------------------------------------- the shared base document


def _field(instruction: str, style: str = "Footer"):
    runs = []
    for kind in ("begin", "instr", "separate", "result", "end"):
        r = run("", style)
        if kind == "instr":
            code = el("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            r.append(code)
        elif kind == "result":
            t = el("w:t")
            t.text = "1"
            r.append(t)
        else:
            r.append(el("w:fldChar", {"w:fldCharType": kind}))
        runs.append(r)
    return runs


STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def _drop_relationships(rels, reltypes: set[str]) -> None:
    for r_id, rel in list(rels.items()):
        if rel.reltype in reltypes:
            del rels[r_id]
            rels.related_parts.pop(r_id, None)


def base_document(title: str):
    """An empty A4 document with the shared styles, page set-up and footer; no numbering, no images."""
    doc = Document()
    part = doc.part
    # Only the parts a template needs: no numbering (the pipeline concatenates documents and
    # numbering definitions would clash), no Word-2010 style copy, no custom XML, no thumbnail image.
    _drop_relationships(part.rels, {RT.NUMBERING, RT.CUSTOM_XML, STYLES_WITH_EFFECTS})
    _drop_relationships(part.package.rels, {RT.THUMBNAIL})

    styles_part = part._styles_part
    styles_part._element = parse_xml(styles_xml())

    settings = part._settings_part.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), WESTERN_LANG)
        lang.set(qn("w:eastAsia"), EAST_ASIAN_LANG)

    doc.core_properties.title = title  # the whole core.xml is written by Builder.save

    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    sect_pr = body.sectPr
    for child in list(sect_pr):
        sect_pr.remove(child)
    sect_pr.append(el("w:pgSz", {"w:w": PAGE_W, "w:h": PAGE_H}))
    sect_pr.append(el("w:pgMar", {"w:top": MARGIN_TB, "w:right": MARGIN_LR, "w:bottom": MARGIN_TB,
                                  "w:left": MARGIN_LR, "w:header": 851, "w:footer": 851, "w:gutter": 0}))
    sect_pr.append(el("w:cols", {"w:space": 425}))
    sect_pr.append(el("w:docGrid", {"w:linePitch": 312}))

    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    ftr = footer._element
    for child in list(ftr):
        ftr.remove(child)
    p = P("案件编号：{{ case_id }}　第 ", style="Footer")
    for r in _field("PAGE"):
        p.append(r)
    p.append(run(" 页 / 共 ", "Footer"))
    for r in _field("NUMPAGES"):
        p.append(r)
    p.append(run(" 页", "Footer"))
    ftr.append(p)
    return doc


LETTERHEAD_BORDER = ('<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/>'
                     '<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:right w:val="nil"/>'
                     '<w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>')


def letterhead():
    """The organisation's letterhead (logo, name, address and phone) above the title, when an
    organisation profile is given (`--org`); without one the paragraphs vanish."""
    widths = [cm(2.0), TEXT_WIDTH - cm(2.0)]
    tbl = table(widths, [row([
        cell(widths[0], P("{% if org.has_logo %}{{ org.logo }}{% endif %}", style="Normal", jc="left")),
        cell(widths[1],
             P(R("{{ org.name }}", bold=True, face=SANS), style="Normal", jc="left"),
             P("{{ org.address }}{% if org.address and org.phone %}　{% endif %}"
               "{% if org.phone %}电话：{{ org.phone }}{% endif %}", style="SmallNote", jc="left")),
    ])], borders=False)
    borders = tbl.find(qn("w:tblPr")).find(qn("w:tblBorders"))
    borders.addprevious(parse_xml(f'<w:tblBorders {nsdecls("w")}>' + LETTERHEAD_BORDER[len("<w:tblBorders>"):]))
    borders.getparent().remove(borders)
    return [tag("{%p if org.name %}"), tbl, P("", style="Normal", after=120), tag("{%p endif %}")]


class Builder:
    def __init__(self, title: str, body_style: str = "BodyText"):
        self.doc = base_document(title)
        self.body = self.doc.element.body
        self.body_style = body_style  # the style of `para`: BodyText, or PlainText for one-page sheets
        self.add(*letterhead())

    @property
    def compact(self) -> bool:
        return self.body_style == "PlainText"

    def title(self, text: str):
        self.add(P(text, style="DocTitle", after=160 if self.compact else None))

    def heading(self, text: str):
        """A heading kept with what follows it. When a body paragraph follows, the two become one
        paragraph (the heading, a line break, the text): LibreOffice's keep-with-next is not reliable
        deep inside a long composed chunk (a heading was left at a page foot there and not when the
        same document was converted alone), and one paragraph cannot be split from itself."""
        self._flush_heading()
        self._heading: str | None = text

    def _flush_heading(self) -> None:
        text = getattr(self, "_heading", None)
        if text is not None:
            self._heading = None
            self.add(P(text, style="SheetHeading" if self.compact else "ClauseHeading", keep_next=True))

    def add(self, *elements):
        self._flush_heading()
        for element in elements:
            self.body.sectPr.addprevious(element)

    def para(self, *runs, **kwargs):
        heading = getattr(self, "_heading", None)
        if heading is None:
            self.add(P(*runs, **{"style": self.body_style, **kwargs}))
            return
        self._heading = None
        # The heading line starts at the margin; the text after the break gets the usual two-character indent.
        # Left-aligned: a justified paragraph would spread the heading line, which ends in a break, across the width.
        options = {"style": self.body_style, "keep_lines": True, "no_indent": True, "jc": "left",
                   "before": 80 if self.compact else 120, **kwargs}
        paragraph = P(R(heading, bold=True, face=SANS), R("\u3000\u3000"), *runs, **options)
        paragraph.find(qn("w:r")).append(el("w:br"))
        self.add(paragraph)

    def line(self, *runs, **kwargs):
        """A paragraph without first-line indent (address blocks, labels)."""
        self.add(P(*runs, **{"style": "Normal", **kwargs}))

    def when(self, condition: str, *paragraphs):
        self.add(tag(f"{{%p if {condition} %}}"), *paragraphs, tag("{%p endif %}"))

    def save(self, path: Path):
        """Byte for byte the same file for the same source (fixed zip timestamps, a core.xml of
        our own rather than one whose empty elements depend on which libraries are loaded), so that
        regenerating changes nothing in git unless the wording or layout did."""
        self._flush_heading()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                fixed.compress_type = zipfile.ZIP_DEFLATED
                data = source.read(info.filename)
                if info.filename == "docProps/core.xml":
                    data = core_properties(self.doc.core_properties.title)
                elif info.filename == "word/fontTable.xml":
                    data = FONT_TABLE
                elif info.filename == "docProps/app.xml":
                    data = APP_PROPERTIES
                target.writestr(fixed, data)


def core_properties(title: str) -> bytes:
    """The document properties: the title, the language, no author."""
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><cp:revision>1</cp:revision><dc:language>zh-CN</dc:language>"
        "</cp:coreProperties>"
    ).encode()


def cm(value: float) -> int:
    return round(value * 567)


def keep_with_next(element):
    """Every paragraph of a table row (or block) keeps with the next: LibreOffice then keeps the
    row on the page of the row after it (a total row never stands alone under a repeated header)."""
    for paragraph in element.iter(qn("w:p")):
        properties = paragraph.find(qn("w:pPr"))
        if properties is None:
            properties = el("w:pPr")
            paragraph.insert(0, properties)
        if properties.find(qn("w:keepNext")) is None:
            style = properties.find(qn("w:pStyle"))
            at = 1 if style is not None else 0
            properties.insert(at, el("w:keepNext"))
    return element


def schedule_rows(widths: list[int], make_row, loop: str = "plan.schedule", tail: int = 3):
    """A table's rows, one per installment: all but the last `tail` in one loop, the last `tail` (fewer
    when the plan is shorter) kept with each other and with the total row that follows them, so the
    last page of a long schedule never holds the total alone."""
    return [
        loop_row(widths, f"{{%tr for i in {loop}[:-{tail}] %}}"),
        make_row(),
        loop_row(widths, "{%tr endfor %}"),
        loop_row(widths, f"{{%tr for i in {loop}[-{tail}:] %}}"),
        keep_with_next(make_row()),
        loop_row(widths, "{%tr endfor %}"),
    ]
