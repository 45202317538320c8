"""Margin loans as Korean brokers run them (issue 12 §3): each draw ages on its own through the
days-held tiers, repayments settle the interest and then retire the oldest draws (선입선출), and
draws mature (extended or repaid by selling). Every expected number is a hand computation of the
documented rules in plain Python (one path, day by day), independent of both engines."""

import numpy as np
import pytest

from gaemi.engine import layout as L

from .helpers import plan, run

TIERS = [[7, 0.05], [15, 0.08], [99999, 0.10]]


def tier_rate(age):
    for days, rate in TIERS:
        if age <= days:
            return rate
    return TIERS[-1][1]


def _hand(n_days, draw_days, drop_day=None, drop=0.0, maintenance=1.4):
    """Capital 100 doubled with a loan of 100 (draw at day 0); a saving of 50 on each day in
    ``draw_days``, levered 1:1 (a new draw of 50); prices flat but for ``drop`` on ``drop_day``,
    where a margin call is met at once by the smallest sale that restores ``maintenance``."""
    draws = [[100.0, 0.0]]  # [principal, clock when drawn]
    owed, stock, clock, paid, sales = 100.0, 200.0, 0.0, 0.0, 0
    for d in range(n_days):
        clock += 1
        if d == drop_day:
            stock *= 1 - drop
        interest = sum(p * tier_rate(clock - s) / 365 for p, s in draws)
        owed += interest
        paid += interest
        if d in draw_days:
            draws.append([50.0, clock])
            owed += 50.0
            stock += 100.0
        if stock < maintenance * owed:
            sale = (maintenance * owed - stock) / (maintenance - 1)
            sales += 1
            stock -= sale
            rest = sale - (owed - sum(p for p, _ in draws))  # the accrued interest first
            owed -= sale
            while rest > 0 and draws:  # then the oldest draws
                if draws[0][0] <= rest:
                    rest -= draws.pop(0)[0]
                else:
                    draws[0][0] -= rest
                    rest = 0.0
    return owed, paid, stock, sales


def _new_months(n, days):
    nm = np.zeros(n, dtype=bool)
    nm[list(days)] = True
    return nm


def _plan(**margin):
    m = dict(loan_to_equity=1.0, rate_tiers=TIERS, maturity_days=None, call_deadline_days=0)
    m.update(margin)
    return plan(investor=dict(capital=100.0, monthly_saving=50.0), margin=m, deposit=dict(rate=0.0))


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
def test_each_draw_ages_on_its_own(implementation):
    n = 30
    res = run(_plan(), np.zeros(n), new_month=_new_months(n, [10]), implementation=implementation)
    owed, paid, _, _ = _hand(n, {10})
    assert res.floats[0, L.INTEREST_PAID] == pytest.approx(paid, rel=1e-12)
    assert res.floats[0, L.END_LOAN] == pytest.approx(owed, rel=1e-12)
    # the old rule (the whole loan at the age of its first draw) charges the new draw 10 %, not 5-8 %
    old = sum(100 * tier_rate(d + 1) / 365 for d in range(n)) + sum(50 * tier_rate(d + 1) / 365 for d in range(11, n))
    assert paid < old - 0.01


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
def test_repayment_retires_the_oldest_draw_first(implementation):
    n, drop_day = 26, 20
    r = np.zeros(n)
    r[drop_day] = -0.4
    res = run(_plan(), r, new_month=_new_months(n, [10]), implementation=implementation)
    owed, paid, stock, sales = _hand(n, {10}, drop_day, 0.4)
    assert sales > 1  # restored to exactly 140 %, the next day's interest calls again
    assert res.ints[0, L.N_FORCED] == sales
    assert res.floats[0, L.END_RISKY] == pytest.approx(stock, rel=1e-12)
    assert res.floats[0, L.INTEREST_PAID] == pytest.approx(paid, rel=1e-12)
    assert res.floats[0, L.END_LOAN] == pytest.approx(owed, rel=1e-12)


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
def test_maturity_extended_at_the_extension_rate(implementation):
    n = 30
    p = plan(margin=dict(loan_to_equity=1.0, rate_tiers=[[99999, 0.10]], maturity_days=10, extension_rate=0.15))
    res = run(p, np.zeros(n), implementation=implementation)
    # ages 1..10 at 10 %, then 11..30 at the extension rate
    expected = 100 * (0.10 * 10 + 0.15 * (n - 10)) / 365
    assert res.floats[0, L.INTEREST_PAID] == pytest.approx(expected, rel=1e-12)
    assert res.ints[0, L.N_FORCED] == 0


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
def test_maturity_repaid_by_selling(implementation):
    n, h = 30, 0.01
    p = plan(margin=dict(loan_to_equity=1.0, rate_tiers=[[99999, 0.10]], maturity_days=10, at_maturity="repay",
                         haircut=h), deposit=dict(rate=0.0))
    res = run(p, np.zeros(n), implementation=implementation)
    # the draw is 11 days old on session 10: the interest of 11 days and the principal are due
    need = 100 + 100 * 0.10 * 11 / 365
    sold = need / (1 - h)
    assert res.ints[0, L.N_FORCED] == 1
    assert res.ints[0, L.FIRST_FORCED_DAY] == 10
    assert res.floats[0, L.END_LOAN] == 0.0
    assert res.floats[0, L.END_RISKY] == pytest.approx(200 - sold, rel=1e-12)
    assert res.floats[0, L.FORCED_LOSS] == pytest.approx(sold * h, rel=1e-12)
    assert res.floats[0, L.INTEREST_PAID] == pytest.approx(100 * 0.10 * 11 / 365, rel=1e-12)


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
def test_leftover_debt_beside_a_deposit(implementation):
    """Debt a forced sale could not cover is not paid from the deposit: both run on (the deposit
    earns its rate, the debt's principal its tier's interest) until a saving repays the debt
    (savings repay debt first once no holding is left), a graduation or a stop-loss settles it."""
    n = 20
    r = np.zeros(n)
    r[0] = -0.7
    p = plan(holdings=[dict(asset="a", weight=0.5), dict(asset="deposit", weight=0.5)],
             margin=dict(loan_to_equity=1.0, rate_tiers=[[99999, 0.10]], maturity_days=None, forced_sale="all",
                         call_deadline_days=0), deposit=dict(rate=0.0365))
    res = run(p, r, implementation=implementation)
    # day 0: 100 of stock (50 own + 50 borrowed) falls to 30, all sold; the 30 settle the day's
    # interest i0 first, then 30 - i0 of the principal: 50 - (30 - i0) is left, and owed
    i0 = 50 * 0.10 / 365
    principal = 50 - (30 - i0)
    owed = principal + sum(principal * 0.10 / 365 for _ in range(1, n))
    assert res.floats[0, L.END_LOAN] == pytest.approx(owed, rel=1e-12)
    assert res.floats[0, L.END_DEPOSIT] == pytest.approx(50 * (1 + 0.0365 / 365) ** n, rel=1e-12)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(res.floats[0, L.END_DEPOSIT] - owed, rel=1e-12)
