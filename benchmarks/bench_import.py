"""gaemi benchmark: ``gaemi data import`` of a large daily CSV.

    python benchmarks/bench_import.py [--rows N] [--repeat R] [--json]

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
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_csv(path: Path, rows: int, seed: int = 7) -> int:
    """Write the synthetic CSV; return how many rows are bad on purpose."""
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
    df.to_csv(path, index=False, float_format="%.6f")
    return len(bad)


def time_import(csv: Path, store: Path) -> tuple[float, dict]:
    from typer.testing import CliRunner

    from gaemi.cli.app import app

    t0 = time.perf_counter()
    r = CliRunner().invoke(app, ["data", "import", str(csv), "--symbol", "bench:x", "--calendar",
                                 "24/7", "--store", str(store), "--json"])
    dt = time.perf_counter() - t0
    if r.exit_code != 0:
        raise SystemExit(f"import failed ({r.exit_code}): {r.output[-2000:]}")
    return dt, json.loads(r.stdout)["results"][0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "bars.csv"
        n_bad = make_csv(csv, a.rows)
        imports, refs = [], []
        for k in range(a.repeat):
            t0 = time.perf_counter()
            pd.read_csv(csv)
            refs.append(time.perf_counter() - t0)
            dt, res = time_import(csv, Path(tmp) / f"s{k}.duckdb")
            imports.append(dt)
        assert res["written"] == a.rows - n_bad and len(res["refused"]) == n_bad, res["written"]
    t, ref = min(imports), min(refs)
    out = {"rows": a.rows, "file_mb": None, "import_s": round(t, 3), "reference_s": round(ref, 3),
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
