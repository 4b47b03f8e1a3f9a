"""CSV input: stream rows from a text file in any of the usual encodings.

One stray quote costs its own row only: a record that a quote without its closing quote ran into
the following rows is reported as unreadable and reading goes on with the next physical line.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.common.errors import Code, RowError, RunError
from pipeline.common.i18n import _
from pipeline.common.mask import shown
from pipeline.intake.columns import IntakeColumns
from pipeline.intake.encoding import BROKEN, detect_encoding
from pipeline.intake.header import Header, map_header
from pipeline.intake.rows import RawRow, clean_cell, has_broken_bytes, readable

SAMPLE_BYTES = 256 * 1024
csv.field_size_limit(1 << 24)


@dataclass
class CsvFile:
    path: Path
    encoding: str
    delimiter: str
    header: Header
    notices: list[str] = field(default_factory=list)  # file-level remarks (ignored columns, no rows…)

    @property
    def source(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[RawRow]:
        count = 0
        for number, record, lines in self._records():
            if lines is not None:
                count += 1
                yield self._unreadable_row(number, lines)
            elif any(clean_cell(cell) for cell in record):
                count += 1
                yield self._raw_row(number, record)
        if count == 0:
            self._notice(_("{file}：只有表头，没有数据行").format(file=self.source))

    def count_rows(self) -> int:
        """Data rows in the file (for a progress bar), read as a stream like `rows`."""
        return sum(1 for _number, record, lines in self._records()
                   if lines is not None or any(clean_cell(c) for c in record))

    def _notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def _records(self) -> Iterator[tuple[int, list[str], list[str] | None]]:
        """(spreadsheet row, cells, None) per record; (row, [], its physical lines) for a record
        that a quote without its closing quote ran into the following rows."""
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors=BROKEN, newline="")
            lines = _Lines(text)
            reader = csv.reader(lines, delimiter=self.delimiter)
            try:
                next(reader)
            except (csv.Error, StopIteration):
                return
            number = 1
            while True:
                lines.consumed = []
                try:
                    record = next(reader)
                    broken = self._runaway_quote(record, lines.consumed)
                except StopIteration:
                    return
                except csv.Error:
                    broken = True
                number += 1
                if broken and lines.consumed:
                    lines.replay(lines.consumed[1:])
                    reader = csv.reader(lines, delimiter=self.delimiter)
                    yield number, [], lines.consumed[:1]
                else:
                    yield number, record, None

    def _runaway_quote(self, record: list[str], consumed: list[str]) -> bool:
        text = "".join(consumed)
        width = self.header.width
        if text.count('"') % 2:
            # An opening quote with no closing one: the field ran on to the end of the file.
            return len(consumed) > 1 or not text.endswith(("\n", "\r")) or record[-1].endswith(("\n", "\r"))
        if len(consumed) == 1:
            return False
        # A quoted cell may hold line breaks; whole rows inside it mean a quote ran on and was
        # closed by a quote of a later row.
        if len(record) > width:
            return True
        threshold = max(2, (width - 1) // 2)
        return any(line.count(self.delimiter) >= threshold for line in consumed[1:])

    def _unreadable_row(self, number: int, lines: list[str]) -> RawRow:
        header = self.header
        try:
            cells = next(csv.reader(lines, delimiter=self.delimiter))
        except (csv.Error, StopIteration):
            cells = [""]
        index = len(cells) - 1  # the unclosed quoted cell is the last one the line gives
        keys = {i: k for k, i in header.positions.items()}
        key = keys.get(index)
        column = header.headers[key] if key else _("第{number}列").format(number=index + 1)
        value = shown(readable(clean_cell(cells[index])), header.personal.get(key, ""))
        found = {}
        case_id_at = header.positions.get("case_id")
        if case_id_at is not None and case_id_at < index and clean_cell(cells[case_id_at]):
            found["case_id"] = readable(clean_cell(cells[case_id_at]))
        problem = RowError(
            self.source, number, column, value, Code.UNCLOSED_QUOTE,
            _("「{column}」“{value}”以英文引号\"开头，但没有对应的结束引号，本行无法读取；"
              "请补上结束引号或删去这个引号（其后各行照常读取）").format(column=column, value=value),
        )
        return RawRow(self.source, number, found, header.headers, (problem,))

    def _raw_row(self, number: int, record: list[str]) -> RawRow:
        header = self.header
        problems = []
        cells = {}
        for key, index in header.positions.items():
            if index >= len(record):
                continue
            value = clean_cell(record[index])
            if has_broken_bytes(value):
                value = shown(readable(value), header.personal.get(key, ""))
                problems.append(RowError(
                    self.source, number, header.headers[key], value, Code.ENCODING,
                    _("「{column}」“{value}”含有无法识别的字符（显示为\ufffd，文件编码损坏），"
                      "请在表格中重新输入该单元格").format(column=header.headers[key], value=value),
                ))
            elif value:
                cells[key] = value
        extra = [cell for cell in record[header.width:] if cell.strip()]
        if extra:
            problems.append(RowError(
                self.source, number, "", readable(clean_cell(extra[0]))[:40], Code.TOO_MANY_CELLS,
                _("本行有{cells}个单元格，多于表头的{columns}列（可能是未加引号的逗号），请核对本行").format(
                    cells=len(record), columns=header.width),
            ))
        return RawRow(self.source, number, cells, header.headers, tuple(problems))


class _Lines:
    """Physical lines for csv.reader, remembering those of the current record so that they can
    be read again."""

    def __init__(self, source):
        self.source = iter(source)
        self.pending: deque[str] = deque()
        self.consumed: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.pending.popleft() if self.pending else next(self.source)
        self.consumed.append(line)
        return line

    def replay(self, lines: list[str]) -> None:
        self.pending.extendleft(reversed(lines))


def open_csv(path: Path, columns: IntakeColumns) -> CsvFile:
    """Read the header and check it; rows are read later, one at a time."""
    try:
        with path.open("rb") as raw:
            sample = raw.read(SAMPLE_BYTES)
    except OSError as exc:
        raise RunError(_("{file}：无法读取文件（{reason}）").format(file=path.name, reason=exc.strerror)) from exc
    if not sample.strip():
        raise RunError(_("{file}：文件为空，没有表头").format(file=path.name))
    try:
        encoding = detect_encoding(sample)
    except RunError as exc:
        raise RunError(f"{path.name}：{exc}") from exc
    first_line = sample.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors=BROKEN, newline="")
        try:
            cells = next(csv.reader(text, delimiter=delimiter))
        except (csv.Error, StopIteration) as exc:
            raise RunError(_("{file}：无法读取表头").format(file=path.name)) from exc
    header = map_header(path.name, cells, columns)
    return CsvFile(path, encoding, delimiter, header, list(header.warnings))
