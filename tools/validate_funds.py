"""Synthetic gaemi funds against the published figures of real leveraged and inverse funds.

    python tools/validate_funds.py                         # every return row, markdown
    python tools/validate_funds.py --funds TQQQ UPRO --kinds annualized_return cumulative_return
    python tools/validate_funds.py --kr-rate kr_base --kr-spread 0.002 --summary-only

Reads ``tests/reference/real_funds/published_figures.csv`` (see SOURCES.md there) and, for every
return row (``calendar_year_return``, ``cumulative_return``, ``annualized_return``) whose
underlying gaemi has, runs :func:`gaemi.fund_report` over the same window with the fund's
published expense ratio, then prints a markdown table (published, synthetic, difference, and the
CAGR difference for windows of a year or more) and a per-fund summary. Rows it cannot run are
listed with the reason (no such underlying, window outside the data, a rate series that ends
too early, ...), so the script can simply be rerun as the fund model and the embedded data grow.

Assumptions (printed with the table):

* underlying: NASDAQ-100 -> ``ndxtr``; S&P 500 -> ``sp500tr``; KOSPI 200 and F-KOSPI200 ->
  ``kospi200tr`` when gaemi has it, else ``kospi200`` (the price index: dividends missing).
* expense ratio: the fund's ``expense_ratio`` row dated nearest the middle of the window
  (``--default-er`` if it has none), so a fee that changed is matched roughly to its era.
* financing spread: ``--us-spread`` (0.004) for U.S. funds, ``--kr-spread`` (0.0: no calibrated
  value yet) for KRX funds; with the swap structure (U.S.) the spread is charged only on what a
  long fund borrows, so it does not touch inverse funds.
* rate: gaemi's default for the underlying's currency (us_effr / kr_cd91) unless ``--us-rate`` /
  ``--kr-rate`` names another series.
* structure: ``swap`` for U.S. funds, ``futures`` for KRX funds, passed only if
  ``fund_report`` takes a ``structure`` argument (otherwise gaemi's own default applies).
* window: bought at the underlying's last close before ``period_start`` (for an issuer's
  since-inception figure that is the day before inception), sold at its last close on or before
  ``period_end``. ``annualized_return`` rows are compared as CAGRs; the published total return is
  recovered as ``(1 + value) ** years - 1`` over the synthetic window's years.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import math
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import gaemi  # noqa: E402
from gaemi.data import catalog  # noqa: E402
from gaemi.data.catalog import close_history, series_info  # noqa: E402
from gaemi.errors import GaemiError  # noqa: E402

DEFAULT_CSV = ROOT / "tests" / "reference" / "real_funds" / "published_figures.csv"
RETURN_KINDS = ("calendar_year_return", "cumulative_return", "annualized_return")

# published underlying -> gaemi series, in order of preference
UNDERLYINGS = {
    "NASDAQ-100": ("ndxtr",),
    "S&P 500": ("sp500tr",),
    "KOSPI 200": ("kospi200tr", "kospi200"),
    "F-KOSPI200": ("kospi200tr", "kospi200"),
}
END_SLACK_DAYS = 6  # the synthetic window may end at most this many days before period_end
MIN_CAGR_YEARS = 0.95  # CAGRs are shown for windows at least this long (not for calendar years)
MULTI_YEAR = 2.0  # windows at least this long enter the summary's CAGR columns


def _available(name: str) -> bool:
    if name in catalog():
        return True
    try:
        series_info(name)  # a symbol in the local store
        return True
    except GaemiError:
        return False


def resolve_underlying(published: str) -> tuple[str | None, str]:
    cands = UNDERLYINGS.get(published, ())
    for c in cands:
        if _available(c):
            note = "" if c == cands[0] else f"{cands[0]} missing: {c} used"
            if c == "kospi200":
                note = (note + "; " if note else "") + "price index, dividends missing"
            return c, note
    return None, (f"no gaemi series for {published!r} (tried {', '.join(cands)})" if cands
                  else f"no mapping for underlying {published!r}")


def load_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def expense_ratios(rows: list[dict]) -> dict[str, list[tuple[float, str]]]:
    """ticker -> [(published expense ratio, its as-of date), ...] in date order."""
    out: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "expense_ratio" and r["value"]:
            out[r["ticker"]].append((float(r["value"]), r["period_end"]))
    return {t: sorted(v, key=lambda e: e[1]) for t, v in out.items()}


def pick_expense_ratio(published: list[tuple[float, str]], start: str, end: str,
                       default: float) -> tuple[float, str]:
    """The published expense ratio dated nearest the middle of the window (ties: the later)."""
    if not published:
        return default, "default"
    mid = pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) / 2
    return min(reversed(published), key=lambda e: abs(pd.Timestamp(e[1]) - mid))


def _sessions(underlying: str) -> pd.DatetimeIndex:
    return close_history(underlying).index


def run_row(r: dict, args, ers, takes_structure: bool) -> dict:
    """One comparison: a dict with either 'skip' (reason) or the numbers."""
    und, und_note = resolve_underlying(r["underlying"])
    out = {"row": r, "underlying": und, "note": und_note}
    if und is None:
        out["skip"] = und_note
        return out
    sess = _sessions(und)
    start, end = pd.Timestamp(r["period_start"]), pd.Timestamp(r["period_end"])
    before = sess[sess < start]
    if len(before) == 0:
        out["skip"] = f"{und} starts {sess[0].date()}, after the window start"
        return out
    if sess[-1] < end - pd.Timedelta(days=END_SLACK_DAYS):
        out["skip"] = f"{und} ends {sess[-1].date()}, before the window end"
        return out
    us = r["country"] == "US"
    er, er_date = pick_expense_ratio(ers.get(r["ticker"], []), r["period_start"], r["period_end"],
                                     args.default_er)
    kw = {
        "expense_ratio": er,
        "financing_spread": args.us_spread if us else args.kr_spread,
        "rate": args.us_rate if us else args.kr_rate,
        "start": str(before[-1].date()),
        "end": r["period_end"],
    }
    if takes_structure:
        kw["structure"] = "swap" if us else "futures"
    out["params"] = kw
    try:
        rep = gaemi.fund_report(und, float(r["leverage"]), **kw)
    except GaemiError as err:
        rate = kw["rate"] or ("us_effr" if us else "kr_cd91") + " (default)"
        out["skip"] = f"{type(err).__name__} with rate {rate}: {err}"
        return out
    years = rep["years"]
    v = float(r["value"])
    if r["kind"] == "annualized_return":
        pub_cagr, pub_total = v, (1 + v) ** years - 1
    else:
        pub_total = v
        long_enough = r["kind"] == "cumulative_return" and years >= MIN_CAGR_YEARS
        pub_cagr = (1 + v) ** (1 / years) - 1 if long_enough and v > -1 else None
    out.update(
        years=years, rate=rep["rate"], er=er, er_date=er_date,
        pub_total=pub_total, syn_total=rep["total_return"],
        pub_cagr=pub_cagr, syn_cagr=rep["cagr"] if pub_cagr is not None else None,
        syn_window=f"{rep['start']}..{rep['end']}",
    )
    return out


def _pct(x, signed=False):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return f"{x * 100:+.2f}%" if signed else f"{x * 100:.2f}%"


def _pp(x, signed=True):
    if x is None:
        return ""
    return f"{x * 100:+.2f} pp" if signed else f"{x * 100:.2f} pp"


def window_label(r: dict) -> str:
    a, b = r["period_start"], r["period_end"]
    if r["kind"] == "calendar_year_return" and a.endswith("-01-01"):
        return a[:4] + ("" if b.endswith("-12-31") else f" (to {b[5:]})")
    return f"{a}..{b}"


def print_report(results: list[dict], args, takes_structure: bool) -> None:
    ok = [x for x in results if "skip" not in x]
    skipped = [x for x in results if "skip" in x]
    print("# Synthetic gaemi funds vs published figures\n")
    print(f"Source: `{Path(args.csv).relative_to(ROOT) if Path(args.csv).is_relative_to(ROOT) else args.csv}`. "
          "Difference = synthetic - published. Synthetic: `gaemi.fund_report` on the mapped "
          f"underlying, in the fund's own currency.\n")
    print("Assumptions: expense ratio = the fund's published one dated nearest the window's middle; "
          "financing spread "
          f"{args.us_spread:g} (U.S.), {args.kr_spread:g} (KRX); rate "
          f"{args.us_rate or 'us_effr (default)'} (U.S.), {args.kr_rate or 'kr_cd91 (default)'} (KRX); "
          + ("structure swap (U.S.) / futures (KRX). " if takes_structure
             else "structure: gaemi's default (fund_report takes no structure argument). ")
          + "Calendar years and windows under a year compare total returns only; the summary's CAGR "
          "columns use windows of two years or more.\n")
    if not args.summary_only and ok:
        print("| fund | L | underlying | kind | window | basis | published | synthetic | difference "
              "| CAGR published | CAGR synthetic | CAGR difference |")
        print("|---|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|")
        for x in ok:
            r = x["row"]
            cd = (x["syn_cagr"] - x["pub_cagr"]) if x["pub_cagr"] is not None else None
            kind = {"calendar_year_return": "year", "cumulative_return": "total",
                    "annualized_return": "annualised"}[r["kind"]]
            und = x["underlying"] + (" *" if x["note"] else "")
            print(f"| {r['ticker']} | {float(r['leverage']):g} | {und} | {kind} | {window_label(r)} "
                  f"| {r['basis']} | {_pct(x['pub_total'], True)} | {_pct(x['syn_total'], True)} "
                  f"| {_pp(x['syn_total'] - x['pub_total'])} | {_pct(x['pub_cagr'], True)} "
                  f"| {_pct(x['syn_cagr'], True)} | {_pp(cd)} |")
        notes = sorted({f"{x['underlying']}: {x['note']}" for x in ok if x["note"]})
        for n in notes:
            print(f"\n\\* {n}")
        print()
    # summary per fund
    by: dict[str, list[dict]] = defaultdict(list)
    for x in ok:
        by[x["row"]["ticker"]].append(x)
    if by:
        print("## Summary per fund\n")
        print("| fund | L | expense ratios used | calendar years | mean diff (years) | mean abs diff (years) "
              "| windows >= 2 years | mean CAGR diff | max abs CAGR diff |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for t, xs in by.items():
            yrs = [x["syn_total"] - x["pub_total"] for x in xs if x["row"]["kind"] == "calendar_year_return"]
            cg = [x["syn_cagr"] - x["pub_cagr"] for x in xs
                  if x["pub_cagr"] is not None and x["years"] >= MULTI_YEAR]
            r = xs[0]["row"]
            used = ", ".join(f"{e * 100:.2f}%" for e in sorted({x["er"] for x in xs}))
            print(f"| {t} | {float(r['leverage']):g} | {used} "
                  f"| {len(yrs)} | {_pp(sum(yrs) / len(yrs) if yrs else None)} "
                  f"| {_pp(sum(map(abs, yrs)) / len(yrs) if yrs else None, False)} | {len(cg)} "
                  f"| {_pp(sum(cg) / len(cg) if cg else None)} "
                  f"| {_pp(max(map(abs, cg)) if cg else None, False)} |")
        print()
    if skipped:
        print("## Not compared\n")
        reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
        for x in skipped:
            reasons[(x["row"]["ticker"], x["skip"])].append(window_label(x["row"]))
        for (t, why), ws in reasons.items():
            shown = ", ".join(ws[:4]) + (f", ... ({len(ws)} rows)" if len(ws) > 4 else "")
            print(f"- {t}: {why} — {shown}")
        print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="synthetic gaemi funds vs published real-fund figures")
    ap.add_argument("--csv", default=str(DEFAULT_CSV))
    ap.add_argument("--funds", nargs="*", help="tickers to keep (default: all)")
    ap.add_argument("--kinds", nargs="*", choices=RETURN_KINDS, default=list(RETURN_KINDS))
    ap.add_argument("--us-spread", type=float, default=0.004)
    ap.add_argument("--kr-spread", type=float, default=0.0)
    ap.add_argument("--us-rate", default=None)
    ap.add_argument("--kr-rate", default=None)
    ap.add_argument("--default-er", type=float, default=0.0095)
    ap.add_argument("--summary-only", action="store_true")
    args = ap.parse_args(argv)
    rows = load_rows(Path(args.csv))
    ers = expense_ratios(rows)
    takes_structure = "structure" in inspect.signature(gaemi.fund_report).parameters
    keep = [r for r in rows if r["kind"] in args.kinds and r["value"]
            and (not args.funds or r["ticker"] in args.funds)]
    results = [run_row(r, args, ers, takes_structure) for r in keep]
    print_report(results, args, takes_structure)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
