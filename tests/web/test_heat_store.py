"""Heat from the server's own store: ``GET /api/heat?source=store`` equals ``gaemi heat --store
--json``, the heat page's store source draws the heat report's own figures (a single day as a
point) and says why a gauge has no value (the heat library's ``missing`` texts); without a store
the page says so and never shows the sample in its place."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app as cli_app
from test_pages import english_words, visible_text

runner = CliRunner()
DAYS = pd.to_datetime(["2024-01-02", "2024-01-03"])


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from gaemi.data.store import Instrument, Store

    p = tmp_path_factory.mktemp("heatstore") / "s.duckdb"
    upbit = Instrument("upbit:BTC/KRW", "price", "KRW", "24/7", "upbit", venue="upbit", base="BTC", quote="KRW")
    xrp = Instrument("upbit:XRP/KRW", "price", "KRW", "24/7", "upbit", venue="upbit", base="XRP", quote="KRW")
    with Store(p) as st:
        st.write([
            (upbit, pd.DataFrame({"date": DAYS, "close": [60e6, 61e6], "turnover": [300e9, 200e9], "volume": np.nan})),
            (xrp, pd.DataFrame({"date": DAYS, "close": [800, 800], "turnover": [600e9, 300e9], "volume": np.nan})),
            # KOSPI on one day only: the turnover ratio has a single value (drawn as a point)
            (Instrument("krx:KOSPI", "price", "KRW", "XKRX", "krx"),
             pd.DataFrame({"date": DAYS[:1], "close": [2600.0], "turnover": [10e12]})),
        ])
    return p


@pytest.fixture()
def with_store(client, store, monkeypatch):
    monkeypatch.setenv("GAEMI_STORE", str(store))
    client.cookies.clear()
    yield client
    client.cookies.clear()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_api_heat_from_the_store_equals_the_cli(with_store, store, lang):
    r = with_store.get(f"/api/heat?source=store&lang={lang}")
    assert r.status_code == 200, r.text
    cli = runner.invoke(cli_app, ["heat", "--store", str(store), "--json", "--lang", lang])
    assert cli.exit_code == 0, cli.output
    assert r.json() == json.loads(cli.stdout)
    assert r.json()["source"].startswith("store") and "kimchi_premium" in r.json()["missing"]
    assert with_store.get(f"/api/heat?source=auto&lang={lang}").json() == r.json()  # auto: the store exists


def test_api_store_without_a_store_is_refused_not_the_sample(client):
    r = client.get("/api/heat?source=store")  # the fixtures' GAEMI_STORE does not exist
    assert r.status_code == 422 and r.json()["error"]["field"] == "source"
    assert client.get("/api/heat?source=auto").json()["source"] == client.get("/api/heat?source=sample").json()["source"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_heat_page_store_source_draws_the_reports_figures_and_says_why(with_store, store, lang):
    from gaemi.heat import GAUGES, heat_from_store
    from gaemi.reports.heat_report import gauge_figure

    res = heat_from_store(store, lang=lang)
    r = with_store.get(f"/heat?source=store&lang={lang}")
    assert r.status_code == 200
    if lang == "ko":
        assert not english_words(r.text), english_words(r.text)
    assert 'id="source-store" aria-current="page"' in r.text
    drawn = [g for g in GAUGES if len(res.series[g])]
    assert set(drawn) == {"turnover_ratio", "altcoin_share_kr"}
    for g in GAUGES:
        m = re.search(rf'<script type="application/json" id="fig-chart-heat-{g}">(.*?)</script>', r.text, re.S)
        if g in drawn:
            got = json.loads(m.group(1))
            want = json.loads(gauge_figure(res, g, lang).to_json())
            assert got["data"] == want["data"] and got["layout"]["title"] == want["layout"]["title"]
        else:
            assert m is None
            box = re.search(rf'<section class="chart" id="gauge-{g}">(.*?)</section>', r.text, re.S).group(1)
            text = re.sub(r"<[^>]+>", "", box).replace("`", "")
            assert res.missing[g][lang].replace("`", "") in text, (g, text)
    single = json.loads(re.search(r'id="fig-chart-heat-turnover_ratio">(.*?)</script>', r.text, re.S).group(1))
    assert any("markers" in t.get("mode", "") for t in single["data"])  # one day: a point
    assert "2024-01-02" in visible_text(r.text)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_heat_page_without_a_store_says_so_and_shows_no_sample(client, lang):
    client.cookies.clear()
    r = client.get(f"/heat?source=store&lang={lang}")
    assert r.status_code == 200
    assert 'id="heat-reason"' in r.text and "gaemi data fetch upbit" in r.text
    assert "chart-heat-" not in r.text and 'id="heat-table"' not in r.text
    if lang == "ko":
        assert not english_words(r.text), english_words(r.text)
    sample = client.get(f"/heat?lang={lang}")  # the default source is still the sample
    assert 'id="fig-chart-heat-kimchi_premium"' in sample.text and 'id="heat-reason"' not in sample.text


def test_heat_page_sample_uses_the_reports_figure(client):
    from gaemi.heat import heat_from_sample
    from gaemi.reports.heat_report import gauge_figure

    res = heat_from_sample(lang="ko")
    r = client.get("/heat?lang=ko")
    got = json.loads(re.search(r'id="fig-chart-heat-kimchi_premium">(.*?)</script>', r.text, re.S).group(1))
    assert got["layout"]["title"] == json.loads(gauge_figure(res, "kimchi_premium", "ko").to_json())["layout"]["title"]
