"""``gaemi warmup``: compile the simulation engine now, with progress (docs/first-run.md), and
:func:`show_compile_progress`, the spinner any engine command shows on a terminal while numba
compiles."""

from __future__ import annotations

import time
from typing import Any

import typer

WORDS = {
    "en": {
        "waiting": "gaemi: another warmup is compiling the same kernels; waiting for it ...",
        "step": "compiling: {step}",
        "title": "gaemi warmup: the simulation engine, compiled and cached ({dir})",
        "col_step": "step", "col_seconds": "seconds", "col_compiled": "functions compiled",
        "from_cache": "already cached",
        "done": "{n} functions compiled in {seconds:.0f} s; runs of every model now start at once.",
        "done_cached": "Everything was already compiled ({seconds:.1f} s).",
        "failed": "step {step} failed: {error}",
        "nojit": "GAEMI_DISABLE_JIT is set: the engine runs as plain Python and nothing is compiled.",
        "compiling": "gaemi: compiling the engine, once per model (~1 min on 2 cores)",
        "compiled": "gaemi: engine compiled in {seconds:.0f} s, kept for later runs.",
        "bootstrap": "bootstrap", "parametric": "parametric", "backtest": "backtest / garch / crashes",
        "garch": "garch", "rolling": "demo / historical", "historical": "historical", "colony": "colony",
    },
    "ko": {
        "waiting": "gaemi: 다른 warmup이 같은 커널을 컴파일하는 중입니다. 끝나기를 기다립니다 ...",
        "step": "컴파일 중: {step}",
        "title": "gaemi warmup: 시뮬레이션 엔진 컴파일 완료, 캐시에 저장됨 ({dir})",
        "col_step": "단계", "col_seconds": "초", "col_compiled": "컴파일한 함수",
        "from_cache": "이미 캐시에 있음",
        "done": "함수 {n}개를 {seconds:.0f}초에 컴파일했습니다. 이제 모든 모형이 바로 시작합니다.",
        "done_cached": "모두 이미 컴파일되어 있었습니다 ({seconds:.1f}초).",
        "failed": "{step} 단계 실패: {error}",
        "nojit": "GAEMI_DISABLE_JIT이 설정되어 있어 엔진이 순수 파이썬으로 돌고 컴파일할 것이 없습니다.",
        "compiling": "gaemi: 엔진 컴파일 중, 모형마다 처음 한 번 (2코어에서 약 1분)",
        "compiled": "gaemi: 엔진 컴파일 {seconds:.0f}초, 저장되어 다음부터는 바로 시작합니다.",
        "bootstrap": "부트스트랩", "parametric": "모수 모형", "backtest": "백테스트 / GARCH / 폭락 시나리오",
        "garch": "GARCH", "rolling": "데모 / 과거 구간", "historical": "과거 구간", "colony": "개미 집단",
    },
}


def _w(key: str, **kw: Any) -> str:
    from gaemi.cli.lang import current_lang

    lang = current_lang()
    return WORDS.get(lang, WORDS["en"])[key].format(**kw)


def warmup(
    json_out: bool = typer.Option(False, "--json", help="Print what compiled, step by step, and the seconds as JSON."),
) -> None:
    """Compile the simulation engine for every model now (once per install), so later runs start at once."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from gaemi import warmup as wu
    from gaemi.cli import app as cli

    show = cli.err.is_terminal and not json_out
    fd = wu.hold_lock(wait=False)
    if fd is False:  # a background warmup (gaemi demo's) is compiling: wait, then find it all cached
        if show:
            cli.err.print(_w("waiting"), highlight=False)
        fd = wu.hold_lock(wait=True)
    prog = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=cli.err,
                    transient=True)
    state: dict[str, Any] = {}

    def progress(step: str, done: int, total: int, seconds: float) -> None:
        if not show:
            return
        if "task" not in state:
            prog.start()
            state["task"] = prog.add_task("", total=total)
        prog.update(state["task"], completed=done,
                    description=_w("step", step=_w(step)) if step else "")

    try:
        report = wu.warmup(progress=progress)
    finally:
        if "task" in state:
            prog.stop()
        wu.release_lock(fd)
    if json_out:
        cli.emit_json(report.to_dict())
    elif not report.jit:
        cli.out.print(_w("nojit"), highlight=False)
    else:
        t = Table(title=_w("title", dir=report.cache_dir))
        t.add_column(_w("col_step"))
        t.add_column(_w("col_seconds"), justify="right")
        t.add_column(_w("col_compiled"), justify="right")
        for s in report.steps:
            t.add_row(_w(s.name), f"{s.seconds:.1f}", str(len(s.compiled)) if s.compiled else _w("from_cache"))
        cli.out.print(t)
        n = len(report.compiled)
        cli.out.print(_w("done", n=n, seconds=report.seconds) if n else _w("done_cached", seconds=report.seconds),
                      highlight=False)
    failed = [s for s in report.steps if s.error]
    for s in failed:
        cli.err.print(_w("failed", step=s.name, error=s.error), highlight=False, markup=False)
    if failed:
        raise typer.Exit(1)


def show_compile_progress(console=None) -> bool:
    """On a terminal, show a spinner with the seconds elapsed on stderr whenever numba compiles
    one of gaemi's kernels in this process (the first use of a model), and one line when it is
    done; nothing when the kernels come from the cache, nothing on a pipe or log (scripts stay
    clean). Registered once for the rest of the process; returns whether it was."""
    from gaemi._numba import DISABLE_JIT

    if console is None:
        from gaemi.cli.app import err as console
    if DISABLE_JIT or not console.is_terminal or _watch["on"]:
        return False
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from gaemi.warmup import CompileWatch

    live: dict[str, Any] = {}

    def start(name: str) -> None:
        if getattr(console, "_live", None) is not None or getattr(console, "_live_stack", None):
            return  # another live display (a progress bar) owns the terminal: stay out of its way
        prog = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                        transient=True)  # (one short line: fits 80 columns with the elapsed time)
        prog.add_task(_w("compiling"), total=None)
        prog.start()
        live["prog"] = prog
        live["t0"] = time.perf_counter()

    def end(name: str, seconds: float) -> None:
        prog = live.pop("prog", None)
        if prog is None:
            return
        prog.stop()
        if seconds >= 1.0:
            console.print(_w("compiled", seconds=seconds), highlight=False, markup=False)

    _watch["on"] = CompileWatch(start, end).__enter__()
    return True


_watch: dict[str, Any] = {"on": None}


def stop_compile_progress() -> None:
    """Undo :func:`show_compile_progress` (for tests and embedding)."""
    watch = _watch["on"]
    if watch is not None:
        watch.__exit__(None, None, None)
        _watch["on"] = None
