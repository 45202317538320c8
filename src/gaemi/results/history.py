"""What history an answer stands on, and the warnings when that history is thin.

Every result carries ``history`` (the span of daily returns behind it) and ``warnings`` (a list of
``{"code", "message", "message_ko"}``; empty when there is nothing to warn about). Codes:

``short_history``      the span is shorter than :data:`SHORT_HISTORY_YEARS` (15) years.
``no_major_drawdown``  an asset of the plan never fell by its class's major drawdown
                       (:data:`gaemi.data.asset_class.MAJOR_DRAWDOWN`) from a running peak in the span.
``survivorship``       a single stock or an altcoin: a name that is still here, picked after the fact.
``rate_extended``      a rate series ended before the prices and was held at its last value.
``estimated_data``     a series' values are estimates over part of the span (``kr_cd91`` after
                       2023-05-19: the base rate + a spread).
``common_span``        (compare) plans compared on a shorter common span than a plan's own.
``collapse_hazard``    altcoin / stablecoin collapse hazards applied by the models (informational).

Monte Carlo models (bootstrap, garch, parametric) resample or fit only the returns in the span;
the historical model and ``rolling`` start only inside it. A short span or one without a crash
makes a reckless plan look safe, so these warnings are printed in the output itself.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

#: A span shorter than this (years) gets the ``short_history`` warning.
SHORT_HISTORY_YEARS = 15.0

_WHAT_TO_DO = ("Try assets with longer history as proxies (e.g. btc for coins, ndxtr from 1999), a named "
               "crash (--scenario, see `gaemi scenarios`), or the parametric model with the collapse hazard.")
_WHAT_TO_DO_KO = ("더 긴 역사를 가진 자산을 대용으로 쓰거나(코인은 btc, 나스닥은 1999년부터의 ndxtr), 이름 붙은 폭락 "
                  "시나리오(--scenario, `gaemi scenarios`)를 넣거나, 붕괴 위험을 넣은 parametric 모델로 다시 보세요.")


def _day(x) -> str:
    return str(pd.Timestamp(x).date())


def history_of(panel) -> dict[str, Any]:
    """The span of the panel's daily returns: ``start`` (the close they start from), ``end`` (the last close), ``years`` (calendar years between), ``sessions``
    (daily returns), ``limited_by`` (the series whose data starts last, or ``"start"`` when the
    caller chose the start) and ``ends_with`` (the series whose data ends first, or ``"end"``)."""
    dates = panel.dates
    first = panel.base_date if panel.base_date is not None else dates[0]
    last = dates[-1]
    limits = panel.provenance.get("limited_by", {})
    return {
        "start": _day(first),
        "end": _day(last),
        "years": round((pd.Timestamp(last) - pd.Timestamp(first)).days / 365.25, 2),
        "sessions": int(len(dates)),
        "limited_by": limits.get("start"),
        "ends_with": limits.get("end"),
    }


def max_drawdowns(returns: np.ndarray) -> np.ndarray:
    """Largest fall from a running peak (a fraction, >= 0) of each column of daily simple returns,
    the first close included as a peak."""
    wealth = np.cumprod(1.0 + np.asarray(returns, dtype=np.float64), axis=0)
    wealth = np.vstack([np.ones((1, wealth.shape[1])), wealth])
    peak = np.maximum.accumulate(wealth, axis=0)
    return np.max(1.0 - wealth / peak, axis=0)


def _warn(code: str, message: str, message_ko: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, "message_ko": message_ko, **extra}


def history_warnings(panel, assets: Sequence[str], history: dict[str, Any], model: str,
                     currency: str | None = None) -> list[dict[str, Any]]:
    """Warnings for a result over ``panel`` whose plan holds ``assets`` (fx columns ignored).
    Drawdowns are measured on each asset's own closes over the span, in its own currency.

    ``model`` ``"backtest"`` (one real path) gets only the data notes; every model that generalises
    from the span (bootstrap, garch, parametric, historical, rolling) also gets ``short_history``,
    ``no_major_drawdown`` and ``survivorship``."""
    from gaemi.data.asset_class import MAJOR_DRAWDOWN, asset_class

    out: list[dict[str, Any]] = []
    prov = panel.provenance
    span_en = f"{history['start']}..{history['end']} ({history['years']:.1f} years, {history['sessions']:,} sessions)"
    span_ko = f"{history['start']} ~ {history['end']} ({history['years']:.1f}년, {history['sessions']:,}거래일)"
    generalises = model != "backtest"
    if generalises and history["years"] < SHORT_HISTORY_YEARS:
        lim = history.get("limited_by")
        why = f", because {lim}'s data starts then" if lim and lim not in ("start",) else ""
        why_ko = f" {lim}의 데이터가 그때부터 있기 때문입니다." if lim and lim not in ("start",) else ""
        out.append(_warn(
            "short_history",
            f"Short history: these numbers stand only on {span_en}{why}; under {SHORT_HISTORY_YEARS:g} years "
            f"may miss the bad years. {_WHAT_TO_DO}",
            f"짧은 역사: 이 결과는 {span_ko}의 역사에만 기대고 있습니다.{why_ko} {SHORT_HISTORY_YEARS:g}년보다 짧으면 "
            f"나쁜 시기가 빠져 있을 수 있습니다. {_WHAT_TO_DO_KO}",
            years=history["years"], limit_years=SHORT_HISTORY_YEARS, limited_by=lim))
    if generalises:
        from gaemi.data.catalog import close_history, series_info

        for name in dict.fromkeys(a for a in assets if a in panel.assets):
            # the asset's own closes over the span, in its own currency (a stablecoin's depeg is a
            # fall against the dollar, not the won's moves)
            closes = close_history(name)
            closes = closes.loc[(closes.index >= pd.Timestamp(history["start"]))
                                & (closes.index <= pd.Timestamp(history["end"]))]
            if len(closes) < 2:
                continue
            cls = asset_class(name)
            if cls == "stablecoin":  # a depeg: the lowest close below the 1-dollar peg
                dd = max(0.0, 1.0 - float(closes.min()))
            else:
                dd = float(max_drawdowns(closes.pct_change().to_numpy()[1:, None])[0])
            major = MAJOR_DRAWDOWN.get(cls)
            if major is not None and dd < major:
                cur = f" in {series_info(name).currency}"
                out.append(_warn(
                    "no_major_drawdown",
                    f"No major crash in this history for {name}: its worst fall from a peak{cur} in {span_en} "
                    f"was {dd:.0%}, less than the {major:.0%} that counts as a major drawdown for a "
                    f"{cls.replace('_', ' ')}. The models cannot show a crash the history does not hold. "
                    f"{_WHAT_TO_DO}",
                    f"{name}의 역사에 큰 폭락이 없습니다: {span_ko} 동안 고점 대비 최대 낙폭이 {dd:.0%}로, "
                    f"이 자산군에서 큰 폭락으로 치는 {major:.0%}보다 작습니다. 모델은 역사에 없는 폭락을 보여 줄 수 "
                    f"없습니다. {_WHAT_TO_DO_KO}",
                    asset=name, asset_class=cls, max_drawdown=float(dd), major_drawdown=major))
        for name in dict.fromkeys(a for a in assets if a in panel.assets):
            cls = asset_class(name)
            if cls in ("stock", "altcoin"):
                kind_en, kind_ko = ("company", "기업") if cls == "stock" else ("coin", "코인")
                out.append(_warn(
                    "survivorship",
                    f"Survivorship: {name} is a {kind_en} that is still here and famous today, picked after the "
                    f"fact; many like it failed and are not in the data, so its history flatters it.",
                    f"생존 편향: {name}은(는) 지금까지 살아남아 유명해진 {kind_ko}를 나중에 고른 것입니다. 비슷했지만 "
                    f"망한 {kind_ko}들은 데이터에 없으므로, 이 역사는 실제보다 좋아 보입니다.",
                    asset=name, asset_class=cls))
    span = panel.dates[(panel.dates >= pd.Timestamp(history["start"])) & (panel.dates <= pd.Timestamp(history["end"]))]
    for name, ext in prov.get("extended", {}).items():
        n_ext = int(np.count_nonzero(span > pd.Timestamp(ext["last"])))
        if not n_ext:
            continue
        ext = {**ext, "days": n_ext}
        out.append(_warn(
            "rate_extended",
            f"{name} ends {ext['last']}; it is {ext['method']} over the last {ext['days']} sessions.",
            f"{name} 데이터는 {ext['last']}에 끝나, 마지막 {ext['days']}거래일은 마지막 값을 그대로 썼습니다.",
            series=name, last=ext["last"], days=ext["days"]))
    for name, est in prov.get("estimated", {}).items():
        n_est = int(np.count_nonzero(span >= pd.Timestamp(est["from"])))
        if not n_est:
            continue
        est = {**est, "days": n_est}
        out.append(_warn(
            "estimated_data",
            f"{name} from {est['from']} is an estimate ({est['days']} sessions): {est['method']}.",
            f"{name}의 {est['from']} 이후 값({est['days']}거래일)은 추정치입니다.",
            series=name, since=est["from"], days=est["days"]))
    return out


def collapse_hazards(plan) -> dict[str, dict[str, float]]:
    """The collapse hazard each risky holding carries (defaults applied; only those > 0), by asset:
    ``{"xrp": {"hazard": 0.2, "drop": 0.9}}`` (docs/risks.md)."""
    from gaemi.data.asset_class import asset_class

    out: dict[str, dict[str, float]] = {}
    for h in plan.risky_holdings:
        hazard, drop = h.collapse(asset_class(h.asset))
        if hazard > 0 and h.asset not in out:
            out[h.asset] = {"hazard": hazard, "drop": drop}
    return out


def collapse_warning(plan, model: str) -> dict[str, Any] | None:
    """The ``collapse_hazard`` note: which holdings may collapse in these futures, and how."""
    hz = collapse_hazards(plan)
    if not hz:
        return None
    if model == "backtest":
        names = ", ".join(hz)
        return _warn("collapse_hazard",
                     f"A backtest replays what happened: the collapse hazard of {names} is not applied here; "
                     f"Monte Carlo runs apply it (docs/risks.md).",
                     f"백테스트는 실제로 일어난 일만 다시 보여 주므로 {names}의 붕괴 위험은 넣지 않았습니다. "
                     f"몬테카를로 시뮬레이션에는 들어갑니다.", hazards=hz)
    parts = ", ".join(f"{a} {v['hazard']:.0%} a year (a fall of {v['drop']:.0%})" for a, v in hz.items())
    parts_ko = ", ".join(f"{a} 연 {v['hazard']:.0%} (한 번에 {v['drop']:.0%} 하락)" for a, v in hz.items())
    return _warn("collapse_hazard",
                 f"Coins that survived to today are the only ones in the data, so every future here may see a coin "
                 f"collapse or be delisted: {parts}; afterwards it earns nothing. Change or remove it per "
                 f"holding with collapse_hazard / collapse_drop (docs/risks.md).",
                 f"데이터에는 지금까지 살아남은 코인만 있으므로, 여기의 모든 미래에서 코인이 폭락하거나 상장 폐지될 수 "
                 f"있습니다: {parts_ko}. 그 뒤에는 수익이 없습니다. 보유 종목마다 collapse_hazard / collapse_drop으로 "
                 f"바꾸거나 끌 수 있습니다.", hazards=hz)


def attach(provenance: dict[str, Any], panel, assets: Sequence[str], model: str, currency: str | None,
           plan=None) -> None:
    """Put ``history`` and ``warnings`` into a result's provenance (in place)."""
    hist = history_of(panel)
    provenance["history"] = hist
    provenance["warnings"] = history_warnings(panel, assets, hist, model, currency)
    note = collapse_warning(plan, model) if plan is not None else None
    if note:
        provenance["warnings"].append(note)
