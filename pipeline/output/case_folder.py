"""One case's folder under OUT: the editable .docx copies, case.json, reminders.ics, to_lender.pdf,
packet.pdf, and the manifest written last, so that only a complete packet ever counts as current.

`CASE_FILES` names every file written here; `packets purge` deletes exactly those (output/purge.py), so
a file that is not on the list is refused rather than written and then left behind by a purge."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.common.model import Case, RepaymentPlan
from pipeline.documents.kinds import DOCUMENTS
from pipeline.output.files import MARKER, private_folder, refuse_link, write_atomically
from pipeline.output.manifest import MANIFEST, write_manifest

PACKET = "packet.pdf"  # everything: the lender set, then the borrower's set
TO_LENDER = "to_lender.pdf"  # the lender set alone: the file a borrower sends
REMINDERS = "reminders.ics"
CASE_RECORD = "case.json"
PACKET_FILES = (TO_LENDER, PACKET, REMINDERS)  # the files a build hands over besides the documents


def document_file(name: str) -> str:
    """The editable copy of a document (a DOCUMENTS name)."""
    return f"{name}.docx"


# Every file a build writes into a case folder (MARKER by private_folder): what a purge deletes.
CASE_FILES = frozenset({*(document_file(kind.name) for kind in DOCUMENTS), CASE_RECORD, *PACKET_FILES, MANIFEST, MARKER})


def write_case_folder(folder: Path, documents: dict[str, bytes], record: bytes, files: dict[str, bytes], key: str,
                      packet_date: date) -> list[str]:
    """`documents`: the .docx copies by document name; `files`: the others by file name (PACKET_FILES).
    Returns the names written, manifest and marker aside (for the audit log)."""
    names = [*(document_file(name) for name in documents), CASE_RECORD, *files]
    unlisted = [name for name in names if name not in CASE_FILES or name in (MANIFEST, MARKER)]
    if unlisted:  # a bug: a purge would leave it behind
        raise ValueError(f"not in case_folder.CASE_FILES: {', '.join(unlisted)}")
    private_folder(folder)
    for name, data in documents.items():
        write_atomically(folder / document_file(name), data)
    write_atomically(folder / CASE_RECORD, record)
    for name, data in files.items():
        write_atomically(folder / name, data)
    write_manifest(folder, key, packet_date)  # last: only a complete packet counts as current
    return names


def withdraw_packet(folder: Path) -> None:
    """A packet from an earlier run no longer matches its row (which failed this time): it must not
    be printed or sent. Never through a link: OUT/<case> must be the folder the tool made."""
    refuse_link(folder)
    for stale in (folder / MANIFEST, folder / PACKET, folder / TO_LENDER):
        stale.unlink(missing_ok=True)


def case_record(case: Case, plan: RepaymentPlan) -> bytes:
    """case.json: the normalised row and the computed plan (amounts as strings, dates ISO)."""
    record = dataclasses.asdict(case)
    for internal in ("warnings", "headers"):
        record.pop(internal)
    record["attachments"] = [{"name": a.name, "pages": a.pages, "sha256": a.digest} for a in case.attachments]
    record["lender"] = case.lender.key
    # Blank is not zero: which amounts the row gave (the documents say "per the lender's statement"
    # for the others; the plan counts them as 0).
    record["amounts_given"] = {"interest": case.interest is not None, "penalty": case.penalty is not None}
    document = {"case": record, "plan": dataclasses.asdict(plan)}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
