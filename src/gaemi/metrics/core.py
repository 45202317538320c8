"""Pure metric functions over arrays (time on axis 0 where there is time).

No I/O, no mutation. Units: wealth in the plan currency; days are sessions;
``periods_per_year`` is always explicit.
"""

from __future__ import annotations

import numpy as np


def event_probability(event_day: np.ndarray) -> float:
    """Share of paths on which an event happened (``event_day >= 0``; -1 = never)."""
    event_day = np.asarray(event_day)
    return float(np.mean(event_day >= 0)) if event_day.size else float("nan")


def probability_by_year(event_day: np.ndarray, n_years: int, days_per_year: float = 252.0) -> list[float]:
    """P(event happened by the end of year k), k = 1..n_years: the empirical CDF of the event time."""
    event_day = np.asarray(event_day)
    out = []
    for k in range(1, n_years + 1):
        limit = k * days_per_year
        out.append(float(np.mean((event_day >= 0) & (event_day < limit))))
    return out


def quantiles(values: np.ndarray, probs=(0.05, 0.25, 0.5, 0.75, 0.95)) -> dict[str, float]:
    """Empirical quantiles (numpy's default linear interpolation, Hyndman & Fan type 7)."""
    values = np.asarray(values, dtype=float)
    qs = np.quantile(values, probs) if values.size else [float("nan")] * len(probs)
    return {f"p{round(p * 100):d}": float(q) for p, q in zip(probs, qs)}


def max_drawdown(wealth: np.ndarray) -> np.ndarray:
    """Largest fall from a running peak, ``max_t (1 - W_t / max_{s<=t} W_s)``, per column.

    ``wealth`` is (time, paths) or (time,). Periods with a non-positive peak count as 0.
    """
    w = np.asarray(wealth, dtype=float)
    peak = np.maximum.accumulate(w, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.where(peak > 0, 1.0 - w / peak, 0.0)
    return np.nanmax(dd, axis=0)


def cvar(values: np.ndarray, alpha: float = 0.05) -> float:
    """Mean of the worst ``alpha`` share of outcomes (expected shortfall, Acerbi & Tasche 2002)."""
    v = np.sort(np.asarray(values, dtype=float))
    k = max(1, int(np.ceil(alpha * v.size)))
    return float(v[:k].mean())


def cagr_from_growth(growth: np.ndarray, years: float) -> np.ndarray:
    """``growth ** (1 / years) - 1`` for a total growth factor (end / start)."""
    return np.power(np.asarray(growth, dtype=float), 1.0 / years) - 1.0
