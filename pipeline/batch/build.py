"""`packets build`: input files → checked rows → chunks of packets → files under OUT and the report.

Rows are read, validated and planned as a stream; invalid and unchanged rows are settled at once,
the others go to the pool in chunks, and each chunk's packets are written as it comes back. Every
input row ends up either as a packet or as a line in the report.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipeline.batch.options import BuildOptions, BuildSummary
from pipeline.batch.rows import Ready, check_rows, open_inputs
from pipeline.batch.workshop import Workshop, converting
from pipeline.common.errors import Code, RowError, RowOutcome, RunError, Severity, Status
from pipeline.common.i18n import _, language
from pipeline.contract import Contract, default_contract
from pipeline.documents.calendar import reminders_ics
from pipeline.documents.context import lender_files
from pipeline.documents.organisation import Organisation, load_organisation
from pipeline.documents.packet import packet_sets
from pipeline.documents.reconcile import TemplatesRefused
from pipeline.documents.render import TemplateSet
from pipeline.documents.template_check import example_sets, refuse_unsafe_templates
from pipeline.intake import InputFile
from pipeline.intake.corrections import Corrections
from pipeline.output.audit import AuditAction, AuditLog
from pipeline.output.case_folder import (
    PACKET,
    REMINDERS,
    case_record,
    earlier_reminders,
    withdraw_packet,
    write_case_folder,
)
from pipeline.output.files import locked, prepare_output_folder, remove_leftovers
from pipeline.output.manifest import RunFingerprint, is_current
from pipeline.output.print_folder import write_print_file
from pipeline.output.report import write_report
from pipeline.pdf.assemble import Scan
from pipeline.pdf.libreoffice import find_soffice
from pipeline.pdf.print_file import PrintEntry, write_print_file_pdf
from pipeline.pdf.soffice_converter import SofficeConverter
from pipeline.run.chunk import CaseJob, CaseOutcome, Chunk, ConverterSettings
from pipeline.run.local_pool import LocalPool
from pipeline.run.pool import Pool
from pipeline.run.scratch import remove_stale_scratch

log = logging.getLogger(__name__)

# Evidence bytes one chunk may carry. A chunk travels whole to a worker (or across the network to a Dask
# worker) and comes back with its scans inside two PDFs per case, with two chunks in flight per worker:
# cut by case count alone, twelve cases with a row's full evidence (40 MB, intake/evidence_files.py)
# would be a 480 MB chunk. This keeps one such row next to ordinary ones, and two of them apart.
EVIDENCE_BYTES_PER_CHUNK = 64 * 2**20

OnRow = Callable[[RowOutcome], None]
OnTotal = Callable[[int], None]
OnCase = Callable[[Ready], None]


def build(paths: list[Path], options: BuildOptions, on_row: OnRow | None = None,
          on_total: OnTotal | None = None, on_case: OnCase | None = None,
          corrections: Corrections | None = None, workshop: Workshop | None = None) -> BuildSummary:
    """Build packets for every valid row of `paths` into `options.out`; `on_row(outcome)` is called
    once per input row as soon as its fate is known, `on_total(rows)` once before that, with the
    number of data rows (for a progress bar), as soon as every row has been read — a row's client
    is known only then (batch/grouping.py); `on_case(ready)` once per valid client, as it is planned.
    `corrections`: rows re-typed in the office server, read in place of the file's (intake/corrections.py);
    `workshop`: the office server's warm LibreOffice (batch/workshop.py), else the run starts its own."""
    contract = default_contract()
    files = open_inputs(paths, contract, options.sheet, corrections)
    soffice = find_soffice(options.soffice)
    templates = _templates(options, contract)
    organisation = load_organisation(options.organisation)
    out = prepare_output_folder(options.out)
    busy = _("输出文件夹 {folder} 正在被另一个生成任务使用，请等它结束后再运行，或换一个输出文件夹").format(folder=out)
    with locked(out, busy):
        remove_leftovers(out)
        remove_stale_scratch()  # what builds killed earlier left in the temp folder (personal data)
        batch = Build(files=files, contract=contract, soffice=soffice, templates=templates,
                      organisation=organisation, out=out, options=options, on_row=on_row, on_total=on_total,
                      on_case=on_case)
        try:
            with AuditLog(out) as audit:
                batch.audit = audit
                return batch.run(workshop)
        except OSError as exc:  # disk full, permissions: stop, nothing half-written is visible
            raise RunError(_("无法写入输出文件夹 {folder}：{reason}（{file}）").format(
                folder=out, reason=exc.strerror or exc, file=exc.filename or "")) from exc


def _templates(options: BuildOptions, contract: Contract) -> dict[str, bytes]:
    """The run's templates as one package; a staff template set that `packets templates check` refuses
    stops the run before any row is read."""
    try:
        templates = TemplateSet(options.templates)
        problems = refuse_unsafe_templates(templates, example_sets(contract, options.packet_date))
    except TemplatesRefused as exc:
        problems = [_("{template}：{text}").format(template=f"{name}.docx", text=text) for name, text in exc.problems]
    if problems:
        raise RunError(_("自定义模板不能使用（请先运行 packets templates check {folder} 查看并修改）：{problems}").format(
            folder=options.templates, problems="；".join(problems)))
    return templates.blobs


@dataclass(frozen=True)
class Pending:
    """A row handed to the pool, waiting for its chunk to come back."""

    ready: Ready
    key: str  # its manifest key


class Build:
    """One run of `packets build` into an output folder that it holds locked."""

    def __init__(self, *, files: list[InputFile], contract: Contract, soffice: str, templates: dict[str, bytes],
                 organisation: Organisation, out: Path, options: BuildOptions, on_row: OnRow | None = None,
                 on_total: OnTotal | None = None, on_case: OnCase | None = None):
        self.files = files
        self.contract = contract
        self.soffice = soffice
        self.templates = templates
        self.organisation = organisation
        self.out = out
        self.options = options
        self.on_row = on_row
        self.on_total = on_total
        self.on_case = on_case
        self.fingerprint = RunFingerprint.of(options.packet_date, templates, contract.schema_files(),
                                             organisation.digest if organisation.name else "", options.duplex,
                                             options.tagged)
        self.outcomes: list[RowOutcome] = []
        self.printable: dict[tuple[str, int], PrintEntry] = {}  # (source, first row) → ok packet, for the print file
        self.pending: dict[str, Pending] = {}  # case_id → row in flight
        self.rank = {f.source: n for n, f in enumerate(files)}  # report and print file follow the input order
        self.audit: AuditLog | None = None  # OUT/audit.log: built, rebuilt, failed, withdrawn
        self.existing: set[str] | None = None  # OUT's case folders, read when an invalid case is met

    def run(self, workshop: Workshop | None = None) -> BuildSummary:
        """In the run's own scratch folder and pool, or in `workshop` (the office server's warm one)."""
        if workshop is not None:
            self._convert(workshop.pool, workshop.settings, workshop.scratch)
            if self.options.print_file:
                self._write_print_file(workshop.scratch)
        else:
            with converting(self.soffice, self.options.timeout) as (scratch, settings):
                with self._pool(settings) as pool:
                    self._convert(pool, settings, scratch)
                if self.options.print_file:  # once the workers and their LibreOffice have gone
                    self._write_print_file(scratch)
        self.outcomes.sort(key=self._input_order)
        summary = BuildSummary(self.outcomes, [notice for f in self.files for notice in f.notices])
        summary.report = write_report(self.out / "report.csv", self.outcomes)
        return summary

    def _convert(self, pool: Pool, settings: ConverterSettings, scratch: Path) -> None:
        """Read the rows; settle invalid and unchanged ones now, send the rest in chunks; store each
        chunk's packets as it comes back."""
        sizes = chunk_sizes(self.options.chunk_size, self.options.jobs)
        for rows in cut_chunks(self._to_convert(scratch), sizes, EVIDENCE_BYTES_PER_CHUNK):
            for result in pool.submit(self._chunk(rows, settings)):
                self._store_chunk(result.outcomes)
        for result in pool.drain():
            self._store_chunk(result.outcomes)

    def _to_convert(self, scratch: Path) -> Iterator[Ready]:
        """The rows whose packets are to be made; invalid and unchanged rows are settled on the way.
        The rows wait in `scratch` to be gathered into clients."""
        for checked in check_rows(self.files, self.contract, self.options.packet_date, scratch, self.on_total):
            ready = checked.ready()
            if ready is None:
                self._withdraw_invalid(checked.case_id)
                self._record(checked.outcomes(Status.INVALID))
                continue
            if self.on_case:
                self.on_case(ready)
            key = self.fingerprint.case_key([raw.cells for raw in checked.rows],
                                            tuple(a.digest for a in ready.case.attachments))
            if not self.options.force and is_current(self.out / ready.case.case_id, key):
                self._record(ready.outcomes(Status.OK, (_unchanged(ready),), unchanged=True), ready)
                continue
            self.pending[ready.case.case_id] = Pending(ready, key)
            yield ready

    def _withdraw_invalid(self, case_id: str) -> None:
        """A case built before whose rows are now invalid (a row fixed into a mistake, a sheet edited):
        its packet no longer matches the rows and must not be printed. Only a folder this OUT holds is
        touched: the name is compared with the folder's entries, never joined into a path unchecked."""
        if self.existing is None:
            with os.scandir(self.out) as entries:
                self.existing = {e.name for e in entries if e.is_dir(follow_symlinks=False)}
        folder = self.out / case_id
        if case_id in self.existing and (folder / PACKET).exists():
            withdraw_packet(folder)
            self._audit(AuditAction.WITHDRAWN, case_id, ())

    def _pool(self, settings: ConverterSettings) -> Pool:
        if self.options.cluster:
            from pipeline.run.dask_pool import DaskPool  # noqa: PLC0415 - Dask only when asked for

            return DaskPool(self.options.cluster, tls=self.options.cluster_tls)
        return LocalPool(self.options.jobs, office=settings)

    def _chunk(self, rows: list[Ready], settings: ConverterSettings) -> Chunk:
        jobs = tuple(
            CaseJob(c.case.case_id, packet_sets(c.case, c.plan, self.contract, self.organisation),
                    scans=tuple(Scan(a.title, a.pdf, a.pages) for a in c.case.attachments))
            for c in rows
        )
        return Chunk(jobs, self.templates, settings, self.organisation.logo, language(), self.options.duplex,
                     self.options.tagged)

    def _store_chunk(self, outcomes: list[CaseOutcome]) -> None:
        for result in outcomes:
            pending = self.pending.pop(result.case_id)
            self._record(self._store(pending, result), pending.ready)

    def _store(self, pending: Pending, result: CaseOutcome) -> list[RowOutcome]:
        ready = pending.ready
        folder = self.out / ready.case.case_id
        if not result.ok:
            withdraw_packet(folder)
            self._audit(AuditAction.FAILED, ready.case.case_id, ())
            failure = RowError(ready.case.source, ready.case.row, "", "", Code.FAILED, result.error)
            return ready.outcomes(Status.FAILED, (failure,))
        assert result.files is not None  # an outcome without an error carries its files (run/chunk.py)
        files = {**result.files.lender_files, PACKET: result.files.packet,
                 REMINDERS: reminders_ics(ready.case, ready.plan, datetime.now(UTC), earlier_reminders(folder))}
        replaced = (folder / PACKET).exists()
        written = write_case_folder(folder, result.documents, case_record(ready.case, ready.plan, lender_files(ready.case)), files,
                                    pending.key, self.options.packet_date)
        self._audit(AuditAction.REBUILT if replaced else AuditAction.BUILT, ready.case.case_id, written)
        return ready.outcomes(Status.OK)

    def _audit(self, action: AuditAction, case_id: str, files) -> None:
        if self.audit is not None:
            self.audit.record(action, case_id, files)

    def _record(self, outcomes: list[RowOutcome], ready: Ready | None = None) -> None:
        """A client's rows are settled: one outcome per row."""
        self.outcomes += outcomes
        if ready is not None and outcomes[0].status == Status.OK:
            self.printable[(ready.case.source, ready.case.row)] = PrintEntry(
                ready.case.case_id, ready.case.borrower_name, self.out / ready.case.case_id / PACKET)
        if self.on_row:
            for outcome in outcomes:
                self.on_row(outcome)

    def _write_print_file(self, scratch: Path) -> None:
        entries = [self.printable[k] for k in sorted(self.printable, key=self._input_order_of)]
        profile = scratch / "print-profile"
        profile.mkdir(mode=0o700)
        with SofficeConverter(self.soffice, self.options.timeout, profile) as converter:
            write_print_file(self.out, self.options.packet_date, lambda handle: write_print_file_pdf(
                entries, self.options.packet_date, converter, self.options.duplex, handle))

    def _input_order(self, outcome: RowOutcome) -> tuple[int, int]:
        return self._input_order_of((outcome.source, outcome.row))

    def _input_order_of(self, where: tuple[str, int]) -> tuple[int, int]:
        return self.rank[where[0]], where[1]


def _unchanged(ready: Ready) -> RowError:
    return RowError(ready.case.source, ready.case.row, "", "", Code.UNCHANGED,
                    _("与上次生成时相同，沿用已有材料（需要重新生成请加 --force）"), Severity.WARNING)


def evidence_bytes(ready: Ready) -> int:
    return sum(len(attachment.pdf) for attachment in ready.case.attachments)


def cut_chunks(rows: Iterable[Ready], sizes: list[int], budget: int) -> Iterator[list[Ready]]:
    """Rows in chunks of `sizes[0]`, `sizes[1]`… cases (the last size repeated), each cut early before a
    row whose evidence would take the chunk's over `budget` bytes; a row over the budget goes alone."""
    chunk: list[Ready] = []
    held = 0
    for ready in rows:
        weight = evidence_bytes(ready)
        if chunk and held + weight > budget:
            yield chunk
            chunk, held, sizes = [], 0, sizes[1:] or sizes
        chunk.append(ready)
        held += weight
        if len(chunk) >= sizes[0]:
            yield chunk
            chunk, held, sizes = [], 0, sizes[1:] or sizes
    if chunk:
        yield chunk


def chunk_sizes(size: int, jobs: int) -> list[int]:
    """Small first chunks so that every worker starts at once and a short batch still uses them all;
    full-size chunks after that, since LibreOffice's cost is mostly per call."""
    return [min(size, 8)] * jobs + [size]
