"""What `packets serve` is told on its command line, and where its state lives under `--data`.

    DATA/packets.sqlite3        users, sessions, batches (states, counts, options), the access log
    DATA/batches/<id>/*.txt     the batch's notes: its file's name, why it failed, notices (batch_notes.py)
    DATA/server.log             errors for the maintainers (ID and phone numbers masked)
    DATA/organisations/*.yaml   organisation profiles staff can choose from (with their logos)
    DATA/batches/<id>/input/    the uploaded spreadsheet and the unpacked evidence scans
    DATA/batches/<id>/out/      the build's output folder, as `packets build --out` writes it
    DATA/batches/<id>/work.log  the errors of its check and build (deleted with the batch)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.serve.store import BATCH_FOLDERS

MB = 2**20


@dataclass(frozen=True, kw_only=True)
class ServerSettings:
    data: Path
    retain_days: int = 30  # a finished batch is deleted this many days after it finished
    max_sheet_bytes: int = 20 * MB
    max_evidence_bytes: int = 200 * MB  # the zip's contents, unpacked (the zip itself is no larger)
    max_evidence_entries: int = 5000
    quota_bytes: int = 5 * 1024 * MB  # everything one user's batches hold on disk, checked at each upload
    jobs: int = 1  # worker processes of one build (each with its own LibreOffice)
    soffice: str | None = None  # LibreOffice program; None: found on PATH
    run_jobs: bool = True  # False: nothing is checked or built (tests of the pages alone)
    warm_office: bool = False  # keep the next build's LibreOffice started (`packets serve` does; jobs.py)
    purge_every: float = 3600.0  # seconds between retention passes

    @property
    def database(self) -> Path:
        return self.data / "packets.sqlite3"

    @property
    def log_file(self) -> Path:
        return self.data / "server.log"

    @property
    def organisations(self) -> Path:
        return self.data / "organisations"

    @property
    def batches(self) -> Path:
        return self.data / BATCH_FOLDERS

    def batch_folder(self, batch_id: str) -> Path:
        return self.batches / batch_id

    @property
    def max_request_bytes(self) -> int:
        """A whole upload: the spreadsheet, the evidence zip and the form's few small fields."""
        return self.max_sheet_bytes + self.max_evidence_bytes + MB
