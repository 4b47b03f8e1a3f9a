"""A zip of evidence scans, unpacked next to the uploaded spreadsheet so that the 证明文件 column's
relative paths (`scans/张三-银行流水.pdf`) resolve as they do on the staff member's own PC.

Every entry is checked before anything is written, and the whole zip is refused (a Refusal, 400)
when one entry is unsafe: an absolute path or a drive letter, a `..` step, a symlink, a device or
pipe, an encrypted entry, or a name given twice — zip-slip — and an entry nested more than MAX_DEPTH
folders deep or with a name longer than a file system allows (NAME_MAX_BYTES). Zip bombs stop at a total unpacked size
and an entry count, counted on the bytes actually written, not on what the zip's header claims.
Files are created 0600 with O_EXCL | O_NOFOLLOW inside folders this code made itself, so nothing can
be written outside the target folder.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from pipeline.common.i18n import N_
from pipeline.common.safe_files import size_text
from pipeline.output.files import FILE_MODE, FOLDER_MODE
from pipeline.serve.refusals import Refusal

UTF8_FLAG = 0x800  # general purpose bit 11: the name is UTF-8
ENCRYPTED_FLAG = 0x1
UNIX = 3  # create_system of zips made on Unix: external_attr's high half is st_mode
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SKIPPED = ("__MACOSX/",)  # macOS resource forks: not scans
MAX_DEPTH = 16  # folders above a scan: scans/张三/2026/… needs a few; 1,000 only serves to break a deletion
NAME_MAX_BYTES = 255  # one file or folder name, in UTF-8 bytes (Linux's NAME_MAX; ext4 and most others)


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its author typed it. Windows' own "compressed folder" writes names in the
    system code page (GBK on Chinese Windows) without the UTF-8 flag; Python then decodes them as
    cp437, which would turn 银行流水.pdf into mojibake that no 证明文件 cell matches."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _shown(name: str) -> str:
    return _CONTROL.sub("?", name)[:200]


def _refuse(name: str, why: str) -> Refusal:
    return Refusal(400, N_("证明材料压缩包中的「{entry}」{why}，整个压缩包未被使用"), entry=_shown(name), why=why)


def _relative_parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    name = entry_name(info)
    if info.flag_bits & ENCRYPTED_FLAG:
        raise _refuse(name, N_("已加密，请去掉密码后重新压缩"))
    if _CONTROL.search(name):
        raise _refuse(name, N_("的名称含有控制字符"))
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path):
        raise _refuse(name, N_("是绝对路径（压缩包中只能有相对路径）"))
    parts = tuple(p for p in PurePosixPath(path).parts if p not in ("", "."))
    if ".." in parts:
        raise _refuse(name, N_("指向压缩包以外的位置（含 ..）"))
    if len(parts) > MAX_DEPTH + 1:
        raise Refusal(400, N_("证明材料压缩包中的「{entry}」所在的文件夹超过 {limit} 层，整个压缩包未被使用"),
                      entry=_shown(name), limit=MAX_DEPTH)
    if any(len(part.encode("utf-8", "surrogateescape")) > NAME_MAX_BYTES for part in parts):
        raise Refusal(400, N_("证明材料压缩包中的「{entry}」名称过长（每一级文件夹或文件名最多 {limit} 字节，约 85 个汉字），"
                              "整个压缩包未被使用"), entry=_shown(name), limit=NAME_MAX_BYTES)
    if info.create_system == UNIX:
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse(name, N_("是符号链接"))
        if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise _refuse(name, N_("是设备或管道，不是普通文件"))
    return parts


def unpack_evidence(source: Path | BinaryIO, into: Path, *, max_bytes: int, max_entries: int,
                    reserved: frozenset[str] = frozenset(), too_large: Refusal | None = None) -> int:
    """Unpack the zip `source` into `into` (an existing private folder); returns the number of files
    written. `reserved` are names at the top of `into` the zip may not use (the spreadsheet's);
    `too_large` is raised instead of the size limit's own message when the unpacked bytes pass
    `max_bytes` (the user's remaining quota, when that is the nearer limit)."""
    too_large = too_large or Refusal(400, N_("证明材料压缩包解压后超过大小上限（{limit}）"), limit=size_text(max_bytes))
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise Refusal(400, N_("证明材料不是有效的 .zip 压缩包")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise Refusal(400, N_("证明材料压缩包中的文件过多（{count} 个，上限 {limit} 个）"),
                          count=len(infos), limit=max_entries)
        if sum(info.file_size for info in infos) > max_bytes:
            raise too_large
        plan: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
        seen: set[tuple[str, ...]] = set()
        for info in infos:
            parts = _relative_parts(info)
            if not parts or entry_name(info).replace("\\", "/").startswith(SKIPPED):
                continue
            key = tuple(p.casefold() for p in parts)
            if key in seen or (len(parts) == 1 and parts[0] in reserved and not info.is_dir()):
                raise _refuse(entry_name(info), N_("重复，或与案件表同名"))
            seen.add(key)
            plan.append((info, parts))
        written = 0
        total = 0
        for info, parts in plan:
            if info.is_dir():
                _folder(into, parts)
                continue
            folder = _folder(into, parts[:-1])
            total = _extract(archive, info, folder / parts[-1], total, max_bytes, too_large)
            written += 1
    return written


def _folder(root: Path, parts: tuple[str, ...]) -> Path:
    folder = root
    for part in parts:
        folder = folder / part
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if folder.is_symlink() or not folder.is_dir():
                raise Refusal(400, N_("证明材料压缩包中的「{entry}」既是文件又是文件夹"), entry=part) from None
    return folder


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, total: int, max_bytes: int,
             too_large: Refusal) -> int:
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    except FileExistsError:
        raise _refuse(entry_name(info), N_("重复，或与案件表同名")) from None
    try:
        with os.fdopen(descriptor, "wb") as out, archive.open(info) as source:
            while chunk := source.read(2**20):
                total += len(chunk)
                if total > max_bytes:  # a header that understates its entry's size
                    raise too_large
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, zipfile.LargeZipFile):
        raise _refuse(entry_name(info), N_("已损坏或使用了不支持的压缩方式")) from None
    return total
