"""Plausibility: rows that are valid but likely wrong, told to staff before anything is printed.

Each warning names the row, the columns and what to check; the row still gets its packet (status ok).
The amounts compared are the plan's own (the debt's share of the monthly budget).
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.common.errors import Code, RowError, Severity
from pipeline.common.formats import money
from pipeline.common.i18n import _
from pipeline.common.model import CasePlan, Debt, RepaymentPlan


def plausibility_warnings(debt: Debt, plan: RepaymentPlan, case_plan: CasePlan) -> tuple[RowError, ...]:
    def warning(key: str, default: str, code: Code, message: str) -> RowError:
        return RowError(debt.source, debt.row, debt.header(key, default), "", code, message, Severity.WARNING)

    found = []
    requests = debt.header("requests", "协商诉求")
    available = deferral_not_needed(debt, plan, case_plan)
    if available is not None:
        found.append(warning("deferral_months", "延期月数", Code.DEFERRAL_NOT_NEEDED, _(
            "「{requests}」含“延期还款”，但每月还款能力{capacity}元已足以支付{what}{amount}元，"
            "请确认是否确需延期").format(
                requests=requests, capacity=money(available), amount=money(plan.regular),
                what=_("一次性还款") if plan.settlement else _("每期"))))
    if not debt.creditor and not debt.lender.creditor_certain and not debt.lender.creditor_needed \
            and debt.lender.kind != "unlisted":
        found.append(warning("creditor", "债权人", Code.CREDITOR_NOT_GIVEN, creditor_to_check(debt)))
    if "penalty_waiver" in debt.requests and debt.penalty is None:
        found.append(warning("penalty", "罚息及费用", Code.WAIVER_WITHOUT_PENALTY, _(
            "「{requests}」含“减免罚息”，但「{column}」未填写：文书中的减免金额将写作“以贵方账单为准”，"
            "请尽量根据账单填写金额").format(requests=requests, column=debt.header("penalty", "罚息及费用"))))
    return tuple(found)


def deferral_not_needed(debt: Debt, plan: RepaymentPlan, case_plan: CasePlan) -> Decimal | None:
    """A deferral asked for though the budget already pays the installment (or the settlement): what
    the budget holds for the debt — the capacity less what the client's other debts take of it —
    else None. The warning and the borrower's own first page say the same thing from this."""
    available = case_plan.capacity - sum((p.allotment for p in case_plan.plans if p is not plan), Decimal(0))
    if "deferral" in debt.requests and available > 0 and available >= plan.regular:
        return available
    return None


def by_capacity(debt: Debt) -> bool:
    """Neither 分期还款 nor 一次性结清 asked for, and no count given: installments by capacity."""
    return not debt.settlement and debt.installments is None and "installments" not in debt.requests


def month_ranges(months: dict[tuple[int, int], Decimal] | list[tuple[int, int]]) -> str:
    """Calendar months in words, runs of consecutive months joined: 2027年1月至2028年6月、2029年3月."""
    ordered = sorted(months)
    runs: list[list[tuple[int, int]]] = []
    for year, month in ordered:
        if runs and _next(runs[-1][-1]) == (year, month):
            runs[-1].append((year, month))
        else:
            runs.append([(year, month)])
    words = [_month(run[0]) if len(run) == 1 else _("{first}至{last}").format(first=_month(run[0]), last=_month(run[-1]))
             for run in runs[:3]]
    more = _("等{count}段").format(count=len(runs)) if len(runs) > 3 else ""
    return "、".join(words) + more


def _next(month: tuple[int, int]) -> tuple[int, int]:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def _month(month: tuple[int, int]) -> str:
    return f"{month[0]}年{month[1]}月"


def creditor_to_check(debt: Debt) -> str:
    """债权人 left blank where the list cannot stand in for it: where to find the creditor, and whom
    the letter and the draft name meanwhile (`Lender.addressee`)."""
    lender, column = debt.lender, debt.header("creditor", "债权人")
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
