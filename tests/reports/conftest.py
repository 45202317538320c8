"""Results for report tests, built by hand so every headline number is known in advance.

``mc_fund`` (tqqq-salary: a 3x fund and a home goal) and ``mc_margin`` (all-in-margin) are Monte
Carlo-shaped results (no per-path months, a month-quantile table) on 200 paths whose events are
chosen so that every probability is a whole number of paths in 100 (no rounding ties) and the
quantiles fall on round amounts: median ending wealth 1,106,000,000 KRW ("11억 600만 원"), the
5 % quantile 140,000,000 KRW ("1억 4,000만 원"), money put in 300,000,000 KRW.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import gaemi
from gaemi.engine import layout as L
from gaemi.engine.run import RawPaths
from gaemi.results.odds import OddsCurve
from gaemi.results.simulation import SimulationResult

P = 200
N_DAYS = 2520

# counts of paths (out of 200)
N_GOAL = 124  # 62 in 100
N_FORCED = 36  # 18 in 100
N_WIPEOUT = 16  # 8 in 100
N_RUIN = 28  # 14 in 100
N_NEGATIVE = 4  # 2 in 100
MEDIAN_END = 1_106_000_000.0
P5_END = 140_000_000.0
INVESTED = 300_000_000.0
MDD_P50, MDD_P75 = 0.55, 0.72
FUND_GROWTH, UNDER_GROWTH = 1.37, 2.95


def make_raw(forced: bool = True) -> RawPaths:
    floats = np.zeros((P, L.N_FLOAT))
    ints = np.full((P, L.N_INT), -1, dtype=np.int64)
    end = np.empty(P)
    end[:11] = P5_END  # sorted positions 9 and 10 -> the 5 % quantile (type 7: 0.05 * 199 = 9.95)
    end[11:99] = np.linspace(2e8, 1.0e9, 88)
    end[99:101] = MEDIAN_END  # positions 99, 100 -> the median
    end[101:] = np.linspace(1.2e9, 2.0e9, P - 101)
    floats[:, L.END_WEALTH] = end
    floats[:, L.INVESTED] = INVESTED
    mdd = np.empty(P)
    mdd[:60], mdd[60:140], mdd[140:] = 0.2, MDD_P50, MDD_P75  # 0.75 * 199 = 149.25 -> 0.72
    floats[:, L.MAX_DRAWDOWN] = mdd
    floats[:, L.MIN_WEALTH] = 1e7
    floats[:N_NEGATIVE, L.MIN_WEALTH] = -5e6
    floats[:, L.INTEREST_PAID] = 4e7
    floats[:, L.FEES_PAID] = 1e7
    floats[:, L.FUND_GROWTH] = FUND_GROWTH
    floats[:, L.UNDER_GROWTH] = UNDER_GROWTH
    floats[:, L.END_RISKY] = end
    goal_paths = np.arange(P - N_GOAL, P)  # the richer paths reach the home
    ints[goal_paths, L.GOAL_DAY] = np.linspace(900, 2400, N_GOAL).astype(int)
    ints[:, L.GRADUATED] = 0
    ints[goal_paths, L.GRADUATED] = 1
    ints[:, L.N_FORCED] = 0
    ints[:, L.N_CALLS] = 0
    if forced:
        ints[:N_FORCED, L.FIRST_FORCED_DAY] = 400
        ints[:N_FORCED, L.N_FORCED] = 2
        ints[:N_FORCED, L.N_CALLS] = 3
    ints[:N_WIPEOUT, L.WIPEOUT_DAY] = 800
    ints[:N_RUIN, L.RUIN_DAY] = 700
    return RawPaths(np.empty((P, 0)), floats, ints)


def month_quantiles() -> pd.DataFrame:
    m = np.arange(1, 121)
    base = 2e7 + 9e6 * m
    cols = {"p5": 0.3, "p10": 0.5, "p25": 0.8, "p50": 1.0, "p75": 1.4, "p90": 1.9, "p95": 2.4}
    return pd.DataFrame({k: base * f for k, f in cols.items()}, index=pd.RangeIndex(1, 121, name="month"))


def make_result(plan_name: str, seed: int = 11) -> SimulationResult:
    """The hand-made paths under a built-in plan; forced sales only where the plan has a margin loan."""
    plan = gaemi.load_plan(plan_name)
    return SimulationResult(
        plan=plan, kind="bootstrap", n_days=N_DAYS, raw=make_raw(forced=plan.margin is not None),
        provenance={"model": "bootstrap", "seed": seed, "data_range": ["1999-03-11", "2025-12-31"]},
        month_quantiles=month_quantiles(),
    )


def make_odds() -> OddsCurve:
    """An odds curve for tqqq-salary's shape: the plan at 3x (index 12), the best P(home) within a 5 %
    ruin limit at 1.25x (P(ruin) 4 %, the highest P(home) among points with P(ruin) <= 5 %), a
    higher P(home) at 1.5x with P(ruin) 6 % (above the limit, so not marked)."""
    lev = np.arange(0, 3.01, 0.25)
    p_goal = np.array([0, 0, 0.02, 0.08, 0.2, 0.3, 0.36, 0.34, 0.31, 0.27, 0.22, 0.18, 0.15])
    p_ruin = np.array([0, 0, 0, 0, 0.01, 0.04, 0.06, 0.11, 0.18, 0.26, 0.34, 0.42, 0.5])
    kinds = ["deposit"] * 4 + ["daily"] * 8 + ["plan"]
    return OddsCurve(
        plan="tqqq-salary", model="parametric", paths=1000, years=10.0, seed=1, leverages=lev, p_goal=p_goal,
        p_ruin=p_ruin, p_forced_sale=np.zeros_like(lev), p_wipeout_ever=p_ruin / 2, p_wipeout_end=p_ruin / 8,
        p_ruin_floor_ever=p_ruin, p_ruin_floor_end=p_ruin / 4,
        median_end_wealth=np.linspace(3e8, 6e8, lev.size), mean_log_growth=np.linspace(0.01, 0.05, lev.size),
        kelly_leverage=1.8, plan_leverage=3.0, plan_point=12, ruin_limit=0.05, best_within_ruin_limit=1.25,
        kinds=kinds, how=[k for k in kinds],
    )


@pytest.fixture(scope="session")
def mc_fund() -> SimulationResult:
    return make_result("tqqq-salary")


@pytest.fixture(scope="session")
def mc_margin() -> SimulationResult:
    return make_result("all-in-margin")


@pytest.fixture(scope="session")
def odds() -> OddsCurve:
    return make_odds()


@pytest.fixture(scope="session")
def rolling_margin() -> SimulationResult:
    return gaemi.rolling("all-in-margin")


@pytest.fixture(scope="session")
def backtest_fund() -> SimulationResult:
    return gaemi.backtest("tqqq-salary", start="2007-06-01")
