"""The unit of work: a chunk of cases (their template contexts) + the templates → finished documents
as bytes.

`run_chunk` is a pure function of its inputs (the LibreOffice it calls is a per-process resource,
not state), so it runs the same in this process, in a worker process, or on another machine.
Rendering, composing, converting and splitting happen here; writing files does not.
A chunk whose conversion fails is split in halves until the case that causes it is found; one bad
case costs only itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path

from docx import Document

from pipeline.common.i18n import _, set_language
from pipeline.documents.kinds import DOCUMENTS, EVIDENCE_COVER
from pipeline.documents.render import TemplateSet
from pipeline.pdf.assemble import PacketLayout, insert_attachments, split_chunk
from pipeline.pdf.compose import PacketDocs, compose
from pipeline.pdf.converter import ConversionError, Converter
from pipeline.pdf.libreoffice import open_converter

log = logging.getLogger(__name__)

COVER_SHEET = [kind.name for kind in DOCUMENTS].index(EVIDENCE_COVER)  # scans follow it


@dataclass(frozen=True)
class CaseJob:
    case_id: str
    context: dict
    attachments: tuple[tuple[str, bytes], ...] = ()  # (outline title, PDF) of each evidence scan


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


@dataclass
class CaseOutcome:
    case_id: str
    error: str = ""  # why the case failed; '' when it succeeded
    documents: dict[str, bytes] = field(default_factory=dict)  # editable .docx copies by name
    packet: bytes = b""
    layout: PacketLayout | None = None

    @property
    def ok(self) -> bool:
        return not self.error


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


def run_chunk(chunk: Chunk) -> list[CaseOutcome]:
    set_language(chunk.lang)
    settings = chunk.settings
    if settings not in _converters:
        profile = Path(tempfile.mkdtemp(prefix=f"lo-{os.getpid()}-", dir=settings.profiles))
        converter = open_converter(settings.soffice, settings.timeout, profile)
        _converters[settings] = converter
        # Runs when a worker process exits normally (atexit does not, in multiprocessing workers).
        Finalize(converter, converter.close, exitpriority=10)
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
        return build_chunk(list(chunk.jobs), _template_sets[digest], _converters[settings], settings.retries)
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


def build_chunk(jobs: list[CaseJob], templates: TemplateSet, converter: Converter, retries: int = 1) -> list[CaseOutcome]:
    outcomes = {job.case_id: CaseOutcome(job.case_id) for job in jobs}

    def render(job: CaseJob) -> list | None:
        return _render(job, templates, outcomes[job.case_id])

    _convert(jobs, outcomes, converter, retries, render)
    return [outcomes[job.case_id] for job in jobs]


def _render(job: CaseJob, templates: TemplateSet, outcome: CaseOutcome) -> list | None:
    """The case's documents, freshly rendered; their bytes are kept as the editable copies."""
    try:
        documents = [templates.render(kind.name, job.context) for kind in DOCUMENTS]
    except Exception as exc:  # a template or a value that does not render: this case only
        log.exception("rendering %s failed", job.case_id)
        outcome.error = _("文书生成失败：{kind}: {detail}").format(kind=type(exc).__name__, detail=exc)
        return None
    for kind, document in zip(DOCUMENTS, documents, strict=True):
        outcome.documents[kind.name] = _docx_bytes(document)
    return documents


def _convert(jobs: list[CaseJob], outcomes: dict[str, CaseOutcome], converter: Converter, retries: int,
             documents: Callable[[CaseJob], list | None]) -> None:
    if not jobs:
        return
    try:
        packets = _convert_together(jobs, converter, documents)
    except ConversionError as exc:
        jobs = [job for job in jobs if outcomes[job.case_id].ok]  # those that rendered
        # Composing changes the documents it takes in; further attempts start from the saved copies.
        reopen = lambda job: _reopen(outcomes[job.case_id])  # noqa: E731
        if len(jobs) == 1:
            if retries > 0:
                log.warning("case %s failed to convert (%s); retrying", jobs[0].case_id, exc)
                _convert(jobs, outcomes, converter, retries - 1, reopen)
            else:
                outcomes[jobs[0].case_id].error = _("PDF转换失败：{reason}").format(reason=exc)
            return
        log.warning("chunk of %d failed to convert (%s); splitting it", len(jobs), exc)
        middle = len(jobs) // 2
        _convert(jobs[:middle], outcomes, converter, retries, reopen)
        _convert(jobs[middle:], outcomes, converter, retries, reopen)
        return
    for job, (layout, data) in packets:
        if job.attachments:
            layout, data = insert_attachments(data, layout, job.attachments, after=COVER_SHEET)
        outcomes[job.case_id].packet = data
        outcomes[job.case_id].layout = layout


def _convert_together(jobs: list[CaseJob], converter: Converter, documents: Callable[[CaseJob], list | None]):
    """Compose, convert and split; the documents are rendered (or reopened) one case at a time as they
    are composed, so that a worker holds one case's document trees besides the chunk's, not all of them."""
    titles = tuple(kind.title for kind in DOCUMENTS)
    composed: list[CaseJob] = []

    def packets():
        for job in jobs:
            found = documents(job)
            if found is not None:
                composed.append(job)
                yield PacketDocs(job.case_id, tuple(found))
                del found
                gc.collect()  # document trees are reference cycles: collect them case by case, not per chunk

    with tempfile.TemporaryDirectory(prefix="chunk-", dir=converter.profile.parent) as folder:
        docx = Path(folder) / "chunk.docx"
        chunk = compose(packets())
        if chunk is None:  # no case of the chunk rendered
            return []
        chunk.save(docx)
        del chunk
        pdf = converter.convert(docx)
        try:
            return list(zip(composed, split_chunk(pdf, [(job.case_id, titles) for job in composed]), strict=True))
        except (KeyError, ValueError) as exc:
            raise ConversionError(_("PDF中找不到文书分隔标记（{mark}）").format(mark=exc)) from exc


def _reopen(outcome: CaseOutcome) -> list:
    return [Document(io.BytesIO(outcome.documents[kind.name])) for kind in DOCUMENTS]


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
