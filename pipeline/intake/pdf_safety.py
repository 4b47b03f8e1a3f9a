"""Evidence PDFs made safe to print and to send: a new PDF holding only what the pages show.

A scan that arrives by e-mail may carry JavaScript, launch actions (`cmd.exe /c …`), links that
fetch or leak (URI, GoToR to a UNC path, SubmitForm), embedded files, form fields and XFA. Deleting
those from the file is not enough (older copies of an object survive in the file, unreferenced), so
nothing is deleted: a new PDF is written from scratch with each page's geometry, its content streams
and the resources they draw with — copied byte for byte, never decoded. The catalog (OpenAction,
name trees, AcroForm, outlines), annotations, page actions and anything inside the resources that is
an action, a file specification or an embedded file are never copied.

What an annotation shows — a filled-in form field, a stamp, a highlight — is part of the visible page:
its appearance is drawn into the page content ("flattened"), while the annotation itself, with its
actions and files, is left behind. Links, attachments and media show nothing worth keeping.

The page tree is walked here, with limits (depth, pages, objects), instead of by pypdf's own
flattening: a tree 3,000 levels deep, a loop in it, or 50,000 pages are refused at once. Every stream
copied is measured decoded first (decoded_size: counted piece by piece, never held), and a file over
one of the budgets there — a stream, a page's drawing, the whole file — is refused.
"""

from __future__ import annotations

import contextlib
import io

import pypdf
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    StreamObject,
)

from pipeline.common.i18n import _
from pipeline.intake.decoded_size import (
    MAX_DECODED_CONTENT,
    MAX_DECODED_FILE,
    MAX_DECODED_STREAM,
    OverBudget,
    image_components,
    stream_size,
)

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
# Annotations whose appearance is not drawn into the page: they are actions, files or players.
NOT_DRAWN = frozenset({"/Link", "/Popup", "/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"})
HIDDEN = 0b100010  # annotation flags Hidden (2) and NoView (32)
MAX_ANNOTATIONS = 1_000  # per page
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
        _check_content(page, copier, len(writer.pages) + 1)
        _draw_annotations(page, clean, copier)
        writer.add_page(clean)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(leaves)


def _check_content(page: DictionaryObject, copier: _Copier, number: int) -> None:
    """The page's drawing instructions (as copied), decoded, within MAX_DECODED_CONTENT: placing the
    scan reads them whole (annotations' appearances are drawn by reference, and measured as streams)."""
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    streams = list(contents) if isinstance(contents, ArrayObject) else [contents] if contents is not None else []
    total = sum(copier.sizes.get(id(stream.get_object()), 0) for stream in streams)
    if total > MAX_DECODED_CONTENT:
        raise UnsafePdf(_("第{page}页的内容解压后超过{limit}MB，请重新扫描或用“打印为PDF”另存后再附上").format(
            page=number, limit=MAX_DECODED_CONTENT // 2**20))


def _draw_annotations(page: DictionaryObject, clean: PageObject, copier: _Copier) -> None:
    """Draw what the page's annotations show into `clean`'s content (PDF 32000-1, 12.5.5: the
    appearance's bounding box, through its matrix, is fitted to the annotation's rectangle)."""
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    if not isinstance(annotations, ArrayObject):
        return
    drawings, forms = [], {}
    for number, reference in enumerate(annotations[:MAX_ANNOTATIONS]):
        annotation = reference.get_object()
        if not isinstance(annotation, DictionaryObject) or annotation.get("/Subtype") in NOT_DRAWN:
            continue
        if int(annotation.get("/F", 0) or 0) & HIDDEN or "/Rect" not in annotation:
            continue
        appearance = _normal_appearance(annotation)
        if appearance is None:
            continue
        form = copier.copy(appearance)
        stream = form.get_object()
        if not isinstance(stream, StreamObject) or "/BBox" not in stream:
            continue
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        fitted = _fit(stream, annotation["/Rect"])
        if fitted is None:
            continue
        name = f"/PacketsAnnotation{number}"
        forms[name] = form
        drawings.append("q " + " ".join(f"{v:.6f}" for v in fitted) + f" cm {name} Do Q")
    if not drawings:
        return
    resources = clean.get("/Resources")
    resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    xobjects.update({NameObject(name): form for name, form in forms.items()})
    resources[NameObject("/XObject")] = xobjects
    clean[NameObject("/Resources")] = resources  # this page's own: the copied one may be shared
    raw = clean.raw_get("/Contents") if "/Contents" in clean else None
    resolved = raw.get_object() if raw is not None else None
    existing = list(resolved) if isinstance(resolved, ArrayObject) else ([raw] if raw is not None else [])
    # the page's own drawing in q … Q, so that a state it leaves behind does not move the annotations
    clean[NameObject("/Contents")] = ArrayObject([
        copier.new_stream(b"q\n"), *existing, copier.new_stream(("Q\n" + "\n".join(drawings) + "\n").encode())])


def _normal_appearance(annotation: DictionaryObject):
    """The annotation's normal appearance stream (for a field with states, the current state's)."""
    appearances = annotation.get("/AP")
    appearances = appearances.get_object() if appearances is not None else None
    if not isinstance(appearances, DictionaryObject) or "/N" not in appearances:
        return None
    normal = appearances.raw_get("/N")
    resolved = normal.get_object()
    if isinstance(resolved, StreamObject):
        return normal
    if isinstance(resolved, DictionaryObject):  # by state: /On, /Off…
        state = annotation.get("/AS")
        return resolved.raw_get(state) if state is not None and state in resolved else None
    return None


def _fit(form: StreamObject, rect) -> tuple[float, ...] | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in form["/BBox"])
        a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", (1, 0, 0, 1, 0, 0)))
        r0, s0, r1, s1 = (float(v) for v in rect)
    except (TypeError, ValueError):
        return None
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
    left, right = min(p[0] for p in corners), max(p[0] for p in corners)
    bottom, top = min(p[1] for p in corners), max(p[1] for p in corners)
    r0, r1, s0, s1 = min(r0, r1), max(r0, r1), min(s0, s1), max(s0, s1)
    if right - left <= 0 or top - bottom <= 0:
        return None
    sx, sy = (r1 - r0) / (right - left), (s1 - s0) / (top - bottom)
    return sx, 0.0, 0.0, sy, r0 - left * sx, s0 - bottom * sy


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
        self.sizes: dict[int, int] = {}  # id of each stream copied → its decoded size
        self.decoded = 0  # of every stream copied

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
            self._measure(value)
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

    def _measure(self, source: StreamObject) -> None:
        """The stream's decoded size, counted against the stream's and the file's budgets."""
        try:
            size = stream_size(source._data, *_filters(source), _image(source), MAX_DECODED_STREAM)
        except OverBudget:
            raise UnsafePdf(_("其中一项内容解压后超过{limit}MB，请重新扫描或用“打印为PDF”另存后再附上").format(
                limit=MAX_DECODED_STREAM // 2**20)) from None
        self.sizes[id(source)] = size
        self.decoded += size
        if self.decoded > MAX_DECODED_FILE:
            raise UnsafePdf(_("解压后合计超过{limit}MB，请降低扫描分辨率或拆分后再附上").format(
                limit=MAX_DECODED_FILE // 2**20))

    def new_stream(self, data: bytes) -> IndirectObject:
        stream = StreamObject()
        stream.set_data(data)
        return self.writer._add_object(stream)

    def _count(self, n: int) -> None:
        self.elements += n
        if self.elements > MAX_ELEMENTS:
            raise UnsafePdf(_("结构过于复杂，请用“打印为PDF”另存后再附上"))


def _filters(stream: StreamObject) -> tuple[list[str], list[dict]]:
    """The stream's filters, in order, each with its parameters ({} when it has none)."""
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    names = [str(f.get_object()) for f in filters] if isinstance(filters, ArrayObject) else \
        [str(filters)] if filters is not None else []
    parameters = stream.get("/DecodeParms")
    parameters = parameters.get_object() if parameters is not None else None
    listed = list(parameters) if isinstance(parameters, ArrayObject) else [parameters]
    listed = [p.get_object() if p is not None else None for p in listed]
    listed = [p if isinstance(p, DictionaryObject) else {} for p in listed]
    return names, (listed + [{}] * len(names))[:len(names)]


def _image(stream: StreamObject) -> dict | None:
    """What an image XObject declares about its size (None for any other stream)."""
    if _resolved(stream, "/Subtype") != "/Image":
        return None
    mask = _resolved(stream, "/ImageMask") == BooleanObject(True)
    space = _resolved(stream, "/ColorSpace")
    return {"/Width": _resolved(stream, "/Width"), "/Height": _resolved(stream, "/Height"),
            "/BitsPerComponent": 1 if mask else _resolved(stream, "/BitsPerComponent") or 8,
            "components": 1 if mask else image_components(str(space) if isinstance(space, NameObject) else space)}


def _resolved(dictionary: DictionaryObject, key: str):
    value = dictionary.get(key)
    return value.get_object() if value is not None else None


def _is_active(value: DictionaryObject) -> bool:
    """An action, file specification, embedded file or annotation (of any kind)."""
    kind = value.get("/Type")
    if kind in DROPPED_TYPES:
        return True
    if value.get("/S") in ACTIONS:
        return True
    return "/Rect" in value and "/Subtype" in value and kind in (None, "/Annot")
