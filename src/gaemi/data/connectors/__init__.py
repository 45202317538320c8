"""Connectors: fetch daily data from a source and return store-ready frames.

Every connector has ``fetch(symbols, since=None, until=None) -> list[(Instrument, DataFrame)]``
and writes nothing itself: the caller (``gaemi data fetch``) writes everything it got in one
store transaction after the last request succeeded. Each takes a ``base_url`` (or a ready
``exchange``/``session``) so tests point it at a local replay server, a ``retry`` policy and an
``as_of`` clock (the day still in progress is never stored).

Sources: ``upbit``, ``bithumb``, ``binance`` (ccxt), ``krx`` (pykrx, FinanceDataReader
fallback), ``yahoo`` (yfinance, or Yahoo's chart API directly).
"""

from __future__ import annotations

from typing import Any

from gaemi.data.connectors.http import FetchError, RetryPolicy
from gaemi.errors import ConfigError

SOURCES = ("upbit", "bithumb", "binance", "krx", "yahoo")


def get_connector(source: str, **kwargs: Any):
    """The connector for ``source`` (one of SOURCES), built with ``kwargs``."""
    if source == "upbit":
        from gaemi.data.connectors.upbit import UpbitConnector as C
    elif source == "bithumb":
        from gaemi.data.connectors.bithumb import BithumbConnector as C
    elif source == "binance":
        from gaemi.data.connectors.binance import BinanceConnector as C
    elif source == "krx":
        from gaemi.data.connectors.krx import KrxConnector as C
    elif source == "yahoo":
        from gaemi.data.connectors.yahoo import YahooConnector as C
    else:
        raise ConfigError("source", source, "one of " + ", ".join(SOURCES))
    return C(**kwargs)


__all__ = ["SOURCES", "FetchError", "RetryPolicy", "get_connector"]
