"""Excel in, Excel out: reading .xlsx input, `packets init`, `packets schema`, and a workbook from
`packets init` filled in, saved by LibreOffice Calc and built without edits."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import ROOT
from e2e import read_report, run_cli
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from pipeline.common.errors import RunError
from pipeline.contract import BatchValidator
from pipeline.contract.describe import schema_markdown
from pipeline.contract.intake_form import DATA_SHEET, HELP_SHEET
from pipeline.intake import open_input
from pipeline.intake.xlsx_file import cell_text

HEADER = ["案件编号", "姓名（必填）", "身份证号", "手机号", "剩余本金", "逾期开始日期", "月收入", "月必要支出",
          "需抚养人数", "困难类型", "困难情况说明", "协商诉求", "贷款机构"]
DETAILS = "今年三月被公司裁员，至今未找到工作。"


def make_book(path, rows, header=HEADER, first_sheet=None):
    book = Workbook()
    sheet = book.active
    if first_sheet:
        sheet.title = first_sheet
        sheet["A1"] = "说明：数据在“案件”工作表"
        sheet = book.create_sheet("案件")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def good_row(case_id="X1", **changes):
    row = [case_id, "张晓明", "11010519491231002X", 13800138000, 12345.5, datetime(2026, 6, 15), 6000.0, 3000,
           2.0, "失业", DETAILS, "分期还款", "网商贷"]
    for index, value in changes.items():
        row[int(index.removeprefix("c"))] = value
    return row


@pytest.mark.parametrize(("value", "text"), [
    (1234.5, "1234.5"), (12.0, "12"), (0.1 + 0.2, "0.3"), (13800138000, "13800138000"),
    (13800138000.0, "13800138000"), (1e16, "10000000000000000"), (Decimal("12.50"), "12.5"),
    (datetime(2026, 3, 5), "2026-03-05"), (date(2026, 3, 5), "2026-03-05"), (None, ""), ("  a ", "  a "),
])
def test_cells_read_as_the_text_a_person_would_type(value, text):
    assert cell_text(value) == text


def test_xlsx_rows_have_spreadsheet_numbers_iso_dates_exact_numbers(tmp_path, contract):
    path = make_book(tmp_path / "cases.xlsx", [good_row("X1"), [None] * 12, good_row("X2", c5=date(2026, 1, 2))])
    input_file = open_input(path, contract.intake_columns)
    rows = list(input_file.rows())
    assert [r.row for r in rows] == [2, 4] and input_file.count_rows() == 2
    first = rows[0]
    assert first.problems == ()
    assert first.headers["borrower_name"] == "姓名（必填）"
    assert {k: first.cells[k] for k in ("phone", "principal", "overdue_since", "monthly_income", "dependents")} == {
        "phone": "13800138000", "principal": "12345.5", "overdue_since": "2026-06-15", "monthly_income": "6000",
        "dependents": "2"}
    assert rows[1].cells["overdue_since"] == "2026-01-02"
    validator = BatchValidator(contract, date(2026, 11, 24))
    assert all(validator.validate(r).case for r in rows)


def test_id_number_stored_as_a_number_is_rejected_with_format_as_text_advice(tmp_path, contract):
    path = make_book(tmp_path / "cases.xlsx", [good_row("X1", c2=1.1010519491231e17), good_row("X2")])
    first, second = open_input(path, contract.intake_columns).rows()
    (problem,) = first.problems
    assert (problem.row, problem.column, problem.code) == (2, "身份证号", "id_as_number")
    assert "文本格式" in problem.message and "「身份证号」" in problem.message
    assert problem.value == "110105********0000"  # masked, like every ID number in messages
    outcome = BatchValidator(contract, date(2026, 11, 24)).validate(first)
    assert outcome.case is None and [p.code for p in outcome.problems] == ["id_as_number"]
    assert second.problems == ()


def test_date_serial_number_in_a_date_column_is_a_date(tmp_path, contract):
    path = make_book(tmp_path / "cases.xlsx", [good_row("X1", c5=46188)])
    (row,) = open_input(path, contract.intake_columns).rows()
    assert row.cells["overdue_since"] == "2026-06-15"


def test_missing_required_column_stops_the_run_naming_it_and_the_sheet(tmp_path, contract):
    path = make_book(tmp_path / "cases.xlsx", [good_row()[:-2]], header=HEADER[:-2], first_sheet=None)
    with pytest.raises(RunError, match="缺少必填列 协商诉求.*工作表“Sheet”"):
        open_input(path, contract.intake_columns)


def test_sheet_option_picks_the_worksheet(tmp_path):
    path = make_book(tmp_path / "cases.xlsx", [good_row()], first_sheet="封面")
    result = run_cli("validate", str(path), "--date", "2026-11-24")
    assert result.returncode == 2 and "--sheet" in result.stderr and "案件" in result.stderr
    result = run_cli("validate", str(path), "--date", "2026-11-24", "--sheet", "案件")
    assert result.returncode == 0, result.stderr
    assert "成功1" in result.stdout
    result = run_cli("validate", str(path), "--sheet", "无此表")
    assert result.returncode == 2 and "没有名为“无此表”的工作表" in result.stderr


def test_not_a_workbook_is_a_run_error(tmp_path, contract):
    path = tmp_path / "cases.xlsx"
    path.write_text("案件编号,姓名\n", encoding="utf-8")
    with pytest.raises(RunError, match="不是有效的Excel工作簿"):
        open_input(path, contract.intake_columns)


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    path = tmp_path_factory.mktemp("init") / "intake.xlsx"
    result = run_cli("init", str(path))
    assert result.returncode == 0, result.stderr
    return path


def test_init_writes_headers_formats_and_drop_downs_from_the_schema(blank, contract):
    book = load_workbook(blank)
    assert book.sheetnames[:2] == [DATA_SHEET, HELP_SHEET]
    sheet = book[DATA_SHEET]
    columns = list(contract.columns.values())
    header = [c.value for c in sheet[1]]
    assert header == [c.header for c in columns]
    letter = {c.header: cell.column_letter for c, cell in zip(columns, sheet[1], strict=True)}
    for c, cell in zip(columns, sheet[1], strict=True):
        assert cell.font.b and (cell.font.color is not None and cell.font.color.rgb.endswith("C00000")) == c.required
    for name in ("身份证号", "手机号", "案件编号"):
        assert sheet.column_dimensions[letter[name]].number_format == "@"
    assert sheet.column_dimensions[letter["逾期开始日期"]].number_format == "yyyy-mm-dd"
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    lender = validations[letter["贷款机构"] + "2"]
    assert lender.type == "list"
    sheet_name, cells = lender.formula1.split("!")
    items = [c.value for row in book[sheet_name.strip("'")][cells.replace("$", "")] for c in row]
    assert items == list(contract.lenders)
    dependents = validations[letter["需抚养人数"] + "2"]
    assert (dependents.type, dependents.formula1, dependents.formula2) == ("whole", "0", "20")
    for name, key in (("困难类型", "hardship_types"), ("协商诉求", "requests"), ("证明材料", "evidence")):
        multi = validations[letter[name] + "2"]
        assert multi.type is None and all(label in multi.prompt for label in contract.columns[key].labels.values())


def test_init_help_sheet_and_example_row(blank, contract):
    book = load_workbook(blank)
    text = "\n".join(str(c.value) for row in book[HELP_SHEET].iter_rows() for c in row if c.value is not None)
    for column in contract.columns.values():
        assert column.header in text and column.key in text and column.description in text
    assert "网商贷、微粒贷" in text
    # the example row reads back as the schema's examples, and is a valid case
    input_file = open_input(blank, contract.intake_columns)
    assert list(input_file.rows()) == [] and "示例行" in input_file.notices[0]
    (example,) = dataclasses.replace(input_file, columns=dataclasses.replace(input_file.columns, example=())).rows()
    assert example.cells["principal"] == "45000" and example.cells["overdue_since"] == "2026-03-05"
    assert example.cells["id_number"] == contract.columns["id_number"].example
    assert BatchValidator(contract, date(2026, 11, 24)).validate(example).case is not None


def test_init_offers_every_lender_and_explains_the_creditor_column(blank, contract):
    book = load_workbook(blank)
    sheet = book[DATA_SHEET]
    letter = {cell.value: cell.column_letter for cell in sheet[1]}
    assert letter["债权人"] == chr(ord(letter["贷款机构"]) + 1)  # next to the product it belongs to
    validations = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    lender = validations[letter["贷款机构"] + "2"]
    sheet_name, cells = lender.formula1.split("!")
    items = [c.value for row in book[sheet_name.strip("'")][cells.replace("$", "")] for c in row]
    assert {"借呗", "花呗", "京东金条", "美团借钱", "招联消费金融", "信用卡"} <= set(items)
    assert "信用卡" in lender.error and "债权人" in lender.error
    creditor = validations[letter["债权人"] + "2"]
    assert (creditor.type, creditor.formula2) == ("textLength", "100")
    assert "借款合同" in creditor.prompt and "征信报告" in creditor.prompt and "发卡银行" in creditor.prompt
    help_text = "\n".join(str(c.value) for row in book[HELP_SHEET].iter_rows() for c in row if c.value is not None)
    assert "债权人" in help_text.split("\n")[4]  # the note on 贷款机构 says where the creditor comes from


def test_schema_command_prints_every_column_and_markdown(contract):
    result = run_cli("schema")
    assert result.returncode == 0
    for column in contract.columns.values():
        assert f"{column.header} ({column.key})" in result.stdout
    markdown = run_cli("schema", "--markdown").stdout.strip().splitlines()
    # one row per debt, explained with a three-row example, then one line per column
    assert "每行是一笔借款" in markdown[0] and "| WS-2026-017 |" in markdown[4]
    table = markdown[markdown.index(next(line for line in markdown if line.startswith("| 列名 |"))):]
    assert table[0].startswith("| 列名 | 英文列名 | 属于 | 必填 |") and len(table) == 2 + len(contract.columns)
    assert "\n".join(markdown) == schema_markdown(contract)
    # the README's column table is this output, kept current (`make columns`)
    assert (ROOT / "docs" / "columns.md").read_text("utf-8") == schema_markdown(contract) + "\n"


FILLED = [
    {"案件编号": "XL-001", "姓名": "王芳", "身份证号": "330106198604170358", "手机号": "13800138001", "贷款机构": "网商贷",
     "剩余本金": 45800, "未还利息": 1236.4, "逾期开始日期": date(2026, 3, 5), "月收入": 11000, "月必要支出": 5200,
     "需抚养人数": 2, "困难类型": "经营困难", "困难情况说明": "网店销量下滑，月营业额由六万元降到一万五千元。",
     "协商诉求": "分期还款、减免罚息", "证明材料": "银行流水:6"},
    {"案件编号": "XL-002", "姓名": "李秀英", "身份证号": "440305197909230468", "手机号": "13800138002", "贷款机构": "微粒贷",
     "剩余本金": 68500.0, "逾期开始日期": date(2026, 4, 12), "月收入": 8500, "月必要支出": 5600, "困难类型": "疾病",
     "困难情况说明": "查出肿瘤做了手术，又做了六次化疗，自付医疗费约七万八千元。", "协商诉求": "延期还款", "延期月数": 6},
]


@pytest.mark.slow
def test_workbook_from_init_filled_and_saved_by_libreoffice_calc_builds_without_edits(blank, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("soffice not found: install libreoffice-calc-nogui (make system)")
    book = load_workbook(blank)
    sheet = book[DATA_SHEET]
    header = [c.value for c in sheet[1]]
    for number, case in enumerate(FILLED, start=3):  # row 2 is the example
        for name, value in case.items():
            sheet.cell(row=number, column=header.index(name) + 1, value=value)
    filled = tmp_path / "filled" / "cases.xlsx"
    filled.parent.mkdir()
    book.save(filled)
    saved = tmp_path / "calc"
    convert = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc Office Open XML", "--outdir", str(saved), str(filled)],
        capture_output=True, text=True, timeout=120,
    )
    resaved = saved / "cases.xlsx"
    assert resaved.is_file(), convert.stdout + convert.stderr
    with zipfile.ZipFile(resaved) as saved_zip:
        assert b"LibreOffice" in saved_zip.read("docProps/app.xml")  # really saved by Calc

    out = tmp_path / "out"
    result = run_cli("build", str(resaved), "--out", str(out), "--date", "2026-11-24", "--jobs", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "示例行" in result.stderr  # the example row is skipped, and staff are told
    assert [(r["row"], r["case_id"], r["status"]) for r in read_report(out)] == [
        ("3", "XL-001", "ok"), ("4", "XL-002", "ok")]
    for case in FILLED:
        packet = out / case["案件编号"] / "packet.pdf"
        assert len(PdfReader(packet).pages) >= 3


def _patched(path, *replacements):
    """The workbook at `path` with its sheet's XML changed (what a program other than openpyxl writes)."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for old, new in replacements:
        assert old in sheet, old
        sheet = sheet.replace(old, new)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return path


FORMULA_MESSAGE = ("「剩余本金」（单元格E{row}）是公式“{formula}”：程序不计算公式，也不采用表格里保存的计算结果；"
                   "请选中该列，复制后用“选择性粘贴→数值”粘贴回原处，保存后重新运行")


def test_a_formula_in_a_data_cell_is_refused_naming_the_cell(tmp_path, contract):
    """Issue 20, finding 11: a formula without a stored result (openpyxl writes none) read as empty —
    "剩余本金 is required" while Excel showed 45800."""
    path = make_book(tmp_path / "cases.xlsx", [good_row("X1", c4="=45800"), good_row("X2")])
    first, second = open_input(path, contract.intake_columns).rows()
    (problem,) = first.problems
    assert (problem.row, problem.column, problem.value, problem.code) == (2, "剩余本金", "=45800", "formula")
    assert problem.message == FORMULA_MESSAGE.format(row=2, formula="=45800")
    outcome = BatchValidator(contract, date(2026, 11, 24)).validate(first)
    assert outcome.case is None and [p.code for p in outcome.problems] == ["formula"]  # not "required" as well
    assert second.problems == () and second.cells["principal"] == "12345.5"


def test_the_result_a_workbook_stores_beside_a_formula_is_never_used(tmp_path, contract):
    """Finding 11: a crafted stored result behind =45800 was used as is. Also a formula filled down
    (shared: the cells below hold only a reference to the first) and an array formula."""
    path = make_book(tmp_path / "cases.xlsx", [good_row("X1", c4="=45800"), good_row("X2", c4="=45800"),
                                               good_row("X3", c4="=45800")])
    _patched(path, ('<c r="E2"><f>45800</f><v></v></c>', '<c r="E2"><f>45800</f><v>1</v></c>'),
             ('<c r="E3"><f>45800</f><v></v></c>', '<c r="E3"><f t="shared" ref="E3:E4" si="0">45800+0</f><v>2</v></c>'),
             ('<c r="E4"><f>45800</f><v></v></c>', '<c r="E4"><f t="shared" si="0"/><v>3</v></c>'))
    rows = list(open_input(path, contract.intake_columns).rows())
    assert [(p.column, p.value, p.code) for r in rows for p in r.problems] == [
        ("剩余本金", "=45800", "formula"), ("剩余本金", "=45800+0", "formula"), ("剩余本金", "=45800+0", "formula")]
    assert [r.problems[0].message for r in rows][2] == FORMULA_MESSAGE.format(row=4, formula="=45800+0")
    assert all("principal" not in r.cells for r in rows)


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula(tmp_path, contract):
    path = make_book(tmp_path / "cases.xlsx", [good_row("X1", c10="DETAILS")])
    _patched(path, ('<c r="K2" t="inlineStr"><is><t>DETAILS</t></is></c>',
                    '<c r="K2" t="inlineStr"><is><t>=先说结论：收入减半</t></is></c>'))
    (row,) = open_input(path, contract.intake_columns).rows()
    assert row.problems == () and row.cells["hardship_details"] == "=先说结论：收入减半"
