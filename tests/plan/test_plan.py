from datetime import date
from decimal import Decimal

from conftest import PACKET_DATE, make_case
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.plan import add_months, plan_case


def plan_repayment(case, packet_date):
    """The plan of a one-debt case: the case's plan, and its one debt's."""
    planned = plan_case(case, packet_date)
    return planned, (planned.plan.plans[0] if planned.plan else None)


def test_worked_example_by_hand():
    # total 45000 + 1200.50 + 800 = 47000.50; waiver of 800 → 46200.50
    # disposable 6500 - 3500 - 500 = 2500; capacity 1750.00; ceil(46200.50 / 1750) = 27
    # 46200.50 / 27 = 1711.1296… → 1711.12 × 26 = 44489.12; last = 1711.38
    planned, plan = plan_repayment(make_case(), PACKET_DATE)
    assert planned.plan.capacity == Decimal("1750.00")
    assert plan.total_owed == Decimal("47000.50")
    assert plan.waived_penalty == Decimal("800.00")
    assert plan.proposed_total == Decimal("46200.50")
    assert plan.count == 27
    assert plan.schedule[0].amount == Decimal("1711.12")
    assert plan.schedule[-1].amount == Decimal("1711.38")
    assert plan.first_due == date(2026, 12, 24)
    assert plan.last_due == date(2029, 2, 24)
    assert planned.problems == ()


def test_capacity_is_floored_to_the_fen():
    # disposable 1000.01 → 700.007 → 700.00
    plan = plan_repayment(make_case(monthly_income=Decimal("1000.01"), monthly_expenses=Decimal("0"),
                                    other_debt_payments=Decimal("0")), PACKET_DATE)[0].plan
    assert plan.capacity == Decimal("700.00")


def test_no_waiver_keeps_penalty():
    plan = plan_repayment(make_case(requests=("installments",)), PACKET_DATE)[1]
    assert plan.proposed_total == Decimal("47000.50") and plan.waived_penalty == 0


def test_given_installments_win_and_last_takes_the_remainder():
    plan = plan_repayment(make_case(installments=3, principal=Decimal("100"), interest=Decimal("0"),
                                    penalty=Decimal("0")), PACKET_DATE)[1]
    assert [i.amount for i in plan.schedule] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]


def test_without_installments_or_settlement_asked_for_it_is_installments_by_capacity_with_a_warning():
    # issue 22: a row asking only 停息挂账 got a lump sum due in 30 days; now 47,000.50 / 1,750.00 → 27 installments
    planned, plan = plan_repayment(make_case(requests=("interest_freeze",)), PACKET_DATE)
    assert plan.count == 27 and not plan.settlement
    assert [p.code for p in planned.problems] == ["installments_by_capacity"]


def test_a_settlement_is_one_payment_only_when_asked_for():
    planned, plan = plan_repayment(make_case(requests=("settlement", "penalty_waiver"), funds_source="亲友借款"),
                                   PACKET_DATE)
    assert plan.count == 1 and plan.settlement and plan.schedule[0].amount == Decimal("46200.50")
    assert plan.allotment == 0 and planned.problems == ()


def test_clamp_to_sixty_warns():
    planned, plan = plan_repayment(make_case(monthly_income=Decimal("5500"), monthly_expenses=Decimal("3500"),
                                             other_debt_payments=Decimal("500")), PACKET_DATE)
    # capacity 70 % × 1,500 = 1,050.00 → 46,200.50 / 1,050 = 44.0005 → 45 installments, within 60
    assert plan.count == 45 and planned.problems == ()
    planned, plan = plan_repayment(make_case(monthly_income=Decimal("5200"), monthly_expenses=Decimal("3500"),
                                             other_debt_payments=Decimal("500")), PACKET_DATE)
    # capacity 70 % × 1,200 = 840.00 → 46,200.50 / 840 = 55.0006 → 56 installments
    assert plan.count == 56
    planned, plan = plan_repayment(make_case(monthly_income=Decimal("5000"), monthly_expenses=Decimal("3500"),
                                             other_debt_payments=Decimal("500")), PACKET_DATE)
    # capacity 700.00 → 46,200.50 / 700 = 66.0007 → 67 periods → clamped at 60: 770.00 a month, above
    # the capacity (a warning) but within the whole surplus of 1,000.00
    assert plan.count == 60
    assert [p.code for p in planned.problems] == ["capped_at_60", "above_capacity"]
    assert "67" in planned.problems[0].message


def test_no_capacity_and_no_count_is_an_error_asking_for_installments():
    planned, _plan = plan_repayment(make_case(monthly_income=Decimal("3000")), PACKET_DATE)
    assert planned.plan is None
    (problem,) = planned.problems
    assert problem.is_error and problem.column == "分期期数" and "请填写分期期数" in problem.message


def test_deferral_moves_the_first_due_date():
    plan = plan_repayment(make_case(principal=Decimal("3000"), interest=Decimal("0"), penalty=Decimal("0"), requests=("deferral", "installments"), deferral_months=3, installments=2),
                          PACKET_DATE)[1]
    assert plan.first_due == date(2027, 3, 24) and plan.last_due == date(2027, 4, 24)


def test_deferral_months_ignored_without_deferral_request():
    plan = plan_repayment(make_case(principal=Decimal("3000"), interest=Decimal("0"), penalty=Decimal("0"), deferral_months=3, installments=2), PACKET_DATE)[1]
    assert plan.first_due == date(2026, 12, 24)


def test_first_payment_date_is_the_first_due_date():
    plan = plan_repayment(make_case(principal=Decimal("3000"), interest=Decimal("0"), penalty=Decimal("0"), first_payment_date=date(2027, 1, 31), installments=3), PACKET_DATE)[1]
    assert [i.due for i in plan.schedule] == [date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


def test_month_ends_follow_the_anchor_day():
    assert [add_months(date(2026, 1, 31), k) for k in range(4)] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000000"), places=2)


@settings(max_examples=300, deadline=None)
@given(
    principal=money,
    interest=st.decimals(min_value=0, max_value=Decimal("100000"), places=2),
    penalty=st.decimals(min_value=0, max_value=Decimal("100000"), places=2),
    income=st.decimals(min_value=0, max_value=Decimal("100000"), places=2),
    expenses=st.decimals(min_value=0, max_value=Decimal("100000"), places=2),
    count=st.one_of(st.none(), st.integers(1, 60)),
    waiver=st.booleans(),
    first=st.one_of(st.none(), st.dates(date(2026, 11, 24), date(2030, 12, 31))),
    deferral=st.one_of(st.none(), st.integers(1, 12)),
)
def test_schedule_sums_to_proposed_total_and_never_goes_negative_or_back(
    principal, interest, penalty, income, expenses, count, waiver, first, deferral
):
    requests = ("installments",) + (("penalty_waiver",) if waiver else ()) + (("deferral",) if deferral else ())
    case = make_case(principal=principal, interest=interest, penalty=penalty, monthly_income=income,
                     monthly_expenses=expenses, other_debt_payments=Decimal(0), installments=count,
                     requests=requests, first_payment_date=first, deferral_months=deferral)
    planned, plan = plan_repayment(case, PACKET_DATE)
    if planned.plan is None:  # no surplus to plan by, installments or a lump sum the client cannot pay
        refusals = {p.code for p in planned.problems if p.is_error}
        assert refusals and refusals <= {"no_capacity", "above_surplus", "lump_sum_without_source"}
        assert "no_capacity" not in refusals or (count is None and income - expenses <= Decimal("0.01"))
        return
    assert sum(i.amount for i in plan.schedule) == plan.proposed_total
    assert all(i.amount >= 0 for i in plan.schedule)
    assert all(i.amount.as_tuple().exponent >= -2 for i in plan.schedule)
    assert all(a.due < b.due for a, b in zip(plan.schedule, plan.schedule[1:], strict=False))
    assert 1 <= plan.count <= 60
    assert plan.first_due >= PACKET_DATE
    assert len({i.amount for i in plan.schedule[:-1]}) <= 1
