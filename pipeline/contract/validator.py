"""The Cerberus validator of the contract: cell text → typed values (coercers), and the rules
schemas/case.yaml names beyond Cerberus's own (positive, resident_id, card_needs_creditor…).

Each coercer raises ValueError with a Chinese message saying what is expected; Cerberus records it
as an ordinary error of that cell.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import cerberus

from pipeline.common.i18n import N_, _
from pipeline.common.mask import shown
from pipeline.contract import coerce
from pipeline.contract.messages import CollectedErrors
from pipeline.contract.schema import Contract

# Windows device names, and `print`: OUT/print holds the batch's print file.
RESERVED_NAMES = {"con", "prn", "aux", "nul", "print", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
# Cells that are not free text (amounts, dates, numbers, lists) are never longer than this.
STRUCTURED_CELL_LIMIT = 200
# The fix for an unknown lender, for whoever keeps the schemas (the office server shows its
# caseworkers other words instead and logs this one for the administrator).
LENDER_LIST_HINT = N_("其他机构请在 schemas/lenders.yaml 中新增")


class CaseValidator(cerberus.Validator):
    """Cerberus with the contract's own types, coercers and rules.

    One instance validates a whole batch (every input file), one row at a time.
    """

    types_mapping = cerberus.Validator.types_mapping.copy()
    types_mapping["decimal"] = cerberus.TypeDefinition("decimal", (Decimal,), ())

    def __init__(self, *args, contract: Contract, packet_date: date, **kwargs):
        kwargs.setdefault("error_handler", CollectedErrors)
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.packet_date = packet_date

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
        name = coerce.narrow(str(_limited(value))).casefold()
        key = self.contract.lender_aliases.get(name)
        creditor = self.contract.columns["creditor"].header if "creditor" in self.contract.columns else "债权人"
        if name in self.contract.shared_creditors:
            products = "、".join(self.contract.shared_creditors[name])
            raise ValueError(_("是{products}共同的贷款人，请在本列填写产品名称（{products}之一），并把这一名称填入「{creditor}」").format(
                products=products, creditor=creditor))
        if key is None:
            names = "、".join(self.contract.lenders)
            raise ValueError(_("不在贷款机构名单中（现有：{names}）；银行信用卡请填“信用卡”并在「{creditor}」填写发卡银行全称，"
                               "{hint}").format(names=names, creditor=creditor, hint=_(LENDER_LIST_HINT)))
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

    def _validate_card_needs_creditor(self, constraint, field, value):
        """{'type': 'boolean'}"""
        # The letter and the draft agreement go to the issuing bank, which only the row can name.
        lender = self.contract.lenders.get(value)
        if constraint and lender and lender.creditor_needed and not self.document.get("creditor"):
            self._error("creditor", _("为必填项：“{lender}”的债权人是发卡银行，请填写发卡银行的全称（见信用卡账单或领用合约）").format(
                lender=lender.key))

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

    def _validate_single_choice(self, constraint, field, value):
        """{'type': 'boolean'}"""
        column = self.contract.columns[field]
        if constraint and column.key_for(coerce.narrow(value)) is None:
            self._error(field, _("不可识别，可选：{options}").format(options="、".join(column.labels.values())))

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



def _limited(value):
    """A structured cell (amount, date, number, list) far longer than any real value is refused
    before it is parsed, with the limit named."""
    if isinstance(value, str) and len(value) > STRUCTURED_CELL_LIMIT:
        raise ValueError(_("过长：最多{limit}个字符，现为{length}个").format(limit=STRUCTURED_CELL_LIMIT, length=len(value)))
    return value
