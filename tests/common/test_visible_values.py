"""What a value looks like on the terminal and in report.csv: nothing in it acts on the terminal or
reorders text, and numbers that look like ID or mobile numbers are masked. Issue 14, findings 7, 11."""

from __future__ import annotations

import pytest

from pipeline.common.mask import for_terminal, scrub, shown, visible


@pytest.mark.parametrize(("text", "expected"), [
    ("\x1b]0;pwned\x07", "␛]0;pwned␇"),  # OSC: retitles the terminal
    ("\x1b[2J\x1b[H", "␛[2J␛[H"),  # clear screen, cursor home
    ("a\x00b\x7f", "a␀b␡"),
    ("\x9b31m", "<U+009B>31m"),  # a one-character CSI (C1)
    ("invoice\u202egpj.exe", "invoice<U+202E>gpj.exe"),  # right-to-left override
    ("\u2066x\u2069\u200f\u061c", "<U+2066>x<U+2069><U+200F><U+061C>"),
    ("line\u2028break", "line<U+2028>break"),
    ("broken \udcff byte", "broken \ufffd byte"),  # a lone surrogate could not even be printed
    ("中文 emoji 😀 ordinary text", "中文 emoji 😀 ordinary text"),
])
def test_controls_and_bidi_characters_are_shown_not_obeyed(text, expected):
    assert visible(text) == expected


def test_line_breaks_may_be_kept_for_multi_line_log_records():
    assert visible("Traceback\n  \x1b[31m", keep_newlines=True) == "Traceback\n  ␛[31m"


@pytest.mark.parametrize(("text", "expected"), [
    ("身份证号330106198503121231，", "身份证号330106********1231，"),
    ("证号11010519491231002x。", "证号110105********002x。"),
    ("电话13912345678", "电话139****5678"),
    ("电话 139-1234-5678 或 +86 139 1234 5678", "电话 139******5678 或 +86 139******5678"),
    ("+8613912345678", "+86139****5678"),
    # issue 20, finding 10: each of these reached the terminal and report.csv whole
    ("电话１３８００１３８００１。", "电话１３８****８００１。"),  # full-width digits
    ("号码３３０１０６１９８６０４１７０３５８", "号码３３０１０６********０３５８"),
    ("3301 0619 8604 1703 58", "3301 0************3 58"),  # grouped 4-4-4-4-2: 6 and 4 characters kept
    ("330106-19860417-0358", "330106**********0358"),
    ("330106 19860417 0358", "330106**********0358"),
    ("1380 0138 001", "138****** 001"),  # grouped 4-4-3
    ("330106198604170358A", "330106********0358A"),  # an ID with a letter after it
    ("33010619860417035xab号", "330106********035xab号"),
    ("138\u200b0013\u200b8001", "138******8001"),  # zero-width spaces between the digits (13 characters)
])
def test_id_and_phone_numbers_in_free_text_are_masked(text, expected):
    assert scrub(text) == expected


@pytest.mark.parametrize("text", ["合同号WSD20240315001", "金额12345678.90元", "2026-11-24", "订单1234567890123456789",
                                  "首期2026-11-24 2026-12-24 2027-01-24", "１２３４５元"])
def test_other_numbers_are_left_alone(text):
    assert scrub(text) == text


def test_a_cut_value_never_shows_half_an_id_number():
    """Cut first, masked after, the first 40 characters showed 14 digits of this ID number (a birth date)."""
    value = "说明" * 12 + "号码" + "330106198503121231" + "其后还有说明"
    assert shown(value) == "说明" * 12 + "号码330106********…（共50个字符）"


def test_for_terminal_does_both():
    assert for_terminal("BAD-1\x1b[2J 13800138000") == "BAD-1␛[2J 138****8000"
