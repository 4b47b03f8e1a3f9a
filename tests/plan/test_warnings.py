"""Plausibility warnings: valid rows that are likely wrong are flagged (the row keeps its packet), each
with its code, the column as the file names it, and what to check. Figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import PACKET_DATE, make_case

from pipeline.common.errors import Code, Severity
from pipeline.common.i18n import set_language
from pipeline.plan import plan_repayment


def warnings_of(case) -> dict[str, object]:
    planned = plan_repayment(case, PACKET_DATE)
    assert planned.plan is not None
    assert all(p.severity == Severity.WARNING for p in planned.problems)
    return {p.code: p for p in planned.problems}


def test_a_sound_row_has_no_warning():
    assert warnings_of(make_case()) == {}


def test_a_deferral_asked_for_although_capacity_covers_the_installment():
    # capacity 70 % × 2,500 = 1,750.00; 46,200.50 in 36 = 1,283.34 a month: capacity covers it
    case = make_case(requests=("installments", "deferral", "penalty_waiver"), deferral_months=2, installments=36)
    found = warnings_of(case)[Code.DEFERRAL_NOT_NEEDED]
    assert found.column == "延期月数" and "1,750.00" in found.message and "1,283.34" in found.message
    # with a capacity below the installment a deferral is plausible
    assert Code.DEFERRAL_NOT_NEEDED not in warnings_of(
        make_case(requests=("installments", "deferral"), deferral_months=2, installments=12))


def test_a_lump_sum_above_three_months_of_capacity_needs_a_source():
    # one payment of 46,200.50 (waiver) against 3 × 1,750.00 = 5,250.00
    single = make_case(requests=("penalty_waiver",))
    found = warnings_of(single)[Code.LUMP_SUM_WITHOUT_SOURCE]
    assert found.column == "还款资金来源" and "46,200.50" in found.message and "5,250.00" in found.message
    assert Code.LUMP_SUM_WITHOUT_SOURCE not in warnings_of(make_case(requests=("penalty_waiver",),
                                                                     funds_source="亲友借款"))
    small = make_case(requests=("penalty_waiver",), principal=Decimal("3000"), interest=Decimal("0"))
    assert Code.LUMP_SUM_WITHOUT_SOURCE not in warnings_of(small)  # 3,000.00 ≤ 5,250.00


def test_installments_above_capacity_are_still_flagged():
    # 46,200.50 in 12 = 3,850.04 a month against 1,750.00
    found = warnings_of(make_case(installments=12))[Code.ABOVE_CAPACITY]
    assert "3,850.04" in found.message and "1,750.00" in found.message


def test_a_defaulted_lender_is_named():
    found = warnings_of(make_case(lender_given=False))[Code.LENDER_DEFAULTED]
    assert found.column == "贷款机构" and "网商贷" in found.message


def test_a_waiver_asked_for_with_the_penalty_blank():
    found = warnings_of(make_case(penalty=None))[Code.WAIVER_WITHOUT_PENALTY]
    assert found.column == "罚息及费用" and "以贵方账单为准" in found.message
    assert Code.WAIVER_WITHOUT_PENALTY not in warnings_of(make_case(penalty=None, requests=("installments",)))


def test_warnings_name_the_column_as_the_file_does_and_speak_english_with_lang_en():
    case = make_case(lender_given=False, headers={"lender": "lender"})
    assert warnings_of(case)[Code.LENDER_DEFAULTED].column == "lender"
    set_language("en")
    try:
        found = warnings_of(make_case(lender_given=False))[Code.LENDER_DEFAULTED]
        assert "the default lender 网商贷 was used" in found.message
    finally:
        set_language("zh")


def test_dates_are_not_changed_by_warnings():
    plan = plan_repayment(make_case(first_payment_date=date(2027, 1, 31), installments=3), PACKET_DATE).plan
    assert [i.due for i in plan.schedule] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
