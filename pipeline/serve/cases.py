"""A finished batch's cases as the pages show them: the report's lines grouped by 案件编号 (a case of
several debts has several rows and one folder), each case's files as its folder holds them, and the
borrower's name from its case.json — in full on the case's own page, masked to the surname and the
given name's first character in lists (`张晓*`), which others may see over a shoulder or on paper."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.serve.downloads import CASE_ID, CaseLine

CASE_RECORD = "case.json"
RECORD_LIMIT = 16 * 2**20  # a case.json is a few KB; a larger one is not read for a name


@dataclass(frozen=True)
class CaseGroup:
    case_id: str
    lines: list[CaseLine]  # in report order
    files: list[str]  # the case folder's, in reading order ([] when no packet was made)
    name: str  # the borrower's name, '' when unknown

    @property
    def first_row(self) -> str:
        return self.lines[0].row


def grouped(lines: list[CaseLine], out: Path) -> list[CaseGroup]:
    """Lines of one 案件编号 together, in the order each case first appears; a line without a valid
    case id (an invalid row) stands alone."""
    order: dict[str, list[CaseLine]] = {}
    for line in lines:
        key = line.case_id if CASE_ID.match(line.case_id) else f"\0{line.source}\0{line.row}"
        order.setdefault(key, []).append(line)
    groups = []
    for members in order.values():
        files = next((line.files for line in members if line.files), [])
        case_id = members[0].case_id
        groups.append(CaseGroup(case_id, members, files, borrower_name(out / case_id) if files else ""))
    return groups


def borrower_name(folder: Path) -> str:
    """The name in the case's case.json, wherever its layout keeps it ('' when there is none)."""
    try:
        path = folder / CASE_RECORD
        if path.is_symlink() or path.stat().st_size > RECORD_LIMIT:
            return ""
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return ""
    for holder in (record, record.get("case"), record.get("client"), *(record.get("debts") or [])[:1]):
        if isinstance(holder, dict) and isinstance(holder.get("borrower_name"), str):
            return holder["borrower_name"]
    return ""


def masked_name(name: str) -> str:
    """张晓明 → 张晓*, 李四 → 李*, 欧阳娜娜 → 欧阳**: the surname and the given name's first character."""
    keep = 1 if len(name) <= 2 else 2
    return name[:keep] + "*" * (len(name) - keep)
