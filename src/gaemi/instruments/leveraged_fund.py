"""Daily-rebalanced leveraged and inverse funds.

Daily return (Avellaneda & Zhang 2010, "Path-dependence of leveraged ETF returns",
SIAM J. Financial Math. 1, eq. 1; Cheng & Madhavan 2009), with fees::

    R_t = L r_t + (1 - L) rf_t - e(L) s_t - expense_ratio / 252

``r_t`` is the underlying's daily simple return, ``rf_t = rate * gap_days / basis``
the short rate accrued over the session's calendar days (ACT/360 for USD rates,
ACT/365 for KRW), ``s_t`` the financing spread, accrued the same way, on the exposure
``e(L)`` (:func:`spread_exposure`). An inverse fund (L < 0) earns ``(1 - L) rf`` on its
collateral. A fund cannot lose more than everything: ``R_t >= -1``, and at zero it stays
at zero.

Swap-based funds (ProShares, Direxion: total-return swaps on the index) pay the spread over
the short rate on what they borrow, ``e(L) = max(L - 1, 0)``. Futures-based funds (KRX
leveraged and inverse ETFs, which hold KOSPI 200 futures): a futures position earns the
index's *total* return less the short rate plus the basis, and the fund earns the short rate
on its collateral, so ``R = L (r_TR - rf + b) + rf``, the formula above with ``r_t`` the total
return; the basis and roll cost ``-b`` is charged as the spread on the futures exposure beyond
1x for long funds (the first 1x is fully funded by the collateral), ``e(L) = L - 1``, and on the
whole short exposure for inverse funds, ``e(L) = |L|``.

A fund on an underlying quoted in another currency than the holder's resets daily in its own
currency; the holder bears the exchange rate once: ``(1 + R_t) (1 + r_fx,t) - 1``
(:func:`held_in_currency`), never ``L`` times the converted return.

Over continuous time with constant volatility ``sigma`` the log growth is
``ln(F_t/F_0) = L ln(S_t/S_0) - (L^2 - L) sigma^2 t / 2 + financing terms``
(Avellaneda & Zhang, eq. 5): the *volatility drag*.
"""

from __future__ import annotations

import numpy as np


STRUCTURES = ("swap", "futures")


def default_structure(underlying_currency: str) -> str:
    """KRW underlyings (KRX funds) are futures-based; others (U.S. funds) swap-based."""
    return "futures" if underlying_currency == "KRW" else "swap"


def spread_exposure(leverage: float, structure: str = "swap") -> float:
    """The exposure (a multiple of the fund's value) the financing spread is charged on:
    ``max(L - 1, 0)`` for ``"swap"``; for ``"futures"`` the same for long funds and ``|L|``
    for inverse funds (see the module docstring)."""
    if structure not in STRUCTURES:
        raise ValueError(f"structure {structure!r}: one of {', '.join(STRUCTURES)}")
    if structure == "futures" and leverage < 0:
        return -float(leverage)
    return max(float(leverage) - 1.0, 0.0)


def held_in_currency(fund_returns: np.ndarray, fx_returns: np.ndarray) -> np.ndarray:
    """Daily returns of a fund held in another currency: ``(1 + R_fund)(1 + r_fx) - 1``, with
    ``r_fx`` the daily return of one unit of the fund's currency in the holder's."""
    return (1.0 + np.asarray(fund_returns, dtype=float)) * (1.0 + np.asarray(fx_returns, dtype=float)) - 1.0


def fund_daily_returns(
    underlying_returns: np.ndarray,
    leverage: float,
    rate: np.ndarray | float = 0.0,
    gap_days: np.ndarray | float = 1.0,
    basis: float = 360.0,
    expense_ratio: float = 0.0,
    financing_spread: float = 0.0,
    termination_drop: float | None = None,
    structure: str = "swap",
) -> np.ndarray:
    """Daily simple returns of the fund, same shape as ``underlying_returns`` (time on axis 0).

    After a day with ``R <= -termination_drop`` (or ``R = -1``) the fund is closed:
    later returns are 0 (the holder keeps the liquidation value as cash).
    """
    r = np.asarray(underlying_returns, dtype=float)
    rf = np.asarray(rate, dtype=float) * np.asarray(gap_days, dtype=float) / basis
    spread = financing_spread * np.asarray(gap_days, dtype=float) / basis
    exposure = spread_exposure(leverage, structure)
    out = leverage * r + (1.0 - leverage) * rf - exposure * spread - expense_ratio / 252.0
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
