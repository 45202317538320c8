"""Asset buckets of the colony: the markets a retail investor's money sits in.

The colony trades buckets, not one market, because the amplification lives in margin-heavy small
caps and theme stocks rather than in "KOSPI" as one asset (../shared/colony/calibration.md, D).
Each bucket carries its daily turnover, volatility, market capitalisation, the share of that
capitalisation financed by margin loans and its impact parameters, read from the calibration file
(``src/gaemi/colony/data/calibration.toml``), each with its source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from gaemi.colony.calibration import Calibration

BUCKETS: tuple[str, ...] = (
    "kospi_large",
    "kospi_small",
    "kosdaq_theme",
    "kr_lev_etf",
    "us_lev_etf",
    "btc_eth",
    "kr_altcoin",
    "deposit",
)
"""Bucket names, in the column order of :attr:`gaemi.colony.population.Population.holdings`."""


@dataclass(frozen=True)
class BucketParams:
    """One bucket's market parameters (all amounts in KRW; rates as fractions).

    name: the bucket (one of :data:`BUCKETS`).
    series: the embedded gaemi series that drives the bucket in a window of real history
        (``kospi200``, ``kospi``, ``kosdaq``, ``ndx``, ``btc``, ``xrp``); ``None`` for deposits.
    daily_turnover_krw: average daily traded value (거래대금) of the bucket, KRW.
    annual_volatility: annualised standard deviation of daily returns (fraction).
    market_cap_krw: the bucket's market value, KRW (for U.S. leveraged ETFs and coins: the part
        held on Korean accounts / venues, which is what Korean sellers trade against).
    margin_share: share of the bucket's market value financed by margin loans (신용융자 / cap).
    impact_coefficient: Y in the square-root law I(Q) = Y * sigma_daily * sqrt(Q / V).
    overnight_decay: share of a day's price impact that decays before the next session.
    krx_daily_limit: whether KRX's +-30 % daily price limit and circuit breakers bound the bucket.
    source: where the numbers come from (URLs, dates, derivations).
    leverage: daily multiple of ``series`` the bucket tracks (2 for KOSPI 200 leveraged ETFs,
        3 for TQQQ-like funds; 1 otherwise).
    sessions_per_year: trading sessions a year (252 on exchanges, 365 for 24/7 crypto venues);
        ``daily_volatility = annual_volatility / sqrt(sessions_per_year)``.
    retail_holdings_krw: what the calibrated population holds in the bucket (the table's target).
    """

    name: str
    series: str | None
    daily_turnover_krw: float
    annual_volatility: float
    market_cap_krw: float
    margin_share: float
    impact_coefficient: float
    overnight_decay: float
    krx_daily_limit: bool
    source: str
    leverage: float = 1.0
    sessions_per_year: int = 252
    retail_holdings_krw: float = 0.0

    @property
    def daily_volatility(self) -> float:
        """Standard deviation of one session's return (fraction)."""
        return self.annual_volatility / math.sqrt(self.sessions_per_year)


def bucket_params(calibration: Calibration) -> dict[str, BucketParams]:
    """The parameters of every bucket, keyed by name in :data:`BUCKETS` order.

    ``margin_share`` is derived: the table's margin-loan balance per bucket
    (:meth:`Calibration.margin_by_bucket`: KOSDAQ's balance to kosdaq_theme, KOSPI's split between
    large and small caps by KCMI's small/large margin-to-cap ratio) over the bucket's market cap;
    zero for buckets a margin loan does not finance.
    """
    rows = calibration.buckets
    margin = calibration.margin_by_bucket()
    out: dict[str, BucketParams] = {}
    for name in BUCKETS:
        row = rows[name]
        cap = float(row.market_cap_krw.value)
        loan = margin.get(name, 0.0)
        sources = "; ".join(
            f"{field}: {getattr(row, field).source}"
            for field in ("daily_turnover_krw", "annual_volatility", "market_cap_krw",
                          "retail_share", "impact_coefficient", "overnight_decay")
        )
        if name in margin:
            sources += (f"; margin_share: DERIVED {loan / 1e12:.3f}T of margin loans / cap "
                        f"({calibration.margin.kospi_krw.source})")
        out[name] = BucketParams(
            name=name,
            series=row.series,
            daily_turnover_krw=float(row.daily_turnover_krw.value),
            annual_volatility=float(row.annual_volatility.value),
            market_cap_krw=cap,
            margin_share=loan / cap if cap > 0 else 0.0,
            impact_coefficient=float(row.impact_coefficient.value),
            overnight_decay=float(row.overnight_decay.value),
            krx_daily_limit=bool(row.krx_daily_limit),
            source=sources,
            leverage=float(row.leverage),
            sessions_per_year=int(row.sessions_per_year),
            retail_holdings_krw=calibration.retail_holdings(name),
        )
    return out
