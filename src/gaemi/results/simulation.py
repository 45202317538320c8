"""SimulationResult: what happened to a plan on each path, summarised and exportable."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gaemi.config.plan import Plan
from gaemi.engine import layout as L
from gaemi.engine.run import RawPaths
from gaemi.metrics import cvar, event_probability, probability_by_year, quantiles

SCHEMA_VERSION = 1


def _clean(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, (np.floating,)):
        return _clean(float(x))
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    return x


@dataclass(frozen=True)
class SimulationResult:
    """Per-path outcomes of one plan over one scenario set.

    ``raw.month_wealth`` is net wealth (holdings + deposit - loan, plan currency) at
    each month end; day numbers count sessions from the first simulated session (0).
    """

    plan: Plan
    kind: str
    n_days: int
    raw: RawPaths
    days_per_year: float = 252.0
    path_labels: pd.Index | None = None  # e.g. window start dates
    day_dates: pd.DatetimeIndex | None = None  # for a single dated path
    provenance: dict[str, Any] = field(default_factory=dict)
    month_quantiles: pd.DataFrame | None = None  # Monte Carlo: months x quantiles (per-path months not kept)

    @property
    def n_paths(self) -> int:
        return int(self.raw.floats.shape[0])

    @property
    def years(self) -> float:
        return self.n_days / self.days_per_year

    def _int(self, col: int) -> np.ndarray:
        return self.raw.ints[:, col]

    def _float(self, col: int) -> np.ndarray:
        return self.raw.floats[:, col]

    def events(self) -> pd.DataFrame:
        """One row per path: goal, forced sales, wipe-out, debt, interest (days: -1 = never)."""
        df = pd.DataFrame(self.raw.floats, columns=list(L.FLOAT_NAMES))
        for k, name in enumerate(L.INT_NAMES):
            df[name] = self.raw.ints[:, k]
        df["graduated"] = df["graduated"].astype(bool)
        df["negative_equity"] = df["min_wealth"] < 0
        df["debt_left"] = np.maximum(df["end_loan"] - df["end_risky"], 0.0)
        if self.path_labels is not None:
            df.index = self.path_labels
        return df

    def summary(self) -> dict[str, Any]:
        """Headline figures; probabilities are fractions of paths, money in the plan currency."""
        end = self._float(L.END_WEALTH)
        n_years = max(1, int(round(self.years)))
        q = quantiles(end)
        out = {
            "schema_version": SCHEMA_VERSION,
            "plan": self.plan.name,
            "kind": self.kind,
            "model": self.provenance.get("model", self.kind),
            "seed": self.provenance.get("seed"),
            "scenario": self.provenance.get("scenario"),
            "paths": self.n_paths,
            "years": round(self.years, 3),
            "history": self.provenance.get("history"),
            "warnings": list(self.provenance.get("warnings", [])),
            "own_history": self.provenance.get("own_history"),  # compare: the plan alone on its own span
            "p_goal": event_probability(self._int(L.GOAL_DAY)) if self.plan.goal else None,
            "p_goal_by_year": probability_by_year(self._int(L.GOAL_DAY), n_years, self.days_per_year)
            if self.plan.goal else None,
            "p_graduated": float(np.mean(self._int(L.GRADUATED) > 0)),
            "p_forced_sale": event_probability(self._int(L.FIRST_FORCED_DAY)),
            "p_margin_call": float(np.mean(self._int(L.N_CALLS) > 0)),
            # 깡통 (wiped out): ever touched the floor at some close vs ended at or below it
            "wipeout_floor": self.plan.wipeout_floor,
            "p_wipeout_ever": event_probability(self._int(L.WIPEOUT_DAY)),
            "p_wipeout_end": self._p_end_below(self.plan.wipeout_floor),
            "p_wipeout": event_probability(self._int(L.WIPEOUT_DAY)),  # = p_wipeout_ever (kept for old scripts)
            "p_negative_equity": float(np.mean(self._float(L.MIN_WEALTH) < 0)),
            "ruin_floor": self.plan.ruin_floor,
            "p_ruin_floor_ever": event_probability(self._int(L.RUIN_DAY)),
            "p_ruin_floor_end": self._p_end_below(self.plan.ruin_floor),
            "p_ruin_floor": event_probability(self._int(L.RUIN_DAY)),  # = p_ruin_floor_ever
            "p_ruin_any": float(np.mean((self._int(L.FIRST_FORCED_DAY) >= 0) | (self._int(L.RUIN_DAY) >= 0)
                                        | (self._float(L.MIN_WEALTH) < 0))),
            "time_to_goal_years": self._time_to_goal() if self.plan.goal else None,
            "median_end_wealth": q["p50"],
            "p5_end_wealth": q["p5"],
            "end_wealth_quantiles": q,
            "max_drawdown_quantiles": quantiles(self._float(L.MAX_DRAWDOWN)),
            "cvar5_end_wealth": cvar(end, 0.05),
            "median_invested": float(np.median(self._float(L.INVESTED))),
            "median_interest_paid": float(np.median(self._float(L.INTEREST_PAID))),
            "median_fees_paid": float(np.median(self._float(L.FEES_PAID))),
            "mean_debt_left": float(np.mean(np.maximum(self._float(L.END_LOAN) - self._float(L.END_RISKY), 0))),
            "leveraged_fund": self._drag(),
            "collapse": self._collapse(),
        }
        return out

    def _collapse(self) -> dict[str, Any] | None:
        """The collapse hazards applied (by asset) and the share of paths on which a holding
        collapsed within the horizon (docs/risks.md); None when the plan carries none."""
        from gaemi.results.history import collapse_hazards

        hz = collapse_hazards(self.plan)
        if not hz:
            return None
        applied = self.kind != "backtest"
        col = getattr(L, "COLLAPSE_DAY", None)
        p = event_probability(self._int(col)) if applied and col is not None and self.raw.ints.shape[1] > col \
            else None
        return {"hazards": hz, "applied": applied, "p_collapse": p}

    def _p_end_below(self, floor: float) -> float:
        """Share of paths whose net wealth at the horizon is at or below ``floor`` x money put in."""
        return float(np.mean(self._float(L.END_WEALTH) <= floor * self._float(L.INVESTED)))

    def goal_by_month(self) -> pd.Series | None:
        """The goal's target (cash needed for the home, or the growing amount) at each month end.

        For a home priced by a ``price_index`` (each path has its own price) this is the target
        at the index's average growth (mean monthly log change)."""
        if self.plan.goal is None:
            return None
        from gaemi.engine.spec import build_goal_target

        plan = self.plan
        if plan.goal.kind == "home" and plan.goal.price_index:
            from gaemi.data.catalog import close_history
            from gaemi.scenarios.home_prices import monthly_log_changes

            growth = float(np.expm1(12 * monthly_log_changes(close_history(plan.goal.price_index)).mean()))
            plan = plan.model_validate({**plan.model_dump(),
                                        "goal": {**plan.goal.model_dump(), "price_growth": growth,
                                                 "price_index": None}})
        target = build_goal_target(plan, self.n_days, self.days_per_year)
        n_months = max(1, int(round(self.n_days / (self.days_per_year / 12))))
        days = np.minimum(np.round(np.arange(1, n_months + 1) * self.days_per_year / 12).astype(int) - 1,
                          self.n_days - 1)
        return pd.Series(target[days], index=pd.RangeIndex(1, n_months + 1, name="month"), name="goal")

    def _time_to_goal(self) -> dict[str, float | None]:
        """Quantiles of the years to the goal over all paths (never = not reached: None)."""
        days = self._int(L.GOAL_DAY).astype(float)
        years = np.where(days >= 0, (days + 1) / self.days_per_year, np.inf)
        out: dict[str, float | None] = {}
        for p in (0.1, 0.5, 0.9):
            q = float(np.quantile(years, p, method="inverted_cdf"))
            out[f"p{round(p * 100)}"] = q if np.isfinite(q) else None
        return out

    def _drag(self) -> dict[str, float] | None:
        """Realised volatility drag of the plan's first leveraged holding, per path:
        ``(L ln G_u - ln G_f) / years`` (annual, log), where G are the fund's and the
        underlying's growth over the horizon (held or not); median and quartiles."""
        lev = [h.leverage for h in self.plan.risky_holdings if h.leverage != 1.0]
        if not lev:
            return None
        g_f = self._float(L.FUND_GROWTH)
        g_u = self._float(L.UNDER_GROWTH)
        with np.errstate(divide="ignore"):
            drag = (lev[0] * np.log(g_u) - np.log(g_f)) / self.years
        q = quantiles(drag[np.isfinite(drag)], (0.25, 0.5, 0.75)) if np.isfinite(drag).any() else {}
        return {
            "leverage": lev[0],
            "p_fund_wiped": float(np.mean(g_f <= 0)),
            "median_fund_growth": float(np.median(g_f)),
            "median_underlying_growth": float(np.median(g_u)),
            "median_l_times_underlying_return": float(np.median(lev[0] * (g_u - 1))),
            "median_fund_return": float(np.median(g_f - 1)),
            "drag_log_annual": q,
        }

    def to_frame(self) -> pd.DataFrame:
        """Month-end net wealth: rows = months (1..M), columns = paths; for Monte Carlo runs
        (which do not keep every path's months) the month-end wealth quantiles instead."""
        if self.raw.month_wealth.shape[1] == 0 and self.month_quantiles is not None:
            return self.month_quantiles.copy()
        cols = self.path_labels if self.path_labels is not None else pd.RangeIndex(self.n_paths, name="path")
        return pd.DataFrame(self.raw.month_wealth.T, index=pd.RangeIndex(1, self.raw.month_wealth.shape[1] + 1,
                                                                          name="month"), columns=cols)

    def to_json(self, **kwargs) -> str:
        payload = {"summary": self.summary(), "provenance": self.provenance}
        return json.dumps(_clean(payload), ensure_ascii=False, default=str, **kwargs)

    def save(self, path: str | Path) -> Path:
        """Arrays and provenance in one ``.npz`` file, written atomically; returns its path.

        ``path`` must name a regular file (new or to replace) in an existing folder: a folder,
        a device, a symbolic link or a missing parent folder is a ConfigError naming ``path``
        (see :mod:`gaemi.safe_write`). The file is written in full to a temporary file beside
        it and renamed onto ``path``, so a reader never sees half of one.
        """
        import io

        from gaemi.safe_write import atomic_write_bytes, check_target

        check_target(path, "path")  # refuse a bad target before compressing anything
        buf = io.BytesIO()
        np.savez_compressed(
            buf, month_wealth=self.raw.month_wealth, floats=self.raw.floats, ints=self.raw.ints,
            meta=np.array(json.dumps(_clean({
                "plan": self.plan.model_dump(mode="json"), "kind": self.kind, "n_days": self.n_days,
                "days_per_year": self.days_per_year, "provenance": self.provenance,
                "path_labels": None if self.path_labels is None else [str(x) for x in self.path_labels],
            }), default=str)),
        )
        return atomic_write_bytes(path, buf.getbuffer(), field="path")

    @classmethod
    def load(cls, path: str | Path) -> "SimulationResult":
        """A result written by :meth:`save`; ConfigError naming ``path`` when the file is
        missing, not a regular file, or not a gaemi result."""
        import os
        import stat
        import zipfile

        from gaemi.errors import ConfigError

        allowed = "a .npz file written by SimulationResult.save"
        if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
            raise ConfigError("path", path, allowed)
        try:
            st = os.stat(path)
        except (OSError, ValueError) as err:
            raise ConfigError("path", os.fspath(path), f"{allowed} ({getattr(err, 'strerror', None) or err})") from None
        if not stat.S_ISREG(st.st_mode):
            raise ConfigError("path", os.fspath(path), f"{allowed}; it is not a regular file")
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                raw = RawPaths(z["month_wealth"], z["floats"], z["ints"])
            labels = meta.get("path_labels")
            plan = Plan.model_validate(meta["plan"])
            kind, n_days, dpy, prov = (meta["kind"], meta["n_days"], meta["days_per_year"],
                                       meta["provenance"])
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as err:
            if isinstance(err, ConfigError):
                raise
            msg = " ".join(str(err).split())[:200]
            raise ConfigError("path", os.fspath(path), f"{allowed} ({type(err).__name__}: {msg})") from None
        return cls(
            plan=plan, kind=kind, n_days=n_days, raw=raw,
            days_per_year=dpy, provenance=prov,
            path_labels=None if labels is None else pd.Index(labels),
        )

    def __rich__(self):
        from rich.table import Table

        s = self.summary()
        t = Table(title=f"{self.plan.name} — {self.kind}, {s['paths']} paths, {s['years']:.1f} years")
        t.add_column("figure")
        t.add_column("value", justify="right")
        for k in ("p_goal", "p_forced_sale", "p_wipeout", "p_negative_equity"):
            if s[k] is not None:
                t.add_row(k, f"{s[k]:.1%}")
        for k in ("median_end_wealth", "p5_end_wealth", "median_interest_paid"):
            t.add_row(k, f"{s[k]:,.0f}")
        return t

    def _repr_html_(self) -> str:
        return pd.Series(self.summary()).to_frame("value")._repr_html_()
