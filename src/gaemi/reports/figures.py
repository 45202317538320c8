"""Plotly figures for a report: every title, axis label and legend entry comes from :mod:`.i18n`.

The figures present numbers the core computed: month-end wealth quantiles (Monte Carlo results
carry them; for per-path results they come from :func:`gaemi.metrics.quantiles`, the function
``summary()`` uses), ``summary()`` probabilities and quantiles, per-path events binned for a
histogram, and an :class:`~gaemi.results.odds.OddsCurve`. Nothing here is an engine figure of
its own: only scaling to an axis unit, binning for display and choosing quantile columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gaemi.metrics import quantiles
from gaemi.reports.i18n import (
    fmt_lev,
    fmt_money,
    fmt_money_short,
    fmt_pct,
    money_axis,
    per100,
    text,
)
from gaemi.reports.sentences import unit_key

if TYPE_CHECKING:
    from gaemi.results.odds import OddsCurve
    from gaemi.results.simulation import SimulationResult

FONT = ('"Noto Sans CJK KR", "Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", '
        'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif')
COLORS = ("#1f5fa8", "#c8372d", "#2e8540", "#7b4fa0", "#d9822b", "#5f6b73")
GOAL_COLOR = "#222222"
FAN_PROBS = (0.05, 0.25, 0.5, 0.75, 0.95)
FAN_COLS = ("p5", "p25", "p50", "p75", "p95")


def _rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def color(i: int) -> str:
    return COLORS[i % len(COLORS)]


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 440) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.01, xanchor="left", font=dict(size=17)),
        template="plotly_white",
        font=dict(family=FONT, size=13, color="#222"),
        height=height,
        margin=dict(l=72, r=24, t=60, b=96),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0, xanchor="left"),
        hoverlabel=dict(font=dict(family=FONT)),
        xaxis=dict(title=dict(text=x_title)),
        yaxis=dict(title=dict(text=y_title)),
    )
    return fig


def _currency(results: Sequence[SimulationResult]) -> str:
    return results[0].plan.currency


def fan_quantiles(result: SimulationResult) -> pd.DataFrame | None:
    """Month-end wealth quantiles (months x p5..p95): Monte Carlo results carry them; for
    per-path results they are :func:`gaemi.metrics.quantiles` across paths, over the months every
    path reaches; None for one path."""
    frame = result.to_frame()
    if result.raw.month_wealth.shape[1] == 0:
        return frame[[c for c in FAN_COLS if c in frame.columns]]
    if frame.shape[1] < 2:
        return None
    complete = frame.notna().all(axis=1)
    if complete.any():  # a month only some paths reach (a window's extra last record) would bias the bands
        frame = frame[complete]
    rows = []
    for _, row in frame.iterrows():
        v = row.to_numpy(dtype=float)
        v = v[np.isfinite(v)]
        rows.append(quantiles(v, FAN_PROBS) if v.size else {c: np.nan for c in FAN_COLS})
    return pd.DataFrame(rows, index=frame.index)


def fan_chart(results: Sequence[SimulationResult], lang: str) -> go.Figure:
    """Month-end net wealth (quantile bands, or the one path) against the goal's cash needed."""
    cur = _currency(results)
    div, unit_words = money_axis(cur, lang)
    several = len(results) > 1
    fig = go.Figure()
    for i, r in enumerate(results):
        c = color(i)
        prefix = f"{r.plan.name}: " if several else ""
        q = fan_quantiles(r)
        if q is None:  # one path
            w = r.to_frame().iloc[:, 0]
            x = w.index.to_numpy() / 12.0
            fig.add_trace(go.Scatter(
                x=x, y=w.to_numpy() / div, mode="lines", line=dict(color=c, width=2.5),
                name=prefix + text(lang, "wealth"), customdata=[fmt_money(v, cur, lang) for v in w],
                hovertemplate="%{customdata}<extra></extra>"))
            continue
        x = q.index.to_numpy() / 12.0
        bands = [("p25", "p75", "band50", 0.14)] if several else [("p5", "p95", "band90", 0.15),
                                                                    ("p25", "p75", "band50", 0.30)]
        for lo, hi, key, alpha in bands:
            if lo not in q or hi not in q:
                continue
            fig.add_trace(go.Scatter(x=x, y=q[hi].to_numpy() / div, mode="lines", line=dict(width=0),
                                     showlegend=False, hoverinfo="skip", legendgroup=f"{i}{key}"))
            fig.add_trace(go.Scatter(x=x, y=q[lo].to_numpy() / div, mode="lines", line=dict(width=0),
                                     fill="tonexty", fillcolor=_rgba(c, alpha), name=prefix + text(lang, key),
                                     hoverinfo="skip", legendgroup=f"{i}{key}"))
        fig.add_trace(go.Scatter(
            x=x, y=q["p50"].to_numpy() / div, mode="lines", line=dict(color=c, width=2.5),
            name=prefix + text(lang, "median"), customdata=[fmt_money(v, cur, lang) for v in q["p50"]],
            hovertemplate="%{customdata}<extra>" + prefix + text(lang, "median") + "</extra>"))
    goals = [(r, r.goal_by_month()) for r in results]
    goals = [(r, g) for r, g in goals if g is not None]
    distinct: list[tuple[SimulationResult, pd.Series]] = []
    for r, g in goals:
        if not any(len(d) == len(g) and np.allclose(d.to_numpy(), g.to_numpy()) for _, d in distinct):
            distinct.append((r, g))
    for r, g in distinct:
        key = "goal_home" if r.plan.goal.kind == "home" else "goal_amount"
        name = (f"{r.plan.name}: " if len(distinct) > 1 else "") + text(lang, key)
        fig.add_trace(go.Scatter(
            x=g.index.to_numpy() / 12.0, y=g.to_numpy() / div, mode="lines",
            line=dict(color=GOAL_COLOR, width=2, dash="dash"), name=name,
            customdata=[fmt_money(v, cur, lang) for v in g],
            hovertemplate="%{customdata}<extra>" + name + "</extra>"))
    homes = any(r.plan.goal is not None and r.plan.goal.kind == "home" for r in results) or not goals
    _layout(fig, text(lang, "fan_title" if homes else "fan_title_amount"), text(lang, "x_years"),
            text(lang, "y_wealth", unit=unit_words))
    fig.update_yaxes(tickformat=",.1~f" if div >= 1e8 else ",.0f", rangemode="tozero")
    fig.update_layout(hovermode="x")
    return fig


def goal_by_year_chart(results: Sequence[SimulationResult], lang: str) -> go.Figure | None:
    """P(could buy by the end of year k), k = 1..horizon, from ``summary()["p_goal_by_year"]``."""
    fig = go.Figure()
    several = len(results) > 1
    any_goal = False
    for i, r in enumerate(results):
        p = r.summary().get("p_goal_by_year")
        if not p:
            continue
        any_goal = True
        years = np.arange(1, len(p) + 1)
        fig.add_trace(go.Scatter(
            x=years, y=p, mode="lines+markers", line=dict(color=color(i), width=2.5), marker=dict(size=7),
            name=r.plan.name if several else text(lang, "p_home"),
            customdata=[per100(v, lang) for v in p],
            hovertemplate="%{x}: %{y:.0%}<extra></extra>"))
    if not any_goal:
        return None
    _layout(fig, text(lang, "pgoal_title"), text(lang, "x_year"), text(lang, "y_prob"))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(dtick=1)
    fig.update_layout(showlegend=several)
    return fig


def _shares(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share of paths in each display bin (values outside the edges go to the end bins)."""
    v = np.clip(values[np.isfinite(values)], edges[0], edges[-1])
    counts, _ = np.histogram(v, edges)
    return counts / max(1, v.size)


def end_wealth_chart(results: Sequence[SimulationResult], lang: str, bins: int = 50) -> tuple[go.Figure, str | None]:
    """Histogram of ending net wealth with each plan's ruin floor (ruin_floor x median money put in).

    Returns the figure and, when a far right tail was folded into the last bar, a note saying so.
    One path per result: bars of the ending wealth, the money put in and the ruin floor.
    """
    if all(r.n_paths == 1 for r in results):
        return _end_wealth_single(results, lang), None
    cur = _currency(results)
    div, unit_words = money_axis(cur, lang)
    data = [r.events()["end_wealth"].to_numpy(dtype=float) for r in results]
    allv = np.concatenate([d[np.isfinite(d)] for d in data])
    lo, hi = float(allv.min()), float(allv.max())
    note = None
    if allv.size >= 100:
        p1, p99 = np.percentile(allv, [1, 99])
        if hi > p99 + 2 * (p99 - p1):
            hi = float(p99)
            note = text(lang, "overflow_note", amount=fmt_money(hi, cur, lang))
    if hi <= lo:
        pad = max(abs(lo) * 0.05, 1.0)
        lo, hi = lo - pad, hi + pad
    edges = np.linspace(lo, hi, bins + 1)
    centers = (edges[:-1] + edges[1:]) / 2
    ranges = [f"{fmt_money_short(a, cur, lang)} – {fmt_money_short(b, cur, lang)}" for a, b in zip(edges[:-1], edges[1:])]
    fig = go.Figure()
    several = len(results) > 1
    ymax = 0.0
    for i, (r, d) in enumerate(zip(results, data)):
        share = _shares(d, edges)
        ymax = max(ymax, float(share.max()))
        fig.add_trace(go.Bar(
            x=centers / div, y=share, width=(edges[1] - edges[0]) / div, marker_color=color(i),
            opacity=0.6 if several else 0.85, name=r.plan.name if several else text(lang, "y_share", unit=text(
                lang, unit_key(r))), customdata=ranges,
            hovertemplate="%{customdata}<br>" + text(lang, "hover_share") + " %{y:.1%}<extra></extra>",
            showlegend=several))
    for i, r in enumerate(results):
        s = r.summary()
        floor = s["ruin_floor"] * s["median_invested"]
        name = (f"{r.plan.name}: " if several else "") + text(lang, "ruin_line", floor=fmt_pct(s["ruin_floor"]))
        fig.add_trace(go.Scatter(
            x=[floor / div, floor / div], y=[0, ymax * 1.05], mode="lines",
            line=dict(color=color(i) if several else "#b00020", width=2, dash="dash"), name=name,
            customdata=[fmt_money(floor, cur, lang)] * 2, hovertemplate="%{customdata}<extra>" + name + "</extra>"))
    _layout(fig, text(lang, "end_title"), text(lang, "x_end", unit=unit_words),
            text(lang, "y_share", unit=text(lang, unit_key(results[0]))))
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_yaxes(tickformat=".0%")
    fig.update_xaxes(tickformat=",.1~f" if div >= 1e8 else ",.0f")
    return fig, note


def drawdown_chart(results: Sequence[SimulationResult], lang: str) -> go.Figure:
    """Histogram of each path's maximum drawdown (fraction of the running peak), 2.5 % bins;
    one path per result: one bar per plan."""
    if all(r.n_paths == 1 for r in results):
        return _drawdown_single(results, lang)
    data = [r.events()["max_drawdown"].to_numpy(dtype=float) for r in results]
    top = max(1.0, max(float(np.nanmax(d)) for d in data if d.size))
    edges = np.arange(0.0, top + 0.025 + 1e-12, 0.025)
    centers = (edges[:-1] + edges[1:]) / 2
    ranges = [f"{fmt_pct(a, 1)} – {fmt_pct(b, 1)}" for a, b in zip(edges[:-1], edges[1:])]
    several = len(results) > 1
    fig = go.Figure()
    for i, (r, d) in enumerate(zip(results, data)):
        fig.add_trace(go.Bar(
            x=centers, y=_shares(d, edges), width=0.025, marker_color=color(i), opacity=0.6 if several else 0.85,
            name=r.plan.name if several else text(lang, "x_dd"), customdata=ranges, showlegend=several,
            hovertemplate="%{customdata}<br>" + text(lang, "hover_share") + " %{y:.1%}<extra></extra>"))
    _layout(fig, text(lang, "dd_title"), text(lang, "x_dd"), text(lang, "y_share", unit=text(lang, unit_key(results[0]))))
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_xaxes(tickformat=".0%", range=[0, top + 0.025])
    fig.update_yaxes(tickformat=".0%")
    return fig


def _end_wealth_single(results: Sequence[SimulationResult], lang: str) -> go.Figure:
    cur = _currency(results)
    div, unit_words = money_axis(cur, lang)
    names = [r.plan.name for r in results]
    sums = [r.summary() for r in results]
    evs = [r.events().iloc[0] for r in results]
    series = [
        ("end_wealth_bar", [float(e["end_wealth"]) for e in evs], COLORS[0], {}),
        ("invested_bar", [float(e["invested"]) for e in evs], COLORS[5], {}),
        ("ruin_line", [s["ruin_floor"] * float(e["invested"]) for s, e in zip(sums, evs)], "#b00020",
         {"floor": fmt_pct(sums[0]["ruin_floor"])}),
    ]
    fig = go.Figure()
    for key, vals, c, kw in series:
        name = text(lang, key, **kw)
        fig.add_trace(go.Bar(x=names, y=[v / div for v in vals], name=name, marker_color=c,
                             text=[fmt_money_short(v, cur, lang) for v in vals], textposition="outside",
                             customdata=[fmt_money(v, cur, lang) for v in vals],
                             hovertemplate="%{customdata}<extra>" + name + "</extra>"))
    _layout(fig, text(lang, "end_title_single"), "", text(lang, "y_wealth", unit=unit_words))
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=",.1~f" if div >= 1e8 else ",.0f", rangemode="tozero")
    return fig


def _drawdown_single(results: Sequence[SimulationResult], lang: str) -> go.Figure:
    names = [r.plan.name for r in results]
    mdd = [float(r.events().iloc[0]["max_drawdown"]) for r in results]
    fig = go.Figure(go.Bar(x=names, y=mdd, marker_color=COLORS[1], name=text(lang, "x_dd"),
                           text=[fmt_pct(v) for v in mdd], textposition="outside", width=0.4,
                           hovertemplate="%{x}: %{y:.1%}<extra></extra>"))
    _layout(fig, text(lang, "dd_title_single"), "", text(lang, "x_dd"))
    fig.update_yaxes(tickformat=".0%", range=[0, max(1.0, max(mdd) * 1.1)])
    return fig


def odds_chart(odds: OddsCurve, lang: str) -> go.Figure:
    """P(home within the period) and P(ruin) together against exposure (with P(forced sale) and the
    wipe-out line touched / ended where they occur), the ruin limit as a horizontal line, and
    vertical marks at the plan's own exposure, at the exposure with the best chance of the home
    among those within the ruin limit (when one is) and at the Kelly leverage. Points that fell
    back to a daily-leveraged fund are diamonds."""
    x = np.asarray(odds.leverages, dtype=float)
    fig = go.Figure()
    kinds = list(odds.kinds) if odds.kinds else [""] * x.size
    symbols = ["diamond" if k == "daily_fallback" else "circle" for k in kinds]
    how = list(odds.how) if odds.how else [""] * x.size
    series = [("p_home", odds.p_goal, COLORS[0], "solid"), ("p_ruin", odds.p_ruin, COLORS[1], "solid")]
    if np.any(np.nan_to_num(np.asarray(odds.p_forced_sale, dtype=float)) > 0):
        series.append(("p_forced", odds.p_forced_sale, COLORS[4], "dot"))
    if np.any(np.nan_to_num(np.asarray(odds.p_wipeout_ever, dtype=float)) > 0):
        series.append(("p_wipe", odds.p_wipeout_ever, COLORS[3], "dot"))
        if odds.p_wipeout_end is not None:
            series.append(("p_wipe_end", odds.p_wipeout_end, COLORS[5], "dash"))
    for key, y, c, dash in series:
        fig.add_trace(go.Scatter(x=x, y=np.asarray(y, dtype=float), mode="lines+markers", name=text(lang, key),
                                 line=dict(color=c, width=2.5, dash=dash), marker=dict(size=7, symbol=symbols),
                                 customdata=how,
                                 hovertemplate="%{x}x: %{y:.0%}<extra>" + text(lang, key) + "</extra>"))
    if odds.ruin_limit is not None:
        label = text(lang, "limit_line", limit=fmt_pct(odds.ruin_limit))
        fig.add_hline(y=float(odds.ruin_limit), line=dict(color=COLORS[1], width=1, dash="dot"))
        fig.add_annotation(x=1.0, xref="paper", y=float(odds.ruin_limit), text=label, showarrow=False,
                           xanchor="right", yanchor="bottom", font=dict(color=COLORS[1], size=11))
    marks = []
    if odds.plan_leverage is not None:
        marks.append((odds.plan_leverage, text(lang, "plan_mark", x=fmt_lev(round(odds.plan_leverage, 2))),
                      GOAL_COLOR, 1.0))
    if odds.best_within_ruin_limit is not None and odds.ruin_limit is not None:
        marks.append((odds.best_within_ruin_limit, text(lang, "limit_mark", limit=fmt_pct(odds.ruin_limit),
                                                        x=fmt_lev(round(odds.best_within_ruin_limit, 2))),
                      COLORS[2], 0.92))
    span = (float(np.nanmin(x)), float(np.nanmax(x))) if x.size else (0.0, 1.0)
    if odds.kelly_leverage is not None and span[0] - 1 <= odds.kelly_leverage <= span[1] + 1:
        marks.append((odds.kelly_leverage, text(lang, "kelly_mark", x=fmt_lev(round(odds.kelly_leverage, 2))),
                      "#555555", 0.84))
    for lev, label, c, ypos in marks:
        fig.add_vline(x=float(lev), line=dict(color=c, width=1.5, dash="dash"))
        fig.add_annotation(x=float(lev), y=ypos, yref="paper", text=label, showarrow=False, xanchor="left",
                           xshift=4, font=dict(color=c, size=12), bgcolor="rgba(255,255,255,0.8)")
    _layout(fig, text(lang, "odds_title"), text(lang, "x_lev"), text(lang, "y_prob"))
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return fig


def drag_chart(results: Sequence[SimulationResult], lang: str) -> go.Figure | None:
    """For plans holding a leveraged fund: the fund's median return against L x the underlying's,
    and the realised volatility drag per year (log) with its quartiles, from ``summary()``."""
    rows = [(r, r.summary()["leveraged_fund"]) for r in results]
    rows = [(r, lf) for r, lf in rows if lf]
    if not rows:
        return None
    lev = fmt_lev(rows[0][1]["leverage"]) if len({lf["leverage"] for _, lf in rows}) == 1 else "L"
    names = [r.plan.name for r, _ in rows]
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.14)
    fund = [lf["median_fund_return"] for _, lf in rows]
    lx = [lf["median_l_times_underlying_return"] for _, lf in rows]
    fig.add_trace(go.Bar(x=names, y=fund, name=text(lang, "fund_return"), marker_color=COLORS[1],
                         text=[fmt_pct(v, signed=True) for v in fund], textposition="outside",
                         hovertemplate="%{x}: %{y:+.0%}<extra>" + text(lang, "fund_return") + "</extra>"), 1, 1)
    lx_name = text(lang, "lx_return", lev=lev)
    fig.add_trace(go.Bar(x=names, y=lx, name=lx_name, marker_color=COLORS[0],
                         text=[fmt_pct(v, signed=True) for v in lx], textposition="outside",
                         hovertemplate="%{x}: %{y:+.0%}<extra>" + lx_name + "</extra>"), 1, 1)
    q = [lf["drag_log_annual"] or {} for _, lf in rows]
    mid = [d.get("p50", np.nan) for d in q]
    up = [d.get("p75", np.nan) - d.get("p50", np.nan) for d in q]
    down = [d.get("p50", np.nan) - d.get("p25", np.nan) for d in q]
    fig.add_trace(go.Bar(x=names, y=mid, name=text(lang, "drag_series"), marker_color=COLORS[3],
                         error_y=dict(type="data", array=up, arrayminus=down, visible=True, color="#333"),
                         text=[fmt_pct(v, 1) for v in mid], textposition="inside", insidetextanchor="start",
                         hovertemplate="%{x}: %{y:.1%}<extra>" + text(lang, "drag_series") + "</extra>"), 1, 2)
    _layout(fig, text(lang, "drag_title", lev=lev), "", text(lang, "y_return"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(tickformat=".0%", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", title_text=text(lang, "drag_axis"), row=1, col=2, rangemode="tozero")
    return fig
