"""The borrower's negotiating range, for the call sheet only (never the lender's documents).

Three monthly amounts, each with the number of months it would take: the opening proposal (the
plan's own installment), a step the borrower may concede to, and a limit never to be said aloud.
They are shares of what is left each month after necessary expenses and other debts: the plan opens
at about 70 %, the step is 80 %, the limit 90 % — a tenth stays free for the unexpected, so that
the borrower does not fall behind again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from pipeline.common.model import RepaymentPlan
from pipeline.plan.schedule import floor_fen

STEP_SHARE = Decimal("0.80")
LIMIT_SHARE = Decimal("0.90")
MONTHS_CAP = 60


@dataclass(frozen=True)
class Offer:
    amount: Decimal  # per month
    months: int | None  # installments it takes to pay the proposed total; None: more than 60


@dataclass(frozen=True)
class NegotiationRange:
    surplus: Decimal  # what is left each month (may be ≤ 0)
    opening: Offer
    step: Offer | None  # None: no room above the opening
    limit: Offer | None  # None: nothing left each month to go higher with


def months_for(total: Decimal, amount: Decimal) -> int | None:
    if amount <= 0:
        return None
    months = int((total / amount).to_integral_value(rounding=ROUND_CEILING))
    return months if months <= MONTHS_CAP else None


def negotiation_range(plan: RepaymentPlan) -> NegotiationRange:
    total = plan.proposed_total
    if plan.count > 1:
        opening = Offer(plan.schedule[0].amount, plan.count)
    else:
        opening = Offer(total, 1)
    surplus = plan.disposable
    if surplus <= 0:
        return NegotiationRange(surplus, opening, None, None)
    limit_amount = floor_fen(surplus * LIMIT_SHARE)
    step_amount = floor_fen(surplus * STEP_SHARE)
    compared = opening.amount if plan.count > 1 else Decimal(0)  # a lump sum is not a monthly amount
    limit = Offer(limit_amount, months_for(total, limit_amount)) if limit_amount > compared else None
    step = Offer(step_amount, months_for(total, step_amount)) if step_amount > compared else None
    return NegotiationRange(surplus, opening, step, limit)
