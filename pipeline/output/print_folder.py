"""OUT/print/: the batch's print file, written like every other output file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from pipeline.output.files import private_folder, write_atomically


def print_file_path(out: Path, packet_date: date) -> Path:
    return out / "print" / f"batch-{packet_date.isoformat()}.pdf"


def write_print_file(out: Path, packet_date: date, write: Callable[[BinaryIO], None]) -> Path:
    """The print file, as `write` writes it to the open file (it is written as it is made)."""
    target = print_file_path(out, packet_date)
    private_folder(target.parent)
    return write_atomically(target, write)
