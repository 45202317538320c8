"""U.S. stocks and ETFs, USD/KRW and short rates from Yahoo Finance.

Two backends, same output:

* ``"yfinance"`` (default when the ``yfinance`` package is installed: ``pip install
  'gaemi[data]'``): ``yf.Ticker(sym).history(...)``; yfinance handles Yahoo's cookies.
* ``"chart"``: Yahoo's chart API (``GET {base_url}/v8/finance/chart/{symbol}?interval=1d&
  period1=..&period2=..&events=div,splits``), the request yfinance itself makes, through
  ``requests`` with retries. Used when yfinance is missing or a ``base_url``/``session`` is
  given (the tests point it at a local replay server).

Daily ``timestamp``s are session opens; the date is taken in the exchange's time zone
(``meta.gmtoffset``). ``close`` is the **adjusted** close (dividends and splits; Yahoo's
``adjclose``), and open/high/low are scaled by the same factor, so returns are total returns;
``adjusted=False`` keeps raw prices. Yahoo gives no traded value: ``turnover`` is empty.

Symbols: ``TSLA``, ``TQQQ``, ... (prices, XNYS calendar); ``USDKRW`` (alias of ``KRW=X``, KRW
per USD, stored as FX); ``^IRX`` (13-week T-bill yield, percent, stored as a rate).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from gaemi.data.connectors._common import as_date, now_utc
from gaemi.data.connectors.http import FetchError, RetryPolicy, request_json
from gaemi.data.store import Instrument
from gaemi.errors import ConfigError

BASE_URL = "https://query2.finance.yahoo.com"
ALIASES = {"USDKRW": "KRW=X"}
RATES = {"^IRX": ("USD", "13-week U.S. T-bill yield, percent per year (Yahoo ^IRX)")}


def _kind(native: str) -> str:
    if native in RATES:
        return "rate"
    return "fx" if native.endswith("=X") else "price"


def parse_chart(body: dict, adjusted: bool = True) -> tuple[pd.DataFrame, dict]:
    """Chart v8 body -> (bars with exchange-local dates, meta)."""
    chart = body.get("chart") if isinstance(body, dict) else None
    if not isinstance(chart, dict):
        raise FetchError(f"yahoo chart: unexpected body {str(body)[:120]}")
    if chart.get("error"):
        e = chart["error"]
        raise FetchError(f"yahoo chart: {e.get('code')}: {e.get('description')}")
    res = (chart.get("result") or [None])[0]
    if not res:
        raise FetchError("yahoo chart: empty result")
    meta = res.get("meta", {})
    ts = res.get("timestamp") or []
    q = (res.get("indicators", {}).get("quote") or [{}])[0]
    adj = (res.get("indicators", {}).get("adjclose") or [{}])[0].get("adjclose")
    off = int(meta.get("gmtoffset") or 0)
    dates = pd.to_datetime(np.asarray(ts, dtype=np.int64) + off, unit="s").normalize()
    df = pd.DataFrame({"date": dates})
    for c in ("open", "high", "low", "close", "volume"):
        df[c] = pd.to_numeric(pd.Series(q.get(c) or [None] * len(ts)), errors="coerce").astype(
            np.float64).to_numpy()
    if adjusted and adj is not None:
        factor = pd.to_numeric(pd.Series(adj), errors="coerce").to_numpy(np.float64) / df["close"].to_numpy()
        for c in ("open", "high", "low", "close"):
            df[c] = df[c].to_numpy() * factor
    df["turnover"] = np.nan
    return df, meta


def normalise_yfinance(hist: pd.DataFrame, adjusted: bool = True) -> pd.DataFrame:
    """``Ticker.history(auto_adjust=False)`` frame -> bars (exchange-local dates)."""
    idx = pd.DatetimeIndex(hist.index)
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    df = pd.DataFrame({"date": idx.normalize()})
    for c in ("Open", "High", "Low", "Close", "Volume"):
        df[c.lower()] = pd.to_numeric(hist[c], errors="coerce").to_numpy(np.float64) \
            if c in hist.columns else np.nan
    if adjusted and "Adj Close" in hist.columns:
        f = hist["Adj Close"].to_numpy(np.float64) / df["close"].to_numpy()
        for c in ("open", "high", "low", "close"):
            df[c] = df[c].to_numpy() * f
    df["turnover"] = np.nan
    return df.reset_index(drop=True)


class YahooConnector:
    source = "yahoo"

    def __init__(self, backend: str | None = None, base_url: str | None = None,
                 session: Any = None, retry: RetryPolicy | None = None,
                 as_of: datetime | None = None, adjusted: bool = True) -> None:
        if backend not in (None, "yfinance", "chart"):
            raise ConfigError("backend", backend, "yfinance or chart")
        if backend is None:
            if base_url or session:
                backend = "chart"
            else:
                try:
                    import yfinance  # noqa: F401
                    backend = "yfinance"
                except ImportError:
                    backend = "chart"
        self.backend = backend
        self.base_url = (base_url or BASE_URL).rstrip("/")
        self.session = session
        self.retry = retry
        self.as_of = as_of
        self.adjusted = adjusted

    def instrument(self, symbol: str, native: str, currency: str, name: str = "") -> Instrument:
        kind = _kind(native)
        note = {"price": "close = adjusted close (dividends, splits)" if self.adjusted else
                "raw close", "fx": "close of Yahoo's FX quote",
                "rate": "percent per year"}[kind]
        return Instrument(f"yahoo:{symbol}", kind, currency, "XNYS" if kind == "price" else "24/7",
                          "yahoo", name=name or native, venue="yahoo",
                          asset_class={"price": "us-equity", "fx": "fx", "rate": "rate"}[kind],
                          base="USD" if kind == "fx" else "", quote=currency, native=native,
                          note=note)

    def _chart(self, native: str, start: date, end: date) -> tuple[pd.DataFrame, dict]:
        import requests

        sess = self.session or requests.Session()
        p1 = int(datetime(start.year, start.month, start.day, tzinfo=UTC).timestamp())
        p2 = int(datetime(end.year, end.month, end.day, tzinfo=UTC).timestamp()) + 86400
        body = request_json(sess, "GET", f"{self.base_url}/v8/finance/chart/{native}",
                            f"yahoo chart {native}",
                            params={"period1": p1, "period2": p2, "interval": "1d",
                                    "events": "div,splits,capitalGains", "includePrePost": "false"},
                            headers={"User-Agent": "Mozilla/5.0 (gaemi)"}, policy=self.retry)
        return parse_chart(body, self.adjusted)

    def _yfinance(self, native: str, start: date, end: date) -> tuple[pd.DataFrame, dict]:
        import yfinance as yf

        t = yf.Ticker(native)
        try:
            hist = t.history(start=start.isoformat(), end=(end + timedelta(days=1)).isoformat(),
                             interval="1d", auto_adjust=False, actions=False, raise_errors=True)
        except Exception as err:  # yfinance raises its own types; translate at the edge
            raise FetchError(f"yahoo (yfinance) {native}: {type(err).__name__}: {err}") from err
        meta = getattr(t, "history_metadata", None) or {}
        return normalise_yfinance(hist, self.adjusted), meta

    def fetch(self, symbols: Sequence[str], since: Any = None, until: Any = None
              ) -> list[tuple[Instrument, pd.DataFrame]]:
        s, u = as_date(since, "since"), as_date(until, "until")
        today = now_utc(self.as_of).date()
        start = s or date(1990, 1, 1)
        end = min(u, today - timedelta(days=1)) if u else today - timedelta(days=1)
        out = []
        for sym in symbols:
            sym = sym.strip()
            if not re.fullmatch(r"[A-Za-z0-9.^=\-]{1,20}", sym):
                raise ConfigError("symbol", sym, "a Yahoo ticker like TSLA, TQQQ, USDKRW, ^IRX")
            native = ALIASES.get(sym.upper(), sym.upper())
            get = self._chart if self.backend == "chart" else self._yfinance
            df, meta = get(native, start, end)
            df = df[(df["date"].dt.date >= start) & (df["date"].dt.date <= end)]
            kind = _kind(native)
            currency = RATES[native][0] if kind == "rate" else str(meta.get("currency") or "USD")
            inst = self.instrument(sym.upper(), native, currency.upper(),
                                   str(meta.get("longName") or meta.get("shortName") or ""))
            if kind != "price":
                df = df[["date", "close"]].rename(columns={"close": "value"})
            out.append((inst, df.reset_index(drop=True)))
        return out
