"""Compile the engine's kernels ahead of their first use (``gaemi warmup``; docs/first-run.md).

gaemi's numba kernels are compiled on first use and kept on disk (``gaemi._numba``). Each way
of running a plan reaches the engine through its own compiled entry point, with its own
argument types, and compiles it the first time (30-100 s each on 2 cores, measured in
docs/first-run.md):

============  =============================================  ===================================
step          what runs it                                   entry point compiled
============  =============================================  ===================================
rolling       ``gaemi demo``, ``simulate --model historical``  ``run_block`` (history's rows)
backtest      ``gaemi backtest``, ``--model garch``, crashes  ``run_block`` (rows of a new array)
bootstrap     ``simulate`` / ``compare`` / ``odds`` (default)  ``run_block_bootstrap``
parametric    ``--model parametric``                          ``run_block_parametric``
garch         ``--model garch``                               (backtest's, after the fit)
historical    ``--model historical``                          (rolling's) + ``histogram_rows``
colony        ``gaemi colony``                                the population and day kernels
============  =============================================  ===================================

:func:`warmup` runs each of these through the library's own entry points on the smallest
inputs (one plan, 64 paths, a year), so the argument types, hence the compiled variants, are
exactly those of a real run; a step whose kernels are already on disk takes a second or two.
It reports what compiled (numba's cache misses) and how long each step took, through an
optional callback. :func:`start_background` runs it in a detached, low-priority process (what
``gaemi demo`` does on a cold cache), at most one at a time per cache folder.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

#: The steps, in the order :func:`warmup` runs them: first what ``gaemi demo`` does not compile
#: (a background warmup beside the demo then compiles the rest on the other core); the colony's
#: kernels (~7 s) last.
STEPS: tuple[str, ...] = ("bootstrap", "parametric", "backtest", "garch", "rolling", "historical", "colony")

#: Entry points (module file stem, function) whose cache index files say a run can start at once.
ENTRY_KERNELS: tuple[tuple[str, str], ...] = (
    ("kernels", "run_block"), ("kernels", "run_block_bootstrap"), ("kernels", "run_block_parametric"),
    ("histogram", "histogram_rows"), ("population", "_agents_kernel"), ("dynamics", "commit_day"),
)

_PLAN = "all-in-margin"  # a margin loan, a home goal on a price index: the engine's longest path
_PATHS = 64  # one lock-step group
_YEARS = 1.0  # for the history runs; Monte Carlo keeps the plan's horizon, as the command line does
_LOCK_NAME = ".gaemi-warmup.lock"


@dataclass
class StepReport:
    """One warmup step: seconds it took and the gaemi functions numba compiled in it (cache
    misses, outermost first; an empty list: everything came from the cache)."""

    name: str
    seconds: float = 0.0
    compiled: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.name, "seconds": round(self.seconds, 2), "compiled": self.compiled,
                "error": self.error}


@dataclass
class WarmupReport:
    """What :func:`warmup` did: the steps, total seconds, the cache folder it filled."""

    steps: list[StepReport]
    seconds: float
    cache_dir: str | None
    jit: bool = True

    @property
    def compiled(self) -> list[str]:
        return [f for s in self.steps for f in s.compiled]

    def to_dict(self) -> dict:
        return {"cache_dir": self.cache_dir, "jit": self.jit, "seconds": round(self.seconds, 2),
                "compiled": self.compiled, "steps": [s.to_dict() for s in self.steps],
                "errors": [s.name for s in self.steps if s.error]}


# --------------------------------------------------------------------------- what compiles
class CompileWatch:
    """Calls ``on_start(name)`` when numba starts compiling a gaemi function called from Python
    (an outermost compile: a kernel's callees compile inside it) and ``on_end(name, seconds)``
    when it is done; records every gaemi function compiled, callees included, in
    :attr:`compiled`. A context manager; numba's cache hits are not compiles and are not seen."""

    def __init__(self, on_start: Callable[[str], None] | None = None,
                 on_end: Callable[[str, float], None] | None = None) -> None:
        self.on_start = on_start
        self.on_end = on_end
        self.compiled: list[str] = []
        self._stack: list[tuple[str, float]] = []
        self._listener = None

    @staticmethod
    def _name(event) -> str:
        func = getattr(event.data.get("dispatcher"), "py_func", None)
        if func is None:  # pragma: no cover - numba changed its event data
            return "?"
        return f"{func.__module__}.{func.__qualname__}"

    def __enter__(self) -> "CompileWatch":
        from gaemi._numba import DISABLE_JIT

        if DISABLE_JIT:
            return self
        from numba.core import event

        watch = self

        class _Listener(event.Listener):
            def on_start(self, ev):
                name = watch._name(ev)
                if not watch._stack and name.startswith("gaemi.") and watch.on_start:
                    watch.on_start(name)
                watch._stack.append((name, time.perf_counter()))

            def on_end(self, ev):
                name, t0 = watch._stack.pop()
                if name.startswith("gaemi."):
                    watch.compiled.append(name)
                if not watch._stack and name.startswith("gaemi.") and watch.on_end:
                    watch.on_end(name, time.perf_counter() - t0)

        self._listener = _Listener()
        event.register("numba:compile", self._listener)
        return self

    def __exit__(self, *exc) -> None:
        if self._listener is not None:
            from numba.core import event

            event.unregister("numba:compile", self._listener)
            self._listener = None


def cache_dir() -> str | None:
    """The folder numba keeps gaemi's compiled kernels in (set when :mod:`gaemi._numba` is
    imported), or None when compilation is off."""
    from gaemi._numba import DISABLE_JIT

    return None if DISABLE_JIT else os.environ.get("NUMBA_CACHE_DIR")


def missing_kernels() -> list[str]:
    """Entry points (:data:`ENTRY_KERNELS`) with nothing on disk yet: the runs that would
    compile first. Empty when compilation is off or every one has been compiled once."""
    folder = cache_dir()
    if not folder:
        return []
    try:
        names = {p.name for p in Path(folder).rglob("*.nbi")}
    except OSError:  # pragma: no cover
        return []
    return [f"{stem}.{fn}" for stem, fn in ENTRY_KERNELS
            if not any(n.startswith(f"{stem}.{fn}-") for n in names)]


# --------------------------------------------------------------------------- the steps
def _run_step(name: str) -> None:
    """Run step ``name`` on the smallest inputs (results are dropped)."""
    if name == "colony":
        from gaemi.colony.api import colony

        colony(scenario="covid-2020", investors=2000, seed=0, curve="none")
        return
    if name in ("rolling", "backtest"):
        from gaemi import api

        if name == "rolling":
            api.rolling(_PLAN, years=_YEARS)
        else:
            api.backtest(_PLAN, start="2020-01-02", end="2020-03-31")
        return
    from gaemi.montecarlo import simulate_many

    kwargs = {} if name == "historical" else {"paths": _PATHS}
    # (the plan's own horizon: today the layout of a home goal's per-path targets, hence the
    # compiled variant, can depend on it; docs/first-run.md)
    simulate_many([_PLAN], model=name, seed=0, **kwargs)


def warmup(progress: Callable[[str, int, int, float], None] | None = None,
           steps: Sequence[str] | None = None) -> WarmupReport:
    """Compile every kernel a run can reach (see the module doc), smallest inputs first.

    ``progress(step, done, total, seconds)`` is called before each step (``done`` steps
    finished, ``seconds`` since the start) and once at the end with ``step = ""``. ``steps``:
    a subset of :data:`STEPS` (default all). A step that fails is recorded with its error and
    the others still run. With ``GAEMI_DISABLE_JIT=1`` nothing compiles: the report says so."""
    from gaemi._numba import DISABLE_JIT
    from gaemi.errors import ConfigError

    chosen = list(STEPS if steps is None else steps)
    for s in chosen:
        if s not in STEPS:
            raise ConfigError("steps", s, ", ".join(STEPS))
    t0 = time.perf_counter()
    reports: list[StepReport] = []
    if DISABLE_JIT:
        if progress:
            progress("", 0, 0, 0.0)
        return WarmupReport([], 0.0, None, jit=False)
    for i, name in enumerate(chosen):
        if progress:
            progress(name, i, len(chosen), time.perf_counter() - t0)
        rep = StepReport(name)
        t1 = time.perf_counter()
        with CompileWatch() as watch:
            try:
                _run_step(name)
            except Exception as e:  # noqa: BLE001 - recorded; the other steps still compile
                rep.error = f"{type(e).__name__}: {e}"
        rep.seconds = time.perf_counter() - t1
        rep.compiled = watch.compiled
        reports.append(rep)
    total = time.perf_counter() - t0
    if progress:
        progress("", len(chosen), len(chosen), total)
    return WarmupReport(reports, total, cache_dir())


# --------------------------------------------------------------------------- one at a time
def _lock_path() -> Path | None:
    # (a background warmup inherits NUMBA_CACHE_DIR: it can test the lock before importing numba)
    if os.environ.get("GAEMI_DISABLE_JIT", "0") in ("", "0", "false", "False") and os.environ.get("NUMBA_CACHE_DIR"):
        folder: str | None = os.environ["NUMBA_CACHE_DIR"]
    else:
        folder = cache_dir()
    return Path(folder) / _LOCK_NAME if folder else None


def hold_lock(wait: bool = True):
    """An exclusive lock on the cache folder's warmup lock file (a file descriptor to close to
    release it), so one warmup runs at a time; None without ``fcntl`` or a cache folder, and
    False when ``wait`` is off and another process holds it."""
    path = _lock_path()
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock (compiles are still safe)
        return None
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # pragma: no cover - read-only cache folder
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    return fd


def release_lock(fd) -> None:
    """Release what :func:`hold_lock` returned (None and False hold nothing)."""
    if fd is not None and fd is not False:
        os.close(fd)


def warmup_running() -> bool:
    """Whether a warmup holds the lock of this cache folder now."""
    fd = hold_lock(wait=False)
    if fd is False:
        return True
    release_lock(fd)
    return False


def background_allowed() -> bool:
    """Whether :func:`start_background` may start a process here: not with
    ``GAEMI_NO_WARMUP=1``, not with compilation off, and not inside a pytest run unless
    ``GAEMI_BACKGROUND_WARMUP=1`` asks for it."""
    from gaemi._numba import DISABLE_JIT

    if DISABLE_JIT or os.environ.get("GAEMI_NO_WARMUP", "") not in ("", "0"):
        return False
    if "PYTEST_CURRENT_TEST" in os.environ or "pytest" in sys.modules:
        return os.environ.get("GAEMI_BACKGROUND_WARMUP", "") not in ("", "0")
    return True


def start_background():
    """Start ``python -m gaemi.warmup --background`` detached (own session, no terminal, output
    discarded, lowest CPU priority) when some entry kernel is not compiled yet and no warmup is
    running on this cache folder; returns the ``Popen`` or None. Never blocks, never raises: a
    warmup that cannot start only means the first run of a model compiles in the foreground."""
    try:
        if not background_allowed() or not missing_kernels() or warmup_running():
            return None
        import subprocess

        env = dict(os.environ)
        env.setdefault("NUMBA_NUM_THREADS", "1")  # a compile is one thread; the tiny runs need no more
        kwargs: dict = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
                        "env": env, "cwd": str(Path.home()) if Path.home().is_dir() else None, "close_fds": True}
        if os.name == "posix":
            kwargs["start_new_session"] = True
        else:  # pragma: no cover - Windows
            kwargs["creationflags"] = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(
                subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        return subprocess.Popen([sys.executable, "-m", "gaemi.warmup", "--background"], **kwargs)
    except Exception:  # noqa: BLE001 - best effort by design
        return None


def _main(argv: Sequence[str]) -> int:
    """``python -m gaemi.warmup [--background] [--json] [--steps a,b]``: what
    :func:`start_background` runs (``--background``: lowest priority, quiet, exits at once if
    another warmup runs)."""
    import json

    argv = list(argv)
    steps = argv[argv.index("--steps") + 1].split(",") if "--steps" in argv[:-1] else None
    background = "--background" in argv
    fd = hold_lock(wait=not background)
    if fd is False:
        return 0  # another warmup is compiling the same kernels
    if background:
        try:
            os.nice(19)
        except (AttributeError, OSError):  # pragma: no cover
            pass
    try:
        report = warmup(steps=steps)
    finally:
        release_lock(fd)
    if "--json" in argv:
        print(json.dumps(report.to_dict()))
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a subprocess by the tests
    raise SystemExit(_main(sys.argv[1:]))
