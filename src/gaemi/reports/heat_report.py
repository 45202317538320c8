"""The ``gaemi heat`` report: one self-contained HTML page in Korean or English, styled like the
simulation reports (their CSS, font and plotly embedding; plotly.js inlined once, no mode bar,
nothing fetched from the network).

The page presents a :class:`gaemi.heat.HeatResult` and computes nothing: a table per gauge (days,
period, last, median, highest), the gauges with no value and why (with the command that gets the
data), and one chart per gauge whose title is the result's own title (what was computed from the
data present) and whose caption is its note. Time axes are dates (ISO ticks in both languages); a
run of at most a few days is drawn as points (a single day with its date written beside it) on an
axis padded to weeks, never a sub-millisecond axis; holes longer than
:data:`GAP_DAYS` break the line instead of bridging years.
"""

from __future__ import annotations

import html
import json
import os
import re
import textwrap
from itertools import pairwise
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from gaemi.heat import GAUGES
from gaemi.heat import text as T
from gaemi.reports.figures import COLORS, FONT
from gaemi.reports.html import CSS, PLOTLY_CONFIG
from gaemi.reports.i18n import check_lang

#: a hole longer than this (calendar days) breaks a chart's line
GAP_DAYS = 15
#: a run of at most this many points is also drawn as markers (a line alone would not show it)
SHORT_RUN = 3
#: a series spanning fewer days than this gets an axis padded by PAD_DAYS each side
SHORT_SPAN_DAYS = 7
PAD_DAYS = 10

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "page_title": "gaemi heat: market speculation gauges",
        "run_sample": "Embedded sample (offline) · {start} to {end}",
        "run_store": "Local store {path} · {start} to {end}",
        "table_heading": "The gauges at a glance",
        "missing_heading": "Gauges with no value here, and how to get them",
        "charts_heading": "Charts",
        "x_title": "date",
        "values_note": "Values are fractions shown as percentages. Coin days are UTC days (Upbit: 09:00 to 09:00 "
                       "Korean time); stock turnover is per KRX session.",
        "footer": "Made with gaemi {version}. This file works offline: open it in any web browser. The numbers "
                  "were computed by gaemi; the page only formats them. Not investment advice.",
    },
    "ko": {
        "page_title": "gaemi 시장 과열 지표",
        "run_sample": "내장 표본 (오프라인) · {start} ~ {end}",
        "run_store": "로컬 저장소 {path} · {start} ~ {end}",
        "table_heading": "지표 한눈에 보기",
        "missing_heading": "여기서 값이 없는 지표와 자료를 받는 방법",
        "charts_heading": "차트",
        "x_title": "날짜",
        "values_note": "값은 비율이며 퍼센트로 표시합니다. 코인의 하루는 세계 표준시 기준(업비트: 한국 시간 오전 9시부터 "
                       "다음 날 오전 9시까지)이고, 주식 거래대금은 한국거래소 개장일 기준입니다.",
        "footer": "gaemi {version}에서 만들었습니다. 이 파일은 인터넷 없이 어느 웹 브라우저에서나 열립니다. 수치는 gaemi가 "
                  "계산했고 이 페이지는 표시만 합니다. 투자 권유가 아닙니다.",
    },
}

CSS_HEAT = """
.card.missing { border:2px solid #b26a00; background:#fffaf0; }
.card.missing h2 { color:#8a5300; }
ul.missing { margin:6px 0; padding-left:1.2em; }
ul.missing li { margin:6px 0; }
.chart h3 { margin:8px 12px 0; }
"""


def _s(lang: str, key: str, **values) -> str:
    s = STRINGS[lang][key]
    return s.format(**values) if values else s


def chart_id(gauge: str) -> str:
    """``kimchi_premium`` -> ``chart-kimchi-premium``."""
    return "chart-" + gauge.replace("_", "-")


def _e(s) -> str:
    return html.escape(str(s), quote=True)


_CODE = re.compile(r"`([^`]+)`")


def rich_text(s: str) -> str:
    """Escaped text with ```code``` spans (commands, stored symbols) set as ``<code class="data-name">``."""
    out, last = [], 0
    for m in _CODE.finditer(s):
        out.append(_e(s[last:m.start()]))
        out.append(f'<code class="data-name">{_e(m.group(1))}</code>')
        last = m.end()
    out.append(_e(s[last:]))
    return "".join(out)


def pct(v: float | None) -> str:
    """0.01273 -> "1.27%" (the terminal table uses the same)."""
    return "—" if v is None else f"{100.0 * v:.2f}%"


def wrap_title(title: str, lang: str) -> list[str]:
    """A chart title broken into lines that fit the chart's width (Hangul is about twice as wide)."""
    return textwrap.wrap(title, width=52 if lang == "ko" else 88, break_long_words=False) or [title]


def runs(index: pd.DatetimeIndex, gap_days: int = GAP_DAYS) -> list[tuple[int, int]]:
    """(start, stop) positions of runs of dates with no hole longer than ``gap_days``."""
    if len(index) == 0:
        return []
    d = pd.DatetimeIndex(index)
    cuts = [0] + [i for i in range(1, len(d)) if (d[i] - d[i - 1]).days > gap_days] + [len(d)]
    return list(pairwise(cuts))


def gauge_figure(result, gauge: str, lang: str) -> go.Figure:
    """The gauge's series by date: a line broken at holes, short runs as points (a single day with
    its date and value beside it), ISO date ticks, a padded axis for a short span."""
    lang = check_lang(lang)
    s = result.series[gauge]
    color = COLORS[GAUGES.index(gauge) % len(COLORS)]
    xs: list = []
    ys: list = []
    px: list = []
    py: list = []
    labels: list[str] = []
    for a, b in runs(s.index):
        seg = s.iloc[a:b]
        if xs:
            xs.append(None)
            ys.append(None)
        xs.extend(seg.index.strftime("%Y-%m-%d"))
        ys.extend(float(v) for v in seg.to_numpy())
        if b - a <= SHORT_RUN:
            for d, v in seg.items():
                px.append(d.strftime("%Y-%m-%d"))
                py.append(float(v))
                labels.append(f"{d:%Y-%m-%d}: {pct(float(v))}" if b - a == 1 else "")
    hover = "%{x|%Y-%m-%d}<br>%{y:.2%}<extra></extra>"
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", connectgaps=False, line=dict(color=color, width=1.8),
                             hovertemplate=hover, showlegend=False))
    if px:
        fig.add_trace(go.Scatter(x=px, y=py, mode="markers+text" if any(labels) else "markers", text=labels,
                                 textposition="top center", marker=dict(color=color, size=9),
                                 hovertemplate=hover, showlegend=False))
    lines = wrap_title(result.title(gauge, lang), lang)
    top = 36 + 22 * len(lines)
    ymax = float(s.abs().max()) if len(s) else 0.0
    xaxis: dict = dict(
        type="date", title=dict(text=_s(lang, "x_title")), hoverformat="%Y-%m-%d",
        tickformatstops=[dict(dtickrange=[None, "M1"], value="%Y-%m-%d"),
                         dict(dtickrange=["M1", "M12"], value="%Y-%m"),
                         dict(dtickrange=["M12", None], value="%Y")])
    if len(s) and (s.index[-1] - s.index[0]).days < SHORT_SPAN_DAYS:
        pad = pd.Timedelta(days=PAD_DAYS)
        xaxis["range"] = [(s.index[0] - pad).strftime("%Y-%m-%d"), (s.index[-1] + pad).strftime("%Y-%m-%d")]
    yaxis: dict = dict(title=dict(text=T.AXES[gauge][lang]),
                       tickformat=".1%" if ymax < 0.1 else ".0%", zeroline=True, zerolinecolor="#999")
    if len(s) == 1:  # one value: give it room for its label
        v = float(s.iloc[0])
        yaxis["range"] = [min(0.0, v) - 0.1 * abs(v or 1), max(0.0, v) + 0.3 * abs(v or 1)]
    fig.update_layout(
        title=dict(text="<br>".join(_e(x) for x in lines), x=0.01, xanchor="left", font=dict(size=16)),
        template="plotly_white", font=dict(family=FONT, size=13, color="#222"), height=380 + 22 * (len(lines) - 1),
        margin=dict(l=72, r=24, t=top, b=56), hoverlabel=dict(font=dict(family=FONT)), xaxis=xaxis, yaxis=yaxis,
        showlegend=False)
    return fig


def _figure_script(div_id: str, fig: go.Figure) -> str:
    payload = pio.to_json(fig, validate=False, pretty=False)
    payload = payload.replace("</", "<\\/").replace("<!--", "<\\!--")
    return (f'<script>(function(){{var f={payload};'
            f'Plotly.newPlot("{div_id}",f.data,f.layout,{json.dumps(PLOTLY_CONFIG)});}})();</script>')


def table_rows(result, lang: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the gauges table (the terminal prints the same)."""
    header = [T.COLUMNS[c][lang] for c in ("gauge", "days", "span", "last", "median", "max")]
    rows = []
    for r in result.summary(lang):
        has = r["days"] > 0
        rows.append([r["name"], f"{r['days']:,}", f"{r['first']} .. {r['last_date']}" if has else "—",
                     pct(r["last"]), pct(r["median"]), f"{pct(r['max'])} ({r['max_date']})" if has else "—"])
    return header, rows


def render_heat_html(result, lang: str = "en") -> str:
    """The heat report page as a string (see :func:`write_heat_report`)."""
    from plotly.offline import get_plotlyjs

    from gaemi import __version__

    lang = check_lang(lang)
    title = _s(lang, "page_title")
    if result.kind == "store":
        run = _e(_s(lang, "run_store", path="\0", start=result.start, end=result.end)).replace(
            "\0", f'<code class="data-name">{_e(result.source.removeprefix("store:"))}</code>')
    else:
        run = _e(_s(lang, "run_sample", start=result.start, end=result.end))
    header, rows = table_rows(result, lang)
    thead = "".join(f"<th>{_e(h)}</th>" for h in header)
    tbody = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    missing = "".join(f'<li data-gauge="{g}"><strong>{_e(result.name(g, lang))}</strong>: '
                      f"{rich_text(result.missing[g][lang])}</li>" for g in GAUGES if g in result.missing)
    missing_html = (f'<section class="card missing" id="missing"><h2>{_e(_s(lang, "missing_heading"))}</h2>'
                    f'<ul class="missing">{missing}</ul></section>\n') if missing else ""
    charts = []
    for g in GAUGES:
        if not len(result.series[g]):
            continue
        div = chart_id(g)
        charts.append(f'<section class="chart" data-gauge="{g}"><h3>{_e(result.name(g, lang))}</h3>'
                      f'<div id="{div}" class="plot"></div><p>{rich_text(result.note(g, lang))}</p>'
                      f"{_figure_script(div, gauge_figure(result, g, lang))}</section>")
    css = CSS % {"font": FONT} + CSS_HEAT
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{css}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n</head>\n<body>\n<main>\n'
        f'<header><h1>{_e(title)}</h1><p class="run">{run}</p></header>\n'
        f"{missing_html}"
        f'<section id="headline"><h2>{_e(_s(lang, "table_heading"))}</h2>'
        f'<table class="headline"><thead><tr>{thead}</tr></thead><tbody>{tbody}</tbody></table>'
        f'<p class="note">{_e(_s(lang, "values_note"))}</p></section>\n'
        f'<section id="charts"><h2>{_e(_s(lang, "charts_heading"))}</h2>{"".join(charts)}</section>\n'
        f"<footer><p>{_e(_s(lang, 'footer', version=__version__))}</p></footer>\n</main>\n</body>\n</html>\n"
    )


def write_heat_report(result, path: str | os.PathLike, lang: str = "en") -> Path:
    """Write the heat report (``lang``: "ko" or "en") to ``path`` and return it.

    ``path`` must name a regular file (new or to replace) in an existing folder: a folder, a
    device, a symbolic link or a missing parent folder is a ConfigError naming ``report`` (see
    :mod:`gaemi.safe_write`); the file is written atomically."""
    from gaemi.safe_write import atomic_write_text, check_target

    lang = check_lang(lang)
    check_target(path, "report")
    return atomic_write_text(path, render_heat_html(result, lang), field="report")
