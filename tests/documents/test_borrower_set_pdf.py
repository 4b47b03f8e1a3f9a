"""The borrower's set as printed: the real CLI, the real LibreOffice, the real packet.pdf read back with
pdftotext and pypdf. Pages that read well (issue 22, point 7): the tracker's dates on one line, its
subtitle never leaving a word or two alone, the summary and the call sheet at 12 pt or more, a
contact line for the caseworker — and no "we" when there is no one to contact."""

from __future__ import annotations

import csv
import math
import re
import subprocess

import pytest
from conftest import ROOT
from e2e import outline_titles, read_report, run_cli
from pypdf import PdfReader

from pipeline.contract.coerce import id_check_character

DATE = "2026-11-24"
FOOTER_SIZE = 9.0  # the page footer (案件编号… 第 N 页): the shared kit's 小五
HEADER = ["案件编号", "姓名", "身份证号", "手机号", "联系地址", "贷款机构", "借款合同编号", "剩余本金", "未还利息", "罚息及费用",
          "逾期开始日期", "月收入", "月必要支出", "其他债务月还款", "需抚养人数", "困难类型", "困难情况说明", "协商诉求", "分期期数",
          "延期月数", "首期还款日", "证明材料", "经办人", "收入口径", "还款资金来源"]
CLIENT = {"姓名": "测试人", "手机号": "13800138000", "联系地址": "浙江省杭州市西湖区文三路100号", "月收入": "11000",
          "月必要支出": "5000", "其他债务月还款": "0", "需抚养人数": "1", "困难类型": "经营困难",
          "困难情况说明": "今年三月起网店销量下滑，月营业额由三万元降至八千元。", "证明材料": "银行流水:6", "经办人": "李律师"}
DEBT = {"贷款机构": "网商贷", "借款合同编号": "WSD20240315001", "剩余本金": "36000", "未还利息": "900", "罚息及费用": "600",
        "逾期开始日期": "2026-04-01", "协商诉求": "分期还款"}
# P-LONG: 60 installments, five Octobers to Decembers (the widest dates, 2027年12月24日). P-NONE: no
# caseworker, built without an organisation profile: nobody to send the borrower to.
ROWS = [
    {"案件编号": "P-LONG", **CLIENT, **DEBT, "剩余本金": "176000", "协商诉求": "分期还款、停息挂账", "分期期数": "60"},
    {"案件编号": "P-NONE", **CLIENT, **DEBT, "经办人": ""},
]


def resident_id(serial: int) -> str:
    body = f"33010619850312{serial:03d}"
    return body + id_check_character(body)


def write_sheet(path, rows) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        ids: dict[str, str] = {}
        for row in rows:
            ids.setdefault(row["案件编号"], resident_id(len(ids) + 1))
            first = sum(r["案件编号"] == row["案件编号"] for r in rows[:rows.index(row)]) == 0
            writer.writerow({"身份证号": ids[row["案件编号"]] if first else "", **row})


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("borrower_pdf")
    sheet = folder / "rows.csv"
    write_sheet(sheet, ROWS)
    out = folder / "out"
    result = run_cli("build", str(sheet), "--out", str(out), "--date", DATE, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert {row["status"] for row in read_report(out)} == {"ok"}
    org_out = folder / "org"
    result = run_cli("build", str(sheet), "--out", str(org_out), "--date", DATE, "--jobs", "2",
                     "--org", str(ROOT / "samples" / "organisation.yaml"))
    assert result.returncode == 0, result.stderr
    return out, org_out


def pages_of(packet, title: str) -> list[int]:
    """The page indexes of one document of the packet, found through its outline entry."""
    outline = outline_titles(packet)
    starts = [page for _, page in outline] + [len(PdfReader(packet).pages)]
    index = [t for t, _ in outline].index(title)
    return list(range(starts[index], starts[index + 1]))


def layout_lines(packet, pages: list[int]) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-f", str(pages[0] + 1), "-l", str(pages[-1] + 1), str(packet), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def text_sizes(packet, pages: list[int]) -> list[tuple[float, str]]:
    """(size in points, text) of every piece of text on the pages, the footer aside."""
    reader = PdfReader(packet)
    found = []

    def visit(text, cm, tm, _font, size):
        if text.strip():
            found.append((round(size * math.hypot(tm[0], tm[1]) * math.hypot(cm[0], cm[1]), 1), text.strip()))

    for index in pages:
        reader.pages[index].extract_text(visitor_text=visit)
    return [(size, text) for size, text in found if size != FOOTER_SIZE]


DATE_ON_ONE_LINE = re.compile(r"20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
TRACKER_ROW = re.compile(r"^(\d{1,2})\s+(20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s+[\d,]+\.\d\d")


def test_the_trackers_dates_stay_on_one_line(printed):
    out, _ = printed
    packet = out / "P-LONG" / "packet.pdf"
    lines = layout_lines(packet, pages_of(packet, "还款跟踪表"))
    numbers = [int(m.group(1)) for line in lines if (m := TRACKER_ROW.match(line))]
    assert numbers == list(range(1, 61)), numbers  # every row: its number, its whole date, its amount
    assert not [line for line in lines if re.fullmatch(r"日", line) or re.search(r"\d+\s*月\s*\d+$", line)]


def test_no_subtitle_leaves_a_word_or_two_alone_on_a_line(printed):
    out, _ = printed
    packet = out / "P-NONE" / "packet.pdf"
    for title in ("还款跟踪表", "通话准备与记录表", "致借款人：材料说明"):
        lines = layout_lines(packet, pages_of(packet, title))
        alone = [line for line in lines[:8] if len(line) <= 6 and line.endswith("）")]
        assert alone == [], (title, alone)


@pytest.mark.parametrize("title", ["致借款人：材料说明", "通话准备与记录表"])
def test_the_summary_and_the_call_sheet_print_at_12_points_or_more(printed, title):
    out, _ = printed
    packet = out / "P-LONG" / "packet.pdf"
    small = [(size, text) for size, text in text_sizes(packet, pages_of(packet, title)) if size < 12]
    assert small == [], small[:10]


def test_the_borrowers_set_says_whom_to_ask_and_promises_no_we_without_anyone(printed):
    out, org_out = printed
    with_org = flat(org_out / "P-LONG" / "packet.pdf", "致借款人：材料说明")
    assert "有疑问，请联系示例市法律援助中心（虚构）（电话：0571-12348000）的经办人李律师" in with_org
    caseworker_only = flat(out / "P-LONG" / "packet.pdf", "致借款人：材料说明")
    assert "有疑问，请联系为您准备材料的经办人李律师" in caseworker_only
    packet = out / "P-NONE" / "packet.pdf"
    borrower = "".join(flat(packet, title) for title in ("致借款人：材料说明", "证明材料准备清单", "通话准备与记录表",
                                                          "还款跟踪表", "您的权利与求助渠道"))
    assert "我们" not in borrower and "请联系" not in borrower and "经办人" not in borrower


def flat(packet, title: str) -> str:
    return re.sub(r"\s+", "", "".join(layout_lines(packet, pages_of(packet, title))))
