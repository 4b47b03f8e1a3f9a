from datetime import date
from decimal import Decimal

import pytest

from pipeline.common.formats import chinese_date, money, money_in_words


@pytest.mark.parametrize(
    "amount, words",
    [
        # The PBOC examples quoted in DOMAIN.md.
        ("1409.50", "人民币壹仟肆佰零玖元伍角"),
        ("107000.53", "人民币壹拾万柒仟元零伍角叁分"),
        ("325.04", "人民币叁佰贰拾伍元零肆分"),
        ("12345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"),
        ("100000", "人民币壹拾万元整"),
        ("0.05", "人民币伍分"),
        ("20.50", "人民币贰拾元零伍角"),
    ],
)
def test_money_in_words_follows_pboc_rules(amount, words):
    assert money_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    "amount, text",
    [("12345.67", "12,345.67"), ("0", "0.00"), ("1000000", "1,000,000.00"), ("5.5", "5.50"), ("-300", "-300.00")],
)
def test_money_has_separators_and_two_decimals(amount, text):
    assert money(Decimal(amount)) == text


def test_dates_are_written_without_zero_padding():
    assert chinese_date(date(2026, 3, 5)) == "2026年3月5日"
    assert chinese_date(date(2026, 11, 23)) == "2026年11月23日"
