"""The unit of work: a chunk of cases (each a list of named sets with their template contexts) + the
templates → each case's editable documents, its lender files and packet.pdf, as bytes.

`run_chunk` gives the same bytes for the same chunk wherever it runs — in this process, a worker
process, or on another machine — but it is not pure: it leaves state in its process on purpose, for
speed. It keeps the parsed template sets by digest and the warm LibreOffice (one per process), freezes
the garbage collector after the first chunk, collects and trims malloc after each, and the render time
limit interrupts the calling thread. So one chunk at a time per process: local workers are processes
of one thread, and Dask workers must run one thread each (run/dask_pool.py refuses more).
Rendering, composing, converting and splitting happen here; writing files does not.
A chunk whose conversion fails is converted again case by case with the same warm LibreOffice; one
bad case costs only itself, and a case that hangs LibreOffice costs at most two timeouts.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path

import pikepdf
from docx.document import Document

from pipeline.common.i18n import _, set_language
from pipeline.documents.bodies import RenderedBody
from pipeline.documents.kinds import DOCUMENTS, PacketSet, SetKind
from pipeline.documents.render import TemplateSet
from pipeline.documents.time_limit import RenderTimeout, time_limit
from pipeline.pdf.assemble import CaseFiles, Scan, SetSpec, case_files, locate_sets, open_chunk
from pipeline.pdf.compose import NumberedSet, join
from pipeline.pdf.converter import ConversionError, ConversionTimeout, Converter
from pipeline.pdf.libreoffice import open_converter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseJob:
    case_id: str
    sets: tuple[PacketSet, ...]  # its lender sets, then the borrower's set
    scans: tuple[Scan, ...] = ()  # the evidence scans, as safe PDFs, in the row's order

    def documents(self) -> list[tuple[PacketSet, str]]:
        """Every document of the case, in order, with its set."""
        return [(packet_set, name) for packet_set in self.sets for name in packet_set.documents]

    def spec(self, packet_set: PacketSet) -> SetSpec:
        scans_after = packet_set.scans_after if self.scans else None
        return SetSpec(self.case_id, packet_set.name, packet_set.kind is SetKind.LENDER, packet_set.outline,
                       packet_set.titles, scans_after, packet_set.pdf_name,
                       packet_set.context.get("file_title", ""))


@dataclass(frozen=True)
class ConverterSettings:
    soffice: str
    timeout: float  # seconds for one LibreOffice call
    profiles: Path  # folder for the per-process LibreOffice profiles of this run
    retries: int = 1  # extra attempts for a single case before it is reported failed


@dataclass(frozen=True)
class Chunk:
    jobs: tuple[CaseJob, ...]
    templates: dict[str, bytes]  # template file stem → .docx bytes: travels with the work
    settings: ConverterSettings
    logo: bytes = b""  # the organisation's logo, if any
    lang: str = "zh"  # language of the messages the chunk may produce
    duplex: bool = False  # pad each document of packet.pdf to an even page count
    tagged: bool = False  # tagged PDFs (pdf/structure.py)


@dataclass
class CaseOutcome:
    case_id: str
    error: str = ""  # why the case failed; '' when it succeeded
    documents: dict[str, bytes] = field(default_factory=dict)  # editable .docx copies by name
    files: CaseFiles | None = None  # the lender files and packet.pdf

    @property
    def ok(self) -> bool:
        return not self.error


_libc: ctypes.CDLL | None
try:
    _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
except OSError:
    _libc = None
if _libc is not None and not hasattr(_libc, "malloc_trim"):  # glibc only
    _libc = None

# One converter and one parsed template set per process, reused by every chunk it runs.
_converters: dict[ConverterSettings, Converter] = {}
_template_sets: dict[str, TemplateSet] = {}
_frozen = False


def converter_for(settings: ConverterSettings) -> Converter:
    """This process's LibreOffice for `settings`, made on first use."""
    if settings not in _converters:
        profile = Path(tempfile.mkdtemp(prefix=f"lo-{os.getpid()}-", dir=settings.profiles))
        converter = open_converter(settings.soffice, settings.timeout, profile)
        _converters[settings] = converter
        # Runs when a worker process exits normally (atexit does not, in multiprocessing workers).
        Finalize(converter, converter.close, exitpriority=10)
    return _converters[settings]


def start_office(settings: ConverterSettings) -> None:
    """Start this process's LibreOffice in the background (a worker does, as it starts), so that its
    first chunk does not wait for it: its start overlaps the parent reading and checking the first
    rows and the worker rendering the first documents. Should it fail, converting starts it again
    and reports why."""
    start = getattr(converter_for(settings), "start", None)  # a one-call-per-file converter has none
    if start is not None:
        threading.Thread(target=_start_quietly, args=(start,), name="office-start", daemon=True).start()


def _start_quietly(start: Callable[[], None]) -> None:
    try:
        start()
    except Exception as exc:
        log.warning("LibreOffice did not start ahead of the first chunk (%s)", exc)


def run_chunk(chunk: Chunk) -> list[CaseOutcome]:
    set_language(chunk.lang)
    settings = chunk.settings
    converter = converter_for(settings)
    digest = hashlib.sha256(b"".join(chunk.templates[k.name] for k in DOCUMENTS) + chunk.logo).hexdigest()
    if digest not in _template_sets:
        _template_sets[digest] = TemplateSet.from_blobs(chunk.templates, chunk.logo)
    global _frozen
    if not _frozen:
        # Everything loaded so far lives as long as the process: keep it out of the collections
        # below, which then cost a millisecond or two instead of twenty.
        gc.collect()
        gc.freeze()
        _frozen = True
    try:
        return build_chunk(list(chunk.jobs), _template_sets[digest], converter, settings.retries, chunk.duplex,
                           render_timeout=settings.timeout, tagged=chunk.tagged)
    finally:
        # python-docx trees hold reference cycles whose lxml memory the collector does not see;
        # left to the usual thresholds they pile up chunk after chunk.
        gc.collect()
        _give_back_free_memory()


def _give_back_free_memory() -> None:
    """Return freed heap pages to the system: without it, glibc keeps the high-water mark of the
    largest chunk so far, and a worker's RSS creeps up with fragmentation chunk after chunk."""
    if _libc is not None:
        _libc.malloc_trim(0)


def build_chunk(jobs: list[CaseJob], templates: TemplateSet, converter: Converter, retries: int = 1,
                duplex: bool = False, render_timeout: float | None = None, tagged: bool = False) -> list[CaseOutcome]:
    """Every case of `jobs` rendered, converted together and split; `render_timeout` bounds the
    rendering of one case (a staff template's loop that never ends fails that case only)."""
    outcomes = {job.case_id: CaseOutcome(job.case_id) for job in jobs}

    def render(job: CaseJob) -> list[RenderedBody] | None:
        return _render(job, templates, outcomes[job.case_id], render_timeout)

    _convert(jobs, outcomes, converter, retries, render, duplex, tagged, templates)
    return [outcomes[job.case_id] for job in jobs]


def _render(job: CaseJob, templates: TemplateSet, outcome: CaseOutcome,
            timeout: float | None) -> list[RenderedBody] | None:
    """The case's documents, freshly rendered as bodies (documents/bodies.py); their bytes are kept
    as the editable copies."""
    try:
        with time_limit(timeout) if timeout else _no_limit():
            rendered = render_documents(templates, job)
    except RenderTimeout:
        log.warning("rendering %s took longer than %s s", job.case_id, timeout)
        outcome.error = _("文书生成超时（超过{seconds}秒）：模板中可能有不会结束的循环").format(seconds=f"{timeout:g}")
        return None
    except Exception as exc:  # a template or a value that does not render: this case only
        log.exception("rendering %s failed", job.case_id)
        outcome.error = _("文书生成失败：{kind}: {detail}").format(kind=type(exc).__name__, detail=exc)
        return None
    outcome.documents.update((packet_set.copy_name(name), r.docx)
                             for (packet_set, name), r in zip(job.documents(), rendered, strict=True))
    return rendered


@contextlib.contextmanager
def _no_limit():
    yield


def render_documents(templates: TemplateSet, job: CaseJob) -> list[RenderedBody]:
    """Every document of the case, rendered with its set's context, in order."""
    return [templates.render(name, packet_set.context) for packet_set, name in job.documents()]


def compose_chunk(sets: Iterable[NumberedSet], templates: TemplateSet) -> Document | None:
    """The chunk's one Word file: the bodies joined in one copy of the templates' package."""
    return join(sets, templates.package)


def _convert(jobs: list[CaseJob], outcomes: dict[str, CaseOutcome], converter: Converter, retries: int,
             documents: Callable[[CaseJob], list | None], duplex: bool, tagged: bool, templates: TemplateSet) -> None:
    """Convert the cases together; when that fails, convert them one by one with the same (warm)
    LibreOffice, so that one bad case costs itself and, if it hangs, at most two timeouts."""
    if not jobs:
        return
    try:
        converted = _convert_together(jobs, converter, documents, duplex, tagged, templates)
    except ConversionError as exc:
        rendered = [job for job in jobs if outcomes[job.case_id].ok]
        # Joining takes the bodies in; further attempts start from the saved copies.
        reopen = lambda job: _reopen(job, outcomes[job.case_id], templates)  # noqa: E731
        if len(rendered) > 1:
            log.warning("chunk of %d failed to convert (%s); converting its cases one by one", len(rendered), exc)
            for job in rendered:
                _convert([job], outcomes, converter, retries, reopen, duplex, tagged, templates)
        elif rendered and retries > 0 and not isinstance(exc, ConversionTimeout):
            # A crash may be LibreOffice's own bad luck; a hang is the case's and would cost another timeout.
            log.warning("case %s failed to convert (%s); retrying", rendered[0].case_id, exc)
            _convert(rendered, outcomes, converter, retries - 1, reopen, duplex, tagged, templates)
        elif rendered:
            outcomes[rendered[0].case_id].error = _("PDF转换失败：{reason}").format(reason=exc)
        return
    for job, files in converted:
        outcomes[job.case_id].files = files


def _convert_together(jobs: list[CaseJob], converter: Converter,
                      documents: Callable[[CaseJob], list[RenderedBody] | None],
                      duplex: bool, tagged: bool, templates: TemplateSet) -> list[tuple[CaseJob, CaseFiles]]:
    """Join, convert and split; the documents are rendered (or reopened) one case at a time as they
    are joined, so that a worker holds one case's document trees besides the chunk's, not all of them."""
    composed: list[CaseJob] = []
    specs: list[SetSpec] = []

    def numbered_sets():
        for job in jobs:
            found = documents(job)
            if found is None:
                continue
            composed.append(job)
            start = 0
            for packet_set in job.sets:
                spec = job.spec(packet_set)
                reserved = {spec.scans_after: sum(scan.pages for scan in job.scans)} \
                    if spec.scans_after is not None else {}
                specs.append(spec)
                count = len(packet_set.documents)
                yield NumberedSet(job.case_id, packet_set.name, packet_set.label, tuple(found[start:start + count]),
                                  reserved)
                start += count
            del found

    with tempfile.TemporaryDirectory(prefix="chunk-", dir=converter.profile.parent) as folder:
        docx = Path(folder) / "chunk.docx"
        chunk = compose_chunk(numbered_sets(), templates)
        if chunk is None:  # no case of the chunk rendered
            return []
        chunk.save(str(docx))
        del chunk
        pdf = converter.convert(docx, tagged)
        try:
            with open_chunk(pdf) as converted:
                located = locate_sets(converted, specs)
                return [(job, case_files(converted, [located[(job.case_id, s.name)] for s in job.sets], job.scans,
                                         duplex))
                        for job in composed]
        except (KeyError, ValueError) as exc:
            raise ConversionError(_("PDF中找不到文书分隔标记（{mark}）").format(mark=exc)) from exc
        except pikepdf.PdfError as exc:  # the converted chunk, or a scan, that qpdf cannot read
            raise ConversionError(_("无法拆分转换后的PDF：{reason}").format(reason=exc)) from exc


def _reopen(job: CaseJob, outcome: CaseOutcome, templates: TemplateSet) -> list[RenderedBody]:
    return [templates.reopen(name, outcome.documents[packet_set.copy_name(name)])
            for packet_set, name in job.documents()]
