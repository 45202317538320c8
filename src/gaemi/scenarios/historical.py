"""Historical windows: every stretch of real history as long as the horizon.

One path per start: the first session of each calendar month (as cFIREsim and
FIRECalc do) or every ``step`` sessions. Paths read the panel's own rows, so
returns, rates and calendar gaps are exactly those of the period; nothing is
random and the seed plays no part.
"""

from __future__ import annotations

import numpy as np

from gaemi.data.panel import MarketPanel
from gaemi.errors import ConfigError
from gaemi.scenarios._common import positive_int, readonly
from gaemi.scenarios.base import TableScenarioSet


def window_starts(panel: MarketPanel, step: str | int = "month") -> np.ndarray:
    """Row numbers at which a window may start.

    ``step="month"``: the first session of each calendar month. Row 0 counts when the
    panel's ``base_date`` lies in an earlier month (so row 0 is the month's first session);
    with no ``base_date`` it is left out, since it cannot be told apart from a mid-month start.
    ``step=k`` (int > 0): rows 0, k, 2k, ...
    """
    if isinstance(step, str):
        if step != "month":
            raise ConfigError("step", step, '"month" or a whole number of sessions > 0')
        flags = panel.new_month().copy()
        if len(panel.dates) and panel.base_date is not None:
            b, d0 = panel.base_date, panel.dates[0]
            flags[0] = (b.year, b.month) != (d0.year, d0.month)
        return np.flatnonzero(flags).astype(np.int64)
    k = positive_int(step, "step")
    return np.arange(0, len(panel.dates), k, dtype=np.int64)


def rolling_windows(panel: MarketPanel, n_days: int, step: str | int = "month") -> TableScenarioSet:
    """Every window of ``n_days`` sessions of ``panel`` that fits, one path per start.

    ``index[p] = start_p + arange(n_days)``; ``new_month[p]`` is the panel's month flag over
    the window with day 0 set False (the plan starts that day); ``start_dates[p]`` is the
    first session of path p. ConfigError when no window fits, naming the horizon and the
    history available.
    """
    n_days = positive_int(n_days, "n_days")
    t = len(panel.dates)
    starts = window_starts(panel, step)
    starts = starts[starts + n_days <= t]
    if starts.size == 0:
        span = f"{panel.dates[0].date()}..{panel.dates[-1].date()}" if t else "no sessions"
        raise ConfigError(
            "n_days", n_days,
            f"a horizon that fits in the history: {t} sessions ({span}) with step={step!r}",
        )
    index = starts[:, None] + np.arange(n_days, dtype=np.int64)[None, :]
    new_month = panel.new_month()[index]
    new_month[:, 0] = False
    return TableScenarioSet(
        underlyings=tuple(panel.assets),
        rate_names=tuple(panel.rate_names),
        returns=readonly(panel.returns),
        rates=readonly(panel.rates),
        gap_days=readonly(panel.gap_days),
        index=index,
        new_month=new_month,
        provenance={
            "scenario": "historical",
            "model": "historical",
            "step": step,
            "n_days": n_days,
            "windows": int(starts.size),
            "first_start": str(panel.dates[starts[0]].date()),
            "last_start": str(panel.dates[starts[-1]].date()),
        },
        start_dates=panel.dates[starts],
    )
