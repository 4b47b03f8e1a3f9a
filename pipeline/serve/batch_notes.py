"""What a batch keeps about itself in its own folder, never in the database: the uploaded file's
name, why the batch failed, the file-level notices of its check or build, and every row its check
found (their messages quote cells: names, amounts). Deleting the folder — by its owner or by
retention — takes all of it; the database holds only ids, states, counts, options and times.

    DATA/batches/<id>/source.txt      the spreadsheet's name, as uploaded (input/ holds it by that name)
    DATA/batches/<id>/reason.txt      why it failed, in its owner's language (or a message id)
    DATA/batches/<id>/notices.txt     one notice a line
    DATA/batches/<id>/checked.jsonl   one row of the check a line, in input order
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.common.errors import RowOutcome
from pipeline.output.files import FILE_MODE, write_atomically

SOURCE, REASON, NOTICES, CHECKED = "source.txt", "reason.txt", "notices.txt", "checked.jsonl"
CORRECTIONS = "corrections.json"  # rows re-typed in the browser, laid over the upload (intake/corrections.py)


def write_note(folder: Path, name: str, text: str) -> None:
    """One note, whole or not at all; an empty one is removed. A folder already deleted takes none."""
    path = folder / name
    try:
        if text:
            write_atomically(path, text.encode("utf-8"))
        else:
            path.unlink(missing_ok=True)
    except FileNotFoundError:
        pass


def read_note(folder: Path, name: str) -> str:
    try:
        return (folder / name).read_text("utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return ""


@dataclass(frozen=True)
class CheckedRow:
    row: int
    case_id: str
    status: str
    problems: list[dict]  # [{"column", "message", "warning"}]


def forget_checked_rows(folder: Path) -> None:
    (folder / CHECKED).unlink(missing_ok=True)


def add_checked_rows(folder: Path, outcomes: list[RowOutcome]) -> None:
    lines = "".join(json.dumps({"row": o.row, "case_id": o.case_id, "status": str(o.status), "problems": [
        {"column": p.column, "message": p.message, "warning": not p.is_error} for p in o.problems]},
        ensure_ascii=False) + "\n" for o in outcomes)
    descriptor = os.open(folder / CHECKED, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, FILE_MODE)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(lines)


@dataclass(frozen=True)
class CheckedPage:
    """One page of the check's rows, and what the page links need: how many rows there are, how many
    have a problem (an error or a warning), and how many match the page's filter."""

    rows: list[CheckedRow]
    total: int
    with_problems: int
    matching: int


def checked_page(folder: Path, offset: int, limit: int, problems_only: bool = False) -> CheckedPage:
    """`limit` rows from the `offset`-th of those matching (every row, or only those with a problem),
    counting them all on the way: one streaming pass over a sheet of any length."""
    rows: list[CheckedRow] = []
    total = with_problems = matching = 0
    for row in _stored_rows(folder):
        total += 1
        with_problems += bool(row.problems)
        if problems_only and not row.problems:
            continue
        if offset <= matching < offset + limit:
            rows.append(row)
        matching += 1
    return CheckedPage(rows, total, with_problems, matching)


def checked_rows(folder: Path) -> list[CheckedRow]:
    """Every row of the check, in the sheet's order."""
    return list(_stored_rows(folder))


def _stored_rows(folder: Path) -> Iterator[CheckedRow]:
    """The check's rows read as a stream (a sheet may have many thousands); none before the check."""
    try:
        handle = (folder / CHECKED).open(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return
    with handle:
        for line in handle:
            yield CheckedRow(**json.loads(line))


def read_corrections(folder: Path) -> dict[int, dict[str, str]]:
    """Spreadsheet row → the row's cells as last re-typed in the browser (none: {})."""
    text = read_note(folder, CORRECTIONS)
    return {int(row): cells for row, cells in json.loads(text).items()} if text else {}


def add_correction(folder: Path, row: int, cells: dict[str, str]) -> None:
    """The row's cells as the form sent them, in place of any earlier correction of that row."""
    corrections = {**read_corrections(folder), row: cells}
    write_note(folder, CORRECTIONS, json.dumps({str(k): v for k, v in sorted(corrections.items())}, ensure_ascii=False))
