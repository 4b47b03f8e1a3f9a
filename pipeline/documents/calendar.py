"""reminders.ics: the repayment schedule as calendar events (RFC 5545, written with icalendar).

One all-day event per due date, the amount and the lender in its summary, an alarm three days
before. UIDs are stable (case id + installment number), so importing the file again after a re-run
updates the events instead of adding them twice; DTSTAMP is the packet date, so the same plan gives
the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from icalendar import Alarm, Calendar, Event

from pipeline.common.formats import money
from pipeline.common.model import Case, RepaymentPlan

REMIND_DAYS_BEFORE = 3
PRODUCT = "-//negotiation packets//还款提醒//ZH"


def reminders_ics(case: Case, plan: RepaymentPlan) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"还款提醒 {case.lender.key} {case.case_id}")
    stamp = datetime.combine(plan.packet_date, time(0), tzinfo=UTC)
    single = plan.count == 1
    for installment in plan.schedule:
        what = "一次性还款" if single else f"第{installment.number}期（共{plan.count}期）"
        event = Event()
        event.add("uid", f"{case.case_id}-{installment.number}@negotiation-packets")
        event.add("dtstamp", stamp)
        event.add("dtstart", installment.due)  # a date: an all-day event
        event.add("dtend", installment.due + timedelta(days=1))
        event.add("summary", f"{case.lender.key}还款{money(installment.amount)}元：{what}")
        event.add("description", (
            f"{case.lender.legal_name}，案件编号{case.case_id}。通过官方渠道还款：{case.lender.repayment_channel}。"
            "还款后保存凭证，并在还款跟踪表中登记。以双方书面确认的还款计划为准。"))
        event.add("transp", "TRANSPARENT")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{REMIND_DAYS_BEFORE}天后{case.lender.key}还款{money(installment.amount)}元")
        alarm.add("trigger", timedelta(days=-REMIND_DAYS_BEFORE))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
