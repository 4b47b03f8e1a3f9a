"""Run a batch: input files → checked rows → chunks of packets → files under OUT and the report.

The stages in order: intake (rows) → validate (Case) → plan (RepaymentPlan) → context → chunk
(render, compose, convert, split) → files. Invalid rows are reported and the batch goes on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.assemble import write_packet
from pipeline.chunk import CaseJob, CaseOutcome, build_chunk
from pipeline.context import build_context
from pipeline.convert import Converter, find_soffice
from pipeline.errors import RowError
from pipeline.files import private_folder, write_atomically
from pipeline.intake import InputFile, RawRow, open_input
from pipeline.model import Case, RepaymentPlan
from pipeline.plan import plan_repayment
from pipeline.render import TemplateSet
from pipeline.report import RowOutcome, write_report
from pipeline.schema import Contract, default_contract
from pipeline.validate import BatchValidator

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """One input row after validation and planning."""

    raw: RawRow
    case: Case | None
    plan: RepaymentPlan | None
    problems: tuple[RowError, ...]

    def outcome(self, status: str, extra: tuple[RowError, ...] = ()) -> RowOutcome:
        case_id = self.case.case_id if self.case else self.raw.cells.get("case_id", "")
        return RowOutcome(self.raw.source, self.raw.row, case_id, status, self.problems + extra)


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    packet_date: date
    templates: Path | None = None
    soffice: str | None = None
    chunk_size: int = 20
    timeout: float = 300.0


@dataclass
class BuildSummary:
    outcomes: list[RowOutcome]
    notices: list[str]  # file-level warnings (ignored columns…)
    report: Path | None = None

    @property
    def exit_code(self) -> int:
        return 0 if all(o.status == "ok" for o in self.outcomes) else 1


def open_inputs(paths: list[Path], contract: Contract) -> list[InputFile]:
    """Open every input first, so that a bad header stops the run before anything is written."""
    return [open_input(path, contract) for path in paths]


def check_rows(files: list[InputFile], contract: Contract, packet_date: date) -> Iterator[Checked]:
    validator = BatchValidator(contract, packet_date)
    for input_file in files:
        for raw in input_file.rows():
            validated = validator.validate(raw)
            if validated.case is None:
                yield Checked(raw, None, None, validated.errors)
                continue
            planned = plan_repayment(validated.case, packet_date, raw.headers)
            problems = validated.errors + planned.problems
            yield Checked(raw, validated.case if planned.plan else None, planned.plan, problems)


def validate_only(paths: list[Path], packet_date: date, on_row: Callable[[RowOutcome], None] | None = None) -> BuildSummary:
    contract = default_contract()
    files = open_inputs(paths, contract)
    outcomes = []
    for checked in check_rows(files, contract, packet_date):
        outcome = checked.outcome("ok" if checked.case else "invalid")
        outcomes.append(outcome)
        if on_row:
            on_row(outcome)
    return BuildSummary(outcomes, [w for f in files for w in f.warnings])


def build(paths: list[Path], options: BuildOptions, on_row: Callable[[RowOutcome], None] | None = None) -> BuildSummary:
    contract = default_contract()
    files = open_inputs(paths, contract)
    soffice = find_soffice(options.soffice)
    templates = TemplateSet(options.templates)
    out = private_folder(options.out)
    outcomes: list[RowOutcome] = []

    def record(outcome: RowOutcome) -> None:
        outcomes.append(outcome)
        if on_row:
            on_row(outcome)

    pending: list[Checked] = []
    with Converter(soffice, options.timeout) as converter:

        def flush() -> None:
            jobs = [CaseJob(c.case.case_id, build_context(c.case, c.plan, contract)) for c in pending]
            for checked, result in zip(pending, build_chunk(jobs, templates, converter), strict=True):
                record(_store(out, checked, result))
            pending.clear()

        for checked in check_rows(files, contract, options.packet_date):
            if checked.case is None:
                record(checked.outcome("invalid"))
                continue
            pending.append(checked)
            if len(pending) >= options.chunk_size:
                flush()
        if pending:
            flush()
    # Invalid rows are recorded at once and valid ones when their chunk finishes; the report
    # follows the input order.
    rank = {f.source: n for n, f in enumerate(files)}
    outcomes.sort(key=lambda o: (rank[o.source], o.row))
    summary = BuildSummary(outcomes, [w for f in files for w in f.warnings])
    summary.report = write_report(out / "report.csv", outcomes)
    return summary


def _store(out: Path, checked: Checked, result: CaseOutcome) -> RowOutcome:
    if not result.ok:
        failure = RowError(checked.raw.source, checked.raw.row, "", "", "failed", result.error)
        return checked.outcome("failed", (failure,))
    folder = private_folder(out / checked.case.case_id)
    for name, data in result.documents.items():
        write_atomically(folder / f"{name}.docx", data)
    write_atomically(folder / "case.json", case_json(checked.case, checked.plan))
    write_packet(folder, result.packet)
    return checked.outcome("ok")


def case_json(case: Case, plan: RepaymentPlan) -> bytes:
    record = dataclasses.asdict(case)
    record.pop("warnings")
    record["lender"] = case.lender.key
    document = {"case": record, "plan": dataclasses.asdict(plan)}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
