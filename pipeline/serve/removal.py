"""Deleting a batch's folder whatever an upload put in it: iteratively (shutil.rmtree recurses once
per folder level and ends in RecursionError on an entry nested 1,000 folders deep), one open folder
at a time (a deep tree does not exhaust file descriptors), names taken relative to an open folder
(a path of any length), and never following a symbolic link out of the tree."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def remove_tree(path: Path) -> None:
    """Remove `path` and everything under it (gone already: nothing to do); an OSError says what could not go."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(info.st_mode):
        os.unlink(path)
        return
    folder = os.open(path, _FOLDER)
    names: list[str] = []  # the way down from `path` to the folder open now
    try:
        while True:
            below = _first_subfolder_after_emptying(folder)
            if below is not None:
                child = os.open(below, _FOLDER, dir_fd=folder)
                os.close(folder)
                folder = child
                names.append(below)
                continue
            if not names:
                break
            parent = os.open("..", _FOLDER, dir_fd=folder)
            os.close(folder)
            folder = parent
            os.rmdir(names.pop(), dir_fd=folder)
    finally:
        os.close(folder)
    os.rmdir(path)


def _first_subfolder_after_emptying(folder: int) -> str | None:
    """Unlink the folder's files and links; the name of a subfolder still in it, if any."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                return entry.name
            os.unlink(entry.name, dir_fd=folder)
    return None
