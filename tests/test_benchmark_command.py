"""The documented benchmark command runs and prints the JSON fields issue 3 asks for (a smoke
test on a tiny run: nothing here is timed or compared with a speed)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_json_has_the_promised_fields():
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--paths", "1500", "--years", "0.5",
         "--reference-paths", "64", "--repeat", "2", "--json"],
        capture_output=True, text=True, check=True, cwd=ROOT, timeout=900,
    )
    d = json.loads(out.stdout)
    for key in ("paths", "days", "seconds", "path_days_per_s", "ratio_to_bare_gather", "ratio_to_numpy_reference",
                "peak_rss_mb", "compile_seconds"):
        assert key in d and d[key] > 0, key
    assert d["paths"] == 1500 and d["days"] == 126
    for model in ("bootstrap", "parametric"):
        runs = d[model]["runs"]
        assert len(runs) == 2 and d[model]["seconds"] == min(runs)
        assert d[model]["path_days_per_s"] == 1500 * 126 / min(runs)
    assert d["seconds"] == d["bootstrap"]["seconds"]
