"""Stage 3 — plan: a `Case` → its `CasePlan` (one budget shared among the client's debts, each debt's
schedule), or the reason there can be none; warnings for plans that are valid but likely wrong."""

from pipeline.plan.budget import Planned, plan_case
from pipeline.plan.negotiation import NegotiationRange, Offer, negotiation_ranges
from pipeline.plan.schedule import add_months

__all__ = ["NegotiationRange", "Offer", "Planned", "add_months", "negotiation_ranges", "plan_case"]
