"""A PDF written to a file as it is put together: the pages of one PDF after another, then an outline.

pypdf and pikepdf both hold every page they are given until the file is saved, so a print file of
300 packets held all 300 (pypdf: 80 / 211 / 540 MB for 20 / 100 / 300 packets). Here each PDF is
opened (pikepdf), its pages and everything they use are written out with new object numbers, and it
is closed before the next is opened; what is kept is a number per object (its offset), a number per
page and the outline's titles. The syntax of names, strings and numbers is pikepdf's own.
"""

from __future__ import annotations

import io
from array import array
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pikepdf

from pipeline.pdf.assemble import LANGUAGE
from pipeline.pdf.outline_text import outline_text
from pipeline.pdf.subset_tags import unique_subset_tags

INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


@dataclass
class _Entry:
    title: str
    page: int  # page index in the file
    children: list[_Entry] = field(default_factory=list)


class StreamingPdf:
    """Pages written to `handle` as they are added; `finish` writes the page tree, the outline, the
    catalog, the document information and the cross-reference table."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.offsets = array("Q")  # of object n at [n - 1]; 0 while reserved
        self.pages = array("L")  # object number of each page, in order
        self.outline: list[_Entry] = []
        self.subset_tags: dict[str, bytes] = {}  # subset tag → digest of its font program, over all PDFs
        self.last_page_size = (595.28, 841.89)  # width and height of the last page written (A4 before any)
        self.start = handle.tell()
        handle.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.page_tree = self._reserve()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def append(self, source: Path | bytes) -> int:
        """Every page of the PDF at `source` (a path, or the file's bytes); returns the index its first
        page has here."""
        first = len(self.pages)
        with pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source) as pdf:
            unique_subset_tags(pdf, self.subset_tags)  # distinct fonts of two packets: distinct names
            numbers: dict[tuple[int, int], int] = {}
            pages = list(pdf.pages)
            for page in pages:  # numbered first: links and destinations point to pages
                numbers[page.obj.objgen] = self._reserve()
            queue: list[pikepdf.Object] = []
            for page in pages:
                self._write_page(page.obj, numbers, queue)
                while queue:  # what the page uses, each object once
                    self._write_object(queue.pop(), numbers, queue)
        return first

    def add_blank_page(self, width: float, height: float) -> None:
        number = self._reserve()
        self._write(number, b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources << >> >>" % (
            self.page_tree, _number(Decimal(str(width))), _number(Decimal(str(height)))))
        self.pages.append(number)
        self.last_page_size = (width, height)

    def add_outline_item(self, title: str, page: int, parent: _Entry | None = None) -> _Entry:
        entry = _Entry(outline_text(title), page)
        (parent.children if parent is not None else self.outline).append(entry)
        return entry

    def finish(self, title: str) -> None:
        kids = b" ".join(b"%d 0 R" % n for n in self.pages)
        self._write(self.page_tree, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(self.pages), kids))
        outlines = self._write_outline()
        info = self._reserve()
        self._write(info, b"<< /Title %s /Producer (negotiation packets) >>" % pikepdf.String(outline_text(title)).unparse())
        catalog = self._reserve()
        self._write(catalog, b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines /Lang (%s) >>" % (
            self.page_tree, outlines, LANGUAGE.encode()))
        xref = self.handle.tell() - self.start
        size = len(self.offsets) + 1
        self.handle.write(b"xref\n0 %d\n0000000000 65535 f\r\n" % size)
        for start in range(0, len(self.offsets), 4096):
            self.handle.write(b"".join(b"%010d 00000 n\r\n" % offset for offset in self.offsets[start:start + 4096]))
        self.handle.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            size, catalog, info, xref))

    # -- objects

    def _reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets)

    def _write(self, number: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[number - 1] = self.handle.tell() - self.start
        self.handle.write(b"%d 0 obj\n" % number)
        self.handle.write(body)
        if stream is not None:
            self.handle.write(b"\nstream\n")
            self.handle.write(stream)
            self.handle.write(b"\nendstream")
        self.handle.write(b"\nendobj\n")

    def _write_page(self, page: pikepdf.Dictionary, numbers: dict, queue: list) -> None:
        """The page with what it inherits from its page tree, under this file's page tree."""
        out = bytearray(b"<< /Type /Page /Parent %d 0 R" % self.page_tree)
        values = {key: page.get(key) for key in page.keys() if key not in ("/Type", "/Parent")}
        values.update({key: _inherited(page, key) for key in INHERITED if key not in values})
        for key, value in values.items():
            if value is None:
                continue
            out += b" " + pikepdf.Name(key).unparse() + b" "
            self._value(value, out, numbers, queue)
        out += b" >>"
        self.pages.append(numbers[page.objgen])
        box = values.get("/MediaBox")
        if box is not None:
            self.last_page_size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
        self._write(numbers[page.objgen], bytes(out))

    def _write_object(self, obj: pikepdf.Object, numbers: dict, queue: list) -> None:
        out = bytearray()
        if isinstance(obj, pikepdf.Stream):
            data = obj.read_raw_bytes()  # as stored: its /Filter says how to read it
            self._dictionary(obj.stream_dict, out, numbers, queue, skip=("/Length",), extra=b"/Length %d" % len(data))
            self._write(numbers[obj.objgen], bytes(out), data)
            return
        self._value(obj, out, numbers, queue, top=True)
        self._write(numbers[obj.objgen], bytes(out))

    def _value(self, value, out: bytearray, numbers: dict, queue: list, top: bool = False) -> None:
        if isinstance(value, pikepdf.Object) and value.is_indirect and not top:
            key = value.objgen
            if key not in numbers:
                numbers[key] = self._reserve()
                queue.append(value)
            out += b"%d 0 R" % numbers[key]
        elif isinstance(value, pikepdf.Dictionary):
            self._dictionary(value, out, numbers, queue)
        elif isinstance(value, pikepdf.Array):
            out += b"["
            for item in value:
                self._value(item, out, numbers, queue)
                out += b" "
            out += b"]"
        elif isinstance(value, bool):
            out += b"true" if value else b"false"
        elif isinstance(value, int):
            out += b"%d" % value
        elif isinstance(value, Decimal):
            out += _number(value)
        elif value is None:
            out += b"null"
        else:  # names and strings: as pikepdf writes them
            out += value.unparse(resolved=True)

    def _dictionary(self, dictionary, out: bytearray, numbers: dict, queue: list, skip=(), extra=b"") -> None:
        out += b"<<"
        for key, item in dictionary.items():
            if key in skip:
                continue
            out += b" " + pikepdf.Name(key).unparse() + b" "
            self._value(item, out, numbers, queue)
        out += b" " + extra + b" >>"

    # -- outline

    def _write_outline(self) -> int:
        root = self._reserve()
        first, last = self._write_items(self.outline, root)
        count = _visible(self.outline)
        self._write(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, count)
                    if self.outline else b"<< /Type /Outlines /Count 0 >>")
        return root

    def _write_items(self, entries: list[_Entry], parent: int) -> tuple[int, int]:
        numbers = [self._reserve() for _ in entries]
        for n, (entry, number) in enumerate(zip(entries, numbers, strict=True)):
            body = bytearray(b"<< /Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]" % (
                pikepdf.String(entry.title).unparse(), parent, self.pages[entry.page]))
            if n:
                body += b" /Prev %d 0 R" % numbers[n - 1]
            if n + 1 < len(numbers):
                body += b" /Next %d 0 R" % numbers[n + 1]
            if entry.children:
                first, last = self._write_items(entry.children, number)
                body += b" /First %d 0 R /Last %d 0 R /Count %d" % (first, last, _visible(entry.children))
            self._write(number, bytes(body + b" >>"))
        return (numbers[0], numbers[-1]) if numbers else (0, 0)


def _visible(entries: list[_Entry]) -> int:
    return sum(1 + _visible(entry.children) for entry in entries)


def _inherited(page: pikepdf.Dictionary, key: str):
    node = page.get("/Parent")
    for _ in range(100):  # a page tree is a handful of levels deep; a loop in a broken one ends here
        if node is None:
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def _number(value: Decimal) -> bytes:
    text = format(value, "f")
    return (text.rstrip("0").rstrip(".") if "." in text else text).encode() or b"0"
