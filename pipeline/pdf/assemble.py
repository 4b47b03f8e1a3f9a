"""Split a converted chunk PDF into packets: one packet.pdf per case with outline and metadata.

Pages are found through the named destinations that LibreOffice exported from the bookmarks set
in compose.py. Everything here works on bytes; writing files is output/'s job.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from pipeline import __version__
from pipeline.pdf.marks import document_mark, end_mark


@dataclass(frozen=True)
class PacketLayout:
    """Where each document of a packet starts and how many pages the packet has."""

    case_id: str
    titles: tuple[str, ...]
    starts: tuple[int, ...]  # page index of each document within the packet
    pages: int


def split_chunk(pdf: Path, packets: list[tuple[str, tuple[str, ...]]]) -> list[tuple[PacketLayout, bytes]]:
    """The chunk PDF → (layout, packet PDF bytes) per packet, in order."""
    reader = PdfReader(pdf)
    marks = {name.lstrip("/"): reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    result = []
    for p, (case_id, titles) in enumerate(packets):
        first = marks[document_mark(p, 0)]
        last = marks[end_mark(p)]
        starts = tuple(marks[document_mark(p, d)] - first for d in range(len(titles)))
        layout = PacketLayout(case_id, titles, starts, last - first + 1)
        result.append((layout, packet_pdf(reader, first, layout)))
    return result


def packet_pdf(reader: PdfReader, first: int, layout: PacketLayout) -> bytes:
    writer = PdfWriter()
    for index in range(first, first + layout.pages):
        writer.add_page(reader.pages[index])
    for title, start in zip(layout.titles, layout.starts, strict=True):
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata({
        "/Title": f"协商还款材料 {layout.case_id}",
        "/Subject": "、".join(layout.titles),
        "/Creator": f"negotiation packets {__version__}",
        "/Producer": "LibreOffice + pypdf",
    })
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def insert_attachments(data: bytes, layout: PacketLayout, attachments: tuple[tuple[str, bytes], ...],
                       after: int) -> tuple[PacketLayout, bytes]:
    """Evidence scans go right after document number `after` (the cover sheet that lists them),
    each under its own outline entry, their pages unchanged."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    ends = [*layout.starts[1:], layout.pages]
    titles, starts = [], []
    for number, (title, start, end) in enumerate(zip(layout.titles, layout.starts, ends, strict=True)):
        titles.append(title)
        starts.append(len(writer.pages))
        for index in range(start, end):
            writer.add_page(reader.pages[index])
        if number == after:
            for attachment_title, pdf in attachments:
                titles.append(attachment_title)
                starts.append(len(writer.pages))
                writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    combined = PacketLayout(layout.case_id, tuple(titles), tuple(starts), len(writer.pages))
    return combined, _finish(writer, combined, reader.metadata)


def _finish(writer: PdfWriter, layout: PacketLayout, metadata) -> bytes:
    for title, start in zip(layout.titles, layout.starts, strict=True):
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata(metadata or {})
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pad_for_duplex(data: bytes, layout: PacketLayout) -> tuple[PacketLayout, bytes]:
    """Every document gets an even page count (a blank page after an odd one), so that each starts
    on a fresh sheet when the packet is printed double-sided."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    ends = [*layout.starts[1:], layout.pages]
    starts = []
    for start, end in zip(layout.starts, ends, strict=True):
        starts.append(len(writer.pages))
        for index in range(start, end):
            writer.add_page(reader.pages[index])
        if (end - start) % 2:
            box = reader.pages[end - 1].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
    padded = PacketLayout(layout.case_id, layout.titles, tuple(starts), len(writer.pages))
    return padded, _finish(writer, padded, reader.metadata)
