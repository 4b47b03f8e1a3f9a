"""The uploaded spreadsheet and evidence zip at the door: within their size limits (413), of the type
they claim to be — a wrong one is named (`这是 PDF 文件…`) — and saved privately under a name that is
safe to use as a file name (the original one when it is, so that report.csv names the file staff know).
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path
from typing import BinaryIO

from pipeline.common.i18n import N_
from pipeline.common.safe_files import size_text
from pipeline.output.files import FILE_MODE
from pipeline.serve.refusals import Refusal

SHEET_SUFFIXES = (".xlsx", ".csv")
OLD_OFFICE = N_("旧版 Office 文件（.xls 或 .doc）")
_SIGNATURES = (
    (b"%PDF", N_("PDF 文件")),
    (b"\x89PNG", N_("PNG 图片")),
    (b"\xff\xd8\xff", N_("JPEG 图片")),
    (b"\xd0\xcf\x11\xe0", OLD_OFFICE),
    (b"Rar!", N_("RAR 压缩包")),
    (b"7z\xbc\xaf\x27\x1c", N_("7z 压缩包")),
    (b"\x1f\x8b", N_("gzip 压缩包")),
    (b"{\\rtf", N_("RTF 文档")),
)
XLSX, ZIP = "xlsx", "zip"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def kind_of(handle: BinaryIO) -> str | None:
    """`xlsx`, `zip`, the name of another recognised type (a msgid), or None (text, presumably)."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(handle) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return ZIP
        finally:
            handle.seek(0)
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return N_("Word 文档（.docx）")
        return ZIP
    return None


HEAD_BYTES = 64 * 1024  # a header line is far shorter; a line longer than this is no header


def _first_line(handle: BinaryIO) -> str | None:
    """The text file's first line (UTF-8, with or without BOM, else GB18030 as Chinese Excel saves);
    None when the bytes are not text in either."""
    handle.seek(0)
    head = handle.read(HEAD_BYTES)
    handle.seek(0)
    line = head.split(b"\n", 1)[0]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _has_a_column_name(line: str, known: frozenset[str]) -> bool:
    cells = (cell.strip().strip('"').strip().casefold() for cell in re.split(r"[,\t;，]", line))
    return any(cell in known for cell in cells)


def sheet_suffix(filename: str, handle: BinaryIO, known_columns: frozenset[str]) -> str:
    """The saved sheet's suffix, judged by what the file holds: an Excel workbook, or text whose first
    line names at least one column of the case sheet (`known_columns`, casefolded headers and keys)
    whatever the file is called — a notes.txt is refused here with a hint, not turned into a batch
    that fails. An old .xls gets the way to save it as .xlsx."""
    handle.seek(0, os.SEEK_END)
    if handle.tell() == 0:
        raise Refusal(400, N_("上传的案件表是空文件（0 字节）：请检查是否选错了文件，或在 Excel 中保存后重新上传"))
    handle.seek(0)
    kind = kind_of(handle)
    if kind == XLSX:
        return ".xlsx"
    if kind == OLD_OFFICE and Path(filename).suffix.lower() != ".doc":
        raise Refusal(400, N_("上传的案件表是旧版 Excel 文件（.xls）：请在 Excel 中打开，选“另存为”→“Excel 工作簿（.xlsx）”，"
                              "再上传另存的文件"))
    if kind is None:
        line = _first_line(handle)
        if line is not None and _has_a_column_name(line, known_columns):
            return ".csv"
        if line is not None:
            raise Refusal(400, N_("上传的是文本文件，但第一行不是案件表的列名（如 案件编号、姓名）：请上传填好的案件表（.xlsx），"
                                  "或在 Excel 中“另存为”CSV（逗号分隔）后上传"))
        raise Refusal(400, N_("案件表应为 Excel 工作簿（.xlsx）或 CSV 文件（.csv），上传的文件不是"))
    if kind == ZIP:
        kind = N_("zip 压缩包")
    raise Refusal(400, N_("上传的案件表是{kind}，不是案件表：请上传 Excel 工作簿（.xlsx）或 CSV 文件（.csv）"), kind=kind)


def check_evidence(handle: BinaryIO) -> None:
    kind = kind_of(handle)
    if kind not in (ZIP, XLSX):
        raise Refusal(400, N_("证明材料应为一个 .zip 压缩包，上传的是{kind}"), kind=kind or N_("文本或未知类型的文件"))


def check_size(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise Refusal(413, N_("{what}超过大小上限（{limit}），请拆分后分批上传"), what=what, limit=size_text(limit))


def safe_name(filename: str, suffix: str) -> str:
    """The upload's own name when it is a plain file name, else `cases<suffix>`."""
    name = re.split(r"[/\\]", filename or "")[-1].strip()
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    if not stem or len(stem) > 100 or stem.startswith((".", "-")) or _UNSAFE.search(stem):
        stem = "cases"
    return stem + suffix


def save(handle: BinaryIO, path: Path) -> Path:
    """Copy an upload into a new private file (never over an existing one)."""
    handle.seek(0)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    with os.fdopen(descriptor, "wb") as out:
        shutil.copyfileobj(handle, out, 2**20)
    return path

