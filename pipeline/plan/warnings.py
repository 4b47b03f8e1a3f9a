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
    if "penalty_waiver" in case.requests and case.penalty is None:
        found.append(warning("penalty", "罚息及费用", Code.WAIVER_WITHOUT_PENALTY, _(
            "「{requests}」含“减免罚息”，但「{column}」未填写：文书中的减免金额将写作“以贵方账单为准”，"
            "请尽量根据账单填写金额").format(requests=requests, column=case.header("penalty", "罚息及费用"))))
    return tuple(found)
