"""Validate raw rows against the Cerberus schema in schemas/case.yaml: a Case, or the row's errors.

Every problem of a row is collected (not only the first), each naming the column as the file
spells it and the offending value, masked when it is personal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import cerberus
from cerberus import errors as cerr

from pipeline import coerce
from pipeline.errors import RowError
from pipeline.i18n import _
from pipeline.intake import UNREADABLE, RawRow
from pipeline.mask import shown
from pipeline.model import Case, EvidenceItem
from pipeline.schema import Contract

RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
# Cells that are not free text (amounts, dates, numbers, lists) are never longer than this.
STRUCTURED_CELL_LIMIT = 200


class CaseValidator(cerberus.Validator):
    """Cerberus with the contract's own types, coercers and rules.

    One instance validates a whole batch: it remembers case_ids already seen, so that a repeat
    names the first row that used it.
    """

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["decimal"] = cerberus.TypeDefinition("decimal", (Decimal,), ())

    def __init__(self, *args, contract: Contract, packet_date: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.packet_date = packet_date
        self.seen_case_ids: dict[str, int] = {}
        self.current_row = 0

    # -- coercers: cell text → typed value (a ValueError becomes the cell's error message)
    def _normalize_coerce_text(self, value):
        return coerce.parse_text(value)

    def _normalize_coerce_money(self, value):
        return coerce.parse_money(_limited(value))

    def _normalize_coerce_date(self, value):
        return coerce.parse_date(_limited(value))

    def _normalize_coerce_integer(self, value):
        return coerce.parse_integer(_limited(value))

    def _normalize_coerce_id_number(self, value):
        return coerce.parse_id_number(_limited(value))

    def _normalize_coerce_phone(self, value):
        return coerce.parse_phone(_limited(value))

    def _normalize_coerce_items(self, value):
        return coerce.parse_items(_limited(value))

    def _normalize_coerce_evidence(self, value):
        return coerce.parse_evidence(_limited(value))

    def _normalize_coerce_lender(self, value):
        key = self.contract.lender_aliases.get(coerce.narrow(str(_limited(value))).casefold())
        if key is None:
            names = "、".join(self.contract.lenders)
            raise ValueError(_("不在贷款机构名单中（现有：{names}），如需新增请编辑 schemas/lenders.yaml").format(names=names))
        return key

    # -- rules
    def _validate_positive(self, constraint, field, value):
        """{'type': 'boolean'}"""
        if constraint and value <= 0:
            self._error(field, _("应大于0"))

    def _validate_resident_id(self, constraint, field, value):
        """{'type': 'boolean'}"""
        problem = coerce.id_number_problem(value, self.packet_date)
        if constraint and problem:
            self._error(field, problem)

    def _validate_not_reserved_name(self, constraint, field, value):
        """{'type': 'boolean'}"""
        if constraint and value.casefold() in RESERVED_NAMES:
            self._error(field, _("是系统保留名称，不能用作案件编号（会被用作文件夹名）"))

    def _validate_unique_in_batch(self, constraint, field, value):
        """{'type': 'boolean'}"""
        # Folders are named after case_ids, and Windows and macOS ignore letter case.
        first = self.seen_case_ids.setdefault(value.casefold(), self.current_row)
        if constraint and first != self.current_row:
            self._error(field, _("与第{row}行的案件编号重复，同一批次中案件编号必须唯一").format(row=first))

    def _validate_not_after_packet_date(self, constraint, field, value):
        """{'type': 'boolean'}"""
        if constraint and value > self.packet_date:
            self._error(field, _("晚于材料日期{date}").format(date=self.packet_date.isoformat()))

    def _validate_not_before_packet_date(self, constraint, field, value):
        """{'type': 'boolean'}"""
        if constraint and value < self.packet_date:
            self._error(field, _("早于材料日期{date}").format(date=self.packet_date.isoformat()))

    def _validate_choices(self, constraint, field, value):
        """{'type': 'boolean'}"""
        column = self.contract.columns[field]
        unknown = [
            item[0] if isinstance(item, tuple) else item
            for item in value
            if column.key_for(item[0] if isinstance(item, tuple) else item) is None
        ]
        if constraint and unknown:
            options = "、".join(column.labels.values())
            self._error(field, _("含有不可识别的选项“{items}”，可选：{options}").format(
                items=shown("、".join(unknown)), options=options))
        elif constraint and not value:
            self._error(field, _("至少选择一项，可选：{options}").format(options="、".join(column.labels.values())))

    def _validate_request_needs_column(self, constraint, field, value):
        """{'type': 'dict'}"""
        column = self.contract.columns[field]
        requested = {column.key_for(item) for item in value}
        for request, needed in constraint.items():
            given = self.document.get(needed) is not None
            label = column.labels[request]
            if request in requested and not given:
                self._error(needed, _("为必填项：协商诉求含“{label}”时须填写").format(label=label))
            elif request not in requested and given:
                self._error(needed, _("应留空：协商诉求不含“{label}”（或在协商诉求中加上“{label}”）").format(label=label))


@dataclass(frozen=True)
class Validated:
    case: Case | None
    errors: tuple[RowError, ...]  # errors and warnings of the row


class BatchValidator:
    def __init__(self, contract: Contract, packet_date: date):
        self.contract = contract
        self.validator = CaseValidator(
            contract.cerberus_schema, contract=contract, packet_date=packet_date, purge_unknown=True
        )

    def validate(self, raw: RawRow) -> Validated:
        if any(p.code in UNREADABLE for p in raw.problems):
            return Validated(None, raw.problems)
        self.validator.current_row = raw.row
        ok = self.validator.validate(dict(raw.cells))
        # A cell that could not be read is named once (by intake), not again as empty.
        unread = {p.column for p in raw.problems if p.column}
        errors = [e for e in self.validator._errors if raw.headers.get(e.field) not in unread]
        problems = list(raw.problems) + self._messages(raw, errors)
        if not ok or any(p.is_error for p in problems):
            return Validated(None, tuple(problems))
        return Validated(self._case(raw, self.validator.document, problems), tuple(problems))

    def _messages(self, raw: RawRow, errors: Iterable[cerberus.errors.ValidationError]) -> list[RowError]:
        coercion_failed = {e.field for e in errors if e.code == cerr.COERCION_FAILED.code}
        order = list(self.contract.columns)
        result = []
        for error in sorted(errors, key=lambda e: order.index(e.field)):
            if error.code == cerr.BAD_TYPE.code and error.field in coercion_failed:
                continue  # the coercion message already says what is wrong
            column = self.contract.columns[error.field]
            header = raw.headers.get(error.field, column.header)
            value = shown_value(raw.cells.get(error.field, ""), column.personal)
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
            interest=doc["interest"],
            penalty=doc["penalty"],
            overdue_since=doc["overdue_since"],
            monthly_income=doc["monthly_income"],
            monthly_expenses=doc["monthly_expenses"],
            other_debt_payments=doc["other_debt_payments"],
            dependents=doc["dependents"],
            hardship_types=keys["hardship_types"],
            hardship_details=doc["hardship_details"],
            requests=keys["requests"],
            installments=doc.get("installments"),
            deferral_months=doc.get("deferral_months"),
            first_payment_date=doc.get("first_payment_date"),
            evidence=evidence,
            caseworker=doc.get("caseworker", ""),
            warnings=tuple(warnings),
        )


def shown_value(text: str, personal: str) -> str:
    return shown(text, personal)


def _limited(value):
    """A structured cell (amount, date, number, list) far longer than any real value is refused
    before it is parsed, with the limit named."""
    if isinstance(value, str) and len(value) > STRUCTURED_CELL_LIMIT:
        raise ValueError(_("过长：最多{limit}个字符，现为{length}个").format(limit=STRUCTURED_CELL_LIMIT, length=len(value)))
    return value


def rule_code(error: cerberus.errors.ValidationError) -> str:
    if error.code == cerr.COERCION_FAILED.code:
        return f"bad_{error.field}"
    return error.rule or "invalid"


def problem_text(error: cerberus.errors.ValidationError, column) -> str:
    code = error.code
    description = _(column.description)  # schemas/case.yaml; the English catalog has them too
    if code == cerr.REQUIRED_FIELD.code:
        return _("为必填项，不能为空（{description}）").format(description=description)
    if code == cerr.COERCION_FAILED.code:
        return _("：{reason}").format(reason=error.info[0])
    if code == cerr.MIN_LENGTH.code:
        return _("过短：至少{limit}个字符，现为{length}个（{description}）").format(
            limit=error.constraint, length=len(error.value), description=description)
    if code == cerr.MAX_LENGTH.code:
        return _("过长：最多{limit}个字符，现为{length}个").format(limit=error.constraint, length=len(error.value))
    if code in (cerr.MIN_VALUE.code, cerr.MAX_VALUE.code):
        return _("超出范围（{description}）").format(description=description)
    if code in (cerr.REGEX_MISMATCH.code, cerr.BAD_TYPE.code):
        return _("格式不正确（{description}）").format(description=description)
    if code == cerr.CUSTOM.code:
        return _("：{reason}").format(reason=error.info[0]) if error.info else _("不符合要求")
    return _("不符合要求（{description}）").format(description=description)
