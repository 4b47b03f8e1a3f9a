"""What the documents say, row by row (rendered .docx text, no LibreOffice): every sentence true for
the row, nothing in the borrower's own draft against the borrower, the borrower's set useful and
never sent. Expected texts and figures are worked out by hand in each test."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from conftest import PACKET_DATE, make_case, rendered_documents
from docx import Document

from pipeline.common.model import EvidenceItem
from pipeline.contract import default_contract
from pipeline.documents.kinds import SetKind, documents_of
from pipeline.documents.packet import packet_sets
from pipeline.plan import plan_case

LENDER = ("hardship_letter", "evidence_cover", "repayment_agreement")
BORROWER = ("borrower_summary", "evidence_checklist", "call_sheet", "repayment_tracker", "rights_and_help")


def text_of(document) -> str:
    if hasattr(document, "docx"):  # as rendered: the editable copy's bytes
        document = Document(io.BytesIO(document.docx))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return re.sub(r"\s+", "", "\n".join(parts))


def render(case, names=LENDER + BORROWER) -> dict[str, str]:
    return {name: text_of(document) for name, document in rendered_documents(case, names).items()}


def lender_text(texts: dict[str, str]) -> str:
    return "".join(texts[name] for name in LENDER)


# ---------------------------------------------------------------- the lender set states only what the row supports


def test_without_evidence_there_is_no_cover_sheet_and_nothing_is_said_to_be_attached():
    case = make_case(evidence=())
    assert documents_of(SetKind.LENDER, False) == ("hardship_letter", "repayment_agreement")
    letter = render(case)["hardship_letter"]
    for claim in ("附后", "见所附", "附件：", "证明材料清单"):
        assert claim not in letter, claim
    assert "如贵方需要，本人可补充提供收入、支出及困难情况的相关证明材料" in letter


def test_the_letter_points_only_to_the_materials_the_row_lists_for_each_hardship():
    case = make_case(hardship_types=("illness", "business_loss"),
                     evidence=(EvidenceItem("business_records", 3), EvidenceItem("bank_statement", 6)))
    letter = render(case)["hardship_letter"]
    assert "疾病：因疾病及其治疗，本人的收入和还款能力受到了影响。经营困难：" in letter  # no pointer for illness
    assert "相关证明材料：经营亏损证明，见所附《证明材料清单》" in letter
    for invented in ("病历", "医疗费用票据", "医疗诊断证明", "附后"):
        assert invented not in letter, invented


@pytest.mark.parametrize("hardship", ["unemployment", "illness", "business_loss", "income_drop", "family_emergency",
                                      "disaster", "other"])
def test_hardship_paragraphs_invent_no_costs_or_falls_in_income(hardship):
    letter = render(make_case(hardship_types=(hardship,), evidence=()))["hardship_letter"]
    for invented in ("医疗、照料", "医疗费用", "支出明显增加", "财产受到损失", "收入减少、支出增加", "附后"):
        assert invented not in letter, invented
    label = {"unemployment": "失业：", "illness": "疾病：", "business_loss": "经营困难：", "income_drop": "收入下降：",
             "family_emergency": "家庭变故：", "disaster": "意外灾害：", "other": "其他原因："}[hardship]
    assert label in letter


def test_a_blank_penalty_is_per_the_lenders_statement_never_zero():
    case = make_case(penalty=None, interest=Decimal("690"), requests=("installments", "penalty_waiver"))
    texts = render(case)
    letter, agreement = texts["hardship_letter"], texts["repayment_agreement"]
    assert "罚息及费用以贵方账单为准" in letter
    assert "恳请贵方减免已产生的罚息及相关费用（金额以贵方账单为准）" in letter
    # principal 45,000.00 + interest 690.00 = 45,690.00; what the total includes is said
    assert "已列明金额合计人民币45,690.00元（大写：人民币肆万伍仟陆佰玖拾元整，为本金和利息）" in letter
    # The draft never leaves the penalty to the lender's bill or to a blank filled in after signing.
    assert "（三）罚息及费用：乙方未掌握具体金额；" in agreement
    assert "甲方同意减免原合同项下已产生的全部罚息及费用" in agreement
    assert "以甲方账单为准" not in agreement and "________元" not in agreement
    assert "以上已列明的本金和利息合计人民币45,690.00元" in agreement
    for document in (letter, agreement):
        assert "零元整" not in document and "人民币0.00元" not in document


def test_case_json_style_amounts_given_are_in_the_context():
    case = make_case(interest=None)
    context = packet_sets(case, plan_case(case, PACKET_DATE).plan, default_contract())[0].context
    assert context["loan"]["interest_given"] is False and context["loan"]["interest"] == ""
    assert context["loan"]["penalty_given"] is True and context["loan"]["penalty"] == "800.00"


def test_household_income_is_labelled_as_household():
    household = render(make_case(income_scope="household"))["hardship_letter"]
    own = render(make_case())["hardship_letter"]
    assert "本人家庭目前每月的收支情况如下" in household and "家庭每月收入" in household
    assert "本人目前每月的收支情况如下" in own and "本人每月收入" in own and "家庭每月收入" not in own


def test_the_borrowers_own_account_is_labelled_and_no_request_is_stated_twice():
    letter = render(make_case(requests=("installments", "penalty_waiver", "interest_freeze")))["hardship_letter"]
    assert "具体经过，本人陈述如下：今年三月起网店销量下滑" in letter
    assert letter.count("恳请贵方减免") == 1 and letter.count("办理个性化还款方案") == 1
    assert letter.count("分27期按月偿还") == 1


# ---------------------------------------------------------------- a draft that protects the borrower


def test_no_admission_and_nothing_left_to_the_lender_alone():
    for case in (make_case(), make_case(requests=("penalty_waiver",)), make_case(penalty=None, interest=None)):
        text = lender_text(render(case, LENDER))
        for phrase in ("经本人核对", "本人承认", "承认所欠", "以甲方核对确认", "以甲方确认为准", "甲方确认"):
            assert phrase not in text, phrase
        assert "以双方书面核对一致的金额为准" in text and "非恶意拖欠" in text


def test_interest_during_the_plan_is_never_left_to_one_side():
    # Every plan, 停息挂账 asked or not, proposes that nothing more accrues from the date of the amounts
    # (the packet date, 2026-11-24): the schedule and its total assume none. No rate, no blank.
    plain = render(make_case(requests=("installments",)))["repayment_agreement"]
    frozen = render(make_case(requests=("installments", "interest_freeze")))["repayment_agreement"]
    single = render(make_case(requests=("settlement", "penalty_waiver"), funds_source="亲友借款"))["repayment_agreement"]
    for text in (plain, frozen, single):
        assert "自2026年11月24日（第一条所列金额的截止日）起，原合同项下欠款不再计收利息、罚息、违约金及其他任何费用" in text
        assert "年利率" not in text and "____%" not in text and "由双方书面约定后填入" not in text


def test_acceleration_needs_two_missed_installments_a_written_notice_and_fifteen_days():
    agreement = render(make_case())["repayment_agreement"]
    assert "乙方连续两期未按本协议约定足额还款的，甲方应书面通知乙方；乙方自收到通知之日起十五日内仍未补足的" in agreement


def test_a_one_payment_plan_is_a_settlement_without_installment_words():
    # A settlement only when asked for; 46,200.50 is above three months of capacity (3 × 1,750.00), so it names its source.
    case = make_case(requests=("settlement", "penalty_waiver"), first_payment_date=date(2026, 12, 10),
                     funds_source="亲友借款")
    texts = render(case)
    agreement, letter = texts["repayment_agreement"], texts["hardship_letter"]
    # 45,000.00 + 1,200.50 = 46,200.50 after waiving the 800.00 penalty
    assert ("乙方于2026年12月10日前一次性向甲方支付人民币46,200.50元（大写：人民币肆万陆仟贰佰元零伍角）；"
            "甲方收到后，原合同项下债务全部结清，甲方不再向乙方主张其余任何款项") in agreement
    for installment_word in ("第一期", "第1期", "连续两期", "分1期", "每期"):
        assert installment_word not in agreement, installment_word
    assert "一次性偿还人民币46,200.50元" in letter and "分1期" not in letter and "第一期" not in letter


def test_a_deferral_is_a_date():
    # 46,200.50 in 30 = 1,540.01 a month, within the capacity of 1,750.00 (12 would be 3,850.04, above the surplus)
    case = make_case(requests=("deferral", "installments"), deferral_months=2, installments=30)
    texts = render(case)
    # packet date 2026-11-24 + 1 month + 2 months of deferral = 2027-02-24
    assert "恳请贵方同意暂缓至2027年2月24日开始还款" in texts["hardship_letter"]
    assert "甲方同意乙方暂缓至2027年2月24日开始还款" in texts["repayment_agreement"]
    for text in texts.values():
        assert "个月的延期" not in text and "收入短期内难以恢复" not in text


def test_a_deferral_with_a_given_first_date_starts_from_that_date():
    case = make_case(requests=("deferral", "installments"), deferral_months=2, installments=30,
                     first_payment_date=date(2026, 12, 15))
    assert "暂缓至2027年2月15日开始还款" in render(case, ("hardship_letter",))["hardship_letter"]


def test_collection_pauses_and_payments_go_first_to_principal():
    texts = render(make_case())
    assert ("在贵方审核本申请期间，恳请暂停对本人的催收（包括委托第三方机构进行的催收），"
            "不联系本人的亲属、工作单位及其他第三人，并暂缓起诉") in texts["hardship_letter"]
    agreement = texts["repayment_agreement"]
    assert "甲方暂停对乙方的催收，包括委托第三方机构（含外包催收机构）进行的催收，不联系乙方的亲属、工作单位及其他第三人" in agreement
    assert "甲方不就原合同对乙方提起诉讼或申请仲裁" in agreement
    assert "乙方支付的款项先用于清偿本金" in agreement
    assert "乙方（签名并按手印）" in agreement and "甲方（盖章）" in agreement and "授权代表（签字）" in agreement


def test_lender_data_fill_the_agreement_and_weilidai_has_no_app():
    contract = default_contract()
    weilidai = render(make_case(lender=contract.lenders["微粒贷"]))
    text = lender_text(weilidai)
    assert "微信或QQ内的“微粒贷”官方入口" in text and "App" not in text
    assert "住所：________________________________" in weilidai["repayment_agreement"]  # no address on file
    assert "客服电话95384" in weilidai["call_sheet"] and "自称“微粒贷”的App或网站都是假冒的" in weilidai["borrower_summary"]


def test_the_new_evidence_types_have_chinese_labels_on_the_cover_sheet():
    kinds = ("id_card_copy", "loan_contract", "police_report", "accident_certificate", "court_judgment",
             "kinship_certificate", "freeze_notice")
    case = make_case(evidence=tuple(EvidenceItem(kind, 1) for kind in kinds))
    cover = render(case, ("evidence_cover",))["evidence_cover"]
    for label in ("身份证复印件", "借款合同或账单", "报案回执", "事故认定书或受灾证明", "判决书或仲裁裁决书",
                  "婚姻或亲属关系证明", "账户冻结通知"):
        assert label in cover, label
    assert "共7项，合计7页" in cover and "建议补充" not in cover


# ---------------------------------------------------------------- the borrower's own set


def test_the_call_sheet_gives_a_range_and_never_announces_the_ceiling():
    # income 6,500 − expenses 3,500 − other debts 500 = 2,500 left each month. Opening: the plan's
    # installment, 46,200.50 in ⌈46,200.50 / 1,750.00⌉ = 27 of 1,711.12; step 80 % = 2,000.00,
    # ⌈46,200.50 / 2,000⌉ = 24 months; limit 90 % = 2,250.00, ⌈46,200.50 / 2,250⌉ = 21 months.
    sheet = render(make_case(), ("call_sheet",))["call_sheet"]
    assert "开口方案1,711.12元27期" in sheet
    assert "可让步到2,000.00元约24期" in sheet
    assert "底线（不说出口）2,250.00元约21期" in sheet
    assert "三档按您每月的结余2,500.00元算" in sheet
    assert "每月还款能力" not in sheet and "可直接照读" not in sheet and "发现无法按时还款" not in sheet
    opening = sheet[sheet.index("二、开口时可以这样说"):sheet.index("三、谈判的范围")]
    assert "1,711.12" in opening and "2,000.00" not in opening and "2,250.00" not in opening


def test_the_call_sheet_says_what_to_answer_and_has_room_for_three_calls():
    sheet = render(make_case(requests=("installments", "interest_freeze")), ("call_sheet",))["call_sheet"]
    for line in ("对方不同意：", "对方要每月多还：", "对方要一次还清：", "请为我办理个性化还款方案"):
        assert line in sheet, line
    for number in (1, 2, 3):
        assert f"第{number}次通话时间" in sheet
    assert sheet.count("客服姓名／工号") == 3 and sheet.count("对方提出的方案") >= 3


def test_the_tracker_shows_the_balance_left_after_each_installment():
    case = make_case(installments=3, principal=Decimal("100"), interest=Decimal("0"), penalty=Decimal("0"),
                     requests=("installments",))
    tracker = render(case, ("repayment_tracker",))["repayment_tracker"]
    # 100.00 in 3: 33.33, 33.33, 33.34 → 66.67, 33.34, 0.00 left
    assert "12026年12月24日33.3366.67" in tracker
    assert "22027年1月24日33.3333.34" in tracker
    assert "32027年2月24日33.340.00" in tracker
    assert "合计100.00" in tracker and tracker.count("□") == 3


def test_the_summary_says_what_is_asked_what_to_pay_and_what_to_do_next():
    summary = render(make_case(), ("borrower_summary",))["borrower_summary"]
    assert "把46,200.50元分27个月还；免掉罚息和相关费用（800.00元）" in summary
    assert "每月还1,711.12元（最后一个月1,711.38元），共27个月：第一次在2026年12月24日，最后一次在2029年2月24日" in summary
    assert "连续两期没还上，对方要先书面通知您；您收到通知后15天内补上" in summary
    assert "to_lender.pdf" in summary and "reminders.ics" in summary
    assert "2026年12月1日还没有收到答复" in summary  # 2026-11-24 + 7 days


def test_the_checklist_always_asks_for_the_id_card_and_the_loan_contract_and_ticks_what_is_listed():
    checklist = render(make_case(evidence=(EvidenceItem("bank_statement", 6),)),
                       ("evidence_checklist",))["evidence_checklist"]
    assert "1身份证正反面复印件□" in checklist
    assert "2借款合同，或贷款机构线上借款记录、账单的截图□" in checklist
    assert "√银行流水" in checklist  # listed in the row: ticked
    assert "经营困难的证明" in checklist  # the case's hardship is business_loss


def test_the_rights_page_states_the_brief_and_no_more():
    rights = render(make_case(), ("rights_and_help",))["rights_and_help"]
    for fact in ("第十五条", "保存5年", "第十六条", "两次", "第十七条", "20日内", "第二十五条",
                 "12378", "国家金融监督管理总局", "12363", "中国人民银行", "12348", "法律援助", "96110", "110",
                 "修复征信", "代理停息挂账"):
        assert fact in rights, fact
    assert rights.index("先向网商贷本身投诉") < rights.index("12378") < rights.index("12363") < rights.index("12348")


def test_no_borrower_side_words_in_the_lender_set():
    text = lender_text(render(make_case(), LENDER))
    for borrower_only in ("底线", "可让步", "开口", "谈判", "每月还款能力", "1,750.00", "2,250.00", "建议补充",
                          "12378", "12363", "12348", "本人留存", "不要说出口", "reminders"):
        assert borrower_only not in text, borrower_only
