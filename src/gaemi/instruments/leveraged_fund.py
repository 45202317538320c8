"""Daily-rebalanced leveraged and inverse funds.

Daily return (Avellaneda & Zhang 2010, "Path-dependence of leveraged ETF returns",
SIAM J. Financial Math. 1, eq. 1; Cheng & Madhavan 2009), with fees::

    R_t = L r_t + (1 - L) rf_t - max(L - 1, 0) s_t - expense_ratio / 252

``r_t`` is the underlying's daily simple return, ``rf_t = rate * gap_days / basis``
the short rate accrued over the session's calendar days (ACT/360 for USD rates,
ACT/365 for KRW), ``s_t`` the financing spread on the borrowed part, accrued the
same way. An inverse fund (L < 0) earns ``(1 - L) rf`` on its collateral. A fund
cannot lose more than everything: ``R_t >= -1``, and at zero it stays at zero.

Over continuous time with constant volatility ``sigma`` the log growth is
``ln(F_t/F_0) = L ln(S_t/S_0) - (L^2 - L) sigma^2 t / 2 + financing terms``
(Avellaneda & Zhang, eq. 5): the *volatility drag*.
"""

from __future__ import annotations

import numpy as np


def fund_daily_returns(
    underlying_returns: np.ndarray,
    leverage: float,
    rate: np.ndarray | float = 0.0,
    gap_days: np.ndarray | float = 1.0,
    basis: float = 360.0,
    expense_ratio: float = 0.0,
    financing_spread: float = 0.0,
    termination_drop: float | None = None,
) -> np.ndarray:
    """Daily simple returns of the fund, same shape as ``underlying_returns`` (time on axis 0).

    After a day with ``R <= -termination_drop`` (or ``R = -1``) the fund is closed:
    later returns are 0 (the holder keeps the liquidation value as cash).
    """
    r = np.asarray(underlying_returns, dtype=float)
    rf = np.asarray(rate, dtype=float) * np.asarray(gap_days, dtype=float) / basis
    spread = financing_spread * np.asarray(gap_days, dtype=float) / basis
    borrowed = max(leverage - 1.0, 0.0)
    out = leverage * r + (1.0 - leverage) * rf - borrowed * spread - expense_ratio / 252.0
    out = np.maximum(out, -1.0)
    dead = out <= -1.0
    if termination_drop is not None:
        dead = dead | (out <= -termination_drop)
    if dead.any():
        first = np.argmax(np.cumsum(dead, axis=0) > 0, axis=0)
        has = dead.any(axis=0)
        t = np.arange(out.shape[0]).reshape((-1,) + (1,) * (out.ndim - 1))
        out = np.where(has & (t > first), 0.0, out)
    return out


def volatility_drag(fund_total_return: float, underlying_total_return: float, leverage: float) -> float:
    """Shortfall of the fund against ``leverage`` times the underlying's total return."""
    return leverage * underlying_total_return - fund_total_return
