"""The web app end to end in a real headless Chromium (Debian's /usr/bin/chromium, Playwright).

A uvicorn server runs the app on 127.0.0.1 (a free port, in a thread). Every request the browser
makes is recorded and any that leaves the server is blocked and fails the test; the console must
stay free of errors (the app's CSP would report an inline script or style there). A person's own
plan is typed in Korean units (``1억 4천만``), run, its progress shown, its charts drawn; the
language is switched to English and back; a validation error appears next to its field; the
leverage slider moves between the server's points; two plans are compared; the report and the plan
TOML are downloaded and the TOML gives the same numbers through the CLI; and the pages work on a
390 px wide phone screen.

Screenshots go to ``GAEMI_PAGES_SCREENSHOTS`` (a folder) if set, else to a pytest temporary folder
(its path is printed). Small runs (256-512 paths, 5 years) keep the module near a minute or two on
2 shared cores.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from tests.chromium import ARGS, CHROMIUM

LIMITS = dict(max_paths=1024, default_paths=256, max_years=10, max_work=60_000, max_compare_plans=4,
              max_leverage_points=8, max_concurrent_jobs=1, max_queued_jobs=8, max_body_bytes=16_384,
              cache_mb=64, max_jobs_kept=64, wait_seconds=120, models=("bootstrap",), warm=())
FIRST_RUN_S = 300_000  # ms: the first job loads (or on a fresh cache compiles) the engine's kernels
CHARTS = ("chart-fan", "chart-goal-by-year", "chart-end-wealth", "chart-drawdown")

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM),
                                reason=f"{CHROMIUM} is missing (Debian package 'chromium'; .ci/run installs it)")


@pytest.fixture(scope="module")
def server(hermetic_env):
    """(base URL, app) of a uvicorn server on 127.0.0.1 and a free port, for this module."""
    import uvicorn

    from gaemi.web.app import create_app
    from gaemi.web.settings import WebSettings

    app = create_app(WebSettings(**LIMITS))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    t = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    t.start()
    t0 = time.time()
    while not srv.started:
        assert time.time() - t0 < 30 and t.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", app
    srv.should_exit = True
    t.join(15)
    sock.close()


SHOTS_DIR = os.environ.get("GAEMI_PAGES_SCREENSHOTS")  # read before the fixtures clear GAEMI_WEB_*


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    d = SHOTS_DIR
    path = Path(d) if d else tmp_path_factory.mktemp("web-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nweb screenshots: {path}")
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    """A browser context on the server that records requests, blocks other hosts, collects errors."""

    def __init__(self, browser, base: str, width: int = 1280, height: int = 900, downloads: bool = False) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block",
                                           accept_downloads=downloads)
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

        def route(r):
            url = r.request.url
            if url.startswith(base + "/") or url == base or url.startswith(("data:", "blob:")):
                r.continue_()
            else:
                self.blocked.append(url)
                r.abort()

        self.context.route("**/*", route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def check_clean(self, refused_forms: int = 0) -> None:
        """No request left the server and the console has no error. ``refused_forms``: how many
        form posts were answered 422 on purpose (the browser logs each such answer as an error)."""
        assert not self.blocked, f"requests outside the server: {self.blocked}"
        assert all(u.startswith((self.base, "data:", "blob:")) for u in self.requests), self.requests
        refused = [e for e in self.errors if "status of 422" in e]
        assert len(refused) == refused_forms, self.errors
        others = [e for e in self.errors if "status of 422" not in e]
        assert not others, f"console errors: {others}"

    def wait_charts(self, ids=CHARTS, timeout: float = 60_000) -> None:
        for div in ids:
            self.page.wait_for_selector(f"#{div} svg.main-svg", state="attached", timeout=timeout)
            assert self.page.locator(f"#{div} svg.main-svg").count() >= 1

    def lang(self) -> str:
        return self.page.evaluate("document.documentElement.lang")

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def state() -> dict:
    return {}


def fill_own_plan(page, capital: str = "1억 4천만") -> None:
    """A plan of one's own, typed as people type it, starting from the margin plan's defaults."""
    page.fill("#capital", capital)
    page.fill("#monthly_saving", "150만")
    page.fill("#h0_weight", "70")
    page.select_option("#h1_asset", "sp500tr")
    page.fill("#h1_weight", "30")
    page.fill("#price", "9억 5천만")
    page.fill("#income", "8천만")
    page.fill("#horizon_years", "5")
    page.fill("#name", "my-plan")
    page.fill("#paths", "512")
    page.fill("#seed", "2024")


def test_own_plan_runs_with_progress_then_charts(server, browser, shots, state):
    import httpx

    base, app = server
    # occupy the one worker, so the page's own job visibly waits and runs (progress) before its result
    blocker = httpx.post(base + "/api/odds", json={"plan": "all-in-margin", "leverage": "0:1.5:0.5", "paths": 1024,
                                                   "years": 3, "seed": 5}).json()["id"]
    v = Visit(browser, base)
    v.goto("/plan")
    assert v.lang() == "ko" and v.page.locator("h1").inner_text() == "내 계획"
    v.page.screenshot(path=str(shots / "plan-desktop-ko.png"), full_page=True)
    fill_own_plan(v.page)
    v.page.click("#run-button")
    v.page.wait_for_url(re.compile(r".*/results/[\w-]+$"))
    jid = v.page.url.rsplit("/", 1)[1]
    v.page.wait_for_selector("#progress", state="visible", timeout=10_000)  # progress first
    v.page.screenshot(path=str(shots / "progress-desktop-ko.png"))
    v.wait_charts(timeout=FIRST_RUN_S)  # then the result, drawn after the page reloads itself
    assert v.page.locator("#progress").count() == 0
    assert v.page.locator("#summary ul.sentences li").count() >= 3
    assert v.page.locator("#headline table tbody tr").count() >= 10
    assert v.page.locator("#binding .binding-rule").inner_text()
    polls = [u for u in v.requests if f"/api/jobs/{jid}" in u]
    assert polls, "the page did not poll its job"
    assert httpx.get(f"{base}/api/jobs/{blocker}").json()["state"] == "done"
    job = app.state.jobs.get(jid)
    plan = job.params["plan"]
    assert (plan.investor.capital, plan.investor.monthly_saving, plan.goal.price, plan.goal.income) == \
        (140_000_000, 1_500_000, 950_000_000, 80_000_000)
    v.page.screenshot(path=str(shots / "results-desktop-ko.png"), full_page=True)
    v.check_clean()
    state.update(jid=jid, sentence=v.page.locator("#summary ul.sentences li").first.inner_text())
    v.close()


def test_switch_to_english_and_back(server, browser, shots, state):
    base, _ = server
    v = Visit(browser, base)
    v.goto(f"/results/{state['jid']}")
    assert v.lang() == "ko"
    v.page.click("#lang-switch")
    v.page.wait_for_selector("html[lang=en]", state="attached")
    assert v.page.locator("h1").inner_text() == "Result"
    assert "In plain words" in v.page.locator("#summary h2").inner_text()
    v.wait_charts()
    v.page.screenshot(path=str(shots / "results-desktop-en.png"), full_page=True)
    v.goto("/heat")  # remembered: the cookie
    assert v.lang() == "en"
    v.page.click("#lang-switch")
    v.page.wait_for_selector("html[lang=ko]", state="attached")
    assert v.page.url.endswith("/heat")
    assert {c["name"]: c["value"] for c in v.context.cookies()}["gaemi_lang"] == "ko"
    v.wait_charts(("chart-heat-kimchi_premium", "chart-heat-turnover_ratio"))
    v.page.screenshot(path=str(shots / "heat-desktop-ko.png"), full_page=True)
    v.check_clean()
    v.close()


def test_downloads_and_the_plan_reproduces_through_the_cli(server, browser, tmp_path, state):
    import tomllib

    import httpx
    from typer.testing import CliRunner

    from gaemi.cli.app import app as cli_app

    base, _ = server
    v = Visit(browser, base, downloads=True)
    v.goto(f"/results/{state['jid']}")
    with v.page.expect_download() as d:
        v.page.click("#download-report")
    report = tmp_path / "report.html"
    d.value.save_as(report)
    html = report.read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="ko">') and "Plotly.newPlot" in html
    assert "my-plan" in html and state["sentence"][:20] in html
    with v.page.expect_download() as d:
        v.page.click("#download-plan")
    toml_path = tmp_path / "my-plan.toml"
    d.value.save_as(toml_path)
    text = toml_path.read_text(encoding="utf-8")
    plan = tomllib.loads(text)
    assert plan["name"] == "my-plan" and plan["investor"]["capital"] == 140_000_000
    cmd = re.search(r"^#\s+(gaemi simulate .*--json)$", text, re.M).group(1).split()
    assert cmd[:3] == ["gaemi", "simulate", "my-plan.toml"] and "--seed" in cmd and "2024" in cmd
    args = [str(toml_path) if a == "my-plan.toml" else a for a in cmd[1:]]
    out = CliRunner().invoke(cli_app, args, env={"GAEMI_LANG": "en"})
    assert out.exit_code == 0, out.output
    page_numbers = httpx.get(f"{base}/api/jobs/{state['jid']}").json()["result"]
    assert json.loads(out.stdout) == page_numbers  # same seed, same numbers
    v.check_clean()
    v.close()


def test_a_validation_error_appears_next_to_its_field(server, browser, shots):
    base, _ = server
    v = Visit(browser, base)
    v.goto("/plan")
    v.page.fill("#capital", "1억 사천만")  # not a number the form can read exactly
    v.page.fill("#h0_weight", "90")
    v.page.click("#run-button")
    v.page.wait_for_selector("#f-capital #err-capital", state="visible")
    assert "1억 4천만" in v.page.locator("#f-capital #err-capital").inner_text()
    assert "100%" in v.page.locator("#sec-holdings #err-holdings").inner_text()
    assert v.page.get_attribute("#capital", "aria-invalid") == "true"
    assert v.page.input_value("#capital") == "1억 사천만"  # what was typed stays
    # the error sits next to its field, not somewhere else on the page
    box, err = v.page.locator("#capital").bounding_box(), v.page.locator("#err-capital").bounding_box()
    assert 0 <= err["y"] - (box["y"] + box["height"]) < 80
    v.page.screenshot(path=str(shots / "error-desktop-ko.png"), full_page=True)
    v.page.click("#lang-switch")
    v.page.wait_for_selector("html[lang=en]", state="attached")
    v.page.fill("#maintenance_ratio", "90")
    v.page.click("#run-button")
    v.page.wait_for_selector("#f-maintenance_ratio #err-maintenance_ratio", state="visible")
    assert "greater than 100%" in v.page.locator("#err-maintenance_ratio").inner_text()
    v.page.click("#lang-switch")  # back to Korean for the rest
    v.page.wait_for_selector("html[lang=ko]", state="attached")
    v.check_clean(refused_forms=2)
    v.close()


def test_leverage_slider_moves_between_the_servers_points(server, browser, shots, state):
    base, _ = server
    v = Visit(browser, base)
    v.goto(f"/results/{state['jid']}")
    v.page.click("#link-leverage")
    v.page.wait_for_url(re.compile(r".*/leverage\?job="))
    v.page.fill("#lev_from", "0")
    v.page.fill("#lev_to", "2")
    v.page.fill("#lev_step", "0.5")
    v.page.fill("#paths", "256")
    v.page.click("#leverage-run")
    v.wait_charts(("chart-odds",), timeout=FIRST_RUN_S)
    slider = v.page.locator("#odds-slider")
    n = int(slider.get_attribute("max")) + 1
    assert n >= 5

    def shown() -> tuple[str, str, str, str]:
        dl = v.page.locator("dl.odds-point:not([hidden])")
        assert dl.count() == 1
        k = dl.get_attribute("data-k")
        return (k, v.page.locator("#slider-value").inner_text(), dl.locator(".v-home").inner_text(),
                dl.locator(".v-ruin").inner_text())

    def table_row(k: str) -> tuple[str, str, str]:
        cells = v.page.locator(f"#odds-table tbody tr[data-k='{k}']").locator("th, td").all_inner_texts()
        return cells[0], cells[1], cells[2]

    before_requests = len(v.requests)
    start = shown()
    assert start[0] == slider.input_value()
    slider.focus()
    v.page.keyboard.press("Home")
    first = shown()
    v.page.keyboard.press("End")
    last = shown()
    assert first[0] == "0" and last[0] == str(n - 1)
    assert first[2] != last[2] and first[3] != last[3], "the numbers did not change"
    for k, x, home, ruin in (first, last, start):  # each shown point is the server's row for it
        assert (x, home, ruin) == table_row(k)
    assert v.page.locator(f"#odds-table tbody tr[data-k='{n - 1}']").get_attribute("class") == "current"
    assert len(v.requests) == before_requests, "moving the slider asked the server for something"
    shapes = v.page.evaluate("document.getElementById('chart-odds').layout.shapes.length")
    assert shapes >= 1
    v.page.screenshot(path=str(shots / "leverage-desktop-ko.png"), full_page=True)
    v.check_clean()
    v.close()


def test_compare_two_plans(server, browser, shots, state):
    base, _ = server
    v = Visit(browser, base)
    v.goto(f"/compare?job={state['jid']}")
    assert v.page.input_value("#plan0") == f"job:{state['jid']}"
    v.page.select_option("#plan1", "safe")
    v.page.fill("#paths", "256")
    v.page.click("#compare-run")
    v.wait_charts(timeout=FIRST_RUN_S)
    head = v.page.locator("#headline thead th").all_inner_texts()
    assert head[1:] == ["my-plan", "safe"]
    assert v.page.locator("#summary ul.sentences").count() == 2
    v.page.screenshot(path=str(shots / "compare-desktop-ko.png"), full_page=True)
    v.check_clean()
    v.close()


def test_phone_width_390(server, browser, shots, state):
    base, _ = server
    v = Visit(browser, base, width=390, height=844)

    def fits() -> None:
        width = v.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, f"the page is {width} px wide on a 390 px screen"

    v.goto("/plan")
    fits()
    v.page.screenshot(path=str(shots / "plan-phone-ko.png"), full_page=True)
    fill_own_plan(v.page)  # the same question: the server answers from its cache
    v.page.click("#run-button")
    v.page.wait_for_url(re.compile(r".*/results/[\w-]+$"))
    assert v.page.url.endswith(state["jid"])
    v.wait_charts()
    fits()
    for div in CHARTS:
        w = v.page.locator(f"#{div} svg.main-svg").first.bounding_box()["width"]
        assert 300 <= w <= 390, (div, w)
    v.page.screenshot(path=str(shots / "results-phone-ko.png"), full_page=True)
    v.page.click("#lang-switch")
    v.page.wait_for_selector("html[lang=en]", state="attached")
    v.wait_charts()
    fits()
    v.page.screenshot(path=str(shots / "results-phone-en.png"), full_page=True)
    v.page.click("#lang-switch")
    v.page.wait_for_selector("html[lang=ko]", state="attached")
    v.goto("/heat")
    v.wait_charts(("chart-heat-kimchi_premium",))
    fits()
    v.page.screenshot(path=str(shots / "heat-phone-ko.png"), full_page=True)
    v.check_clean()
    v.close()


COLONY_CHARTS = ("chart-loss-decile", "chart-margin-balance", "chart-prices", "chart-forced-sales",
                 "chart-amplification")


def test_colony_scenario_runs_and_draws_the_reports_charts(server, browser, shots):
    base, app = server
    v = Visit(browser, base)
    v.goto("/plan")
    v.page.click("nav a[href='/colony']")
    v.page.wait_for_url(re.compile(r".*/colony$"))
    v.page.select_option("#scenario", "covid-2020")
    v.page.fill("#investors", "2,000")
    v.page.fill("#seed", "7")
    v.page.screenshot(path=str(shots / "colony-form-ko.png"), full_page=True)
    v.page.click("#colony-run")
    v.page.wait_for_url(re.compile(r".*/results/[\w-]+$"))
    v.wait_charts(COLONY_CHARTS)
    jid = v.page.url.rsplit("/", 1)[1]
    job = app.state.jobs.get(jid)
    assert job.kind == "colony" and job.params["investors"] == 2000 and job.params["seed"] == 7
    assert v.page.locator("#headline td").count() >= 10
    v.page.screenshot(path=str(shots / "colony-results-ko.png"), full_page=True)
    v.page.click("#lang-switch")
    v.page.wait_for_selector("html[lang=en]", state="attached")
    v.wait_charts(COLONY_CHARTS)
    v.page.click("#lang-switch")
    v.page.wait_for_selector("html[lang=ko]", state="attached")
    v.check_clean()
    v.close()
    phone = Visit(browser, base, width=390, height=844)
    phone.goto(f"/results/{jid}")
    phone.wait_charts(COLONY_CHARTS)
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 391
    phone.goto("/colony")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 391
    phone.page.screenshot(path=str(shots / "colony-form-phone-ko.png"), full_page=True)
    phone.check_clean()
    phone.close()
