"""The collapse/delisting hazard (docs/risks.md): a holding collapses at an exponential time with
its hazard, loses ``collapse_drop`` on that session and earns nothing after; in every model, the
same in the compiled kernels and the plain twin, chunk-invariant, and off (bit for bit) at 0.

Independent numbers: the share of paths with a collapse within T years is ``1 - exp(-h T)``
(the exponential distribution's CDF; a session is ``floor(t * 252)``, so "within the
``n_days`` sessions" is exactly ``t < n_days / 252``); a hand-built path's wealth is written
out in closed form."""

import dataclasses

import numpy as np
import pytest

from gaemi.config import plan_from_dict
from gaemi.engine import layout as L
from gaemi.engine.kernels import run_block
from gaemi.engine.kernels_reference import run_block_reference
from gaemi.engine.run import _outputs, collapse_days, months_in, run_path_block
from gaemi.engine.spec import build_spec
from gaemi.montecarlo import MODELS, simulate
from gaemi.scenarios.base import PathBlock


def coin_plan(hazard=None, drop=None, asset="xrp", saving=0.0, **extra):
    h = {"asset": asset, "weight": 1.0}
    if hazard is not None:
        h["collapse_hazard"] = hazard
    if drop is not None:
        h["collapse_drop"] = drop
    return plan_from_dict({"name": "coin", "horizon_years": 2,
                           "investor": {"capital": 10_000_000, "monthly_saving": saving},
                           "holdings": [h], **extra})


def _binomial_ok(hits: np.ndarray, p: float) -> tuple[float, float]:
    n = hits.size
    return float(hits.mean()), 4.0 * np.sqrt(p * (1.0 - p) / n) + 0.5 / n


# --------------------------------------------------------------------------- defaults
def test_defaults_by_asset_class():
    def spec_of(asset, **kw):
        p = plan_from_dict({"name": "d", "investor": {"capital": 1.0},
                            "holdings": [{"asset": asset, "weight": 1.0, **kw}]})
        return build_spec(p, [asset], ["us_effr", "kr_cd91"], 10, collapse_seed=1)

    for asset, rate in [("xrp", 0.20), ("doge", 0.20), ("upbit_xrp", 0.20), ("luna", 0.20), ("usdt", 0.02),
                        ("btc", 0.0), ("eth", 0.0), ("upbit_btc", 0.0), ("sp500tr", 0.0), ("samsung", 0.0),
                        ("ibit", 0.0)]:
        s = spec_of(asset)
        assert s.inst_collapse_rate[0] == rate, asset
        assert s.inst_collapse_keep[0] == pytest.approx(0.1)
        assert s.has_collapse == (rate > 0)
    s = spec_of("xrp", collapse_hazard=0.0)
    assert s.inst_collapse_rate[0] == 0.0 and not s.has_collapse
    s = spec_of("sp500tr", collapse_hazard=0.05, collapse_drop=0.5)
    assert s.inst_collapse_rate[0] == 0.05 and s.inst_collapse_keep[0] == 0.5
    # no seed: no collapses (one real path replayed, e.g. a backtest)
    p = coin_plan()
    assert not build_spec(p, ["xrp"], ["us_effr"], 10).has_collapse


# --------------------------------------------------------------------------- the draws
def test_collapse_days_follow_the_exponential_law_and_the_path_alone():
    p = coin_plan(hazard=0.7)
    n_days = 504
    spec = build_spec(p, ["xrp"], ["us_effr"], n_days, collapse_seed=5)
    days = collapse_days(spec, 0, 20_000, n_days)[0]
    share, tol = _binomial_ok(days >= 0, 1.0 - np.exp(-0.7 * n_days / 252))
    assert abs(share - (1.0 - np.exp(-0.7 * n_days / 252))) < tol
    assert days.max() < n_days
    # within the horizon the time is exponential: P(day < k) = 1 - exp(-h k / 252) at every k
    for k in (1, 63, 252):
        p_k = 1.0 - np.exp(-0.7 * k / 252)
        share, tol = _binomial_ok((days >= 0) & (days < k), p_k)
        assert abs(share - p_k) < tol, k
    # any cut of the paths gives the same days; another seed other days
    np.testing.assert_array_equal(collapse_days(spec, 300, 1000, n_days)[0], days[300:1000])
    np.testing.assert_array_equal(collapse_days(spec, 257, 258, n_days)[0], days[257:258])
    other = build_spec(p, ["xrp"], ["us_effr"], n_days, collapse_seed=6)
    assert (collapse_days(other, 0, 1000, n_days)[0] != days[:1000]).mean() > 0.5


def test_holdings_on_one_asset_collapse_together_and_hazards_couple():
    p = plan_from_dict({"name": "two", "investor": {"capital": 1.0},
                        "holdings": [{"asset": "xrp", "weight": 0.5}, {"asset": "xrp", "weight": 0.5, "leverage": 2},
                                     ]})
    spec = build_spec(p, ["xrp", "fx:USD"], ["us_effr"], 2520, collapse_seed=9)
    d = collapse_days(spec, 0, 512, 2520)
    np.testing.assert_array_equal(d[0], d[1])
    # a higher hazard never collapses later (common random numbers)
    hi = dataclasses.replace(spec, inst_collapse_rate=spec.inst_collapse_rate * 2)
    dh = collapse_days(hi, 0, 512, 2520)[0]
    assert np.all((dh >= 0) | (d[0] < 0)) and np.all(dh[d[0] >= 0] <= d[0][d[0] >= 0])


# --------------------------------------------------------------------------- every model
@pytest.mark.parametrize("model", MODELS)
def test_share_of_paths_collapsing_matches_one_minus_exp(model):
    """With hazard h and a 100 % altcoin plan, the share of paths with a collapse within T years is
    1 - exp(-hT) (binomial, 4 sigma); a collapse with drop 1 leaves exactly nothing (no saving),
    a path without one keeps something."""
    h = 0.6
    res = simulate(coin_plan(hazard=h, drop=1.0), model=model, paths=3000, years=2, seed=17)
    cd = res.raw.ints[:, L.COLLAPSE_DAY]
    p = 1.0 - np.exp(-h * res.n_days / 252)
    share, tol = _binomial_ok(cd >= 0, p)
    assert abs(share - p) < tol, (model, share, p, cd.size)
    end = res.raw.floats[:, L.END_WEALTH]
    assert np.all(end[cd >= 0] == 0.0) and np.all(end[cd < 0] > 0.0)
    assert np.all(res.raw.ints[:, L.RUIN_DAY][cd >= 0] <= cd[cd >= 0])  # ruined on the collapse day at the latest


@pytest.mark.parametrize("model", MODELS)
def test_hazard_zero_is_bit_for_bit_no_hazard(model):
    """An explicit hazard of 0 gives the numbers of a run that has no collapse at all (a plan on a
    coin without the hazard, through the engine with no collapse draws)."""
    from gaemi.montecarlo import make_plan_scenarios

    plan = coin_plan(hazard=0.0, saving=100_000, margin={"loan_to_equity": 0.5, "jurisdiction": "other"})
    res = simulate(plan, model=model, paths=300, years=2, seed=23)
    assert np.all(res.raw.ints[:, L.COLLAPSE_DAY] == -1)
    panel, scen = make_plan_scenarios([plan], model, 300, 2, 23)
    spec = build_spec(plan, scen.underlyings, scen.rate_names, scen.n_days,
                      rate_basis=dict(zip(panel.rate_names, panel.rate_basis)))  # no seed: no draws at all
    assert not spec.has_collapse
    block = scen.block(0, scen.n_paths)
    raw = run_path_block(spec, block, months_in(block.new_month))
    np.testing.assert_array_equal(res.raw.floats, raw.floats)
    np.testing.assert_array_equal(res.raw.ints, raw.ints)


def test_a_hazard_changes_no_other_random_number():
    """Turning one holding's hazard on leaves the paths on which it does not collapse as they
    were (its draws are a stream of their own)."""
    def plan(h):
        return plan_from_dict({"name": "mix", "investor": {"capital": 10_000_000, "monthly_saving": 100_000},
                               "holdings": [{"asset": "btc", "weight": 0.5},
                                            {"asset": "xrp", "weight": 0.5, "collapse_hazard": h}]})
    off = simulate(plan(0.0), model="bootstrap", paths=600, years=2, seed=4)
    on = simulate(plan(0.5), model="bootstrap", paths=600, years=2, seed=4)
    calm = on.raw.ints[:, L.COLLAPSE_DAY] < 0
    assert 0.2 < calm.mean() < 0.8
    np.testing.assert_array_equal(on.raw.floats[calm], off.raw.floats[calm])
    hit_on, hit_off = on.raw.floats[~calm, L.END_WEALTH], off.raw.floats[~calm, L.END_WEALTH]
    assert np.all(hit_on != hit_off) and np.median(hit_on / hit_off) < 0.8


@pytest.mark.parametrize("model", ["bootstrap", "parametric", "garch"])
def test_same_seed_any_chunk_size_same_numbers(model):
    plan = coin_plan(saving=100_000)  # the default altcoin hazard
    a = simulate(plan, model=model, paths=700, years=2, seed=31, chunk_size=256)
    b = simulate(plan, model=model, paths=700, years=2, seed=31, chunk_size=4096)
    assert (a.raw.ints[:, L.COLLAPSE_DAY] >= 0).any()
    np.testing.assert_array_equal(a.raw.ints, b.raw.ints)
    np.testing.assert_array_equal(a.raw.floats, b.raw.floats)


@pytest.mark.parametrize("model", ["bootstrap", "parametric"])
def test_fused_kernels_equal_the_block_engine_and_the_twin(model):
    """The fused bootstrap and parametric kernels (one- and two-holding fast paths) honour the
    collapse as the block engine and the plain twin do."""
    from gaemi.engine.run import run_bootstrap_fused, run_parametric_fused
    from gaemi.montecarlo import make_plan_scenarios

    for holdings in ([{"asset": "xrp", "weight": 1.0, "collapse_hazard": 1.5}],
                     [{"asset": "doge", "weight": 0.5, "collapse_hazard": 1.5, "collapse_drop": 0.7},
                      {"asset": "xrp", "weight": 0.5, "collapse_hazard": 0.8}]):
        plan = plan_from_dict({"name": "f", "investor": {"capital": 10_000_000, "monthly_saving": 200_000},
                               "holdings": holdings, "goal": {"amount": 14_000_000}})
        panel, scen = make_plan_scenarios([plan], model, 400, 2, 13)
        spec = build_spec(plan, scen.underlyings, scen.rate_names, scen.n_days,
                          rate_basis=dict(zip(panel.rate_names, panel.rate_basis)), collapse_seed=13)
        m = months_in(scen.block(0, 1).new_month)
        run = run_bootstrap_fused if model == "bootstrap" else run_parametric_fused
        fused = run(spec, scen, 100, 400, m)
        block = scen.block(100, 400)
        compiled = run_path_block(spec, block, m, "compiled")
        reference = run_path_block(spec, block, m, "reference")
        assert 0.3 < (fused.ints[:, L.COLLAPSE_DAY] >= 0).mean() < 1.0
        np.testing.assert_array_equal(fused.floats, compiled.floats)
        np.testing.assert_array_equal(fused.ints, compiled.ints)
        np.testing.assert_array_equal(fused.month_wealth, compiled.month_wealth)
        np.testing.assert_allclose(compiled.floats, reference.floats, rtol=1e-9, atol=1e-6)
        np.testing.assert_array_equal(compiled.ints, reference.ints)


# --------------------------------------------------------------------------- a hand-built path
def _run_days(plan, returns, cday, implementation, new_month=None):
    """Plan on one path of explicit returns (days, assets) with explicit collapse sessions."""
    r = np.asarray(returns, dtype=float)
    n_days, n_u = r.shape
    table = np.concatenate([r, np.zeros((n_days, 1))], axis=1)
    nm = np.zeros((1, n_days), dtype=bool) if new_month is None else np.asarray(new_month, bool)[None, :]
    block = PathBlock(0, table, np.zeros((n_days, 1)), np.ones(n_days), np.arange(n_days)[None, :], nm)
    names = [chr(ord("a") + k) for k in range(n_u)] + ["fx:USD"]
    spec = build_spec(plan, names, ["us_effr"], n_days, rate_basis={"us_effr": 360.0},
                      asset_currency=lambda n: "USD")
    out = _outputs(1, months_in(nm))
    compiled = implementation == "compiled"
    kernel = run_block if compiled else run_block_reference
    kernel(table, block.rates, block.gap_days, block.index, nm,
           *spec.kernel_args(np.asarray(cday, dtype=np.int64).reshape(-1, 1)),
           out.month_wealth.T if compiled else out.month_wealth, out.floats, out.ints)
    return out


HOLDINGS = {
    "one": [{"asset": "a", "weight": 1.0, "collapse_drop": 0.9}],
    "two": [{"asset": "a", "weight": 0.6, "collapse_drop": 0.9}, {"asset": "b", "weight": 0.4}],
    "three": [{"asset": "a", "weight": 0.5, "collapse_drop": 0.9}, {"asset": "b", "weight": 0.3},
              {"asset": "b", "weight": 0.2, "leverage": 2.0, "expense_ratio": 0.0, "financing_spread": 0.0}],
    "terminable": [{"asset": "a", "weight": 0.7, "collapse_drop": 0.9, "termination_drop": 0.95},
                   {"asset": "b", "weight": 0.3}],
    "fund": [{"asset": "a", "weight": 1.0, "collapse_drop": 0.9, "leverage": 2.0, "expense_ratio": 0.0,
              "financing_spread": 0.0}],
}


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
@pytest.mark.parametrize("kind", list(HOLDINGS))
def test_collapse_session_loses_the_drop_and_the_rest_sits_idle(kind, implementation):
    """Asset a gains 1 % a session, b 0.5 %; a collapses on session 10 (of 30), a month starts
    on session 21 and puts 50 in after that session's returns. Holding a's value: ``w 100 g^10``
    before, times 0.1 on session 10 (not the market's return too), flat after, plus its share of
    the saving, idle."""
    n_days, cut = 30, 10
    ga = 1.02 if kind == "fund" else 1.01
    returns = np.column_stack([np.full(n_days, 0.01), np.full(n_days, 0.005)])
    nm = np.zeros(n_days, dtype=bool)
    nm[21] = True
    plan = plan_from_dict({"name": "h", "investor": {"capital": 100.0, "monthly_saving": 50.0},
                           "holdings": HOLDINGS[kind]})
    n_inst = len(HOLDINGS[kind])
    cday = [cut] + [-1] * (n_inst - 1)
    out = _run_days(plan, returns, cday, implementation, nm)
    w_a = HOLDINGS[kind][0]["weight"]
    a_end = w_a * 100.0 * ga ** cut * 0.1 + w_a * 50.0
    others = 0.0
    for h in HOLDINGS[kind][1:]:
        g = 1.0 + h.get("leverage", 1.0) * 0.005
        others += h["weight"] * (100.0 * g ** n_days + 50.0 * g ** (n_days - 22))
    assert out.ints[0, L.COLLAPSE_DAY] == cut
    np.testing.assert_allclose(out.floats[0, L.END_WEALTH], a_end + others, rtol=1e-12)
    # no collapse: a's market return all along
    calm = _run_days(plan, returns, [-1] * n_inst, implementation, nm)
    assert calm.ints[0, L.COLLAPSE_DAY] == -1
    np.testing.assert_allclose(calm.floats[0, L.END_WEALTH],
                               w_a * (100.0 * ga ** n_days + 50.0 * ga ** (n_days - 22)) + others, rtol=1e-12)


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
def test_collapse_on_the_first_and_last_sessions(implementation):
    plan = plan_from_dict({"name": "h", "investor": {"capital": 100.0},
                           "holdings": [{"asset": "a", "weight": 1.0, "collapse_drop": 0.5}]})
    returns = np.full((20, 1), 0.01)
    first = _run_days(plan, returns, [0], implementation)
    np.testing.assert_allclose(first.floats[0, L.END_WEALTH], 50.0, rtol=1e-15)
    np.testing.assert_allclose(first.floats[0, L.MAX_DRAWDOWN], 0.5, rtol=1e-12)
    last = _run_days(plan, returns, [19], implementation)
    np.testing.assert_allclose(last.floats[0, L.END_WEALTH], 100.0 * 1.01 ** 19 * 0.5, rtol=1e-12)
    assert first.ints[0, L.COLLAPSE_DAY] == 0 and last.ints[0, L.COLLAPSE_DAY] == 19
    # the collapse session's loss is the drop: the path cut the session before and on it
    on = _run_days(plan, returns[:19], [18], implementation)
    prior = _run_days(plan, returns[:18], [-1], implementation)
    assert 1.0 - on.floats[0, L.END_WEALTH] / prior.floats[0, L.END_WEALTH] == pytest.approx(0.5, rel=1e-14)


def test_stablecoin_and_major_coin_defaults_in_a_run():
    """BTC has no hazard by default; a stablecoin's is 0.02 a year."""
    btc = simulate(coin_plan(asset="btc"), model="bootstrap", paths=512, years=2, seed=1)
    assert np.all(btc.raw.ints[:, L.COLLAPSE_DAY] == -1)
    usdt = simulate(coin_plan(asset="usdt"), model="bootstrap", paths=4096, years=2, seed=1)
    p = 1.0 - np.exp(-0.02 * usdt.n_days / 252)
    share, tol = _binomial_ok(usdt.raw.ints[:, L.COLLAPSE_DAY] >= 0, p)
    assert abs(share - p) < tol
