"""The print file: one PDF with an index page and every ok packet in input order, ready to print.

The index is a small Word document converted by the same LibreOffice (so it uses the same
fonts as the packets); the packets are then written into the file one after another (streaming_pdf),
one outline entry each, so that its memory does not grow with the batch.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from pypdf import PdfReader

from pipeline.common.formats import chinese_date
from pipeline.pdf.converter import Converter
from pipeline.pdf.streaming_pdf import StreamingPdf

FONT = "Noto Sans CJK SC"


@dataclass(frozen=True)
class PrintEntry:
    case_id: str
    borrower: str
    packet: Path


def set_starts(reader: PdfReader) -> list[tuple[str, int]]:
    """(title, first page) of each set of a packet: the top-level outline entries with documents under them."""
    items = reader.outline
    return [(str(item.title), _page(reader, item)) for n, item in enumerate(items)
            if not isinstance(item, list) and n + 1 < len(items) and isinstance(items[n + 1], list)]


def _page(reader: PdfReader, item) -> int:
    page = reader.get_destination_page_number(item)
    if page is None:  # every entry of a packet we wrote points to one of its pages (pdf/assemble.py)
        raise ValueError(f"outline entry {item.title!r} points to no page")
    return page


def write_print_file_pdf(entries: list[PrintEntry], packet_date: date, converter: Converter, duplex: bool,
                         handle: BinaryIO) -> None:
    """Each case's packet in turn (with --duplex, each set and document starts on a fresh sheet), written
    to `handle`; the index names, for each case, the page where it starts and how many pages each set has."""
    pages = [_layout(entry.packet) for entry in entries]  # one packet open at a time
    index_pages = 1
    for _attempt in range(3):  # the first pages depend on how long the index itself is
        index = _index_pdf(entries, pages, index_pages, packet_date, converter, duplex)
        length = len(PdfReader(io.BytesIO(index)).pages)
        if length == index_pages:
            break
        index_pages = length
    writer = StreamingPdf(handle)
    writer.append(index)
    _pad(writer, duplex)
    writer.add_outline_item("打印索引", 0)
    for entry, (_count, starts) in zip(entries, pages, strict=True):
        first = writer.append(entry.packet)
        parent = writer.add_outline_item(f"{entry.case_id} {entry.borrower}", first)
        for title, start in starts:
            writer.add_outline_item(title, first + start, parent)
        _pad(writer, duplex)
    writer.finish(f"协商还款材料打印批次 {packet_date.isoformat()}")


def _layout(packet: Path) -> tuple[int, list[tuple[str, int]]]:
    """A packet's page count and its sets' (title, first page)."""
    reader = PdfReader(packet)
    return len(reader.pages), set_starts(reader)


def _pad(writer: StreamingPdf, duplex: bool) -> None:
    if duplex and writer.page_count % 2:
        writer.add_blank_page(*writer.last_page_size)


def _index_pdf(entries, pages, index_pages, packet_date, converter, duplex) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(10.5)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), FONT)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("协商还款材料打印索引")
    run.bold, run.font.size = True, Pt(16)
    document.add_paragraph(f"材料日期：{chinese_date(packet_date)}　共 {len(entries)} 份")
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    heads = ("序号", "案件编号", "借款人", "起始页", "寄送件页数", "本人留存页数")
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        cell.text = text
    first = index_pages + (index_pages % 2 if duplex else 0) + 1
    for number, (entry, (count, sets)) in enumerate(zip(entries, pages, strict=True), start=1):
        starts = [start for _, start in sets]
        bounds = [*starts, count] if starts else [0, count, count]
        lender, borrower = bounds[1] - bounds[0], bounds[2] - bounds[1]
        cells = table.add_row().cells
        for cell, text in zip(cells, (str(number), entry.case_id, entry.borrower, str(first), str(lender), str(borrower)),
                              strict=True):
            cell.text = text
        first += count + (count % 2 if duplex else 0)
    with tempfile.TemporaryDirectory(dir=converter.profile.parent) as folder:
        path = Path(folder) / "index.docx"
        document.save(str(path))
        return converter.convert(path).read_bytes()
