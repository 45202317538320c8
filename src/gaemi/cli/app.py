"""The `gaemi` command: parse -> call the library -> render. User errors exit with code 2."""

from __future__ import annotations

import json
import sys
from typing import Any, Callable, Optional

import typer
from rich.console import Console
from rich.table import Table

from gaemi.errors import GaemiError

app = typer.Typer(
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


def fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(2)


def guarded(fn: Callable[[], Any]) -> Any:
    """Run ``fn``; a GaemiError becomes one clear line on stderr and exit code 2."""
    try:
        return fn()
    except GaemiError as e:
        fail(str(e))


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
            "median_end_wealth": s["median_end_wealth"],
            "p5_end_wealth": s["p5_end_wealth"],
            "median_invested": s["median_invested"],
        })
    if json_out:
        emit_json({"plans": rows})
        return
    t = Table(title="gaemi demo: every monthly start in the embedded history (KRW, 억 = 100M)")
    for col in ("plan", "windows", "P(goal)", "P(forced)", "P(wiped)", "median", "p5", "put in"):
        t.add_column(col, justify="left" if col == "plan" else "right", no_wrap=True)
    for r in rows:
        t.add_row(r["name"], f"{r['windows']} x {r['horizon_years']:g}y",
                  pct(r["p_goal"]), pct(r["p_forced_sale"]), pct(r["p_wipeout"]),
                  money(r["median_end_wealth"]), money(r["p5_end_wealth"]), money(r["median_invested"]))
    out.print(t)
    for r in rows:
        out.print(f"  {r['name']}: {r['title']}; starts {r['first_start']} .. {r['last_start']}", highlight=False)
    out.print("Goal: net wealth reaches the plan's target (cash for a home). Forced: at least one forced "
              "sale (반대매매). Wiped: net wealth at or below 10% of all money put in (깡통). Windows overlap: "
              "shares say how often history did this, not future odds. Crypto plans use 3-year windows (short "
              "history) on coins that survived: survivorship flatters them.", highlight=False)


# ----------------------------------------------------------------------------- plans
@plans_app.callback()
def plans_list(ctx: typer.Context) -> None:
    """List the built-in plans."""
    if ctx.invoked_subcommand is not None:
        return
    from gaemi.config import builtin_plan_names, load_plan

    t = Table(title="Built-in plans (gaemi plans show NAME)")
    t.add_column("name")
    t.add_column("title")
    for name in builtin_plan_names():
        t.add_row(name, load_plan(name).title)
    out.print(t)


@plans_app.command("show")
def plans_show(name: str = typer.Argument(..., help="A built-in plan name.")) -> None:
    """Print a built-in plan's TOML (copy it, edit it, pass the file to backtest/simulate)."""
    from gaemi.config import builtin_plan_text

    sys.stdout.write(guarded(lambda: builtin_plan_text(name)))


# ----------------------------------------------------------------------------- backtest
@app.command()
def backtest(
    plan: str = typer.Argument(..., help="A plan TOML file or a built-in plan name."),
    start: Optional[str] = typer.Option(None, help="Invest at the close of the first session on/after this date."),
    end: Optional[str] = typer.Option(None, help="Last session (default: start + the plan's horizon)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """One path through real history from a start date."""
    from gaemi.api import backtest as run_backtest

    res = guarded(lambda: run_backtest(plan, start=start, end=end))
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
    if json_out:
        emit_json(payload)
        return
    t = Table(title=f"{res.plan.name}: {payload['start']} .. {payload['end']}")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k, v in payload.items():
        if isinstance(v, float):
            v = f"{v:.1%}" if k == "max_drawdown" else f"{v:,.0f}"
        t.add_row(k, "—" if v is None else str(v))
    out.print(t)


# ----------------------------------------------------------------------------- fund
@app.command()
def fund(
    underlying: str = typer.Option(..., help="Embedded underlying, e.g. sp500tr, ndx, kospi200."),
    leverage: float = typer.Option(..., help="Daily leverage, e.g. 3, 2, -1, -2."),
    expense_ratio: float = typer.Option(0.0095, help="Annual fee, a fraction."),
    financing_spread: float = typer.Option(0.004, help="Annual spread over the rate on the borrowed part."),
    rate: Optional[str] = typer.Option(None, help="Rate series (default us_effr for U.S., kr_cd91 for Korean)."),
    start: Optional[str] = typer.Option(None, help="Buy at the close of the first session on/after this date."),
    end: Optional[str] = typer.Option(None, help="Last session on/before this date."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Synthesise a daily-reset leveraged/inverse fund and show its volatility drag."""
    from gaemi.fund import fund_report

    rep = guarded(lambda: fund_report(underlying, leverage, expense_ratio, financing_spread, rate, start, end))
    if json_out:
        emit_json(rep)
        return
    t = Table(title=f"{leverage:g}x daily fund on {underlying}, {rep['start']} .. {rep['end']}")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k in ("total_return", "cagr", "underlying_total_return", "underlying_cagr", "drag", "drag_cagr",
              "drag_log_annual", "drag_theory_annual", "annual_volatility"):
        t.add_row(k, "—" if rep[k] is None else f"{rep[k]:.2%}")
    t.add_row("financing rate", rep["rate"])
    out.print(t)


# ----------------------------------------------------------------------------- home
@app.command()
def home(
    price: float = typer.Option(..., help="Home price, in the preset's currency (KRW for kr-2025-10)."),
    income: float = typer.Option(..., help="Annual household income."),
    first_time: bool = typer.Option(False, "--first-time", help="생애최초: first-time buyer."),
    preset: str = typer.Option("kr-2025-10", help="Lending rules: a preset name or a TOML file."),
    rate: Optional[float] = typer.Option(None, help="Annual mortgage rate (default: the preset's)."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The largest mortgage the rules allow today, the cash needed, and which rule binds."""
    from gaemi.config.lending import load_rules
    from gaemi.instruments.home_purchase import affordability

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


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":
    main()
