"""Read input files into raw rows: detect the encoding, map headers to column keys, stream rows.

Nothing here judges the values; it only makes sure every data row reaches validation with its
spreadsheet row number (header = 1) and the header text as the file spells it.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import RowError, RunError
from pipeline.i18n import _
from pipeline.mask import shown
from pipeline.schema import Contract

SAMPLE_BYTES = 256 * 1024
# Characters that str.strip() keeps but that are never meant at the edge of a cell.
EXTRA_BLANKS = "\u200b\ufeff\u2060"
csv.field_size_limit(1 << 24)
# Row problems that leave nothing to validate: the row's cells cannot be told apart.
UNREADABLE = frozenset({"unclosed_quote"})
BROKEN = "packets-broken-bytes"


def _broken_bytes(error: UnicodeDecodeError):
    """Like surrogateescape, but for every byte (a broken UTF-16 pair may hold bytes < 0x80)."""
    bad = error.object[error.start:error.end]
    return "".join(chr(0xDC00 + b) if b >= 0x80 else "\udc80" for b in bad), error.end


codecs.register_error(BROKEN, _broken_bytes)


@dataclass(frozen=True)
class RawRow:
    source: str
    row: int
    cells: dict[str, str]  # column key → trimmed text, only non-empty cells
    headers: dict[str, str]  # column key → header as the file names it
    problems: tuple[RowError, ...] = ()


@dataclass
class InputFile:
    path: Path
    encoding: str
    delimiter: str
    headers: dict[str, str]  # column key → header as in the file
    positions: dict[str, int]  # column key → cell index
    width: int
    warnings: list[str] = field(default_factory=list)
    personal: dict[str, str] = field(default_factory=dict)  # column key → 'id' | 'phone': masked in messages

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
            message = _("{file}：只有表头，没有数据行").format(file=self.source)
            if message not in self.warnings:
                self.warnings.append(message)

    def count_rows(self) -> int:
        """Data rows in the file (for a progress bar), read as a stream like `rows`."""
        return sum(1 for _number, record, lines in self._records()
                   if lines is not None or any(clean_cell(c) for c in record))

    def _records(self) -> Iterator[tuple[int, list[str], list[str] | None]]:
        """(spreadsheet row, cells, None) per record; (row, [], its physical lines) for a record
        that a quote without its closing quote ran into the following rows. Reading then goes on
        with the next physical line, so one stray quote costs one row, not the rest of the file."""
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
        if text.count('"') % 2:
            # An opening quote with no closing one: the field ran on to the end of the file.
            return len(consumed) > 1 or not text.endswith(("\n", "\r")) or record[-1].endswith(("\n", "\r"))
        if len(consumed) == 1:
            return False
        # A quoted cell may hold line breaks; whole rows inside it mean a quote ran on and was
        # closed by a quote of a later row.
        if len(record) > self.width:
            return True
        threshold = max(2, (self.width - 1) // 2)
        return any(line.count(self.delimiter) >= threshold for line in consumed[1:])

    def _unreadable_row(self, number: int, lines: list[str]) -> RawRow:
        try:
            cells = next(csv.reader(lines, delimiter=self.delimiter))
        except (csv.Error, StopIteration):
            cells = [""]
        index = len(cells) - 1  # the unclosed quoted cell is the last one the line gives
        keys = {i: k for k, i in self.positions.items()}
        key = keys.get(index)
        column = self.headers[key] if key else _("第{number}列").format(number=index + 1)
        value = shown(readable(clean_cell(cells[index])), self.personal.get(key, ""))
        found = {}
        case_id_at = self.positions.get("case_id")
        if case_id_at is not None and case_id_at < index and clean_cell(cells[case_id_at]):
            found["case_id"] = readable(clean_cell(cells[case_id_at]))
        problem = RowError(
            self.source, number, column, value, "unclosed_quote",
            _("「{column}」“{value}”以英文引号\"开头，但没有对应的结束引号，本行无法读取；"
              "请补上结束引号或删去这个引号（其后各行照常读取）").format(column=column, value=value),
        )
        return RawRow(self.source, number, found, self.headers, (problem,))

    def _raw_row(self, number: int, record: list[str]) -> RawRow:
        problems = []
        cells = {}
        for key, index in self.positions.items():
            if index >= len(record):
                continue
            value = clean_cell(record[index])
            if has_broken_bytes(value):
                value = shown(readable(value), self.personal.get(key, ""))
                problems.append(RowError(
                    self.source, number, self.headers[key], value, "encoding",
                    _("「{column}」“{value}”含有无法识别的字符（显示为\ufffd，文件编码损坏），"
                      "请在表格中重新输入该单元格").format(column=self.headers[key], value=value),
                ))
            elif value:
                cells[key] = value
        extra = [cell for cell in record[self.width:] if cell.strip()]
        if extra:
            problems.append(RowError(
                self.source, number, "", readable(clean_cell(extra[0]))[:40], "too_many_cells",
                _("本行有{cells}个单元格，多于表头的{columns}列（可能是未加引号的逗号），请核对本行").format(
                    cells=len(record), columns=self.width),
            ))
        return RawRow(self.source, number, cells, self.headers, tuple(problems))


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


def clean_cell(text: str) -> str:
    """Trim ordinary, full-width and zero-width spaces around a cell."""
    return text.strip().strip(EXTRA_BLANKS).strip()


def has_broken_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def readable(text: str) -> str:
    """Show undecodable bytes as U+FFFD in messages."""
    return "".join("\ufffd" if "\udc80" <= ch <= "\udcff" else ch for ch in text)


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(b"PK\x03\x04"):
        raise RunError(_("不是CSV文本文件，而是Excel工作簿（.xlsx）或其他压缩的二进制文件；Excel工作簿请把文件扩展名改为 .xlsx 后直接使用，或在Excel中“另存为”CSV UTF-8（逗号分隔）"))
    if sample.startswith(b"\xd0\xcf\x11\xe0"):
        raise RunError(_("不是CSV文本文件，而是旧版Excel工作簿（.xls，二进制文件）；请在Excel中“另存为”Excel工作簿（.xlsx）或CSV UTF-8（逗号分隔）后再运行"))
    nuls = sample.count(b"\x00")
    if nuls:
        # UTF-16 without a byte-order mark: text with a NUL in every other byte.
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        for encoding, zeros, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
            if zeros * 20 >= len(sample) and others * 10 <= zeros and _decode_errors(sample, encoding) == 0 \
                    and _is_text(sample, encoding):
                return encoding
        if nuls > max(2, len(sample) // 100):
            raise RunError(_("不是文本格式的CSV文件（含有二进制内容）"))
    # Chinese UTF-8 often also decodes as GB18030, so UTF-8 wins unless it is broken often;
    # a file with one broken byte sequence still has its one encoding.
    non_ascii = sum(1 for b in sample if b >= 0x80)
    utf8_errors = _decode_errors(sample, "utf-8")
    encoding = "utf-8" if utf8_errors * 20 <= non_ascii else "gb18030"
    if not _is_text(sample, encoding):
        raise RunError(_("不是文本格式的CSV文件（大部分内容无法识别为文字）"))
    return encoding


def _is_text(sample: bytes, encoding: str) -> bool:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    unreadable = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\t\r\n"))
    return unreadable <= max(2, len(text) // 20)


def _decode_errors(sample: bytes, encoding: str) -> int:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    text = decoder.decode(sample, final=False)
    return text.count("\ufffd")


def normalise_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", clean_cell(text))
    for marker in ("（必填）", "(必填)", "*"):
        text = text.replace(marker, "")
    return text.strip().casefold()


def open_csv(path: Path, contract: Contract) -> InputFile:
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
            header = next(csv.reader(text, delimiter=delimiter))
        except (csv.Error, StopIteration) as exc:
            raise RunError(_("{file}：无法读取表头").format(file=path.name)) from exc
    return map_header(path, encoding, delimiter, header, contract)


def map_header(path: Path, encoding: str, delimiter: str, header: list[str], contract: Contract) -> InputFile:
    headers: dict[str, str] = {}
    positions: dict[str, int] = {}
    unknown = []
    for index, cell in enumerate(header):
        shown = readable(clean_cell(cell))
        if not shown:
            continue
        key = contract.header_to_key.get(normalise_header(cell))
        if key is None:
            unknown.append(shown)
        elif key in headers:
            raise RunError(_("{file}：表头中「{first}」和「{second}」是同一列，请删除其中一列").format(
                file=path.name, first=headers[key], second=shown))
        else:
            headers[key] = shown
            positions[key] = index
    missing = [c.header for c in contract.columns.values() if c.required and c.key not in headers]
    if missing:
        raise RunError(_("{file}：缺少必填列 {columns}（表头可用中文或英文列名）").format(
            file=path.name, columns="、".join(missing)))
    warnings = [_("{file}：以下列不在数据规范中，已忽略：{columns}").format(file=path.name, columns="、".join(unknown))
                ] if unknown else []
    personal = {key: contract.columns[key].personal for key in headers if contract.columns[key].personal}
    return InputFile(path, encoding, delimiter, headers, positions, len(header), warnings, personal)


def open_input(path: Path, contract: Contract, sheet: str | None = None) -> InputFile:
    if not path.is_file():
        raise RunError(_("{file}：找不到文件").format(file=path))
    if path.suffix.lower() in (".xlsx", ".xlsm"):  # Excel: pipeline/workbook.py; `sheet` is for these only
        from pipeline.workbook import open_workbook  # noqa: PLC0415 - workbook imports this module
        return open_workbook(path, contract, sheet)
    return open_csv(path, contract)
