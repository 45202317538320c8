"""Issue 14: limits checked before any allocation, a bounded scheduler handshake, and the Python
API raising gaemi's own ConfigError (a ValueError) naming the argument for every misuse."""

from __future__ import annotations

import math
import socket
import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest
from typer.testing import CliRunner

import gaemi
from gaemi import limits
from gaemi.errors import ConfigError, GaemiError


@pytest.fixture(scope="module")
def safe():
    return gaemi.load_plan("safe")


def test_config_error_is_a_value_error():
    assert issubclass(ConfigError, ValueError) and issubclass(ConfigError, GaemiError)


# ------------------------------------------------------------------ limits, refused up front
@pytest.mark.parametrize("kwargs, field, limit_text, env", [
    ({"paths": 10**12}, "paths", "10,000,000", "GAEMI_MAX_PATHS"),
    ({"years": 1_000_000}, "years", "60", "GAEMI_MAX_YEARS"),
    ({"chunk_size": 10**9}, "chunk_size", "16,384", "GAEMI_MAX_CHUNK"),
    ({"workers": 10_000}, "workers", f"{limits.cpu_count()}", "GAEMI_MAX_WORKERS"),
])
def test_work_limits_are_refused_naming_the_limit_and_its_variable(safe, kwargs, field, limit_text, env):
    args = {"paths": 256, "seed": 1, **kwargs}
    t0 = time.perf_counter()
    with pytest.raises(ConfigError) as e:
        gaemi.simulate(safe, **args)
    assert time.perf_counter() - t0 < 2  # refused before any data is read
    assert e.value.field == field
    assert f"at most {limit_text}" in str(e.value) and env in str(e.value)


def test_limits_are_raised_only_by_their_environment_variable(monkeypatch):
    assert limits.max_paths() == 10_000_000 and limits.max_years() == 60
    assert limits.max_leverage_points() == 200 and limits.max_workers() == limits.cpu_count()
    monkeypatch.setenv("GAEMI_MAX_PATHS", "20_000_000")
    assert limits.max_paths() == 20_000_000
    assert limits.check_paths(15_000_000) == 15_000_000
    monkeypatch.setenv("GAEMI_MAX_YEARS", "80")
    assert limits.check_years(70) == 70
    for bad in ("lots", "0", "-5", "1e9", "nan"):  # a bad variable is an error, never ignored
        monkeypatch.setenv("GAEMI_MAX_PATHS", bad)
        with pytest.raises(ConfigError) as e:
            limits.max_paths()
        assert e.value.field == "GAEMI_MAX_PATHS"


def test_plan_horizon_uses_the_same_years_limit(monkeypatch, safe):
    from gaemi.config.io import plan_from_dict

    data = {**safe.model_dump(), "horizon_years": 70}
    with pytest.raises(ConfigError) as e:
        plan_from_dict(data)
    assert e.value.field == "horizon_years" and "GAEMI_MAX_YEARS" in str(e.value)
    monkeypatch.setenv("GAEMI_MAX_YEARS", "80")
    assert plan_from_dict(data).horizon_years == 70


@pytest.mark.parametrize("grid", ["0:3:1e-9", "0:1e300:1e-300", ",".join(["1"] * 201)])
def test_odds_grid_is_counted_before_it_is_built(grid):
    from gaemi.odds import parse_leverage_range

    t0 = time.perf_counter()
    with pytest.raises(ConfigError) as e:
        parse_leverage_range(grid)
    assert time.perf_counter() - t0 < 1
    assert e.value.field == "leverage" and "at most 200 points" in str(e.value)
    assert "GAEMI_MAX_LEVERAGE_POINTS" in str(e.value)


@pytest.mark.parametrize("grid", ["0:inf:1", "nan:1:0.5", "0:1:nan", "1,nan", "1,inf", "0:3:0", "3:0:1", "a:b:c"])
def test_odds_grid_bad_numbers(grid):
    from gaemi.odds import parse_leverage_range

    with pytest.raises(ConfigError) as e:
        parse_leverage_range(grid)
    assert e.value.field == "leverage"


def test_odds_grid_within_limits_still_parses():
    from gaemi.odds import parse_leverage_range

    assert np.allclose(parse_leverage_range("0:3:0.25"), np.arange(13) * 0.25)
    assert parse_leverage_range("-5:4.95:0.05").size == 200


def test_make_scenarios_has_the_same_limits():
    from gaemi.scenarios import make_scenarios

    with pytest.raises(ConfigError) as e:
        make_scenarios("parametric", None, 10**12, 252, 1, underlyings=("x",), annual_drift=[0.05], annual_vol=[0.2])
    assert e.value.field == "n_paths" and "10,000,000" in str(e.value)
    with pytest.raises(ConfigError) as e:
        make_scenarios("parametric", None, 256, 10**9, 1, underlyings=("x",), annual_drift=[0.05], annual_vol=[0.2])
    assert e.value.field == "n_days"


_HUGE = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))  # 2 GiB address space
    import gaemi
    from gaemi.errors import ConfigError
    from gaemi.odds import parse_leverage_range
    plan = gaemi.load_plan("safe")
    calls = [lambda: gaemi.simulate(plan, paths=10**12, seed=1),
             lambda: gaemi.simulate(plan, paths=256, years=1_000_000, seed=1),
             lambda: gaemi.simulate(plan, paths=256, chunk_size=10**12, seed=1),
             lambda: parse_leverage_range("0:3:1e-9")]
    for call in calls:
        try:
            call()
        except ConfigError as e:
            print("refused", e.field)
        else:
            sys.exit("ran")
""")


def test_huge_requests_are_refused_under_a_2gib_address_space():
    """Before the fix `paths=10**12` built a list of 2.4e8 chunks (15 GB) and `0:3:1e-9` tried a
    22 GB array: under a 2 GiB address space they would die of MemoryError, not a ConfigError."""
    r = subprocess.run([sys.executable, "-c", _HUGE], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["refused", "paths", "refused", "years", "refused", "chunk_size", "refused",
                                "leverage"]


def test_cli_huge_paths_exits_2_with_one_line_naming_the_limit():
    from gaemi.cli.app import app

    t0 = time.perf_counter()
    r = CliRunner().invoke(app, ["simulate", "safe", "--paths", "1000000000000"])
    assert time.perf_counter() - t0 < 10
    assert r.exit_code == 2
    out = r.output.strip()  # stderr mixed in (click's runner)
    assert len(out.splitlines()) == 1, out
    assert "paths" in out and "at most 10,000,000" in out and "GAEMI_MAX_PATHS" in out


@pytest.mark.parametrize("args, field", [
    (["simulate", "safe", "--years", "1000000"], "years"),
    (["simulate", "safe", "--workers", "100000"], "workers"),
    (["simulate", "safe", "--chunk-size", "1000000000"], "chunk_size"),
    (["odds", "safe", "--leverage", "0:3:1e-9"], "leverage"),
])
def test_cli_other_limits_exit_2(args, field):
    from gaemi.cli.app import app

    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, r.output
    assert f"{field}:" in r.output and "at most" in r.output


# ------------------------------------------------------------------ the fake scheduler
class _FakeServer:
    """A TCP server on a loopback port that accepts and then says nothing, or sends garbage."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            if self.mode == "garbage":
                try:
                    conn.sendall(b"\xff" * 64 + b"HTTP/1.1 200 OK\r\n\r\n" * 10)
                except OSError:
                    pass

    def close(self) -> None:
        for c in self.conns:
            c.close()
        self.sock.close()


@pytest.mark.parametrize("mode", ["silent", "garbage"])
def test_scheduler_that_is_not_dask_ends_within_15s_naming_scheduler(safe, mode):
    """Before the fix a silent port hung `Client(...)` forever (no timeout on the handshake)."""
    srv = _FakeServer(mode)
    outcome: list = []

    def call() -> None:  # in a daemon thread: a regression fails the test instead of hanging it
        try:
            gaemi.simulate(safe, paths=256, seed=1, scheduler=f"tcp://127.0.0.1:{srv.port}")
            outcome.append("ran")
        except BaseException as err:  # noqa: BLE001 - reported below
            outcome.append(err)

    try:
        t0 = time.perf_counter()
        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        worker.join(15 + 5)  # 10 s handshake limit, distributed's import, a loaded machine
        elapsed = time.perf_counter() - t0
    finally:
        srv.close()
    assert outcome, f"still waiting after {elapsed:.0f} s: the scheduler handshake has no timeout"
    assert elapsed < 15 + 3
    err = outcome[0]
    assert isinstance(err, ConfigError), repr(err)
    assert err.field == "scheduler" and "GAEMI_SCHEDULER_TIMEOUT" in str(err)


def test_scheduler_on_a_closed_port(safe):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(ConfigError) as e:
        gaemi.simulate(safe, paths=256, seed=1, scheduler=f"tcp://127.0.0.1:{port}")
    assert e.value.field == "scheduler"


# ------------------------------------------------------------------ API misuse -> ConfigError
def _misuse(safe):
    from gaemi.odds import odds_curve

    return {
        "simulate(None)": (lambda: gaemi.simulate(None), "plan"),
        "simulate(42)": (lambda: gaemi.simulate(42), "plan"),
        "compare([])": (lambda: gaemi.compare([]), "plans"),
        "compare('safe')": (lambda: gaemi.compare("safe"), "plans"),
        "odds_curve(p, [])": (lambda: odds_curve(safe, []), "leverage"),
        "odds_curve(p, [True])": (lambda: odds_curve(safe, [True, 2.0]), "leverage"),
        "odds_curve(p, [nan])": (lambda: odds_curve(safe, [math.nan]), "leverage"),
        "odds_curve(p, 3)": (lambda: odds_curve(safe, 3), "leverage"),
        "fund_report(leverage='3')": (lambda: gaemi.fund_report("sp500tr", "3"), "leverage"),
        "fund_report(leverage=nan)": (lambda: gaemi.fund_report("sp500tr", math.nan), "leverage"),
        "fund_report(expense_ratio='x')": (lambda: gaemi.fund_report("sp500tr", 2, expense_ratio="x"),
                                           "expense_ratio"),
        "fund_report(start after end)": (lambda: gaemi.fund_report("sp500tr", 2, start="2020-01-02",
                                                                   end="2010-01-04"), "start"),
        "fund_report(None)": (lambda: gaemi.fund_report(None, 2), "underlying"),
        "rolling(years=nan)": (lambda: gaemi.rolling(safe, years=math.nan), "years"),
        "rolling(years='10')": (lambda: gaemi.rolling(safe, years="10"), "years"),
        "rolling(step=0)": (lambda: gaemi.rolling(safe, step=0), "step"),
        "backtest(start after end)": (lambda: gaemi.backtest(safe, start="2020-01-02", end="2015-01-02"), "start"),
        "simulate(years='10')": (lambda: gaemi.simulate(safe, paths=256, years="10"), "years"),
        "simulate(years=True)": (lambda: gaemi.simulate(safe, paths=256, years=True), "years"),
        "simulate(years=inf)": (lambda: gaemi.simulate(safe, paths=256, years=math.inf), "years"),
        "simulate(implementation='nonsense')": (lambda: gaemi.simulate(safe, paths=256, implementation="nonsense"),
                                                "implementation"),
        "simulate(paths=True)": (lambda: gaemi.simulate(safe, paths=True), "paths"),
        "simulate(paths=0)": (lambda: gaemi.simulate(safe, paths=0), "paths"),
        "simulate(paths=2.5)": (lambda: gaemi.simulate(safe, paths=2.5), "paths"),
        "simulate(seed=-1)": (lambda: gaemi.simulate(safe, paths=256, seed=-1), "seed"),
        "simulate(seed='x')": (lambda: gaemi.simulate(safe, paths=256, seed="x"), "seed"),
        "simulate(model=None)": (lambda: gaemi.simulate(safe, paths=256, model=None), "model"),
        "simulate(workers=0)": (lambda: gaemi.simulate(safe, paths=256, workers=0), "workers"),
        "simulate(chunk_size='big')": (lambda: gaemi.simulate(safe, paths=256, chunk_size="big"), "chunk_size"),
        "simulate(scheduler=5)": (lambda: gaemi.simulate(safe, paths=256, scheduler=5), "scheduler"),
        "simulate(scenario_day=-1)": (lambda: gaemi.simulate(safe, paths=256, scenario_day=-1), "scenario_day"),
        "simulate(progress=1)": (lambda: gaemi.simulate(safe, paths=256, progress=1), "progress"),
        "simulate(model_options=[])": (lambda: gaemi.simulate(safe, paths=256, model_options=[]), "model_options"),
    }


@pytest.mark.parametrize("case", list(_misuse(None)))
def test_api_misuse_raises_config_error_naming_the_field(safe, case):
    call, field = _misuse(safe)[case]
    with pytest.raises(ConfigError) as e:
        call()
    assert e.value.field == field, str(e.value)


def test_nan_says_not_a_number(safe):
    with pytest.raises(ConfigError) as e:
        gaemi.simulate(safe, paths=256, years=math.nan)
    assert "not a number" in str(e.value) and "less than" not in str(e.value)
