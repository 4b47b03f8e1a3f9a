"""What a caller (the CLI, the office server) asks of a build, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.common.errors import RowOutcome, Status
from pipeline.run.cluster_security import ClusterTls

DEFAULT_CHUNK_SIZE = 12
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True, kw_only=True)
class BuildOptions:
    out: Path
    packet_date: date
    templates: Path | None = None  # a folder of staff templates replacing shipped ones by file name
    soffice: str | None = None  # LibreOffice program; None: found on PATH
    jobs: int = 1  # local worker processes
    chunk_size: int = DEFAULT_CHUNK_SIZE  # cases per LibreOffice conversion
    timeout: float = DEFAULT_TIMEOUT  # seconds one conversion may take
    force: bool = False  # rebuild packets that are up to date
    duplex: bool = False  # pad every document to an even page count
    tagged: bool = False  # tagged PDFs, for screen readers and archives (the build takes longer)
    print_file: bool = False  # also write OUT/print/batch-<date>.pdf
    organisation: Path | None = None  # YAML profile: letterhead and "prepared with the assistance of"
    cluster: str | None = None  # Dask scheduler address; None: local worker processes
    cluster_tls: ClusterTls | None = None  # certificates for a tls:// cluster
    sheet: str | None = None  # worksheet of .xlsx inputs (default: the first)


@dataclass
class BuildSummary:
    outcomes: list[RowOutcome]  # one per input data row, in input order
    notices: list[str] = field(default_factory=list)  # file-level remarks (ignored columns…)
    report: Path | None = None

    @property
    def exit_code(self) -> int:
        return 0 if all(o.status == Status.OK for o in self.outcomes) else 1
