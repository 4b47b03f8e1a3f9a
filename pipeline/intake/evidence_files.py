"""Evidence scans named in a row (证明文件): found, checked, measured and made into safe PDF pages.

Paths are relative to the folder of the input file and may not leave it; only regular files are read
(a named pipe would block, a device never end). PDFs are rewritten with their visible pages only
(pdf_safety: no scripts, actions, attachments or forms survive); JPEG and PNG images are placed on A4
pages, upright by their EXIF orientation, without re-compression (img2pdf). Before anything decodes
them, PDFs' streams and images' frames are measured decoded against the budgets of decoded_size; an
image has a page per frame (a multi-page TIFF named .png is many pages, and counted so). A file that is missing,
unreadable, encrypted, corrupt or over a limit makes the row invalid, naming the file — whatever the
library reading it raises, it is that file's problem, never the batch's.

A row's evidence has its own limits (every time a file is named counts, so naming one large scan
thirty times is refused, not read thirty times): they keep a build's memory bounded whatever one row
contains.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import img2pdf
from PIL import Image
from pypdf import PdfReader

from pipeline.common.errors import Code, RowError
from pipeline.common.i18n import _
from pipeline.common.mask import shown
from pipeline.common.model import Attachment
from pipeline.common.safe_files import FileRefused, read_regular_file
from pipeline.intake.decoded_size import MAX_DECODED_FILE, MAX_DECODED_STREAM
from pipeline.intake.pdf_safety import TooManyPages, UnsafePdf, safe_pdf

log = logging.getLogger(__name__)
SEPARATORS = re.compile(r"[;；、\n]")
A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
MAX_BYTES = 40 * 2**20  # one file
MAX_ROW_BYTES = 40 * 2**20  # all the files of one row, each time it is named (see tests/run/test_memory_bound.py)
MAX_ROW_PAGES = 300  # all the pages of one row
MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel photo; more is a mistake or a decompression bomb


class AttachmentProblem(Exception):
    pass


class RowLimitReached(AttachmentProblem):
    """The row's evidence as a whole is over a limit: the files after this one are not read."""


@dataclass
class _Budget:
    """What is left of a row's evidence limits."""

    bytes: int
    pages: int

    @classmethod
    def full(cls) -> _Budget:
        return cls(MAX_ROW_BYTES, MAX_ROW_PAGES)


def load_attachments(text: str, base: Path, source: str, row: int, header: str
                     ) -> tuple[tuple[Attachment, ...], tuple[RowError, ...]]:
    attachments, problems = [], []
    budget = _Budget.full()
    done: dict[Path, tuple[Attachment, int]] = {}  # a file named twice is read once (and counted twice)
    for name in (part.strip() for part in SEPARATORS.split(text)):
        if not name:
            continue
        try:
            try:
                attachments.append(load_attachment(name, base, budget, done))
            except OSError as exc:  # a name too long for the system, a loop of links…
                raise AttachmentProblem(_("无法读取（{reason}）").format(reason=exc.strerror or exc)) from None
            except AttachmentProblem:
                raise
            except Exception as exc:  # whatever else a library raises: this file's problem, not the batch's
                log.exception("evidence file %s could not be read", shown(name))
                raise AttachmentProblem(_("无法读取（{kind}）").format(kind=type(exc).__name__)) from None
        except AttachmentProblem as problem:
            value = shown(name)
            message = _("「{column}」“{value}”{problem}").format(column=header, value=value, problem=problem)
            code = Code.EVIDENCE_TOO_LARGE if isinstance(problem, RowLimitReached) else Code.EVIDENCE_FILE
            problems.append(RowError(source, row, header, value, code, message))
            if isinstance(problem, RowLimitReached):
                break
    return tuple(attachments), tuple(problems)


def load_attachment(name: str, base: Path, budget: _Budget | None = None,
                    done: dict[Path, tuple[Attachment, int]] | None = None) -> Attachment:
    budget = budget if budget is not None else _Budget.full()
    done = done if done is not None else {}
    folder = base.resolve()
    path = (folder / name).resolve()
    if Path(name).is_absolute() or not path.is_relative_to(folder):
        raise AttachmentProblem(_("不在案件表所在的文件夹内，请使用相对于案件表的路径，并把文件放在该文件夹（或其子文件夹）中"))
    if path in done:
        attachment, cost = done[path]
        _spend(budget, cost, attachment.pages)
        return dataclasses.replace(attachment, name=name)
    if not path.exists():
        raise AttachmentProblem(_("找不到该文件，请检查文件名和所在文件夹"))
    suffix = path.suffix.lower()
    if suffix != ".pdf" and suffix not in IMAGE_SUFFIXES:
        raise AttachmentProblem(_("不是支持的文件类型，只支持 PDF、JPEG、PNG"))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AttachmentProblem(_("无法读取（{reason}）").format(reason=exc.strerror)) from None
    if size > MAX_BYTES:
        raise AttachmentProblem(_("超过{limit}MB，请压缩或拆分后再附上").format(limit=MAX_BYTES // 2**20))
    _spend(budget, size, 0, check_only=True)
    try:
        data = read_regular_file(path, MAX_BYTES)
    except FileRefused as refused:
        raise AttachmentProblem(str(refused)) from None
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".pdf":
        try:
            pdf, pages = safe_pdf(data, budget.pages)
        except TooManyPages as unsafe:  # alone over the row's limit, or with the files before it
            raise RowLimitReached(str(unsafe) if budget.pages == MAX_ROW_PAGES else _row_pages_message()) from None
        except UnsafePdf as unsafe:
            raise AttachmentProblem(str(unsafe)) from None
    else:
        pdf, pages = _image_pages(data, budget.pages)
    del data
    cost = max(size, len(pdf))  # the file as found, or as it travels on when that is larger
    _spend(budget, cost, pages)
    attachment = Attachment(name, pages, pdf, digest)
    done[path] = (attachment, cost)
    return attachment


def _spend(budget: _Budget, size: int, pages: int, check_only: bool = False) -> None:
    if size > budget.bytes:
        raise RowLimitReached(_("本行证明文件合计超过{limit}MB（同一文件每列出一次计算一次），请压缩、拆分或减少文件").format(
            limit=MAX_ROW_BYTES // 2**20))
    if pages > budget.pages:
        raise RowLimitReached(_row_pages_message())
    if not check_only:
        budget.bytes -= size
        budget.pages -= pages


def _row_pages_message() -> str:
    return _("本行证明文件合计超过{limit}页（同一文件每列出一次计算一次），请只附上需要的页面").format(limit=MAX_ROW_PAGES)


def _image_pages(data: bytes, pages_left: int) -> tuple[bytes, int]:
    """The image on A4 pages, one per frame; its frames measured (header only) before any is decoded."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1)
            if frames > pages_left:
                raise RowLimitReached(_row_pages_message() if pages_left < MAX_ROW_PAGES else _(
                    "有{frames}帧（每帧是一页），超过{limit}页，请只附上需要的页面").format(frames=frames, limit=MAX_ROW_PAGES))
            pixels, decoded = _measure_frames(image, frames)
    except AttachmentProblem:
        raise
    except Image.DecompressionBombError:
        pixels, decoded = MAX_IMAGE_PIXELS + 1, 0
    except Exception:  # Pillow raises several types for unreadable images
        raise AttachmentProblem(_("图片已损坏或无法读取，请重新扫描")) from None
    if pixels > MAX_IMAGE_PIXELS:
        raise AttachmentProblem(_("图片像素过多（超过{limit}万像素），请缩小后再附上").format(limit=MAX_IMAGE_PIXELS // 10_000))
    if decoded > MAX_DECODED_FILE:
        raise AttachmentProblem(_("图片解压后合计超过{limit}MB，请缩小或减少页数后再附上").format(
            limit=MAX_DECODED_FILE // 2**20))
    try:
        pdf = img2pdf.convert(data, layout_fun=img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into),
                              rotation=img2pdf.Rotation.ifvalid)
        return pdf, len(PdfReader(io.BytesIO(pdf)).pages)  # an animated PNG is its first frame only
    except Exception:  # img2pdf raises several types for unreadable images
        raise AttachmentProblem(_("图片已损坏或无法读取，请重新扫描")) from None


def _measure_frames(image: Image.Image, frames: int) -> tuple[int, int]:
    """(the largest frame's pixels, all frames' decoded bytes), read from the frames' headers."""
    largest = decoded = 0
    for frame in range(frames):
        image.seek(frame)
        pixels = image.width * image.height
        size = pixels * len(image.getbands())
        if size > MAX_DECODED_STREAM:  # over the pixel limit too: refused as too many pixels
            return MAX_IMAGE_PIXELS + 1, size
        largest, decoded = max(largest, pixels), decoded + size
        if decoded > MAX_DECODED_FILE:
            break
    return largest, decoded
