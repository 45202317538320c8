"""A successful run writes nothing to stderr: no numpy RuntimeWarnings, no dask heartbeat
tracebacks (issue 14 "Messages"). Progress bars only appear on a terminal, so none here."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("args", [
    ["simulate", "all-in-margin", "--paths", "512", "--seed", "1", "--lang", "en"],
    ["simulate", "luna-severance", "--paths", "256", "--seed", "1", "--model", "garch"],
    ["simulate", "safe", "--paths", "512", "--seed", "1", "--workers", "2"],
    ["backtest", "luna-severance", "--start", "2021-01-04"],
    ["fund", "--underlying", "ndx", "--leverage", "3", "--json"],
])
def test_successful_run_has_empty_stderr(args, tmp_path):
    p = subprocess.run([sys.executable, "-W", "default", "-m", "gaemi", *args], capture_output=True, text=True,
                       timeout=600, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stderr == ""
