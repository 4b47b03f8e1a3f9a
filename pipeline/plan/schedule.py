"""One debt's schedule: totals, and the installments of a given number, floored to the fen with the
last one taking the remainder, so that a schedule always sums exactly to its total."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from pipeline.common.formats import FEN
from pipeline.common.model import Debt, Installment

MAX_INSTALLMENTS = 60  # the 5-year cap of personalised installment agreements (credit-card rules)


def add_months(anchor: date, months: int) -> date:
    """Same day of month, or the month's last day where that day does not exist."""
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def floor_fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_FLOOR)


def ceiling(amount: Decimal) -> int:
    return int(amount.to_integral_value(rounding=ROUND_CEILING))


@dataclass(frozen=True)
class Totals:
    """What a debt comes to: the amounts given (a blank one counts as 0 here and is 'per the lender's
    statement' in the documents), less the penalty when its waiver is asked for."""

    total_owed: Decimal
    waived_penalty: Decimal
    proposed_total: Decimal

    @classmethod
    def of(cls, debt: Debt) -> Totals:
        interest, penalty = debt.interest or Decimal(0), debt.penalty or Decimal(0)
        total = debt.principal + interest + penalty
        waived = penalty if "penalty_waiver" in debt.requests else Decimal(0)
        return cls(total, waived, total - waived)


def deferral_of(debt: Debt) -> int:
    return debt.deferral_months if "deferral" in debt.requests and debt.deferral_months else 0


def installments(debt: Debt, packet_date: date, total: Decimal, count: int) -> tuple[Installment, ...]:
    """`count` monthly installments of `total`: from 首期还款日, or a month after the packet date;
    later by the deferral asked for."""
    anchor = debt.first_payment_date or packet_date
    offset = (0 if debt.first_payment_date else 1) + deferral_of(debt)
    regular = floor_fen(total / count)
    return tuple(
        Installment(number=k + 1, due=add_months(anchor, offset + k),
                    amount=regular if k < count - 1 else total - regular * (count - 1))
        for k in range(count)
    )


def count_within(total: Decimal, allotment: Decimal) -> int:
    """The fewest installments (at most 60) of which none, the last included, is above `allotment`."""
    count = max(1, min(MAX_INSTALLMENTS, ceiling(total / allotment)))
    while count < MAX_INSTALLMENTS and total - floor_fen(total / count) * (count - 1) > allotment:
        count += 1  # the last installment takes the remainder: up to count - 1 fen more than the others
    return count
