"""gaemi benchmark: the whole colony through a 20-session shock with the feedback loop.

    python benchmarks/bench_colony.py [--investors N] [--reference-investors M] [--workers W] [--json]

Default: 14,100,000 agents (one per individual stock holder of the calibration table, each
standing for ~1.3 investors once crypto-only users are counted) through the 20 KRX sessions from
2020-02-21 to 2020-03-19 (real KOSPI 200 / KOSPI / KOSDAQ / NASDAQ-100 / BTC / XRP returns), with
feedback at impact scale 1 and no extra curve points. Measured in one run:

  * ``warm-up``: a 1,000-agent run first, so compiled kernels are loaded (or compiled) before timing;
  * ``total``: ``gaemi.colony.colony(...)`` end to end: drawing the population shard by shard,
    the run with feedback, the same shock without feedback (the amplification's denominator);
  * ``drawing`` / ``preparing`` / ``feedback run`` / ``no-feedback run``: its parts (the no-feedback run is the
    in-run reference: the same agents and days with prices taken as given, no fixed point);
  * ``peak RSS``: the process's peak resident memory (``resource.getrusage``);
  * ``reference``: the same command with ``--reference-investors`` agents (default 1,000,000) in a
    child process (its own time and peak RSS), for the scaling ratio.

Targets (issue 17): under 60 s and under 8 GB on the project's 2-core machine. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time

START, END = "2020-02-21", "2020-03-19"  # 20 KRX sessions


def peak_rss_mb() -> float:
    """Peak resident memory of this process, MB: ``VmHWM`` from /proc (fresh at exec; getrusage's
    ru_maxrss keeps the parent's peak across fork + exec on Linux), else getrusage."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes


def one(investors: int, workers: int, seed: int) -> dict:
    from gaemi.colony import colony

    t0 = time.perf_counter()
    r = colony(start=START, end=END, investors=investors, seed=seed, impact=1.0, curve="none", workers=workers)
    total = time.perf_counter() - t0
    s = r.summary()
    return {
        "investors": investors, "represented": s["represented"], "sessions": r.shock.days, "workers": workers,
        "seconds_total": total, "seconds_draw": r.timing["draw"], "seconds_population": r.timing["population"],
        "seconds_feedback_run": r.timing["feedback_run"], "seconds_no_feedback_run": r.timing["no_feedback_run"],
        "peak_rss_mb": peak_rss_mb(), "iterations_by_day": s["iterations_by_day"], "converged": s["converged"],
        "amplification": s["amplification"], "total_loss_krw": s["total_loss_krw"],
        "margin_balance_start_krw": s["margin_balance_start_krw"], "margin_balance_end_krw": s["margin_balance_end_krw"],
        "forced_sales_krw": s["forced_sales_krw"], "shards": r.shards,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--investors", type=int, default=14_100_000)
    ap.add_argument("--reference-investors", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--seed", type=int, default=2020)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("GAEMI_MAX_INVESTORS", str(max(args.investors, 20_000_000)))
    if args.child:  # the reference run, in a process of its own
        one(1_000, args.workers, args.seed)
        print(json.dumps(one(args.investors, args.workers, args.seed)))
        return
    t0 = time.perf_counter()
    one(1_000, 1, args.seed)
    warm = time.perf_counter() - t0
    main_run = one(args.investors, args.workers, args.seed)
    ref = None
    if args.reference_investors:
        out = subprocess.run([sys.executable, __file__, "--child", "--investors", str(args.reference_investors),
                              "--workers", str(args.workers), "--seed", str(args.seed)],
                             capture_output=True, text=True, check=True)
        ref = json.loads(out.stdout.strip().splitlines()[-1])
    report = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "processor": platform.processor() or platform.machine()},
              "window": [START, END], "warm_up_seconds": warm, "run": main_run, "reference": ref}
    if ref:
        report["ratio_time"] = main_run["seconds_total"] / ref["seconds_total"]
        report["ratio_agents"] = main_run["investors"] / ref["investors"]
    if args.json:
        print(json.dumps(report, indent=2))
        return
    r = main_run
    print(f"colony benchmark: {r['investors']:,} agents ({r['represented']:,.0f} investors), {r['sessions']} sessions "
          f"{START}..{END}, workers {r['workers']}, shards {r['shards']}")
    print(f"  warm-up (1,000 agents)   {warm:7.2f} s")
    print(f"  total                    {r['seconds_total']:7.2f} s   (target < 60 s)")
    print(f"    drawing the agents     {r['seconds_draw']:7.2f} s")
    print(f"    preparing the shards   {r['seconds_population']:7.2f} s")
    print(f"    feedback run           {r['seconds_feedback_run']:7.2f} s   iterations/day {r['iterations_by_day']}")
    print(f"    no-feedback run (ref.) {r['seconds_no_feedback_run']:7.2f} s")
    print(f"  peak RSS                 {r['peak_rss_mb'] / 1024:7.2f} GB  (target < 8 GB)")
    if ref:
        print(f"  reference {ref['investors']:,} agents: total {ref['seconds_total']:.2f} s, peak RSS "
              f"{ref['peak_rss_mb'] / 1024:.2f} GB; time ratio {report['ratio_time']:.1f}x for "
              f"{report['ratio_agents']:.1f}x the agents")
    print(f"  amplification {r['amplification']:.4f}, margin balance {r['margin_balance_start_krw'] / 1e12:.2f}T -> "
          f"{r['margin_balance_end_krw'] / 1e12:.2f}T, forced sales {r['forced_sales_krw'] / 1e12:.3f}T, "
          f"converged {r['converged']}")


if __name__ == "__main__":
    main()
