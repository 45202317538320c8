"""OddsCurve: P(home) and P(ruin) as leverage grows, on the same futures for every point."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class OddsCurve:
    """One point per leverage. Probabilities are fractions of paths; money in the plan currency.

    ``best_leverage`` maximises P(goal by the horizon) (ties: the lowest leverage);
    ``kelly_leverage`` is the growth-optimal leverage of the plan's first underlying,
    ``(mu - r) / sigma^2`` (arithmetic annual drift mu and volatility sigma of its daily returns
    in the scenario data, r the mean financing rate), the peak of expected log growth.
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
    p_wipeout: np.ndarray
    median_end_wealth: np.ndarray
    mean_log_growth: np.ndarray  # mean over paths of ln(end wealth / money put in), annualised
    best_leverage: float
    kelly_leverage: float | None
    provenance: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "leverage": self.leverages, "p_goal": self.p_goal, "p_ruin": self.p_ruin,
            "p_forced_sale": self.p_forced_sale, "p_wipeout": self.p_wipeout,
            "median_end_wealth": self.median_end_wealth, "mean_log_growth": self.mean_log_growth,
        }).set_index("leverage")

    def summary(self) -> dict[str, Any]:
        from gaemi.results.simulation import SCHEMA_VERSION, _clean

        d = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in asdict(self).items()}
        d["points"] = self.to_frame().reset_index().to_dict(orient="records")
        d["schema_version"] = SCHEMA_VERSION
        return _clean(d)

    def to_json(self, **kw) -> str:
        return json.dumps(self.summary(), ensure_ascii=False, default=str, **kw)
