"""The Python API behind the CLI: plan + market history -> SimulationResult."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from gaemi.config.io import load_plan
from gaemi.config.plan import Plan
from gaemi.engine.run import run_all
from gaemi.engine.spec import build_spec, plan_asset_names, plan_rate_names
from gaemi.errors import ConfigError
from gaemi.results.simulation import SimulationResult
from gaemi.scenarios.base import TableScenarioSet


def _as_plan(plan: Plan | str) -> Plan:
    """A validated Plan from a Plan, a built-in plan name or a TOML path; ConfigError("plan") else.

    A Plan object is validated again here (``Plan.model_validate(plan.model_dump())``), so a plan
    built round validation -- ``Plan.model_construct(...)``, ``object.__setattr__`` on a frozen
    model, or a pydantic ``model_copy`` of an older gaemi -- cannot run with a value a plan file
    would be refused for. (``Plan.model_copy(update=...)`` itself validates the update.)"""
    from pathlib import Path

    if isinstance(plan, Plan):
        import warnings

        from pydantic import ValidationError

        from gaemi.config.io import validation_to_config_error

        try:
            with warnings.catch_warnings():  # a wrongly typed field warns while it is dumped
                warnings.simplefilter("ignore")
                data = plan.model_dump()
            return Plan.model_validate(data)
        except ValidationError as err:
            raise validation_to_config_error(err) from err
        except Exception as err:  # a field so broken it cannot even be dumped
            raise ConfigError("plan", getattr(plan, "name", "?"), f"a valid Plan ({type(err).__name__}: {err})") \
                from None
    if isinstance(plan, (str, Path)) and str(plan).strip():
        return load_plan(plan)
    raise ConfigError("plan", plan, "a Plan, the name of a built-in plan (gaemi plans) or a TOML file")


def _check_start_end(start: Any, end: Any) -> None:
    """Start after end is refused as such (not as "too few sessions")."""
    if start is None or end is None:
        return
    try:
        a, b = pd.Timestamp(start), pd.Timestamp(end)
    except (ValueError, TypeError):
        return  # the panel names the one that does not parse
    if a is not pd.NaT and b is not pd.NaT and a > b:
        raise ConfigError("start", str(start), f"a date before end ({end}): start is after end")


def plan_panel(plan: Plan, start: Any = None, end: Any = None, extra_rates: tuple[str, ...] = ()):
    """The market panel a plan needs: its assets and rates, in its currency, on its calendar."""
    from gaemi.data import build_panel

    if not plan.underlyings:
        # deposits only: still need a calendar; use the deposit series' market
        assets = ["kospi" if plan.currency == "KRW" else "sp500tr"]
    else:
        assets = plan_asset_names(plan)
    rates = list(dict.fromkeys([*plan_rate_names(plan), *extra_rates]))
    return build_panel(assets, rates=rates, currency=plan.currency, calendar=plan.calendar, start=start, end=end)


def sessions_per_year(dates: pd.DatetimeIndex) -> float:
    """Average sessions per calendar year of a panel's dates."""
    span = (dates[-1] - dates[0]).days / 365.25
    return float(len(dates) / span) if span > 0 else 252.0


def horizon_sessions(dates: pd.DatetimeIndex, years: float) -> int:
    """Sessions in ``years`` calendar years, at the panel's own rate."""
    return int(round(years * sessions_per_year(dates)))


def _run(plan: Plan, panel, scen: TableScenarioSet, kind: str, days_per_year: float, start: Any = None,
         **extra) -> SimulationResult:
    basis = dict(zip(panel.rate_names, panel.rate_basis))
    # collapse/delisting hazard (docs/risks.md): rolling windows draw it with the fixed seed 0 (a
    # deterministic demo); a backtest replays one real path, on which nothing collapsed: none
    spec = build_spec(plan, scen.underlyings, scen.rate_names, scen.n_days, rate_basis=basis,
                      days_per_year=days_per_year, collapse_seed=0 if kind == "rolling" else None)
    goal = plan.goal
    if goal is not None and goal.kind == "home" and goal.price_index:
        import dataclasses

        from gaemi.data.catalog import close_history
        from gaemi.instruments.home_purchase import cash_needed_schedule
        from gaemi.scenarios.home_prices import backcast_note, historical_multipliers

        dates = panel.dates.insert(0, panel.base_date)
        levels = close_history(goal.price_index)
        mult = historical_multipliers(levels, dates, scen.index, backcast_growth=goal.price_growth)
        target = cash_needed_schedule(goal, scen.n_days, days_per_year, mult)["cash_needed"]
        spec = dataclasses.replace(spec, goal_target=target)
        home_note = backcast_note(levels, dates[int(scen.index[:, 0].min())], goal.price_growth)
    else:
        home_note = None
    raw = run_all(spec, scen)
    prov = {
        "data": panel.provenance,
        "calendar": panel.calendar,
        "currency": panel.currency,
        "filled": {k: [str(pd.Timestamp(x).date()) for x in v] for k, v in panel.filled.items() if len(v)},
        **scen.provenance,
    }
    if home_note:
        prov["home_price"] = home_note
    from gaemi.results.history import attach

    attach(prov, panel, plan.underlyings, kind, panel.currency, plan=plan)
    if kind == "backtest":
        prov["history"]["limited_by"] = prov["history"]["limited_by"] if start is None else "start"
    from gaemi import __version__

    prov["gaemi_version"] = __version__
    return SimulationResult(plan=plan, kind=kind, n_days=scen.n_days, raw=raw, days_per_year=days_per_year,
                            provenance=prov, **extra)


def backtest(plan: Plan | str, start: Any = None, end: Any = None) -> SimulationResult:
    """One path: the plan started at ``start`` (snapped to the next session) for its horizon
    or until ``end`` (snapped to the previous session), over the embedded history."""
    plan = _as_plan(plan)
    _check_start_end(start, end)
    full = plan_panel(plan)
    panel = full.window(start, end)
    if end is None:
        base = panel.base_date if panel.base_date is not None else panel.dates[0]
        stop = base + pd.DateOffset(years=int(plan.horizon_years)) if plan.horizon_years == int(
            plan.horizon_years) else base + pd.Timedelta(days=round(plan.horizon_years * 365.25))
        panel = panel.slice(None, stop)
    n = len(panel.dates)
    if n < 2:
        raise ConfigError("start/end", f"{start}..{end}", "at least two sessions")
    nm = panel.new_month()[None, :]
    scen = TableScenarioSet(
        underlyings=panel.assets, rate_names=panel.rate_names, returns=panel.returns, rates=panel.rates,
        gap_days=panel.gap_days, index=np.arange(n)[None, :], new_month=nm,
        provenance={"scenario": "backtest", "start": str(panel.dates[0].date()), "end": str(panel.dates[-1].date())},
    )
    return _run(plan, panel, scen, "backtest", sessions_per_year(full.dates), start=start, day_dates=panel.dates,
                path_labels=pd.Index([str(panel.dates[0].date())], name="start"))


def _rolling_windows(panel, n_days: int, step: str | int = "month", field: str = "horizon_years",
                     years: float | None = None):
    """:func:`gaemi.scenarios.rolling_windows`, with a too-long horizon reported against ``field``."""
    from gaemi.scenarios.historical import rolling_windows

    try:
        return rolling_windows(panel, n_days, step=step)
    except ConfigError as err:
        if err.field != "n_days":
            raise
        # in years, as the user wrote it (sessions are the engine's unit, not the user's)
        per_year = sessions_per_year(panel.dates)
        available = len(panel.dates) / per_year
        base = panel.base_date if panel.base_date is not None else panel.dates[0]
        asked = years if years is not None else n_days / per_year
        raise ConfigError(field, f"{asked:g} years",
                          f"a horizon that fits in the history, at most {available:.1f} years "
                          f"({base.date()}..{panel.dates[-1].date()}, limited by "
                          f"{panel.provenance.get('limited_by', {}).get('start', 'the data')}); "
                          "shorten the horizon or use a Monte Carlo model") from err


def rolling(plan: Plan | str, step: str | int = "month", years: float | None = None) -> SimulationResult:
    """Every window of the plan's horizon in the embedded history, one path per start
    (the first session of each month, or every ``step`` sessions) — as cFIREsim does."""
    from gaemi.limits import check_years

    plan = _as_plan(plan)
    if years is not None:
        check_years(years)
    if not (step == "month" or (isinstance(step, (int, np.integer)) and not isinstance(step, bool) and step > 0)):
        raise ConfigError("step", step, '"month" or a whole number of sessions > 0')
    panel = plan_panel(plan)
    horizon = years if years is not None else plan.horizon_years
    n_days = horizon_sessions(panel.dates, horizon)
    scen = _rolling_windows(panel, n_days, step=step, years=horizon)
    labels = pd.Index([str(pd.Timestamp(d).date()) for d in scen.start_dates], name="start")
    return _run(plan, panel, scen, "rolling", sessions_per_year(panel.dates), path_labels=labels)
