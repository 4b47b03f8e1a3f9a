"""Validate raw rows against the contract: a typed `Case` (with its evidence scans attached), or
the row's problems.

Every problem of a row is collected (not only the first), each naming the column as the file
spells it and the offending value, masked when it is personal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cerberus
from cerberus import errors as cerr

from pipeline.common.errors import UNREADABLE, RowError
from pipeline.common.i18n import _
from pipeline.common.mask import shown
from pipeline.common.model import Case, EvidenceItem
from pipeline.contract import coerce
from pipeline.contract.messages import problem_text, rule_code
from pipeline.contract.schema import Contract
from pipeline.contract.validator import CaseValidator
from pipeline.intake.evidence_files import load_attachments
from pipeline.intake.rows import RawRow


@dataclass(frozen=True)
class Validated:
    case: Case | None
    problems: tuple[RowError, ...]  # errors and warnings of the row


class BatchValidator:
    """Validates the rows of one batch, in order; case ids must be unique across all its files."""

    def __init__(self, contract: Contract, packet_date: date):
        self.contract = contract
        self.validator = CaseValidator(
            contract.cerberus_schema, contract=contract, packet_date=packet_date, purge_unknown=True
        )

    def validate(self, raw: RawRow, folder: Path | None = None) -> Validated:
        """`folder`: where the input file is; evidence scans are found relative to it."""
        if any(p.code in UNREADABLE for p in raw.problems):
            return Validated(None, raw.problems)
        self.validator.current_row = (raw.source, raw.row)
        ok = self.validator.validate(dict(raw.cells))
        # A cell that could not be read is named once (by intake), not again as empty.
        unread = {p.column for p in raw.problems if p.column}
        errors = [e for e in self.validator.errors if raw.headers.get(e.field) not in unread]
        problems = list(raw.problems) + self._messages(raw, errors)
        if not ok or any(p.is_error for p in problems):
            return Validated(None, tuple(problems))
        case = self._case(raw, self.validator.document, problems)
        if raw.cells.get("evidence_files"):
            attachments, missing = load_attachments(raw.cells["evidence_files"], folder or Path.cwd(),
                                                    raw.source, raw.row, raw.headers["evidence_files"])
            if missing:
                return Validated(None, tuple(problems) + missing)
            case = dataclasses.replace(case, attachments=attachments)
        return Validated(case, tuple(problems))

    def _messages(self, raw: RawRow, errors: Iterable[cerberus.errors.ValidationError]) -> list[RowError]:
        errors = list(errors)
        coercion_failed = {e.field for e in errors if e.code == cerr.COERCION_FAILED.code}
        order = list(self.contract.columns)
        result = []
        for error in sorted(errors, key=lambda e: order.index(e.field)):
            if error.code == cerr.BAD_TYPE.code and error.field in coercion_failed:
                continue  # the coercion message already says what is wrong
            column = self.contract.columns[error.field]
            header = raw.headers.get(error.field, column.header)
            value = shown(raw.cells.get(error.field, ""), column.personal)
            result.append(RowError(
                raw.source, raw.row, header, value, rule_code(error),
                (_("「{column}」“{value}”{problem}") if value else _("「{column}」{problem}")).format(
                    column=header, value=value, problem=problem_text(error, column)),
            ))
        return result

    def _case(self, raw: RawRow, doc: dict, warnings: list[RowError]) -> Case:
        columns = self.contract.columns
        keys = {name: tuple(columns[name].key_for(item) for item in doc[name]) for name in ("hardship_types", "requests")}
        evidence = tuple(
            EvidenceItem(columns["evidence"].key_for(kind), pages) for kind, pages in doc.get("evidence", [])
        )
        return Case(
            source=raw.source,
            row=raw.row,
            case_id=doc["case_id"],
            borrower_name=doc["borrower_name"],
            id_number=doc["id_number"],
            phone=doc["phone"],
            address=doc.get("address", ""),
            lender=self.contract.lenders[doc["lender"]],
            loan_contract_no=doc.get("loan_contract_no", ""),
            principal=doc["principal"],
            interest=doc.get("interest"),
            penalty=doc.get("penalty"),
            overdue_since=doc["overdue_since"],
            monthly_income=doc["monthly_income"],
            income_scope=columns["income_scope"].key_for(coerce.narrow(doc["income_scope"])),
            monthly_expenses=doc["monthly_expenses"],
            other_debt_payments=doc["other_debt_payments"],
            dependents=doc["dependents"],
            hardship_types=keys["hardship_types"],
            hardship_details=doc["hardship_details"],
            requests=keys["requests"],
            installments=doc.get("installments"),
            deferral_months=doc.get("deferral_months"),
            first_payment_date=doc.get("first_payment_date"),
            funds_source=doc.get("funds_source", ""),
            evidence=evidence,
            caseworker=doc.get("caseworker", ""),
            lender_given="lender" in raw.cells,
            creditor=doc.get("creditor", ""),
            headers=dict(raw.headers),
            warnings=tuple(warnings),
        )
