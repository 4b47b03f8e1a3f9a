"""Pages of the lender set as printed (the real CLI, LibreOffice, pdftotext per page): the letter's
income table and amounts tables never split, and no clause of a draft agreement runs from one page
onto the next — the schedule of 第三条 alone may, under its repeated header. The rows vary the
length of the borrower's account and of the schedule, so that page ends fall everywhere."""

from __future__ import annotations

import csv
import re
import subprocess

import pytest
from e2e import outline_titles, read_report, run_cli

from pipeline.contract.coerce import id_check_character

pytestmark = pytest.mark.slow

DATE = "2026-11-24"
UNIT = "客流逐月减少，营业额从每月六万元降到两万多元。"  # 24 characters: about two-thirds of a line
BASE = {
    "姓名": "测试人", "手机号": "13800138000", "联系地址": "浙江省杭州市西湖区文三路100号", "贷款机构": "网商贷",
    "借款合同编号": "WSD20240315001", "剩余本金": "36000", "未还利息": "900", "罚息及费用": "600",
    "逾期开始日期": "2026-04-01", "月收入": "7000", "月必要支出": "3800", "其他债务月还款": "0", "需抚养人数": "1",
    "困难类型": "经营困难", "协商诉求": "分期还款、减免罚息", "证明材料": "银行流水:6、经营亏损证明:2", "经办人": "李律师",
}
# (units of the account, installments). With 35 to 38 units the income table met the foot of the
# letter's second page and split there (after its header, or after its first row) before it kept its
# rows together; the counts move the agreement's page ends through every clause. 36,900.00 in 12 is
# 3,075.00 a month, within the surplus of 3,200.00.
VARIANTS = [(34, 12), (35, 14), (36, 16), (37, 18), (38, 20), (39, 22), (5, 25), (10, 28), (15, 31), (20, 34),
            (25, 37), (30, 40)]


def resident_id(serial: int) -> str:
    body = f"33010619850312{serial:03d}"
    return body + id_check_character(body)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    source = folder / "pages.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["案件编号", "身份证号", "困难情况说明", "分期期数", *BASE])
        writer.writeheader()
        for serial, (units, count) in enumerate(VARIANTS, start=1):
            writer.writerow({"案件编号": f"P-{serial:02d}", "身份证号": resident_id(serial),
                             "困难情况说明": UNIT * units, "分期期数": str(count), **BASE})
    out = folder / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", DATE, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert [row["status"] for row in read_report(out)] == ["ok"] * len(VARIANTS)
    return out


def pages_of(pdf) -> list[list[str]]:
    """The body lines of every page (the footer left out)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip() and not re.search(r"案件编号：.*第\s*\d+\s*页", line)]
            for page in text.split("\f")[:-1]]


def document(pdf, title: str) -> list[list[str]]:
    pages = pages_of(pdf)
    outline = outline_titles(pdf)
    starts = [page for _, page in outline] + [len(pages)]
    at = [t for t, _ in outline].index(title)
    return pages[starts[at]:starts[at + 1]]


CLAUSE = re.compile(r"^第[一二三四五六七八九十]+条")


def test_no_clause_of_the_draft_runs_onto_the_next_page(printed):
    problems = []
    for serial in range(1, len(VARIANTS) + 1):
        case = f"P-{serial:02d}"
        pages = document(printed / case / "to_lender.pdf", "还款协议（草案）")
        for number, lines in enumerate(pages[1:], start=2):
            first = lines[0]
            # a page starts with a clause, a new agreement, or the schedule's repeated header
            if not (CLAUSE.match(first) or first.startswith("还款协议") or re.match(r"^期数\s+还款日", first)):
                problems.append(f"{case} agreement p{number} starts inside a clause: {first}")
    assert problems == []


def test_the_letters_tables_never_split(printed):
    problems = []
    for serial in range(1, len(VARIANTS) + 1):
        case = f"P-{serial:02d}"
        for number, lines in enumerate(document(printed / case / "to_lender.pdf", "协商还款申请书"), start=1):
            text = "\n".join(lines)
            head = bool(re.search(r"^项目\s+金额（元／月）", text, re.M))
            if not (head == ("本人每月收入" in text) == bool(re.search(r"^每月结余\s", text, re.M))):
                problems.append(f"{case} letter p{number}: the income table is split")
            if bool(re.search(r"^本金\s+人民币", text, re.M)) != bool(re.search(r"^(已列明金额)?合计", text, re.M)):
                problems.append(f"{case} letter p{number}: an amounts table is split")
    assert problems == []
