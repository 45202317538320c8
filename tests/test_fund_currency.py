"""``gaemi.fund_report``'s currency view, structures and volatilities against computations
done here by hand from the embedded files (issue 12 sections 1, 2 and 4).

The reference never touches gaemi's panel or fund formula: closes, the won/dollar rate and the
short rates are read with :func:`gaemi.data.catalog.close_history`, the FX rate is taken as of each
session, the short rate in force over a session is the last value on or before the previous
session (percent -> fraction, ACT/360 for the fed funds rate, ACT/365 for CD 91), and the fund's
day is the published formula (Avellaneda & Zhang 2010, eq. 1, with fees) written out again.
"""

import numpy as np
import pandas as pd
import pytest

from gaemi.data.catalog import close_history
from gaemi.errors import ConfigError
from gaemi.fund import fund_report

START, END = "2007-06-01", "2017-06-01"
FEE, SPREAD = 0.0095, 0.004


def _asof(series: pd.Series, sess: pd.DatetimeIndex) -> np.ndarray:
    """The last value on or before each session."""
    return series.reindex(series.index.union(sess)).ffill().loc[sess].to_numpy()


def _sessions(name: str, start: str, end: str) -> pd.DatetimeIndex:
    p = close_history(name)
    return p.index[(p.index >= pd.Timestamp(start)) & (p.index <= pd.Timestamp(end))]


def _usd_fund_held_in_krw(leverage, fee=FEE, spread=SPREAD, start=START, end=END):
    """Daily won returns of the fund (held), of the converted underlying, and of one dollar in won."""
    sess = _sessions("sp500tr", start, end)
    p = close_history("sp500tr").loc[sess].to_numpy()
    x = _asof(close_history("usdkrw"), sess)
    rate = _asof(close_history("us_effr") / 100.0, sess)[:-1]  # in force from the previous close
    gap = np.diff(sess.to_numpy()).astype("timedelta64[D]").astype(float)
    r_usd = p[1:] / p[:-1] - 1.0
    r_fx = x[1:] / x[:-1] - 1.0
    cost = (1 - leverage) * rate * gap / 360.0 - max(leverage - 1, 0) * spread * gap / 360.0 - fee / 252.0
    fund_usd = leverage * r_usd + cost
    held = (1.0 + fund_usd) * (1.0 + r_fx) - 1.0
    under_krw = (p[1:] * x[1:]) / (p[:-1] * x[:-1]) - 1.0
    return held, under_krw, r_fx, fund_usd, r_usd, cost


@pytest.mark.parametrize("leverage", [3.0, -1.0])
def test_usd_fund_held_in_krw_matches_the_hand_computation(leverage):
    rep = fund_report("sp500tr", leverage, FEE, SPREAD, start=START, end=END, currency="KRW")
    held, under_krw, r_fx, fund_usd, _, cost = _usd_fund_held_in_krw(leverage)
    assert rep["currency"] == "KRW" and rep["underlying_currency"] == "USD" and rep["structure"] == "swap"
    assert rep["start"] == "2007-06-04" and rep["end"] == "2017-06-01"
    expected = np.prod(1 + held) - 1
    assert rep["total_return"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
    assert rep["underlying_total_return"] == pytest.approx(np.prod(1 + under_krw) - 1, rel=1e-9, abs=1e-9)
    assert rep["fx_total_return"] == pytest.approx(np.prod(1 + r_fx) - 1, rel=1e-9, abs=1e-9)
    # the exchange rate borne once: won growth = dollar growth x the won/dollar move
    own = fund_report("sp500tr", leverage, FEE, SPREAD, start=START, end=END)
    assert own["currency"] == "USD" and own["fx_total_return"] is None
    assert own["total_return"] == pytest.approx(np.prod(1 + fund_usd) - 1, rel=1e-9, abs=1e-9)
    assert 1 + rep["total_return"] == pytest.approx((1 + own["total_return"]) * (1 + rep["fx_total_return"]),
                                                    rel=1e-12)
    # ... which is far from levering the won-converted return (the old error) on this window
    levered_fx = np.prod(1 + leverage * under_krw + cost)
    assert abs(levered_fx / (1 + rep["total_return"]) - 1) > 0.05


@pytest.mark.parametrize("leverage", [3.0, -1.0])
def test_volatilities_are_the_funds_and_the_underlyings_own(leverage):
    held, under_krw, _, fund_usd, r_usd, _ = _usd_fund_held_in_krw(leverage)
    rep = fund_report("sp500tr", leverage, FEE, SPREAD, start=START, end=END, currency="KRW")
    assert rep["annual_volatility"] == pytest.approx(np.std(held, ddof=1) * np.sqrt(252), rel=1e-9)
    assert rep["underlying_annual_volatility"] == pytest.approx(np.std(under_krw, ddof=1) * np.sqrt(252), rel=1e-9)
    own = fund_report("sp500tr", leverage, FEE, SPREAD, start=START, end=END)
    assert own["annual_volatility"] == pytest.approx(np.std(fund_usd, ddof=1) * np.sqrt(252), rel=1e-9)
    sigma_usd = np.std(r_usd, ddof=1) * np.sqrt(252)
    assert own["underlying_annual_volatility"] == pytest.approx(sigma_usd, rel=1e-9)
    # A&Z's drag from the UNDERLYING's sigma in its own currency, in both views
    for r in (rep, own):
        assert r["drag_theory_annual"] == pytest.approx((leverage**2 - leverage) * sigma_usd**2 / 2, rel=1e-9)
    assert rep["drag_log_annual_own_currency"] == pytest.approx(own["drag_log_annual"], rel=1e-9)


@pytest.mark.parametrize("leverage", [3.0, 2.0, -1.0, -2.0])
def test_fund_volatility_is_about_abs_leverage_times_the_underlyings_for_small_costs(leverage):
    rep = fund_report("sp500tr", leverage, 0.0, 0.0, start=START, end=END)
    ratio = rep["annual_volatility"] / rep["underlying_annual_volatility"]
    assert ratio == pytest.approx(abs(leverage), rel=0.01)
    assert ratio != pytest.approx(abs(leverage), rel=1e-9)  # the financing term is not nothing


def test_inverse_futures_fund_on_kospi200_matches_the_hand_computation():
    start, end, s = "2010-01-01", "2019-12-31", 0.01
    sess = _sessions("kospi200", start, end)
    p = close_history("kospi200").loc[sess].to_numpy()
    rf_rate = _asof(close_history("kr_cd91") / 100.0, sess)[:-1]
    gap = np.diff(sess.to_numpy()).astype("timedelta64[D]").astype(float)
    r = p[1:] / p[:-1] - 1.0
    rf = rf_rate * gap / 365.0
    futures = -2 * r + 3 * rf - 2 * s * gap / 365.0 - FEE / 252.0  # spread on the whole short exposure
    swap = -2 * r + 3 * rf - FEE / 252.0  # nothing borrowed, no spread
    fut = fund_report("kospi200", -2.0, FEE, s, start=start, end=end)
    assert fut["structure"] == "futures" and fut["currency"] == "KRW"  # the default for KRW underlyings
    assert fut["total_return"] == pytest.approx(np.prod(1 + futures) - 1, rel=1e-9, abs=1e-9)
    sw = fund_report("kospi200", -2.0, FEE, s, start=start, end=end, structure="swap")
    assert sw["structure"] == "swap"
    assert sw["total_return"] == pytest.approx(np.prod(1 + swap) - 1, rel=1e-9, abs=1e-9)
    assert fut["total_return"] < sw["total_return"]
    # a long 2x fund pays the spread on the same L - 1 under both structures
    a = fund_report("kospi200", 2.0, FEE, s, start=start, end=end, structure="futures")
    b = fund_report("kospi200", 2.0, FEE, s, start=start, end=end, structure="swap")
    assert a["total_return"] == b["total_return"]


def test_krw_underlying_held_in_usd():
    start, end = "2015-01-01", "2019-12-31"
    krw = fund_report("kospi200", 2.0, start=start, end=end)
    usd = fund_report("kospi200", 2.0, start=start, end=end, currency="USD")
    assert usd["currency"] == "USD" and usd["underlying_currency"] == "KRW" and usd["structure"] == "futures"
    assert usd["start"] == krw["start"] and usd["end"] == krw["end"]
    sess = _sessions("kospi200", start, end)
    x = _asof(close_history("usdkrw"), sess)
    assert usd["fx_total_return"] == pytest.approx(x[0] / x[-1] - 1, rel=1e-9)  # one won, in dollars
    assert 1 + usd["total_return"] == pytest.approx((1 + krw["total_return"]) * (1 + usd["fx_total_return"]),
                                                    rel=1e-12)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(currency="XYZ"), "currency"),
        (dict(currency="EUR"), "currency"),
        (dict(structure="options"), "structure"),
    ],
)
def test_bad_currency_or_structure(kwargs, field):
    with pytest.raises(ConfigError) as e:
        fund_report("sp500tr", 3.0, start=START, end=END, **kwargs)
    assert e.value.field == field
    assert ("USD (the underlying's, default) or KRW" if field == "currency" else "swap or futures") in str(e.value)


def test_own_currency_spelled_out_is_the_default():
    a = fund_report("sp500tr", 3.0, start=START, end=END)
    b = fund_report("sp500tr", 3.0, start=START, end=END, currency="usd", structure="swap")
    assert a == b
