"""The colony's day (gaemi.colony.dynamics, gaemi.colony.run) on hand-built populations.

Independent numbers: holdings x shocks in exact rational arithmetic (fractions), the engine's
margin closed forms (gaemi.instruments.margin_loan: a 50 %-margin account meets its call at a 30 %
fall; the restoring sale), the square-root law computed by hand, and a scalar root of the
one-seller fixed point found by bisection. Directions of change on the same population:
amplification rises with the impact scale; shuffling agents changes nothing.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from gaemi.colony import colony
from gaemi.colony import dynamics as D
from gaemi.colony.buckets import BUCKETS
from gaemi.colony.run import ColonyParams
from gaemi.instruments.margin_loan import call_trigger_fall, restore_sale_amount
from tests.colony._colony_cases import CRASH, IDX, one_account, population, shock_table, take

QUIET = ColonyParams(delever_behaviours=(), dip_behaviours=())


def run(pop, shock, **kw):
    kw.setdefault("curve", "none")
    kw.setdefault("seed", 1)
    return colony(shock=shock, population=pop, **kw)


# --------------------------------------------------------------------------- exact accounting
def test_no_margin_no_behaviour_no_feedback_loss_is_holdings_times_shock_exactly():
    """Dyadic holdings, weights and returns: every product is exact in binary, so the colony's
    total loss must equal the rational sum of weight x holding x (1 - growth) to the last bit."""
    rng = np.random.default_rng(5)
    pop = population(n=600, seed=5, margin_share=0.0, behaviours=("buy_and_hold",))
    pop.holdings[:] = rng.integers(0, 2**20, size=pop.holdings.shape) * 64.0
    pop.cash[:] = rng.integers(0, 2**16, size=pop.n) * 8.0
    pop.weight[:] = rng.integers(1, 64, size=pop.n).astype(float)
    moves = {"kospi_large": [-0.25, 0.125, -0.5], "kospi_small": [-0.125, -0.125, 0.25],
             "kosdaq_theme": [-0.5, 0.5, -0.25], "kr_lev_etf": [-0.5, -0.25, 0.0],
             "us_lev_etf": [0.25, -0.75, 0.5], "btc_eth": [-0.0625, -0.5, 0.125], "kr_altcoin": [-0.75, 0.5, -0.5]}
    res = run(pop, {"name": "dyadic", "days": 3, "returns": moves}, impact=0.0, params=QUIET)
    growth = {b: Fraction(1) for b in BUCKETS}
    for b, seq in moves.items():
        for r in seq:
            growth[b] *= 1 + Fraction(r)
    expected = sum(Fraction(int(pop.weight[i])) * Fraction(float(pop.holdings[i, j])) * (1 - growth[b])
                   for i in range(pop.n) for j, b in enumerate(BUCKETS))
    assert Fraction(res.summary()["total_loss_krw"]) == expected
    assert res.summary()["loss_without_feedback_krw"] == res.summary()["total_loss_krw"]
    # and the prices are the shock's, compounded
    prices = res.summary()["prices"]["with_feedback"]
    for b in BUCKETS:
        assert Fraction(prices[b][-1]) == growth[b]


def test_loss_equals_holdings_times_shock_on_random_numbers():
    pop = population(n=3000, seed=8, margin_share=0.0, behaviours=("buy_and_hold", "deposit_saver"))
    res = run(pop, CRASH, impact=1.0, params=QUIET)
    growth = np.ones(len(BUCKETS))
    for b, seq in CRASH["returns"].items():
        growth[IDX[b]] = np.prod(1 + np.array(seq))
    expected = math.fsum((pop.weight[:, None] * pop.holdings * (1 - growth)).ravel())
    s = res.summary()
    assert s["total_loss_krw"] == pytest.approx(expected, rel=1e-12)
    assert s["amplification"] == 1.0  # nobody trades: no flows, no impact
    assert s["forced_sales_krw"] == 0 and s["share_force_sold"] == 0


# --------------------------------------------------------------------------- amplification
def test_zero_impact_gives_amplification_exactly_one():
    res = run(population(), CRASH, impact=0.0)
    s = res.summary()
    assert s["amplification"] == 1.0
    assert s["total_loss_krw"] == s["loss_without_feedback_krw"] > 0
    assert s["prices"]["with_feedback"] == s["prices"]["without_feedback"]


def test_amplification_rises_with_the_impact_coefficient():
    res = run(population(n=5000, margin_share=0.3), CRASH, impact=1.0, curve="0.25,0.5,2,4,8")
    curve = res.summary()["amplification_curve"]
    scales = [c["impact"] for c in curve]
    amps = [c["amplification"] for c in curve]
    assert scales == [0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0]
    assert amps[0] == 1.0
    assert all(b > a for a, b in zip(amps, amps[1:])), amps
    assert res.summary()["converged"]


def test_shuffling_investors_changes_nothing():
    pop = population(n=3000, margin_share=0.25)
    perm = np.random.default_rng(11).permutation(pop.n)
    a = run(pop, CRASH, curve="2").summary()
    b = run(take(pop, perm), CRASH, curve="2").summary()
    for k in ("provenance",):
        a.pop(k), b.pop(k)
    assert a == b
    assert a["forced_sales_krw"] > 0 and a["margin_repaid_krw"]["voluntary_sales"] > 0


def test_shard_size_does_not_change_a_bit():
    pop = population(n=9000, margin_share=0.2)
    one = run(pop, CRASH, shard_size=1 << 20).summary()
    many = run(pop, CRASH, shard_size=4096).summary()
    assert many["provenance"]["shards"] == 3
    for s in (one, many):
        s.pop("provenance")
    assert one == many


# --------------------------------------------------------------------------- textbook cases
def test_a_thirty_percent_fall_meets_a_fifty_percent_margin_call_at_140():
    """Own 100, borrow 100, buy 200: the call comes at a 30 % fall (C/L = 1.4)."""
    assert call_trigger_fall(1.0, 1.4) == pytest.approx(0.30)
    params = ColonyParams(delever_behaviours=(), dip_behaviours=())
    acct = dict(holdings={"kospi_small": 200e6}, loan=100e6)  # KRW
    fall_299 = run(one_account(**acct), shock_table(4, kospi_small=[-0.299, 0, 0, 0]), impact=0.0, params=params)
    fall_301 = run(one_account(**acct), shock_table(4, kospi_small=[-0.301, 0, 0, 0]), impact=0.0, params=params)
    assert fall_299.summary()["calls_open_by_day"] == [0, 0, 0, 0]
    s = fall_301.summary()
    assert s["calls_open_by_day"] == [1, 1, 0, 0]  # open at day 1's close, met 2 sessions later
    # the forced sale on day 3 (deadline 2) restores 140 %: S = (m L - C) / (m - 1)
    C = 200e6 * (1 - 0.301)
    S = restore_sale_amount(C, 100e6, 1.4)
    assert S == pytest.approx((1.4 * 100e6 - C) / 0.4)
    # (sums over agents are exact integers of 1/256 won: compare to that resolution)
    assert s["forced_sales_krw_by_day"] == pytest.approx([0, 0, S, 0], abs=1 / 256)
    assert s["margin_balance_by_day"] == pytest.approx([100e6, 100e6, 100e6, 100e6 - S, 100e6 - S], abs=1 / 256)
    assert (C - S) / (100e6 - S) == pytest.approx(1.4)
    assert s["share_force_sold"] == 1.0 and s["share_wiped_out"] == 0.0


def test_cash_tops_up_a_call_and_prevents_the_forced_sale():
    params = ColonyParams(delever_behaviours=(), dip_behaviours=())
    res = run(one_account({"kospi_small": 200e6}, loan=100e6, cash=50e6), shock_table(3, kospi_small=[-0.35, 0, 0]),
              impact=0.0, params=params)
    s = res.summary()
    need = 100e6 - 200e6 * 0.65 / 1.4  # repay down to C / m
    assert s["top_ups_krw_by_day"] == pytest.approx([need, 0, 0], abs=1 / 256)
    assert s["forced_sales_krw"] == 0 and s["calls_open_by_day"] == [0, 0, 0]
    assert s["margin_balance_end_krw"] == pytest.approx(100e6 - need, abs=1 / 256)


def test_voluntary_deleveraging_closes_part_of_the_gap_to_the_starting_ratio():
    """Equity 150 - 50 = 100 on collateral 150 (r0 = 3): a 20 % fall costs 30 % of equity, past the
    25 % threshold; each session the investor sells lam * (r0 L - C)/(r0 - 1) and repays it."""
    params = ColonyParams(delever_behaviours=("leveraged_trader",), dip_behaviours=(), delever_threshold=0.25,
                          delever_speed=0.4)
    res = run(one_account({"kospi_large": 150e6}, loan=50e6, behaviour="leveraged_trader"),
              shock_table(2, kospi_large=[-0.2, 0.0]), impact=0.0, params=params)
    s = res.summary()
    C, L = 120e6, 50e6
    S1 = 0.4 * (3 * L - C) / 2
    C2, L2 = C - S1, L - S1
    S2 = 0.4 * (3 * L2 - C2) / 2
    assert s["voluntary_sales_krw_by_day"] == pytest.approx([S1, S2], abs=1 / 256)
    assert s["margin_repaid_krw"]["voluntary_sales"] == pytest.approx(S1 + S2, abs=1 / 256)
    assert s["forced_sales_krw"] == 0


def test_dip_buyers_spend_their_rate_of_cash_after_a_dip():
    params = ColonyParams(delever_behaviours=(), dip_behaviours=("dip_buyer",), dip_threshold=0.1, dip_rate=0.25)
    res = run(one_account({"kospi_large": 100e6, "btc_eth": 100e6}, cash=80e6, behaviour="dip_buyer"),
              shock_table(3, kospi_large=[-0.15, 0.0, 0.0], btc_eth=[-0.05, 0.0, 0.0]), impact=0.0, params=params)
    s = res.summary()
    # day 1: no dip yet; day 2: kospi_large closed 15 % down -> spend 25 % of 80M; day 3: of the 60M left
    assert s["dip_buying_krw_by_day"] == pytest.approx([0.0, 20e6, 15e6], abs=1 / 256)


# --------------------------------------------------------------------------- impact law
def test_impact_law_closed_form():
    # q = 25 % of a day's turnover, Y = 0.8, sigma = 2 % a day: 0.8 * 0.02 * 0.5 = 0.008 log points
    assert D.impact(0.25, 0.8, 0.02) == pytest.approx(0.008)
    assert D.impact(-0.25, 0.8, 0.02) == pytest.approx(-0.008)  # net buying lifts the price
    assert D.impact(0.25, 0.8, 0.02, scale=2.0) == pytest.approx(0.016)
    assert D.impact(4.0, 0.8, 0.02) == D.impact(1.0, 0.8, 0.02) == pytest.approx(0.016)  # bounded at q_max = 1
    assert D.impact(0.0, 0.8, 0.02) == 0.0
    q = np.array([0.01, 0.04, 0.09])
    assert D.impact(q, 1.0, 0.03) == pytest.approx([0.003, 0.006, 0.009])  # concave: sqrt


def test_one_sellers_fixed_point_matches_a_scalar_root():
    """One forced seller in kospi_small; the day's price solves P = X exp(-K Y sigma sqrt(S(P)/V))
    with S(P) = (m L - C(P)) / (m - 1), found here by bisection."""
    from gaemi.colony.buckets import bucket_params
    from gaemi.colony.calibration import load_calibration

    bp = bucket_params(load_calibration())["kospi_small"]
    V, Y, sig = bp.daily_turnover_krw, bp.impact_coefficient, bp.annual_volatility / math.sqrt(252)
    w = 2_000_000.0  # one agent standing for two million identical accounts
    units, loan, m, K = 200e6, 100e6, 1.4, 3.0
    shock = shock_table(4, kospi_small=[-0.31, 0.0, 0.0, 0.0])
    params = ColonyParams(delever_behaviours=(), dip_behaviours=(), tolerance=1e-13)
    res = run(one_account({"kospi_small": units}, loan=loan, weight=w), shock, impact=K, params=params)
    X = 0.69
    decay = 1.0 - bp.overnight_decay

    def gap(i):  # day 3: yesterday's impact is zero (no sales before), today's impact i
        P = X * math.exp(-i)
        C = units * P
        S = max((m * loan - C) / (m - 1.0), 0.0)
        return K * Y * sig * math.sqrt(min(w * S / V, 1.0)) - i

    lo, hi = 0.0, 0.2
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if gap(mid) > 0 else (lo, mid)
    i_star = (lo + hi) / 2
    p3 = res.summary()["prices"]["with_feedback"]["kospi_small"][3]
    assert p3 == pytest.approx(X * math.exp(-i_star), rel=1e-9)
    assert res.summary()["forced_sales_krw_by_day"][2] == pytest.approx(
        w * (m * loan - units * p3) / (m - 1.0), rel=1e-8)
    # the next session (no sale: the account was restored) keeps (1 - overnight decay) of the impact
    assert decay == pytest.approx(0.71)
    assert res.summary()["forced_sales_krw_by_day"][3] == 0
    p4 = res.summary()["prices"]["with_feedback"]["kospi_small"][4]
    assert p4 == pytest.approx(X * math.exp(-decay * i_star), rel=1e-9)


def test_krx_bounds_closed_form():
    limit = np.array([0.3, 0.6, np.inf])
    breaker = np.array([0.2, 0.4, np.inf])
    p_prev = np.ones(3)
    lo, hi = D.day_bounds(p_prev, np.array([0.95, 0.95, 0.95]), limit, breaker)
    assert lo == pytest.approx([0.8, 0.6, 0.0]) and hi == pytest.approx([1.3, 1.6, np.inf])
    lo, _ = D.day_bounds(p_prev, np.array([0.7, 0.7, 0.7]), limit, breaker)  # a stated -30 % stands
    assert lo == pytest.approx([0.7, 0.6, 0.0])


def test_feedback_cannot_push_a_krx_bucket_through_the_circuit_breaker():
    # every account sells into a thin market; the exogenous -15 % plus impact stops at -20 %
    pop = population(n=2000, margin_share=1.0, weight=1e5)
    params = ColonyParams(delever_threshold=0.0, delever_speed=1.0, dip_behaviours=())
    res = run(pop, shock_table(2, kosdaq_theme=[-0.15, 0.0], kospi_small=[-0.15, 0.0]), impact=50.0, params=params)
    p = res.summary()["prices"]["with_feedback"]
    assert p["kosdaq_theme"][1] == pytest.approx(0.8) and p["kospi_small"][1] == pytest.approx(0.8)


def test_non_convergence_is_reported():
    pop = population(n=3000, margin_share=0.4)
    res = run(pop, CRASH, impact=4.0, params=ColonyParams(max_iterations=1))
    s = res.summary()
    assert s["converged"] is False
    assert any(w["code"] == "not_converged" for w in s["warnings"])
    assert run(pop, CRASH, impact=4.0).summary()["converged"] is True
