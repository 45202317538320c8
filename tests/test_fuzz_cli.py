"""Fuzz of CLI options (issue 14): every run ends with exit 0 or 2, no traceback, under an
address-space limit and a time bound.

The fuzz runs in a child process whose address space is capped at ``ADDRESS_SPACE_GIB`` (numba's
compiler and the kernels fit well inside it; a request that allocated before checking its limits
would not), each example under ``EXAMPLE_SECONDS``. ``GAEMI_FUZZ_EXAMPLES`` raises the number of
examples (default 40; nightly: 2000).
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest

ADDRESS_SPACE_GIB = 6
EXAMPLE_SECONDS = 120

CHILD = textwrap.dedent(r'''
    import json, os, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]) << 30, int(sys.argv[1]) << 30))
    from hypothesis import given, settings, HealthCheck, strategies as st
    from typer.testing import CliRunner
    from gaemi.cli.app import app

    weird = ["nan", "inf", "-1", "0", "1e12", "1e308", "x", "[/]", "[bold]", "", "-0", "10**12", "true"]
    pools = {
        "--paths": ["64", "128", *weird], "--years": ["1", "0.5", "0.01", "61", "1000000", *weird],
        "--seed": ["1", "-5", "2**70", *weird], "--model": ["bootstrap", "garch", "parametric", "historical", "x"],
        "--chunk-size": ["64", "100000000", *weird], "--workers": ["1", "1000", *weird],
        "--scenario": ["covid-2020", "nope", *weird], "--scenario-day": ["0", "99999", *weird],
        "--leverage": ["0:2:1", "0:3:1e-9", "1,2", "5:1:1", *weird], "--lang": ["ko", "en", "fr"],
        "--start": ["2015-01-05", "1800-01-01", "2999-01-01", "x"], "--end": ["2016-01-05", "1800-01-01", "x"],
        "--target": ["0.5", "2", *weird], "--ruin-limit": ["0.05", "-1", *weird],
        "--solve": ["saving", "years", "price", "x"],
    }
    commands = {
        "simulate": ["--paths", "--years", "--seed", "--model", "--chunk-size", "--workers", "--scenario",
                     "--scenario-day", "--lang"],
        "compare": ["--paths", "--years", "--seed", "--model", "--lang"],
        "odds": ["--leverage", "--paths", "--years", "--seed", "--model"],
        "backtest": ["--start", "--end", "--lang"],
        "need": ["--target", "--ruin-limit", "--solve", "--paths", "--seed"],
    }
    plans = ["safe", "tqqq-salary", "all-in-margin", "severance-altcoins", "nope", "[/]"]
    runner = CliRunner()
    bad = []
    count = {"0": 0, "2": 0}

    @st.composite
    def argv(draw):
        cmd = draw(st.sampled_from(sorted(commands)))
        args = [cmd, draw(st.sampled_from(plans))]
        if cmd == "compare":
            args.append(draw(st.sampled_from(plans)))
        for opt in draw(st.lists(st.sampled_from(commands[cmd]), unique=True, max_size=4)):
            args += [opt, draw(st.sampled_from(pools[opt]))]
        if cmd in ("simulate", "compare", "odds", "need") and "--paths" not in args:
            args += ["--paths", "64"]
        if cmd == "need" and "--years" not in args and "--solve" not in args:
            args += ["--years", "1"]
        return args

    @settings(max_examples=int(sys.argv[2]), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(argv())
    def run(args):
        t0 = time.perf_counter()
        r = runner.invoke(app, args)
        dt = time.perf_counter() - t0
        out = (r.stdout or "") + (r.stderr or "")
        ok = r.exit_code in (0, 2) and "Traceback" not in out and (
            r.exception is None or isinstance(r.exception, SystemExit)) and dt < float(sys.argv[3])
        count[str(r.exit_code)] = count.get(str(r.exit_code), 0) + 1
        if not ok:
            bad.append({"args": args, "exit": r.exit_code, "seconds": round(dt, 1),
                        "error": repr(r.exception)[:300], "out": out[-300:]})

    run()
    print(json.dumps({"bad": bad, "count": count}))
''')


def test_cli_options_fuzz_exit_0_or_2_within_bounds(tmp_path):
    examples = int(os.environ.get("GAEMI_FUZZ_EXAMPLES", "40"))
    env = {**os.environ, "GAEMI_STORE": str(tmp_path / "store.duckdb")}
    p = subprocess.run([sys.executable, "-c", CHILD, str(ADDRESS_SPACE_GIB), str(examples), str(EXAMPLE_SECONDS)],
                       capture_output=True, text=True, timeout=60 + examples * EXAMPLE_SECONDS, env=env,
                       cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-3000:]
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got["bad"] == [], json.dumps(got["bad"], ensure_ascii=False, indent=1)
    assert sum(got["count"].values()) >= examples
