"""The context of the borrower's own set (本人留存): every lender with its debts and its negotiating
range, the ranges of all lenders added up, and what the borrower must know first.

The range of a lender is that of its installment debts added up: what one call with it is about.
Each debt's step and limit are its share of the client's (plan/negotiation.py), so conceding up to the
step with every lender adds up to the client's step: more for one lender comes out of the others or
out of the reserve, and the call sheet says so with the figures built here.

`notices` are the plan's warnings a lawyer still signs (deferral not needed, installments between the
capacity and the surplus, installments by capacity), with the figures to say them in plain words on
the first page of the set; plan/warnings.py decides when each applies, for report.csv and here alike.

Every dict here has the same keys whatever the case (flags say what applies): templates are checked
against the context of one example row (documents/template_check.py), which must show every name.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.common.formats import chinese_date, money
from pipeline.common.model import Case, CasePlan, Debt, RepaymentPlan
from pipeline.contract.schema import Contract
from pipeline.documents.context import _first_debt, _lender_entry
from pipeline.plan import NegotiationRange, Offer, negotiation_ranges
from pipeline.plan.warnings import by_capacity, deferral_not_needed

LEVELS = ("opening", "step", "limit")


def borrower_set_context(client: dict, case: Case, plan: CasePlan, contract: Contract) -> dict:
    """The context of the borrower's set: every lender, with the negotiating ranges."""
    ranges = negotiation_ranges(plan)
    all_debts = [{**entry, "negotiation": negotiation_context(ranges[n]),
                  "notice": debt_notice(debt, debt_plan, plan),
                  "settlement": settlement_context(entry, ranges[n])}
                 for n, (entry, debt, debt_plan) in enumerate(zip(client["all_debts"], case.debts, plan.plans,
                                                                  strict=True))]
    lenders = []
    for number, (lender, debts) in enumerate(case.lenders):
        entries = [entry for entry in all_debts if entry["lender_number"] == number + 1]
        lenders.append({**_lender_entry(lender, debts, entries, client),
                        "negotiation": lender_range(entries, [ranges[e["number"] - 1] for e in entries]),
                        "any_settlement": any(e["plan"]["single"] for e in entries)})
    first = lenders[0]["debts"][0]
    return {**client, **_first_debt(lenders[0]["debts"]), "all_debts": all_debts, "lenders": lenders,
            "lender": lenders[0], "negotiation": first["negotiation"],
            "ranges": case_ranges(plan, ranges),
            "notices": notices(plan, all_debts, lenders),
            "contact": contact_context(client),
            "any_installments": any(not p.settlement for p in plan.plans),
            "has_other_debts": case.other_debt_payments > 0,
            "any_amount_missing": any(not d["loan"]["all_given"] for d in all_debts),
            "first_due": chinese_date(min(p.first_due for p in plan.plans))}


def lender_range(entries: list[dict], ranges: list[NegotiationRange]) -> dict:
    """A lender's range: its installment debts' amounts added up, with each debt's amount and months
    (`debts`). A debt with no room above its opening stays at its opening in the step and the limit
    (`held`); the lender's plan is then above its step (or limit), which the call sheet says at its top."""
    monthly = [(e, r) for e, r in zip(entries, ranges, strict=True) if not e["plan"]["single"]]
    totals = dict.fromkeys(LEVELS, Decimal(0))
    debts = [{"number": e["number"], "name": e["name"]} for e, _r in monthly]
    for name in LEVELS:
        for row, (_e, r) in zip(debts, monthly, strict=True):
            offer = getattr(r, name)
            held = offer is None
            offer = r.opening if held else offer
            totals[name] += offer.amount
            row[name] = {"amount": money(offer.amount), "months": _months(r, offer, name == "opening" or held),
                         "held": held and name != "opening"}
    has_surplus = bool(monthly) and monthly[0][1].surplus > 0
    # The lender's offer against its step and limit as a whole (one of its debts may be above its own
    # share — 60 installments of more than the share — and that debt's row says 不再加).
    step_at = sum((r.step_amount for _e, r in monthly), Decimal(0))
    limit_at = sum((r.limit_amount for _e, r in monthly), Decimal(0))
    result = {"monthly": bool(monthly), "several": len(monthly) > 1, "has_surplus": has_surplus, "debts": debts,
              "above_step": has_surplus and totals["opening"] > step_at,
              "above_limit": has_surplus and totals["opening"] > limit_at,
              "step_at": money(step_at),
              "limit_at": money(limit_at),
              "step_extra": money(totals["step"] - totals["opening"]),
              "limit_extra": money(totals["limit"] - totals["opening"])}
    for name in LEVELS:
        room = bool(monthly) and (name == "opening" or any(getattr(r, name) is not None for _e, r in monthly))
        result[name] = {"amount": money(totals[name]), "months": debts[0][name]["months"] if debts else ""} \
            if room else None
    return result


def _months(r: NegotiationRange, offer: Offer, opening: bool) -> str:
    """Months in words: the plan's own count at the opening; about as many as the amount takes above it."""
    if opening:
        return f"{offer.months}期"
    return f"约{offer.months if offer.months is not None else r.months_needed(offer.amount)}期"


def settlement_context(entry: dict, r: NegotiationRange) -> dict:
    """A debt as a settlement (read only where `plan.single`): its amount and date, what giving up the
    penalty waiver would cost, and what the budget allows monthly if the lender refuses one payment —
    only where the debt has a part of the monthly budget (every debt of the client is a settlement)."""
    limit = r.limit
    return {
        "amount": entry["plan"]["proposed_total"],
        "due": entry["plan"]["first_due"],
        "waiver": entry["request"].get("penalty_waiver", False) and entry["loan"]["penalty_given"],
        "waived": entry["plan"]["waived_penalty"],
        "with_penalty": entry["loan"]["total_owed"],
        "has_surplus": r.surplus > 0,
        "monthly": limit is not None,  # what follows is '' without
        "monthly_amount": money(limit.amount) if limit else "",
        "monthly_months": r.months_needed(limit.amount) if limit else 0,
        "monthly_over_cap": limit is not None and limit.months is None,
    }


def debt_notice(debt: Debt, debt_plan: RepaymentPlan, plan: CasePlan) -> dict:
    """What the plan's warnings say of one debt, with the figures."""
    available = deferral_not_needed(debt, debt_plan, plan)
    return {"deferral_not_needed": available is not None, "available": money(available) if available else "",
            "by_capacity": by_capacity(debt)}


def case_ranges(plan: CasePlan, ranges: tuple[NegotiationRange, ...]) -> dict:
    """Every lender's range added up: what is left of the surplus when every lender gets its step, or
    its limit. Settlements take nothing of the monthly budget (they are paid from their source)."""
    monthly = [r for p, r in zip(plan.plans, ranges, strict=True) if not p.settlement]

    def total(name: str) -> Decimal:
        return sum(((getattr(r, name) or r.opening).amount for r in monthly), Decimal(0))

    # At the opening, the most the installments come to in any month (as the overview says it).
    opening, step, limit = plan.monthly_offer, total("step"), total("limit")
    surplus = plan.disposable
    return {
        "monthly": bool(monthly),
        "surplus": money(surplus),
        "capacity": money(plan.capacity),
        "opening": money(opening),
        "step": money(step),
        "limit": money(limit),
        "left_at_opening": money(surplus - opening),
        "left_at_step": money(surplus - step),
        "left_at_limit": money(surplus - limit),
    }


def notices(plan: CasePlan, all_debts: list[dict], lenders: list[dict]) -> dict:
    """What the borrower must read first: which of the notices apply (each debt's are in its `notice`),
    with the figures of the months whose installments come to more than the capacity."""
    totals = plan.monthly_totals()
    over = sorted(month for month, amount in totals.items() if amount > plan.capacity)
    highest = max((totals[m] for m in over), default=Decimal(0))
    flags = {
        "deferral_not_needed": any(d["notice"]["deferral_not_needed"] for d in all_debts),
        "by_capacity": any(d["notice"]["by_capacity"] for d in all_debts),
        "above_capacity": bool(over),
        "no_channels": any(not lender["has_channels"] for lender in lenders),  # only the contract's or the app's
    }
    return {
        "any": any(flags.values()),
        **flags,
        "above_range": any(lender["negotiation"]["above_step"] for lender in lenders),
        "months": months_in_words(over),
        "amount": money(highest),
        "capacity": money(plan.capacity),
        "surplus": money(plan.disposable),
        "left": money(plan.disposable - highest),
    }


def contact_context(client: dict) -> dict:
    """Whom the borrower asks: the organisation (profile) and the caseworker (经办人), as given."""
    org, caseworker = client["org"], client["caseworker"]
    return {"any": bool(org["name"] or caseworker), "org": org["name"], "phone": org["phone"],
            "caseworker": caseworker}


def months_in_words(months: list[tuple[int, int]]) -> str:
    """Calendar months, runs of consecutive months joined: 2026年12月至2028年11月、2029年3月 (always in
    Chinese: warnings.month_ranges speaks the staff's language)."""
    runs: list[list[tuple[int, int]]] = []
    for year, month in months:
        if runs and _next(runs[-1][-1]) == (year, month):
            runs[-1].append((year, month))
        else:
            runs.append([(year, month)])
    words = [_month(run[0]) if len(run) == 1 else f"{_month(run[0])}至{_month(run[-1])}" for run in runs[:3]]
    return "、".join(words) + (f"等{len(runs)}段时间" if len(runs) > 3 else "")


def _next(month: tuple[int, int]) -> tuple[int, int]:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def _month(month: tuple[int, int]) -> str:
    return f"{month[0]}年{month[1]}月"


def negotiation_context(offers: NegotiationRange) -> dict:
    """One debt's range (`negotiation` in the templates: the first debt's)."""
    def offer(value: Offer | None) -> dict | None:
        if value is None:
            return None
        return {"amount": money(value.amount), "months": value.months or "", "over_cap": value.months is None}

    return {
        "surplus": money(offers.surplus),
        "has_surplus": offers.surplus > Decimal(0),
        "opening": offer(offers.opening),
        "step": offer(offers.step),
        "limit": offer(offers.limit),
    }
