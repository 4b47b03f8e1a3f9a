from datetime import date
from decimal import Decimal

import pytest

from pipeline.contract import coerce

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "text, amount",
    [
        ("12345.67", "12345.67"),
        ("12,345.67", "12345.67"),
        ("¥12,345.67", "12345.67"),
        ("￥12,345.67", "12345.67"),
        ("12345.67元", "12345.67"),
        ("１２３", "123"),
        ("0", "0"),
        ("1,000", "1000"),
        ("45000.5", "45000.5"),
    ],
)
def test_money_accepts_the_contract_forms(text, amount):
    assert coerce.parse_money(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text, says",
    [
        ("-5", "正负号"),
        ("-0", "正负号"),
        ("1e5", "科学计数法"),
        ("NaN", "不是有效金额"),
        ("inf", "不是有效金额"),
        ("12.345", "两位小数"),
        ("1,23.00", "不是有效金额"),
        ("abc", "不是有效金额"),
        ("12..3", "不是有效金额"),
        ("9999999999", "过大"),
    ],
)
def test_money_rejects_with_a_reason(text, says):
    with pytest.raises(ValueError, match=says):
        coerce.parse_money(text)


def test_money_is_decimal_not_float():
    assert type(coerce.parse_money("0.10")) is Decimal


@pytest.mark.parametrize("text", ["2026-03-05", "2026/3/5", "2026年3月5日", "2026-3-5", " 2026 年 3 月 5 日 "])
def test_dates_accept_the_contract_forms(text):
    assert coerce.parse_date(text) == date(2026, 3, 5)


@pytest.mark.parametrize("text, says", [("2026-02-30", "不存在"), ("2026-13-01", "不存在"), ("5/3/2026", "不是有效日期"), ("昨天", "不是有效日期")])
def test_dates_reject_with_a_reason(text, says):
    with pytest.raises(ValueError, match=says):
        coerce.parse_date(text)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_id_check_character_matches_the_published_vectors(number):
    assert coerce.id_check_character(number[:17]) == number[17]


def test_id_number_valid_and_lowercase_x_is_normalised():
    assert coerce.parse_id_number("11010519491231002x") == "11010519491231002X"
    assert coerce.id_number_problem("11010519491231002X", TODAY) is None


@pytest.mark.parametrize(
    "number, says",
    [
        ("110105194912310021", "校验码"),
        ("11010519491231002", "18位"),
        ("1101051949123100211", "18位"),
        ("11010519490230002X", "出生日期不存在"),
        ("11010521000101002X", "出生日期不合理"),
        ("1101051949123100AX", "前17位"),
    ],
)
def test_id_number_problems(number, says):
    assert says in coerce.id_number_problem(number, TODAY)


def test_phone_tolerates_spaces_dashes_and_country_code():
    assert coerce.parse_phone("138 0013-8000") == "13800138000"
    assert coerce.parse_phone("+8613800138000") == "13800138000"


def test_lists_split_on_both_separators_and_drop_repeats():
    assert coerce.parse_items("失业、疾病;失业；other") == ["失业", "疾病", "other"]


def test_evidence_pages_are_optional_integers():
    assert coerce.parse_evidence("工资单:3;银行流水、其他：2页") == [("工资单", 3), ("银行流水", None), ("其他", 2)]
    with pytest.raises(ValueError, match="页数应为整数"):
        coerce.parse_evidence("工资单:三")
    with pytest.raises(ValueError, match="至少为1"):
        coerce.parse_evidence("工资单:0")


def test_control_characters_are_rejected_but_newlines_and_tabs_kept():
    assert coerce.parse_text("第一段\r\n第二段\t完") == "第一段\n第二段\t完"
    with pytest.raises(ValueError, match="控制字符"):
        coerce.parse_text("坏\x00字")


def test_integers():
    assert coerce.parse_integer("１２") == 12
    for bad in ("1.5", "-1", "十二", "1e2"):
        with pytest.raises(ValueError, match="整数"):
            coerce.parse_integer(bad)
