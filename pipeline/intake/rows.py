"""A row as read from a file, before anyone judges its values, and the cell clean-up shared by
CSV and Excel."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.common.errors import RowError

# Characters that str.strip() keeps but that are never meant at the edge of a cell.
EXTRA_BLANKS = "\u200b\ufeff\u2060"


@dataclass(frozen=True)
class RawRow:
    source: str  # the input file's name
    row: int  # spreadsheet row number (header = 1)
    cells: dict[str, str]  # column key → trimmed text, only non-empty cells
    headers: dict[str, str]  # column key → header as the file names it
    problems: tuple[RowError, ...] = ()


def clean_cell(text: str) -> str:
    """Trim ordinary, full-width and zero-width spaces around a cell."""
    return text.strip().strip(EXTRA_BLANKS).strip()


def has_broken_bytes(text: str) -> bool:
    """Undecodable bytes are kept as lone surrogates U+DC80–U+DCFF (see encoding.py)."""
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def readable(text: str) -> str:
    """Show undecodable bytes as U+FFFD in messages."""
    return "".join("\ufffd" if "\udc80" <= ch <= "\udcff" else ch for ch in text)
