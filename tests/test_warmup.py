"""`gaemi warmup` and the compile cache (issue 15, "the first five minutes"; docs/first-run.md).

The cold-compile test is marked slow and compiles one entry point only (~45 s on 2 cores); the
others compile nothing: they stop the engine's entry points before they run, or time a function
defined here."""

import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from gaemi import _numba
from gaemi import warmup as wu

pytestmark = pytest.mark.skipif(_numba.DISABLE_JIT, reason="about numba's compile cache")


# --------------------------------------------------------------------------- the cache folder's name
def test_cache_key_covers_the_kernels_and_what_they_import_and_nothing_else():
    pkg = Path(_numba.__file__).resolve().parent
    names = {p.relative_to(pkg).as_posix() for p in _numba.kernel_sources()}
    for must in ("_numba.py", "engine/kernels.py", "engine/layout.py", "engine/margin_draws.py",
                 "scenarios/parametric_kernel.py", "scenarios/sfc64.py", "scenarios/variates.py",
                 "metrics/histogram.py"):
        assert must in names
    for never in ("cli/app.py", "montecarlo.py", "api.py", "engine/run.py", "warmup.py", "web/app.py"):
        assert never not in names


def _toy_package(root: Path) -> Path:
    pkg = root / "gaemi"
    (pkg / "engine").mkdir(parents=True)
    (pkg / "cli").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "engine" / "__init__.py").write_text("")
    (pkg / "cli" / "__init__.py").write_text("")
    (pkg / "_numba.py").write_text("def njit(f):\n    return f\n")
    (pkg / "engine" / "layout.py").write_text("N = 3\n")
    (pkg / "engine" / "helpers.py").write_text("from .layout import N\nK = N + 1\n")
    (pkg / "engine" / "kernels.py").write_text(
        "from gaemi._numba import njit\nfrom gaemi.engine import layout as L\nfrom gaemi.engine.helpers import (\n"
        "    K,  # a constant\n)\n\n@njit\ndef f(x):\n    return x + L.N + K\n")
    (pkg / "cli" / "app.py").write_text("from gaemi.engine.kernels import f\nprint(f(1))\n")
    return pkg


def test_cache_key_changes_with_a_kernel_dependency_not_with_the_cli(tmp_path):
    pkg = _toy_package(tmp_path)
    names = {p.relative_to(pkg).as_posix() for p in _numba.kernel_sources(pkg)}
    assert names == {"_numba.py", "engine/__init__.py", "engine/kernels.py", "engine/layout.py", "engine/helpers.py"}
    before = _numba.kernel_source_digest(pkg)
    (pkg / "cli" / "app.py").write_text("print('edited')\n")
    assert _numba.kernel_source_digest(pkg) == before
    (pkg / "engine" / "layout.py").write_text("N = 4\n")  # reached through helpers' relative import too
    after = _numba.kernel_source_digest(pkg)
    assert after != before
    (pkg / "engine" / "helpers.py").write_text("from .layout import N\nK = N + 2\n")
    assert _numba.kernel_source_digest(pkg) != after


# --------------------------------------------------------------------------- two processes, one index
def _racing_saves(cache_file_cls, folder: Path) -> dict:
    """Two threads add different variants of one function to its index at the same time (each
    reads the index, then waits, then writes): what the index holds afterwards."""
    from numba.core import caching

    original_load = caching.IndexDataCacheFile._load_index
    barrier = threading.Barrier(2, timeout=5)

    def slow_load(self):
        out = original_load(self)
        try:
            barrier.wait(timeout=0.5)  # both read before either writes (when nothing serialises them)
        except threading.BrokenBarrierError:
            pass
        return out

    files = [cache_file_cls(str(folder), "kernels.f-1.py311", ("stamp", 1)) for _ in range(2)]
    caching.IndexDataCacheFile._load_index = slow_load
    try:
        threads = [threading.Thread(target=f.save, args=((f"sig{i}",), f"code{i}")) for i, f in enumerate(files)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
    finally:
        caching.IndexDataCacheFile._load_index = original_load
    return {k: files[0].load(k) for k in [("sig0",), ("sig1",)]}


def test_concurrent_compiles_of_one_function_keep_both_variants(tmp_path, monkeypatch):
    """numba alone: two processes saving different variants of one function can leave the index
    naming one variant's machine code for the other. gaemi serialises the index updates."""
    from numba.core import caching

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert getattr(caching.IndexDataCacheFile, "_gaemi_serialised", False)
    got = _racing_saves(caching.IndexDataCacheFile, tmp_path)
    assert got == {("sig0",): "code0", ("sig1",): "code1"}


def test_the_race_is_real_without_the_lock(tmp_path, monkeypatch):
    """The same two saves through numba's own methods: one variant is lost or mislabelled (this
    shows the test above can fail)."""
    from numba.core import caching

    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))

    class Unlocked(caching.IndexDataCacheFile):
        save = _numba._numba_cache_save
        load = _numba._numba_cache_load

    got = _racing_saves(Unlocked, tmp_path)
    assert got != {("sig0",): "code0", ("sig1",): "code1"}


# --------------------------------------------------------------------------- what warmup runs
class _Reached(Exception):
    pass


def _entry_signatures(monkeypatch, run):
    """The numba types of the arguments ``run`` passes to the engine's entry point (stopped
    there: nothing compiles or runs)."""
    from numba import typeof

    import gaemi.engine.kernels as K
    import gaemi.engine.run as R

    seen = []

    def stop(name):
        def rec(*args):
            seen.append((name, tuple(str(typeof(a)) for a in args)))
            raise _Reached

        return rec

    for name in ("run_block", "run_block_bootstrap", "run_block_parametric"):
        monkeypatch.setattr(K, name, stop(name))
    monkeypatch.setattr(R, "run_block", K.run_block)
    try:
        run()
    except _Reached:
        pass
    return seen


@pytest.mark.parametrize("step", [s for s in wu.STEPS if s != "colony"])  # (the colony: its own kernels)
def test_each_step_compiles_what_the_command_line_runs(step, monkeypatch):
    """A step is worth its compile only if the command it stands for passes the same argument
    types (numba compiles once per type: layout and read-only included) to the same entry point."""
    from gaemi import api
    from gaemi.montecarlo import simulate_many

    mine = _entry_signatures(monkeypatch, lambda: wu._run_step(step))
    if step == "rolling":
        cli = _entry_signatures(monkeypatch, lambda: api.rolling("safe"))  # gaemi demo
    elif step == "backtest":
        cli = _entry_signatures(monkeypatch, lambda: api.backtest("samsung-margin", start="2012-01-02"))
    else:
        extra = {} if step == "historical" else {"paths": 2000}
        cli = _entry_signatures(monkeypatch, lambda: simulate_many(["tqqq-salary"], model=step, seed=1, **extra))
    assert mine and mine == cli


def test_one_compile_serves_every_run_on_rows(monkeypatch):
    """The demo, a backtest, garch and historical futures share one compiled ``run_block`` (the engine's
    callers pass history's rows and a garch block's rows read-only alike: docs/first-run.md)."""
    sigs = {step: _entry_signatures(monkeypatch, lambda: wu._run_step(step))
            for step in ("rolling", "backtest", "garch", "historical")}
    assert len({tuple(s) for s in sigs.values()}) == 1, sigs


def test_the_size_of_a_run_does_not_change_what_compiles(monkeypatch):
    from gaemi.montecarlo import simulate_many

    big = _entry_signatures(monkeypatch, lambda: simulate_many(["safe"], paths=2000, seed=1))
    small = _entry_signatures(monkeypatch, lambda: simulate_many(["safe"], paths=64, years=1, seed=1))
    assert big == small


def test_every_entry_point_has_a_step(monkeypatch):
    reached = set()
    for step in [s for s in wu.STEPS if s != "colony"]:
        reached |= {name for name, _ in _entry_signatures(monkeypatch, lambda: wu._run_step(step))}
    assert reached == {fn for stem, fn in wu.ENTRY_KERNELS if stem == "kernels"}


def test_warmup_reports_steps_and_what_compiled(monkeypatch):
    """The report's shape, and that a compile inside a step is listed (a function defined here,
    under a gaemi module name, stands in for the kernels)."""
    import numba

    ns = {"__name__": "gaemi._warmup_test"}
    exec("def tiny(x):\n    return x * 2.0 + 1.0\n", ns)
    tiny = numba.njit(ns["tiny"])

    def fake_step(name):
        if name == "bootstrap":
            tiny(np.float64(1.0))

    monkeypatch.setattr(wu, "_run_step", fake_step)
    calls = []
    rep = wu.warmup(progress=lambda *a: calls.append(a), steps=["bootstrap", "garch"])
    d = rep.to_dict()
    assert [s["name"] for s in d["steps"]] == ["bootstrap", "garch"]
    assert d["steps"][0]["compiled"] == ["gaemi._warmup_test.tiny"] and d["steps"][1]["compiled"] == []
    assert d["compiled"] == ["gaemi._warmup_test.tiny"] and d["errors"] == []
    assert [c[:3] for c in calls] == [("bootstrap", 0, 2), ("garch", 1, 2), ("", 2, 2)]
    with pytest.raises(Exception, match="steps"):
        wu.warmup(steps=["nope"])


def test_a_failing_step_is_reported_and_the_rest_run(monkeypatch):
    def fake_step(name):
        if name == "garch":
            raise RuntimeError("boom")

    monkeypatch.setattr(wu, "_run_step", fake_step)
    d = wu.warmup(steps=["garch", "historical"]).to_dict()
    assert d["errors"] == ["garch"] and "boom" in d["steps"][0]["error"] and d["steps"][1]["error"] is None


def _cli():
    from gaemi.cli.warmup_cmd import warmup

    app = typer.Typer()
    app.command("warmup")(warmup)
    app.command("other")(lambda: None)
    return app


def test_warmup_command_json(monkeypatch):
    monkeypatch.setattr(wu, "_run_step", lambda name: None)
    r = CliRunner().invoke(_cli(), ["warmup", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert [s["name"] for s in d["steps"]] == list(wu.STEPS)
    assert set(d) >= {"cache_dir", "seconds", "compiled", "steps", "errors"}


def test_warmup_command_table_and_failure_exit(monkeypatch):
    monkeypatch.setattr(wu, "_run_step", lambda name: None)
    r = CliRunner().invoke(_cli(), ["warmup"])
    assert r.exit_code == 0 and "already compiled" in r.stdout

    def boom(name):
        raise RuntimeError("boom")

    monkeypatch.setattr(wu, "_run_step", boom)
    r = CliRunner().invoke(_cli(), ["warmup", "--json"])
    assert r.exit_code == 1 and json.loads(r.stdout)["errors"] == list(wu.STEPS)


# --------------------------------------------------------------------------- background, one at a time
def test_missing_kernels_reads_the_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert wu.missing_kernels() == [f"{s}.{f}" for s, f in wu.ENTRY_KERNELS]
    (tmp_path / "engine_x").mkdir()
    (tmp_path / "engine_x" / "kernels.run_block-1134.py311.nbi").write_bytes(b"")
    assert "kernels.run_block" not in wu.missing_kernels()
    assert "kernels.run_block_bootstrap" in wu.missing_kernels()


def _hold_lock_in_child(folder: Path):
    code = ("import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code, str(folder / wu._LOCK_NAME)], stdout=subprocess.PIPE,
                             text=True)
    assert child.stdout.readline().strip() == "held"
    return child


def test_one_warmup_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert wu.warmup_running() is False
    child = _hold_lock_in_child(tmp_path)
    try:
        assert wu.warmup_running() is True
        assert wu.hold_lock(wait=False) is False
        # a second background warmup exits at once, quietly, compiling nothing
        env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "gaemi.warmup", "--background", "--json"], env=env,
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
        assert time.perf_counter() - t0 < 30
        assert not any(tmp_path.rglob("*.nbi"))
    finally:
        child.kill()
        child.wait()
    assert wu.warmup_running() is False


def test_background_start_only_when_asked_cold_and_idle(tmp_path, monkeypatch):
    started = []

    class FakePopen:
        def __init__(self, args, **kw):
            started.append((args, kw))

    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GAEMI_BACKGROUND_WARMUP", raising=False)
    assert wu.start_background() is None and started == []  # never inside tests unless asked
    monkeypatch.setenv("GAEMI_BACKGROUND_WARMUP", "1")
    monkeypatch.setenv("GAEMI_NO_WARMUP", "1")
    assert wu.start_background() is None and started == []  # the user said no
    monkeypatch.delenv("GAEMI_NO_WARMUP")
    assert isinstance(wu.start_background(), FakePopen)
    args, kw = started[0]
    assert args == [sys.executable, "-m", "gaemi.warmup", "--background"]
    assert kw["start_new_session"] and kw["stdout"] == subprocess.DEVNULL and kw["stderr"] == subprocess.DEVNULL
    assert kw["stdin"] == subprocess.DEVNULL and kw["env"]["NUMBA_CACHE_DIR"] == str(tmp_path)
    for stem, fn in wu.ENTRY_KERNELS:  # everything compiled: nothing to start
        (tmp_path / f"{stem}.{fn}-1.py311.nbi").write_bytes(b"")
    assert wu.start_background() is None and len(started) == 1


def test_background_start_not_while_another_warmup_runs(tmp_path, monkeypatch):
    child = _hold_lock_in_child(tmp_path)
    started = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(a))
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("GAEMI_BACKGROUND_WARMUP", "1")
    try:
        assert wu.start_background() is None and started == []
    finally:
        child.kill()
        child.wait()


# --------------------------------------------------------------------------- the spinner
def test_compile_spinner_on_a_terminal_only():
    import numba
    from rich.console import Console

    from gaemi.cli import warmup_cmd

    pipe = Console(file=io.StringIO(), force_terminal=False)
    assert warmup_cmd.show_compile_progress(pipe) is False
    tty = Console(file=io.StringIO(), force_terminal=True, width=120)
    try:
        assert warmup_cmd.show_compile_progress(tty) is True
        ns = {"__name__": "gaemi._spinner_test"}
        exec("def f(x):\n    return x + 1\n", ns)
        numba.njit(ns["f"])(1)
        assert "compiling the engine" in tty.file.getvalue()
    finally:
        warmup_cmd.stop_compile_progress()
    before = tty.file.getvalue()
    exec("def g(x):\n    return x + 2\n", ns)
    numba.njit(ns["g"])(1)  # after stop: nothing more on the terminal
    assert tty.file.getvalue() == before


# --------------------------------------------------------------------------- a real cold compile
@pytest.mark.slow
def test_warmup_leaves_the_cache_warm_for_the_next_process(tmp_path):
    """One step from an empty cache folder in a child process (~45 s on 2 cores): it lists what it
    compiled; another process then finds the entry point on disk, and the same step again
    compiles nothing."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    env.pop("GAEMI_DISABLE_JIT", None)
    cmd = [sys.executable, "-m", "gaemi.warmup", "--json", "--steps", "backtest"]
    first = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900,
                                      check=True).stdout)
    assert first["errors"] == [] and "gaemi.engine.kernels.run_block" in first["compiled"]
    assert "gaemi.engine.kernels._run_group" in first["compiled"]
    probe = ("from gaemi import _numba, warmup; "
             "print(_numba.engine_cache_is_cold(), 'kernels.run_block' in warmup.missing_kernels())")
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120,
                         check=True).stdout.split()
    assert out == ["False", "False"]
    again = json.loads(subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600,
                                      check=True).stdout)
    assert again["compiled"] == [] and again["errors"] == []
