"""Stationary block bootstrap of the panel's joint daily rows (Politis & Romano 1994).

Each path strings together blocks of consecutive history. A block starts at a
uniformly drawn row and runs on for a geometric number of sessions with mean
``mean_block``; the history is read circularly (row T follows row T-1 by row 0).
Whole rows move together - every asset's return, the rates and the calendar gap
of the same date - so cross-asset correlation survives exactly and volatility
clustering survives within blocks.

Index generation (habit 1: draw, then compute) is compiled and keyed by path: path ``p``
draws from its own SFC64 stream seeded by ``(seed, p)`` (:mod:`gaemi.scenarios.sfc64`), so a
block of paths is the same whatever chunk or worker asks for it. With ``q = 1 / mean_block``,
on each day one uniform ``u``; day 0, and any day with ``u < q``, starts a new block at row
``floor(u * T / q)`` (day 0: ``floor(u * T)``; given ``u < q``, ``u / q`` is again uniform);
otherwise the next row, circularly (:func:`gaemi.scenarios.sfc64.next_bootstrap_row`). The fused
engine kernel (``engine.kernels.run_block_bootstrap``) draws the very same rows inline, 64 paths
in lock-step, so the Monte Carlo engine never materialises the (paths x days) index for this
model.

References: D. N. Politis and J. P. Romano (1994), "The Stationary Bootstrap",
JASA 89(428), 1303-1313. Default block length: ``arch.bootstrap.optimal_block_length``
(Politis & White 2004, corrected by Patton, Politis & White 2009).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gaemi.data.panel import MarketPanel
from gaemi.errors import ConfigError, DataError
from gaemi.rng import normalize_seed
from gaemi.scenarios._common import check_range, positive_int, readonly
from gaemi.scenarios.base import PathBlock, month_grid
from gaemi.scenarios.sfc64 import bootstrap_index, seed_keys


def default_mean_block(returns: np.ndarray) -> int:
    """Mean block length: the largest ``stationary`` column of
    ``arch.bootstrap.optimal_block_length`` over the assets, rounded, at least 1."""
    from arch.bootstrap import optimal_block_length

    r = np.asarray(returns, dtype=float)
    if r.ndim != 2 or r.shape[0] < 2:
        raise DataError(f"need at least two rows of returns to choose a block length, got shape {r.shape}")
    try:
        opt = optimal_block_length(r)
    except Exception as exc:  # arch's own errors, translated at the edge
        raise DataError(f"arch.bootstrap.optimal_block_length failed: {exc}") from exc
    col = np.asarray(opt["stationary"], dtype=float)
    col = col[np.isfinite(col)]
    if col.size == 0:
        return 1
    return max(1, int(round(float(col.max()))))


class StationaryBootstrap:
    """``n_paths`` bootstrap futures of ``n_days`` sessions drawn from ``panel``.

    Parameters
    ----------
    panel : the history to resample (its arrays are shared read-only, never copied or changed).
    n_paths, n_days : paths and sessions per path (> 0).
    seed : int >= 0 or None (fresh entropy, recorded in ``provenance["seed"]``).
    mean_block : mean block length in sessions (>= 1); None -> :func:`default_mean_block`.
    """

    def __init__(self, panel: MarketPanel, n_paths: int, n_days: int, seed: int | None,
                 mean_block: float | None = None) -> None:
        self.n_paths = positive_int(n_paths, "n_paths")
        self.n_days = positive_int(n_days, "n_days")
        self.entropy = normalize_seed(seed)
        t = len(panel.dates)
        if t < 1:
            raise DataError("the panel has no rows to bootstrap")
        if mean_block is None:
            mb: float = float(default_mean_block(panel.returns))
            source = "arch.bootstrap.optimal_block_length (stationary, max over assets)"
        else:
            if (isinstance(mean_block, bool) or not isinstance(mean_block, (int, float, np.integer, np.floating))
                    or not math.isfinite(float(mean_block)) or float(mean_block) < 1.0):
                raise ConfigError("mean_block", mean_block, "a number of sessions >= 1")
            mb = float(mean_block)
            source = "given"
        self.mean_block = mb
        self.underlyings = tuple(panel.assets)
        self.rate_names = tuple(panel.rate_names)
        self._returns = readonly(panel.returns)
        self._rates = readonly(panel.rates)
        self._gap_days = readonly(panel.gap_days)
        self._n_rows = t
        self.new_month = month_grid(self.n_days)
        self.provenance: dict[str, Any] = {
            "scenario": "bootstrap",
            "model": "bootstrap",
            "method": "stationary block bootstrap (Politis & Romano 1994), circular, joint rows; "
                      "per-path SFC64 streams",
            "seed": self.entropy,
            "mean_block": mb,
            "mean_block_source": source,
            "history_start": str(panel.dates[0].date()),
            "history_end": str(panel.dates[-1].date()),
            "history_rows": t,
            "n_paths": self.n_paths,
            "n_days": self.n_days,
        }

    @property
    def keys(self) -> tuple[int, int]:
        """The two 64-bit keys of the per-path SFC64 streams."""
        return seed_keys(self.entropy)

    def block(self, path_start: int, path_stop: int) -> PathBlock:
        a, z = check_range(path_start, path_stop, self.n_paths)
        k0, k1 = self.keys
        index = bootstrap_index(k0, k1, a, z - a, self.n_days, self._n_rows, self.mean_block)
        return PathBlock(
            path_start=a,
            returns=self._returns,
            rates=self._rates,
            gap_days=self._gap_days,
            index=np.ascontiguousarray(index),
            new_month=self.new_month,
        )
