"""Three to five plain sentences about a result, for people who do not want a Sharpe ratio.

Every number comes from ``result.summary()`` (or, for a single path, its one row of
``result.events()``) and is only formatted here: probabilities as "N of 100" ("100번 중 N번"),
money with 만/억 in Korean, percentages with at most one decimal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gaemi.reports.i18n import (
    check_lang,
    fmt_date,
    fmt_lev,
    fmt_money,
    fmt_month,
    fmt_pct,
    fmt_years,
    per100,
    text,
)

if TYPE_CHECKING:
    from gaemi.results.simulation import SimulationResult

HISTORY_KINDS = ("rolling", "historical")


def unit_key(result: SimulationResult) -> str:
    """Which word counts the result's paths: historical start months, simulated futures or one path."""
    if result.n_paths == 1:
        return "unit_backtest"
    return "unit_history" if result.kind in HISTORY_KINDS else "unit_mc"


def _sentence(lang: str, clauses: list[str]) -> str:
    return text(lang, "s_join").join(clauses) + text(lang, "s_end_mark")


def report_sentences(result: SimulationResult, lang: str = "en") -> list[str]:
    """The 3-5 plain sentences shown above a report's charts, in ``lang`` ("ko" or "en")."""
    lang = check_lang(lang)
    if result.n_paths == 1:
        return _single_path(result, lang)
    return _many_paths(result, lang)


def render_terminal_sentences(result: SimulationResult, lang: str = "en") -> list[str]:
    """The same sentences as :func:`report_sentences`, as plain text lines for the terminal."""
    return report_sentences(result, lang)


def _many_paths(result: SimulationResult, lang: str) -> list[str]:
    s = result.summary()
    plan = result.plan
    cur = plan.currency
    unit = text(lang, unit_key(result))
    years = fmt_years(result.years)
    out: list[str] = []

    if s["p_goal"] is not None and plan.goal is not None:
        none = "_none" if s["p_goal"] == 0 else ""
        n = per100(s["p_goal"], lang)
        if plan.goal.kind == "home":
            first = text(lang, "s_goal_home" + none, n=n, unit=unit, years=years,
                         price=fmt_money(plan.goal.price, cur, lang))
        else:
            first = text(lang, "s_goal_amount" + none, n=n, unit=unit, years=years,
                         amount=fmt_money(plan.goal.amount, cur, lang))
        p50 = (s.get("time_to_goal_years") or {}).get("p50")
        if p50 is not None:
            first += text(lang, "s_goal_median", p50=f"{p50:.1f}")
        out.append(first + text(lang, "s_end_mark"))

    clauses = []
    if plan.margin is not None or s["p_forced_sale"] > 0:
        if s["p_forced_sale"] == 0:
            clauses.append(text(lang, "s_forced_none", unit=unit))
        else:
            clauses.append(text(lang, "s_forced", forced=per100(s["p_forced_sale"], lang), unit=unit))
        floor_zero = False
    else:
        floor_zero = s["p_ruin_floor"] == 0
        if floor_zero:
            clauses.append(text(lang, "s_floor_none", unit=unit, floor=fmt_pct(s["ruin_floor"])))
        else:
            clauses.append(text(lang, "s_floor", ruin=per100(s["p_ruin_floor"], lang), unit=unit,
                                floor=fmt_pct(s["ruin_floor"])))
    if s["p_wipeout"] > 0:
        clauses.append(text(lang, "s_wipeout", wipe=per100(s["p_wipeout"], lang),
                            wfloor=fmt_pct(plan.wipeout_floor)))
    elif not floor_zero:
        clauses.append(text(lang, "s_wipeout_none"))
    if s["p_negative_equity"] > 0:
        clauses.append(text(lang, "s_negative", neg=per100(s["p_negative_equity"], lang)))
    out.append(_sentence(lang, clauses))

    q = s["end_wealth_quantiles"]
    out.append(_sentence(lang, [text(lang, "s_end", years=years, median=fmt_money(q["p50"], cur, lang),
                                     invested=fmt_money(s["median_invested"], cur, lang),
                                     p5=fmt_money(q["p5"], cur, lang))]))
    dd = s["max_drawdown_quantiles"]
    out.append(_sentence(lang, [text(lang, "s_drawdown", mdd50=fmt_pct(dd["p50"]), mdd75=fmt_pct(dd["p75"]))]))

    lf = s.get("leveraged_fund")
    if lf:
        out.append(_sentence(lang, [text(lang, "s_fund", lev=fmt_lev(lf["leverage"]),
                                         fund=fmt_pct(lf["median_fund_return"], signed=True),
                                         lx=fmt_pct(lf["median_l_times_underlying_return"], signed=True))]))
    return out


def _single_path(result: SimulationResult, lang: str) -> list[str]:
    s = result.summary()
    ev = result.events().iloc[0]
    plan = result.plan
    cur = plan.currency
    dates = result.day_dates
    years = fmt_years(result.years)

    def on(day: int) -> str:
        if dates is not None and 0 <= day < len(dates):
            return fmt_date(dates[day].date(), lang)
        return text(lang, "day_n", n=int(day) + 1)

    start = fmt_date(dates[0].date(), lang) if dates is not None and len(dates) else text(lang, "b_start_unknown")
    out: list[str] = []

    if plan.goal is not None:
        amount = plan.goal.kind != "home"
        goal_day = int(ev["goal_day"])
        if goal_day >= 0:
            when = fmt_month(dates[goal_day].date(), lang) if dates is not None and goal_day < len(dates) \
                else on(goal_day)
            took = (s.get("time_to_goal_years") or {}).get("p50")
            out.append(_sentence(lang, [text(lang, "b_goal_yes_amount" if amount else "b_goal_yes",
                                             start=start, when=when, years=fmt_years(took))]))
        else:
            out.append(_sentence(lang, [text(lang, "b_goal_no_amount" if amount else "b_goal_no",
                                             start=start, years=years)]))

    clauses = []
    n_forced = int(ev["n_forced"])
    if plan.margin is not None or n_forced > 0:
        if n_forced == 0:
            clauses.append(text(lang, "b_forced_no"))
        elif n_forced == 1:
            clauses.append(text(lang, "b_forced_once", date=on(int(ev["first_forced_day"]))))
        else:
            clauses.append(text(lang, "b_forced_yes", n=n_forced, date=on(int(ev["first_forced_day"]))))
    else:
        floor = fmt_pct(s["ruin_floor"])
        ruin_day = int(ev["ruin_day"])
        clauses.append(text(lang, "b_floor_yes", floor=floor, date=on(ruin_day)) if ruin_day >= 0
                       else text(lang, "b_floor_no", floor=floor))
    if int(ev["wipeout_day"]) >= 0:
        clauses.append(text(lang, "b_wipeout", date=on(int(ev["wipeout_day"]))))
    out.append(_sentence(lang, clauses))

    out.append(_sentence(lang, [text(lang, "b_end", years=years, end=fmt_money(float(ev["end_wealth"]), cur, lang),
                                     invested=fmt_money(float(ev["invested"]), cur, lang))]))
    out.append(_sentence(lang, [text(lang, "b_drawdown", mdd=fmt_pct(float(ev["max_drawdown"])))]))
    lf = s.get("leveraged_fund")
    if lf:
        out.append(_sentence(lang, [text(lang, "b_fund", lev=fmt_lev(lf["leverage"]),
                                         fund=fmt_pct(lf["median_fund_return"], signed=True),
                                         lx=fmt_pct(lf["median_l_times_underlying_return"], signed=True))]))
    return out
