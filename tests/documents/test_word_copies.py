"""The Word copies are made for a Windows PC in a legal-aid office (issue 24, point 4): they name 宋体
and 黑体 (SimSun, SimHei), which every Chinese Windows has, and declare just those two in their font
table; their properties say which program made them and claim no page or word count; every style a
paragraph or run names is defined. The PDFs are drawn with the Noto CJK SC faces those names are
replaced by when LibreOffice converts, and do not change at all: the slow test builds a client with
the shipped templates and with the same templates naming the Noto faces, and compares the PDFs.
Titles and standalone headings are Word headings with outline levels."""

from __future__ import annotations

import csv
import re
import zipfile

import docx
import mammoth
import pytest
from conftest import DATA, ROOT
from docx.enum.style import WD_STYLE_TYPE
from e2e import run_cli

TEMPLATES = sorted((ROOT / "templates").glob("*.docx"))
WINDOWS = {"SimSun", "SimHei"}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def parts(path, pattern: str) -> dict[str, str]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name).decode("utf-8") for name in package.namelist() if re.fullmatch(pattern, name)}


def test_there_are_templates_to_check():
    assert len(TEMPLATES) == 10, TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_every_font_named_is_one_a_chinese_windows_pc_has_and_the_font_table_declares_just_those(path):
    named = set()
    for text in parts(path, r"word/(document|styles|footer\d*|header\d*)\.xml").values():
        for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
            named |= set(re.findall(rf'<w:rFonts[^>]* w:{attribute}="([^"]+)"', text))
    assert named == WINDOWS, named  # no Noto, and none of python-docx's Calibri, Cambria, ＭＳ 明朝…
    (table,) = parts(path, r"word/fontTable\.xml").values()
    assert set(re.findall(r'<w:font w:name="([^"]+)"', table)) == WINDOWS
    assert '<w:altName w:val="宋体"/>' in table and '<w:charset w:val="86"/>' in table  # GB2312


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_the_text_takes_its_size_and_languages_from_its_styles(path):
    """A run names only what differs from its paragraph's style (a face, bold): a Word user's change to
    a style then shows, and LibreOffice has less direct formatting to read in every chunk."""
    (body,) = parts(path, r"word/document\.xml").values()
    assert not re.search(r"<w:(sz|szCs|lang) ", body)
    faces = {style.style_id: style.font.name for style in docx.Document(str(path)).styles
             if style.type == WD_STYLE_TYPE.PARAGRAPH}
    for paragraph in re.findall(r"<w:p[ >].*?</w:p>", body, re.DOTALL):
        style = re.search(r'<w:pStyle w:val="([^"]+)"/>', paragraph)
        named = set(re.findall(r'<w:rFonts w:ascii="([^"]+)"', paragraph))
        assert style and faces[style.group(1)] and faces[style.group(1)] not in named, (style, named)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_the_properties_name_this_program_and_claim_no_counts(path):
    (app,) = parts(path, r"docProps/app\.xml").values()
    assert "<Application>negotiation packets</Application>" in app
    assert "Microsoft" not in app and not re.search(r"<(Pages|Words|Characters|Lines|Paragraphs)>", app)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_python_docx_finds_every_style_the_document_names(path):
    document = docx.Document(str(path))
    defined = {style.style_id for style in document.styles}
    (body,) = parts(path, r"word/document\.xml").values()
    used = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', body))
    assert used and used <= defined, used - defined
    assert all(p.style is not None and p.style.style_id in defined for p in document.paragraphs)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_titles_and_headings_are_word_headings_with_outline_levels(path):
    """The title is Word's heading 1 (outline level 1) and a heading that stands on its own paragraph
    heading 2 or 3, as python-docx, mammoth and Word's navigation pane read them. A heading followed
    by its text is still the first, bold line of that paragraph: made two paragraphs, LibreOffice
    leaves one at a page foot in a chunk and not when the document is converted alone."""
    document = docx.Document(str(path))
    styles = {style.style_id: style for style in document.styles}
    assert styles["DocTitle"].name == "Heading 1" and styles["ClauseHeading"].name == "Heading 2"
    assert styles["SheetHeading"].name == "Heading 3"
    (xml,) = parts(path, r"word/styles\.xml").values()
    for style_id, level in (("DocTitle", 0), ("ClauseHeading", 1), ("SheetHeading", 1)):
        definition = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', xml).group(0)
        assert f'<w:outlineLvl w:val="{level}"/>' in definition, style_id
    titles = [p for p in document.paragraphs if p.style.style_id == "DocTitle"]
    assert titles and all(p.style.name == "Heading 1" for p in titles)
    # mammoth: the title is <h1>, each standalone heading <h2>/<h3>; every other paragraph style is one
    # the kit defines (mapped to <p> here), so mammoth meets no style it does not know
    ours = re.findall(r'<w:style w:type="paragraph"[^>]*w:styleId="([^"]+)"[^>]*><w:name w:val="([^"]+)"/>', xml)
    style_map = "\n".join(f"p[style-name='{name}'] => p:fresh" for _id, name in ours if not name.startswith("heading"))
    with path.open("rb") as handle:
        converted = mammoth.convert_to_html(handle, style_map=style_map)
    assert converted.messages == [], converted.messages
    headings = re.findall(r"<h(\d)>", converted.value)
    assert headings[0] == "1" and headings.count("1") == len(titles)
    standalone = sum(p.style.style_id in ("ClauseHeading", "SheetHeading") for p in document.paragraphs)
    assert len(headings) - len(titles) == standalone


@pytest.mark.slow
def test_the_pdfs_are_the_same_as_with_the_noto_faces_named(tmp_path):
    """Byte for byte: the replacement table gives LibreOffice exactly the faces it used before. Without
    it, the Latin text of a SimSun paragraph comes out in DejaVu and the PDFs differ."""
    noto = tmp_path / "noto-templates"
    noto.mkdir()
    for path in TEMPLATES:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(noto / path.name, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                if info.filename.startswith("word/") and info.filename.endswith(".xml"):
                    data = data.replace(b'"SimSun"', b'"Noto Serif CJK SC"').replace(b'"SimHei"', b'"Noto Sans CJK SC"')
                target.writestr(info, data)
    sheet = tmp_path / "cases.csv"  # E2E-001 alone: one packet is enough to compare
    with (DATA / "cases.csv").open(encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    with sheet.open("w", encoding="utf-8-sig", newline="") as target:
        csv.writer(target).writerows([rows[0], next(r for r in rows[1:] if r[0] == "E2E-001")])
    outs = {}
    for name, extra in (("windows", ()), ("noto", ("--templates", str(noto)))):
        outs[name] = tmp_path / name
        result = run_cli("build", str(sheet), "--out", str(outs[name]), "--date", "2026-11-24", "-q", *extra)
        assert result.returncode == 0, result.stderr
    pdfs = sorted(p.relative_to(outs["windows"]) for p in outs["windows"].glob("*/*.pdf"))
    assert len(pdfs) == 2, pdfs  # packet.pdf and to_lender.pdf
    for pdf in pdfs:
        assert (outs["windows"] / pdf).read_bytes() == (outs["noto"] / pdf).read_bytes(), pdf
    with zipfile.ZipFile(outs["windows"] / "E2E-001" / "hardship_letter.docx") as copy:
        # the copy itself names 宋体, in its styles: a run names a face only where it differs from its style's
        assert b'w:eastAsia="SimSun"' in copy.read("word/styles.xml")
        assert b"Noto" not in copy.read("word/document.xml")
