"""OddsCurve: P(home) and P(ruin) as the plan's exposure grows, on the same futures for every point."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class OddsCurve:
    """One point per exposure. Probabilities are fractions of paths; money in the plan currency.

    ``leverages`` are exposures: market exposure per unit of own money,
    ``sum(risky weight x fund leverage) x (1 + loan_to_equity)`` (:mod:`gaemi.odds`).
    ``plan_leverage`` is the plan's own exposure and ``plan_point`` its index: that point is the
    plan as it is, run in the same call as the others (common random numbers). ``how`` says how
    each point's plan was built (a smaller or larger margin loan, deposits, a daily-levered
    fallback) in words and ``kinds`` as a code (:data:`gaemi.odds.POINT_KINDS`); ``same_futures`` is False for a point that had to run on other futures (it needs a
    series the plan does not) or could not be built (NaN figures).

    ``p_ruin`` is P(any of: a forced sale, net wealth at or below the ruin floor at some close,
    negative equity) (``summary()["p_ruin_any"]``). ``best_within_ruin_limit`` maximises P(goal)
    among the points with ``p_ruin <= ruin_limit`` (ties: the lowest exposure), None when no
    point satisfies the limit or none that does reaches the goal; nothing is ranked by P(goal) alone. ``kelly_leverage`` is the
    growth-optimal leverage of the plan's first underlying, ``(mu - r) / sigma^2`` (arithmetic
    annual drift mu and volatility sigma of its daily returns in the scenario data, r the mean
    financing rate), the peak of expected log growth.
    """

    plan: str
    model: str
    paths: int
    years: float
    seed: int | None
    leverages: np.ndarray
    p_goal: np.ndarray
    p_ruin: np.ndarray
    p_forced_sale: np.ndarray
    p_wipeout_ever: np.ndarray
    median_end_wealth: np.ndarray
    mean_log_growth: np.ndarray  # mean over paths of ln(end wealth / money put in), annualised
    kelly_leverage: float | None
    plan_leverage: float | None = None
    plan_point: int | None = None
    ruin_limit: float | None = 0.05
    best_within_ruin_limit: float | None = None
    p_wipeout_end: np.ndarray | None = None
    p_ruin_floor_ever: np.ndarray | None = None
    p_ruin_floor_end: np.ndarray | None = None
    loan_to_equity: np.ndarray | None = None
    how: list[str] | None = None
    kinds: list[str] | None = None  # gaemi.odds.POINT_KINDS: plan, smaller_loan, ..., daily_fallback, impossible
    same_futures: np.ndarray | None = None
    family: str = "margin"
    wipeout_floor: float = 0.1
    ruin_floor: float = 0.2
    history: dict[str, Any] | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def p_wipeout(self) -> np.ndarray:
        """= ``p_wipeout_ever`` (kept for old scripts)."""
        return self.p_wipeout_ever

    def point(self, k: int) -> dict[str, Any]:
        """The figures of point ``k`` as a dict (``to_frame`` row plus ``how``)."""
        row = self.to_frame().reset_index().iloc[k].to_dict()
        row["how"] = self.how[k] if self.how else None
        row["kind"] = self.kinds[k] if self.kinds else None
        return row

    def to_frame(self) -> pd.DataFrame:
        n = len(self.leverages)

        def opt(a):
            return np.full(n, np.nan) if a is None else a

        return pd.DataFrame({
            "leverage": self.leverages, "p_goal": self.p_goal, "p_ruin": self.p_ruin,
            "p_forced_sale": self.p_forced_sale, "p_wipeout_ever": self.p_wipeout_ever,
            "p_wipeout_end": opt(self.p_wipeout_end), "p_ruin_floor_ever": opt(self.p_ruin_floor_ever),
            "p_ruin_floor_end": opt(self.p_ruin_floor_end),
            "median_end_wealth": self.median_end_wealth, "mean_log_growth": self.mean_log_growth,
            "loan_to_equity": opt(self.loan_to_equity),
            "is_plan": np.arange(n) == (-1 if self.plan_point is None else self.plan_point),
            "same_futures": np.ones(n, dtype=bool) if self.same_futures is None else self.same_futures,
        }).set_index("leverage")

    def summary(self) -> dict[str, Any]:
        from gaemi.results.simulation import SCHEMA_VERSION, _clean

        d = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in asdict(self).items()}
        points = self.to_frame().reset_index().to_dict(orient="records")
        for k, p in enumerate(points):
            p["how"] = self.how[k] if self.how else None
            p["kind"] = self.kinds[k] if self.kinds else None
        d["points"] = points
        d["schema_version"] = SCHEMA_VERSION
        return _clean(d)

    def to_json(self, **kw) -> str:
        return json.dumps(self.summary(), ensure_ascii=False, default=str, **kw)
