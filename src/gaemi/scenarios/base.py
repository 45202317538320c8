"""The ScenarioSet protocol: what could happen, as blocks of paths.

Every generator (historical windows, bootstrap, GARCH, parametric, crash
injections) returns a :class:`ScenarioSet`. The engine asks it for
:class:`PathBlock` s, ``block(path_start, path_stop)``, and never sees how they
were made. A block is a small *table* of daily rows plus, for each path, the
row to read on each day::

    returns[index[p, d], u]   daily simple return of underlying u on day d of path p
    rates[index[p, d], k]     annual rate (fraction) of rate series k in force over that day
    gap_days[index[p, d]]     calendar days that day spans (for interest accrual)
    new_month[min(p, m-1), d] True on the first session of a month (contributions)

Historical windows and bootstraps share the whole panel as the table and vary
only ``index``; generated returns (parametric, GARCH) bring their own table with
``index = arange``. A crash scenario appends its rows to the table and points the
first days of every path at them. Row counts fit in int64.

Contract (tests/scenarios/test_contract.py runs it over every generator):
shape, finiteness, returns > -1, same seed -> same block, a block does not
depend on how paths are chunked, inputs untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np


@dataclass(frozen=True)
class PathBlock:
    """Paths ``[path_start, path_stop)`` of a scenario set, ready for the engine kernel."""

    path_start: int
    returns: np.ndarray  # (rows, n_underlyings) float64, daily simple returns
    rates: np.ndarray  # (rows, n_rates) float64, annual fractions
    gap_days: np.ndarray  # (rows,) float64, calendar days spanned by the row
    index: np.ndarray  # (paths, days) int64 rows into the table above
    new_month: np.ndarray  # (1 or paths, days) bool

    @property
    def n_paths(self) -> int:
        return int(self.index.shape[0])

    @property
    def n_days(self) -> int:
        return int(self.index.shape[1])

    def gathered_returns(self) -> np.ndarray:
        """(paths, days, underlyings) returns; for tests and small cases only."""
        return self.returns[self.index]


@runtime_checkable
class ScenarioSet(Protocol):
    """What could happen: ``n_paths`` futures of ``n_days`` sessions."""

    underlyings: tuple[str, ...]
    rate_names: tuple[str, ...]
    n_paths: int
    n_days: int
    provenance: dict[str, Any]

    def block(self, path_start: int, path_stop: int) -> PathBlock: ...


def month_grid(n_days: int, days_per_month: int = 21) -> np.ndarray:
    """(1, n_days) bool: a new month every ``days_per_month`` sessions (day 0 excluded).

    Used by simulated futures, which have no calendar: 21 sessions a month,
    252 a year.
    """
    grid = np.zeros((1, n_days), dtype=bool)
    grid[0, days_per_month::days_per_month] = True
    return grid


@dataclass(frozen=True)
class TableScenarioSet:
    """Paths that all read one shared table (historical windows, simple cases).

    ``index`` is (n_paths, n_days); ``new_month`` is (1 or n_paths, n_days).
    """

    underlyings: tuple[str, ...]
    rate_names: tuple[str, ...]
    returns: np.ndarray
    rates: np.ndarray
    gap_days: np.ndarray
    index: np.ndarray
    new_month: np.ndarray
    provenance: dict[str, Any] = field(default_factory=dict)
    start_dates: Any = None  # optional DatetimeIndex: first session of each path

    @property
    def n_paths(self) -> int:
        return int(self.index.shape[0])

    @property
    def n_days(self) -> int:
        return int(self.index.shape[1])

    def block(self, path_start: int, path_stop: int) -> PathBlock:
        nm = self.new_month if self.new_month.shape[0] == 1 else self.new_month[path_start:path_stop]
        return PathBlock(
            path_start=path_start,
            returns=self.returns,
            rates=self.rates,
            gap_days=self.gap_days,
            index=self.index[path_start:path_stop],
            new_month=nm,
        )
