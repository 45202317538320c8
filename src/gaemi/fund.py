"""Synthesise a daily-reset leveraged/inverse fund from an embedded underlying."""

from __future__ import annotations

from typing import Any

import numpy as np

from gaemi.engine.spec import financing_rate_name
from gaemi.errors import ConfigError
from gaemi.instruments.leveraged_fund import fund_daily_returns


def fund_report(
    underlying: str,
    leverage: float,
    expense_ratio: float = 0.0095,
    financing_spread: float = 0.004,
    rate: str | None = None,
    start: Any = None,
    end: Any = None,
) -> dict[str, Any]:
    """Total return, CAGR and volatility drag of the fund over ``start..end`` (snapped to sessions).

    Works in the underlying's own currency. ``drag = L * underlying_total_return - total_return``
    (positive = the fund fell short of L times the underlying); ``drag_cagr`` is the same
    on annual growth rates. ``drag_log_annual = (L ln(1+R_u) - ln(1+R_f)) / years`` is the realised
    log drag a year, to compare with Avellaneda & Zhang's ``(L^2 - L) sigma^2 / 2``
    (``drag_theory_annual``, sigma from the sample). CAGR uses calendar years between the base close and the last close.
    """
    from gaemi.data import build_panel, series_info

    if leverage == 0 or not np.isfinite(leverage) or abs(leverage) > 5:
        raise ConfigError("leverage", leverage, "a non-zero number between -5 and 5")
    if not (0 <= expense_ratio < 0.2):
        raise ConfigError("expense_ratio", expense_ratio, "an annual fraction in [0, 0.2)")
    if not (0 <= financing_spread < 0.2):
        raise ConfigError("financing_spread", financing_spread, "an annual fraction in [0, 0.2)")
    info = series_info(underlying)
    if info.kind != "price":
        raise ConfigError("underlying", underlying, "a price series (not a rate or FX series)")
    rate_name = financing_rate_name(underlying, rate)
    panel = build_panel([underlying], rates=[rate_name], currency=info.currency, start=None, end=None)
    panel = panel.window(start, end)
    r_u = panel.returns[:, 0]
    f = fund_daily_returns(r_u, leverage, rate=panel.rates[:, 0], gap_days=panel.gap_days,
                           basis=panel.rate_basis[0], expense_ratio=expense_ratio,
                           financing_spread=financing_spread)
    total = float(np.prod(1 + f) - 1)
    vol = float(np.std(r_u, ddof=1) * np.sqrt(252))
    under_total = float(np.prod(1 + r_u) - 1)
    base = panel.base_date if panel.base_date is not None else panel.dates[0]
    years = (panel.dates[-1] - base).days / 365.25
    cagr = (1 + total) ** (1 / years) - 1 if total > -1 else -1.0
    ucagr = (1 + under_total) ** (1 / years) - 1
    return {
        "underlying": underlying,
        "currency": info.currency,
        "start": str(panel.dates[0].date()),
        "end": str(panel.dates[-1].date()),
        "years": years,
        "leverage": leverage,
        "expense_ratio": expense_ratio,
        "financing_spread": financing_spread,
        "rate": rate_name,
        "total_return": total,
        "cagr": cagr,
        "underlying_total_return": under_total,
        "underlying_cagr": ucagr,
        "drag": leverage * under_total - total,
        "drag_cagr": leverage * ucagr - cagr,
        "drag_log_annual": (leverage * np.log1p(under_total) - np.log1p(total)) / years if total > -1 else None,
        "drag_theory_annual": (leverage**2 - leverage) * vol**2 / 2,
        "annual_volatility": vol,
    }
