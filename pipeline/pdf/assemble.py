"""Split a converted chunk PDF into each case's two files: `to_lender.pdf` (the lender set alone,
with the evidence scans) and `packet.pdf` (the lender set, then the borrower's set).

Pages are found through the named destinations that LibreOffice exported from the bookmarks set in
compose.py. Both files come from the same conversion; the scans are drawn onto the blank pages
reserved for them, so they carry the set's footer and page numbers. Everything here works on
bytes; writing files is output/'s job.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from pipeline import __version__
from pipeline.pdf.marks import document_mark, end_mark, scans_mark

# Room kept free on a reserved page around a scan: the footer sits in the bottom margin.
SCAN_MARGIN_TOP, SCAN_MARGIN_SIDE, SCAN_MARGIN_BOTTOM = 28.0, 28.0, 62.0


@dataclass(frozen=True)
class SetSpec:
    """What composing put into the chunk for one set, to find it again."""

    case_id: str
    label: str  # 寄送件 / 本人留存
    outline: str  # the set's entry in packet.pdf's outline
    titles: tuple[str, ...]  # outline entries of its documents
    scans_after: int | None = None  # the document whose reserved pages hold the scans


@dataclass(frozen=True)
class SetPages:
    spec: SetSpec
    first: int  # page index in the chunk PDF
    pages: int
    starts: tuple[int, ...]  # each document's first page, relative to the set
    scans_at: int | None  # first reserved page, relative to the set


@dataclass(frozen=True)
class Scan:
    title: str  # outline entry, e.g. 证明文件：银行流水.pdf
    pdf: bytes
    pages: int


@dataclass(frozen=True)
class CaseFiles:
    to_lender: bytes
    packet: bytes
    lender_pages: int
    packet_pages: int


def locate_sets(reader: PdfReader, specs: list[SetSpec]) -> list[SetPages]:
    """Where each set lies in the chunk PDF (KeyError when a mark is missing)."""
    marks = {name.lstrip("/"): reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    found = []
    for u, spec in enumerate(specs):
        first, last = marks[document_mark(u, 0)], marks[end_mark(u)]
        starts = tuple(marks[document_mark(u, d)] - first for d in range(len(spec.titles)))
        scans_at = marks[scans_mark(u, spec.scans_after)] - first if spec.scans_after is not None else None
        found.append(SetPages(spec, first, last - first + 1, starts, scans_at))
    return found


def case_files(reader: PdfReader, lender: SetPages, borrower: SetPages, scans: tuple[Scan, ...],
               duplex: bool = False) -> CaseFiles:
    """The two PDFs of one case from the chunk PDF. With `duplex`, every document of packet.pdf is
    padded to an even page count (each starts on a fresh sheet); to_lender.pdf, meant to be sent or
    uploaded, never is.

    packet.pdf takes both sets from the chunk and to_lender.pdf its pages from packet.pdf, so that
    each file holds one copy of the fonts (copying from two sources would copy them twice)."""
    scan_readers = [PdfReader(io.BytesIO(scan.pdf)) for scan in scans]
    if lender.scans_at is not None:
        after = lender.spec.scans_after + 1
        reserved = (lender.starts[after] if after < len(lender.starts) else lender.pages) - lender.scans_at
        if reserved != sum(len(r.pages) for r in scan_readers):  # never draw a scan onto a document's page
            raise ValueError(f"{reserved} pages reserved for the scans of {lender.spec.case_id}")
    lender_outline = _outline(lender, scans, scan_readers)
    borrower_outline = list(zip(borrower.spec.titles, borrower.starts, strict=True))

    packet = PdfWriter()
    entries: list[tuple[str, int, str]] = []  # (title, page, set outline)
    lender_at: list[int] = []  # where each page of the lender set is in packet.pdf
    for part, outline in ((lender, lender_outline), (borrower, borrower_outline)):
        bounds = [start for _, start in outline] + [part.pages]
        for k, (title, start) in enumerate(outline):
            entries.append((title, len(packet.pages), part.spec.outline))
            for index in range(start, bounds[k + 1]):
                if part is lender:
                    lender_at.append(len(packet.pages))
                packet.add_page(reader.pages[part.first + index])
            if duplex and (bounds[k + 1] - start) % 2:
                box = reader.pages[part.first + bounds[k + 1] - 1].mediabox
                packet.add_blank_page(width=box.width, height=box.height)
    if lender.scans_at is not None:
        _draw_scans([packet.pages[at] for at in lender_at[lender.scans_at:]], scan_readers)
    parents = {}
    for title, page, set_title in entries:
        if set_title not in parents:
            parents[set_title] = packet.add_outline_item(title=set_title, page_number=page)
        packet.add_outline_item(title=title, page_number=page, parent=parents[set_title])
    _finish(packet, f"协商还款材料 {lender.spec.case_id}（寄送件与本人留存）", [title for title, _, _ in entries])

    to_lender = PdfWriter()
    for at in lender_at:
        to_lender.add_page(packet.pages[at])
    for title, start in lender_outline:
        to_lender.add_outline_item(title=title, page_number=start)
    _finish(to_lender, f"协商还款申请材料 {lender.spec.case_id}", [t for t, _ in lender_outline])
    return CaseFiles(_bytes(to_lender), _bytes(packet), len(to_lender.pages), len(packet.pages))


def _draw_scans(reserved: list[PageObject], scans: list[PdfReader]) -> None:
    """Each scan page drawn onto a reserved page, in order (pypdf changes only pages that belong to
    a writer)."""
    targets = iter(reserved)
    for scan in scans:
        for scan_page in PdfWriter(clone_from=scan).pages:
            _place(next(targets), scan_page)


def _place(target: PageObject, scan: PageObject) -> None:
    """Draw `scan` onto `target`, scaled to fit above the footer, centred, top-aligned."""
    scan.transfer_rotation_to_content()
    box = scan.cropbox
    width, height = float(box.width), float(box.height)
    page_width, page_height = float(target.mediabox.width), float(target.mediabox.height)
    room_width = page_width - 2 * SCAN_MARGIN_SIDE
    room_height = page_height - SCAN_MARGIN_TOP - SCAN_MARGIN_BOTTOM
    scale = min(room_width / width, room_height / height)
    x = (page_width - width * scale) / 2 - float(box.left) * scale
    y = SCAN_MARGIN_BOTTOM + room_height - height * scale - float(box.bottom) * scale
    target.merge_transformed_page(scan, Transformation().scale(scale).translate(x, y))


def _outline(part: SetPages, scans: tuple[Scan, ...], readers: list[PdfReader]) -> list[tuple[str, int]]:
    """(title, first page) of each document of the set, with the scans after their document."""
    entries = []
    for d, (title, start) in enumerate(zip(part.spec.titles, part.starts, strict=True)):
        entries.append((title, start))
        if d == part.spec.scans_after and part.scans_at is not None:
            at = part.scans_at
            for scan, reader in zip(scans, readers, strict=True):
                entries.append((scan.title, at))
                at += len(reader.pages)
    return entries


def _finish(writer: PdfWriter, title: str, contents: list[str]) -> None:
    writer.add_metadata({
        "/Title": title,
        "/Subject": "、".join(dict.fromkeys(contents)),
        "/Creator": f"negotiation packets {__version__}",
        "/Producer": "LibreOffice + pypdf",
    })
    writer.page_mode = "/UseOutlines"


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
