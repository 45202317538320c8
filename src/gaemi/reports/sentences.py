"""Three to five plain sentences about a result, for people who do not want a Sharpe ratio.

Every number comes from ``result.summary()`` (or, for a single path, its one row of
``result.events()``) and is only formatted here: probabilities as "N of 100" ("100번 중 N번"),
money with 만/억 in Korean, percentages with at most one decimal. A zero is said as "none"
("한 번도 없었습니다"), never "0 of 100". A floor touched at some point (``*_ever``) and a horizon
ended at or below it (``*_end``) are said apart ("at some point" / "한때" vs "ended" / "끝내").

:func:`render_terminal_sentences` first states the span of history behind the result and every
warning the result carries (``summary()["history"]`` and ``["warnings"]``), then the sentences.
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
    n100,
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


def history_line(summary: dict, lang: str) -> str | None:
    """"History behind these numbers: 2017-11-09 ~ 2025-09-30, 7.9 years, 1,985 sessions, limited by
    doge" from ``summary["history"]``; None when the summary has none."""
    h = summary.get("history") if summary else None
    if not h or not h.get("start") or not h.get("end"):
        return None
    lim = h.get("limited_by")
    if isinstance(lim, (list, tuple)):
        lim = ", ".join(str(x) for x in lim)
    limited = text(lang, "history_limited", name=lim) if lim and lim not in ("start", "end") else ""
    years = h.get("years")
    sessions = h.get("sessions")
    return text(lang, "history_line", start=h["start"], end=h["end"],
                years=fmt_years(float(years)) if years is not None else "—",
                sessions=f"{int(sessions):,}" if sessions is not None else "—", limited=limited)


def warning_messages(summary: dict, lang: str) -> list[str]:
    """Each warning's message in ``lang`` (``message_ko`` in Korean, falling back to ``message``)."""
    out = []
    for w in (summary.get("warnings") or []) if summary else []:
        msg = (w.get("message_ko") if lang == "ko" else None) or w.get("message") or w.get("code")
        if msg:
            out.append(str(msg))
    return out


def render_terminal_sentences(result: SimulationResult, lang: str = "en") -> list[str]:
    """Plain text lines for the terminal: the span of history behind the result, each warning
    (prefixed "Warning: " / "주의: "), then the sentences of :func:`report_sentences`."""
    lang = check_lang(lang)
    s = result.summary()
    head = [x for x in [history_line(s, lang)] if x]
    head += [text(lang, "warning_prefix") + m for m in warning_messages(s, lang)]
    return head + report_sentences(result, lang)


def _count(lang: str, key: str, p: float | None, **kw) -> str:
    """The clause ``key`` with its count ``n`` (:func:`n100`), or ``key + "_none"`` when p is 0."""
    if not p:
        return text(lang, key + "_none", **kw)
    return text(lang, key, n=n100(p, lang), **kw)


def _ever_end(lang: str, what: str, ever: float, end: float, **kw) -> list[str]:
    """Clauses for a floor touched at some point and the horizon ended at or below it."""
    if not ever and not end:
        return [text(lang, f"s_{what}_ever_none", **kw)]
    return [_count(lang, f"s_{what}_ever", ever, **kw), _count(lang, f"s_{what}_end", end)]


def _fund_key(lf: dict, prefix: str) -> str:
    """"s_fund" (the fund fell short of L x the index: volatility drag) or "s_fund_beat"."""
    beat = lf["median_fund_return"] > lf["median_l_times_underlying_return"]
    return f"{prefix}_fund_beat" if beat else f"{prefix}_fund"


def _many_paths(result: SimulationResult, lang: str) -> list[str]:
    s = result.summary()
    plan = result.plan
    cur = plan.currency
    unit = text(lang, unit_key(result))
    years = fmt_years(result.years)
    out: list[str] = []

    if s["p_goal"] is not None and plan.goal is not None:
        if plan.goal.kind == "home":
            first = _count(lang, "s_goal_home", s["p_goal"], unit=unit, years=years,
                           price=fmt_money(plan.goal.price, cur, lang))
        else:
            first = _count(lang, "s_goal_amount", s["p_goal"], unit=unit, years=years,
                           amount=fmt_money(plan.goal.amount, cur, lang))
        p50 = (s.get("time_to_goal_years") or {}).get("p50")
        if p50 is not None:
            first += text(lang, "s_goal_median", p50=f"{p50:.1f}")
        out.append(first + text(lang, "s_end_mark"))

    clauses = []
    floor_ever, floor_end = s["p_ruin_floor_ever"], s["p_ruin_floor_end"]
    wipe_ever, wipe_end = s["p_wipeout_ever"], s["p_wipeout_end"]
    if plan.margin is not None or s["p_forced_sale"] > 0:
        if s["p_forced_sale"] == 0:
            clauses.append(text(lang, "s_forced_none", unit=unit))
        else:
            clauses.append(text(lang, "s_forced", forced=n100(s["p_forced_sale"], lang), unit=unit))
        floor_said_none = False
    else:
        clauses += _ever_end(lang, "floor", floor_ever, floor_end, unit=unit, floor=fmt_pct(s["ruin_floor"]))
        floor_said_none = not floor_ever and not floor_end
    wfloor = fmt_pct(s.get("wipeout_floor", plan.wipeout_floor))
    if wipe_ever or wipe_end:
        clauses += _ever_end(lang, "wipe", wipe_ever, wipe_end, wfloor=wfloor)
    elif not (floor_said_none and s["ruin_floor"] >= s.get("wipeout_floor", plan.wipeout_floor)):
        clauses.append(text(lang, "s_wipe_ever_none", wfloor=wfloor))
    if s["p_negative_equity"] > 0:
        clauses.append(text(lang, "s_negative", neg=n100(s["p_negative_equity"], lang)))
    out.append(_sentence(lang, clauses))

    q = s["end_wealth_quantiles"]
    out.append(_sentence(lang, [text(lang, "s_end", years=years, median=fmt_money(q["p50"], cur, lang),
                                     invested=fmt_money(s["median_invested"], cur, lang),
                                     p5=fmt_money(q["p5"], cur, lang))]))
    dd = s["max_drawdown_quantiles"]
    out.append(_sentence(lang, [text(lang, "s_drawdown", mdd50=fmt_pct(dd["p50"]), mdd75=fmt_pct(dd["p75"]))]))

    lf = s.get("leveraged_fund")
    if lf:
        out.append(_sentence(lang, [text(lang, _fund_key(lf, "s"), lev=fmt_lev(lf["leverage"]),
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
        if ruin_day >= 0:
            clauses.append(text(lang, "b_floor_yes", floor=floor, date=on(ruin_day)))
            clauses.append(text(lang, "b_floor_end" if s["p_ruin_floor_end"] > 0 else "b_floor_recovered"))
        else:
            clauses.append(text(lang, "b_floor_no", floor=floor))
    if int(ev["wipeout_day"]) >= 0:
        clauses.append(text(lang, "b_wipeout", date=on(int(ev["wipeout_day"])),
                            wfloor=fmt_pct(s.get("wipeout_floor", plan.wipeout_floor))))
        clauses.append(text(lang, "b_wipe_end" if s["p_wipeout_end"] > 0 else "b_wipe_recovered"))
    out.append(_sentence(lang, clauses))

    out.append(_sentence(lang, [text(lang, "b_end", years=years, end=fmt_money(float(ev["end_wealth"]), cur, lang),
                                     invested=fmt_money(float(ev["invested"]), cur, lang))]))
    out.append(_sentence(lang, [text(lang, "b_drawdown", mdd=fmt_pct(float(ev["max_drawdown"])))]))
    lf = s.get("leveraged_fund")
    if lf:
        out.append(_sentence(lang, [text(lang, _fund_key(lf, "b"), lev=fmt_lev(lf["leverage"]),
                                         fund=fmt_pct(lf["median_fund_return"], signed=True),
                                         lx=fmt_pct(lf["median_l_times_underlying_return"], signed=True))]))
    return out
