"""The real CLI on a varied batch: what to_lender.pdf and packet.pdf say for each kind of row, and
pages that print cleanly (no heading or lead-in stranded at a page foot, no total row alone, no
document ending on a page with only a line or two)."""

from __future__ import annotations

import re
import subprocess

import pytest
from e2e import outline_sets, outline_titles, read_report, run_cli, write_cases
from pypdf import PdfReader

pytestmark = pytest.mark.slow  # LibreOffice, Dask or a long memory run: not in `make check`

DATE = "2026-11-24"
LONG_ACCOUNT = ("2025年9月起我经营的小超市附近新开了两家连锁便利店，客流逐月减少，营业额从每月六万元左右降到两万多元。"
                "为了维持经营，我先后借了亲戚的钱进货、付房租，又用网商贷周转。" * 6)


BASE = {
    "姓名": "测试人", "手机号": "13800138000", "联系地址": "浙江省杭州市西湖区文三路100号", "贷款机构": "网商贷",
    "借款合同编号": "WSD20240315001", "剩余本金": "36000", "未还利息": "900", "罚息及费用": "600",
    "逾期开始日期": "2026-04-01", "月收入": "7000", "月必要支出": "3800", "其他债务月还款": "0", "需抚养人数": "1",
    "困难类型": "经营困难", "困难情况说明": "今年三月起网店销量下滑，月营业额由三万元降至八千元。", "协商诉求": "分期还款",
    "分期期数": "", "延期月数": "", "首期还款日": "", "证明材料": "银行流水:6、经营亏损证明:2", "经办人": "李律师",
    "收入口径": "", "还款资金来源": "",
}
ROWS = {
    "V-NOEV": {"证明材料": "", "罚息及费用": "", "协商诉求": "分期还款、减免罚息", "分期期数": "12"},
    "V-SINGLE": {"贷款机构": "微粒贷", "协商诉求": "减免罚息、一次性结清", "首期还款日": "2026-12-20", "困难类型": "失业",
                 "证明材料": "失业证明:1、判决书或仲裁裁决书:4", "还款资金来源": "劳动仲裁裁决的补发工资"},
    "V-DEFER": {"协商诉求": "延期还款、分期还款", "延期月数": "2", "分期期数": "18", "困难类型": "疾病、经营困难",
                "证明材料": "医疗诊断证明:3、经营亏损证明:2", "收入口径": "家庭", "月收入": "7000"},
    "V-DEFER-DATE": {"协商诉求": "延期还款、分期还款", "延期月数": "2", "分期期数": "10", "首期还款日": "2026-12-15",
                     "月收入": "4200", "剩余本金": "3000", "未还利息": "300", "罚息及费用": "200"},
    "V-NEWEV": {"困难类型": "其他", "证明材料": "报案回执:2、账户冻结通知:1、身份证复印件:1、借款合同或账单:3",
                "协商诉求": "分期还款、停息挂账"},
    "V-LONG": {"分期期数": "60", "剩余本金": "176000", "协商诉求": "分期还款、停息挂账", "月收入": "11000",
               "月必要支出": "5000"},
    "V-TEXT": {"困难情况说明": LONG_ACCOUNT, "分期期数": "24", "未还利息": ""},
}


@pytest.fixture(scope="module")
def varied(tmp_path_factory):
    folder = tmp_path_factory.mktemp("varied")
    source = write_cases(folder / "varied.csv", BASE, ROWS)
    out = folder / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", DATE, "--jobs", "2", "--chunk-size", "4")
    assert result.returncode == 0, result.stderr
    assert [row["status"] for row in read_report(out)] == ["ok"] * len(ROWS)
    return out, result


def lender_text(out, case_id: str) -> str:
    return flat(subprocess.run(["pdftotext", str(out / case_id / "to_lender.pdf"), "-"], capture_output=True,
                               text=True, check=True).stdout)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_row_without_evidence_sends_no_cover_sheet_and_claims_nothing_attached(varied):
    out, _ = varied
    assert [t for t, _ in outline_titles(out / "V-NOEV" / "to_lender.pdf")] == ["协商还款申请书", "还款协议（草案）"]
    text = lender_text(out, "V-NOEV")
    assert "附后" not in text and "证明材料清单" not in text and "如贵方需要，本人可补充提供" in text


def test_a_blank_penalty_is_never_zero_on_paper(varied):
    out, result = varied
    text = lender_text(out, "V-NOEV")
    assert "罚息及费用以贵方账单为准" in text and "（金额以贵方账单为准）" in text
    assert "零元整" not in text and "人民币0.00元" not in text
    assert "「罚息及费用」未填写" in result.stdout + result.stderr  # the plausibility warning, row still ok


def test_a_one_payment_plan_is_a_settlement(varied):
    out, _ = varied
    text = lender_text(out, "V-SINGLE")
    # 36,000 + 900 = 36,900.00 after waiving the 600 penalty
    assert "乙方于2026年12月20日前一次性向甲方支付人民币36,900.00元" in text
    assert "连续两期" not in text and "第一期" not in text and "款项来源为劳动仲裁裁决的补发工资" in text


def test_a_deferral_is_a_date_with_or_without_a_first_payment_date(varied):
    out, _ = varied
    assert "恳请贵方同意暂缓至2027年2月24日开始还款" in lender_text(out, "V-DEFER")  # 2026-11-24 + 1 + 2 months
    assert "恳请贵方同意暂缓至2027年2月15日开始还款" in lender_text(out, "V-DEFER-DATE")  # 2026-12-15 + 2 months


def test_household_income_and_two_hardships_each_with_their_own_evidence(varied):
    out, _ = varied
    text = lender_text(out, "V-DEFER")
    assert "家庭每月收入7,000.00" in text and "本人家庭目前每月的收支情况如下" in text
    assert "疾病：因疾病及其治疗，本人的收入和还款能力受到了影响。相关证明材料：医疗诊断证明" in text
    assert "相关证明材料：经营亏损证明" in text


def test_weilidai_names_its_own_channels_and_no_app(varied):
    out, _ = varied
    text = lender_text(out, "V-SINGLE")
    assert "深圳前海微众银行股份有限公司" in text and "微信或QQ内的“微粒贷”官方入口" in text and "App" not in text


def test_the_new_evidence_types_are_listed_by_name(varied):
    out, _ = varied
    text = lender_text(out, "V-NEWEV")
    for label in ("报案回执", "账户冻结通知", "身份证复印件", "借款合同或账单"):
        assert label in text, label
    assert "其他（" not in text


# ---------------------------------------------------------------- pages that print cleanly

HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+条)")


def body_lines(page_text: str) -> list[str]:
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return [line for line in lines if not re.search(r"案件编号：.*第\s*\d+\s*页", line)]


def document_pages(packet) -> list[tuple[str, list[list[str]]]]:
    """(title, body lines of each page) for every document of a packet."""
    pages = subprocess.run(["pdftotext", "-layout", str(packet), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    outline = outline_titles(packet)
    bounds = [start for _, start in outline] + [len(pages)]
    return [(title, [body_lines(pages[i]) for i in range(start, bounds[k + 1])])
            for k, (title, start) in enumerate(outline)]


def test_pages_print_cleanly(varied):
    out, _ = varied
    problems = []
    for case_id in ROWS:
        packet = out / case_id / "packet.pdf"
        assert len(outline_sets(packet)) == 2
        for title, pages in document_pages(packet):
            for number, lines in enumerate(pages, start=1):
                where = f"{case_id} {title} p{number}"
                if not lines:
                    problems.append(f"{where}: empty page")
                    continue
                if number < len(pages) and (HEADING.match(lines[-1]) or lines[-1].endswith(("：", ":"))):
                    problems.append(f"{where} ends on a heading or lead-in: {lines[-1]}")
                if lines[0].startswith("合计"):
                    problems.append(f"{where} starts with a total row")
            if len(pages) > 1 and len(pages[-1]) < 3:
                problems.append(f"{case_id} {title}: its last page holds only {pages[-1]}")
    assert problems == []


def test_a_long_schedule_keeps_its_last_rows_with_the_total(varied):
    out, _ = varied
    for title, pages in document_pages(out / "V-LONG" / "packet.pdf"):
        if title in ("还款协议（草案）", "还款跟踪表"):
            with_total = [lines for lines in pages if any(line.startswith("合计") for line in lines)]
            assert with_total, title
            lines = with_total[0]
            total_at = next(i for i, line in enumerate(lines) if line.startswith("合计"))
            assert total_at >= 1 and re.match(r"^(第\s*)?(58|59|60)\s", lines[total_at - 1]), (title, lines[:total_at + 1])


def test_packet_pdf_and_to_lender_pdf_come_from_one_conversion(varied):
    out, _ = varied
    lender = PdfReader(out / "V-NEWEV" / "to_lender.pdf")
    packet = PdfReader(out / "V-NEWEV" / "packet.pdf")
    assert [p.extract_text() for p in lender.pages] == [p.extract_text() for p in packet.pages[:len(lender.pages)]]
