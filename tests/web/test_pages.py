"""The HTML pages with FastAPI's test client: the form, inline errors in both languages, the
language cookie, the results, leverage, compare and heat pages, and no English word on a Korean page.

Runs are small (256-512 paths, 2-3 years, bootstrap). The app has the small limits of the web tests,
with a 10-year horizon allowed so the built-in plans' own horizon can be tried.
"""

from __future__ import annotations

import re
import string
import time
from html.parser import HTMLParser

import pytest

from gaemi.web import forms
from gaemi.web.words import LATIN_ALLOWED, WORDS

PAGES_LIMITS = dict(
    max_paths=1024, default_paths=256, max_years=10, max_work=60_000, max_compare_plans=4,
    max_leverage_points=8, max_concurrent_jobs=1, max_queued_jobs=8, max_body_bytes=16_384,
    cache_mb=64, max_jobs_kept=64, wait_seconds=120, models=("bootstrap",), warm=(),
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.fixture(scope="module")
def pages_app(hermetic_env):
    from gaemi.web.app import create_app
    from gaemi.web.settings import WebSettings

    return create_app(WebSettings(**PAGES_LIMITS))


@pytest.fixture(scope="module")
def pages_client(pages_app):
    from fastapi.testclient import TestClient

    with TestClient(pages_app) as c:  # the lifespan once: shutting it down stops the job pool
        yield c


@pytest.fixture()
def web(pages_client):
    """The module's client with no cookie yet (a new visitor)."""
    pages_client.cookies.clear()
    yield pages_client
    pages_client.cookies.clear()


# ----------------------------------------------------------------------------- helpers
class _Visible(HTMLParser):
    """Text a reader sees: not scripts, styles, code (series and plan names) or the CLI line."""

    VOID = {"input", "meta", "link", "br", "img", "hr", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        skip = tag in ("script", "style", "pre", "template") or "data-name" in (a.get("class") or "")
        self.stack.append(skip)
        if not any(self.stack):
            for k in ("title", "aria-label"):
                if a.get(k):
                    self.text.append(a[k])

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.text.append(data)


def visible_text(html: str) -> str:
    p = _Visible()
    p.feed(html)
    return " ".join(p.text)


def english_words(html: str) -> set[str]:
    """Latin words on a page outside the allow-list (units, acronyms, the switch's 'English')."""
    return {w for w in re.findall(r"[A-Za-z][A-Za-z\-]*", visible_text(html)) if w not in LATIN_ALLOWED}


def error_of(html: str, field: str) -> str | None:
    """The error shown next to ``field``: the ``#err-FIELD`` inside the field's own ``#f-FIELD`` box."""
    box = re.search(rf'<div class="field[^"]*" id="f-{re.escape(field)}"(.*?)</div>', html, re.S)
    where = box.group(1) if box else html
    m = re.search(rf'<p class="error" id="err-{re.escape(field)}"[^>]*>([^<]*)</p>', where)
    return m.group(1) if m else None


def job_id(resp) -> str:
    assert resp.status_code == 303, resp.text[:2000]
    loc = resp.headers["location"]
    assert loc.startswith("/results/")
    return loc.rsplit("/", 1)[1]


def wait_job(web, jid: str, timeout: float = 240) -> dict:
    t0 = time.time()
    while time.time() - t0 < timeout:
        st = web.get(f"/api/jobs/{jid}").json()
        if st["state"] in ("done", "error"):
            return st
        time.sleep(0.2)
    raise AssertionError(f"job {jid} did not finish")


def small(base: str = "all-in-margin", lang: str = "ko", **changes: str) -> dict:
    v = forms.defaults(base, lang)
    v.update({"horizon_years": "3", "paths": "256", "seed": "11"})
    v.update(changes)
    return v


# ----------------------------------------------------------------------------- words
def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_both_languages_have_the_same_keys_and_placeholders():
    assert set(WORDS["ko"]) == set(WORDS["en"])
    for key, en in WORDS["en"].items():
        assert _fields(en) == _fields(WORDS["ko"][key]), key


def test_korean_words_have_no_english_and_english_words_no_korean():
    examples = ("1억 4천만", "150만 원", "한국어")  # amounts as people type them; the switch's own name
    for key, ko in WORDS["ko"].items():
        stripped = re.sub(r"\{[^}]*\}", "", ko)
        words = set(re.findall(r"[A-Za-z][A-Za-z\-]*", stripped)) - LATIN_ALLOWED
        assert not words, (key, words)
    for key, en in WORDS["en"].items():
        for ex in examples:
            en = en.replace(ex, "")
        assert not HANGUL.search(en), key


def test_korean_words_follow_the_glossary():
    ko = " ".join(WORDS["ko"].values())
    for w in ("신용융자", "담보유지비율", "반대매매", "내 집 마련", "졸업", "생애최초 주택 구입자", "몬테카를로",
              "거래대금", "김치 프리미엄", "알트코인", "LTV (주택담보대출비율)", "DSR (총부채원리금상환비율"):
        assert w in ko, w


# ----------------------------------------------------------------------------- the form itself
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_unchanged_form_is_exactly_the_built_in_plan(lang):
    from gaemi.config.io import load_plan

    for base in forms.base_names():
        read = forms.read_form(forms.defaults(base, lang), lang)
        assert read.ok, (base, read.errors)
        assert read.plan == load_plan(base), base


def test_money_is_read_as_people_type_it_and_shown_back():
    v = small(capital="1억 4천만", monthly_saving="150만", price="11억 600만 원", income="7,000만")
    read = forms.read_form(v, "ko")
    assert read.ok, read.errors
    inv, goal = read.plan.investor, read.plan.goal
    assert (inv.capital, inv.monthly_saving, goal.price, goal.income) == (140_000_000, 1_500_000, 1_106_000_000,
                                                                        70_000_000)
    assert read.shown["capital"] == "1억 4,000만 원" and read.shown["monthly_saving"] == "150만 원"
    assert forms.read_form(small(lang="en", capital="1억 4천만"), "en").shown["capital"] == "140,000,000"


# ----------------------------------------------------------------------------- language
def test_korean_is_the_default_and_every_page_has_the_switch(web):
    for path in ("/", "/plan", "/leverage", "/compare", "/heat"):
        r = web.get(path)
        assert r.status_code == 200, path
        assert '<html lang="ko">' in r.text, path
        assert 'id="lang-switch" href="/lang/en?next=' in r.text, path
        assert not english_words(r.text), (path, english_words(r.text))


def test_every_built_in_plan_in_the_form_is_korean(web):
    for base in forms.base_names():
        r = web.get(f"/plan?base={base}")
        assert r.status_code == 200
        assert not english_words(r.text), (base, english_words(r.text))


def test_english_is_remembered_in_a_cookie(web):
    r = web.get("/plan?lang=en")
    assert '<html lang="en">' in r.text and "Starting capital" in r.text
    assert r.cookies.get("gaemi_lang") == "en"
    r = web.get("/heat")  # no query: the cookie
    assert '<html lang="en">' in r.text and "Market heat" in r.text
    r = web.get("/lang/ko?next=/compare", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/compare"
    assert '<html lang="ko">' in web.get("/compare").text


def test_the_switch_goes_back_only_to_this_site(web):
    for bad in ("//evil.example/x", "http://evil.example", "https:evil", "\\\\evil", ""):
        r = web.get("/lang/en", params={"next": bad}, follow_redirects=False)
        assert r.headers["location"] == "/plan", bad


# ----------------------------------------------------------------------------- errors next to their field
ERROR_CASES = [
    # field, changes, Korean words, English words
    ("capital", {"capital": "일억"}, "1억 4천만", "amount"),
    ("monthly_saving", {"monthly_saving": "-150만"}, "1억 4천만", "amount"),
    ("holdings", {"h0_weight": "90"}, "비중의 합이 100%", "add up to 100%"),
    ("maintenance_ratio", {"maintenance_ratio": "90"}, "100%보다 커야", "greater than 100%"),
    ("horizon_years", {"horizon_years": "0"}, "0보다 커야", "greater than 0"),
    ("h0_asset", {"h0_asset": "btc"}, "신용융자", "margin loan"),
    ("h0_leverage", {"h0_leverage": "9"}, "5 이하", "at most 5"),
    ("graduate", {"goal_kind": "none"}, "졸업하려면 목표", "Graduating needs a goal"),
    ("paths", {"paths": "5000"}, "1,024", "1,024"),
    ("preset", {"preset": "/etc/passwd"}, "목록에서", "Choose from the list"),
    ("h1_asset", {"h1_asset": "../../secret.csv", "h1_weight": "10"}, "목록에서", "Choose from the list"),
    ("saving_growth", {"saving_growth": "3 percent"}, "숫자를 입력", "Enter a number"),
    ("seed", {"seed": "-1"}, "0 이상의 정수", "whole number"),
    ("horizon_years", {"horizon_years": "12"}, "최대 10년", "At most 10 years"),  # the server's limit
]


@pytest.mark.parametrize("field, changes, ko, en", ERROR_CASES, ids=[c[0] + ":" + next(iter(c[1].values()))
                                                                    for c in ERROR_CASES])
def test_an_error_is_shown_next_to_its_field_in_the_page_language(web, field, changes, ko, en):
    for lang, expect in (("ko", ko), ("en", en)):
        r = web.post(f"/plan?lang={lang}", data=small(lang=lang, **changes), follow_redirects=False)
        assert r.status_code == 422, (lang, r.status_code)
        msg = error_of(r.text, field)
        assert msg and expect in msg, (lang, field, msg)
        assert 'id="form-errors"' in r.text
        assert f'aria-describedby="err-{field}"' in r.text or field in ("holdings", "graduate")
        if lang == "ko":
            assert not english_words(r.text), english_words(r.text)
            assert not any(error_of(r.text, f) for f in ("income", "price") if f != field)
        else:
            assert not HANGUL.search(msg.replace("1억 4천만", "").replace("150만 원", ""))
        for k, v in changes.items():  # what the person typed stays in the form
            if k in ("goal_kind", "preset", "h0_asset", "h1_asset"):
                continue
            assert f'value="{v}"' in r.text, (k, v)


def test_money_read_back_is_shown_when_the_form_comes_back(web):
    r = web.post("/plan", data=small(capital="1억 4천만", h0_weight="90"), follow_redirects=False)
    assert r.status_code == 422
    assert re.search(r'id="shown-capital">읽은 금액: 1억 4,000만 원<', r.text)
    assert 'value="1억 4천만"' in r.text


def test_garbage_forms_never_give_a_500(web):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    keys = ["base", "capital", "monthly_saving", "saving_growth", "h0_asset", "h0_weight", "h0_leverage",
            "margin_on", "loan_to_equity", "maintenance_ratio", "call_deadline_days", "forced_sale", "goal_kind",
            "price", "income", "preset", "goal_amount", "horizon_years", "graduate", "model", "scenario",
            "paths", "seed", "name"]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.dictionaries(st.sampled_from(keys), st.text(max_size=30), max_size=8))
    def check(changes):
        data = small(paths="1025")  # never runs: the paths limit refuses it after the plan is checked
        data.update(changes)
        r = web.post("/plan", data=data, follow_redirects=False)
        assert r.status_code in (303, 422), r.status_code

    check()


# ----------------------------------------------------------------------------- results
def test_results_page_korean_then_english(web, pages_app):
    from gaemi.config.lending import load_rules
    from gaemi.instruments.home_purchase import affordability
    from gaemi.reports.sentences import report_sentences

    v = small(capital="1억 4천만", monthly_saving="150만", h0_weight="70", h1_asset="sp500tr", h1_weight="30")
    jid = job_id(web.post("/plan", data=v, follow_redirects=False))
    assert wait_job(web, jid)["state"] == "done"
    job = pages_app.state.jobs.get(jid)
    plan = job.params["plan"]
    assert plan.investor.capital == 140_000_000 and [h.asset for h in plan.holdings] == ["ndxtr", "sp500tr"]
    result = job.objects["results"][0]

    r = web.get(f"/results/{jid}")
    assert r.status_code == 200 and '<html lang="ko">' in r.text
    assert not english_words(r.text), english_words(r.text)
    text = visible_text(r.text)
    for s in report_sentences(result, "ko"):  # the report's own sentences, not the page's
        assert re.sub(r"[A-Za-z_0-9]+", "", s)[:30] in re.sub(r"[A-Za-z_0-9]+", "", text)
    for div in ("chart-fan", "chart-goal-by-year", "chart-end-wealth", "chart-drawdown"):
        assert f'<div id="{div}" class="plot" data-fig="fig-{div}"' in r.text
        assert f'<script type="application/json" id="fig-{div}">' in r.text
    g = plan.goal
    binding = affordability(g.price, g.income, load_rules(g.preset), g.first_time_buyer).binding
    assert f'data-binding="{binding}"' in r.text
    assert f'href="/api/jobs/{jid}/report?lang=ko"' in r.text and f'href="/api/jobs/{jid}/plan.toml"' in r.text
    assert "--seed 11" in r.text and "--paths 256" in r.text and "--years 3" in r.text

    en = web.get(f"/results/{jid}?lang=en").text
    assert '<html lang="en">' in en and "In plain words" in en
    assert report_sentences(result, "en")[0].split(" (")[0] in visible_text(en)
    assert not HANGUL.search(visible_text(en).replace("한국어", ""))


def test_the_page_asks_the_api_its_own_question(web):
    """Same plan, seed and paths through the page and through POST /api/simulate: one job (the cache)."""
    read = forms.read_form(small(), "ko")
    jid = job_id(web.post("/plan", data=small(), follow_redirects=False))
    body = {"plan": read.plan.model_dump(mode="json", exclude_none=True), "paths": 256, "seed": 11}
    again = web.post("/api/simulate", json=body).json()
    assert again["id"] == jid


def test_progress_is_shown_while_the_job_waits(web):
    blocker = web.post("/api/odds", json={"plan": "all-in-margin", "leverage": "0:1.5:0.5", "paths": 1024,
                                          "years": 3, "seed": 5}).json()["id"]
    jid = job_id(web.post("/plan", data=small(seed="12"), follow_redirects=False))
    r = web.get(f"/results/{jid}")
    assert r.status_code == 200
    assert re.search(rf'id="progress" data-job="{jid}" data-state="(queued|running)"', r.text)
    assert '<script src="/static/app.js" defer></script>' in r.text and "chart-fan" not in r.text
    assert not english_words(r.text)
    wait_job(web, blocker)
    assert wait_job(web, jid)["state"] == "done"
    assert 'id="chart-fan"' in web.get(f"/results/{jid}").text


def test_unknown_job_is_a_404_page_in_the_page_language(web):
    r = web.get("/results/no-such-job")
    assert r.status_code == 404 and '<html lang="ko">' in r.text and "찾을 수 없습니다" in r.text
    assert "Not found" in web.get("/results/no-such-job?lang=en").text


def test_edit_this_plan_brings_the_form_back_as_typed(web):
    v = small(capital="1억 4천만", name="내계획")
    jid = job_id(web.post("/plan", data=v, follow_redirects=False))
    r = web.get(f"/plan?job={jid}")
    assert 'value="1억 4천만"' in r.text and 'value="내계획"' in r.text


# ----------------------------------------------------------------------------- leverage
def test_leverage_slider_points_are_the_servers_numbers(web, pages_app):
    from gaemi.reports.i18n import fmt_pct

    # a home the plan can reach in 3 years with some leverage: P(home) differs from point to point
    jid = job_id(web.post("/plan", data=small(price="6억"), follow_redirects=False))
    wait_job(web, jid)
    page = web.get(f"/leverage?job={jid}").text
    assert f'<option value="job:{jid}" selected>' in page
    r = web.post("/leverage", data={"plan": f"job:{jid}", "lev_from": "0", "lev_to": "2", "lev_step": "0.5",
                                    "paths": "256", "seed": "4"}, follow_redirects=False)
    oid = job_id(r)
    assert wait_job(web, oid)["state"] == "done"
    curve = pages_app.state.jobs.get(oid).objects["odds"]
    html = web.get(f"/results/{oid}").text
    assert not english_words(html), english_words(html)
    n = len(curve.leverages)
    assert f'id="odds-slider" min="0" max="{n - 1}" step="1" value="{curve.plan_point}"' in html
    points = re.findall(r'<dl class="odds-point" data-k="(\d+)" data-x="([^"]+)"[^>]*?( hidden)?>(.*?)</dl>',
                        html, re.S)
    assert len(points) == n
    homes = {re.search(r'class="v-home">([^<]*)<', body).group(1) for *_, body in points}
    ruins = {re.search(r'class="v-ruin">([^<]*)<', body).group(1) for *_, body in points}
    assert len(homes) > 2 and len(ruins) > 2, "a curve whose points all read the same cannot test the slider"
    for k, x, hidden, body in points:
        k = int(k)
        assert float(x) == pytest.approx(float(curve.leverages[k]))
        assert bool(hidden) == (k != curve.plan_point)
        home = re.search(r'class="v-home">([^<]*)<', body).group(1)
        ruin = re.search(r'class="v-ruin">([^<]*)<', body).group(1)
        assert home == fmt_pct(float(curve.p_goal[k]), 1) and ruin == fmt_pct(float(curve.p_ruin[k]), 1)
    assert 'id="chart-odds"' in html


def test_leverage_form_errors(web):
    base = {"plan": "all-in-margin", "lev_from": "2", "lev_to": "1", "lev_step": "0.5", "paths": "256", "seed": ""}
    r = web.post("/leverage", data=base)
    assert r.status_code == 422 and "2 이상" in error_of(r.text, "lev_to")
    r = web.post("/leverage?lang=en", data={**base, "lev_from": "0", "lev_to": "3", "lev_step": "0.1"})
    assert r.status_code == 422 and "at most 8 exposures" in error_of(r.text, "lev_step")
    r = web.post("/leverage?lang=ko", data={**base, "plan": "/etc/passwd", "lev_from": "0"})
    assert r.status_code == 422 and "목록에서" in error_of(r.text, "plan")


# ----------------------------------------------------------------------------- compare and heat
def test_compare_two_plans_side_by_side(web):
    mine = job_id(web.post("/plan", data=small(h0_weight="60", h1_asset="deposit", h1_weight="40"),
                           follow_redirects=False))
    wait_job(web, mine)
    page = web.get(f"/compare?job={mine}").text
    assert f'<option value="job:{mine}" selected>' in page
    r = web.post("/compare", data={"plan0": f"job:{mine}", "plan1": "safe", "paths": "256", "seed": "3"},
                 follow_redirects=False)
    jid = job_id(r)
    assert wait_job(web, jid)["state"] == "done"
    html = web.get(f"/results/{jid}").text
    assert not english_words(html), english_words(html)
    head = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    assert ">all-in-margin<" in head and ">safe<" in head
    assert f'href="/api/jobs/{jid}/plan.toml"' in html and f'href="/api/jobs/{jid}/plan.toml?index=1"' in html
    assert 'id="chart-fan"' in html and 'id="chart-end-wealth"' in html
    assert html.count('class="card binding"') == 2


def test_compare_needs_two_to_four_plans(web):
    r = web.post("/compare", data={"plan0": "safe", "paths": "256"})
    assert r.status_code == 422 and "2개에서 4개" in error_of(r.text, "plans")
    r = web.post("/compare", data={"plan0": "safe", "plan1": "../x.toml", "paths": "256"})
    assert r.status_code == 422 and "목록에서" in error_of(r.text, "plans")


def test_heat_page_draws_the_sample_gauges(web):
    from gaemi.heat import GAUGES

    r = web.get("/heat")
    assert r.status_code == 200 and not english_words(r.text), english_words(r.text)
    for g in GAUGES:
        assert f'data-gauge="{g}"' in r.text
    assert 'id="chart-heat-kimchi_premium"' in r.text and 'id="chart-heat-turnover_ratio"' in r.text
    assert "Kimchi" in web.get("/heat?lang=en").text


# ----------------------------------------------------------------------------- what the browser loads
def test_pages_load_only_the_servers_own_files_and_no_inline_code(web):
    r = web.get("/static/plotly.min.js")
    assert r.status_code == 200 and r.text.startswith("/**\n* plotly.js") and "javascript" in r.headers["content-type"]
    css = web.get("/static/plotly.css").text
    assert ".js-plotly-plot .plotly .cursor-crosshair" in css and css.count("{") > 40
    for bad in ("/static/pages.py", "/static/..%2Fpages.py", "/static/%2e%2e/words.py"):
        assert web.get(bad).status_code == 404, bad
    jid = job_id(web.post("/plan", data=small(), follow_redirects=False))
    wait_job(web, jid)
    for path in ("/plan", "/heat", f"/results/{jid}", "/leverage", "/compare"):
        r = web.get(path)
        assert "script-src 'self'" in r.headers["content-security-policy"]
        for tag in re.findall(r"<script\b[^>]*>", r.text):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"<[^>]+\son[a-z]+=", r.text), path  # no inline event handlers
        assert not re.search(r"<[^>]+\sstyle=", r.text), path  # no inline style (CSP style-src 'self')
        assert not re.search(r'(src|href)="(https?:)?//', r.text), path  # nothing from another site


def test_a_failed_job_is_said_in_the_page_language(web, pages_app):
    from gaemi.errors import ConfigError

    jobs = pages_app.state.jobs
    original = jobs.runners["simulate"]

    def fails(params, progress):
        raise ConfigError("horizon_years", "10 years", "a horizon that fits in the history")

    jobs.runners["simulate"] = fails
    try:
        jid = job_id(web.post("/plan", data=small(seed="99"), follow_redirects=False))
        assert wait_job(web, jid)["state"] == "error"
    finally:
        jobs.runners["simulate"] = original
    r = web.get(f"/results/{jid}")
    assert r.status_code == 200 and 'id="job-error"' in r.text and "계산하지 못했습니다" in r.text
    assert '<code class="data-name">horizon_years</code>' in r.text and f'href="/plan?job={jid}"' in r.text
    assert not english_words(r.text), english_words(r.text)
    en = web.get(f"/results/{jid}?lang=en").text
    assert "The run failed" in en and "a horizon that fits in the history" in en


def test_the_form_offers_only_the_models_this_server_runs(web):
    html = web.get("/plan").text
    offered = re.findall(r'<option value="(\w+)"[^>]*>[^<]*</option>', re.search(
        r'<select id="model".*?</select>', html, re.S).group(0))
    assert offered == ["bootstrap"]


def test_the_form_starts_with_the_servers_default_number_of_futures(web):
    assert 'id="paths" name="paths" value="256"' in web.get("/plan?base=safe").text
