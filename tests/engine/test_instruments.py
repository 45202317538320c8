"""Instrument behaviour against textbook numbers and closed forms."""

import numpy as np
import pytest

from gaemi.engine import layout as L
from gaemi.instruments import call_trigger_fall, fund_daily_returns, restore_sale_amount
from tests.engine.helpers import plan, run


def test_textbook_two_day_3x():
    # underlying 100 -> 90 -> 99; a 3x daily fund 100 -> 70 -> 91 (no costs)
    r = np.array([-0.10, 0.10])
    f = fund_daily_returns(r, 3.0)
    assert np.allclose(100 * np.cumprod(1 + f), [70.0, 91.0])
    res = run(plan(holdings=[dict(asset="a", weight=1.0, leverage=3, expense_ratio=0, financing_spread=0)]), r)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(91.0, rel=1e-12)


def test_1x_fund_without_costs_is_the_underlying():
    rng = np.random.default_rng(0)
    r = rng.normal(0.0004, 0.02, 500)
    res = run(plan(), r)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(100 * np.prod(1 + r), rel=1e-12)


def test_1x_fund_with_fees_is_underlying_less_fees():
    r = np.full(252, 0.001)
    p = plan(holdings=[dict(asset="a", weight=1.0, leverage=1, expense_ratio=0.01)])
    res = run(p, r)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(100 * (1 + 0.001 - 0.01 / 252) ** 252, rel=1e-12)


def test_inverse_fund_earns_collateral_rate():
    # -1x with flat underlying: earns 2 * rf (cash collateral plus short proceeds)
    r = np.zeros(10)
    p = plan(holdings=[dict(asset="a", weight=1.0, leverage=-1, expense_ratio=0, financing_spread=0.01)])
    res = run(p, r, rate=0.036, gap=1.0, rate_basis=360.0)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(100 * (1 + 2 * 0.036 / 360) ** 10, rel=1e-12)


def test_fund_at_zero_stays_at_zero_and_termination():
    r = np.array([0.01, -0.40, 0.5, 0.5])
    f = fund_daily_returns(r, 3.0)
    assert f[1] == -1.0 and f[2] == 0.0 and f[3] == 0.0
    g = fund_daily_returns(np.array([0.0, -0.3, 0.2]), 3.0, termination_drop=0.8)
    assert g[1] == pytest.approx(-0.9) and g[2] == 0.0
    # in the engine the terminated fund's value goes to the deposit and stops moving
    p = plan(holdings=[dict(asset="a", weight=1.0, leverage=3, expense_ratio=0, financing_spread=0,
                            termination_drop=0.8)], deposit=dict(rate=0.0))
    res = run(p, np.array([0.0, -0.3, 0.2]))
    assert res.floats[0, L.END_WEALTH] == pytest.approx(10.0)


def test_avellaneda_zhang_log_growth_on_gbm():
    # ln(F_T/F_0) = L ln(S_T/S_0) - (L^2 - L) sigma^2 T / 2 (no rates, no fees), on average
    rng = np.random.default_rng(42)
    sigma, mu, n_days, n_paths, lev = 0.25, 0.08, 252, 4000, 3.0
    dt = 1 / 252
    logr = rng.normal((mu - sigma**2 / 2) * dt, sigma * np.sqrt(dt), (n_days, n_paths))
    r = np.expm1(logr)
    f = fund_daily_returns(r, lev)
    lhs = np.log1p(f).sum(0)
    rhs = lev * logr.sum(0) - (lev**2 - lev) * sigma**2 * 1.0 / 2
    # discretisation error per path is O(sigma^3 dt^0.5); compare means
    assert np.mean(lhs - rhs) == pytest.approx(0.0, abs=0.01)
    assert np.std(lhs - rhs) < 0.02


def test_margin_call_at_exactly_30_percent_fall():
    assert call_trigger_fall(1.0, 1.4) == pytest.approx(0.30)
    # daily 1% falls: the call must open on the first close with C/B < 1.4, i.e. price < 0.7
    r = np.full(60, -0.01)
    price = np.cumprod(1 + r)
    expected_day = int(np.argmax(price < 0.7))
    p = plan(margin=dict(loan_to_equity=1.0, maintenance_ratio=1.4, call_deadline_days=2,
                         rate_tiers=[[99999, 0.0]]))
    res = run(p, r)
    assert res.ints[0, L.N_CALLS] >= 1
    assert res.ints[0, L.FIRST_FORCED_DAY] == expected_day + 2


def test_restore_sale_brings_ratio_back():
    c, b, m, h = 130.0, 100.0, 1.4, 0.02
    s = restore_sale_amount(c, b, m, h)
    assert (c - s) / (b - s * (1 - h)) == pytest.approx(m)


def test_forced_sale_restores_ratio_in_engine():
    r = np.array([-0.35, 0.0, 0.0])
    p = plan(margin=dict(loan_to_equity=1.0, call_deadline_days=1, haircut=0.0, rate_tiers=[[99999, 0.0]]))
    res = run(p, r)
    loan, risky = res.floats[0, L.END_LOAN], res.floats[0, L.END_RISKY]
    assert res.ints[0, L.FIRST_FORCED_DAY] == 1
    assert risky / loan == pytest.approx(1.4)
    c0 = 200 * 0.65
    assert res.floats[0, L.FORCED_SOLD] == pytest.approx(restore_sale_amount(c0, 100.0, 1.4))


def test_negative_equity_after_gap_down_keeps_debt():
    r = np.array([-0.60, 0.0, 0.0])
    p = plan(margin=dict(loan_to_equity=1.0, call_deadline_days=1, forced_sale="all", rate_tiers=[[99999, 0.0]]))
    res = run(p, r)
    # 200 of stock falls to 80; loan 100; everything sold: 20 of debt left
    assert res.floats[0, L.END_RISKY] == 0.0
    assert res.floats[0, L.END_LOAN] == pytest.approx(20.0)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(-20.0)
    assert res.floats[0, L.MIN_WEALTH] < 0


def test_interest_by_tier_table():
    # constant price; one draw of 100: simple interest on the principal at the tier of each day's
    # age (ACT/365), accrued into what is owed (a broker's 융자금 x 이자율 x 일수 / 365, stepped 체차)
    r = np.zeros(20)
    tiers = [[7, 0.049], [15, 0.085], [99999, 0.093]]
    p = plan(margin=dict(loan_to_equity=1.0, rate_tiers=tiers))
    res = run(p, r, gap=1.0)
    rates = [0.049] * 7 + [0.085] * 8 + [0.093] * 5
    expected = sum(100 * x / 365 for x in rates)
    assert res.floats[0, L.INTEREST_PAID] == pytest.approx(expected, rel=1e-12)
    assert res.floats[0, L.END_LOAN] == pytest.approx(100 + expected, rel=1e-12)
    # weekends: a 3-day gap accrues three days at the tier of the age reached
    res3 = run(p, np.zeros(3), gap=3.0)
    exp3 = 100 * (0.049 * 3 + 0.049 * 3 + 0.085 * 3) / 365
    assert res3.floats[0, L.INTEREST_PAID] == pytest.approx(exp3, rel=1e-12)


def test_deposit_compounding():
    p = plan(holdings=[dict(asset="deposit", weight=1.0)], deposit=dict(rate=0.0365))
    res = run(p, np.zeros((365, 1)), gap=1.0)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(100 * (1 + 0.0001) ** 365, rel=1e-12)


def test_contribution_timing_and_growth():
    # 30 months of 21 days; saving 10 growing 10%/yr; flat prices: wealth = capital + sum of savings
    n = 21 * 30
    nm = np.zeros(n, dtype=bool)
    nm[21::21] = True
    p = plan(investor=dict(capital=100.0, monthly_saving=10.0, saving_growth=0.10))
    res = run(p, np.zeros(n), new_month=nm)
    months = int(nm.sum())
    expected = 100 + sum(10 * 1.1 ** ((m - 1) // 12) for m in range(1, months + 1))
    assert res.floats[0, L.END_WEALTH] == pytest.approx(expected)
    # a contribution is invested at that session's close: a jump on a contribution day misses it
    r = np.zeros(n)
    r[21] = 1.0  # +100% on the first contribution day
    res2 = run(plan(investor=dict(capital=100.0, monthly_saving=10.0)), r, new_month=nm)
    assert res2.floats[0, L.END_WEALTH] == pytest.approx(200 + 10 * months)
    # month-end wealth: one record per month plus the last day
    assert res.month_wealth.shape[1] == months + 1
    assert res.month_wealth[0, 0] == pytest.approx(100.0)


def test_graduation_freezes_risk():
    r = np.concatenate([np.full(10, 0.05), np.full(10, -0.5)])
    p = plan(goal=dict(amount=150.0), graduate=dict(enabled=True), deposit=dict(rate=0.0))
    res = run(p, r)
    hit = int(np.argmax(100 * np.cumprod(1 + r) >= 150))
    assert res.ints[0, L.GOAL_DAY] == hit
    assert res.ints[0, L.GRADUATED] == 1
    assert res.floats[0, L.END_WEALTH] == pytest.approx(100 * np.prod(1 + r[: hit + 1]))
    # without graduation the crash takes it all back
    res2 = run(plan(goal=dict(amount=150.0)), r)
    assert res2.floats[0, L.END_WEALTH] < 1.0


def test_stop_loss_sells_once():
    r = np.array([0.1, -0.2, -0.2, 0.5])
    p = plan(stop_loss=dict(drawdown=0.25), deposit=dict(rate=0.0))
    res = run(p, r)
    assert res.ints[0, L.STOP_DAY] == 2
    assert res.floats[0, L.END_WEALTH] == pytest.approx(100 * 1.1 * 0.8 * 0.8)


def test_tracked_fund_growth_and_ruin_floor():
    rng = np.random.default_rng(3)
    r = rng.normal(0.0, 0.02, 300)
    p = plan(holdings=[dict(asset="a", weight=1.0, leverage=2, expense_ratio=0.01, financing_spread=0.0)],
             ruin_floor=0.5)
    res = run(p, r, rate=0.02, gap=1.0, rate_basis=360.0)
    f = fund_daily_returns(r, 2.0, rate=0.02, gap_days=1.0, basis=360.0, expense_ratio=0.01)
    assert res.floats[0, L.FUND_GROWTH] == pytest.approx(np.prod(1 + f), rel=1e-12)
    assert res.floats[0, L.UNDER_GROWTH] == pytest.approx(np.prod(1 + r), rel=1e-12)
    wealth = 100 * np.cumprod(1 + f)
    below = np.flatnonzero(wealth <= 50)
    assert res.ints[0, L.RUIN_DAY] == (below[0] if below.size else -1)
