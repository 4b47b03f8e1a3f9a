"""The unit of work: a chunk of cases (their template contexts) + the templates → finished documents
as bytes.

`run_chunk` is a pure function of its inputs (the LibreOffice it calls is a per-process resource,
not state), so it runs the same in this process, in a worker process, or on another machine.
Rendering, composing, converting and splitting happen here; writing files does not.
A chunk whose conversion fails is split in halves until the case that causes it is found; one bad
case costs only itself.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass, field
from multiprocessing.util import Finalize
from pathlib import Path

from docx import Document

from pipeline.assemble import PacketLayout, insert_attachments, split_chunk
from pipeline.compose import PacketDocs, compose
from pipeline.convert import ConversionError, Converter
from pipeline.i18n import _, set_language
from pipeline.office import open_converter
from pipeline.render import DOCUMENTS, TemplateSet

log = logging.getLogger(__name__)

COVER_SHEET = [kind.name for kind in DOCUMENTS].index("evidence_cover")  # scans follow it


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


# One converter and one parsed template set per process, reused by every chunk it runs.
_converters: dict[ConverterSettings, Converter] = {}
_template_sets: dict[str, TemplateSet] = {}


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
    try:
        return build_chunk(list(chunk.jobs), _template_sets[digest], _converters[settings], settings.retries)
    finally:
        # python-docx trees hold reference cycles whose lxml memory the collector does not see;
        # left to the usual thresholds they pile up chunk after chunk.
        gc.collect()


def build_chunk(jobs: list[CaseJob], templates: TemplateSet, converter: Converter, retries: int = 1) -> list[CaseOutcome]:
    outcomes = {job.case_id: CaseOutcome(job.case_id) for job in jobs}
    rendered: list[CaseJob] = []
    fresh: dict[str, list] = {}  # rendered documents not yet consumed by composing
    for job in jobs:
        try:
            documents = [templates.render(kind.name, job.context) for kind in DOCUMENTS]
        except Exception as exc:  # a template or a value that does not render: this case only
            log.exception("rendering %s failed", job.case_id)
            outcomes[job.case_id].error = _("文书生成失败：{kind}: {detail}").format(kind=type(exc).__name__, detail=exc)
            continue
        for kind, document in zip(DOCUMENTS, documents, strict=True):
            outcomes[job.case_id].documents[kind.name] = _docx_bytes(document)
        rendered.append(job)
        fresh[job.case_id] = documents
    _convert(rendered, outcomes, converter, retries, fresh)
    return [outcomes[job.case_id] for job in jobs]


def _convert(jobs: list[CaseJob], outcomes: dict[str, CaseOutcome], converter: Converter, retries: int,
             fresh: dict[str, list]) -> None:
    if not jobs:
        return
    try:
        packets = _convert_together(jobs, outcomes, converter, fresh)
    except ConversionError as exc:
        if len(jobs) == 1:
            if retries > 0:
                log.warning("case %s failed to convert (%s); retrying", jobs[0].case_id, exc)
                _convert(jobs, outcomes, converter, retries - 1, fresh)
            else:
                outcomes[jobs[0].case_id].error = _("PDF转换失败：{reason}").format(reason=exc)
            return
        log.warning("chunk of %d failed to convert (%s); splitting it", len(jobs), exc)
        middle = len(jobs) // 2
        _convert(jobs[:middle], outcomes, converter, retries, fresh)
        _convert(jobs[middle:], outcomes, converter, retries, fresh)
        return
    for job, (layout, data) in zip(jobs, packets, strict=True):
        if job.attachments:
            layout, data = insert_attachments(data, layout, job.attachments, after=COVER_SHEET)
        outcomes[job.case_id].packet = data
        outcomes[job.case_id].layout = layout


def _convert_together(jobs: list[CaseJob], outcomes: dict[str, CaseOutcome], converter: Converter,
                      fresh: dict[str, list]):
    titles = tuple(kind.title for kind in DOCUMENTS)
    packets = [PacketDocs(job.case_id, tuple(fresh.pop(job.case_id, None) or _reopen(outcomes[job.case_id])))
               for job in jobs]
    with tempfile.TemporaryDirectory(prefix="chunk-", dir=converter.profile.parent) as folder:
        docx = Path(folder) / "chunk.docx"
        compose(packets).save(docx)
        pdf = converter.convert(docx)
        try:
            return split_chunk(pdf, [(job.case_id, titles) for job in jobs])
        except (KeyError, ValueError) as exc:
            raise ConversionError(_("PDF中找不到文书分隔标记（{mark}）").format(mark=exc)) from exc


def _reopen(outcome: CaseOutcome) -> list:
    """Composing changes the documents it takes in; a second attempt starts from the saved copies."""
    return [Document(io.BytesIO(outcome.documents[kind.name])) for kind in DOCUMENTS]


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
