"""The synthetic fund against published fund records and against theory, on embedded data."""

import gzip
import io

import pandas as pd
import pytest

from gaemi.fund import fund_report


def test_3x_sp500tr_2010_2023_near_upro_record():
    # Published record of the real 3x S&P 500 funds (UPRO), 2010-2023: about +26 %/yr, ~25x.
    rep = fund_report("sp500tr", 3.0, expense_ratio=0.0095,  # the calibrated default spread (0.7 %)
                      start="2010-01-01", end="2023-12-31")
    assert rep["start"].startswith("2010-01") and rep["end"] == "2023-12-29"
    assert rep["cagr"] == pytest.approx(0.26, abs=0.03)
    assert 18 < 1 + rep["total_return"] < 34


def test_1x_no_cost_fund_equals_underlying_from_raw_file():
    from importlib import resources

    raw = resources.files("gaemi.data") / "samples" / "sp500tr.csv.gz"
    df = pd.read_csv(io.BytesIO(gzip.decompress(raw.read_bytes())), parse_dates=["date"]).set_index("date")
    rep = fund_report("sp500tr", 1.0, 0.0, 0.0, start="2015-01-02", end="2019-12-31")
    # bought at the close of 2015-01-02, held to the close of 2019-12-31
    expected = df.loc["2019-12-31", "close"] / df.loc["2015-01-02", "close"] - 1
    assert rep["total_return"] == pytest.approx(expected, rel=1e-10)
    assert rep["underlying_total_return"] == pytest.approx(expected, rel=1e-10)


def test_realised_drag_close_to_avellaneda_zhang_on_real_data():
    # log drag a year ~ (L^2 - L) sigma^2 / 2 (A&Z eq. 5) + (L - 1) * mean financing rate
    from gaemi.data import load_series

    rep = fund_report("ndxtr", 2.0, 0.0, 0.0, start="2003-01-01", end="2019-12-31")
    effr = load_series("us_effr")["close"].loc["2003-01-01":"2019-12-31"].mean() / 100 * 365 / 360
    expected = rep["drag_theory_annual"] + (2.0 - 1.0) * effr
    assert rep["drag_log_annual"] == pytest.approx(expected, rel=0.10)
