"""Input files → checked clients: intake, grouping, contract and plan, one client at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.batch.grouping import grouped_rows
from pipeline.batch.options import BuildSummary
from pipeline.common.errors import Code, RowError, RowOutcome, Status
from pipeline.common.i18n import _
from pipeline.common.model import Case, CasePlan
from pipeline.contract import BatchValidator, Contract, default_contract
from pipeline.intake import InputFile, RawRow, open_input
from pipeline.intake.corrections import CorrectedInput, Corrections
from pipeline.plan import plan_case
from pipeline.run.scratch import run_scratch


@dataclass(frozen=True)
class Checked:
    """One client's rows after validation and planning; `case` and `plan` are None when it is invalid."""

    rows: tuple[RawRow, ...]  # in input order
    case: Case | None
    plan: CasePlan | None
    problems: tuple[RowError, ...]  # each names its row

    @property
    def case_id(self) -> str:
        return self.case.case_id if self.case else self.rows[0].cells.get("case_id", "")

    def outcomes(self, status: Status, extra: tuple[RowError, ...] = (), unchanged: bool = False) -> list[RowOutcome]:
        """One outcome per row (report.csv keeps a line per row). `extra` problems (a failed
        conversion, an unchanged packet) are every row's; a row of an invalid client with no problem
        of its own is told which rows stop its case."""
        stopping = sorted({p.row for p in self.problems if p.is_error})
        result = []
        for raw in self.rows:
            own = tuple(p for p in self.problems if (p.source, p.row) == (raw.source, raw.row))
            if status == Status.INVALID and not any(p.is_error for p in own):
                own += (RowError(raw.source, raw.row, "", "", Code.CASE_ROW_INVALID, _(
                    "同一案件（{case}）的其他行有问题（见第{rows}行），整个案件暂不生成；改正后重新运行即可").format(
                        case=self.case_id, rows="、".join(map(str, stopping)) or "?")),)
            case_id = self.case.case_id if self.case else raw.cells.get("case_id", "")
            result.append(RowOutcome(raw.source, raw.row, case_id, status, own + extra, unchanged))
        return result

    def ready(self) -> Ready | None:
        """The client with its case and plan, when it is valid: what the build converts."""
        return Ready(self, self.case, self.plan) if self.case is not None and self.plan is not None else None


@dataclass(frozen=True)
class Ready:
    """A valid, planned client (`Checked.ready`): the types say case and plan are there."""

    checked: Checked
    case: Case
    plan: CasePlan

    def outcomes(self, status: Status, extra: tuple[RowError, ...] = (), unchanged: bool = False) -> list[RowOutcome]:
        return self.checked.outcomes(status, extra, unchanged)


def open_inputs(paths: list[Path], contract: Contract, sheet: str | None = None,
                corrections: Corrections | None = None) -> list[InputFile]:
    """Open every input first, so that a bad header stops the run before anything is written; rows
    re-typed in the office server (`corrections`, by file name) read as corrected."""
    files = [open_input(path, contract.intake_columns, sheet) for path in paths]
    return [CorrectedInput(f, corrections[f.source], contract.intake_columns) if corrections and f.source in corrections
            else f for f in files]


def check_rows(files: list[InputFile], contract: Contract, packet_date: date, scratch: Path,
               on_total: Callable[[int], None] | None = None) -> Iterator[Checked]:
    """Every row of `files`, gathered into clients (batch/grouping.py, in `scratch`), each checked
    and planned; `on_total(rows)` once every row has been read."""
    validator = BatchValidator(contract, packet_date)
    with grouped_rows(scratch) as store:
        count = 0
        for input_file in files:
            for raw in input_file.rows():
                store.add(raw, input_file.path.parent)
                count += 1
        if on_total:
            on_total(count)
        for rows, elsewhere in store.clients():
            validated = validator.validate_case(rows, elsewhere)
            raws = tuple(raw for raw, _folder in rows)
            if validated.case is None:
                yield Checked(raws, None, None, validated.problems)
                continue
            planned = plan_case(validated.case, packet_date)
            yield Checked(raws, validated.case if planned.plan else None, planned.plan,
                          validated.problems + planned.problems)


def validate_inputs(paths: list[Path], packet_date: date, on_row: Callable[[RowOutcome], None] | None = None,
                    sheet: str | None = None, on_case: Callable[[Ready], None] | None = None,
                    corrections: Corrections | None = None) -> BuildSummary:
    """`packets validate`: every row checked as a build would, nothing written."""
    contract = default_contract()
    files = open_inputs(paths, contract, sheet, corrections)
    outcomes = []
    with run_scratch() as scratch:
        for checked in check_rows(files, contract, packet_date, scratch):
            ready = checked.ready()
            if on_case and ready:
                on_case(ready)
            for outcome in checked.outcomes(Status.OK if ready else Status.INVALID):
                outcomes.append(outcome)
                if on_row:
                    on_row(outcome)
    outcomes.sort(key=lambda o: ([f.source for f in files].index(o.source), o.row))
    return BuildSummary(outcomes, [notice for f in files for notice in f.notices])
