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


class CcxtConnector:
    """What the ccxt-backed connectors share: the exchange (with a base-URL override for a local
    replay server or a mirror), retry policy, clock, paging limits, and instrument naming."""

    source = ""  # ccxt id and store prefix
    display = ""  # the venue's name for people
    quote = ""
    api_keys: tuple[tuple[str, str], ...] = ()  # urls['api'] entries replaced by base_url (+ suffix)
    native_format = "{base}{quote}"  # the venue's own market code
    note = ""
    page_default = 0
    max_pages_default = 100

    def __init__(self, base_url: str | None = None, exchange: Any = None, retry: RetryPolicy | None = None,
                 as_of: Any = None, page: int | None = None, max_pages: int | None = None) -> None:
        self.ex = make_exchange(self.source, base_url, self.api_keys, exchange=exchange)
        self.retry = retry
        self.as_of = as_of
        self.page = self.page_default if page is None else page
        self.max_pages = self.max_pages_default if max_pages is None else max_pages

    def fetch(self, symbols, since: Any = None, until: Any = None) -> list:
        """[(Instrument, daily candles)] for each ``BASE/QUOTE`` (or ``BASE``: the default quote)."""
        from gaemi.data.connectors._common import as_date, crypto_pair

        s, u = as_date(since, "since"), as_date(until, "until")
        out = []
        for sym in symbols:
            base, quote = crypto_pair(sym, self.quote)
            out.append((self.instrument(base, quote), self.candles(base, quote, s, u)))
        return out

    def instrument(self, base: str, quote: str):
        from gaemi.data.store import Instrument

        return Instrument(f"{self.source}:{base}/{quote}", "price", quote, "24/7", self.source,
                          name=f"{base} on {self.display} ({quote} market)", venue=self.source,
                          asset_class="crypto", base=base, quote=quote,
                          native=self.native_format.format(base=base, quote=quote), note=self.note)


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
