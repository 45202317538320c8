"""Tiny synthetic scenarios for engine tests (no market data)."""

from __future__ import annotations

import numpy as np

from gaemi.config import plan_from_dict
from gaemi.engine.run import months_in, run_path_block
from gaemi.engine.spec import build_spec
from gaemi.scenarios.base import PathBlock, month_grid


def plan(**kw):
    base = dict(name="t", investor=dict(capital=100.0), holdings=[dict(asset="a", weight=1.0)])
    base.update(kw)
    return plan_from_dict(base)


def run(p, returns, rate=0.0, gap=1.0, new_month=None, implementation="compiled", rate_basis=360.0):
    """Run plan ``p`` on explicit returns: (days, underlyings) for one path or (paths, days, underlyings)."""
    r = np.asarray(returns, dtype=float)
    if r.ndim == 1:
        r = r[:, None]
    if r.ndim == 2:
        r = r[None]
    n_paths, n_days, n_u = r.shape
    # the assets are USD-quoted and plans are KRW unless they say so: a fund's FX column (the
    # dollar's return in won) is a zero column here, so the won return is the fund's own
    table = np.concatenate([r.reshape(n_paths * n_days, n_u), np.zeros((n_paths * n_days, 1))], axis=1)
    index = np.arange(n_paths * n_days).reshape(n_paths, n_days)
    rates = np.broadcast_to(np.asarray(rate, dtype=float), (n_paths * n_days,)).reshape(-1, 1).copy()
    gaps = np.broadcast_to(np.asarray(gap, dtype=float), (n_paths * n_days,)).copy()
    nm = np.zeros((1, n_days), dtype=bool) if new_month is None else np.asarray(new_month, dtype=bool).reshape(1, -1)
    block = PathBlock(0, table, rates, gaps, index, nm)
    names = [chr(ord("a") + k) for k in range(n_u)] + ["fx:USD"]
    spec = build_spec(p, names, ["us_effr"], n_days, rate_basis={"us_effr": rate_basis},
                      asset_currency=lambda n: "USD")
    return run_path_block(spec, block, months_in(nm), implementation)


__all__ = ["plan", "run", "month_grid"]
