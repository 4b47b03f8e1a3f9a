"""Validate raw rows against the contract: the rows of one client (those sharing a 案件编号) → a typed
`Case` with its debts (and its evidence scans attached), or the problems of its rows.

A client's columns (姓名, 身份证号, 月收入…) may be left blank on the client's other rows; where two
rows give different values, the case is invalid with one message naming both rows. Every problem of
a row is collected (not only the first), each naming the column as the file spells it and the
offending value, masked when it is personal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cerberus
from cerberus import errors as cerr

from pipeline.common.errors import UNREADABLE, Code, RowError
from pipeline.common.i18n import _
from pipeline.common.mask import shown
from pipeline.common.model import Attachment, Case, Debt, EvidenceItem, Lender
from pipeline.contract import coerce
from pipeline.contract.messages import problem_text, rule_code
from pipeline.contract.schema import Contract
from pipeline.contract.validator import CaseValidator
from pipeline.intake.evidence_files import load_attachments
from pipeline.intake.rows import RawRow

Located = tuple[RawRow, Path | None]  # a row and the folder its file is in (evidence is found from there)


@dataclass(frozen=True)
class Validated:
    case: Case | None
    problems: tuple[RowError, ...]  # errors and warnings of the case's rows, each naming its row


@dataclass(frozen=True)
class SameBorrower:
    """Another case of the batch with this client's ID number."""

    case_id: str
    source: str
    row: int


class BatchValidator:
    """Validates the cases of one batch, one client (a group of rows) at a time."""

    def __init__(self, contract: Contract, packet_date: date):
        self.contract = contract
        self.validator = CaseValidator(
            contract.cerberus_schema, contract=contract, packet_date=packet_date, purge_unknown=True
        )
        self.client_columns = tuple(key for key, column in contract.columns.items() if column.client)

    def validate(self, raw: RawRow, folder: Path | None = None) -> Validated:
        """One row that is a whole case (`folder`: where the input file is)."""
        return self.validate_case([(raw, folder)])

    def validate_case(self, rows: Sequence[Located], elsewhere: Iterable[SameBorrower] = ()) -> Validated:
        """The rows of one client, in input order; `elsewhere`: other cases with the same ID number."""
        readable = [(raw, folder) for raw, folder in rows if not any(p.code in UNREADABLE for p in raw.problems)]
        problems = [p for raw, _folder in rows if any(p.code in UNREADABLE for p in raw.problems)
                    for p in raw.problems]
        if not readable:
            return Validated(None, tuple(problems))
        given = self._client_values(readable)
        documents: list[tuple[RawRow, Path | None, dict | None]] = []
        for raw, folder in readable:
            filled = {key: value for key, (_raw, value) in given.items() if key not in raw.cells}
            document, found = self._validate_row(raw, filled)
            documents.append((raw, folder, document))
            problems += found
        valid = [(raw, folder, doc) for raw, folder, doc in documents if doc is not None]
        if len(valid) == len(documents):
            problems += self._disagreements(valid)
            problems += self._other_cases(valid, list(elsewhere))
        if any(p.is_error for p in problems) or len(valid) < len(documents):
            return Validated(None, tuple(problems))
        attachments, missing = self._attachments(valid)
        if missing:
            return Validated(None, tuple(problems + missing))
        case = self._case(valid, attachments)
        return Validated(case, tuple(problems))

    # -- one row
    def _validate_row(self, raw: RawRow, filled: dict[str, str]) -> tuple[dict | None, list[RowError]]:
        """Cerberus on the row, its blank client columns filled from the client's other rows (their
        own problems are that row's, not named again here)."""
        ok = self.validator.validate({**raw.cells, **filled})
        # A cell that could not be read is named once (by intake), not again as empty.
        unread = {p.column for p in raw.problems if p.column}
        errors = [e for e in self.validator.errors
                  if raw.headers.get(e.field) not in unread and e.field not in filled]
        found = list(raw.problems) + self._messages(raw, errors)
        document = self.validator.document
        if ok and "lender" not in document and not document.get("creditor"):
            found.append(self._no_lender(raw))
        # Not ok with no message of its own: a value filled in from another row failed (that row says so).
        return (document if ok and not any(p.is_error for p in found) else None), found

    def _no_lender(self, raw: RawRow) -> RowError:
        """No lender is ever assumed: a letter to the wrong legal person is worthless."""
        header = raw.headers.get("lender", self.contract.columns["lender"].header)
        creditor = raw.headers.get("creditor", self.contract.columns["creditor"].header)
        return RowError(raw.source, raw.row, header, "", Code.NO_LENDER, _(
            "「{column}」为必填项：请填写这笔借款的贷款机构（产品名称，见贷款机构名单）；名单上没有的机构，"
            "可以留空本列，在「{creditor}」中填写借款合同上贷款人的全称").format(column=header, creditor=creditor))

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

    # -- the client's rows together
    def _client_values(self, rows: list[Located]) -> dict[str, tuple[RawRow, str]]:
        """Each client column's value as the first row that gives it has it."""
        given: dict[str, tuple[RawRow, str]] = {}
        for raw, _folder in rows:
            for key in self.client_columns:
                if key in raw.cells and key not in given:
                    given[key] = (raw, raw.cells[key])
        return given

    def _disagreements(self, rows: list[tuple[RawRow, Path | None, dict]]) -> list[RowError]:
        """A client column two rows give differently: one message, on the later row, naming both."""
        found = []
        for key in self.client_columns:
            first: tuple[RawRow, object] | None = None
            for raw, _folder, document in rows:
                if key not in raw.cells:
                    continue
                value = self._comparable(key, document.get(key))
                if first is None:
                    first = (raw, value)
                    continue
                if key == "case_id" and raw.cells[key] != first[0].cells[key]:
                    found.append(self._case_id_spelling(first[0], raw))
                elif value != first[1]:
                    found.append(self._disagreement(key, first[0], raw))
        return found

    def _comparable(self, key: str, value):
        column = self.contract.columns[key]
        if key == "evidence":
            return tuple((column.key_for(kind), pages) for kind, pages in value or ())
        if column.labels and isinstance(value, list):
            return tuple(column.key_for(item) for item in value)
        if column.labels and isinstance(value, str):
            return column.key_for(coerce.narrow(value))
        return value

    def _disagreement(self, key: str, first: RawRow, later: RawRow) -> RowError:
        column = self.contract.columns[key]
        header = later.headers.get(key, column.header)
        ours, theirs = shown(later.cells[key], column.personal), shown(first.cells[key], column.personal)
        return RowError(later.source, later.row, header, ours, Code.CLIENT_DISAGREES, _(
            "「{column}」“{value}”与同一案件{where}的“{other}”不一致：同一案件编号的各行是同一个借款人的借款，"
            "请填写相同的内容（或在后面的行中留空）；不是同一个人的，请改用不同的案件编号").format(
                column=header, value=ours, where=_where(first, later), other=theirs))

    def _case_id_spelling(self, first: RawRow, later: RawRow) -> RowError:
        header = later.headers.get("case_id", "案件编号")
        return RowError(later.source, later.row, header, shown(later.cells["case_id"]), Code.CLIENT_DISAGREES, _(
            "「{column}」“{value}”与{where}的“{other}”只有大小写不同（文件夹名不区分大小写）：同一借款人请写成完全相同的"
            "案件编号，不同借款人请用不同的编号").format(
                column=header, value=shown(later.cells["case_id"]), where=_where(first, later),
                other=shown(first.cells["case_id"])))

    def _other_cases(self, rows: list[tuple[RawRow, Path | None, dict]], elsewhere: list[SameBorrower]) -> list[RowError]:
        """The client's ID number under another 案件编号: their offers would not share one budget."""
        if not elsewhere:
            return []
        raw = next(raw for raw, _folder, _doc in rows if "id_number" in raw.cells)
        header = raw.headers.get("id_number", "身份证号")
        others = "、".join(_("{case}（{where}）").format(case=other.case_id, where=_where_row(other.source, other.row, raw))
                          for other in elsewhere)
        return [RowError(raw.source, raw.row, header, shown(raw.cells["id_number"], "id"), Code.SAME_BORROWER, _(
            "「{column}」与案件{others}的身份证号相同：同一借款人的每笔借款请填写同一个案件编号，"
            "这样各笔还款方案才会共用一份预算、加起来不超过他能负担的数额").format(column=header, others=others))]

    def _attachments(self, rows: list[tuple[RawRow, Path | None, dict]]) -> tuple[tuple[Attachment, ...], list[RowError]]:
        for raw, folder, _document in rows:
            if raw.cells.get("evidence_files"):
                attachments, missing = load_attachments(raw.cells["evidence_files"], folder or Path.cwd(),
                                                        raw.source, raw.row, raw.headers["evidence_files"])
                return attachments, list(missing)
        return (), []

    def _case(self, rows: list[tuple[RawRow, Path | None, dict]], attachments: tuple[Attachment, ...]) -> Case:
        columns = self.contract.columns
        first, _folder, doc = rows[0]
        evidence = tuple(
            EvidenceItem(columns["evidence"].accepted_key(kind), pages) for kind, pages in doc.get("evidence", [])
        )
        return Case(
            source=first.source,
            row=first.row,
            case_id=doc["case_id"],
            borrower_name=doc["borrower_name"],
            id_number=doc["id_number"],
            phone=doc["phone"],
            address=doc.get("address", ""),
            monthly_income=doc["monthly_income"],
            income_scope=columns["income_scope"].accepted_key(coerce.narrow(doc["income_scope"])),
            monthly_expenses=doc["monthly_expenses"],
            other_debt_payments=doc["other_debt_payments"],
            dependents=doc["dependents"],
            hardship_types=tuple(columns["hardship_types"].accepted_key(item) for item in doc["hardship_types"]),
            hardship_details=doc["hardship_details"],
            evidence=evidence,
            caseworker=doc.get("caseworker", ""),
            debts=tuple(self._debt(raw, document) for raw, _folder, document in rows),
            attachments=attachments,
            headers=dict(first.headers),
        )

    def _debt(self, raw: RawRow, doc: dict) -> Debt:
        requests = self.contract.columns["requests"]
        return Debt(
            source=raw.source,
            row=raw.row,
            lender=self._lender(doc),
            loan_contract_no=doc.get("loan_contract_no", ""),
            principal=doc["principal"],
            interest=doc.get("interest"),
            penalty=doc.get("penalty"),
            overdue_since=doc["overdue_since"],
            requests=tuple(requests.accepted_key(item) for item in doc["requests"]),
            installments=doc.get("installments"),
            deferral_months=doc.get("deferral_months"),
            first_payment_date=doc.get("first_payment_date"),
            funds_source=doc.get("funds_source", ""),
            creditor=doc.get("creditor", ""),
            headers=dict(raw.headers),
        )

    def _lender(self, doc: dict) -> Lender:
        if "lender" in doc:
            return self.contract.lenders[doc["lender"]]
        # A creditor on no list (the letter goes to it; channels only from the contract or its own app).
        return Lender(doc["creditor"], doc["creditor"], kind="unlisted")


def _where(first: RawRow, later: RawRow) -> str:
    return _where_row(first.source, first.row, later)


def _where_row(source: str, row: int, here: RawRow) -> str:
    return (_("第{row}行").format(row=row) if source == here.source
            else _("{file}第{row}行").format(file=source, row=row))
