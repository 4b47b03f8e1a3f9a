"""The borrower's own set for a client with several debts (issue 21, point 5), rendered .docx text (no
LibreOffice): the overview of every debt first, a call sheet with one section per lender whose ranges
add up within the client's budget, a tracker and a calendar that name each loan's contract, a summary
that says which file goes to which lender. Every figure is worked out by hand in its comment.

赵磊 (tests/plan/test_budget.py): income 9,000, expenses 4,500, nothing outside the case: surplus
4,500.00, capacity 70 % = 3,150.00. Proposed totals 39,420.00 (A, 网商贷, penalty 960 waived),
13,125.00 (B, 网商贷), 21,610.50 (C, 微粒贷, penalty 402 waived). Shares of 3,150.00 floored to the fen:
1,674.49, 557.52, 917.97 (together 3,149.98); 24 installments each: 1,642.50; 546.87 (last 546.99);
900.43 (last 900.61). Each debt's step and limit are 80 % and 90 % of 4,500 × its share ÷ 3,149.98:
  A: 3,600 × 1,674.49 / 3,149.98 = 1,913.709… → 1,913.71;  4,050 × … = 2,152.920… → 2,152.92
  B: 3,600 × 557.52 / 3,149.98 = 637.169… → 637.16;       4,050 × … = 716.816… → 716.81
  C: 3,600 × 917.97 / 3,149.98 = 1,049.110… → 1,049.11;   4,050 × … = 1,180.254… → 1,180.25
Months at the step: 39,420 / 1,913.71 = 20.6 → 21; 13,125 / 637.16 = 20.6 → 21; 21,610.50 / 1,049.11
= 20.6 → 21; at the limit 39,420 / 2,152.92 = 18.3 → 19 (and so for B and C).
"""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from conftest import PACKET_DATE, make_case, rendered_documents, zhao_lei
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from icalendar import Calendar

from pipeline.common.model import Lender
from pipeline.contract import default_contract
from pipeline.documents.calendar import reminders_ics
from pipeline.documents.kinds import SetKind
from pipeline.documents.packet import packet_sets
from pipeline.plan import plan_case

FIRST = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)  # the calendar's DTSTAMP
BORROWER = ("debt_overview", "borrower_summary", "evidence_checklist", "call_sheet", "repayment_tracker",
            "rights_and_help")


def text_of(document) -> str:
    """The text in reading order: paragraphs and table rows as they come (a merged cell once)."""
    doc = Document(io.BytesIO(document.docx))
    parts = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            parts.append(Paragraph(block, doc).text)
        elif block.tag == qn("w:tbl"):
            for table_row in Table(block, doc).rows:
                parts += list(dict.fromkeys(cell.text for cell in table_row.cells))
    return re.sub(r"\s+", "", "\n".join(parts))


def render(case, names=BORROWER) -> dict[str, str]:
    return {name: text_of(document) for name, document in rendered_documents(case, names).items()}


def test_the_overview_comes_first_and_names_every_debt_its_plan_its_file_and_what_is_left():
    case = zhao_lei()
    (borrower,) = [s for s in packet_sets(case, plan_case(case, PACKET_DATE).plan, default_contract())
                   if s.kind is SetKind.BORROWER]
    assert borrower.documents[0] == "debt_overview"
    overview = render(case, ("debt_overview",))["debt_overview"]
    for row in ("1网商贷（浙江网商银行股份有限公司）A40,380.00每月1,642.50元，共24期，自2026年12月24日起",
                "2网商贷（浙江网商银行股份有限公司）B13,125.00每月546.87元（末期546.99元），共24期，自2026年12月24日起",
                "3微粒贷（深圳前海微众银行股份有限公司）C22,012.50每月900.43元（末期900.61元），共24期，自2026年12月24日起"):
        assert row in overview, row
    assert overview.count("to_lender-1-网商贷.pdf") == 2 and overview.count("to_lender-2-微粒贷.pdf") == 1
    # the 24th month is the highest: 1,642.50 + 546.99 + 900.61 = 3,090.10; 4,500.00 − 3,090.10 = 1,409.90
    assert "每月最多要还3,090.10元" in overview and "每月还剩1,409.90元" in overview
    assert "您每月收入9,000.00元，必要生活支出4,500.00元，剩下4,500.00元" in overview


def test_the_call_sheet_has_one_section_per_lender_whose_ranges_add_up_within_the_surplus():
    sheet = render(zhao_lei(), ("call_sheet",))["call_sheet"]
    first, second = sheet.index("第1家：网商贷"), sheet.index("第2家：微粒贷")
    wangshang, weili = sheet[first:second], sheet[second:]
    # 网商贷: both contracts in one call, each with its own months; the lender's totals added by hand:
    # 1,642.50 + 546.87 = 2,189.37; 1,913.71 + 637.16 = 2,550.87; 2,152.92 + 716.81 = 2,869.73
    assert "第1笔1,642.50元，24期1,913.71元，约21期2,152.92元，约19期" in wangshang
    assert "第2笔546.87元，24期637.16元，约21期716.81元，约19期" in wangshang
    assert "每月合计2,189.37元2,550.87元2,869.73元" in wangshang
    assert "合同编号A" in wangshang and "合同编号B" in wangshang and "合同编号C" not in wangshang
    # 微粒贷 alone reads as a one-debt sheet does
    assert "开口方案900.43元24期" in weili and "可让步到1,049.11元约21期" in weili
    assert "底线（不说出口）1,180.25元约19期" in weili and "合同编号C" in weili and "合同编号A" not in weili
    # every lender at its step: 1,913.71 + 637.16 + 1,049.11 = 3,599.98 (≤ 80 % of 4,500), leaving 900.02;
    # at its limit: 2,152.92 + 716.81 + 1,180.25 = 4,049.98 (≤ 90 %), leaving 450.02
    assert "都让步到3,599.98元900.02元" in sheet and "都到底线4,049.98元450.02元" in sheet
    assert "都按开口方案3,090.10元1,409.90元" in sheet
    # conceding more to one lender is never new money: 2,550.87 − 2,189.37 = 361.50 comes from the reserve
    assert "每月多出的361.50元来自留作意外开支的钱" in wangshang
    assert "从给别家的钱或留作意外开支的钱里拿，不是多出来的新钱" in sheet
    for section in (wangshang, weili):
        assert section.count("客服姓名／工号") == 3


def test_each_lender_hears_its_own_share_and_contracts_in_the_opening():
    sheet = render(zhao_lei(), ("call_sheet",))["call_sheet"]
    wangshang = sheet[sheet.index("第1家：网商贷"):sheet.index("第2家：微粒贷")]
    opening = wangshang[wangshang.index("二、开口时可以这样说"):wangshang.index("三、谈判的范围")]
    # 网商贷's share: (1,674.49 + 557.52) / 3,149.98 = 70.86 % → 70.9 %
    assert "贵方这一份占70.9%" in opening
    assert "合同编号A，分24期，每月还1,642.50元" in opening and "合同编号B，分24期，每月还546.87元" in opening
    assert "1,913.71" not in opening and "2,152.92" not in opening


def test_the_tracker_has_a_table_per_debt_headed_by_its_lender_and_contract():
    tracker = render(zhao_lei(), ("repayment_tracker",))["repayment_tracker"]
    for title in ("1.网商贷（浙江网商银行股份有限公司）合同编号A", "2.网商贷（浙江网商银行股份有限公司）合同编号B",
                  "3.微粒贷（深圳前海微众银行股份有限公司）合同编号C"):
        assert title in tracker, title
    # 24 + 24 + 24 installments, each with its box; the totals 39,420.00, 13,125.00, 21,610.50
    assert tracker.count("□") == 72
    for total in ("合计39,420.00", "合计13,125.00", "合计21,610.50"):
        assert total in tracker
    b = tracker[tracker.index("合同编号B"):tracker.index("合同编号C")]
    assert "242028年11月24日546.990.00" in b  # B's last: 13,125 − 23 × 546.87 = 546.99, nothing left


def test_the_calendar_names_the_lender_and_the_contract_of_every_installment():
    case = zhao_lei()
    events = list(Calendar.from_ical(reminders_ics(case, plan_case(case, PACKET_DATE).plan, FIRST)).walk("VEVENT"))
    assert len(events) == 72 and len({str(e["uid"]) for e in events}) == 72
    summaries = [str(e["summary"]) for e in events]
    assert sum("网商贷（合同编号A）" in s for s in summaries) == 24
    assert sum("网商贷（合同编号B）" in s for s in summaries) == 24
    assert sum("微粒贷（合同编号C）" in s for s in summaries) == 24
    assert "网商贷（合同编号B）还款546.99元：第24期（共24期）" in summaries
    one = list(Calendar.from_ical(reminders_ics(make_case(), plan_case(make_case(), PACKET_DATE).plan, FIRST)).walk("VEVENT"))
    assert str(one[0]["summary"]) == "网商贷（合同编号WS2024000123）还款1,711.12元：第1期（共27期）"
    assert str(one[0]["uid"]) == "T-001-1@negotiation-packets"  # a one-debt client's events keep their UIDs


def test_the_summary_says_which_file_goes_to_which_lender():
    summary = render(zhao_lei(), ("borrower_summary",))["borrower_summary"]
    assert "to_lender-1-网商贷.pdf网商贷（浙江网商银行股份有限公司）合同编号A、合同编号B" in summary
    assert "to_lender-2-微粒贷.pdf微粒贷（深圳前海微众银行股份有限公司）合同编号C" in summary
    assert "1.网商贷（合同编号A）：把39,420.00元分24个月还" in summary
    assert "3.微粒贷（合同编号C）：每月还900.43元（最后一个月900.61元），共24个月" in summary
    assert "网商贷：客服电话95188" in summary and "微粒贷：客服电话95384" in summary


def test_a_one_debt_client_keeps_its_one_sheet_without_lender_sections():
    texts = render(make_case(), ("borrower_summary", "call_sheet", "repayment_tracker"))
    sheet = texts["call_sheet"]
    assert "第1家" not in sheet and "各家" not in sheet and "每月合计" not in sheet
    assert sheet.index("贷款机构：浙江网商银行股份有限公司") < sheet.index("一、通话要点")
    assert "开口方案1,711.12元27期" in sheet
    assert "交给网商贷，电子版是to_lender.pdf" in texts["borrower_summary"]
    assert "1.网商贷" not in texts["repayment_tracker"] and texts["repayment_tracker"].count("□") == 27


# ---------------------------------------------------------------- warnings a lawyer signs, said on the first page
# (issue 22, point 2). The default client: 6,500 − 3,500 − 500 = 2,500.00 left, capacity 1,750.00;
# 45,000 + 1,200.50 + 800 = 47,000.50 owed, 46,200.50 with the penalty waived.


def first_page(case) -> str:
    """The first document of the borrower's set: the overview with several debts, else the summary."""
    name = "debt_overview" if len(case.debts) > 1 else "borrower_summary"
    return render(case, (name,))[name]


def test_installments_above_the_capacity_are_said_on_the_first_page():
    # 24 given: 46,200.50 / 24 = 1,925.02 (floored), the last 46,200.50 − 23 × 1,925.02 = 1,925.04; every month
    # 2026-12…2028-11 is above 1,750.00 and within 2,500.00, which leaves 2,500.00 − 1,925.04 = 574.96
    text = first_page(make_case(installments=24))
    assert "先看这里" in text
    assert ("2026年12月至2028年11月，每月最多要还1,925.04元，超过了您每月能拿出来还款的1,750.00元"
            "（每月结余2,500.00元的七成），留给看病、修车这类意外开支的只剩574.96元") in text


def test_a_deferral_the_budget_does_not_need_is_said_on_the_first_page():
    # by capacity: 27 installments of 1,711.12 ≤ 1,750.00 — the budget pays them without a deferral
    text = first_page(make_case(requests=("deferral", "installments", "penalty_waiver"), deferral_months=2))
    assert "您要求先暂缓还款，但按您的收支，每月能用来还的1,750.00元已经够还每期的1,711.12元" in text
    assert "请和经办人再确认一下是否确实需要暂缓" in text  # 经办人 李律师 is given
    text = first_page(make_case(requests=("deferral", "installments"), deferral_months=2, caseworker=""))
    assert "请再确认一下是否确实需要暂缓" in text and "经办人" not in text


def test_installments_by_capacity_are_said_on_the_first_page():
    # only 停息挂账 asked: 47,000.50 in ⌈47,000.50 / 1,750⌉ = 27 of 1,740.75, the last 47,000.50 − 26 × 1,740.75
    # = 1,741.00
    text = first_page(make_case(requests=("interest_freeze",)))
    assert ("案件表里没有写您要分期还款还是一次结清，这里按您每月能拿出来的钱算成了分期还款："
            "每月1,740.75元（末期1,741.00元），共27期，自2026年12月24日起") in text


def test_with_several_debts_the_overview_says_it_of_the_debt_it_concerns():
    case = zhao_lei()
    debts = (case.debts[0], dataclasses.replace(case.debts[1], requests=("interest_freeze",)), case.debts[2])
    text = first_page(dataclasses.replace(case, debts=debts))
    assert "网商贷（合同编号B）：案件表里没有写您要分期还款还是一次结清" in text
    assert "网商贷（合同编号A）：案件表" not in text


def test_nothing_to_say_first_when_the_plan_needs_no_warning():
    assert "先看这里" not in first_page(make_case())
    assert "先看这里" not in first_page(zhao_lei())


# ---------------------------------------------------------------- an honest call sheet (issue 22, point 5)
# The default client: surplus 2,500.00; opening 27 of 1,711.12; step 80 % = 2,000.00; limit 90 % = 2,250.00.


def test_scripts_above_the_opening_speak_of_the_reserve_and_of_what_cannot_be_paid_only_above_the_limit():
    sheet = render(make_case(), ("call_sheet",))["call_sheet"]
    more = sheet[sheet.index("对方要每月多还："):sheet.index("对方要一次还清：")]
    order = ["最多加到“可让步到”的2,000.00元", "留着应付看病这些意外开支的钱就少了，一有意外又会还不上",
             "还在底线2,250.00元以内的，不要当场答应", "这要动用我留着应付意外的钱",
             "超过底线的，就说：“这个数超出了我的能力"]
    assert [more.index(words) for words in order] == sorted(more.index(words) for words in order)
    assert "拿不出来" not in sheet and "下表" not in sheet  # the range stands above the answers


def test_a_settlement_gets_settlement_scripts_and_a_range_of_an_amount_and_a_date():
    # 46,200.50 by 2026-12-24 (a month after the packet date); with the 800.00 penalty paid: 47,000.50. If
    # refused, monthly: the only debt has the whole budget, 90 % of 2,500 = 2,250.00, ⌈46,200.50 / 2,250⌉ = 21
    sheet = render(make_case(requests=("settlement", "penalty_waiver"), funds_source="亲友借款"),
                   ("call_sheet",))["call_sheet"]
    assert "开口方案46,200.50元2026年12月24日前先提这个方案" in sheet
    assert "可让步到47,000.50元2026年12月24日前罚息也付、不再要求减免" in sheet
    assert "这笔钱来自亲友借款，我一次能拿出来的就是46,200.50元" in sheet
    assert "这笔借款每月最多能还2,250.00元（这是底线，不要说出口），要21个月才能还完" in sheet
    assert "这是我一次能拿出来的钱，请问贵方能否同意" in sheet
    for wrong in ("没有能力一次还清", "期以上", "约需期数", "对方要每月多还", "实际收入算出来的"):
        assert wrong not in sheet, wrong


def test_a_settlement_that_would_take_years_monthly_says_how_many_months_never_60_and_more():
    # WS-2026-003's shape: 4,200 − 3,500 − 500 = 200.00 left, capacity 140.00; 19,336.35 settled from a
    # relative's loan. Monthly instead: 90 % of 200 = 180.00, ⌈19,336.35 / 180⌉ = ⌈107.4⌉ = 108 months
    case = make_case(monthly_income=Decimal("4200"), principal=Decimal("18000"), interest=Decimal("1000"),
                     penalty=Decimal("336.35"), requests=("settlement",), funds_source="亲友借款")
    sheet = render(case, ("call_sheet",))["call_sheet"]
    assert "开口方案19,336.35元2026年12月24日前" in sheet and "可让步到—这就是您能凑到的钱，不要再往上加"  # "—" twice, merged by text_of in sheet
    assert "每月最多能还180.00元（这是底线，不要说出口），要108个月才能还完，超过了5年，对方一般不会同意" in sheet
    assert "160.00" not in sheet and "60期" not in sheet


def red_paragraphs(document) -> list[str]:
    doc = Document(io.BytesIO(document.docx))
    return [p.text for p in doc.paragraphs
            if p.runs and all(r.font.color.rgb is not None and str(r.font.color.rgb) == "C00000" for r in p.runs)]


def test_a_plan_already_above_its_step_or_its_limit_says_so_in_red_at_the_top():
    # 21 given: 46,200.50 / 21 = 2,200.02 a month: above the step 2,000.00, within the limit 2,250.00
    document = rendered_documents(make_case(installments=21), ("call_sheet",))["call_sheet"]
    (warning,) = red_paragraphs(document)
    assert "方案每月2,200.02元，已经高于“可让步到”的2,000.00元（您每月结余的八成）" in warning
    assert "无论如何不要超过底线2,250.00元" in warning
    sheet = text_of(document)
    assert sheet.index("注意：") < sheet.index("一、通话要点")
    assert "可让步到—方案已经高于这一档" in sheet and "底线（不说出口）2,250.00元约21期" in sheet
    # 19 given: 46,200.50 / 19 = 2,431.60, above the limit too (and within the surplus 2,500.00)
    document = rendered_documents(make_case(installments=19), ("call_sheet",))["call_sheet"]
    (warning,) = red_paragraphs(document)
    assert "方案每月2,431.60元，已经高于底线2,250.00元（您每月结余的九成）" in warning and "一分钱也不要再加" in warning
    assert "您的方案已经高于底线（见本表开头的红字），一分钱也不要再加" in text_of(document)
    assert red_paragraphs(rendered_documents(make_case(), ("call_sheet",))["call_sheet"]) == []


def test_the_summary_states_a_settlements_default_clause_as_the_draft_does_and_no_monthly_payments():
    summary = render(make_case(requests=("settlement", "penalty_waiver"), funds_source="亲友借款"),
                     ("borrower_summary",))["borrower_summary"]
    assert "按草案，到期没能付清的，要及时告诉对方，双方另行协商" in summary
    assert "在约定的日期前付款" in summary
    for wrong in ("不成立", "按月还款", "按期还款", "连续两期"):
        assert wrong not in summary, wrong


# ---------------------------------------------------------------- if you are sued (issue 22, point 6)


def test_the_rights_page_says_what_to_do_with_a_summons_or_a_payment_order():
    rights = render(make_case(), ("rights_and_help",))["rights_and_help"]
    sued = rights[rights.index("三、收到法院的传票或支付令"):rights.index("四、")]
    assert "不要不理" in sued and "12348" in sued and "法律援助" in sued
    assert "传票：按上面写的时间到法院" in sued
    # the Civil Procedure Law's period (DOMAIN.md): 15 days from receipt to pay or object in writing
    assert "支付令：从收到那天起15日内，要么还清，要么向发出支付令的法院提出书面异议" in sued
    assert "申请法院强制执行" in sued
    assert not re.search(r"第[一二三四五六七八九十百零]+条", sued)  # renumbered with each revision: none cited


def test_mediation_comes_after_the_lenders_own_channel_and_before_the_regulator():
    rights = render(zhao_lei(), ("rights_and_help",))["rights_and_help"]
    steps = ["先向贷款机构本身投诉：网商贷，客服电话95188", "微粒贷，客服电话95384", "金融纠纷调解组织",
             "银行业保险业纠纷调解中心", "12378", "12363", "12348"]
    assert [rights.index(s) for s in steps] == sorted(rights.index(s) for s in steps)
    sheet = render(make_case(), ("call_sheet",))["call_sheet"]
    assert "传票或支付令，不要不理，看《您的权利与求助渠道》第三部分" in sheet


# ---------------------------------------------------------------- channels and scams (issue 23, points 1 and 4)


def test_a_creditor_on_no_list_is_reached_only_through_its_contract_or_official_app():
    creditor = "某某消费金融有限公司"
    case = make_case(lender=Lender(creditor, creditor, kind="unlisted"), creditor=creditor)
    texts = render(case, ("borrower_summary", "call_sheet"))
    assert ("某某消费金融有限公司：这家机构不在本材料的贷款机构名单里，材料里没有写它的客服电话和还款渠道。"
            "请只用借款合同上或它的官方App里印着的电话和还款方式；网上搜到的“客服电话”可能是诈骗号码") in texts["borrower_summary"]
    assert "官方联系渠道：只用借款合同或它的官方App上印着的电话；网上搜到的“客服电话”可能是诈骗号码" in texts["call_sheet"]
    assert "客服电话95" not in texts["call_sheet"] + texts["borrower_summary"]


def test_a_credit_card_is_reached_through_what_the_card_and_the_bank_print():
    card = default_contract().lenders["信用卡"]
    texts = render(make_case(lender=card, creditor="招商银行股份有限公司"), ("borrower_summary", "call_sheet"))
    assert "请只用信用卡背面、信用卡账单或发卡银行官方App上印着的电话和还款方式" in texts["borrower_summary"]
    assert "这家机构不在本材料的贷款机构名单里" not in texts["borrower_summary"]  # 信用卡 is on the list
    assert "官方联系渠道：只用信用卡背面、信用卡账单或发卡银行官方App上印着的电话" in texts["call_sheet"]
    # a lender with its channels listed gets no such notice
    assert "材料里没有写它的客服电话" not in render(make_case(), ("borrower_summary",))["borrower_summary"]


def test_paid_agents_and_new_loans_are_warned_against_and_only_official_and_free_help_is_named():
    texts = render(zhao_lei(), ("borrower_summary", "rights_and_help"))
    rights = texts["rights_and_help"]
    warning = rights[rights.index("四、不要花钱找中介，不要借新还旧"):rights.index("五、")]
    for agent in ("“代理协商”", "“代理停息挂账”", "“债务优化”", "“反催收”", "“修复征信”"):
        assert agent in warning, agent
    assert "借新还旧只会让欠款越滚越多" in warning and "拨打12348，或到当地的法律援助机构" in warning
    assert "不要借新的贷款来还旧的" in texts["borrower_summary"] and "“反催收”中介" in texts["borrower_summary"]
    # no number but the lenders' own hotlines and the public lines
    numbers = set(re.findall(r"\d{3,}", rights))
    assert numbers <= {"95188", "95384", "12378", "12363", "12348", "96110", "110"}, numbers


# ---------------------------------------------------------------- every branch, several debts


def several(**changes_by_row) -> object:
    """赵磊 with some of his debts changed: row number (2, 3, 4) → the debt's changes."""
    case = zhao_lei()
    debts = tuple(dataclasses.replace(d, **changes_by_row.get(f"r{d.row}", {})) for d in case.debts)
    return dataclasses.replace(case, debts=debts)


SEVERAL = {
    "one lender's two debts, one settled": several(r3={"requests": ("settlement", "penalty_waiver"),
                                                       "funds_source": "亲友借款"}),
    "every debt settled": several(**{f"r{n}": {"requests": ("settlement",), "funds_source": "亲友借款"}
                                     for n in (2, 3, 4)}),
    "a creditor on no list, a deferral, by capacity": several(
        r2={"requests": ("deferral", "installments"), "deferral_months": 2},
        r3={"requests": ("interest_freeze",)},
        r4={"lender": Lender("某某消费金融有限公司", "某某消费金融有限公司", kind="unlisted"),
            "creditor": "某某消费金融有限公司", "interest": None, "penalty": None}),
    # 39,420.00 in 11 = 3,583.63; the others get the 100.00 floor: 3,783.63 a month, above 80 % of 4,500
    "a given count above every step": several(r2={"installments": 11}),
}


@pytest.mark.parametrize("case", SEVERAL.values(), ids=SEVERAL.keys())
def test_every_branch_of_the_borrowers_set_renders_for_several_debts(case):
    texts = render(case)
    for name, text in texts.items():
        assert "{{" not in text and "{%" not in text and "}}" not in text, name
        assert "None" not in text and "人民币元" not in text and "期以上" not in text, name


def test_with_several_lenders_a_lender_above_its_limit_is_named_in_red_by_its_totals():
    # 39,420.00 in 11 = 3,583.63 takes more than the capacity (3,150.00): B and C get the 100.00 floor, and
    # capped at 60 installments pay 13,125.00 / 60 = 218.75 and 21,610.50 / 60 = 360.17 (floored). Allotted:
    # 3,583.63 + 100 + 100 = 3,783.63. Limits (4,050 × allotment / 3,783.63, floored): A 3,835.91, B 107.04,
    # C 107.04. 网商贷: 3,583.63 + 218.75 = 3,802.38 against 3,835.91 + 107.04 = 3,942.95 — above its step
    # (3,600 × 3,683.63 / 3,783.63 = 3,504.8…) but within its limit; 微粒贷: 360.17 above its limit 107.04.
    reds = red_paragraphs(rendered_documents(SEVERAL["a given count above every step"], ("call_sheet",))["call_sheet"])
    assert len(reds) == 2
    assert "给网商贷的方案每月3,802.38元，已经高于“可让步到”的3,504.8" in reds[0]
    assert "无论如何不要超过底线3,942.95元" in reds[0]
    assert "给微粒贷的方案每月360.17元，已经高于底线107.04元（您每月结余的九成中分给这一家的部分）" in reds[1]
