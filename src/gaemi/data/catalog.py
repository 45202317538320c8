"""Catalog of the embedded market series and their loader.

Every series is a small gzip CSV in ``gaemi/data/samples/`` (``NAME.csv.gz``), made once by
``tools/make_samples.py`` from the project's shared data folder; where each one comes from and
its caveats are in ``samples/PROVENANCE.md``. Nothing here reads outside the package.

Units as stored: prices and index levels in the series' ``currency``; rates in **percent per
year** (converted to fractions by :func:`gaemi.data.build_panel`); FX ``usdkrw`` in KRW per USD.

Derived series (computed by ``tools/make_samples.py``, formulas in ``samples/PROVENANCE.md``):
``sp500tr``/``ndxtr`` have their ETF's fee added back, ``kospi200tr`` adds KRX's trailing
dividend yield to the KOSPI 200 price index at each December ex-date, and ``kr_cd91`` continues
after its real data as the base rate + :data:`CD91_PROXY_SPREAD` (rows from
``SeriesInfo.estimated_from`` on are estimates).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from gaemi.errors import ConfigError, DataError

KINDS = ("price", "rate", "fx")
CALENDARS = ("XNYS", "XKRX", "24/7")

#: Percentage points added to the Bank of Korea base rate (at the end of the same month) to
#: estimate CD91 after its last real value: the median of CD91 - base over 2015-01-02..2023-05-19
#: (2,072 days of real data; the mean is 0.18).
CD91_PROXY_SPREAD = 0.15


@dataclass(frozen=True)
class SeriesInfo:
    """What one embedded series is.

    name : the gaemi name (``sp500tr``).
    kind : ``"price"`` (an index level or a price), ``"rate"`` (percent per year) or ``"fx"``.
    currency : currency of the values (for ``usdkrw``: KRW per 1 USD; for rates: the money
        market they belong to).
    calendar : the days the series is published on: ``"XNYS"``, ``"XKRX"`` or ``"24/7"``
        (every calendar day). Informational for rates and FX, which are sampled as-of.
    day_count_basis : 360 (ACT/360) or 365 (ACT/365) for rates; None otherwise.
    description : one line for people.
    file : file name inside ``gaemi/data/samples/``.
    source : the shared data file it was made from (see ``samples/PROVENANCE.md``).
    frequency : ``"daily"`` or ``"monthly"``.
    date_shift_days : added to the file's date labels on load (CoinGecko snapshots at 00:00 UTC
        of day D are the close of day D-1, so they are shifted by -1 to match Yahoo's labels).
    max_stale_days : for rates and FX: the oldest value (in calendar days) that may stand in for
        a day without publication before a panel refuses it.
    estimated_from : None, or the first date (``YYYY-MM-DD``) whose values are estimates, not
        observations (``kr_cd91``: base rate + :data:`CD91_PROXY_SPREAD`); panels that use them
        say so in their provenance (``estimated``).
    """

    name: str
    kind: str
    currency: str
    calendar: str
    day_count_basis: float | None
    description: str
    file: str
    source: str = ""
    frequency: str = "daily"
    date_shift_days: int = 0
    max_stale_days: int | None = None
    estimated_from: str | None = None


def _p(name, currency, calendar, description, source, shift=0, frequency="daily"):
    return SeriesInfo(name, "price", currency, calendar, None, description, f"{name}.csv.gz",
                      source, frequency, shift, None)


def _r(name, currency, calendar, basis, description, source, frequency="daily", stale=14,
       estimated_from=None):
    return SeriesInfo(name, "rate", currency, calendar, float(basis), description, f"{name}.csv.gz",
                      source, frequency, 0, stale, estimated_from)


_SERIES: tuple[SeriesInfo, ...] = (
    # U.S. equity
    _p("sp500", "USD", "XNYS", "S&P 500 price index (Yahoo ^GSPC), no dividends", "sp500_index.csv"),
    _p("sp500tr", "USD", "XNYS", "S&P 500 total return: SPY adjusted close with SPY's 0.0945%/yr "
       "fee added back", "spy_adjusted.csv"),
    _p("ndx", "USD", "XNYS", "NASDAQ-100 price index (Yahoo ^NDX), no dividends", "ndx_index.csv"),
    _p("ndxtr", "USD", "XNYS", "NASDAQ-100 total return: QQQ adjusted close with QQQ's 0.20%/yr "
       "fee added back", "qqq_adjusted.csv"),
    _p("tsla", "USD", "XNYS", "Tesla (Yahoo TSLA) close adjusted for splits; pays no dividends",
       "tsla_adjusted.csv"),
    _p("nvda", "USD", "XNYS", "NVIDIA (Yahoo NVDA) close adjusted for splits and dividends",
       "nvda_adjusted.csv"),
    # Korean equity
    _p("kospi", "KRW", "XKRX", "KOSPI composite price index (KRX), no dividends; value = KRW turnover",
       "kospi_index.csv"),
    _p("kosdaq", "KRW", "XKRX", "KOSDAQ composite price index (KRX); value = KRW turnover",
       "kosdaq_index.csv"),
    _p("kospi200", "KRW", "XKRX", "KOSPI 200 price index (KRX), underlying of KR leveraged ETFs",
       "kospi200_index.csv"),
    _p("kospi200tr", "KRW", "XKRX", "KOSPI 200 total return (estimate): the price index plus KRX's "
       "trailing dividend yield paid at each December ex-date", "kospi200_valuation.csv"),
    _p("samsung", "KRW", "XKRX", "Samsung Electronics (KRX 005930) close, split-adjusted, "
       "excludes dividends", "samsung_005930.csv"),
    _p("skhynix", "KRW", "XKRX", "SK hynix (KRX 000660) close, adjusted for capital changes, "
       "excludes dividends", "skhynix_000660.csv"),
    # crypto (UTC days)
    _p("btc", "USD", "24/7", "Bitcoin in USD (Yahoo BTC-USD), UTC day close", "btc_usd.csv"),
    _p("eth", "USD", "24/7", "Ether in USD (Yahoo ETH-USD), UTC day close", "eth_usd.csv"),
    _p("xrp", "USD", "24/7", "XRP in USD (Yahoo XRP-USD), UTC day close", "xrp_usd.csv"),
    _p("doge", "USD", "24/7", "Dogecoin in USD (Yahoo DOGE-USD), UTC day close", "doge_usd.csv"),
    _p("sol", "USD", "24/7", "Solana in USD (Yahoo SOL-USD), UTC day close", "sol_usd.csv"),
    _p("luna", "USD", "24/7", "Terra LUNA (Classic) in USD (CoinGecko 00:00 UTC snapshot)",
       "cg_terra_luna.csv", shift=-1),
    _p("ftt", "USD", "24/7", "FTX Token in USD (CoinGecko 00:00 UTC snapshot)", "cg_ftx_token.csv",
       shift=-1),
    _p("usdt", "USD", "24/7", "Tether USDT stablecoin in USD (Yahoo USDT-USD), UTC day close",
       "usdt_usd_yahoo.csv"),
    _p("ust", "USD", "24/7", "TerraUSD UST stablecoin in USD (Yahoo USTC-USD), UTC day close; "
       "depegged May 2022", "ust_usd_yahoo.csv"),
    _p("upbit_btc", "KRW", "24/7", "Bitcoin in KRW on Upbit (daily candle); value = KRW turnover",
       "upbit_krw_btc.csv"),
    _p("upbit_xrp", "KRW", "24/7", "XRP in KRW on Upbit (daily candle); value = KRW turnover",
       "upbit_krw_xrp.csv"),
    # spot coin ETFs (U.S. sessions)
    _p("ibit", "USD", "XNYS", "IBIT spot bitcoin ETF adjusted close", "btc_etf_ibit_adjusted.csv"),
    _p("etha", "USD", "XNYS", "ETHA spot ether ETF adjusted close", "eth_etf_etha_adjusted.csv"),
    # short rates, percent per year
    _r("us_effr", "USD", "24/7", 360, "Effective federal funds rate (FRED DFF), % per year",
       "us_fedfunds_dff.csv"),
    _r("us_tbill3m", "USD", "XNYS", 360, "3-month T-bill, discount basis (FRED DTB3), % per year",
       "us_tbill3m_dtb3.csv"),
    _r("kr_cd91", "KRW", "XKRX", 365, "Korea CD 91-day yield (Bank of Korea ECOS), % per year; "
       f"from 2023-05-22 estimated as the base rate + {CD91_PROXY_SPREAD:g} pp", "kr_cd91.csv",
       estimated_from="2023-05-22"),
    _r("kr_base", "KRW", "XKRX", 365, "Bank of Korea base rate at each month end, % per year",
       "kr_base_rate_monthly.csv", frequency="monthly", stale=31),
    # housing (monthly)
    _p("seoul_apt", "KRW", "XKRX", "Seoul apartment sale price index (Korea Real Estate Board "
       "R-ONE), month end", "seoul_apt_price_index_reb.csv", frequency="monthly"),
    # FX
    SeriesInfo("usdkrw", "fx", "KRW", "XNYS", None,
               "KRW per USD, noon buying rate in New York (FRED DEXKOUS)", "usdkrw.csv.gz",
               "usdkrw_dexkous.csv", "daily", 0, 7),
)

_CATALOG: dict[str, SeriesInfo] = {s.name: s for s in _SERIES}


def catalog() -> dict[str, SeriesInfo]:
    """All embedded series by name, in a stable order (a new dict each call)."""
    return dict(_CATALOG)


def series_info(name: str) -> SeriesInfo:
    """The :class:`SeriesInfo` of an embedded series, or of a symbol in the local store
    (``gaemi data list``); unknown -> ConfigError("asset", ...)."""
    try:
        return _CATALOG[name]
    except (KeyError, TypeError):
        pass
    info = stored_info(name)
    if info is None:
        raise ConfigError("asset", name, _unknown_asset_hint(name))
    return info


def _unknown_asset_hint(name) -> str:
    """What is allowed, with a "did you mean" for a near miss and how to get a series that is not
    embedded (``gaemi data fetch yahoo TSLA``, ``gaemi data import``)."""
    import difflib

    allowed = "one of " + ", ".join(_CATALOG) + " or a symbol in the local store (gaemi data list)"
    if not isinstance(name, str):
        return allowed
    close = difflib.get_close_matches(name.lower(), list(_CATALOG), n=2, cutoff=0.75)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    fetch = (f"; to use another series, fetch it (gaemi data fetch yahoo {name.upper()}, "
             f"gaemi data fetch upbit {name.upper()}/KRW) or import a CSV (gaemi data import FILE --symbol my:{name})")
    return hint + allowed + fetch


def stored_info(name: str) -> SeriesInfo | None:
    """A store symbol as a :class:`SeriesInfo` (None if there is no store or no such symbol).
    The store is the one ``GAEMI_STORE`` / the user data folder points to. USDT-quoted coins
    are treated as USD (USDT taken at par)."""
    if not isinstance(name, str) or name in _CATALOG:
        return None
    from gaemi.data.store import stored_series

    got = stored_series(name)
    if got is None:
        return None
    inst, _ = got
    cur = "USD" if inst.currency == "USDT" else inst.currency
    basis = (360.0 if cur == "USD" else 365.0) if inst.kind == "rate" else None
    stale = {"rate": 14, "fx": 7}.get(inst.kind)
    return SeriesInfo(name, inst.kind, cur, inst.calendar, basis, inst.name or name,
                      f"store:{name}", f"gaemi store ({inst.source})", "daily", 0, stale)


@functools.lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    """The series as stored (dates shifted per the catalog). Cached: callers must not mutate."""
    info = series_info(name)
    path = resources.files("gaemi.data").joinpath("samples", info.file)
    try:
        with path.open("rb") as fh:
            df = pd.read_csv(fh, compression="gzip", dtype={"date": str}, na_values=[""],
                             keep_default_na=False)
    except FileNotFoundError as err:  # pragma: no cover - packaging error
        raise DataError(f"{name}: embedded file {info.file} is missing from the package") from err
    if "date" not in df.columns or "close" not in df.columns:
        raise DataError(f"{name}: {info.file} needs columns date and close, has {list(df.columns)}")
    index = pd.DatetimeIndex(pd.to_datetime(df.pop("date"), format="%Y-%m-%d")).astype(
        "datetime64[ns]")
    if info.date_shift_days:
        index = index + pd.Timedelta(days=info.date_shift_days)
    index.name = "date"
    try:
        out = pd.DataFrame({c: df[c].to_numpy(dtype=np.float64) for c in df.columns}, index=index)
    except (ValueError, TypeError) as err:
        raise DataError(f"{name}: non-numeric values in {info.file}") from err
    if not index.is_monotonic_increasing or not index.is_unique:
        raise DataError(f"{name}: dates in {info.file} are not strictly increasing")
    close = out["close"].to_numpy()
    if not np.isfinite(close).all():
        raise DataError(f"{name}: {info.file} has missing closes")
    if info.kind != "rate" and (close <= 0).any():
        raise DataError(f"{name}: {info.file} has non-positive prices")
    return out


def load_series(name: str) -> pd.DataFrame:
    """One embedded series as a DataFrame: DatetimeIndex ``date`` (naive, sorted, unique), float
    columns ``close`` [+ ``volume``, ``value``]. Rates are in percent. Returns a fresh copy."""
    return _read(name).copy()


def _arrays(name: str) -> tuple[np.ndarray, np.ndarray]:
    """(dates as datetime64[D], close) of a series, read-only views of the cache. A name that
    is not embedded is read from the local store (not cached: the store changes)."""
    if name not in _CATALOG:
        from gaemi.data.store import stored_series

        got = stored_series(name)
        if got is None:
            series_info(name)  # raises the ConfigError naming what is allowed
        inst, df = got
        col = "close" if inst.kind == "price" else "value"
        df = df[np.isfinite(df[col].to_numpy())]
        if df.empty:
            raise DataError(f"{name}: no values in the store")
        d = df.index.to_numpy().astype("datetime64[D]")
        c = df[col].to_numpy(dtype=np.float64).copy()
        d.setflags(write=False)
        c.setflags(write=False)
        return d, c
    return _arrays_cached(name)


@functools.lru_cache(maxsize=None)
def _arrays_cached(name: str) -> tuple[np.ndarray, np.ndarray]:
    df = _read(name)
    d = df.index.to_numpy().astype("datetime64[D]")
    c = df["close"].to_numpy(dtype=np.float64).copy()
    d.setflags(write=False)
    c.setflags(write=False)
    return d, c


def close_history(name: str) -> pd.Series:
    """Closes (or values) of an embedded or stored series, indexed by date (a fresh copy)."""
    d, c = _arrays(name)
    return pd.Series(np.array(c), index=pd.DatetimeIndex(d.astype("datetime64[ns]"), name="date"), name=name)
