"""Build the template context of a case: the one place where figures become document text.

Templates see only what is built here (templates/README.md lists it); every amount and date is
already formatted, so templates never compute. What a document may claim is decided here too: an
amount the row leaves blank is *not given* (never 0.00), evidence is only what the row lists.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pipeline.common.formats import chinese_date, money, money_in_words
from pipeline.common.model import Case, RepaymentPlan
from pipeline.contract.schema import Contract
from pipeline.documents.organisation import Organisation
from pipeline.plan import NegotiationRange, Offer, negotiation_range

NO_ORGANISATION = Organisation()
FOLLOW_UP_DAYS = 7  # the borrower calls to follow up a week after the packet date


def build_context(case: Case, plan: RepaymentPlan, contract: Contract, organisation: Organisation = NO_ORGANISATION
                  ) -> dict:
    columns = contract.columns
    return {
        "org": {
            "name": organisation.name,
            "address": organisation.address,
            "phone": organisation.phone,
            "has_logo": bool(organisation.logo),
            "logo": "",  # becomes the picture when rendered (it needs the template: render.py)
        },
        "today": chinese_date(plan.packet_date),
        "case_id": case.case_id,
        "borrower": {
            "name": case.borrower_name,
            "id_number": case.id_number,
            "phone": case.phone,
            "address": case.address,
        },
        "lender": lender_context(case),
        "loan": loan_context(case, plan),
        "budget": {
            "household": case.income_scope == "household",
            "income_label": "家庭每月收入" if case.income_scope == "household" else "本人每月收入",
            "income": money(case.monthly_income),
            "expenses": money(case.monthly_expenses),
            "other_debts": money(case.other_debt_payments),
            "disposable": money(plan.disposable),
            "dependents": case.dependents,
        },
        "hardship": {key: key in case.hardship_types for key in columns["hardship_types"].labels},
        "hardship_labels": "、".join(columns["hardship_types"].labels[k] for k in case.hardship_types),
        "hardship_evidence": {key: hardship_evidence(case, contract, key) for key in columns["hardship_types"].labels},
        "hardship_details": [line.strip() for line in case.hardship_details.split("\n") if line.strip()],
        "request": {key: key in case.requests for key in columns["requests"].labels},
        "request_labels": "、".join(columns["requests"].labels[k] for k in case.requests),
        "funds_source": case.funds_source,
        "plan": plan_context(case, plan),
        "evidence": evidence_context(case, contract),
        "negotiation": negotiation_context(negotiation_range(plan)),
        "follow_up": chinese_date(plan.packet_date + timedelta(days=FOLLOW_UP_DAYS)),
        "caseworker": case.caseworker,
    }


def lender_context(case: Case) -> dict:
    lender = case.lender
    ways = ([f"客服电话{lender.hotline}"] if lender.hotline else []) + (
        [lender.online_service] if lender.online_service else [])
    return {
        "short_name": lender.key,
        "legal_name": lender.legal_name,
        "address": lender.address,
        "hotline": lender.hotline,
        "online_service": lender.online_service,
        "repayment_channel": lender.repayment_channel,
        "contact": "，或".join(ways),  # e.g. 客服电话95384，或微信或QQ内“微粒贷”官方入口的在线客服
        "caution": lender.caution,
    }


def loan_context(case: Case, plan: RepaymentPlan) -> dict:
    interest_given, penalty_given = case.interest is not None, case.penalty is not None
    included = ["本金"] + (["利息"] if interest_given else []) + (["罚息及费用"] if penalty_given else [])
    return {
        "contract_no": case.loan_contract_no,
        "overdue_since": chinese_date(case.overdue_since),
        "overdue_days": (plan.packet_date - case.overdue_since).days,
        "principal": money(case.principal),
        "principal_words": money_in_words(case.principal),
        "interest_given": interest_given,
        "interest": money(case.interest) if interest_given else "",
        "interest_words": money_in_words(case.interest) if interest_given else "",
        "penalty_given": penalty_given,
        "penalty": money(case.penalty) if penalty_given else "",
        "penalty_words": money_in_words(case.penalty) if penalty_given else "",
        "all_given": interest_given and penalty_given,
        "total_owed": money(plan.total_owed),  # of the amounts given
        "total_owed_words": money_in_words(plan.total_owed),
        "total_includes": _joined(included),  # 本金、利息和罚息及费用
    }


def plan_context(case: Case, plan: RepaymentPlan) -> dict:
    schedule = plan.schedule
    remaining = plan.proposed_total
    rows = []
    for installment in schedule:
        remaining -= installment.amount
        rows.append({"number": installment.number, "due": chinese_date(installment.due),
                     "amount": money(installment.amount), "remaining": money(remaining)})
    waiver = "penalty_waiver" in case.requests
    covered = ["本金"] + (["利息"] if case.interest is not None else []) + (
        ["罚息及费用"] if case.penalty is not None and not waiver else [])
    return {
        "proposed_total": money(plan.proposed_total),
        "proposed_total_words": money_in_words(plan.proposed_total),
        "total_includes": _joined(covered),
        "waived_penalty": money(plan.waived_penalty) if case.penalty is not None else "",
        "waived_penalty_words": money_in_words(plan.waived_penalty) if case.penalty is not None else "",
        "count": plan.count,
        "single": plan.count == 1,
        "regular_amount": money(schedule[0].amount),
        "last_amount": money(schedule[-1].amount),
        "equal": len({i.amount for i in schedule}) == 1,
        "first_due": chinese_date(plan.first_due),
        "last_due": chinese_date(plan.last_due),
        "deferral": plan.deferral_months > 0,
        "deferral_months": plan.deferral_months,
        # A one-payment settlement, or 停息挂账 asked for: the draft proposes that nothing more accrues.
        "no_further_interest": plan.count == 1 or "interest_freeze" in case.requests,
        "schedule": rows,
    }


def evidence_context(case: Case, contract: Contract) -> dict:
    labels = contract.columns["evidence"].labels
    supplied = [{"label": labels[item.kind], "pages": item.pages if item.pages is not None else ""}
                for item in case.evidence] + [  # scans in the packet: pages counted from the files
        {"label": attachment.title, "pages": attachment.pages} for attachment in case.attachments]
    rows = [dict(item, number=n) for n, item in enumerate(supplied, start=1)]
    have = {item.kind for item in case.evidence}
    expected = list(contract.evidence_always)
    for hardship in case.hardship_types:
        expected += [e for e in contract.evidence_by_hardship.get(hardship, ()) if e not in expected]
    checklist = [{"number": n, "what": e.what, "have": bool(have.intersection(e.kinds)),
                  "listed": "、".join(labels[k] for k in e.kinds if k in have)}
                 for n, e in enumerate(expected, start=1)]
    pages = [item["pages"] for item in supplied]
    return {
        "any": bool(rows),
        "rows": rows,
        "count": len(rows),
        "total_pages": sum(p for p in pages if p != ""),
        "pages_complete": all(p != "" for p in pages),
        "checklist": checklist,
        "missing": [item["what"] for item in checklist if not item["have"]],
    }


def hardship_evidence(case: Case, contract: Contract, hardship: str) -> str:
    """The materials the row lists that bear on one hardship: what the letter may point to."""
    if hardship not in case.hardship_types:
        return ""
    labels = contract.columns["evidence"].labels
    kinds = {k for e in contract.evidence_by_hardship.get(hardship, ()) for k in e.kinds}
    return "、".join(dict.fromkeys(labels[item.kind] for item in case.evidence if item.kind in kinds))


def negotiation_context(offers: NegotiationRange) -> dict:
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


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]
