"""Synthetic gaemi funds against the published figures of real leveraged and inverse funds.

    python tools/validate_funds.py                         # every return row, gaemi's default spreads
    python tools/validate_funds.py --spreads recommended   # the spreads tools/calibrate_spreads.py recommends
    python tools/validate_funds.py --funds TQQQ UPRO --kinds annualized_return cumulative_return
    python tools/validate_funds.py --kr-rate kr_base --kr-inverse-spread 0.01 --summary-only

Reads ``tests/reference/real_funds/published_figures.csv`` (see SOURCES.md there) and, for every
return row (``calendar_year_return``, ``cumulative_return``, ``annualized_return``) whose
underlying gaemi has, runs :func:`gaemi.fund_report` over the same window with the fund's
published expense ratio, then prints a markdown table (published, synthetic, difference, and the
CAGR difference for windows of a year or more) and a per-fund summary. Rows it cannot run are
listed with the reason (no such underlying, window outside the data, a rate series that ends
too early, ...), so the script can simply be rerun as the fund model and the embedded data grow.

Assumptions (printed with the table):

* underlying: NASDAQ-100 -> ``ndxtr``; S&P 500 -> ``sp500tr`` (QQQ's / SPY's fees
  added back); KOSPI 200 and F-KOSPI200 -> ``kospi200tr`` (KOSPI 200 total return; ``kospi200``,
  the price index, only if a store lacks it). 252670 and 114800 track F-KOSPI200, the KOSPI 200
  *futures* index, which gaemi does not have: it is modelled as the futures-based fund formula on
  ``kospi200tr``, the futures basis and roll left to the financing spread.
* expense ratio: the fund's ``expense_ratio`` row dated nearest the middle of the window
  (``--default-er`` if it has none), so a fee that changed is matched roughly to its era; except
  122630 at 0.64 % on every window (:data:`FEE_OVERRIDE`: its fee was 0.93 % at listing in 2010
  and is 0.64 % now, the date of the cut is not known).
* financing spread: ``--spreads default`` (the default) takes gaemi's own default for each fund,
  ``Holding(asset, weight=1, leverage=L, structure=...).costs()``, so the table follows what
  gaemi ships; ``--spreads recommended`` takes ``RECOMMENDED`` from ``tools/calibrate_spreads.py``.
  ``--us-spread`` (U.S. long), ``--kr-long-spread`` and ``--kr-inverse-spread`` override either.
  With the swap structure (U.S.) the spread is charged only on what a long fund borrows, so it
  does not touch inverse funds; with the futures structure (KRX) it is charged on ``L - 1``
  (long) and on ``|L|`` (inverse).
* rate: gaemi's default for the underlying's currency (us_effr / kr_cd91; ``kr_cd91`` is an
  estimate, the base rate + 0.15 pp, from 2023-05-22) unless ``--us-rate`` / ``--kr-rate`` names
  another series.
* structure: ``swap`` for U.S. funds, ``futures`` for KRX funds, passed to ``fund_report``.
* window: bought at the underlying's last close before ``period_start`` (for an issuer's
  since-inception figure that is the day before inception), sold at its last close on or before
  ``period_end``. ``annualized_return`` rows are compared as CAGRs; the published total return is
  recovered as ``(1 + value) ** years - 1`` over the synthetic window's years.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

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
# 122630's fee: 0.93 % at listing (2010, edaily) and 0.64 % (2024 on); when it changed is not known.
# 0.64 % is used on every window (tools/calibrate_spreads.py shows the fit at 0.93 % too).
FEE_OVERRIDE = {"122630": 0.0064}
END_SLACK_DAYS = 6  # the synthetic window may end at most this many days before period_end
MIN_CAGR_YEARS = 0.95  # CAGRs are shown for windows at least this long (not for calendar years)
MULTI_YEAR = 3.0  # windows at least this long enter the summary's CAGR columns and the tolerance
LONG_YEARS = 10.0  # the tolerance is also stated over windows at least this long


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


def fund_spread(args, underlying: str, leverage: float, us: bool) -> float:
    """The financing spread for one fund: an override, else the chosen preset."""
    structure = "swap" if us else "futures"
    if us and leverage > 0 and args.us_spread is not None:
        return args.us_spread
    if not us and leverage > 0 and args.kr_long_spread is not None:
        return args.kr_long_spread
    if not us and leverage < 0 and args.kr_inverse_spread is not None:
        return args.kr_inverse_spread
    if args.spreads == "recommended":
        from calibrate_spreads import RECOMMENDED
        return RECOMMENDED[("us_swap_" if us else "kr_futures_") + ("long" if leverage > 0 else "inverse")]
    from gaemi.config.plan import Holding
    return Holding(asset=underlying, weight=1, leverage=leverage, structure=structure).costs()[1]


def run_row(r: dict, args, ers) -> dict:
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
    if r["ticker"] in FEE_OVERRIDE:
        er, er_date = FEE_OVERRIDE[r["ticker"]], "override"
    else:
        er, er_date = pick_expense_ratio(ers.get(r["ticker"], []), r["period_start"], r["period_end"],
                                         args.default_er)
    lev = float(r["leverage"])
    kw = {
        "expense_ratio": er,
        "financing_spread": fund_spread(args, und, lev, us),
        "rate": args.us_rate if us else args.kr_rate,
        "start": str(before[-1].date()),
        "end": r["period_end"],
        "structure": "swap" if us else "futures",
    }
    out["params"] = kw
    try:
        rep = gaemi.fund_report(und, lev, **kw)
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
        years=years, rate=rep["rate"], er=er, er_date=er_date, spread=kw["financing_spread"],
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


def print_report(results: list[dict], args) -> None:
    ok = [x for x in results if "skip" not in x]
    skipped = [x for x in results if "skip" in x]
    print("# Synthetic gaemi funds vs published figures\n")
    print(f"Source: `{Path(args.csv).relative_to(ROOT) if Path(args.csv).is_relative_to(ROOT) else args.csv}`. "
          "Difference = synthetic - published. Synthetic: `gaemi.fund_report` on the mapped "
          f"underlying, in the fund's own currency.\n")
    spreads = defaultdict(set)
    for x in ok:
        lev = float(x["row"]["leverage"])
        key = ("U.S. " if x["row"]["country"] == "US" else "KRX ") + ("long" if lev > 0 else "inverse")
        spreads[key].add("none (swap)" if key == "U.S. inverse" else f"{x['spread']:g}")
    shown = "; ".join(f"{k} {', '.join(sorted(vs))}" for k, vs in sorted(spreads.items()))
    print("Assumptions: expense ratio = the fund's published one dated nearest the window's middle "
          f"(122630: 0.64 % throughout); financing spread ({args.spreads}"
          + (", with overrides" if any(v is not None for v in (args.us_spread, args.kr_long_spread,
                                                                 args.kr_inverse_spread)) else "")
          + f"): {shown}; rate "
          f"{args.us_rate or 'us_effr (default)'} (U.S.), {args.kr_rate or 'kr_cd91 (default; estimated from 2023-05-22)'} (KRX); "
          "structure swap (U.S.: spread on max(L-1, 0), none for inverse funds) / futures (KRX: spread on "
          "L-1 long, |L| inverse); underlying ndxtr / sp500tr / kospi200tr (F-KOSPI200, the futures index "
          "252670 and 114800 track, is modelled as kospi200tr with the futures formula). "
          "Calendar years and windows under a year compare total returns only; the summary's CAGR "
          f"columns use windows of {MULTI_YEAR:g} years or more.\n")
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
        print("| fund | L | expense ratios used | spread | calendar years | mean diff (years) | mean abs diff (years) "
              f"| windows >= {MULTI_YEAR:g} years | mean CAGR diff | max abs CAGR diff |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for t, xs in by.items():
            yrs = [x["syn_total"] - x["pub_total"] for x in xs if x["row"]["kind"] == "calendar_year_return"]
            cg = [x["syn_cagr"] - x["pub_cagr"] for x in xs
                  if x["pub_cagr"] is not None and x["years"] >= MULTI_YEAR]
            r = xs[0]["row"]
            used = ", ".join(f"{e * 100:.2f}%" for e in sorted({x["er"] for x in xs}))
            sp = ("none (swap)" if r["country"] == "US" and float(r["leverage"]) < 0
                  else ", ".join(f"{e:g}" for e in sorted({x["spread"] for x in xs})))
            print(f"| {t} | {float(r['leverage']):g} | {used} | {sp} "
                  f"| {len(yrs)} | {_pp(sum(yrs) / len(yrs) if yrs else None)} "
                  f"| {_pp(sum(map(abs, yrs)) / len(yrs) if yrs else None, False)} | {len(cg)} "
                  f"| {_pp(sum(cg) / len(cg) if cg else None)} "
                  f"| {_pp(max(map(abs, cg)) if cg else None, False)} |")
        print()
        print_tolerance(ok)
    if skipped:
        print("## Not compared\n")
        reasons: dict[tuple[str, str], list[str]] = defaultdict(list)
        for x in skipped:
            reasons[(x["row"]["ticker"], x["skip"])].append(window_label(x["row"]))
        for (t, why), ws in reasons.items():
            shown = ", ".join(ws[:4]) + (f", ... ({len(ws)} rows)" if len(ws) > 4 else "")
            print(f"- {t}: {why} — {shown}")
        print()


def print_tolerance(ok: list[dict]) -> None:
    """The largest |CAGR difference| per country over the windows the tolerance is stated on."""
    print("## Tolerance (|CAGR difference| over multi-year windows)\n")
    print("| funds | windows of | windows | max abs CAGR diff | mean abs | worst window |")
    print("|---|---|---:|---:|---:|---|")
    for country, label in (("US", "U.S."), ("KR", "KRX")):
        for least in (MULTI_YEAR, LONG_YEARS):
            xs = [x for x in ok if x["row"]["country"] == country and x["pub_cagr"] is not None
                  and x["years"] >= least]
            if not xs:
                continue
            d = [(abs(x["syn_cagr"] - x["pub_cagr"]), x) for x in xs]
            worst = max(d, key=lambda e: e[0])
            w = worst[1]
            print(f"| {label} | >= {least:g} years | {len(xs)} | {_pp(worst[0], False)} "
                  f"| {_pp(sum(e[0] for e in d) / len(d), False)} "
                  f"| {w['row']['ticker']} {window_label(w['row'])} ({w['row']['basis']}) |")
    print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="synthetic gaemi funds vs published real-fund figures")
    ap.add_argument("--csv", default=str(DEFAULT_CSV))
    ap.add_argument("--funds", nargs="*", help="tickers to keep (default: all)")
    ap.add_argument("--kinds", nargs="*", choices=RETURN_KINDS, default=list(RETURN_KINDS))
    ap.add_argument("--spreads", choices=("default", "recommended"), default="default",
                    help="gaemi's default spread per fund (Holding.costs()), or tools/calibrate_spreads.py's "
                         "RECOMMENDED")
    ap.add_argument("--us-spread", type=float, default=None, help="override: U.S. long funds")
    ap.add_argument("--kr-long-spread", type=float, default=None, help="override: KRX long funds")
    ap.add_argument("--kr-inverse-spread", type=float, default=None, help="override: KRX inverse funds")
    ap.add_argument("--us-rate", default=None)
    ap.add_argument("--kr-rate", default=None)
    ap.add_argument("--default-er", type=float, default=0.0095)
    ap.add_argument("--summary-only", action="store_true")
    args = ap.parse_args(argv)
    rows = load_rows(Path(args.csv))
    ers = expense_ratios(rows)
    keep = [r for r in rows if r["kind"] in args.kinds and r["value"]
            and (not args.funds or r["ticker"] in args.funds)]
    results = [run_row(r, args, ers) for r in keep]
    print_report(results, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
