"""What a job runs: the library calls behind ``gaemi simulate/compare/odds``, and their JSON.

Each runner takes the job's validated parameters (Plan objects and checked numbers, see
:mod:`gaemi.web.api`) and a ``progress(fraction)`` function, calls the library exactly as the CLI
does, and returns ``(payload, objects)``: the payload is the dict the CLI prints under ``--json``
(built the same way from the same result objects; no figure is computed here), the objects are
what the HTML report is rendered from.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

log = logging.getLogger("gaemi.web")

Progress = Callable[[float], None]


def _part(progress: Progress, k: int, n: int) -> Callable[[int, int, float], None]:
    """The engine's ``progress(done, total, seconds)`` mapped into part ``k`` of ``n`` of 0..1."""

    def update(done: int, total: int, seconds: float) -> None:
        if total:
            progress((k + min(1.0, done / total)) / n)

    return update


def _mc(params: dict) -> dict[str, Any]:
    return dict(model=params["model"], paths=params["paths"], years=params["years"], seed=params["seed"],
                scenario=params.get("scenario"), scenario_day=params.get("scenario_day", 0),
                chunk_size=params["chunk_size"])


def simulate_payload(results: list, model: str) -> dict[str, Any]:
    """``gaemi simulate --json``: the first result's summary, its years, and for garch the fitted
    parameters (as in :func:`gaemi.cli.app.simulate`)."""
    s = results[0].summary()
    s["years"] = results[0].years
    fitted = results[0].provenance.get("scenario_provenance", {}).get("params") if model == "garch" else None
    if fitted:
        s["model_params"] = fitted
    return s


def run_simulate(params: dict, progress: Progress) -> tuple[dict, Any]:
    from gaemi.montecarlo import simulate_many

    res = simulate_many([params["plan"]], progress=_part(progress, 0, 1), **_mc(params))
    return simulate_payload(res, params["model"]), {"results": res}


def run_compare(params: dict, progress: Progress) -> tuple[dict, Any]:
    from gaemi.montecarlo import compare

    res = compare(list(params["plans"]), progress=_part(progress, 0, 1), **_mc(params))
    return {"plans": [r.summary() for r in res]}, {"results": res}


def run_odds(params: dict, progress: Progress) -> tuple[dict, Any]:
    """``gaemi odds --json`` (the curve's summary), and the plan's own run on the curve's seed,
    as ``gaemi odds --report`` renders it."""
    from gaemi.montecarlo import simulate_many
    from gaemi.odds import odds_curve

    mc = dict(model=params["model"], paths=params["paths"], years=params["years"], seed=params["seed"],
              chunk_size=params["chunk_size"])
    curve = odds_curve(params["plan"], params["leverage"], ruin_limit=params["ruin_limit"],
                       family=params["family"], progress=_part(progress, 0, 2), **mc)
    base = simulate_many([params["plan"]], progress=_part(progress, 1, 2), **{**mc, "seed": curve.seed})
    return curve.summary(), {"results": base, "odds": curve}


def run_colony(params: dict, progress: Progress) -> tuple[dict, Any]:
    """``gaemi colony --json``: :func:`gaemi.colony.colony` called as the command calls it, and its
    ``summary()``; the result object is kept for the report (``gaemi colony --report``)."""
    from gaemi.colony.api import colony

    impact, curve = params["impact"], params["curve"]
    n_runs = 1 + (impact != 0.0) + len(set(curve) - {0.0, impact})
    seen: list[str] = []

    def update(label: str, day: int, days: int) -> None:
        if label not in seen:
            seen.append(label)
        if days:
            progress((len(seen) - 1 + min(1.0, day / days)) / n_runs)

    res = colony(scenario=params.get("scenario"), shock=params.get("shock"), start=params.get("from"),
                 end=params.get("to"), investors=params["investors"], seed=params["seed"], impact=impact,
                 curve=",".join(repr(float(x)) for x in curve) or "none", progress=update)
    return res.summary(), {"colony": res}


RUNNERS = {"simulate": run_simulate, "compare": run_compare, "odds": run_odds, "colony": run_colony}


# --------------------------------------------------------------------------- warm-up
WARM_PLAN = "all-in-margin"  # a margin loan and a home goal: the engine's longest path


def warm_model(model: str) -> float:
    """Load (or compile, on a fresh install) the kernels a run of ``model`` uses, by running the
    smallest such run; returns the seconds it took.

    When the library has :func:`gaemi.warmup.warmup` (``gaemi warmup``), its step for ``model`` is
    used, so the server compiles exactly what the command does; otherwise the plan's own horizon
    with 64 paths (the compiled variant can depend on the horizon's layout, so no shorter one)."""
    t0 = time.perf_counter()
    try:
        from gaemi.warmup import STEPS, warmup
    except ImportError:
        warmup = None
        STEPS = ()
    if warmup is not None and model in STEPS:
        report = warmup(steps=[model])
        errors = [s.error for s in report.steps if s.error]
        if errors:
            raise RuntimeError(errors[0])
    else:
        from gaemi.montecarlo import simulate_many

        kwargs = {} if model == "historical" else {"paths": 64}
        simulate_many([WARM_PLAN], model=model, seed=0, **kwargs)
    return time.perf_counter() - t0
