"""One case's folder under OUT: the editable .docx copies, case.json, reminders.ics, the lender files
(to_lender.pdf, or to_lender-1-网商贷.pdf… for a client with several lenders), packet.pdf, and the
manifest written last, so that only a complete packet ever counts as current.

`is_case_file` names every file written here; `packets purge` deletes exactly those (output/purge.py),
so a file it does not name is refused rather than written and then left behind by a purge. A rebuild
removes the files of the build before that this one did not write again (a lender the client no
longer owes must not keep a letter in the folder), before the manifest says the packet is current."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.common.model import Case, CasePlan
from pipeline.common.safe_files import FileRefused, read_regular_file
from pipeline.documents.kinds import DOCUMENTS
from pipeline.output.files import MARKER, private_folder, refuse_link, write_atomically
from pipeline.output.manifest import MANIFEST, write_manifest

PACKET = "packet.pdf"  # everything: the lender set, then the borrower's set
TO_LENDER = "to_lender.pdf"  # the lender set alone: the file a borrower sends
REMINDERS = "reminders.ics"
CASE_RECORD = "case.json"
# The files a build writes into a case folder (MARKER by private_folder): what a purge deletes. A lender
# set's files carry a tag (documents/packet.py `file_tag`) when the client owes several lenders.
_TAG = r"(?:-\d{1,3}-[^/\\]{1,64})?"
_CASE_FILE = re.compile("|".join([
    *(re.escape(name) for name in (CASE_RECORD, PACKET, REMINDERS, MANIFEST, MARKER)),
    rf"to_lender{_TAG}\.pdf",
    rf"(?:{'|'.join(kind.name for kind in DOCUMENTS)}){_TAG}\.docx",
]))
_LENDER_FILE = re.compile(rf"to_lender{_TAG}\.pdf")
# A calendar of 60 installments for each of eight debts is about 400 KB; more is not a file we wrote.
_REMINDERS_LIMIT = 4 * 2**20


def is_case_file(name: str) -> bool:
    """Whether a build writes a file of this name into a case folder."""
    return bool(_CASE_FILE.fullmatch(name))


def write_case_folder(folder: Path, documents: dict[str, bytes], record: bytes, files: dict[str, bytes], key: str,
                      packet_date: date) -> list[str]:
    """`documents`: the .docx copies by file name; `files`: the PDFs and reminders.ics by file name.
    Returns the names written, manifest and marker aside (for the audit log)."""
    names = [*documents, CASE_RECORD, *files]
    unlisted = [name for name in names if not is_case_file(name) or name in (MANIFEST, MARKER)]
    if unlisted:  # a bug: a purge would leave it behind
        raise ValueError(f"not a case folder file (case_folder.is_case_file): {', '.join(unlisted)}")
    private_folder(folder)
    for name, data in documents.items():
        write_atomically(folder / name, data)
    write_atomically(folder / CASE_RECORD, record)
    for name, data in files.items():
        write_atomically(folder / name, data)
    _remove_stale(folder, keep={*names, MANIFEST, MARKER})
    write_manifest(folder, key, packet_date)  # last: only a complete packet counts as current
    return names


def _remove_stale(folder: Path, keep: set[str]) -> None:
    """What an earlier build wrote and this one did not (another lender, a document no longer made)."""
    with os.scandir(folder) as entries:
        stale = [e.name for e in entries if e.is_file(follow_symlinks=False) and is_case_file(e.name)
                 and e.name not in keep]
    for name in stale:
        (folder / name).unlink(missing_ok=True)


def earlier_reminders(folder: Path) -> bytes | None:
    """The reminders.ics an earlier build left in the case folder, which a new one revises (its UIDs
    and SEQUENCE numbers, documents/calendar.py); None when there is none to read."""
    path = folder / REMINDERS
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return read_regular_file(path, _REMINDERS_LIMIT)
    except FileRefused:
        return None


def withdraw_packet(folder: Path) -> None:
    """A packet from an earlier run no longer matches its row (which failed this time): it must not
    be printed or sent. Never through a link: OUT/<case> must be the folder the tool made."""
    refuse_link(folder)
    if not folder.is_dir():
        return
    with os.scandir(folder) as entries:
        stale = [e.name for e in entries if e.is_file(follow_symlinks=False)
                 and (e.name in (MANIFEST, PACKET) or _LENDER_FILE.fullmatch(e.name))]
    for name in stale:
        (folder / name).unlink(missing_ok=True)


def case_record(case: Case, plan: CasePlan, lender_files: list[str]) -> bytes:
    """case.json: the client, each debt (its row, lender, contract, amounts, schedule, and which lender
    file holds it), and the budget they share (amounts as strings, dates ISO)."""
    record = dataclasses.asdict(case)
    for internal in ("warnings", "headers", "debts"):
        record.pop(internal)
    record["attachments"] = [{"name": a.name, "pages": a.pages, "sha256": a.digest} for a in case.attachments]
    files = {debt: lender_files[n] for n, (_lender, debts) in enumerate(case.lenders) for debt in debts}
    debts = []
    for debt, debt_plan in zip(case.debts, plan.plans, strict=True):
        entry = dataclasses.asdict(debt)
        entry.pop("headers")
        entry["lender"] = debt.lender.key
        entry["addressee"] = debt.addressee
        # Blank is not zero: which amounts the row gave (the documents say "per the lender's
        # statement" for the others; the plan counts them as 0).
        entry["amounts_given"] = {"interest": debt.interest is not None, "penalty": debt.penalty is not None}
        entry["file"] = files[debt]
        entry["plan"] = dataclasses.asdict(debt_plan)
        debts.append(entry)
    budget = {"disposable": plan.disposable, "capacity": plan.capacity, "reserve": plan.reserve,
              "monthly_offer": plan.monthly_offer, "floor_applied": plan.floor_applied,
              "packet_date": plan.packet_date}
    document = {"case": record, "debts": debts, "budget": budget}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
