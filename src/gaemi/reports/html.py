"""One self-contained HTML report: plain sentences, a headline table and plotly charts.

The file embeds plotly.js once, inline, and fetches nothing: it opens offline from a disk,
an e-mail attachment or a USB stick. It is written atomically (temporary file + ``os.replace``).
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from gaemi.errors import ConfigError
from gaemi.reports import figures as F
from gaemi.reports.i18n import (
    check_lang,
    fmt_lev,
    fmt_money_short,
    fmt_pct,
    fmt_years,
    np100,
    text,
)
from gaemi.reports.sentences import HISTORY_KINDS, history_line, report_sentences, unit_key, warning_messages

#: chart div ids, in page order (a report shows those that apply)
CHART_IDS = ("chart-fan", "chart-goal-by-year", "chart-end-wealth", "chart-drawdown", "chart-odds", "chart-drag")

PLOTLY_CONFIG = {"displayModeBar": False, "displaylogo": False, "responsive": True, "showTips": False}

CSS = """
:root { --ink:#1d232a; --muted:#5b6570; --line:#dfe3e8; --bg:#f6f7f9; --accent:#1f5fa8; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font-family:%(font)s; line-height:1.55; }
main { max-width:1080px; margin:0 auto; padding:28px 20px 48px; }
h1 { font-size:1.7rem; margin:0 0 4px; }
h2 { font-size:1.2rem; margin:32px 0 12px; }
h3 { font-size:1.05rem; margin:16px 0 6px; }
.card h2 { margin-top:0; }
.run { color:var(--muted); margin:2px 0; font-size:.95rem; }
.user-text { color:var(--muted); font-style:italic; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; padding:16px 20px; margin:12px 0; }
ul.sentences { margin:6px 0; padding-left:1.2em; font-size:1.08rem; }
ul.sentences li { margin:6px 0; }
table.headline { border-collapse:collapse; width:100%%; background:#fff; font-size:.95rem; }
table.headline th, table.headline td { border-bottom:1px solid var(--line); padding:7px 10px; text-align:right; }
table.headline th:first-child, table.headline td:first-child { text-align:left; }
table.headline thead th { background:#eef1f5; }
.note { color:var(--muted); font-size:.88rem; margin:6px 0 0; }
.chart { background:#fff; border:1px solid var(--line); border-radius:10px; padding:8px 8px 12px; margin:16px 0; }
.chart .plot { width:100%%; height:440px; }
.chart p { margin:4px 12px; color:var(--muted); font-size:.92rem; }
footer { color:var(--muted); font-size:.85rem; margin-top:32px; }
.history { color:var(--ink); font-weight:600; }
.card.warnings { border:2px solid #b00020; background:#fff5f5; }
.card.warnings h2 { color:#b00020; }
ul.warnings { margin:6px 0; padding-left:1.2em; }
ul.warnings li { margin:6px 0; }
code.data-name { font-family:ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.92em; }
"""


def _as_results(results: Any) -> list:
    from gaemi.results.simulation import SimulationResult

    if isinstance(results, SimulationResult):
        results = [results]
    try:
        items = list(results)
    except TypeError:
        raise ConfigError("results", type(results).__name__, "a SimulationResult or a list of them") from None
    if not items or not all(isinstance(r, SimulationResult) for r in items):
        raise ConfigError("results", [type(r).__name__ for r in items], "one or more SimulationResult")
    currencies = {r.plan.currency for r in items}
    if len(currencies) > 1:
        raise ConfigError("results", sorted(currencies), "results in one currency")
    return items


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


_LATIN_TOKEN = re.compile(r"`?[A-Za-z][A-Za-z0-9_.:\-]*(?: [a-z][a-z0-9_\-]*)*`?")


def _e_names(s: Any, lang: str) -> str:
    """Escaped text; on a Korean page, Latin tokens (series names such as ``doge`` or ``us_effr``,
    commands, model names) are set as code (``<code class="data-name">``): data, not untranslated words."""
    raw = str(s)
    if lang != "ko":
        return _e(raw)
    out, last = [], 0
    for m in _LATIN_TOKEN.finditer(raw):
        out.append(_e(raw[last:m.start()]))
        out.append(f'<code class="data-name">{_e(m.group(0).strip("`"))}</code>')
        last = m.end()
    out.append(_e(raw[last:]))
    return "".join(out)


def run_line(result, lang: str) -> str:
    """"Monte Carlo simulation (block bootstrap) · 10,000 paths · 10 years · seed 7 · ..."."""
    prov = result.provenance or {}
    if result.n_paths == 1:
        kind = text(lang, "kind_backtest")
    elif result.kind in HISTORY_KINDS:
        kind = text(lang, "kind_history")
    else:
        model = str(prov.get("model", result.kind))
        key = f"model_{model}"
        from gaemi.reports.i18n import STRINGS

        kind = text(lang, "kind_mc", model=text(lang, key) if key in STRINGS[lang] else model)
    parts = [text(lang, "run_line", kind=kind, years=fmt_years(result.years),
                  paths=text(lang, "paths_n", n=f"{result.n_paths:,}", unit=text(lang, unit_key(result))))]
    if result.n_paths == 1:
        parts = [text(lang, "run_line_single", kind=kind, years=fmt_years(result.years))]
    if prov.get("seed") is not None:
        parts.append(text(lang, "seed", seed=prov["seed"]))
    rng = prov.get("data_range")
    if not rng and prov.get("start") and prov.get("end"):
        rng = (prov["start"], prov["end"])
    if not rng and isinstance(prov.get("data"), dict) and prov["data"].get("start"):
        rng = (prov["data"]["start"], prov["data"]["end"])
    if rng:
        parts.append(text(lang, "data_range", start=rng[0], end=rng[1]))
    scen = prov.get("scenario")
    if scen and scen not in ("historical", "backtest", result.kind):
        parts.append(text(lang, "scenario", name=scen))
    return " · ".join(parts)


def headline_table(results: Sequence, lang: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the headline figures: one column per plan, values from ``summary()``."""
    lang = check_lang(lang)
    sums = [r.summary() for r in results]
    cur = results[0].plan.currency
    first = results[0]

    def money(v):
        return fmt_money_short(v, cur, lang)

    def three(d, keys, fmt):
        return " / ".join(fmt(d.get(k)) if d and d.get(k) is not None else text(lang, "na") for k in keys)

    rows: list[list[str]] = []
    if any(s["p_goal"] is not None for s in sums):
        rows.append([text(lang, "r_p_goal", years=fmt_years(first.years))]
                    + [fmt_pct(s["p_goal"], 1) if s["p_goal"] is not None else text(lang, "na") for s in sums])
        rows.append([text(lang, "r_time")] + [three(s["time_to_goal_years"], ("p10", "p50", "p90"),
                                                    lambda v: f"{v:.1f}") for s in sums])
        rows.append([text(lang, "r_graduated")] + [fmt_pct(s["p_graduated"], 1) for s in sums])
    rows.append([text(lang, "r_forced")] + [fmt_pct(s["p_forced_sale"], 1) for s in sums])
    wfloor = fmt_pct(sums[0].get("wipeout_floor", first.plan.wipeout_floor))
    rows.append([text(lang, "r_floor_ever", floor=fmt_pct(sums[0]["ruin_floor"]))]
                + [fmt_pct(s["p_ruin_floor_ever"], 1) for s in sums])
    rows.append([text(lang, "r_floor_end")] + [fmt_pct(s["p_ruin_floor_end"], 1) for s in sums])
    rows.append([text(lang, "r_wipe_ever", wfloor=wfloor)] + [fmt_pct(s["p_wipeout_ever"], 1) for s in sums])
    rows.append([text(lang, "r_wipe_end")] + [fmt_pct(s["p_wipeout_end"], 1) for s in sums])
    rows.append([text(lang, "r_negative")] + [fmt_pct(s["p_negative_equity"], 1) for s in sums])
    rows.append([text(lang, "r_any")] + [fmt_pct(s["p_ruin_any"], 1) for s in sums])
    rows.append([text(lang, "r_end")] + [three(s["end_wealth_quantiles"], ("p5", "p50", "p95"), money) for s in sums])
    rows.append([text(lang, "r_cvar")] + [money(s["cvar5_end_wealth"]) for s in sums])
    rows.append([text(lang, "r_invested")] + [money(s["median_invested"]) for s in sums])
    rows.append([text(lang, "r_mdd")] + [three(s["max_drawdown_quantiles"], ("p25", "p50", "p75"),
                                               lambda v: fmt_pct(v, 1)) for s in sums])
    if any(r.plan.margin is not None or s["median_interest_paid"] > 0 for r, s in zip(results, sums)):
        rows.append([text(lang, "r_interest")] + [money(s["median_interest_paid"]) for s in sums])
    if any(s["median_fees_paid"] > 0 for s in sums):
        rows.append([text(lang, "r_fees")] + [money(s["median_fees_paid"]) for s in sums])
    if any(s.get("leveraged_fund") for s in sums):
        rows.append([text(lang, "r_drag")] + [
            three((s["leveraged_fund"] or {}).get("drag_log_annual"), ("p25", "p50", "p75"), lambda v: fmt_pct(v, 1))
            if s.get("leveraged_fund") else text(lang, "na") for s in sums])
    header = [text(lang, "figure")] + [r.plan.name for r in results]
    return header, rows


def _figure_script(div_id: str, fig: go.Figure) -> str:
    payload = pio.to_json(fig, validate=False, pretty=False)
    payload = payload.replace("</", "<\\/").replace("<!--", "<\\!--")
    config = json.dumps(PLOTLY_CONFIG)
    return (f'<script>(function(){{var f={payload};'
            f'Plotly.newPlot("{div_id}",f.data,f.layout,{config});}})();</script>')


def _chart(div_id: str, fig: go.Figure, captions: list[str]) -> str:
    caps = "".join(f"<p>{_e(c)}</p>" for c in captions if c)
    return (f'<section class="chart"><div id="{div_id}" class="plot"></div>{caps}'
            f"{_figure_script(div_id, fig)}</section>")


def build_charts(results: Sequence, lang: str, odds=None) -> list[tuple[str, go.Figure, list[str]]]:
    """(div id, figure, captions) for every chart that applies to these results."""
    unit = text(lang, unit_key(results[0]))
    single = all(r.n_paths == 1 for r in results)
    out: list[tuple[str, go.Figure, list[str]]] = []
    has_goal = any(r.plan.goal is not None for r in results)
    fan_cap = text(lang, "fan_caption_single" if single else "fan_caption", unit=unit) if has_goal else ""
    out.append(("chart-fan", F.fan_chart(results, lang), [fan_cap]))
    g = F.goal_by_year_chart(results, lang)
    if g is not None:
        out.append(("chart-goal-by-year", g, [text(lang, "pgoal_caption_single" if single else "pgoal_caption",
                                                    unit=unit)]))
    fig, note = F.end_wealth_chart(results, lang)
    floor = fmt_pct(results[0].summary()["ruin_floor"])
    end_cap = text(lang, "end_caption_single", floor=floor) if single else \
        text(lang, "end_caption", unit=unit, floor=floor)
    out.append(("chart-end-wealth", fig, [end_cap, note or ""]))
    out.append(("chart-drawdown", F.drawdown_chart(results, lang), [text(lang, "dd_caption")]))
    if odds is not None:
        out.append(("chart-odds", F.odds_chart(odds, lang), [text(lang, "odds_caption")]
                    + odds_sentences(odds, lang, unit)))
    d = F.drag_chart(results, lang)
    if d is not None:
        out.append(("chart-drag", d, [text(lang, "drag_caption")]))
    return out


def odds_sentences(odds, lang: str, unit: str | None = None) -> list[str]:
    """Where the plan sits (P(home) and P(ruin) together), the exposure with the best chance of
    the home among those with P(ruin) <= the stated limit (or that none keeps it), the points
    that fell back to a daily-leveraged fund, and the Kelly leverage. Nothing is called best by
    P(home) alone."""
    import numpy as np

    lang = check_lang(lang)
    lev = np.asarray(odds.leverages, dtype=float)
    unit = unit or text(lang, "unit_mc")
    out = []
    if odds.plan_point is not None:
        k = int(odds.plan_point)
        out.append(text(lang, "odds_plan", x=fmt_lev(round(float(lev[k]), 2)), unit=unit,
                        n=np100(float(odds.p_goal[k]), lang), ruin=np100(float(odds.p_ruin[k]), lang)))
    if odds.ruin_limit is not None:
        limit = fmt_pct(odds.ruin_limit, 0 if round(100 * odds.ruin_limit, 6) == round(100 * odds.ruin_limit) else 1)
        within = np.asarray(odds.p_ruin, dtype=float) <= odds.ruin_limit
        if odds.best_within_ruin_limit is None:
            out.append(text(lang, "odds_limit_zero" if within.any() else "odds_limit_none", limit=limit))
        else:
            k = int(np.argmin(np.abs(lev - odds.best_within_ruin_limit)))
            out.append(text(lang, "odds_limit", limit=limit, x=fmt_lev(round(float(lev[k]), 2)),
                            n=np100(float(odds.p_goal[k]), lang), ruin=np100(float(odds.p_ruin[k]), lang)))
    if any(kind == "daily_fallback" for kind in (odds.kinds or [])):
        out.append(text(lang, "odds_fallback"))
    if odds.kelly_leverage is not None:
        out.append(text(lang, "odds_kelly", kelly=fmt_lev(round(odds.kelly_leverage, 2))))
    return out


def need_section(need, lang: str) -> str:
    """The "what would a safe plan need?" card from a :class:`~gaemi.results.need.NeedResult`:
    its sentence and the plan's own value and odds beside the solved ones (no new numbers)."""
    if need is None:
        return ""
    s = need.summary()
    ko = lang == "ko"
    what = {"saving": "월 저축액" if ko else "monthly saving", "years": "기간" if ko else "horizon",
            "price": ("집값" if ko else "home price") if need.goal_kind == "home"
            else ("목표 금액" if ko else "goal amount")}[need.solve]

    def pct(p):
        return "—" if p is None else fmt_pct(p, 1)

    solved = need.format_value(need.value, lang) if need.feasible else ("범위 안에 없음" if ko else "none within bounds")
    goal_label = ("P(내 집 마련)" if ko else "P(home)") if need.goal_kind == "home" else "P(goal)"
    rows = [(what, need.format_value(need.own_value, lang), solved),
            (goal_label, pct(need.own_p_goal), pct(need.p_goal)),
            ("P(위험)" if ko else "P(ruin)", pct(need.own_p_ruin), pct(need.p_ruin))]
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in rows)
    head = f"<tr><th></th><th>{_e(text(lang, 'need_col_own'))}</th><th>{_e(text(lang, 'need_col_solved'))}</th></tr>"
    return (f'<section class="card" id="need"><h2>{_e(text(lang, "need_heading"))}</h2>'
            f'<p class="need-sentence">{_e_names(s["sentence"][lang], lang)}</p>'
            f'<table class="headline need"><thead>{head}</thead><tbody>{body}</tbody></table>'
            f'<p class="note">{_e(s["ruin_definition"]) if not ko else _e("위험 = 반대매매, 손실 한계선 도달, 또는 마이너스 순자산")}</p>'
            f"</section>\n")


def render_html(results: Any, lang: str = "en", odds=None, title: str | None = None, need=None) -> str:
    """The report page as a string (see :func:`render_report`)."""
    from plotly.offline import get_plotlyjs

    from gaemi import __version__
    from gaemi.results.odds import OddsCurve

    lang = check_lang(lang)
    results = _as_results(results)
    if odds is not None and not isinstance(odds, OddsCurve):
        raise ConfigError("odds", type(odds).__name__, "an OddsCurve or None")
    names = ", ".join(r.plan.name for r in results)
    page_title = title or text(lang, "page_title", plans=names)
    several = len(results) > 1

    head_lines = []
    warn_items = []
    for r in results:
        label = f"<strong>{_e(r.plan.name)}</strong> · " if several else ""
        ttl = f' <span class="user-text">{_e(r.plan.title)}</span>' if r.plan.title else ""
        head_lines.append(f'<p class="run">{label}{_e(run_line(r, lang))}{ttl}</p>')
        s = r.summary()
        span = history_line(s, lang)
        if span:
            head_lines.append(f'<p class="run history" data-plan="{_e(r.plan.name)}">{label}{_e_names(span, lang)}</p>')
        codes = [w.get("code", "") for w in (s.get("warnings") or [])]
        for code, msg in zip(codes, warning_messages(s, lang)):
            warn_items.append(f'<li data-code="{_e(code)}">{label}{_e_names(msg, lang)}</li>')
    warnings_html = (f'<section class="card warnings" id="warnings"><h2>{_e(text(lang, "warnings_heading"))}</h2>'
                     f'<ul class="warnings">{"".join(warn_items)}</ul></section>\n') if warn_items else ""

    summary_parts = []
    for r in results:
        h = f"<h3>{_e(r.plan.name)}</h3>" if several else ""
        items = "".join(f"<li>{_e(s)}</li>" for s in report_sentences(r, lang))
        summary_parts.append(f'{h}<ul class="sentences" data-plan="{_e(r.plan.name)}">{items}</ul>')

    header, rows = headline_table(results, lang)
    thead = "".join(f"<th>{_e(h)}</th>" for h in header)
    tbody = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    not_reached = any(r.plan.goal is not None for r in results)

    charts = "".join(_chart(i, f, caps) for i, f, caps in build_charts(results, lang, odds))
    footer = text(lang, "footer", version=__version__, unit=text(lang, unit_key(results[0])))
    css = CSS % {"font": F.FONT}

    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(page_title)}</title>\n<style>{css}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n</head>\n<body>\n<main>\n'
        f"<header><h1>{_e(page_title)}</h1>{''.join(head_lines)}</header>\n"
        f"{warnings_html}"
        f'<section class="card" id="summary"><h2>{_e(text(lang, "summary_heading"))}</h2>'
        f"{''.join(summary_parts)}</section>\n"
        f"{need_section(need, lang)}"
        f'<section id="headline"><h2>{_e(text(lang, "table_heading"))}</h2>'
        f'<table class="headline"><thead><tr>{thead}</tr></thead><tbody>{tbody}</tbody></table>'
        + (f'<p class="note">{_e(text(lang, "not_reached"))}</p>' if not_reached else "")
        + f'</section>\n<section id="charts"><h2>{_e(text(lang, "charts_heading"))}</h2>{charts}</section>\n'
        f"<footer><p>{_e(footer)}</p></footer>\n</main>\n</body>\n</html>\n"
    )


def render_report(results: Any, path: str | os.PathLike, lang: str = "en", odds=None,
                  title: str | None = None, need=None) -> Path:
    """Write one self-contained HTML report and return its path.

    ``results``: a :class:`~gaemi.results.simulation.SimulationResult` or a list of them (several
    plans: a side-by-side table and overlaid curves). ``lang``: "ko" or "en" (anything else is a
    :class:`~gaemi.errors.ConfigError`). ``odds``: an optional
    :class:`~gaemi.results.odds.OddsCurve` for the leverage chart; ``need``: an optional
    :class:`~gaemi.results.need.NeedResult` for the "what would a safe plan need?" card. ``title`` replaces the default
    page title. The page embeds plotly.js inline once and loads nothing from the network.

    ``path`` must name a regular file (new or to replace) in an existing folder: a folder, a
    device, a symbolic link or a missing parent folder is a ConfigError naming ``report``
    (see :mod:`gaemi.safe_write`); the file is written atomically.
    """
    from gaemi.safe_write import atomic_write_text, check_target

    check_target(path, "report")  # refuse a bad target before the page is built
    page = render_html(results, lang=lang, odds=odds, title=title, need=need)
    return atomic_write_text(path, page, field="report")
