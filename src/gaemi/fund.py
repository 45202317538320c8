"""Synthesise a daily-reset leveraged/inverse fund from an embedded underlying."""

from __future__ import annotations

from typing import Any

import numpy as np

from gaemi.engine.spec import financing_rate_name, fx_asset_name
from gaemi.errors import ConfigError
from gaemi.instruments.leveraged_fund import STRUCTURES, default_structure, fund_daily_returns, held_in_currency

# Sessions a year used to annualise volatility: gaemi's one convention (the fee accrues
# expense_ratio / 252 a session; scenarios.calibrate and the parametric model use 252 too).
PERIODS_PER_YEAR = 252


def _annual_vol(daily: np.ndarray) -> float:
    return float(np.std(daily, ddof=1) * np.sqrt(PERIODS_PER_YEAR))


def fund_report(
    underlying: str,
    leverage: float,
    expense_ratio: float = 0.0095,
    financing_spread: float | None = None,
    rate: str | None = None,
    start: Any = None,
    end: Any = None,
    currency: str | None = None,
    structure: str | None = None,
) -> dict[str, Any]:
    """Total return, CAGR, volatility and volatility drag of the fund over ``start..end``
    (snapped to sessions), in ``currency``.

    The fund resets daily in its underlying's own currency, ``R_t = L r_t + (1 - L) rf_t -
    e(L) s_t - expense_ratio / 252`` (:func:`gaemi.instruments.leveraged_fund.fund_daily_returns`),
    with the financing spread charged on the exposure ``e(L)`` of ``structure``: ``"swap"``
    (U.S. funds: ``max(L - 1, 0)``) or ``"futures"`` (KRX funds: ``L - 1`` long, ``|L|``
    inverse); default by the underlying's currency (:func:`default_structure`).

    ``currency``: None or the underlying's own currency gives the fund as its own holders see
    it. The other currency (``"KRW"`` for a USD underlying) gives the fund *held* in it: one panel
    is built in that currency with the underlying and its ``fx:<own>`` column (the daily return
    of one unit of the underlying's currency, sampled as of each session exactly as the panel
    converts the underlying), so both share the same sessions by construction; the own-currency
    return is recovered as ``r_own = (1 + r_held) / (1 + r_fx) - 1`` and the holder earns
    ``(1 + R_t)(1 + r_fx,t) - 1`` (:func:`held_in_currency`): the exchange rate is borne once,
    never levered. This is the panel the engine runs a plan holding the fund on. ``total_return``,
    ``cagr``, ``underlying_*`` (the underlying converted at the same rates), ``drag*`` and both
    volatilities are then in ``currency``; ``fx_total_return`` is the move of one unit of the
    underlying's currency in ``currency`` over the window (None in the own-currency view).

    ``drag = L * underlying_total_return - total_return`` (positive = the fund fell short of L
    times the underlying); ``drag_cagr`` is the same on annual growth rates.
    ``drag_log_annual = (L ln(1+R_u) - ln(1+R_f)) / years`` is the realised log drag a year. The
    exchange rate is not levered, so in a held view these include ``(L - 1)`` times the FX move;
    ``drag_log_annual_own_currency`` is the realised log drag in the underlying's currency, the one
    to compare with Avellaneda & Zhang's ``(L^2 - L) sigma^2 / 2`` (``drag_theory_annual``), where
    sigma is the *underlying's* annualised volatility in its own currency (the returns the fund
    resets on), never the fund's.

    Volatilities: ``annual_volatility`` is the fund's, ``std(daily fund returns, ddof=1) *
    sqrt(252)``; ``underlying_annual_volatility`` the underlying's, the same way (252 sessions a
    year, :data:`PERIODS_PER_YEAR`, for every calendar: gaemi's one convention, so a 24/7 crypto
    underlying's figure is per 252 days, not per calendar year). CAGR uses calendar years
    between the base close and the last close.
    """
    from gaemi.data import build_panel, series_info

    from gaemi.limits import finite_number

    if not isinstance(underlying, str) or not underlying:
        raise ConfigError("underlying", underlying, "the name of a price series (gaemi data list)")
    if finite_number("leverage", leverage) == 0 or abs(leverage) > 5:
        raise ConfigError("leverage", leverage, "a non-zero number between -5 and 5")
    if not (0 <= finite_number("expense_ratio", expense_ratio) < 0.2):
        raise ConfigError("expense_ratio", expense_ratio, "an annual fraction in [0, 0.2)")
    if financing_spread is not None and not (0 <= finite_number("financing_spread", financing_spread) < 0.2):
        raise ConfigError("financing_spread", financing_spread, "an annual fraction in [0, 0.2)")
    if rate is not None and (not isinstance(rate, str) or not rate):
        raise ConfigError("rate", rate, "the name of a rate series (us_effr, kr_cd91, ...), or None")
    if currency is not None and not isinstance(currency, str):
        raise ConfigError("currency", currency, "KRW or USD, or None")
    if structure is not None and not isinstance(structure, str):
        raise ConfigError("structure", structure, " or ".join(STRUCTURES))
    from gaemi.api import _check_start_end

    _check_start_end(start, end)
    leverage = float(leverage)
    info = series_info(underlying)
    if info.kind != "price":
        raise ConfigError("underlying", underlying, "a price series (not a rate or FX series)")
    own = info.currency
    others = [c for c in ("KRW", "USD") if c != own] if own in ("KRW", "USD") else []
    view = own if currency is None else (currency.strip().upper() if isinstance(currency, str) else currency)
    if view != own and view not in others:
        raise ConfigError("currency", currency, f"{own} (the underlying's, default)" + "".join(f" or {c}" for c in others))
    if structure is None:
        structure = default_structure(own)
    if structure not in STRUCTURES:
        raise ConfigError("structure", structure, " or ".join(STRUCTURES))
    if financing_spread is None:  # the calibrated default for the structure and direction
        from gaemi.config.plan import default_spread

        financing_spread = default_spread(structure, leverage)
    rate_name = financing_rate_name(underlying, rate)

    fx_col = fx_asset_name(own, view)
    names = [underlying] if fx_col is None else [underlying, fx_col]
    panel = build_panel(names, rates=[rate_name], currency=view, start=None, end=None)
    panel = panel.window(start, end)
    r_view = panel.returns[:, 0]  # the underlying in the view currency (converted as of each session)
    if fx_col is None:
        r_own, r_fx = r_view, None
    else:
        r_fx = panel.returns[:, 1]
        r_own = (1.0 + r_view) / (1.0 + r_fx) - 1.0
    f_own = fund_daily_returns(r_own, leverage, rate=panel.rates[:, 0], gap_days=panel.gap_days,
                               basis=panel.rate_basis[0], expense_ratio=expense_ratio,
                               financing_spread=financing_spread, structure=structure)
    f = f_own if r_fx is None else held_in_currency(f_own, r_fx)

    total = float(np.prod(1 + f) - 1)
    under_total = float(np.prod(1 + r_view) - 1)
    total_own = float(np.prod(1 + f_own) - 1)
    under_total_own = float(np.prod(1 + r_own) - 1)
    sigma_own = _annual_vol(r_own)
    base = panel.base_date if panel.base_date is not None else panel.dates[0]
    years = (panel.dates[-1] - base).days / 365.25
    cagr = (1 + total) ** (1 / years) - 1 if total > -1 else -1.0
    ucagr = (1 + under_total) ** (1 / years) - 1

    def log_drag(fund_total: float, under: float) -> float | None:
        return float((leverage * np.log1p(under) - np.log1p(fund_total)) / years) if fund_total > -1 else None

    return {
        "underlying": underlying,
        "currency": view,
        "underlying_currency": own,
        "structure": structure,
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
        "fx_total_return": None if r_fx is None else float(np.prod(1 + r_fx) - 1),
        "drag": leverage * under_total - total,
        "drag_cagr": leverage * ucagr - cagr,
        "drag_log_annual": log_drag(total, under_total),
        "drag_log_annual_own_currency": log_drag(total_own, under_total_own),
        "drag_theory_annual": (leverage**2 - leverage) * sigma_own**2 / 2,
        "annual_volatility": _annual_vol(f),
        "underlying_annual_volatility": _annual_vol(r_view),
    }
