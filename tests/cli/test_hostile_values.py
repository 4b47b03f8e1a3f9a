"""Values that try to act on the terminal, numbers hidden in free text, an output folder with a link
in it: the real CLI. Issue 14, findings 2 (links in OUT), 7 (escape injection) and 11 (ID numbers in
free text)."""

from __future__ import annotations

import csv
import os

import hostile
import pytest
from e2e import read_report, run_cli

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

BASE = {
    "姓名": "张晓明", "身份证号": "11010519491231002X", "手机号": "13800138000", "贷款机构": "网商贷", "剩余本金": "12000",
    "逾期开始日期": "2026-06-15", "月收入": "6000", "月必要支出": "3000", "困难类型": "失业",
    "困难情况说明": "今年三月被公司裁员，至今未找到稳定工作。", "协商诉求": "分期还款",
}
HEADER = ["案件编号", *BASE]
def one_borrower_a_row(path) -> None:
    """Each row a borrower of its own (one ID number under two case ids is refused)."""
    from pipeline.contract.coerce import id_check_character

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("身份证号")
    for number, row in enumerate(rows[1:], start=100):
        body = f"11010519491231{number:03d}"
        row[column] = body + id_check_character(body)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


# What must never reach a terminal or report.csv as it is.
ACTIVE = ["\x1b", "\x07", "\x00", "\u202e", "\x9b"]


def test_escape_sequences_and_numbers_in_free_text_never_reach_terminal_or_report(tmp_path):
    source = hostile.csv_escape_sequences(tmp_path / "cases.csv", HEADER, BASE, text_columns=["姓名"],
                                          free_text_column="困难情况说明")
    # and a row whose free text, with both numbers in it, is refused: its message quotes the value
    quoted = {**BASE, "案件编号": "PII-002", "困难情况说明": hostile.PII_SENTENCE + "\x07附言"}
    with source.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow([quoted[column] for column in HEADER])
    one_borrower_a_row(source)
    out = tmp_path / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24", "--jobs", "1")
    assert result.returncode == 1, result.stderr
    report = (out / "report.csv").read_text("utf-8-sig")
    for where, text in {"stdout": result.stdout, "stderr": result.stderr, "report.csv": report}.items():
        for character in ACTIVE:
            assert character not in text, (where, repr(character))
        assert hostile.PII_ID_NUMBER not in text and hostile.PII_PHONE not in text, where
    rows = {r["row"]: r for r in read_report(out)}
    # an invalid row's own case_id, as typed, shown visibly (it used to go out raw: OSC title, clear screen…)
    assert rows["3"]["case_id"] == "BAD-001␛]0;pwned␇"
    assert "BAD-001␛]0;pwned␇" in result.stderr
    assert rows["11"]["case_id"] == "BAD-005invoice<U+202E>gpj.exe"
    # numbers typed into free text are masked like the ID and phone columns
    assert (out / "PII-001" / "packet.pdf").is_file()
    assert f"身份证号{hostile.PII_ID_MASKED}，联系电话{hostile.PII_PHONE_MASKED[:7]}" in rows["13"]["messages"]
    log = (out / "packets.log").read_text("utf-8")
    assert hostile.PII_ID_NUMBER not in log


def test_a_link_inside_out_stops_the_build_in_one_line_and_is_left_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "elsewhere.log"
    elsewhere.write_text("not ours\n")
    os.chmod(elsewhere, 0o644)
    (out / "packets.log").symlink_to(elsewhere)
    (tmp_path / "cases.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    result = run_cli("build", str(tmp_path / "cases.csv"), "--out", str(out), "--jobs", "1")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "packets.log 是符号链接" in result.stderr
    assert elsewhere.read_text() == "not ours\n" and oct(elsewhere.stat().st_mode & 0o777) == "0o644"
    assert "Traceback" not in result.stderr


def test_the_home_folder_is_refused_as_out(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "cases.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    result = run_cli("build", str(tmp_path / "cases.csv"), "--out", str(home), env={"HOME": str(home)})
    assert result.returncode == 2 and "系统文件夹或用户主目录" in result.stderr
    assert list(home.iterdir()) == []
