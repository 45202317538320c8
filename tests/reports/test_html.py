"""The HTML file itself: self-contained, written atomically, bad input refused (no browser needed)."""

from __future__ import annotations

import os
import re

import pytest
from plotly.offline import get_plotlyjs

from gaemi.errors import ConfigError
from gaemi.reports import html as report_html
from gaemi.reports import render_html, render_report
from gaemi.reports.html import CHART_IDS, headline_table


@pytest.fixture(scope="module")
def page_ko(mc_fund, odds):
    return render_html([mc_fund], lang="ko", odds=odds)


def _without_plotly(page: str) -> str:
    js = get_plotlyjs()
    assert page.count(js) == 1, "plotly.js must be embedded inline exactly once"
    return page.replace(js, "")


def test_plotly_embedded_once_and_nothing_fetched(page_ko):
    rest = _without_plotly(page_ko)
    assert "Plotly.newPlot" in rest
    assert not re.search(r"<script[^>]*\bsrc\s*=", page_ko), "no external scripts"
    assert not re.search(r"<link\b", rest) and "@import" not in rest and "url(" not in rest
    assert not re.search(r"https?://", rest), "no addresses outside plotly.js's own source"
    assert '<html lang="ko">' in page_ko and '<meta charset="utf-8">' in page_ko


def test_every_chart_of_a_full_report(page_ko):
    for div in CHART_IDS:
        assert f'id="{div}"' in page_ko
        assert f'Plotly.newPlot("{div}"' in page_ko


def test_charts_that_do_not_apply_are_left_out(mc_margin):
    page = render_html([mc_margin], lang="en")
    assert 'id="chart-odds"' not in page and 'id="chart-drag"' not in page
    for div in ("chart-fan", "chart-goal-by-year", "chart-end-wealth", "chart-drawdown"):
        assert f'id="{div}"' in page


def test_user_text_is_escaped(mc_fund):
    import dataclasses

    plan = mc_fund.plan.model_copy(update={"title": '<script>alert("x")</script> & </script>'})
    page = render_html([dataclasses.replace(mc_fund, plan=plan)], lang="en", title="</script><b>t</b>")
    rest = _without_plotly(page)
    assert '<script>alert("x")' not in rest and "<b>t</b>" not in rest
    assert "&lt;script&gt;alert(&quot;x&quot;)" in rest


def test_headline_table_shows_summary_figures(mc_fund, mc_margin):
    header, rows = headline_table([mc_fund, mc_margin], "en")
    assert header == ["Figure", "tqqq-salary", "all-in-margin"]
    by_label = {r[0]: r[1:] for r in rows}
    s = mc_margin.summary()
    assert by_label["Home within 10 years"][1] == f"{100 * s['p_goal']:.1f}%"
    assert by_label["Force-sold at least once"] == ["0.0%", f"{100 * s['p_forced_sale']:.1f}%"]
    assert by_label["Net wealth at the end (5% / median / 95%)"][0].split(" / ")[1] == "1,106M KRW"
    ko_header, ko_rows = headline_table([mc_fund], "ko")
    assert ko_header[0] == "항목"
    assert any(r[0].startswith("최종 순자산") and "11.1억" in r[1] for r in ko_rows)
    assert any("변동성 끌림" in r[0] for r in ko_rows)  # the fund plan's drag row


def test_render_report_writes_atomically(tmp_path, mc_fund):
    out = render_report([mc_fund], tmp_path / "r.html", lang="en")
    assert out == tmp_path / "r.html" and out.stat().st_size > 1_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]
    assert render_report(mc_fund, str(tmp_path / "single.html")).exists()  # one result, str path


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, mc_fund):
    target = tmp_path / "r.html"
    target.write_text("old")

    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(report_html.os, "replace", broken)
    with pytest.raises(ConfigError, match="disk full") as err:  # one clear error, not a traceback
        render_report([mc_fund], target, lang="ko")
    assert err.value.field == "report"
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["r.html"]


def test_bad_input_is_a_config_error(tmp_path, mc_fund):
    with pytest.raises(ConfigError) as err:
        render_report([mc_fund], tmp_path / "r.html", lang="jp")
    assert err.value.field == "lang" and err.value.allowed == "ko or en"
    with pytest.raises(ConfigError):
        render_report([], tmp_path / "r.html")
    with pytest.raises(ConfigError):
        render_report(["not a result"], tmp_path / "r.html")
    with pytest.raises(ConfigError):
        render_report([mc_fund], tmp_path / "r.html", odds="no")
    with pytest.raises(ConfigError):
        render_report([mc_fund], tmp_path / "missing" / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_fan_bands_choose_quantile_columns_or_use_the_metrics_function(mc_fund, rolling_margin):
    import numpy as np

    from gaemi.reports.figures import fan_quantiles

    q = fan_quantiles(mc_fund)  # Monte Carlo: the result's own quantile columns, untouched
    assert list(q.columns) == ["p5", "p25", "p50", "p75", "p95"]
    assert q.equals(mc_fund.to_frame()[list(q.columns)])
    frame = rolling_margin.to_frame()  # history: months x windows
    q = fan_quantiles(rolling_margin)
    complete = frame.notna().all(axis=1)
    assert list(q.index) == list(frame.index[complete])  # a month only some windows reach is left out
    assert np.allclose(q["p50"], frame[complete].median(axis=1))


# --------------------------------------------------------------------------- issue 13: words, odds, history
def test_headline_table_says_ever_and_end_apart(mc_fund):
    s = mc_fund.summary()
    _, rows = headline_table([mc_fund], "en")
    by_label = {r[0]: r[1] for r in rows}
    assert by_label["Fell to the wipe-out line (10% of money put in) at some point"] == f"{100 * s['p_wipeout_ever']:.1f}%"
    assert by_label["Ended wiped out (at or below the wipe-out line at the end)"] == f"{100 * s['p_wipeout_end']:.1f}%"
    assert by_label["Fell to the ruin floor (20% of money put in) at some point"] == f"{100 * s['p_ruin_floor_ever']:.1f}%"
    assert by_label["Ended at or below the ruin floor"] == f"{100 * s['p_ruin_floor_end']:.1f}%"
    _, ko = headline_table([mc_fund], "ko")
    labels = [r[0] for r in ko]
    assert "한때 깡통선(넣은 돈의 10%)까지 떨어짐" in labels and "끝내 깡통계좌로 끝남 (마지막에 깡통선 이하)" in labels
    assert "한때 손실 한계선(넣은 돈의 20%)까지 떨어짐" in labels and "끝내 손실 한계선 이하로 끝남" in labels


def test_one_name_per_threshold():
    """The ruin floor is "ruin floor" / "손실 한계선", the wipe-out line "wipe-out line" / "깡통선",
    in every table, sentence and chart string; the old names are gone."""
    from gaemi.reports.i18n import STRINGS

    ko = {k: v for k, v in STRINGS["ko"].items() if isinstance(v, str)}
    en = {k: v for k, v in STRINGS["en"].items() if isinstance(v, str)}
    for k, v in ko.items():
        for old in ("파산선", "하락선", "파산", "이하만 남음", "가장 유리"):
            assert old not in v, (k, old)
    for k, v in en.items():
        assert "all but wiped out" not in v and "best for the home" not in v, k
    for k in ("s_floor_ever", "b_floor_yes", "r_floor_ever", "ruin_line", "end_caption", "p_ruin"):
        assert "손실 한계선" in ko[k] and "ruin floor" in en[k], k
    for k in ("s_wipe_ever", "b_wipeout", "r_wipe_ever", "r_wipe_end"):
        assert "깡통선" in ko[k] and "wipe-out line" in en[k], k


def test_odds_sentences_pair_home_and_ruin_and_never_crown_by_home_alone(odds):
    from gaemi.reports.html import odds_sentences

    en = odds_sentences(odds, "en")
    assert en[0] == ("Your plan as it is (3x exposure), over these simulated futures: the home in 15 of 100; ruin "
                     "(a forced sale, the ruin floor or debt) in 50 of 100.")
    # 1.5x has the most home (36 in 100) but ruin 6 % > 5 %: 1.25x (30 in 100, ruin 4 %) is marked
    assert en[1] == ("Keeping ruin at or below 5%, the exposure with the best chance of the home was 1.25x: "
                     "the home in 30 of 100, ruin in 4 of 100.")
    assert "Kelly" in en[-1]
    ko = odds_sentences(odds, "ko")
    assert ko[0].startswith("지금 계획 그대로(노출 3배)라면") and "내 집 마련 100번 중 15번" in ko[0]
    assert "위험을 5% 이하로 지키는 노출 중 내 집 마련 확률이 가장 높은 것은 1.25배" in ko[1]
    page = render_html([mc_fund_for_odds()], lang="ko", odds=odds)
    assert "가장 유리" not in page and "best for the home" not in page
    import dataclasses

    none = dataclasses.replace(odds, best_within_ruin_limit=None, ruin_limit=0.001, p_ruin=odds.p_ruin + 0.01)
    assert "No exposure tried kept ruin at or below 0.1%, so none is marked." in odds_sentences(none, "en")
    zero = dataclasses.replace(odds, p_ruin=odds.p_ruin * 0)
    assert "ruin (a forced sale, the ruin floor or debt) in none." in odds_sentences(zero, "en")[0]
    nohome = dataclasses.replace(odds, best_within_ruin_limit=None)  # points within the limit, none reaches home
    assert "No exposure that keeps ruin at or below 5% reached the home in any future." in odds_sentences(nohome, "en")
    assert "위험(반대매매·손실 한계선 도달·빚) 한 번도 없음" in odds_sentences(zero, "ko")[0]
    assert "100번 중 0번" not in " ".join(odds_sentences(zero, "ko"))


def mc_fund_for_odds():
    from tests.reports.conftest import make_result

    return make_result("tqqq-salary")


def test_odds_chart_marks_the_plan_and_the_limit(odds):
    from gaemi.reports.figures import odds_chart

    fig = odds_chart(odds, "en")
    names = [t.name for t in fig.data]
    assert names[:2] == ["home within the period", "ruin: forced sale, ruin floor or debt"]
    notes = [a.text for a in fig.layout.annotations]
    assert "your plan: 3x" in notes and "best home odds with ruin at most 5%: 1.25x" in notes
    assert "ruin limit 5%" in notes and not any("best for the home" in n for n in notes)
    shapes = fig.layout.shapes
    assert any(sh.type == "line" and sh.y0 == 0.05 == sh.y1 for sh in shapes)  # the ruin limit
    assert {round(sh.x0, 6) for sh in shapes if sh.x0 == sh.x1} >= {3.0, 1.25}


def test_history_and_warnings_at_the_top(monkeypatch):
    from gaemi.results.simulation import SimulationResult
    from tests.reports.conftest import make_result
    from tests.reports.test_sentences import HISTORY, WARNINGS

    original = SimulationResult.summary
    monkeypatch.setattr(SimulationResult, "summary", lambda self: {**original(self), "history": HISTORY,
                                                                   "warnings": WARNINGS})
    res = make_result("all-in-margin")
    en = render_html([res], lang="en")
    assert "History behind these numbers: 2017-11-09 ~ 2025-09-30, 7.9 years, 1,985 sessions, limited by doge" in en
    top = en.index('id="warnings"')
    assert top < en.index('id="summary"') < en.index('id="headline"')
    assert '<li data-code="short_history">Only 7.9 years of history.</li>' in en
    assert '<li data-code="no_major_drawdown">doge never fell 80%.</li>' in en
    ko = render_html([res], lang="ko")
    assert "바탕이 된 과거 데이터: 2017-11-09 ~ 2025-09-30, 7.9년, 1,985 거래일" in ko
    assert "과거 데이터가 7.9년뿐입니다." in ko and "Only 7.9 years" not in ko
    assert '<code class="data-name">doge</code>는 80% 넘게 떨어진 적이 없습니다.' in ko
    assert ko.index('id="warnings"') < ko.index('id="summary"')
    monkeypatch.setattr(SimulationResult, "summary", lambda self: {**original(self), "history": None, "warnings": []})
    assert 'id="warnings"' not in render_html([res], lang="en")
