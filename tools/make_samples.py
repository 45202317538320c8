"""One-off: make gaemi's embedded samples from the shared data folder.

    python tools/make_samples.py [--src ../shared/data] [--dst src/gaemi/data/samples]

Reads each source CSV named in ``gaemi.data.catalog`` and writes ``NAME.csv.gz`` (and
``PROVENANCE.md``, from the shared ``SOURCES.md`` plus the caveats below) with the
columns ``date,close`` plus ``volume``/``value`` where the source has them (market caps and
the coins' USD volumes are dropped). Cell text is copied verbatim (no re-formatting; see LAST_DATE for the one trim), rows
are checked (ISO dates strictly increasing, a close on every row), and the gzip header
carries no time stamp, so running it twice gives identical bytes.

The package never reads the shared folder at run time; only this script does.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gaemi.data.catalog import catalog  # noqa: E402

# extra columns kept per gaemi name (besides date, close)
EXTRA = {
    "sp500": ["volume"],
    "ndx": ["volume"],
    "kospi": ["volume", "value"],
    "kosdaq": ["volume", "value"],
    "kospi200": ["value"],
    "upbit_btc": ["volume", "value"],
    "upbit_xrp": ["volume", "value"],
}

# last date kept per gaemi name, with the reason (see PROVENANCE.md)
LAST_DATE = {
    # the spliced BTC-USD source has a 13-day hole (2026-08-01..13) and only 14 rows after it;
    # keeping them would make every full-range USD bitcoin panel fail its gap check.
    "btc": "2026-07-31",
}


def convert(src: Path, name: str) -> tuple[bytes, int, str, str]:
    cols = ["date", "close", *EXTRA.get(name, [])]
    with src.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in cols if c not in (reader.fieldnames or [])]
        if missing:
            raise SystemExit(f"{src.name}: missing columns {missing}")
        rows = [[r[c] for c in cols] for r in reader]
    if name in LAST_DATE:
        rows = [r for r in rows if r[0] <= LAST_DATE[name]]
    prev = None
    for r in rows:
        d = date.fromisoformat(r[0])
        if prev is not None and d <= prev:
            raise SystemExit(f"{src.name}: dates not increasing at {d}")
        if r[1] == "":
            raise SystemExit(f"{src.name}: blank close on {d}")
        float(r[1])
        prev = d
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(cols)
    w.writerows(rows)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(text.getvalue().encode("utf-8"))
    return buf.getvalue(), len(rows), rows[0][0], rows[-1][0]


# gaemi-specific caveats per name (counts measured with gaemi.data.build_panel on the
# series' home calendar; see the README of the data layer for the alignment rules)
CAVEATS = {
    "sp500": [
        "Price index only (no dividends); `volume` blank before the 1950s.",
        "Every XNYS session 1927-12-30..2025-01-03 has a close and every close is a session "
        "(after gaemi removes the pre-1970 holidays that exchange_calendars misses): 0 fills.",
    ],
    "sp500tr": [
        "Total-return proxy (dividends reinvested, net of SPY's 0.09% fee); levels depend on "
        "the download date, returns do not. 0 fills on XNYS.",
    ],
    "ndx": ["Price index only. 0 fills on XNYS. Ends 2024-08-30."],
    "ndxtr": ["Total-return proxy net of QQQ's fee. 0 fills on XNYS."],
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
    "kr_cd91": ["ACT/365. Ends 2023-05-19: panels with it stop there by default."],
    "kr_base": [
        "Monthly: the rate in force at each month end, forward-filled to the next month end, "
        "so a mid-month change reaches a panel only after the month end (a lag of up to about "
        "six weeks). Starts 2004-01-31, ends 2023-11-30.",
    ],
    "usdkrw": [
        "Fed H.10 business days (no values on Columbus Day and Veterans Day, values on Good "
        "Friday), so it is sampled as-of each session, at most 7 calendar days old. It is the "
        "New York noon rate of the date, hours after the KRX close of that date. Ends "
        "2026-03-27: every converted panel stops there.",
    ],
}

HEADER = """# Embedded market samples: provenance

Made by `tools/make_samples.py` from the project's shared data folder (`shared/data`,
described in its `SOURCES.md`); cell text copied verbatim; gzip CSV with `date,close` plus the
columns named below. gaemi never reads the shared folder at run time.

Licences: none of the GitHub repositories these files come from states a licence for its data
files. The facts come from FRED / Board of Governors (public domain), Bank of Korea ECOS, KRX,
Yahoo Finance, CoinGecko and Upbit, whose terms apply. Keep attribution; these are not the
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
            current = line[4:].strip()
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
        parts.append(f"- source file: `{info.source}`; from its SOURCES.md entry:")
        for line in sections.get(info.source, []):
            if line.startswith(("- origin", "- notes", "- largest gap")):
                parts.append("  " + line)
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
        data, n, first, last = convert(args.src / info.source, name)
        (args.dst / info.file).write_bytes(data)
        stats[name] = (n, first, last)
        total += len(data)
        print(f"{name:11s} {info.source:28s} rows {n:6d}  {first}..{last}  {len(data):8,d} bytes")
    (args.dst / "PROVENANCE.md").write_text(provenance(args.src, stats), encoding="utf-8")
    print(f"total {total:,d} bytes; wrote PROVENANCE.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
