"""Hostile and oversized workbooks are refused before anything is built, in one line naming the file;
a good workbook is read once.

Issue 14, findings 6 (caps checked before parsing; one read per build), 10 (unreadable inputs were
"程序内部错误") and 12 (a 1.19 M-character warning for 100,000 unknown columns). Every hostile file
here is small; none is ever opened by anything but the code under test, which refuses it before it
expands (each test would take gigabytes or minutes on the code before the fix).
"""

from __future__ import annotations

import hostile
import openpyxl
import pytest
from openpyxl import Workbook

from pipeline.common.errors import RunError
from pipeline.intake import open_input, xlsx_scan

HEADER = ["案件编号", "姓名", "身份证号", "手机号", "剩余本金", "逾期开始日期", "月收入", "月必要支出", "困难类型",
          "困难情况说明", "协商诉求"]
ROW = ["WB-001", "张晓明", "11010519491231002X", "13800138000", "12345.5", "2026-06-15", "6000", "3000", "失业",
       "今年三月被公司裁员，至今未找到工作。", "分期还款"]


def refusal(contract, path) -> str:
    with pytest.raises(RunError) as refused:
        source = open_input(path, contract.intake_columns)
        list(source.rows())  # the code before the fix got this far on some of them
    message = str(refused.value)
    assert message.startswith(f"{path.name}：") and "\n" not in message
    return message


@pytest.mark.parametrize(("make", "says"), [
    (lambda p: hostile.xlsx_far_row(p, HEADER, [ROW]), "有第100,000,000行，超过Excel的1,048,576行上限"),
    (lambda p: hostile.xlsx_many_columns(p, HEADER, [ROW], columns=20_000), "超过Excel的16,384列上限"),
    (lambda p: hostile.xlsx_huge_shared_string(p, HEADER, [ROW], gib=0.5), "sharedStrings.xml 解压后有512MB，超过256MB"),
    (lambda p: hostile.xlsx_zip_bomb_ratio(p, HEADER, [ROW], gib=1.5), "sheet1.xml 解压后有1536MB，超过1024MB"),
    (lambda p: hostile.xlsx_zip_bomb_ratio(p, HEADER, [ROW], gib=0.01, filler="whitespace"), "超过100000个字符"),
    (lambda p: hostile.xlsx_zip_bomb_ratio(p, HEADER, [ROW], gib=0.0065, filler="rows"), "超过Excel的1,048,576行上限"),
    (lambda p: hostile.xlsx_truncated(p, HEADER, [ROW]), "sheet1.xml 不完整（文件被截断或已损坏），没有读取任何一行"),
    (lambda p: hostile.xlsx_billion_laughs(p, HEADER, [ROW]), "sheet1.xml 含有DTD或实体声明"),
    (lambda p: hostile.xlsx_billion_laughs(p, HEADER, [ROW], part="sharedStrings"), "sharedStrings.xml 含有DTD或实体声明"),
    (lambda p: hostile.xlsx_xxe(p, HEADER, "/etc/hostname", [ROW]), "sheet1.xml 含有DTD或实体声明"),
    (lambda p: hostile.xlsx_xxe(p, HEADER, "/etc/hostname", [ROW], part="sharedStrings"), "含有DTD或实体声明"),
], ids=["row 100,000,000", "20,000 columns", "0.5 GiB string", "1.5 GiB sheet", "whitespace filler",
        "empty-row filler", "truncated sheet", "billion laughs in the sheet", "billion laughs in the strings",
        "XXE in the sheet", "XXE in the strings"])
def test_a_hostile_workbook_is_refused_before_any_row_in_one_line(tmp_path, contract, make, says):
    path = make(tmp_path / "cases.xlsx")
    message = refusal(contract, path)
    assert says in message, message
    assert "程序内部错误" not in message


def test_too_many_shared_strings_are_refused_while_counting(tmp_path, contract, monkeypatch):
    """20 million tiny strings took openpyxl 6 minutes; the count is checked as the table streams by
    (the limit is lowered here so that the file stays small)."""
    monkeypatch.setattr(xlsx_scan, "MAX_SHARED_STRINGS", 1_000)
    path = hostile.xlsx_many_shared_strings(tmp_path / "cases.xlsx", HEADER, [ROW], count=1_001)
    assert "共享字符串超过1000个" in refusal(contract, path)


def test_a_truncated_sheet_yields_no_row_at_all(tmp_path, contract):
    """Finding 10: openpyxl's read-only mode gave four good rows, then a ParseError: a build wrote four
    packets and then no report. Now opening the file refuses it, before any row exists."""
    rows = [[f"TR-{n}", *ROW[1:]] for n in range(5)]
    path = hostile.xlsx_truncated(tmp_path / "cases.xlsx", HEADER, rows)
    yielded = []
    with pytest.raises(RunError):
        yielded.extend(open_input(path, contract.intake_columns).rows())
    assert yielded == []


def test_the_workbook_is_loaded_once_and_counted_without_reading_it_again(tmp_path, contract, monkeypatch):
    """Finding 6: the workbook was loaded for the header, again to count rows, again for the rows."""
    book = Workbook()
    book.active.append(HEADER)
    for n in range(3):
        book.active.append([f"ONE-{n}", *ROW[1:]])
    book.active.append([])  # an empty row is not a data row
    book.save(tmp_path / "cases.xlsx")
    loads = []
    real_load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    source = open_input(tmp_path / "cases.xlsx", contract.intake_columns)
    assert source.count_rows() == 3
    assert [row.cells["case_id"] for row in source.rows()] == ["ONE-0", "ONE-1", "ONE-2"]
    assert len(loads) == 1


def test_a_chosen_hidden_or_missing_sheet_is_found_as_openpyxl_would(tmp_path, contract):
    book = Workbook()
    book.active.title = "说明"
    book.active.sheet_state = "hidden"
    data = book.create_sheet("案件")
    data.append(HEADER)
    data.append(ROW)
    book.save(tmp_path / "cases.xlsx")
    source = open_input(tmp_path / "cases.xlsx", contract.intake_columns)
    assert source.sheet == "案件" and source.count_rows() == 1
    with pytest.raises(RunError, match="没有名为“其他”的工作表（现有：说明、案件）"):
        open_input(tmp_path / "cases.xlsx", contract.intake_columns, "其他")


def test_100000_unknown_columns_make_a_short_warning(tmp_path, contract, monkeypatch):
    """Finding 12: every unknown column was listed, a 1.19 M-character line (here in a CSV, where no
    column limit applies)."""
    header = HEADER + [f"extra_{n}" for n in range(100_000)]
    (tmp_path / "wide.csv").write_text(",".join(header) + "\n" + ",".join(ROW) + "\n", encoding="utf-8")
    source = open_input(tmp_path / "wide.csv", contract.intake_columns)
    (warning,) = source.notices
    assert len(warning) < 300 and "extra_0、extra_1" in warning and "等共100000列" in warning
