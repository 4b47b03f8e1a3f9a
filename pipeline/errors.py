"""The two kinds of problems users see: a row that cannot be used, and a run that cannot start."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem with one cell (or one row) of an input file.

    `column` is the header as the file names it ('' for row-level problems);
    `value` is already masked when the column holds personal data.
    `severity` is 'error' (the row gets no packet) or 'warning' (it does).
    """

    source: str
    row: int
    column: str
    value: str
    code: str
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class RunError(Exception):
    """The run cannot start or cannot go on (unreadable file, missing column, no LibreOffice…).

    The message is shown to the user as it is, in one line, without a traceback.
    """
