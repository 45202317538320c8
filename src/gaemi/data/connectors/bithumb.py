"""Bithumb (KRW markets) daily candles and tickers through ccxt's implicit raw API.

Candles come from the public ``/public/candlestick/{BASE}_{QUOTE}/24h`` endpoint, which returns
the market's whole daily history in one call (no paging): rows ``[open_time_ms, open, close,
high, low, volume]`` - close before high/low - as strings. A day runs 00:00-24:00 **KST** and is
stored under its KST date (Upbit's days are UTC days: the two venues' days are 9 hours apart).
The last row is the day in progress, keyed at the current hour: rows not keyed at 00:00 KST and
days not yet over are left out.

This endpoint gives no traded value: ``turnover`` is stored empty (NULL), never estimated here;
``gaemi heat`` says when it falls back to volume x close for Bithumb. (Bithumb's newer
``/v1/candles/days`` carries ``candle_acc_trade_price``; no recorded response of it was
available to test against, so it is not used yet.)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from gaemi.data.connectors import _ccxt
from gaemi.data.connectors._common import KST, clip_days, crypto_pair, now_utc
from gaemi.data.connectors.http import FetchError


def _ok(body: Any) -> bool:
    return isinstance(body, dict) and "status" in body


def _check_status(body: dict, what: str) -> None:
    if body.get("status") != "0000":
        raise FetchError(f"{what}: Bithumb status {body.get('status')!r}: "
                         f"{body.get('message', '')}")


def parse_candles(body: dict) -> pd.DataFrame:
    """Bithumb candlestick body -> KST-dated bars (only rows keyed at 00:00 KST)."""
    rows = []
    for r in body.get("data") or []:
        if not isinstance(r, list) or len(r) < 6:
            raise FetchError(f"bithumb candlestick: unexpected row {str(r)[:100]}")
        t = datetime.fromtimestamp(int(r[0]) / 1000, tz=KST)
        if (t.hour, t.minute, t.second) != (0, 0, 0):
            continue  # the in-progress day, keyed at the current hour
        rows.append((pd.Timestamp(t.date()), r[1], r[3], r[4], r[2], r[5]))
    df = pd.DataFrame(rows, columns=["date", "open", "high", "low", "close", "volume"])
    for col in df.columns[1:]:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(np.float64)
    df["turnover"] = np.nan
    return df.sort_values("date").reset_index(drop=True)


class BithumbConnector(_ccxt.CcxtConnector):
    source = "bithumb"
    display = "Bithumb"
    quote = "KRW"
    api_keys = (("public", ""), ("private", ""))
    native_format = "{base}_{quote}"
    note = "KST-day candles; no turnover from this endpoint"

    def markets(self, quote: str = "KRW") -> list[str]:
        return [s for s in self.tickers_all(quote)["symbol"].str.split(":").str[1]]

    def tickers_all(self, quote: str = "KRW") -> pd.DataFrame:
        """Every market's ticker: last price and 24h turnover/volume (``ALL_{quote}``)."""
        body = _ccxt.call(self.ex, "publicGetPublicTickerALLQuoteId", {"quoteId": quote},
                          f"bithumb ticker ALL_{quote}", self.retry, _ok)
        _check_status(body, f"bithumb ticker ALL_{quote}")
        data = body.get("data") or {}
        stamp = pd.Timestamp(int(data.get("date", 0)), unit="ms")
        rows = []
        for base, t in data.items():
            if not isinstance(t, dict):
                continue  # the sibling "date" key
            rows.append({"symbol": f"bithumb:{base}/{quote}", "last": float(t["closing_price"]),
                         "turnover_24h": float(t["acc_trade_value_24H"]),
                         "volume_24h": float(t["units_traded_24H"]), "timestamp": stamp})
        return pd.DataFrame(rows)

    def tickers(self, symbols: Sequence[str]) -> pd.DataFrame:
        allt = self.tickers_all(self.quote)
        want = [f"bithumb:{'/'.join(crypto_pair(s, self.quote))}" for s in symbols]
        return allt[allt["symbol"].isin(want)].reset_index(drop=True)

    def candles(self, base: str, quote: str, since: date | None, until: date | None) -> pd.DataFrame:
        what = f"bithumb candlestick {base}_{quote}"
        body = _ccxt.call(self.ex, "publicGetPublicCandlestickBaseIdQuoteIdInterval",
                          {"baseId": base, "quoteId": quote, "interval": "24h"}, what,
                          self.retry, _ok)
        _check_status(body, what)
        df = parse_candles(body)
        today_kst = now_utc(self.as_of).astimezone(KST).date()
        last = min(until, today_kst - timedelta(days=1)) if until else today_kst - timedelta(days=1)
        return clip_days(df, since, last)
