"""`packets init`: a blank intake workbook drawn from the contract — Chinese headers (required ones
in bold red), formats, drop-down lists, input prompts, one grey example row and a 填写说明 sheet.

Everything it says comes from `describe_columns`, as `packets schema` does; the workbook is a
Chinese document whatever `--lang` says.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.contract.coerce import parse_date, parse_integer, parse_money
from pipeline.contract.describe import ONE_ROW_PER_DEBT, ColumnInfo, describe_columns, table_rows, three_debt_example
from pipeline.contract.schema import Contract

DATA_SHEET = "案件"
HELP_SHEET = "填写说明"
LISTS_SHEET = "选项"  # hidden: the items of the drop-down lists
LAST_ROW = 5000  # data validations and formats cover rows 2…LAST_ROW
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
REQUIRED_COLOUR = "C00000"


def _example_value(info: ColumnInfo):
    """The example as Excel should store it: a number, a date or text."""
    if info.kind == "money":
        return parse_money(info.example)
    if info.kind == "date":
        return parse_date(info.example)
    if info.kind == "integer":
        return parse_integer(info.example)
    return info.example


def _display_width(text: str) -> int:
    """Width in Excel's character units: a Chinese character takes two."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def write_intake_workbook(path: Path, contract: Contract) -> None:
    """A blank intake workbook: headers, formats, drop-down lists and prompts, one example row,
    the 填写说明 sheet. Everything comes from `describe_columns`."""
    from openpyxl import Workbook  # noqa: PLC0415 - only for `packets init`
    from openpyxl.styles import Alignment, Font, PatternFill  # noqa: PLC0415 - only for `packets init`
    from openpyxl.utils import get_column_letter, quote_sheetname  # noqa: PLC0415 - only for `packets init`
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415 - only for `packets init`

    columns = describe_columns(contract)
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    lists = book.create_sheet(LISTS_SHEET)
    header_fill = PatternFill("solid", fgColor="EDEDED")
    example_font = Font(italic=True, color="7F7F7F")
    next_list_column = 1
    for index, info in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=info.header)
        cell.font = Font(bold=True, color=REQUIRED_COLOUR if info.required else None)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(10, min(40, max(_display_width(info.header), _display_width(info.example)) + 3))
        dimension.number_format = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "integer": "0"}.get(info.kind, TEXT_FORMAT)

        if info.example:
            example = sheet.cell(row=2, column=index, value=_example_value(info))
            example.number_format = dimension.number_format
            example.font = example_font

        validation = _validation(info, contract, DataValidation)
        if info.kind == "choice":
            for row, item in enumerate(info.choices, start=1):
                lists.cell(row=row, column=next_list_column, value=item)
            list_letter = get_column_letter(next_list_column)
            validation.formula1 = (f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$1:"
                                   f"${list_letter}${len(info.choices)}")
            next_list_column += 1
        title = f"{info.header}（{'必填' if info.required else '可选'}）"
        prompt = info.description
        if info.kind == "choices":
            prompt += "\n可选值：" + "、".join(info.choices)
        validation.promptTitle = _clip(title, 32)
        validation.prompt = _clip(prompt, 255)
        validation.showInputMessage = True
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22
    lists.sheet_state = "hidden"
    _write_help(book.create_sheet(HELP_SHEET, 1), contract, Font, Alignment, PatternFill)
    book.active = 0
    book.save(path)


def _validation(info: ColumnInfo, contract: Contract, DataValidation):
    """The data validation of a column. Single-choice columns get a drop-down list; multi-choice
    columns cannot (a list cell holds one item), so they get the items as an input prompt."""
    rules = contract.cerberus_schema[info.key]
    if info.kind == "choice":
        # "warning", not "stop": other spellings (lender aliases in schemas/lenders.yaml, English keys)
        # are accepted too.
        hint = ("；银行信用卡选“信用卡”并在债权人一列填写发卡银行；名单外的机构请编辑 schemas/lenders.yaml"
                if rules.get("coerce") == "lender" else "")
        return DataValidation(type="list", allow_blank=True, showDropDown=False, showErrorMessage=True,
                              errorStyle="warning", errorTitle=_clip(info.header, 32),
                              error="请从下拉列表中选择" + hint)
    if info.kind == "integer":
        low, high = rules.get("min", 0), rules.get("max", 1000000)
        return DataValidation(type="whole", operator="between", formula1=str(low), formula2=str(high),
                              allow_blank=True, showErrorMessage=True, errorStyle="stop",
                              errorTitle=_clip(info.header, 32),
                              error=f"应为{low}–{high}的整数")
    if info.kind == "money":
        # "warning": text such as 12,345.67元 is accepted by the program too.
        operator = "greaterThan" if rules.get("positive") else "greaterThanOrEqual"
        return DataValidation(type="decimal", operator=operator, formula1="0", allow_blank=True,
                              showErrorMessage=True, errorStyle="warning", errorTitle=_clip(info.header, 32),
                              error=_clip(info.form, 225))
    if info.kind == "date":
        return DataValidation(type="date", operator="between", formula1="36526", formula2="73050",
                              allow_blank=True, showErrorMessage=True, errorStyle="warning",
                              errorTitle=_clip(info.header, 32),
                              error="应为日期，如 2026-03-05")
    high = rules.get("maxlength")
    if high:
        low = rules.get("minlength", 0)
        return DataValidation(type="textLength", operator="between", formula1=str(low), formula2=str(high),
                              allow_blank=True, showErrorMessage=True, errorStyle="stop",
                              errorTitle=_clip(info.header, 32), error=_clip(info.form, 225))
    return DataValidation(allow_blank=True)  # any value: the prompt says what to type


def _write_help(sheet, contract: Contract, Font, Alignment, PatternFill) -> None:
    notes = [
        "案件表填写说明",
        f"1. 在“{DATA_SHEET}”工作表中每行填写一笔借款，第1行是表头，请勿修改或删除表头。" + ONE_ROW_PER_DEBT,
        "2. 红色粗体的列为必填；其他列可留空。",
        "3. 第2行是灰色斜体的示例，填写前请删除（如未删除，生成时会自动跳过该行）。",
        "4. 贷款机构用下拉列表选择（产品或平台名称）；债权人照借款合同上“贷款人”的全称填写（信用卡填发卡银行），借呗、京东等常由合作银行出资的产品尤其要填；可多选的列（困难类型、协商诉求、证明材料）直接输入，多项之间用“、”或“;”分隔，可选值见下表。",
        "5. 身份证号、手机号、案件编号等列已设为文本格式，请勿改为数字格式，否则身份证号的后几位会丢失。",
        "6. 金额填数字（元），日期按 2026-03-05 的格式填写。",
        "7. 填好后保存为 .xlsx，运行：packets build 本文件.xlsx --out 输出文件夹（先用 packets validate 本文件.xlsx 检查）。",
    ]
    for row, note in enumerate(notes, start=1):
        sheet.cell(row=row, column=1, value=note).font = Font(bold=row == 1, size=14 if row == 1 else None)
    head, rows = table_rows(contract)
    top = len(notes) + 2
    for index, text in enumerate(head, start=1):
        cell = sheet.cell(row=top, column=index, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EDEDED")
    required = {c.header for c in describe_columns(contract) if c.required}
    for offset, values in enumerate(rows, start=1):
        for index, text in enumerate(values, start=1):
            cell = sheet.cell(row=top + offset, column=index, value=text)
            cell.number_format = TEXT_FORMAT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if index == 1 and text in required:
                cell.font = Font(bold=True, color=REQUIRED_COLOUR)
    top += len(rows) + 2
    sheet.cell(row=top, column=1, value="一个借款人有三笔借款时（两笔网商贷、一笔微粒贷），这样填：").font = Font(bold=True)
    example_head, example = three_debt_example(contract)
    for index, text in enumerate(example_head, start=1):
        cell = sheet.cell(row=top + 1, column=index, value=text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EDEDED")
    for offset, values in enumerate(example, start=2):
        for index, text in enumerate(values, start=1):
            sheet.cell(row=top + offset, column=index, value=text or "（留空）").number_format = TEXT_FORMAT
    for letter, width in zip("ABCDEFGHI", (14, 20, 10, 6, 22, 60, 40, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
