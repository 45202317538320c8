"""Calibrate gaemi's default financing spreads against real leveraged and inverse funds.

    python tools/calibrate_spreads.py            # the table, markdown
    python tools/calibrate_spreads.py --json     # the same numbers as JSON

For every fund in ``tests/reference/real_funds`` (U.S.: TQQQ, QLD, SQQQ, UPRO, SSO, SPXU, SDS, SH;
KRX: 122630, 252670, 114800) and each of its longest clean windows, this finds the financing
spread ``s`` (annual fraction over the short rate, charged on the exposure ``e(L)``) at which the
synthetic fund's CAGR equals the real fund's, by :func:`scipy.optimize.brentq` on
``CAGR_synthetic(s) - CAGR_real``. It then fits one ``s`` per group (U.S. swap long, U.S. swap
inverse, KRX futures long, KRX futures inverse) by least squares on the CAGR differences
(:func:`scipy.optimize.minimize_scalar`; every fund weighs the same, its windows share its
weight) and prints the residuals at that ``s`` and at the rounded value recommended as a
default.

The synthetic fund is exactly :func:`gaemi.fund_report`'s (the same panel, rate and
:func:`gaemi.instruments.leveraged_fund.fund_daily_returns`; checked against ``fund_report`` for
every window at s = 0.004): ``R = L r + (1 - L) rf - e(L) s - fee / 252`` in the fund's own
currency, ``r`` the total-return underlying (``ndxtr``, ``sp500tr``, ``kospi200tr``), ``rf`` the
default short rate (``us_effr`` ACT/360, ``kr_cd91`` ACT/365). The fit calls the function
directly because ``fund_report`` refuses a negative spread and a fitted value may be negative
(the synthetic fund then falls short of the real one even without any spread).

Exposure ``e(L)`` the spread is charged on:

* U.S. long (swap): ``L - 1``, gaemi's swap structure.
* U.S. inverse: ``|L|``. gaemi's swap structure charges inverse funds no spread; the value
  fitted here is what a spread on the short exposure would have to be for the synthetic fund
  to match (zero or below means none is needed).
* KRX long (futures): ``L - 1``; KRX inverse (futures): ``|L|`` (gaemi's futures structure).

Windows (each fund's real expense ratio: the published one dated nearest the window's middle,
as ``tools/validate_funds.py`` picks it, unless stated):

* ``nav``: the issuer's since-inception annualised NAV return (ProShares), compared as a CAGR.
* ``price``: market closes. Where this folder keeps the daily closes (TQQQ, UPRO, 122630,
  252670) the window runs from the first close to the last one the embedded underlying and
  rate reach, and the real CAGR is computed here from those files; otherwise the longest
  published ``cumulative_return`` row (computed from closes by the colleague's script).
* KRX funds also get a window to 2022-12-31 (``price<=2022``), before ``kr_cd91`` turns into
  an estimate (2023-05-22 on); it is shown, not fitted.
* 122630: its fee was 0.93 % at listing (2010) and is 0.64 % (2024 on); when it changed is not
  known. The fit uses 0.64 % on every window and shows the since-listing fit at 0.93 % too
  (fee and spread are interchangeable for a 2x fund: each point of fee moves the fitted spread
  by one point).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import brentq, minimize_scalar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tools"))

import gaemi  # noqa: E402
from gaemi.data import build_panel, series_info  # noqa: E402
from gaemi.engine.spec import financing_rate_name  # noqa: E402
from gaemi.instruments.leveraged_fund import fund_daily_returns  # noqa: E402
from validate_funds import expense_ratios, load_rows, pick_expense_ratio  # noqa: E402

REF = ROOT / "tests" / "reference" / "real_funds"
CSV = REF / "published_figures.csv"

# ticker -> (underlying, leverage, country, daily closes file or None)
FUNDS = {
    "TQQQ": ("ndxtr", 3, "US", "tqqq_daily.csv"),
    "QLD": ("ndxtr", 2, "US", None),
    "SQQQ": ("ndxtr", -3, "US", None),
    "UPRO": ("sp500tr", 3, "US", "upro_daily.csv"),
    "SSO": ("sp500tr", 2, "US", None),
    "SPXU": ("sp500tr", -3, "US", None),
    "SDS": ("sp500tr", -2, "US", None),
    "SH": ("sp500tr", -1, "US", None),
    "122630": ("kospi200tr", 2, "KR", "122630_daily.csv"),
    "252670": ("kospi200tr", -2, "KR", "252670_daily.csv"),
    "114800": ("kospi200tr", -1, "KR", None),
}
FEE_OVERRIDE = {"122630": 0.0064}  # see the module docstring
FEE_SENSITIVITY = {"122630": 0.0093}  # since-listing fit shown at this fee too
KR_CLEAN_RATE_END = "2022-12-31"
KR_COMMON_START = "2017-01-01"
GROUPS = {
    "us_swap_long": "U.S. swap, long (e = L - 1)",
    "us_swap_inverse": "U.S. swap, inverse (e = |L|; gaemi charges none today)",
    "kr_futures_long": "KRX futures, long (e = L - 1)",
    "kr_futures_inverse": "KRX futures, inverse (e = |L|)",
}
# The defaults this calibration recommends (annual fractions), per group: the least-squares fit
# rounded to 0.05 pp, except U.S. inverse funds, where the fit (+0.07 % on |L|) is below what
# the data can tell apart from zero (max |CAGR diff| 0.21 pp at 0), so gaemi's swap structure
# keeps charging them none. docs/validation.md and the tolerance test use these values.
RECOMMENDED = {
    "us_swap_long": 0.0070,
    "us_swap_inverse": 0.0,
    "kr_futures_long": 0.0035,
    "kr_futures_inverse": 0.0165,
}
ROUND_TO = 0.0005  # recommended defaults are rounded to 0.05 pp
BRACKET = (-0.10, 0.15)


def group_of(leverage: float, country: str) -> str:
    return ("us_swap_" if country == "US" else "kr_futures_") + ("long" if leverage > 0 else "inverse")


def exposure(leverage: float) -> float:
    """e(L) of the fit: L - 1 for long funds, |L| for inverse ones (U.S. and KRX alike)."""
    return leverage - 1.0 if leverage > 0 else -leverage


@dataclass
class Window:
    ticker: str
    underlying: str
    leverage: float
    group: str
    basis: str  # nav | price | price<=2022 | price (fee ...)
    base: str  # the close bought at
    end: str  # the close sold at
    years: float
    fee: float
    real_cagr: float
    source: str
    in_fit: bool = True
    estimated_rate_days: int = 0
    fitted_spread: float | None = None
    cagr_at: dict = field(default_factory=dict)  # label -> synthetic CAGR at that spread


class Synthetic:
    """The underlying's own-currency returns and the short rate over one window (one panel)."""

    def __init__(self, underlying: str, base: str, end: str):
        info = series_info(underlying)
        self.rate = financing_rate_name(underlying, None)
        panel = build_panel([underlying], rates=[self.rate], currency=info.currency).window(base, end)
        self.panel = panel
        self.r = panel.returns[:, 0]
        self.base = panel.base_date if panel.base_date is not None else panel.dates[0]
        self.end = panel.dates[-1]
        self.years = (self.end - self.base).days / 365.25
        rinfo = series_info(self.rate)
        est = getattr(rinfo, "estimated_from", None)
        self.estimated_days = 0 if est is None else int((panel.dates >= pd.Timestamp(est)).sum())

    def cagr(self, leverage: float, fee: float, spread: float) -> float:
        """CAGR with the spread on e(L) = :func:`exposure`: ``fund_daily_returns``'s "futures"
        structure charges exactly that (for long funds it equals the swap's max(L - 1, 0))."""
        f = fund_daily_returns(self.r, leverage, rate=self.panel.rates[:, 0], gap_days=self.panel.gap_days,
                               basis=self.panel.rate_basis[0], expense_ratio=fee,
                               financing_spread=spread, structure="futures")
        total = float(np.prod(1.0 + f))
        return total ** (1.0 / self.years) - 1.0 if total > 0 else -1.0


def _daily(fname: str) -> pd.Series:
    return pd.read_csv(REF / fname, parse_dates=["date"]).set_index("date")["close"]


def _last_session(und: str, before: pd.Timestamp) -> pd.Timestamp:
    from gaemi.data.catalog import close_history
    idx = close_history(und).index
    return idx[idx < before][-1]


def _data_end(und: str) -> pd.Timestamp:
    """Last session both the underlying and its default rate reach."""
    from gaemi.data.catalog import close_history
    rate = financing_rate_name(und, None)
    return min(close_history(und).index[-1], close_history(rate).index[-1])


def build_windows(rows: list[dict]) -> list[tuple[Window, Synthetic]]:
    ers = expense_ratios(rows)
    out: list[tuple[Window, Synthetic]] = []

    def add(ticker, basis, base, end, real_cagr_fn, source, fee=None, in_fit=True):
        und, lev, country, _ = FUNDS[ticker]
        syn = Synthetic(und, str(base.date()), str(end.date()))
        if fee is None:
            fee = FEE_OVERRIDE.get(ticker) or pick_expense_ratio(ers.get(ticker, []), str(base.date()),
                                                                 str(end.date()), 0.0095)[0]
        w = Window(ticker, und, lev, group_of(lev, country), basis, str(syn.base.date()), str(syn.end.date()),
                   syn.years, fee, real_cagr_fn(syn), source, in_fit, syn.estimated_days)
        out.append((w, syn))

    for ticker, (und, lev, country, daily) in FUNDS.items():
        mine = [r for r in rows if r["ticker"] == ticker and r["value"]]
        # 1. the issuer's longest annualised NAV figure
        navs = [r for r in mine if r["kind"] == "annualized_return" and r["basis"] == "nav"]
        if navs:
            r = min(navs, key=lambda r: r["period_start"])
            base = _last_session(und, pd.Timestamp(r["period_start"]))
            add(ticker, "nav", base, pd.Timestamp(r["period_end"]), lambda s, v=float(r["value"]): v,
                r["source"])
        # 2. market closes: the daily file kept here, else the longest published cumulative row;
        #    KRX funds also to 2022-12-31 (real CD91 only) and from 2017 (a window all three share)
        variants = [("price", None, None, True)]
        if country == "KR":
            variants += [("price<=2022", None, pd.Timestamp(KR_CLEAN_RATE_END), False),
                         ("price 2017+", pd.Timestamp(KR_COMMON_START), None, False)]
        for basis, after, cut, in_fit in variants:
            if daily:
                s = _daily(daily)
                stop = _data_end(und) if cut is None else min(_data_end(und), cut)
                s = s[s.index <= stop]
                if after is not None:
                    s = s[s.index >= s.index[s.index < after][-1]]
                base, end = s.index[0], s.index[-1]
                real_total = s.iloc[-1] / s.iloc[0] - 1
                yrs = (end - base).days / 365.25
                real_cagr = (1 + real_total) ** (1 / yrs) - 1

                def fn(syn, c=real_cagr, b=base, e=end):
                    if syn.base != b or syn.end != e:
                        raise SystemExit(f"{ticker}: synthetic window {syn.base.date()}..{syn.end.date()} "
                                         f"!= the fund's {b.date()}..{e.date()}")
                    return c
                src = f"tests/reference/real_funds/{daily}"
                add(ticker, basis, base, end, fn, src, in_fit=in_fit)
                if basis == "price" and ticker in FEE_SENSITIVITY:
                    add(ticker, f"price (fee {FEE_SENSITIVITY[ticker] * 100:.2f} %)", base, end, fn, src,
                        fee=FEE_SENSITIVITY[ticker], in_fit=False)
            else:
                cums = [r for r in mine if r["kind"] == "cumulative_return" and r["basis"] == "price"
                        and (cut is None or pd.Timestamp(r["period_end"]) <= cut)
                        and (after is None or r["period_start"] == str(after.date()))]
                if not cums:
                    continue
                r = min(cums, key=lambda r: (r["period_start"], -pd.Timestamp(r["period_end"]).value))
                base = _last_session(und, pd.Timestamp(r["period_start"]))
                v = float(r["value"])
                add(ticker, basis, base, pd.Timestamp(r["period_end"]),
                    lambda syn, v=v: (1 + v) ** (1 / syn.years) - 1, r["source"], in_fit=in_fit)
    return out


def fit_window(w: Window, syn: Synthetic) -> float | None:
    g = lambda s: syn.cagr(w.leverage, w.fee, s) - w.real_cagr  # noqa: E731
    lo, hi = BRACKET
    if g(lo) * g(hi) > 0:
        return None
    return brentq(g, lo, hi, xtol=1e-10)


def fit_group(items: list[tuple[Window, Synthetic]]) -> float:
    """Least-squares s over the group's fitted windows, every fund weighing the same."""
    per_fund: dict[str, int] = {}
    for w, _ in items:
        per_fund[w.ticker] = per_fund.get(w.ticker, 0) + 1

    def loss(s):
        return sum((syn.cagr(w.leverage, w.fee, s) - w.real_cagr) ** 2 / per_fund[w.ticker]
                   for w, syn in items)
    return float(minimize_scalar(loss, bounds=(-0.05, 0.05), method="bounded", options={"xatol": 1e-7}).x)


def check_against_fund_report(w: Window, syn: Synthetic) -> float:
    """|CAGR here - fund_report's| at s = 0.004 with gaemi's own structure for the fund."""
    structure = "swap" if w.group.startswith("us_") else "futures"
    rep = gaemi.fund_report(w.underlying, w.leverage, expense_ratio=w.fee, financing_spread=0.004,
                            start=w.base, end=w.end, structure=structure)
    # a U.S. inverse fund pays no spread in gaemi's swap structure: compare it at s = 0
    mine = syn.cagr(w.leverage, w.fee, 0.0 if structure == "swap" and w.leverage < 0 else 0.004)
    return abs(mine - rep["cagr"])


def _residuals(items, s: float) -> list[float]:
    return [syn.cagr(w.leverage, w.fee, s) - w.real_cagr for w, syn in items]


def run() -> dict:
    rows = load_rows(CSV)
    items = build_windows(rows)
    worst = max(check_against_fund_report(w, syn) for w, syn in items)
    if worst > 1e-12:
        raise SystemExit(f"the fit's synthetic fund differs from gaemi.fund_report by {worst:.2e} in CAGR")
    for w, syn in items:
        w.fitted_spread = fit_window(w, syn)
        w.cagr_at["s=0"] = syn.cagr(w.leverage, w.fee, 0.0)
        w.cagr_at["s=0.004"] = syn.cagr(w.leverage, w.fee, 0.004)
        w.cagr_at["recommended"] = syn.cagr(w.leverage, w.fee, RECOMMENDED[w.group])
    groups = {}
    for g, label in GROUPS.items():
        mine = [(w, syn) for w, syn in items if w.group == g]
        fit = [(w, syn) for w, syn in mine if w.in_fit]
        s_ls = fit_group(fit)
        s_round = round(s_ls / ROUND_TO) * ROUND_TO
        per_fund: dict[str, list[float]] = {}
        for w, _ in fit:
            if w.fitted_spread is not None:
                per_fund.setdefault(w.ticker, []).append(w.fitted_spread)
        res_fit = _residuals(fit, RECOMMENDED[g])
        res_all = _residuals(mine, RECOMMENDED[g])
        groups[g] = {
            "label": label,
            "funds": sorted({w.ticker for w, _ in fit}, key=list(FUNDS).index),
            "windows_fitted": len(fit),
            "windows_all": len(mine),
            "fund_spreads": {t: float(np.mean(v)) for t, v in per_fund.items()},
            "least_squares_spread": s_ls,
            "least_squares_rounded": 0.0 if abs(s_round) < 1e-12 else s_round,
            "recommended_spread": RECOMMENDED[g],
            "residual_rms_pp": 100 * math.sqrt(sum(d * d for d in res_fit) / len(res_fit)),
            "residual_max_abs_pp": 100 * max(map(abs, res_fit)),
            "residual_max_abs_all_windows_pp": 100 * max(map(abs, res_all)),
            "residual_max_abs_at_0004_pp": 100 * max(map(abs, _residuals(fit, 0.004))),
            "residual_max_abs_at_0_pp": 100 * max(map(abs, _residuals(fit, 0.0))),
        }
    return {"windows": [asdict(w) for w, _ in items], "groups": groups,
            "check_vs_fund_report_max_abs_cagr": worst}


def _spread(x):
    return "" if x is None else f"{x * 100:+.3f}%"


def _pp(x):
    return "" if x is None else f"{x * 100:+.2f}"


def print_markdown(res: dict) -> None:
    print("# Financing spreads fitted to real funds\n")
    print("s = the spread (annual, over the short rate) at which the synthetic fund's CAGR equals "
          "the real fund's, charged on e(L) = L - 1 (long) or |L| (inverse); rate us_effr (U.S.) / "
          "kr_cd91 (KRX); underlying ndxtr / sp500tr / kospi200tr. CAGR difference = synthetic - real, "
          "in pp. `fit`: the window enters its group's least-squares fit (the others are checks).\n")
    print("| fund | L | basis | window | years | fee | real CAGR | s fitted | CAGR diff at s=0 "
          "| at s=0.004 | at recommended | fit |")
    print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for w in res["windows"]:
        est = f" ({w['estimated_rate_days']} d est. CD91)" if w["estimated_rate_days"] else ""
        print(f"| {w['ticker']} | {w['leverage']:g} | {w['basis']} | {w['base']}..{w['end']}{est} "
              f"| {w['years']:.2f} | {w['fee'] * 100:.2f}% | {w['real_cagr'] * 100:+.2f}% "
              f"| {_spread(w['fitted_spread'])} "
              f"| {_pp(w['cagr_at']['s=0'] - w['real_cagr'])} | {_pp(w['cagr_at']['s=0.004'] - w['real_cagr'])} "
              f"| {_pp(w['cagr_at']['recommended'] - w['real_cagr'])} | {'yes' if w['in_fit'] else 'no'} |")
    print("\n## Per group\n")
    print("Residuals are CAGR differences (synthetic - real) at the recommended default: over the "
          "fitted windows (RMS, max) and over every window of the group incl. the checks; the last "
          "two columns are the max over the fitted windows at s = 0.004 and at s = 0 (gaemi today: 0.004 for long "
          "funds and KRX inverse ones, none for U.S. inverse ones).\n")
    print("| group | s per fund | least-squares s | recommended default | RMS | max abs "
          "| max abs, all windows | max abs at 0.004 | max abs at 0 |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for g in res["groups"].values():
        per = ", ".join(f"{t} {v * 100:+.2f}%" for t, v in g["fund_spreads"].items())
        print(f"| {g['label']} | {per} | {g['least_squares_spread'] * 100:+.3f}% "
              f"| **{g['recommended_spread']:.4f}** | {g['residual_rms_pp']:.2f} pp "
              f"| {g['residual_max_abs_pp']:.2f} pp | {g['residual_max_abs_all_windows_pp']:.2f} pp "
              f"| {g['residual_max_abs_at_0004_pp']:.2f} pp | {g['residual_max_abs_at_0_pp']:.2f} pp |")
    moved = [g["label"] for g in res["groups"].values()
             if g["least_squares_rounded"] != g["recommended_spread"]]
    print("\nRecommended = the least-squares s rounded to 0.05 pp"
          + (f", except: {'; '.join(moved)} (see RECOMMENDED in this script)." if moved else "."))
    print(f"\nThe fit's synthetic fund equals gaemi.fund_report's to {res['check_vs_fund_report_max_abs_cagr']:.1e} "
          "in CAGR on every window (at s = 0.004).")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="fit gaemi's financing spreads to real leveraged/inverse funds")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = run()
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        print_markdown(res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
