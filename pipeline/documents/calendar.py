"""reminders.ics: the repayment schedule as calendar events (RFC 5545, written with icalendar).

One all-day event per due date of every debt of the client, the amount, the lender and the contract
number in its summary (two loans of one lender must be told apart), an alarm at 09:00 three days
before. UIDs are stable (case id + the debt's row + installment number), so importing the file again
after a re-run updates the events instead of adding them twice.

A plan can be revised (the lender counter-offers, staff rebuild): phones keep the version of an event
with the highest SEQUENCE, so an event whose date, amount or words changed since the file this one
replaces gets its SEQUENCE raised, and an installment that no longer exists is sent once more as
STATUS:CANCELLED under its old UID, so importing the new file over the old one leaves exactly the new
schedule. DTSTAMP is when the file is made (RFC 5545 3.8.7.2), not the packet date.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from pipeline.common.formats import money
from pipeline.common.model import Case, CasePlan

log = logging.getLogger(__name__)

REMIND_DAYS_BEFORE = 3
REMIND_AT_HOUR = 9
# An all-day event starts at local midnight of its day; the alarm lands at 09:00 three days before.
ALARM_TRIGGER = -timedelta(days=REMIND_DAYS_BEFORE) + timedelta(hours=REMIND_AT_HOUR)
PRODUCT = "-//negotiation packets//还款提醒//ZH"
TIME_ZONE = "Asia/Shanghai"  # X-WR-TIMEZONE: where the dates are meant (the events are floating dates)
CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class _Entry:
    """What a revision compares of one event, and what a cancellation repeats of it."""

    uid: str
    sequence: int
    due: date
    summary: str
    description: str
    cancelled: bool
    reminder: str = ""  # the alarm's words; a cancelled event has no alarm

    def same_as(self, other: _Entry) -> bool:
        return (self.due, self.summary, self.description, self.cancelled) == \
            (other.due, other.summary, other.description, other.cancelled)


def reminders_ics(case: Case, plan: CasePlan, made: datetime, previous: bytes | None = None) -> bytes:
    """The case's calendar; `made` is the DTSTAMP (aware, UTC); `previous` the reminders.ics this file
    replaces (the case folder's, if any), whose SEQUENCE numbers and UIDs it continues."""
    before = {entry.uid: entry for entry in _read(previous)} if previous else {}
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    lenders = "、".join(dict.fromkeys(debt.lender.key for debt in case.debts))
    calendar.add("x-wr-calname", f"还款提醒 {lenders} {case.case_id}")
    calendar.add("x-wr-timezone", TIME_ZONE)
    now = _entries(case, plan)
    for entry in now:
        old = before.get(entry.uid)
        sequence = 0 if old is None else old.sequence if old.same_as(entry) else old.sequence + 1
        calendar.add_component(_event(entry, sequence, made, _alarm(entry)))
    uids = {entry.uid for entry in now}
    for old in before.values():
        if old.uid in uids:
            continue
        # gone from the plan: cancelled once (SEQUENCE up), then carried as it is, so a phone that
        # missed the file in between still drops it
        sequence = old.sequence if old.cancelled else old.sequence + 1
        summary = old.summary if old.cancelled else f"已取消：{old.summary}"
        calendar.add_component(_event(_Entry(old.uid, sequence, old.due, summary, old.description, True),
                                      sequence, made, None))
    return calendar.to_ical()


def _entries(case: Case, plan: CasePlan) -> list[_Entry]:
    several = len(case.debts) > 1
    found = []
    for debt, debt_plan in zip(case.debts, plan.plans, strict=True):
        single = debt_plan.count == 1
        contract = f"（合同编号{debt.loan_contract_no}）" if debt.loan_contract_no else ""
        channel = debt.lender.repayment_channel or "以借款合同或官方App公布的为准"
        description = (f"{debt.addressee}{contract}，案件编号{case.case_id}。通过官方渠道还款：{channel}。"
                       "还款后保存凭证，并在还款跟踪表中登记。以双方书面确认的还款计划为准。")
        for installment in debt_plan.schedule:
            what = "一次结清" if single else f"第{installment.number}期（共{debt_plan.count}期）"
            uid = f"{case.case_id}-{installment.number}" if not several else \
                f"{case.case_id}-r{debt.row}-{installment.number}"
            payment = f"{debt.lender.key}{contract}还款{money(installment.amount)}元"
            found.append(_Entry(f"{uid}@negotiation-packets", 0, installment.due, f"{payment}：{what}",
                                description, False, f"{REMIND_DAYS_BEFORE}天后{payment}"))
    return found


def _alarm(entry: _Entry) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", entry.reminder)
    alarm.add("trigger", ALARM_TRIGGER)
    return alarm


def _event(entry: _Entry, sequence: int, made: datetime, alarm: Alarm | None) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", made)
    event.add("sequence", sequence)
    event.add("dtstart", entry.due)  # a date: an all-day event
    event.add("dtend", entry.due + timedelta(days=1))
    event.add("summary", entry.summary)
    event.add("description", entry.description)
    event.add("transp", "TRANSPARENT")
    if entry.cancelled:
        event.add("status", CANCELLED)
    if alarm is not None:
        event.add_component(alarm)
    return event


def _read(previous: bytes) -> list[_Entry]:
    """The events of the file being replaced; one that cannot be read is replaced without history
    (its events are then not cancelled: the log says so)."""
    try:
        events = Calendar.from_ical(previous).walk("VEVENT")
        return [_Entry(str(e["uid"]), int(e.get("sequence", 0)), e.decoded("dtstart"), str(e.get("summary", "")),
                       str(e.get("description", "")), str(e.get("status", "")).upper() == CANCELLED)
                for e in events]
    except (ValueError, KeyError, TypeError) as error:
        log.warning("the earlier reminders.ics could not be read (%s); its events are not cancelled", error)
        return []
