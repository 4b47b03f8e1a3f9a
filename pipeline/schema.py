"""The data contract, read from schemas/*.yaml: columns, headers, enumerations, lenders.

Everything staff may change (headers, labels, the lender list, expected evidence) is data in
`schemas/`; the code reads it from here only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from pipeline.model import Lender

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = PROJECT_ROOT / "schemas"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese header as in staff exports
    description: str
    required: bool
    labels: dict[str, str]  # enumeration key → Chinese label ({} when not an enumeration)
    personal: str  # 'id', 'phone' or '' — how to mask its values outside the documents
    example: str  # a filled-in value as staff would type it (intake workbook, template check)

    def key_for(self, text: str) -> str | None:
        """An enumeration item as typed (key or label, any case) → its key."""
        folded = text.casefold()
        for key, label in self.labels.items():
            if folded in (key.casefold(), label.casefold()):
                return key
        return None


class Contract:
    """The loaded schemas: the Cerberus schema plus what the rest of the pipeline needs."""

    def __init__(self, schemas_dir: Path = SCHEMAS_DIR):
        self.dir = schemas_dir
        self.cerberus_schema: dict = yaml.safe_load((schemas_dir / "case.yaml").read_text("utf-8"))
        self.columns: dict[str, Column] = {
            key: Column(
                key=key,
                header=rules["meta"]["header"],
                description=rules["meta"]["description"],
                required=bool(rules.get("required")),
                labels=dict(rules["meta"].get("labels", {})),
                personal=rules["meta"].get("personal", ""),
                example=str(rules["meta"].get("example", "")),
            )
            for key, rules in self.cerberus_schema.items()
        }
        self.lenders: dict[str, Lender] = {}
        self.lender_aliases: dict[str, str] = {}
        for key, entry in yaml.safe_load((schemas_dir / "lenders.yaml").read_text("utf-8")).items():
            self.lenders[key] = Lender(key, entry["legal_name"], tuple(entry.get("channels", ())))
            for name in [key, entry["legal_name"], *entry.get("aliases", ())]:
                self.lender_aliases[name.casefold()] = key
        expected = yaml.safe_load((schemas_dir / "evidence.yaml").read_text("utf-8"))
        self.evidence_always: list[list[str]] = expected["always"]
        self.evidence_by_hardship: dict[str, list[list[str]]] = expected["by_hardship"]

    @cached_property
    def header_to_key(self) -> dict[str, str]:
        """Both the English key and the Chinese header name a column."""
        mapping = {}
        for column in self.columns.values():
            mapping[column.key.casefold()] = column.key
            mapping[column.header.casefold()] = column.key
        return mapping

    def label(self, column: str, key: str) -> str:
        return self.columns[column].labels[key]


_default: Contract | None = None


def default_contract() -> Contract:
    global _default
    if _default is None:
        _default = Contract()
    return _default
