"""Where a lock-step group's day goes: CPU cycles per lane-day in each section of the engine.

    python benchmarks/sections.py [--model bootstrap|parametric] [--groups 64]

Builds a copy of ``gaemi/engine/kernels.py`` (in a temporary folder) with the CPU's cycle
counter (LLVM ``readcyclecounter``, the TSC) read between the sections of ``_run_group``'s day
- row draw, holdings, accrual and alarms, month start, scalar rule visits, month-end - and runs
the benchmark plan's fused kernel on ``groups`` x 64 paths on one thread. Reading the counter
costs cycles too: an empty section is timed and reported, to subtract from every section. A
developer's tool, not a test; its anchors are lines of kernels.py, so an edit there may need
one here (it stops with the anchor it could not find).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
SECTIONS = ("row draw", "holdings", "accrual + alarms", "month start", "scalar rule visits", "month-end",
            "(empty section: the counter's own cost)")
_INTRINSIC = '''
from llvmlite import ir as _ir
from numba.core import types as _types
from numba.core.extending import intrinsic as _intrinsic


@_intrinsic
def _tsc(typingctx):
    def codegen(context, builder, signature, args):
        fn = builder.module.declare_intrinsic("llvm.readcyclecounter", fnty=_ir.FunctionType(_ir.IntType(64), []))
        return builder.call(fn, [])
    return _types.int64(), codegen

'''
_MARKS = (  # (line of _run_group where a section ends, its slot)
    ("        # 1. market: holdings (fees on the day's opening value), termination\n", 0),
    ("        # 1. deposit interest, the loan's age and its interest", 1),
    ("        if month_start:\n            while settle:", 2),
    ("        while todo:\n", 3),
    ("        # 7. month-end wealth\n", 4),
)


def instrumented_source(src: str) -> str:
    """kernels.py whose ``_run_group`` prints its cycles per section at the end of each call."""
    def rep(text: str, old: str, new: str) -> str:
        if text.count(old) != 1:
            raise SystemExit(f"kernels.py changed: anchor not found once: {old.strip()[:70]!r}")
        return text.replace(old, new)

    src = rep(src, "\nINV365 = ", _INTRINSIC + "\nINV365 = ")
    src = rep(src, "    for d in range(d_start, d_stop):\n",
              "    cyc = np.zeros(7, dtype=np.int64)\n    for d in range(d_start, d_stop):\n        t0 = _tsc()\n")
    for anchor, slot in _MARKS:
        src = rep(src, anchor, f"        t1 = _tsc()\n        cyc[{slot}] += t1 - t0\n        t0 = t1\n" + anchor)
    return rep(src, "    if d_stop == n_days:\n        _write_outputs(lanes, f_out, i_out)",
               "        t1 = _tsc()\n        cyc[5] += t1 - t0\n        t0 = t1\n        t1 = _tsc()\n"
               "        cyc[6] += t1 - t0\n"
               "    print('CYCLES', cyc[0], cyc[1], cyc[2], cyc[3], cyc[4], cyc[5], cyc[6], d_stop - d_start, n)\n"
               "    if d_stop == n_days:\n        _write_outputs(lanes, f_out, i_out)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=("bootstrap", "parametric"), default="bootstrap")
    ap.add_argument("--groups", type=int, default=64)
    args = ap.parse_args()

    import gaemi.engine.kernels as kernels
    from gaemi.config import load_plan
    from gaemi.engine.run import _outputs, months_in
    from gaemi.engine.spec import build_spec
    from gaemi.montecarlo import make_plan_scenarios

    tmp = Path(tempfile.mkdtemp(prefix="gaemi-sections-"))
    path = tmp / "kernels_sections.py"
    path.write_text(instrumented_source(Path(kernels.__file__).read_text()))
    spec_ = importlib.util.spec_from_file_location("gaemi_kernels_sections", path)
    K = importlib.util.module_from_spec(spec_)
    sys.modules["gaemi_kernels_sections"] = K
    spec_.loader.exec_module(K)

    plan = load_plan(HERE / "plan.toml")
    n = args.groups * 64
    panel, scen = make_plan_scenarios([plan], args.model, n, 10, 7)
    spec = build_spec(plan, scen.underlyings, scen.rate_names, scen.n_days,
                      rate_basis=dict(zip(panel.rate_names, panel.rate_basis)))
    tab = scen.block(0, 1)
    out = _outputs(n, months_in(tab.new_month))
    common = (np.ascontiguousarray(tab.rates), np.ascontiguousarray(tab.gap_days),
              np.ascontiguousarray(tab.new_month))
    log = tmp / "cycles.txt"
    saved = os.dup(1)
    sys.stdout.flush()
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)  # numba's print writes to the C stdout
    try:
        if args.model == "bootstrap":
            k0, k1 = scen.keys
            K.run_block_bootstrap(np.uint64(k0), np.uint64(k1), 0, scen.n_days, float(scen.mean_block),
                                  np.ascontiguousarray(tab.returns), *common, *spec.kernel_args(),
                                  out.month_wealth.T, out.floats, out.ints)
        else:
            K.run_block_parametric(0, scen.n_days, scen.kernel_args(), *common, *spec.kernel_args(),
                                   out.month_wealth.T, out.floats, out.ints)
    finally:
        os.dup2(saved, 1)
        os.close(fd)
    rows = np.array([[int(v) for v in line.split()[1:]] for line in log.read_text().splitlines()
                     if line.startswith("CYCLES")])
    lane_days = float((rows[:, 7] * rows[:, 8]).sum())
    per = rows[:, :7].sum(axis=0) / lane_days
    empty = per[6]
    print(f"{args.model}: {n:,} paths x {scen.n_days:,} days, one thread; TSC cycles per lane-day")
    for name, c in zip(SECTIONS, per):
        extra = f"  (less the counter: {max(c - empty, 0.0):.2f})" if name[0] != "(" else ""
        print(f"  {name:<40} {c:6.2f}{extra}")
    print(f"  {'total':<40} {per[:6].sum():6.2f}  (less the counters: {per[:6].sum() - 6 * empty:.2f})")


if __name__ == "__main__":
    main()
