"""The odds curve (issue 13 §3): it runs the user's real plan and marks where it sits; P(home) is
shown beside P(ruin) and no exposure is crowned by P(home) alone; the growth-optimal (Kelly)
leverage is still the peak of log growth on a closed-form model."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

import gaemi
from gaemi.cli.app import app
from gaemi.config import plan_from_dict
from gaemi.engine import layout as L
from gaemi.errors import ConfigError
from gaemi.montecarlo import simulate
from gaemi.odds import (
    best_within_limit,
    odds_curve,
    plan_exposure,
    unlevered_exposure,
    variant_at,
)

MC = dict(model="bootstrap", paths=512, years=3, seed=4)


# --------------------------------------------------------------------------- the family (no simulation)
def test_exposure_formula():
    p = gaemi.load_plan("all-in-margin")  # ndxtr 1.0 spot, loan_to_equity 1.0
    assert unlevered_exposure(p) == 1.0 and plan_exposure(p) == 2.0
    t = gaemi.load_plan("tqqq-salary")  # a 3x fund, no loan
    assert plan_exposure(t) == pytest.approx(sum(h.weight * h.leverage for h in t.risky_holdings))
    mixed = plan_from_dict(dict(name="m", investor=dict(capital=1e8),
                                holdings=[dict(asset="ndxtr", weight=0.5, leverage=2.0), dict(asset="sp500tr", weight=0.3),
                                          dict(asset="deposit", weight=0.2)],
                                margin=dict(loan_to_equity=0.5, jurisdiction="other")))
    # (0.5 x 2 + 0.3 x 1) x (1 + 0.5); the deposit counts 0
    assert plan_exposure(mixed) == pytest.approx(1.3 * 1.5)


def test_the_family_around_a_margin_plan():
    p = gaemi.load_plan("all-in-margin")
    v, how, kind = variant_at(p, 2.0)
    assert v is p and kind == "plan"
    v, how, kind = variant_at(p, 1.5)  # a smaller loan, the plan's own margin terms
    assert kind == "smaller_loan" and v.margin.loan_to_equity == pytest.approx(0.5)
    assert v.margin.model_dump(exclude={"loan_to_equity"}) == p.margin.model_dump(exclude={"loan_to_equity"})
    v, how, kind = variant_at(p, 1.0)
    assert kind == "no_loan" and v.margin is None and v.holdings == p.holdings
    v, how, kind = variant_at(p, 0.5)  # less in the market, the rest in the deposit
    assert kind == "deposit" and v.margin is None
    assert {h.asset: h.weight for h in v.holdings} == {"ndxtr": 0.5, "deposit": 0.5}
    v, how, kind = variant_at(p, 0.0)
    assert [h.asset for h in v.holdings] == ["deposit"]
    v, how, kind = variant_at(p, 3.0)  # a larger loan
    assert kind == "larger_loan" and v.margin.loan_to_equity == pytest.approx(2.0)
    # collateral / loan would start at 4/3 < 1.4: no broker lends it -> a daily-levered fund instead
    v, how, kind = variant_at(p, 4.0)
    assert kind == "daily_fallback" and v.margin is None and "maintenance" in how
    assert v.holdings[0].leverage == pytest.approx(4.0)
    for x in (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0):
        assert plan_exposure(variant_at(p, x)[0]) == pytest.approx(x)
    # the daily family (the old curve): every holding daily-levered, no loan
    v, how, kind = variant_at(p, 1.5, family="daily")
    assert kind == "daily" and v.margin is None and v.holdings[0].leverage == pytest.approx(1.5)


def test_no_margin_plan_gets_default_margin_terms_above_it():
    p = gaemi.load_plan("tqqq-salary")
    e0 = plan_exposure(p)
    v, how, kind = variant_at(p, e0 * 1.5)
    assert kind == "larger_loan" and v.margin.loan_to_equity == pytest.approx(0.5)
    assert "default margin terms" in how and v.margin.maintenance_ratio == 1.40


def test_margin_not_allowed_on_the_holdings_falls_back_to_daily_leverage():
    """A Korean margin loan on crypto is refused by the plan's validation (Margin.jurisdiction):
    the point above the plan is a daily-levered fund and says so."""
    p = plan_from_dict(dict(name="coin", investor=dict(capital=1e7), holdings=[dict(asset="btc", weight=1.0)],
                            goal=dict(amount=2e7)))
    v, how, kind = variant_at(p, 1.5)
    assert kind == "daily_fallback" and "margin not allowed" in how
    assert v.margin is None and v.holdings[0].leverage == pytest.approx(1.5)


def test_best_within_limit_respects_the_constraint():
    x = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    goal = np.array([0.0, 0.2, 0.4, 0.6, 0.7])
    ruin = np.array([0.0, 0.01, 0.05, 0.06, 0.2])
    assert best_within_limit(x, goal, ruin, 0.05) == 1.0  # 1.5 and 2 have more home but too much ruin
    assert best_within_limit(x, goal, ruin, 0.06) == 1.5
    assert best_within_limit(x, goal, ruin, 1.0) == 2.0
    assert best_within_limit(x, goal, ruin + 0.5, 0.05) is None  # no point within the limit
    assert best_within_limit(x, goal * 0, ruin, 0.05) is None  # within it, but no home anywhere
    assert best_within_limit(x, np.array([0, 0.4, 0.4, 0.6, 0.7]), ruin, 0.05) == 0.5  # ties: the lowest
    assert best_within_limit(x, np.array([np.nan, 0.2, 0.4, 0.6, 0.7]), ruin, 0.05) == 1.0
    assert best_within_limit(x, goal, ruin, None) is None


def test_bad_arguments():
    with pytest.raises(ConfigError) as e:
        odds_curve("all-in-margin", "0:3:1", ruin_limit=1.5, **MC)
    assert e.value.field == "ruin_limit"
    with pytest.raises(ConfigError) as e:
        odds_curve("all-in-margin", "0:3:1", family="weekly", **MC)
    assert e.value.field == "family"


# --------------------------------------------------------------------------- the real plan on the curve
@pytest.fixture(scope="module")
def margin_curve():
    # 0..4 by 1: 0 (deposit), 1 (no loan), 2 (the plan), 3 (a larger loan), 4 (daily fallback, needs fx:USD)
    return odds_curve("all-in-margin", "0:4:1", **MC)


def test_the_plan_point_is_gaemi_simulate_of_the_plan(margin_curve):
    c = margin_curve
    assert c.plan_leverage == 2.0 and c.leverages[c.plan_point] == 2.0 and c.kinds[c.plan_point] == "plan"
    s = simulate("all-in-margin", **MC).summary()
    k = c.plan_point
    assert c.p_goal[k] == s["p_goal"]
    assert c.p_ruin[k] == s["p_ruin_any"]
    assert c.p_forced_sale[k] == s["p_forced_sale"]
    assert c.median_end_wealth[k] == s["median_end_wealth"]
    assert c.p_wipeout_ever[k] == s["p_wipeout_ever"] and c.p_wipeout_end[k] == s["p_wipeout_end"]
    # the real plan is force-sold in some futures (the old curve dropped the loan: always 0 %)
    assert c.p_forced_sale[k] > 0
    assert c.same_futures[k]


def test_a_point_that_needs_another_series_runs_apart_and_says_so(margin_curve):
    c = margin_curve
    k4 = int(np.flatnonzero(c.leverages == 4.0)[0])
    assert c.kinds[k4] == "daily_fallback" and not c.same_futures[k4] and "fx:USD" in c.how[k4]
    assert all(c.same_futures[k] for k in range(len(c.leverages)) if k != k4)
    # below the plan: no margin loan, no forced sale; above it: more forced sales (same futures)
    k1, k3 = (int(np.flatnonzero(c.leverages == x)[0]) for x in (1.0, 3.0))
    assert c.p_forced_sale[k1] == 0 and c.p_forced_sale[k3] >= c.p_forced_sale[c.plan_point]
    assert c.loan_to_equity[k3] == pytest.approx(2.0) and c.loan_to_equity[k1] == 0
    d = json.loads(c.to_json())
    assert d["plan_point"] == c.plan_point and d["plan_leverage"] == 2.0 and d["ruin_limit"] == 0.05
    assert d["points"][c.plan_point]["is_plan"] and d["points"][c.plan_point]["how"] == "the plan as it is"
    assert "best_leverage" not in d


def test_the_plan_exposure_is_added_when_the_grid_misses_it():
    c = odds_curve("all-in-margin", "0,1", **MC)
    assert list(c.leverages) == [0.0, 1.0, 2.0] and c.plan_point == 2
    s = simulate("all-in-margin", **MC).summary()
    assert c.p_goal[2] == s["p_goal"] and c.median_end_wealth[2] == s["median_end_wealth"]


def test_the_curve_marks_the_best_within_the_ruin_limit(margin_curve):
    c = margin_curve
    ok = (c.p_ruin <= c.ruin_limit) & (c.p_goal > 0)
    if ok.any():
        assert c.best_within_ruin_limit == c.leverages[ok][np.argmax(c.p_goal[ok])]
    else:
        assert c.best_within_ruin_limit is None


def test_odds_curve_peak_matches_kelly_on_gbm():
    """The daily family (every point a daily-levered fund, as the curve used to be) on a GBM model:
    the peak of mean log growth is the closed-form Kelly leverage."""
    mu_g, vol, rate = 0.08, 0.20, 0.03
    plan = plan_from_dict(dict(
        name="gbm", currency="USD", horizon_years=10, investor=dict(capital=1e6),
        holdings=[dict(asset="sp500tr", weight=1.0, financing_spread=0.0)], goal=dict(amount=3e6)))
    curve = odds_curve(plan, "0:3:0.25", model="parametric", paths=4000, seed=7, family="daily", ruin_limit=0.05,
                       model_options=dict(annual_drift=mu_g, annual_vol=vol, dist="normal", rate=rate))
    # closed form on the discrete daily model: Kelly = (E r - rf) / Var r (per day, ratio is scale-free)
    m, s = math.log1p(mu_g) / 252, vol / math.sqrt(252)
    mean_r = math.exp(m + s * s / 2) - 1
    var_r = (math.exp(s * s) - 1) * math.exp(2 * m + s * s)
    rf = rate * (365 / 252) / 360  # us_effr is ACT/360; parametric sessions span 365/252 days
    kelly = (mean_r - rf) / var_r
    assert curve.kelly_leverage == pytest.approx(kelly, abs=0.1)
    # the vertex of the mean log growth curve is the growth-optimal leverage
    c2, c1, _ = np.polyfit(curve.leverages, curve.mean_log_growth, 2)
    assert -c1 / (2 * c2) == pytest.approx(kelly, abs=0.15)
    assert curve.p_ruin[0] <= curve.p_ruin[-1]
    assert curve.plan_point == 4 and curve.kinds[4] == "plan"
    ok = (curve.p_ruin <= 0.05) & (curve.p_goal > 0)
    assert curve.best_within_ruin_limit == curve.leverages[ok][np.argmax(curve.p_goal[ok])]


# --------------------------------------------------------------------------- CLI
runner = CliRunner()


def test_cli_odds_table_marks_the_plan_and_the_limit_not_best():
    r = runner.invoke(app, ["odds", "all-in-margin", "--leverage", "0:3:1", "--paths", "512", "--years", "3",
                            "--seed", "4", "--lang", "en", "--ruin-limit", "0.3"])
    assert r.exit_code == 0, r.output
    assert "your plan" in r.output and "◀ best\n" not in r.output and "Best leverage for P(home)" not in r.output
    assert "Your plan as it is (2x exposure)" in r.output and "P(ruin)" in r.output
    j = runner.invoke(app, ["odds", "all-in-margin", "--leverage", "0:3:1", "--paths", "512", "--years", "3",
                            "--seed", "4", "--json", "--ruin-limit", "0.3"])
    d = json.loads(j.stdout)
    assert d["ruin_limit"] == 0.3 and d["plan_point"] == 2 and "best_within_ruin_limit" in d


@pytest.mark.parametrize("args", [["--ruin-limit", "2"], ["--family", "weekly"], ["--leverage", "3:0:1"]])
def test_cli_odds_bad_input_exits_2(args):
    r = runner.invoke(app, ["odds", "all-in-margin", "--paths", "64", "--years", "1", *args])
    assert r.exit_code == 2, r.output


def test_the_plan_point_raw_paths_are_the_plan_s(margin_curve):
    """Not only the summary: the curve's plan point is the same futures as simulate (a regression
    pin on common random numbers, via the median of every ending wealth)."""
    res = simulate("all-in-margin", **MC)
    assert margin_curve.median_end_wealth[margin_curve.plan_point] == float(np.median(res.raw.floats[:, L.END_WEALTH]))
