"""build_panel: alignment, currency conversion, fills and rates, checked by hand.

Every expected number is computed here from the embedded gzip files read with plain
``gzip``/``csv`` (helpers below), on real dates, following the rules written in
``gaemi.data.build``: returns are ratios of closes, FX is sampled as-of, coins are sampled
as-of (weekend moves land on Monday), a missing home session is carried forward and recorded,
a rate is the last value published on or before the previous session.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import time
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from gaemi.data import MarketPanel, build_panel, series_info
from gaemi.errors import ConfigError, DataError


def closes(name: str) -> dict[str, float]:
    """date string -> close, straight from the embedded file (no date shift)."""
    path = resources.files("gaemi.data").joinpath("samples", series_info(name).file)
    with path.open("rb") as fh, gzip.open(fh, "rt", newline="") as text:
        return {r["date"]: float(r["close"]) for r in csv.DictReader(io.StringIO(text.read()))}


def ret(panel: MarketPanel, asset: str, day: str) -> float:
    t = panel.dates.get_loc(pd.Timestamp(day))
    return float(panel.returns[t, panel.asset_index(asset)])


def rate(panel: MarketPanel, name: str, day: str) -> float:
    t = panel.dates.get_loc(pd.Timestamp(day))
    return float(panel.rates[t, panel.rate_index(name)])


def gap(panel: MarketPanel, day: str) -> float:
    return float(panel.gap_days[panel.dates.get_loc(pd.Timestamp(day))])


@pytest.fixture(scope="module")
def spy_usd():
    return build_panel("sp500tr", rates=["us_effr", "us_tbill3m"], currency="USD")


def test_shape_and_bookkeeping(spy_usd):
    p = spy_usd
    assert isinstance(p, MarketPanel)
    assert p.calendar == "XNYS" and p.currency == "USD"
    assert p.assets == ("sp500tr",) and p.rate_names == ("us_effr", "us_tbill3m")
    assert p.rate_basis == (360.0, 360.0)
    assert p.base_date == pd.Timestamp("1993-01-29")  # SPY's first close
    # DFF ends 2025-12-31: held at its last value (at most a year) to SPY's last close
    assert p.dates[-1] == pd.Timestamp("2026-07-13")
    assert p.provenance["extended"]["us_effr"]["last"] == "2025-12-31"
    assert p.provenance["limited_by"] == {"start": "sp500tr", "end": "sp500tr"}
    assert p.returns.shape == (len(p.dates), 1) and p.rates.shape == (len(p.dates), 2)
    assert np.isfinite(p.returns).all() and p.returns.dtype == np.float64
    assert p.dates.name == "date" and p.dates.is_monotonic_increasing
    assert p.filled == {"sp500tr": []}
    prov = p.provenance
    assert prov["assets"] == ["sp500tr"] and prov["calendar"] == "XNYS" and prov["currency"] == "USD"
    assert prov["fill_limit"] == 3
    assert prov["sources"]["sp500tr"] == "sp500tr.csv.gz" and prov["sources"]["us_effr"] == "us_effr.csv.gz"
    assert prov["sha256"] == hashlib.sha256(np.ascontiguousarray(p.returns).tobytes()).hexdigest()
    # the panel's prices rebuild the file's closes: T = sessions - 1
    c = closes("sp500tr")
    level = c["1993-01-29"] * np.prod(1 + p.returns[:, 0])
    assert level == pytest.approx(c["2026-07-13"], rel=1e-10)


@pytest.mark.parametrize(
    "day, prev",
    [
        ("2008-10-13", "2008-10-10"),  # +14.5% day
        ("2020-03-16", "2020-03-13"),  # Monday after Friday
        ("2001-09-17", "2001-09-10"),  # NYSE shut 2001-09-11..14: one return over the closure
        ("2018-04-02", "2018-03-29"),  # Good Friday
    ],
)
def test_sp500tr_returns_are_ratios_of_file_closes(spy_usd, day, prev):
    c = closes("sp500tr")
    assert ret(spy_usd, "sp500tr", day) == pytest.approx(c[day] / c[prev] - 1, rel=1e-12, abs=1e-15)
    assert gap(spy_usd, day) == (pd.Timestamp(day) - pd.Timestamp(prev)).days


def test_krw_panel_of_usd_asset_by_hand():
    p = build_panel("sp500tr", currency="KRW", start="2019-10-01", end="2019-10-31")
    assert p.calendar == "XNYS"
    P, X = closes("sp500tr"), closes("usdkrw")
    # an ordinary day
    want = (P["2019-10-10"] * X["2019-10-10"]) / (P["2019-10-09"] * X["2019-10-09"]) - 1
    assert ret(p, "sp500tr", "2019-10-10") == pytest.approx(want, rel=1e-12)
    # Columbus Day: NYSE open, no H.10 rate -> the rate of 2019-10-11 stands in (as-of)
    assert "2019-10-14" not in X
    want = (P["2019-10-14"] * X["2019-10-11"]) / (P["2019-10-11"] * X["2019-10-11"]) - 1
    assert ret(p, "sp500tr", "2019-10-14") == pytest.approx(want, rel=1e-12)
    want = (P["2019-10-15"] * X["2019-10-15"]) / (P["2019-10-14"] * X["2019-10-11"]) - 1
    assert ret(p, "sp500tr", "2019-10-15") == pytest.approx(want, rel=1e-12)
    assert p.provenance["fx"]["assets"] == ["sp500tr"]
    assert "multiplied" in p.provenance["fx"]["method"]
    assert p.provenance["sources"]["usdkrw"] == "usdkrw.csv.gz"


def test_usd_panel_of_krw_asset_divides():
    p = build_panel("kospi", currency="USD", start="2020-03-02", end="2020-03-31")
    assert p.calendar == "XKRX"
    K, X = closes("kospi"), closes("usdkrw")
    want = (K["2020-03-19"] / X["2020-03-19"]) / (K["2020-03-18"] / X["2020-03-18"]) - 1
    assert ret(p, "kospi", "2020-03-19") == pytest.approx(want, rel=1e-12)
    assert "divided" in p.provenance["fx"]["method"]


def test_same_currency_untouched():
    p = build_panel("kospi", currency="KRW", start="2020-03-02", end="2020-03-31")
    K = closes("kospi")
    assert "fx" not in p.provenance and "usdkrw" not in p.provenance["sources"]
    assert ret(p, "kospi", "2020-03-19") == pytest.approx(K["2020-03-19"] / K["2020-03-18"] - 1, rel=1e-12)


def test_crypto_weekend_compounds_into_monday():
    B = closes("btc")
    p = build_panel("btc", currency="USD", start="2020-03-02", end="2020-06-30")
    assert p.calendar == "XNYS"  # all coins, USD -> XNYS
    assert p.provenance["sampling"]["btc"] == "asof"
    # Monday 2020-03-16 carries Saturday, Sunday and Monday: close(Mon) / close(Fri)
    assert ret(p, "btc", "2020-03-16") == pytest.approx(B["2020-03-16"] / B["2020-03-13"] - 1, rel=1e-12)
    # Tuesday after Memorial Day: Sat..Tue in one return
    assert ret(p, "btc", "2020-05-26") == pytest.approx(B["2020-05-26"] / B["2020-05-22"] - 1, rel=1e-12)
    assert p.filled["btc"] == []  # a shut stock market is not a hole in the coin's data
    # the same as compounding the coin's own daily returns
    d = build_panel("btc", currency="USD", calendar="24/7", start="2020-03-13", end="2020-03-16")
    assert list(d.dates.strftime("%m-%d")) == ["03-14", "03-15", "03-16"]
    assert np.prod(1 + d.returns[:, 0]) - 1 == pytest.approx(ret(p, "btc", "2020-03-16"), rel=1e-12)


def test_default_calendar_rules():
    assert build_panel(["btc", "kospi"], start="2021-01-04", end="2021-02-01").calendar == "XKRX"
    assert build_panel(["btc", "sp500tr"], start="2021-01-04", end="2021-02-01").calendar == "XNYS"
    assert build_panel("btc", currency="KRW", start="2021-01-04", end="2021-02-01").calendar == "XKRX"
    assert build_panel("upbit_btc", currency="USD", start="2021-01-04", end="2021-02-01").calendar == "XNYS"


def test_us_asset_on_krx_calendar_is_asof():
    S = closes("sp500tr")
    p = build_panel(["kospi", "sp500tr"], currency="USD", start="2001-09-03", end="2001-09-28")
    assert p.calendar == "XKRX"
    assert p.provenance["sampling"] == {"kospi": "session", "sp500tr": "asof"}
    # NYSE shut 09-11..14 while KRX traded: zero USD returns there, not recorded as fills
    for day in ("2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14"):
        assert ret(p, "sp500tr", day) == 0.0
    assert p.filled["sp500tr"] == []
    # KRX 2001-09-17 (Mon) picks up NYSE 09-10 -> 09-17
    assert ret(p, "sp500tr", "2001-09-17") == pytest.approx(S["2001-09-17"] / S["2001-09-10"] - 1, rel=1e-12)
    # in KRW the as-of FX rate multiplies both closes
    k = build_panel(["kospi", "sp500tr"], start="2001-09-03", end="2001-09-28")
    X = closes("usdkrw")
    want = S["2001-09-17"] * X["2001-09-17"] / (S["2001-09-10"] * X["2001-09-14"]) - 1
    assert ret(k, "sp500tr", "2001-09-17") == pytest.approx(want, rel=1e-12)


def test_kospi_missing_session_is_filled_and_recorded():
    p = build_panel("kospi", start="1995-06-01", end="1995-07-31")
    K = closes("kospi")
    assert "1995-06-27" not in K
    assert p.filled["kospi"] == [pd.Timestamp("1995-06-27")]
    assert p.provenance["filled"] == {"kospi": 1}
    assert ret(p, "kospi", "1995-06-27") == 0.0
    assert ret(p, "kospi", "1995-06-28") == pytest.approx(K["1995-06-28"] / K["1995-06-26"] - 1, rel=1e-12)


def test_fill_limit_zero_refuses_the_gap():
    with pytest.raises(DataError, match=r"kospi.*1995-06-27"):
        build_panel("kospi", start="1995-06-01", end="1995-07-31", fill_limit=0)
    # the same setting is fine away from gaps
    p = build_panel("kospi", start="1999-01-04", end="1999-12-30", fill_limit=0)
    assert p.filled == {"kospi": []}


def test_gap_longer_than_fill_limit_raises():
    # KOSPI 200 lacks two consecutive XKRX sessions, 1995-02-02 and 1995-02-03
    p = build_panel("kospi200", start="1995-01-20", end="1995-02-28", fill_limit=2)
    assert [d.strftime("%m-%d") for d in p.filled["kospi200"]] == ["02-02", "02-03"]
    with pytest.raises(DataError, match=r"kospi200.*1995-02-02\.\.1995-02-03"):
        build_panel("kospi200", start="1995-01-20", end="1995-02-28", fill_limit=1)


def test_krx_saturday_rows_dropped_move_lands_monday():
    K = closes("kospi")
    assert "1998-11-28" in K  # a Saturday session
    p = build_panel("kospi", start="1998-11-23", end="1998-12-04")
    assert pd.Timestamp("1998-11-28") not in p.dates
    assert ret(p, "kospi", "1998-11-30") == pytest.approx(K["1998-11-30"] / K["1998-11-27"] - 1, rel=1e-12)
    assert p.provenance["dropped_rows"]["kospi"] == 1  # the 11-28 row
    assert p.filled["kospi"] == []


def test_rates_known_before_the_day_and_forward_filled():
    p = build_panel("sp500tr", rates=["us_effr", "us_tbill3m"], currency="USD",
                    start="2018-03-26", end="2020-03-31")
    T = closes("us_tbill3m")
    E = closes("us_effr")
    # XNYS Monday: the rate published on the previous session (Friday), over 3 calendar days
    assert rate(p, "us_tbill3m", "2020-03-16") == pytest.approx(T["2020-03-13"] / 100)
    assert gap(p, "2020-03-16") == 3
    assert rate(p, "us_tbill3m", "2020-03-17") == pytest.approx(T["2020-03-16"] / 100)
    # DFF changes 2018-04-02 -> 04-03; Tuesday's return accrues Monday's value (no look-ahead)
    assert E["2018-04-03"] != E["2018-04-02"]
    assert rate(p, "us_effr", "2018-04-03") == pytest.approx(E["2018-04-02"] / 100)
    # over Good Friday: Thursday's value, 4 days
    assert rate(p, "us_effr", "2018-04-02") == pytest.approx(E["2018-03-29"] / 100)
    assert gap(p, "2018-04-02") == 4


def test_rates_forward_fill_over_weekend_on_24_7():
    p = build_panel("btc", rates=["us_tbill3m"], currency="USD", calendar="24/7",
                    start="2020-03-12", end="2020-03-18")
    T = closes("us_tbill3m")
    assert "2020-03-14" not in T and "2020-03-15" not in T
    got = {d.strftime("%m-%d"): r for d, r in zip(p.dates, p.rates[:, 0])}
    assert got["03-14"] == pytest.approx(T["2020-03-13"] / 100)  # Friday's value
    assert got["03-15"] == pytest.approx(T["2020-03-13"] / 100)  # carried over Saturday
    assert got["03-16"] == pytest.approx(T["2020-03-13"] / 100)  # and Sunday
    assert got["03-17"] == pytest.approx(T["2020-03-16"] / 100)
    assert (p.gap_days == 1).all()


def test_monthly_base_rate_forward_filled():
    p = build_panel("kospi", rates=["kr_base"], start="2022-07-01", end="2022-08-31")
    R = closes("kr_base")
    assert rate(p, "kr_base", "2022-07-15") == pytest.approx(R["2022-06-30"] / 100)
    assert rate(p, "kr_base", "2022-08-16") == pytest.approx(R["2022-07-31"] / 100)
    assert p.rate_basis == (365.0,)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(start="1990-01-02"), "start"),       # SPY starts 1993-01-29
        (dict(end="2030-01-02"), "end"),
        (dict(start="2027-01-04"), "start"),      # after the data
        (dict(end="1980-01-02"), "end"),
        (dict(start="2020-02-01", end="2020-01-01"), "start"),
    ],
)
def test_dates_outside_data_name_the_field(kwargs, field):
    with pytest.raises(ConfigError) as ei:
        build_panel("sp500tr", currency="USD", **kwargs)
    assert ei.value.field == field
    assert str(ei.value.value)[:4] == (kwargs.get(field) or "")[:4]
    if ei.value.value != "2020-02-01":
        assert "1993-01-29" in ei.value.allowed  # the available range is named


def test_rate_starting_after_first_session_is_a_config_error():
    with pytest.raises(ConfigError) as ei:
        build_panel("sp500", rates=["us_effr"], currency="USD", start="1950-01-03")
    assert ei.value.field == "start" and "us_effr" in ei.value.allowed
    # without a start, the default range begins where every rate has a value
    p = build_panel("sp500", rates=["us_effr"], currency="USD", end="1955-01-03")
    assert p.base_date == pd.Timestamp("1954-07-01")


def test_rate_ending_before_end_is_a_config_error():
    with pytest.raises(ConfigError) as ei:
        build_panel("kospi", rates=["kr_cd91"], end="2025-12-30")
    assert ei.value.field == "end" and "kr_cd91" in ei.value.allowed
    # kr_cd91's last (estimated) value is dated 2025-10-31; kospi runs to 2026-03-20: without an
    # explicit end the rate is held at its last value (recorded) and kospi sets the end
    p = build_panel("kospi", rates=["kr_cd91"])
    assert p.dates[-1] == pd.Timestamp("2026-03-20")
    assert p.provenance["extended"]["kr_cd91"]["last"] == "2025-10-31"
    assert p.provenance["limited_by"]["end"] == "kospi"
    # ... but never for more than RATE_EXTENSION_DAYS: us_effr from 1954 with an old price series
    short = build_panel("sp500", rates=["us_effr"], currency="USD", end="1955-01-03")
    assert "extended" not in short.provenance


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(assets="spx"), "assets"),
        (dict(assets="us_effr"), "assets"),
        (dict(assets=[]), "assets"),
        (dict(assets=["kospi", "kospi"]), "assets"),
        (dict(assets="kospi", rates=["kospi"]), "rates"),
        (dict(assets="kospi", currency="EUR"), "currency"),
        (dict(assets="kospi", calendar="XLON"), "calendar"),
        (dict(assets="kospi", fill_limit=-1), "fill_limit"),
        (dict(assets="kospi", start="not a date"), "start"),
    ],
)
def test_bad_arguments_name_the_field(kwargs, field):
    with pytest.raises(ConfigError) as ei:
        build_panel(**kwargs)
    assert ei.value.field == field


def test_asof_asset_hole_is_recorded():
    # on the NYSE calendar KOSPI is sampled as-of; its missing KRX session still counts as a fill
    p = build_panel(["sp500tr", "kospi"], start="1995-06-01", end="1995-07-31")
    assert p.filled["kospi"] == [pd.Timestamp("1995-06-27")]
    assert p.filled["sp500tr"] == []


def test_whole_sp500_history_is_fast():
    build_panel("sp500", currency="USD")  # warm the caches (file, calendar)
    t0 = time.perf_counter()
    p = build_panel("sp500", currency="USD")
    assert time.perf_counter() - t0 < 0.5
    assert p.base_date == pd.Timestamp("1927-12-30") and len(p.dates) == 24368
    assert p.filled["sp500"] == []
