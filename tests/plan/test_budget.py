"""One budget for a client's debts (issue 21, point 2): the capacity shared pro rata, a floor of 100 元
a month per debt, given counts kept, settlements outside the monthly budget, months over the capacity
warned of and over the surplus refused. Every figure below is worked out by hand in its comment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import PACKET_DATE, make_case, make_debt, zhao_lei

from pipeline.plan import negotiation_ranges, plan_case

D = Decimal


def test_three_debts_share_the_capacity_pro_rata_and_every_month_fits():
    # surplus 4,500.00; capacity 70 % = 3,150.00; proposed totals 39,420.00 (waiver of 960), 13,125.00,
    # 21,610.50 (waiver of 402): 74,155.50 in all.
    # shares: 3,150 × 39,420 / 74,155.50 = 1,674.4948… → 1,674.49; × 13,125 / … = 557.5211… → 557.52;
    # × 21,610.50 / … = 917.9774… → 917.97 (together 3,149.98).
    # counts: 39,420 / 1,674.49 = 23.54 → 24 of 1,642.50; 13,125 / 557.52 = 23.54 → 24 of 546.87, the last
    # 13,125 − 23 × 546.87 = 546.99; 21,610.50 / 917.97 = 23.54 → 24 of 900.43, the last 900.61.
    # each month: 1,642.50 + 546.87 + 900.43 = 3,089.80; the 24th 1,642.50 + 546.99 + 900.61 = 3,090.10.
    planned = plan_case(zhao_lei(), PACKET_DATE)
    assert planned.problems == ()
    plan = planned.plan
    assert (plan.disposable, plan.capacity, plan.reserve) == (D("4500.00"), D("3150.00"), D("1350.00"))
    assert [p.proposed_total for p in plan.plans] == [D("39420.00"), D("13125.00"), D("21610.50")]
    assert [p.allotment for p in plan.plans] == [D("1674.49"), D("557.52"), D("917.97")]
    assert [p.count for p in plan.plans] == [24, 24, 24]
    assert [(p.schedule[0].amount, p.schedule[-1].amount) for p in plan.plans] == [
        (D("1642.50"), D("1642.50")), (D("546.87"), D("546.99")), (D("900.43"), D("900.61"))]
    totals = plan.monthly_totals()
    assert len(totals) == 24 and set(totals.values()) == {D("3089.80"), D("3090.10")}
    assert plan.monthly_offer == D("3090.10") <= plan.capacity
    assert all(sum(i.amount for i in p.schedule) == p.proposed_total for p in plan.plans)


def test_a_debt_whose_share_is_below_the_floor_gets_100_and_the_others_the_rest():
    # surplus 4,000 − 3,000 = 1,000; capacity 700.00. Totals 50,000 and 1,000:
    # 700 × 1,000 / 51,000 = 13.72 < 100 → 100.00; the other gets 700 − 100 = 600.00.
    # 1,000 / 100 = 10 installments of 100.00; 50,000 / 600 = 83.3 → capped at 60, 833.33 a month:
    # every one of the 60 months (2026-12 … 2031-11) is above the capacity, months 1–10 at most
    # 833.33 + 100.00 = 933.33: a warning, since that is within the surplus of 1,000.
    debts = (make_debt(row=2, principal=D("50000"), interest=D("0"), penalty=D("0"), requests=("installments",)),
             make_debt(row=3, principal=D("1000"), interest=D("0"), penalty=D("0"), requests=("installments",)))
    planned = plan_case(make_case(debts=debts, monthly_income=D("4000"), monthly_expenses=D("3000"),
                                  other_debt_payments=D("0")), PACKET_DATE)
    plan = planned.plan
    assert plan.floor_applied and [p.allotment for p in plan.plans] == [D("600.00"), D("100.00")]
    assert [p.count for p in plan.plans] == [60, 10] and plan.plans[0].regular == D("833.33")
    assert {p.code for p in planned.problems} == {"capped_at_60", "above_capacity"}
    warning = next(p for p in planned.problems if p.code == "above_capacity")
    assert "2026年12月至2031年11月" in warning.message and "933.33" in warning.message and not warning.is_error


def test_a_given_count_is_kept_and_the_others_share_what_it_leaves():
    # capacity 3,150.00 as for 赵磊; the first debt asks 12 installments of 12,000 → 1,000.00 a month;
    # the other two share 2,150.00: × 13,125 / 34,735.50 = 812.389… → 812.38 and × 21,610.50 / 34,735.50 = 1,337.610… → 1,337.61.
    case = zhao_lei()
    first = make_debt(row=2, principal=D("12000"), interest=D("0"), penalty=D("0"), installments=12,
                      requests=("installments",))
    case = make_case(debts=(first, *case.debts[1:]), monthly_income=D("9000"), monthly_expenses=D("4500"),
                     other_debt_payments=D("0"))
    plan = plan_case(case, PACKET_DATE).plan
    assert plan.plans[0].count == 12 and plan.plans[0].regular == D("1000.00")
    assert [p.allotment for p in plan.plans[1:]] == [D("812.38"), D("1337.61")]
    assert plan.monthly_offer <= plan.capacity


def test_installments_above_the_whole_surplus_in_a_month_are_refused():
    # surplus 1,000; two given counts: 6,000 in 10 (600.00) and 5,000 in 10 (500.00): 1,100.00 a month
    debts = (make_debt(row=2, principal=D("6000"), interest=D("0"), penalty=D("0"), installments=10),
             make_debt(row=3, principal=D("5000"), interest=D("0"), penalty=D("0"), installments=10))
    planned = plan_case(make_case(debts=debts, monthly_income=D("4000"), monthly_expenses=D("3000"),
                                  other_debt_payments=D("0")), PACKET_DATE)
    assert planned.plan is None
    (refusal,) = [p for p in planned.problems if p.is_error]
    assert refusal.code == "above_surplus" and "1,100.00" in refusal.message and "1,000.00" in refusal.message


def test_a_settlement_takes_nothing_from_the_monthly_budget():
    # the 微粒贷 debt is settled from a relative's loan; the two 网商贷 debts share all of 3,150.00:
    # × 39,420 / 52,545 = 2,363.17… and × 13,125 / 52,545 = 786.82…
    case = zhao_lei()
    settled = make_debt(row=4, principal=D("21000"), interest=D("0"), penalty=D("0"),
                        requests=("settlement",), funds_source="亲友借款")
    case = make_case(debts=(*case.debts[:2], settled), monthly_income=D("9000"), monthly_expenses=D("4500"),
                     other_debt_payments=D("0"))
    plan = plan_case(case, PACKET_DATE).plan
    assert [p.allotment for p in plan.plans] == [D("2363.17"), D("786.82"), D("0")]
    assert plan.plans[2].settlement and plan.plans[2].count == 1


def test_a_settlement_above_three_months_of_capacity_without_a_source_is_refused():
    # capacity 1,750.00 (the default client); 46,200.50 > 3 × 1,750.00 = 5,250.00 and no 还款资金来源
    planned = plan_case(make_case(requests=("settlement", "penalty_waiver")), PACKET_DATE)
    assert planned.plan is None
    (refusal,) = [p for p in planned.problems if p.is_error]
    assert refusal.code == "lump_sum_without_source" and refusal.column == "还款资金来源"


def test_each_lenders_range_is_its_share_of_the_clients_so_the_steps_add_up():
    # surplus 4,500: step 80 % = 3,600.00, limit 90 % = 4,050.00, shared as the monthly budget is
    ranges = negotiation_ranges(plan_case(zhao_lei(), PACKET_DATE).plan)
    steps = sum(r.step.amount for r in ranges)
    limits = sum(r.limit.amount for r in ranges)
    assert D("3599.97") <= steps <= D("3600.00") and D("4049.97") <= limits <= D("4050.00")
    assert [r.opening.amount for r in ranges] == [D("1642.50"), D("546.87"), D("900.43")]


def test_a_one_debt_client_plans_as_before():
    # the worked example of test_plan: capacity 1,750.00, 27 installments of 1,711.12, the last 1,711.38
    plan = plan_case(make_case(), PACKET_DATE).plan
    (debt,) = plan.plans
    assert debt.allotment == D("1750.00") and debt.count == 27 and debt.schedule[-1].amount == D("1711.38")
    assert debt.first_due == date(2026, 12, 24)
    (only,) = negotiation_ranges(plan)
    assert (only.step.amount, only.limit.amount) == (D("2000.00"), D("2250.00"))
