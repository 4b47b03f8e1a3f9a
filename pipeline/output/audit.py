"""OUT/audit.log: which case's packet was built, rebuilt, failed or purged, when and by whom.

One line per event, appended and never rewritten (the office's record that personal data was
deleted on schedule, PIPL arts. 19 and 47). A line holds no ID or phone number: tab-separated,

    2026-11-26T18:30:05+08:00	alice	purged	WS-2026-001	packet.pdf,case.json,hardship_letter.docx

time (ISO 8601 with the UTC offset), the OS user (with the sudo user when run through sudo), the
action, the case id, and the files concerned (names inside the case folder). The file is created
0600 and never opened through a symbolic link.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from pipeline.common.mask import scrub, visible
from pipeline.output.files import open_private_append

AUDIT_LOG = "audit.log"


class AuditAction(StrEnum):
    BUILT = "built"  # a case's first packet in this OUT
    REBUILT = "rebuilt"  # a packet replaced by a new one (its row, templates, date… changed, or --force)
    FAILED = "failed"  # a valid row whose packet could not be made (an earlier packet is withdrawn)
    WITHDRAWN = "withdrawn"  # a case built before whose rows are now invalid: its packet is withdrawn
    PURGED = "purged"  # deleted by `packets purge`


def os_user() -> str:
    try:
        import pwd  # noqa: PLC0415 - POSIX only

        name = pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        name = str(os.geteuid())
    sudo = os.environ.get("SUDO_USER")
    return f"{name}(sudo:{sudo})" if sudo and sudo != name else name


def audit_line(action: AuditAction, case_id: str, files: Iterable[str] = (), when: datetime | None = None,
               user: str | None = None) -> str:
    moment = (when or datetime.now()).astimezone().isoformat(timespec="seconds")
    fields = [moment, user or os_user(), str(action), case_id, ",".join(files)]
    # one line, tab-separated: no tab or line break inside a field, nothing a terminal would obey,
    # no number that looks like an ID or a phone number (a case id could be one)
    return "\t".join(visible(scrub(field)).replace("\t", " ") for field in fields) + "\n"


class AuditLog:
    """OUT/audit.log held open for a run: `with AuditLog(out) as audit: audit.record(...)`.

    Each line is one write to a file opened for appending, so lines from two processes never mix."""

    def __init__(self, out: Path):
        self.path = out / AUDIT_LOG
        self._descriptor: int | None = None
        self.user = os_user()

    def __enter__(self) -> AuditLog:
        self._descriptor = open_private_append(self.path)
        return self

    def __exit__(self, *exc) -> None:
        if self._descriptor is not None:
            try:
                os.fsync(self._descriptor)
            finally:
                os.close(self._descriptor)
                self._descriptor = None

    def record(self, action: AuditAction, case_id: str, files: Iterable[str] = (), when: datetime | None = None) -> None:
        if self._descriptor is None:
            raise RuntimeError("AuditLog.record outside its with-block")
        os.write(self._descriptor, audit_line(action, case_id, files, when, self.user).encode("utf-8"))


def append_audit(out: Path, action: AuditAction, case_id: str, files: Iterable[str] = ()) -> None:
    """One line, for a caller that has no AuditLog open."""
    with AuditLog(out) as audit:
        audit.record(action, case_id, files)


def read_audit(out: Path) -> list[list[str]]:
    """The audit log's lines as fields (for tests and tools)."""
    try:
        text = (out / AUDIT_LOG).read_text("utf-8")
    except FileNotFoundError:
        return []
    return [line.split("\t") for line in text.splitlines() if line]
