"""A finished batch's cases as the pages show them: the report's lines grouped by 案件编号 (a case of
several debts has several rows and one folder), each case's files as its folder holds them, and from
its case.json the borrower's name — in full on the case's own page, masked to the surname and the
given name's first character in lists (`张晓*`), which others may see over a shoulder or on paper —
and each debt's lender, contract, amount and offer, so the case page shows a client's debts together."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.serve.downloads import CASE_ID, CaseLine

CASE_RECORD = "case.json"
RECORD_LIMIT = 16 * 2**20  # a case.json is a few KB; a larger one is not read for a name


@dataclass(frozen=True)
class DebtLine:
    """One debt of a built case, as case.json has it (amounts as written there)."""

    source: str
    row: str
    lender: str
    addressee: str
    contract_no: str
    total_owed: str
    offer: str  # what the draft proposes: each month's amount and count, or the settlement
    file: str  # the lender file that holds it


@dataclass(frozen=True)
class CaseGroup:
    case_id: str
    lines: list[CaseLine]  # in report order
    files: list[str]  # the case folder's, in reading order ([] when no packet was made)
    name: str  # the borrower's name, '' when unknown
    debts: tuple[DebtLine, ...] = ()  # () when no packet was made
    capacity: str = ""  # what the client can pay each month, shared among the debts
    monthly_offer: str = ""

    @property
    def first_row(self) -> str:
        return self.lines[0].row

    def debt_of(self, line: CaseLine) -> DebtLine | None:
        """The debt a report line is about: same file and row (the row alone where the report names
        the file differently)."""
        same_row = [debt for debt in self.debts if debt.row == line.row]
        return next((debt for debt in same_row if debt.source == line.source), same_row[0] if len(same_row) == 1 else None)


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
        record = _record(out / case_id) if files else {}
        budget = _mapping(record.get("budget"))
        groups.append(CaseGroup(case_id, members, files, borrower_name(record), debt_lines(record),
                                _text(budget.get("capacity")), _text(budget.get("monthly_offer"))))
    return groups


def _mapping(value) -> dict:
    """A part of case.json that should be an object (the file is ours, but read as if it were not)."""
    return value if isinstance(value, dict) else {}


def _record(folder: Path) -> dict:
    try:
        path = folder / CASE_RECORD
        if path.is_symlink() or path.stat().st_size > RECORD_LIMIT:
            return {}
        record = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def borrower_name(record: dict) -> str:
    """The name in a case.json, wherever its layout keeps it ('' when there is none)."""
    for holder in (record, record.get("case"), record.get("client"), *(record.get("debts") or [])[:1]):
        if isinstance(holder, dict) and isinstance(holder.get("borrower_name"), str):
            return holder["borrower_name"]
    return ""


def debt_lines(record: dict) -> tuple[DebtLine, ...]:
    """The debts of a case.json ({"debts": [...]}); () for an older layout or a damaged file."""
    debts = record.get("debts")
    if not isinstance(debts, list):
        return ()
    lines = []
    for debt in debts:
        if not isinstance(debt, dict):
            continue
        plan = _mapping(debt.get("plan"))
        lines.append(DebtLine(_text(debt.get("source")), _text(debt.get("row")), _text(debt.get("lender")), _text(debt.get("addressee")),
                              _text(debt.get("loan_contract_no")), _text(plan.get("total_owed")), _offer(plan),
                              _text(debt.get("file"))))
    return tuple(lines)


def _offer(plan: dict) -> str:
    schedule = [item for item in plan.get("schedule") or [] if isinstance(item, dict)]
    if not schedule:
        return ""
    if plan.get("settlement") or len(schedule) == 1:
        return f"{_text(schedule[0].get('due'))} 一次性结清 {_text(schedule[0].get('amount'))}"
    return f"{_text(schedule[0].get('amount'))} × {len(schedule)}"


def _text(value) -> str:
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""


def masked_name(name: str) -> str:
    """张晓明 → 张晓*, 李四 → 李*, 欧阳娜娜 → 欧阳**: the surname and the given name's first character."""
    keep = 1 if len(name) <= 2 else 2
    return name[:keep] + "*" * (len(name) - keep)
