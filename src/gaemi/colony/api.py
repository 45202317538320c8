"""``gaemi.colony.colony(...)``: build the population, run the shock with and without feedback and
along the impact curve, and return a :class:`~gaemi.colony.result.ColonyResult`."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from gaemi.errors import ConfigError

DEFAULT_INVESTORS = 100_000
MAX_INVESTORS = 20_000_000
"""Agents per run unless ``GAEMI_MAX_INVESTORS`` raises it (the whole colony is ~14-19M people)."""
ENV_MAX_INVESTORS = "GAEMI_MAX_INVESTORS"
DEFAULT_CURVE = (0.5, 2.0, 4.0)
"""Impact scales of the amplification curve besides 0 and the run's own (each one is a full run)."""
MAX_CURVE_POINTS = 20
MAX_IMPACT = 100.0


def max_investors() -> int:
    """The agent limit: ``GAEMI_MAX_INVESTORS`` (a whole number >= 1) or :data:`MAX_INVESTORS`."""
    raw = os.environ.get(ENV_MAX_INVESTORS)
    if raw is None or not raw.strip():
        return MAX_INVESTORS
    try:
        v = int(raw.strip().replace("_", ""))
    except ValueError:
        v = 0
    if v < 1:
        raise ConfigError(ENV_MAX_INVESTORS, raw, "a whole number >= 1 (environment variable raising a gaemi limit)")
    return v


def check_investors(investors: Any, field: str = "investors") -> int:
    from gaemi.limits import whole_number

    n = whole_number(field, investors)
    limit = max_investors()
    if n > limit:
        raise ConfigError(field, investors, f"at most {limit:,} investors (the limit; raise it deliberately with "
                                            f"{ENV_MAX_INVESTORS}=N)")
    return n


def check_impact(value: Any, field: str = "impact") -> float:
    from gaemi.limits import finite_number

    x = finite_number(field, value)
    if x < 0 or x > MAX_IMPACT:
        raise ConfigError(field, value, f"an impact scale from 0 (no feedback) to {MAX_IMPACT:g} (1 = the table's)")
    return x


def parse_curve(value: Any, field: str = "curve") -> tuple[float, ...]:
    """``"0.5,2,4"`` / a sequence of scales / ``"none"`` or an empty sequence -> tuple of scales."""
    if value is None:
        return DEFAULT_CURVE
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "none"):
            return ()
        parts: Sequence[Any] = [p for p in text.replace(" ", "").split(",")]
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            raise ConfigError(field, value, "impact scales separated by commas, like 0.5,2,4, or none") from None
    else:
        try:
            nums = list(value)
        except TypeError:
            raise ConfigError(field, value, "a list of impact scales") from None
    out = tuple(sorted({check_impact(x, field) for x in nums}))
    if len(out) > MAX_CURVE_POINTS:
        raise ConfigError(field, value, f"at most {MAX_CURVE_POINTS} impact scales")
    return out


def colony(
    scenario: str | None = None,
    shock: Any = None,
    start: Any = None,
    end: Any = None,
    *,
    investors: int = DEFAULT_INVESTORS,
    seed: int | None = None,
    impact: float = 1.0,
    curve: Any = None,
    workers: int = 1,
    scheduler: str | None = None,
    shard_size: int | None = None,
    calibration: Any = None,
    represented: float | None = None,
    params: Any = None,
    population: Any = None,
    progress: Callable[[str, int, int], None] | None = None,
):
    """Stress-test the colony of retail investors.

    Exactly one shock: ``scenario`` (a name from ``gaemi scenarios``), ``shock`` (a TOML file, a
    mapping or a :class:`~gaemi.colony.shock.Shock`) or ``start`` and ``end`` (a window of history).
    ``investors`` agents stand for ``represented`` people (default: the calibration's total);
    ``impact`` scales every bucket's impact coefficient (0 = no feedback); ``curve`` lists the
    extra scales of the amplification curve (``"none"`` for none). ``workers > 1`` runs the shards
    on a dask LocalCluster, ``scheduler`` on an existing dask scheduler: same numbers either way.
    ``population`` replaces the generated one (a :class:`~gaemi.colony.population.Population`).
    Raises ConfigError (field, value, allowed) before any work for bad input.
    """
    from gaemi.colony import run as R
    from gaemi.colony.result import ColonyResult
    from gaemi.colony.shock import make_shock
    from gaemi.limits import check_workers, whole_number
    from gaemi.rng import normalize_seed

    t0 = time.perf_counter()
    impact = check_impact(impact)
    curve_scales = parse_curve(curve)
    workers = check_workers(workers)
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ConfigError("scheduler", scheduler, "the address of a dask scheduler, like tcp://127.0.0.1:8786")
    if population is None:
        investors = check_investors(investors)
    else:
        from gaemi.colony.population import Population

        if not isinstance(population, Population):
            raise ConfigError("population", type(population).__name__, "a gaemi.colony.population.Population")
        investors = population.n
    if represented is not None:
        from gaemi.limits import finite_number

        r = finite_number("represented", represented)
        if r <= 0:
            raise ConfigError("represented", represented, "a number of people > 0")
    shard_size = R.DEFAULT_SHARD if shard_size is None else whole_number("shard_size", shard_size)
    entropy = normalize_seed(seed)
    if params is None:
        params = R.ColonyParams()
    elif isinstance(params, dict):
        try:
            params = R.ColonyParams(**params)
        except TypeError as err:
            raise ConfigError("params", sorted(params), "fields of gaemi.colony.run.ColonyParams") from err
    elif not isinstance(params, R.ColonyParams):
        raise ConfigError("params", type(params).__name__, "a ColonyParams or a dict of its fields")
    if calibration is None or isinstance(calibration, (str, os.PathLike)):
        from gaemi.colony.calibration import load_calibration

        calibration = load_calibration(None if calibration is None else os.fspath(calibration))
    the_shock = make_shock(scenario=scenario, shock=shock, start=start, end=end, calibration=calibration)
    base_calibration = calibration
    margin_as_of = None
    if the_shock.as_of and population is None:
        from gaemi.colony.calibration import calibration_as_of

        calibration = calibration_as_of(calibration, the_shock.as_of)
        m = calibration.margin.balance_krw
        margin_as_of = {"as_of": the_shock.as_of, "balance_krw": float(m.value),
                        "date": getattr(m, "date", None), "source": getattr(m, "source", "")}
    market = R.Market.from_calibration(calibration, params)

    def tell(label: str):
        if progress is None:
            return None
        return lambda day, days: progress(label, day, days)

    t_open = time.perf_counter()
    shards = R.open_shards(market, params, population=population, calibration=calibration, investors=investors,
                           seed=entropy, represented=represented, shard_size=shard_size, workers=workers,
                           scheduler=scheduler)
    try:
        t_pop = time.perf_counter()
        shards.call("prepare")
        totals: dict[str, int] = {}
        for part in shards.call("totals"):
            for k, v in part.items():
                totals[k] = totals.get(k, 0) + int(v)
        t_prepared = time.perf_counter()
        margin_start = totals["margin_loan"]
        returns = the_shock.returns
        main = R.simulate(shards, returns, market, params, impact, margin_start, tell("feedback"))
        baseline = main if impact == 0.0 else R.simulate(shards, returns, market, params, 0.0, margin_start,
                                                         tell("no_feedback"))
        points = []
        for k in sorted(set(curve_scales) | {0.0, impact}):
            if k == impact:
                points.append(main)
            elif k == 0.0:
                points.append(baseline)
            else:
                points.append(R.simulate(shards, returns, market, params, k, margin_start, tell(f"impact {k:g}")))
        n_shards = len(getattr(shards, "runners", getattr(shards, "actors", [])))
    finally:
        shards.close()
    timing = {"total": time.perf_counter() - t0, "draw": t_pop - t_open, "population": t_prepared - t_pop,
              "feedback_run": main.seconds,
              "no_feedback_run": baseline.seconds}
    return ColonyResult(
        shock=the_shock, params=params, main=main, baseline=baseline, curve=points, totals=totals,
        agents=int(investors), seed=entropy, impact=impact, calibration_path=getattr(base_calibration, "path", ""),
        calibration_as_of=getattr(getattr(base_calibration, "meta", None), "as_of", None),
        margin_as_of=margin_as_of, generated=population is None, workers=workers,
        scheduler=scheduler, shards=n_shards, shard_size=shard_size, timing=timing)
