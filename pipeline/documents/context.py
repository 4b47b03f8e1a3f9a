"""Build the template contexts of a case: the one place where figures become document text.

Templates see only what is built here (templates/README.md lists it); every amount and date is
already formatted, so templates never compute. What a document may claim is decided here too: an
amount the row leaves blank is *not given* (never 0.00), evidence is only what the row lists.

A case is a client with one or more debts. Each lender set is rendered with `lender_set_context`:
the client, this lender with its debts, every debt of the case (for the financial statement, which
goes to every lender) — and never the borrower's negotiating range. The borrower's set is rendered
with `borrower_context.borrower_set_context`: the client, every lender with its debts and ranges. In both, `loan`,
`plan`, `request`… are those of the set's first debt, so a one-debt template reads them directly.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import cn2an

from pipeline.common.formats import chinese_date, money, money_in_words
from pipeline.common.model import Case, CasePlan, Debt, Lender, RepaymentPlan
from pipeline.contract.schema import Contract
from pipeline.documents.organisation import Organisation
from pipeline.plan import negotiation_ranges

NO_ORGANISATION = Organisation()
FOLLOW_UP_DAYS = 7  # the borrower calls to follow up a week after the packet date
NOT_PUBLISHED = "以借款合同或官方App公布的为准"  # a channel the lender list does not hold for certain
PERCENT = Decimal("0.1")


def client_context(case: Case, plan: CasePlan, contract: Contract, organisation: Organisation = NO_ORGANISATION
                   ) -> dict:
    """What every document of the case may say: the client, the budget, every debt in one table."""
    columns = contract.columns
    ranges = negotiation_ranges(plan)
    return {
        "org": {
            "name": organisation.name,
            "address": organisation.address,
            "phone": organisation.phone,
            "has_logo": bool(organisation.logo),
            "logo": "",  # becomes the picture when rendered (it needs the template: bodies.py)
        },
        "today": chinese_date(plan.packet_date),
        "case_id": case.case_id,
        "borrower": {
            "name": case.borrower_name,
            "id_number": case.id_number,
            "phone": case.phone,
            "address": case.address,
        },
        "budget": {
            "household": case.income_scope == "household",
            "income_label": "家庭每月收入" if case.income_scope == "household" else "本人每月收入",
            "income": money(case.monthly_income),
            "expenses": money(case.monthly_expenses),
            "other_debts": money(case.other_debt_payments),
            "disposable": money(plan.disposable),
            "capacity": money(plan.capacity),
            "reserve": money(plan.reserve),
            "dependents": case.dependents,
            "floor_applied": plan.floor_applied,
            "monthly_offer": money(plan.monthly_offer),
            "left_for_living": money(case.monthly_income - case.monthly_expenses - case.other_debt_payments
                                     - plan.monthly_offer),
        },
        "summary": summary_context(case, plan),
        "statement": statement_context(case, plan),
        "all_debts": [debt_context(debt, debt_plan, contract, case, plan, n, weight)
                      for n, (debt, debt_plan, weight) in
                      enumerate(zip(case.debts, plan.plans, (r.weight for r in ranges), strict=True), start=1)],
        "hardship": {key: key in case.hardship_types for key in columns["hardship_types"].labels},
        "hardship_labels": "、".join(columns["hardship_types"].labels[k] for k in case.hardship_types),
        "hardship_evidence": {key: hardship_evidence(case, contract, key) for key in columns["hardship_types"].labels},
        "hardship_details": [line.strip() for line in case.hardship_details.split("\n") if line.strip()],
        "evidence": evidence_context(case, contract),
        "follow_up": chinese_date(plan.packet_date + timedelta(days=FOLLOW_UP_DAYS)),
        "caseworker": case.caseworker,
    }


def summary_context(case: Case, plan: CasePlan) -> dict:
    lenders = case.lenders
    return {
        "several": len(case.debts) > 1,  # more than one debt: the statement, the overview, the shares
        "count": len(case.debts),
        "lender_count": len(lenders),
        "several_lenders": len(lenders) > 1,
        "total_owed": money(plan.total_owed),
        "total_owed_words": money_in_words(plan.total_owed),
        "proposed_total": money(plan.proposed_total),
        "monthly_offer": money(plan.monthly_offer),
        "any_settlement": any(p.settlement for p in plan.plans),
    }


def lender_files(case: Case) -> list[str]:
    """The file each lender set goes out as, in the order of `case.lenders`."""
    lenders = case.lenders
    return [f"to_lender{file_tag(n, lender, len(lenders))}.pdf" for n, (lender, _debts) in enumerate(lenders, start=1)]


def file_tag(number: int, lender: Lender, lenders: int) -> str:
    """'' for a client with one lender; else -N-<product>, safe in a file name on any system."""
    if lenders == 1:
        return ""
    name = "".join("_" if ch in '\\/:*?"<>|' or ord(ch) < 32 else ch for ch in lender.key)[:40]
    return f"-{number}-{name}"


def lender_context(lender: Lender, addressee: str) -> dict:
    named = addressee != lender.addressee() or bool(lender.legal_name and not lender.partner_funded)
    ways = ([f"客服电话{lender.hotline}"] if lender.hotline else []) + (
        [lender.online_service] if lender.online_service else [])
    return {
        "short_name": lender.key,
        "legal_name": addressee,  # the creditor the letter and the draft agreement are addressed to
        # Product and creditor in one phrase for tables of every debt; the creditor alone where its
        # placeholder already names the product (借呗的贷款人（以借款合同载明为准）).
        "label": addressee if addressee.startswith(lender.key) else f"{lender.key}（{addressee}）",
        "address": lender.address,
        "hotline": lender.hotline,
        "online_service": lender.online_service,
        "repayment_channel": lender.repayment_channel or NOT_PUBLISHED,
        "has_repayment_channel": bool(lender.repayment_channel),
        "has_channels": bool(ways),
        "contact": "，或".join(ways) or NOT_PUBLISHED,  # e.g. 客服电话95384，或微信或QQ内“微粒贷”官方入口的在线客服
        "caution": lender.caution,
        "credit_card": lender.kind == "credit_card",
        # Whom the letter addresses is a creditor's name, not words standing in for one (a partner-
        # funded product, or no legal name on the list, and 债权人 left blank).
        "creditor_named": named,
        # …and the product may not be the creditor at all (a consumer-finance company lends in its own name).
        "creditor_unknown": not named and lender.kind != "consumer_finance",
        "listed": lender.kind != "unlisted",
    }


def debt_context(debt: Debt, plan: RepaymentPlan, contract: Contract, case: Case, case_plan: CasePlan,
                 number: int, weight: Decimal) -> dict:
    """One debt: its lender, amounts, plan, requests and its part of the monthly budget."""
    columns = contract.columns
    files = lender_files(case)
    lender_number = next(n for n, (lender, debts) in enumerate(case.lenders) if debt in debts)
    return {
        "number": number,
        "row": debt.row,
        "lender": lender_context(debt.lender, debt.addressee),
        "contract_no": debt.loan_contract_no,
        "name": _debt_name(debt),
        "loan": loan_context(debt, plan),
        "plan": plan_context(debt, plan),
        "request": {key: key in debt.requests for key in columns["requests"].labels},
        "request_labels": "、".join(columns["requests"].labels[k] for k in debt.requests),
        "funds_source": debt.funds_source,
        "offer": _offer(plan),
        "share": _percent(weight) if not plan.settlement and weight > 0 else "",
        "allotment": money(plan.allotment),
        "file": files[lender_number],
        "lender_number": lender_number + 1,
    }


def _offer(plan: RepaymentPlan) -> str:
    """The proposal in a few words, for tables of every debt."""
    if plan.count == 1:
        return f"{chinese_date(plan.first_due)}前一次性结清{money(plan.proposed_total)}元"
    last = "" if len({i.amount for i in plan.schedule}) == 1 else f"（末期{money(plan.schedule[-1].amount)}元）"
    return f"每月{money(plan.regular)}元{last}，共{plan.count}期，自{chinese_date(plan.first_due)}起"


def _debt_name(debt: Debt) -> str:
    """How the borrower tells this loan from another of the same lender: 网商贷（合同编号WSD…）."""
    return f"{debt.lender.key}（合同编号{debt.loan_contract_no}）" if debt.loan_contract_no else debt.lender.key


def _percent(weight: Decimal) -> str:
    return f"{(weight * 100).quantize(PERCENT)}%"


def lender_set_context(client: dict, case: Case, plan: CasePlan, contract: Contract, number: int) -> dict:
    """The context of the lender set for the case's `number`-th lender (from 0)."""
    lender, debts = case.lenders[number]
    entries = [entry for entry in client["all_debts"] if entry["lender_number"] == number + 1]
    return {**client, **_first_debt(entries), "lender": _lender_entry(lender, debts, entries, client),
            "file_title": f"协商还款申请材料 {case.case_id}" + (
                f"（{lender.key}）" if client["summary"]["several_lenders"] else "")}


def statement_context(case: Case, plan: CasePlan) -> dict:
    """How the monthly budget is used, as the letter and the financial statement tell every lender:
    what goes to the debts (the capacity; more when counts the borrower gave need more in some month)
    and what stays free for the unexpected."""
    repaying = max(plan.capacity, plan.monthly_offer)
    return {
        "repaying": money(repaying),
        "set_aside": money(plan.disposable - repaying),
        "over_capacity": plan.monthly_offer > plan.capacity,  # given counts: a warning, still signed
        "monthly_total": money(plan.monthly_offer),  # the most the installments come to in any month
        "any_monthly": any(not p.settlement for p in plan.plans),
        # A debt whose 分期期数 the row gives keeps it: its monthly amount is not a pro-rata share.
        "counts_given": any(not p.settlement and d.installments is not None
                            for d, p in zip(case.debts, plan.plans, strict=True)),
        "any_starred": any(d.interest is None or d.penalty is None for d in case.debts),
    }


def _first_debt(entries: list[dict]) -> dict:
    first = entries[0]
    return {"loan": first["loan"], "plan": first["plan"], "request": first["request"],
            "request_labels": first["request_labels"], "funds_source": first["funds_source"]}


def _lender_entry(lender: Lender, debts: tuple[Debt, ...], entries: list[dict], client: dict) -> dict:
    monthly = [e for e in entries if not e["plan"]["settlement"]]
    shares = [Decimal(e["share"].rstrip("%")) for e in entries if e["share"]]
    return {
        **entries[0]["lender"],
        "number": entries[0]["lender_number"],
        # Each contract with its place among this lender's: （一）, （二）… when there are several.
        "debts": [{**entry, "ordinal": f"（{cn2an.an2cn(n)}）"} for n, entry in enumerate(entries, start=1)],
        "several_contracts": len(entries) > 1,
        "count": len(entries),
        "total_owed": money(sum((Decimal(e["loan"]["total_owed"].replace(",", "")) for e in entries), Decimal(0))),
        "file": entries[0]["file"],
        "share": f"{sum(shares, Decimal(0)).quantize(PERCENT)}%" if shares else "",
        "monthly_total": money(sum((Decimal(e["plan"]["regular_amount"].replace(",", "")) for e in monthly),
                                   Decimal(0))),
    }


def loan_context(debt: Debt, plan: RepaymentPlan) -> dict:
    interest_given, penalty_given = debt.interest is not None, debt.penalty is not None
    included = ["本金"] + (["利息"] if interest_given else []) + (["罚息及费用"] if penalty_given else [])
    return {
        "contract_no": debt.loan_contract_no,
        "overdue_since": chinese_date(debt.overdue_since),
        "overdue_days": (plan.packet_date - debt.overdue_since).days,
        "principal": money(debt.principal),
        "principal_words": money_in_words(debt.principal),
        "interest_given": interest_given,
        "interest": money(debt.interest) if interest_given else "",
        "interest_words": money_in_words(debt.interest) if interest_given else "",
        "penalty_given": penalty_given,
        "has_penalty": penalty_given and debt.penalty > 0,  # given and not nil
        "penalty": money(debt.penalty) if penalty_given else "",
        "penalty_words": money_in_words(debt.penalty) if penalty_given else "",
        "all_given": interest_given and penalty_given,
        "total_owed": money(plan.total_owed),  # of the amounts given
        "total_owed_words": money_in_words(plan.total_owed),
        "total_includes": _joined(included),  # 本金、利息和罚息及费用
    }


def plan_context(debt: Debt, plan: RepaymentPlan) -> dict:
    schedule = plan.schedule
    remaining = plan.proposed_total
    rows = []
    for installment in schedule:
        remaining -= installment.amount
        rows.append({"number": installment.number, "due": chinese_date(installment.due),
                     "amount": money(installment.amount), "remaining": money(remaining)})
    waiver = "penalty_waiver" in debt.requests
    covered = ["本金"] + (["利息"] if debt.interest is not None else []) + (
        ["罚息及费用"] if debt.penalty is not None and not waiver else [])
    return {
        "proposed_total": money(plan.proposed_total),
        "proposed_total_words": money_in_words(plan.proposed_total),
        "total_includes": _joined(covered),
        "waived_penalty": money(plan.waived_penalty) if debt.penalty is not None else "",
        "waived_penalty_words": money_in_words(plan.waived_penalty) if debt.penalty is not None else "",
        "count": plan.count,
        "single": plan.count == 1,  # one payment: a settlement, or a debt the monthly share pays at once
        "settlement": plan.settlement,  # asked for as one (一次性结清): the only plan written as a settlement
        "count_given": debt.installments is not None and not plan.settlement,
        "regular_amount": money(schedule[0].amount),
        "last_amount": money(schedule[-1].amount),
        "equal": len({i.amount for i in schedule}) == 1,
        "first_due": chinese_date(plan.first_due),
        "last_due": chinese_date(plan.last_due),
        "deferral": plan.deferral_months > 0,
        "deferral_months": plan.deferral_months,
        # Every draft proposes that nothing more accrues while the plan is kept: the schedule, its
        # total and the tracker assume none (issue 22, point 3).
        "no_further_interest": True,
        "schedule": rows,
    }


def evidence_context(case: Case, contract: Contract) -> dict:
    labels = contract.columns["evidence"].labels
    # Where each material is: a scan (证明文件) is enclosed in the file, right after the list; a type
    # the row lists (证明材料) is a paper copy the borrower puts behind the list — or sends separately
    # when the file goes out as to_lender.pdf.
    supplied = [{"label": labels[item.kind], "pages": item.pages if item.pages is not None else "", "enclosed": False}
                for item in case.evidence] + [  # scans in the packet: pages counted from the files
        {"label": attachment.title, "pages": attachment.pages, "enclosed": True} for attachment in case.attachments]
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
        "enclosed": [item for item in rows if item["enclosed"]],  # scans in this file
        "paper": [item for item in rows if not item["enclosed"]],  # copies the borrower adds
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


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "和" + items[-1]
