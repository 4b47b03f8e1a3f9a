import shutil
from datetime import date
from decimal import Decimal

import pytest
from conftest import PACKET_DATE, ROOT

from pipeline.contract import BatchValidator, Contract, default_contract
from pipeline.intake import RawRow

GOOD = {
    "case_id": "WS-2026-001",
    "borrower_name": "张晓明",
    "id_number": "11010519491231002X",
    "phone": "13800138000",
    "lender": "网商贷",
    "principal": "¥45,000.00",
    "overdue_since": "2026年6月15日",
    "monthly_income": "6500",
    "monthly_expenses": "3500",
    "hardship_types": "经营困难、illness",
    "hardship_details": "今年三月起网店销量下滑，月营业额由三万元降至八千元。",
    "requests": "分期还款;减免罚息",
}


def row(cells, number=2, **changes):
    cells = dict(cells, **changes)
    cells = {k: v for k, v in cells.items() if v is not None}
    # As if the file used English keys, except for three columns headed in Chinese.
    headers = {k: k for k in default_contract().columns} | {"deferral_months": "延期月数", "id_number": "身份证号", "phone": "手机号"}
    return RawRow("cases.csv", number, cells, headers)


@pytest.fixture
def validator(contract):
    return BatchValidator(contract, PACKET_DATE)


def test_good_row_becomes_a_typed_case_with_defaults(validator):
    result = validator.validate(row(GOOD))
    case = result.case
    assert result.problems == ()
    assert case.debts[0].principal == Decimal("45000.00") and case.debts[0].interest is None and case.debts[0].penalty is None  # blank: not given
    assert case.income_scope == "self" and case.debts[0].funds_source == ""
    assert case.debts[0].overdue_since == date(2026, 6, 15)
    assert case.debts[0].lender.legal_name == "浙江网商银行股份有限公司"
    assert case.hardship_types == ("business_loss", "illness")
    assert case.debts[0].requests == ("installments", "penalty_waiver")
    assert case.dependents == 0 and case.debts[0].installments is None


def test_lender_by_alias_and_legal_name(validator):
    assert validator.validate(row(GOOD, lender="微众银行")).case.debts[0].lender.key == "微粒贷"
    assert validator.validate(row(GOOD, case_id="B", lender="深圳前海微众银行股份有限公司")).case.debts[0].lender.key == "微粒贷"


def messages(result):
    return [e.message for e in result.problems]


@pytest.mark.parametrize(
    "column, value, says",
    [
        ("case_id", "../../etc/passwd", "格式不正确"),
        ("case_id", "CON", "保留名称"),
        ("case_id", "A" * 200, "格式不正确"),
        ("borrower_name", None, "必填"),
        ("borrower_name", "名" * 51, "最多50个字符"),
        ("id_number", "110105194912310021", "校验码"),
        ("id_number", "1234", "18位"),
        ("phone", "12800138000", "11位手机号码"),
        ("lender", "某某贷", "不在贷款机构名单"),
        ("principal", "0", "应大于0"),
        ("principal", "12.345", "两位小数"),
        ("interest", "-1", "正负号"),
        ("overdue_since", "2026-02-30", "日期不存在"),
        ("overdue_since", "2026-11-25", "晚于材料日期"),
        ("monthly_income", "1e5", "科学计数法"),
        ("dependents", "21", "超出范围"),
        ("hardship_types", "失业、破产", "“破产”"),
        ("requests", "分期还款、免除全部", "“免除全部”"),
        ("hardship_details", "太难了", "至少10个字符"),
        ("hardship_details", "难" * 10000, "最多2000个字符"),
        ("installments", "61", "超出范围"),
        ("installments", "0", "超出范围"),
        ("first_payment_date", "2026-11-23", "早于材料日期"),
        ("evidence", "工资单:3;护照", "“护照”"),
        ("address", "路\x0b口", "控制字符"),
    ],
)
def test_each_rule_names_column_value_and_expectation(validator, column, value, says):
    result = validator.validate(row(GOOD, **{column: value}))
    assert result.case is None
    (error,) = result.problems
    assert says in error.message
    assert error.column == {"id_number": "身份证号", "phone": "手机号"}.get(column, column)
    assert f"「{error.column}」" in error.message


def test_every_problem_of_a_row_is_reported(validator):
    result = validator.validate(row(GOOD, phone="123", principal="abc", hardship_types="穷"))
    assert len(result.problems) == 3


def test_personal_numbers_are_masked_in_messages(validator):
    result = validator.validate(row(GOOD, id_number="330106199001011235", phone="1380013800"))
    text = " ".join(messages(result))
    assert "330106199001011235" not in text and "330106********1235" in text
    assert "1380013800" not in text and "138***3800" in text
    assert {e.value for e in result.problems} == {"330106********1235", "138***3800"}


def test_deferral_needs_months_and_months_need_deferral(validator):
    missing = validator.validate(row(GOOD, requests="延期还款"))
    assert any("延期月数" in m and "必填" in m for m in messages(missing))
    extra = validator.validate(row(GOOD, case_id="X2", deferral_months="3"))
    assert any("应留空" in m for m in messages(extra))
    fine = validator.validate(row(GOOD, case_id="X3", requests="延期还款", deferral_months="3"))
    assert fine.case.debts[0].deferral_months == 3


def test_no_lender_is_ever_assumed(validator):
    """Issue 22: a blank 贷款机构 silently became 网商贷, and the letter went to 浙江网商银行股份有限公司."""
    blank = validator.validate(row(GOOD, lender=None))
    assert blank.case is None
    (problem,) = blank.problems
    assert problem.code == "no_lender" and problem.column == "lender" and "creditor" in problem.message


def test_a_creditor_on_no_list_with_the_lender_blank_is_the_lender(validator):
    case = validator.validate(row(GOOD, lender=None, creditor="某某农村商业银行股份有限公司")).case
    (debt,) = case.debts
    assert debt.addressee == "某某农村商业银行股份有限公司" and debt.lender.kind == "unlisted"
    assert not debt.lender.hotline and not debt.lender.repayment_channel


def test_full_width_and_lowercase_forms_are_accepted(validator):
    case = validator.validate(row(GOOD, principal="４５，０００．００", id_number="11010519491231002x")).case
    assert case.debts[0].principal == Decimal("45000.00") and case.id_number.endswith("X")


def test_template_syntax_in_text_is_kept_as_text(validator):
    case = validator.validate(row(GOOD, hardship_details="{{ 7*7 }} {% for x in y %} <w:t>&amp; ]]>")).case
    assert case.hardship_details == "{{ 7*7 }} {% for x in y %} <w:t>&amp; ]]>"


def test_the_creditor_is_kept_as_the_contract_names_it_and_blank_is_empty(validator):
    assert validator.validate(row(GOOD)).case.debts[0].creditor == ""
    named = validator.validate(row(GOOD, case_id="C2", lender="借呗", creditor="某某银行股份有限公司")).case
    assert (named.debts[0].lender.key, named.debts[0].creditor) == ("借呗", "某某银行股份有限公司")


def test_a_creditor_on_no_list_is_accepted(validator):
    # an assigned debt (债权转让), a card's bank, a consumer-finance company the list does not hold
    result = validator.validate(row(GOOD, creditor="某某资产管理有限公司"))
    assert result.problems == () and result.case.debts[0].creditor == "某某资产管理有限公司"


def test_a_credit_card_without_its_bank_is_an_error_that_says_to_give_the_bank(validator):
    result = validator.validate(row(GOOD, lender="信用卡"))
    assert result.case is None
    (error,) = result.problems
    assert (error.column, error.value) == ("creditor", "") and error.is_error
    assert error.message.startswith("「creditor」：为必填项") and "发卡银行的全称" in error.message
    card = validator.validate(row(GOOD, case_id="C2", lender="银行信用卡", creditor="某某银行股份有限公司"))
    assert card.problems == () and card.case.debts[0].lender.key == "信用卡"


def test_a_creditor_longer_than_any_legal_name_is_refused(validator):
    (error,) = validator.validate(row(GOOD, creditor="某" * 101)).problems
    assert error.column == "creditor" and "最多100个字符" in error.message


def test_a_case_schema_without_the_creditor_column_still_names_an_unknown_lender(tmp_path):
    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    text = (folder / "case.yaml").read_text("utf-8")
    start, end = text.index("creditor:\n"), text.index("loan_contract_no:\n")
    (folder / "case.yaml").write_text(text[:start] + text[end:], "utf-8")
    contract = Contract(folder)
    assert "creditor" not in contract.columns
    (error,) = BatchValidator(contract, PACKET_DATE).validate(row(GOOD, lender="某某速贷")).problems
    assert "不在贷款机构名单中" in error.message and "「债权人」" in error.message
