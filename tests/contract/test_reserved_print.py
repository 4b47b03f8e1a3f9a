"""A case_id may not be `print`: its folder would be OUT/print, where the batch's print file goes.
Issue 14, finding 12."""

from __future__ import annotations

import pytest
from conftest import PACKET_DATE

from pipeline.contract import BatchValidator
from pipeline.intake import RawRow

GOOD = {
    "borrower_name": "张晓明", "id_number": "11010519491231002X", "phone": "13800138000", "principal": "45000",
    "overdue_since": "2026-06-15", "monthly_income": "6500", "monthly_expenses": "3500", "hardship_types": "失业",
    "hardship_details": "今年三月被公司裁员，至今未找到稳定工作。", "requests": "分期还款",
}


@pytest.mark.parametrize("case_id", ["print", "PRINT", "Print"])
def test_print_is_a_reserved_case_id(contract, case_id):
    headers = {key: contract.columns[key].header for key in contract.columns}
    result = BatchValidator(contract, PACKET_DATE).validate(RawRow("cases.csv", 2, {**GOOD, "case_id": case_id}, headers))
    assert result.case is None
    assert any("保留名称" in p.message for p in result.problems)
