"""Binance spot daily klines and 24h tickers through ccxt's implicit raw API.

``GET /api/v3/klines?symbol=BTCUSDT&interval=1d&startTime=...&limit=1000`` returns at most
1000 klines, oldest first; later pages start one day after the last kline's open. A kline is
``[openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, ...]`` with
prices and volumes as strings; the day is the UTC day of ``openTime``. ``turnover`` is the
quote volume (USDT for USDT markets), which ccxt's unified ``fetch_ohlcv`` drops. Klines whose
``closeTime`` is not yet past (the day in progress) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from gaemi.data.connectors import _ccxt
from gaemi.data.connectors._common import crypto_pair, now_utc
from gaemi.data.connectors.http import FetchError

PAGE = 1000
_DAY_MS = 86_400_000


def parse_klines(body: list) -> pd.DataFrame:
    """Raw klines -> date, open, high, low, close, volume, turnover (quote volume), close_ms."""
    rows = []
    for k in body:
        if not isinstance(k, list) or len(k) < 8:
            raise FetchError(f"binance klines: unexpected row {str(k)[:100]}")
        rows.append((pd.Timestamp(int(k[0]), unit="ms").normalize(), k[1], k[2], k[3], k[4], k[5],
                     k[7], int(k[6])))
    df = pd.DataFrame(rows, columns=["date", "open", "high", "low", "close", "volume", "turnover",
                                     "close_ms"])
    for col in ("open", "high", "low", "close", "volume", "turnover"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(np.float64)
    return df


class BinanceConnector(_ccxt.CcxtConnector):
    source = "binance"
    display = "Binance"
    quote = "USDT"
    api_keys = (("public", "/api/v3"),)
    native_format = "{base}{quote}"
    note = "UTC-day klines; turnover = quote volume"
    page_default = PAGE
    max_pages_default = 100

    def tickers(self, symbols: Sequence[str] = ()) -> pd.DataFrame:
        """24h tickers (all markets when ``symbols`` is empty): last, quote and base volume."""
        params: dict = {}
        if symbols:
            natives = ["".join(crypto_pair(s, self.quote)) for s in symbols]
            params = {"symbols": "[" + ",".join(f'"{n}"' for n in natives) + "]"}
        body = _ccxt.call(self.ex, "publicGetTicker24hr", params, "binance ticker/24hr",
                          self.retry, lambda b: isinstance(b, (list, dict)))
        body = body if isinstance(body, list) else [body]
        return pd.DataFrame([{"symbol": f"binance:{t['symbol']}", "last": float(t["lastPrice"]),
                              "turnover_24h": float(t["quoteVolume"]),
                              "volume_24h": float(t["volume"]),
                              "timestamp": pd.Timestamp(int(t["closeTime"]), unit="ms")}
                             for t in body])

    def candles(self, base: str, quote: str, since: date | None, until: date | None) -> pd.DataFrame:
        now_ms = int(now_utc(self.as_of).timestamp() * 1000)
        native = f"{base}{quote}"
        start = since or date(2017, 7, 14)  # Binance opened in July 2017
        start_ms = int(datetime(start.year, start.month, start.day, tzinfo=UTC)
                       .timestamp() * 1000)
        end_ms = (int(datetime(until.year, until.month, until.day, tzinfo=UTC)
                      .timestamp() * 1000) + _DAY_MS - 1) if until else now_ms
        pages = []
        for _ in range(self.max_pages):
            body = _ccxt.call(self.ex, "publicGetKlines",
                              {"symbol": native, "interval": "1d", "startTime": start_ms,
                               "endTime": end_ms, "limit": self.page},
                              f"binance klines {native}", self.retry,
                              lambda b: isinstance(b, list))
            if not body:
                break
            page = parse_klines(body)
            pages.append(page)
            nxt = int(body[-1][0]) + _DAY_MS
            if len(body) < self.page or nxt > end_ms:
                break
            if nxt <= start_ms:
                raise FetchError(f"binance klines {native}: paging did not move past {start_ms}")
            start_ms = nxt
        else:
            raise FetchError(f"binance klines {native}: more than {self.max_pages} pages")
        if not pages:
            return parse_klines([]).drop(columns="close_ms")
        df = pd.concat(pages, ignore_index=True).drop_duplicates("date").sort_values("date")
        df = df[df["close_ms"] < now_ms]  # the kline still open is not a day's bar yet
        if since:
            df = df[df["date"].dt.date >= since]
        if until:
            df = df[df["date"].dt.date <= until]
        return df.drop(columns="close_ms").reset_index(drop=True)
