"""Read Excel workbooks (.xlsx) as input files: the same raw rows as a CSV file gives.

Cells are turned into the text a person would have typed, so that validation and coercion stay
the same for CSV and Excel: a date cell becomes 2026-03-05 (never 45992), a number its exact
decimal text (1234.5, 12 — never 12.0 or 1234.4999999). An ID number stored as a number has
already lost its last digits in Excel, so that cell is rejected with a message saying how to
fix the column.

A formula in a data cell is refused, naming the cell: the program calculates nothing, and the result
a workbook stores beside a formula is whatever the file says (one written by a program, or by hand,
need not match the formula; one written by openpyxl has none), so it is never read — the workbook is
loaded with its formulas, not its cached values. Staff paste values instead.

Rows are streamed (openpyxl read-only mode); row numbers are the spreadsheet's (header = 1). The
workbook is checked first (xlsx_scan: sizes, Excel's limits, no DTD, no truncation — before any row
is built), then loaded once: the header and the rows come from the same loaded workbook, and the row
count from the check.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeGuard

from pipeline.common.errors import Code, RowError, RunError
from pipeline.common.i18n import _
from pipeline.common.mask import shown
from pipeline.intake.columns import IntakeColumns
from pipeline.intake.header import Header, map_header
from pipeline.intake.rows import RawRow, clean_cell
from pipeline.intake.xlsx_scan import WorkbookScan, scan_workbook

SUFFIXES = (".xlsx", ".xlsm")
# Excel serial numbers of 2000-01-01 and 2099-12-31: a plain number in this range in a date
# column is a date whose cell format was lost (e.g. after a copy as values).
SERIAL_DATES = (36526, 73050)


@dataclass
class XlsxFile:
    path: Path
    sheet: str  # the worksheet read
    header: Header
    columns: IntakeColumns
    notices: list[str] = field(default_factory=list)
    book: Any = None  # the loaded workbook (read-only), closed once its rows have been read
    scan: WorkbookScan | None = None

    @property
    def source(self) -> str:
        return self.path.name

    def _notice(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def rows(self) -> Iterator[RawRow]:
        count = 0
        for number, values in self._records():
            row = self._raw_row(number, values)
            if row is None:
                continue
            if self._is_example(row):
                self._notice(_("{source}：第{row}行是 packets init 写入的示例行（案件编号 {case_id}），已跳过；"
                               "请在表格中删除该行").format(source=self.source, row=number, case_id=row.cells["case_id"]))
                continue
            count += 1
            yield row
        if count == 0:
            self._notice(_("{source}：工作表“{sheet}”只有表头，没有数据行").format(source=self.source, sheet=self.sheet))

    def count_rows(self) -> int:
        """Data rows (for a progress bar), as counted when the workbook was checked: nothing is read again.
        A `packets init` example row left in is counted, though `rows` skips it."""
        return self.scan.sheet.data_rows if self.scan else 0

    def _records(self) -> Iterator[tuple[int, tuple]]:
        book = self.book if self.book is not None else _load(self.path)
        self.book = None
        try:
            sheet = book[self.sheet]
            sheet.reset_dimensions()  # some writers record a wrong used range; read every row
            rows = sheet.iter_rows()  # cells, not values only: a formula is known by its type, not its text
            next(rows, None)  # the header
            yield from enumerate(_guarded(rows, self.path), start=2)
        finally:
            book.close()

    def _is_example(self, row: RawRow) -> bool:
        examples = self.columns.example
        return bool(examples) and all(row.cells.get(key) == value for key, value in examples)

    def _raw_row(self, number: int, row: tuple) -> RawRow | None:
        values = tuple(cell.value for cell in row)
        if not any(clean_cell(cell_text(v)) for v in values):
            return None
        cells: dict[str, str] = {}
        problems = []
        names = self.header
        for key, index in names.positions.items():
            value = values[index] if index < len(values) else None
            if index < len(row) and row[index].data_type == "f":
                problems.append(self._formula(number, key, index, value))
                continue
            if names.personal.get(key) == "id" and _is_number(value):
                header = names.headers[key]
                text = shown(cell_text(value), "id")
                problems.append(RowError(
                    self.source, number, header, text, Code.ID_AS_NUMBER,
                    _("「{column}」“{value}”在Excel中是数字格式，Excel只保留15位有效数字，后几位已丢失"
                      "（末位X也无法保存）；请将「{column}」列设为文本格式（选中该列→右键→设置单元格格式→文本），"
                      "再重新输入完整的18位号码").format(column=header, value=text),
                ))
                continue
            if key in self.columns.dates and _is_number(value) and SERIAL_DATES[0] <= value <= SERIAL_DATES[1] \
                    and float(value).is_integer():
                value = date(1899, 12, 30) + timedelta(days=int(value))
            text = clean_cell(cell_text(value))
            if text:
                cells[key] = text
        return RawRow(self.source, number, cells, names.headers, tuple(problems))


    def _formula(self, number: int, key: str, index: int, formula) -> RowError:
        from openpyxl.utils import get_column_letter  # noqa: PLC0415 - only for Excel input

        header = self.header.headers[key]
        cell = f"{get_column_letter(index + 1)}{number}"
        # "=…" as typed; an array formula holds its text, a data table has none
        text = formula if isinstance(formula, str) else getattr(formula, "text", None) or "TABLE()"
        text = shown(text, self.header.personal.get(key, ""))
        return RowError(self.source, number, header, text, Code.FORMULA, _(
            "「{column}」（单元格{cell}）是公式“{value}”：程序不计算公式，也不采用表格里保存的计算结果；"
            "请选中该列，复制后用“选择性粘贴→数值”粘贴回原处，保存后重新运行").format(column=header, cell=cell, value=text))


def _is_number(value) -> TypeGuard[int | float | Decimal]:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def cell_text(value) -> str:
    """A cell's value as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Excel keeps 15 significant digits; beyond them a float is binary noise (0.1+0.2).
        return _plain(Decimal(format(value, ".15g")))
    if isinstance(value, Decimal):
        return _plain(value)
    return str(value)


def _plain(number: Decimal) -> str:
    """Fixed-point text without exponent or trailing zeros: 1.2E+3 → 1200, 12.50 → 12.5."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _load(path: Path):
    from openpyxl import load_workbook  # noqa: PLC0415 - only for Excel input

    try:
        return load_workbook(path, read_only=True, data_only=False)  # formulas, never their cached values
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.strerror:
            raise RunError(_("{file}：无法读取文件（{reason}）").format(file=path.name, reason=exc.strerror)) from exc
        raise RunError(_("{file}：不是有效的Excel工作簿（.xlsx），可能已损坏或设置了打开密码；"
                         "请在Excel中打开后重新“另存为”Excel工作簿（.xlsx）").format(file=path.name)) from exc
    except Exception as exc:  # openpyxl's own errors (InvalidFileException…) for a file it cannot read
        raise RunError(_("{file}：无法读取Excel工作簿（{kind}）；请在Excel中打开后重新“另存为”Excel工作簿（.xlsx）").format(
            file=path.name, kind=type(exc).__name__)) from exc


def _guarded(rows: Iterator[tuple], path: Path) -> Iterator[tuple]:
    """The checked workbook should read to the end; if the library still fails, it is this file's
    problem in one line, never an internal error."""
    try:
        yield from rows
    except Exception as exc:
        raise RunError(_("{file}：读取中途出错（{kind}），文件可能已损坏；请在Excel中打开后重新另存").format(
            file=path.name, kind=type(exc).__name__)) from exc


def open_workbook(path: Path, columns: IntakeColumns, sheet: str | None = None) -> XlsxFile:
    """Check the workbook (xlsx_scan), load it once, read and check the header row of the first
    visible worksheet (or `sheet`); rows are read later from the same loaded workbook."""
    scan = scan_workbook(path, sheet)
    names = list(scan.titles)
    title = scan.sheet.title
    book = _load(path)
    try:
        worksheet = book[title]
        worksheet.reset_dimensions()
        header_values = next(_guarded(worksheet.iter_rows(max_row=1, values_only=True), path), ())
    except BaseException:
        book.close()
        raise
    cells = [cell_text(v) for v in header_values]
    while cells and not clean_cell(cells[-1]):
        cells.pop()
    if not cells:
        book.close()
        raise RunError(_("{file}：工作表“{sheet}”第1行是空的，没有表头（表头应在第1行）").format(file=path.name, sheet=title))
    try:
        header = map_header(path.name, cells, columns)
    except RunError as exc:
        book.close()
        others = [n for n in names if n != title]
        hint = _("；读取的是工作表“{sheet}”").format(sheet=title)
        if others:
            hint += _("，如数据在其他工作表，请用 --sheet 指定（{names}）").format(names="、".join(others))
        raise RunError(f"{exc}{hint}") from exc
    return XlsxFile(path, title, header, columns, list(header.warnings), book=book, scan=scan)
