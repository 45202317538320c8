"""ColonyResult: what a colony run found, summarised, exported and self-describing.

Every figure comes from the run (:mod:`gaemi.colony.run`); this module only adds, divides and
labels. Money is KRW; shares are fractions of the investors the agents stand for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gaemi.colony import dynamics as D
from gaemi.colony.buckets import BUCKETS

BUCKET_NAMES: dict[str, dict[str, str]] = {
    "en": {"kospi_large": "KOSPI large caps", "kospi_small": "KOSPI mid and small caps",
           "kosdaq_theme": "KOSDAQ and theme stocks", "kr_lev_etf": "Korean leveraged/inverse ETFs",
           "us_lev_etf": "U.S. leveraged ETFs", "btc_eth": "Bitcoin and Ether",
           "kr_altcoin": "Altcoins on Korean exchanges", "deposit": "Bank deposits"},
    "ko": {"kospi_large": "코스피 대형주", "kospi_small": "코스피 중소형주", "kosdaq_theme": "코스닥·테마주",
           "kr_lev_etf": "국내 레버리지·인버스 ETF", "us_lev_etf": "미국 레버리지 ETF", "btc_eth": "비트코인·이더리움",
           "kr_altcoin": "국내 거래소 알트코인", "deposit": "은행 예금"},
}
BEHAVIOUR_NAMES: dict[str, dict[str, str]] = {
    "en": {"leveraged_trader": "Margin (leveraged) traders", "buy_and_hold": "Buy-and-hold investors",
           "dip_buyer": "Dip buyers", "crypto_only": "Crypto-only investors", "deposit_saver": "Deposit savers"},
    "ko": {"leveraged_trader": "신용융자 투자자 (빚투)", "buy_and_hold": "장기 보유 투자자", "dip_buyer": "저가 매수 투자자",
           "crypto_only": "코인만 하는 투자자", "deposit_saver": "예금 위주 투자자"},
}
AGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"20s": "20s and under", "30s": "30s", "40s": "40s", "50s": "50s", "60+": "60 and over"},
    "ko": {"20s": "20대 이하", "30s": "30대", "40s": "40대", "50s": "50대", "60+": "60대 이상"},
}
MARGIN_NAMES = {"en": {"no_margin": "Without a margin loan", "margin": "With a margin loan"},
                "ko": {"no_margin": "신용융자 없음", "margin": "신용융자 있음"}}


def _clean(x: Any) -> Any:
    """JSON-ready: numpy scalars and arrays to Python, NaN/inf to None."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return _clean(x.tolist())
    if isinstance(x, (np.bool_, bool)):
        return bool(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        v = float(x)
        return v if np.isfinite(v) else None
    return x


def _share(num: float, den: float) -> float | None:
    return None if den <= 0 else float(num) / float(den)


@dataclass
class ColonyResult:
    """A colony run: the run with feedback (``main``), the same shock without feedback
    (``baseline``), the amplification curve (``curve``: runs at each impact scale), the
    population's totals, and how it was made."""

    shock: Any
    params: Any
    main: Any
    baseline: Any
    curve: list
    totals: dict[str, int]
    agents: int
    seed: int
    impact: float
    calibration_path: str = ""
    calibration_as_of: str | None = None
    margin_as_of: dict[str, Any] | None = None
    generated: bool = True
    workers: int = 1
    scheduler: str | None = None
    shards: int = 1
    shard_size: int = 0
    timing: dict[str, float] = field(default_factory=dict)

    # ------------------------------------------------------------------ groups
    def _groups(self, run) -> np.ndarray:
        """int64 sums reshaped [decile, age, behaviour, margin, G_*]."""
        from gaemi.colony.population import AGE_BANDS, BEHAVIOURS

        return np.asarray(run.groups).reshape(10, len(AGE_BANDS), len(BEHAVIOURS), 2, D.N_G)

    @staticmethod
    def _row(g: np.ndarray, g0: np.ndarray) -> dict[str, Any]:
        """One group's figures from its int64 sums with (g) and without (g0) feedback."""
        people = int(g[D.G_INVESTORS]) / D.WSCALE
        w0 = int(g[D.G_WEALTH0]) / D.SCALE
        loss = (int(g[D.G_WEALTH0]) - int(g[D.G_WEALTH1])) / D.SCALE
        loss0 = (int(g0[D.G_WEALTH0]) - int(g0[D.G_WEALTH1])) / D.SCALE
        return {
            "investors": people,
            "wealth_start_krw": w0,
            "loss_krw": loss,
            "loss_without_feedback_krw": loss0,
            "loss_share": _share(loss, w0) if w0 > 0 else None,
            "share_force_sold": _share(int(g[D.G_FORCED]) / D.WSCALE, people),
            "share_wiped_out": _share(int(g[D.G_WIPED]) / D.WSCALE, people),
            "share_with_debt": _share(int(g[D.G_DEBT]) / D.WSCALE, people),
            "margin_loan_start_krw": int(g[D.G_LOAN0]) / D.SCALE,
            "margin_loan_end_krw": int(g[D.G_LOAN1]) / D.SCALE,
        }

    def _by(self, axis: str) -> list[dict[str, Any]]:
        from gaemi.colony.population import AGE_BANDS, BEHAVIOURS

        g, g0 = self._groups(self.main), self._groups(self.baseline)
        keep = {"decile": 0, "age_band": 1, "holder_type": 2, "margin": 3}[axis]
        drop = tuple(k for k in range(4) if k != keep)
        s, s0 = g.sum(axis=drop), g0.sum(axis=drop)
        if axis == "decile":
            keys = [str(k + 1) for k in range(10)]
        elif axis == "age_band":
            keys = list(AGE_BANDS)
        elif axis == "holder_type":
            keys = list(BEHAVIOURS)
        else:
            keys = ["no_margin", "margin"]
        rows = []
        for k, key in enumerate(keys):
            row = self._row(s[k], s0[k])
            if axis == "decile":
                row = {"decile": k + 1, **row}
            else:
                row = {axis: key, **row}
            rows.append(row)
        return rows

    def _total(self, run) -> np.ndarray:
        return self._groups(run).sum(axis=(0, 1, 2, 3))

    # ------------------------------------------------------------------ headline numbers
    @property
    def represented(self) -> float:
        return self.totals["investors"] / D.WSCALE

    def loss(self, run=None) -> float:
        """Total loss (KRW, positive = a loss) of the run (default: with feedback)."""
        g = self._total(run if run is not None else self.main)
        return (int(g[D.G_WEALTH0]) - int(g[D.G_WEALTH1])) / D.SCALE

    @staticmethod
    def _ratio(loss: float, loss0: float) -> float | None:
        return None if loss0 <= 0 else loss / loss0

    @property
    def amplification(self) -> float | None:
        """Loss with feedback / loss from the same shock without feedback (None without a loss)."""
        return self._ratio(self.loss(self.main), self.loss(self.baseline))

    @property
    def converged(self) -> bool:
        return all(r.all_converged for r in [self.main, *self.curve])

    def day_labels(self) -> list[str]:
        """The close before the shock, then each session (dates, else 1..days)."""
        first = self.shock.as_of or ("before" if not self.shock.dates else "before")
        return [first, *self.shock.day_labels()]

    def warnings(self) -> list[dict[str, str]]:
        out = []
        bad = [r for r in [self.main, *self.curve] if not r.all_converged]
        if bad:
            days = sorted({int(k) + 1 for r in bad for k in np.flatnonzero(~r.converged)})
            worst = max(float(np.max(r.residual)) for r in bad)
            scales = ", ".join(f"{r.scale:g}" for r in bad)
            out.append({"code": "not_converged",
                        "message": f"The within-day fixed point did not converge (impact scale {scales}; sessions "
                                   f"{', '.join(map(str, days[:10]))}; largest change {worst:.2e} log points after "
                                   f"{self.params.max_iterations} rounds): those days' prices are the last round's.",
                        "message_ko": f"하루 안의 가격 반복 계산이 수렴하지 않았습니다 (충격 배율 {scales}; 거래일 "
                                      f"{', '.join(map(str, days[:10]))}; 마지막 변화 {worst:.2e}, "
                                      f"{self.params.max_iterations}회 반복). 그날 가격은 마지막 반복의 값입니다."})
        if self.loss(self.baseline) <= 0:
            out.append({"code": "no_loss", "message": "The shock causes no loss without feedback: the amplification "
                                                      "is not defined.",
                        "message_ko": "피드백 없이는 이 충격으로 손실이 나지 않아 증폭 배율을 정할 수 없습니다."})
        amp = self.amplification
        if amp is not None and amp < 1 and tuple(getattr(self.params, "dip_behaviours", ()) or ()):
            out.append({"code": "dip_buying_outweighs_selling",
                        "message": f"Amplification {amp:.3f} is below 1: the modelled dip-buying bought more than "
                                   "the colony's forced and voluntary sales sold, so the feedback softened the fall. "
                                   "The selling alone deepens it; dip-buying is an assumption (docs/colony.md).",
                        "message_ko": f"증폭 배율 {amp:.3f}이 1보다 작습니다: 모형의 저가 매수가 반대매매와 스스로 판 "
                                      "물량보다 많아 되먹임이 하락을 줄였습니다. 매도만 보면 하락을 키웁니다; 저가 매수는 "
                                      "데이터에 맞춘 값이 아닌 가정입니다."})
        if self.shock.kind == "history" and self.generated:
            m = self.margin_as_of or {}
            out.append({"code": "population_as_of",
                        "message": f"The population is the calibration table's ({self.calibration_as_of}); only its "
                                   f"margin-loan balance is set to the window's start ({m.get('balance_krw', 0) / 1e12:.2f} "
                                   f"trillion won, published {m.get('date')}).",
                        "message_ko": f"투자자 집단은 보정표 기준({self.calibration_as_of})이며, 신용융자 잔고만 구간 시작 "
                                      f"시점 값({m.get('balance_krw', 0) / 1e12:.2f}조 원, {m.get('date')} 발표)으로 "
                                      f"맞췄습니다."})
        return out

    def history(self) -> dict[str, Any] | None:
        s = self.shock
        if not s.dates:
            return None
        return {"start": s.dates[0], "end": s.dates[-1], "sessions": s.days, "as_of": s.as_of}

    def assumptions(self) -> dict[str, Any]:
        p = self.params.to_dict()
        return {
            "params": p,
            "impact_law": "i = K * Y * sigma_daily * sqrt(min(|net sold| / daily turnover, q_max)); price x exp(-i)",
            "not_fitted": ("Price-impact coefficients, overnight decay and dip-buying are assumptions, not fitted to "
                           "data (fitted: the margin balance's path and the forced sales of March 2020; docs/colony.md):"
                           " read the amplification as an order of magnitude, with its curve over the impact scale."),
            "feedback_on_history": ("A window of history already contains the market's own reactions; the colony's "
                                    "feedback is added on top of them." if self.shock.kind == "history" else None),
            "margin_as_of": self.margin_as_of,
            "calibration": self.calibration_path,
            "calibration_as_of": self.calibration_as_of,
        }

    # ------------------------------------------------------------------ summary
    def _prices(self, run) -> dict[str, list[float]]:
        return {b: run.prices[:, j].tolist() for j, b in enumerate(BUCKETS)}

    def summary(self) -> dict[str, Any]:
        main, base = self.main, self.baseline
        g, g0 = self._total(main), self._total(base)
        people = int(g[D.G_INVESTORS]) / D.WSCALE
        margin_people = self.totals.get("margin_investors", 0) / D.WSCALE
        loss, loss0 = self.loss(main), self.loss(base)
        forced_by_day = main.forced.sum(axis=1)
        s = {
            "investors": self.agents,
            "represented": people,
            "seed": self.seed,
            "impact": self.impact,
            "shock": self.shock.summary(),
            "days": self.day_labels(),
            "total_loss_krw": loss,
            "loss_without_feedback_krw": loss0,
            "feedback_loss_krw": loss - loss0,
            "amplification": self._ratio(loss, loss0),
            "wealth_start_krw": int(g[D.G_WEALTH0]) / D.SCALE,
            "loss_share": _share(loss, int(g[D.G_WEALTH0]) / D.SCALE),
            "investors_force_sold": int(g[D.G_FORCED]) / D.WSCALE,
            "investors_wiped_out": int(g[D.G_WIPED]) / D.WSCALE,
            "investors_with_debt": int(g[D.G_DEBT]) / D.WSCALE,
            "share_force_sold": _share(int(g[D.G_FORCED]) / D.WSCALE, people),
            "share_wiped_out": _share(int(g[D.G_WIPED]) / D.WSCALE, people),
            "share_with_debt": _share(int(g[D.G_DEBT]) / D.WSCALE, people),
            "margin_investors": margin_people,
            "share_of_margin_investors_force_sold": _share(int(g[D.G_FORCED]) / D.WSCALE, margin_people),
            "margin_balance_start_krw": float(main.margin_balance[0]),
            "margin_balance_end_krw": float(main.margin_balance[-1]),
            "margin_balance_change": _share(main.margin_balance[-1] - main.margin_balance[0], main.margin_balance[0]),
            "margin_balance_by_day": main.margin_balance.tolist(),
            "margin_balance_by_day_without_feedback": base.margin_balance.tolist(),
            "forced_sales_krw": float(forced_by_day.sum()),
            "forced_sales_krw_by_day": forced_by_day.tolist(),
            "forced_sales_krw_by_day_and_bucket": {b: main.forced[:, j].tolist() for j, b in enumerate(BUCKETS)},
            "voluntary_sales_krw_by_day": main.voluntary.sum(axis=1).tolist(),
            "dip_buying_krw_by_day": main.bought.sum(axis=1).tolist(),
            "top_ups_krw_by_day": main.topups.tolist(),
            "margin_repaid_krw": {"forced_sales": float(main.repaid_forced.sum()),
                                  "voluntary_sales": float(main.repaid_voluntary.sum()),
                                  "top_ups": float(main.topups.sum())},
            "forced_sale_haircut_loss_krw": float(main.haircut_loss.sum()),
            "calls_open_by_day": main.calls_open.tolist(),
            "prices": {"with_feedback": self._prices(main), "without_feedback": self._prices(base)},
            "by_decile": self._by("decile"),
            "by_age_band": self._by("age_band"),
            "by_holder_type": self._by("holder_type"),
            "by_margin": self._by("margin"),
            "amplification_curve": [
                {"impact": r.scale, "total_loss_krw": self.loss(r), "amplification": self._ratio(self.loss(r), loss0),
                 "margin_balance_end_krw": float(r.margin_balance[-1]),
                 "forced_sales_krw": float(r.forced.sum()), "converged": r.all_converged}
                for r in self.curve],
            "converged": self.converged,
            "iterations_by_day": main.iterations.tolist(),
            "population": {"agents": self.agents, "represented": self.represented,
                           "holdings_krw": {b: self.totals[b] / D.SCALE for b in BUCKETS},
                           "cash_krw": self.totals["cash"] / D.SCALE,
                           "margin_loan_krw": self.totals["margin_loan"] / D.SCALE,
                           "margin_investors": margin_people},
            "history": self.history(),
            "assumptions": self.assumptions(),
            "warnings": self.warnings(),
            "provenance": self.provenance(),
        }
        return s

    def provenance(self) -> dict[str, Any]:
        from gaemi import __version__

        return {"version": __version__, "seed": self.seed, "agents": self.agents, "workers": self.workers,
                "scheduler": self.scheduler, "shards": self.shards, "shard_size": self.shard_size,
                "generated_population": self.generated, "calibration": self.calibration_path,
                "timing_seconds": dict(self.timing)}

    def to_frame(self):
        """One row per close (the close before the shock first): margin balance, forced and
        voluntary sales, dip-buying, top-ups, and each bucket's price with and without feedback."""
        import pandas as pd

        main, base = self.main, self.baseline
        T = main.forced.shape[0]

        def pad(x):
            return np.concatenate([[0.0], np.asarray(x, dtype=float)])

        cols: dict[str, Any] = {
            "margin_balance_krw": main.margin_balance,
            "margin_balance_without_feedback_krw": base.margin_balance,
            "forced_sales_krw": pad(main.forced.sum(axis=1)),
            "voluntary_sales_krw": pad(main.voluntary.sum(axis=1)),
            "dip_buying_krw": pad(main.bought.sum(axis=1)),
            "top_ups_krw": pad(main.topups),
            "iterations": np.concatenate([[0], main.iterations]),
        }
        for j, b in enumerate(BUCKETS):
            cols[f"price_{b}"] = main.prices[:, j]
            cols[f"price_{b}_without_feedback"] = base.prices[:, j]
        for j, b in enumerate(BUCKETS):
            cols[f"forced_sales_{b}_krw"] = pad(main.forced[:, j])
        frame = pd.DataFrame(cols, index=pd.Index(self.day_labels(), name="day"))
        assert len(frame) == T + 1
        return frame

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(_clean(self.summary()), ensure_ascii=False, indent=indent)

    def __repr__(self) -> str:
        a = self.amplification
        return (f"ColonyResult({self.shock.name!r}, agents={self.agents:,}, represented={self.represented:,.0f}, "
                f"loss={self.loss() / 1e12:,.2f}T KRW, amplification={'n/a' if a is None else f'{a:.4f}'})")
