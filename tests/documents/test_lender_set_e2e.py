"""A three-debt client through the real CLI (LibreOffice, pdftotext): 赵磊, as sample WS-2026-017 —
two 网商贷 loans and one 微粒贷 — gets two lender files, each with every contract of its lender, the
same financial statement, its share, and nothing of the borrower's own set. Figures worked out by
hand in tests/documents/test_lender_set.py (same rows)."""

from __future__ import annotations

import csv

import pytest
from e2e import flat_text, outline_titles, read_report, run_cli

pytestmark = pytest.mark.slow

CLIENT = {"案件编号": "Z-017", "姓名": "赵磊", "身份证号": "320102198811030051", "手机号": "13800138017",
          "联系地址": "江苏省南京市玄武区中山路18号", "月收入": "9000", "月必要支出": "4500", "其他债务月还款": "0",
          "需抚养人数": "1", "困难类型": "经营困难",
          "困难情况说明": "我在新街口开一家手机配件店，2025年下半年起商场客流下降，店里月营业额从八万多降到三万左右。",
          "证明材料": "银行流水:6、经营亏损证明:2", "经办人": "陈静"}
DEBTS = [
    {"贷款机构": "网商贷", "借款合同编号": "WSD2025011200388", "剩余本金": "38,000.00", "未还利息": "1,420.00",
     "罚息及费用": "960.00", "逾期开始日期": "2026-04-08", "协商诉求": "分期还款、停息挂账、减免罚息"},
    {"贷款机构": "网商贷", "借款合同编号": "WSD2025080300125", "剩余本金": "12,500.00", "未还利息": "380.00",
     "罚息及费用": "245.00", "逾期开始日期": "2026-05-08", "协商诉求": "分期还款、停息挂账"},
    {"贷款机构": "微粒贷", "借款合同编号": "WLD2025061800517", "剩余本金": "21,000.00", "未还利息": "610.50",
     "罚息及费用": "402.00", "逾期开始日期": "2026-04-20", "协商诉求": "分期还款、减免罚息"},
]
BORROWER_ONLY = ("底线", "可让步", "开口", "谈判", "不要说出口", "本人留存", "12378", "12363", "12348", "reminders",
                 "建议补充", "全部债务一览", "通话", "还款跟踪表")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zhao")
    source = folder / "clients.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*CLIENT, *DEBTS[0]])
        writer.writeheader()
        for n, debt in enumerate(DEBTS):
            # the client's columns on the first row only: later rows of the case leave them blank
            writer.writerow({**(CLIENT if n == 0 else {"案件编号": CLIENT["案件编号"]}), **debt})
    out = folder / "out"
    result = run_cli("build", str(source), "--out", str(out), "--date", "2026-11-24")
    assert result.returncode == 0, result.stderr
    assert [row["status"] for row in read_report(out)] == ["ok"] * 3
    return out / "Z-017"


def test_two_lender_files_each_with_its_own_contracts_the_statement_and_the_share(built):
    wangshang, weilidai = built / "to_lender-1-网商贷.pdf", built / "to_lender-2-微粒贷.pdf"
    assert sorted(p.name for p in built.glob("to_lender*.pdf")) == [wangshang.name, weilidai.name]
    for pdf in (wangshang, weilidai):
        assert [t for t, _ in outline_titles(pdf)] == ["协商还款申请书", "收入支出及债务情况表", "证明材料清单",
                                                       "还款协议（草案）"]

    first = flat_text(wangshang)
    assert "致：浙江网商银行股份有限公司" in first and "甲方（债权人）：浙江网商银行股份有限公司" in first
    for contract in ("WSD2025011200388", "WSD2025080300125"):
        assert f"（乙方在甲方共有2笔借款，每笔借款一份协议；本协议适用于借款合同编号{contract}）" in first
    assert "分24期按月偿还，每期1,642.50元" in first and "每期546.87元，最后一期546.99元" in first
    assert "本人目前共欠2家机构3笔借款（其中贵方2笔），合计欠款人民币75,517.50元" in first
    assert "贵方所占份额为70.9%，即每月2,189.37元" in first

    second = flat_text(weilidai)
    assert "致：深圳前海微众银行股份有限公司" in second and "（其中贵方1笔）" in second
    assert "贵方所占份额为29.1%，即每月900.43元" in second and "每期900.43元，最后一期900.61元" in second
    assert second.count("本协议适用于借款合同编号") == 0  # one contract, one agreement

    # The same statement in both, naming all three debts; the letters name only their own lender.
    for text in (first, second):
        statement = text[text.index("收入支出及债务情况表申请人："):text.index("证明材料清单案件编号：")]
        for figure in ("WSD2025011200388", "WSD2025080300125", "WLD2025061800517", "53.2%", "17.7%", "29.1%",
                       "75,517.50", "每月合计最多3,090.10元", "其中用于偿还下列全部借款3,150.00",
                       "其中留作生病等意外开支1,350.00", "以上收入、支出和全部借款情况真实、完整"):
            assert figure in statement, figure
    first_letter = first[:first.index("收入支出及债务情况表申请人：")]
    assert "微粒贷" not in first_letter and "WLD2025061800517" not in first_letter
    second_letter = second[:second.index("收入支出及债务情况表申请人：")]
    assert "网商" not in second_letter and "WSD" not in second_letter


def test_no_borrower_set_words_in_either_lender_file(built):
    for pdf in built.glob("to_lender*.pdf"):
        text = flat_text(pdf)
        for words in BORROWER_ONLY:
            assert words not in text, (pdf.name, words)
