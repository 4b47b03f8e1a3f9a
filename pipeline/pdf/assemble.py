"""Split a converted chunk PDF into each case's files: one file per lender set (`to_lender.pdf`, or
`to_lender-1-网商贷.pdf`… when the client owes several lenders: the set alone, with the evidence
scans) and `packet.pdf` (every lender set, then the borrower's set).

Sets are found by name through the named destinations that LibreOffice exported from the bookmarks
set in compose.py. Every file comes from the same conversion; the scans are drawn onto the blank
pages reserved for them, so they carry the set's footer and page numbers. Everything here works on
bytes; writing files is output/'s job.

With --tagged, LibreOffice tags the chunk and pdf/structure.py gives each file the part of its
structure tree on the file's pages, the scans tagged as figures.

Copying pages is pikepdf's (qpdf's) work: a chunk's pages share its fonts, and qpdf copies them into
each file once, at about a fifth of what copying page by page in pure Python costs.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Name, OutlineItem, Page, Pdf, Rectangle

from pipeline import __version__
from pipeline.pdf.marks import document_mark, end_mark, scans_mark
from pipeline.pdf.outline_text import outline_text
from pipeline.pdf.structure import Structure, attach, mark_figure, read_structure, take_structure, unmark
from pipeline.pdf.subset_tags import unique_subset_tags

LANGUAGE = "zh-CN"  # /Lang and dc:language: how screen readers and archives read the text
# The version of the chunk the pages come from (LibreOffice's export is PDF 1.6); a new pikepdf document
# would otherwise declare 1.3 beneath LibreOffice's soft masks (1.4).
VERSION = "1.6"

# Room kept free on a reserved page around a scan: the footer sits in the bottom margin.
SCAN_MARGIN_TOP, SCAN_MARGIN_SIDE, SCAN_MARGIN_BOTTOM = 28.0, 28.0, 62.0


@dataclass(frozen=True)
class SetSpec:
    """What composing put into the chunk for one set, to find it again by its name."""

    case_id: str
    name: str  # the set's name in its case: lender-1, borrower…
    lender: bool  # a lender set: a file of its own, and the scans
    outline: str  # the set's entry in packet.pdf's outline
    titles: tuple[str, ...]  # outline entries of its documents
    scans_after: int | None = None  # the document whose reserved pages hold the scans
    file_name: str | None = None  # the lender set's own file (to_lender.pdf…)
    file_title: str = ""  # that file's title (PDF metadata)


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
    lender_files: dict[str, bytes]  # file name → each lender set's own PDF, in the order of the sets
    packet: bytes
    packet_pages: int


@dataclass(frozen=True)
class ConvertedChunk:
    pdf: Pdf
    structure: Structure | None  # LibreOffice's tags (None when a converter wrote none)


@contextmanager
def open_chunk(path: Path) -> Iterator[ConvertedChunk]:
    """The converted chunk, opened for `locate_sets` and `case_files`."""
    with pikepdf.open(path) as pdf:
        yield ConvertedChunk(pdf, read_structure(pdf))


def locate_sets(chunk: ConvertedChunk, specs: list[SetSpec]) -> dict[tuple[str, str], SetPages]:
    """Where each set lies in the chunk PDF, by (case id, set name); KeyError when a mark is missing.
    `specs` are in the order the sets were composed: the marks are numbered by it."""
    index = {page.obj.objgen: n for n, page in enumerate(chunk.pdf.pages)}
    marks = {}
    for name, destination in _destinations(chunk.pdf):
        target = destination.get("/D") if isinstance(destination, pikepdf.Dictionary) else destination
        if isinstance(target, pikepdf.Array) and len(target) and target[0].objgen in index:
            marks[name.lstrip("/")] = index[target[0].objgen]
    found = {}
    for u, spec in enumerate(specs):
        first, last = marks[document_mark(u, 0)], marks[end_mark(u)]
        starts = tuple(marks[document_mark(u, d)] - first for d in range(len(spec.titles)))
        scans_at = marks[scans_mark(u, spec.scans_after)] - first if spec.scans_after is not None else None
        found[(spec.case_id, spec.name)] = SetPages(spec, first, last - first + 1, starts, scans_at)
    return found


def _destinations(chunk: Pdf):
    """Named destinations, as LibreOffice writes them (/Dests) or in a name tree (/Names /Dests)."""
    if "/Dests" in chunk.Root:
        yield from ((str(key), value) for key, value in chunk.Root.Dests.items())
    names = chunk.Root.get("/Names")
    if names is not None and "/Dests" in names:
        yield from pikepdf.NameTree(names.Dests).items()


def case_files(chunk: ConvertedChunk, sets: list[SetPages], scans: tuple[Scan, ...], duplex: bool = False) -> CaseFiles:
    """The PDFs of one case from the chunk PDF: its sets in their order (the lender sets, then the
    borrower's). With `duplex`, every document of packet.pdf is padded to an even page count (each
    starts on a fresh sheet); a lender's own file, meant to be sent or uploaded, never is."""
    scan_pdfs = [pikepdf.open(io.BytesIO(scan.pdf)) for scan in scans]
    try:
        return _case_files(chunk, sets, scans, scan_pdfs, duplex)
    finally:
        for scan_pdf in scan_pdfs:
            scan_pdf.close()


def _case_files(chunk: ConvertedChunk, sets: list[SetPages], scans: tuple[Scan, ...], scan_pdfs: list[Pdf],
                duplex: bool) -> CaseFiles:
    scan_pages = sum(len(p.pages) for p in scan_pdfs)
    for part in sets:
        if part.scans_at is not None and part.spec.scans_after is not None:
            after = part.spec.scans_after + 1
            reserved = (part.starts[after] if after < len(part.starts) else part.pages) - part.scans_at
            if reserved != scan_pages:  # never draw a scan onto a document's page
                raise ValueError(f"{reserved} pages reserved for the scans of {part.spec.case_id}")
    outlines = {part.spec.name: _outline(part, scans, scan_pdfs) for part in sets}

    packet = Pdf.new()
    entries: list[tuple[str, int, str]] = []  # (title, page, set outline)
    at: dict[str, list[int]] = {part.spec.name: [] for part in sets}  # where each set's pages are in packet.pdf
    for part in sets:
        outline = outlines[part.spec.name]
        bounds = [start for _, start in outline] + [part.pages]
        for k, (title, start) in enumerate(outline):
            entries.append((title, len(packet.pages), part.spec.outline))
            for index in range(start, bounds[k + 1]):
                at[part.spec.name].append(len(packet.pages))
                packet.pages.append(chunk.pdf.pages[part.first + index])
            if duplex and (bounds[k + 1] - start) % 2:
                box = chunk.pdf.pages[part.first + bounds[k + 1] - 1].mediabox
                blank = packet.add_blank_page(page_size=(float(box[2]) - float(box[0]), float(box[3]) - float(box[1])))
                del blank.obj["/Contents"]  # nothing to draw: no empty content stream for a preflight to flag
    figures = [figure for part in sets if part.scans_at is not None
               for figure in _draw_scans(packet, at[part.spec.name][part.scans_at:], scans, scan_pdfs,
                                         chunk.structure is not None)]
    with packet.open_outline() as tree:
        parents: dict[str, OutlineItem] = {}
        for title, page, set_title in entries:
            if set_title not in parents:
                parents[set_title] = OutlineItem(outline_text(set_title), page)
                tree.root.append(parents[set_title])
            parents[set_title].children.append(OutlineItem(outline_text(title), page))
    case_id = sets[0].spec.case_id
    # once, before the tags are copied in (it looks at every object): the lender files share its fonts
    unique_subset_tags(packet)
    taken = {part.first + n: page for part in sets for n, page in enumerate(at[part.spec.name])}  # chunk → packet
    structure = take_structure(packet, chunk.structure, taken) if chunk.structure is not None else None
    if structure is not None:
        for page, alt, drawn in figures:
            mark_figure(structure, page, alt, drawn)
    _finish(packet, f"协商还款材料 {case_id}（寄送件与本人留存）", [title for title, _, _ in entries])

    # A lender's file takes its pages from packet.pdf: the scans are drawn on them already, and the
    # fonts are copied once more, not once per file from the chunk.
    lender_files = {}
    for part in sets:
        if not part.spec.lender or part.spec.file_name is None:  # every lender set is given its file's name
            continue
        own = Pdf.new()
        for page in at[part.spec.name]:
            own.pages.append(packet.pages[page])
        if structure is not None:  # before the packet's own tree is attached: its children have no /P yet
            attach(take_structure(own, structure, {page: n for n, page in enumerate(at[part.spec.name])}))
        with own.open_outline() as tree:
            tree.root.extend(OutlineItem(outline_text(title), start) for title, start in outlines[part.spec.name])
        _finish(own, part.spec.file_title or f"协商还款申请材料 {case_id}", [t for t, _ in outlines[part.spec.name]])
        lender_files[part.spec.file_name] = _bytes(own)
    if structure is not None:
        attach(structure)
    return CaseFiles(lender_files, _bytes(packet), len(packet.pages))


def _draw_scans(packet: Pdf, reserved: list[int], scans: tuple[Scan, ...], pdfs: list[Pdf],
                tagged: bool) -> list[tuple[int, str, Rectangle]]:
    """Each scan page drawn onto a reserved page of `packet`, in order; for each, where it was drawn
    and its name (file and page), for the figure that tags it."""
    targets = iter(reserved)
    drawn = []
    for scan, pdf in zip(scans, pdfs, strict=True):
        for number, scan_page in enumerate(pdf.pages, start=1):
            target = next(targets)
            if tagged:
                unmark(scan_page)
            box = _place(packet.pages[target], scan_page)
            drawn.append((target, f"{scan.title} 第{number}页（共{len(pdf.pages)}页）", box))
    return drawn


def _place(target: Page, scan: Page) -> Rectangle:
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
    drawn = Rectangle(left, top - height * scale, left + width * scale, top)
    target.add_overlay(scan, drawn)
    return drawn


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
    pdf.docinfo["/Title"] = outline_text(title)
    pdf.docinfo["/Subject"] = outline_text("、".join(dict.fromkeys(contents)))
    pdf.docinfo["/Creator"] = f"negotiation packets {__version__}"
    pdf.docinfo["/Producer"] = "LibreOffice + pikepdf"
    pdf.Root.PageMode = Name.UseOutlines
    pdf.Root.Lang = pikepdf.String(LANGUAGE)
    # XMP beside the document information (archives and screen readers read it); no dates, so a rebuild
    # gives the same bytes
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = str(pdf.docinfo["/Title"])
        meta["dc:description"] = str(pdf.docinfo["/Subject"])
        meta["dc:language"] = [LANGUAGE]
        meta["xmp:CreatorTool"] = str(pdf.docinfo["/Creator"])
        meta["pdf:Producer"] = str(pdf.docinfo["/Producer"])


def _bytes(pdf: Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, min_version=VERSION, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()
