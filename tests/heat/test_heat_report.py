"""The heat report's page and figures, without a browser (the browser test opens them)."""

from __future__ import annotations

import re

import pytest

from gaemi.heat import GAUGES, heat_from_sample
from gaemi.heat import text as T
from gaemi.reports import heat_report as H
from gaemi.reports.heat_report import (
    STRINGS,
    chart_id,
    gauge_figure,
    render_heat_html,
    write_heat_report,
)


def test_strings_have_the_same_keys_in_both_languages():
    assert set(STRINGS["ko"]) == set(STRINGS["en"])
    for table in (T.NAMES, T.AXES, T.COLUMNS, T.NEEDS_SAMPLE, T.NEEDS_STORE, T.TITLES_SAMPLE):
        assert all(set(v) == {"en", "ko"} for v in table.values())
    assert set(T.NAMES) == set(GAUGES) == set(T.NEEDS_SAMPLE) == set(T.NEEDS_STORE)


def test_a_single_day_is_a_point_with_its_date_on_a_date_axis():
    res = heat_from_sample("2021-03-01", "2021-03-31")
    fig = gauge_figure(res, "leveraged_share", "en")
    ax = fig.layout.xaxis
    assert ax.type == "date"
    assert list(ax.range) == ["2021-03-15", "2021-04-04"]  # padded 10 days each side, not a sub-ms axis
    point = fig.data[1]
    assert point.mode == "markers+text" and list(point.x) == ["2021-03-25"]
    assert point.text[0] == "2021-03-25: " + H.pct(res.series["leveraged_share"].iloc[0])
    assert {s.value for s in ax.tickformatstops} == {"%Y-%m-%d", "%Y-%m", "%Y"}
    # a month of days is a line on its own dates, not padded
    fig = gauge_figure(res, "kimchi_premium", "en")
    assert fig.layout.xaxis.range is None and len(fig.data) == 1 and fig.data[0].mode == "lines"


def test_a_hole_of_years_breaks_the_line_and_short_runs_are_points():
    res = heat_from_sample()
    fig = gauge_figure(res, "kimchi_premium", "ko")
    xs = list(fig.data[0].x)
    k = xs.index(None)
    assert xs[k - 1:k + 2] == ["2022-11-30", None, "2025-07-28"]
    assert list(fig.data[1].x) == ["2025-07-28", "2025-07-29"] and fig.data[1].mode == "markers"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_chart_titles_are_the_results_titles(lang):
    res = heat_from_sample("2016-01-01", "2016-12-31")
    for g in GAUGES:
        if not len(res.series[g]):
            continue
        title = gauge_figure(res, g, lang).layout.title.text
        assert title.replace("<br>", " ") == res.title(g, lang)
    assert "(BTC + ETH + XRP + DOGE)" in gauge_figure(res, "altcoin_share_global", lang).layout.title.text


def test_page_language_toolbar_and_missing_card(tmp_path):
    res = heat_from_sample("2022-01-01")
    ko = render_heat_html(res, "ko")
    assert ko.startswith('<!doctype html>\n<html lang="ko">')
    assert '"displayModeBar": false' in ko  # no plotly toolbar
    assert 'id="missing"' in ko and 'data-gauge="leveraged_share"' in ko
    assert f'id="{chart_id("leveraged_share")}"' not in ko  # no chart for a gauge with no value
    assert '<code class="data-name">gaemi data fetch krx 122630 252670' in ko
    assert "<script src=" not in ko and "https://" not in re.sub(r"<script.*?</script>", "", ko, flags=re.DOTALL)
    path = write_heat_report(res, tmp_path / "h.html", "en")
    assert path.read_text(encoding="utf-8").startswith('<!doctype html>\n<html lang="en">')
