"""MarketPanel: aligned daily simple returns on one business-day calendar, plus short rates.

Built by :func:`gaemi.data.build_panel` from embedded samples (or the store).
All numbers are in the panel's ``currency``; rates are annual fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gaemi.errors import ConfigError


@dataclass(frozen=True)
class MarketPanel:
    """Aligned market history.

    Attributes
    ----------
    dates : (T,) sessions of ``calendar``; ``returns[t]`` runs from the close of
        the previous session (``base_date`` for t = 0) to the close of ``dates[t]``.
    returns : (T, A) daily simple returns in ``currency``.
    rates : (T, R) annual rates (fractions) in force over the period ending at
        ``dates[t]``: the last value published on or before the previous session
        (forward-filled across non-publication days).
    rate_basis : day-count basis of each rate (360 = ACT/360 for U.S. money-market
        rates, 365 = ACT/365 for KRW rates).
    gap_days : (T,) calendar days between the previous session and ``dates[t]``.
    filled : asset -> sessions on which a missing price was carried forward (a zero
        return that day; the move lands on the next available close). Explicit and
        bounded by ``fill_limit`` in ``build_panel``.
    """

    dates: pd.DatetimeIndex
    assets: tuple[str, ...]
    returns: np.ndarray
    rate_names: tuple[str, ...]
    rates: np.ndarray
    rate_basis: tuple[float, ...]
    gap_days: np.ndarray
    currency: str
    calendar: str
    base_date: pd.Timestamp | None = None
    filled: dict[str, list] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        t = len(self.dates)
        if self.returns.shape != (t, len(self.assets)):
            raise ValueError(f"returns shape {self.returns.shape} != ({t}, {len(self.assets)})")
        if self.rates.shape != (t, len(self.rate_names)):
            raise ValueError(f"rates shape {self.rates.shape} != ({t}, {len(self.rate_names)})")
        if self.gap_days.shape != (t,):
            raise ValueError("gap_days must have one entry per date")

    @property
    def n_days(self) -> int:
        return len(self.dates)

    def asset_index(self, name: str) -> int:
        try:
            return self.assets.index(name)
        except ValueError:
            raise ConfigError("asset", name, f"one of {', '.join(self.assets)}") from None

    def rate_index(self, name: str) -> int:
        try:
            return self.rate_names.index(name)
        except ValueError:
            raise ConfigError("rate", name, f"one of {', '.join(self.rate_names)}") from None

    def new_month(self) -> np.ndarray:
        """(T,) bool: True on the first session of each calendar month (False on day 0)."""
        months = self.dates.year * 12 + self.dates.month
        flag = np.zeros(len(self.dates), dtype=bool)
        flag[1:] = np.asarray(months[1:] != months[:-1])
        return flag

    def slice(self, start=None, end=None) -> "MarketPanel":
        """Sessions with ``start <= date <= end`` (either may be None)."""
        mask = np.ones(len(self.dates), dtype=bool)
        if start is not None:
            mask &= self.dates >= pd.Timestamp(start)
        if end is not None:
            mask &= self.dates <= pd.Timestamp(end)
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            raise ConfigError(
                "start/end", f"{start}..{end}",
                f"dates inside the data, {self.dates[0].date()}..{self.dates[-1].date()}",
            )
        base = self.dates[idx[0] - 1] if idx[0] > 0 else self.base_date
        return MarketPanel(
            dates=self.dates[idx], assets=self.assets, returns=self.returns[idx],
            rate_names=self.rate_names, rates=self.rates[idx], rate_basis=self.rate_basis,
            gap_days=self.gap_days[idx], currency=self.currency, calendar=self.calendar,
            base_date=base, filled=self.filled, provenance=self.provenance,
        )

    def window(self, start=None, end=None) -> "MarketPanel":
        """Invest at the close of the first session on or after ``start`` (the base) and hold to
        the last session on or before ``end``: returns are those dated after the base.

        Dates that do not parse or fall outside the panel raise ConfigError naming ``start``/``end``."""
        lo = self.base_date if self.base_date is not None else self.dates[0]
        for name, value in (("start", start), ("end", end)):
            if value is None:
                continue
            try:
                ts = pd.Timestamp(value)
            except (ValueError, TypeError) as err:
                raise ConfigError(name, value, "a date like 2015-01-02") from err
            if ts is pd.NaT or not (lo <= ts <= self.dates[-1]):
                raise ConfigError(name, str(value), f"a date within the data, {lo.date()}..{self.dates[-1].date()}")
        first = None
        if start is not None:
            ts = pd.Timestamp(start)
            if self.base_date is not None and ts <= self.base_date:
                first = None
            else:
                k = int(np.searchsorted(self.dates.values, np.datetime64(ts), side="left"))
                if k >= len(self.dates) - 1:
                    raise ConfigError("start", str(start), f"a date before {self.dates[-2].date()}")
                first = self.dates[k + 1]
        return self.slice(first, end)

    def to_frame(self) -> pd.DataFrame:
        """Returns and rates as one DataFrame indexed by date."""
        df = pd.DataFrame(self.returns, index=self.dates, columns=list(self.assets))
        for k, name in enumerate(self.rate_names):
            df[f"rate:{name}"] = self.rates[:, k]
        df["gap_days"] = self.gap_days
        return df
