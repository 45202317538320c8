"""Named crash scenarios, injected into any ScenarioSet at day 0 (or a chosen day).

A :class:`Crash` holds, per *key* (an asset name such as ``sp500`` or a role such as
``altcoin``), a sequence of daily simple returns that runs from the documented peak to the
documented trough, so the injected path reproduces the documented peak-to-trough figure
(``Crash.figures``). Figures, dates and sources are in ``docs/scenarios.md``.

*Stated* sequences are built here from anchor closes (geometric steps between anchors:
the daily closes for short crashes, the month-end closes plus peak and trough for the
17-month GFC). Where the embedded data cover an event (``Crash.windows``), the real daily
returns of the very asset being simulated may replace the stated ones: pass ``lookup`` to
:func:`inject` - a MarketPanel, or a mapping asset -> pandas Series of daily simple returns
indexed by date. The lookup's currency applies (a KRW panel's S&P 500 includes the won).

:func:`inject` overwrites days ``day .. day + k - 1`` of every path (the horizon is
unchanged) and the generator continues after it. Each path gets its own k appended rows:
mapped assets take the crash returns; assets the crash does not name keep the generator's
own returns on those days (``others="keep"``, the default) or stand still
(``others="zero"``); rates and calendar gaps stay those of the path. Keys of different
lengths are aligned at the start; a shorter one stays flat (return 0) until the longest
ends. Without ``asset_map``, each underlying maps to the key of the same name, else to
its alias (``ALIASES``: ``sp500tr`` -> ``sp500``, ``ibit`` -> ``btc``, ``xrp`` -> ``altcoin``...).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gaemi.errors import ConfigError
from gaemi.scenarios._common import check_range
from gaemi.scenarios.base import PathBlock, ScenarioSet


def _from_anchors(anchors: Sequence[tuple[int, float]]) -> tuple[float, ...]:
    """Daily simple returns through anchor levels ``(session, level)``, session 0 first;
    constant daily growth between consecutive anchors."""
    out: list[float] = []
    for (d0, v0), (d1, v1) in zip(anchors[:-1], anchors[1:]):
        if d1 <= d0 or v0 <= 0 or v1 <= 0:
            raise ValueError("anchors must have increasing sessions and positive levels")
        step = (v1 / v0) ** (1.0 / (d1 - d0)) - 1.0
        out.extend([step] * (d1 - d0))
    return tuple(out)


def _daily(levels: Sequence[float]) -> tuple[float, ...]:
    """Daily simple returns between consecutive closes."""
    return _from_anchors(list(enumerate(levels)))


def max_drawdown(returns: Sequence[float]) -> float:
    """Peak-to-trough of the wealth path ``cumprod(1 + r)`` starting at 1 (a fraction <= 0)."""
    w = np.concatenate([[1.0], np.cumprod(1.0 + np.asarray(returns, dtype=float))])
    return float(np.min(w / np.maximum.accumulate(w) - 1.0))


@dataclass(frozen=True, eq=False)
class Crash:
    """A named crash: stated daily returns per key, the documented figures and their sources.

    ``shocks[key]``: daily simple returns from the day after the peak to the trough.
    ``figures[key]``: documented peak-to-trough (fraction, e.g. -0.568).
    ``windows[key]``: (peak date, trough date) where real data may replace the stated
    returns (returns dated after the peak, up to and including the trough).
    """

    name: str
    title: str
    description: str
    sources: tuple[str, ...]
    shocks: dict[str, tuple[float, ...]]
    figures: dict[str, float]
    windows: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.shocks)

    @property
    def n_days(self) -> int:
        """Sessions of the longest stated sequence."""
        return max(len(v) for v in self.shocks.values())

    def real_returns(self, key: str, series: pd.Series | None) -> np.ndarray | None:
        """The real returns of ``series`` over ``windows[key]``, or None when not covered."""
        if series is None or key not in self.windows:
            return None
        s = pd.Series(series).dropna()
        if s.empty:
            return None
        idx = pd.DatetimeIndex(s.index)
        peak, trough = (pd.Timestamp(d) for d in self.windows[key])
        if idx.min() > peak or idx.max() < trough:
            return None
        window = s[(idx > peak) & (idx <= trough)]
        return window.to_numpy(dtype=float) if len(window) else None

    def summary(self) -> dict[str, Any]:
        """Name, title, days, figures and sources (for ``gaemi scenarios``)."""
        return {
            "name": self.name, "title": self.title, "description": self.description,
            "days": self.n_days, "keys": list(self.keys), "figures": dict(self.figures),
            "real_data": {k: list(v) for k, v in self.windows.items()}, "sources": list(self.sources),
        }


# --------------------------------------------------------------------------- the catalogue
# Closes: S&P 500 (^GSPC), NASDAQ-100 (^NDX) and BTC-USD from Yahoo Finance; KOSPI, KOSPI 200
# and KOSDAQ from KRX; LUNA and ETH from CoinGecko / Yahoo - the same series gaemi embeds
# (see gaemi/data/samples/PROVENANCE.md). Session numbers count each market's own sessions.

_GFC = {
    "sp500": ((0, 1565.15), (16, 1549.38), (37, 1481.14), (57, 1468.36), (78, 1378.55),
              (98, 1330.63), (118, 1322.70), (140, 1385.59), (161, 1400.38), (182, 1280.00),
              (204, 1267.38), (225, 1282.83), (246, 1166.36), (269, 968.75), (288, 896.24),
              (310, 903.25), (330, 825.88), (349, 735.09), (355, 676.53)),
    "ndx": ((0, 2238.98), (21, 2089.10), (41, 2084.93), (62, 1841.42), (82, 1745.27),
            (102, 1781.93), (124, 1917.70), (145, 2032.57), (166, 1837.09), (188, 1849.15),
            (209, 1872.54), (230, 1594.63), (253, 1334.78), (267, 1036.51)),
    "kospi": ((0, 2064.85), (22, 1906.00), (40, 1897.13), (62, 1624.68), (80, 1711.62),
              (101, 1703.99), (122, 1825.47), (141, 1852.02), (161, 1674.92), (184, 1594.67),
              (204, 1474.24), (225, 1448.06), (242, 938.75)),
    "kospi200": ((0, 261.82), (14, 260.42), (36, 241.91), (54, 241.27), (76, 207.77),
                 (94, 216.85), (115, 217.65), (136, 235.00), (155, 237.46), (175, 213.52),
                 (198, 204.12), (218, 188.96), (239, 186.62), (256, 123.27)),
    "kosdaq": ((0, 828.22), (12, 811.52), (34, 775.13), (51, 794.56), (73, 810.07),
               (95, 741.84), (113, 704.23), (135, 608.84), (153, 655.94), (174, 644.45),
               (195, 647.02), (214, 652.15), (234, 590.19), (257, 539.44), (277, 470.28),
               (298, 440.77), (316, 261.19)),
}

_COVID = {
    "sp500": (3386.15, 3373.23, 3337.75, 3225.89, 3128.21, 3116.39, 2978.76, 2954.22, 3090.23,
              3003.37, 3130.12, 3023.94, 2972.37, 2746.56, 2882.23, 2741.38, 2480.64, 2711.02,
              2386.13, 2529.19, 2398.10, 2409.39, 2304.92, 2237.40),
    "ndx": (9718.73, 9627.83, 9446.69, 9079.63, 8834.87, 8873.76, 8436.67, 8461.83, 8877.98,
            8594.49, 8949.28, 8671.66, 8530.34, 7948.03, 8372.27, 8006.12, 7263.65, 7995.26,
            7020.38, 7473.95, 7175.18, 7288.52, 6994.29),
    "kospi": (2267.25, 2246.13, 2176.72, 2185.28, 2148.00, 2119.01, 2118.88, 2157.90, 2165.63,
              2227.94, 2211.95, 2201.07, 2223.12, 2238.38, 2232.96, 2243.59, 2242.17, 2208.88,
              2210.34, 2195.50, 2162.84, 2079.04, 2103.61, 2076.77, 2054.89, 1987.01, 2002.51,
              2014.15, 2059.33, 2085.26, 2040.22, 1954.77, 1962.93, 1908.27, 1834.33, 1771.44,
              1714.86, 1672.44, 1591.20, 1457.64),
    "kospi200": (306.08, 302.33, 292.77, 293.98, 288.37, 284.53, 285.05, 290.68, 292.02, 300.65,
                 298.21, 296.24, 299.28, 301.54, 300.93, 303.01, 302.76, 297.74, 298.33, 296.65,
                 292.42, 281.02, 284.24, 279.94, 277.09, 268.02, 270.37, 271.56, 278.13, 281.38,
                 275.10, 263.11, 264.67, 257.01, 247.62, 240.65, 232.97, 226.89, 215.83, 199.28),
    "kosdaq": (692.59, 682.92, 684.78, 681.66, 667.99, 639.29, 656.95, 654.63, 638.17, 610.73,
               627.66, 626.82, 641.73, 650.19, 642.72, 614.60, 619.97, 595.61, 563.49, 524.00,
               504.51, 514.73, 485.14, 428.35),
    "btc": (10326.05, 10214.38, 10312.12, 9889.42, 9934.43, 9690.14, 10142.00, 9633.39, 9608.48,
            9686.44, 9663.18, 9924.52, 9650.17, 9341.71, 8820.52, 8784.49, 8672.46, 8599.51,
            8562.45, 8869.67, 8787.79, 8755.25, 9078.76, 9122.55, 8909.95, 8108.12, 7923.64,
            7909.73, 7911.43, 4970.79),
}

_LUNA = {
    "luna": (77.5648, 68.5773, 63.8564, 33.1437, 16.8667, 1.06288, 0.00121919, 0.000115532),
    "btc": (35501.95, 34059.27, 30296.95, 31022.91, 28936.36),
    "eth": (2636.09, 2517.46, 2245.43, 2343.51, 2072.11, 1961.70),
}

_SRC_SPX = "S&P Dow Jones Indices, S&P 500 daily closes (via Yahoo Finance ^GSPC): https://finance.yahoo.com/quote/%5EGSPC/history"
_SRC_NDX = "Nasdaq, NASDAQ-100 daily closes (via Yahoo Finance ^NDX): https://finance.yahoo.com/quote/%5ENDX/history"
_SRC_KRX = "Korea Exchange (KRX), KOSPI / KOSPI 200 / KOSDAQ daily closes: https://data.krx.co.kr"
_SRC_BTC = "Bitcoin USD daily closes (Yahoo Finance BTC-USD): https://finance.yahoo.com/quote/BTC-USD/history"


def _crashes() -> dict[str, Crash]:
    def figures(shocks: dict[str, tuple[float, ...]]) -> dict[str, float]:
        return {k: round(max_drawdown(v), 6) for k, v in shocks.items()}

    gfc = {k: _from_anchors(v) for k, v in _GFC.items()}
    covid = {k: _daily(v) for k, v in _COVID.items()}
    luna = {k: _daily(v) for k, v in _LUNA.items()}
    luna["ust"] = _from_anchors([(0, 1.0), (6, 0.10)])
    c2510 = {"btc": (-0.15,), "eth": (-0.21,), "altcoin": (-0.40,), "altcoin_severe": (-0.70,)}
    vol = {"inverse_vol": (-0.96,), "sp500": (2648.94 / 2762.13 - 1.0,)}
    limit = {"kospi": (-0.30,), "kospi200": (-0.30,), "kosdaq": (-0.30,)}
    out = [
        Crash(
            "gfc-2008", "Global financial crisis 2007-09",
            "Each index from its own closing peak to its closing trough (S&P 500 -56.8 % over "
            "355 sessions, 2007-10-09..2009-03-09; KOSPI -54.5 %, 2007-10-31..2008-10-24). "
            "Stated path: geometric steps between month-end closes.",
            (_SRC_SPX, _SRC_NDX, _SRC_KRX,
             "https://en.wikipedia.org/wiki/Financial_crisis_of_2007%E2%80%932008"),
            gfc, figures(gfc),
            {"sp500": ("2007-10-09", "2009-03-09"), "ndx": ("2007-10-31", "2008-11-20"),
             "kospi": ("2007-10-31", "2008-10-24"), "kospi200": ("2007-10-11", "2008-10-24"),
             "kosdaq": ("2007-07-12", "2008-10-27")},
        ),
        Crash(
            "covid-2020", "COVID-19 crash, February-March 2020",
            "Daily closes from each market's pre-crash peak to its March 2020 trough: S&P 500 "
            "-33.9 % in 23 sessions (2020-02-19..03-23), KOSPI -35.7 % (2020-01-22..03-19), "
            "bitcoin -51.9 % (2020-02-12..03-12, including -37 % on 'Black Thursday', 03-12).",
            (_SRC_SPX, _SRC_NDX, _SRC_KRX, _SRC_BTC,
             "https://en.wikipedia.org/wiki/2020_stock_market_crash"),
            covid, figures(covid),
            {"sp500": ("2020-02-19", "2020-03-23"), "ndx": ("2020-02-19", "2020-03-20"),
             "kospi": ("2020-01-22", "2020-03-19"), "kospi200": ("2020-01-22", "2020-03-19"),
             "kosdaq": ("2020-02-17", "2020-03-19"), "btc": ("2020-02-12", "2020-03-12")},
        ),
        Crash(
            "luna-2022", "Terra LUNA / UST collapse, May 2022",
            "LUNA from $77.56 (2022-05-07) to about $0.0001 a week later (-99.9999 %); the UST "
            "stablecoin from $1.00 to about $0.10 within the week (stated: geometric over six "
            "days); bitcoin -18.5 % and ether -25.6 % over the same days.",
            ("CoinGecko 'terra-luna' daily prices: https://www.coingecko.com/en/coins/terra-luna",
             _SRC_BTC,
             "https://en.wikipedia.org/wiki/Terra_(blockchain)",
             "Livemint, 'Crypto market crash: where does the buck stop?', 2022-05-14: "
             "https://www.livemint.com/market/cryptocurrency/crypto-market-crash-where-does-the-buck-stop/amp-11652505846116.html"),
            luna, figures(luna),
            {"luna": ("2022-05-07", "2022-05-14"), "btc": ("2022-05-07", "2022-05-11"),
             "eth": ("2022-05-07", "2022-05-12")},
        ),
        Crash(
            "crypto-2025-10", "Crypto liquidation cascade, 2025-10-10",
            "The largest liquidation in crypto history (about $19 billion in a day, CoinGlass) "
            "after the U.S. 100 % tariff announcement: bitcoin about -15 %, ether about -21 %, "
            "altcoins -40 % to -70 % from the pre-crash level to the intraday low, as one day. "
            "Stated only: daily closes understate the intraday low a margin call meets "
            "(BTC-USD closed -7.0 % on 2025-10-10).",
            ("Yellow.com research, 'Trump 100% China tariff: how one announcement liquidated $19 "
             "billion in crypto', 2025-10: https://yellow.com/research/trump-100-china-tariff-how-one-announcement-liquidated-dollar19-billion-in-crypto",
             "AInvest, 'Leverage-fuelled $19B crypto crash, altcoins undergo structural reset', "
             "2025-10: https://www.ainvest.com/news/bitcoin-news-today-leverage-fuelled-19b-crypto-crash-altcoins-undergo-structural-reset-2510",
             "Global Stock News, 'Bitcoin, Ethereum lead US$19 billion crypto wipeout', 2025-10: "
             "https://globalstocknews.org/?p=695590"),
            c2510, figures(c2510),
        ),
        Crash(
            "volmageddon-2018", "Volmageddon, 2018-02-05",
            "The VIX more than doubled in a day (about +115 %); the inverse-VIX note XIV lost about "
            "96 % of its indicative value (USD 108.37 at the 2018-02-02 close, about USD 4 after "
            "the 2018-02-05 close) and was terminated by Credit Suisse; the S&P 500 fell 4.1 %.",
            ("Credit Suisse AG, 'Announces Event Acceleration of its XIV ETNs', 2018-02-06: "
             "https://www.credit-suisse.com/pwp/cc/doc/credit_suisse_age_event_acceleration_xiv_etns.pdf",
             "Seeking Alpha, 'Credit Suisse liquidating XIV Feb. 20', 2018-02-06: "
             "https://seekingalpha.com/news/3328450-credit-suisse-liquidating-xiv-feb-20",
             _SRC_SPX),
            vol, figures(vol),
            {"sp500": ("2018-02-02", "2018-02-05")},
        ),
        Crash(
            "kospi-limit-down", "A -30 % day at the KRX daily limit",
            "A stress test, not an event: one session at the KRX daily price limit of -30 % "
            "(in force since 2015-06-15). The indices themselves have never done it: KRX circuit "
            "breakers halt the market at -8 % and -15 % and close it at -20 %; the worst KOSPI "
            "days in the embedded data are about -12 % (2001-09-12, 2026-03-04). A 2x fund on the "
            "index would lose 60 %.",
            ("Korea Exchange, 'Daily Price Limits': "
             "http://global.krx.co.kr/contents/GLB/06/0602/0602010201/GLB0602010201T5.jsp",
             "Korea Exchange, 'Circuit Breakers in stock market': "
             "http://global.krx.co.kr/contents/GLB/06/0602/0602010204/GLB0602010204T2.jsp",
             "The Korea Herald, 'Eased limits on stock price changes off to smooth start', 2015-06-16: "
             "https://koreaherald.com/view.php?mp=21&np=203&ud=20150616001149"),
            limit, figures(limit),
        ),
    ]
    return {c.name: c for c in out}


CRASHES: dict[str, Crash] = _crashes()

ALIASES: dict[str, tuple[str, ...]] = {
    "sp500tr": ("sp500",),
    "ndxtr": ("ndx",),
    "ibit": ("btc",),
    "upbit_btc": ("btc",),
    "etha": ("eth",),
    "xrp": ("altcoin",),
    "upbit_xrp": ("altcoin",),
    "doge": ("altcoin",),
    "sol": ("altcoin",),
    "ftt": ("altcoin",),
    "luna": ("altcoin",),
}
"""Underlyings that take another key's move when the crash does not name them."""


def list_crashes() -> list[Crash]:
    """Every named crash, in a stable order."""
    return list(CRASHES.values())


def get_crash(name: str | Crash) -> Crash:
    """The crash called ``name``; ConfigError("scenario", ...) naming the choices otherwise."""
    if isinstance(name, Crash):
        return name
    try:
        return CRASHES[name]
    except (KeyError, TypeError):
        raise ConfigError("scenario", name, "one of " + ", ".join(CRASHES)) from None


def default_asset_map(underlyings: Sequence[str], crash: Crash) -> dict[str, str]:
    """Each underlying -> the crash key of the same name, else its first alias the crash names."""
    out = {}
    for u in underlyings:
        for key in (u, *ALIASES.get(u, ())):
            if key in crash.shocks:
                out[u] = key
                break
    return out


def _as_lookup(lookup: Any) -> dict[str, pd.Series]:
    if lookup is None:
        return {}
    if hasattr(lookup, "assets") and hasattr(lookup, "returns") and hasattr(lookup, "dates"):
        r = np.asarray(lookup.returns)
        return {a: pd.Series(r[:, k], index=pd.DatetimeIndex(lookup.dates)) for k, a in enumerate(lookup.assets)}
    if isinstance(lookup, Mapping):
        return {str(k): pd.Series(v) for k, v in lookup.items()}
    raise ConfigError("lookup", type(lookup).__name__, "a MarketPanel or a mapping asset -> returns Series")


class CrashInjected:
    """A ScenarioSet whose paths take a crash on days ``day .. day + n_crash_days - 1``."""

    def __init__(self, base: ScenarioSet, crash: Crash, asset_map: Mapping[str, str], day: int,
                 sequences: dict[str, np.ndarray], sources: dict[str, str], others: str) -> None:
        self.base = base
        self.crash = crash
        self.day = day
        self.others = others
        self.underlyings = tuple(base.underlyings)
        self.rate_names = tuple(base.rate_names)
        self.n_paths = int(base.n_paths)
        self.n_days = int(base.n_days)
        k = max(len(s) for s in sequences.values())
        self.n_crash_days = k
        self._columns = [(self.underlyings.index(u), np.pad(s, (0, k - len(s)))) for u, s in sequences.items()]
        self.asset_map = dict(asset_map)
        nm = getattr(base, "new_month", None)
        if nm is not None:
            self.new_month = nm
        self.provenance: dict[str, Any] = {
            **dict(base.provenance),
            "crash": {
                "name": crash.name, "day": day, "days": k, "asset_map": dict(asset_map),
                "source": sources, "others": others, "figures": dict(crash.figures),
            },
        }

    def block(self, path_start: int, path_stop: int) -> PathBlock:
        a, z = check_range(path_start, path_stop, self.n_paths)
        pb = self.base.block(a, z)
        n, k, d0 = pb.n_paths, self.n_crash_days, self.day
        rows = pb.index[:, d0:d0 + k]
        ret = pb.returns[rows]  # (n, k, A): the path's own rows, copied
        if self.others == "zero":
            ret[...] = 0.0
        for col, seq in self._columns:
            ret[:, :, col] = seq[None, :]
        t = pb.returns.shape[0]
        index = np.array(pb.index, dtype=np.int64, copy=True)
        index[:, d0:d0 + k] = t + np.arange(n * k, dtype=np.int64).reshape(n, k)
        return PathBlock(
            path_start=a,
            returns=np.concatenate([pb.returns, ret.reshape(n * k, -1)]),
            rates=np.concatenate([pb.rates, pb.rates[rows].reshape(n * k, -1)]),
            gap_days=np.concatenate([pb.gap_days, pb.gap_days[rows].reshape(n * k)]),
            index=index,
            new_month=pb.new_month,
        )


def inject(scenario_set: ScenarioSet, crash: Crash | str, asset_map: Mapping[str, str] | None = None,
           day: int = 0, lookup: Any = None, others: str = "keep") -> CrashInjected:
    """``scenario_set`` with ``crash`` on days ``day ..`` of every path (see the module doc).

    ``asset_map``: underlying -> crash key (default :func:`default_asset_map`); at least one
    underlying must be mapped. ``lookup``: real returns (MarketPanel or mapping asset ->
    Series) used where they cover the key's window. ``others``: "keep" or "zero".
    The crash must fit: ``day + crash days <= n_days``.
    """
    crash = get_crash(crash)
    under = tuple(scenario_set.underlyings)
    if asset_map is None:
        amap = default_asset_map(under, crash)
    else:
        if not isinstance(asset_map, Mapping):
            raise ConfigError("asset_map", asset_map, "a mapping underlying -> crash key")
        amap = {}
        for u, key in asset_map.items():
            if u not in under:
                raise ConfigError("asset_map", u, "one of the underlyings: " + ", ".join(under))
            if key not in crash.shocks:
                raise ConfigError(f"asset_map.{u}", key, f"a key of {crash.name}: " + ", ".join(crash.keys))
            amap[u] = key
    if not amap:
        raise ConfigError(
            "asset_map", dict(amap),
            f"at least one underlying ({', '.join(under)}) mapped to a key of {crash.name} "
            f"({', '.join(crash.keys)})",
        )
    if others not in ("keep", "zero"):
        raise ConfigError("others", others, '"keep" or "zero"')
    real = _as_lookup(lookup)
    sequences: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    for u, key in amap.items():
        seq = crash.real_returns(key, real.get(u))
        if seq is not None:
            peak, trough = crash.windows[key]
            sources[u] = f"data {u} {peak}..{trough}"
        else:
            seq = np.asarray(crash.shocks[key], dtype=float)
            sources[u] = f"stated {key}"
        if np.any(~np.isfinite(seq)) or np.any(seq <= -1.0):
            raise ConfigError("lookup", u, "finite returns above -100 % over the crash window")
        sequences[u] = seq
    k = max(len(s) for s in sequences.values())
    if isinstance(day, bool) or not isinstance(day, (int, np.integer)) or day < 0 or day + k > scenario_set.n_days:
        raise ConfigError(
            "day", day,
            f"0..{scenario_set.n_days - k}: {crash.name} lasts {k} sessions and the horizon is "
            f"{scenario_set.n_days}",
        )
    return CrashInjected(scenario_set, crash, amap, int(day), sequences, sources, others)
