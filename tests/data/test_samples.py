"""Embedded samples, their catalog and the trading calendars.

Independent numbers here come from the embedded gzip files read with plain ``gzip``/``csv``
(not pandas, not gaemi's loader) and from dates fixed by exchange rules (NYSE closed on
1928-07-04 and 2001-09-11..14; KRX had Saturday sessions until December 1998).
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date, timedelta
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from gaemi.data import catalog, load_series, series_info, sessions
from gaemi.errors import ConfigError

EXPECTED = {
    "sp500": ("price", "USD", "XNYS"), "sp500tr": ("price", "USD", "XNYS"),
    "ndx": ("price", "USD", "XNYS"), "ndxtr": ("price", "USD", "XNYS"),
    "kospi": ("price", "KRW", "XKRX"), "kosdaq": ("price", "KRW", "XKRX"),
    "kospi200": ("price", "KRW", "XKRX"),
    "btc": ("price", "USD", "24/7"), "eth": ("price", "USD", "24/7"), "xrp": ("price", "USD", "24/7"),
    "doge": ("price", "USD", "24/7"), "sol": ("price", "USD", "24/7"),
    "luna": ("price", "USD", "24/7"), "ftt": ("price", "USD", "24/7"),
    "upbit_btc": ("price", "KRW", "24/7"), "upbit_xrp": ("price", "KRW", "24/7"),
    "ibit": ("price", "USD", "XNYS"), "etha": ("price", "USD", "XNYS"),
    "samsung": ("price", "KRW", "XKRX"), "skhynix": ("price", "KRW", "XKRX"),
    "tsla": ("price", "USD", "XNYS"), "nvda": ("price", "USD", "XNYS"),
    "usdt": ("price", "USD", "24/7"), "ust": ("price", "USD", "24/7"),
    "kospi200tr": ("price", "KRW", "XKRX"), "seoul_apt": ("price", "KRW", None),
    "us_effr": ("rate", "USD", None), "us_tbill3m": ("rate", "USD", None),
    "kr_cd91": ("rate", "KRW", None), "kr_base": ("rate", "KRW", None),
    "usdkrw": ("fx", "KRW", None),
}
BASIS = {"us_effr": 360, "us_tbill3m": 360, "kr_cd91": 365, "kr_base": 365}
MONTHLY = {"kr_base", "seoul_apt"}


def raw_rows(name: str) -> list[dict[str, str]]:
    """Rows of the embedded file, read with the standard library only."""
    path = resources.files("gaemi.data").joinpath("samples", series_info(name).file)
    with path.open("rb") as fh, gzip.open(fh, "rt", newline="") as text:
        return list(csv.DictReader(io.StringIO(text.read())))


def test_catalog_names_and_metadata():
    cat = catalog()
    assert set(cat) == set(EXPECTED)
    for name, (kind, cur, cal) in EXPECTED.items():
        info = cat[name]
        assert info.name == name and info.kind == kind and info.currency == cur
        assert info.file == f"{name}.csv.gz"
        if cal is not None:
            assert info.calendar == cal
        assert info.calendar in ("XNYS", "XKRX", "24/7")
        assert info.day_count_basis == BASIS.get(name)
        assert info.description
        assert info.frequency == ("monthly" if name in MONTHLY else "daily")
        assert info.estimated_from == ("2023-05-22" if name == "kr_cd91" else None)
    catalog().clear()  # a copy: the catalog itself is untouched
    assert set(catalog()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_series_loads(name):
    df = load_series(name)
    assert isinstance(df.index, pd.DatetimeIndex) and df.index.name == "date"
    assert df.index.tz is None
    assert df.index.is_monotonic_increasing and df.index.is_unique
    assert (df.index == df.index.normalize()).all()
    assert list(df.columns)[0] == "close"
    assert all(dt == np.float64 for dt in df.dtypes)
    assert np.isfinite(df["close"]).all()
    if EXPECTED[name][0] != "rate":
        assert (df["close"] > 0).all()
    assert len(df) > (100 if name in MONTHLY else 200)
    if name in MONTHLY:  # one value per month, on its last day
        assert (df.index == df.index + pd.offsets.MonthEnd(0)).all()
        assert (np.diff(df.index.year * 12 + df.index.month) == 1).all()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader_matches_file_read_with_stdlib(name):
    rows = raw_rows(name)
    df = load_series(name)
    shift = timedelta(days=series_info(name).date_shift_days)
    assert len(rows) == len(df)
    for i in (0, len(rows) // 2, len(rows) - 1):
        r = rows[i]
        assert df.index[i].date() == date.fromisoformat(r["date"]) + shift
        assert df["close"].iloc[i] == float(r["close"])
        for col in ("volume", "value"):
            if col in r:
                v = df[col].iloc[i]
                assert (np.isnan(v) and r[col] == "") or v == float(r[col])


def test_turnover_columns_kept():
    for name in ("kospi", "kosdaq", "kospi200", "upbit_btc", "upbit_xrp"):
        df = load_series(name)
        assert "value" in df.columns
        assert df["value"].notna().sum() > 1000
    assert "marcap" not in load_series("kospi").columns


def test_coingecko_labels_shifted_to_close_day():
    # the file's first row is dated 2019-05-08 (00:00 UTC snapshot = close of 2019-05-07)
    assert raw_rows("luna")[0]["date"] == "2019-05-08"
    assert load_series("luna").index[0] == pd.Timestamp("2019-05-07")
    assert series_info("ftt").date_shift_days == -1
    for name in ("btc", "usdt", "ust"):  # Yahoo labels a UTC day by its own date
        assert series_info(name).date_shift_days == 0
        assert raw_rows(name)[0]["date"] == str(load_series(name).index[0].date())


def test_korean_stocks_say_they_exclude_dividends():
    for name in ("samsung", "skhynix"):
        assert "excludes dividends" in series_info(name).description
    text = resources.files("gaemi.data").joinpath("samples", "PROVENANCE.md").read_text("utf-8")
    for name in ("samsung", "skhynix"):
        section = text.split(f"## {name}\n")[1].split("\n## ")[0]
        assert "**Excludes dividends**" in section


def test_btc_trimmed_before_hole():
    idx = load_series("btc").index
    assert idx[-1] == pd.Timestamp("2026-07-31")
    assert (np.diff(idx.values) == np.timedelta64(1, "D")).all()  # no missing UTC day


def test_load_series_returns_a_copy():
    a = load_series("sp500tr")
    a.iloc[0, 0] = -1.0
    b = load_series("sp500tr")
    assert b["close"].iloc[0] == float(raw_rows("sp500tr")[0]["close"])


def test_unknown_series_names_the_field():
    with pytest.raises(ConfigError) as ei:
        load_series("spx")
    assert ei.value.field == "asset" and ei.value.value == "spx"
    assert "sp500tr" in ei.value.allowed


def test_provenance_document_covers_every_series():
    text = resources.files("gaemi.data").joinpath("samples", "PROVENANCE.md").read_text("utf-8")
    for name, info in catalog().items():
        assert f"## {name}\n" in text
        assert f"`{info.source}`" in text
    assert text.count("- origin:") >= len(EXPECTED)
    assert "@ `" in text  # commits are named


def test_samples_live_in_the_package():
    root = resources.files("gaemi.data").joinpath("samples")
    for info in catalog().values():
        assert root.joinpath(info.file).is_file()


# --- calendars --------------------------------------------------------------------------

def test_xnys_sessions_known_closures():
    s = sessions("XNYS", "1928-07-02", "1928-07-06")
    # July 4th 1928 was a Wednesday; exchange_calendars alone misses pre-1970 regular holidays
    assert list(s.strftime("%Y-%m-%d")) == ["1928-07-02", "1928-07-03", "1928-07-05", "1928-07-06"]
    s = sessions("XNYS", "2001-09-07", "2001-09-18")
    assert list(s.strftime("%m-%d")) == ["09-07", "09-10", "09-17", "09-18"]
    assert s.name == "date" and s.tz is None
    assert "1969-12-25" not in sessions("XNYS", "1969-12-20", "1969-12-31").strftime("%Y-%m-%d")


def test_xkrx_and_24_7_sessions():
    s = sessions("XKRX", "1998-11-23", "1998-11-30")
    assert all(d.day_of_week < 5 for d in s)  # Saturday sessions not modelled
    assert len(s) == 6
    s = sessions("24/7", "2020-02-27", "2020-03-02")
    assert len(s) == 5 and s[0] == pd.Timestamp("2020-02-27")  # leap day included


def test_sessions_bad_calendar():
    with pytest.raises(ConfigError) as ei:
        sessions("XLON", "2020-01-01", "2020-02-01")
    assert ei.value.field == "calendar"
