"""What history an answer stands on, and the warnings when it is thin (issue 13 §1).

Independent values: spans from the embedded CSVs' own first/last dates (pandas), drawdowns by a
pandas running-max computation, and each plan alone run through ``simulate`` for compare.
"""

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import gaemi
from gaemi.cli.app import app
from gaemi.config import plan_from_dict
from gaemi.data import build_panel, load_series
from gaemi.data.build import RATE_EXTENSION_DAYS
from gaemi.errors import ConfigError
from gaemi.montecarlo import compare, simulate
from gaemi.results.history import SHORT_HISTORY_YEARS, history_of, history_warnings, max_drawdowns

runner = CliRunner()


def plan(asset, name="p", currency="KRW", years=3, **kw):
    d = dict(name=name, currency=currency, horizon_years=years, investor=dict(capital=1e8, monthly_saving=1e6),
             holdings=[dict(asset=asset, weight=1.0)], goal=dict(amount=2e8))
    d.update(kw)
    return plan_from_dict(d)


def codes(summary):
    return [w["code"] for w in summary["warnings"]]


def test_short_history_asset_reports_its_span_and_warns():
    s = simulate(plan("xrp"), paths=256, seed=3).summary()
    first = load_series("xrp").index[0]
    h = s["history"]
    assert set(h) >= {"start", "end", "years", "sessions", "limited_by"}
    assert pd.Timestamp(h["start"]) >= first and (pd.Timestamp(h["start"]) - first).days <= 4
    assert h["limited_by"] == "xrp"
    assert h["years"] < SHORT_HISTORY_YEARS
    assert "short_history" in codes(s)
    w = next(w for w in s["warnings"] if w["code"] == "short_history")
    assert h["start"] in w["message"] and h["start"] in w["message_ko"] and "--scenario" in w["message"]
    assert "survivorship" in codes(s)


def test_long_history_index_plan_has_no_thin_history_warning():
    s = simulate(plan("sp500tr", currency="USD"), paths=256, seed=3).summary()
    assert s["history"]["years"] > 25
    assert not {"short_history", "no_major_drawdown", "survivorship"} & set(codes(s))
    assert isinstance(s["warnings"], list)


def test_max_drawdown_matches_pandas():
    px = load_series("sp500tr")["close"].loc["2005":"2012"]
    r = px.pct_change().dropna().to_numpy()
    expected = float((1 - px / px.cummax()).max())
    assert max_drawdowns(r[:, None])[0] == pytest.approx(expected, rel=1e-10)


def test_no_major_drawdown_in_a_calm_window():
    panel = build_panel(["sp500tr"], currency="USD", start="2012-01-03", end="2017-12-29")
    h = history_of(panel)
    ws = history_warnings(panel, ["sp500tr"], h, "bootstrap", "USD")
    w = next(w for w in ws if w["code"] == "no_major_drawdown")
    px = load_series("sp500tr")["close"].loc["2012-01-03":"2017-12-29"]
    assert w["max_drawdown"] == pytest.approx(float((1 - px / px.cummax()).max()), rel=1e-9)
    assert w["max_drawdown"] < 0.30 <= w["major_drawdown"]
    # the same asset over 2007-2012 held a major crash: no warning
    panel = build_panel(["sp500tr"], currency="USD", start="2007-01-03", end="2012-12-31")
    assert "no_major_drawdown" not in [w["code"] for w in history_warnings(panel, ["sp500tr"], history_of(panel),
                                                                           "bootstrap")]
    # a backtest replays what happened: no generalisation warnings
    assert history_warnings(panel, ["sp500tr"], history_of(panel), "backtest") == []


def test_rate_that_ends_early_does_not_cut_the_plan():
    panel = build_panel(["samsung"], rates=["kr_cd91"])
    last_price = load_series("samsung").index[-1]
    last_rate = load_series("kr_cd91").index[-1]
    assert last_price > last_rate  # the embedded data's own dates
    assert panel.dates[-1] == last_price
    assert panel.provenance["limited_by"]["end"] == "samsung"
    ext = panel.provenance["extended"]["kr_cd91"]
    assert ext["days"] == int((panel.dates[:-1] > last_rate).sum()) or ext["days"] == int(
        (panel.dates > last_rate).sum())
    after = panel.dates > last_rate + pd.Timedelta(days=1)
    last_value = load_series("kr_cd91")["close"].iloc[-1] / 100
    np.testing.assert_allclose(panel.rates[after, 0], last_value)
    # an explicit end past the rate's data is still refused (no silent extension)
    with pytest.raises(ConfigError, match="end"):
        build_panel(["samsung"], rates=["kr_cd91"], end=str(last_price.date()))
    assert RATE_EXTENSION_DAYS == 366


def test_rate_extension_is_capped(monkeypatch):
    """Past RATE_EXTENSION_DAYS after the rate's last value the panel stops, and says which series
    limits it."""
    import gaemi.data.build as build

    monkeypatch.setattr(build, "RATE_EXTENSION_DAYS", 30)
    panel = build.build_panel(["samsung"], rates=["kr_cd91"])
    last_rate = load_series("kr_cd91").index[-1]
    assert panel.dates[-1] <= last_rate + pd.Timedelta(days=30)
    assert panel.dates[-1] > last_rate + pd.Timedelta(days=20)
    assert panel.provenance["limited_by"]["end"] == "kr_cd91"


def test_compare_states_the_common_span_and_the_change():
    short, long = plan("xrp", name="coins"), plan("sp500tr", name="index")
    kw = dict(model="bootstrap", paths=512, years=3, seed=11)
    res = compare([short, long], **kw)
    common = res[0].summary()["history"]
    assert res[1].summary()["history"] == common
    s_long = res[1].summary()
    own = s_long["own_history"]
    alone = simulate(long, **kw).summary()
    assert own["history"] == alone["history"]
    assert own["history"]["start"] < common["start"]
    assert own["p_goal"] == alone["p_goal"] and own["p_ruin_any"] == alone["p_ruin_any"]
    w = next(w for w in s_long["warnings"] if w["code"] == "common_span")
    assert common["start"] in w["message"] and own["history"]["start"] in w["message"]
    assert f"{alone['p_goal']:.1%}" in w["message"] and f"{s_long['p_goal']:.1%}" in w["message"]
    # the plan whose span is the common one is not re-run
    assert res[0].summary()["own_history"] is None
    assert "common_span" not in codes(res[0].summary())


def test_cli_json_and_terminal_carry_history_and_warnings():
    r = runner.invoke(app, ["simulate", "severance-altcoins", "--paths", "256", "--seed", "1", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert set(s["history"]) >= {"start", "end", "years", "sessions", "limited_by"}
    assert all(set(w) >= {"code", "message"} for w in s["warnings"])
    assert "short_history" in codes(s)
    r = runner.invoke(app, ["simulate", "severance-altcoins", "--paths", "256", "--seed", "1", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "Short history" in r.stdout and s["history"]["start"] in r.stdout
    r = runner.invoke(app, ["backtest", "samsung-margin", "--start", "2015-01-05", "--json"])
    assert r.exit_code == 0, r.output
    b = json.loads(r.stdout)
    assert b["history"]["start"] == "2015-01-05" and b["history"]["limited_by"] == "start"
    assert isinstance(b["warnings"], list)


def test_every_builtin_plan_result_states_its_history():
    for name in gaemi.config.builtin_plan_names():
        s = gaemi.rolling(name).summary()
        assert s["history"]["sessions"] > 0 and isinstance(s["warnings"], list), name


def test_stablecoin_depeg_is_measured_in_its_own_currency():
    """usdt held in won: the won's moves are not a depeg; USDT's own worst fall is."""
    s = gaemi.rolling("usdt-parking").summary()
    w = next(w for w in s["warnings"] if w["code"] == "no_major_drawdown")
    h = s["history"]
    px = load_series("usdt")["close"].loc[h["start"]:h["end"]]
    # a depeg is the fall below the 1-dollar peg (USDT traded at a premium in Dec 2017: a fall from
    # that premium peak is not a depeg)
    assert w["asset"] == "usdt" and w["max_drawdown"] == pytest.approx(1 - float(px.min()), rel=1e-9)
    assert w["max_drawdown"] < 0.10
    # UST's history holds its collapse: no warning
    p = plan("ust", currency="USD")
    panel = build_panel(["ust"], currency="USD")
    assert "no_major_drawdown" not in [w["code"] for w in history_warnings(panel, ["ust"], history_of(panel),
                                                                           "bootstrap")]


def test_a_horizon_too_long_for_history_is_said_in_years():
    """Issue 15: a horizon error in years, with what the history allows and what limits it."""
    with pytest.raises(ConfigError) as e:
        gaemi.rolling(plan("btc", years=30))
    err = e.value
    assert err.field == "horizon_years" and err.value == "30 years"
    assert "years" in err.allowed and "btc" in err.allowed and "sessions" not in err.allowed
