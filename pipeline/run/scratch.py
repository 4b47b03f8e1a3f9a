"""A run's private scratch folder, and the clean-up of those that killed runs left behind.

The scratch folder holds what the workers make on the way to a packet — each chunk's composed Word
file with full ID and phone numbers, each worker's LibreOffice profile — so it is created 0700 and
removed when the run ends. A run killed with `kill -9` cannot remove it; its name therefore says whose
it is (`packets-run-<pid>-<start>-<random>`: the owner's process id and start time, which together
name one process for good), and the next run removes every such folder whose owner is gone, with
any LibreOffice still running from it and the pipe sockets its LibreOffice left in /tmp.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

from pipeline.pdf.libreoffice import reap_strays
from pipeline.pdf.soffice_converter import PIPE_FOLDERS, remove_pipe_sockets

PREFIX = "packets-run-"
_OWNED = re.compile(r"^packets-run-(\d+)-(\d+)-[A-Za-z0-9_]+$")
# Folders of builds from before the owner was part of the name: removed once nothing has changed in
# them for a day (no build keeps a scratch folder unchanged that long).
_UNOWNED = re.compile(r"^packets-run-[A-Za-z0-9_]{8}$")
UNOWNED_AGE = 24 * 3600
# The pipes our converters name themselves (uno_converter: packets-<worker pid>-<start count>).
_CONVERTER_PIPE = re.compile(r"^OSL_PIPE_(\d+)_packets-(\d+)-\d+$")


@contextlib.contextmanager
def run_scratch(parent: Path | None = None) -> Iterator[Path]:
    """The run's scratch folder (0700, named after this process), removed with everything in it when
    the block ends — also any LibreOffice still running with a profile inside it."""
    pid = os.getpid()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{pid}-{process_start(pid)}-", dir=parent))  # mkdtemp: 0700
    try:
        yield folder
    finally:
        with interrupts_held():  # a second Ctrl-C must not leave half of it behind
            _remove(folder)


@contextlib.contextmanager
def interrupts_held():
    """Ctrl-C and SIGTERM held back for the block, then acted on: for clean-up that a second one must
    not cut short. (A process told to die with its parent by PR_SET_PDEATHSIG gets the signal again
    each time it is handed to another thread of a dying parent; a person presses Ctrl-C twice.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {number: signal.signal(number, lambda number, _frame: received.append(number))
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received and callable(previous[received[0]]):
            previous[received[0]](received[0], None)  # e.g. raises KeyboardInterrupt, as it would have


def remove_stale_scratch(parent: Path | None = None) -> list[Path]:
    """Remove the scratch folders of runs whose process is gone (killed, or the machine restarted),
    their stray LibreOffice and its pipe sockets; returns the folders removed. Only this user's folders
    of this program's pattern are touched; those of live runs are left alone."""
    folder = Path(parent or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        owned = _OWNED.match(entry.name)
        if not owned and not _UNOWNED.match(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
            continue
        if owned and is_alive(int(owned.group(1)), int(owned.group(2))):
            continue
        if not owned and time.time() - info.st_mtime < UNOWNED_AGE:
            continue
        _remove(Path(entry.path))
        removed.append(Path(entry.path))
    _remove_dead_converter_pipes()
    return removed


def _remove(folder: Path) -> None:
    reap_strays(folder)
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:  # each LibreOffice profile: its single-instance pipe in /tmp
            if entry.is_dir(follow_symlinks=False):
                remove_pipe_sockets(Path(entry.path))
    shutil.rmtree(folder, ignore_errors=True)


def _remove_dead_converter_pipes() -> None:
    """The `--accept` pipes of converters whose worker is gone (their names carry its pid)."""
    for place in PIPE_FOLDERS:
        with contextlib.suppress(OSError), os.scandir(place) as entries:
            for entry in entries:
                match = _CONVERTER_PIPE.match(entry.name)
                if not match or int(match.group(1)) != os.getuid() or _pid_exists(int(match.group(2))):
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    if stat.S_ISSOCK(info.st_mode) and info.st_uid == os.getuid():
                        os.unlink(entry.path)


def process_start(pid: int) -> int:
    """A process's start time, in clock ticks since boot (/proc/<pid>/stat, field 22); 0 if unknown.
    With the pid it names one process: a pid reused later has another start time. Read directly, not
    through psutil (whose create_time is seconds since the epoch): the value is part of scratch
    folder names, which every version of the tool running on this machine must read the same way —
    another unit would make one version take another's live folder for a dead one and remove it."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return 0


def _pid_exists(pid: int) -> bool:
    return psutil.pid_exists(pid)


def is_alive(pid: int, started: int) -> bool:
    """Whether the process `pid` that started at `started` (process_start) still runs."""
    return _pid_exists(pid) and (started == 0 or process_start(pid) in (started, 0))
