"""Writing output files safely: private permissions, never a half-written file under its final name,
and never touching what the tool did not create.

The tool owns what it creates and nothing else. Every folder it creates holds a marker file
(`.packets-folder`); every temporary file has a name nobody else would choose
(`.<name>.packets-tmp-XXXXXXXX.part`). Only marked folders are ever re-moded or cleaned of leftovers,
only temporary files of that pattern are ever deleted, and nothing is written through a symbolic
link inside OUT (the user may make OUT itself a link: it is resolved once, at the start).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from pipeline.common.errors import RunError
from pipeline.common.i18n import _

FOLDER_MODE = 0o700  # staff machines are shared; these files hold personal financial data
FILE_MODE = 0o600
LOCK_FILE = ".packets.lock"
MARKER = ".packets-folder"  # in every folder this tool created: only those are its own
TEMP_INFIX = ".packets-tmp-"
_TEMP_FILE = re.compile(r"^\..+\.packets-tmp-[A-Za-z0-9_]{8}\.part$")
# Names the tool writes directly under OUT; each is checked for a symbolic link before a run starts.
OUT_NAMES = ("packets.log", "report.csv", "audit.log", "print", LOCK_FILE, MARKER)
# Folders that hold the system or everyone's files: never an output folder, nor anything inside
# the first group.
_SYSTEM_TREES = ("/proc", "/sys", "/dev", "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
                 "/boot")
_SYSTEM_FOLDERS = ("/", "/home", "/root", "/tmp", "/var", "/var/tmp", "/opt", "/srv", "/mnt", "/media", "/run")


def prepare_output_folder(out: Path) -> Path:
    """Check and create OUT before anything is written; returns it resolved. RunError (one line) when
    it is a system folder or the user's home, is not a folder, or holds a link where the tool writes."""
    folder = Path(os.path.abspath(out)).resolve()
    if _is_system_folder(folder):
        raise RunError(_("输出文件夹不能是系统文件夹或用户主目录（{folder}），请指定其中的一个子文件夹，如 {example}").format(
            folder=folder, example=folder / "packets" if folder != Path("/") else "/srv/packets"))
    if folder.exists() and not folder.is_dir():
        raise RunError(_("输出文件夹 {folder} 已存在，但不是文件夹").format(folder=out))
    try:
        private_folder(folder)
    except OSError as exc:
        raise RunError(_("无法创建输出文件夹 {folder}（{reason}）").format(folder=out, reason=exc.strerror or exc)) from exc
    for name in OUT_NAMES:
        refuse_link(folder / name)
    return folder


def _is_system_folder(folder: Path) -> bool:
    text = str(folder)
    if any(text == tree or text.startswith(tree + "/") for tree in _SYSTEM_TREES):
        return True
    homes = {Path.home().resolve()}
    with contextlib.suppress(KeyError, ImportError):
        import pwd  # noqa: PLC0415 - POSIX only

        homes.add(Path(pwd.getpwuid(os.geteuid()).pw_dir).resolve())
    return text in _SYSTEM_FOLDERS or folder in homes


def refuse_link(path: Path) -> None:
    """RunError if `path` is a symbolic link: writing through it would change a file elsewhere."""
    if path.is_symlink():
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        raise RunError(_("{path} 是符号链接（指向 {target}），为安全起见不会通过它写入；请删除该链接或换一个输出文件夹").format(
            path=path, target=target))


def is_own_folder(path: Path) -> bool:
    """Created by this tool (in this run or an earlier one): it holds the marker file."""
    try:
        return not path.is_symlink() and stat.S_ISREG(os.lstat(path / MARKER).st_mode)
    except OSError:
        return False


def private_folder(path: Path) -> Path:
    """A folder only its owner can open: created 0700 and marked as the tool's own; an existing folder
    is re-moded only if the tool created it. A symbolic link is refused (RunError)."""
    refuse_link(path)
    try:
        path.mkdir(mode=FOLDER_MODE, parents=True)
    except FileExistsError:
        if not path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path)) from None
        if is_own_folder(path) and stat.S_IMODE(path.stat().st_mode) != FOLDER_MODE:
            os.chmod(path, FOLDER_MODE)
        return path
    os.chmod(path, FOLDER_MODE)  # mkdir's mode passes through the umask, which may be looser or tighter
    os.close(os.open(path / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE))
    return path


def write_atomically(path: Path, data: bytes | Callable[[BinaryIO], None]) -> Path:
    """Write to a temporary file in the same folder, fsync it, then rename it into place. `data` is
    the bytes, or what writes them to the open file. A symbolic link at the final name or as the
    folder is refused (RunError), never followed or replaced."""
    refuse_link(path.parent)
    refuse_link(path)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}{TEMP_INFIX}", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


@contextlib.contextmanager
def locked(folder: Path, busy_message: str):
    """Hold an exclusive lock on `folder` for the duration; a second holder gets RunError.

    The lock is an flock on a file inside the folder: the kernel releases it when the process
    ends, however it ends, so a killed run never leaves the folder locked.
    """
    refuse_link(folder / LOCK_FILE)
    descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(busy_message) from None
        yield
    finally:
        os.close(descriptor)


def is_temporary_file(name: str) -> bool:
    return bool(_TEMP_FILE.match(name))


def remove_leftovers(folder: Path) -> int:
    """Temporary files of a run that was killed mid-write (never visible under a final name): only the
    tool's own (by their name) in OUT and in the folders it created directly under it."""
    count = 0
    folders = [folder]
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        folders += [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False) and is_own_folder(Path(e.path))]
    for place in folders:
        try:
            with os.scandir(place) as entries:
                leftovers = [e for e in entries if is_temporary_file(e.name) and e.is_file(follow_symlinks=False)]
        except OSError:
            continue
        for leftover in leftovers:
            Path(leftover.path).unlink(missing_ok=True)
            count += 1
    return count


def open_private_append(path: Path) -> int:
    """A descriptor appending to `path` (the log, the audit log), created 0600. A link is refused
    (RunError), never followed; an existing file keeps its mode unless the tool created its folder."""
    refuse_link(path)
    flags = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        try:
            descriptor = os.open(path, flags)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # became a link in between
                refuse_link(path)
            raise
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            os.close(descriptor)
            raise RunError(_("{path} 不是普通文件，无法写入").format(path=path)) from None
        if is_own_folder(path.parent):
            os.fchmod(descriptor, FILE_MODE)
        return descriptor
    os.fchmod(descriptor, FILE_MODE)  # the umask may have taken bits away; never added any
    return descriptor


def private_file(path: Path) -> Path:
    """Create a file that only its owner can read (see `open_private_append`)."""
    os.close(open_private_append(path))
    return path
