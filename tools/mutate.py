#!/usr/bin/env python
"""A small mutation-testing run over a list of planted bugs (issue 14, docs/reliability.md).

Each mutant is one realistic bug written as exact text replacements, ``(file, old, new)``
triples under ``src/gaemi/``, plus the tests that should catch it. The script

1. extracts a snapshot of the repository (``git archive REF src tests``, default ``HEAD``) into a
   temporary folder: the real ``src/`` is never touched, so engineers editing it meanwhile are
   not disturbed and half-finished edits do not leak into the run;
2. runs every mutant's tests on the unmutated snapshot (the baseline must pass);
3. for each mutant: applies its replacements to a fresh copy of the snapshot's ``src/`` (each
   ``old`` must occur exactly once), runs its tests there with ``PYTHONPATH`` pointing at the
   copy (checked: ``gaemi`` must import from the copy), and counts it *killed* when pytest fails;
4. prints one line a mutant and the score, killed / total; exits 1 if a mutant survived.

The kernels run as plain Python (``GAEMI_DISABLE_JIT=1``, the same source the compiled
kernel is built from): a mutant changes the sources' hash, and numba would otherwise spend a
minute or two recompiling for every mutant.

Usage::

    python tools/mutate.py                 # every mutant
    python tools/mutate.py -k cvar -k grad  # mutants whose name contains one of these
    python tools/mutate.py --list           # names and tests only

Not part of the test suite (it takes minutes): run it by hand after changing tests or rules.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

K = "src/gaemi/engine/kernels.py"
KR = "src/gaemi/engine/kernels_reference.py"
CORE = "src/gaemi/metrics/core.py"
SIM = "src/gaemi/results/simulation.py"

T_SUMMARY = "tests/metrics/test_summary_figures.py"
T_RULES = "tests/engine/test_rule_interactions.py"
T_BOOT = "tests/scenarios/test_bootstrap_last_row.py"
T_RATE = "tests/data_store/test_imported_rate_basis.py"
T_INSTR = "tests/engine/test_instruments.py"


@dataclass(frozen=True)
class Mutant:
    name: str
    bug: str
    edits: tuple[tuple[str, str, str], ...]
    tests: tuple[str, ...]


MUTANTS: tuple[Mutant, ...] = (
    # --- the campaign's bugs that passed the whole suite (issue 14)
    Mutant("cvar-best-tail", "CVaR averages the best 5 % instead of the worst",
           ((CORE, "return float(v[:k].mean())", "return float(v[-k:].mean())"),), (T_SUMMARY,)),
    Mutant("graduate-keeps-loan", "graduation sells the holdings but keeps the margin loan (compiled kernel)",
           ((K, "                    dep_l -= loan_l\n                    loan_l = 0.0\n"
                "                    _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)\n",
             "                    _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)\n"),),
           (T_RULES, T_SUMMARY)),
    Mutant("graduate-keeps-loan-reference", "the same bug in the plain twin",
           ((KR, "deposit = np.where(hit, deposit + risky_now - loan, deposit)",
             "deposit = np.where(hit, deposit + risky_now, deposit)"),
            (KR, "                loan = np.where(hit, 0.0, loan)\n", "")),
           (T_RULES, T_SUMMARY)),
    Mutant("p-goal-by-year-per-year", "p_goal_by_year counts each year's events, not the cumulative share",
           ((CORE, "(event_day >= 0) & (event_day < limit)",
             "(event_day >= limit - days_per_year) & (event_day < limit)"),), (T_SUMMARY,)),
    Mutant("spread-on-L", "the financing spread charged on L instead of L - 1",
           (("src/gaemi/instruments/leveraged_fund.py", "return max(float(leverage) - 1.0, 0.0)",
             "return max(float(leverage), 0.0)"),), (T_RULES, T_INSTR)),
    Mutant("restore-without-haircut", "a restore sale sized without the haircut (compiled kernel)",
           ((K, "sold = (maintenance * loan_l - risky_now) / (maintenance * (1.0 - haircut) - 1.0)",
             "sold = (maintenance * loan_l - risky_now) / (maintenance - 1.0)"),), (T_RULES, T_INSTR)),
    Mutant("restore-without-haircut-reference", "the same bug in the plain twin",
           ((KR, "need = (maintenance * loan - risky_now) / (maintenance * (1.0 - haircut) - 1.0)",
             "need = (maintenance * loan - risky_now) / (maintenance - 1.0)"),), (T_RULES, T_INSTR)),
    Mutant("quantile-method", "quantiles computed with another method (median-unbiased, type 8)",
           ((CORE, "np.quantile(values, probs)", 'np.quantile(values, probs, method="median_unbiased")'),),
           (T_SUMMARY,)),
    Mutant("krw-rate-act360", "an imported KRW rate accrued ACT/360",
           (("src/gaemi/data/catalog.py",
             'basis = (360.0 if cur == "USD" else 365.0) if inst.kind == "rate" else None',
             'basis = 360.0 if inst.kind == "rate" else None'),), (T_RATE,)),
    Mutant("time-to-goal-day-short", "time_to_goal one day short",
           ((SIM, "(days + 1) / self.days_per_year", "days / self.days_per_year"),), (T_SUMMARY,)),
    Mutant("goal-growth-exponent", "an amount goal's growth exponent off by a day",
           (("src/gaemi/engine/spec.py", "((np.arange(n_days) + 1) / days_per_year)",
             "(np.arange(n_days) / days_per_year)"),), (T_SUMMARY,)),
    Mutant("bootstrap-no-last-row", "the bootstrap never starts a block on the last row",
           (("src/gaemi/scenarios/sfc64.py", "jump = n_rows - 1 if jump >= n_rows else jump",
             "jump = n_rows - 2 if jump >= n_rows - 1 else jump"),), (T_BOOT,)),
    Mutant("call-at-the-ratio", "a margin call when collateral equals m x loan (an exact 30 % fall)",
           ((K, "if risky_now < maintenance * loan_l:", "if risky_now <= maintenance * loan_l:"),
            (K, "(risky < maintenance * loan)))", "(risky <= maintenance * loan)))")), (T_RULES, T_INSTR)),
    # --- a few more in the summary layer
    Mutant("ruin-any-drops-negative", "p_ruin_any forgets paths whose wealth went below zero",
           ((SIM, "| (self._float(L.MIN_WEALTH) < 0))),", ")),"),), (T_SUMMARY,)),
    Mutant("debt-left-unnetted", "mean_debt_left counts the whole loan, not what the holdings cannot cover",
           ((SIM, '"mean_debt_left": float(np.mean(np.maximum(self._float(L.END_LOAN) - self._float(L.END_RISKY), 0))),',
             '"mean_debt_left": float(np.mean(self._float(L.END_LOAN))),'),), (T_SUMMARY,)),
    Mutant("wipeout-end-uses-ruin-floor", "p_wipeout_end measured against the ruin floor",
           ((SIM, '"p_wipeout_end": self._p_end_below(self.plan.wipeout_floor),',
             '"p_wipeout_end": self._p_end_below(self.plan.ruin_floor),'),), (T_SUMMARY,)),
    Mutant("margin-call-is-forced-sale", "p_margin_call counts forced sales, not calls",
           ((SIM, '"p_margin_call": float(np.mean(self._int(L.N_CALLS) > 0)),',
             '"p_margin_call": event_probability(self._int(L.FIRST_FORCED_DAY)),'),), (T_SUMMARY,)),
    Mutant("goal-by-month-day-late", "goal_by_month reads the session after each month end",
           ((SIM, "np.round(np.arange(1, n_months + 1) * self.days_per_year / 12).astype(int) - 1,",
             "np.round(np.arange(1, n_months + 1) * self.days_per_year / 12).astype(int),"),), (T_SUMMARY,)),
)


def _snapshot(ref: str, dest: Path) -> None:
    """``src/`` and ``tests/`` of ``ref`` (a commit) into ``dest``."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src", "tests"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)


def _pytest(tree: Path, tests: tuple[str, ...], timeout: float) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": f"{tree / 'src'}{os.pathsep}{tree}", "GAEMI_DISABLE_JIT": "1",
           "PYTHONDONTWRITEBYTECODE": "1"}
    check = subprocess.run([sys.executable, "-c", "import gaemi; print(gaemi.__file__)"], env=env, cwd=tree,
                           capture_output=True, text=True)
    if not check.stdout.strip().startswith(str(tree)):
        raise SystemExit(f"gaemi imports from {check.stdout.strip() or check.stderr}, not the copy in {tree}")
    try:
        out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *tests],
                             env=env, cwd=tree, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, "timed out"
    last = [ln for ln in out.stdout.strip().splitlines() if ln.strip()]
    return out.returncode, last[-1] if last else out.stderr.strip()[-200:]


def _apply(src_copy: Path, m: Mutant) -> None:
    for file, old, new in m.edits:
        path = src_copy / file
        text = path.read_text(encoding="utf-8")
        n = text.count(old)
        if n != 1:
            raise SystemExit(f"mutant {m.name}: {old!r} occurs {n} times in {file} (expected once): "
                             "update the mutant to the current source")
        path.write_text(text.replace(old, new), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-k", action="append", default=[], help="only mutants whose name contains this")
    ap.add_argument("--ref", default="HEAD", help="commit to snapshot (default HEAD)")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    ap.add_argument("--timeout", type=float, default=900.0, help="seconds per pytest run")
    args = ap.parse_args(argv)
    mutants = [m for m in MUTANTS if not args.k or any(s in m.name for s in args.k)]
    if args.list:
        for m in mutants:
            print(f"{m.name:36s} {m.bug}\n{'':36s} tests: {' '.join(m.tests)}")
        return 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gaemi-mutate-") as tmp:
        base = Path(tmp) / "base"
        _snapshot(args.ref, base)
        all_tests = tuple(dict.fromkeys(t for m in mutants for t in m.tests))
        rc, tail = _pytest(base, all_tests, args.timeout)
        print(f"baseline ({len(all_tests)} test files, unmutated {args.ref}): {tail}")
        if rc != 0:
            print("the baseline fails: fix the tests before scoring mutants")
            return 2
        killed = 0
        for m in mutants:
            tree = Path(tmp) / m.name
            shutil.copytree(base, tree)
            _apply(tree, m)
            t = time.perf_counter()
            rc, tail = _pytest(tree, m.tests, args.timeout)
            dead = rc != 0
            killed += dead
            print(f"{'KILLED ' if dead else 'SURVIVED'} {m.name:36s} {time.perf_counter() - t:6.1f} s  {tail}")
            shutil.rmtree(tree, ignore_errors=True)
    print(f"score: {killed} / {len(mutants)} killed ({time.perf_counter() - t0:.0f} s)")
    return 0 if killed == len(mutants) else 1


if __name__ == "__main__":
    raise SystemExit(main())
