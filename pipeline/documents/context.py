"""Build the template context of a case: the one place where figures become document text.

Templates see only what is built here (templates/README.md lists it); every amount and date is
already formatted, so templates never compute.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline.common.formats import chinese_date, money, money_in_words
from pipeline.common.model import Case, RepaymentPlan
from pipeline.contract.schema import Contract
from pipeline.documents.organisation import Organisation

NO_ORGANISATION = Organisation()


def build_context(case: Case, plan: RepaymentPlan, contract: Contract, organisation: Organisation = NO_ORGANISATION
                  ) -> dict:
    columns = contract.columns
    schedule = plan.schedule
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
        "lender": {
            "short_name": case.lender.key,
            "legal_name": case.lender.legal_name,
            "channels": "；".join(case.lender.channels),  # official contact channels, from lenders.yaml
        },
        "loan": {
            "contract_no": case.loan_contract_no,
            "principal": money(case.principal),
            "interest": money(case.interest),
            "penalty": money(case.penalty),
            "total_owed": money(plan.total_owed),
            "principal_words": money_in_words(case.principal),
            "interest_words": money_in_words(case.interest),
            "penalty_words": money_in_words(case.penalty),
            "total_owed_words": money_in_words(plan.total_owed),
            "overdue_since": chinese_date(case.overdue_since),
            "overdue_days": (plan.packet_date - case.overdue_since).days,
        },
        "budget": {
            "income": money(case.monthly_income),
            "expenses": money(case.monthly_expenses),
            "other_debts": money(case.other_debt_payments),
            "disposable": money(plan.disposable),
            "capacity": money(max(plan.capacity, Decimal(0))),
            "dependents": case.dependents,
        },
        "hardship": {key: key in case.hardship_types for key in columns["hardship_types"].labels},
        "hardship_labels": "、".join(columns["hardship_types"].labels[k] for k in case.hardship_types),
        "hardship_details": [line.strip() for line in case.hardship_details.split("\n") if line.strip()],
        "request": {key: key in case.requests for key in columns["requests"].labels},
        "request_labels": "、".join(columns["requests"].labels[k] for k in case.requests),
        "plan": {
            "proposed_total": money(plan.proposed_total),
            "proposed_total_words": money_in_words(plan.proposed_total),
            "waived_penalty": money(plan.waived_penalty),
            "waived_penalty_words": money_in_words(plan.waived_penalty),
            "count": plan.count,
            "regular_amount": money(schedule[0].amount),
            "last_amount": money(schedule[-1].amount),
            "equal": len({i.amount for i in schedule}) == 1,
            "first_due": chinese_date(plan.first_due),
            "last_due": chinese_date(plan.last_due),
            "deferral_months": plan.deferral_months,
            "schedule": [
                {"number": i.number, "due": chinese_date(i.due), "amount": money(i.amount)} for i in schedule
            ],
        },
        "evidence": evidence_context(case, contract),
        "caseworker": case.caseworker,
    }


def evidence_context(case: Case, contract: Contract) -> dict:
    labels = contract.columns["evidence"].labels
    supplied_kinds = {item.kind for item in case.evidence}
    supplied = [
        {"label": labels[item.kind], "pages": item.pages if item.pages is not None else "", "suggested": False}
        for item in case.evidence
    ] + [  # scans attached to the packet: pages counted from the files themselves
        {"label": attachment.title, "pages": attachment.pages, "suggested": False} for attachment in case.attachments
    ]
    expected = list(contract.evidence_always)
    for hardship in case.hardship_types:
        expected += contract.evidence_by_hardship.get(hardship, [])
    missing = []
    for alternatives in expected:
        if not supplied_kinds.intersection(alternatives) and labels[alternatives[0]] not in missing:
            missing.append(labels[alternatives[0]])
    suggested = [{"label": label, "pages": "", "suggested": True} for label in missing]
    items = [dict(item, number=n) for n, item in enumerate(supplied + suggested, start=1)]
    return {
        "rows": items,
        "supplied": items[: len(supplied)],
        "missing_labels": "、".join(missing),
        "total_pages": sum(item.pages or 0 for item in case.evidence) + sum(a.pages for a in case.attachments),
    }
