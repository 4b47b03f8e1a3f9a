"""The data contract, read from schemas/*.yaml: columns, headers, enumerations, lenders, evidence.

Everything staff may change (headers, labels, the lender list, expected evidence) is data in
`schemas/`; the code reads it from here only. The lender list and the evidence expectations are
themselves checked (contract/data_files.py) before anything uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pipeline.common.errors import RunError
from pipeline.common.i18n import _
from pipeline.common.model import ExpectedEvidence, Lender
from pipeline.common.resources import shipped_path
from pipeline.contract.data_files import load_data_file
from pipeline.intake.columns import IntakeColumns

SCHEMA_FILES = ("case.yaml", "lenders.yaml", "evidence.yaml")


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Chinese header as in staff exports
    description: str
    required: bool
    labels: dict[str, str]  # enumeration key → Chinese label ({} when not an enumeration)
    personal: str  # 'id', 'phone' or '' — how to mask its values outside the documents
    example: str  # a filled-in value as staff would type it (intake workbook, template check)
    client: bool = False  # the client's, the same on each of the client's rows (else the debt's own)

    def key_for(self, text: str) -> str | None:
        """An enumeration item as typed (key or label, any case) → its key."""
        folded = text.casefold()
        for key, label in self.labels.items():
            if folded in (key.casefold(), label.casefold()):
                return key
        return None

    def accepted_key(self, text: str) -> str:
        """The key of an item the validator has already accepted: a miss here is a bug, not bad input."""
        key = self.key_for(text)
        if key is None:
            raise ValueError(f"{self.key}: {text!r} passed validation but is no item")
        return key


class Contract:
    """The loaded schemas: the Cerberus schema plus what the rest of the pipeline needs."""

    def __init__(self, schemas_dir: Path | None = None):
        self.dir = schemas_dir or shipped_path("schemas")
        self.cerberus_schema: dict = load_data_file(self.dir / "case.yaml", "case")
        self.columns: dict[str, Column] = {
            key: Column(
                key=key,
                header=rules["meta"]["header"],
                description=rules["meta"]["description"],
                required=bool(rules.get("required")),
                labels=dict(rules["meta"].get("labels", {})),
                personal=rules["meta"].get("personal", ""),
                example=str(rules["meta"].get("example", "")),
                client=bool(rules["meta"].get("client")),
            )
            for key, rules in self.cerberus_schema.items()
        }
        self.lenders: dict[str, Lender] = {
            key: _lender(key, entry) for key, entry in load_data_file(self.dir / "lenders.yaml", "lenders").items()}
        self.lender_aliases, self.shared_creditors = _lender_names(self.lenders)
        expected = load_data_file(self.dir / "evidence.yaml", "evidence", self._evidence_kinds())
        self.evidence_always: tuple[ExpectedEvidence, ...] = _expected(expected["always"])
        self.evidence_by_hardship: dict[str, tuple[ExpectedEvidence, ...]] = {
            hardship: _expected(entries) for hardship, entries in expected["by_hardship"].items()}

    def _evidence_kinds(self) -> dict[str, list[str]]:
        """The enumerations evidence.yaml may name (its keys must be hardship types, its items
        evidence kinds)."""
        return {"evidence": list(self.columns["evidence"].labels),
                "hardship_types": list(self.columns["hardship_types"].labels)}

    @cached_property
    def header_to_key(self) -> dict[str, str]:
        """Both the English key and the Chinese header name a column."""
        mapping = {}
        for column in self.columns.values():
            mapping[column.key.casefold()] = column.key
            mapping[column.header.casefold()] = column.key
        return mapping

    @cached_property
    def intake_columns(self) -> IntakeColumns:
        """What intake needs to know to read a file against this contract."""
        return IntakeColumns(
            names=self.header_to_key,
            headers={key: column.header for key, column in self.columns.items()},
            required=tuple(key for key, column in self.columns.items() if column.required),
            personal={key: column.personal for key, column in self.columns.items() if column.personal},
            dates=frozenset(key for key, rules in self.cerberus_schema.items() if rules.get("type") == "date"),
            example=tuple((key, self.columns[key].example) for key in ("case_id", "borrower_name", "id_number")
                          if key in self.columns and self.columns[key].example),
        )

    def schema_files(self) -> list[Path]:
        return [self.dir / name for name in SCHEMA_FILES]

    def label(self, column: str, key: str) -> str:
        return self.columns[column].labels[key]


def _lender(key: str, entry: dict) -> Lender:
    legal_name = entry.get("legal_name", "")
    return Lender(
        key, legal_name, kind=entry["kind"], certainty=entry.get("certainty", "confirmed") if legal_name else "",
        earlier_creditors=tuple(entry.get("earlier_creditors", ())), partner_funded=entry.get("partner_funded", False),
        aliases=tuple(entry.get("aliases", ())), address=entry.get("address", ""), hotline=entry.get("hotline", ""),
        online_service=entry.get("online_service", ""), repayment_channel=entry.get("repayment_channel", ""),
        caution=entry.get("caution", ""))


def _lender_names(lenders: dict[str, Lender]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """What 贷款机构 may say → the entry it names (casefolded), and the creditors' names that several
    entries share (重庆蚂蚁消费金融有限公司 lends both 借呗 and 花呗): those name no entry.

    An entry's own names (key, aliases) belong to it alone: a name another entry also uses, as a name
    or as its creditor's, stops the run.
    """
    owner: dict[str, str] = {}
    creditors: dict[str, list[str]] = {}
    for lender in lenders.values():
        for name in (lender.key, *lender.aliases):
            _refuse_clash(name, lender.key, owner.setdefault(name.casefold(), lender.key))
    for lender in lenders.values():
        for name in dict.fromkeys(n for n in (lender.legal_name, *lender.earlier_creditors) if n):
            _refuse_clash(name, owner.get(name.casefold(), lender.key), lender.key)
            creditors.setdefault(name.casefold(), []).append(lender.key)
    shared = {name: tuple(keys) for name, keys in creditors.items() if len(keys) > 1}
    names = owner | {name: keys[0] for name, keys in creditors.items() if len(keys) == 1 and name not in owner}
    return names, shared


def _refuse_clash(name: str, entry: str, other: str) -> None:
    if entry != other:
        raise RunError(_("lenders.yaml：「{entry}」的名称“{name}”已是「{other}」的名称，一个名称只能对应一个贷款机构").format(
            entry=entry, name=name, other=other))


def _expected(entries: list[dict]) -> tuple[ExpectedEvidence, ...]:
    return tuple(ExpectedEvidence(tuple(entry["kinds"]), entry["what"]) for entry in entries)


_default: Contract | None = None


def default_contract() -> Contract:
    global _default
    if _default is None:
        _default = Contract()
    return _default
