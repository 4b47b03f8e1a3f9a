"""Evidence scans named in a row (证明文件): found, checked, measured and made into PDF pages.

Paths are relative to the folder of the input file and may not leave it. PDFs are kept as they are;
JPEG and PNG images are placed on A4 pages, upright by their EXIF orientation, without
re-compression (img2pdf). A file that is missing, unreadable, encrypted or corrupt makes the row
invalid, naming the file.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import img2pdf
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from pipeline.common.errors import Code, RowError
from pipeline.common.i18n import _
from pipeline.common.model import Attachment

SEPARATORS = re.compile(r"[;；、\n]")
A4 = (img2pdf.mm_to_pt(210), img2pdf.mm_to_pt(297))
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
MAX_BYTES = 50 * 2**20


class AttachmentProblem(Exception):
    pass


def load_attachments(text: str, base: Path, source: str, row: int, header: str
                     ) -> tuple[tuple[Attachment, ...], tuple[RowError, ...]]:
    attachments, problems = [], []
    for name in (part.strip() for part in SEPARATORS.split(text)):
        if not name:
            continue
        try:
            attachments.append(load_attachment(name, base))
        except AttachmentProblem as problem:
            message = _("「{column}」“{value}”{problem}").format(column=header, value=name, problem=problem)
            problems.append(RowError(source, row, header, name, Code.EVIDENCE_FILE, message))
    return tuple(attachments), tuple(problems)


def load_attachment(name: str, base: Path) -> Attachment:
    folder = base.resolve()
    path = (folder / name).resolve()
    if Path(name).is_absolute() or not path.is_relative_to(folder):
        raise AttachmentProblem(_("不在案件表所在的文件夹内，请使用相对于案件表的路径，并把文件放在该文件夹（或其子文件夹）中"))
    if not path.is_file():
        raise AttachmentProblem(_("找不到该文件，请检查文件名和所在文件夹"))
    suffix = path.suffix.lower()
    if suffix != ".pdf" and suffix not in IMAGE_SUFFIXES:
        raise AttachmentProblem(_("不是支持的文件类型，只支持 PDF、JPEG、PNG"))
    try:
        if path.stat().st_size > MAX_BYTES:
            raise AttachmentProblem(_("超过{limit}MB，请压缩或拆分后再附上").format(limit=MAX_BYTES // 2**20))
        data = path.read_bytes()
    except OSError as exc:
        raise AttachmentProblem(_("无法读取（{reason}）").format(reason=exc.strerror)) from None
    digest = hashlib.sha256(data).hexdigest()
    pdf = data if suffix == ".pdf" else _image_pages(data)
    return Attachment(name, _page_count(pdf, suffix), pdf, digest)


def _image_pages(data: bytes) -> bytes:
    try:
        return img2pdf.convert(data, layout_fun=img2pdf.get_layout_fun(A4, fit=img2pdf.FitMode.into),
                               rotation=img2pdf.Rotation.ifvalid)
    except Exception:  # img2pdf raises several types for unreadable images
        raise AttachmentProblem(_("图片已损坏或无法读取，请重新扫描")) from None


def _page_count(pdf: bytes, suffix: str) -> int:
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            raise AttachmentProblem(_("是加密的PDF，请提供未加密的文件"))
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise AttachmentProblem(_("已损坏或不是有效的PDF文件")) from None
    if pages == 0:
        raise AttachmentProblem(_("没有页面"))
    return pages
