"""Backtests and rolling windows on the embedded history, against independent computations."""

import numpy as np
import pandas as pd
import pytest

import gaemi
from gaemi.config import plan_from_dict
from gaemi.data import load_series
from gaemi.errors import ConfigError


def spot_plan(asset="sp500tr", currency="USD", **kw):
    d = dict(name="spot", currency=currency, horizon_years=5, investor=dict(capital=1000.0),
             holdings=[dict(asset=asset, weight=1.0)])
    d.update(kw)
    return plan_from_dict(d)


def test_backtest_spot_equals_price_ratio():
    res = gaemi.backtest(spot_plan(), start="2012-03-01", end="2016-06-30")
    px = load_series("sp500tr")["close"]
    base = px.loc[px.index >= "2012-03-01"].iloc[0]
    last = px.loc[px.index <= "2016-06-30"].iloc[-1]
    assert res.summary()["median_end_wealth"] == pytest.approx(1000 * last / base, rel=1e-10)


def test_backtest_krw_plan_converts_with_usdkrw():
    res = gaemi.backtest(spot_plan(currency="KRW"), start="2012-03-01", end="2016-06-30")
    px = load_series("sp500tr")["close"]
    fx = load_series("usdkrw")["close"]
    d0 = px.index[px.index >= "2012-03-01"][0]
    d1 = px.index[px.index <= "2016-06-30"][-1]
    fx0 = fx.loc[:d0].iloc[-1]
    fx1 = fx.loc[:d1].iloc[-1]
    expected = 1000 * (px[d1] * fx1) / (px[d0] * fx0)
    assert res.summary()["median_end_wealth"] == pytest.approx(expected, rel=1e-10)


def test_rolling_window_count_and_each_window_matches_its_backtest():
    plan = spot_plan(horizon_years=5, investor=dict(capital=1000.0, monthly_saving=10.0))
    res = gaemi.rolling(plan)
    ev = res.events()
    # one window per month start whose 5 years of sessions fit: SPY history 1993..2025 gives > 300
    assert res.n_paths > 300
    # pick a window and re-run it as a one-path backtest over the same sessions
    label = ev.index[100]
    one = gaemi.backtest(plan, start=pd.Timestamp(label) - pd.Timedelta(days=1))
    assert one.provenance["start"] <= label
    w = res.to_frame()[label].dropna()
    # monthly wealth of the window equals the backtest's first months (same sessions, same flows)
    b = one.to_frame().iloc[:, 0].dropna()
    n = min(len(w), len(b)) - 2
    np.testing.assert_allclose(w.values[:n], b.values[:n], rtol=1e-10)


def test_bad_dates_name_the_field():
    with pytest.raises(ConfigError) as e:
        gaemi.backtest(spot_plan(), start="1850-01-01")
    assert e.value.field == "start"
    with pytest.raises(ConfigError) as e:
        gaemi.backtest(spot_plan(), start="not a date")
    assert e.value.field == "start"


def test_unknown_asset_is_a_config_error():
    with pytest.raises(ConfigError) as e:
        gaemi.backtest(spot_plan(asset="dogwifhat"))
    assert "sp500tr" in e.value.allowed


def test_result_save_load_round_trip(tmp_path):
    res = gaemi.rolling(spot_plan(horizon_years=3))
    path = res.save(tmp_path / "r.npz")
    again = type(res).load(path)
    assert again.summary() == res.summary()
    assert again.plan == res.plan
    assert '"p_wipeout"' in res.to_json()
