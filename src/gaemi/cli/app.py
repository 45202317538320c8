"""The `gaemi` command: parse -> call the library -> render. User errors exit with code 2."""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, Optional

import typer
import typer.core
from rich.console import Console
from rich.table import Table

from gaemi.errors import GaemiError

_ENGINE_COMMANDS = {"demo", "backtest", "simulate", "compare", "odds", "need"}


def _first_run_notice(args) -> None:
    """On a terminal, say that the first run compiles the engine instead of sitting silent."""
    if not sys.stderr.isatty() or not any(a in _ENGINE_COMMANDS for a in list(args)[:3]):
        return
    from gaemi._numba import engine_cache_is_cold

    if engine_cache_is_cold():
        sys.stderr.write("gaemi: first run - compiling the simulation engine (about a minute on 2 cores; "
                         "later runs start at once) ...\n")
        sys.stderr.flush()


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors (a bad integer, an unknown option, a missing argument) as one plain line on
    stderr with exit code 2, like gaemi's own errors; ``gaemi`` alone still prints the help."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:  # typer >= 0.22 vendors click
            from typer._click import exceptions as click_exc
        except ImportError:  # pragma: no cover
            from click import exceptions as click_exc

        _first_run_notice(args if args is not None else sys.argv[1:])
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
        except click_exc.NoArgsIsHelpError as e:
            if not standalone_mode:
                raise
            e.show()
            sys.exit(e.exit_code)
        except click_exc.ClickException as e:
            if not standalone_mode:
                raise
            msg = " ".join(e.format_message().split())
            ctx = getattr(e, "ctx", None)
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            if "--json" in (args if args is not None else sys.argv[1:]):
                param = getattr(e, "param", None)
                sys.stdout.write(json.dumps({"error": {
                    "field": getattr(param, "name", None), "value": None, "allowed": None,
                    "message": msg}}, ensure_ascii=False) + "\n")
            sys.stderr.write(f"error: {msg}{hint}\n")
            sys.exit(e.exit_code)
        except getattr(click_exc, "Abort", KeyboardInterrupt):
            if not standalone_mode:
                raise
            sys.stderr.write("aborted\n")
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=_OneLineErrors,
    name="gaemi",
    help="gaemi (개미): what margin, leveraged funds and altcoins do to a retail investor's odds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
plans_app = typer.Typer(help="Built-in example plans.", invoke_without_command=True, no_args_is_help=False)
app.add_typer(plans_app, name="plans")

out = Console() if sys.stdout.isatty() else Console(width=120)
err = Console(stderr=True)


def _json_wanted() -> bool:
    """Whether the running command was given --json (its errors are then JSON on stdout too)."""
    try:  # typer >= 0.22 vendors click
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover
        from click import get_current_context
    ctx = get_current_context(silent=True)
    while ctx is not None:
        if ctx.params.get("json_out"):
            return True
        ctx = ctx.parent
    return False


def error_payload(message: str, error: BaseException | None = None) -> dict:
    """``{"error": {"field", "value", "allowed", "message"}}`` (field/value/allowed null when the
    error does not name them)."""
    field = getattr(error, "field", None)
    value = getattr(error, "value", None)
    if value is not None and not isinstance(value, (str, int, float, bool)):
        value = str(value)
    return {"error": {"field": field, "value": value, "allowed": getattr(error, "allowed", None),
                      "message": " ".join(str(message).split())}}


def fail(message: str, error: BaseException | None = None) -> None:
    """One literal line on stderr (never parsed as markup, never wrapped) and exit code 2; under
    ``--json`` also the error as a JSON object on stdout."""
    from rich.text import Text

    line = " ".join(str(message).split())
    if _json_wanted():
        emit_json(error_payload(line, error))
    err.print(Text("error: ", style="bold red") + Text(line), soft_wrap=True, highlight=False)
    raise typer.Exit(2)


def guarded(fn: Callable[[], Any]) -> Any:
    """Run ``fn``; a GaemiError becomes one clear line on stderr and exit code 2."""
    try:
        return fn()
    except GaemiError as e:
        fail(str(e), e)


def emit_json(payload: Any) -> None:
    from gaemi.results.simulation import _clean

    sys.stdout.write(json.dumps(_clean(payload), ensure_ascii=False, indent=2, default=str) + "\n")


def pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1%}"


def money(x: float) -> str:
    return f"{x / 1e8:,.2f}억" if abs(x) >= 1e7 else f"{x:,.0f}"


# ----------------------------------------------------------------------------- demo
@app.command()
def demo(
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Run every built-in plan over every rolling window of its horizon in the embedded history."""
    from gaemi.api import rolling
    from gaemi.config import builtin_plan_names, load_plan

    rows = []
    for name in builtin_plan_names():
        plan = load_plan(name)
        res = guarded(lambda: rolling(plan))
        s = res.summary()
        labels = res.path_labels
        rows.append({
            "name": name,
            "title": plan.title,
            "horizon_years": plan.horizon_years,
            "windows": s["paths"],
            "first_start": str(labels[0]),
            "last_start": str(labels[-1]),
            "p_goal": s["p_goal"],
            "p_forced_sale": s["p_forced_sale"],
            "p_wipeout": s["p_wipeout"],
            "p_wipeout_ever": s["p_wipeout_ever"],
            "p_wipeout_end": s["p_wipeout_end"],
            "median_end_wealth": s["median_end_wealth"],
            "p5_end_wealth": s["p5_end_wealth"],
            "median_invested": s["median_invested"],
            "history": s["history"],
            "warnings": s["warnings"],
        })
    if json_out:
        emit_json({"plans": rows})
        return
    t = Table(title="gaemi demo: every monthly start in the embedded history (KRW, 억 = 100M)")
    for col in ("plan", "windows", "P(goal)", "P(forced)", "wiped ever", "wiped end", "median", "p5", "put in"):
        t.add_column(col, justify="left" if col == "plan" else "right", no_wrap=True)
    for r in rows:
        t.add_row(r["name"], f"{r['windows']} x {r['horizon_years']:g}y",
                  pct(r["p_goal"]), pct(r["p_forced_sale"]), pct(r["p_wipeout_ever"]), pct(r["p_wipeout_end"]),
                  money(r["median_end_wealth"]), money(r["p5_end_wealth"]), money(r["median_invested"]))
    out.print(t)
    for r in rows:
        h = r["history"]
        codes = sorted({w["code"].replace("_", " ") for w in r["warnings"]})
        out.print(f"  {r['name']}: {r['title']}; starts {r['first_start']} .. {r['last_start']}; history "
                  f"{h['start']} .. {h['end']} ({h['years']:.1f} years)"
                  + (f" [bold yellow]warnings: {', '.join(codes)}[/]" if codes else ""), highlight=False)
    out.print("Goal: net wealth reaches the plan's target (cash for a home). Forced: at least one forced "
              "sale (반대매매). Wiped ever: net wealth fell at some close to 10% or less of all money put in (한때 깡통선); wiped end: it ended the horizon there (끝내 깡통). Windows overlap: "
              "shares say how often history did this, not future odds. Crypto plans use 3-year windows (short "
              "history) on coins that survived; NVIDIA, Tesla and Samsung are today's famous winners, picked after "
              "the fact: survivorship flatters them.", highlight=False)


# ----------------------------------------------------------------------------- plans
@plans_app.callback()
def plans_list(ctx: typer.Context,
               json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the built-in plans."""
    if ctx.invoked_subcommand is not None:
        return
    from gaemi.config import builtin_plan_names, load_plan

    if json_out:
        emit_json({"plans": [{"name": n, "title": load_plan(n).title} for n in builtin_plan_names()]})
        return
    t = Table(title="Built-in plans (gaemi plans show NAME)")
    t.add_column("name")
    t.add_column("title")
    for name in builtin_plan_names():
        t.add_row(name, load_plan(name).title)
    out.print(t)


@plans_app.command("show")
def plans_show(name: str = typer.Argument(..., help="A built-in plan name."),
               json_out: bool = typer.Option(False, "--json", help="Print the validated plan as JSON.")) -> None:
    """Print a built-in plan's TOML (copy it, edit it, pass the file to backtest/simulate)."""
    from gaemi.config import builtin_plan_text, load_plan

    text = guarded(lambda: builtin_plan_text(name))
    if json_out:
        emit_json({"plan": load_plan(name).model_dump(mode="json"), "toml": text})
        return
    sys.stdout.write(text)


# ----------------------------------------------------------------------------- backtest
@app.command()
def backtest(
    plan: str = typer.Argument(..., help="A plan TOML file or a built-in plan name."),
    start: Optional[str] = typer.Option(None, help="Invest at the close of the first session on/after this date."),
    end: Optional[str] = typer.Option(None, help="Last session (default: start + the plan's horizon)."),
    rolling_windows: bool = typer.Option(False, "--rolling", help="Every monthly start in history instead of one."),
    report: Optional[str] = typer.Option(None, help="Write a self-contained HTML report here."),
    lang: Optional[str] = typer.Option(None, help="ko or en (default: from the locale)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One path through real history from a start date (or every monthly start with --rolling)."""
    from gaemi.api import backtest as run_backtest
    from gaemi.api import rolling

    lang = _check_lang(lang)
    _check_report(report)
    if rolling_windows:
        res = guarded(lambda: rolling(plan))
        _write_report([res], report, lang)
        if json_out:
            emit_json(res.summary())
        else:
            out.print(_summary_table([res]))
            _print_history([res], lang)
        return
    res = guarded(lambda: run_backtest(plan, start=start, end=end))
    _write_report([res], report, lang)
    ev = res.events().iloc[0]
    dates = res.day_dates

    def day(k: int) -> str | None:
        return None if k < 0 else str(dates[k].date())

    payload = {
        "plan": res.plan.name,
        "start": res.provenance.get("start"),
        "end": res.provenance.get("end"),
        "end_wealth": float(ev["end_wealth"]),
        "invested": float(ev["invested"]),
        "goal_date": day(int(ev["goal_day"])),
        "graduated": bool(ev["graduated"]),
        "first_forced_sale_date": day(int(ev["first_forced_day"])),
        "forced_sales": int(ev["n_forced"]),
        "forced_sold": float(ev["forced_sold"]),
        "wipeout_date": day(int(ev["wipeout_day"])),
        "interest_paid": float(ev["interest_paid"]),
        "debt_left": float(ev["debt_left"]),
        "max_drawdown": float(ev["max_drawdown"]),
        "currency": res.plan.currency,
    }
    s = res.summary()
    if json_out:
        emit_json({**payload, "history": s["history"], "warnings": s["warnings"]})
        return
    t = Table(title=f"{res.plan.name}: {payload['start']} .. {payload['end']}")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k, v in payload.items():
        if isinstance(v, float):
            v = f"{v:.1%}" if k == "max_drawdown" else f"{v:,.0f}"
        t.add_row(k, "—" if v is None else str(v))
    out.print(t)
    _print_history([res], lang)


# ----------------------------------------------------------------------------- fund
@app.command()
def fund(
    underlying: str = typer.Option(..., help="Embedded underlying, e.g. sp500tr, ndx, kospi200."),
    leverage: float = typer.Option(..., help="Daily leverage, e.g. 3, 2, -1, -2."),
    expense_ratio: float = typer.Option(0.0095, help="Annual fee, a fraction."),
    financing_spread: Optional[float] = typer.Option(
        None, help="Annual spread over the rate, on the exposure the structure charges it on "
                   "(default: calibrated per structure, docs/validation.md)."),
    rate: Optional[str] = typer.Option(None, help="Rate series (default us_effr for U.S., kr_cd91 for Korean)."),
    start: Optional[str] = typer.Option(None, help="Buy at the close of the first session on/after this date."),
    end: Optional[str] = typer.Option(None, help="Last session on/before this date."),
    currency: Optional[str] = typer.Option(
        None, help="Currency of the figures: the underlying's own (default), or the other one (e.g. KRW "
                   "for a USD underlying: the fund resets in dollars, held in won)."),
    structure: Optional[str] = typer.Option(
        None, help="swap (spread on max(L-1,0)) or futures (KRX funds: also on |L| when inverse); "
                   "default futures for KRW underlyings, else swap."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Synthesise a daily-reset leveraged/inverse fund and show its volatility and volatility drag."""
    from gaemi.fund import PERIODS_PER_YEAR, fund_report

    rep = guarded(lambda: fund_report(underlying, leverage, expense_ratio, financing_spread, rate, start, end,
                                      currency=currency, structure=structure))
    if json_out:
        emit_json(rep)
        return
    cur, own = rep["currency"], rep["underlying_currency"]
    view = f"in {cur}" if cur == own else f"held in {cur} (resets in {own})"
    t = Table(title=f"{leverage:g}x daily fund ({rep['structure']}) on {underlying}, {view}, "
                    f"{rep['start']} .. {rep['end']}")
    t.add_column("figure")
    t.add_column(f"value ({cur})", justify="right")
    keys = ["total_return", "cagr", "annual_volatility", "underlying_total_return", "underlying_cagr",
            "underlying_annual_volatility"]
    if rep["fx_total_return"] is not None:
        keys.append("fx_total_return")
    keys += ["drag", "drag_cagr", "drag_log_annual"]
    if cur != own:
        keys.append("drag_log_annual_own_currency")
    keys.append("drag_theory_annual")
    for k in keys:
        t.add_row(k, "—" if rep[k] is None else f"{rep[k]:.2%}")
    t.add_row("structure", rep["structure"])
    t.add_row("financing rate", rep["rate"])
    out.print(t)
    out.print(f"Figures in {cur}; volatilities annualised at {PERIODS_PER_YEAR} sessions a year; drag_theory_annual = "
              f"(L²-L)σ²/2 with σ the underlying's volatility in {own}.", highlight=False)


# ----------------------------------------------------------------------------- Monte Carlo
def _progress_callback():
    """A rich progress bar on stderr: chunks done and paths/s."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    prog = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,} paths"),
                    TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err, transient=True)
    state: dict[str, Any] = {}

    def update(done: int, total: int, seconds: float) -> None:
        if not err.is_terminal:  # no bar in logs and pipes
            return
        if "task" not in state:
            prog.start()
            state["task"] = prog.add_task("simulating", total=total, rate="")
        rate = f"{done / seconds:,.0f} paths/s" if seconds > 0 else ""
        prog.update(state["task"], completed=done, rate=rate)
        if done >= total:
            prog.stop()

    class _Stopper:
        def stop(self) -> None:
            if "task" in state:
                prog.stop()

    return update, _Stopper()


MODEL_HELP = "bootstrap (stationary block bootstrap of history), garch (GJR-GARCH-t filtered historical " \
             "simulation), parametric (Student-t fitted to history), historical (rolling windows)."
CHUNK_HELP = "Paths per chunk (rounded up to a multiple of 256). Memory stays bounded by the chunk: " \
             "bootstrap and parametric futures are drawn inside the engine, 64 paths at a time per " \
             "thread, so a chunk holds only its month-end wealth (chunk x months x 8 bytes) and ~170 " \
             "bytes a path of results; garch and historical futures also hold the chunk's rows " \
             "(chunk x days x 8 bytes: 4096 paths x 10 years ~85 MB). A million paths never hold a " \
             "million wealth histories."


def _mc_kwargs(model, paths, years, seed, scenario, scenario_day, chunk_size, workers, scheduler):
    """The Monte Carlo arguments; options the chosen model would ignore are refused, not dropped."""
    from gaemi.errors import ConfigError

    def refuse(field: str, value: Any, allowed: str) -> None:
        error = ConfigError(field, value, allowed)
        fail(str(error), error)

    if model == "historical" and paths is not None:
        refuse("paths", paths, "no --paths with --model historical (one future per monthly start in history)")
    if scenario is None and scenario_day is not None:
        refuse("scenario_day", scenario_day, "--scenario-day only with --scenario NAME")
    paths = 10_000 if paths is None else paths
    scenario_day = 0 if scenario_day is None else scenario_day
    return dict(model=model, paths=paths, years=years, seed=seed, scenario=scenario, scenario_day=scenario_day,
                chunk_size=chunk_size, workers=workers, scheduler=scheduler)


def _check_lang(lang: str | None) -> str:
    import locale
    import os

    if lang is None:
        loc = os.environ.get("LC_ALL") or os.environ.get("LANG") or (locale.getlocale()[0] or "")
        return "ko" if loc.lower().startswith("ko") else "en"
    if lang not in ("ko", "en"):
        fail(f"--lang: got {lang!r}; allowed: ko or en")
    return lang


def _check_report(report: str | None) -> None:
    """Refuse a bad --report target before any work (a folder, a device, a symlink, no parent)."""
    if report:
        from gaemi.safe_write import check_target

        guarded(lambda: check_target(report, "report"))


def _write_report(results, report: str | None, lang: str, odds=None) -> None:
    if not report:
        return
    from gaemi.reports import render_report

    path = guarded(lambda: render_report(results, report, lang=lang, odds=odds))
    err.print(f"report written: {path}", highlight=False)


def _summary_table(results) -> Table:
    t = Table(title=", ".join(r.plan.name for r in results)
              + f" — {results[0].kind}, {results[0].n_paths:,} paths, {results[0].years:.1f} years", min_width=64)
    t.add_column("figure")
    for r in results:
        t.add_column(r.plan.name, justify="right")
    sums = [r.summary() for r in results]
    rows = [("P(home / goal)", "p_goal", pct), ("P(graduated)", "p_graduated", pct),
            ("P(forced sale)", "p_forced_sale", pct),
            ("P(fell to wipe-out line, ever)", "p_wipeout_ever", pct), ("P(ended wiped out)", "p_wipeout_end", pct),
            ("P(fell to ruin line, ever)", "p_ruin_floor_ever", pct), ("P(ended at/below ruin line)", "p_ruin_floor_end", pct),
            ("P(negative equity)", "p_negative_equity", pct),
            ("median end wealth", "median_end_wealth", money), ("5th pct end wealth", "p5_end_wealth", money),
            ("CVaR 5% end wealth", "cvar5_end_wealth", money), ("median interest paid", "median_interest_paid", money)]
    for label, key, fmt in rows:
        t.add_row(label, *[fmt(s[key]) if s[key] is not None else "—" for s in sums])
    t.add_row("median years to goal", *[
        "—" if not s["time_to_goal_years"] or s["time_to_goal_years"]["p50"] is None
        else f"{s['time_to_goal_years']['p50']:.1f}" for s in sums])
    t.add_row("median max drawdown", *[pct(s["max_drawdown_quantiles"]["p50"]) for s in sums])
    if any(s.get("collapse") and s["collapse"].get("p_collapse") is not None for s in sums):
        t.add_row("P(a coin collapsed)", *[pct(s["collapse"]["p_collapse"]) if s.get("collapse") and
                                           s["collapse"].get("p_collapse") is not None else "—" for s in sums])
    t.add_row("history", *[_span_text(s.get("history")) for s in sums])
    return t


def _span_text(h: dict | None) -> str:
    return "—" if not h else f"{h['start']}..{h['end']} ({h['years']:.1f}y)"


def _print_history(results, lang: str = "en") -> None:
    """The span each answer stands on and every warning, after the table (stdout)."""
    seen: set[str] = set()
    for r in results:
        s = r.summary()
        h = s.get("history")
        if h:
            lim = f"; limited by {h['limited_by']}" if h.get("limited_by") not in (None, "start") else ""
            line = (f"{r.plan.name}: history {h['start']} .. {h['end']}, {h['years']:.1f} years, "
                    f"{h['sessions']:,} sessions{lim}")
            if lang == "ko":
                lim = f"; {h['limited_by']} 데이터가 기간을 정함" if h.get("limited_by") not in (None, "start") else ""
                line = (f"{r.plan.name}: 근거 역사 {h['start']} ~ {h['end']}, {h['years']:.1f}년, "
                        f"{h['sessions']:,}거래일{lim}")
            out.print(line, highlight=False)
        for w in s.get("warnings", []):
            msg = w.get("message_ko") if lang == "ko" and w.get("message_ko") else w["message"]
            if msg in seen:
                continue
            seen.add(msg)
            out.print(f"[bold yellow]{'경고' if lang == 'ko' else 'warning'}[/] ({w['code']}): {msg}",
                      highlight=False)


@app.command()
def simulate(
    plan: str = typer.Argument(..., help="A plan TOML file or a built-in plan name."),
    model: str = typer.Option("bootstrap", help=MODEL_HELP),
    paths: Optional[int] = typer.Option(None, help="Number of simulated futures (default 10,000; not with "
                                                   "--model historical)."),
    years: Optional[float] = typer.Option(None, help="Horizon in years of 252 sessions (default: the plan's)."),
    seed: Optional[int] = typer.Option(None, help="Seed; the same seed gives the same numbers on any machine."),
    scenario: Optional[str] = typer.Option(None, help="A named crash injected at --scenario-day (gaemi scenarios)."),
    scenario_day: Optional[int] = typer.Option(None, help="Session on which the crash starts (default 0)."),
    chunk_size: int = typer.Option(4096, help=CHUNK_HELP),
    workers: int = typer.Option(1, help="Local worker processes (dask LocalCluster); same numbers as 1."),
    scheduler: Optional[str] = typer.Option(None, help="Address of an existing dask.distributed scheduler."),
    report: Optional[str] = typer.Option(None, help="Write a self-contained HTML report here."),
    lang: Optional[str] = typer.Option(None, help="ko or en (default: from the locale)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A plan over many simulated futures: odds of the home, of ruin, and when."""
    from gaemi.montecarlo import simulate_many

    lang = _check_lang(lang)
    _check_report(report)
    update, prog = _progress_callback()
    try:
        res = guarded(lambda: simulate_many([plan], progress=update, **_mc_kwargs(
            model, paths, years, seed, scenario, scenario_day, chunk_size, workers, scheduler)))
    finally:
        prog.stop()
    _write_report(res, report, lang)
    fitted = res[0].provenance.get("scenario_provenance", {}).get("params") if model == "garch" else None
    if json_out:
        s = res[0].summary()
        s["years"] = res[0].years
        if fitted:
            s["model_params"] = fitted  # GJR-GARCH(1,1)-t per asset, percent daily log returns
        emit_json(s)
        return
    out.print(_summary_table(res))  # the span and the warnings come first in the sentences below
    if fitted:
        t = Table(title="Fitted GJR-GARCH(1,1)-t (arch; percent daily log returns)")
        cols = ("mu", "omega", "alpha", "gamma", "beta", "nu")
        t.add_column("asset")
        for c in cols:
            t.add_column(c, justify="right")
        for asset, p in fitted.items():
            t.add_row(asset, *[f"{p[c]:.4f}" for c in cols])
        out.print(t)
    _print_sentences(res[0], lang)


def _print_sentences(result, lang: str) -> None:
    try:
        from gaemi.reports import render_terminal_sentences
    except ImportError:  # reports not installed yet
        return
    for line in render_terminal_sentences(result, lang):
        out.print(line, highlight=False)


@app.command()
def compare(
    plans: list[str] = typer.Argument(..., help="Two or more plans (TOML files or built-in names)."),
    model: str = typer.Option("bootstrap", help=MODEL_HELP),
    paths: Optional[int] = typer.Option(None, help="Number of simulated futures, the same for every plan "
                                                   "(default 10,000; not with --model historical)."),
    years: Optional[float] = typer.Option(None, help="Horizon in years (default: the first plan's)."),
    seed: Optional[int] = typer.Option(None, help="Seed."),
    scenario: Optional[str] = typer.Option(None, help="A named crash for every plan."),
    scenario_day: Optional[int] = typer.Option(None, help="Session on which the crash starts (default 0)."),
    chunk_size: int = typer.Option(4096, help=CHUNK_HELP),
    workers: int = typer.Option(1, help="Local worker processes."),
    scheduler: Optional[str] = typer.Option(None, help="Address of a dask.distributed scheduler."),
    report: Optional[str] = typer.Option(None, help="Write a self-contained HTML report here."),
    lang: Optional[str] = typer.Option(None, help="ko or en."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Plans side by side on the same futures (common random numbers)."""
    from gaemi.montecarlo import compare as run_compare

    lang = _check_lang(lang)
    _check_report(report)
    update, prog = _progress_callback()
    try:
        res = guarded(lambda: run_compare(plans, progress=update, **_mc_kwargs(
            model, paths, years, seed, scenario, scenario_day, chunk_size, workers, scheduler)))
    finally:
        prog.stop()
    _write_report(res, report, lang)
    if json_out:
        emit_json({"plans": [r.summary() for r in res]})
        return
    out.print(_summary_table(res))
    _print_history(res, lang)


@app.command()
def odds(
    plan: str = typer.Argument(..., help="A plan TOML file or a built-in plan name."),
    leverage: str = typer.Option("0:3:0.25", help="Exposures to try (market exposure per unit of own money: "
                                 "sum of weight x fund leverage, x (1 + margin loan ratio)): START:STOP:STEP "
                                 "(inclusive) or a list like 1,2,3. The plan's own exposure is always added."),
    ruin_limit: float = typer.Option(0.05, "--ruin-limit", help="Mark the exposure with the best P(home) among "
                                     "those with P(ruin) at most this (0.05 = 5 in 100)."),
    family: str = typer.Option("margin", help="How other exposures are built: margin (the real plan with a "
                               "smaller/larger margin loan, deposits below) or daily (daily-leveraged funds)."),
    model: str = typer.Option("bootstrap", help=MODEL_HELP),
    paths: int = typer.Option(2000, help="Futures per exposure (the same futures for every point)."),
    years: Optional[float] = typer.Option(None, help="Horizon in years (default: the plan's)."),
    seed: Optional[int] = typer.Option(None, help="Seed."),
    chunk_size: int = typer.Option(4096, help=CHUNK_HELP),
    report: Optional[str] = typer.Option(None, help="Write a self-contained HTML report here."),
    lang: Optional[str] = typer.Option(None, help="ko or en."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The odds curve: P(home by the horizon) beside P(ruin) as exposure grows, with the plan itself on it."""
    from gaemi.odds import odds_curve

    lang = _check_lang(lang)
    _check_report(report)
    curve = guarded(lambda: odds_curve(plan, leverage, model=model, paths=paths, years=years, seed=seed,
                                       ruin_limit=ruin_limit, family=family, chunk_size=chunk_size))
    if report:
        from gaemi.montecarlo import simulate_many

        # the curve's own seed (entropy): the report's plan figures are the curve's plan point
        base = guarded(lambda: simulate_many([plan], model=model, paths=paths, years=years, seed=curve.seed,
                                             chunk_size=chunk_size))
        _write_report(base, report, lang, odds=curve)
    if json_out:
        emit_json(curve.summary())
        return
    from gaemi.reports.html import odds_sentences
    from gaemi.reports.sentences import history_line, warning_messages
    from gaemi.reports.i18n import text as _t

    head = {"history": curve.history, "warnings": curve.warnings}
    span = history_line(head, lang)
    if span:
        out.print(span, highlight=False)
    for msg in warning_messages(head, lang):
        out.print(f"[bold yellow]{_t(lang, 'warning_prefix')}[/]{msg}", highlight=False)
    t = Table(title=f"Odds curve: {curve.plan} — {curve.model}, {curve.paths:,} paths, {curve.years:g} years "
                    f"(exposure = market exposure per unit of own money)")
    for c in ("exposure", "P(home)", "P(ruin)", "P(forced sale)", "wipe-out line ever / end", "median end",
              "log growth/yr", "built as"):
        t.add_column(c, justify="left" if c == "built as" else "right")
    short = {"plan": "the plan as it is", "smaller_loan": "smaller margin loan", "no_loan": "no margin loan",
             "deposit": "less risk, rest in deposit", "larger_loan": "larger margin loan", "daily": "daily-levered",
             "daily_fallback": "daily-levered (no broker lends)", "impossible": "not possible"}
    def pc(v) -> str:  # NaN: a point that could not be built (its "how" says why)
        return "—" if v is None or v != v else pct(v)

    for k, lev in enumerate(curve.leverages):
        marks = []
        if k == curve.plan_point:
            marks.append("your plan")
        if curve.best_within_ruin_limit is not None and lev == curve.best_within_ruin_limit:
            marks.append(f"best P(home) with P(ruin) <= {curve.ruin_limit:.0%}")
        label = f"{lev:.4g}" + (f" ◀ {', '.join(marks)}" if marks else "")
        end, growth = curve.median_end_wealth[k], curve.mean_log_growth[k]
        t.add_row(label, pc(curve.p_goal[k]), pc(curve.p_ruin[k]), pc(curve.p_forced_sale[k]),
                  f"{pc(curve.p_wipeout_ever[k])} / {pc(curve.p_wipeout_end[k])}",
                  "—" if end != end else money(end), "—" if growth != growth else f"{growth:+.1%}",
                  short.get((curve.kinds or [""] * len(curve.leverages))[k], "")
                  + ("" if curve.same_futures is None or curve.same_futures[k] else " *"))
    out.print(t)
    if curve.same_futures is not None and not all(curve.same_futures):
        out.print("* not on the plan's futures (it needs another series, or could not be built); "
                  "--json gives each point's \"how\".", highlight=False)
    for line in odds_sentences(curve, lang):
        out.print(line, highlight=False)


@app.command()
def scenarios(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The Monte Carlo models and the named crash scenarios."""
    from gaemi.montecarlo import MODELS
    from gaemi.scenarios import list_crashes

    crashes = [c.summary() for c in list_crashes()]
    if json_out:
        emit_json({"models": list(MODELS), "crashes": crashes})
        return
    out.print("Models: " + ", ".join(MODELS), highlight=False)
    t = Table(title="Named crash scenarios (gaemi simulate PLAN --scenario NAME)")
    t.add_column("name")
    t.add_column("days", justify="right")
    t.add_column("what happened")
    t.add_column("peak to trough")
    for c in crashes:
        figs = ", ".join(f"{k} {v:+.0%}" for k, v in c["figures"].items())
        t.add_row(c["name"], str(c["days"]), c["title"], figs)
    out.print(t)


# ----------------------------------------------------------------------------- home
@app.command()
def home(
    price: str = typer.Option(..., help="Home price, in the preset's currency (KRW for kr-2025-10): "
                                         "1106000000, 1,106,000,000 or 11억 600만."),
    income: str = typer.Option(..., help="Annual household income (e.g. 7000만)."),
    first_time: bool = typer.Option(False, "--first-time", help="생애최초: first-time buyer."),
    preset: str = typer.Option("kr-2025-10", help="Lending rules: a preset name or a TOML file."),
    rate: Optional[float] = typer.Option(None, help="Annual mortgage rate (default: the preset's)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The largest mortgage the rules allow today, the cash needed, and which rule binds."""
    from gaemi.config.lending import load_rules
    from gaemi.instruments.home_purchase import affordability

    from gaemi.units import parse_money

    price = guarded(lambda: parse_money(price, "price"))
    income = guarded(lambda: parse_money(income, "income"))
    a = guarded(lambda: affordability(price, income, load_rules(preset), first_time, rate))
    d = a.to_dict()
    if json_out:
        emit_json(d)
        return
    t = Table(title=f"Buying at {price:,.0f} with income {income:,.0f} ({a.preset})")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k in ("ltv_limit", "cap_limit", "dsr_limit", "max_loan", "acquisition_costs", "cash_needed"):
        v = d[k]
        t.add_row(k, "no cap" if v is None else f"{v:,.0f}")
    t.add_row("binding", a.binding)
    t.add_row("stress rate", f"{a.stress_rate:.2%}")
    out.print(t)


from gaemi.cli.data_cmd import data_app, list_cmd  # noqa: E402
app.add_typer(data_app, name="data")
app.command("assets", help="Every embedded and stored series with its kind, currency, calendar and "
                           "first and last date (the same as gaemi data list).")(list_cmd)
from gaemi.cli.heat_cmd import heat  # noqa: E402
app.command()(heat)
from gaemi.cli.need_cmd import need  # noqa: E402
app.command()(need)
from gaemi.cli.data_cmd import store_option  # noqa: E402
app.callback()(store_option)  # `gaemi --store PATH simulate ...`


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
