"""Stage 3 — plan: a `Case` → its `RepaymentPlan` (totals, capacity, the installment schedule),
or the reason there can be none; warnings for plans that are valid but likely wrong."""

from pipeline.plan.negotiation import NegotiationRange, Offer, negotiation_range
from pipeline.plan.schedule import Planned, add_months, plan_repayment

__all__ = ["NegotiationRange", "Offer", "Planned", "add_months", "negotiation_range", "plan_repayment"]
