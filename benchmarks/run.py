"""gaemi benchmark: 1,000,000 paths x 10 years daily of a margin + leveraged-fund plan.

    python benchmarks/run.py [--paths N] [--json]

Times, in one run and on the same machine:
  * the whole Monte Carlo run (generation, engine, statistics) for the bootstrap model (fused
    kernel: rows drawn inline per path) and the parametric Student-t model (numpy generation
    per path block, then the compiled engine);
  * the bare cost of drawing the bootstrap rows and gathering the returns, no portfolio logic;
  * the plain numpy reference engine (kernels_reference) on a smaller number of paths,
    compared per path-day;
and reports path-days per second, the ratios, peak RSS and compile time. Not a test.
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


def _inline_gather(k0, k1, n_paths, n_days, returns, mean_block):
    """Draw each path's bootstrap rows inline (as the fused engine does) and sum the gathered
    returns: generation + gather with no portfolio logic and no (paths x days) array."""
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
    ap.add_argument("--parametric-chunk-size", type=int, default=2048,
                    help="parametric chunk (its block of generated returns is materialised)")
    ap.add_argument("--reference-paths", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=2026)
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
    for model in ("bootstrap", "parametric"):
        t = time.perf_counter()
        chunk = args.chunk_size if model == "bootstrap" else args.parametric_chunk_size
        res = simulate_many([plan], model=model, paths=args.paths, years=args.years, seed=args.seed,
                            chunk_size=chunk)[0]
        sec = time.perf_counter() - t
        out[model] = {"seconds": sec, "path_days_per_s": path_days / sec, "p_goal": res.summary()["p_goal"]}
        del res

    # bare gather: bootstrap rows + gathered returns, no portfolio logic (same rows as the fused run)
    panel, scen = make_plan_scenarios([plan], "bootstrap", args.paths, args.years, args.seed)
    k0, k1 = seed_keys(args.seed)
    returns = panel.returns
    t = time.perf_counter()
    checksum = 0.0
    gather_chunk = 2048  # materialised index + gathered returns: keep it in cache-sized pieces
    for a in range(0, args.paths, gather_chunk):
        n = min(gather_chunk, args.paths - a)
        idx = bootstrap_index(k0, k1, a, n, days, returns.shape[0], scen.mean_block)
        checksum += float(returns[idx, 0].sum())
    bare = time.perf_counter() - t
    out["bare_gather"] = {"seconds": bare, "path_days_per_s": path_days / bare,
                          "what": "bootstrap_index (materialised, 2048-path pieces) + numpy gather"}
    inline = _inline_gather(k0, k1, args.paths, days, np.ascontiguousarray(returns[:, 0]), scen.mean_block)
    out["bare_gather_inline"] = {"seconds": inline, "path_days_per_s": path_days / inline,
                                 "what": "rows drawn inline per path + gather, compiled, nothing materialised"}

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
    out["ratio_to_bare_gather_inline"] = boot / out["bare_gather_inline"]["path_days_per_s"]
    out["ratio_to_numpy_reference"] = boot / ref_rate
    out["parametric_ratio_to_numpy_reference"] = out["parametric"]["path_days_per_s"] / ref_rate
    out["peak_rss_mb"] = peak_rss_mb()
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"{args.paths:,} paths x {days} days on {out['machine']}")
    for k in ("bootstrap", "parametric", "bare_gather", "bare_gather_inline", "numpy_reference"):
        print(f"  {k:16s} {out[k]['seconds']:8.2f} s  {out[k]['path_days_per_s'] / 1e6:8.1f} M path-days/s")
    print(f"  bootstrap / bare gather:     {out['ratio_to_bare_gather']:.2f} "
          f"(inline: {out['ratio_to_bare_gather_inline']:.2f})")
    print(f"  bootstrap / numpy reference: {out['ratio_to_numpy_reference']:.1f}x")
    print(f"  compile (or cache load):     {out['compile_seconds']:.1f} s;  peak RSS {out['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
