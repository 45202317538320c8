"""Where two rules meet, or a setting that hand tests usually zero is not zero (issue 14).

Each expected value is worked out by hand in the test from the rules as documented in
docs/methodology.md and the kernels' module docstring, never taken from an earlier run:

* graduation with a margin loan: the goal sells the holdings *and* repays the loan;
* a leveraged fund with a non-zero rate and financing spread: the spread is charged on the
  borrowed exposure ``L - 1`` (swap-based and futures-based long funds), ``|L|`` for a
  futures-based inverse fund, nothing for a swap-based inverse fund;
* a ``restore`` forced sale with a haircut: ``S = (m B - C) / (m (1 - h) - 1)``;
* the maintenance boundary: ``C < m B`` opens a call, ``C = m B`` does not (k = 1, m = 1.4: a
  fall of exactly 30 %).

Both implementations (the compiled kernel and its plain twin) are run on every case.
"""

from __future__ import annotations

import numpy as np
import pytest

from gaemi.config import load_plan
from gaemi.engine import layout as L
from gaemi.engine.run import months_in, run_path_block
from gaemi.engine.spec import build_spec
from gaemi.instruments import fund_daily_returns
from gaemi.scenarios.base import PathBlock
from tests.engine.helpers import plan, run

IMPL = pytest.mark.parametrize("impl", ["compiled", "reference"])


# ----------------------------------------------------------------------------- graduation + margin
@IMPL
def test_graduation_repays_the_margin_loan(impl):
    # capital 100, loan 100 at 3.65 %/yr (0.01 a day on 100, ACT/365), 200 of stock; day 0 +30 %:
    # 260 - (100 + 0.01) = 159.99 >= 150: goal, graduation: all sold, the loan repaid from the sale
    p = plan(margin=dict(loan_to_equity=1.0, rate_tiers=[[99999, 0.0365]], maturity_days=None),
             goal=dict(amount=150.0), graduate=dict(enabled=True), deposit=dict(rate=0.0))
    r = np.array([0.30, 0.10, -0.20, 0.05, 0.0])
    res = run(p, r, implementation=impl)
    f, i = res.floats[0], res.ints[0]
    interest = 100 * 0.0365 / 365
    assert i[L.GOAL_DAY] == 0 and i[L.GRADUATED] == 1
    assert f[L.END_LOAN] == 0.0  # nothing owed after graduation
    assert f[L.END_RISKY] == 0.0
    assert f[L.END_DEPOSIT] == pytest.approx(260 - 100 - interest, rel=1e-12)
    assert f[L.END_WEALTH] == pytest.approx(260 - 100 - interest, rel=1e-12)
    assert f[L.INTEREST_PAID] == pytest.approx(interest, rel=1e-12)  # no interest after the loan is gone
    assert i[L.N_CALLS] == 0 and i[L.FIRST_FORCED_DAY] == -1


def _run_named(p, returns, impl, gap=1.0):
    """``p`` on one path of explicit returns for its own (USD-quoted) first holding, an all-zero
    dollar column (the plan is in won), no rate."""
    r = np.asarray(returns, dtype=float)
    n = len(r)
    asset = p.holdings[0].asset
    table = np.stack([r, np.zeros(n)], axis=1)
    nm = np.zeros((1, n), dtype=bool)
    block = PathBlock(0, table, np.zeros((n, 1)), np.full(n, float(gap)), np.arange(n)[None, :], nm)
    spec = build_spec(p, [asset, "fx:USD"], ["us_effr"], n, rate_basis={"us_effr": 360.0},
                      asset_currency=lambda name: "USD")
    return run_path_block(spec, block, months_in(nm), impl)


@IMPL
def test_builtin_all_in_margin_plan_graduates_debt_free(impl):
    # the built-in plan's own margin (k = 1, tiers 4.9 % for 7 days, haircut 1 %) and deposit
    # (2.5 %/yr ACT/365), with an amount goal in place of the home: 140M of own money, 140M borrowed
    base = load_plan("all-in-margin")
    p = base.model_validate({**base.model_dump(), "goal": {"kind": "amount", "amount": 190_000_000},
                             "investor": {**base.investor.model_dump(), "monthly_saving": 0.0}})
    assert p.margin.loan_to_equity == 1.0 and p.graduate.enabled
    res = _run_named(p, [0.20, -0.5, 0.3, 0.0], impl)
    f, i = res.floats[0], res.ints[0]
    interest = 140e6 * p.margin.rate_tiers[0][1] / 365  # day 0 of the draw: the first tier
    w0 = 280e6 * 1.2 - 140e6 - interest
    assert w0 >= 190e6 and i[L.GOAL_DAY] == 0 and i[L.GRADUATED] == 1
    dep = p.deposit.rate / 365
    assert f[L.END_LOAN] == 0.0 and f[L.END_RISKY] == 0.0
    assert f[L.END_WEALTH] == pytest.approx(w0 * (1 + dep) ** 3, rel=1e-12)  # the deposit's days 1..3
    assert f[L.INTEREST_PAID] == pytest.approx(interest, rel=1e-12)
    assert i[L.FIRST_FORCED_DAY] == -1  # the -50 % day no longer touches the graduated investor


# ----------------------------------------------------------------------------- the financing spread
def _fund_path(r, lev, rate, gap, basis, expense, spread, exposure):
    """Hand formula: R = L r + (1 - L) rf - e spread_t - expense / 252, rf and spread_t ACT/basis."""
    out = []
    for ru, g in zip(r, gap):
        rf = rate * g / basis
        out.append(lev * ru + (1 - lev) * rf - exposure * spread * g / basis - expense / 252)
    return np.array(out)


R = np.array([0.012, -0.021, 0.004, 0.0, 0.031, -0.008, 0.015, -0.03, 0.002, 0.01])
GAP = np.array([1, 1, 3, 1, 1, 1, 4, 1, 1, 3], dtype=float)


@IMPL
@pytest.mark.parametrize("lev,structure,exposure", [
    (3.0, "swap", 2.0), (2.0, "futures", 1.0), (-1.0, "swap", 0.0), (-2.0, "futures", 2.0)])
def test_spread_is_charged_on_the_borrowed_exposure(impl, lev, structure, exposure):
    rate, basis, expense, spread = 0.05, 360.0, 0.0095, 0.012
    hand = _fund_path(R, lev, rate, GAP, basis, expense, spread, exposure)
    got = fund_daily_returns(R, lev, rate=rate, gap_days=GAP, basis=basis, expense_ratio=expense,
                             financing_spread=spread, structure=structure)
    assert got == pytest.approx(hand, rel=1e-12, abs=1e-15)
    p = plan(holdings=[dict(asset="a", weight=1.0, leverage=lev, expense_ratio=expense,
                            financing_spread=spread, structure=structure)], deposit=dict(rate=0.0))
    res = run(p, R, rate=rate, gap=GAP, rate_basis=basis, implementation=impl)
    assert res.floats[0, L.END_WEALTH] == pytest.approx(100 * np.prod(1 + hand), rel=1e-12)
    # the spread alone costs e x spread x (calendar days) / basis a day: not L x spread
    if exposure != abs(lev):
        wrong = _fund_path(R, lev, rate, GAP, basis, expense, spread, abs(lev))
        assert res.floats[0, L.END_WEALTH] != pytest.approx(100 * np.prod(1 + wrong), rel=1e-7)


def test_upro_like_three_days_by_hand():
    # 3x swap fund, 5 % rate ACT/360, 0.7 % spread on L - 1 = 2, fee 0.91 %: three sessions, the
    # third spanning a weekend (3 calendar days). Day 1: 3 (0.01) - 2 (0.05/360) - 2 (0.007/360) -
    # 0.0091/252 = 0.03 - 0.000277778 - 0.0000388889 - 0.0000361111 = 0.0296472222
    d1 = 0.03 - 2 * 0.05 / 360 - 2 * 0.007 / 360 - 0.0091 / 252
    assert d1 == pytest.approx(0.0296472222, abs=1e-10)
    d3 = 3 * 0.02 - 2 * 0.05 * 3 / 360 - 2 * 0.007 * 3 / 360 - 0.0091 / 252
    f = fund_daily_returns(np.array([0.01, -0.01, 0.02]), 3.0, rate=0.05, gap_days=np.array([1.0, 1.0, 3.0]),
                           expense_ratio=0.0091, financing_spread=0.007)
    assert f[0] == pytest.approx(d1, rel=1e-12)
    assert f[2] == pytest.approx(d3, rel=1e-12)


# ----------------------------------------------------------------------------- restore sale with a haircut
@IMPL
def test_restore_sale_with_haircut_by_hand(impl):
    # 200 of stock on a loan of 100 falls 35 % to 130 < 1.4 x 100: call on day 0; day 1 (deadline 1)
    # the smallest sale at 2 % below the close that restores 140 %:
    # S = (1.4 x 100 - 130) / (1.4 x 0.98 - 1) = 10 / 0.372
    h, m = 0.02, 1.4
    p = plan(margin=dict(loan_to_equity=1.0, call_deadline_days=1, haircut=h, rate_tiers=[[99999, 0.0]]),
             deposit=dict(rate=0.0))
    res = run(p, np.array([-0.35, 0.0, 0.0, 0.0]), implementation=impl)
    f, i = res.floats[0], res.ints[0]
    s = 10 / 0.372
    assert s == pytest.approx(26.881720430107527, rel=1e-12)
    assert i[L.FIRST_FORCED_DAY] == 1 and i[L.N_FORCED] == 1 and i[L.N_CALLS] == 1
    assert f[L.FORCED_SOLD] == pytest.approx(s, rel=1e-12)
    assert f[L.FORCED_LOSS] == pytest.approx(h * s, rel=1e-12)
    assert f[L.END_RISKY] == pytest.approx(130 - s, rel=1e-12)
    assert f[L.END_LOAN] == pytest.approx(100 - (1 - h) * s, rel=1e-12)
    assert f[L.END_RISKY] / f[L.END_LOAN] == pytest.approx(m, rel=1e-12)  # restored, so no second sale
    assert f[L.END_WEALTH] == pytest.approx(30 - h * s, rel=1e-12)


@IMPL
def test_restore_sale_with_haircut_and_interest(impl):
    # the same with a 7.3 %/yr loan (0.02 a day on 100, ACT/365) accrued on days 0 and 1 before the sale
    h = 0.02
    p = plan(margin=dict(loan_to_equity=1.0, call_deadline_days=1, haircut=h, rate_tiers=[[99999, 0.073]],
                         maturity_days=None), deposit=dict(rate=0.0))
    res = run(p, np.array([-0.35, 0.0]), implementation=impl)
    b = 100 + 2 * 100 * 0.073 / 365
    s = (1.4 * b - 130) / (1.4 * (1 - h) - 1)
    f = res.floats[0]
    assert f[L.FORCED_SOLD] == pytest.approx(s, rel=1e-12)
    assert f[L.END_LOAN] == pytest.approx(b - (1 - h) * s, rel=1e-12)
    assert f[L.END_RISKY] == pytest.approx(130 - s, rel=1e-12)


# ----------------------------------------------------------------------------- the -30 % boundary
def _boundary_plan():
    return plan(margin=dict(loan_to_equity=1.0, maintenance_ratio=1.4, call_deadline_days=2,
                            rate_tiers=[[99999, 0.0]]), deposit=dict(rate=0.0))


@IMPL
def test_a_fall_of_exactly_30_percent_sits_on_the_ratio(impl):
    # k = 1: 200 of stock, loan 100. After exactly -30 %: C = 140 = 1.4 x 100 (exactly, in binary
    # too). The rule: C < m B opens a call; a close at or above the ratio does not (and cancels one)
    assert 200 * (1 - 0.3) == 1.4 * 100 == 140.0
    res = run(_boundary_plan(), np.array([-0.30, 0.0, 0.0, 0.0]), implementation=impl)
    f, i = res.floats[0], res.ints[0]
    assert i[L.N_CALLS] == 0 and i[L.FIRST_FORCED_DAY] == -1
    assert f[L.END_RISKY] == 140.0 and f[L.END_LOAN] == 100.0


@IMPL
def test_a_fall_just_past_30_percent_calls_and_sells_on_the_deadline(impl):
    r = np.array([-0.30 - 1e-9, 0.0, 0.0, 0.0])
    res = run(_boundary_plan(), r, implementation=impl)
    i = res.ints[0]
    assert i[L.N_CALLS] == 1
    assert i[L.FIRST_FORCED_DAY] == 2  # opened at day 0's close, 2 sessions to cure
    assert res.floats[0, L.END_RISKY] / res.floats[0, L.END_LOAN] == pytest.approx(1.4, rel=1e-12)


@IMPL
def test_a_2x_fund_falling_15_percent_sits_on_the_ratio(impl):
    # the same boundary reached through a 2x fund (no costs): -15 % underlying is exactly -30 % held;
    # deadline 0: a call is met at the very close that opens it
    p = plan(holdings=[dict(asset="a", weight=1.0, leverage=2.0, expense_ratio=0.0, financing_spread=0.0)],
             margin=dict(loan_to_equity=1.0, maintenance_ratio=1.4, call_deadline_days=0,
                         rate_tiers=[[99999, 0.0]], jurisdiction="other"), deposit=dict(rate=0.0))
    res = run(p, np.array([-0.15, 0.0]), implementation=impl)
    assert 200 * (1 + 2.0 * -0.15) == 140.0
    assert res.ints[0, L.N_CALLS] == 0 and res.ints[0, L.FIRST_FORCED_DAY] == -1
    res = run(p, np.array([-0.15 - 1e-9, 0.0]), implementation=impl)
    assert res.ints[0, L.N_CALLS] == 1 and res.ints[0, L.FIRST_FORCED_DAY] == 0  # deadline 0: same close
