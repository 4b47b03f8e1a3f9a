"""Plausibility warnings: valid rows that are likely wrong are flagged (the row keeps its packet), each
with its code, the column as the file names it, and what to check. Figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import PACKET_DATE, make_case

from pipeline.common.errors import Code, Severity
from pipeline.common.i18n import set_language
from pipeline.contract import default_contract
from pipeline.plan import plan_case


def warnings_of(case) -> dict[str, object]:
    planned = plan_case(case, PACKET_DATE)
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
        make_case(requests=("installments", "deferral"), deferral_months=2, installments=24))


def test_a_settlement_within_three_months_of_capacity_needs_no_source():
    # a settlement above 3 × capacity without a source is refused (tests/plan/test_budget.py); 3,000.00 is
    # within 3 × 1,750.00 = 5,250.00
    small = make_case(requests=("settlement",), principal=Decimal("3000"), interest=Decimal("0"))
    assert Code.LUMP_SUM_WITHOUT_SOURCE not in warnings_of(small)
    assert Code.LUMP_SUM_WITHOUT_SOURCE not in warnings_of(make_case(requests=("settlement", "penalty_waiver"),
                                                                     funds_source="亲友借款"))


def test_installments_above_capacity_but_within_the_surplus_are_still_flagged():
    # 46,200.50 in 24 = 1,925.02 a month, the last 46,200.50 − 23 × 1,925.02 = 1,925.04, against a
    # capacity of 1,750.00 (surplus 2,500.00): every month from 2026-12 to 2028-11
    found = warnings_of(make_case(installments=24))[Code.ABOVE_CAPACITY]
    assert "2026年12月至2028年11月" in found.message and "1,925.04" in found.message and "1,750.00" in found.message


def test_a_waiver_asked_for_with_the_penalty_blank():
    found = warnings_of(make_case(penalty=None))[Code.WAIVER_WITHOUT_PENALTY]
    assert found.column == "罚息及费用" and "以贵方账单为准" in found.message
    assert Code.WAIVER_WITHOUT_PENALTY not in warnings_of(make_case(penalty=None, requests=("installments",)))


def test_warnings_name_the_column_as_the_file_does_and_speak_english_with_lang_en():
    case = make_case(penalty=None, headers={"penalty": "penalty"})
    assert warnings_of(case)[Code.WAIVER_WITHOUT_PENALTY].column == "penalty"
    set_language("en")
    try:
        found = warnings_of(make_case(installments=24))[Code.ABOVE_CAPACITY]
        assert "1,925.04" in found.message and "capacity" in found.message
    finally:
        set_language("zh")


def creditor_warning(key: str, creditor: str = ""):
    case = make_case(lender=default_contract().lenders[key], creditor=creditor)
    return warnings_of(case).get(Code.CREDITOR_NOT_GIVEN)


@pytest.mark.parametrize("key", ["京东金条", "京东白条", "360借条", "分期乐"])
def test_a_partner_funded_product_without_its_creditor_says_where_to_look_and_guesses_no_bank(key):
    found = creditor_warning(key)
    assert found.column == "债权人"
    for place in ("借款合同", "贷款人", "征信报告"):
        assert place in found.message
    # what the letter says meanwhile: the product's lender, as its contract names it
    assert f"“{key}的贷款人（以借款合同载明为准）”" in found.message
    assert "银行股份有限公司" not in found.message


def test_for_jiebei_the_usual_creditors_are_named_as_usual_not_as_the_creditor():
    found = creditor_warning("借呗")
    assert "“借呗的贷款人（以借款合同载明为准）”" in found.message
    assert "近期合同通常为重庆蚂蚁消费金融有限公司" in found.message
    assert "较早的合同可能为重庆市蚂蚁商诚小额贷款有限公司" in found.message
    assert "较早的合同" not in creditor_warning("美团借钱").message


def test_a_consumer_finance_company_the_list_has_no_legal_name_for_asks_for_it():
    found = creditor_warning("招联消费金融")
    assert "全称" in found.message and "借款合同" in found.message
    assert "“招联消费金融（全称以借款合同载明为准）”" in found.message


def test_a_reported_legal_name_is_used_but_to_be_checked():
    found = creditor_warning("天津京东消费金融")
    assert "“天津京东消费金融有限公司”" in found.message and "核对" in found.message


@pytest.mark.parametrize("key", ["京东金条", "借呗", "招联消费金融", "天津京东消费金融"])
def test_a_creditor_given_needs_no_warning(key):
    assert creditor_warning(key, creditor="某某银行股份有限公司") is None


def test_a_lender_the_list_knows_for_certain_needs_no_creditor():
    assert creditor_warning("网商贷") is None and creditor_warning("微粒贷") is None


def test_the_creditor_warning_speaks_english_with_lang_en():
    set_language("en")
    try:
        found = creditor_warning("京东金条")
        assert "loan contract" in found.message and "京东金条的贷款人（以借款合同载明为准）" in found.message
    finally:
        set_language("zh")


def test_dates_are_not_changed_by_warnings():
    plan = plan_case(make_case(principal=Decimal("3000"), interest=Decimal("0"), penalty=Decimal("0"),
                               first_payment_date=date(2027, 1, 31), installments=3), PACKET_DATE).plan.plans[0]
    assert [i.due for i in plan.schedule] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
