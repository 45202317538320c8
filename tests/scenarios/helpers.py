"""Synthetic MarketPanels for the scenario tests (no dependency on the embedded data)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gaemi.data.panel import MarketPanel


def make_panel(returns: np.ndarray, assets=None, rates=None, rate_names=("kr_cd91",),
               start="2001-01-02", gap_days=None, freq="B") -> MarketPanel:
    """A MarketPanel on business days from ``start`` with the given (T, A) returns."""
    returns = np.asarray(returns, dtype=float)
    t, a = returns.shape
    assets = tuple(assets or [f"a{k}" for k in range(a)])
    dates = pd.bdate_range(start, periods=t + 1) if freq == "B" else pd.date_range(start, periods=t + 1)
    base, dates = dates[0], dates[1:]
    if rates is None:
        rates = np.tile(np.linspace(0.01, 0.05, len(rate_names)), (t, 1)) + 1e-4 * np.arange(t)[:, None] / t
    if gap_days is None:

        gap_days = np.diff(np.concatenate([[base], dates]).astype("datetime64[D]")).astype(float)
    return MarketPanel(
        dates=dates, assets=assets, returns=returns, rate_names=tuple(rate_names),
        rates=np.asarray(rates, dtype=float), rate_basis=(365.0,) * len(rate_names),
        gap_days=np.asarray(gap_days, dtype=float), currency="KRW", calendar="XKRX", base_date=base,
    )


def gjr_garch_returns(n: int, seed: int, params=None, corr: float = 0.6) -> np.ndarray:
    """(n, 2) simple daily returns whose percent log returns follow GJR-GARCH(1,1)-t
    (simulated by arch itself), the two assets' shocks correlated through a shared draw."""
    from arch.univariate import GARCH, ConstantMean, StudentsT

    rng = np.random.default_rng(seed)
    out = []
    for k in range(2):
        p = np.asarray(params if params is not None else [0.05, 0.02, 0.05, 0.10, 0.88, 6.0])
        m = ConstantMean(None, volatility=GARCH(p=1, o=1, q=1), distribution=StudentsT(seed=rng))
        out.append(m.simulate(p, n)["data"].to_numpy())
    y = np.column_stack(out)
    y[:, 1] = corr * y[:, 0] + np.sqrt(1 - corr**2) * y[:, 1]
    return np.expm1(y / 100.0)
