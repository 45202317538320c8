"""What kind of asset a series is, for the risks its history may not show.

Classes (one per series name, embedded or stored):

``equity_index``  a broad stock index (sp500tr, ndxtr, kospi, kospi200tr, ...)
``stock``         a single company (tsla, nvda, samsung, ...; any stored stock)
``major_coin``    bitcoin or ether (btc, eth, upbit_btc, a stored BTC/ETH pair)
``altcoin``       any other crypto coin traded 24/7 (xrp, doge, sol, luna, ftt, ...)
``stablecoin``    a coin meant to hold 1 USD (usdt, ust, a stored USDT/USDC/DAI pair)
``coin_etf``      an exchange-traded fund holding bitcoin or ether (ibit, etha)
``housing``       a home price index (seoul_apt)
``fx`` / ``rate`` an exchange rate / a short rate

A *major drawdown* (the fall from a running peak that a history must hold before gaemi trusts it
to show the asset's bad years) is set per class in :data:`MAJOR_DRAWDOWN`; the levels and why are in
docs/methodology.md ("What history an answer stands on").
"""

from __future__ import annotations

import re

#: Broad indices among the embedded series.
EQUITY_INDICES = frozenset({"sp500", "sp500tr", "ndx", "ndxtr", "kospi", "kosdaq", "kospi200", "kospi200tr"})
#: Coins that are not altcoins.
MAJOR_COINS = frozenset({"btc", "eth"})
#: Coins pegged to the U.S. dollar.
STABLECOINS = frozenset({"usdt", "ust", "usdc", "dai", "busd", "tusd", "usdp", "fdusd", "ustc"})
COIN_ETFS = frozenset({"ibit", "etha", "fbtc", "gbtc", "bito"})

#: The fall from a running peak (a fraction) that counts as a major drawdown, per class.
#: equity_index 30 %: every bear market of the S&P 500 and KOSPI since 1990 passed it (2000-02,
#: 2008, 2020: -34 % / -36 %, 2022 NASDAQ-100: -35 %); stock 50 %: a single company's bad years
#: (NVIDIA -56 % in 2018, -66 % in 2022; Tesla -74 % in 2021-22; Samsung -44 % in 2021-23 is not
#: one); major_coin 70 % (bitcoin -84 % in 2018, -77 % in 2022); altcoin 85 % (XRP -95 % in
#: 2018-20, LUNA -100 %); coin_etf 50 %; stablecoin 10 % below the 1-dollar peg (a depeg, ``1 - lowest close``: UST
#: fell to 0.01 in May 2022).
MAJOR_DRAWDOWN: dict[str, float] = {
    "equity_index": 0.30,
    "stock": 0.50,
    "major_coin": 0.70,
    "altcoin": 0.85,
    "coin_etf": 0.50,
    "stablecoin": 0.10,
}

CRYPTO_CLASSES = frozenset({"major_coin", "altcoin", "stablecoin"})


def _base_symbol(name: str) -> str:
    """``upbit_xrp`` -> ``xrp``; ``upbit:XRP/KRW`` -> ``xrp``; ``binance:BTC/USDT`` -> ``btc``."""
    s = name.lower()
    if ":" in s:
        s = s.split(":", 1)[1]
    s = re.split(r"[/\-]", s)[0] if "/" in s else s
    for prefix in ("upbit_", "bithumb_", "binance_", "coinone_"):
        if s.startswith(prefix):
            s = s[len(prefix):]
    return s


def asset_class(name: str) -> str:
    """The class of series ``name`` (see the module docstring); unknown names raise ConfigError."""
    from gaemi.data.catalog import series_info

    info = series_info(name)
    if info.kind == "rate":
        return "rate"
    if info.kind == "fx":
        return "fx"
    if name == "seoul_apt" or info.frequency == "monthly":
        return "housing"
    base = _base_symbol(name)
    if base in COIN_ETFS:
        return "coin_etf"
    if info.calendar == "24/7":
        if base in STABLECOINS:
            return "stablecoin"
        if base in MAJOR_COINS:
            return "major_coin"
        return "altcoin"
    if name in EQUITY_INDICES or base.startswith("^"):
        return "equity_index"
    return "stock"


def is_crypto(name: str) -> bool:
    """A coin (major, altcoin or stablecoin) traded 24/7 — not a coin ETF."""
    return asset_class(name) in CRYPTO_CLASSES
