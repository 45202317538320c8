"""gaemi benchmark: 1,000,000 paths x 10 years daily of a margin + leveraged-fund plan.

    python benchmarks/run.py [--paths N] [--repeat R] [--json]

Times, in one run and on the same machine:
  * the whole Monte Carlo run (generation, engine, statistics) for the bootstrap model (fused
    kernel: rows drawn inline, 64 paths in lock-step per thread) and the parametric Student-t
    model (64 paths generated in lock-step, 256 days at a time, then the same engine);
  * the bare cost of drawing the bootstrap rows and gathering the returns, no portfolio logic:
    the same lock-step draw as the engine plus one gather a path-day (``bare_gather``), and for
    comparison the same draw path by path (scalar) and materialised with a numpy gather;
  * the plain numpy reference engine (kernels_reference) on a smaller number of paths,
    compared per path-day;
and reports path-days per second, the ratios, peak RSS and compile time. Not a test.

``--repeat R`` runs each whole Monte Carlo run R times (alternating the models) and reports
the fastest as ``seconds`` with every run's time in ``runs``: on a shared VM a run's time
varies by 5-10 % with the neighbours' load, and the fastest run is the one least disturbed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time

import numpy as np
from pathlib import Path


HERE = Path(__file__).resolve().parent


def _lockstep_gather(k0, k1, n_paths, n_days, returns, mean_block):
    """Draw the bootstrap rows exactly as the fused engine does (64 paths in lock-step per
    thread, one SFC64 stream each, vectorised) and sum the gathered returns: the engine's row
    generation and one gather a path-day, with no portfolio logic."""
    from numba import njit, prange

    from gaemi._numba import njit_noalias
    from gaemi.engine.kernels import LANES
    from gaemi.scenarios.sfc64 import next_bootstrap_row, seed_path, sfc64_step, to_unit

    @njit_noalias(error_model="numpy")
    def group(n_days, returns, p_restart, sa, sb, sc, sw, row, acc):
        n = row.shape[0]
        n_rows = returns.shape[0]
        scale = n_rows / p_restart
        for d in range(n_days):
            first = d == 0
            for l in range(n):  # the engine's draw (kernels._run_group, ROWS_BOOTSTRAP)
                x, sa[l], sb[l], sc[l], sw[l] = sfc64_step(sa[l], sb[l], sc[l], sw[l])
                row[l] = next_bootstrap_row(to_unit(x), row[l], n_rows, p_restart, scale, first)
            for l in range(n):
                acc[l] += returns[row[l]]

    @njit(parallel=True)
    def run(k0, k1, n_paths, n_days, returns, p_restart):
        out = np.zeros(n_paths)
        for g in prange((n_paths + LANES - 1) // LANES):
            a = g * LANES
            n = min(LANES, n_paths - a)
            sa = np.empty(n, dtype=np.uint64)
            sb = np.empty(n, dtype=np.uint64)
            sc = np.empty(n, dtype=np.uint64)
            sw = np.empty(n, dtype=np.uint64)
            state = np.empty(4, dtype=np.uint64)
            for l in range(n):
                seed_path(state, k0, k1, a + l)
                sa[l] = state[0]
                sb[l] = state[1]
                sc[l] = state[2]
                sw[l] = state[3]
            acc = np.zeros(n)
            group(n_days, returns, p_restart, sa, sb, sc, sw, np.zeros(n, dtype=np.int64), acc)
            out[a:a + n] = acc
        return out

    run(k0, k1, 256, n_days, returns, 1.0 / mean_block)  # compile
    t = time.perf_counter()
    run(k0, k1, n_paths, n_days, returns, 1.0 / mean_block)
    return time.perf_counter() - t


def _scalar_gather(k0, k1, n_paths, n_days, returns, mean_block):
    """The same rows drawn path by path (scalar code, ``sfc64.bootstrap_rows``) and gathered."""
    from numba import njit, prange

    from gaemi.scenarios.sfc64 import bootstrap_rows, seed_path

    @njit(parallel=True, cache=False)
    def run(k0, k1, n_paths, n_days, returns, p_restart):
        acc = np.zeros(n_paths)
        for p in prange(n_paths):
            state = np.empty(4, dtype=np.uint64)
            seed_path(state, k0, k1, p)
            rows = np.empty(n_days, dtype=np.int64)
            bootstrap_rows(state, returns.shape[0], p_restart, rows)
            s = 0.0
            for d in range(n_days):
                s += returns[rows[d]]
            acc[p] = s
        return acc

    run(k0, k1, 256, n_days, returns, 1.0 / mean_block)  # compile
    t = time.perf_counter()
    run(k0, k1, n_paths, n_days, returns, 1.0 / mean_block)
    return time.perf_counter() - t


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--years", type=float, default=10.0)
    ap.add_argument("--chunk-size", type=int, default=16_384, help="bootstrap (fused) chunk")
    ap.add_argument("--parametric-chunk-size", type=int, default=16_384, help="parametric chunk")
    ap.add_argument("--reference-paths", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=1, help="whole runs per model (the fastest is reported)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from gaemi.config import load_plan
    from gaemi.engine.run import run_path_block
    from gaemi.montecarlo import make_plan_scenarios, simulate_many
    from gaemi.scenarios.sfc64 import bootstrap_index, seed_keys

    plan = load_plan(HERE / "plan.toml")
    days = int(round(args.years * 252))
    path_days = args.paths * days
    out: dict = {"paths": args.paths, "days": days, "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                 "python": sys.version.split()[0]}

    # compile (or load the cached compilation) on a tiny run
    t = time.perf_counter()
    simulate_many([plan], model="bootstrap", paths=256, years=args.years, seed=1)
    simulate_many([plan], model="parametric", paths=256, years=args.years, seed=1)
    out["compile_seconds"] = time.perf_counter() - t

    # whole runs
    runs: dict[str, list[float]] = {"bootstrap": [], "parametric": []}
    p_goal = {}
    for _ in range(max(1, args.repeat)):
        for model in ("bootstrap", "parametric"):
            t = time.perf_counter()
            chunk = args.chunk_size if model == "bootstrap" else args.parametric_chunk_size
            res = simulate_many([plan], model=model, paths=args.paths, years=args.years, seed=args.seed,
                                chunk_size=chunk)[0]
            runs[model].append(time.perf_counter() - t)
            p_goal[model] = res.summary()["p_goal"]
            del res
    for model, secs in runs.items():
        sec = min(secs)
        out[model] = {"seconds": sec, "path_days_per_s": path_days / sec, "p_goal": p_goal[model],
                      "runs": secs}

    # bare gather: bootstrap rows + gathered returns, no portfolio logic (same rows as the fused run)
    panel, scen = make_plan_scenarios([plan], "bootstrap", args.paths, args.years, args.seed)
    k0, k1 = seed_keys(args.seed)
    returns = panel.returns
    column = np.ascontiguousarray(returns[:, 0])
    sec = _lockstep_gather(k0, k1, args.paths, days, column, scen.mean_block)
    out["bare_gather"] = {"seconds": sec, "path_days_per_s": path_days / sec,
                          "what": "the engine's lock-step row draw (64 paths a thread, SIMD) + one gather a path-day"}
    sec = _scalar_gather(k0, k1, args.paths, days, column, scen.mean_block)
    out["bare_gather_scalar"] = {"seconds": sec, "path_days_per_s": path_days / sec,
                                 "what": "the same rows drawn path by path (scalar) + one gather a path-day"}
    t = time.perf_counter()
    checksum = 0.0
    gather_chunk = 2048  # materialised index + gathered returns: keep it in cache-sized pieces
    for a in range(0, args.paths, gather_chunk):
        n = min(gather_chunk, args.paths - a)
        idx = bootstrap_index(k0, k1, a, n, days, returns.shape[0], scen.mean_block)
        checksum += float(returns[idx, 0].sum())
    sec = time.perf_counter() - t
    out["bare_gather_numpy"] = {"seconds": sec, "path_days_per_s": path_days / sec,
                                "what": "bootstrap_index (materialised, 2048-path pieces) + numpy gather"}

    # the plain numpy reference engine, on fewer paths
    from gaemi.api import plan_panel  # noqa: F401
    from gaemi.engine.spec import build_spec

    basis = dict(zip(panel.rate_names, panel.rate_basis))
    spec = build_spec(plan, scen.underlyings, scen.rate_names, days, rate_basis=basis)
    block = scen.block(0, args.reference_paths)
    t = time.perf_counter()
    run_path_block(spec, block, 122, "reference")
    ref = time.perf_counter() - t
    ref_rate = args.reference_paths * days / ref
    out["numpy_reference"] = {"paths": args.reference_paths, "seconds": ref, "path_days_per_s": ref_rate}

    boot = out["bootstrap"]["path_days_per_s"]
    out["seconds"] = out["bootstrap"]["seconds"]
    out["path_days_per_s"] = boot
    out["ratio_to_bare_gather"] = boot / out["bare_gather"]["path_days_per_s"]
    out["ratio_to_bare_gather_scalar"] = boot / out["bare_gather_scalar"]["path_days_per_s"]
    out["ratio_to_bare_gather_numpy"] = boot / out["bare_gather_numpy"]["path_days_per_s"]
    out["ratio_to_numpy_reference"] = boot / ref_rate
    out["parametric_ratio_to_numpy_reference"] = out["parametric"]["path_days_per_s"] / ref_rate
    out["peak_rss_mb"] = peak_rss_mb()
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"{args.paths:,} paths x {days} days on {out['machine']}")
    for k in ("bootstrap", "parametric", "bare_gather", "bare_gather_scalar", "bare_gather_numpy", "numpy_reference"):
        extra = ""
        if len(out[k].get("runs", ())) > 1:
            extra = "  (runs: " + ", ".join(f"{x:.2f}" for x in out[k]["runs"]) + " s; fastest shown)"
        print(f"  {k:18s} {out[k]['seconds']:8.2f} s  {out[k]['path_days_per_s'] / 1e6:8.1f} M path-days/s{extra}")
    print(f"  bootstrap / bare gather:     {out['ratio_to_bare_gather']:.2f} "
          f"(scalar draw: {out['ratio_to_bare_gather_scalar']:.2f}, numpy: {out['ratio_to_bare_gather_numpy']:.2f})")
    print(f"  bootstrap / numpy reference: {out['ratio_to_numpy_reference']:.1f}x")
    print(f"  compile (or cache load):     {out['compile_seconds']:.1f} s;  peak RSS {out['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
