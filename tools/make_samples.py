"""One-off: make gaemi's embedded samples from the shared data folder.

    python tools/make_samples.py [--src ../shared/data] [--dst src/gaemi/data/samples]

Reads each source CSV named in ``gaemi.data.catalog`` and writes ``NAME.csv.gz`` (and
``PROVENANCE.md``, from the shared ``SOURCES.md`` plus the caveats below) with the
columns ``date,close`` plus ``volume``/``value`` where the source has them (market caps and
the coins' USD volumes are dropped). Cell text is copied verbatim (no re-formatting; see LAST_DATE for the one trim), rows
are checked (ISO dates strictly increasing, a close on every row), and the gzip header
carries no time stamp, so running it twice gives identical bytes.

Four series are derived, not copied (their formulas are also written into PROVENANCE.md):

* ``sp500tr`` / ``ndxtr``: the ETF's own fee added back (FEE_ADDBACK), so that a synthetic fund
  on them is not charged two fees: ``close'[t] = close[t] * (1 + fee / 365) ** D[t]``, D[t] =
  calendar days since the first row (the fee accrues daily on calendar days, as a fund's expense
  accrual does). Written with 10 significant digits.
* ``kospi200tr``: KOSPI 200 total return from the price index and KRX's trailing dividend yield
  (``kospi200_valuation.csv``): ``TR[t] = TR[t-1] * (P[t] / P[t-1] + y[t-1] / 100 * X[t])``,
  X[t] = 1 on the December ex-dividend session (the second-to-last XKRX session of December),
  0 otherwise; TR starts at the price level on the first day with a yield. The yield column is
  kept (verbatim) so the series can be recomputed from the package alone.
* ``kr_cd91``: the real CD91 rows, then estimated rows on every XKRX session after the last one
  up to the base rate's last month end: ``BOK base rate at the end of that month + CD91_SPREAD``
  (exact decimal arithmetic; the spread is the median of CD91 - base over CD91_SPREAD_WINDOW,
  re-measured here and checked against the stated number).

The package never reads the shared folder at run time; only this script does.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import statistics
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gaemi.data.calendars import session_array  # noqa: E402
from gaemi.data.catalog import CD91_PROXY_SPREAD, catalog  # noqa: E402

# extra columns kept per gaemi name (besides date, close)
EXTRA = {
    "sp500": ["volume"],
    "ndx": ["volume"],
    "kospi": ["volume", "value"],
    "kosdaq": ["volume", "value"],
    "kospi200": ["value"],
    "upbit_btc": ["volume", "value"],
    "upbit_xrp": ["volume", "value"],
    "kospi200tr": ["div_yield"],
}

# annual fee of the ETF behind a total-return proxy, added back (see the module doc); sources:
# SPDR S&P 500 ETF Trust prospectus (State Street Global Advisors): total annual operating
# expenses 0.0945%; Invesco QQQ Trust prospectus: unitary fee 0.20%.
FEE_ADDBACK = {"sp500tr": "0.000945", "ndxtr": "0.0020"}

# the CD91 proxy after the real data: median of (CD91 - base rate at the same month's end) over
# this window of real data, in percentage points (checked against CD91_PROXY_SPREAD)
CD91_SPREAD_WINDOW = ("2015-01-01", "2023-05-19")
KR_BASE_SOURCE = "kr_base_rate_monthly.csv"

# last date kept per gaemi name, with the reason (see PROVENANCE.md)
LAST_DATE = {
    # the spliced BTC-USD source has a 13-day hole (2026-08-01..13) and only 14 rows after it;
    # keeping them would make every full-range USD bitcoin panel fail its gap check.
    "btc": "2026-07-31",
}


def read_rows(src: Path, cols: list[str], last: str | None = None) -> list[list[str]]:
    """The named columns of a source CSV as text, checked: dates strictly increasing, a close on
    every row that parses as a number."""
    with src.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in cols if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{src.name}: missing columns {missing}")
        rows = [[r[c] for c in cols] for r in reader]
    if last is not None:
        rows = [r for r in rows if r[0] <= last]
    prev = None
    for r in rows:
        d = date.fromisoformat(r[0])
        if prev is not None and d <= prev:
            raise SystemExit(f"{src.name}: dates not increasing at {d}")
        if r[1] == "":
            raise SystemExit(f"{src.name}: blank close on {d}")
        float(r[1])
        prev = d
    return rows


def gzip_csv(cols: list[str], rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(cols)
    w.writerows(rows)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return buf.getvalue()


def _days(a: str, b: str) -> int:
    return (date.fromisoformat(b) - date.fromisoformat(a)).days


def add_fee_back(rows: list[list[str]], fee: str) -> list[list[str]]:
    """close * (1 + fee/365) ** (calendar days since the first row), 10 significant digits."""
    daily = 1.0 + float(fee) / 365.0
    d0 = rows[0][0]
    return [[r[0], f"{float(r[1]) * daily ** _days(d0, r[0]):.10g}", *r[2:]] for r in rows]


def december_ex_dates(first: str, last: str) -> set[str]:
    """The KOSPI 200 year-end ex-dividend session of each year: the second-to-last XKRX session
    of December (record date 31 December, T+2 settlement; KRX is shut on 31 December)."""
    out = set()
    for y in range(int(first[:4]), int(last[:4]) + 1):
        s = session_array("XKRX", f"{y}-12-01", f"{y}-12-31")
        if len(s) >= 2 and first < str(s[-2]) <= last:
            out.add(str(s[-2]))
    return out


def kospi200_total_return(src: Path) -> list[list[str]]:
    """date, TR level, div_yield (verbatim) from kospi200_valuation.csv; see the module doc."""
    rows = read_rows(src / "kospi200_valuation.csv", ["date", "close", "div_yield"])
    rows = rows[next(i for i, r in enumerate(rows) if r[2] != ""):]
    if any(r[2] == "" for r in rows):
        raise SystemExit("kospi200_valuation.csv: blank div_yield after its first value")
    index = {r[0]: r[1] for r in read_rows(src / "kospi200_index.csv", ["date", "close"])}
    for r in rows:  # the valuation file's close must be the embedded price index's
        if index.get(r[0]) is None or float(index[r[0]]) != float(r[1]):
            raise SystemExit(f"kospi200_valuation.csv: close on {r[0]} differs from kospi200_index.csv")
    ex = december_ex_dates(rows[0][0], rows[-1][0])
    missing = ex - {r[0] for r in rows}
    if missing:
        raise SystemExit(f"kospi200tr: no row on ex-dates {sorted(missing)}")
    level = float(rows[0][1])
    out = [[rows[0][0], f"{level:.10g}", rows[0][2]]]
    for prev, r in zip(rows, rows[1:]):
        growth = float(r[1]) / float(prev[1])
        if r[0] in ex:
            growth += float(prev[2]) / 100.0
        level *= growth
        out.append([r[0], f"{level:.10g}", r[2]])
    return out


def cd91_spread(cd: list[list[str]], base: list[list[str]]) -> Decimal:
    """Median of CD91 - (base rate at the end of the same month) over CD91_SPREAD_WINDOW."""
    month_end = {r[0][:7]: Decimal(r[1]) for r in base}
    lo, hi = CD91_SPREAD_WINDOW
    diffs = [Decimal(r[1]) - month_end[r[0][:7]] for r in cd if lo <= r[0] <= hi]
    return statistics.median(diffs)


def cd91_with_proxy(src: Path) -> list[list[str]]:
    """Real CD91 rows, then base rate + spread on each XKRX session to the base rate's end."""
    cd = read_rows(src / "kr_cd91.csv", ["date", "close"])
    base = read_rows(src / KR_BASE_SOURCE, ["date", "close"])
    spread = Decimal(str(CD91_PROXY_SPREAD))
    measured = cd91_spread(cd, base)
    if measured != spread:
        raise SystemExit(f"kr_cd91: measured spread {measured} != stated {spread}")
    month_end = {r[0][:7]: Decimal(r[1]) for r in base}
    days = session_array("XKRX", cd[-1][0], base[-1][0])
    est = [[str(d), str(month_end[str(d)[:7]] + spread)] for d in days if str(d) > cd[-1][0]]
    return cd + est


def make_rows(src: Path, name: str, source: str) -> tuple[list[str], list[list[str]]]:
    cols = ["date", "close", *EXTRA.get(name, [])]
    if name == "kospi200tr":
        return cols, kospi200_total_return(src)
    if name == "kr_cd91":
        return cols, cd91_with_proxy(src)
    rows = read_rows(src / source, cols, LAST_DATE.get(name))
    if name in FEE_ADDBACK:
        rows = add_fee_back(rows, FEE_ADDBACK[name])
    return cols, rows


def convert(src: Path, name: str, source: str) -> tuple[bytes, int, str, str]:
    cols, rows = make_rows(src, name, source)
    return gzip_csv(cols, rows), len(rows), rows[0][0], rows[-1][0]


# gaemi-specific caveats per name (counts measured with gaemi.data.build_panel on the
# series' home calendar; see the README of the data layer for the alignment rules)
CAVEATS = {
    "sp500": [
        "Price index only (no dividends); `volume` blank before the 1950s.",
        "Every XNYS session 1927-12-30..2025-01-03 has a close and every close is a session "
        "(after gaemi removes the pre-1970 holidays that exchange_calendars misses): 0 fills.",
    ],
    "sp500tr": [
        "Total-return proxy (dividends reinvested) with SPY's 0.0945% fee added back (see the "
        "derivation); levels depend on the download date, returns do not. 0 fills on XNYS.",
    ],
    "ndx": ["Price index only. 0 fills on XNYS. Ends 2024-08-30."],
    "ndxtr": ["Total-return proxy with QQQ's 0.20% fee added back. 0 fills on XNYS."],
    "tsla": [
        "Split-adjusted (5:1 2020-08-31, 3:1 2022-08-25); Tesla pays no dividends. 0 fills on "
        "XNYS (the 2012-10-29/30 storm closure is in the calendar). Ends 2026-08-21.",
    ],
    "nvda": [
        "Adjusted for splits and dividends (Yahoo auto_adjust): levels change with every later "
        "dividend, returns do not. 0 fills on XNYS. Ends 2026-08-21.",
    ],
    "samsung": [
        "**Excludes dividends** (price only, split-adjusted): Samsung has paid about 1-3%/yr, so "
        "a holding's return is understated by that much.",
        "12 Saturday rows of 1998 dropped in panels (their move lands in Monday's return). "
        "2 XKRX sessions carried forward: 2026-06-03 (local election day) and 2026-07-17 "
        "(Constitution Day, a holiday again from 2026): holidays exchange_calendars lacks.",
        "2018-04-30..2018-05-03 repeat 53,000: trading halted for the 50:1 split (real, not a "
        "fill).",
    ],
    "skhynix": [
        "**Excludes dividends** (price only, adjusted for the 2003 21:1 capital reduction).",
        "0 rows dropped; 2 XKRX sessions carried forward: 2026-06-03 and 2026-07-17 (as samsung). "
        "2003-03-26..04-11 repeat 2,650 (halt around the capital reduction).",
    ],
    "kospi200tr": [
        "An estimate, not KRX's official KOSPI 200 TR index (not available): see the derivation "
        "for the formula and the KODEX 200TR cross-check. No fee deducted. Ends 2023-12-28.",
        "175 Saturday rows (1995-98) dropped in panels; 4 XKRX sessions carried forward "
        "(1995-06-27, 1995-12-28, 1996-04-11, 1998-06-04), as kospi200.",
    ],
    "kospi": [
        "Price index only (no dividends). `value` = KRX-only turnover (KRW); understates total "
        "turnover from 2025-03-04 (Nextrade).",
        "177 Saturday rows (KRX traded on Saturdays until Dec 1998; exchange_calendars has no "
        "Saturday sessions) are dropped in panels: their move lands in Monday's return.",
        "4 XKRX sessions have no close and are carried forward (zero return, recorded in "
        "`panel.filled`): 1995-06-27, 1995-12-28, 1996-04-11, 1998-06-04 (1995-06-27, "
        "1996-04-11 and 1998-06-04 were election days: the market was most likely shut and "
        "the calendar lacks the holiday).",
    ],
    "kosdaq": [
        "Price index only. 118 Saturday rows dropped in panels; 1 XKRX session carried forward "
        "(1998-06-04).",
    ],
    "kospi200": [
        "Price index only: a fund on it through futures also earns the dividends and pays the "
        "futures carry, so this understates such funds. `value` blank before 1995.",
        "443 rows dropped in panels: 438 Saturdays and 5 weekdays the XKRX calendar has as "
        "holidays (1992-12-28, 1993-07-07, 1994-01-03, 1994-02-14, 1994-05-20).",
        "6 XKRX sessions carried forward: 1995-02-02, 1995-02-03 (a run of 2), 1995-06-27, "
        "1995-12-28, 1996-04-11, 1998-06-04.",
    ],
    "btc": [
        "Trimmed at 2026-07-31: the second source lacks 2026-08-01..13 (13 days) and its 14 "
        "rows after the hole are left out so that the embedded series has no hole. "
        "0 missing days 2014-09-17..2026-07-31.",
    ],
    "eth": ["0 missing days. Ends 2025-09-29."],
    "xrp": ["0 missing days. Ends 2025-09-29."],
    "doge": ["0 missing days. Ends 2025-09-29."],
    "sol": ["0 missing days. Ends 2025-09-29."],
    "luna": [
        "CoinGecko's snapshot dated D is taken at 00:00 UTC of D, i.e. the close of D-1: "
        "`load_series` shifts the dates by -1 day (the file keeps the labels as published), "
        "which matches Yahoo LUNA1-USD closes (median |log diff| 0.2% shifted vs 3.4% not).",
        "Terra Classic: collapses in May 2022 (low 4.7e-05 USD on 2022-06-08 after the shift).",
    ],
    "ftt": [
        "Same CoinGecko snapshot convention as luna: dates shifted by -1 day on load.",
        "FTX Token: collapses in November 2022.",
    ],
    "usdt": [
        "Yahoo labels a UTC day by its own date (as btc, eth): no date shift. 0 missing days "
        "2017-11-09..2022-11-11. Range 0.9666 (2018-11-14) to 1.0779 (2017-12-12): the peg's "
        "real small deviations.",
    ],
    "ust": [
        "Yahoo UTC-day closes, no date shift. 0 missing days 2020-11-25..2022-10-09. The depeg "
        "is real history: 0.996 on 2022-05-08, 0.793 on 05-09, 0.154 on 05-13, 0.02 by the end "
        "of May; ends 2022-10-09 at 0.034, so panels holding it end there (as luna's end "
        "ends its panels).",
    ],
    "upbit_btc": [
        "KRW price on Upbit: includes the kimchi premium (up to +56% in Jan 2018). "
        "`value` = KRW turnover on Upbit. 1,826 consecutive days.",
    ],
    "upbit_xrp": ["As upbit_btc, for XRP. 1,826 consecutive days."],
    "ibit": ["Spot ETF: a proxy for the coin net of a 0.25% fee, at 16:00 ET marks. 0 fills."],
    "etha": ["Spot ETF: a proxy for the coin net of a 0.25% fee, at 16:00 ET marks. 0 fills."],
    "us_effr": [
        "Every calendar day; ACT/360. Ends 2025-12-31: panels with it stop there by default.",
    ],
    "us_tbill3m": [
        "Discount basis, used as a simple ACT/360 rate (an approximation). Exact zeros and a "
        "few negative values (low -0.05% on 2020-03-26) are real.",
    ],
    "kr_cd91": [
        "ACT/365. Real data to 2023-05-19; **estimated** (base rate + 0.15 pp) from 2023-05-22 "
        "to 2025-10-31: panels with it run to 2025-10-31 by default and list the estimated "
        "days in `provenance['estimated']`.",
    ],
    "kr_base": [
        "Monthly: the rate in force at each month end, forward-filled to the next month end, "
        "so a mid-month change reaches a panel only after the month end (a lag of up to about "
        "six weeks). Starts 2004-01-31, ends 2025-10-31 (to 2023-11-30 from the first source, "
        "then the second; they agree on all 107 common months).",
    ],
    "seoul_apt": [
        "Monthly index level at each month end (the base period is not stated: use changes, "
        "not levels). For a home goal's `price_index`: backtests read the level as of each "
        "session (the latest month end on or before it, so a month's move shows at its end), "
        "Monte Carlo bootstraps its 129 monthly log changes. Not a tradable asset: a panel "
        "asset needs daily closes.",
        "Windows starting before 2015-01-31 cannot use it (no level yet).",
    ],
    "usdkrw": [
        "Fed H.10 business days (no values on Columbus Day and Veterans Day, values on Good "
        "Friday), so it is sampled as-of each session, at most 7 calendar days old. It is the "
        "New York noon rate of the date, hours after the KRX close of that date. Ends "
        "2026-03-27: every converted panel stops there.",
    ],
}

# other shared files a series is made from or checked against (their origins are listed too)
EXTRA_SOURCES = {
    "kr_cd91": [KR_BASE_SOURCE],
    "kospi200tr": ["kospi200_index.csv", "kospi200tr_etf_278530.csv"],
}

# formulas of the derived series (see the module doc), written into PROVENANCE.md
DERIVATION = {
    "sp500tr": [
        "SPY's fee added back: `close = SPY adjusted close x (1 + 0.000945 / 365) ** D`, D = calendar "
        "days since 1993-01-29 (a fund's expense accrues daily on calendar days), so a synthetic "
        "fund on it is not charged two fees. Fee: SPDR S&P 500 ETF Trust prospectus (State Street "
        "Global Advisors), total annual operating expenses 0.0945%; today's fee is applied to the "
        "whole span (SPY's fee was higher in its early years: not modelled). Written with 10 "
        "significant digits.",
    ],
    "ndxtr": [
        "QQQ's fee added back: `close = QQQ adjusted close x (1 + 0.0020 / 365) ** D`, D = calendar "
        "days since 1999-03-10. Fee: Invesco QQQ Trust prospectus, unitary fee 0.20%; applied to "
        "the whole span. Written with 10 significant digits.",
    ],
    "kospi200tr": [
        "`TR[t] = TR[t-1] x (P[t] / P[t-1] + X[t] x y[t-1] / 100)`: P = KOSPI 200 price index "
        "(`close` of kospi200_valuation.csv, checked equal to kospi200_index.csv on every row), "
        "y = KRX's trailing dividend yield in % (`div_yield`, kept in the file), X[t] = 1 on the "
        "December ex-dividend session (the second-to-last XKRX session of December: record date "
        "31 December, T+2 settlement), else 0. TR = P on 1995-05-02, the first day with a yield.",
        "So the year's dividends, estimated as the trailing yield x the index level the session "
        "before, are reinvested in one step at the year-end ex-date, where most KOSPI 200 "
        "dividends go ex and where a TR fund's NAV (dividend receivable booked) and a futures "
        "position (no drop at the ex-date) gain them. Quarterly and interim dividends (Samsung "
        "Electronics pays quarterly) are moved to December.",
        "Chosen over a daily accrual (`+ y[t-1] / 100 x gap days / 365` every session) by the "
        "KODEX 200TR ETF (278530) cross-check, 2017-11-21..2023-12-22 (1,501 days): tracking "
        "error 2.75%/yr daily and 1.11%/yr monthly (daily accrual: 2.88% and 1.48%); CAGR "
        "2.66% vs the ETF's 2.97% (daily accrual 2.81%); over the whole years 2018-2022 both "
        "lag the ETF by 0.24-0.25 pp/yr (the trailing yield trails growing dividends). "
        "Numbers and annual returns: docs/data.md.",
        "Ends 2023-12-28 with the yield data. From 2023 many Korean companies moved their record "
        "dates after the annual meeting (ex-dates in Feb-Apr): the 2023-12-27 step overstates "
        "that December's dividends.",
    ],
    "kr_cd91": [
        "Rows up to 2023-05-19: the real ECOS CD (91-day) yield. From 2023-05-22 to 2025-10-31, on "
        "every XKRX session: **estimated** as `base + 0.15`, base = the Bank of Korea base rate "
        "at the end of that session's month (kr_base_rate_monthly.csv), in exact decimals.",
        "0.15 pp is the median of CD91 - base (same month's end) over the 2,072 real days "
        "2015-01-02..2023-05-19 (mean 0.18 pp; yearly medians 0.09-0.25 pp, 2022 mean 0.35 pp). "
        "The same-month base fits the real CD91 better than the base of the previous month end "
        "(mean absolute error 0.090 vs 0.107 pp around the median): CD91 prices expected cuts "
        "and hikes ahead.",
    ],
    "kr_base": [
        "No derivation: the source file now runs to 2025-10-31 (spliced in shared/data, see the "
        "notes above).",
    ],
}

HEADER = """# Embedded market samples: provenance

Made by `tools/make_samples.py` from the project's shared data folder (`shared/data`,
described in its `SOURCES.md`); cell text copied verbatim except in the derived series
(`sp500tr`, `ndxtr`, `kospi200tr`, and `kr_cd91` after 2023-05-19), whose formulas are given
under "derivation"; gzip CSV with `date,close` plus the columns named below. gaemi never reads
the shared folder at run time.

Licences: none of the GitHub repositories these files come from states a licence for its data
files. The facts come from FRED / Board of Governors (public domain), Bank of Korea ECOS, KRX,
Korea Real Estate Board (R-ONE), Yahoo Finance, CoinGecko and Upbit, whose terms apply. Keep attribution; these are not the
project's own data.

General caveats (from SOURCES.md): Yahoo adjusted closes are rescaled after each later dividend
or split, so mix sources by returns, not levels; calendars differ (NYSE days, KRX days, UTC
calendar days for coins) and gaemi aligns them explicitly (`gaemi.data.build_panel`); rates are
percent per year on the source's own basis.

"""


def _source_sections(sources_md: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for line in sources_md.read_text(encoding="utf-8").splitlines():
        if line.startswith("### "):
            # "### kr_base_rate_monthly.csv (extends the existing file)": a later entry for the
            # same file replaces the earlier one (it lists every origin of the extended file)
            current = line[4:].split()[0]
            out[current] = []
        elif line.startswith("## "):
            current = None
        elif current and line.startswith("- "):
            out[current].append(line)
    return out


def provenance(src: Path, stats: dict[str, tuple[int, str, str]]) -> str:
    sections = _source_sections(src / "SOURCES.md")
    parts = [HEADER]
    for name, info in catalog().items():
        n, first, last = stats[name]
        cols = ", ".join(["date", "close", *EXTRA.get(name, [])])
        basis = f", day count ACT/{info.day_count_basis:g}" if info.day_count_basis else ""
        parts.append(f"## {name}\n")
        parts.append(f"- gaemi: {info.description}; kind {info.kind}, {info.currency}, "
                     f"calendar {info.calendar}{basis}, {info.frequency}")
        parts.append(f"- file: `{info.file}` ({cols}); {n} rows, {first}..{last} (dates as in the file)")
        if info.estimated_from:
            parts.append(f"- **estimated from {info.estimated_from}**: rows on and after that date are "
                         "not observations (see the derivation)")
        for source in (info.source, *EXTRA_SOURCES.get(name, [])):
            parts.append(f"- source file: `{source}`; from its SOURCES.md entry:")
            for line in sections.get(source, []):
                if line.startswith(("- origin", "- notes", "- largest gap")):
                    parts.append("  " + line)
        if name in DERIVATION:
            parts.append("- derivation (tools/make_samples.py):")
            for line in DERIVATION[name]:
                parts.append(f"  - {line}")
        parts.append("- gaemi caveats:")
        for c in CAVEATS.get(name, []):
            parts.append(f"  - {c}")
        parts.append("")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--dst", type=Path, default=ROOT / "src" / "gaemi" / "data" / "samples")
    args = ap.parse_args(argv)
    args.dst.mkdir(parents=True, exist_ok=True)
    total = 0
    stats = {}
    for name, info in catalog().items():
        data, n, first, last = convert(args.src, name, info.source)
        (args.dst / info.file).write_bytes(data)
        stats[name] = (n, first, last)
        total += len(data)
        print(f"{name:11s} {info.source:30s} rows {n:6d}  {first}..{last}  {len(data):8,d} bytes")
    (args.dst / "PROVENANCE.md").write_text(provenance(args.src, stats), encoding="utf-8")
    print(f"total {total:,d} bytes; wrote PROVENANCE.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
