"""Run a plan over a ScenarioSet, block by block, with the compiled kernel or its plain twin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from gaemi.engine import layout as L
from gaemi.engine.kernels import run_block
from gaemi.engine.kernels_reference import run_block_reference
from gaemi.engine.spec import EngineSpec
from gaemi.scenarios.base import PathBlock, ScenarioSet

IMPLEMENTATIONS = ("compiled", "reference")


@dataclass
class RawPaths:
    """Per-path kernel outputs: month-end wealth, float events, integer events."""

    month_wealth: np.ndarray  # (P, M) NaN where a path has fewer months
    floats: np.ndarray  # (P, N_FLOAT)
    ints: np.ndarray  # (P, N_INT)


def months_in(new_month: np.ndarray) -> int:
    """Month-end records a block produces: new months + 1 (the last day)."""
    return int(new_month.sum(axis=1).max()) + 1


def _outputs(n_paths: int, n_months: int) -> RawPaths:
    # month-end wealth is stored months x paths (a path group's month-ends are contiguous);
    # RawPaths.month_wealth is its transposed view, paths x months
    return RawPaths(np.full((n_months, n_paths), np.nan).T, np.zeros((n_paths, L.N_FLOAT)),
                    np.zeros((n_paths, L.N_INT), dtype=np.int64))


def collapse_days(spec: EngineSpec, path_start: int, path_stop: int, n_days: int) -> np.ndarray:
    """Each holding's collapse session on paths ``[path_start, path_stop)``: (holdings, paths)
    int64, -1 = not within ``n_days`` (docs/risks.md); a (holdings, 0) array when no holding
    can collapse.

    A holding with hazard ``h`` per year collapses at ``t = E / h`` years, ``E`` a standard
    exponential, on session ``floor(t * days_per_year)``. ``E`` is drawn per asset (holdings
    on one asset share it) from the path block's own stream for that asset
    (:data:`gaemi.rng.COLLAPSE_STREAM`), so the numbers depend on the seed and the path alone:
    not on the chunk, the worker, the other holdings, or any other random draw."""
    from gaemi.rng import COLLAPSE_STREAM, PATH_BLOCK, block_generator, blocks_for

    n_inst = len(spec.inst_under)
    if not spec.has_collapse or path_stop <= path_start:
        return np.full((n_inst, 0), -1, dtype=np.int64)
    out = np.full((n_inst, path_stop - path_start), -1, dtype=np.int64)
    blocks = blocks_for(path_start, path_stop)
    lo = path_start - blocks[0] * PATH_BLOCK
    draws: dict[int, np.ndarray] = {}
    for i in range(n_inst):
        rate = float(spec.inst_collapse_rate[i])
        if rate <= 0.0:
            continue
        key = int(spec.inst_collapse_key[i])
        if key not in draws:
            e = np.concatenate([block_generator(spec.collapse_seed, b, COLLAPSE_STREAM, key)
                                .standard_exponential(PATH_BLOCK) for b in blocks])
            draws[key] = e[lo:lo + path_stop - path_start]
        day = np.floor(draws[key] / rate * spec.days_per_year)
        out[i] = np.where(day < n_days, day, -1.0).astype(np.int64)
    return out


def _read_only(a: np.ndarray, dtype) -> np.ndarray:
    """``a`` as a C-contiguous, read-only array (a view when it already is one): the compiled
    kernels are compiled once per argument *type*, and "read-only" and "C-contiguous" are part of
    it, so every caller passes its inputs alike (history's rows are read-only, a garch block's
    are fresh memory): one compile of ``run_block`` serves the demo, backtests and every model."""
    v = np.ascontiguousarray(a, dtype=dtype).view()
    v.flags.writeable = False
    return v


def run_path_block(spec: EngineSpec, block: PathBlock, n_months: int, implementation: str = "compiled") -> RawPaths:
    """Simulate one block of paths."""
    out = _outputs(block.n_paths, n_months)
    compiled = implementation == "compiled"
    kernel = run_block if compiled else run_block_reference
    kernel(
        _read_only(block.returns, np.float64),
        _read_only(block.rates, np.float64),
        _read_only(block.gap_days, np.float64),
        np.ascontiguousarray(block.index, dtype=np.int64),
        np.ascontiguousarray(block.new_month, dtype=np.bool_),
        *spec.kernel_args(collapse_days(spec, block.path_start, block.path_start + block.n_paths,
                                        block.index.shape[1])),
        out.month_wealth.T if compiled else out.month_wealth, out.floats, out.ints,
    )
    return out


def _check_out(out: RawPaths | None, n_paths: int, n_months: int) -> RawPaths:
    """``out`` (buffers a caller reuses or writes in place) or fresh outputs."""
    if out is None:
        return _outputs(n_paths, n_months)
    if out.floats.shape != (n_paths, L.N_FLOAT) or out.ints.shape != (n_paths, L.N_INT) \
            or out.month_wealth.shape != (n_paths, n_months):
        raise ValueError("output buffers of the wrong shape")
    return out  # the fused kernels set each group's month-end wealth to NaN before its first day


def run_bootstrap_fused(spec: EngineSpec, scenarios, path_start: int, path_stop: int, n_months: int,
                        out: RawPaths | None = None) -> RawPaths:
    """Paths ``[path_start, path_stop)`` of a :class:`~gaemi.scenarios.StationaryBootstrap`, with the
    rows drawn inline in the compiled kernel (same numbers as ``run_path_block`` on its blocks).
    ``out``: buffers to write into (C-contiguous floats and ints, month-end wealth a transposed
    C-contiguous months x paths array), e.g. rows of a whole run's arrays."""
    from gaemi.engine.kernels import run_block_bootstrap

    out = _check_out(out, path_stop - path_start, n_months)
    k0, k1 = scenarios.keys
    table = scenarios.block(0, 1)  # shared table (cheap: one path of rows)
    run_block_bootstrap(
        np.uint64(k0), np.uint64(k1), path_start, scenarios.n_days, float(scenarios.mean_block),
        np.ascontiguousarray(table.returns, dtype=np.float64),
        np.ascontiguousarray(table.rates, dtype=np.float64),
        np.ascontiguousarray(table.gap_days, dtype=np.float64),
        np.ascontiguousarray(table.new_month, dtype=np.bool_),
        *spec.kernel_args(collapse_days(spec, path_start, path_stop, scenarios.n_days)),
        out.month_wealth.T, out.floats, out.ints,
    )
    return out


def run_parametric_fused(spec: EngineSpec, scenarios, path_start: int, path_stop: int, n_months: int,
                         out: RawPaths | None = None) -> RawPaths:
    """Paths ``[path_start, path_stop)`` of a :class:`~gaemi.scenarios.Parametric`, generated inline
    in the compiled kernel (same numbers as ``run_path_block`` on its blocks); ``out`` as for
    :func:`run_bootstrap_fused`."""
    from gaemi.engine.kernels import run_block_parametric

    out = _check_out(out, path_stop - path_start, n_months)
    table = scenarios.block(0, 1)  # one path: its rates and gaps are every path's constants
    run_block_parametric(
        path_start, scenarios.n_days, scenarios.kernel_args(),
        np.ascontiguousarray(table.rates, dtype=np.float64),
        np.ascontiguousarray(table.gap_days, dtype=np.float64),
        np.ascontiguousarray(table.new_month, dtype=np.bool_),
        *spec.kernel_args(collapse_days(spec, path_start, path_stop, scenarios.n_days)),
        out.month_wealth.T, out.floats, out.ints,
    )
    return out


def run_all(
    spec: EngineSpec,
    scenarios: ScenarioSet,
    chunk_paths: int = 8192,
    implementation: str = "compiled",
    on_chunk: Callable[[int, int], None] | None = None,
) -> RawPaths:
    """Every path of ``scenarios``; per-path outputs concatenated (small and medium runs)."""
    if implementation not in IMPLEMENTATIONS:
        from gaemi.errors import ConfigError

        raise ConfigError("implementation", implementation, " or ".join(IMPLEMENTATIONS))
    parts: list[RawPaths] = []
    blocks = []
    for start in range(0, scenarios.n_paths, chunk_paths):
        stop = min(start + chunk_paths, scenarios.n_paths)
        blocks.append(scenarios.block(start, stop))
    n_months = max(months_in(b.new_month) for b in blocks)
    import dataclasses

    for b in blocks:
        sp = spec
        if spec.goal_target.shape[0] > 1:  # per-path goal targets: this block's rows
            sp = dataclasses.replace(spec, goal_target=spec.goal_target[b.path_start:b.path_start + b.n_paths])
        parts.append(run_path_block(sp, b, n_months, implementation))
        if on_chunk:
            on_chunk(b.path_start, b.n_paths)
    return RawPaths(
        np.concatenate([r.month_wealth for r in parts]),
        np.concatenate([r.floats for r in parts]),
        np.concatenate([r.ints for r in parts]),
    )
