"""Issue 22's hand-made cases through the real CLI (LibreOffice, pdftotext): what the client asked for
is what the packet proposes, and what no lawyer would sign is refused with a message saying what to change.

Every client below: income 7,000, expenses 3,800, so a surplus of 3,200.00 and a capacity of 70 % =
2,240.00; one debt of 36,000 + 900 + 600 = 37,500.00. Figures worked out by hand in each test."""

from __future__ import annotations

import pytest
from e2e import flat_text, read_report, run_cli, write_cases

pytestmark = pytest.mark.slow

BASE = {
    "姓名": "测试人", "手机号": "13800138000", "联系地址": "浙江省杭州市西湖区文三路100号", "贷款机构": "网商贷",
    "借款合同编号": "WSD20240315001", "剩余本金": "36000", "未还利息": "900", "罚息及费用": "600",
    "逾期开始日期": "2026-04-01", "月收入": "7000", "月必要支出": "3800", "其他债务月还款": "0", "需抚养人数": "1",
    "困难类型": "经营困难", "困难情况说明": "今年三月起网店销量下滑，月营业额由三万元降至八千元。", "协商诉求": "分期还款",
    "分期期数": "", "首期还款日": "", "证明材料": "银行流水:6", "经办人": "李律师", "还款资金来源": "",
}
ROWS = {
    "R-FREEZE": {"协商诉求": "停息挂账"},
    "R-WAIVER": {"协商诉求": "减免罚息"},
    "R-SETTLE": {"协商诉求": "一次性结清", "还款资金来源": "亲友借款"},
    "R-SETTLE-NOSOURCE": {"协商诉求": "一次性结清"},
    "R-OVER": {"分期期数": "6"},
    "R-NOLENDER": {"贷款机构": ""},
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("requests")
    source = write_cases(folder / "requests.csv", BASE, ROWS)
    out = folder / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24")
    assert result.returncode == 1, result.stderr  # some rows invalid: the others still get their packets
    return out, {row["case_id"]: row for row in read_report(out)}


def test_every_row_is_a_packet_or_a_refusal(built):
    out, report = built
    assert {case: row["status"] for case, row in report.items()} == {
        "R-FREEZE": "ok", "R-WAIVER": "ok", "R-SETTLE": "ok",
        "R-SETTLE-NOSOURCE": "invalid", "R-OVER": "invalid", "R-NOLENDER": "invalid"}
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["R-FREEZE", "R-SETTLE", "R-WAIVER"]


def test_only_a_freeze_asked_is_installments_by_capacity_never_a_lump_sum(built):
    out, report = built
    # ⌈37,500.00 / 2,240.00⌉ = 17 installments of 37,500 / 17 = 2,205.88 (to the cent below); the last
    # 37,500.00 − 16 × 2,205.88 = 2,205.92
    letter = flat_text(out / "R-FREEZE" / "to_lender.pdf")
    assert "将人民币37,500.00元" in letter and "分17期按月偿还，每期2,205.88元，最后一期2,205.92元" in letter
    assert "一次性偿还人民币" not in letter and "一次性向甲方支付" not in letter
    assert "未含“分期还款”或“一次性结清”：已按还款能力分期计算" in report["R-FREEZE"]["messages"]
    # and the borrower reads the same warning in their own set, not only in report.csv
    assert "案件表里没有写您要分期还款还是一次结清" in flat_text(out / "R-FREEZE" / "packet.pdf")


def test_only_a_waiver_asked_is_installments_of_what_is_left_after_it(built):
    out, _ = built
    # the waiver of 600.00 leaves 36,900.00: ⌈36,900 / 2,240⌉ = 17 of 2,170.58; last 36,900 − 16 × 2,170.58
    # = 2,170.72
    letter = flat_text(out / "R-WAIVER" / "to_lender.pdf")
    assert "将人民币36,900.00元" in letter and "分17期按月偿还，每期2,170.58元，最后一期2,170.72元" in letter
    assert "减免已产生的罚息及相关费用人民币600.00元" in letter
    assert "一次性偿还人民币" not in letter


def test_a_settlement_with_its_source_is_written_as_a_settlement(built):
    out, _ = built
    letter = flat_text(out / "R-SETTLE" / "to_lender.pdf")
    assert "一次性偿还人民币37,500.00元" in letter and "款项来源为亲友借款" in letter
    assert "一次性向甲方支付人民币37,500.00元" in letter and "原合同项下债务全部结清" in letter
    assert "分17期" not in letter and "按月偿还" not in letter
    packet = flat_text(out / "R-SETTLE" / "packet.pdf")
    assert "我的方案是：在2026年12月24日前一次还清37,500.00元" in packet
    assert "我现在没有能力一次还清" not in packet  # the settlement case is not told to say it cannot settle


def test_a_settlement_above_three_months_of_capacity_needs_its_source(built):
    _, report = built
    # 3 × 2,240.00 = 6,720.00 < 37,500.00
    message = report["R-SETTLE-NOSOURCE"]["messages"]
    assert "一次性结清37,500.00元，超过3个月的还款能力（6,720.00元），但「还款资金来源」未填写" in message


def test_an_installment_above_the_whole_surplus_is_refused_with_what_to_change(built):
    _, report = built
    # 37,500 / 6 = 6,250.00 a month against a surplus of 3,200.00; with one debt, the remedy is its count
    message = report["R-OVER"]["messages"]
    assert "每期最多6,250.00元，超过了每月全部结余3,200.00元" in message
    assert "请增加分期期数（或留空让程序按还款能力计算）" in message and "期数较少的借款" not in message


def test_a_blank_lender_is_refused_and_no_lender_is_assumed(built):
    _, report = built
    assert report["R-NOLENDER"]["messages"].startswith("「贷款机构」为必填项")
