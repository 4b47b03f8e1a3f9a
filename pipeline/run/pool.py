"""What a pool of workers offers the batch: chunks in, finished chunks out, a bounded number in
flight. The batch pushes chunks as it reads its input and writes results as they come back;
memory stays flat however long the input is."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from pipeline.common.i18n import _
from pipeline.run.chunk import CaseOutcome, Chunk


@dataclass(frozen=True)
class ChunkResult:
    chunk: Chunk
    outcomes: list[CaseOutcome]  # one per case of the chunk, in its order


class Pool(Protocol):
    """Use as a context manager; leaving it by an exception stops the workers at once."""

    def __enter__(self) -> Pool: ...

    def __exit__(self, kind, value, traceback) -> None: ...

    def submit(self, chunk: Chunk) -> list[ChunkResult]:
        """Hand a chunk over; waits while the pool is full, and returns the chunks that finished."""

    def drain(self) -> Iterator[ChunkResult]:
        """The chunks still in flight, as they finish."""


def failed_outcomes(chunk: Chunk, exc: BaseException) -> list[CaseOutcome]:
    """A chunk lost to a bug or a dead worker: each of its cases fails, the batch goes on."""
    reason = _("内部错误（{kind}），详情见日志").format(kind=type(exc).__name__)
    return [CaseOutcome(job.case_id, error=reason) for job in chunk.jobs]
