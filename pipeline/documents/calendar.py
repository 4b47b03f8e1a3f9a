"""reminders.ics: the repayment schedule as calendar events (RFC 5545, written with icalendar).

One all-day event per due date of every debt of the client, the amount, the lender and the contract
number in its summary (two loans of one lender must be told apart), an alarm three days before.
UIDs are stable (case id + the debt's row + installment number), so importing the file again after a
re-run updates the events instead of adding them twice; DTSTAMP is the packet date, so the same
plan gives the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from pipeline.common.formats import money
from pipeline.common.model import Case, CasePlan

REMIND_DAYS_BEFORE = 3
PRODUCT = "-//negotiation packets//还款提醒//ZH"


def reminders_ics(case: Case, plan: CasePlan) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    lenders = "、".join(dict.fromkeys(debt.lender.key for debt in case.debts))
    calendar.add("x-wr-calname", f"还款提醒 {lenders} {case.case_id}")
    stamp = datetime.combine(plan.packet_date, time(0), tzinfo=UTC)
    several = len(case.debts) > 1
    for debt, debt_plan in zip(case.debts, plan.plans, strict=True):
        single = debt_plan.count == 1
        contract = f"（合同编号{debt.loan_contract_no}）" if debt.loan_contract_no else ""
        for installment in debt_plan.schedule:
            what = "一次结清" if single else f"第{installment.number}期（共{debt_plan.count}期）"
            event = Event()
            uid = f"{case.case_id}-{installment.number}" if not several else \
                f"{case.case_id}-r{debt.row}-{installment.number}"
            event.add("uid", f"{uid}@negotiation-packets")
            event.add("dtstamp", stamp)
            event.add("dtstart", installment.due)  # a date: an all-day event
            event.add("dtend", installment.due + timedelta(days=1))
            event.add("summary", f"{debt.lender.key}{contract}还款{money(installment.amount)}元：{what}")
            channel = debt.lender.repayment_channel or "以借款合同或官方App公布的为准"
            event.add("description", (
                f"{debt.addressee}{contract}，案件编号{case.case_id}。通过官方渠道还款：{channel}。"
                "还款后保存凭证，并在还款跟踪表中登记。以双方书面确认的还款计划为准。"))
            event.add("transp", "TRANSPARENT")
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"{REMIND_DAYS_BEFORE}天后{debt.lender.key}{contract}还款{money(installment.amount)}元")
            alarm.add("trigger", timedelta(days=-REMIND_DAYS_BEFORE))
            event.add_component(alarm)
            calendar.add_component(event)
    return calendar.to_ical()
