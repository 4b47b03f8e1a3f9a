"""Evidence PDFs made safe to print and to send: a new PDF holding only what the pages show.

A scan that arrives by e-mail may carry JavaScript, launch actions (`cmd.exe /c …`), links that
fetch or leak (URI, GoToR to a UNC path, SubmitForm), embedded files, form fields and XFA. Deleting
those from the file is not enough (older copies of an object survive in the file, unreferenced), so
nothing is deleted: a new PDF is written from scratch with each page's geometry, its content streams
and the resources they draw with — copied byte for byte, never decoded. The catalog (OpenAction,
name trees, AcroForm, outlines), annotations, page actions and anything inside the resources that is
an action, a file specification or an embedded file are never copied.

The page tree is walked here, with limits (depth, pages, objects), instead of by pypdf's own
flattening: a tree 3,000 levels deep, a loop in it, or 50,000 pages are refused at once.
"""

from __future__ import annotations

import contextlib
import io

import pypdf
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
)

from pipeline.common.i18n import _

MAX_TREE_DEPTH = 100  # pypdf's own limit; real files have a handful of levels
MAX_OBJECTS = 200_000  # indirect objects copied from one file
MAX_ELEMENTS = 500_000  # dictionary entries and array items copied from one file
MAX_NESTING = 200  # arrays and dictionaries inside each other, across references
# Decoding happens only for pypdf's object streams (the page content is copied encoded); a real one
# holds a few hundred small objects. Smaller than pypdf's default limits: a file of a few MB cannot
# expand into gigabytes of parsed objects.
DECODE_LIMIT = 8_000_000

# What a page keeps: where it is drawn and what is drawn. Everything else on a page — /Annots (links,
# attachments, form fields), /AA, /Thumb, /B (article beads), /PieceInfo, /Metadata… — is left out.
PAGE_KEYS = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox", "/Rotate", "/UserUnit", "/Resources",
             "/Contents", "/Group")
INHERITABLE = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
A4_POINTS = (595.28, 841.89)
# Keys never copied from any dictionary reached from a page's resources.
DROPPED_KEYS = frozenset({
    "/JS", "/JavaScript", "/AA", "/OpenAction", "/A", "/Next", "/URI", "/Launch", "/Annots", "/Names",
    "/AcroForm", "/XFA", "/EmbeddedFiles", "/EF", "/RichMediaContent", "/RichMediaSettings", "/FS", "/Parent",
})
# Dictionaries never copied at all: actions (of any kind), file specifications, embedded files, annotations.
DROPPED_TYPES = frozenset({"/Action", "/Filespec", "/EmbeddedFile", "/Annot", "/RichMediaExecute"})
ACTIONS = frozenset({
    "/JavaScript", "/Launch", "/URI", "/GoToR", "/GoToE", "/SubmitForm", "/ImportData", "/ResetForm",
    "/RichMediaExecute", "/Rendition", "/Movie", "/Sound", "/Hide", "/Named", "/SetOCGState", "/Trans",
    "/GoTo3DView", "/Thread", "/GoTo",
})


class UnsafePdf(Exception):
    """Why a PDF was not accepted, in words for the user."""


class TooManyPages(UnsafePdf):
    pass


def safe_pdf(data: bytes, max_pages: int) -> tuple[bytes, int]:
    """`data` as a new PDF with only its visible pages; returns (PDF, pages). UnsafePdf when it cannot
    be read, is encrypted, has no page, or exceeds a limit."""
    try:
        with _tight_limits():
            return _rewrite(data, max_pages)
    except UnsafePdf:
        raise
    except (pypdf.errors.LimitReachedError, RecursionError) as exc:
        raise UnsafePdf(_("结构异常（{reason}），请重新扫描或用“打印为PDF”另存后再附上").format(
            reason=_limit_reason(exc))) from None
    except MemoryError:
        raise UnsafePdf(_("内容过于庞大，无法处理，请重新扫描或拆分后再附上")) from None
    except Exception:  # pypdf raises many types (and bare ValueError, KeyError…) for broken files
        raise UnsafePdf(_("已损坏或不是有效的PDF文件")) from None


def _limit_reason(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return _("嵌套过深")
    text = str(exc)
    return _("页面树嵌套过深") if "depth" in text else _("超出处理上限")


@contextlib.contextmanager
def _tight_limits():
    apply = getattr(pypdf, "apply_configuration", None)  # pypdf ≥ 6: per-context limits
    if apply is None:
        yield
        return
    with apply(zlib_maximum_output_length=DECODE_LIMIT, lzw_maximum_output_length=DECODE_LIMIT,
               run_length_maximum_output_length=DECODE_LIMIT, brotli_maximum_output_length=DECODE_LIMIT,
               array_based_stream_maximum_output_length=DECODE_LIMIT):
        yield


def _rewrite(data: bytes, max_pages: int) -> tuple[bytes, int]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        raise UnsafePdf(_("是加密的PDF，请提供未加密的文件"))
    leaves = _page_leaves(reader, max_pages)
    if not leaves:
        raise UnsafePdf(_("没有页面"))
    writer = PdfWriter()
    copier = _Copier(writer)
    for page, inherited in leaves:
        clean = PageObject(pdf=writer)
        clean[NameObject("/Type")] = NameObject("/Page")
        for key in PAGE_KEYS:
            value = page.get(key, inherited.get(key))
            if value is not None:
                clean[NameObject(key)] = copier.copy(value)
        if "/MediaBox" not in clean:  # required; a page without one is drawn on A4
            clean[NameObject("/MediaBox")] = ArrayObject(FloatObject(v) for v in (0, 0, *A4_POINTS))
        writer.add_page(clean)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(leaves)


def _page_leaves(reader: PdfReader, max_pages: int) -> list[tuple[DictionaryObject, dict]]:
    """Every page of the tree, in order, with the attributes it inherits; limits checked as it goes."""
    catalog = reader.trailer["/Root"].get_object()
    root = catalog["/Pages"].get_object()
    leaves: list[tuple[DictionaryObject, dict]] = []
    stack = [(root, {}, 0)]
    inner_seen: set[int] = set()
    visits = 0
    while stack:
        node, inherited, depth = stack.pop()
        visits += 1
        if depth > MAX_TREE_DEPTH:
            raise UnsafePdf(_("页面树嵌套过深（超过{limit}层），请用“打印为PDF”另存后再附上").format(limit=MAX_TREE_DEPTH))
        if visits > 4 * max_pages + 1000:
            raise UnsafePdf(_("页面树结构异常，请用“打印为PDF”另存后再附上"))
        if not isinstance(node, DictionaryObject):
            continue
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            leaves.append((node, inherited))
            if len(leaves) > max_pages:
                raise TooManyPages(_("超过{limit}页，请拆分或只附上需要的页面").format(limit=max_pages))
            continue
        if id(node) in inner_seen:
            raise UnsafePdf(_("页面树有循环引用，文件已损坏"))
        inner_seen.add(id(node))
        inherited = {**inherited, **{key: node[key] for key in INHERITABLE if key in node}}
        kids = node["/Kids"].get_object()
        if not isinstance(kids, ArrayObject):
            continue
        stack.extend((kid.get_object(), inherited, depth + 1) for kid in reversed(kids))
    return leaves


class _Copier:
    """Copies objects from a reader into a writer, keeping shared objects shared, leaving out actions,
    file specifications, embedded files and annotations wherever they hang."""

    def __init__(self, writer: PdfWriter):
        self.writer = writer
        self.copied: dict[tuple[int, int], IndirectObject] = {}
        self.elements = 0

    def copy(self, value, depth: int = 0):
        if depth > MAX_NESTING:
            raise UnsafePdf(_("结构嵌套过深，请用“打印为PDF”另存后再附上"))
        if isinstance(value, IndirectObject):
            return self._indirect(value, depth)
        if isinstance(value, DictionaryObject) and _is_active(value):
            return NullObject()
        if isinstance(value, StreamObject):
            stream = StreamObject()
            stream.set_data(value._data)  # as stored (still encoded): its /Filter entries say how to read it
            self._entries(value, stream, depth, skip=("/Length",))
            return stream
        if isinstance(value, DictionaryObject):
            copy = DictionaryObject()
            self._entries(value, copy, depth)
            return copy
        if isinstance(value, ArrayObject):
            self._count(len(value))
            return ArrayObject(self.copy(item, depth + 1) for item in value)
        return value  # numbers, names, strings, booleans, null: immutable values

    def _entries(self, source: DictionaryObject, target: DictionaryObject, depth: int, skip=()) -> None:
        self._count(len(source))
        for key, item in source.items():
            if key in DROPPED_KEYS or key in skip:
                continue
            target[NameObject(key)] = self.copy(item, depth + 1)

    def _indirect(self, reference: IndirectObject, depth: int) -> IndirectObject:
        key = (reference.idnum, reference.generation)
        if key in self.copied:
            return self.copied[key]
        if len(self.copied) >= MAX_OBJECTS:
            raise UnsafePdf(_("对象过多（超过{limit}个），请用“打印为PDF”另存后再附上").format(limit=MAX_OBJECTS))
        placeholder = self.writer._add_object(NullObject())  # reserved first: a loop leads back to it
        self.copied[key] = placeholder
        copy = self.copy(reference.get_object(), depth + 1)
        if isinstance(copy, IndirectObject):  # a reference to a reference
            copy = copy.get_object()
        if copy is None:  # a reference to a missing object means null
            copy = NullObject()
        # pypdf has no public call to fill a reserved object; its own cloning uses the same ones.
        self.writer._replace_object(placeholder, copy)
        return placeholder

    def _count(self, n: int) -> None:
        self.elements += n
        if self.elements > MAX_ELEMENTS:
            raise UnsafePdf(_("结构过于复杂，请用“打印为PDF”另存后再附上"))


def _is_active(value: DictionaryObject) -> bool:
    """An action, file specification, embedded file or annotation (of any kind)."""
    kind = value.get("/Type")
    if kind in DROPPED_TYPES:
        return True
    if value.get("/S") in ACTIONS:
        return True
    return "/Rect" in value and "/Subtype" in value and kind in (None, "/Annot")
