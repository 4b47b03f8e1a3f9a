import codecs
from pathlib import Path

import pytest

from pipeline.common.errors import RunError
from pipeline.intake import open_input

HEADER = "案件编号,姓名,身份证号,手机号,剩余本金,逾期开始日期,月收入,月必要支出,困难类型,困难情况说明,协商诉求"
ROW = 'A1,张晓明,11010519491231002X,13800138000,"12,000",2026-06-15,6000,3000,失业,今年三月被公司裁员，至今未找到工作。,分期还款'


def write(tmp_path: Path, text: str, encoding: str, name="cases.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_chinese_survives_every_supported_encoding(tmp_path, contract, encoding):
    path = write(tmp_path, f"{HEADER}\r\n{ROW}\r\n", encoding)
    (row,) = list(open_input(path, contract.intake_columns).rows())
    assert row.cells["borrower_name"] == "张晓明"
    assert row.cells["hardship_details"] == "今年三月被公司裁员，至今未找到工作。"
    assert row.headers["borrower_name"] == "姓名"
    assert row.row == 2


def test_gb18030_file_with_one_broken_byte_names_that_row_only(tmp_path, contract):
    good = f"{HEADER}\r\n{ROW}\r\n".encode("gb18030")
    broken = ROW.replace("A1", "A2").replace("张晓明", "李秀英").encode("gb18030").replace("李".encode("gb18030"), b"\xff\xff", 1)
    third = ROW.replace("A1", "A3").encode("gb18030")
    path = tmp_path / "gbk.csv"
    path.write_bytes(good + broken + b"\r\n" + third + b"\r\n")
    rows = list(open_input(path, contract.intake_columns).rows())
    assert [r.row for r in rows] == [2, 3, 4]
    assert rows[0].problems == () and rows[2].problems == ()
    (problem,) = rows[1].problems
    assert problem.row == 3 and problem.column == "姓名" and "编码" in problem.message


def test_english_keys_any_order_and_unknown_columns_warned(tmp_path, contract):
    text = "备注,requests,hardship_details,hardship_types,monthly_expenses,monthly_income,overdue_since,principal,phone,id_number,borrower_name,case_id\n"
    text += "随便,分期还款,今年三月被公司裁员至今,失业,3000,6000,2026-06-15,12000,13800138000,11010519491231002X,张晓明,A1\n"
    source = open_input(write(tmp_path, text, "utf-8"), contract.intake_columns)
    (row,) = list(source.rows())
    assert row.cells["case_id"] == "A1" and row.headers["case_id"] == "case_id"
    assert "备注" in source.notices[0]


def test_missing_required_columns_stop_the_run_naming_them(tmp_path, contract):
    with pytest.raises(RunError, match="缺少必填列 手机号、剩余本金"):
        open_input(write(tmp_path, HEADER.replace("手机号,剩余本金,", "") + "\n", "utf-8"), contract.intake_columns)


def test_duplicate_column_stops_the_run(tmp_path, contract):
    with pytest.raises(RunError, match="「姓名」和「borrower_name」"):
        open_input(write(tmp_path, HEADER + ",borrower_name\n", "utf-8"), contract.intake_columns)


@pytest.mark.parametrize("content, says", [(b"", "文件为空"), (b"  \r\n", "文件为空"), (b"PK\x03\x04\x00\x00binary", "二进制")])
def test_unusable_files_stop_the_run(tmp_path, contract, content, says):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(RunError, match=says):
        open_input(path, contract.intake_columns)


def test_cells_are_trimmed_including_full_width_spaces_and_blank_rows_skipped(tmp_path, contract):
    text = f"{HEADER}\n" + ROW.replace("张晓明", "\u3000 张晓明 \u3000") + "\n,,,,\n\n" + ROW.replace("A1", "A2") + "\n"
    rows = list(open_input(write(tmp_path, text, "utf-8"), contract.intake_columns).rows())
    assert rows[0].cells["borrower_name"] == "张晓明"
    assert [r.row for r in rows] == [2, 5]


def test_quoted_newlines_keep_spreadsheet_row_numbers(tmp_path, contract):
    text = f"{HEADER}\n" + ROW.replace("今年三月", '"今年\n三月').replace("工作。", '工作。"') + "\n" + ROW.replace("A1", "A2") + "\n"
    rows = list(open_input(write(tmp_path, text, "utf-8"), contract.intake_columns).rows())
    assert [r.row for r in rows] == [2, 3]
    assert rows[0].cells["hardship_details"].startswith("今年\n三月")


def test_extra_cells_make_the_row_invalid_missing_cells_are_empty(tmp_path, contract):
    text = f"{HEADER}\n{ROW},多余\n" + ",".join(ROW.split(",")[:3]) + "\n"
    rows = list(open_input(write(tmp_path, text, "utf-8"), contract.intake_columns).rows())
    assert rows[0].problems[0].code == "too_many_cells"
    assert set(rows[1].cells) == {"case_id", "borrower_name", "id_number"} and rows[1].problems == ()


def test_bom_is_not_part_of_the_first_header(tmp_path, contract):
    source = open_input(write(tmp_path, f"{HEADER}\n{ROW}\n", "utf-8-sig"), contract.intake_columns)
    assert source.header.headers["case_id"] == "案件编号"
    assert codecs.BOM_UTF8 not in source.header.headers["case_id"].encode()
