"""Monte Carlo: a plan over many simulated futures, in chunks, on one core, many, or a cluster.

Every path's randomness comes from ``(seed, path block)`` alone (:mod:`gaemi.rng`), chunks are
cut on path-block boundaries, and statistics are reduced per chunk into additive pieces
(per-path scalars, and per-month wealth histograms on fixed bins), so the numbers do not depend
on the chunk size, the number of threads or workers, or which worker ran which chunk.

Memory is bounded by the chunk. Bootstrap and parametric futures are drawn inside the engine
(64 paths at a time per thread), so a chunk holds its month-end wealth (``chunk_size x months x
8`` bytes) and the per-path results (~170 bytes a path); garch and historical futures also hold
the chunk's rows (``chunk_size x days x 8`` bytes: 10 years, 4096 paths a chunk, ~85 MB).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from gaemi.config.plan import Plan
from gaemi.engine import layout as L
from gaemi.engine.run import RawPaths, months_in, run_path_block
from gaemi.engine.spec import EngineSpec, build_spec, plan_asset_names, plan_rate_names
from gaemi.errors import ConfigError
from gaemi.results.simulation import SimulationResult
from gaemi.rng import PATH_BLOCK, normalize_seed

MODELS = ("bootstrap", "garch", "parametric", "historical")
DAYS_PER_YEAR = 252
DEFAULT_CHUNK = 4096
FAN_QUANTILES = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


# --------------------------------------------------------------------------- wealth histograms
@dataclass(frozen=True)
class WealthBins:
    """Fixed bin edges for month-end wealth: 64 bins per octave, mirrored around zero.

    Positive edges are ``2**e * (1 + s/64)`` for ``s = 0..63`` over ``octaves`` octaves centred
    on ``2**floor(log2(scale))`` (30 octaves: at least ``scale * 10**-4 .. scale * 10**4``),
    then the same negated for negative wealth, plus 0 and +-inf. A bin is 1/64 of an octave wide
    (~1.1 %; 0.8-1.6 % of its lower edge), so quantiles read from the histogram are within one
    bin, ~1.1 %, of the exact ones. The edges sit where a float64's exponent and top 6 mantissa bits change,
    so the compiled histogram reads each value's bin from its bits (no logarithm).
    """

    scale: float
    octaves: int = 30

    def exponents(self) -> tuple[int, int]:
        """``(e_lo, octaves)``: positive edges run from ``2**e_lo`` to ``2**(e_lo + octaves)``
        (kept inside the normal float64 range)."""
        _, ex = np.frexp(float(self.scale))  # scale = m * 2**ex, 0.5 <= m < 1
        e_lo = min(max(int(ex) - 1 - self.octaves // 2, -1022), 1023 - self.octaves)
        return e_lo, int(self.octaves)

    def edges(self) -> np.ndarray:
        from gaemi.metrics.histogram import PER_OCTAVE

        e_lo, octaves = self.exponents()
        mant = 1.0 + np.arange(PER_OCTAVE) / PER_OCTAVE
        grid = np.ldexp(mant[None, :], np.arange(e_lo, e_lo + octaves)[:, None]).ravel()
        pos = np.append(grid, np.ldexp(1.0, e_lo + octaves))
        return np.concatenate([[-np.inf], -pos[::-1], [0.0], pos, [np.inf]])

    def n_bins(self) -> int:
        from gaemi.metrics.histogram import PER_OCTAVE

        return 2 * (PER_OCTAVE * int(self.octaves) + 1) + 2

    def histogram(self, month_wealth: np.ndarray) -> np.ndarray:
        """(months, bins) counts of paths x months wealth; NaN (a path with fewer months) and
        +-inf are not counted."""
        from gaemi.metrics.histogram import histogram_rows

        e_lo, octaves = self.exponents()
        values = np.ascontiguousarray(month_wealth.T, dtype=np.float64)
        out = np.zeros((values.shape[0], self.n_bins()), dtype=np.int64)
        # months x paths, contiguous (the engine's own layout: no copy)
        histogram_rows(values, e_lo, octaves, out)
        return out

    def quantiles(self, counts: np.ndarray, probs: Sequence[float]) -> np.ndarray:
        """(months, len(probs)) quantiles by linear interpolation inside the bin."""
        edges = self.edges()
        lo = np.where(np.isfinite(edges[:-1]), edges[:-1], edges[1:])
        hi = np.where(np.isfinite(edges[1:]), edges[1:], edges[:-1])
        out = np.full((counts.shape[0], len(probs)), np.nan)
        for k in range(counts.shape[0]):
            c = counts[k]
            n = c.sum()
            if n == 0:
                continue
            cum = np.cumsum(c)
            for j, p in enumerate(probs):
                target = p * n
                b = int(np.searchsorted(cum, target, side="left"))
                b = min(b, len(c) - 1)
                prev = cum[b - 1] if b > 0 else 0
                frac = (target - prev) / c[b] if c[b] else 0.0
                out[k, j] = lo[b] + frac * (hi[b] - lo[b])
        return out


# --------------------------------------------------------------------------- chunk work
@dataclass
class ChunkStats:
    path_start: int
    floats: np.ndarray
    ints: np.ndarray
    month_hist: np.ndarray
    seconds: float


def run_chunk(specs: Sequence[EngineSpec], scenarios, path_start: int, path_stop: int, n_months: int,
              bins: Sequence[WealthBins], implementation: str = "compiled",
              single_thread: bool = False, goals: Sequence[Any] | None = None,
              outputs: Sequence[RawPaths] | None = None) -> list[ChunkStats]:
    """Simulate paths ``[path_start, path_stop)`` for every plan spec on the same block of
    futures and reduce them (this is also the dask task). ``goals[k]``, when given, returns the
    per-path goal targets of plan k for the path range (home prices from an index).
    ``outputs[k]``, when given, are the buffers plan k's fused kernel writes into (a serial run
    passes rows of its whole-run arrays and one reused month-end buffer: no per-chunk
    allocation, no concatenation)."""
    import dataclasses

    if goals:
        specs = [dataclasses.replace(sp, goal_target=g(path_start, path_stop)) if g is not None else sp
                 for sp, g in zip(specs, goals)]
    if single_thread:
        try:
            import numba

            numba.set_num_threads(1)
        except Exception:  # pragma: no cover
            pass
    from gaemi.engine.run import run_bootstrap_fused, run_parametric_fused
    from gaemi.scenarios.bootstrap import StationaryBootstrap
    from gaemi.scenarios.parametric import Parametric

    t0 = time.perf_counter()
    fused = {StationaryBootstrap: run_bootstrap_fused, Parametric: run_parametric_fused}.get(type(scenarios)) \
        if implementation == "compiled" else None
    block = None if fused else scenarios.block(path_start, path_stop)
    out = []
    for k, (spec, b) in enumerate(zip(specs, bins)):
        if fused:
            raw = fused(spec, scenarios, path_start, path_stop, n_months, outputs[k] if outputs else None)
        else:
            raw = run_path_block(spec, block, n_months, implementation)
            if outputs:
                outputs[k].floats[:] = raw.floats
                outputs[k].ints[:] = raw.ints
        out.append(ChunkStats(path_start, raw.floats, raw.ints, b.histogram(raw.month_wealth),
                              time.perf_counter() - t0))
    return out


def _chunks(n_paths: int, chunk_size: int) -> list[tuple[int, int]]:
    size = max(PATH_BLOCK, -(-chunk_size // PATH_BLOCK) * PATH_BLOCK)
    return [(a, min(a + size, n_paths)) for a in range(0, n_paths, size)]


# --------------------------------------------------------------------------- scenarios
def _validate(paths: int, years: float, model: str) -> None:
    """Paths, years and model against :mod:`gaemi.limits`, before anything is allocated."""
    from gaemi.limits import check_paths, check_years

    check_paths(paths)
    check_years(years)
    if years * DAYS_PER_YEAR < 21:
        raise ConfigError("years", years, "at least one month (1/12 year)")
    if not isinstance(model, str) or model not in MODELS:
        raise ConfigError("model", model, f"one of {', '.join(MODELS)}")


def _validate_run(paths: Any, years: Any, model: Any, chunk_size: Any, workers: Any, scheduler: Any,
                  implementation: Any, scenario: Any, scenario_day: Any, model_options: Any,
                  progress: Any) -> None:
    """Every argument of :func:`simulate_many` but the plans, checked before any data is read or
    memory allocated: a ConfigError naming the argument (limits: :mod:`gaemi.limits`)."""
    from gaemi.engine.run import IMPLEMENTATIONS
    from gaemi.limits import check_chunk, check_workers, whole_number

    if years is not None:
        _validate(paths, years, model)
    else:
        from gaemi.limits import check_paths

        check_paths(paths)
        if not isinstance(model, str) or model not in MODELS:
            raise ConfigError("model", model, f"one of {', '.join(MODELS)}")
    check_chunk(chunk_size)
    check_workers(workers)
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ConfigError("scheduler", scheduler, "the address of a dask scheduler, like tcp://127.0.0.1:8786")
    if not isinstance(implementation, str) or implementation not in IMPLEMENTATIONS:
        raise ConfigError("implementation", implementation, " or ".join(IMPLEMENTATIONS))
    if scenario is not None and not isinstance(scenario, str):
        raise ConfigError("scenario", scenario, "the name of a crash (gaemi scenarios), or None")
    whole_number("scenario_day", scenario_day, lo=0)
    if model_options is not None and not isinstance(model_options, dict):
        raise ConfigError("model_options", model_options, "a dict of the model's options, or None")
    if progress is not None and not callable(progress):
        raise ConfigError("progress", progress, "a function (done, total, seconds), or None")


def _plans_arg(plans: Any) -> list[Plan]:
    """``plans`` as validated Plans: a list (or tuple) of Plans, plan names or TOML paths."""
    from pathlib import Path

    from gaemi.api import _as_plan

    if isinstance(plans, (str, Path, Plan)) or not isinstance(plans, (list, tuple)):
        raise ConfigError("plans", plans if not isinstance(plans, Plan) else plans.name,
                          "a list of plans (Plan objects, built-in names or TOML files)")
    if not plans:
        raise ConfigError("plans", [], "at least one plan")
    return [_as_plan(p) for p in plans]


def make_plan_scenarios(plans: Sequence[Plan], model: str, paths: int, years: float, seed: int,
                        scenario: str | None = None, scenario_day: int = 0,
                        model_options: dict[str, Any] | None = None):
    """One ScenarioSet for all ``plans`` (the union of their assets): common random numbers."""
    from gaemi.scenarios import make_scenarios

    first = plans[0]
    assets: list[str] = []
    rates: list[str] = []
    for p in plans:
        if p.currency != first.currency:
            raise ConfigError("currency", p.currency, f"the same currency for every plan compared ({first.currency})")
        assets += [a for a in plan_asset_names(p) if a not in assets]
        rates += [r for r in plan_rate_names(p) if r not in rates]
    from gaemi.data import build_panel

    panel = build_panel(assets or ["kospi"], rates=rates, currency=first.currency, calendar=first.calendar)
    n_days = int(round(years * DAYS_PER_YEAR))
    if model == "historical":
        from gaemi.api import _rolling_windows

        scen = _rolling_windows(panel, n_days, field="years", years=years)
    else:
        scen = make_scenarios(model, panel, paths, n_days, seed, **(model_options or {}))
    if scenario:
        from gaemi.scenarios import get_crash, inject

        crash = get_crash(scenario)
        if not isinstance(scenario_day, (int, np.integer)) or scenario_day < 0 or \
                scenario_day + crash.n_days > scen.n_days:
            raise ConfigError("scenario_day", scenario_day,
                              f"a session from 0 to {scen.n_days - crash.n_days} (the crash lasts {crash.n_days})")
        scen = inject(scen, crash, day=scenario_day, lookup=panel)
    return panel, scen


def scenario_stats(scen, basis: dict[str, float], sample_paths: int = 1024) -> dict[str, Any]:
    """Annualised moments of the scenarios' daily simple returns (from the first paths):
    ``mu = 252 * mean``, ``sigma = sqrt(252 * var)`` per underlying, and each rate's mean accrual
    a year (``252 * mean(rate * gap_days / basis)``). Used for the Kelly leverage."""
    blk = scen.block(0, min(scen.n_paths, sample_paths))
    # the sampled path-days as how often each table row is read: moments are weighted sums over
    # the table (the same numbers as gathering every path-day, without the gathers); a block
    # whose rows are its path-days, each read once (generated futures), needs no weights
    idx = blk.index.ravel()
    once = idx.size == blk.returns.shape[0] and bool((idx == np.arange(idx.size)).all())
    count = None if once else np.bincount(idx, minlength=blk.returns.shape[0]).astype(np.float64)
    n = float(idx.size)

    def total(x: np.ndarray) -> float:
        return float(x.sum()) if count is None else float(count @ x)

    out: dict[str, Any] = {"underlyings": {}, "rates": {}}
    for k, name in enumerate(scen.underlyings):
        r = blk.returns[:, k]
        mean = total(r) / n
        var = total((r - mean) ** 2) / n
        out["underlyings"][name] = {"mu": mean * DAYS_PER_YEAR, "sigma": float(np.sqrt(var * DAYS_PER_YEAR))}
    for k, name in enumerate(scen.rate_names):
        acc = blk.rates[:, k] * blk.gap_days / basis.get(name, 365.0)
        out["rates"][name] = total(acc) / n * DAYS_PER_YEAR
    return out


def home_targets(plan: Plan, scen, panel, entropy: int, model: str):
    """Per-path goal targets for a home goal with a ``price_index`` (None otherwise): the index's
    real levels over each historical window, or its bootstrapped monthly changes in Monte Carlo."""
    goal = plan.goal
    if goal is None or goal.kind != "home" or not goal.price_index:
        return None
    from gaemi.data.catalog import close_history
    from gaemi.instruments.home_purchase import HomeTargets
    from gaemi.scenarios.home_prices import HomePriceBootstrap, historical_multipliers

    levels = close_history(goal.price_index)
    if model == "historical":
        dates = panel.dates.insert(0, panel.base_date) if panel.base_date is not None else panel.dates
        source = historical_multipliers(levels, dates, scen.index if panel.base_date is not None else scen.index - 1,
                                        backcast_growth=goal.price_growth)
        return HomeTargets(goal, scen.n_days, source, DAYS_PER_YEAR)
    return HomeTargets(goal, scen.n_days, HomePriceBootstrap(levels, entropy, scen.n_days), DAYS_PER_YEAR)


# --------------------------------------------------------------------------- run
def _execute(specs: list[EngineSpec], scen, chunk_size: int, workers: int, scheduler: str | None,
             bins: list[WealthBins], progress: Callable[[int, int, float], None] | None,
             implementation: str, goals: list[Any] | None = None) -> list[list[ChunkStats]]:
    chunks = _chunks(scen.n_paths, chunk_size)
    n_months = months_in(scen.new_month) if hasattr(scen, "new_month") else int(scen.n_days // 21 + 2)
    results: list[list[ChunkStats]] = [[] for _ in specs]
    t0 = time.perf_counter()
    done_paths = 0

    def collect(stats: list[ChunkStats], n: int) -> None:
        # histograms are summed as chunks arrive (kept on the first chunk), so memory does not
        # grow with the number of chunks; per-path scalars are kept
        nonlocal done_paths
        for k, st in enumerate(stats):
            if results[k]:
                results[k][0].month_hist += st.month_hist
                st.month_hist = None
            results[k].append(st)
        done_paths += n
        if progress:
            progress(done_paths, scen.n_paths, time.perf_counter() - t0)

    if workers <= 1 and not scheduler:
        # write every chunk's per-path outputs in place into whole-run arrays and reuse one
        # month-end buffer per chunk size: fresh memory costs page faults on every chunk
        whole = [(np.zeros((scen.n_paths, L.N_FLOAT)), np.zeros((scen.n_paths, L.N_INT), dtype=np.int64))
                 for _ in specs]
        month_buffers: dict[tuple[int, int], np.ndarray] = {}
        for a, b in chunks:
            outputs = []
            for k in range(len(specs)):
                buf = month_buffers.get((k, b - a))
                if buf is None:
                    buf = month_buffers[(k, b - a)] = np.empty((n_months, b - a))
                outputs.append(RawPaths(buf.T, whole[k][0][a:b], whole[k][1][a:b]))
            collect(run_chunk(specs, scen, a, b, n_months, bins, implementation, False, goals, outputs), b - a)
        for k, (floats, ints) in enumerate(whole):  # one part: the whole run's arrays
            first = results[k][0]
            results[k] = [ChunkStats(0, floats, ints, first.month_hist, sum(c.seconds for c in results[k]))]
        return results
    from distributed import as_completed

    client, cluster = open_client(workers, scheduler)
    try:
        scen_f = client.scatter(scen, broadcast=True)
        futures = {client.submit(run_chunk, specs, scen_f, a, b, n_months, bins, implementation, True, goals,
                                 pure=False): b - a for a, b in chunks}
        for fut in as_completed(list(futures)):
            collect(fut.result(), futures[fut])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return results


def open_client(workers: int, scheduler: str | None):
    """``(client, cluster)``: a dask client on the scheduler at ``scheduler`` (cluster None), or on a
    new LocalCluster of ``workers`` single-threaded processes; a cluster that cannot start is a
    ConfigError naming ``workers``. The caller closes both (the Monte Carlo runs and the colony)."""
    from distributed import Client, LocalCluster

    if scheduler:
        return _connect_scheduler(scheduler), None
    cluster = None
    try:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        return Client(cluster), cluster
    except (OSError, TimeoutError) as err:
        if cluster is not None:
            cluster.close()
        raise ConfigError("workers", workers, f"local worker processes that start ({err})") from err


def _probe_scheduler(address: str, timeout: float) -> None:
    """Open a dask comm to ``address`` and complete the handshake within ``timeout`` seconds, in a
    thread of its own (so it works inside a running event loop too). distributed's ``connect`` has
    a timeout on the TCP connect but none on the handshake: a live port that is not a scheduler
    (accepts and says nothing) would hang ``Client(...)`` forever."""
    import asyncio
    import concurrent.futures

    from distributed.comm import connect

    async def probe() -> None:
        comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
        await comm.close()

    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gaemi-scheduler-probe")
    try:
        pool.submit(asyncio.run, probe()).result(timeout + 5.0)
    finally:
        pool.shutdown(wait=False)


def _connect_scheduler(scheduler: str):
    """A ``distributed.Client`` on a scheduler that answered the handshake and has a worker, each
    step bounded by :func:`gaemi.limits.scheduler_timeout` (10 s; ``GAEMI_SCHEDULER_TIMEOUT``);
    any failure is a ConfigError naming ``scheduler``."""
    import asyncio
    import concurrent.futures

    from distributed import Client

    from gaemi.limits import ENV, scheduler_timeout

    timeout = scheduler_timeout()
    what = (f"the address of a running dask scheduler answering within {timeout:g} s "
            f"(the limit; {ENV['scheduler_timeout']}=SECONDS raises it)")
    client = None
    try:
        _probe_scheduler(scheduler, timeout)
        client = Client(scheduler, timeout=f"{timeout}s")
        client.wait_for_workers(1, timeout=timeout)
    except (asyncio.TimeoutError, concurrent.futures.TimeoutError, TimeoutError) as err:
        if client is not None:
            client.close()
        raise ConfigError("scheduler", scheduler, f"{what}; no answer, or no worker, in time "
                                                  f"({type(err).__name__})") from None
    except Exception as err:  # a port that speaks something else: garbage bytes, a refused connection
        if client is not None:
            client.close()
        raise ConfigError("scheduler", scheduler, f"{what}; {type(err).__name__}: {err}") from None
    return client


def _assemble(plan: Plan, parts: list[ChunkStats], bins: WealthBins, n_days: int, model: str,
              provenance: dict[str, Any]) -> SimulationResult:
    hist = parts[0].month_hist  # the sum over every chunk (see _execute.collect)
    parts = sorted(parts, key=lambda c: c.path_start)
    floats = parts[0].floats if len(parts) == 1 else np.concatenate([c.floats for c in parts])
    ints = parts[0].ints if len(parts) == 1 else np.concatenate([c.ints for c in parts])
    fan = pd.DataFrame(bins.quantiles(hist, FAN_QUANTILES),
                       columns=[f"p{round(q * 100)}" for q in FAN_QUANTILES],
                       index=pd.RangeIndex(1, hist.shape[0] + 1, name="month"))
    raw = RawPaths(np.zeros((floats.shape[0], 0)), floats, ints)
    return SimulationResult(plan=plan, kind=model, n_days=n_days, raw=raw, days_per_year=DAYS_PER_YEAR,
                            provenance=provenance, month_quantiles=fan)


def simulate_many(
    plans: Sequence[Plan | str],
    model: str = "bootstrap",
    paths: int = 10_000,
    years: float | None = None,
    seed: int | None = None,
    scenario: str | None = None,
    scenario_day: int = 0,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Callable[[int, int, float], None] | None = None,
    model_options: dict[str, Any] | None = None,
    implementation: str = "compiled",
) -> list[SimulationResult]:
    """Several plans on the same futures (common random numbers)."""
    _validate_run(paths, years, model, chunk_size, workers, scheduler, implementation, scenario, scenario_day,
                  model_options, progress)
    entropy = normalize_seed(seed)
    plans = _plans_arg(plans)
    years = float(years if years is not None else plans[0].horizon_years)
    _validate(paths, years, model)
    panel, scen = make_plan_scenarios(plans, model, paths, years, entropy, scenario, scenario_day, model_options)
    basis = dict(zip(panel.rate_names, panel.rate_basis))
    specs = [build_spec(p, scen.underlyings, scen.rate_names, scen.n_days, rate_basis=basis,
                        days_per_year=DAYS_PER_YEAR, collapse_seed=entropy) for p in plans]
    bins = [WealthBins(scale=max(p.investor.capital + 12 * p.investor.monthly_saving, 1.0)) for p in plans]
    goals = [home_targets(p, scen, panel, entropy, model) for p in plans]
    stats = scenario_stats(scen, basis)
    t0 = time.perf_counter()
    parts = _execute(specs, scen, chunk_size, workers, scheduler, bins, progress, implementation,
                     goals if any(g is not None for g in goals) else None)
    seconds = time.perf_counter() - t0
    from gaemi import __version__

    out = []
    for p, part, b in zip(plans, parts, bins):
        prov = {
            "model": model, "seed": entropy, "paths": int(scen.n_paths), "years": years,
            "scenario": scenario, "scenario_day": scenario_day, "data": panel.provenance,
            "data_range": [str(panel.dates[0].date()), str(panel.dates[-1].date())],
            "scenario_provenance": getattr(scen, "provenance", {}), "seconds": seconds,
            "underlying_stats": stats["underlyings"], "rate_stats": stats["rates"],
            "gaemi_version": __version__,
        }
        from gaemi.results.history import attach

        attach(prov, panel, p.underlyings, model, panel.currency, plan=p)
        if model == "historical" and p.goal is not None and p.goal.kind == "home" and p.goal.price_index:
            from gaemi.data.catalog import close_history
            from gaemi.scenarios.home_prices import backcast_note

            note = backcast_note(close_history(p.goal.price_index), panel.base_date or panel.dates[0],
                                 p.goal.price_growth)
            if note:
                prov["home_price"] = note
        out.append(_assemble(p, part, b, scen.n_days, model, prov))
    return out


def simulate(plan: Plan | str, model: str = "bootstrap", paths: int = 10_000, years: float | None = None,
             seed: int | None = None, **kwargs) -> SimulationResult:
    """A plan over ``paths`` simulated futures of ``years`` years (252 sessions a year)."""
    return simulate_many([plan], model=model, paths=paths, years=years, seed=seed, **kwargs)[0]


def _own_history(plan: Plan) -> dict[str, Any]:
    """The span of history ``plan`` alone would stand on (its own assets and rates)."""
    from gaemi.api import plan_panel
    from gaemi.results.history import history_of

    return history_of(plan_panel(plan))


def compare(plans: Sequence[Plan | str], **kwargs) -> list[SimulationResult]:
    """Plans side by side on the same futures (common random numbers).

    The futures are drawn from the history every plan has data for (the common span). A plan whose
    own assets reach further back or later is also run alone on its own span (same seed, model,
    paths, years and crash), and its result says so: ``provenance["own_history"]`` holds its own
    span and headline odds there, and a ``common_span`` warning states both spans and the change
    the narrowing makes to P(home), P(wiped out, ever) and P(ruin)."""
    plans = _plans_arg(plans)
    results = simulate_many(plans, **kwargs)
    if len(results) < 2:
        return results
    common = results[0].provenance["history"]
    alone_kwargs = {**kwargs, "progress": None}
    for plan, res in zip(plans, results):
        own = _own_history(plan)
        if own["start"] >= common["start"] and own["end"] <= common["end"]:
            continue
        alone = simulate_many([plan], **alone_kwargs)[0].summary()
        mine = res.summary()
        keys = ("p_goal", "p_wipeout_ever", "p_ruin_any", "median_end_wealth")
        res.provenance["own_history"] = {"history": own, **{k: alone[k] for k in keys}}

        def pct(x):
            return "n/a" if x is None else f"{x:.1%}"

        lim = common.get("limited_by")
        res.provenance.setdefault("warnings", []).append({
            "code": "common_span",
            "message": (f"Compared on the common span {common['start']}..{common['end']} ({common['years']:.1f} years"
                        f"{', limited by ' + lim if lim else ''}); on its own history {own['start']}..{own['end']} "
                        f"({own['years']:.1f} years) this plan has P(home) {pct(alone['p_goal'])} instead of "
                        f"{pct(mine['p_goal'])}, P(ruin) {pct(alone['p_ruin_any'])} instead of "
                        f"{pct(mine['p_ruin_any'])}."),
            "message_ko": (f"비교는 모든 계획에 데이터가 있는 {common['start']} ~ {common['end']} ({common['years']:.1f}년"
                           f"{', ' + lim + ' 때문' if lim else ''}) 기간으로 했습니다. 이 계획만의 역사 {own['start']} ~ "
                           f"{own['end']} ({own['years']:.1f}년)로 보면 내 집 마련 확률은 {pct(mine['p_goal'])} 대신 "
                           f"{pct(alone['p_goal'])}, 손실 위험은 {pct(mine['p_ruin_any'])} 대신 {pct(alone['p_ruin_any'])}"
                           f"입니다."),
            "common": common, "own": own,
        })
    return results
