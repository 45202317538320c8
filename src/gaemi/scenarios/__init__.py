"""Scenario generators: what could happen, as a :class:`ScenarioSet`.

    from gaemi.scenarios import make_scenarios, inject, get_crash
    scen = make_scenarios("bootstrap", panel, n_paths=10_000, n_days=2520, seed=7)
    scen = inject(scen, get_crash("covid-2020"))

Models: ``historical`` (rolling windows of real history), ``bootstrap`` (stationary block
bootstrap of joint rows), ``garch`` (GJR-GARCH(1,1)-t filtered historical simulation),
``parametric`` (Student-t / normal with jumps and collapses). Every block of paths is
keyed by (seed, path block), never by chunk or worker. Methods, formulas and sources:
``docs/scenarios.md``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gaemi.errors import ConfigError
from gaemi.scenarios.base import PathBlock, ScenarioSet, TableScenarioSet, month_grid
from gaemi.scenarios.bootstrap import StationaryBootstrap, default_mean_block
from gaemi.scenarios.crashes import (
    ALIASES, CRASHES, Crash, CrashInjected, default_asset_map, get_crash, inject, list_crashes, max_drawdown,
)
from gaemi.scenarios.garch import GarchFHS, fit_gjr_garch, gjr_garch_paths
from gaemi.scenarios.historical import rolling_windows, window_starts
from gaemi.scenarios.parametric import PERIODS_PER_YEAR, Jump, Parametric

MODELS = ("historical", "bootstrap", "garch", "parametric")

_OPTIONS = {
    "historical": ("step",),
    "bootstrap": ("mean_block",),
    "garch": ("mean", "dist", "params"),
    "parametric": ("underlyings", "annual_drift", "annual_vol", "corr", "dist", "df", "rate", "jumps",
                   "collapse_hazard", "collapse_loss"),
}


def calibrate(panel) -> dict[str, Any]:
    """Annual geometric drift, volatility and correlation of ``panel``'s daily log returns at
    252 sessions a year (the inputs :class:`Parametric` takes): ``drift = exp(252 * mean) - 1``,
    ``vol = sqrt(252) * std``, ``corr`` = sample correlation (identity for one asset)."""
    x = np.log1p(np.asarray(panel.returns, dtype=float))
    if x.shape[0] < 2:
        raise ConfigError("panel", x.shape[0], "at least two sessions to calibrate from")
    drift = np.expm1(PERIODS_PER_YEAR * x.mean(axis=0))
    vol = math.sqrt(PERIODS_PER_YEAR) * x.std(axis=0, ddof=1)
    corr = np.corrcoef(x, rowvar=False) if x.shape[1] > 1 else np.eye(1)
    return {"annual_drift": drift.tolist(), "annual_vol": vol.tolist(), "corr": np.atleast_2d(corr).tolist()}


def make_scenarios(model: str, panel, n_paths: int, n_days: int, seed: int | None, **options: Any) -> ScenarioSet:
    """One ScenarioSet of ``model`` (historical | bootstrap | garch | parametric).

    ``historical`` returns every window that fits (its path count is set by the history, not
    ``n_paths``) and ignores ``seed``. ``parametric`` may run without a panel; with one, the
    underlyings default to the panel's assets, missing ``annual_drift`` / ``annual_vol`` /
    ``corr`` are calibrated from it (:func:`calibrate`) and a single ``rate`` (default 0.03)
    is used for each of the panel's rate series. Options per model: ``step``;
    ``mean_block``; ``mean``, ``dist``, ``params``; and Parametric's keyword arguments.
    """
    if not isinstance(model, str) or model not in MODELS:
        raise ConfigError("model", model, "one of " + ", ".join(MODELS))
    if isinstance(n_paths, bool) or not isinstance(n_paths, (int, np.integer)) or n_paths <= 0:
        raise ConfigError("n_paths", n_paths, "a whole number of paths > 0")
    if isinstance(n_days, bool) or not isinstance(n_days, (int, np.integer)) or n_days <= 0:
        raise ConfigError("n_days", n_days, "a whole number of sessions > 0")
    from gaemi.limits import ENV, check_paths, max_years

    check_paths(n_paths, field="n_paths")
    if n_days > max_years() * 366:  # a 24/7 calendar has up to 366 sessions a year
        raise ConfigError("n_days", n_days, f"at most {max_years() * 366:,} sessions ({max_years()} years: the "
                          f"limit; raise it deliberately with {ENV['years']}=N)")
    unknown = [k for k in options if k not in _OPTIONS[model]]
    if unknown:
        raise ConfigError(f"options.{unknown[0]}", options[unknown[0]],
                          f"an option of the {model} model: " + (", ".join(_OPTIONS[model]) or "none"))
    if panel is None and model != "parametric":
        raise ConfigError("panel", None, f"market data for the {model} model")
    if model == "historical":
        return rolling_windows(panel, int(n_days), **options)
    if model == "bootstrap":
        return StationaryBootstrap(panel, n_paths, n_days, seed, **options)
    if model == "garch":
        return GarchFHS(panel, n_paths, n_days, seed, **options)
    opts = dict(options)
    if panel is not None:
        opts.setdefault("underlyings", tuple(panel.assets))
        if any(k not in opts for k in ("annual_drift", "annual_vol", "corr")):
            if tuple(opts["underlyings"]) != tuple(panel.assets):
                missing = [k for k in ("annual_drift", "annual_vol") if k not in opts]
                if missing:
                    raise ConfigError(missing[0], None, "a value when the underlyings differ from the panel's")
            else:
                for k, v in calibrate(panel).items():
                    opts.setdefault(k, v)
        rate = opts.get("rate", 0.03)
        if not isinstance(rate, dict) and panel.rate_names:
            opts["rate"] = {name: rate for name in panel.rate_names}
    for k in ("underlyings", "annual_drift", "annual_vol"):
        if k not in opts:
            raise ConfigError(k, None, f"a value (the parametric model needs {k})")
    return Parametric(n_paths=n_paths, n_days=n_days, seed=seed, **opts)


__all__ = [
    "ALIASES", "CRASHES", "MODELS", "PERIODS_PER_YEAR",
    "Crash", "CrashInjected", "GarchFHS", "Jump", "Parametric", "PathBlock", "ScenarioSet",
    "StationaryBootstrap", "TableScenarioSet",
    "calibrate", "default_asset_map", "default_mean_block", "fit_gjr_garch", "get_crash", "gjr_garch_paths",
    "inject", "list_crashes", "make_scenarios", "max_drawdown", "month_grid", "rolling_windows",
    "window_starts",
]
