"""The unit of work: a chunk of cases (their template contexts) → finished documents as bytes.

A pure function of its inputs, so it can run in this process, in a worker process, or on another
machine. Rendering, composing, converting and splitting happen here; writing files does not.
A chunk whose conversion fails is narrowed down case by case, so one bad case costs only itself.
"""

from __future__ import annotations

import io
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document

from pipeline.assemble import PacketLayout, split_chunk
from pipeline.compose import PacketDocs, compose
from pipeline.convert import ConversionError, Converter
from pipeline.render import DOCUMENTS, TemplateSet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseJob:
    case_id: str
    context: dict


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


def build_chunk(jobs: list[CaseJob], templates: TemplateSet, converter: Converter) -> list[CaseOutcome]:
    outcomes = {job.case_id: CaseOutcome(job.case_id) for job in jobs}
    rendered: list[tuple[CaseJob, list]] = []
    for job in jobs:
        try:
            documents = [templates.render(kind.name, job.context) for kind in DOCUMENTS]
        except Exception as exc:  # a template or a value that does not render: this case only
            log.exception("rendering %s failed", job.case_id)
            outcomes[job.case_id].error = f"文书生成失败：{type(exc).__name__}: {exc}"
            continue
        for kind, document in zip(DOCUMENTS, documents, strict=True):
            outcomes[job.case_id].documents[kind.name] = _docx_bytes(document)
        rendered.append((job, documents))
    _convert(rendered, outcomes, converter)
    return [outcomes[job.case_id] for job in jobs]


def _convert(rendered, outcomes: dict[str, CaseOutcome], converter: Converter) -> None:
    if not rendered:
        return
    try:
        packets = _convert_together(rendered, converter)
    except ConversionError as exc:
        if len(rendered) == 1:
            outcomes[rendered[0][0].case_id].error = f"PDF转换失败：{exc}"
            return
        log.warning("chunk of %d failed to convert (%s); converting case by case", len(rendered), exc)
        for job, _ in rendered:
            # Composing consumed the rendered documents; start again from the saved copies.
            saved = outcomes[job.case_id].documents
            _convert([(job, [Document(io.BytesIO(saved[k.name])) for k in DOCUMENTS])], outcomes, converter)
        return
    for (job, _), (layout, data) in zip(rendered, packets, strict=True):
        outcomes[job.case_id].packet = data
        outcomes[job.case_id].layout = layout


def _convert_together(rendered, converter: Converter):
    titles = tuple(kind.title for kind in DOCUMENTS)
    with tempfile.TemporaryDirectory(prefix="packets-chunk-") as folder:
        docx = Path(folder) / "chunk.docx"
        compose([PacketDocs(job.case_id, tuple(docs)) for job, docs in rendered]).save(docx)
        pdf = converter.convert(docx)
        try:
            return split_chunk(pdf, [(job.case_id, titles) for job, _ in rendered])
        except (KeyError, ValueError) as exc:
            raise ConversionError(f"PDF中找不到文书分隔标记（{exc}）") from exc


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
