"""Upbit (KRW markets) daily candles and tickers through ccxt's implicit raw API.

``GET /v1/candles/days?market=KRW-BTC&count=200&to=...`` returns at most 200 candles, newest
first; older pages are asked for with ``to`` = the oldest candle's start (exclusive). A day
candle runs 00:00-24:00 UTC (09:00-09:00 KST) and is stored under its UTC date. Turnover is
``candle_acc_trade_price`` (KRW), which ccxt's unified ``fetch_ohlcv`` drops; volume is
``candle_acc_trade_volume`` (coins). The candle of the day still in progress is left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from gaemi.data.connectors import _ccxt
from gaemi.data.connectors._common import clip_days, crypto_pair, now_utc
from gaemi.data.connectors.http import FetchError

PAGE = 200


def parse_candles(body: list[dict], date_field: str = "candle_date_time_utc") -> pd.DataFrame:
    """Upbit-style day candles (any order) -> date, open, high, low, close, volume, turnover."""
    rows = []
    for c in body:
        if not isinstance(c, dict) or date_field not in c:
            raise FetchError(f"unexpected candle row: {str(c)[:120]}")
        rows.append((pd.Timestamp(str(c[date_field])[:10]), c.get("opening_price"),
                     c.get("high_price"), c.get("low_price"), c.get("trade_price"),
                     c.get("candle_acc_trade_volume"), c.get("candle_acc_trade_price")))
    df = pd.DataFrame(rows, columns=["date", "open", "high", "low", "close", "volume", "turnover"])
    for col in df.columns[1:]:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(np.float64)
    return df.sort_values("date").reset_index(drop=True)


class UpbitConnector(_ccxt.CcxtConnector):
    source = "upbit"
    display = "Upbit"
    quote = "KRW"
    api_keys = (("public", ""), ("private", ""))
    native_format = "{quote}-{base}"
    note = "UTC-day candles; turnover = candle_acc_trade_price"
    page_default = PAGE
    max_pages_default = 500

    def markets(self, quote: str = "KRW") -> list[str]:
        """Listed markets with this quote, as ``BASE/QUOTE``."""
        body = _ccxt.call(self.ex, "publicGetMarketAll", {}, "upbit market/all", self.retry,
                          lambda b: isinstance(b, list))
        out = []
        for m in body:
            code = str(m.get("market", ""))
            q, _, b = code.partition("-")
            if q == quote and b:
                out.append(f"{b}/{q}")
        return out

    def tickers(self, symbols: Sequence[str]) -> pd.DataFrame:
        """Current tickers: market, last price, 24h turnover (quote currency) and volume."""
        natives = []
        for s in symbols:
            b, q = crypto_pair(s, self.quote)
            natives.append(f"{q}-{b}")
        body = _ccxt.call(self.ex, "publicGetTicker", {"markets": ",".join(natives)},
                          "upbit ticker", self.retry, lambda b: isinstance(b, list))
        return pd.DataFrame([{
            "symbol": f"upbit:{t['market'].split('-')[1]}/{t['market'].split('-')[0]}",
            "last": float(t["trade_price"]),
            "turnover_24h": float(t["acc_trade_price_24h"]),
            "volume_24h": float(t["acc_trade_volume_24h"]),
            "timestamp": pd.Timestamp(int(t["timestamp"]), unit="ms"),
        } for t in body])

    def candles(self, base: str, quote: str, since: date | None, until: date | None) -> pd.DataFrame:
        """Every complete UTC-day candle from ``since`` to ``until`` (inclusive), paging back."""
        today = now_utc(self.as_of).date()
        last = min(until, today - timedelta(days=1)) if until else today - timedelta(days=1)
        to: str | None = (last + timedelta(days=1)).isoformat() + "T00:00:00Z"
        market = f"{quote}-{base}"
        pages: list[pd.DataFrame] = []
        for _ in range(self.max_pages):
            params = {"market": market, "count": self.page}
            if to:
                params["to"] = to
            body = _ccxt.call(self.ex, "publicGetCandlesDays", params,
                              f"upbit candles {market}", self.retry,
                              lambda b: isinstance(b, list))
            if not body:
                break
            page = parse_candles(body)
            pages.append(page)
            oldest = page["date"].iloc[0]
            if (since and oldest.date() <= since) or len(body) < self.page:
                break
            nxt = oldest.strftime("%Y-%m-%dT%H:%M:%SZ")
            if nxt == to:
                raise FetchError(f"upbit candles {market}: paging did not move past {to}")
            to = nxt
        else:
            raise FetchError(f"upbit candles {market}: more than {self.max_pages} pages")
        if not pages:
            return parse_candles([])
        df = pd.concat(pages, ignore_index=True).drop_duplicates("date").sort_values("date")
        return clip_days(df, since, last)
