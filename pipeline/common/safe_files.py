"""Reading a file named by a user without being led astray: regular files only (a named pipe or a
device would block or never end) and never more than a stated number of bytes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.common.errors import UserProblem
from pipeline.common.i18n import _


class FileRefused(UserProblem):
    """Why a file was not read, in words for the user (Chinese; translated with --lang en)."""


def read_regular_file(path: Path, limit: int) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileRefused(_("无法读取（{reason}）").format(reason=exc.strerror or exc)) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(_("不是普通文件（可能是管道、设备或文件夹）"))
        if info.st_size > limit:
            raise FileRefused(_("超过{limit}的大小上限").format(limit=size_text(limit)))
        os.set_blocking(descriptor, True)
        with os.fdopen(descriptor, "rb", closefd=True) as handle:
            descriptor = -1
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileRefused(_("无法读取（{reason}）").format(reason=exc.strerror or exc)) from None
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if len(data) > limit:  # grew while being read
        raise FileRefused(_("超过{limit}的大小上限").format(limit=size_text(limit)))
    return data


def size_text(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.0f}MB"
    return f"{size / 2**10:.0f}KB"
