"""Split a converted chunk PDF into each case's two files: `to_lender.pdf` (the lender set alone,
with the evidence scans) and `packet.pdf` (the lender set, then the borrower's set).

Pages are found through the named destinations that LibreOffice exported from the bookmarks set in
compose.py. Both files come from the same conversion; the scans are drawn onto the blank pages
reserved for them, so they carry the set's footer and page numbers. Everything here works on
bytes; writing files is output/'s job.

Copying pages is pikepdf's (qpdf's) work: a chunk's pages share its fonts, and qpdf copies them into
each file once, at about a fifth of what copying page by page in pure Python costs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Name, OutlineItem, Page, Pdf, Rectangle

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


def open_chunk(pdf: Path) -> Pdf:
    """The converted chunk, opened for `locate_sets` and `case_files`."""
    return pikepdf.open(pdf)


def locate_sets(chunk: Pdf, specs: list[SetSpec]) -> list[SetPages]:
    """Where each set lies in the chunk PDF (KeyError when a mark is missing)."""
    index = {page.obj.objgen: n for n, page in enumerate(chunk.pages)}
    marks = {}
    for name, destination in _destinations(chunk):
        target = destination.get("/D") if isinstance(destination, pikepdf.Dictionary) else destination
        if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in index:
            marks[name.lstrip("/")] = index[target[0].objgen]
    found = []
    for u, spec in enumerate(specs):
        first, last = marks[document_mark(u, 0)], marks[end_mark(u)]
        starts = tuple(marks[document_mark(u, d)] - first for d in range(len(spec.titles)))
        scans_at = marks[scans_mark(u, spec.scans_after)] - first if spec.scans_after is not None else None
        found.append(SetPages(spec, first, last - first + 1, starts, scans_at))
    return found


def _destinations(chunk: Pdf):
    """Named destinations, as LibreOffice writes them (/Dests) or in a name tree (/Names /Dests)."""
    if "/Dests" in chunk.Root:
        yield from ((str(key), value) for key, value in chunk.Root.Dests.items())
    names = chunk.Root.get("/Names")
    if names is not None and "/Dests" in names:
        yield from pikepdf.NameTree(names.Dests).items()


def case_files(chunk: Pdf, lender: SetPages, borrower: SetPages, scans: tuple[Scan, ...],
               duplex: bool = False) -> CaseFiles:
    """The two PDFs of one case from the chunk PDF. With `duplex`, every document of packet.pdf is
    padded to an even page count (each starts on a fresh sheet); to_lender.pdf, meant to be sent or
    uploaded, never is."""
    scan_pdfs = [pikepdf.open(io.BytesIO(scan.pdf)) for scan in scans]
    try:
        return _case_files(chunk, lender, borrower, scans, scan_pdfs, duplex)
    finally:
        for scan_pdf in scan_pdfs:
            scan_pdf.close()


def _case_files(chunk: Pdf, lender: SetPages, borrower: SetPages, scans: tuple[Scan, ...], scan_pdfs: list[Pdf],
                duplex: bool) -> CaseFiles:
    if lender.scans_at is not None:
        after = lender.spec.scans_after + 1
        reserved = (lender.starts[after] if after < len(lender.starts) else lender.pages) - lender.scans_at
        if reserved != sum(len(p.pages) for p in scan_pdfs):  # never draw a scan onto a document's page
            raise ValueError(f"{reserved} pages reserved for the scans of {lender.spec.case_id}")
    lender_outline = _outline(lender, scans, scan_pdfs)
    borrower_outline = list(zip(borrower.spec.titles, borrower.starts, strict=True))

    packet = Pdf.new()
    entries: list[tuple[str, int, str]] = []  # (title, page, set outline)
    lender_at: list[int] = []  # where each page of the lender set is in packet.pdf
    for part, outline in ((lender, lender_outline), (borrower, borrower_outline)):
        bounds = [start for _, start in outline] + [part.pages]
        for k, (title, start) in enumerate(outline):
            entries.append((title, len(packet.pages), part.spec.outline))
            for index in range(start, bounds[k + 1]):
                if part is lender:
                    lender_at.append(len(packet.pages))
                packet.pages.append(chunk.pages[part.first + index])
            if duplex and (bounds[k + 1] - start) % 2:
                box = chunk.pages[part.first + bounds[k + 1] - 1].mediabox
                packet.add_blank_page(page_size=(float(box[2]) - float(box[0]), float(box[3]) - float(box[1])))
    if lender.scans_at is not None:
        _draw_scans([packet.pages[at] for at in lender_at[lender.scans_at:]], scan_pdfs)
    with packet.open_outline() as outline:
        parents: dict[str, OutlineItem] = {}
        for title, page, set_title in entries:
            if set_title not in parents:
                parents[set_title] = OutlineItem(set_title, page)
                outline.root.append(parents[set_title])
            parents[set_title].children.append(OutlineItem(title, page))
    _finish(packet, f"协商还款材料 {lender.spec.case_id}（寄送件与本人留存）", [title for title, _, _ in entries])

    # to_lender.pdf takes its pages from packet.pdf: the scans are drawn on them already, and the
    # fonts are copied once more, not twice.
    to_lender = Pdf.new()
    for at in lender_at:
        to_lender.pages.append(packet.pages[at])
    with to_lender.open_outline() as outline:
        outline.root.extend(OutlineItem(title, start) for title, start in lender_outline)
    _finish(to_lender, f"协商还款申请材料 {lender.spec.case_id}", [t for t, _ in lender_outline])
    return CaseFiles(_bytes(to_lender), _bytes(packet), len(to_lender.pages), len(packet.pages))


def _draw_scans(reserved: list[Page], scans: list[Pdf]) -> None:
    """Each scan page drawn onto a reserved page, in order."""
    targets = iter(reserved)
    for scan in scans:
        for scan_page in scan.pages:
            _place(next(targets), scan_page)


def _place(target: Page, scan: Page) -> None:
    """Draw `scan` onto `target`, scaled to fit above the footer, centred, top-aligned."""
    box = scan.cropbox
    width, height = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    if int(scan.obj.get("/Rotate", 0)) % 180:
        width, height = height, width  # drawn as it is shown: turned
    page = target.mediabox
    page_width, page_height = float(page[2]) - float(page[0]), float(page[3]) - float(page[1])
    room_width = page_width - 2 * SCAN_MARGIN_SIDE
    room_height = page_height - SCAN_MARGIN_TOP - SCAN_MARGIN_BOTTOM
    scale = min(room_width / width, room_height / height)
    left = float(page[0]) + (page_width - width * scale) / 2
    top = float(page[1]) + SCAN_MARGIN_BOTTOM + room_height
    target.add_overlay(scan, Rectangle(left, top - height * scale, left + width * scale, top))


def _outline(part: SetPages, scans: tuple[Scan, ...], pdfs: list[Pdf]) -> list[tuple[str, int]]:
    """(title, first page) of each document of the set, with the scans after their document."""
    entries = []
    for d, (title, start) in enumerate(zip(part.spec.titles, part.starts, strict=True)):
        entries.append((title, start))
        if d == part.spec.scans_after and part.scans_at is not None:
            at = part.scans_at
            for scan, pdf in zip(scans, pdfs, strict=True):
                entries.append((scan.title, at))
                at += len(pdf.pages)
    return entries


def _finish(pdf: Pdf, title: str, contents: list[str]) -> None:
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Subject"] = "、".join(dict.fromkeys(contents))
    pdf.docinfo["/Creator"] = f"negotiation packets {__version__}"
    pdf.docinfo["/Producer"] = "LibreOffice + pikepdf"
    pdf.Root.PageMode = Name.UseOutlines


def _bytes(pdf: Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()
