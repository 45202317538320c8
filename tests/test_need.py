"""gaemi need: solved values against closed forms, directions of change, infeasible plans, the
years shortcut against real runs at that horizon, and the CLI contract."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.stats import norm
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.config import plan_from_dict
from gaemi.errors import ConfigError
from gaemi.montecarlo import simulate
from gaemi.need import bisect_boundary, by_horizon, need

GBM = dict(annual_drift=0.08, annual_vol=0.20, dist="normal", rate=0.0)


def gbm_plan(capital=1e6, saving=0.0, amount=1.5e6, years=2.0, **kw):
    """One spot holding on parametric normal log returns (a GBM sampled daily), an amount goal."""
    base = dict(name="gbm", currency="USD", horizon_years=years,
                investor=dict(capital=capital, monthly_saving=saving),
                holdings=[dict(asset="sp500tr", weight=1.0)], goal=dict(amount=amount))
    base.update(kw)
    return plan_from_dict(base)


def p_hit_closed_form(goal, capital, nu, sigma, T, dt=1 / 252):
    """P(max_{t<=T} X_t >= b) for X Brownian motion with drift nu, volatility sigma (first passage;
    e.g. Karatzas & Shreve 1991, 3.5.C; Borodin & Salminen 2002, 1.2.1.4), monitored daily: the
    barrier moved up by 0.5826 sigma sqrt(dt) (Broadie, Glasserman & Kou 1997, Math. Finance 7(4))."""
    b = math.log(goal / capital) + 0.5826 * sigma * math.sqrt(dt)
    s = sigma * math.sqrt(T)
    return norm.cdf((-b + nu * T) / s) + math.exp(2 * nu * b / sigma**2) * norm.cdf((-b - nu * T) / s)


# --------------------------------------------------------------------------- closed forms
def test_price_matches_first_passage_closed_form_on_gbm():
    # saving 0, goal G checked at every close: P(hit G by T) in closed form; the highest G with
    # P(goal) >= 0.5 must sit where the closed form gives 0.5, within sampling error
    C, T, target, paths = 1e6, 2.0, 0.5, 4000
    nu, sigma = math.log1p(GBM["annual_drift"]), GBM["annual_vol"]  # parametric: E log return = log(1 + drift)
    res = need(gbm_plan(capital=C, years=T), target=target, solve="price", model="parametric", paths=paths,
               seed=11, tolerance=0.001, abs_tolerance=1.0, model_options=GBM)
    assert res.feasible and res.p_goal >= target
    g_cf = brentq(lambda g: p_hit_closed_form(g, C, nu, sigma, T) - target, C * 1.0001, C * 10)
    p_at_solution = p_hit_closed_form(res.value, C, nu, sigma, T)
    se = math.sqrt(target * (1 - target) / paths)
    # 4 standard errors of the sample probability, plus the bisection's 0.1 % bracket
    assert abs(p_at_solution - target) < 4 * se + 0.005, (res.value, g_cf, p_at_solution)
    slope = abs(p_hit_closed_form(g_cf * 1.01, C, nu, sigma, T) - p_hit_closed_form(g_cf / 1.01, C, nu, sigma, T)) / 0.02
    assert abs(math.log(res.value / g_cf)) < (4 * se + 0.005) / slope
    # the answer is the boundary: a little higher and the futures' own P(goal) drops below the target
    above = simulate(gbm_plan(capital=C, years=T, amount=res.value * 1.01), model="parametric", paths=paths,
                     seed=11, model_options=GBM).summary()["p_goal"]
    assert above < target


def annuity_saving(C, G, mu, years):
    """Smallest saving s with wealth >= G at the last close when every daily return is
    r_d = (1 + mu)^(1/252) - 1 (sigma = 0). The engine invests the capital before day 0's return and
    each month's saving on the first session of months 2..N (after that session's return), so
    FV = C (1 + r_m)^N + s (1 + r_m)/(1 + r_d) ((1 + r_m)^(N-1) - 1) / r_m, r_m = (1 + r_d)^21 - 1,
    N = 12 years: the ordinary annuity FV formula with N - 1 payments, each a session short."""
    r_d = (1 + mu) ** (1 / 252) - 1
    r_m = (1 + r_d) ** 21 - 1
    N = int(round(12 * years))
    annuity = (1 + r_m) / (1 + r_d) * ((1 + r_m) ** (N - 1) - 1) / r_m
    return (G - C * (1 + r_m) ** N) / annuity


@pytest.mark.parametrize("tol", [0.01, 0.001])
def test_saving_matches_annuity_closed_form_when_deterministic(tol):
    C, G, mu, years = 1e6, 2e6, 0.06, 3.0
    res = need(gbm_plan(capital=C, amount=G, years=years, saving=5_000.0), solve="saving", model="parametric",
               paths=256, seed=3, tolerance=tol, abs_tolerance=1.0,
               model_options=dict(annual_drift=mu, annual_vol=0.0, dist="normal", rate=0.0))
    s_star = annuity_saving(C, G, mu, years)
    assert res.feasible and res.p_goal == 1.0 and res.p_ruin == 0.0
    # the solution is feasible (>= s*) and within the stated tolerance of it
    assert s_star * (1 - 1e-9) <= res.value <= s_star + max(tol * res.value, 1.0), (res.value, s_star)
    assert res.own_p_goal == 0.0  # 5,000 a month is not enough
    # every evaluation below s* missed the goal and every one above reached it (a step at s*)
    for e in res.evaluations:
        if abs(e.value - s_star) > 1e-6 * s_star:
            assert e.p_goal == (1.0 if e.value > s_star else 0.0), e


# --------------------------------------------------------------------------- directions
def test_solved_saving_is_monotone_in_the_target():
    plan = gbm_plan(capital=1e6, saving=10_000.0, amount=2e6, years=3.0)
    values = [need(plan, target=t, solve="saving", model="parametric", paths=1000, seed=5,
                   model_options=GBM).value for t in (0.3, 0.5, 0.7)]
    assert values[0] <= values[1] <= values[2], values
    assert values[0] < values[2]
    prices = [need(plan, target=t, solve="price", model="parametric", paths=1000, seed=5,
                   model_options=GBM).value for t in (0.3, 0.5, 0.7)]
    assert prices[0] >= prices[1] >= prices[2], prices
    assert prices[0] > prices[2]


def test_bisect_boundary_either_direction():
    # increasing predicate (saving) and decreasing one (price): the True end within tolerance
    assert bisect_boundary(lambda x: x >= 1234.5, 0.0, 10_000.0, 1e-6, 1e-3) == pytest.approx(1234.5, abs=2e-3)
    assert bisect_boundary(lambda x: x <= 777.0, 5000.0, 1.0, 1e-6, 1e-3) == pytest.approx(777.0, abs=2e-3)
    v = bisect_boundary(lambda x: x >= 1234.5, 0.0, 10_000.0, 0.01, 1.0)
    assert 1234.5 <= v <= 1234.5 + 0.01 * v + 1.0


# --------------------------------------------------------------------------- infeasible
def test_ruin_limit_zero_with_a_margin_plan_is_reported_infeasible():
    plan = gbm_plan(capital=1e6, saving=10_000.0, amount=1.3e6, years=2.0,
                    margin=dict(loan_to_equity=1.0, maintenance_ratio=1.4, rate_tiers=[[99999, 0.05]]))
    opts = dict(GBM, annual_vol=0.45)
    res = need(plan, ruin_limit=0.0, solve="saving", model="parametric", paths=512, seed=2, model_options=opts)
    assert not res.feasible and res.value is None and res.reason == "ruin"
    assert res.bound_p_ruin > 0 and res.own_p_ruin > 0
    d = json.loads(res.to_json())
    assert d["feasible"] is False and d["value"] is None and d["reason"] == "ruin"
    assert "More saving does not remove" in res.sentence("en")
    assert "반대매매" in res.sentence("ko")


def test_unreachable_target_is_reported_infeasible():
    plan = gbm_plan(capital=1e6, saving=1_000.0, amount=5e6, years=1.0)
    res = need(plan, target=0.99, solve="saving", model="parametric", paths=256, seed=2, bounds=(0, 20_000),
               model_options=GBM)
    assert not res.feasible and res.reason == "goal" and res.bound_value == 20_000
    assert res.bound_p_goal < 0.99
    assert "no monthly saving" in res.sentence("en")
    years = need(plan, target=0.99, solve="years", model="parametric", paths=256, seed=2, bounds=(1, 3),
                 model_options=GBM)
    assert not years.feasible and years.reason == "goal"


# --------------------------------------------------------------------------- years
@pytest.mark.parametrize("model, plan", [
    ("parametric", "margin"),
    ("bootstrap", "tqqq-salary"),  # a home goal priced by a bootstrapped home-price index
])
def test_years_equal_runs_at_that_horizon(model, plan):
    if plan == "margin":
        plan = gbm_plan(capital=1e6, saving=20_000.0, amount=1.6e6, years=3.0,
                        margin=dict(loan_to_equity=0.5, maintenance_ratio=1.4, rate_tiers=[[99999, 0.05]]))
        kw = dict(model_options=dict(GBM, annual_vol=0.35))
        target, bounds = 0.5, (0.5, 6)
    else:
        kw = {}
        target, bounds = 0.2, (0.5, 8)
    res = need(plan, target=target, ruin_limit=0.9, solve="years", model=model, paths=256, seed=9, bounds=bounds,
               **kw)
    assert res.feasible, res.sentence("en")
    # the solution's odds equal a run with that horizon on the same seed, and the month before misses
    direct = simulate(plan, model=model, paths=256, years=res.value, seed=9, **kw).summary()
    assert (direct["p_goal"], direct["p_ruin_any"]) == (res.p_goal, res.p_ruin)
    assert res.check["same_as_long_run"]
    if res.value > bounds[0]:
        before = simulate(plan, model=model, paths=256, years=res.value - 1 / 12, seed=9, **kw).summary()
        assert before["p_goal"] < target
    # so do the whole years recorded on the way (one long run, read at each horizon)
    for e in [e for e in res.evaluations if abs(e.value - round(e.value)) < 1e-9][:3]:
        s = simulate(plan, model=model, paths=256, years=e.value, seed=9, **kw).summary()
        assert (s["p_goal"], s["p_ruin_any"]) == (e.p_goal, e.p_ruin), e


def test_by_horizon_counts_days_before_the_horizon():
    days = np.array([-1, 0, 20, 21, 41, 42, 400])
    assert by_horizon(days, np.array([21, 42])).tolist() == [2 / 7, 4 / 7]


# --------------------------------------------------------------------------- validation, CLI
@pytest.mark.parametrize("kw, field", [
    (dict(target=0.0), "target"), (dict(target=1.0), "target"), (dict(target=True), "target"),
    (dict(ruin_limit=1.0), "ruin_limit"), (dict(ruin_limit=-0.1), "ruin_limit"),
    (dict(solve="leverage"), "solve"), (dict(bounds=(5, 1)), "bounds"),
    (dict(solve="years", model="historical"), "model"), (dict(solve="years", years=5), "years"),
    (dict(solve="years", bounds=(1, 80)), "bounds"), (dict(tolerance=0), "tolerance"),
])
def test_bad_input_names_the_field(kw, field):
    with pytest.raises(ConfigError) as e:
        need(gbm_plan(), **{"paths": 16, **kw})
    assert e.value.field == field


def test_plan_without_goal_is_refused():
    plan = plan_from_dict(dict(name="nogoal", investor=dict(capital=1e6), holdings=[dict(asset="sp500tr", weight=1)]))
    with pytest.raises(ConfigError) as e:
        need(plan, paths=16)
    assert e.value.field == "goal"


runner = CliRunner()


def test_cli_json_contract():
    r = runner.invoke(app, ["need", "safe", "--solve", "years", "--bounds", "1:3", "--target", "0.01",
                            "--paths", "256", "--seed", "4", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for k in ("plan", "solve", "target", "ruin_limit", "value", "feasible", "own_value", "own_p_goal",
              "own_p_ruin", "p_goal", "p_ruin", "bounds", "evaluations", "model", "paths", "seed", "sentence",
              "ruin_definition", "provenance", "history", "warnings"):
        assert k in d, k
    assert d["plan"] == "safe" and d["seed"] == 4 and d["solve"] == "years" and d["bounds"] == [1.0, 3.0]
    assert set(d["sentence"]) == {"en", "ko"}


def test_cli_table_and_sentence():
    r = runner.invoke(app, ["need", "safe", "--solve", "years", "--bounds", "1:3", "--target", "0.01",
                            "--paths", "256", "--seed", "4", "--lang", "ko"])
    assert r.exit_code == 0, r.output
    assert "지금 계획" in r.stdout and "safe:" in r.stdout


@pytest.mark.parametrize("args", [
    ["need", "safe", "--target", "1.5"],
    ["need", "safe", "--ruin-limit", "2"],
    ["need", "safe", "--solve", "magic"],
    ["need", "safe", "--bounds", "a:b"],
    ["need", "safe", "--lang", "fr"],
])
def test_cli_bad_input_exits_2_with_one_line(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert len(r.output.strip().splitlines()) == 1, r.output


def test_saving_search_on_a_plan_with_no_capital_starts_above_zero():
    """capital 0 and saving 0 is refused as a plan (no money in): the search starts at 1 a month."""
    from gaemi.config import plan_from_dict
    from gaemi.need import need

    plan = plan_from_dict(dict(name="zero", currency="USD", horizon_years=2,
                               investor=dict(capital=0.0, monthly_saving=1000.0),
                               holdings=[dict(asset="sp500tr", weight=1.0)], goal=dict(amount=30_000.0)))
    res = need(plan, solve="saving", paths=128, seed=1)
    assert res.bounds[0] >= 1.0 and (res.value is None or res.value >= 1.0)
