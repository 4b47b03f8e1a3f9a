"""Write the three Word templates (templates/*.docx) from one shared base: page set-up, styles, footer.

Run: .venv/bin/python tools/make_templates.py [OUT_DIR]   (default: templates/)

The paragraphs are built element by element so that every docxtpl tag sits inside a single run
(Word splits typed text into runs at will, and a tag split across runs no longer renders).
Staff may later edit the generated files in Word or LibreOffice; this script is the starting point,
not the only way to change the wording.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

SERIF = "Noto Serif CJK SC"  # body text (宋体 role)
SANS = "Noto Sans CJK SC"  # titles, headings, table headers (黑体 role)

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

BODY_SPACING = '<w:spacing w:before="0" w:after="0" w:line="360" w:lineRule="auto"/>'  # 1.5 lines
TABLE_SPACING = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'


def styles_xml() -> str:
    """One set of styles for all three templates: the composed packet merges them by style id."""
    normal_ppr = f'<w:widowControl/><w:snapToGrid w:val="0"/>{BODY_SPACING}<w:jc w:val="both"/>'
    styles = [
        # Normal: 小四 Noto Serif CJK SC, 1.5 lines, justified, no indent (address blocks, labels).
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
        _paragraph_style("DocTitle", "文书标题",
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
        _paragraph_style("ClauseHeading", "条款标题",
                         '<w:keepNext/><w:spacing w:before="120" w:after="0" w:line="360" w:lineRule="auto"/>',
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
        _paragraph_style("SmallNote", "说明文字",
                         '<w:spacing w:before="0" w:after="0" w:line="300" w:lineRule="auto"/>',
                         _rpr(SERIF, TABLE_SIZE)),
        _paragraph_style("Footer", "footer",
                         '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>',
                         _rpr(SANS, FOOTER_SIZE)),
    ]
    return (
        f'<w:styles {nsdecls("w")}>'
        # The defaults name the faces and zh-CN explicitly so LibreOffice picks the Noto CJK SC faces
        # rather than its locale's CJK fallback (which may be a JP/KR face).
        f'<w:docDefaults><w:rPrDefault>{_rpr(SERIF, BODY_SIZE)}</w:rPrDefault>'
        f'<w:pPrDefault><w:pPr>{BODY_SPACING}</w:pPr></w:pPrDefault></w:docDefaults>'
        + "".join(styles)
        + "</w:styles>"
    )


STYLE_FACE = {  # the face each paragraph style uses, repeated on its runs
    "Normal": SERIF, "BodyText": SERIF, "DocTitle": SANS, "DocNote": SERIF, "ClauseHeading": SANS,
    "TableText": SERIF, "TableHeading": SANS, "Signature": SERIF, "SmallNote": SERIF, "Footer": SANS,
}
STYLE_SIZE = {
    "Normal": BODY_SIZE, "BodyText": BODY_SIZE, "DocTitle": TITLE_SIZE, "DocNote": TABLE_SIZE,
    "ClauseHeading": BODY_SIZE, "TableText": TABLE_SIZE, "TableHeading": TABLE_SIZE, "Signature": BODY_SIZE,
    "SmallNote": TABLE_SIZE, "Footer": FOOTER_SIZE,
}
STYLE_BOLD = {"DocTitle", "ClauseHeading", "TableHeading"}


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
    face = face or STYLE_FACE[style]
    size = STYLE_SIZE[style]
    bold = (style in STYLE_BOLD) if bold is None else bold
    rpr = el("w:rPr", None, el("w:rFonts", {"w:ascii": face, "w:hAnsi": face, "w:eastAsia": face, "w:cs": face}))
    if bold:
        rpr.append(el("w:b"))
        rpr.append(el("w:bCs"))
    rpr.append(el("w:sz", {"w:val": size}))
    rpr.append(el("w:szCs", {"w:val": size}))
    rpr.append(el("w:lang", {"w:val": WESTERN_LANG, "w:eastAsia": EAST_ASIAN_LANG, "w:bidi": "ar-SA"}))
    r = el("w:r", None, rpr)
    if text:
        t = el("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = text
        r.append(t)
    return r


def P(*runs, style: str = "BodyText", jc: str | None = None, keep_next: bool = False, before: int | None = None,
      after: int | None = None, ind_left: int | None = None, no_indent: bool = False):
    """A paragraph; each element of `runs` is a str or an R."""
    ppr = el("w:pPr", None, el("w:pStyle", {"w:val": style}))
    if keep_next:
        ppr.append(el("w:keepNext"))
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

    props = doc.core_properties
    props.title = title
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.language = "zh-CN"

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
    def __init__(self, title: str):
        self.doc = base_document(title)
        self.body = self.doc.element.body
        self.add(*letterhead())

    def add(self, *elements):
        for element in elements:
            self.body.sectPr.addprevious(element)

    def title(self, text: str):
        self.add(P(text, style="DocTitle"))

    def heading(self, text: str):
        self.add(P(text, style="ClauseHeading"))

    def para(self, *runs, **kwargs):
        self.add(P(*runs, **kwargs))

    def line(self, *runs, **kwargs):
        """A paragraph without first-line indent (address blocks, labels)."""
        self.add(P(*runs, style="Normal", **kwargs))

    def when(self, condition: str, *paragraphs):
        self.add(tag(f"{{%p if {condition} %}}"), *paragraphs, tag("{%p endif %}"))

    def save(self, path: Path):
        self.doc.save(str(path))


def cm(value: float) -> int:
    return round(value * 567)


# ---------------------------------------------------------------- 协商还款申请书

HARDSHIP_PARAGRAPHS = [
    ("unemployment", "失业：",
     "本人原有工作已经终止，此后一直未能找到稳定工作，失去了主要收入来源，工资收入中断。"
     "离职或失业证明、反映收入变化的银行流水等材料附后。"),
    ("illness", "疾病：",
     "本人因病需要治疗，治疗和休养期间无法正常工作，收入减少，同时医疗费用支出明显增加。"
     "医疗诊断证明、病历及医疗费用票据等材料附后。"),
    ("business_loss", "经营困难：",
     "本人从事的经营活动出现亏损，营业收入明显下滑，资金周转困难，未能按原计划回笼资金用于还款。"
     "经营亏损情况说明、经营平台销售数据或银行流水等材料附后。"),
    ("income_drop", "收入下降：",
     "本人的工作收入较此前明显下降，减少后的收入在支付家庭必要开支后，已不足以按原约定的金额还款。"
     "收入变化前后的工资单或收入证明、银行流水等材料附后。"),
    ("family_emergency", "家庭变故：",
     "本人家庭发生重大变故，需要承担额外的医疗、照料等必要支出，家庭可用于还款的收入大幅减少。"
     "相关医疗或其他证明以及亲属关系证明等材料附后。"),
    ("disaster", "意外灾害：",
     "本人遭受意外事故或自然灾害，财产受到损失，正常的生产和生活受到影响。"
     "有关部门出具的损失证明、现场照片或保险理赔材料等附后。"),
    ("other", "其他困难：",
     "本人因其他客观原因导致收入减少、支出增加，暂时无力按期足额还款，具体情况见下文本人陈述及所附材料。"),
]

PLAN_IN_INSTALLMENTS = (
    "将{% if request.penalty_waiver %}减免罚息后的{% endif %}欠款合计人民币{{ plan.proposed_total }}元"
    "（大写：{{ plan.proposed_total_words }}）分{{ plan.count }}期按月偿还：自{{ plan.first_due }}起每月还款一期，"
    "每期{{ plan.regular_amount }}元{% if not plan.equal %}，最后一期{{ plan.last_amount }}元{% endif %}，"
    "至{{ plan.last_due }}全部还清。"
)


def hardship_letter() -> Builder:
    b = Builder("协商还款申请书")
    b.title("协商还款申请书")
    b.line("致：{{ lender.legal_name }}", after=120)

    b.line(R("申请人：", bold=True), "{{ borrower.name }}")
    b.line(R("身份证号码：", bold=True), "{{ borrower.id_number }}")
    b.line(R("联系电话：", bold=True), "{{ borrower.phone }}")
    b.when("borrower.address", P(R("联系地址：", bold=True), "{{ borrower.address }}", style="Normal"))

    b.para("本人因遭遇下述客观困难，暂时无法按原约定偿还在贵方办理的{{ lender.short_name }}借款。"
           "为积极解决欠款问题，现将有关情况如实说明如下，恳请贵方予以理解，并同意本人提出的协商还款方案。",
           before=120)

    b.heading("一、借款及逾期情况")
    b.para("本人在贵方办理{{ lender.short_name }}借款"
           "{% if loan.contract_no %}（借款合同编号：{{ loan.contract_no }}）{% endif %}，"
           "自{{ loan.overdue_since }}起未能按期足额还款，截至{{ today }}已逾期{{ loan.overdue_days }}天。"
           "经本人核对，目前尚欠本金人民币{{ loan.principal }}元、利息人民币{{ loan.interest }}元、"
           "罚息及费用人民币{{ loan.penalty }}元，合计人民币{{ loan.total_owed }}元"
           "（大写：{{ loan.total_owed_words }}）。上述金额如与贵方记录不一致，以双方核对确认的金额为准。")

    b.heading("二、逾期原因")
    b.para("本次逾期并非本人不愿还款，而是由于以下客观困难导致收入减少、暂时无力按原约定还款：")
    for key, label, text in HARDSHIP_PARAGRAPHS:
        b.when(f"hardship.{key}", P(R(label, bold=True), text))
    b.para("具体经过（本人陈述）如下：")
    b.add(tag("{%p for para in hardship_details %}"), P("{{ para }}"), tag("{%p endfor %}"))

    b.heading("三、目前收支状况")
    b.para("本人目前每月的收入和支出情况如下（以所附银行流水等材料为据）：", keep_next=True)
    widths = [cm(6.0), cm(4.0)]
    budget_rows = [
        ("每月收入", "{{ budget.income }}"),
        ("每月必要生活支出", "{{ budget.expenses }}"),
        ("其他债务每月还款", "{{ budget.other_debts }}"),
        ("每月结余", "{{ budget.disposable }}"),
    ]
    b.add(table(widths, [header_row(widths, ["项目", "金额（元／月）"])] + [
        row([text_cell(widths[0], label, jc="left"), text_cell(widths[1], value, jc="right")])
        for label, value in budget_rows
    ]))
    b.para("{% if budget.dependents %}本人需抚养（赡养）家庭成员{{ budget.dependents }}人。{% endif %}"
           "在保障家庭基本生活的前提下，本人按原约定的金额和期限还款确有困难。", before=120)

    b.heading("四、还款意愿")
    b.para("对未能按期还款，本人深表歉意。本人承认所欠债务，本次逾期系上述客观困难所致，并非恶意拖欠，"
           "本人也没有逃避债务的意图。本人愿意在力所能及的范围内尽最大努力还款，特此主动向贵方提出协商还款申请。")

    b.heading("五、协商还款方案")
    b.para("结合上述收支情况，本人恳请贵方同意以下还款安排：")
    b.when("request.deferral", P(R("延期还款：", bold=True),
                                 "鉴于本人收入短期内难以恢复，恳请给予{{ plan.deferral_months }}个月的延期还款期，"
                                 "延期期间暂缓还款，自{{ plan.first_due }}起开始还款。"))
    b.when("request.installments and plan.count > 1", P(R("分期还款：", bold=True), PLAN_IN_INSTALLMENTS))
    b.when("not request.installments and plan.count > 1", P(R("还款安排：", bold=True), PLAN_IN_INSTALLMENTS))
    b.when("plan.count == 1", P(R("一次性还款：", bold=True),
                                "本人将于{{ plan.first_due }}一次性偿还"
                                "{% if request.penalty_waiver %}减免罚息后的{% endif %}欠款人民币"
                                "{{ plan.proposed_total }}元（大写：{{ plan.proposed_total_words }}）。"))
    b.when("request.penalty_waiver", P(R("减免罚息：", bold=True),
                                       "恳请贵方减免已产生的罚息及相关费用人民币{{ plan.waived_penalty }}元"
                                       "（大写：{{ plan.waived_penalty_words }}），本人将足额偿还本金和利息。"))
    b.when("request.interest_freeze", P(R("个性化还款方案：", bold=True),
                                        "恳请贵方根据本人目前的实际还款能力，为本人办理个性化还款方案，"
                                        "在方案履行期间停止计收利息和罚息，使本人有限的还款资金能够用于清偿欠款。"))
    b.para("以上方案是本人根据实际收支情况提出的。如贵方对方案有调整意见，本人愿意积极配合协商。")

    b.heading("六、本人承诺")
    b.para("如贵方同意上述申请，本人郑重承诺：")
    b.para("（一）严格按照双方确认的还款计划按时足额还款；")
    b.para("（二）保持联系方式畅通，及时接听、回复贵方的电话和信息，联系方式或住址变更时及时告知贵方；")
    b.para("（三）贵方需要时，及时补充提供收入、支出及困难情况的相关证明材料；")
    b.para("（四）经济状况好转时主动告知贵方，并争取提前还款。")
    b.para("恳请贵方予以理解和支持，批准本人的协商还款申请。特此申请。", keep_next=True)

    # The annex list, signature and date keep together on one page (keep-with-next down to the date).
    b.line(R("附件：", bold=True), "证明材料（详见《证明材料清单》）", before=240, keep_next=True)
    b.add(tag("{%p if evidence.supplied %}"),
          tag("{%p for item in evidence.supplied %}"),
          P("{{ item.number }}. {{ item.label }}{% if item.pages %}（{{ item.pages }}页）{% endif %}",
            style="Normal", ind_left=480, keep_next=True),
          tag("{%p endfor %}"),
          tag("{%p else %}"),
          P("（暂未附证明材料，本人将尽快补充提交。）", style="Normal", ind_left=480, keep_next=True),
          tag("{%p endif %}"))

    b.add(P("申请人（签名）：", style="Signature", before=600),
          P("日期：{{ today }}", style="Signature", before=240))
    b.when("caseworker", P("经办人：{{ caseworker }}", style="SmallNote", before=480))
    b.when("org.name", P("本申请书由{{ org.name }}协助准备{% if org.phone %}（联系电话：{{ org.phone }}）{% endif %}。",
                         style="SmallNote", before=120))
    return b


# ---------------------------------------------------------------- 证明材料清单


def evidence_cover() -> Builder:
    b = Builder("证明材料清单")
    b.title("证明材料清单")
    info = [cm(7.8), cm(7.8)]
    b.add(table(info, [
        row([cell(info[0], P(R("案件编号：", bold=True), "{{ case_id }}", style="Normal")),
             cell(info[1], P(R("日期：", bold=True), "{{ today }}", style="Normal"))]),
        row([cell(info[0], P(R("借款人：", bold=True), "{{ borrower.name }}", style="Normal")),
             cell(info[1], P(R("事由：", bold=True), "协商还款（{{ lender.short_name }}）", style="Normal"))]),
        row([cell(info[0] + info[1], P(R("贷款机构：", bold=True), "{{ lender.legal_name }}", style="Normal"),
                  span=2)]),
    ], borders=False))
    b.para("", style="Normal", after=120)

    widths = [cm(1.3), cm(5.2), cm(1.4), cm(1.4), cm(1.6), cm(1.6), cm(3.1)]
    b.add(table(widths, [
        header_row(widths, ["序号", "材料名称", "页数", "原件", "复印件", "已提交", "备注"]),
        loop_row(widths, "{%tr for item in evidence.rows %}"),
        row([
            text_cell(widths[0], "{{ item.number }}"),
            text_cell(widths[1], "{{ item.label }}", jc="left"),
            text_cell(widths[2], "{{ item.pages }}"),
            # □ (U+25A1) rather than ☐ (U+2610): the Noto CJK faces have no glyph for ☐.
            text_cell(widths[3], "□"),
            text_cell(widths[4], "□"),
            text_cell(widths[5], "□"),
            text_cell(widths[6], "{% if item.suggested %}建议补充{% endif %}"),
        ], min_height=454),
        loop_row(widths, "{%tr endfor %}"),
    ]))

    b.line("已提交材料合计：{{ evidence.total_pages }}页（未注明页数的材料未计入）。", before=120)
    b.when("evidence.missing_labels",
           P(R("建议补充：", bold=True), "{{ evidence.missing_labels }}。上述材料有助于说明困难情况，"
             "建议尽快收集后补充提交。", style="Normal"))

    b.line(R("说明：", bold=True), before=240, keep_next=True)
    for text in (
        "1. 提交复印件的，请在每页复印件上注明“与原件一致”，由提交人签名并注明日期。",
        "2. 请在“原件”“复印件”“已提交”栏的相应方框内打“√”；原件经核对后当场退还提交人。",
        "3. 本清单由提交人和接收人核对签字后，各留存一份。",
    ):
        b.add(P(text, style="SmallNote", keep_next=True, ind_left=420))

    sig = [cm(7.8), cm(7.8)]
    b.add(P("", style="Normal", keep_next=True, after=240))
    b.add(table(sig, [
        row([cell(sig[0], P("提交人（签名）：", style="Normal", keep_next=True)),
             cell(sig[1], P("接收人（签名）：", style="Normal", keep_next=True))], min_height=cm(1.4)),
        row([cell(sig[0], P("日期：" + DATE_BLANK, style="Normal")),
             cell(sig[1], P("日期：" + DATE_BLANK, style="Normal"))]),
    ], borders=False))
    return b


# ---------------------------------------------------------------- 还款协议（草案）


def repayment_agreement() -> Builder:
    b = Builder("还款协议（草案）")
    b.title("还款协议（草案）")
    b.add(P("（本草案由乙方提出，供双方协商；各条款以双方最终签署的文本为准）", style="DocNote"))

    b.line(R("甲方（债权人）：", bold=True), "{{ lender.legal_name }}")
    b.line("住所：" + BLANK * 2)
    b.line("法定代表人（负责人）：" + BLANK)
    b.line(R("乙方（债务人）：", bold=True), "{{ borrower.name }}", before=120)
    b.line("身份证号码：{{ borrower.id_number }}")
    b.line("联系电话：{{ borrower.phone }}")
    b.line("联系地址：{% if borrower.address %}{{ borrower.address }}{% else %}" + BLANK * 2 + "{% endif %}")

    b.para("乙方在甲方办理{{ lender.short_name }}借款，双方签订了"
           "{% if loan.contract_no %}编号为{{ loan.contract_no }}的{% endif %}借款合同"
           "（以下简称“原合同”）。因乙方出现还款困难，原合同项下借款自{{ loan.overdue_since }}起逾期未还。"
           "为妥善解决欠款问题，经双方友好协商，达成如下协议，以资共同遵守：", before=240)

    b.heading("第一条　债务确认")
    b.para("截至{{ today }}，乙方尚欠甲方原合同项下款项如下：")
    for label, name in (("（一）本金", "principal"), ("（二）利息", "interest"), ("（三）罚息及费用", "penalty")):
        b.para(f"{label}：人民币{{{{ loan.{name} }}}}元（大写：{{{{ loan.{name}_words }}}}）；")
    b.para("以上合计：人民币{{ loan.total_owed }}元（大写：{{ loan.total_owed_words }}）。")
    b.para("上述金额以甲方核对确认的金额为准；如有差异，双方按核对一致的金额相应调整本协议。")

    b.heading("第二条　减免与计息")
    b.add(tag("{%p if request.penalty_waiver %}"),
          P("（一）甲方同意减免乙方罚息及相关费用人民币{{ plan.waived_penalty }}元"
            "（大写：{{ plan.waived_penalty_words }}）。乙方按本协议约定还清第三条所列款项后，"
            "甲方不再向乙方主张已减免的款项。"),
          tag("{%p else %}"),
          P("（一）本协议不涉及罚息及费用的减免。"),
          tag("{%p endif %}"),
          tag("{%p if request.interest_freeze %}"),
          P("（二）自本协议生效之日起，在乙方按约履行本协议期间，原合同项下欠款停止计收利息、罚息及其他费用。"),
          tag("{%p else %}"),
          P("（二）本协议履行期间是否继续计收利息及计息标准，以甲方确认为准；如继续计息，"
            "双方应将利率及应付金额载入本协议。"),
          tag("{%p endif %}"))

    b.heading("第三条　还款计划")
    b.when("request.deferral",
           P("甲方同意给予乙方{{ plan.deferral_months }}个月的延期还款期，延期期间乙方暂缓还款，"
             "第一期还款日为{{ plan.first_due }}。"))
    b.para("{% if plan.count == 1 %}乙方按下表一次性向甲方还款，款项应于还款日当日（含）前足额到账："
           "{% else %}乙方按下表分{{ plan.count }}期向甲方还款，每期款项应于当期还款日当日（含）前足额到账："
           "{% endif %}", keep_next=True)
    widths = [cm(3.4), cm(6.0), cm(6.2)]
    b.add(table(widths, [
        header_row(widths, ["期数", "还款日", "金额（元）"]),
        loop_row(widths, "{%tr for i in plan.schedule %}"),
        row([text_cell(widths[0], "第{{ i.number }}期"),
             text_cell(widths[1], "{{ i.due }}"),
             text_cell(widths[2], "{{ i.amount }}", jc="right")]),
        loop_row(widths, "{%tr endfor %}"),
        row([text_cell(widths[0] + widths[1], "合计", style="TableHeading", span=2),
             text_cell(widths[2], R("{{ plan.proposed_total }}", bold=True), jc="right")]),
    ]))
    b.para("以上还款合计人民币{{ plan.proposed_total }}元（大写：{{ plan.proposed_total_words }}）。"
           "乙方可以提前偿还部分或全部剩余款项，提前还款不另收费用。", before=120)

    b.heading("第四条　还款方式")
    b.para("乙方应通过甲方官方渠道还款，即甲方官方App、甲方名下的还款账户或甲方书面指定的其他方式。"
           "乙方向上述渠道以外的任何单位、个人或账户支付的款项，不视为向甲方的还款。")
    b.para("甲方指定还款账户：户名" + BLANK + "，开户行" + BLANK + "，账号" + BLANK + "。")

    b.heading("第五条　还清的效力")
    b.para("乙方按本协议约定足额偿还全部款项后，原合同项下乙方的全部债务即告结清，甲方不再就原合同向乙方主张"
           "本金、利息、罚息或其他任何费用，并应乙方要求出具结清证明。")

    b.heading("第六条　未按期还款的处理（草拟条款，供双方协商）")
    b.para("乙方连续两期未按本协议约定足额还款的，甲方可以书面通知乙方，要求乙方一次性偿还剩余未还款项。"
           "乙方因客观原因临时无法按期还款的，应在当期还款日前主动告知甲方，双方另行协商处理。")

    b.heading("第七条　征信报送（建议条款，供双方协商）")
    b.para("本协议履行期间，甲方如实报送乙方按本协议还款的情况；乙方还清全部款项后，甲方应及时将原合同项下借款"
           "在金融信用信息基础数据库中的状态更新为结清。报送信息有误的，甲方应在核实后及时更正。")

    b.heading("第八条　送达地址")
    b.para("双方确认本协议所载地址和联系电话为各自的送达地址和联系方式，适用于本协议履行中的通知以及争议解决时"
           "有关文书的送达。一方变更送达地址或联系方式的，应及时书面通知对方。")

    b.heading("第九条　争议解决")
    b.para("因本协议引起的或者与本协议有关的争议，双方应首先友好协商解决；协商不成的，任何一方均可以向有管辖权的"
           "人民法院提起诉讼。")

    # The last clause keeps with the signature block: no signature page without any clause on it.
    b.heading("第十条　生效及其他")
    b.para("本协议自甲方盖章（或其授权代表签字）及乙方签字之日起生效。本协议未约定的事项，仍按原合同执行；"
           "本协议与原合同约定不一致的，以本协议为准。", keep_next=True)
    b.para("本协议一式两份，甲乙双方各执一份，具有同等法律效力。", keep_next=True)
    b.para("（以下无正文）", keep_next=True)

    sig = [cm(7.8), cm(7.8)]
    b.add(P("", style="Normal", keep_next=True, after=120))
    b.add(table(sig, [
        row([cell(sig[0], P("甲方（盖章）：", style="Normal", keep_next=True), valign="top"),
             cell(sig[1], P("乙方（签名）：", style="Normal", keep_next=True), valign="top")], min_height=cm(2.2)),
        row([cell(sig[0], P("授权代表（签字）：", style="Normal", keep_next=True), valign="top"),
             cell(sig[1], valign="top")], min_height=cm(1.4)),
        row([cell(sig[0], P("日期：" + DATE_BLANK, style="Normal")),
             cell(sig[1], P("日期：" + DATE_BLANK, style="Normal"))]),
    ], borders=False))
    return b


# ---------------------------------------------------------------- 通话准备与记录表

CALL_STEPS = [
    ("尽早主动联系：", "发现无法按时还款就主动联系{{ lender.short_name }}官方客服，说明还款困难，表明还款意愿；"
                     "拖延或回避只会让费用和压力更大。"),
    ("保持冷静和礼貌：", "耐心说明情况，争取对方的理解和支持；不争吵，不做做不到的承诺。"),
    ("如实说明困难：", "如实讲清困难的原因和目前的收支，不夸大也不隐瞒；说明已准备好的证明材料，"
                     "对方需要时按要求提交。"),
    ("提出具体方案：", "按下方“方案要点”说出总额、期数、每期金额和首期日期，说明这是按实际还款能力算出的。"),
    ("要求书面确认：", "达成一致后，请对方以书面形式（还款协议、短信或App内记录）确认还款方案，"
                     "认真核对期限、金额和还款方式后再确认，并妥善保存。"),
    ("只走官方渠道：", "只通过官方App、官方客服电话或书面指定的账户沟通和还款，不向任何个人账户转账。"),
]


def call_sheet() -> Builder:
    b = Builder("通话准备与记录表")
    b.title("通话准备与记录表")
    b.add(P("（供借款人致电{{ lender.short_name }}协商还款时使用；通话时放在手边，边谈边记）", style="DocNote"))
    info = [cm(7.8), cm(7.8)]
    b.add(table(info, [
        row([cell(info[0], P(R("案件编号：", bold=True), "{{ case_id }}", style="Normal")),
             cell(info[1], P(R("借款人：", bold=True), "{{ borrower.name }}", style="Normal"))]),
        row([cell(info[0] + info[1], P(R("贷款机构：", bold=True), "{{ lender.legal_name }}", style="Normal"),
                  span=2)]),
        row([cell(info[0] + info[1],
                  P(R("官方联系渠道：", bold=True),
                    "{% if lender.channels %}{{ lender.channels }}{% else %}以贷款机构官方公布的为准{% endif %}",
                    style="Normal"), span=2)]),
    ], borders=False))

    b.heading("一、通话要点（依次说明）")
    for number, (label, text) in enumerate(CALL_STEPS, start=1):
        b.para(R(f"{number}. {label}", bold=True), text)

    b.heading("二、方案要点（可直接照读）")
    widths = [cm(5.0), cm(10.6)]
    figures = [
        ("目前欠款合计", "人民币{{ loan.total_owed }}元（截至{{ today }}）"),
        ("逾期开始日期", "{{ loan.overdue_since }}（已逾期{{ loan.overdue_days }}天）"),
        ("每月还款能力", "约{{ budget.capacity }}元（月收入{{ budget.income }}元，必要支出{{ budget.expenses }}元，"
                     "其他债务{{ budget.other_debts }}元）"),
        ("请求事项", "{{ request_labels }}"),
        ("方案还款总额", "人民币{{ plan.proposed_total }}元{% if request.penalty_waiver %}"
                     "（请求减免罚息及费用{{ plan.waived_penalty }}元）{% endif %}"),
        ("还款安排", "{% if plan.count == 1 %}{{ plan.first_due }}一次性还清{% else %}分{{ plan.count }}期，"
                 "每期{{ plan.regular_amount }}元{% if not plan.equal %}（最后一期{{ plan.last_amount }}元）"
                 "{% endif %}，{{ plan.first_due }}起每月还款，{{ plan.last_due }}还清{% endif %}"),
    ]
    rows = [row([text_cell(widths[0], label, jc="left", style="TableHeading"),
                 text_cell(widths[1], value, jc="left")], min_height=454) for label, value in figures]
    rows.insert(5, row([text_cell(widths[0], "延期还款", jc="left", style="TableHeading"),
                        text_cell(widths[1], "请求延期{{ plan.deferral_months }}个月，{{ plan.first_due }}开始还款",
                                  jc="left")], min_height=454))
    b.add(table(widths, [rows[0], rows[1], rows[2], rows[3], rows[4],
                         loop_row(widths, "{%tr if request.deferral %}"), rows[5], loop_row(widths, "{%tr endif %}"),
                         rows[6]]))

    b.heading("三、通话记录（手写）")
    record = [cm(3.6), cm(12.0)]
    lines = [("通话时间", "______年____月____日　____时____分"),
             ("客服姓名／工号", ""), ("拨打的号码／渠道", ""),
             ("对方提出的方案", ""), ("", ""), ("双方达成的结果", ""), ("", ""),
             ("书面确认方式", "□ 还款协议　□ 短信　□ App内记录　□ 其他：________"),
             ("下一步／跟进日期", "")]
    b.add(table(record, [row([text_cell(record[0], label, jc="left", style="TableHeading" if label else "TableText"),
                              text_cell(record[1], value, jc="left")], min_height=cm(1.0))
                         for label, value in lines]))
    b.when("caseworker", P("经办人：{{ caseworker }}", style="SmallNote", before=240))
    return b


# ---------------------------------------------------------------- 还款跟踪表


def repayment_tracker() -> Builder:
    b = Builder("还款跟踪表")
    b.title("还款跟踪表")
    b.add(P("（按协商确定的还款计划逐期记录；方案如有调整，以双方书面确认的为准）", style="DocNote"))
    info = [cm(7.8), cm(7.8)]
    b.add(table(info, [
        row([cell(info[0], P(R("案件编号：", bold=True), "{{ case_id }}", style="Normal")),
             cell(info[1], P(R("借款人：", bold=True), "{{ borrower.name }}", style="Normal"))]),
        row([cell(info[0] + info[1], P(R("贷款机构：", bold=True), "{{ lender.legal_name }}", style="Normal"),
                  span=2)]),
    ], borders=False))
    b.para("", style="Normal", after=60)

    widths = [cm(1.4), cm(3.9), cm(2.8), cm(2.8), cm(3.5), cm(1.2)]
    b.add(table(widths, [
        header_row(widths, ["期数", "还款日", "应还金额（元）", "实还日期", "还款凭证／流水号", "已还"]),
        loop_row(widths, "{%tr for i in plan.schedule %}"),
        row([text_cell(widths[0], "{{ i.number }}"),
             text_cell(widths[1], "{{ i.due }}"),
             text_cell(widths[2], "{{ i.amount }}", jc="right"),
             cell(widths[3]), cell(widths[4]),
             text_cell(widths[5], "□")], min_height=cm(0.8)),
        loop_row(widths, "{%tr endfor %}"),
        row([text_cell(widths[0] + widths[1], "合计", style="TableHeading", span=2),
             text_cell(widths[2], R("{{ plan.proposed_total }}", bold=True), jc="right"),
             cell(widths[3] + widths[4] + widths[5], span=3)]),
    ]))

    b.line(R("提示：", bold=True), before=240, keep_next=True)
    for text in (
        "1. 每期在还款日前通过官方渠道足额还款，还款后保存转账凭证或App内的还款记录截图，并在上表登记。",
        "2. 每次还款后核对贷款机构是否已入账；发现未入账或金额不符，及时联系官方客服处理并记录。",
        "3. 如收入发生变化（增加或减少），主动告知贷款机构；确有困难时应在还款日前联系协商，不要等到逾期。",
        "4. 全部还清后，请贷款机构出具结清证明，并查询个人信用报告，核对借款状态是否已更新为结清。",
    ):
        b.add(P(text, style="SmallNote", keep_next=True, ind_left=420))
    return b


DOCUMENTS = {
    "hardship_letter.docx": hardship_letter,
    "evidence_cover.docx": evidence_cover,
    "repayment_agreement.docx": repayment_agreement,
    "call_sheet.docx": call_sheet,
    "repayment_tracker.docx": repayment_tracker,
}


def main(out_dir: Path = TEMPLATES_DIR) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, build in DOCUMENTS.items():
        build().save(out_dir / name)
        print(out_dir / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES_DIR)
