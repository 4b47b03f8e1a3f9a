"""Which packets are up to date: a re-run rebuilds only what its inputs changed.

Each case folder holds `manifest.json`, written last (after the PDFs), with a key over everything
a packet depends on: the row as read, the evidence scans, the packet date, the templates, the
schemas (lender names, labels), the organisation profile, the page layout (duplex), tagging and the program
version. A run interrupted between the packet and the manifest simply rebuilds that case next time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline import __version__
from pipeline.output.files import write_atomically

MANIFEST = "manifest.json"


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class RunFingerprint:
    """The part of every case's key that the whole run shares."""

    packet_date: date
    templates: str  # digest of the template files in use
    schemas: str  # digest of schemas/*.yaml (labels and lender names appear in the documents)
    organisation: str  # digest of the organisation profile and logo ('' without one)
    duplex: bool
    tagged: bool = False

    @classmethod
    def of(cls, packet_date: date, templates: dict[str, bytes], schema_files: list[Path], organisation: str,
           duplex: bool, tagged: bool = False) -> RunFingerprint:
        return cls(
            packet_date=packet_date,
            templates=_digest(*(name.encode() + templates[name] for name in sorted(templates))),
            schemas=_digest(*(path.name.encode() + path.read_bytes() for path in schema_files)),
            organisation=organisation,
            duplex=duplex,
            tagged=tagged,
        )

    def case_key(self, rows: list[dict[str, str]], attachments: tuple[str, ...] = ()) -> str:
        """`rows`: the client's rows as read, in input order; `attachments`: digests of its evidence
        scans, whose content the rows do not show."""
        row = json.dumps(rows[0] if len(rows) == 1 else rows, ensure_ascii=False, sort_keys=True)
        parts = (row, self.packet_date.isoformat(), self.templates, self.schemas, self.organisation,
                 "duplex" if self.duplex else "simplex", __version__, *attachments)
        if self.tagged:  # after the rest: an untagged packet keeps the key it had before tagging existed
            parts += ("tagged",)
        return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def is_current(folder: Path, key: str) -> bool:
    try:
        recorded = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return recorded.get("key") == key and (folder / "packet.pdf").is_file()


def write_manifest(folder: Path, key: str, packet_date: date) -> None:
    record = {"key": key, "packet_date": packet_date.isoformat(), "version": __version__}
    write_atomically(folder / MANIFEST, json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
