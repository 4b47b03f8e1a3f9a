"""CSV input: stream rows from a text file in any of the usual encodings.

One stray quote costs its own row only: a record that a quote without its closing quote ran into
the following rows is reported as unreadable and reading goes on with the next physical line. So does
a cell or a line far longer than any real one (they are never held in memory whole). In a GB18030 file,
a cell pasted in as UTF-8 is recognised and read as UTF-8, with a warning, instead of turning into
other characters.
"""

from __future__ import annotations

import csv
import io
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.common.errors import Code, RowError, RunError, Severity
from pipeline.common.i18n import _
from pipeline.common.mask import shown
from pipeline.intake.columns import IntakeColumns
from pipeline.intake.encoding import BROKEN, detect_encoding
from pipeline.intake.header import Header, map_header
from pipeline.intake.rows import RawRow, clean_cell, has_broken_bytes, readable

SAMPLE_BYTES = 256 * 1024
MAX_CELL_CHARACTERS = 1_000_000  # free text may have 2,000; anything near this is not a cell
MAX_LINE_CHARACTERS = 4_000_000  # one physical line; longer ones are skipped, never read whole
csv.field_size_limit(MAX_CELL_CHARACTERS)
# What a Chinese UTF-8 cell decodes to: ASCII, CJK and full-width forms only. GB18030 text that
# happens to be valid UTF-8 decodes to Latin, Greek or Cyrillic letters instead.
_CHINESE_TEXT = re.compile(r"^[\x00-\x7f\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]*$")


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
            if lines is _LINE_TOO_LONG:
                count += 1
                yield self._line_too_long_row(number)
            elif isinstance(lines, _CellTooLarge):
                count += 1
                yield self._cell_too_large_row(number, lines.text)
            elif lines is not None:
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

    def _records(self) -> Iterator[tuple[int, list[str], list[str] | _CellTooLarge | None]]:
        """(spreadsheet row, cells, None) per record; (row, [], its physical lines) for a record
        that a quote without its closing quote ran into the following rows; (row, [], _CellTooLarge) for
        a record with a cell over the limit, (row, [], _LINE_TOO_LONG) for a line over the limit.
        A read error is this file's, in one line."""
        try:
            yield from self._read_records()
        except OSError as exc:
            raise RunError(_("{file}：读取中途出错（{reason}）").format(
                file=self.source, reason=exc.strerror or exc)) from exc

    def _read_records(self) -> Iterator[tuple[int, list[str], list[str] | _CellTooLarge | None]]:
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
                lines.too_long = False
                too_large = False
                try:
                    record = next(reader)
                    broken = self._runaway_quote(record, lines.consumed)
                except StopIteration:
                    return
                except csv.Error as exc:
                    broken = True
                    too_large = "field limit" in str(exc)  # the one csv.Error without a quote problem
                number += 1
                if lines.too_long:
                    reader = csv.reader(lines, delimiter=self.delimiter)
                    yield number, [], _LINE_TOO_LONG
                elif too_large:
                    read = lines.consumed
                    lines.replay(read[1:])
                    reader = csv.reader(lines, delimiter=self.delimiter)
                    yield number, [], _CellTooLarge("".join(read))
                elif broken and lines.consumed:
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
        column = header.headers[key] if key is not None else _("第{number}列").format(number=index + 1)
        value = shown(readable(clean_cell(cells[index])), header.personal.get(key, "") if key is not None else "")
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

    def _cell_too_large_row(self, number: int, text: str) -> RawRow:
        """`text`: the record's lines as read, up to the cell that went over the limit."""
        header = self.header
        index, start = _oversized_cell(text, self.delimiter, MAX_CELL_CHARACTERS)
        keys = {i: k for k, i in header.positions.items()}
        column = header.headers[keys[index]] if index in keys else _("第{number}列").format(number=index + 1)
        found = {}
        case_id_at = header.positions.get("case_id")
        if case_id_at is not None and case_id_at < index:  # the cells before the large one are whole
            before = next(csv.reader(io.StringIO(text[:start], newline=""), delimiter=self.delimiter), [])
            if case_id_at < len(before) and clean_cell(before[case_id_at]):
                found["case_id"] = readable(clean_cell(before[case_id_at]))
        problem = RowError(
            self.source, number, column, "", Code.CELL_TOO_LARGE,
            _("「{column}」超过{limit}个字符，远超任何正常内容，本行无法读取；请检查这个单元格"
              "（可能粘贴了大量文字或文件内容；其后各行照常读取）").format(
                column=column, limit=f"{MAX_CELL_CHARACTERS:,}"),
        )
        return RawRow(self.source, number, found, header.headers, (problem,))

    def _line_too_long_row(self, number: int) -> RawRow:
        problem = RowError(
            self.source, number, "", "", Code.LINE_TOO_LONG,
            _("本行超过{limit}个字符，远超任何正常内容，本行无法读取；请检查该行"
              "（可能粘贴了大量文字或文件内容；其后各行照常读取）").format(limit=f"{MAX_LINE_CHARACTERS:,}"),
        )
        return RawRow(self.source, number, {}, self.header.headers, (problem,))

    def _raw_row(self, number: int, record: list[str]) -> RawRow:
        header = self.header
        problems = []
        cells = {}
        for key, index in header.positions.items():
            if index >= len(record):
                continue
            value = clean_cell(record[index])
            pasted = _utf8_inside(value) if self.encoding == "gb18030" else None
            if pasted is not None:
                value = pasted
                problems.append(RowError(
                    self.source, number, header.headers[key], shown(value, header.personal.get(key, "")), Code.ENCODING,
                    _("「{column}」是UTF-8编码，而文件其余部分是GBK/GB18030编码（可能是从别处粘贴的），已按UTF-8读取为“{value}”，"
                      "请核对；最好把整个文件另存为“CSV UTF-8”").format(
                        column=header.headers[key], value=shown(value, header.personal.get(key, ""))),
                    Severity.WARNING,
                ))
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


def _utf8_inside(value: str) -> str | None:
    """A cell of a GB18030 file whose bytes are Chinese UTF-8 (pasted from elsewhere): its text; else None."""
    try:
        # undecodable bytes were kept as U+DC80–U+DCFF (encoding.BROKEN): surrogateescape gives them back
        text = value.encode("gb18030", errors="surrogateescape").decode("utf-8")
    except UnicodeError:
        return None
    if text == value or not _CHINESE_TEXT.match(text) or not any("\u2e80" <= ch for ch in text):
        return None
    return text


_LINE_TOO_LONG = ["a line over the limit"]  # a marker, compared by identity


@dataclass(frozen=True)
class _CellTooLarge:
    text: str  # the record's physical lines as read, up to and into the cell over the limit


def _oversized_cell(text: str, delimiter: str, limit: int) -> tuple[int, int]:
    """The index of the first cell of a record longer than `limit` characters, and where it starts in
    `text`, the record as read. Cells are told apart as csv does: a quote opens a quoted cell only at
    the start of a cell, "" inside it is one quote, and a cell never closed runs to the end."""
    index = start = 0
    while True:
        at, length = start, 0
        if text.startswith('"', at):
            at += 1
            while True:
                close = text.find('"', at)
                if close < 0:
                    return index, start
                length += close - at
                if text.startswith('"', close + 1):
                    length, at = length + 1, close + 2
                    continue
                at = close + 1
                break
        end = text.find(delimiter, at)
        length += (end if end >= 0 else len(text)) - at
        if length > limit or end < 0:
            return index, start
        index, start = index + 1, end + 1


class _Lines:
    """Physical lines for csv.reader, remembering those of the current record so that they can
    be read again. A line longer than MAX_LINE_CHARACTERS is skipped to its end, never held whole."""

    def __init__(self, source):
        self.source = source
        self.pending: deque[str] = deque()
        self.consumed: list[str] = []
        self.too_long = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.pending:
            line = self.pending.popleft()
        else:
            line = self.source.readline(MAX_LINE_CHARACTERS)
            if not line:
                raise StopIteration
            if len(line) >= MAX_LINE_CHARACTERS and not line.endswith(("\n", "\r")):
                while (rest := self.source.readline(MAX_LINE_CHARACTERS)) and not rest.endswith(("\n", "\r")):
                    pass
                self.too_long = True
                line = "\n"  # the record ends here; its cells are gone
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
        lines = _Lines(io.TextIOWrapper(raw, encoding=encoding, errors=BROKEN, newline=""))
        try:
            cells = next(csv.reader(lines, delimiter=delimiter))
        except (csv.Error, StopIteration) as exc:
            raise RunError(_("{file}：无法读取表头").format(file=path.name)) from exc
        if lines.too_long:
            raise RunError(_("{file}：表头超过{limit}个字符，不是案件表的表头").format(
                file=path.name, limit=f"{MAX_LINE_CHARACTERS:,}"))
    header = map_header(path.name, cells, columns)
    return CsvFile(path, encoding, delimiter, header, list(header.warnings))
