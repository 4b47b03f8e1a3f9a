"""A client's one budget, shared among their debts: the `CasePlan`, or why there can be none.

What is left each month (income − necessary expenses − payments on debts outside the case) is the
surplus; 70 % of it, floored to the fen, is the capacity offered each month, the rest the reserve for
the unexpected. A debt with its 分期期数 given keeps it; the others share what is left of the
capacity pro rata to each one's proposed total (floored to the fen), with a floor of 100 元 a month
per debt — a debt whose share would be smaller gets the floor and the others share the rest. Each
takes the fewest installments (at most 60) that keep every one of them within its share. A
settlement (一次性结清) takes nothing from the monthly budget. No Chinese rule fixes a formula: this
is the tool's own, stated openly in the documents (debt advisers elsewhere share pro rata).

When the installments due in a month add up to more than the capacity (given counts, different
first dates), the case gets a warning naming the months; above the whole surplus it is invalid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pipeline.common.errors import Code, RowError, Severity
from pipeline.common.formats import money
from pipeline.common.i18n import _
from pipeline.common.model import Case, CasePlan, Debt, RepaymentPlan
from pipeline.plan.schedule import (
    MAX_INSTALLMENTS,
    Totals,
    ceiling,
    count_within,
    deferral_of,
    floor_fen,
    installments,
)
from pipeline.plan.warnings import by_capacity, month_ranges, plausibility_warnings

CAPACITY_SHARE = Decimal("0.70")
MONTHLY_FLOOR = Decimal("100.00")  # the least a debt is offered each month, however small its share
LUMP_SUM_MONTHS = 3  # a settlement above this many months of capacity must say where the money comes from


@dataclass(frozen=True)
class Planned:
    plan: CasePlan | None
    problems: tuple[RowError, ...]  # an error means no plan; warnings go with a plan


def plan_case(case: Case, packet_date: date) -> Planned:
    disposable = case.monthly_income - case.monthly_expenses - case.other_debt_payments
    capacity = floor_fen(disposable * CAPACITY_SHARE)
    totals = [Totals.of(debt) for debt in case.debts]
    problems: list[RowError] = []
    for debt in case.debts:
        problems += _request_notes(debt)

    flexible = [n for n, debt in enumerate(case.debts) if not debt.settlement and debt.installments is None]
    if flexible and capacity <= 0:
        debt = case.debts[flexible[0]]
        return Planned(None, tuple(problems) + (_problem(debt, "installments", "分期期数", Code.NO_CAPACITY, _(
            "「{column}」为空，且月收入减去必要支出和其他债务后没有余额（{amount}元），"
            "无法按还款能力计算期数，请填写分期期数").format(
                column=debt.header("installments", "分期期数"), amount=money(disposable)), Severity.ERROR),))

    fixed = {n: floor_fen(totals[n].proposed_total / debt.installments) for n, debt in enumerate(case.debts)
             if not debt.settlement and debt.installments is not None}
    shares, floored = share_pro_rata(capacity - sum(fixed.values(), Decimal(0)),
                                     {n: totals[n].proposed_total for n in flexible})
    plans = []
    for n, debt in enumerate(case.debts):
        total = totals[n].proposed_total
        if debt.settlement:
            count, allotment = 1, Decimal(0)
        elif debt.installments is not None:  # its count given: kept (in `fixed`)
            count, allotment = debt.installments, fixed[n]
        else:
            allotment = shares[n]
            count = count_within(total, allotment)
            if ceiling(total / allotment) > MAX_INSTALLMENTS:
                problems.append(_problem(debt, "installments", "分期期数", Code.CAPPED_AT_60, _(
                    "按每月分到的还款额{allotment}元需分{needed}期，超过{limit}期上限，已按{limit}期计算，每期金额将高于分到的还款额").format(
                        allotment=money(allotment), needed=ceiling(total / allotment), limit=MAX_INSTALLMENTS)))
        plans.append(RepaymentPlan(
            packet_date=packet_date, total_owed=totals[n].total_owed, waived_penalty=totals[n].waived_penalty,
            proposed_total=total, deferral_months=deferral_of(debt),
            schedule=installments(debt, packet_date, total, count), settlement=debt.settlement, allotment=allotment))
    plan = CasePlan(packet_date, disposable, capacity, tuple(plans), floor_applied=floored)
    problems += _months_over(case, plan)
    problems += _settlements_without_source(case, plan)
    for debt, debt_plan in zip(case.debts, plan.plans, strict=True):
        problems += plausibility_warnings(debt, debt_plan, plan)
    if any(p.is_error for p in problems):
        return Planned(None, tuple(problems))
    return Planned(plan, tuple(problems))


def share_pro_rata(pool: Decimal, weights: dict[int, Decimal]) -> tuple[dict[int, Decimal], bool]:
    """`pool` shared in proportion to `weights`, each share floored to the fen; a share below the
    monthly floor is raised to it and the others share what remains. Returns the shares and whether
    any was raised."""
    shares: dict[int, Decimal] = {}
    active = dict(weights)
    floored = False
    while active:
        total = sum(active.values(), Decimal(0))
        proposed = {n: floor_fen(pool * weight / total) if total > 0 else Decimal(0) for n, weight in active.items()}
        low = [n for n, share in proposed.items() if share < MONTHLY_FLOOR]
        if not low:
            shares.update(proposed)
            break
        floored = True
        for n in low:
            shares[n] = MONTHLY_FLOOR
            pool -= MONTHLY_FLOOR
            del active[n]
    return shares, floored


def _problem(debt: Debt, key: str, default: str, code: Code, message: str,
             severity: Severity = Severity.WARNING) -> RowError:
    return RowError(debt.source, debt.row, debt.header(key, default), "", code, message, severity)


def _request_notes(debt: Debt) -> list[RowError]:
    """What the plan does with what the row asks for, where that is not what a reader expects."""
    requests = debt.header("requests", "协商诉求")
    found = []
    if debt.installments is not None and debt.installments > 1 and "installments" not in debt.requests:
        found.append(_problem(debt, "installments", "分期期数", Code.INSTALLMENTS_NOT_REQUESTED, _(
            "「{column}」已填写{count}期，但协商诉求未含“分期还款”，请核对").format(
                column=debt.header("installments", "分期期数"), count=debt.installments)))
    if "settlement" in debt.requests and debt.installments is not None and debt.installments > 1:
        found.append(_problem(debt, "installments", "分期期数", Code.SETTLEMENT_WITH_COUNT, _(
            "「{requests}」含“一次性结清”，但「{column}」填写了{count}期：请删去其中之一").format(
                requests=requests, column=debt.header("installments", "分期期数"), count=debt.installments),
            Severity.ERROR))
    if by_capacity(debt):
        found.append(_problem(debt, "requests", "协商诉求", Code.INSTALLMENTS_BY_CAPACITY, _(
            "「{requests}」未含“分期还款”或“一次性结清”：已按还款能力分期计算；如果借款人要一次还清，"
            "请在协商诉求中加上“一次性结清”并写明还款资金来源").format(requests=requests)))
    return found


def _months_over(case: Case, plan: CasePlan) -> list[RowError]:
    """Months whose installments add up to more than the capacity (a warning) or the surplus (an error)."""
    totals = plan.monthly_totals()
    found = []
    for limit, code, severity, message in (
            (plan.disposable, Code.ABOVE_SURPLUS, Severity.ERROR, _above_surplus),
            (plan.capacity, Code.ABOVE_CAPACITY, Severity.WARNING, _above_capacity)):
        over = {month: amount for month, amount in totals.items() if amount > limit}
        if over:
            first = next(d for d, p in zip(case.debts, plan.plans, strict=True) if not p.settlement)
            found.append(RowError(first.source, first.row, first.header("installments", "分期期数"), "", code,
                                  message(over, plan, len(case.debts) > 1), severity))
            break  # above the surplus is above the capacity too: one message
    return found


def _above_surplus(over: dict, plan: CasePlan, several: bool) -> str:
    # With one debt there is no "debt with fewer installments" to point at: say what to change in its row.
    remedy = (_("请减少期数较少的借款的每期金额（增加分期期数或留空让程序按还款能力计算），或调整首期还款日") if several
              else _("请增加分期期数（或留空让程序按还款能力计算），或调整首期还款日"))
    return _("{months}应还{what}{amount}元，超过了每月全部结余{surplus}元，借款人无法做到：{remedy}").format(
        months=month_ranges(over), what=_("合计最多") if several else _("每期最多"), amount=money(max(over.values())),
        surplus=money(plan.disposable), remedy=remedy)


def _above_capacity(over: dict, plan: CasePlan, several: bool) -> str:
    return _("{months}应还{what}{amount}元，高于每月还款能力{capacity}元（月结余的70%），请确认借款人能够负担").format(
        months=month_ranges(over), what=_("合计最多") if several else _("每期最多"), amount=money(max(over.values())),
        capacity=money(plan.capacity))


def _settlements_without_source(case: Case, plan: CasePlan) -> list[RowError]:
    """A settlement the monthly budget could not gather within three months needs its source of funds."""
    limit = LUMP_SUM_MONTHS * max(plan.capacity, Decimal(0))
    return [_problem(debt, "funds_source", "还款资金来源", Code.LUMP_SUM_WITHOUT_SOURCE, _(
        "一次性结清{total}元，超过{months}个月的还款能力（{limit}元），但「{column}」未填写：请写明款项从哪里来"
        "（如亲友借款、仲裁执行款），否则贷款机构难以相信能按期付清；没有来源的，请改为分期还款").format(
            total=money(debt_plan.proposed_total), months=LUMP_SUM_MONTHS, limit=money(limit),
            column=debt.header("funds_source", "还款资金来源")), Severity.ERROR)
        for debt, debt_plan in zip(case.debts, plan.plans, strict=True)
        if debt_plan.settlement and not debt.funds_source and debt_plan.proposed_total > limit]

