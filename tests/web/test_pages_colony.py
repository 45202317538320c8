"""The colony page (/colony) with FastAPI's test client: Korean by default with no English word,
English on the switch, the navigation link, a scenario and a pasted or uploaded shock run as the
API's own job, errors next to their field (a shock that is not TOML, a bad bucket, too many
investors) in both languages, and the result drawn from the colony report's own rows and figures."""

from __future__ import annotations

import json
import re
import time

import pytest

from test_pages import english_words, error_of, visible_text

SHOCK_TOML = 'name = "theme-crash"\ndays = 3\n[returns]\nkosdaq_theme = [-0.15, -0.12, -0.10]\n'


@pytest.fixture()
def web(client):
    client.cookies.clear()
    yield client
    client.cookies.clear()


def finish(web, loc: str, lang: str = "ko") -> str:
    t0 = time.time()
    while time.time() - t0 < 120:
        html = web.get(loc + ("?lang=en" if lang == "en" else "")).text
        if 'id="progress"' not in html:
            return html
        time.sleep(0.2)
    raise AssertionError("the colony job did not finish")


def test_colony_page_korean_english_and_in_the_navigation(web):
    r = web.get("/colony")
    assert r.status_code == 200 and '<html lang="ko">' in r.text
    assert not english_words(r.text), english_words(r.text)
    text = visible_text(r.text)
    assert "개미 집단" in text and "반대매매" in text and "신용융자" in text
    assert 'name="shock_file"' in r.text and 'enctype="multipart/form-data"' in r.text
    assert "5,000" in text  # the server's investor limit is said
    for page in ("/plan", "/heat", "/colony"):
        assert 'href="/colony"' in web.get(page).text
    en = web.get("/colony?lang=en")
    assert '<html lang="en">' in en.text and "Colony stress test" in en.text and "개미" not in visible_text(en.text)


def test_scenario_runs_as_the_apis_job_and_shows_the_reports_charts(web):
    from gaemi.reports import colony_report as C

    r = web.post("/colony", data={"source": "scenario", "scenario": "covid-2020", "impact": "2",
                                  "investors": "1,500", "seed": "7"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    jid = r.headers["location"].rsplit("/", 1)[1]
    api = web.post("/api/colony", json={"scenario": "covid-2020", "impact": 2, "investors": 1500, "seed": 7})
    assert api.json()["id"] == jid  # one question, one job
    html = finish(web, r.headers["location"])
    assert not english_words(html), english_words(html)
    res = web.app.state.jobs.get(jid).objects["colony"]
    s = res.summary()
    for label, value in C.headline_rows(s, "ko"):
        assert label in html and value.replace("→", "→") in visible_text(html), (label, value)
    ids = re.findall(r'<div id="(chart-[a-z-]+)" class="plot"', html)
    assert ids == list(C.CHART_IDS)
    figs = {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" id="fig-(chart-[a-z-]+)">(.*?)</script>', html, re.S)}
    want = json.loads(C.decile_figure(s, "ko").to_json())
    assert figs["chart-loss-decile"]["data"][0]["y"] == want["data"][0]["y"]
    assert figs["chart-margin-balance"]["layout"]["title"]["text"] == C._s("ko", "c_margin")
    assert f'/api/jobs/{jid}/report?lang=ko' in html
    assert not re.search(r"<script(?![^>]*(src=|type=\"application/json\"))", html)  # no inline code (CSP)
    en = finish(web, r.headers["location"], "en")
    assert C.headline_rows(s, "en")[0][0] in en


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_shock_errors_are_next_to_their_field(web, lang):
    q = "?lang=en" if lang == "en" else ""
    bad = web.post("/colony" + q, data={"source": "shock", "shock_text": "days = [", "investors": "1000"})
    assert bad.status_code == 422
    assert error_of(bad.text, "shock") == ("충격 내용을 읽을 수 없습니다 (TOML 형식이 아님)" if lang == "ko"
                                           else "The shock cannot be read (not TOML)")
    wrong = web.post("/colony" + q, data={"source": "shock", "investors": "1000",
                                          "shock_text": "days = 2\n[returns]\nkosdaq_theme = [-0.1]\n"})
    assert wrong.status_code == 422
    box = re.search(r'<p class="error" id="err-shock"[^>]*>(.*?)</p>', wrong.text).group(1)
    assert '<code class="data-name">returns.kosdaq_theme' in box
    assert "days" in wrong.text  # what was typed stays
    over = web.post("/colony" + q, data={"source": "scenario", "scenario": "covid-2020", "investors": "5001",
                                         "impact": "-1"})
    assert over.status_code == 422 and "5,000" in error_of(over.text, "investors")
    assert error_of(over.text, "impact")
    odd = web.post("/colony" + q, data={"source": "scenario", "scenario": "../etc/passwd"})
    assert odd.status_code == 422 and error_of(odd.text, "scenario")
    if lang == "ko":
        for page in (bad, wrong, over, odd):
            assert not english_words(page.text), english_words(page.text)


def test_pasted_and_uploaded_shock_give_the_apis_numbers(web):
    import tomllib

    pasted = web.post("/colony", data={"source": "shock", "shock_text": SHOCK_TOML, "investors": "1000",
                                       "seed": "3"}, follow_redirects=False)
    assert pasted.status_code == 303, pasted.text[:2000]
    uploaded = web.post("/colony", data={"source": "scenario", "scenario": "covid-2020", "investors": "1000",
                                         "seed": "3"}, files={"shock_file": ("mine.toml", SHOCK_TOML.encode())},
                        follow_redirects=False)
    assert uploaded.status_code == 303  # a file given wins over the scenario
    assert uploaded.headers["location"] == pasted.headers["location"]
    api = web.post("/api/colony?wait=true", json={"shock": tomllib.loads(SHOCK_TOML), "investors": 1000, "seed": 3})
    assert "/" + api.json()["id"] == pasted.headers["location"][len("/results"):]
    html = finish(web, pasted.headers["location"])
    assert '<code class="data-name">theme-crash</code>' in html and not english_words(html)
    assert api.json()["result"]["shock"]["kind"] == "file"
