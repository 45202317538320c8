"""gaemi benchmark: ``gaemi data import`` of a large daily CSV.

    python benchmarks/bench_import.py [--rows N] [--repeat R] [--korean] [--json]

Writes a synthetic CSV (date, open, high, low, close, volume, turnover, currency) to a temp
folder: N consecutive days from 1700-01-01 on the 24/7 calendar (every day a session, so no
gap warnings), a random walk with a few 50 % jumps (warnings kept) and a few bad rows
(refused). The store keeps daily bars and refuses dates outside pandas' range (1677-09-22 ..
2262-04-11), so at most ~200,000 distinct valid days fit: the default N is 200,000, and the
time a row is what a decade of daily bars for 50 symbols, or any larger file, costs.

Times, in one run and on the same machine:
  * ``import``: the whole command in-process (``gaemi data import FILE --symbol ... --store
    NEW.duckdb --json``: read, validate, write in one transaction) into a fresh store;
  * ``reference``: ``pandas.read_csv`` of the same file with default options (the floor any
    CSV import pays);
and reports seconds, microseconds a row and the ratio import / reference. Not a test.

``--korean`` writes the same rows the way KRX exports them instead: cp949, Korean headers
(일자, 종가, 대비, 등락률, 시가, 고가, 저가, 거래량, 거래대금), dates as 1700/01/01, every number
quoted with thousands separators, newest first, no currency column (``--currency KRW`` is
passed); the reference then reads it with ``encoding="cp949"``. Such a file takes the reader's
text path (separators removed and checked column by column) and is reversed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd


def make_csv(path: Path, rows: int, seed: int = 7, korean: bool = False) -> int:
    """Write the synthetic CSV (``korean``: as KRX exports it); return how many rows are bad on
    purpose."""
    rng = np.random.default_rng(seed)
    days = np.datetime64("1700-01-01") + np.arange(rows).astype("timedelta64[D]")
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, rows)))
    jumps = rng.choice(rows, size=max(rows // 50_000, 1), replace=False)
    close[jumps] *= 1.5
    high, low = close * 1.01, close * 0.99
    vol = rng.integers(1, 10**6, rows).astype(np.float64)
    df = pd.DataFrame({"date": days.astype(str), "open": close, "high": high, "low": low,
                       "close": close, "volume": vol, "turnover": vol * close, "currency": "KRW"})
    bad = rng.choice(rows, size=max(rows // 100_000, 1), replace=False)
    df.loc[bad, "close"] = -1.0  # refused rows (a price must be > 0)
    if not korean:
        df.to_csv(path, index=False, float_format="%.6f")
        return len(bad)
    prev = np.concatenate(([df["close"].iloc[0]], df["close"].to_numpy()[:-1]))
    cols = {"일자": [d.replace("-", "/") for d in df["date"]],
            "종가": [f"{x:,.2f}" for x in df["close"]],
            "대비": [f"{x:,.2f}" for x in df["close"] - prev],
            "등락률": [f"{x:.2f}" for x in (df["close"] / prev - 1) * 100],
            **{k: [f"{x:,.2f}" for x in df[c]] for k, c in (("시가", "open"), ("고가", "high"),
                                                           ("저가", "low"))},
            "거래량": [f"{int(x):,}" for x in df["volume"]],
            "거래대금": [f"{x:,.0f}" for x in df["turnover"]]}
    lines = [",".join(f'"{c}"' for c in cols)]
    lines += [",".join(f'"{v}"' for v in row) for row in zip(*cols.values())][::-1]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp949"))
    return len(bad)


def time_import(csv: Path, store: Path, korean: bool = False) -> tuple[float, dict]:
    from typer.testing import CliRunner

    from gaemi.cli.app import app

    t0 = time.perf_counter()
    r = CliRunner().invoke(app, ["data", "import", str(csv), "--symbol", "bench:x", "--calendar",
                                 "24/7", "--store", str(store), "--json",
                                 *(["--currency", "KRW"] if korean else [])])
    dt = time.perf_counter() - t0
    if r.exit_code != 0:
        raise SystemExit(f"import failed ({r.exit_code}): {r.output[-2000:]}")
    return dt, json.loads(r.stdout)["results"][0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--korean", action="store_true", help="a KRX-style cp949 file (see above)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "bars.csv"
        n_bad = make_csv(csv, a.rows, korean=a.korean)
        imports, refs = [], []
        for k in range(a.repeat):
            with warnings.catch_warnings():  # (mixed types in the Korean file's columns)
                warnings.simplefilter("ignore", pd.errors.DtypeWarning)
                t0 = time.perf_counter()
                pd.read_csv(csv, **({"encoding": "cp949"} if a.korean else {}))
                refs.append(time.perf_counter() - t0)
            dt, res = time_import(csv, Path(tmp) / f"s{k}.duckdb", a.korean)
            imports.append(dt)
        assert res["written"] == a.rows - n_bad and len(res["refused"]) == n_bad, res["written"]
    t, ref = min(imports), min(refs)
    out = {"rows": a.rows, "file": "korean (cp949, KRX style)" if a.korean else "plain",
           "file_mb": None, "import_s": round(t, 3), "reference_s": round(ref, 3),
           "import_us_per_row": round(t / a.rows * 1e6, 2), "ratio_import_to_read_csv":
           round(t / ref, 2), "runs": [round(x, 3) for x in imports], "written": res["written"],
           "refused": len(res["refused"]), "warnings": len(res["warnings"]),
           "machine": f"{platform.machine()} {os.cpu_count()} cpus, python "
                      f"{sys.version.split()[0]}, pandas {pd.__version__}"}
    out.pop("file_mb")
    if a.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:>26}: {v}")


if __name__ == "__main__":
    main()
