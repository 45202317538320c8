"""Monte Carlo: reproducible whatever the chunking or worker count; bad input exits 2 (the odds curve
and its Kelly test: tests/test_odds.py)."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import gaemi
from gaemi.cli.app import app
from gaemi.config import plan_from_dict
from gaemi.montecarlo import simulate_many


def _same(a, b):
    np.testing.assert_array_equal(a.raw.floats, b.raw.floats)
    np.testing.assert_array_equal(a.raw.ints, b.raw.ints)
    assert a.to_frame().equals(b.to_frame())


def test_same_seed_same_numbers_any_chunk_size():
    base = gaemi.simulate("all-in-margin", paths=1500, years=5, seed=11, chunk_size=4096)
    for chunk in (256, 700, 1024):
        _same(base, gaemi.simulate("all-in-margin", paths=1500, years=5, seed=11, chunk_size=chunk))
    other = gaemi.simulate("all-in-margin", paths=1500, years=5, seed=12)
    assert not np.array_equal(base.raw.floats, other.raw.floats)


@pytest.mark.slow
def test_workers_and_scheduler_give_identical_numbers():
    from distributed import LocalCluster

    one = gaemi.simulate("tqqq-salary", paths=1200, years=3, seed=5, chunk_size=512)
    two = gaemi.simulate("tqqq-salary", paths=1200, years=3, seed=5, chunk_size=512, workers=2)
    _same(one, two)
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        three = gaemi.simulate("tqqq-salary", paths=1200, years=3, seed=5, chunk_size=256,
                               scheduler=cluster.scheduler_address)
    _same(one, three)


@pytest.mark.parametrize("model", ["garch", "parametric"])
def test_other_models_run_and_are_reproducible(model):
    a = gaemi.simulate("tqqq-salary", model=model, paths=512, years=2, seed=1)
    b = gaemi.simulate("tqqq-salary", model=model, paths=512, years=2, seed=1, chunk_size=256)
    _same(a, b)
    s = a.summary()
    assert 0 <= s["p_goal"] <= 1 and s["paths"] == 512


def test_compare_uses_common_random_numbers():
    # both plans hold ndxtr and finance at us_effr: the same table, so compare == each alone, same seed
    res = simulate_many(["tqqq-salary", "all-in-margin"], paths=512, years=3, seed=2)
    for r, name in zip(res, ("tqqq-salary", "all-in-margin")):
        _same(r, gaemi.simulate(name, paths=512, years=3, seed=2))
    # and the futures are the same: the tracked 3x fund's underlying grew identically path by path
    from gaemi.engine import layout as L

    lev = simulate_many(["tqqq-salary", "tqqq-salary"], paths=256, years=2, seed=3)
    np.testing.assert_array_equal(lev[0].raw.floats[:, L.UNDER_GROWTH], lev[1].raw.floats[:, L.UNDER_GROWTH])


def test_crash_scenario_hits_every_path():
    plan = plan_from_dict(dict(name="k", investor=dict(capital=1e8), holdings=[dict(asset="kospi200", weight=1.0)],
                               margin=dict(loan_to_equity=1.5, call_deadline_days=0)))
    res = gaemi.simulate(plan, paths=300, years=1, seed=1, scenario="kospi-limit-down")
    ev = res.events()
    # day 0 is a -30 % day on every path: collateral 2.5 -> 1.75 per unit of equity, loan 1.5:
    # ratio 1.17 < 1.4, a same-day forced sale on every path
    assert (ev["first_forced_day"] == 0).all()
    assert (ev["max_drawdown"] >= 0.75 - 1e-9).all()  # equity 1 -> 0.25 before any later move
    with pytest.raises(gaemi.ConfigError) as e:
        gaemi.simulate("all-in-margin", paths=10, years=1, seed=1, scenario="kospi-limit-down")
    assert e.value.field == "asset_map"


runner = CliRunner()


def test_simulate_json_contract():
    r = runner.invoke(app, ["simulate", "all-in-margin", "--paths", "512", "--years", "2", "--seed", "4", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for k in ("plan", "model", "paths", "years", "seed", "p_goal", "p_goal_by_year", "p_forced_sale",
              "p_wipeout", "end_wealth_quantiles", "max_drawdown_quantiles"):
        assert k in d, k
    assert set(d["end_wealth_quantiles"]) == {"p5", "p25", "p50", "p75", "p95"}
    assert d["paths"] == 512 and d["seed"] == 4 and len(d["p_goal_by_year"]) == 2


@pytest.mark.parametrize(
    "args, field",
    [
        (["simulate", "safe", "--paths", "0"], "paths"),
        (["simulate", "safe", "--years", "-1"], "years"),
        (["simulate", "safe", "--years", "0.01"], "years"),
        (["simulate", "safe", "--model", "magic"], "model"),
        (["simulate", "safe", "--scenario", "zombie-2030"], "scenario"),
        (["simulate", "safe", "--lang", "fr"], "lang"),
        (["odds", "safe", "--leverage", "3:0:1"], "leverage"),
        (["compare", "safe", "nope"], "plan"),
    ],
)
def test_bad_input_exits_2(args, field):
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert field in r.output and "Traceback" not in r.output


def test_plan_asset_the_data_lacks(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text('name = "x"\n[investor]\ncapital = 1\n[[holdings]]\nasset = "aapl"\nweight = 1.0\n')
    r = runner.invoke(app, ["simulate", str(f), "--paths", "10"])
    assert r.exit_code == 2 and "aapl" in r.output


def test_fused_bootstrap_equals_block_engine_and_reference():
    from gaemi.config import load_plan
    from gaemi.engine.run import run_bootstrap_fused, run_path_block
    from gaemi.engine.spec import build_spec
    from gaemi.montecarlo import make_plan_scenarios

    plan = load_plan("all-in-margin")
    panel, scen = make_plan_scenarios([plan], "bootstrap", 600, 3, 9)
    spec = build_spec(plan, scen.underlyings, scen.rate_names, scen.n_days,
                      rate_basis=dict(zip(panel.rate_names, panel.rate_basis)))
    fused = run_bootstrap_fused(spec, scen, 100, 400, 40)
    block = scen.block(100, 400)
    assert block.index.shape == (300, scen.n_days)
    compiled = run_path_block(spec, block, 40, "compiled")
    reference = run_path_block(spec, block, 40, "reference")
    np.testing.assert_array_equal(fused.floats, compiled.floats)
    np.testing.assert_array_equal(fused.ints, compiled.ints)
    np.testing.assert_array_equal(fused.month_wealth, compiled.month_wealth)
    np.testing.assert_allclose(compiled.floats, reference.floats, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(compiled.ints, reference.ints)
    np.testing.assert_allclose(compiled.month_wealth, reference.month_wealth, rtol=1e-9, atol=1e-6, equal_nan=True)


def test_fused_parametric_equals_block_engine():
    from gaemi.config import load_plan
    from gaemi.engine.run import run_parametric_fused, run_path_block
    from gaemi.engine.spec import build_spec
    from gaemi.montecarlo import make_plan_scenarios

    plan = load_plan("tqqq-salary")
    opts = dict(dist="t", df=4, jumps={"ndxtr": dict(intensity=3.0, mean=-0.05, vol=0.03)},
                collapse_hazard={"ndxtr": 0.0005})
    panel, scen = make_plan_scenarios([plan], "parametric", 500, 3, 21, model_options=opts)
    spec = build_spec(plan, scen.underlyings, scen.rate_names, scen.n_days,
                      rate_basis=dict(zip(panel.rate_names, panel.rate_basis)))
    fused = run_parametric_fused(spec, scen, 200, 500, 40)
    block = run_path_block(spec, scen.block(200, 500), 40, "compiled")
    np.testing.assert_array_equal(fused.floats, block.floats)
    np.testing.assert_array_equal(fused.ints, block.ints)
    np.testing.assert_array_equal(fused.month_wealth, block.month_wealth)


BENCH_LIKE_PLAN = {  # benchmarks/plan.toml: a 2x fund and its 1x index, margin, saving, home goal, graduation
    "name": "bench-like", "currency": "KRW", "horizon_years": 3,
    "investor": {"capital": 100_000_000, "monthly_saving": 2_000_000, "saving_growth": 0.03},
    "holdings": [{"asset": "ndxtr", "weight": 0.5, "leverage": 2.0}, {"asset": "ndxtr", "weight": 0.5}],
    "margin": {"loan_to_equity": 0.5, "maintenance_ratio": 1.4, "call_deadline_days": 2, "haircut": 0.01},
    "goal": {"kind": "home", "price": 1_106_000_000, "income": 70_000_000},
    "graduate": {"enabled": True},
}


@pytest.mark.parametrize("model", ["bootstrap", "parametric"])
def test_fused_two_holding_day_equals_reference(model):
    """The fused one-loop day for two plain holdings, reading the tracked fund's underlying from
    the 1x holding's column (``Market.under_src``), against the plain numpy reference."""
    from gaemi.engine import layout as L
    from gaemi.engine.kernels import market_table
    from gaemi.engine.run import run_bootstrap_fused, run_parametric_fused, run_path_block
    from gaemi.engine.spec import build_spec
    from gaemi.montecarlo import make_plan_scenarios

    plan = plan_from_dict(BENCH_LIKE_PLAN)
    panel, scen = make_plan_scenarios([plan], model, 400, 3, 5)
    spec = build_spec(plan, scen.underlyings, scen.rate_names, scen.n_days,
                      rate_basis=dict(zip(panel.rate_names, panel.rate_basis)))
    block = scen.block(100, 400)
    table = market_table(block.returns, block.rates, block.gap_days, spec.inst_under, spec.inst_lev,
                         spec.inst_expense, spec.inst_spread, spec.inst_rate_col, spec.inst_basis, spec.inst_term,
                         spec.inst_fx, spec.dep_rate_col, spec.dep_rate_fixed, spec.dep_spread, spec.track_inst,
                         block.returns.shape[0])
    assert table[2] == 1  # the 1x holding stands in for the underlying
    run = run_bootstrap_fused if model == "bootstrap" else run_parametric_fused
    fused = run(spec, scen, 100, 400, 40)
    reference = run_path_block(spec, block, 40, "reference")
    assert 0 < fused.ints[:, L.GRADUATED].sum() < 300 and fused.ints[:, L.N_CALLS].sum() > 0
    np.testing.assert_allclose(fused.floats, reference.floats, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(fused.floats[:, L.UNDER_GROWTH], reference.floats[:, L.UNDER_GROWTH])
    np.testing.assert_array_equal(fused.ints, reference.ints)
    np.testing.assert_allclose(fused.month_wealth, reference.month_wealth, rtol=1e-9, atol=1e-6, equal_nan=True)


@pytest.mark.parametrize("model", ["bootstrap", "parametric"])
def test_scenario_moments_equal_the_gathered_path_days(model):
    """``scenario_stats`` weighs each table row by how often the sampled paths read it; gathering
    every sampled path-day and taking numpy's mean and variance must give the same moments."""
    from gaemi.config import load_plan
    from gaemi.montecarlo import DAYS_PER_YEAR, make_plan_scenarios, scenario_stats

    plan = load_plan("all-in-margin")
    panel, scen = make_plan_scenarios([plan], model, 300, 2, 4)
    basis = dict(zip(panel.rate_names, panel.rate_basis))
    got = scenario_stats(scen, basis, sample_paths=200)
    blk = scen.block(0, 200)
    rows = blk.index.ravel()
    for k, name in enumerate(scen.underlyings):
        r = blk.returns[rows, k]
        assert got["underlyings"][name]["mu"] == pytest.approx(r.mean() * DAYS_PER_YEAR, rel=1e-12)
        assert got["underlyings"][name]["sigma"] == pytest.approx(np.sqrt(r.var() * DAYS_PER_YEAR), rel=1e-12)
    for k, name in enumerate(scen.rate_names):
        acc = blk.rates[rows, k] * blk.gap_days[rows] / basis.get(name, 365.0)
        assert got["rates"][name] == pytest.approx(acc.mean() * DAYS_PER_YEAR, rel=1e-12)
