"""Shocks: a named crash mapped onto buckets, a window of real history, a custom file (validated).

Independent numbers: the crash catalogue's stated sequences (gaemi.scenarios.crashes), the embedded
closes read directly with gaemi.data.load_series, and hand-written TOML files.
"""

from __future__ import annotations

import numpy as np
import pytest

from gaemi.colony.buckets import BUCKETS
from gaemi.colony.shock import FUND_FLOOR, SCENARIO_KEYS, from_file, from_history, from_scenario, make_shock
from gaemi.errors import ConfigError
from gaemi.scenarios.crashes import CRASHES

J = {b: j for j, b in enumerate(BUCKETS)}


def test_every_named_crash_maps_onto_buckets():
    for name, crash in CRASHES.items():
        s = from_scenario(name)
        used = [next((k for k in keys if k in crash.shocks), None) for keys in SCENARIO_KEYS.values()]
        assert s.returns.shape == (max(len(crash.shocks[k]) for k in used if k), len(BUCKETS))
        assert np.all(s.returns > -1) and np.all(s.returns[:, J["deposit"]] == 0)
        for b, keys in SCENARIO_KEYS.items():
            key = next((k for k in keys if k in crash.shocks), None)
            col = s.returns[:, J[b]]
            if key is None:
                assert np.all(col == 0) and s.sources[b].startswith("not in")
                continue
            seq = np.asarray(crash.shocks[key])
            lev = {"kr_lev_etf": 2.0, "us_lev_etf": 3.0}.get(b, 1.0)
            assert col[:len(seq)] == pytest.approx(np.maximum(lev * seq, FUND_FLOOR))
            assert np.all(col[len(seq):] == 0)  # a shorter key stands still until the longest ends


def test_kospi_limit_down_is_minus_30_and_minus_60_for_the_2x_fund():
    s = from_scenario("kospi-limit-down")
    assert s.days == 1
    c = s.cumulative()
    assert c["kospi_large"] == pytest.approx(-0.30) and c["kosdaq_theme"] == pytest.approx(-0.30)
    assert c["kr_lev_etf"] == pytest.approx(-0.60)
    assert c["btc_eth"] == 0 and c["us_lev_etf"] == 0


def test_unknown_scenario_names_the_choices():
    with pytest.raises(ConfigError) as e:
        from_scenario("covid")
    assert e.value.field == "scenario" and "covid-2020" in e.value.allowed


def test_history_window_is_sessions_from_through_to_inclusive():
    from gaemi.data import load_series

    s = from_history("2020-02-21", "2020-03-24")
    assert s.dates[0] == "2020-02-21" and s.dates[-1] == "2020-03-24" and s.as_of == "2020-02-20"
    kospi = load_series("kospi")["close"]
    kosdaq = load_series("kosdaq")["close"]
    k200 = load_series("kospi200")["close"]
    assert s.days == len(kospi.loc["2020-02-21":"2020-03-24"])
    c = s.cumulative()
    assert c["kospi_small"] == pytest.approx(kospi["2020-03-24"] / kospi["2020-02-20"] - 1, rel=1e-12)
    assert c["kosdaq_theme"] == pytest.approx(kosdaq["2020-03-24"] / kosdaq["2020-02-20"] - 1, rel=1e-12)
    daily = k200.loc["2020-02-20":"2020-03-24"].pct_change().dropna().to_numpy()
    assert s.returns[:, J["kospi_large"]] == pytest.approx(daily, rel=1e-12)
    assert s.returns[:, J["kr_lev_etf"]] == pytest.approx(2 * daily, rel=1e-12)  # daily reset, KRW underlying
    # a start on a holiday begins at the next session; the close before it is the as-of
    h = from_history("2020-03-01", "2020-03-03")
    assert h.dates == ("2020-03-02", "2020-03-03") and h.as_of == "2020-02-28"


def test_us_fund_resets_in_dollars_and_is_held_in_won():
    from gaemi.data import load_series

    s = from_history("2020-03-09", "2020-03-13")
    ndx = load_series("ndx")["close"]
    fx = load_series("usdkrw")["close"]
    # 2020-03-10 (KRX session): ndx's move since the KRX session before, as-of by date label
    r_usd = ndx["2020-03-09"] / ndx["2020-03-06"] - 1
    r_fx = fx["2020-03-09"] / fx["2020-03-06"] - 1
    assert s.returns[0, J["us_lev_etf"]] == pytest.approx((1 + 3 * r_usd) * (1 + r_fx) - 1, rel=1e-9)


@pytest.mark.parametrize("start, end, field", [
    ("2020-03-24", "2020-02-21", "to"),
    ("2020-13-01", "2020-03-01", "from"),
    ("1980-01-02", "1980-02-01", "from"),
    ("2020-03-07", "2020-03-08", "from"),  # a weekend: no session
])
def test_bad_history_windows_name_the_field(start, end, field):
    with pytest.raises(ConfigError) as e:
        from_history(start, end)
    assert e.value.field == field


def write(tmp_path, text: str):
    p = tmp_path / "shock.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_custom_file(tmp_path):
    p = write(tmp_path, """
name = "theme-crash"
days = 3
dates = ["2026-04-01", "2026-04-02", "2026-04-03"]
[returns]
kosdaq_theme = [-0.15, -0.12, 0.05]
btc_eth = [-0.1, 0.0, 0.02]
""")
    s = from_file(p)
    assert s.name == "theme-crash" and s.days == 3 and s.dates == ("2026-04-01", "2026-04-02", "2026-04-03")
    assert s.returns[:, J["kosdaq_theme"]].tolist() == [-0.15, -0.12, 0.05]
    assert s.returns[:, J["kospi_large"]].tolist() == [0, 0, 0] and s.sources["kospi_large"] == "not in file: 0"


@pytest.mark.parametrize("body, field, value", [
    ("days = 2\n[returns]\nkosdaq = [-0.1, 0.0]\n", "returns.kosdaq", None),
    ("days = 3\n[returns]\nkosdaq_theme = [-0.1, 0.0]\n", "returns.kosdaq_theme", "2 values (missing days)"),
    ("days = 2\n[returns]\nkosdaq_theme = [-0.1, 0.0, 0.1]\n", "returns.kosdaq_theme", "3 values (extra days)"),
    ("days = 2\n[returns]\nkosdaq_theme = [-0.1, -1.0]\n", "returns.kosdaq_theme[1]", -1.0),
    ("days = 2\n[returns]\nkosdaq_theme = [-1.5, 0.0]\n", "returns.kosdaq_theme[0]", -1.5),
    ("days = 2\n[returns]\nkosdaq_theme = [nan, 0.0]\n", "returns.kosdaq_theme[0]", None),
    ("days = 2\n[returns]\nkosdaq_theme = ['x', 0.0]\n", "returns.kosdaq_theme[0]", "x"),
    ("days = 2\n[returns]\ndeposit = [-0.1, 0.0]\n", "returns.deposit", None),
    ("days = 0\n[returns]\nkosdaq_theme = []\n", "days", 0),
    ("days = -3\n[returns]\nkosdaq_theme = []\n", "days", -3),
    ("[returns]\nkosdaq_theme = [0.1]\n", "days", None),
    ("days = 1\n", "returns", None),
    ("days = 1\nhorizon = 3\n[returns]\nkosdaq_theme = [0.1]\n", "horizon", 3),
    ("days = 2\ndates = ['2026-04-02', '2026-04-01']\n[returns]\nkosdaq_theme = [0.1, 0.0]\n", "dates[1]", None),
    ("days = 2\ndates = ['2026-04-02']\n[returns]\nkosdaq_theme = [0.1, 0.0]\n", "dates", None),
    ("days = [\n", "shock", None),
])
def test_bad_shock_files_name_field_and_value(tmp_path, body, field, value):
    with pytest.raises(ConfigError) as e:
        from_file(write(tmp_path, body))
    assert e.value.field == field, e.value
    if value is not None:
        assert e.value.value == value
    assert e.value.allowed


def test_missing_file_and_exactly_one_shock(tmp_path):
    with pytest.raises(ConfigError) as e:
        from_file(tmp_path / "nope.toml")
    assert e.value.field == "shock"
    with pytest.raises(ConfigError) as e:
        make_shock(scenario="covid-2020", start="2020-02-21", end="2020-03-24")
    assert "exactly one" in e.value.allowed
    with pytest.raises(ConfigError) as e:
        make_shock()
    assert "exactly one" in e.value.allowed
    with pytest.raises(ConfigError) as e:
        make_shock(start="2020-02-21")
    assert e.value.field == "to"
