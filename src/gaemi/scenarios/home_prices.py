"""Home-price paths from a home-price index: real history, or a bootstrap of its monthly changes.

Monte Carlo: each path's home price follows a stationary block bootstrap (Politis & Romano 1994)
of the index's month-end log changes, mean block 12 months (housing prices trend for years: whole
blocks keep that momentum), drawn from the path's own SFC64 stream keyed by (seed, purpose 7,
path) — the same home-price future for every plan compared on one seed. Within a month the log
level moves linearly, so a constant index reproduces ``(1 + g) ** ((d + 1) / 252)`` exactly.
Months are 21 sessions, as in every simulated future.

History (backtests and rolling windows): the index's own level on each session (last value on or
before it), relative to the level at the window's base session.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gaemi.errors import ConfigError
from gaemi.scenarios.sfc64 import bootstrap_index, purpose_keys

DAYS_PER_MONTH = 21
HOME_PURPOSE = 7


def monthly_log_changes(levels: pd.Series, name: str = "price_index") -> np.ndarray:
    """Month-end log changes of a price index (daily, weekly or monthly values)."""
    s = levels.dropna()
    s = s[s > 0]
    month_end = s.groupby([s.index.year, s.index.month]).last()
    if len(month_end) < 25:
        raise ConfigError(name, f"{len(month_end)} months", "a home-price index with at least 25 months of values")
    return np.diff(np.log(month_end.to_numpy(dtype=float)))


def multipliers_from_changes(changes: np.ndarray, n_days: int) -> np.ndarray:
    """(paths, n_days) price multipliers from (paths, months) monthly log changes
    (linear in log within a month; day d ends ``(d + 1) / 21`` months in)."""
    n_paths, n_months = changes.shape
    level = np.concatenate([np.zeros((n_paths, 1)), np.cumsum(changes, axis=1)], axis=1)
    t = (np.arange(n_days) + 1) / DAYS_PER_MONTH
    m = np.minimum(np.floor(t).astype(np.int64), n_months - 1)
    frac = t - m
    # (take, not level[:, m]: the same numbers in C order, the layout the engine is compiled for)
    return np.exp(np.take(level, m, axis=1) + np.take(changes, m, axis=1) * frac)


class HomePriceBootstrap:
    """Bootstrapped home-price multipliers for paths ``[a, b)``; see the module doc."""

    def __init__(self, levels: pd.Series, entropy: int, n_days: int, mean_block: float = 12.0,
                 name: str = "goal.price_index") -> None:
        self.changes = monthly_log_changes(levels, name)
        self.n_days = int(n_days)
        self.n_months = self.n_days // DAYS_PER_MONTH + 1
        self.mean_block = float(mean_block)
        self.keys = purpose_keys(entropy, HOME_PURPOSE)

    def multipliers(self, path_start: int, path_stop: int) -> np.ndarray:
        rows = bootstrap_index(self.keys[0], self.keys[1], path_start, path_stop - path_start, self.n_months,
                               self.changes.shape[0], self.mean_block)
        return multipliers_from_changes(self.changes[rows], self.n_days)


def historical_multipliers(levels: pd.Series, base_and_dates: pd.DatetimeIndex, index: np.ndarray,
                           backcast_growth: float | None = None) -> np.ndarray:
    """(paths, days) index level on each session of each window relative to the window's base.

    ``base_and_dates`` is the panel's base date followed by its sessions (so row r of the panel is
    position r + 1); ``index`` holds each path's panel rows.

    Sessions before the index's first value: with ``backcast_growth`` (the goal's
    ``price_growth``), the level is the first value discounted at that annual rate,
    ``L_0 (1 + g) ** ((t - t_0) / 365.25 days)``, so a window that starts earlier follows the
    stated growth until the index begins and the real index after; without it, an error.
    """
    s = levels.dropna().sort_index()
    pos = s.index.searchsorted(base_and_dates, side="right") - 1
    if pos[0] < 0 and backcast_growth is None:
        raise ConfigError("goal.price_index", str(base_and_dates[0].date()),
                          f"an index that starts on or before the history used ({s.index[0].date()} is too late)")
    values = s.to_numpy(dtype=float)
    lv = values[np.maximum(pos, 0)]
    early = pos < 0
    if early.any():
        years = (base_and_dates[early] - s.index[0]).days.to_numpy() / 365.25
        lv[early] = values[0] * (1.0 + backcast_growth) ** years
    return lv[index + 1] / lv[index[:, :1]]


def backcast_note(levels: pd.Series, first_needed, growth: float) -> str | None:
    """A line for a result's provenance when a window starts before the index does."""
    s = levels.dropna()
    start = s.index.min()
    if pd.Timestamp(first_needed) >= start:
        return None
    return (f"home price before {start.date()} (the index's first value) extended at price_growth "
            f"{growth:.1%} a year")
