"""Market-heat gauges: pure functions on daily series (no I/O, inputs untouched).

Every input is a pandas Series indexed by a naive daily DatetimeIndex; every output is a Series
of fractions on the dates where all its inputs are known (never zero-filled).

1. :func:`turnover_ratio` - crypto turnover on Korean exchanges / stock-market turnover.
2. :func:`altcoin_share` - ``1 - (BTC + ETH) / total`` turnover of a venue group.
3. :func:`kimchi_premium` - ``P_KRW / (P_USD x USDKRW) - 1``.
4. :func:`leveraged_share` - leveraged/inverse ETF turnover / all KOSPI 200 ETF turnover.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _clean(s: pd.Series | None) -> pd.Series:
    if s is None:
        return pd.Series(dtype=np.float64, index=pd.DatetimeIndex([], name="date"))
    out = pd.to_numeric(s, errors="coerce").astype(np.float64)
    out = out[np.isfinite(out.to_numpy())]
    out.index = pd.DatetimeIndex(out.index).normalize()
    out.index.name = "date"
    return out.sort_index()


def turnover_ratio(crypto: pd.Series, stocks: pd.Series) -> pd.Series:
    """``crypto[d] / stocks[d]`` on the stock market's sessions ``d`` that have both.

    crypto : KRW turnover of the Korean crypto venues on day d (their own day boundary).
    stocks : KRW turnover of the stock market (KOSPI + KOSDAQ 거래대금) on session d.
    Crypto's weekend and holiday turnover is left out (no stock session to compare with).
    """
    c, s = _clean(crypto), _clean(stocks)
    s = s[s > 0]
    both = c.index.intersection(s.index)
    return (c.loc[both] / s.loc[both]).rename("turnover_ratio")


def altcoin_share(total: pd.Series, btc: pd.Series, eth: pd.Series | None = None) -> pd.Series:
    """``1 - (btc[d] + eth[d]) / total[d]``: the share of a venue group's turnover that is in
    neither bitcoin nor ether. ``eth=None`` means no ether market is covered (counted as 0,
    which the caller must say). Days where total <= 0 are left out."""
    t, b = _clean(total), _clean(btc)
    e = _clean(eth) if eth is not None else pd.Series(0.0, index=t.index)
    both = t.index.intersection(b.index).intersection(e.index)
    t = t.loc[both]
    keep = t > 0
    return (1.0 - (b.loc[both] + e.loc[both]) / t)[keep].rename("altcoin_share")


def asof(series: pd.Series, dates: pd.DatetimeIndex, max_age_days: int) -> pd.Series:
    """The last value of ``series`` on or before each date, if at most ``max_age_days`` old."""
    s = _clean(series)
    d = pd.DatetimeIndex(dates)
    if s.empty or d.empty:
        return pd.Series(np.nan, index=d)
    idx = np.searchsorted(s.index.to_numpy(), d.to_numpy(), side="right") - 1
    vals = np.where(idx >= 0, s.to_numpy()[np.maximum(idx, 0)], np.nan)
    age = (d.to_numpy() - s.index.to_numpy()[np.maximum(idx, 0)]) / np.timedelta64(1, "D")
    vals = np.where((idx >= 0) & (age <= max_age_days), vals, np.nan)
    return pd.Series(vals, index=d)


def kimchi_premium(krw_price: pd.Series, usd_price: pd.Series, usdkrw: pd.Series,
                   fx_max_age_days: int = 7) -> pd.Series:
    """``krw_price[d] / (usd_price[d] x usdkrw as of d) - 1`` on days with both prices.

    krw_price : the coin's KRW close on a Korean venue (Upbit BTC-KRW).
    usd_price : the coin's USD (or USDT, taken at par) close abroad on the same day label.
    usdkrw : KRW per USD; the last value on or before d, at most ``fx_max_age_days`` old
        (FX is not published on weekends and holidays).
    """
    k, u = _clean(krw_price), _clean(usd_price)
    both = k.index.intersection(u.index)
    fx = asof(usdkrw, both, fx_max_age_days)
    out = k.loc[both] / (u.loc[both] * fx.to_numpy()) - 1.0
    return out[np.isfinite(out.to_numpy())].rename("kimchi_premium")


def leveraged_share(leveraged: pd.Series, all_etfs: pd.Series) -> pd.Series:
    """``leveraged[d] / all_etfs[d]``: turnover of the 2x leveraged and -2x inverse KOSPI 200
    ETFs over the turnover of every KOSPI 200 ETF covered (which includes them)."""
    lv, al = _clean(leveraged), _clean(all_etfs)
    both = lv.index.intersection(al.index)
    al = al.loc[both]
    return (lv.loc[both] / al)[al > 0].rename("leveraged_share")
