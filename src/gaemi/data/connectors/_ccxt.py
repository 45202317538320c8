"""ccxt plumbing shared by the crypto connectors: exchange construction (with a base-URL
override for tests and mirrors) and calling ccxt's implicit raw-API methods with retries.

ccxt's unified ``fetch_ohlcv`` drops fields gaemi needs (Upbit's KRW turnover
``candle_acc_trade_price``, Binance's quote volume), so connectors call the implicit methods
(``publicGetCandlesDays``, ``publicGetKlines``, ...) and parse the raw bodies themselves.
ccxt's own rate limiter (``enableRateLimit``) spaces the calls; 429/5xx/timeouts
(``ccxt.NetworkError``) and malformed bodies are retried by :func:`with_retries`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gaemi.data.connectors.http import FetchError, RetryPolicy, Transient, with_retries


def make_exchange(exchange_id: str, base_url: str | None, api_keys: tuple[str, ...],
                  timeout_ms: int = 20_000, exchange: Any = None) -> Any:
    """A ccxt exchange; ``base_url`` replaces the listed ``urls['api']`` entries (for a local
    replay server in tests, or a mirror). ``exchange`` passes a ready-made one through."""
    if exchange is not None:
        return exchange
    import ccxt

    ex = getattr(ccxt, exchange_id)({"enableRateLimit": True, "timeout": timeout_ms})
    if base_url:
        api = dict(ex.urls["api"]) if isinstance(ex.urls["api"], dict) else {}
        for key, suffix in api_keys:
            api[key] = base_url.rstrip("/") + suffix
        ex.urls["api"] = api
    return ex


def call(ex: Any, method: str, params: dict, what: str, policy: RetryPolicy | None,
         check: Callable[[Any], bool]) -> Any:
    """``ex.<method>(params)`` with retries; ``check(body)`` False means a malformed body."""
    import ccxt

    def once() -> Any:
        try:
            body = getattr(ex, method)(params)
        except ccxt.NetworkError as err:  # timeouts, 429 (RateLimitExceeded), 5xx
            raise Transient(f"{type(err).__name__}: {str(err)[:300]}") from err
        except ccxt.BaseError as err:  # 4xx: unknown market, bad parameter
            raise FetchError(f"{what}: {type(err).__name__}: {str(err)[:300]}") from err
        if not check(body):
            raise Transient(f"malformed response body: {str(body)[:120]!r}")
        return body

    return with_retries(once, what, policy)
