"""Writing output files safely: private permissions, and never a half-written file under its final name."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from pathlib import Path

from pipeline.common.errors import RunError

FOLDER_MODE = 0o700  # staff machines are shared; these files hold personal financial data
FILE_MODE = 0o600
LOCK_FILE = ".packets.lock"


def private_folder(path: Path) -> Path:
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(path, FOLDER_MODE)
    return path


def write_atomically(path: Path, data: bytes) -> Path:
    """Write to a temporary file in the same folder, fsync it, then rename it into place."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
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
    descriptor = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunError(busy_message) from None
        yield
    finally:
        os.close(descriptor)


def remove_leftovers(folder: Path) -> int:
    """Temporary files of a run that was killed mid-write (never visible under a final name)."""
    count = 0
    for leftover in folder.glob("**/.*.part"):
        leftover.unlink(missing_ok=True)
        count += 1
    return count


def private_file(path: Path) -> Path:
    """Create (or re-mode) a file that only its owner can read, e.g. the log."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE))
    os.chmod(path, FILE_MODE)
    return path
