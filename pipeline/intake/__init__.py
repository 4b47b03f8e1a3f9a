"""Stage 1 — intake: input files (CSV in any usual encoding, Excel .xlsx) → `RawRow`s.

Nothing here judges the values; every data row reaches the contract stage with its spreadsheet
row number and the header text as the file spells it. Evidence scans named in a row are found,
checked and made into safe PDF pages here too (`evidence_files`), for the contract stage to attach.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.intake.columns import IntakeColumns
from pipeline.intake.csv_file import open_csv
from pipeline.intake.header import Header
from pipeline.intake.rows import RawRow
from pipeline.intake.xlsx_file import SUFFIXES, open_workbook

__all__ = ["InputFile", "IntakeColumns", "RawRow", "open_input"]


class InputFile(Protocol):
    path: Path
    header: Header
    notices: list[str]  # file-level remarks for the user (ignored columns, a header-only file…)

    @property
    def source(self) -> str: ...

    def rows(self) -> Iterator[RawRow]: ...

    def count_rows(self) -> int: ...


def open_input(path: Path, columns: IntakeColumns, sheet: str | None = None) -> InputFile:
    """Open a file and check its header; its rows are read later, as a stream."""
    if not path.is_file():
        if path.exists():  # a folder, a named pipe (reading it would wait forever), a device
            raise RunError(_("{file}：不是普通文件（可能是文件夹、管道或设备）").format(file=path))
        raise RunError(_("{file}：找不到文件").format(file=path))
    if path.suffix.lower() in SUFFIXES:  # `sheet` is for workbooks only
        return open_workbook(path, columns, sheet)
    return open_csv(path, columns)
