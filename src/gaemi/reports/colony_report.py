"""The ``gaemi colony`` report: one self-contained HTML page in Korean or English, styled like the
other reports (their CSS, font and plotly embedding; plotly.js inlined once, no mode bar, nothing
fetched from the network).

The page presents a :class:`gaemi.colony.result.ColonyResult` and computes nothing but sums for
display: the headline table (the terminal prints the same rows, :func:`headline_rows`), a few
sentences, tables by wealth decile, age band and holder type, and five charts: loss by wealth
decile, the margin-loan balance by day, each bucket's price with and without feedback, forced
sales by day and bucket, and the amplification curve over the impact scale.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from gaemi.reports.figures import COLORS, FONT
from gaemi.reports.html import CSS, PLOTLY_CONFIG
from gaemi.reports.i18n import check_lang

PALETTE = (*COLORS, "#0f8b8d", "#8c6d1f")
"""The reports' colours and two more: one per bucket."""

CHART_IDS = ("chart-loss-decile", "chart-margin-balance", "chart-prices", "chart-forced-sales",
             "chart-amplification")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "page_title": "gaemi colony: {name}",
        "history_name": "{start} to {end}",
        "run_line": "{agents} agents standing for {people} investors · seed {seed} · impact scale {impact}",
        "shock_history": "Real history, {start} to {end} ({days} sessions); the population stands at the close of {as_of}",
        "shock_scenario": "Named crash {name}: {title} ({days} sessions, each market from its own peak)",
        "shock_file": "Custom shock {name}: {title} ({days} sessions)",
        "warnings_heading": "Read this first",
        "summary_heading": "In plain words",
        "table_heading": "Headline figures",
        "figure": "Figure",
        "value": "Value",
        "h_loss": "Total loss, with feedback",
        "h_loss0": "Loss from the same shock without feedback",
        "h_feedback": "Added by the feedback",
        "h_amp": "Amplification (with / without feedback)",
        "h_forced": "Investors force-sold",
        "h_wiped": "Accounts wiped out (equity at or below zero)",
        "h_debt": "Left owing more than their collateral",
        "h_margin": "Margin-loan balance, start → end",
        "h_forced_sales": "Forced sales, total",
        "h_repaid": "Margin repaid by forced sales / voluntary sales / top-ups",
        "h_converged": "Prices settled every session",
        "yes": "yes", "no": "no — see the warning",
        "n_share": "{n} ({share})",
        "s_loss": "The shock cost the colony {loss}; {loss0} of it came from the shock itself and {extra} from "
                  "the selling it set off (amplification {amp}).",
        "s_loss_no_amp": "The shock cost the colony {loss}; without feedback it would have cost {loss0}.",
        "s_loss_less": "The shock cost the colony {loss}: {saved} less than the {loss0} it would have cost without "
                       "feedback, because the dip-buyers' purchases lifted prices more than the forced and voluntary "
                       "sales pushed them down (amplification {amp}).",
        "s_forced": "{n} investors ({share} of all) had a margin account force-sold; forced sales came to {total}.",
        "s_margin": "The margin-loan balance went from {start} to {end} ({change}): {forced} repaid by forced sales, "
                    "{voluntary} by the investors' own sales and {topups} from their cash.",
        "s_worst": "The poorest tenth of investors lost {low} of their wealth; the richest tenth {high}.",
        "by_decile_heading": "By wealth decile",
        "by_age_heading": "By age",
        "by_type_heading": "By kind of investor",
        "col_group": "Group", "col_investors": "Investors", "col_loss": "Loss", "col_loss0": "Loss without feedback",
        "col_loss_share": "Loss / wealth", "col_forced": "Force-sold", "col_wiped": "Wiped out",
        "decile_label": "Decile {k}",
        "charts_heading": "Charts",
        "c_decile": "Loss by wealth decile (share of each decile's wealth)",
        "c_decile_note": "Decile 1 holds the poorest tenth of investors by net wealth, decile 10 the richest.",
        "c_margin": "Margin-loan balance by day",
        "c_margin_note": "A balance falls only through repayment: forced sales, the investors' own sales and cash top-ups.",
        "c_prices": "Prices by bucket, with (solid) and without (dotted) feedback",
        "c_prices_note": "Levels relative to the close before the shock (1 = unchanged).",
        "c_forced": "Forced sales by day and bucket",
        "c_forced_note": "Market value sold by brokers on accounts whose margin call was not met.",
        "c_amp": "Amplification curve: loss with feedback / loss without, by impact scale",
        "c_amp_note": "Scale 1 is the calibration table's impact coefficients; 0 is no feedback. The marked point is "
                      "this run.",
        "with_feedback": "with feedback", "without_feedback": "without feedback",
        "x_day": "session", "x_date": "date", "x_decile": "wealth decile", "x_impact": "impact scale",
        "y_loss_share": "loss / wealth", "y_krw": "KRW trillion", "y_level": "level", "y_amp": "amplification",
        "this_run": "this run",
        "footer": "Made with gaemi {version}. This file works offline: open it in any web browser. The numbers were "
                  "computed by gaemi; the page only formats them. A model of the colony, not a forecast; not "
                  "investment advice.",
    },
    "ko": {
        "page_title": "gaemi 개미 집단 스트레스 테스트: {name}",
        "history_name": "{start} ~ {end}",
        "run_line": "표본 {agents}명이 투자자 {people}명을 대표 · 시드 {seed} · 가격 충격 배율 {impact}",
        "shock_history": "실제 시세 {start} ~ {end} ({days}거래일), 투자자 집단은 {as_of} 종가 기준",
        "shock_scenario": "이름 붙은 폭락 {name}: {title} ({days}거래일, 시장마다 각자의 고점부터)",
        "shock_file": "직접 만든 충격 {name}: {title} ({days}거래일)",
        "warnings_heading": "먼저 읽어 주세요",
        "summary_heading": "쉽게 말하면",
        "table_heading": "핵심 수치",
        "figure": "항목",
        "value": "값",
        "h_loss": "총손실 (피드백 포함)",
        "h_loss0": "같은 충격의 피드백 없는 손실",
        "h_feedback": "피드백이 더한 손실",
        "h_amp": "증폭 배율 (피드백 있음 / 없음)",
        "h_forced": "반대매매를 당한 투자자",
        "h_wiped": "깡통계좌 (계좌 평가액이 0 이하)",
        "h_debt": "담보보다 빚이 많이 남은 투자자",
        "h_margin": "신용융자 잔고, 처음 → 끝",
        "h_forced_sales": "반대매매 금액 합계",
        "h_repaid": "신용융자 상환: 반대매매 / 스스로 매도 / 현금 상환",
        "h_converged": "매 거래일 가격이 수렴했는가",
        "yes": "예", "no": "아니요 — 경고를 보세요",
        "n_share": "{n}명 ({share})",
        "s_loss": "이 충격으로 개미 집단은 {loss}을 잃었습니다. 그중 {loss0}은 충격 자체에서, {extra}은 충격이 불러온 "
                  "매도에서 나왔습니다 (증폭 배율 {amp}).",
        "s_loss_no_amp": "이 충격으로 개미 집단은 {loss}을 잃었습니다. 피드백이 없었다면 {loss0}이었습니다.",
        "s_loss_less": "이 충격으로 개미 집단은 {loss}을 잃었습니다. 피드백이 없었을 때의 {loss0}보다 {saved} 적습니다. "
                       "저가 매수가 반대매매와 스스로의 매도보다 가격을 더 많이 떠받쳤기 때문입니다 (증폭 배율 {amp}).",
        "s_forced": "투자자 {n}명(전체의 {share})이 반대매매를 당했고, 반대매매 금액은 {total}이었습니다.",
        "s_margin": "신용융자 잔고는 {start}에서 {end}로 ({change}) 바뀌었습니다. 반대매매로 {forced}, 투자자 스스로의 "
                    "매도로 {voluntary}, 현금으로 {topups}을 갚았습니다.",
        "s_worst": "가장 가난한 10% 투자자는 자산의 {low}를, 가장 부유한 10%는 {high}를 잃었습니다.",
        "by_decile_heading": "자산 10분위별",
        "by_age_heading": "나이대별",
        "by_type_heading": "투자자 유형별",
        "col_group": "구분", "col_investors": "투자자 수", "col_loss": "손실", "col_loss0": "피드백 없는 손실",
        "col_loss_share": "손실 / 자산", "col_forced": "반대매매", "col_wiped": "깡통계좌",
        "decile_label": "{k}분위",
        "charts_heading": "차트",
        "c_decile": "자산 10분위별 손실 (각 분위 자산 대비)",
        "c_decile_note": "1분위는 순자산이 가장 적은 10%, 10분위는 가장 많은 10%입니다.",
        "c_margin": "거래일별 신용융자 잔고",
        "c_margin_note": "잔고는 상환으로만 줄어듭니다: 반대매매, 투자자 스스로의 매도, 현금 상환.",
        "c_prices": "자산군별 가격, 피드백 있음(실선)과 없음(점선)",
        "c_prices_note": "충격 직전 종가를 1로 둔 수준입니다 (1 = 변화 없음).",
        "c_forced": "거래일·자산군별 반대매매",
        "c_forced_note": "추가 담보 요구를 채우지 못한 계좌에서 증권사가 판 금액(시가)입니다.",
        "c_amp": "증폭 곡선: 가격 충격 배율별 손실 증폭 (피드백 있음 / 없음)",
        "c_amp_note": "배율 1은 보정표의 가격 충격 계수, 0은 피드백 없음입니다. 표시한 점이 이번 실행입니다.",
        "with_feedback": "피드백 있음", "without_feedback": "피드백 없음",
        "x_day": "거래일", "x_date": "날짜", "x_decile": "자산 분위", "x_impact": "가격 충격 배율",
        "y_loss_share": "손실 / 자산", "y_krw": "조 원", "y_level": "수준", "y_amp": "증폭 배율",
        "this_run": "이번 실행",
        "footer": "gaemi {version}에서 만들었습니다. 이 파일은 인터넷 없이 어느 웹 브라우저에서나 열립니다. 수치는 gaemi가 "
                  "계산했고 이 페이지는 표시만 합니다. 개미 집단의 모형이지 예측이 아니며, 투자 권유가 아닙니다.",
    },
}

CSS_COLONY = """
.chart h3 { margin:8px 12px 0; }
table.groups { border-collapse:collapse; width:100%; background:#fff; font-size:.92rem; margin:8px 0 16px; }
table.groups th, table.groups td { border-bottom:1px solid var(--line); padding:6px 9px; text-align:right; }
table.groups th:first-child, table.groups td:first-child { text-align:left; }
table.groups thead th { background:#eef1f5; }
"""


def _s(lang: str, key: str, **values: Any) -> str:
    s = STRINGS[lang][key]
    return s.format(**values) if values else s


def _e(s: Any) -> str:
    return html.escape(str(s), quote=True)


# --------------------------------------------------------------------------- formatting
def krw(x: float | None, lang: str) -> str:
    """Money for the colony's large sums: ``6.44조 원`` / ``3,952억 원`` / ``KRW 6.44 trillion``."""
    if x is None:
        return "—"
    sign = "-" if x < 0 else ""
    a = abs(float(x))
    if lang == "ko":
        if a >= 1e12:
            return f"{sign}{a / 1e12:,.2f}조 원"
        if a >= 1e8:
            return f"{sign}{a / 1e8:,.0f}억 원"
        if a >= 1e4:
            return f"{sign}{a / 1e4:,.0f}만 원"
        return f"{sign}{a:,.0f}원"
    for unit, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if a >= unit:
            return f"{sign}KRW {a / unit:,.2f} {name}"
    return f"{sign}KRW {a:,.0f}"


def people(x: float | None, lang: str) -> str:
    """A head count: ``141만`` / ``1.41M``; small counts in full."""
    if x is None:
        return "—"
    if lang == "ko":
        return f"{x / 1e4:,.0f}만" if x >= 1e5 else f"{x:,.0f}"
    return f"{x / 1e6:,.2f}M" if x >= 1e6 else f"{x:,.0f}"


def pct(x: float | None, digits: int = 1, signed: bool = False) -> str:
    if x is None:
        return "—"
    return f"{100.0 * x:{'+' if signed else ''},.{digits}f}%"


def ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.4f}"


def bucket_name(bucket: str, lang: str) -> str:
    from gaemi.colony.result import BUCKET_NAMES

    return BUCKET_NAMES[lang].get(bucket, bucket)


# --------------------------------------------------------------------------- shared rows
def run_line(result, lang: str) -> str:
    s = result.summary() if not isinstance(result, dict) else result
    return _s(lang, "run_line", agents=f"{s['investors']:,}", people=people(s["represented"], lang), seed=s["seed"],
              impact=f"{s['impact']:g}")


def shock_line(result, lang: str) -> str:
    sh = result.shock
    if sh.kind == "history":
        return _s(lang, "shock_history", start=sh.dates[0], end=sh.dates[-1], days=sh.days, as_of=sh.as_of)
    key = "shock_scenario" if sh.kind == "scenario" else "shock_file"
    title = sh.title
    if lang == "ko" and sh.kind == "scenario":
        from gaemi.cli.words import CRASH_TITLES_KO  # the crash catalogue's Korean titles (one copy)

        title = CRASH_TITLES_KO.get(sh.name, sh.title)
    return _s(lang, key, name=sh.name, title=title, days=sh.days)


def headline_rows(s: dict, lang: str) -> list[tuple[str, str]]:
    """(label, value) rows of the headline table: the terminal and the report show the same."""
    def n_share(n: float, share: float | None) -> str:
        return _s(lang, "n_share", n=people(n, lang), share=pct(share, 2))

    rep = s["margin_repaid_krw"]
    return [
        (_s(lang, "h_loss"), krw(s["total_loss_krw"], lang)),
        (_s(lang, "h_loss0"), krw(s["loss_without_feedback_krw"], lang)),
        (_s(lang, "h_feedback"), krw(s["feedback_loss_krw"], lang)),
        (_s(lang, "h_amp"), ratio(s["amplification"])),
        (_s(lang, "h_forced"), n_share(s["investors_force_sold"], s["share_force_sold"])),
        (_s(lang, "h_wiped"), n_share(s["investors_wiped_out"], s["share_wiped_out"])),
        (_s(lang, "h_debt"), n_share(s["investors_with_debt"], s["share_with_debt"])),
        (_s(lang, "h_margin"), f"{krw(s['margin_balance_start_krw'], lang)} → {krw(s['margin_balance_end_krw'], lang)}"
                               f" ({pct(s['margin_balance_change'], 1, signed=True)})"),
        (_s(lang, "h_forced_sales"), krw(s["forced_sales_krw"], lang)),
        (_s(lang, "h_repaid"), " / ".join(krw(rep[k], lang) for k in ("forced_sales", "voluntary_sales", "top_ups"))),
        (_s(lang, "h_converged"), _s(lang, "yes") if s["converged"] else _s(lang, "no")),
    ]


def sentences(s: dict, lang: str) -> list[str]:
    out = []
    if s["amplification"] is not None and s["amplification"] < 1.0:
        out.append(_s(lang, "s_loss_less", loss=krw(s["total_loss_krw"], lang),
                      loss0=krw(s["loss_without_feedback_krw"], lang), saved=krw(-s["feedback_loss_krw"], lang),
                      amp=ratio(s["amplification"])))
    elif s["amplification"] is not None:
        out.append(_s(lang, "s_loss", loss=krw(s["total_loss_krw"], lang), loss0=krw(s["loss_without_feedback_krw"], lang),
                      extra=krw(s["feedback_loss_krw"], lang), amp=ratio(s["amplification"])))
    else:
        out.append(_s(lang, "s_loss_no_amp", loss=krw(s["total_loss_krw"], lang),
                      loss0=krw(s["loss_without_feedback_krw"], lang)))
    out.append(_s(lang, "s_forced", n=people(s["investors_force_sold"], lang), share=pct(s["share_force_sold"], 2),
                  total=krw(s["forced_sales_krw"], lang)))
    rep = s["margin_repaid_krw"]
    out.append(_s(lang, "s_margin", start=krw(s["margin_balance_start_krw"], lang),
                  end=krw(s["margin_balance_end_krw"], lang), change=pct(s["margin_balance_change"], 1, signed=True),
                  forced=krw(rep["forced_sales"], lang), voluntary=krw(rep["voluntary_sales"], lang),
                  topups=krw(rep["top_ups"], lang)))
    d = s["by_decile"]
    out.append(_s(lang, "s_worst", low=pct(d[0]["loss_share"]), high=pct(d[-1]["loss_share"])))
    return out


def group_rows(s: dict, axis: str, lang: str) -> list[list[str]]:
    from gaemi.colony.result import AGE_NAMES, BEHAVIOUR_NAMES, MARGIN_NAMES

    rows = []
    key = {"by_decile": "decile", "by_age_band": "age_band", "by_holder_type": "holder_type",
           "by_margin": "margin"}[axis]
    names = {"age_band": AGE_NAMES, "holder_type": BEHAVIOUR_NAMES, "margin": MARGIN_NAMES}.get(key)
    for r in s[axis]:
        label = _s(lang, "decile_label", k=r["decile"]) if key == "decile" else names[lang].get(r[key], r[key])
        rows.append([label, people(r["investors"], lang), krw(r["loss_krw"], lang),
                     krw(r["loss_without_feedback_krw"], lang), pct(r["loss_share"]), pct(r["share_force_sold"], 2),
                     pct(r["share_wiped_out"], 2)])
    return rows


GROUP_HEADER = ("col_group", "col_investors", "col_loss", "col_loss0", "col_loss_share", "col_forced", "col_wiped")


# --------------------------------------------------------------------------- figures
def _layout(fig: go.Figure, title: str, lang: str, xaxis: dict, yaxis: dict, legend: bool = True) -> go.Figure:
    fig.update_layout(
        title=dict(text=_e(title), x=0.01, xanchor="left", font=dict(size=16)), template="plotly_white",
        font=dict(family=FONT, size=13, color="#222"), height=420, margin=dict(l=80, r=24, t=56, b=56),
        hoverlabel=dict(font=dict(family=FONT)), xaxis=xaxis, yaxis=yaxis, showlegend=legend,
        legend=dict(orientation="h", y=-0.18))
    return fig


def _x(result, lang: str) -> tuple[list, dict]:
    """x values for closes 0..days and the axis: ISO dates where the shock has them, else sessions."""
    sh = result.shock
    if sh.dates:
        import pandas as pd

        first = sh.as_of or str((pd.Timestamp(sh.dates[0]) - pd.Timedelta(days=1)).date())
        xs = [first, *sh.dates]
        axis = dict(type="date", title=dict(text=_s(lang, "x_date")), hoverformat="%Y-%m-%d",
                    tickformatstops=[dict(dtickrange=[None, "M1"], value="%Y-%m-%d"),
                                     dict(dtickrange=["M1", None], value="%Y-%m")])
        return xs, axis
    return list(range(sh.days + 1)), dict(title=dict(text=_s(lang, "x_day")), rangemode="tozero")


def decile_figure(s: dict, lang: str) -> go.Figure:
    d = s["by_decile"]
    x = [_s(lang, "decile_label", k=r["decile"]) for r in d]
    w = [r["wealth_start_krw"] for r in d]
    y1 = [None if r["loss_share"] is None else r["loss_share"] for r in d]
    y0 = [None if not wi else r["loss_without_feedback_krw"] / wi for r, wi in zip(d, w)]
    fig = go.Figure([
        go.Bar(x=x, y=y0, name=_s(lang, "without_feedback"), marker_color=COLORS[5],
               hovertemplate="%{x}: %{y:.2%}<extra></extra>"),
        go.Bar(x=x, y=y1, name=_s(lang, "with_feedback"), marker_color=COLORS[1],
               hovertemplate="%{x}: %{y:.2%}<extra></extra>")])
    fig.update_layout(barmode="group")
    return _layout(fig, _s(lang, "c_decile"), lang, dict(title=dict(text=_s(lang, "x_decile"))),
                   dict(title=dict(text=_s(lang, "y_loss_share")), tickformat=".0%", rangemode="tozero"))


def margin_figure(result, s: dict, lang: str) -> go.Figure:
    xs, axis = _x(result, lang)
    fig = go.Figure([
        go.Scatter(x=xs, y=[v / 1e12 for v in s["margin_balance_by_day_without_feedback"]], mode="lines+markers",
                   name=_s(lang, "without_feedback"), line=dict(color=COLORS[5], dash="dot"),
                   hovertemplate="%{y:,.3f}<extra></extra>"),
        go.Scatter(x=xs, y=[v / 1e12 for v in s["margin_balance_by_day"]], mode="lines+markers",
                   name=_s(lang, "with_feedback"), line=dict(color=COLORS[0], width=2.4),
                   hovertemplate="%{y:,.3f}<extra></extra>")])
    return _layout(fig, _s(lang, "c_margin"), lang, axis, dict(title=dict(text=_s(lang, "y_krw")), rangemode="tozero"))


def prices_figure(result, s: dict, lang: str) -> go.Figure:
    from gaemi.colony.buckets import BUCKETS

    xs, axis = _x(result, lang)
    fig = go.Figure()
    k = 0
    for b in BUCKETS:
        with_fb = s["prices"]["with_feedback"][b]
        without = s["prices"]["without_feedback"][b]
        if b == "deposit" or (max(with_fb) == min(with_fb) == 1.0 and max(without) == min(without) == 1.0):
            continue
        color = PALETTE[k % len(PALETTE)]
        name = bucket_name(b, lang)
        fig.add_trace(go.Scatter(x=xs, y=with_fb, mode="lines", name=name, legendgroup=b,
                                 line=dict(color=color, width=2.2)))
        fig.add_trace(go.Scatter(x=xs, y=without, mode="lines", name=name, legendgroup=b, showlegend=False,
                                 line=dict(color=color, width=1.4, dash="dot")))
        k += 1
    return _layout(fig, _s(lang, "c_prices"), lang, axis, dict(title=dict(text=_s(lang, "y_level"))))


def forced_figure(result, s: dict, lang: str) -> go.Figure:
    from gaemi.colony.buckets import BUCKETS

    xs, axis = _x(result, lang)
    xs = xs[1:]
    fig = go.Figure()
    shown = 0
    for k, b in enumerate(BUCKETS):
        y = s["forced_sales_krw_by_day_and_bucket"][b]
        if not any(y):
            continue
        fig.add_trace(go.Bar(x=xs, y=[v / 1e12 for v in y], name=bucket_name(b, lang),
                             marker_color=PALETTE[k % len(PALETTE)], hovertemplate="%{y:,.4f}<extra></extra>"))
        shown += 1
    if not shown:  # no forced sale at all: draw the zero line so the chart is not empty
        fig.add_trace(go.Scatter(x=xs, y=[0.0] * len(xs), mode="lines+markers", name=_s(lang, "with_feedback"),
                                 line=dict(color=COLORS[0])))
    fig.update_layout(barmode="stack")
    return _layout(fig, _s(lang, "c_forced"), lang, axis, dict(title=dict(text=_s(lang, "y_krw")), rangemode="tozero"))


def amplification_figure(s: dict, lang: str) -> go.Figure:
    c = [p for p in s["amplification_curve"] if p["amplification"] is not None]
    x = [p["impact"] for p in c]
    y = [p["amplification"] for p in c]
    fig = go.Figure([go.Scatter(x=x, y=y, mode="lines+markers", name=_s(lang, "y_amp"),
                                line=dict(color=COLORS[0], width=2.2), marker=dict(size=8),
                                hovertemplate="%{x:g}: %{y:.4f}<extra></extra>")])
    me = [p for p in c if p["impact"] == s["impact"]]
    if me:
        fig.add_trace(go.Scatter(x=[me[0]["impact"]], y=[me[0]["amplification"]], mode="markers+text",
                                 text=[_s(lang, "this_run")], textposition="top center", name=_s(lang, "this_run"),
                                 marker=dict(color=COLORS[1], size=13, symbol="diamond")))
    return _layout(fig, _s(lang, "c_amp"), lang, dict(title=dict(text=_s(lang, "x_impact")), rangemode="tozero"),
                   dict(title=dict(text=_s(lang, "y_amp"))), legend=False)


def _names(text: str, name: str) -> str:
    """Escaped ``text`` with the identifier ``name`` set as code."""
    return _e(text).replace(_e(name), f'<code class="data-name">{_e(name)}</code>', 1) if name else _e(text)


def _figure_script(div_id: str, fig: go.Figure) -> str:
    payload = pio.to_json(fig, validate=False, pretty=False)
    payload = payload.replace("</", "<\\/").replace("<!--", "<\\!--")
    return (f'<script>(function(){{var f={payload};'
            f'Plotly.newPlot("{div_id}",f.data,f.layout,{json.dumps(PLOTLY_CONFIG)});}})();</script>')


# --------------------------------------------------------------------------- page
def render_colony_html(result, lang: str = "en") -> str:
    """The colony report page as a string (see :func:`write_colony_report`)."""
    from plotly.offline import get_plotlyjs

    from gaemi import __version__

    lang = check_lang(lang)
    s = result.summary()
    sh = result.shock
    if sh.kind == "history":
        name = _s(lang, "history_name", start=sh.dates[0], end=sh.dates[-1])
        title = _s(lang, "page_title", name=name)
        h1 = _e(title)
    else:  # a scenario's or a file's name is an identifier: set as code on the page
        title = _s(lang, "page_title", name=sh.name)
        h1 = _e(_s(lang, "page_title", name="\0")).replace("\0", f'<code class="data-name">{_e(sh.name)}</code>')
    if sh.kind == "file":  # the user's own name and title
        shock_html = _e(_s(lang, "shock_file", name="\0", title="\1", days=sh.days)).replace(
            "\0", f'<code class="data-name">{_e(sh.name)}</code>').replace(
            "\1", f'<span class="user-text">{_e(sh.title)}</span>')
    else:
        shock_html = _names(shock_line(result, lang), sh.name if sh.kind == "scenario" else "")
    warn = "".join(f"<li>{_e(w['message_ko'] if lang == 'ko' else w['message'])}</li>" for w in s["warnings"])
    warn_html = (f'<section class="card warnings" id="warnings"><h2>{_e(_s(lang, "warnings_heading"))}</h2>'
                 f'<ul class="warnings">{warn}</ul></section>\n') if warn else ""
    said = "".join(f"<li>{_e(x)}</li>" for x in sentences(s, lang))
    head = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td></tr>" for a, b in headline_rows(s, lang))

    def group_table(axis: str, heading: str) -> str:
        th = "".join(f"<th>{_e(_s(lang, k))}</th>" for k in GROUP_HEADER)
        body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>"
                       for row in group_rows(s, axis, lang))
        return (f'<h3>{_e(_s(lang, heading))}</h3><table class="groups" data-axis="{axis}"><thead><tr>{th}</tr>'
                f"</thead><tbody>{body}</tbody></table>")

    figs = [("chart-loss-decile", decile_figure(s, lang), "c_decile_note"),
            ("chart-margin-balance", margin_figure(result, s, lang), "c_margin_note"),
            ("chart-prices", prices_figure(result, s, lang), "c_prices_note"),
            ("chart-forced-sales", forced_figure(result, s, lang), "c_forced_note"),
            ("chart-amplification", amplification_figure(s, lang), "c_amp_note")]
    charts = "".join(f'<section class="chart"><div id="{div}" class="plot"></div><p>{_e(_s(lang, note))}</p>'
                     f"{_figure_script(div, fig)}</section>" for div, fig, note in figs)
    css = CSS % {"font": FONT} + CSS_COLONY
    return (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{css}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>\n</head>\n<body>\n<main>\n'
        f'<header><h1>{h1}</h1><p class="run">{shock_html}</p>'
        f'<p class="run">{_e(run_line(s, lang))}</p></header>\n'
        f"{warn_html}"
        f'<section class="card" id="summary"><h2>{_e(_s(lang, "summary_heading"))}</h2>'
        f'<ul class="sentences">{said}</ul></section>\n'
        f'<section id="headline"><h2>{_e(_s(lang, "table_heading"))}</h2><table class="headline"><thead><tr>'
        f'<th>{_e(_s(lang, "figure"))}</th><th>{_e(_s(lang, "value"))}</th></tr></thead><tbody>{head}</tbody>'
        f"</table></section>\n"
        f'<section id="groups">{group_table("by_decile", "by_decile_heading")}'
        f'{group_table("by_age_band", "by_age_heading")}{group_table("by_holder_type", "by_type_heading")}</section>\n'
        f'<section id="charts"><h2>{_e(_s(lang, "charts_heading"))}</h2>{charts}</section>\n'
        f"<footer><p>{_e(_s(lang, 'footer', version=__version__))}</p></footer>\n</main>\n</body>\n</html>\n"
    )


def write_colony_report(result, path: str | os.PathLike, lang: str = "en") -> Path:
    """Write the colony report (``lang``: "ko" or "en") to ``path`` atomically and return it; a
    bad target (a folder, a device, a symbolic link, a missing folder) is a ConfigError naming
    ``report`` (:mod:`gaemi.safe_write`)."""
    from gaemi.safe_write import atomic_write_text, check_target

    lang = check_lang(lang)
    check_target(path, "report")
    return atomic_write_text(path, render_colony_html(result, lang), field="report")
