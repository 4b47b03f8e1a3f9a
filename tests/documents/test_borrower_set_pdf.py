"""The borrower's set as printed: the real CLI, the real LibreOffice, the real packet.pdf read back with
pdftotext and pypdf. Pages that read well (issue 22, point 7): the tracker's dates on one line, its
subtitle never leaving a word or two alone, the summary and the call sheet at 12 pt or more, a
contact line for the caseworker — and no "we" when there is no one to contact. And a three-debt client
(issue 21, point 5) end to end: its overview first, per-lender call sheet sections whose ranges add
up within the budget, a tracker and a calendar that name every installment's contract."""

from __future__ import annotations

import csv
import math
import re
import subprocess
from decimal import Decimal

import pytest
from conftest import ROOT
from e2e import outline_titles, read_report, run_cli
from icalendar import Calendar
from pypdf import PdfReader

from pipeline.contract.coerce import id_check_character

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

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
# P-ZHAO: WS-2026-017's client, 赵磊 (samples/clients.csv): 9,000 a month, 4,500 necessary, three debts,
# two of them with 网商贷; the client's columns only on the first row.
ZHAO = {**CLIENT, "姓名": "赵磊", "月收入": "9000", "月必要支出": "4500", "证明材料": "银行流水:6、经营亏损证明:2",
        "经办人": "陈静"}
ROWS = [
    {"案件编号": "P-LONG", **CLIENT, **DEBT, "剩余本金": "176000", "协商诉求": "分期还款、停息挂账", "分期期数": "60"},
    {"案件编号": "P-NONE", **CLIENT, **DEBT, "经办人": ""},
    {"案件编号": "P-ZHAO", **ZHAO, "贷款机构": "网商贷", "借款合同编号": "WSD2025011200388", "剩余本金": "38,000.00",
     "未还利息": "1,420.00", "罚息及费用": "960.00", "逾期开始日期": "2026-04-08", "协商诉求": "分期还款、停息挂账、减免罚息"},
    {"案件编号": "P-ZHAO", "贷款机构": "网商贷", "借款合同编号": "WSD2025080300125", "剩余本金": "12,500.00",
     "未还利息": "380.00", "罚息及费用": "245.00", "逾期开始日期": "2026-05-08", "协商诉求": "分期还款、停息挂账"},
    {"案件编号": "P-ZHAO", "贷款机构": "微粒贷", "借款合同编号": "WLD2025061800517", "剩余本金": "21,000.00",
     "未还利息": "610.50", "罚息及费用": "402.00", "逾期开始日期": "2026-04-20", "协商诉求": "分期还款、减免罚息"},
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
    assert {row["status"] for row in read_report(out)} == {"ok"} and len(read_report(out)) == len(ROWS)
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


# ---------------------------------------------------------------- the three-debt client, end to end (issue 21, point 5)
# 赵磊 by hand: surplus 9,000 − 4,500 = 4,500.00; capacity 70 % = 3,150.00; proposed totals 39,420.00
# (38,000 + 1,420; 960 waived), 13,125.00 (12,500 + 380 + 245), 21,610.50 (21,000 + 610.50; 402 waived).
# Shares of 3,150.00 pro rata to 74,155.50, floored: 1,674.49, 557.52, 917.97 (3,149.98 in all), giving
# 24 installments of 1,642.50; 546.87 (the last 546.99); 900.43 (the last 900.61): 3,090.10 in the last
# month, the most of any. Steps (80 % of 4,500 × share / 3,149.98): 1,913.71, 637.16, 1,049.11; limits
# (90 %): 2,152.92, 716.81, 1,180.25.
CONTRACTS = ("WSD2025011200388", "WSD2025080300125", "WLD2025061800517")


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def document_text(packet, title: str) -> str:
    reader = PdfReader(packet)
    return re.sub(r"\s+", "", "".join(reader.pages[i].extract_text() for i in pages_of(packet, title)))


def test_the_three_debt_clients_set_opens_with_its_overview_on_one_page(printed):
    out, _ = printed
    packet = out / "P-ZHAO" / "packet.pdf"
    outline = outline_titles(packet)
    borrower = [title for title, _ in outline][-6:]
    assert borrower == ["全部债务一览", "致借款人：材料说明", "证明材料准备清单", "通话准备与记录表", "还款跟踪表", "您的权利与求助渠道"]
    assert len(pages_of(packet, "全部债务一览")) == 1
    overview = document_text(packet, "全部债务一览")  # pypdf reads a table cell by cell
    rows = (("WSD2025011200388", "40,380.00", "每月1,642.50元，共24期，自2026年12月24日起", "to_lender-1-网商贷.pdf"),
            ("WSD2025080300125", "13,125.00", "每月546.87元（末期546.99元），共24期", "to_lender-1-网商贷.pdf"),
            ("WLD2025061800517", "22,012.50", "每月900.43元（末期900.61元），共24期", "to_lender-2-微粒贷.pdf"))
    # owed: 38,000 + 1,420 + 960 = 40,380.00; 12,500 + 380 + 245 = 13,125.00; 21,000 + 610.50 + 402 = 22,012.50
    starts = [overview.index(contract) for contract, *_ in rows] + [overview.index("每月的钱怎么安排")]
    for (contract, owed, offer, file), start, end in zip(rows, starts[:-1], starts[1:], strict=True):
        assert overview[start:end].startswith(f"{contract}{owed}{offer}") and file in overview[start:end], contract
    assert "每月最多要还3,090.10元" in overview and "每月还剩1,409.90元" in overview  # 4,500.00 − 3,090.10
    assert (out / "P-ZHAO" / "to_lender-1-网商贷.pdf").exists() and (out / "P-ZHAO" / "to_lender-2-微粒贷.pdf").exists()


def test_the_call_sheets_lender_sections_add_up_within_the_budget(printed):
    out, _ = printed
    sheet = document_text(out / "P-ZHAO" / "packet.pdf", "通话准备与记录表")
    wangshang, weili = sheet[sheet.index("第1家：网商贷"):sheet.index("第2家：微粒贷")], sheet[sheet.index("第2家：微粒贷"):]
    opening, step, limit = (money(a) for a in re.search(
        r"每月合计([\d,]+\.\d\d)元([\d,]+\.\d\d)元([\d,]+\.\d\d)元", wangshang).groups())
    assert (opening, step, limit) == (money("2189.37"), money("2550.87"), money("2869.73"))  # A + B, by hand
    assert "合同编号WSD2025011200388" in wangshang and "合同编号WSD2025080300125" in wangshang
    assert "WLD2025061800517" not in wangshang and "WSD20250" not in weili
    weili_levels = [money(re.search(label + r"([\d,]+\.\d\d)元", weili).group(1))
                    for label in ("开口方案", "可让步到", r"底线（不说出口）")]
    assert weili_levels == [money("900.43"), money("1049.11"), money("1180.25")]
    # what one lender is offered, plus the other, stays within the client's budget at every level
    assert opening + weili_levels[0] <= money("3150.00")  # 3,089.80: the regular months
    assert step + weili_levels[1] == money("3599.98") <= money("4500") * money("0.8")
    assert limit + weili_levels[2] == money("4049.98") <= money("4500") * money("0.9")
    assert "都让步到3,599.98元900.02元" in sheet and "都到底线4,049.98元450.02元" in sheet
    assert "都按开口方案3,090.10元1,409.90元" in sheet


def test_the_tracker_and_the_calendar_name_each_installments_contract(printed):
    out, _ = printed
    packet = out / "P-ZHAO" / "packet.pdf"
    pages = pages_of(packet, "还款跟踪表")
    lines = layout_lines(packet, pages)
    assert len([line for line in lines if TRACKER_ROW.match(line)]) == 72  # 24 + 24 + 24
    reader = PdfReader(packet)
    for index in pages:  # every page with installment rows names the contract they belong to
        if any(TRACKER_ROW.match(line) for line in layout_lines(packet, [index])):
            text = re.sub(r"\s+", "", reader.pages[index].extract_text())
            assert any(f"合同编号{c}" in text for c in CONTRACTS), index
    events = list(Calendar.from_ical((out / "P-ZHAO" / "reminders.ics").read_bytes()).walk("VEVENT"))
    assert len(events) == 72
    for contract, lender in zip(CONTRACTS, ("网商贷", "网商贷", "微粒贷"), strict=True):
        assert sum(f"{lender}（合同编号{contract}）" in str(e["summary"]) for e in events) == 24


def test_nothing_of_the_three_debt_borrowers_set_reaches_a_lender(printed):
    out, _ = printed
    for name in ("to_lender-1-网商贷.pdf", "to_lender-2-微粒贷.pdf"):
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(out / "P-ZHAO" / name), "-"], capture_output=True,
                                                  text=True, check=True).stdout)
        for borrower_only in ("本人留存", "底线", "可让步", "全部债务一览", "3,599.98", "1,913.71", "先看这里"):
            assert borrower_only not in text, (name, borrower_only)
