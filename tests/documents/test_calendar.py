"""reminders.ics can be revised (issue 24, point 5): DTSTAMP is when the file is made, SEQUENCE grows for
an event that changed, an installment that no longer exists is sent as CANCELLED under its old UID, and
the alarm rings at 09:00 three days before. Read back with icalendar and with ical.js (Thunderbird's
parser); "imported" below is what a calendar does with a file (RFC 5546: per UID, the highest SEQUENCE
wins; a cancelled event is removed).

The default client (tests/conftest.py): 45,000 + 1,200.50 + 800 = 47,000.50, the 800 of penalty waived:
46,200.50. By capacity (1,750.00): 27 installments of 1,711.12 from 2026-12-24, the last
46,200.50 − 26 × 1,711.12 = 1,711.38. Revised to 24: 46,200.50 / 24 = 1,925.02 (to the fen below), the
last 46,200.50 − 23 × 1,925.02 = 1,925.04."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import PACKET_DATE, ROOT, make_case, zhao_lei
from icalendar import Calendar

from pipeline.documents.calendar import reminders_ics
from pipeline.plan import plan_case

ICAL_JS = ROOT / ".venv" / "icaljs" / "node_modules" / "ical.js" / "dist" / "ical.es5.cjs"  # make test installs it
FIRST = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
LATER = datetime(2026, 12, 10, 14, 5, 7, tzinfo=UTC)


def ics(case, made=FIRST, previous=None) -> bytes:
    return reminders_ics(case, plan_case(case, PACKET_DATE).plan, made, previous)


def events(data: bytes) -> dict[str, dict]:
    return {str(e["uid"]): {"sequence": int(e.get("sequence", 0)), "status": str(e.get("status", "")),
                            "start": e.decoded("dtstart"), "summary": str(e["summary"]), "stamp": e.decoded("dtstamp"),
                            "alarms": [a.decoded("trigger") for a in e.walk("VALARM")]}
            for e in Calendar.from_ical(data).walk("VEVENT")}


def imported(*files: dict[str, dict]) -> dict[str, tuple]:
    """What a calendar holds after importing the files in turn: per UID the event of the highest
    SEQUENCE (a later file wins a tie), cancelled ones removed."""
    held: dict[str, dict] = {}
    for found in files:
        for uid, event in found.items():
            if uid not in held or event["sequence"] >= held[uid]["sequence"]:
                held[uid] = event
    return {uid: (e["start"], e["summary"]) for uid, e in held.items() if e["status"].upper() != "CANCELLED"}


def monthly(first: date, count: int) -> list[date]:
    return [date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1, first.day)
            for n in range(count)]


def schedule(count: int, amount: str, last: str) -> dict[str, tuple]:
    dates = monthly(date(2026, 12, 24), count)
    return {f"T-001-{n}@negotiation-packets": (due, f"网商贷（合同编号WS2024000123）还款{last if n == count else amount}元："
                                                    f"第{n}期（共{count}期）")
            for n, due in enumerate(dates, start=1)}


def test_dtstamp_is_when_the_file_is_made_and_the_alarm_rings_at_nine_three_days_before():
    found = events(ics(make_case(), made=LATER))
    assert len(found) == 27
    for event in found.values():
        assert event["stamp"] == LATER and event["sequence"] == 0 and event["status"] == ""
        (trigger,) = event["alarms"]
        # from local midnight of the due day back to 09:00 three days before: 3 days − 9 hours
        assert trigger == -timedelta(days=2, hours=15)
    calendar = Calendar.from_ical(ics(make_case()))
    assert str(calendar["x-wr-timezone"]) == "Asia/Shanghai"


def test_the_same_plan_again_keeps_every_sequence_and_cancels_nothing():
    first = ics(make_case())
    again = events(ics(make_case(), made=LATER, previous=first))
    assert {e["sequence"] for e in again.values()} == {0} and not any(e["status"] for e in again.values())
    assert imported(events(first), again) == schedule(27, "1,711.12", "1,711.38")


def test_a_revised_plan_imported_over_the_old_leaves_exactly_the_new_schedule():
    first = ics(make_case())
    revised_bytes = ics(make_case(installments=24), made=LATER, previous=first)
    revised = events(revised_bytes)
    assert len(revised) == 27  # 24 installments and the three that are gone
    for n in range(1, 25):
        assert revised[f"T-001-{n}@negotiation-packets"]["sequence"] == 1  # every amount and 共N期 changed
    for n in (25, 26, 27):
        gone = revised[f"T-001-{n}@negotiation-packets"]
        assert gone["status"] == "CANCELLED" and gone["sequence"] == 1 and gone["alarms"] == []
        assert gone["summary"].startswith("已取消：网商贷")
    assert imported(events(first), revised) == schedule(24, "1,925.02", "1,925.04")

    # Built once more unchanged: nothing moves, the cancellations are carried (a phone that missed the
    # second file still drops the three), at the same SEQUENCE.
    third = events(ics(make_case(installments=24), made=LATER, previous=revised_bytes))
    assert {uid: e["sequence"] for uid, e in third.items()} == {uid: e["sequence"] for uid, e in revised.items()}
    assert imported(events(first), third) == schedule(24, "1,925.02", "1,925.04")

    # Back to 27: the three come back above their cancellation.
    back = events(ics(make_case(), made=LATER, previous=ics(make_case(installments=24), previous=first)))
    assert back["T-001-27@negotiation-packets"]["sequence"] == 2 and back["T-001-27@negotiation-packets"]["status"] == ""
    assert imported(events(first), revised, back) == schedule(27, "1,711.12", "1,711.38")


def test_a_debt_paid_off_between_builds_has_all_its_events_cancelled():
    case = zhao_lei()
    first = ics(case)
    without_b = ics(make_case(debts=(case.debts[0], case.debts[2]), monthly_income=case.monthly_income,
                              monthly_expenses=case.monthly_expenses, other_debt_payments=case.other_debt_payments),
                    made=LATER, previous=first)
    found = events(without_b)
    b = {uid: e for uid, e in found.items() if "-r3-" in uid}
    assert len(b) == 24 and all(e["status"] == "CANCELLED" for e in b.values())
    # A and C now share the budget between them (fewer installments each): the calendar holds what
    # the new file plans, and nothing of B
    left = imported(events(first), found)
    assert left == {uid: (e["start"], e["summary"]) for uid, e in found.items() if not e["status"]}
    assert not any("合同编号B" in summary for _, summary in left.values())
    assert {uid.split("-")[2] for uid in left} == {"r2", "r4"}


def test_an_unreadable_earlier_file_is_replaced_without_history(caplog):
    found = events(ics(make_case(), previous=b"BEGIN:VCALENDAR\r\nnot a calendar"))
    assert len(found) == 27 and {e["sequence"] for e in found.values()} == {0}


def test_ical_js_reads_the_revision_the_same_way(tmp_path):
    if not ICAL_JS.exists():
        pytest.fail("ical.js is not installed: `make test` installs it with npm")
    first = ics(make_case())
    files = [tmp_path / "first.ics", tmp_path / "revised.ics"]
    files[0].write_bytes(first)
    files[1].write_bytes(ics(make_case(installments=24), made=LATER, previous=first))
    read = []
    for path in files:
        result = subprocess.run(["node", str(ROOT / "tests" / "documents" / "icaljs_events.cjs"), str(ICAL_JS), str(path)],
                                capture_output=True, text=True, check=True)
        parsed = json.loads(result.stdout)
        assert parsed["timezone"] == "Asia/Shanghai"
        read.append({e["uid"]: {"sequence": e["sequence"], "status": e["status"] or "",
                                "start": date.fromisoformat(e["start"]), "summary": e["summary"]}
                     for e in parsed["events"]})
        for event in parsed["events"]:
            assert event["isDate"] and event["dtstamp"].startswith("2026-1")
            for alarm in event["alarms"]:  # 09:00, three days before the due day
                due = date.fromisoformat(event["start"])
                assert alarm["at"] == f"{due - timedelta(days=3)}T09:00:00"
    assert imported(*read) == schedule(24, "1,925.02", "1,925.04")
    assert read[1]["T-001-25@negotiation-packets"]["status"] == "CANCELLED"
