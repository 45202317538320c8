"""gaemi (개미): a risk lab for retail investors.

Public API::

    import gaemi
    plan = gaemi.load_plan("all-in-margin")      # or a TOML file
    res = gaemi.rolling(plan)                     # every monthly start in history
    res.summary(); res.to_frame(); res.events()
    gaemi.backtest(plan, start="2008-01-02").summary()
    mc = gaemi.simulate(plan, paths=10_000, seed=1)  # Monte Carlo; mc.summary()["history"], ["warnings"]
    gaemi.odds_curve(plan, "0:3:0.5", paths=2000, seed=1).to_frame()
    gaemi.solve_need(plan, solve="saving", seed=1).summary()   # what would a safe plan need?
    gaemi.heat_from_sample().summary()
    gaemi.parse_money("1억 4천만")                 # 140000000
    gaemi.colony(scenario="covid-2020", investors=200_000, seed=1).summary()   # the colony stress test

Importing gaemi has no side effects; heavy modules load on first use.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "__version__", "Plan", "load_plan", "backtest", "rolling", "simulate", "compare",
    "SimulationResult", "build_panel", "MarketPanel", "fund_report", "ConfigError", "DataError", "GaemiError",
    "odds_curve", "OddsCurve", "solve_need", "NeedResult", "heat_from_sample", "heat_from_store", "HeatResult",
    "parse_money", "format_krw", "render_report", "colony", "ColonyResult",
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
    "odds_curve": ("gaemi.odds", "odds_curve"),
    "OddsCurve": ("gaemi.results.odds", "OddsCurve"),
    "solve_need": ("gaemi.need", "need"),  # `gaemi.need` is the module; the function is solve_need here
    "NeedResult": ("gaemi.results.need", "NeedResult"),
    "heat_from_sample": ("gaemi.heat", "heat_from_sample"),
    "heat_from_store": ("gaemi.heat", "heat_from_store"),
    "HeatResult": ("gaemi.heat", "HeatResult"),
    "parse_money": ("gaemi.units", "parse_money"),
    "format_krw": ("gaemi.units", "format_krw"),
    "render_report": ("gaemi.reports", "render_report"),
    "colony": ("gaemi.colony", None),  # the package itself, callable: gaemi.colony(...) runs the stress test
    "ColonyResult": ("gaemi.colony", "ColonyResult"),
}


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"__version__"})


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        mod, attr = _LAZY[name]
        module = importlib.import_module(mod)
        return module if attr is None else getattr(module, attr)
    raise AttributeError(f"module 'gaemi' has no attribute {name!r}")
