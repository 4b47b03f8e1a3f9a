"""Which packets are up to date: a re-run rebuilds only what its inputs changed.

Each case folder holds `manifest.json`, written last (after packet.pdf), with a key over everything
a packet depends on: the row as read, the packet date, the three templates, the schemas (lender
names, labels) and the program version. A run interrupted between the packet and the manifest
simply rebuilds that case next time.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

from pipeline import __version__
from pipeline.files import write_atomically
from pipeline.intake import RawRow
from pipeline.schema import Contract

MANIFEST = "manifest.json"


class Fingerprint:
    """The part of the key shared by every case of a run."""

    def __init__(self, packet_date: date, templates: dict[str, bytes], contract: Contract, duplex: bool = False,
                 organisation: str = ""):
        digest = hashlib.sha256((b"duplex" if duplex else b"simplex") + organisation.encode())
        for name in sorted(templates):
            digest.update(name.encode() + hashlib.sha256(templates[name]).digest())
        for schema in sorted(contract.dir.glob("*.yaml")):
            digest.update(schema.name.encode() + hashlib.sha256(schema.read_bytes()).digest())
        self.templates = digest.hexdigest()
        self.packet_date = packet_date.isoformat()

    def case_key(self, raw: RawRow, attachments: tuple[str, ...] = ()) -> str:
        """`attachments`: digests of the evidence scans, whose content the row does not show."""
        row = json.dumps(raw.cells, ensure_ascii=False, sort_keys=True)
        parts = (row, self.packet_date, self.templates, __version__, *attachments)
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
