"""How figures and dates are written in Chinese formal documents."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import cn2an

FEN = Decimal("0.01")


def money(amount: Decimal) -> str:
    """12345.6 → '12,345.60'."""
    return f"{amount.quantize(FEN):,.2f}"


def money_in_words(amount: Decimal) -> str:
    """Capital numerals per the PBOC rules: 人民币壹拾万柒仟元零伍角叁分.

    cn2an writes the figures; the PBOC rule that a zero in the 元 place before a
    non-zero 角 is read as 零 (107000.53 → …柒仟元零伍角叁分) is applied here because
    cn2an leaves that 零 out.
    """
    amount = amount.quantize(FEN)
    words = cn2an.an2cn(str(amount), "rmb")
    yuan, jiao = int(amount) % 10, int(amount * 10) % 10
    if int(amount) > 0 and yuan == 0 and jiao != 0 and "元零" not in words:
        words = words.replace("元", "元零", 1)
    return "人民币" + words


def chinese_date(day: date) -> str:
    """2026-03-05 → '2026年3月5日' (no zero padding, as in formal documents)."""
    return f"{day.year}年{day.month}月{day.day}日"
