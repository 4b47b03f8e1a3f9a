"""The borrower's negotiating range, for the call sheet only (never a lender's documents).

Three monthly amounts per debt, each with the number of months it would take: the opening proposal
(the plan's own installment), a step the borrower may concede to, and a limit never to be said aloud.
They are shares of what is left each month after necessary expenses and debts outside the case: the
plan opens at about 70 % of it, the step is 80 %, the limit 90 % — a tenth stays free for the
unexpected, so that the borrower does not fall behind again. With several debts each debt's step and
limit are its pro-rata part of those (its share of the monthly budget), so that conceding up to the
steps with every lender still adds up to 80 %: more for one lender comes out of the reserve or the
others, never out of new money.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from pipeline.common.model import CasePlan, RepaymentPlan
from pipeline.plan.schedule import MAX_INSTALLMENTS, ceiling, floor_fen

STEP_SHARE = Decimal("0.80")
LIMIT_SHARE = Decimal("0.90")


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
    weight: Decimal  # the debt's part of the monthly budget (1 when it is the only one)
    total: Decimal = Decimal(0)  # the proposed total the months are counted against
    # The step's and the limit's monthly amounts even where they are not above the opening (a plan
    # already above its step or limit: the call sheet says so); 0 when nothing is left each month.
    step_amount: Decimal = Decimal(0)
    limit_amount: Decimal = Decimal(0)

    def months_needed(self, amount: Decimal) -> int:
        """Installments of `amount` it takes to pay the proposed total, however many (for words such
        as 'it would take 121 months', where `Offer.months` stops at the cap)."""
        return ceiling(self.total / amount)


def months_for(total: Decimal, amount: Decimal) -> int | None:
    if amount <= 0:
        return None
    months = ceiling(total / amount)
    return months if months <= MAX_INSTALLMENTS else None


def negotiation_ranges(plan: CasePlan) -> tuple[NegotiationRange, ...]:
    """One range per debt, in the plan's order."""
    weights = _weights(plan)
    return tuple(_range(debt, plan.disposable, weight) for debt, weight in zip(plan.plans, weights, strict=True))


def _weights(plan: CasePlan) -> list[Decimal]:
    """Each debt's part of the monthly budget: its share among the installment debts; when every debt
    is a settlement, by their totals (what the borrower could offer monthly if a lender refused one)."""
    allotted = sum((p.allotment for p in plan.plans if not p.settlement), Decimal(0))
    if allotted > 0:
        return [Decimal(0) if p.settlement else p.allotment / allotted for p in plan.plans]
    total = sum((p.proposed_total for p in plan.plans), Decimal(0))
    return [p.proposed_total / total for p in plan.plans]


def _range(plan: RepaymentPlan, surplus: Decimal, weight: Decimal) -> NegotiationRange:
    total = plan.proposed_total
    opening = Offer(total, 1) if plan.settlement else Offer(plan.regular, plan.count)
    if surplus <= 0 or weight <= 0:
        return NegotiationRange(surplus, opening, None, None, weight, total)
    limit_amount = floor_fen(surplus * LIMIT_SHARE * weight)
    step_amount = floor_fen(surplus * STEP_SHARE * weight)
    compared = Decimal(0) if plan.settlement else opening.amount  # a lump sum is not a monthly amount
    limit = Offer(limit_amount, months_for(total, limit_amount)) if limit_amount > compared else None
    step = Offer(step_amount, months_for(total, step_amount)) if step_amount > compared else None
    return NegotiationRange(surplus, opening, step, limit, weight, total, step_amount, limit_amount)
