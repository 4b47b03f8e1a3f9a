"""Compute the repayment proposal for a case: totals, capacity, the installment schedule.

The rules: capacity is 70 % of what is left each month, floored
to the fen; installments are floored to the fen and the last one takes the remainder, so the
schedule always sums exactly to the proposed total.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from pipeline.common.errors import Code, RowError, Severity
from pipeline.common.formats import FEN, money
from pipeline.common.i18n import _
from pipeline.common.model import Case, Installment, RepaymentPlan
from pipeline.plan.warnings import plausibility_warnings

CAPACITY_SHARE = Decimal("0.70")
MAX_INSTALLMENTS = 60  # the 5-year cap of personalised installment agreements (credit-card rules)


@dataclass(frozen=True)
class Planned:
    plan: RepaymentPlan | None
    problems: tuple[RowError, ...]  # an error means no plan; warnings go with a plan


def add_months(anchor: date, months: int) -> date:
    """Same day of month, or the month's last day where that day does not exist."""
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def floor_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_FLOOR)


def plan_repayment(case: Case, packet_date: date) -> Planned:
    column = case.header("installments", "分期期数")

    def problem(code: Code, message: str, severity: Severity = Severity.WARNING) -> RowError:
        return RowError(case.source, case.row, column, "", code, message, severity)

    # A blank interest or penalty is not given, not zero; the schedule can only count what is known.
    interest, penalty = case.interest or Decimal(0), case.penalty or Decimal(0)
    total_owed = case.principal + interest + penalty
    waived = penalty if "penalty_waiver" in case.requests else Decimal(0)
    proposed_total = total_owed - waived
    disposable = case.monthly_income - case.monthly_expenses - case.other_debt_payments
    capacity = floor_fen(disposable * CAPACITY_SHARE)
    problems = []

    if case.installments is not None:
        count = case.installments
        if "installments" not in case.requests and count > 1:
            problems.append(problem(Code.INSTALLMENTS_NOT_REQUESTED, _(
                "「{column}」已填写{count}期，但协商诉求未含“分期还款”，请核对").format(column=column, count=count)))
    elif "installments" in case.requests:
        if capacity <= 0:
            return Planned(None, (problem(
                Code.NO_CAPACITY,
                _("「{column}」为空，且月收入减去必要支出和其他债务后没有余额（{amount}元），"
                  "无法按还款能力计算期数，请填写分期期数").format(column=column, amount=money(disposable)),
                Severity.ERROR,
            ),))
        needed = (proposed_total / capacity).to_integral_value(rounding=ROUND_CEILING)
        count = max(1, min(MAX_INSTALLMENTS, int(needed)))
        if needed > MAX_INSTALLMENTS:
            problems.append(problem(
                Code.CAPPED_AT_60,
                _("按每月还款能力{capacity}元需分{needed}期，超过{limit}期上限，已按{limit}期计算，每期金额将高于还款能力").format(
                    capacity=money(capacity), needed=needed, limit=MAX_INSTALLMENTS),
            ))
    else:
        count = 1

    deferral = case.deferral_months if "deferral" in case.requests and case.deferral_months else 0
    anchor = case.first_payment_date or packet_date
    offset = (0 if case.first_payment_date else 1) + deferral
    regular = floor_fen(proposed_total / count)
    schedule = tuple(
        Installment(
            number=k + 1,
            due=add_months(anchor, offset + k),
            amount=regular if k < count - 1 else proposed_total - regular * (count - 1),
        )
        for k in range(count)
    )
    if count > 1 and capacity > 0 and regular > capacity and not problems:
        problems.append(problem(
            Code.ABOVE_CAPACITY, _("每期{amount}元高于每月还款能力{capacity}元（月余额的70%），请确认借款人能够负担").format(
                amount=money(regular), capacity=money(capacity)),
        ))
    plan = RepaymentPlan(
        packet_date=packet_date,
        total_owed=total_owed,
        waived_penalty=waived,
        proposed_total=proposed_total,
        disposable=disposable,
        capacity=capacity,
        deferral_months=deferral,
        schedule=schedule,
    )
    return Planned(plan, tuple(problems) + plausibility_warnings(case, plan))
