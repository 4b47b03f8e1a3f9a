"""The lender sets of a client with several debts (rendered .docx text, no LibreOffice): one letter per
lender covering every contract it holds, the same financial statement to every lender, one draft
agreement per contract; the other lenders named only in the statement. Figures worked out by hand."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import PACKET_DATE, make_case, make_debt, shipped_templates
from docx import Document
from docx.table import Table

from pipeline.common.model import Attachment, EvidenceItem
from pipeline.contract import default_contract
from pipeline.documents.kinds import SetKind
from pipeline.documents.packet import packet_sets
from pipeline.plan import plan_case

ACCOUNT = "我在新街口开一家手机配件店，2025年下半年起商场客流下降，店里月营业额从八万多降到三万左右。"


def text_of(blob: bytes) -> str:
    """Paragraphs and tables in document order (a table's text where it stands)."""
    parts = []
    for block in Document(io.BytesIO(blob)).iter_inner_content():
        if isinstance(block, Table):
            parts += [cell.text for row in block.rows for cell in row.cells]
        else:
            parts.append(block.text)
    return re.sub(r"\s+", "", "\n".join(parts))


def lender_sets(case) -> list[dict[str, str]]:
    """Each lender set's documents as text, in the case's lender order."""
    planned = plan_case(case, PACKET_DATE)
    assert planned.plan is not None, planned.problems
    templates = shipped_templates()
    return [{name: text_of(templates.render(name, s.context).docx) for name in s.documents}
            for s in packet_sets(case, planned.plan, default_contract()) if s.kind is SetKind.LENDER]


def zhao_lei(**changes):
    """赵磊 (sample WS-2026-017): income 9,000, expenses 4,500, two 网商贷 loans and one 微粒贷."""
    lenders = default_contract().lenders
    debts = (
        make_debt(row=2, loan_contract_no="WSD2025011200388", principal=Decimal("38000"), interest=Decimal("1420"),
                  penalty=Decimal("960"), overdue_since=date(2026, 4, 8),
                  requests=("installments", "interest_freeze", "penalty_waiver")),
        make_debt(row=3, loan_contract_no="WSD2025080300125", principal=Decimal("12500"), interest=Decimal("380"),
                  penalty=Decimal("245"), overdue_since=date(2026, 5, 8), requests=("installments", "interest_freeze")),
        make_debt(row=4, lender=lenders["微粒贷"], loan_contract_no="WLD2025061800517", principal=Decimal("21000"),
                  interest=Decimal("610.50"), penalty=Decimal("402"), overdue_since=date(2026, 4, 20),
                  requests=("installments", "penalty_waiver")),
    )
    base = dict(debts=debts, borrower_name="赵磊", monthly_income=Decimal("9000"), monthly_expenses=Decimal("4500"),
                other_debt_payments=Decimal("0"), dependents=1, hardship_details=ACCOUNT)
    return make_case(**{**base, **changes})


# Hand-worked for 赵磊: surplus 9,000 − 4,500 = 4,500.00; capacity 70 % = 3,150.00; reserve 1,350.00.
# Proposed totals: A 38,000 + 1,420 (960 waived) = 39,420.00; B 12,500 + 380 + 245 = 13,125.00;
# C 21,000 + 610.50 (402 waived) = 21,610.50; together 74,155.50.
# Shares of 3,150 (floored): A 1,674.49, B 557.52, C 917.97 (sum 3,149.98).
# Counts: ⌈39,420 / 1,674.49⌉ = 24 → 1,642.50 × 24; ⌈13,125 / 557.52⌉ = 24 → 546.87 × 23 + 546.99;
# ⌈21,610.50 / 917.97⌉ = 24 → 900.43 × 23 + 900.61.
# Share of the budget: A 1,674.49 / 3,149.98 = 53.2 %, B 17.7 %, C 29.1 %; 网商贷 53.2 + 17.7 = 70.9 %,
# monthly 1,642.50 + 546.87 = 2,189.37. Owed: 40,380.00 + 13,125.00 + 22,012.50 = 75,517.50 (网商贷 53,505.00).


def test_each_letter_covers_every_contract_of_its_lender_with_amounts_and_plan():
    wangshang, weilidai = lender_sets(zhao_lei())
    letter = wangshang["hardship_letter"]
    assert letter.startswith("协商还款申请书致：浙江网商银行股份有限公司")
    assert "本人是贵方网商贷借款的借款人（共2笔借款）" in letter
    assert "合计人民币53,505.00元：" in letter
    assert "（一）借款合同编号WSD2025011200388，自2026年4月8日起未能按期足额还款，截至2026年11月24日已逾期230天" in letter
    assert "（二）借款合同编号WSD2025080300125，自2026年5月8日起未能按期足额还款，截至2026年11月24日已逾期200天" in letter
    assert "人民币40,380.00元（大写：人民币肆万零叁佰捌拾元整，为本金、利息和罚息及费用）" in letter
    assert "人民币13,125.00元（大写：人民币壹万叁仟壹佰贰拾伍元整，为本金、利息和罚息及费用）" in letter
    assert "将人民币39,420.00元（大写：人民币叁万玖仟肆佰贰拾元整，为本金和利息）分24期按月偿还，每期1,642.50元，" in letter
    assert "分24期按月偿还，每期546.87元，最后一期546.99元，至2028年11月24日全部还清" in letter
    assert letter.count("减免罚息：") == 1 and "人民币960.00元（大写：人民币玖佰陆拾元整）" in letter  # only A asks
    assert letter.count("办理个性化还款方案") == 2  # A and B both ask 停息挂账
    # The other lender only in numbers
    for other in ("微粒贷", "微众", "WLD2025061800517", "21,610.50", "900.43"):
        assert other not in letter, other

    other = weilidai["hardship_letter"]
    assert other.startswith("协商还款申请书致：深圳前海微众银行股份有限公司")
    assert "（一）借款合同编号" not in other and "（共" not in other
    assert "分24期按月偿还，每期900.43元，最后一期900.61元" in other
    for named in ("网商", "WSD2025011200388", "WSD2025080300125"):
        assert named not in other, named


def test_the_letter_states_the_whole_position_and_this_lenders_share():
    wangshang, weilidai = lender_sets(zhao_lei())
    assert ("本人目前共欠2家机构3笔借款（其中贵方2笔），合计欠款人民币75,517.50元，各笔借款及本人对每一笔提出的还款方案"
            "见所附《收入支出及债务情况表》") in wangshang["hardship_letter"]
    assert "每月结余4,500.00元中，本人留出1,350.00元应付生病等意外开支，以免再次逾期，其余3,150.00元用于偿还全部借款" \
        in wangshang["hardship_letter"]
    assert "比例分配给各家债权人。贵方所占份额为70.9%，即每月2,189.37元。" in wangshang["hardship_letter"]
    assert "（其中贵方1笔）" in weilidai["hardship_letter"]
    assert "贵方所占份额为29.1%，即每月900.43元。" in weilidai["hardship_letter"]
    assert "其他债务每月还款（不含情况表所列借款）0.00" in weilidai["hardship_letter"]
    assert "附件：《收入支出及债务情况表》；证明材料1项" in weilidai["hardship_letter"]


def test_every_lender_gets_the_same_financial_statement_with_every_debt():
    wangshang, weilidai = lender_sets(zhao_lei())
    assert wangshang["financial_statement"] == weilidai["financial_statement"]
    statement = wangshang["financial_statement"]
    assert "本人目前共欠2家机构3笔借款，合计欠款人民币75,517.50元" in statement
    for line in ("本人每月收入9,000.00", "每月必要生活支出（房租、饮食、医疗、子女教育等）4,500.00",
                 "本表以外的其他债务每月还款（如房贷、车贷）0.00", "每月结余4,500.00", "其中留作生病等意外开支1,350.00",
                 "其中用于偿还下列全部借款3,150.00", "本人需抚养（赡养）家庭成员1人"):
        assert line in statement, line
    assert "1网商贷（浙江网商银行股份有限公司）WSD202501120038840,380.00每月1,642.50元，共24期，自2026年12月24日起53.2%" \
        in statement
    assert "2网商贷（浙江网商银行股份有限公司）WSD202508030012513,125.00每月546.87元（末期546.99元），共24期" in statement
    assert "3微粒贷（深圳前海微众银行股份有限公司）WLD202506180051722,012.50每月900.43元（末期900.61元），共24期" in statement
    assert "29.1%" in statement and "17.7%" in statement
    # the highest monthly total: the last month, 1,642.50 + 546.99 + 900.61 = 3,090.10
    assert "合计75,517.50每月合计最多3,090.10元" in statement
    assert "本人确认，以上收入、支出和全部借款情况真实、完整，没有隐瞒其他借款或收入" in statement
    assert "申请人（签名）" in statement
    assert "不少于100元" not in statement and "标有*" not in statement


def test_one_draft_agreement_per_contract():
    wangshang, weilidai = lender_sets(zhao_lei())
    agreements = wangshang["repayment_agreement"]
    assert agreements.count("还款协议（草案）（本草案由乙方提出") == 2
    first, second = agreements.split("还款协议（草案）（本草案由乙方提出")[1:]
    assert "本协议适用于借款合同编号WSD2025011200388" in first and "编号为WSD2025011200388的借款合同" in first
    assert "合计39,420.00" in first and "合计13,125.00" not in first
    assert "编号为WSD2025080300125的借款合同" in second and "合计13,125.00" in second
    for agreement in (first, second):
        assert "乙方在甲方的其他借款由双方另行签订的还款协议约定；本协议的履行与其他协议互不影响" in agreement
    single = weilidai["repayment_agreement"]
    assert single.count("还款协议（草案）（本草案由乙方提出") == 1 and "另行签订的还款协议" not in single
    assert "甲方（债权人）：深圳前海微众银行股份有限公司" in single and "合计21,610.50" in single


def test_one_lender_with_two_contracts_is_the_whole_position_without_a_share():
    case = zhao_lei()
    (only,) = lender_sets(dataclasses.replace(case, debts=case.debts[:2]))
    letter = only["hardship_letter"]
    # owed: 40,380.00 + 13,125.00 = 53,505.00
    assert "本人目前的全部借款是在贵方的2笔借款，合计欠款人民币53,505.00元" in letter
    assert "家机构" not in letter and "份额" not in letter and "同等对待" not in letter
    assert "本人目前共欠1家机构2笔借款" in only["financial_statement"]


def test_the_floor_is_said_where_it_applies():
    # A, B and a small debt of 1,000.00: 39,420 + 13,125 + 1,000 = 53,545.00 proposed. The small one's share,
    # 3,150 × 1,000 / 53,545 = 58.83, is below 100: it gets 100.00 (10 installments), A and B share 3,050.00.
    case = zhao_lei()
    small = make_debt(row=4, lender=default_contract().lenders["微粒贷"], loan_contract_no="WLD1",
                      principal=Decimal("1000"), interest=Decimal("0"), penalty=Decimal("0"),
                      requests=("installments",))
    wangshang, weilidai = lender_sets(dataclasses.replace(case, debts=case.debts[:2] + (small,)))
    assert "（每笔借款每月不少于100元）" in wangshang["hardship_letter"]
    assert "欠款较少的借款每月按不少于100元计，其余借款按比例分配其余部分" in wangshang["financial_statement"]
    assert "分10期按月偿还，每期100.00元" in weilidai["hardship_letter"]


def test_a_single_debt_letter_has_no_several_debts_words():
    (only,) = lender_sets(make_case())
    letter = only["hardship_letter"]
    for several in ("家机构", "份额", "（一）借款合同编号", "收入支出及债务情况表", "（不含情况表所列借款）", "（共"):
        assert several not in letter, several
    assert "financial_statement" not in only
    assert "本人在贵方办理网商贷借款（借款合同编号：WS2024000123），自2026年6月15日起未能按期足额还款" in letter


@pytest.mark.parametrize("words", ["底线", "可让步", "开口", "谈判", "不要说出口", "本人留存", "12378", "12348",
                                   "reminders", "建议补充"])
def test_no_borrower_set_words_in_any_lender_set(words):
    for documents in lender_sets(zhao_lei()):
        for name, text in documents.items():
            assert words not in text, (name, words)


# ---------------------------------------------------------------- a plan the client asked for (issue 22, point 1)


@pytest.mark.parametrize("requests", [("interest_freeze",), ("penalty_waiver",)])
def test_a_row_asking_only_to_freeze_or_to_waive_gets_installments_never_a_lump_sum(requests):
    # capacity (6,500 − 3,500 − 500) × 70 % = 1,750.00. 停息挂账 only: 45,000 + 1,200.50 + 800 = 47,000.50,
    # ⌈47,000.50 / 1,750⌉ = 27 installments of 1,740.75; 减免罚息 only: 46,200.50 in 27 of 1,711.12.
    (only,) = lender_sets(make_case(requests=requests))
    letter, agreement = only["hardship_letter"], only["repayment_agreement"]
    regular = {"interest_freeze": "1,740.75", "penalty_waiver": "1,711.12"}[requests[0]]
    assert f"分27期按月偿还，每期{regular}元" in letter
    assert "乙方按下表分27期向甲方还款" in agreement
    for text in (letter, agreement):
        assert "一次性" not in text.replace("一次性偿还本协议项下剩余未还款项", "")  # the acceleration clause
        assert "结清" not in text.split("第七条")[0]


def test_a_settlement_is_asked_for_and_written_as_one_with_its_source():
    # 一次性结清 with 减免罚息: 45,000 + 1,200.50 = 46,200.50, above 3 × 1,750 = 5,250: a source is required.
    case = make_case(requests=("settlement", "penalty_waiver"), funds_source="亲友借款")
    (only,) = lender_sets(case)
    letter, agreement = only["hardship_letter"], only["repayment_agreement"]
    assert ("本人将于2026年12月24日前一次性偿还人民币46,200.50元（大写：人民币肆万陆仟贰佰元零伍角，为本金和利息），"
            "款项来源为亲友借款。贵方收到该款项后，本人在原借款合同项下的债务即全部结清") in letter
    assert "乙方于2026年12月24日前一次性向甲方支付人民币46,200.50元" in agreement
    assert "期数" not in agreement and "连续两期" not in agreement and "分1期" not in letter + agreement


def test_one_installment_that_is_not_a_settlement_is_a_due_date_not_a_lump_sum():
    # 1,000.00 owed, a monthly capacity of 1,750.00: one installment, by capacity, not asked as a settlement.
    case = make_case(principal=Decimal("1000"), interest=Decimal("0"), penalty=Decimal("0"), requests=("installments",))
    (only,) = lender_sets(case)
    letter, agreement = only["hardship_letter"], only["repayment_agreement"]
    assert "本人将于2026年12月24日前偿还人民币1,000.00元" in letter
    assert "乙方按下表向甲方还款，款项应于还款日当日（含）前足额到账" in agreement
    assert "第1期2026年12月24日1,000.00" in agreement
    for text in (letter, agreement):
        assert "一次性" not in text and "分1期" not in text and "款项来源" not in text


# ---------------------------------------------------------------- a draft with no trap left in it (issue 22, point 3)


HEADINGS = re.compile("第[一二三四五六七八九十]+条(?:欠款金额|减免|还款计划|还款方式|暂停催收|未按期还款|还清的效力|征信报送|通知|"
                      "争议解决|生效及其他)")


def clause(agreement: str, number: str) -> str:
    """One clause of a rendered agreement: from its heading to the next heading (not to a mention of
    another clause in its text)."""
    starts = [m.start() for m in HEADINGS.finditer(agreement)]
    start = next(at for at in starts if agreement.startswith(f"第{number}条", at))
    following = [at for at in starts if at > start]
    return agreement[start:following[0]] if following else agreement[start:]


def test_paying_the_plan_settles_everything_the_penalty_included():
    # No waiver asked, penalty given (800.00): the total 47,000.50 includes it; nothing else is owed.
    (plain,) = lender_sets(make_case(requests=("installments",)))
    second = clause(plain["repayment_agreement"], "二")
    assert "第三条所列还款总额已包含第一条所列的罚息及费用人民币800.00元；除此以外，乙方不再支付原合同项下的任何罚息及费用" \
        in second
    assert "不涉及罚息及费用的减免" not in plain["repayment_agreement"]
    assert "原合同项下乙方的全部债务即告结清，甲方不再就原合同向乙方主张本金、利息、罚息、违约金或其他任何费用，" \
           "第一条未列明金额的款项亦同" in clause(plain["repayment_agreement"], "七")
    # No waiver asked, penalty blank: paying settles it too, and no amount is left for the lender to name.
    (blank,) = lender_sets(make_case(requests=("installments",), penalty=None))
    assert "第三条所列还款总额即乙方在原合同项下应付的全部款项，乙方按本协议付清后，原合同项下的罚息及费用一并结清" \
        in clause(blank["repayment_agreement"], "二")
    # A penalty of 0 given: not 'not known', not 人民币0.00元 included.
    (nil,) = lender_sets(make_case(requests=("installments",), penalty=Decimal("0")))
    assert "据乙方所知，原合同项下未产生罚息及费用" in clause(nil["repayment_agreement"], "二")


def test_a_waiver_stands_for_what_was_paid_and_a_default_revives_at_most_the_unpaid_part():
    (waived,) = lender_sets(make_case(requests=("installments", "penalty_waiver")))
    agreement = waived["repayment_agreement"]
    assert "甲方同意减免原合同项下的罚息及费用人民币800.00元（大写：人民币捌佰元整）" in agreement
    assert "乙方已支付的款项所对应的减免，不因乙方此后未按期还款而恢复" in agreement
    assert "以尚未支付的款项所对应的部分为限（按尚未支付的款项占第三条还款总额的比例计算）" in agreement
    assert "付清第三条所列款项后，甲方不再主张已减免的款项" not in agreement  # the old all-or-nothing condition
    sixth = clause(agreement, "六")
    assert "甲方此时可以主张的，以本协议项下尚未支付的款项及依第二条可以恢复的减免为限，不按原合同另计利息、罚息或其他费用" \
        in sixth


def test_the_original_contract_does_not_come_back_through_the_last_clause():
    (only,) = lender_sets(make_case())
    agreement = only["repayment_agreement"]
    assert "按原合同执行" not in agreement
    assert ("原合同关于利息、罚息、违约金、费用及争议解决（包括管辖法院和仲裁）的约定，不适用于本协议约定的还款安排"
            in clause(agreement, "十一"))


def test_notice_of_an_address_change_and_no_deemed_service_of_court_papers():
    (only,) = lender_sets(make_case())
    ninth = clause(only["repayment_agreement"], "九")
    assert "一方变更联系地址或联系电话的，应及时书面通知对方" in ninth
    assert "本条不构成双方对诉讼或仲裁文书送达地址的约定" in ninth
    assert "送达地址和联系方式，适用于" not in ninth and "争议解决时有关文书的送达" not in ninth


def test_no_term_for_the_lender_alone_and_no_blank_to_fill_in_after_signing():
    for case in (make_case(), make_case(penalty=None, interest=None, requests=("installments", "penalty_waiver")),
                 make_case(requests=("settlement",), funds_source="亲友借款")):
        (only,) = lender_sets(case)
        agreement = only["repayment_agreement"]
        for phrase in ("以甲方账单为准", "以甲方确认为准", "甲方确认", "年利率", "________元", "按原合同执行"):
            assert phrase not in agreement, phrase


def test_every_installment_letter_asks_that_nothing_more_accrues_once():
    (plain,) = lender_sets(make_case(requests=("installments",)))
    (frozen,) = lender_sets(make_case(requests=("installments", "interest_freeze")))
    (settled,) = lender_sets(make_case(requests=("settlement",), funds_source="亲友借款"))
    assert "停止计息：恳请贵方在上述还款安排履行期间，不再计收利息、罚息及其他费用" in plain["hardship_letter"]
    assert "停止计息" not in frozen["hardship_letter"] and frozen["hardship_letter"].count("停止计收利息") == 1
    assert "停止计息" not in settled["hardship_letter"]  # a settlement ends the debt


# ---------------------------------------------------------------- evidence where the letter says it is (issue 22, point 4)


def scan(name: str, pages: int) -> Attachment:
    return Attachment(name=name, pages=pages, pdf=b"", digest="0" * 64)


def test_listed_types_without_scans_are_copies_the_borrower_adds_or_sends_separately():
    case = make_case(evidence=(EvidenceItem("bank_statement", 6), EvidenceItem("business_records", 2)))
    (only,) = lender_sets(case)
    letter, cover = only["hardship_letter"], only["evidence_cover"]
    assert ("附件：证明材料2项（详见《证明材料清单》）复印件（纸质寄送时附于《证明材料清单》之后；以电子方式发送本申请时，"
            "另行寄送或当面递交）：1.银行流水（6页）2.经营亏损证明（2页）") in letter
    assert "扫描件" not in letter and "扫描件附后" not in cover
    assert "如贵方需要，本人可补充提供其他收入、支出及困难情况的相关证明材料" in letter
    assert "1银行流水6复印件□□" in cover and "2经营亏损证明2复印件□□" in cover
    assert "本文件未附材料的扫描件，所列材料由本人另行提交复印件：纸质寄送时附于本清单之后；以电子方式发送本文件时，" \
           "另行寄送或当面递交" in cover


def test_scans_are_enclosed_and_said_to_be_so_apart_from_the_copies():
    case = make_case(evidence=(EvidenceItem("bank_statement", 6),), attachments=(scan("scans/诊断.pdf", 3),))
    (only,) = lender_sets(case)
    letter, cover = only["hardship_letter"], only["evidence_cover"]
    assert "复印件（纸质寄送时附于《证明材料清单》之后；以电子方式发送本申请时，另行寄送或当面递交）：1.银行流水（6页）" in letter
    assert "扫描件（附于本申请的《证明材料清单》之后）：2.证明文件：诊断.pdf（3页）" in letter
    assert "2证明文件：诊断.pdf3扫描件附后□□" in cover
    assert "标“扫描件附后”的材料，扫描件附于本清单之后。标“复印件”的材料由本人另行提交复印件" in cover
    assert "本文件未附材料的扫描件" not in cover


def test_scans_only_claim_no_copies():
    (only,) = lender_sets(make_case(evidence=(), attachments=(scan("scans/流水.pdf", 4),)))
    assert "复印件（" not in only["hardship_letter"] and "另行提交复印件" not in only["evidence_cover"]
    assert "扫描件（附于本申请的《证明材料清单》之后）：1.证明文件：流水.pdf（4页）" in only["hardship_letter"]


# ---------------------------------------------------------------- the creditor the contract names (issue 23)


def test_the_creditor_a_row_names_is_addressee_and_party_while_the_product_gives_the_channels():
    lenders = default_contract().lenders
    (only,) = lender_sets(make_case(lender=lenders["借呗"], creditor="某某银行股份有限公司"))
    letter, agreement = only["hardship_letter"], only["repayment_agreement"]
    assert letter.startswith("协商还款申请书致：某某银行股份有限公司")
    assert "甲方（债权人）：某某银行股份有限公司" in agreement
    assert "即支付宝App内的借呗官方还款入口，或甲方名下的还款账户" in agreement  # 借呗's channel, from the list
    assert "重庆蚂蚁" not in letter + agreement and "恳请转交" not in letter


def test_a_partner_funded_product_without_its_creditor_is_addressed_without_guessing_a_bank():
    lenders = default_contract().lenders
    for product in ("借呗", "京东金条", "分期乐"):
        (only,) = lender_sets(make_case(lender=lenders[product], creditor=""))
        letter, agreement = only["hardship_letter"], only["repayment_agreement"]
        assert letter.startswith(f"协商还款申请书致：{product}的贷款人（以借款合同载明为准）"), product
        assert f"甲方（债权人）：{product}的贷款人（以借款合同载明为准）" in agreement
        assert f"本人的借款通过{product}办理，出借款项的机构以借款合同载明为准。如本申请应由贵方以外的机构处理，" \
               "恳请转交该机构" in letter
        for guess in ("重庆蚂蚁", "银行股份有限公司", "小额贷款有限公司"):
            assert guess not in letter + agreement + only.get("evidence_cover", ""), (product, guess)


def test_a_credit_card_may_ask_for_the_personalised_installment_agreement_and_nothing_else_does():
    lenders = default_contract().lenders
    (card,) = lender_sets(make_case(lender=lenders["信用卡"], creditor="某某银行股份有限公司", loan_contract_no="6225****1234"))
    letter, agreement = card["hardship_letter"], card["repayment_agreement"]
    assert "本人是贵方信用卡的持卡人" in letter and "本人持有贵方发行的信用卡（卡号或合同编号：6225****1234）" in letter
    assert ("个性化分期还款：依照《商业银行信用卡业务监督管理办法》第七十条，恳请贵方与本人协商达成个性化分期还款协议"
            "（期限不超过5年），按上述还款安排分期偿还") in letter
    assert "停止计息：" not in letter  # said once, in the art. 70 request
    assert "乙方持有甲方发行的信用卡（卡号或合同编号：6225****1234），双方签订了信用卡领用合约（以下简称“原合同”）" in agreement
    assert "本协议是《商业银行信用卡业务监督管理办法》第七十条所称的个性化分期还款协议" in clause(agreement, "五")
    assert "即原合同或甲方官方App载明的还款渠道，或甲方名下的还款账户" in agreement  # the list holds no channel
    # 27 installments: within the 5 years of art. 70.
    assert "分27期按月偿还" in letter
    for other in (make_case(), make_case(lender=lenders["借呗"], creditor="某某银行股份有限公司"),
                  make_case(lender=lenders["信用卡"], creditor="某某银行股份有限公司", requests=("settlement",),
                            funds_source="亲友借款")):
        (documents,) = lender_sets(other)
        text = documents["hardship_letter"] + documents["repayment_agreement"]
        assert "第七十条" not in text and "个性化分期还款" not in text
