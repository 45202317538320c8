"""Market heat: the speculation gauges the press quotes, from the store or the embedded sample.

    from gaemi.heat import heat_from_sample, heat_from_store
    res = heat_from_sample(start="2021-01-01", end="2021-12-31")
    res.to_dict()["turnover_ratio"][:3]

Numbers come from the pure functions in :mod:`gaemi.heat.gauges`; :mod:`gaemi.heat.inputs`
collects their inputs (and says what each input covers in ``notes``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gaemi.heat import gauges
from gaemi.heat.inputs import HeatInputs, sample_inputs, store_inputs

GAUGES = ("turnover_ratio", "altcoin_share_kr", "altcoin_share_global", "kimchi_premium",
          "leveraged_share")
TITLES = {
    "turnover_ratio": "Korean crypto turnover / KOSPI+KOSDAQ turnover",
    "altcoin_share_kr": "Altcoin share of turnover, Korean venues (1 - (BTC+ETH)/total)",
    "altcoin_share_global": "Altcoin share of turnover, Binance USDT markets",
    "kimchi_premium": "Kimchi premium: Upbit BTC-KRW / (BTC-USD x USDKRW) - 1",
    "leveraged_share": "KODEX leverage 122630 + inverse 2X 252670 / KOSPI 200 ETF turnover",
}


@dataclass(frozen=True)
class HeatResult:
    """One series per gauge (fractions by date) plus what each one covers."""

    series: dict[str, pd.Series]
    notes: dict[str, str]
    source: str
    start: str | None = None
    end: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for g in GAUGES:
            s = self.series.get(g, pd.Series(dtype=float))
            out[g] = [{"date": d.strftime("%Y-%m-%d"), "value": float(v)} for d, v in s.items()]
        out["notes"] = dict(self.notes)
        out["source"] = self.source
        out["start"], out["end"] = self.start, self.end
        out["provenance"] = self.provenance
        return out

    def summary(self) -> list[dict[str, Any]]:
        rows = []
        for g in GAUGES:
            s = self.series.get(g, pd.Series(dtype=float))
            rows.append({
                "gauge": g, "title": TITLES[g], "days": int(s.size),
                "first": s.index[0].strftime("%Y-%m-%d") if s.size else None,
                "last_date": s.index[-1].strftime("%Y-%m-%d") if s.size else None,
                "last": float(s.iloc[-1]) if s.size else None,
                "median": float(s.median()) if s.size else None,
                "max": float(s.max()) if s.size else None,
                "max_date": s.idxmax().strftime("%Y-%m-%d") if s.size else None,
            })
        return rows


def _window(s: pd.Series, start, end) -> pd.Series:
    if start is not None:
        s = s[s.index >= pd.Timestamp(start)]
    if end is not None:
        s = s[s.index <= pd.Timestamp(end)]
    return s


def compute(inputs: HeatInputs, start=None, end=None) -> HeatResult:
    """All gauges from collected inputs, cut to ``start``..``end`` (inclusive)."""
    i = inputs
    series = {
        "turnover_ratio": gauges.turnover_ratio(i.crypto_kr_total, i.stocks_total),
        "altcoin_share_kr": gauges.altcoin_share(i.crypto_kr_total, i.crypto_kr_btc,
                                                 i.crypto_kr_eth),
        "altcoin_share_global": gauges.altcoin_share(i.global_total, i.global_btc, i.global_eth),
        "kimchi_premium": gauges.kimchi_premium(i.kr_btc_price, i.usd_btc_price, i.usdkrw),
        "leveraged_share": gauges.leveraged_share(i.lev_etfs, i.k200_etfs),
    }
    series = {k: _window(v, start, end) for k, v in series.items()}
    return HeatResult(series, dict(i.notes), i.source,
                      None if start is None else str(pd.Timestamp(start).date()),
                      None if end is None else str(pd.Timestamp(end).date()), dict(i.provenance))


def heat_from_sample(start=None, end=None) -> HeatResult:
    """The gauges on the embedded sample period (offline; see ``notes`` for coverage)."""
    return compute(sample_inputs(), start, end)


def heat_from_store(path=None, start=None, end=None) -> HeatResult:
    """The gauges from the local store (path / GAEMI_STORE / user data dir)."""
    return compute(store_inputs(path), start, end)


__all__ = ["GAUGES", "HeatResult", "compute", "gauges", "heat_from_sample", "heat_from_store"]
