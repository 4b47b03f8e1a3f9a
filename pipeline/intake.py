"""Read input files into raw rows: detect the encoding, map headers to column keys, stream rows.

Nothing here judges the values; it only makes sure every data row reaches validation with its
spreadsheet row number (header = 1) and the header text as the file spells it.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import RowError, RunError
from pipeline.schema import Contract

SAMPLE_BYTES = 256 * 1024
# Characters that str.strip() keeps but that are never meant at the edge of a cell.
EXTRA_BLANKS = "\u200b\ufeff\u2060"
csv.field_size_limit(1 << 24)


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

    @property
    def source(self) -> str:
        return self.path.name

    def rows(self) -> Iterator[RawRow]:
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="surrogateescape", newline="")
            reader = csv.reader(text, delimiter=self.delimiter)
            try:
                next(reader)
                for number, record in enumerate(reader, start=2):
                    if any(cell.strip() for cell in record):
                        yield self._raw_row(number, record)
            except csv.Error as exc:
                raise RunError(f"{self.source}：第{reader.line_num}行附近无法按CSV格式读取（{exc}），请检查引号是否成对") from exc

    def count_rows(self) -> int:
        """Data rows in the file (for a progress bar), read as a stream like `rows`."""
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="surrogateescape", newline="")
            try:
                return sum(1 for record in csv.reader(text, delimiter=self.delimiter) if any(c.strip() for c in record)) - 1
            except csv.Error:
                return 0

    def _raw_row(self, number: int, record: list[str]) -> RawRow:
        problems = []
        cells = {}
        for key, index in self.positions.items():
            if index >= len(record):
                continue
            value = clean_cell(record[index])
            if has_broken_bytes(value):
                problems.append(RowError(
                    self.source, number, self.headers[key], readable(value), "encoding",
                    f"「{self.headers[key]}」含有无法识别的字符（文件编码损坏），请在表格中重新输入该单元格",
                ))
            elif value:
                cells[key] = value
        extra = [cell for cell in record[self.width:] if cell.strip()]
        if extra:
            problems.append(RowError(
                self.source, number, "", readable(clean_cell(extra[0]))[:40], "too_many_cells",
                f"本行有{len(record)}个单元格，多于表头的{self.width}列（可能是未加引号的逗号），请核对本行",
            ))
        return RawRow(self.source, number, cells, self.headers, tuple(problems))


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
    if b"\x00" in sample:
        raise RunError("不是文本格式的CSV文件（含有二进制内容）")
    candidates = ("utf-8", "gb18030")
    # A file with one broken byte still has one encoding; pick the one that fits best.
    return min(candidates, key=lambda enc: _decode_errors(sample, enc))


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
        raise RunError(f"{path.name}：无法读取文件（{exc.strerror}）") from exc
    if not sample.strip():
        raise RunError(f"{path.name}：文件为空，没有表头")
    try:
        encoding = detect_encoding(sample)
    except RunError as exc:
        raise RunError(f"{path.name}：{exc}") from exc
    first_line = sample.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
        try:
            header = next(csv.reader(text, delimiter=delimiter))
        except (csv.Error, StopIteration) as exc:
            raise RunError(f"{path.name}：无法读取表头") from exc
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
            raise RunError(f"{path.name}：表头中「{headers[key]}」和「{shown}」是同一列，请删除其中一列")
        else:
            headers[key] = shown
            positions[key] = index
    missing = [c.header for c in contract.columns.values() if c.required and c.key not in headers]
    if missing:
        raise RunError(f"{path.name}：缺少必填列 {'、'.join(missing)}（表头可用中文或英文列名）")
    warnings = [f"{path.name}：以下列不在数据规范中，已忽略：{'、'.join(unknown)}"] if unknown else []
    return InputFile(path, encoding, delimiter, headers, positions, len(header), warnings)


def open_input(path: Path, contract: Contract) -> InputFile:
    if not path.is_file():
        raise RunError(f"{path}：找不到文件")
    return open_csv(path, contract)
