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
    with pytest.raises(OSError):
        render_report([mc_fund], target, lang="ko")
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
