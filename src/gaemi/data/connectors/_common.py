"""Small helpers shared by connectors: dates, clocks, symbol parsing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pandas as pd

from gaemi.errors import ConfigError

KST = timezone(timedelta(hours=9))


def as_date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        ts = pd.Timestamp(str(value))
    except (ValueError, TypeError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
        raise ConfigError(field, value, "a date like 2024-01-31")
    return ts.date()


def now_utc(as_of: datetime | None) -> datetime:
    """The clock: ``as_of`` (naive = UTC) or the current time, as an aware UTC datetime."""
    if as_of is None:
        return datetime.now(UTC)
    return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)


def crypto_pair(symbol: str, default_quote: str) -> tuple[str, str]:
    """(base, quote) from ``BTC/KRW``, ``KRW-BTC`` (Upbit style), ``BTC_KRW``, ``BTCUSDT`` or
    ``BTC`` (the default quote)."""
    s = symbol.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,15}([/_-][A-Z0-9]{1,15})?", s):
        raise ConfigError("symbol", symbol, "a market like BTC/KRW, KRW-BTC or BTC")
    if "/" in s or "_" in s:
        base, quote = re.split(r"[/_]", s)
    elif "-" in s:
        quote, base = s.split("-")
    elif s.endswith(default_quote) and len(s) > len(default_quote):
        base, quote = s[: -len(default_quote)], default_quote
    else:
        base, quote = s, default_quote
    return base, quote


def clip_days(df: pd.DataFrame, since: date | None, last: date | None) -> pd.DataFrame:
    """Rows of ``df`` whose ``date`` day lies in ``since..last`` (either may be None)."""
    keep = pd.Series(True, index=df.index)
    if since:
        keep &= df["date"].dt.date >= since
    if last:
        keep &= df["date"].dt.date <= last
    return df[keep].reset_index(drop=True)
