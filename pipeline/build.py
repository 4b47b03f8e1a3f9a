"""Run a batch: input files → checked rows → chunks of packets → files under OUT and the report.

The stages in order: intake (rows) → validate (Case) → plan (RepaymentPlan) → context → chunk
(render, compose, convert, split) → files. Invalid rows are reported and the batch goes on.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from pipeline.assemble import pad_for_duplex, write_packet
from pipeline.attachments import load_attachments
from pipeline.chunk import CaseJob, CaseOutcome, Chunk, ConverterSettings
from pipeline.context import build_context
from pipeline.convert import Converter, find_soffice, reap_strays
from pipeline.errors import RowError, RunError
from pipeline.files import locked, private_folder, remove_leftovers, write_atomically
from pipeline.i18n import _, language
from pipeline.intake import InputFile, RawRow, open_input
from pipeline.manifest import MANIFEST, Fingerprint, is_current, write_manifest
from pipeline.model import Case, RepaymentPlan
from pipeline.organisation import Organisation, load_organisation
from pipeline.plan import plan_repayment
from pipeline.pool import LocalPool
from pipeline.printing import PrintEntry, write_print_file
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
    jobs: int = 1
    chunk_size: int = 12
    timeout: float = 120.0
    force: bool = False  # rebuild packets that are up to date
    duplex: bool = False  # pad every document to an even page count
    print_file: bool = False  # also write OUT/print/batch-<date>.pdf
    organisation: Path | None = None  # YAML profile: letterhead and "prepared with the assistance of"
    cluster: str | None = None  # Dask scheduler address; None: local worker processes
    sheet: str | None = None  # worksheet of .xlsx inputs (default: the first)


@dataclass
class BuildSummary:
    outcomes: list[RowOutcome]
    notices: list[str]  # file-level warnings (ignored columns…)
    report: Path | None = None

    @property
    def exit_code(self) -> int:
        return 0 if all(o.status == "ok" for o in self.outcomes) else 1


def open_inputs(paths: list[Path], contract: Contract, sheet: str | None = None) -> list[InputFile]:
    """Open every input first, so that a bad header stops the run before anything is written."""
    return [open_input(path, contract, sheet) for path in paths]


def count_rows(paths: list[Path], sheet: str | None = None) -> int:
    return sum(f.count_rows() for f in open_inputs(paths, default_contract(), sheet))


def check_rows(files: list[InputFile], contract: Contract, packet_date: date) -> Iterator[Checked]:
    validator = BatchValidator(contract, packet_date)
    for input_file in files:
        for raw in input_file.rows():
            validated = validator.validate(raw)
            if validated.case is None:
                yield Checked(raw, None, None, validated.errors)
                continue
            case = validated.case
            if raw.cells.get("evidence_files"):
                attachments, missing = load_attachments(raw.cells["evidence_files"], input_file.path.parent,
                                                        raw.source, raw.row, raw.headers["evidence_files"])
                if missing:
                    yield Checked(raw, None, None, validated.errors + missing)
                    continue
                case = dataclasses.replace(case, attachments=attachments)
            planned = plan_repayment(case, packet_date, raw.headers)
            problems = validated.errors + planned.problems
            yield Checked(raw, case if planned.plan else None, planned.plan, problems)


def validate_only(paths: list[Path], packet_date: date, on_row: Callable[[RowOutcome], None] | None = None,
                  sheet: str | None = None) -> BuildSummary:
    contract = default_contract()
    files = open_inputs(paths, contract, sheet)
    outcomes = []
    for checked in check_rows(files, contract, packet_date):
        outcome = checked.outcome("ok" if checked.case else "invalid")
        outcomes.append(outcome)
        if on_row:
            on_row(outcome)
    return BuildSummary(outcomes, [w for f in files for w in f.warnings])


def build(paths: list[Path], options: BuildOptions, on_row: Callable[[RowOutcome], None] | None = None) -> BuildSummary:
    contract = default_contract()
    files = open_inputs(paths, contract, options.sheet)
    soffice = find_soffice(options.soffice)
    templates = TemplateSet(options.templates).blobs
    organisation = load_organisation(options.organisation)
    try:
        out = private_folder(options.out)
    except OSError as exc:
        raise RunError(_("无法创建输出文件夹 {folder}（{reason}）").format(folder=options.out, reason=exc.strerror)) from exc
    with locked(out, _("输出文件夹 {folder} 正在被另一个生成任务使用，请等它结束后再运行，或换一个输出文件夹").format(folder=out)):
        remove_leftovers(out)
        try:
            return _build_locked(files, contract, soffice, templates, organisation, out, options, on_row)
        except OSError as exc:  # disk full, permissions: stop, nothing half-written is visible
            raise RunError(_("无法写入输出文件夹 {folder}：{reason}（{file}）").format(
                folder=out, reason=exc.strerror or exc, file=exc.filename or "")) from exc


def _build_locked(files, contract, soffice, templates, organisation, out, options, on_row) -> BuildSummary:
    outcomes: list[RowOutcome] = []
    fingerprint = Fingerprint(options.packet_date, templates, contract, duplex=options.duplex,
                              organisation=organisation.digest)
    printable: dict[tuple[str, int], PrintEntry] = {}  # (source, row) → ok packet, for the print file

    def record(outcome: RowOutcome, case: Case | None = None) -> None:
        outcomes.append(outcome)
        if case is not None and outcome.status == "ok":
            printable[(outcome.source, outcome.row)] = PrintEntry(
                case.case_id, case.borrower_name, out / case.case_id / "packet.pdf")
        if on_row:
            on_row(outcome)

    with tempfile.TemporaryDirectory(prefix="packets-run-") as scratch:
        settings = ConverterSettings(soffice, options.timeout, Path(scratch))
        waiting: dict[str, tuple[Checked, str]] = {}  # case_id → (row, manifest key) while out

        def chunks() -> Iterator[Chunk]:
            batch: list[Checked] = []
            sizes = chunk_sizes(options.chunk_size, options.jobs)
            for checked in check_rows(files, contract, options.packet_date):
                if checked.case is None:
                    record(checked.outcome("invalid"))
                    continue
                key = fingerprint.case_key(checked.raw, tuple(a.digest for a in checked.case.attachments))
                if not options.force and is_current(out / checked.case.case_id, key):
                    record(checked.outcome("ok", (_unchanged(checked),)), checked.case)
                    continue
                waiting[checked.case.case_id] = (checked, key)
                batch.append(checked)
                if len(batch) >= sizes[0]:
                    yield _chunk(batch, templates, settings, contract, organisation)
                    batch, sizes = [], sizes[1:] or sizes
            if batch:
                yield _chunk(batch, templates, settings, contract, organisation)

        try:
            for _finished, results in _pool(options).run(chunks()):
                for result in results:
                    checked, key = waiting.pop(result.case_id)
                    record(_store(out, checked, result, key, options), checked.case)
            if options.print_file:
                rank = {f.source: n for n, f in enumerate(files)}
                entries = [printable[k] for k in sorted(printable, key=lambda k: (rank[k[0]], k[1]))]
                with Converter(soffice, options.timeout, Path(tempfile.mkdtemp(dir=scratch))) as converter:
                    write_print_file(out, entries, options.packet_date, converter, options.duplex)
        finally:
            reap_strays(Path(scratch))
    # Invalid and unchanged rows are recorded at once, built ones when their chunk finishes;
    # the report follows the input order.
    rank = {f.source: n for n, f in enumerate(files)}
    outcomes.sort(key=lambda o: (rank[o.source], o.row))
    summary = BuildSummary(outcomes, [w for f in files for w in f.warnings])
    summary.report = write_report(out / "report.csv", outcomes)
    return summary


def _unchanged(checked: Checked) -> RowError:
    return RowError(checked.raw.source, checked.raw.row, "", "", "unchanged",
                    _("与上次生成时相同，沿用已有材料（需要重新生成请加 --force）"), severity="warning")


def _pool(options: BuildOptions):
    if options.cluster:
        from pipeline.cluster import DaskPool  # noqa: PLC0415 - Dask only when asked for

        return DaskPool(options.cluster)
    return LocalPool(options.jobs)


def chunk_sizes(size: int, jobs: int) -> list[int]:
    """Small first chunks so that every worker starts at once and a short batch still uses them all;
    full-size chunks after that, since LibreOffice's cost is mostly per call."""
    return [min(size, 8)] * jobs + [size]


def _chunk(batch: list[Checked], templates: dict[str, bytes], settings: ConverterSettings, contract: Contract,
           organisation: Organisation) -> Chunk:
    jobs = tuple(
        CaseJob(c.case.case_id, build_context(c.case, c.plan, contract, organisation),
                tuple((a.title, a.pdf) for a in c.case.attachments))
        for c in batch
    )
    return Chunk(jobs, templates, settings, organisation.logo, language())


def _store(out: Path, checked: Checked, result: CaseOutcome, key: str, options: BuildOptions) -> RowOutcome:
    folder = out / checked.case.case_id
    if not result.ok:
        # A packet from an earlier run no longer matches this row: it must not be printed.
        for stale in (folder / MANIFEST, folder / "packet.pdf"):
            stale.unlink(missing_ok=True)
        failure = RowError(checked.raw.source, checked.raw.row, "", "", "failed", result.error)
        return checked.outcome("failed", (failure,))
    private_folder(folder)
    for name, data in result.documents.items():
        write_atomically(folder / f"{name}.docx", data)
    write_atomically(folder / "case.json", case_json(checked.case, checked.plan))
    packet = pad_for_duplex(result.packet, result.layout)[1] if options.duplex else result.packet
    write_packet(folder, packet)
    write_manifest(folder, key, options.packet_date)  # last: only a complete packet counts as current
    return checked.outcome("ok")


def case_json(case: Case, plan: RepaymentPlan) -> bytes:
    record = dataclasses.asdict(case)
    record.pop("warnings")
    record["attachments"] = [{"name": a.name, "pages": a.pages, "sha256": a.digest} for a in case.attachments]
    record["lender"] = case.lender.key
    document = {"case": record, "plan": dataclasses.asdict(plan)}
    return json.dumps(document, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
