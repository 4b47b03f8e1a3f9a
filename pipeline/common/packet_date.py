"""The range a packet date must lie in, for the CLI's --date and the office server's form and API
alike: a date far out (9999-12-31) would carry the repayment plan past the last year a date can
hold, and one long past (0001-01-01) makes every ID number look wrong (born after the packet)."""

from __future__ import annotations

from datetime import date

from pipeline.common.i18n import N_

FIRST = date(2000, 1, 1)
LAST = date(2100, 12, 31)
OUT_OF_RANGE = N_("材料日期应在 {first} 到 {last} 之间（收到的是 {value}）")


def in_range(value: date) -> bool:
    return FIRST <= value <= LAST
