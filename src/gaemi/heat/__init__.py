"""Market heat: the speculation gauges the press quotes, from the store or the embedded sample.

    from gaemi.heat import heat_from_sample, heat_from_store
    res = heat_from_sample(start="2021-01-01", end="2021-12-31")
    res.to_dict()["turnover_ratio"][:3]
    res.to_dict(lang="ko")["titles"]["kimchi_premium"]

Numbers come from the pure functions in :mod:`gaemi.heat.gauges`; :mod:`gaemi.heat.inputs`
collects their inputs and says, per gauge and in Korean and English, what is computed from the
data present (``titles``), what the inputs cover (``notes``) and, for a gauge with no value, why
and which command gets the data (``missing``). Words: :mod:`gaemi.heat.text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gaemi.errors import ConfigError
from gaemi.heat import gauges
from gaemi.heat import text as T
from gaemi.heat.inputs import HeatInputs, sample_inputs, store_inputs

GAUGES = ("turnover_ratio", "altcoin_share_kr", "altcoin_share_global", "kimchi_premium",
          "leveraged_share")
#: one short name per gauge and language (tables, chart headings, JSON ``names``)
NAMES = T.NAMES


def _check_lang(lang: str) -> str:
    if lang not in T.LANGS:
        raise ConfigError("lang", lang, "ko or en")
    return lang


@dataclass(frozen=True)
class HeatResult:
    """One series per gauge (fractions by date) and, per gauge in both languages (``{"en", "ko"}``):
    ``titles`` (what is computed from the data present), ``notes`` (what the inputs cover) and
    ``missing`` (only for gauges with no value: why, and the command that gets the data).
    ``source`` is ``"sample"`` or ``"store:PATH"``. A result always holds at least one value
    (:func:`compute` refuses an empty one), so :attr:`start` and :attr:`end` are dates."""

    series: dict[str, pd.Series]
    titles: dict[str, T.Both]
    notes: dict[str, T.Both]
    missing: dict[str, T.Both]
    source: str
    kind: str = "sample"
    provenance: dict[str, Any] = field(default_factory=dict)

    def _days(self) -> list[pd.Timestamp]:
        return [d for s in self.series.values() if len(s) for d in (s.index[0], s.index[-1])]

    @property
    def start(self) -> str:
        """The first day with a value in any gauge (``YYYY-MM-DD``)."""
        return min(self._days()).strftime("%Y-%m-%d")

    @property
    def end(self) -> str:
        """The last day with a value in any gauge (``YYYY-MM-DD``)."""
        return max(self._days()).strftime("%Y-%m-%d")

    def name(self, gauge: str, lang: str = "en") -> str:
        return NAMES[gauge][_check_lang(lang)]

    def title(self, gauge: str, lang: str = "en") -> str:
        return self.titles[gauge][_check_lang(lang)]

    def note(self, gauge: str, lang: str = "en") -> str:
        return self.notes[gauge][_check_lang(lang)]

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """JSON-ready: per gauge a list of ``{"date", "value"}`` (fractions; ``[]`` when it has no
        value here), then ``names``, ``titles``, ``notes`` (every gauge), ``missing`` (only gauges
        with no value; ``{}`` when all have one), ``source``, ``start``/``end`` (first and last day
        with a value), ``lang`` (the language of the texts) and ``provenance``. No field is null."""
        lang = _check_lang(lang)
        out: dict[str, Any] = {}
        for g in GAUGES:
            s = self.series[g]
            out[g] = [{"date": d.strftime("%Y-%m-%d"), "value": float(v)} for d, v in s.items()]
        out["names"] = {g: NAMES[g][lang] for g in GAUGES}
        out["titles"] = {g: self.titles[g][lang] for g in GAUGES}
        out["notes"] = {g: self.notes[g][lang] for g in GAUGES}
        out["missing"] = {g: self.missing[g][lang] for g in GAUGES if g in self.missing}
        out["source"] = self.source
        out["start"], out["end"] = self.start, self.end
        out["lang"] = lang
        out["provenance"] = self.provenance
        return out

    def summary(self, lang: str = "en") -> list[dict[str, Any]]:
        """One row per gauge for tables: name, title, days, first/last date, last, median, max and
        its date (None where the gauge has no value; ``missing`` then says why)."""
        lang = _check_lang(lang)
        rows = []
        for g in GAUGES:
            s = self.series[g]
            rows.append({
                "gauge": g, "name": NAMES[g][lang], "title": self.titles[g][lang], "days": int(s.size),
                "first": s.index[0].strftime("%Y-%m-%d") if s.size else None,
                "last_date": s.index[-1].strftime("%Y-%m-%d") if s.size else None,
                "last": float(s.iloc[-1]) if s.size else None,
                "median": float(s.median()) if s.size else None,
                "max": float(s.max()) if s.size else None,
                "max_date": s.idxmax().strftime("%Y-%m-%d") if s.size else None,
                "missing": self.missing[g][lang] if g in self.missing else None,
            })
        return rows


def _window(s: pd.Series, start, end) -> pd.Series:
    if start is not None:
        s = s[s.index >= pd.Timestamp(start)]
    if end is not None:
        s = s[s.index <= pd.Timestamp(end)]
    return s


def _iso(day) -> str | None:
    return None if day is None else str(pd.Timestamp(day).date())


def _window_words(start: str | None, end: str | None) -> T.Both:
    if start and end:
        return T.both(f"from {start} to {end}", f"{start}부터 {end}까지는")
    if start:
        return T.both(f"from {start} on", f"{start} 이후에는")
    return T.both(f"up to {end}", f"{end}까지는")


def compute(inputs: HeatInputs, start=None, end=None, lang: str = "en") -> HeatResult:
    """All gauges from collected inputs, cut to ``start``..``end`` (inclusive).

    A result with no value at all is a :class:`~gaemi.errors.ConfigError` (``lang`` is the
    language of its ``allowed`` text): naming ``start``/``end`` and what the data covers when the
    window misses it, or ``store`` and what to fetch when no gauge can be computed."""
    _check_lang(lang)
    i = inputs
    full = {
        "turnover_ratio": gauges.turnover_ratio(i.crypto_kr_total, i.stocks_total),
        "altcoin_share_kr": gauges.altcoin_share(i.crypto_kr_total, i.crypto_kr_btc, i.crypto_kr_eth),
        "altcoin_share_global": gauges.altcoin_share(i.global_total, i.global_btc, i.global_eth),
        "kimchi_premium": gauges.kimchi_premium(i.kr_btc_price, i.usd_btc_price, i.usdkrw),
        "leveraged_share": gauges.leveraged_share(i.lev_etfs, i.k200_etfs),
    }
    series = {k: _window(v, start, end) for k, v in full.items()}
    where = T.WHERE[i.kind]
    if not any(len(v) for v in full.values()):
        raise ConfigError("store", i.source.removeprefix("store:"), T.both(
            "a store holding the markets one gauge needs, e.g. `gaemi data fetch upbit ALL` (or `--sample` "
            "for the embedded sample)",
            "지표 하나라도 계산할 수 있는 마켓이 저장된 저장소 (예: `gaemi data fetch upbit ALL`) 또는 "
            "내장 표본을 쓰는 `--sample`")[lang])
    if not any(len(v) for v in series.values()):
        days = [d for v in full.values() if len(v) for d in (v.index[0], v.index[-1])]
        cover = f"{min(days).date()}..{max(days).date()}"
        raise ConfigError("start" if start is not None else "end", _iso(start if start is not None else end),
                          T.both(f"dates inside the {where['en']}'s heat data ({cover})",
                                 f"{where['ko']}의 지표 자료 기간 안의 날짜 ({cover})")[lang])
    titles = {}
    for g in GAUGES:
        t = i.titles[g]
        titles[g] = t(series[g].index if len(series[g]) else full[g].index) if callable(t) else t
    missing: dict[str, T.Both] = {}
    for g in GAUGES:
        if len(series[g]):
            continue
        if not len(full[g]):
            missing[g] = i.needs[g]
            continue
        w = _window_words(_iso(start), _iso(end))
        spans = T.spans_text(_spans_of(full[g].index))
        missing[g] = T.both(
            f"No value {w['en']}: the {where['en']} has this gauge on {spans}. {i.needs[g]['en']}",
            f"{w['ko']} 값이 없습니다. {where['ko']}에는 이 지표가 {spans}에 있습니다. {i.needs[g]['ko']}")
    return HeatResult(series, titles, {g: i.notes[g] for g in GAUGES}, missing, i.source, i.kind,
                      dict(i.provenance))


def _spans_of(index: pd.DatetimeIndex) -> list[tuple[str, str]]:
    from gaemi.heat.inputs import _spans

    return _spans(index)


def heat_from_sample(start=None, end=None, lang: str = "en") -> HeatResult:
    """The gauges on the embedded sample (offline; ``notes`` say what each one covers)."""
    return compute(sample_inputs(), start, end, lang)


def heat_from_store(path=None, start=None, end=None, lang: str = "en") -> HeatResult:
    """The gauges from the local store (path / GAEMI_STORE / user data dir)."""
    return compute(store_inputs(path), start, end, lang)


__all__ = ["GAUGES", "NAMES", "HeatResult", "compute", "gauges", "heat_from_sample", "heat_from_store"]
