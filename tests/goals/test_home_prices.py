"""Home prices that follow a home-price index: history uses its levels, Monte Carlo bootstraps it."""

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import gaemi
from gaemi.cli.app import app
from gaemi.config import plan_from_dict
from gaemi.engine.run import months_in, run_path_block
from gaemi.engine.spec import build_spec
from gaemi.instruments.home_purchase import HomeTargets, affordability, cash_needed_schedule
from gaemi.config.lending import load_rules
from gaemi.scenarios.base import PathBlock, month_grid
from gaemi.scenarios.home_prices import HomePriceBootstrap, monthly_log_changes


def _store_index(tmp_path, monkeypatch, levels: pd.Series, symbol="my:home"):
    store = tmp_path / "s.duckdb"
    monkeypatch.setenv("GAEMI_STORE", str(store))
    csv = tmp_path / "idx.csv"
    pd.DataFrame({"date": levels.index.strftime("%Y-%m-%d"), "close": levels.values}).to_csv(csv, index=False)
    r = CliRunner().invoke(app, ["data", "import", str(csv), "--symbol", symbol, "--currency", "KRW",
                                 "--calendar", "24/7"])
    assert r.exit_code == 0, r.output
    return symbol


def _goal(**kw):
    base = dict(kind="home", price=900_000_000, income=80_000_000, price_growth=0.0, income_growth=0.02,
                first_time_buyer=True)
    base.update(kw)
    return base


def test_vectorised_cash_needed_equals_scalar_affordability():
    rules = load_rules("kr-2025-10")
    rng = np.random.default_rng(0)
    prices = rng.uniform(2e8, 4e9, 300)
    incomes = rng.uniform(2e7, 4e8, 300)
    from gaemi.instruments.home_purchase import cash_needed_array

    got = cash_needed_array(prices, incomes, rules, True)
    for k in range(300):
        a = affordability(prices[k], incomes[k], rules, first_time=True)
        assert got["cash_needed"][k] == pytest.approx(a.cash_needed, rel=1e-12)
        assert ["ltv", "cap", "dsr"][got["binding"][k]] == a.binding


def test_constant_index_reproduces_fixed_growth(tmp_path, monkeypatch):
    g_month = 0.004  # +0.4 % a month, every month
    dates = pd.date_range("2010-01-31", periods=120, freq="ME")
    levels = pd.Series(100 * np.exp(g_month * np.arange(120)), index=dates)
    sym = _store_index(tmp_path, monkeypatch, levels)
    np.testing.assert_allclose(monthly_log_changes(levels), g_month, rtol=1e-12)
    plan_idx = plan_from_dict(dict(name="a", investor=dict(capital=1e8), holdings=[dict(asset="kospi", weight=1.0)],
                                   goal=_goal(price_index=sym)))
    n_days = 252 * 3
    from gaemi.data.catalog import close_history

    boot = HomePriceBootstrap(close_history(sym), entropy=5, n_days=n_days)
    targets = HomeTargets(plan_idx.goal, n_days, boot)(0, 7)
    fixed = plan_idx.goal.model_copy(update={"price_growth": float(np.expm1(12 * g_month)), "price_index": None})
    expected = cash_needed_schedule(fixed, n_days)["cash_needed"]
    np.testing.assert_allclose(targets, np.broadcast_to(expected, targets.shape), rtol=1e-9)


def test_bootstrap_is_keyed_by_path_and_keeps_the_mean(tmp_path):
    rng = np.random.default_rng(1)
    dates = pd.date_range("2000-01-31", periods=300, freq="ME")
    changes = rng.normal(0.003, 0.01, 300)
    levels = pd.Series(100 * np.exp(np.cumsum(changes)), index=dates)
    boot = HomePriceBootstrap(levels, entropy=9, n_days=252 * 10)
    whole = boot.multipliers(0, 400)
    np.testing.assert_array_equal(whole, np.vstack([boot.multipliers(0, 150), boot.multipliers(150, 400)]))
    hist = monthly_log_changes(levels)
    ten_years = np.log(whole[:, -1])  # 120 months of bootstrapped changes
    se = hist.std() * np.sqrt(120) / np.sqrt(400) * 3  # blocks widen it; generous
    assert abs(ten_years.mean() - 120 * hist.mean()) < 3 * se


def test_history_uses_the_index_levels(tmp_path, monkeypatch):
    # the index jumps +50 % at 2016-01: a deposit-only saver's goal moves away on that date
    dates = pd.date_range("1999-01-01", "2026-01-01", freq="MS")
    levels = pd.Series(np.where(dates >= "2016-01-01", 150.0, 100.0), index=dates)
    sym = _store_index(tmp_path, monkeypatch, levels)
    plan = plan_from_dict(dict(name="d", investor=dict(capital=1e8), holdings=[dict(asset="kospi", weight=1.0)],
                               goal=_goal(price_index=sym, income_growth=0.0), horizon_years=3))
    res = gaemi.backtest(plan, start="2014-06-02")
    # recompute the target on the last session by hand: price x 1.5, income flat
    a = affordability(900_000_000 * 1.5, 80_000_000, load_rules("kr-2025-10"), first_time=True)
    from gaemi.data.catalog import close_history
    from gaemi.errors import ConfigError
    from gaemi.scenarios.home_prices import historical_multipliers

    panel = gaemi.build_panel(["kospi"], currency="KRW").window("2014-06-02", None)
    mult = historical_multipliers(close_history(sym), panel.dates.insert(0, panel.base_date),
                                  np.arange(res.n_days)[None, :])
    assert mult[0, 0] == 1.0 and mult[0, -1] == 1.5
    target = cash_needed_schedule(plan.goal, res.n_days, res.days_per_year, mult)["cash_needed"]
    assert target[0, -1] == pytest.approx(a.cash_needed)


def test_per_path_goal_targets_in_both_kernels():
    rng = np.random.default_rng(2)
    n_paths, n_days = 30, 200
    plan = plan_from_dict(dict(name="k", investor=dict(capital=100.0, monthly_saving=5.0),
                               holdings=[dict(asset="a", weight=1.0, leverage=2.0)],
                               goal=dict(amount=150.0), graduate=dict(enabled=True)))
    table = np.concatenate([rng.normal(0.001, 0.03, (500, 1)), np.zeros((500, 1))], axis=1)  # + a zero FX column
    block = PathBlock(0, table, np.full((500, 1), 0.02), np.ones(500), rng.integers(0, 500, (n_paths, n_days)),
                      month_grid(n_days))
    spec = build_spec(plan, ["a", "fx:USD"], ["us_effr"], n_days, rate_basis={"us_effr": 360.0},
                      asset_currency=lambda n: "USD")
    import dataclasses

    targets = 150.0 * np.exp(np.cumsum(rng.normal(0, 0.01, (n_paths, n_days)), axis=1))
    spec = dataclasses.replace(spec, goal_target=targets)
    a = run_path_block(spec, block, months_in(block.new_month), "compiled")
    b = run_path_block(spec, block, months_in(block.new_month), "reference")
    np.testing.assert_array_equal(a.ints, b.ints)
    np.testing.assert_allclose(a.floats, b.floats, rtol=1e-9)
    from gaemi.engine import layout as L

    hit = a.ints[:, L.GOAL_DAY]
    assert (hit >= 0).any()


def test_simulate_with_price_index_is_reproducible(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    dates = pd.date_range("2005-01-31", periods=200, freq="ME")
    levels = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.004, 0.012, 200))), index=dates)
    sym = _store_index(tmp_path, monkeypatch, levels)
    plan = plan_from_dict(dict(name="m", investor=dict(capital=3e8, monthly_saving=3e6),
                               holdings=[dict(asset="sp500tr", weight=1.0)], goal=_goal(price_index=sym)))
    a = gaemi.simulate(plan, paths=512, years=3, seed=4)
    b = gaemi.simulate(plan, paths=512, years=3, seed=4, chunk_size=256)
    np.testing.assert_array_equal(a.raw.ints, b.raw.ints)
    fixed = plan_from_dict({**plan.model_dump(), "goal": {**plan.goal.model_dump(), "price_index": None}})
    c = gaemi.simulate(fixed, paths=512, years=3, seed=4)
    assert not np.array_equal(a.raw.ints, c.raw.ints)  # the home price now varies by path


def test_backtest_goal_follows_the_index(tmp_path, monkeypatch):
    # the index halves at 2016-01: a saver with cash between the two cash-needed figures can buy
    # on the first session of 2016, and not before
    dates = pd.date_range("1999-01-01", "2026-01-01", freq="MS")
    sym = _store_index(tmp_path, monkeypatch,
                       pd.Series(np.where(dates >= "2016-01-01", 50.0, 100.0), index=dates), "my:home2")
    rules = load_rules("kr-2025-10")
    before = affordability(900_000_000, 80_000_000, rules, first_time=True).cash_needed
    after = affordability(450_000_000, 80_000_000, rules, first_time=True).cash_needed
    plan = plan_from_dict(dict(name="s", investor=dict(capital=(before + after) / 2),
                               holdings=[dict(asset="deposit", weight=1.0)], deposit=dict(rate=0.0),
                               goal=_goal(price_index=sym, income_growth=0.0), horizon_years=3))
    res = gaemi.backtest(plan, start="2014-06-02")
    day = int(res.events()["goal_day"].iloc[0])
    assert day >= 0 and str(res.day_dates[day].date()) == "2016-01-04"


def test_history_before_the_index_is_extended_at_price_growth():
    """A window that starts before the index: the level is the index's first value discounted at
    price_growth, (1 + g) ** (years before the first value), then the real index."""
    import pandas as pd

    from gaemi.errors import ConfigError
    from gaemi.scenarios.home_prices import historical_multipliers

    levels = pd.Series([100.0, 110.0, 121.0], index=pd.to_datetime(["2015-01-31", "2015-02-28", "2015-03-31"]))
    dates = pd.to_datetime(["2013-01-31", "2014-01-31", "2015-01-31", "2015-03-31"])
    index = np.array([[0, 1, 2]])  # rows of the sessions after the base (2013-01-31)
    m = historical_multipliers(levels, dates, index, backcast_growth=0.05)
    y_base = (pd.Timestamp("2013-01-31") - pd.Timestamp("2015-01-31")).days / 365.25
    y_1 = (pd.Timestamp("2014-01-31") - pd.Timestamp("2015-01-31")).days / 365.25
    base = 100.0 * 1.05 ** y_base
    np.testing.assert_allclose(m[0], [100.0 * 1.05 ** y_1 / base, 100.0 / base, 121.0 / base], rtol=1e-12)
    with pytest.raises(ConfigError):
        historical_multipliers(levels, dates, index)


def test_historical_monte_carlo_says_when_the_home_price_is_extended_back():
    res = gaemi.simulate("tqqq-salary", model="historical", paths=10, years=10, seed=1)
    assert "price_growth" in res.provenance["home_price"]  # windows from 1999, the index from 2015
