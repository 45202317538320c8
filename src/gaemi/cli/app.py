"""The `gaemi` command: parse -> call the library -> render. User errors exit with code 2."""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, Optional

import typer
import typer.core
from rich.console import Console
from rich.table import Table

from gaemi.cli.lang import current_lang
from gaemi.errors import GaemiError

_ENGINE_COMMANDS = {"demo", "backtest", "simulate", "compare", "odds", "need", "colony", "warmup"}


def _first_run_notice(args) -> None:
    """On a terminal, an engine command that has to compile shows a spinner with the seconds elapsed
    instead of sitting silent (docs/first-run.md); pipes and --json stay clean."""
    if not sys.stderr.isatty() or not any(a in _ENGINE_COMMANDS for a in list(args)[:3]):
        return
    from gaemi.cli.warmup_cmd import show_compile_progress

    show_compile_progress()


def _choose_lang(raw: list[str]) -> bool:
    """Fix this invocation's language from ``--lang`` / GAEMI_LANG / the locale before click parses
    anything (so help and usage errors speak it); a bad value is one line on stderr (False)."""
    from gaemi.cli import lang as L

    L.reset()
    try:
        chosen = L.scan_args(raw)
        if chosen is not None:
            L.set_lang(chosen)
        else:
            L.default_lang()
    except GaemiError as e:
        if "--json" in raw:
            sys.stdout.write(json.dumps(error_payload(str(e), e), ensure_ascii=False) + "\n")
        sys.stderr.write(f"error: {e}\n")
        return False
    return True


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors (a bad integer, an unknown option, a missing argument) as one plain line on
    stderr with exit code 2, like gaemi's own errors; ``gaemi`` alone still prints the help."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:  # typer >= 0.22 vendors click
            from typer._click import exceptions as click_exc
        except ImportError:  # pragma: no cover
            from click import exceptions as click_exc

        raw = list(args if args is not None else sys.argv[1:])
        if not _choose_lang(raw):
            sys.exit(2)
        from gaemi.cli.help_ko import localise_help
        from gaemi.cli.lang import add_lang_option, current_lang

        add_lang_option(self)
        localise_help(self, current_lang())
        _first_run_notice(raw)
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
            if current_lang() == "ko":
                from gaemi.cli.words import usage_error_ko

                msg = usage_error_ko(e, msg)
                hint = f" ('{ctx.command_path} --help' 참고)" if ctx is not None else ""
            if "--json" in (args if args is not None else sys.argv[1:]):
                param = getattr(e, "param", None)
                sys.stdout.write(json.dumps({"error": {
                    "field": getattr(param, "name", None), "value": None, "allowed": None,
                    "message": msg}}, ensure_ascii=False) + "\n")
            sys.stderr.write(f"{'오류' if current_lang() == 'ko' else 'error'}: {msg}{hint}\n")
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

    from gaemi.cli.words import error_line, t

    line = " ".join(str(message).split())
    if _json_wanted():  # the message in the language of the run; field/value/allowed stay data
        emit_json(error_payload(error_line(line, error), error))
    err.print(Text(t("error"), style="bold red") + Text(error_line(line, error)), soft_wrap=True,
              highlight=False)
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


from gaemi.cli.words import money, pct, t  # noqa: E402  (one money form per language)


# ----------------------------------------------------------------------------- demo
@app.command()
def demo(
    json_out: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Run every built-in plan over every rolling window of its horizon in the embedded history."""
    from gaemi.api import rolling
    from gaemi.warmup import start_background

    start_background()  # cold cache: compile the Monte Carlo models beside the demo (docs/first-run.md)
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
    from gaemi.cli.words import plan_title, warning_name

    t_ = Table(title=t("demo_title"))
    for key in ("plan", "windows", "p_goal", "p_forced", "wiped_ever", "wiped_end", "median", "p5", "put_in"):
        t_.add_column(t(key), justify="left" if key == "plan" else "right", no_wrap=True)
    for r in rows:
        t_.add_row(r["name"], t("windows_cell", n=r["windows"], years=f"{r['horizon_years']:g}"),
                   pct(r["p_goal"]), pct(r["p_forced_sale"]), pct(r["p_wipeout_ever"]), pct(r["p_wipeout_end"]),
                   money(r["median_end_wealth"]), money(r["p5_end_wealth"]), money(r["median_invested"]))
    out.print(t_)
    for r in rows:
        h = r["history"]
        codes = sorted({warning_name(w["code"]) for w in r["warnings"]})
        out.print(t("demo_line", name=r["name"], title=plan_title(r["name"], r["title"]), first=r["first_start"],
                    last=r["last_start"], start=h["start"], end=h["end"], years=h["years"])
                  + (f"[bold yellow]{t('demo_warnings', codes=', '.join(codes))}[/]" if codes else ""),
                  highlight=False)
    out.print(t("demo_note"), highlight=False)


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
    from gaemi.cli.words import plan_title

    table = Table(title=t("plans_title"))
    table.add_column(t("name"))
    table.add_column(t("title"))
    for name in builtin_plan_names():
        table.add_row(name, plan_title(name, load_plan(name).title))
    out.print(table)


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
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One path through real history from a start date (or every monthly start with --rolling)."""
    from gaemi.api import backtest as run_backtest
    from gaemi.api import rolling

    lang = current_lang()
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
    cur = res.plan.currency
    table = Table(title=t("bt_title", plan=res.plan.name, start=payload["start"], end=payload["end"]))
    table.add_column(t("figure"))
    table.add_column(t("value_in", currency=cur), justify="right")
    shown = [("bt_end_wealth", money(payload["end_wealth"], cur)), ("bt_invested", money(payload["invested"], cur)),
             ("bt_goal_date", payload["goal_date"] or t("never")),
             ("bt_graduated", t("yes") if payload["graduated"] else t("no")),
             ("bt_first_forced", payload["first_forced_sale_date"] or t("never")),
             ("bt_forced_sales", f"{payload['forced_sales']:,}"),
             ("bt_forced_sold", money(payload["forced_sold"], cur)),
             ("bt_wipeout", payload["wipeout_date"] or t("never")),
             ("bt_interest", money(payload["interest_paid"], cur)), ("bt_debt", money(payload["debt_left"], cur)),
             ("bt_mdd", pct(payload["max_drawdown"]))]
    for key, value in shown:
        table.add_row(t(key), value)
    out.print(table)
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
    view = t("fund_in", cur=cur) if cur == own else t("fund_held", cur=cur, own=own)
    table = Table(title=t("fund_title", lev=f"{leverage:g}", structure=rep["structure"], underlying=underlying,
                          view=view, start=rep["start"], end=rep["end"]))
    table.add_column(t("figure"))
    table.add_column(t("value_in", currency=cur), justify="right")
    keys = ["total_return", "cagr", "annual_volatility", "underlying_total_return", "underlying_cagr",
            "underlying_annual_volatility"]
    if rep["fx_total_return"] is not None:
        keys.append("fx_total_return")
    keys += ["drag", "drag_cagr", "drag_log_annual"]
    if cur != own:
        keys.append("drag_log_annual_own_currency")
    keys.append("drag_theory_annual")
    for k in keys:
        table.add_row(t("f_" + k, own=own), pct(rep[k], 2))
    table.add_row(t("f_structure"), rep["structure"])
    table.add_row(t("f_rate"), rep["rate"])
    out.print(table)
    out.print(t("fund_note", cur=cur, n=PERIODS_PER_YEAR, own=own), highlight=False)


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
CHUNK_HELP = "Paths per chunk: memory and speed only, never the numbers (docs/performance.md)."


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
    err.print(t("report_written", path=path), highlight=False)


def _summary_table(results) -> Table:
    from gaemi.cli.words import kind

    first = results[0]
    cur = first.plan.currency
    names = ", ".join(r.plan.name for r in results)
    title = (t("summary_title", plans=names, kind=kind(first.kind), paths=f"{first.n_paths:,}", years=first.years)
             if first.n_paths > 1 else t("summary_title_one", plans=names, kind=kind(first.kind), years=first.years))
    table = Table(title=title, min_width=64)
    table.add_column(t("figure"))
    for r in results:
        table.add_column(r.plan.name, justify="right")
    sums = [r.summary() for r in results]
    cash = lambda x: money(x, cur)  # noqa: E731
    rows = [("r_goal", "p_goal", pct), ("r_graduated", "p_graduated", pct), ("r_forced", "p_forced_sale", pct),
            ("r_wipe_ever", "p_wipeout_ever", pct), ("r_wipe_end", "p_wipeout_end", pct),
            ("r_ruin_ever", "p_ruin_floor_ever", pct), ("r_ruin_end", "p_ruin_floor_end", pct),
            ("r_negative", "p_negative_equity", pct),
            ("r_median", "median_end_wealth", cash), ("r_p5", "p5_end_wealth", cash),
            ("r_cvar", "cvar5_end_wealth", cash), ("r_interest", "median_interest_paid", cash)]
    for label, key, fmt in rows:
        table.add_row(t(label), *[fmt(s[key]) if s[key] is not None else "—" for s in sums])
    table.add_row(t("r_years_goal"), *[
        "—" if not s["time_to_goal_years"] or s["time_to_goal_years"]["p50"] is None
        else f"{s['time_to_goal_years']['p50']:.1f}" for s in sums])
    table.add_row(t("r_mdd"), *[pct(s["max_drawdown_quantiles"]["p50"]) for s in sums])
    if any(s.get("collapse") and s["collapse"].get("p_collapse") is not None for s in sums):
        table.add_row(t("r_collapse"), *[pct(s["collapse"]["p_collapse"]) if s.get("collapse") and
                                         s["collapse"].get("p_collapse") is not None else "—" for s in sums])
    table.add_row(t("r_history"), *[_span_text(s.get("history")) for s in sums])
    return table


def _span_text(h: dict | None) -> str:
    return "—" if not h else t("span", start=h["start"], end=h["end"], years=h["years"])


def _print_history(results, lang: str = "en") -> None:
    """The span each answer stands on and every warning, after the table (stdout)."""
    seen: set[str] = set()
    for r in results:
        s = r.summary()
        h = s.get("history")
        if h:
            lim = (t("limited_by", name=h["limited_by"]) if h.get("limited_by") not in (None, "start") else "")
            out.print(t("history_line", name=r.plan.name, start=h["start"], end=h["end"], years=h["years"],
                        sessions=f"{h['sessions']:,}", limited=lim), highlight=False)
        for w in s.get("warnings", []):
            msg = w.get("message_ko") if lang == "ko" and w.get("message_ko") else w["message"]
            if msg in seen:
                continue
            seen.add(msg)
            code = "" if lang == "ko" else f" ({w['code']})"
            out.print(f"[bold yellow]{t('warning')}[/]{code}: {msg}", highlight=False)


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
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A plan over many simulated futures: odds of the home, of ruin, and when."""
    from gaemi.montecarlo import simulate_many

    lang = current_lang()
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
    _print_inputs(res)
    out.print(_summary_table(res))  # the span and the warnings come first in the sentences below
    if fitted:
        table = Table(title=t("garch_title"))
        cols = ("mu", "omega", "alpha", "gamma", "beta", "nu")
        greek = {"mu": "μ", "omega": "ω", "alpha": "α", "gamma": "γ", "beta": "β", "nu": "ν"}
        table.add_column(t("asset"))
        for c in cols:
            table.add_column(greek[c], justify="right")
        for asset, p in fitted.items():
            table.add_row(asset, *[f"{p[c]:.4f}" for c in cols])
        out.print(table)
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
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Plans side by side on the same futures (common random numbers)."""
    from gaemi.errors import ConfigError
    from gaemi.montecarlo import compare as run_compare

    lang = current_lang()
    if len(plans) < 2:
        error = ConfigError("plans", " ".join(plans), "two or more plans to compare (gaemi simulate runs one)")
        fail(str(error), error)
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
    _print_inputs(res)
    out.print(_summary_table(res))
    _print_history(res, lang)


def _print_inputs(results) -> None:
    """Each plan's money inputs echoed back in the user's words (amounts typed as 1억 4천만 included)."""
    from gaemi.cli.words import plan_inputs

    for r in results:
        out.print(plan_inputs(r.plan, r.years), highlight=False)


@app.command()
def odds(
    plan: str = typer.Argument(..., help="A plan TOML file or a built-in plan name."),
    leverage: str = typer.Option("0:3:0.25", help="Exposures to try, START:STOP:STEP or 1,2,3 (exposure = market "
                                 "exposure per unit of own money; the plan's own is always added)."),
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
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The odds curve: P(home by the horizon) beside P(ruin) as exposure grows, with the plan itself on it."""
    from gaemi.odds import odds_curve

    lang = current_lang()
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
    from gaemi.cli.words import kind as kind_name

    table = Table(title=t("odds_title", plan=curve.plan, model=kind_name(curve.model), paths=f"{curve.paths:,}",
                          years=f"{curve.years:g}"))
    for key in ("o_exposure", "o_home", "o_ruin", "o_forced", "o_wipe", "o_median", "o_growth", "o_how"):
        table.add_column(t(key), justify="left" if key == "o_how" else "right")

    def pc(v) -> str:  # NaN: a point that could not be built (its "how" says why)
        return "—" if v is None or v != v else pct(v)

    cur = getattr(curve, "currency", None) or "KRW"
    for k, lev in enumerate(curve.leverages):
        marks = []
        if k == curve.plan_point:
            marks.append(t("your_plan"))
        if curve.best_within_ruin_limit is not None and lev == curve.best_within_ruin_limit:
            marks.append(t("best_within", limit=f"{curve.ruin_limit:.0%}"))
        label = f"{lev:.4g}" + (f" ◀ {', '.join(marks)}" if marks else "")
        end, growth = curve.median_end_wealth[k], curve.mean_log_growth[k]
        how = (curve.kinds or [""] * len(curve.leverages))[k]
        table.add_row(label, pc(curve.p_goal[k]), pc(curve.p_ruin[k]), pc(curve.p_forced_sale[k]),
                      f"{pc(curve.p_wipeout_ever[k])} / {pc(curve.p_wipeout_end[k])}",
                      "—" if end != end else money(end, cur), "—" if growth != growth else f"{growth:+.1%}",
                      (t("k_" + how) if how else "")
                      + ("" if curve.same_futures is None or curve.same_futures[k] else " *"))
    out.print(table)
    if curve.same_futures is not None and not all(curve.same_futures):
        out.print(t("odds_star"), highlight=False)
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
    from gaemi.cli.words import crash_title, kind

    out.print(t("models_line", models=", ".join(f"{m} ({kind(m)})" if kind(m) != m else m for m in MODELS)),
              highlight=False)
    table = Table(title=t("scen_title"))
    table.add_column(t("s_name"))
    table.add_column(t("s_days"), justify="right")
    table.add_column(t("s_what"))
    table.add_column(t("s_fall"))
    for c in crashes:
        figs = ", ".join(f"{k} {v:+.0%}" for k, v in c["figures"].items())
        table.add_row(c["name"], str(c["days"]), crash_title(c["name"], c["title"]), figs)
    out.print(table)


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
    from gaemi.cli.words import money_prose, word

    cur = d.get("currency") or "KRW"
    table = Table(title=t("home_title", price=money_prose(price, cur), income=money_prose(income, cur),
                          preset=a.preset))
    table.add_column(t("figure"))
    table.add_column(t("value_in", currency=cur), justify="right")
    for k in ("ltv_limit", "cap_limit", "dsr_limit", "max_loan", "acquisition_costs", "cash_needed"):
        v = d[k]
        table.add_row(t("h_" + k), t("no_cap") if v is None else money_prose(v, cur))
    table.add_row(t("h_binding"), word("bind_" + str(a.binding), str(a.binding)))
    table.add_row(t("h_stress_rate"), pct(a.stress_rate, 2))
    out.print(table)


from gaemi.cli.data_cmd import data_app, list_cmd  # noqa: E402
app.add_typer(data_app, name="data")
app.command("assets", help="Every embedded and stored series with its kind, currency, calendar and "
                           "first and last date (the same as gaemi data list).")(list_cmd)
from gaemi.cli.heat_cmd import heat  # noqa: E402
app.command()(heat)
from gaemi.cli.need_cmd import need  # noqa: E402
app.command()(need)
from gaemi.cli.serve_cmd import serve  # noqa: E402
app.command()(serve)
from gaemi.cli.warmup_cmd import warmup  # noqa: E402
app.command()(warmup)
from gaemi.cli.colony_cmd import colony  # noqa: E402
app.command()(colony)
from gaemi.cli.data_cmd import store_option  # noqa: E402
app.callback()(store_option)  # `gaemi --store PATH simulate ...`


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
