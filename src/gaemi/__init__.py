"""gaemi (개미): a risk lab for retail investors.

Public API::

    import gaemi
    plan = gaemi.load_plan("all-in-margin")      # or a TOML file
    res = gaemi.rolling(plan)                     # every monthly start in history
    res.summary(); res.to_frame(); res.events()
    gaemi.backtest(plan, start="2008-01-02").summary()

Importing gaemi has no side effects; heavy modules load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__", "Plan", "load_plan", "backtest", "rolling", "simulate", "compare",
    "SimulationResult", "build_panel", "MarketPanel", "fund_report", "ConfigError", "DataError", "GaemiError",
]

_LAZY = {
    "Plan": ("gaemi.config.plan", "Plan"),
    "load_plan": ("gaemi.config.io", "load_plan"),
    "backtest": ("gaemi.api", "backtest"),
    "rolling": ("gaemi.api", "rolling"),
    "simulate": ("gaemi.montecarlo", "simulate"),
    "compare": ("gaemi.montecarlo", "compare"),
    "SimulationResult": ("gaemi.results.simulation", "SimulationResult"),
    "build_panel": ("gaemi.data", "build_panel"),
    "MarketPanel": ("gaemi.data.panel", "MarketPanel"),
    "fund_report": ("gaemi.fund", "fund_report"),
    "ConfigError": ("gaemi.errors", "ConfigError"),
    "DataError": ("gaemi.errors", "DataError"),
    "GaemiError": ("gaemi.errors", "GaemiError"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        return getattr(importlib.import_module(mod), attr)
    raise AttributeError(f"module 'gaemi' has no attribute {name!r}")
