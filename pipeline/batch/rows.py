"""Input files → checked rows: intake, contract and plan, in order, one row at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.batch.options import BuildSummary
from pipeline.common.errors import RowError, RowOutcome, Status
from pipeline.common.model import Case, RepaymentPlan
from pipeline.contract import BatchValidator, Contract, default_contract
from pipeline.intake import InputFile, RawRow, open_input
from pipeline.plan import plan_repayment


@dataclass(frozen=True)
class Checked:
    """One input row after validation and planning; `case` and `plan` are None when it is invalid."""

    raw: RawRow
    case: Case | None
    plan: RepaymentPlan | None
    problems: tuple[RowError, ...]

    def outcome(self, status: Status, extra: tuple[RowError, ...] = (), unchanged: bool = False) -> RowOutcome:
        case_id = self.case.case_id if self.case else self.raw.cells.get("case_id", "")
        return RowOutcome(self.raw.source, self.raw.row, case_id, status, self.problems + extra, unchanged)


def open_inputs(paths: list[Path], contract: Contract, sheet: str | None = None) -> list[InputFile]:
    """Open every input first, so that a bad header stops the run before anything is written."""
    return [open_input(path, contract.intake_columns, sheet) for path in paths]


def check_rows(files: list[InputFile], contract: Contract, packet_date: date) -> Iterator[Checked]:
    validator = BatchValidator(contract, packet_date)
    for input_file in files:
        for raw in input_file.rows():
            validated = validator.validate(raw, input_file.path.parent)
            if validated.case is None:
                yield Checked(raw, None, None, validated.problems)
                continue
            planned = plan_repayment(validated.case, packet_date)
            problems = validated.problems + planned.problems
            yield Checked(raw, validated.case if planned.plan else None, planned.plan, problems)


def validate_inputs(paths: list[Path], packet_date: date, on_row: Callable[[RowOutcome], None] | None = None,
                    sheet: str | None = None) -> BuildSummary:
    """`packets validate`: every row checked as a build would, nothing written."""
    contract = default_contract()
    files = open_inputs(paths, contract, sheet)
    outcomes = []
    for checked in check_rows(files, contract, packet_date):
        outcome = checked.outcome(Status.OK if checked.case else Status.INVALID)
        outcomes.append(outcome)
        if on_row:
            on_row(outcome)
    return BuildSummary(outcomes, [notice for f in files for notice in f.notices])
