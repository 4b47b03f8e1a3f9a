"""Plausibility: rows that are valid but likely wrong, told to staff before anything is printed.

Each warning names the row, the columns and what to check; the row still gets its packet (status ok).
The amounts compared are the plan's own (capacity = 70 % of what is left each month).
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.common.errors import Code, RowError, Severity
from pipeline.common.formats import money
from pipeline.common.i18n import _
from pipeline.common.model import Case, RepaymentPlan

LUMP_SUM_MONTHS = 3  # a lump sum above this many months of capacity needs to say where it comes from


def plausibility_warnings(case: Case, plan: RepaymentPlan) -> tuple[RowError, ...]:
    def warning(key: str, default: str, code: Code, message: str) -> RowError:
        return RowError(case.source, case.row, case.header(key, default), "", code, message, Severity.WARNING)

    found = []
    requests = case.header("requests", "协商诉求")
    installment = plan.schedule[0].amount
    if "deferral" in case.requests and plan.capacity > 0 and plan.capacity >= installment:
        found.append(warning("deferral_months", "延期月数", Code.DEFERRAL_NOT_NEEDED, _(
            "「{requests}」含“延期还款”，但每月还款能力{capacity}元已足以支付{what}{amount}元，"
            "请确认是否确需延期").format(
                requests=requests, capacity=money(plan.capacity), amount=money(installment),
                what=_("每期") if plan.count > 1 else _("一次性还款"))))
    if plan.count == 1 and not case.funds_source and plan.proposed_total > LUMP_SUM_MONTHS * max(plan.capacity, Decimal(0)):
        found.append(warning("funds_source", "还款资金来源", Code.LUMP_SUM_WITHOUT_SOURCE, _(
            "一次性还款{total}元，超过{months}个月的还款能力（{limit}元），但「{column}」未填写，"
            "请写明款项从哪里来（如亲友借款、仲裁执行款），否则贷款机构难以相信能按期付清").format(
                total=money(plan.proposed_total), months=LUMP_SUM_MONTHS,
                limit=money(LUMP_SUM_MONTHS * max(plan.capacity, Decimal(0))),
                column=case.header("funds_source", "还款资金来源"))))
    if not case.lender_given:
        found.append(warning("lender", "贷款机构", Code.LENDER_DEFAULTED, _(
            "「{column}」未填写，已按默认的{lender}处理，请确认借款确实来自{lender}").format(
                column=case.header("lender", "贷款机构"), lender=case.lender.key)))
    if not case.creditor and not case.lender.creditor_certain and not case.lender.creditor_needed:
        found.append(warning("creditor", "债权人", Code.CREDITOR_NOT_GIVEN, creditor_to_check(case)))
    if "penalty_waiver" in case.requests and case.penalty is None:
        found.append(warning("penalty", "罚息及费用", Code.WAIVER_WITHOUT_PENALTY, _(
            "「{requests}」含“减免罚息”，但「{column}」未填写：文书中的减免金额将写作“以贵方账单为准”，"
            "请尽量根据账单填写金额").format(requests=requests, column=case.header("penalty", "罚息及费用"))))
    return tuple(found)


def creditor_to_check(case: Case) -> str:
    """债权人 left blank where the list cannot stand in for it: where to find the creditor, and whom
    the letter and the draft name meanwhile (`Lender.addressee`)."""
    lender, column = case.lender, case.header("creditor", "债权人")
    meanwhile = lender.addressee()
    if lender.partner_funded:
        usual = ""
        if lender.legal_name:
            earlier = "、".join(lender.earlier_creditors)
            usual = (_("（近期合同通常为{usual}，较早的合同可能为{earlier}，但以合同为准）").format(
                usual=lender.legal_name, earlier=earlier) if earlier else
                _("（近期合同通常为{usual}，但以合同为准）").format(usual=lender.legal_name))
        return _("「{column}」未填写：{product}的借款常由合作银行或信托出资（助贷/联合贷款），债权人是借款合同上的贷款人{usual}。"
                 "请在App内该笔借款的借款合同（借款协议）页面查看“贷款人”，或查看征信报告上该笔贷款的机构名称，"
                 "把全称填入「{column}」；填写前，申请书和协议草稿写作“{meanwhile}”").format(
                     column=column, product=lender.key, usual=usual, meanwhile=meanwhile)
    if not lender.legal_name:
        return _("「{column}」未填写，贷款机构名单中也没有{product}的全称：请按借款合同（或征信报告）上贷款人的全称填写"
                 "「{column}」；填写前，申请书和协议草稿写作“{meanwhile}”").format(
                     column=column, product=lender.key, meanwhile=meanwhile)
    return _("「{column}」未填写，申请书和协议草稿写作“{meanwhile}”：名单中的这一名称来自公开报道，请与借款合同（或征信报告）"
             "上的贷款人核对，不一致时把合同上的全称填入「{column}」").format(column=column, meanwhile=meanwhile)
