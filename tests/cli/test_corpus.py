"""Hostile and malformed input (tests/corpus/, made by make_corpus.py): the exact outcome of each.

Every data row appears exactly once in the report, packets exist exactly for the ok rows, the exit
code follows the contract (0 all ok, 1 some rows not ok, 2 the run could not start), messages name
the row, the column as the file names it, the value (ID and phone numbers masked) and what is
expected, and no traceback ever reaches the user.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from e2e import pdf_text, read_report, run_cli

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus as mc  # noqa: E402

DATE = "2026-11-24"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENTS = ("hardship_letter", "evidence_cover", "repayment_agreement")
LINE = re.compile(r"^(?P<source>\S+) 第(?P<row>\d+)行(?: (?P<case>\S+))? \[(?P<status>无效|成功|失败)\] (?P<messages>.*)$")
STATUS = {"无效": "invalid", "成功": "ok", "失败": "failed"}


def no_traceback(result) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream and "程序内部错误" not in stream and 'File "' not in stream, stream[-2000:]


def validate(name: str):
    result = run_cli("validate", str(CORPUS / name), "--date", DATE, timeout=120)
    no_traceback(result)
    return result


def build(name: str, out: Path):
    result = run_cli("build", str(CORPUS / name), "--out", str(out), "--date", DATE, "--jobs", "1", timeout=300)
    no_traceback(result)
    return result


def terminal_rows(result) -> dict[int, dict]:
    """Row problems as `validate` prints them (ok rows without problems print nothing)."""
    rows = {}
    for line in result.stderr.splitlines():
        match = LINE.match(line)
        if match:
            assert int(match["row"]) not in rows, f"row {match['row']} printed twice"
            rows[int(match["row"])] = {**match.groupdict(), "status": STATUS[match["status"]]}
    return rows


def summary(result) -> tuple[int, int, int, int]:
    match = re.search(r"共(\d+)行：成功(\d+)，无效(\d+)，失败(\d+)", result.stdout)
    assert match, result.stdout
    return tuple(int(n) for n in match.groups())


def packets(out: Path) -> list[str]:
    return sorted(p.parent.name for p in out.glob("*/packet.pdf"))


def docx_text(path: Path) -> str:
    """All the text of a .docx, read with a strict XML parser (a corrupt document fails here)."""
    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    return "\n".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))


def test_the_committed_corpus_is_what_make_corpus_writes(tmp_path):
    mc.make(tmp_path)
    for name in mc.FILES:
        assert (tmp_path / name).read_bytes() == (CORPUS / name).read_bytes(), f"re-run make_corpus.py: {name}"


def test_the_corpus_valid_id_numbers_pass_the_programs_own_check():
    """The corpus's "valid" rows are only valid if their ID numbers are: each is checked by the
    project's own rule (a corpus built with a wrong check digit would test nothing)."""
    from pipeline.contract.coerce import id_check_character, id_number_problem

    with (CORPUS / "cells_ok.csv").open(encoding="utf-8-sig", newline="") as handle:
        numbers = [row["身份证号"].strip().replace(" ", "").replace("\u3000", "") for row in csv.DictReader(handle)]
    assert numbers
    for number in numbers:
        normal = number.upper().translate(str.maketrans("０１２３４５６７８９Ｘ", "0123456789X"))
        assert id_number_problem(normal, date(2026, 11, 24)) is None, number
        assert id_check_character(normal[:17]) == normal[17]
    # and the rule itself, by hand for 11010519491231002X: 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over
    # 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 → 167; 167 % 11 = 2 → 'X'
    assert id_check_character("11010519491231002") == "X"


# ----------------------------------------------------------------- cells that must print literally


@pytest.fixture(scope="module")
def ok_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus-ok") / "out"
    return build("cells_ok.csv", out), out


OK_CASES = ["OK-FORMULA", "OK-XML", "OK-JINJA", "OK-RARE", "OK-SPACES", "OK-FULLWIDTH", "OK-LOWERX"]


def test_hostile_but_valid_cells_all_build(ok_build):
    result, out = ok_build
    assert result.returncode == 0, result.stderr
    assert [(r["row"], r["case_id"], r["status"], r["messages"]) for r in read_report(out)] == [
        (str(n), case, "ok", "") for n, case in enumerate(OK_CASES, start=2)]
    assert packets(out) == sorted(OK_CASES)


@pytest.mark.parametrize("case, expected", [
    ("OK-FORMULA", ["@SUM(A1:A9)", mc.FORMULA_ADDRESS, "借款合同编号：-2", "经办人：+1"]),
    ("OK-XML", [mc.XML_NAME, mc.XML_ADDRESS, mc.XML_DETAILS]),
    ("OK-JINJA", [mc.JINJA_NAME, mc.JINJA_ADDRESS, mc.JINJA_DETAILS, mc.JINJA_CASEWORKER]),
    ("OK-RARE", [mc.RARE_NAME, mc.RARE_DETAILS]),
])
def test_formulas_xml_and_template_syntax_print_literally_in_the_editable_documents(ok_build, case, expected):
    _, out = ok_build
    text = "\n".join(docx_text(path) for name in DOCUMENTS if (path := out / case / f"{name}.docx").exists())
    for literal in expected:
        assert literal in text, literal
    assert "：49" not in text  # {{ 7*7 }} was never evaluated
    assert "&lt;" not in text and "&amp;amp;" not in text  # escaped once, shown as typed


@pytest.mark.parametrize("case, expected", [
    ("OK-FORMULA", ["申请人：@SUM(A1:A9)", 'HYPERLINK("http://evil.example/x","点我")']),
    ("OK-XML", ["申请人：<w:t>王五", "A&amp;B<w:t>x</w:t>]]>", "<w:p><w:r><w:t>注入</w:t></w:r></w:p>&amp;]]>"]),
    ("OK-JINJA", ["申请人：{{7*7}}", "{%forxinrange(3)%}循环{%endfor%}", "{{7*7}}{%for%}{%pif%}{{borrower.id_number}}",
                  "经办人：{%pif%}"]),
    ("OK-RARE", ["王𠀀𡃁", "变故😀"]),  # the text layer keeps them (how they look depends on the fonts)
])
def test_the_same_text_is_in_the_packet_pdf(ok_build, case, expected):
    _, out = ok_build
    text = re.sub(r"\s+", "", pdf_text(out / case / "packet.pdf"))
    for literal in expected:
        assert literal in text, literal


def test_spaces_full_width_digits_and_lowercase_x_are_normalised(ok_build):
    import json

    _, out = ok_build

    def record(case):
        document = json.loads((out / case / "case.json").read_text("utf-8"))
        (debt,) = document["debts"]  # the debt's columns, beside the client's
        return document["case"] | {key: debt[key] for key in ("principal", "installments", "overdue_since")}

    spaces = record("OK-SPACES")
    assert spaces["borrower_name"] == "张晓明" and spaces["id_number"] == "11010519491231002X"
    assert spaces["principal"] == "12000.00"
    assert spaces["hardship_details"] == "今年三月被公司裁员，\t至今未找到稳定工作。\n  靠打零工维持生活。"
    # Full-width digits are accepted as the same digits, in every kind of column.
    wide = record("OK-FULLWIDTH")
    assert (wide["principal"], wide["monthly_income"], wide["dependents"], wide["installments"]) == ("123.00", "6500.00", 2, 12)
    assert (wide["overdue_since"], wide["phone"]) == ("2026-06-15", "13800138000")
    assert record("OK-LOWERX")["id_number"] == "11010519491231010X"
    assert "申请人：张晓明" in re.sub(r"[ \t]+", "", pdf_text(out / "OK-SPACES" / "packet.pdf"))


# ----------------------------------------------------------------- cells that are refused

# row → (case_id as reported, column, shown value or None, what the message must say)
BAD = {
    2: ("BAD-NUL", "困难情况说明", "今年三月被公司裁员␀至今未找到稳定工作。", "第10个字符是不可见的控制字符（U+0000"),
    3: ("BAD-VT", "联系地址", "文三路␋100号", "第4个字符是不可见的控制字符（U+000B"),
    4: ("BAD-US", "姓名", "张␟三", "第2个字符是不可见的控制字符（U+001F"),
    5: ("BAD-LONG-DETAILS", "困难情况说明", "长" * 40 + "…（共10000个字符）", "过长：最多2000个字符，现为10000个"),
    6: ("BAD-LONG-ADDRESS", "联系地址", "a" * 40 + "…（共10000个字符）", "过长：最多200个字符，现为10000个"),
    7: ("BAD-LONG-MONEY", "剩余本金", "1" * 40 + "…（共10000个字符）", "过长：最多200个字符，现为10000个"),
    8: ("BAD-LONG-TYPES", "困难类型", "失业" * 20 + "…（共10000个字符）", "过长：最多200个字符，现为10000个"),
    9: ("BAD-EXP", "剩余本金", "1e5", "不能用科学计数法"),
    10: ("BAD-NAN", "未还利息", "NaN", "不是有效金额"),
    11: ("BAD-NEGZERO", "罚息及费用", "-0", "不能带正负号"),
    12: ("BAD-INT-NEGZERO", "需抚养人数", "-0", "不能带正负号"),
    13: ("BAD-INT-NAN", "分期期数", "NaN", "应为整数"),
    14: ("BAD-INT-EXP", "分期期数", "1e1", "不能用科学计数法"),
    15: ("BAD-DATE", "逾期开始日期", "2026-02-30", "日期不存在"),
    16: ("BAD-ID-CHECK", "身份证号", "110105********0021", "校验码不正确"),
    17: ("BAD-ID-LENGTH", "身份证号", "110105*******1002", "应为18位居民身份证号码，现为17位"),
    18: ("BAD-ID-EXCEL", "身份证号", "1.1010*E+17", "科学计数法"),
    19: ("../../etc/passwd", "案件编号", "../../etc/passwd", "格式不正确（案件编号"),
    20: ("CON", "案件编号", "CON", "系统保留名称"),
    21: ("A" * 200, "案件编号", "A" * 40 + "…（共200个字符）", "最长40个字符"),
    22: ("BAD-BLANK-NAME", "姓名", None, "为必填项，不能为空"),
    23: ("=1+1", "案件编号", "=1+1", "格式不正确（案件编号"),
    24: ("BAD-INDIC", "剩余本金", "١٢٣", "不是有效金额"),
    25: ("BAD-PHONE", "手机号", "138***3800", "11位手机号码"),
}


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus-bad")
    return build("cells_bad.csv", root / "out"), root


def test_every_bad_row_is_reported_once_naming_column_value_and_expectation(bad_build):
    result, root = bad_build
    assert result.returncode == 1, result.stderr
    report = read_report(root / "out")
    assert [int(r["row"]) for r in report] == list(BAD)
    for line in report:
        case_id, column, value, says = BAD[int(line["row"])]
        message = line["messages"]
        assert line["status"] == "invalid"
        assert line["case_id"] == ("'" + case_id if case_id.startswith("=") else case_id)
        assert message.count("「") == 1, message  # exactly one problem: the one this row was made for
        assert message.startswith(f"「{column}」" + (f"“{value}”" if value else "")), message
        assert says in message, message
    assert summary(result) == (24, 0, 24, 0)


def test_refused_rows_make_no_folder_anywhere(bad_build):
    _, root = bad_build
    assert sorted(p.name for p in root.iterdir()) == ["out"]  # nothing escaped OUT (../../etc/passwd)
    assert [p for p in (root / "out").iterdir() if p.is_dir()] == []


def test_report_cells_that_look_like_formulas_are_neutralised(bad_build):
    _, root = bad_build
    raw = (root / "out" / "report.csv").read_text("utf-8-sig")
    cells = [cell for record in csv.reader(io.StringIO(raw)) for cell in record]
    assert "'=1+1" in cells and "=1+1" not in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)


def test_full_id_and_phone_numbers_never_reach_terminal_or_report(bad_build):
    result, root = bad_build
    text = result.stdout + result.stderr + (root / "out" / "report.csv").read_text("utf-8-sig")
    for secret in ("110105194912310021", "11010519491231002", "1380013800"):
        assert secret not in text
    assert "\x00" not in text and "\x0b" not in text and "\x1f" not in text  # shown as ␀ ␋ ␟


def test_validate_says_the_same_as_build(bad_build):
    result = validate("cells_bad.csv")
    assert result.returncode == 1
    rows = terminal_rows(result)
    assert sorted(rows) == list(BAD)
    assert all(rows[n]["status"] == "invalid" and f"「{BAD[n][1]}」" in rows[n]["messages"] for n in BAD)


# ----------------------------------------------------------------- files that cannot be read at all


@pytest.mark.parametrize("name, says", [
    ("empty.csv", "empty.csv：文件为空，没有表头"),
    ("missing_columns.csv", "missing_columns.csv：缺少必填列 手机号、剩余本金"),
    ("duplicate_header.csv", "表头中「姓名」和「姓名」是同一列，请删除其中一列"),
    ("binary_xlsx.csv", "不是CSV文本文件，而是Excel工作簿（.xlsx）"),
    ("binary_png.csv", "不是文本格式的CSV文件（含有二进制内容）"),
])
def test_unusable_files_exit_2_with_one_line(name, says):
    result = validate(name)
    assert result.returncode == 2
    assert result.stderr.startswith("无法运行：") and len(result.stderr.strip().splitlines()) == 1
    assert says in result.stderr and result.stdout == ""


def test_unusable_file_stops_build_before_anything_is_written(tmp_path):
    result = build("missing_columns.csv", tmp_path / "out")
    assert result.returncode == 2 and "缺少必填列 手机号、剩余本金" in result.stderr
    assert not (tmp_path / "out" / "report.csv").exists() and packets(tmp_path / "out") == []


def test_header_only_is_no_error_but_says_so():
    result = validate("header_only.csv")
    assert result.returncode == 0
    assert "header_only.csv：只有表头，没有数据行" in result.stderr
    assert summary(result) == (0, 0, 0, 0)


# ----------------------------------------------------------------- files with some bad rows


@pytest.mark.parametrize("name, expected", [
    # ragged: row 3 has one cell too many, row 4 only three cells (its required columns are empty)
    ("ragged.csv", {2: ("R-OK1", "ok", []), 3: ("R-LONG", "invalid", ["本行有20个单元格，多于表头的19列"]),
                    4: ("R-SHORT", "invalid", [f"「{c}」为必填项" for c in ("手机号", "剩余本金", "逾期开始日期", "月收入",
                                                                          "月必要支出", "困难类型", "困难情况说明", "协商诉求")]),
                    5: ("R-OK2", "ok", [])}),
    ("unclosed_quote_last.csv", {2: ("Q-OK1", "ok", []),
                                 3: ("Q-LAST", "invalid", ["「经办人」“李律师”以英文引号\"开头，但没有对应的结束引号"])}),
    ("mixed_newlines.csv", {2: ("N-LF", "ok", []), 3: ("N-CR", "ok", []), 4: ("N-CRLF", "ok", [])}),
    ("utf16_tab.csv", {2: ("U16-1", "ok", []), 3: ("U16-2", "ok", [])}),
    ("utf16_no_bom.csv", {2: ("U16N-1", "ok", [])}),
    ("utf8_broken.csv", {2: ("U8-1", "ok", []), 3: ("U8-2", "invalid", ["「姓名」“李\ufffd\ufffd英”含有无法识别的字符"]), 4: ("U8-3", "ok", [])}),
    ("gb18030_broken_id.csv", {2: ("GI-1", "invalid", ["「身份证号」“110105********0\ufffd2X”含有无法识别的字符"])}),
])
def test_each_row_is_named_once_with_its_outcome(name, expected):
    result = validate(name)
    shown = terminal_rows(result)
    bad = {n for n, (_, status, _) in expected.items() if status != "ok"}
    assert result.returncode == (1 if bad else 0), result.stderr
    assert summary(result) == (len(expected), len(expected) - len(bad), len(bad), 0)
    assert sorted(shown) == sorted(bad)  # ok rows here have nothing to say
    for number in bad:
        case_id, status, says = expected[number]
        assert (shown[number]["case"], shown[number]["status"]) == (case_id, status)
        assert shown[number]["messages"].count("「") == len(says) or not says[0].startswith("「")
        for words in says:
            assert words in shown[number]["messages"], shown[number]["messages"]


def test_unclosed_quote_costs_one_row_and_the_others_build(tmp_path):
    result = build("unclosed_quote_middle.csv", tmp_path / "out")
    assert result.returncode == 1, result.stderr
    report = read_report(tmp_path / "out")
    assert [(r["row"], r["case_id"], r["status"]) for r in report] == [
        ("2", "Q-OK1", "ok"), ("3", "Q-BROKEN", "invalid"), ("4", "Q-OK2", "ok"), ("5", "Q-OK3", "ok"), ("6", "Q-OK4", "ok")]
    assert report[1]["messages"].startswith("「困难情况说明」“今年三月被公司裁员，至今未找到稳定工作。,分期还款,12,李律师”以英文引号")
    assert packets(tmp_path / "out") == ["Q-OK1", "Q-OK2", "Q-OK3", "Q-OK4"]
    # row 5's quoted cells (the quote that would have closed row 3's) are read as written
    assert "第二行" not in (tmp_path / "out" / "Q-OK3" / "case.json").read_text("utf-8")
    assert '"principal": "12000.00"' in (tmp_path / "out" / "Q-OK3" / "case.json").read_text("utf-8")


def test_gb18030_file_with_one_broken_byte_names_that_row_and_builds_the_others(tmp_path):
    result = build("gb18030_broken.csv", tmp_path / "out")
    assert result.returncode == 1, result.stderr
    report = read_report(tmp_path / "out")
    assert [(r["row"], r["case_id"], r["status"]) for r in report] == [
        ("2", "G-1", "ok"), ("3", "G-2", "invalid"), ("4", "G-3", "ok")]
    assert report[1]["messages"].startswith("「姓名」“\ufffd\ufffd秀英”含有无法识别的字符")
    assert report[1]["messages"].count("「") == 1  # not also "姓名 is required"
    assert packets(tmp_path / "out") == ["G-1", "G-3"]
    assert "王芳" in pdf_text(tmp_path / "out" / "G-3" / "packet.pdf")  # GB18030 read as GB18030


def test_mixed_line_endings_keep_rows_and_line_breaks_inside_a_cell(tmp_path):
    import json

    result = build("mixed_newlines.csv", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert [(r["row"], r["case_id"], r["status"]) for r in read_report(tmp_path / "out")] == [
        ("2", "N-LF", "ok"), ("3", "N-CR", "ok"), ("4", "N-CRLF", "ok")]
    assert packets(tmp_path / "out") == ["N-CR", "N-CRLF", "N-LF"]
    record = json.loads((tmp_path / "out" / "N-CRLF" / "case.json").read_text("utf-8"))["case"]
    assert record["hardship_details"] == "第一行说明文字，\n第二行说明\n第三行说明文字。"
