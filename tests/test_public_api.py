"""The package's public API (issue 15): everything in __all__ resolves, dir() lists it, and
importing gaemi loads no heavy module."""

import subprocess
import sys

import gaemi


def test_every_public_name_resolves_and_is_listed():
    for name in gaemi.__all__:
        assert getattr(gaemi, name) is not None, name
    assert set(gaemi.__all__) <= set(dir(gaemi))
    assert {"simulate", "odds_curve", "solve_need", "heat_from_sample", "parse_money"} <= set(gaemi.__all__)


def test_import_has_no_heavy_side_effects():
    code = "import sys, gaemi; print(sorted(m for m in ('numba', 'pandas', 'duckdb', 'plotly') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_gaemi_colony_is_callable_and_still_the_package():
    """``gaemi.colony(...)`` runs the stress test (issue 17's API) and ``gaemi.colony`` stays the
    package (``from gaemi.colony import ...`` and its modules)."""
    import importlib

    from gaemi.colony import ColonyResult, colony

    res = gaemi.colony(scenario="kospi-limit-down", investors=2000, seed=3)
    assert isinstance(res, ColonyResult)
    a, b = res.summary(), colony(scenario="kospi-limit-down", investors=2000, seed=3).summary()
    a.pop("provenance"), b.pop("provenance")  # carries timings
    assert a == b
    assert importlib.import_module("gaemi.colony.population").__name__ == "gaemi.colony.population"
