"""CSV rows that are far too long cost their own row with the right reason; a UTF-8 cell inside a GBK
file is read as what it says, with a warning. Issue 14, findings 6 and 12."""

from __future__ import annotations

import csv

import pytest

from pipeline.common.errors import UNREADABLE, Code, RunError, Severity
from pipeline.intake import csv_file, open_input

HEADER = "案件编号,姓名,身份证号,手机号,剩余本金,逾期开始日期,月收入,月必要支出,困难类型,困难情况说明,协商诉求"
ROW = "{case},张晓明,11010519491231002X,13800138000,12345.5,2026-06-15,6000,3000,失业,{details},分期还款"
DETAILS = "今年三月被公司裁员，至今未找到工作。"


def row(case: str, details: str = DETAILS) -> str:
    return ROW.format(case=case, details=details)


def rows_of(contract, path):
    return list(open_input(path, contract.intake_columns).rows())


def test_a_cell_over_the_limit_is_named_as_too_large_not_as_a_stray_quote(tmp_path, contract):
    """Finding 12: csv's "field larger than field limit" was reported as an unclosed quote."""
    huge = '"' + "长" * (csv_file.MAX_CELL_CHARACTERS + 1) + '"'
    text = "\n".join([HEADER, row("BIG-1", huge), row("AFTER-1")]) + "\n"
    (tmp_path / "cases.csv").write_text(text, encoding="utf-8")
    first, after = rows_of(contract, tmp_path / "cases.csv")
    (problem,) = first.problems
    assert problem.code == Code.CELL_TOO_LARGE and problem.code in UNREADABLE
    assert (problem.source, problem.row, problem.column) == ("cases.csv", 2, "困难情况说明")
    assert "引号" not in problem.message
    assert "「困难情况说明」" in problem.message and "超过1,000,000个字符" in problem.message
    assert first.row == 2 and first.cells == {"case_id": "BIG-1"}  # the cells before it are still read
    assert after.row == 3 and after.cells["case_id"] == "AFTER-1" and after.problems == ()


@pytest.fixture
def small_cells(monkeypatch):
    """A limit of 1,000 characters a cell, for this test only."""
    monkeypatch.setattr(csv_file, "MAX_CELL_CHARACTERS", 1_000)
    before = csv.field_size_limit(1_000)
    yield
    csv.field_size_limit(before)


@pytest.mark.parametrize(("cells", "column"), [
    (["{huge}", "张晓明"], "案件编号"),  # the first cell
    (["C-1", "张晓明", '"{huge}'], "身份证号"),  # a quote that is never closed: the cell runs on to the limit
    (["C-1", '"引号里,有逗号"', "{huge}"], "身份证号"),  # a delimiter inside quotes starts no new cell
    (["C-1"] + [""] * 10 + ["{huge}"], "第12列"),  # past the header: named by its position
])
def test_the_cell_over_the_limit_is_named_by_its_column(tmp_path, contract, small_cells, cells, column):
    huge = "长" * 1_500
    text = "\n".join([HEADER, ",".join(cells).format(huge=huge), row("AFTER-1")]) + "\n"
    (tmp_path / "cases.csv").write_text(text, encoding="utf-8")
    first = rows_of(contract, tmp_path / "cases.csv")[0]
    (problem,) = first.problems
    assert problem.code == Code.CELL_TOO_LARGE and problem.column == column, problem.message
    assert f"「{column}」" in problem.message and "超过1,000个字符" in problem.message


def test_a_cell_over_the_limit_in_english(tmp_path, contract):
    from pipeline.common.i18n import set_language

    huge = "x" * (csv_file.MAX_CELL_CHARACTERS + 1)
    (tmp_path / "cases.csv").write_text("\n".join([HEADER, row("BIG-1", huge)]) + "\n", encoding="utf-8")
    set_language("en")
    try:
        (problem,) = rows_of(contract, tmp_path / "cases.csv")[0].problems
    finally:
        set_language("zh")
    assert "困难情况说明" in problem.message and "1,000,000 characters" in problem.message


def test_a_line_over_the_limit_is_skipped_without_being_held_whole(tmp_path, contract, monkeypatch):
    monkeypatch.setattr(csv_file, "MAX_LINE_CHARACTERS", 10_000)
    lines = [HEADER, row("OK-1"), row("LONG-1", "啊" * 20_000), row("OK-2")]
    (tmp_path / "cases.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    found = rows_of(contract, tmp_path / "cases.csv")
    assert [(r.row, r.cells.get("case_id")) for r in found] == [(2, "OK-1"), (3, None), (4, "OK-2")]
    (problem,) = found[1].problems
    assert problem.code == Code.LINE_TOO_LONG and problem.code in UNREADABLE
    assert "引号" not in problem.message and "超过10,000个字符" in problem.message


def test_a_utf8_cell_in_a_gbk_file_is_read_as_utf8_with_a_warning(tmp_path, contract):
    """Finding 12: the cell was decoded as GB18030 and silently became other characters."""
    pasted = "从微信里粘贴的说明：今年三月失业。"
    data = (HEADER + "\r\n" + row("GBK-1") + "\r\n").encode("gb18030") + \
        row("GBK-2", "PLACEHOLDER").encode("gb18030").replace(b"PLACEHOLDER", pasted.encode("utf-8")) + b"\r\n"
    (tmp_path / "cases.csv").write_bytes(data)
    first, second = rows_of(contract, tmp_path / "cases.csv")
    assert first.cells["hardship_details"] == DETAILS and first.problems == ()
    assert second.cells["hardship_details"] == pasted
    (warning,) = second.problems
    assert warning.severity == Severity.WARNING and "UTF-8" in warning.message and warning.column == "困难情况说明"


def test_gbk_text_is_not_mistaken_for_utf8(tmp_path, contract):
    names = ["张晓明", "欧阳娜娜", "李", "王芳", "陈", "刘德华", "赵", "钱孙李"]
    data = (HEADER + "\r\n" + "\r\n".join(row(f"G-{n}", name + "的说明文字，够十个字了。")
                                            for n, name in enumerate(names)) + "\r\n").encode("gb18030")
    (tmp_path / "cases.csv").write_bytes(data)
    assert all(r.problems == () for r in rows_of(contract, tmp_path / "cases.csv"))


def test_a_named_pipe_as_input_is_refused_at_once(tmp_path, contract):
    import hostile

    hostile.fifo(tmp_path / "cases.csv")
    with pytest.raises(RunError, match="不是普通文件"):
        open_input(tmp_path / "cases.csv", contract.intake_columns)


def test_a_read_error_half_way_is_one_line_naming_the_file(tmp_path, contract, monkeypatch):
    (tmp_path / "cases.csv").write_text(HEADER + "\n" + row("IO-1") + "\n", encoding="utf-8")
    source = open_input(tmp_path / "cases.csv", contract.intake_columns)

    def failing(self):
        yield 2, row("IO-1").split(","), None
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(csv_file.CsvFile, "_read_records", failing)
    with pytest.raises(RunError, match="cases.csv：读取中途出错（Input/output error）"):
        list(source.rows())
