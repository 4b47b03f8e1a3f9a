"""`packets purge`: delete the packets of cases built longer ago than the office keeps them, or of the
cases named, with a line per case in OUT/audit.log.

A case folder's build time is when its manifest was written (the last file of a build), or, for a
case whose last build failed, its newest file. Only the files a build writes are deleted (the list
output/case_folder.py keeps as it writes them, and the tool's temporary files); anything else staff put
in a case folder is left where it is and reported, and the folder goes only when it is empty. Symbolic links are never followed. The print files (OUT/print/) hold
every case of their batch: `--older-than` deletes those older than the limit too.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.output.audit import AuditAction, AuditLog
from pipeline.output.case_folder import is_case_file
from pipeline.output.files import MARKER, is_temporary_file, locked
from pipeline.output.manifest import MANIFEST

PRINT_FOLDER = "print"
_PRINT_FILE = re.compile(r"^batch-\d{4}-\d{2}-\d{2}\.pdf$")


@dataclass(frozen=True)
class PurgedCase:
    case_id: str
    built: datetime
    files: tuple[str, ...]  # deleted (or, in a dry run, to be deleted)
    kept: tuple[str, ...] = ()  # files staff put there: left alone, so the folder stays


@dataclass
class PurgeResult:
    cases: list[PurgedCase] = field(default_factory=list)
    print_files: list[str] = field(default_factory=list)  # names inside OUT/print/
    not_found: list[str] = field(default_factory=list)  # case ids asked for that have no folder
    not_case_folders: list[str] = field(default_factory=list)  # asked for, but a folder the tool did not make


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '8w', or a plain number of days; ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*([dhw]?)\s*", text.lower())
    if not match:
        raise ValueError(text)
    number, unit = int(match.group(1)), match.group(2) or "d"
    return {"d": timedelta(days=number), "h": timedelta(hours=number), "w": timedelta(weeks=number)}[unit]


def purge(out: Path, *, older_than: timedelta | None = None, cases: tuple[str, ...] = (), dry_run: bool = False,
          now: datetime | None = None) -> PurgeResult:
    """Delete what `older_than` and `cases` select (both given: the cases named that are that old)."""
    if older_than is None and not cases:
        raise ValueError("purge needs older_than or cases")
    if not out.is_dir():
        raise RunError(_("找不到输出文件夹 {folder}").format(folder=out))
    cutoff = (now or datetime.now()) - older_than if older_than is not None else None
    result = PurgeResult()
    busy = _("输出文件夹 {folder} 正在被生成任务使用，请等它结束后再删除").format(folder=out)
    with locked(out, busy), contextlib.ExitStack() as stack:
        audit = None if dry_run else stack.enter_context(AuditLog(out))
        # The selection is fixed before anything is deleted: the ids asked for, and nothing else.
        asked = {case.casefold(): case for case in cases}
        folders = _case_folders(out)
        if asked:
            present = {folder.name.casefold() for folder in folders}
            result.not_case_folders = [case for key, case in asked.items()
                                       if key not in present and _is_folder(out / case)]
            result.not_found = [case for key, case in asked.items()
                                if key not in present and case not in result.not_case_folders]
            folders = [folder for folder in folders if folder.name.casefold() in asked]
        for folder in folders:
            built = _built(folder)
            if built is None or (cutoff is not None and built > cutoff):
                continue
            purged = _purge_case(folder, built, dry_run)
            if purged.files:
                result.cases.append(purged)
                if audit:
                    audit.record(AuditAction.PURGED, purged.case_id, purged.files)
        if cutoff is not None:
            result.print_files = _purge_print_files(out / PRINT_FOLDER, cutoff, dry_run, audit)
    return result


def _case_folders(out: Path) -> list[Path]:
    """Folders directly under OUT that a build made: marked as the tool's, or holding a manifest
    (builds from before the marker). Links are skipped, never followed."""
    found = []
    with os.scandir(out) as entries:
        for entry in entries:
            if entry.name == PRINT_FOLDER or not entry.is_dir(follow_symlinks=False):
                continue
            folder = Path(entry.path)
            if _is_regular(folder / MARKER) or _is_regular(folder / MANIFEST):
                found.append(folder)
    return sorted(found)


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _built(folder: Path) -> datetime | None:
    manifest = folder / MANIFEST
    if _is_regular(manifest):
        return datetime.fromtimestamp(os.lstat(manifest).st_mtime)
    times = [os.lstat(Path(e.path)).st_mtime for e in os.scandir(folder)
             if e.is_file(follow_symlinks=False) and e.name != MARKER]
    return datetime.fromtimestamp(max(times)) if times else None


def _is_build_file(name: str) -> bool:
    return is_case_file(name) or is_temporary_file(name)


def _purge_case(folder: Path, built: datetime, dry_run: bool) -> PurgedCase:
    deleted, kept = [], []
    with os.scandir(folder) as entries:
        found = sorted(entries, key=lambda e: (e.name == MARKER, e.name != MANIFEST, e.name))  # manifest first
    for entry in found:
        if entry.is_file(follow_symlinks=False) and _is_build_file(entry.name):
            if not dry_run:
                os.unlink(entry.path)
            if entry.name != MARKER and not is_temporary_file(entry.name):
                deleted.append(entry.name)
        else:
            kept.append(entry.name)
    if not kept and not dry_run:
        with contextlib.suppress(OSError):
            folder.rmdir()
    return PurgedCase(folder.name, built, tuple(deleted), tuple(kept))


def _purge_print_files(folder: Path, cutoff: datetime, dry_run: bool, audit: AuditLog | None) -> list[str]:
    if folder.is_symlink() or not folder.is_dir():
        return []
    deleted = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        if not (_PRINT_FILE.match(entry.name) and entry.is_file(follow_symlinks=False)):
            continue
        if datetime.fromtimestamp(entry.stat(follow_symlinks=False).st_mtime) > cutoff:
            continue
        if not dry_run:
            os.unlink(entry.path)
            if audit:
                audit.record(AuditAction.PURGED, PRINT_FOLDER, [f"{PRINT_FOLDER}/{entry.name}"])
        deleted.append(entry.name)
    return deleted
