"""Rows re-typed by a caseworker (the office server's 改正这一行 form), laid over the file as it was
uploaded: the upload itself is never changed, so nothing the caseworker sent is lost, and the
corrected rows go through the same checks as every other row.

A correction is the whole row as the form sent it, so it replaces the row's cells and the problems
its reading had (a broken quote, a cell too long): those were about the text that is gone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake import InputFile
from pipeline.intake.columns import IntakeColumns
from pipeline.intake.header import Header
from pipeline.intake.rows import RawRow, clean_cell

# source (the file's name) → spreadsheet row → column key → text
Corrections = Mapping[str, Mapping[int, Mapping[str, str]]]


@dataclass
class CorrectedInput:
    """An input file whose corrected rows read as the caseworker re-typed them (an `InputFile`)."""

    original: InputFile  # the file as uploaded
    corrections: Mapping[int, Mapping[str, str]]
    columns: IntakeColumns

    path: Path = field(init=False)
    header: Header = field(init=False)
    notices: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.path, self.header, self.notices = self.original.path, self.original.header, self.original.notices

    @property
    def source(self) -> str:
        return self.original.source

    def count_rows(self) -> int:
        return self.original.count_rows()

    def rows(self) -> Iterator[RawRow]:
        for raw in self.original.rows():
            cells = self.corrections.get(raw.row)
            if cells is None:
                yield raw
                continue
            # a column the file lacks is named in messages as the contract names it
            headers = {**{key: self.columns.headers.get(key, key) for key in cells}, **raw.headers}
            yield RawRow(raw.source, raw.row, corrected_cells(cells), headers)


def corrected_cells(cells: Mapping[str, str]) -> dict[str, str]:
    """The form's values cleaned as a file's cells are: trimmed, the empty ones left out."""
    return {key: text for key, value in cells.items() if (text := clean_cell(value))}
