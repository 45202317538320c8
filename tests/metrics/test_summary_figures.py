"""Every summary figure against a value worked out by hand (issue 14, "Tests that catch real bugs").

Two kinds of input, neither of them the program's own earlier output:

* hand-made kernel outputs (:class:`RawPaths` written out in the test), so each figure of
  ``SimulationResult.summary()`` is checked against plain-Python arithmetic on the same lists
  (type-7 quantiles, CVaR of the worst 5 %, the empirical CDF of the goal day, ...);
* a six-path scenario set run through the engine (``run_all`` on a ``TableScenarioSet``) whose
  every path is simple enough to follow by hand: a goal with graduation, a flat path, a margin
  call met by a forced sale, a gap down that leaves debt, a call cured by a rebound, a wipe-out
  that recovers.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gaemi.engine import layout as L
from gaemi.engine.run import RawPaths, run_all
from gaemi.engine.spec import build_goal_target, build_spec
from gaemi.metrics import cvar, event_probability, probability_by_year, quantiles
from gaemi.results.simulation import SimulationResult
from gaemi.scenarios.base import TableScenarioSet
from tests.engine.helpers import plan


def type7(values, p):
    """Hyndman & Fan type 7 (numpy's default 'linear'), by hand: x[lo] + (h - lo)(x[lo+1] - x[lo])."""
    x = sorted(values)
    h = (len(x) - 1) * p
    lo = math.floor(h)
    if lo + 1 >= len(x):
        return x[-1]
    return x[lo] + (h - lo) * (x[lo + 1] - x[lo])


def inverted_cdf(values, p):
    """Hyndman & Fan type 1: the smallest x with F(x) >= p, i.e. x[ceil(n p) - 1]."""
    x = sorted(values)
    return x[max(0, math.ceil(len(x) * p - 1e-12) - 1)]


# ----------------------------------------------------------------------------- metric functions
def test_cvar_is_the_mean_of_the_worst_tail():
    v = [float(k) for k in range(1, 41)]  # 1..40: the worst 5 % is the 2 smallest
    assert cvar(np.array(v[::-1]), 0.05) == pytest.approx(1.5)
    assert cvar(np.array(v), 0.10) == pytest.approx((1 + 2 + 3 + 4) / 4)
    # one outcome in twenty is 5 %: the worst one alone, not the best one
    w = np.array([300.0, -70.0, 12.0, 5.0, 8.0, 9.0, 11.0, 13.0, 15.0, 17.0,
                  19.0, 21.0, 23.0, 25.0, 27.0, 29.0, 31.0, 33.0, 35.0, 37.0])
    assert cvar(w, 0.05) == -70.0
    # a tail smaller than one path still averages one path (the worst)
    assert cvar(np.array([3.0, -2.0, 7.0]), 0.05) == -2.0


def test_quantiles_are_type_7_on_an_array_where_methods_differ():
    v = np.array([10.0, 0.0, 40.0, 20.0, 100.0])  # sorted 0, 10, 20, 40, 100
    q = quantiles(v)
    # h = 4 p: p5 -> 0 + 0.2 * 10; p25 -> x1 = 10; p50 -> 20; p75 -> x3 = 40; p95 -> 40 + 0.8 * 60
    assert q == pytest.approx({"p5": 2.0, "p25": 10.0, "p50": 20.0, "p75": 40.0, "p95": 88.0})
    # the same hand values from the hand function, and a case where type 7 differs from types 1-6, 8, 9
    u = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])
    qu = quantiles(u, (0.1, 0.3, 0.9))
    assert qu["p10"] == pytest.approx(1.5)  # h = 0.5: halfway 1 -> 2
    assert qu["p30"] == pytest.approx(2.0 + 0.5 * 2.0)  # h = 1.5
    assert qu["p90"] == pytest.approx(16.0 + 0.5 * 16.0)  # h = 4.5
    for p, key in ((0.1, "p10"), (0.3, "p30"), (0.9, "p90")):
        assert qu[key] == pytest.approx(type7(u.tolist(), p))
    assert quantiles(u, (0.1,))["p10"] != pytest.approx(inverted_cdf(u.tolist(), 0.1))


def test_probability_by_year_is_cumulative():
    days = np.array([0, 251, 252, 300, 503, 504, 755, -1, -1, -1])
    # by the end of year 1 (days 0..251): 2; year 2 (..503): 5; year 3 (..755): 7 of 10
    assert probability_by_year(days, 3, 252.0) == pytest.approx([0.2, 0.5, 0.7])
    assert probability_by_year(np.array([-1, -1]), 2) == [0.0, 0.0]
    # never decreasing, and the last year equals the overall share when the horizon covers every event
    assert event_probability(days) == pytest.approx(0.7)


# ----------------------------------------------------------------------------- hand-made kernel outputs
N_DAYS = 756  # 3 years of 252 sessions
END = [-50.0, 5.0, 12.0, 30.0, 44.0, 61.0, 70.0, 85.0, 90.0, 100.0,
       104.0, 110.0, 125.0, 140.0, 150.0, 170.0, 200.0, 230.0, 260.0, 400.0]
INVESTED = [100.0] * 10 + [200.0] * 10
GOAL_DAY = [0, 251, 252, 300, 503, 504, 600, 755, 10, 20, 400, 700] + [-1] * 8
WIPE_DAY = [3, -1, 40, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1]
RUIN_DAY = [3, 7, 40, 90, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1]
FORCED_DAY = [5, -1, -1, -1, 60, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 400, -1]
N_CALLS = [2, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 1, 0]
GRADUATED = [0, 1, 1, 0, 1] + [0] * 15
MIN_WEALTH = [-60.0, 15.0, 8.0, 18.0, 30.0, 50.0, 60.0, 70.0, 80.0, 90.0,
              95.0, 100.0, 100.0, 100.0, -1.0, 100.0, 100.0, 100.0, 100.0, 100.0]
END_LOAN = [70.0, 0.0, 0.0, 10.0, 0.0, 50.0] + [0.0] * 13 + [30.0]
END_RISKY = [0.0, 5.0, 12.0, 0.0, 44.0, 80.0] + [0.0] * 13 + [10.0]
MAX_DD = [1.6, 0.85, 0.92, 0.82, 0.7, 0.5, 0.4, 0.3, 0.2, 0.1,
          0.05, 0.0, 0.0, 0.0, 1.01, 0.0, 0.0, 0.0, 0.0, 0.0]
INTEREST = [float(k) for k in range(20)]
FEES = [0.5 * k for k in range(20)]
FUND_G = [0.0] + [0.5 + 0.1 * k for k in range(19)]
UNDER_G = [0.3] + [0.8 + 0.05 * k for k in range(19)]


def _hand_result(leverage: float = 2.0) -> SimulationResult:
    n = len(END)
    floats = np.zeros((n, L.N_FLOAT))
    ints = np.full((n, L.N_INT), -1, dtype=np.int64)
    for col, vals in ((L.END_WEALTH, END), (L.INVESTED, INVESTED), (L.MIN_WEALTH, MIN_WEALTH),
                      (L.END_LOAN, END_LOAN), (L.END_RISKY, END_RISKY), (L.MAX_DRAWDOWN, MAX_DD),
                      (L.INTEREST_PAID, INTEREST), (L.FEES_PAID, FEES), (L.FUND_GROWTH, FUND_G),
                      (L.UNDER_GROWTH, UNDER_G)):
        floats[:, col] = vals
    for col, vals in ((L.GOAL_DAY, GOAL_DAY), (L.WIPEOUT_DAY, WIPE_DAY), (L.RUIN_DAY, RUIN_DAY),
                      (L.FIRST_FORCED_DAY, FORCED_DAY), (L.N_CALLS, N_CALLS), (L.GRADUATED, GRADUATED)):
        ints[:, col] = vals
    ints[:, L.N_FORCED] = [1 if d >= 0 else 0 for d in FORCED_DAY]
    p = plan(name="hand", horizon_years=3, holdings=[dict(asset="sp500tr", weight=1.0, leverage=leverage)],
             goal=dict(amount=150.0, growth=0.1), graduate=dict(enabled=True))
    raw = RawPaths(np.zeros((n, 36)), floats, ints)
    return SimulationResult(plan=p, kind="rolling", n_days=N_DAYS, raw=raw, days_per_year=252.0,
                            provenance={"model": "hand", "seed": 7})


def test_every_summary_figure_of_hand_made_outputs():
    s = _hand_result().summary()
    n = 20
    assert s["paths"] == n and s["years"] == 3.0 and s["seed"] == 7 and s["model"] == "hand"
    # goal: 12 of 20 reached; by the end of year 1 (days 0..251) 4 (0, 251, 10, 20), year 2 (..503)
    # 4 + 3 (252, 300, 400, 503 -> 8), year 3 all 12
    assert s["p_goal"] == pytest.approx(12 / 20)
    assert s["p_goal_by_year"] == pytest.approx([4 / 20, 8 / 20, 12 / 20])
    assert s["p_graduated"] == pytest.approx(3 / 20)
    assert s["p_forced_sale"] == pytest.approx(3 / 20)  # days 5, 60, 400
    assert s["p_margin_call"] == pytest.approx(5 / 20)
    assert s["p_wipeout_ever"] == pytest.approx(2 / 20) and s["p_wipeout"] == s["p_wipeout_ever"]
    assert s["p_ruin_floor_ever"] == pytest.approx(4 / 20) and s["p_ruin_floor"] == s["p_ruin_floor_ever"]
    # at the end, at or below the floor x money put in: wipe-out (0.1): -50 <= 10, 5 <= 10 -> 2;
    # ruin (0.2): -50, 5, 12 <= 20 (invested 100) -> 3; none of the 200-invested paths ends <= 40
    assert s["wipeout_floor"] == 0.1 and s["ruin_floor"] == 0.2
    assert s["p_wipeout_end"] == pytest.approx(2 / 20)
    assert s["p_ruin_floor_end"] == pytest.approx(3 / 20)
    assert s["p_negative_equity"] == pytest.approx(2 / 20)  # min wealth -60 and -1
    # any ruin: a forced sale (paths 0, 4, 18) or the ruin floor (0, 1, 2, 3) or a negative
    # minimum (0, 14): paths 0, 1, 2, 3, 4, 14, 18 -> 7
    assert s["p_ruin_any"] == pytest.approx(7 / 20)
    # debt left: max(loan - risky, 0): 70, 10, 20 (path 18: 30 - 10); path 5 owes 50 but holds 80
    assert s["mean_debt_left"] == pytest.approx((70 + 10 + 20) / 20)
    # end wealth: type 7 on the sorted list (it is sorted): h = 19 p
    assert s["end_wealth_quantiles"] == pytest.approx({
        "p5": -50 + 0.95 * 55, "p25": 44 + 0.75 * 17, "p50": 100 + 0.5 * 4, "p75": 150 + 0.25 * 20,
        "p95": 260 + 0.05 * 140})
    assert s["median_end_wealth"] == pytest.approx(102.0)
    assert s["p5_end_wealth"] == pytest.approx(2.25)
    assert s["cvar5_end_wealth"] == -50.0  # the single worst of 20, not the best (400)
    assert s["max_drawdown_quantiles"] == pytest.approx({f"p{round(p * 100)}": type7(MAX_DD, p)
                                                         for p in (0.05, 0.25, 0.5, 0.75, 0.95)})
    assert s["median_invested"] == pytest.approx(150.0)  # ten at 100, ten at 200
    assert s["median_interest_paid"] == pytest.approx(9.5)  # median of 0..19
    assert s["median_fees_paid"] == pytest.approx(4.75)
    # years to the goal: (day + 1) / 252 (day 0 is the first session), never = +inf; type 1
    ttg = s["time_to_goal_years"]
    years = sorted([(d + 1) / 252 for d in GOAL_DAY if d >= 0]) + [math.inf] * 8
    # sorted days 0, 10, 20, 251, 252, 300, 400, 503, 504, 600, 700, 755: p10 = x[1], p50 = x[9]
    assert ttg["p10"] == pytest.approx(11 / 252) and ttg["p10"] == pytest.approx(years[1])
    assert ttg["p50"] == pytest.approx(601 / 252)
    assert ttg["p90"] is None  # the 18th of 20 never got there
    # the drag of the 2x holding: (2 ln G_u - ln G_f) / 3 on the paths where the fund survived
    d = s["leveraged_fund"]
    assert d["leverage"] == 2.0
    assert d["p_fund_wiped"] == pytest.approx(1 / 20)
    drag = [(2 * math.log(u) - math.log(f)) / 3 for f, u in zip(FUND_G[1:], UNDER_G[1:])]
    assert d["drag_log_annual"] == pytest.approx({f"p{round(p * 100)}": type7(drag, p) for p in (0.25, 0.5, 0.75)})
    assert d["median_fund_growth"] == pytest.approx((FUND_G[9] + FUND_G[10]) / 2)
    assert d["median_underlying_growth"] == pytest.approx((UNDER_G[9] + UNDER_G[10]) / 2)
    assert d["median_fund_return"] == pytest.approx((FUND_G[9] + FUND_G[10]) / 2 - 1)
    assert d["median_l_times_underlying_return"] == pytest.approx(2 * ((UNDER_G[9] + UNDER_G[10]) / 2 - 1))


def test_events_frame_debt_left_and_negative_equity():
    ev = _hand_result().events()
    assert ev["debt_left"].tolist() == pytest.approx([70.0, 0, 0, 10.0, 0, 0] + [0.0] * 13 + [20.0])
    assert ev["negative_equity"].sum() == 2 and bool(ev["negative_equity"].iloc[14])
    assert ev["graduated"].tolist() == [bool(g) for g in GRADUATED]


def test_json_carries_the_hand_values():
    import json

    s = json.loads(_hand_result().to_json())["summary"]
    assert s["p_goal_by_year"] == pytest.approx([0.2, 0.4, 0.6])
    assert s["cvar5_end_wealth"] == -50.0
    assert s["time_to_goal_years"]["p90"] is None


# ----------------------------------------------------------------------------- the goal by month
def test_amount_goal_grows_by_whole_years():
    p = plan(horizon_years=3, goal=dict(amount=1000.0, growth=0.1))
    target = build_goal_target(p, 756, 252.0)
    # session d (0-based) ends (d + 1) / 252 years in: after 252 sessions exactly one year of growth
    assert target[251] == pytest.approx(1100.0, rel=1e-13)
    assert target[503] == pytest.approx(1210.0, rel=1e-13)
    assert target[755] == pytest.approx(1331.0, rel=1e-13)
    assert target[0] == pytest.approx(1000.0 * 1.1 ** (1 / 252), rel=1e-13)
    res = SimulationResult(plan=p, kind="rolling", n_days=756,
                           raw=RawPaths(np.zeros((1, 36)), np.zeros((1, L.N_FLOAT)),
                                        np.full((1, L.N_INT), -1, dtype=np.int64)))
    g = res.goal_by_month()
    # month m ends on session 21 m - 1: (21 m) / 252 = m / 12 years
    assert len(g) == 36 and g.index[0] == 1 and g.index[-1] == 36
    assert g.loc[12] == pytest.approx(1100.0, rel=1e-13)
    assert g.loc[36] == pytest.approx(1331.0, rel=1e-13)
    assert g.to_numpy() == pytest.approx([1000.0 * 1.1 ** (m / 12) for m in range(1, 37)], rel=1e-13)


# ----------------------------------------------------------------------------- a six-path engine run
# capital 100, a margin loan of 100 (k = 1, m = 1.4, call deadline 1 session, sell everything,
# no haircut, no interest), 200 of one spot index; goal: net wealth 180, then graduate; no saving,
# no deposit interest. Returns of the four sessions, per path:
PATHS = [
    [0.45, 0.0, 0.0, 0.0],  # 0: 290 - 100 = 190 >= 180 on day 0: goal, graduation
    [0.0, 0.0, 0.0, 0.0],  # 1: flat, 100
    [-0.42, 0.0, 0.0, 0.0],  # 2: 116 < 140 call; day 1 everything sold: 16 left (ruin floor 20)
    [-0.60, 0.0, 0.0, 0.0],  # 3: 80: wealth -20; day 1 sold, 20 of debt left
    [-0.32, 0.05, 0.0, 0.0],  # 4: 136 < 140 call; 142.8 >= 140 cures it: 42.8
    [-0.46, 0.5, 0.0, 0.0],  # 5: 108: wealth 8 (wiped, ruined); 162 cures the call: 62
]


def _engine_result(implementation: str) -> SimulationResult:
    r = np.asarray(PATHS, dtype=float)
    n_paths, n_days = r.shape
    p = plan(name="six", horizon_years=1, holdings=[dict(asset="sp500tr", weight=1.0)],
             deposit=dict(rate=0.0), goal=dict(amount=180.0), graduate=dict(enabled=True),
             margin=dict(loan_to_equity=1.0, maintenance_ratio=1.4, call_deadline_days=1, forced_sale="all",
                         haircut=0.0, rate_tiers=[[99999, 0.0]]))
    table = np.concatenate([r.reshape(-1, 1), np.zeros((n_paths * n_days, 1))], axis=1)
    scen = TableScenarioSet(
        underlyings=("sp500tr", "fx:USD"), rate_names=("us_effr",), returns=table,
        rates=np.zeros((n_paths * n_days, 1)), gap_days=np.ones(n_paths * n_days),
        index=np.arange(n_paths * n_days).reshape(n_paths, n_days), new_month=np.zeros((1, n_days), dtype=bool),
        provenance={"scenario": "hand"})
    spec = build_spec(p, scen.underlyings, scen.rate_names, n_days, rate_basis={"us_effr": 360.0},
                      asset_currency=lambda n: "USD")
    raw = run_all(spec, scen, chunk_paths=4, implementation=implementation)  # two chunks: 4 + 2
    return SimulationResult(plan=p, kind="rolling", n_days=n_days, raw=raw, days_per_year=252.0,
                            provenance=scen.provenance)


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
def test_six_hand_paths_through_the_engine(implementation):
    res = _engine_result(implementation)
    f, i = res.raw.floats, res.raw.ints
    end = [190.0, 100.0, 200 * 0.58 - 100, -20.0, 200 * 0.68 * 1.05 - 100, 200 * 0.54 * 1.5 - 100]
    assert f[:, L.END_WEALTH] == pytest.approx(end, rel=1e-12)
    assert f[:, L.END_LOAN] == pytest.approx([0, 100, 0, 20, 100, 100], rel=1e-12)
    assert i[:, L.GOAL_DAY].tolist() == [0, -1, -1, -1, -1, -1]
    assert i[:, L.N_CALLS].tolist() == [0, 0, 1, 1, 1, 1]
    assert i[:, L.FIRST_FORCED_DAY].tolist() == [-1, -1, 1, 1, -1, -1]
    assert i[:, L.WIPEOUT_DAY].tolist() == [-1, -1, -1, 0, -1, 0]
    assert i[:, L.RUIN_DAY].tolist() == [-1, -1, 0, 0, -1, 0]

    s = res.summary()
    assert s["p_goal"] == pytest.approx(1 / 6)
    assert s["p_goal_by_year"] == pytest.approx([1 / 6])
    assert s["p_graduated"] == pytest.approx(1 / 6)
    assert s["p_forced_sale"] == pytest.approx(2 / 6)
    assert s["p_margin_call"] == pytest.approx(4 / 6)
    assert s["p_wipeout_ever"] == pytest.approx(2 / 6)  # paths 3 and 5
    assert s["p_wipeout_end"] == pytest.approx(1 / 6)  # path 3 (-20 <= 10); path 5 ended at 62
    assert s["p_ruin_floor_ever"] == pytest.approx(3 / 6)  # 2, 3, 5
    assert s["p_ruin_floor_end"] == pytest.approx(2 / 6)  # 16 and -20 <= 20
    assert s["p_negative_equity"] == pytest.approx(1 / 6)
    assert s["p_ruin_any"] == pytest.approx(3 / 6)
    assert s["mean_debt_left"] == pytest.approx(20 / 6)
    assert res.events()["debt_left"].tolist() == pytest.approx([0, 0, 0, 20, 0, 0])
    srt = sorted(end)  # -20, 16, 42.8, 62, 100, 190
    assert s["median_end_wealth"] == pytest.approx((srt[2] + srt[3]) / 2)
    assert s["p5_end_wealth"] == pytest.approx(srt[0] + 0.25 * (srt[1] - srt[0]))  # h = 5 * 0.05
    assert s["cvar5_end_wealth"] == pytest.approx(-20.0)
    assert s["time_to_goal_years"] == {"p10": pytest.approx(1 / 252), "p50": None, "p90": None}
    dd = [0.0, 0.0, 1 - (200 * 0.58 - 100) / 100, 1.2, 1 - (200 * 0.68 - 100) / 100, 1 - (200 * 0.54 - 100) / 100]
    assert s["max_drawdown_quantiles"] == pytest.approx({f"p{round(p * 100)}": type7(dd, p)
                                                         for p in (0.05, 0.25, 0.5, 0.75, 0.95)})
    assert s["median_invested"] == 100.0 and s["median_interest_paid"] == 0.0
    assert s["leveraged_fund"] is None and s["collapse"] is None
