"""``gaemi need``: what would a safe plan need (saving, years or home price)?"""

from __future__ import annotations

from typing import Optional

import typer

from gaemi.cli.lang import current_lang
from rich.table import Table

SOLVE_HELP = ("saving: the smallest monthly saving; years: the fewest years; price: the highest home price "
              "(the goal amount for an amount goal).")


def _parse_bounds(text: str | None):
    if text is None:
        return None
    from gaemi.errors import ConfigError

    try:
        lo, hi = (float(x) for x in text.split(":"))
    except ValueError:
        raise ConfigError("bounds", text, "LOW:HIGH, e.g. 1:30") from None
    return lo, hi


def need(
    plan: str = typer.Argument(..., help="A plan TOML file or a built-in plan name."),
    target: float = typer.Option(0.5, help="P(home / goal by the horizon) to reach, in (0, 1)."),
    ruin_limit: float = typer.Option(0.05, help="Largest P(ruin) allowed, in [0, 1): ruin = a forced sale, the "
                                                "ruin floor touched or negative equity (p_ruin_any)."),
    solve: str = typer.Option("saving", help=SOLVE_HELP),
    model: str = typer.Option("bootstrap", help="bootstrap, garch, parametric or historical (not with "
                                                "--solve years)."),
    paths: int = typer.Option(2000, help="Futures per candidate (the same futures for every candidate)."),
    years: Optional[float] = typer.Option(None, help="Horizon for --solve saving|price (default: the plan's)."),
    seed: Optional[int] = typer.Option(None, help="Seed; the same seed gives the same answer."),
    bounds: Optional[str] = typer.Option(None, help="LOW:HIGH search range (default: saving 0 to max(20x the "
                                                    "plan's, cash needed/12); years 1/12 to 40; price 1/100x "
                                                    "to 20x)."),
    report: Optional[str] = typer.Option(None, help="Write a self-contained HTML report here: the plan's own run "
                                                    "(same model, paths, seed) with the answer beside it."),
    json_out: bool = typer.Option(False, "--json", help="Print NeedResult.summary() as JSON."),
) -> None:
    """What would it take? The saving, years or home price that reaches the goal safely."""
    from gaemi.cli import app as cli
    from gaemi.need import need as solve_need

    lang = current_lang()
    cli._check_report(report)
    show = cli.err.is_terminal and not json_out
    from gaemi.cli.words import money, pct, t

    unit = {"saving": t("per_month"), "years": t("years_unit"), "price": ""}.get(solve, "")

    def progress(e) -> None:
        if show:
            value = f"{e.value:,.3g}" if solve == "years" else money(e.value)
            cli.err.print(t("tried", value=value, unit=unit, p_goal=pct(e.p_goal), p_ruin=pct(e.p_ruin)),
                          highlight=False)

    res = cli.guarded(lambda: solve_need(plan, target=target, ruin_limit=ruin_limit, solve=solve, model=model,
                                         paths=paths, years=years, seed=seed, bounds=_parse_bounds(bounds),
                                         progress=progress))
    if report:
        from gaemi.montecarlo import simulate
        from gaemi.reports import render_report

        own = cli.guarded(lambda: simulate(plan, model=model, paths=paths,
                                           years=years if solve != "years" else None, seed=res.seed))
        path = cli.guarded(lambda: render_report([own], report, lang=lang, need=res))
        cli.err.print(t("report_written", path=path), highlight=False)
    if json_out:
        cli.emit_json(res.summary())
        return
    cli.out.print(need_table(res, lang))
    cli.out.print(res.sentence(lang), highlight=False)
    _print_history(res, lang)


def _print_history(res, lang: str) -> None:
    """The span of history the runs stand on and their warnings (from the runs' provenance)."""
    from gaemi.cli.app import out
    from gaemi.cli.words import t

    ko = lang == "ko"
    h = res.provenance.get("history")
    if h:
        out.print(t("need_history", start=h["start"], end=h["end"], years=h["years"]), highlight=False)
    for w in res.provenance.get("warnings", []):
        msg = w.get("message_ko") if ko and w.get("message_ko") else w.get("message", "")
        code = "" if ko else f" ({w.get('code')})"
        out.print(f"[bold yellow]{t('warning')}[/]{code}: {msg}", highlight=False)


def need_table(res, lang: str = "en") -> Table:
    """The plan's own value and odds beside the solved value and its odds."""
    pct = lambda p: "—" if p is None else f"{p:.1%}"  # noqa: E731
    ko = lang == "ko"
    what = {"saving": "월 저축액" if ko else "monthly saving", "years": "기간" if ko else "horizon",
            "price": ("집값" if ko else "home price") if res.goal_kind == "home"
            else ("목표 금액" if ko else "goal amount")}[res.solve]
    horizon = "" if res.horizon_years is None else f", {res.horizon_years:g} {'년' if ko else 'years'}"
    if ko:
        from gaemi.cli.words import KINDS

        title = (f"{res.plan} — 필요한 {what} (목표 확률 {res.target:.0%} 이상, 위험 {res.ruin_limit:.0%} 이하); "
                 f"{KINDS['ko'].get(res.model, res.model)}, 미래 {res.paths:,}개, 시드 {res.seed}{horizon}")
    else:
        title = (f"{res.plan} — need: {res.solve} (P(goal) >= {res.target:.0%}, P(ruin) <= "
                 f"{res.ruin_limit:.0%}); {res.model}, {res.paths:,} futures, seed {res.seed}{horizon}")
    t = Table(min_width=76, title=title)
    t.add_column("")
    t.add_column("지금 계획" if ko else "plan as it is", justify="right")
    t.add_column("필요한 값" if ko else "what it would need", justify="right")
    solved = res.format_value(res.value, lang) if res.feasible else ("없음 (범위 안에 없음)" if ko else "none within bounds")
    if res.feasible and res.at_bound:
        solved = ("≥ " if res.solve == "price" else "") + solved
    t.add_row(what, res.format_value(res.own_value, lang), solved)
    t.add_row("P(내 집 마련)" if ko and res.goal_kind == "home" else "P(home)" if res.goal_kind == "home"
              else "P(goal)", pct(res.own_p_goal), pct(res.p_goal))
    t.add_row("P(위험)" if ko else "P(ruin)", pct(res.own_p_ruin), pct(res.p_ruin))
    if not res.feasible and res.bound_value is not None:
        t.add_row(res.format_value(res.bound_value, lang) + ("일 때" if ko else " (why)"),
                  "", f"{pct(res.bound_p_goal)} / {pct(res.bound_p_ruin)}")
    t.caption = ("위험 = 반대매매, 손실 한계선 도달, 또는 마이너스 순자산" if ko
                 else "ruin = a forced sale, the ruin floor touched, or negative equity (p_ruin_any)")
    return t
