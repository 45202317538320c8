"""Bad input is 422 naming the field; a request over a limit is refused naming the limit and the
variable that raises it; a body over the size limit is 413; a full queue is 503 with Retry-After.
(Limits of the test app: tests/web/conftest.py.)"""

from __future__ import annotations

import json
import threading

import pytest

from tests.web.conftest import SMALL_LIMITS


def err(r, status: int = 422) -> dict:
    assert r.status_code == status, r.text
    e = r.json()["error"]
    assert set(e) >= {"field", "value", "allowed", "message"} and e["message"]
    return e


# ----------------------------------------------------------------------------- bad values
@pytest.mark.parametrize("body, field", [
    ({}, "plan"),
    ({"plan": "nope"}, "plan"),
    ({"plan": "../../etc/passwd"}, "plan"),
    ({"plan": "/tmp/x.toml"}, "plan"),
    ({"plan": 5}, "plan"),
    ({"plan": ["safe"]}, "plan"),
    ({"plan": "safe", "paths": "x"}, "paths"),
    ({"plan": "safe", "paths": 0}, "paths"),
    ({"plan": "safe", "paths": True, "years": 1}, "paths"),
    ({"plan": "safe", "years": -1}, "years"),
    ({"plan": "safe", "years": 0.01}, "years"),
    ({"plan": "safe", "seed": -1}, "seed"),
    ({"plan": "safe", "seed": 2**64}, "seed"),
    ({"plan": "safe", "model": "nope"}, "model"),
    ({"plan": "safe", "years": 1, "scenario": "nope"}, "scenario"),
    ({"plan": "safe", "years": 1, "scenario_day": 3}, "scenario_day"),
    ({"plan": "safe", "years": 1, "scenario": "gfc-2008"}, "scenario_day"),
    ({"plan": "safe", "years": 1, "scenario": "covid-2020", "scenario_day": 240}, "scenario_day"),
    ({"plan": "safe", "bogus": 1}, "bogus"),
    ({"plan": {"name": "x"}}, "plan.investor"),
    ({"plan": {"name": "x", "investor": {"capital": "1억 4천ㅁ"}, "holdings": [{"asset": "sp500tr", "weight": 1}]}},
     "plan.investor.capital"),
    ({"plan": {"name": "x", "investor": {"capital": 1}, "holdings": [{"asset": "nope", "weight": 1}]}},
     "plan.holdings.0.asset"),
    ({"plan": {"name": "x", "investor": {"capital": 1}, "holdings": [{"asset": "sp500tr", "weight": 0.5}]}},
     "plan.holdings"),
    ({"plan": {"name": "x", "investor": {"capital": 1}, "holdings": [{"asset": "sp500tr", "weight": 1}],
               "goal": {"price": 1e9, "income": 1e7, "preset": "/etc/passwd.toml"}}}, "plan.goal.preset"),
    ({"plan": {"name": "x", "investor": {"capital": 1}, "holdings": [{"asset": "sp500tr", "weight": 1}],
               "deposit": {"series": "nope"}}}, "plan.deposit.series"),
    ({"plan": {"name": "x", "investor": {"capital": 1}, "holdings": [{"asset": "sp500tr", "weight": 1}],
               "capitl": 5}}, "plan.capitl"),
])
def test_bad_simulate_input_is_422_naming_the_field(client, body, field):
    e = err(client.post("/api/simulate", json=body))
    assert e["field"] == field, e


def test_nan_and_infinity_are_refused(client):
    for text in ('{"plan": "safe", "years": NaN}', '{"plan": "safe", "years": Infinity}'):
        e = err(client.post("/api/simulate", content=text, headers={"content-type": "application/json"}))
        assert e["field"] == "years"


def test_not_json_is_422(client):
    e = err(client.post("/api/simulate", content=b'{"plan":', headers={"content-type": "application/json"}))
    assert e["field"] == "body"
    for raw in (b"\xff\xfe", b"0\xc4)V"):  # not UTF-8 (the second one found by the fuzz: FastAPI's 400)
        e = err(client.post("/api/simulate", content=raw, headers={"content-type": "application/json"}))
        assert e["field"] == "body"


@pytest.mark.parametrize("path, body, field", [
    ("/api/compare", {"plans": ["safe"]}, "plans"),
    ("/api/compare", {"plans": ["safe", "nope"]}, "plans.1"),
    ("/api/compare", {"plans": ["safe", {"name": "x"}]}, "plans.1.investor"),
    ("/api/odds", {"plan": "safe", "leverage": "5:1:1"}, "leverage"),
    ("/api/odds", {"plan": "safe", "leverage": [True], "years": 1}, "leverage"),
    ("/api/odds", {"plan": "safe", "leverage": ["1"], "years": 1}, "leverage"),
    ("/api/odds", {"plan": "safe", "leverage": []}, "leverage"),
    ("/api/odds", {"plan": "safe", "leverage": "0:3:1e-9"}, "leverage"),
    ("/api/odds", {"plan": "safe", "ruin_limit": 2}, "ruin_limit"),
    ("/api/odds", {"plan": "safe", "family": "x"}, "family"),
    ("/api/home", {"price": "11억 억", "income": 1}, "price"),
    ("/api/home", {"price": 1e9, "income": -1}, "income"),
    ("/api/home", {"price": 1e9, "income": 1, "preset": "/etc/passwd.toml"}, "preset"),
    ("/api/home", {"price": 1e9, "income": 1, "rate": 0.5}, "rate"),
    ("/api/home", {"income": 1}, "price"),
])
def test_bad_input_elsewhere_is_422_naming_the_field(client, path, body, field):
    e = err(client.post(path, json=body))
    assert e["field"] == field, e


def test_odds_needs_a_goal(client):
    from gaemi.config import load_plan

    obj = load_plan("safe").model_dump(mode="json")
    obj.pop("goal", None)
    obj["graduate"] = {"enabled": False}
    e = err(client.post("/api/odds", json={"plan": obj, "years": 1}))
    assert e["field"] == "plan.goal"


@pytest.mark.parametrize("params, field", [
    ({"source": "nope"}, "source"),
    ({"start": "2021-13-01"}, "start"),
    ({"start": "2021-06-01", "end": "2021-01-01"}, "start"),
    ({"start": "1990-01-01", "end": "1990-12-31", "source": "sample"}, "start"),
    ({"source": "store"}, "source"),
    ({"lang": "fr"}, "lang"),
])
def test_bad_heat_query_is_422(client, params, field):
    assert err(client.get("/api/heat", params=params))["field"] == field


def test_report_lang_is_checked(client):
    assert err(client.get("/api/jobs/x/report", params={"lang": "fr"}))["field"] == "lang"


# ----------------------------------------------------------------------------- limits
def test_paths_limit_names_the_limit_and_its_variable(client):
    limit = SMALL_LIMITS["max_paths"]
    e = err(client.post("/api/simulate", json={"plan": "safe", "years": 1, "paths": limit + 1}))
    assert e["field"] == "paths" and e["value"] == limit + 1
    assert f"{limit:,}" in e["allowed"] and "GAEMI_WEB_MAX_PATHS" in e["allowed"]
    ok = client.post("/api/simulate?wait=true", json={"plan": "safe", "years": 1, "paths": limit, "seed": 1})
    assert ok.status_code == 200 and ok.json()["result"]["paths"] == limit


def test_years_limit(client):
    limit = SMALL_LIMITS["max_years"]
    e = err(client.post("/api/simulate", json={"plan": "safe", "years": limit + 0.5}))
    assert e["field"] == "years" and "GAEMI_WEB_MAX_YEARS" in e["allowed"]
    # the plan's own horizon (10 years) is over the limit: say so, and how to ask for less
    e = err(client.post("/api/simulate", json={"plan": "safe"}))
    assert e["field"] == "years" and "horizon" in e["allowed"]


def test_work_limit(client):
    work = SMALL_LIMITS["max_work"]
    e = err(client.post("/api/compare", json={"plans": ["safe", "tqqq-salary"], "years": 3, "paths": 1024}))
    assert 1024 * 3 * 2 > work
    assert e["field"] == "paths" and "GAEMI_WEB_MAX_WORK" in e["allowed"] and f"{work:,}" in e["allowed"]


def test_default_paths_are_lowered_to_fit_the_work_limit():
    from types import SimpleNamespace

    from gaemi.config import load_plan
    from gaemi.errors import ConfigError
    from gaemi.web.api import _check_mc
    from gaemi.web.settings import WebSettings

    s = WebSettings(default_paths=2000, max_work=3000, warm=())
    body = SimpleNamespace(model="bootstrap", paths=None, years=1.0, seed=None)
    plans = [load_plan("safe")] * 2
    assert _check_mc(s, body, plans)["paths"] == 1280  # 3000 / 2 = 1500, in steps of 256
    assert _check_mc(s, body, plans[:1])["paths"] == 2000
    with pytest.raises(ConfigError) as info:
        _check_mc(s, SimpleNamespace(**{**vars(body), "years": 6.0}), plans)  # 250 paths < 256
    assert info.value.field == "years" and "GAEMI_WEB_MAX_WORK" in info.value.allowed


def test_compare_plans_limit(client):
    limit = SMALL_LIMITS["max_compare_plans"]
    e = err(client.post("/api/compare", json={"plans": ["safe"] * (limit + 1), "years": 1}))
    assert e["field"] == "plans" and "GAEMI_WEB_MAX_COMPARE_PLANS" in e["allowed"] and str(limit) in e["allowed"]


def test_leverage_points_limit(client):
    limit = SMALL_LIMITS["max_leverage_points"]
    # the plan's own exposure (safe: 0.6) is a point too: limit - 1 others fit, limit others do not
    fits = ",".join(str(x) for x in range(limit - 1))
    over = ",".join(str(x) for x in range(limit))
    e = err(client.post("/api/odds", json={"plan": "safe", "leverage": over, "years": 1, "paths": 256}))
    assert e["field"] == "leverage" and "GAEMI_WEB_MAX_LEVERAGE_POINTS" in e["allowed"]
    r = client.post("/api/odds", json={"plan": "safe", "leverage": fits, "years": 1, "paths": 256})
    assert r.status_code in (200, 202), r.text


def test_model_not_run_by_this_server(client):
    e = err(client.post("/api/simulate", json={"plan": "safe", "years": 1, "model": "garch"}))
    assert e["field"] == "model" and "GAEMI_WEB_MODELS" in e["allowed"]


def test_historical_takes_no_paths(client):
    from gaemi.web.app import create_app
    from gaemi.web.settings import WebSettings
    from fastapi.testclient import TestClient

    app = create_app(WebSettings(**{**SMALL_LIMITS, "models": ("bootstrap", "historical")}))
    with TestClient(app) as c:
        e = err(c.post("/api/simulate", json={"plan": "safe", "years": 1, "model": "historical", "paths": 5}))
    assert e["field"] == "paths"


def test_the_librarys_smaller_limit_applies(client, monkeypatch):
    monkeypatch.setenv("GAEMI_MAX_PATHS", "300")
    e = err(client.post("/api/simulate", json={"plan": "safe", "years": 1, "paths": 301}))
    assert e["field"] == "paths" and "GAEMI_MAX_PATHS" in e["allowed"] and "300" in e["allowed"]


def test_body_over_the_limit_is_413(client):
    limit = SMALL_LIMITS["max_body_bytes"]
    big = {"plan": "safe", "pad": "x" * limit}
    r = client.post("/api/simulate", json=big)
    e = err(r, 413)
    assert e["field"] == "body" and f"{limit:,}" in e["allowed"] and "GAEMI_WEB_MAX_BODY_BYTES" in e["allowed"]
    assert r.headers["x-content-type-options"] == "nosniff"
    # streamed without a Content-Length: refused too, once the limit is passed
    chunks = (b"x" * 4096 for _ in range(limit // 4096 + 2))
    e = err(client.post("/api/simulate", content=chunks, headers={"content-type": "application/json"}), 413)
    assert e["field"] == "body"
    # at the limit: read (and refused for what it says, not for its size)
    exact = b'{"plan": "' + b"x" * (limit - 12) + b'"}'
    assert len(exact) == limit
    assert err(client.post("/api/simulate", content=exact, headers={"content-type": "application/json"}))[
        "field"] == "plan"


def test_full_queue_is_503_naming_the_limit(hermetic_env):
    from fastapi.testclient import TestClient

    from gaemi.web.app import create_app
    from gaemi.web.jobs import JobManager
    from gaemi.web.settings import WebSettings

    settings = WebSettings(**{**SMALL_LIMITS, "max_queued_jobs": 1})
    app = create_app(settings)
    release = threading.Event()

    def blocking(params, progress):
        release.wait(30)
        return {"seed": params["seed"]}, {"results": []}

    app.state.jobs = JobManager(settings, runners={"simulate": blocking})
    with TestClient(app) as c:
        body = {"plan": "safe", "years": 1, "paths": 256}
        first = c.post("/api/simulate", json={**body, "seed": 1})  # runs (blocked)
        assert first.status_code == 202
        for _ in range(100):
            if c.get(f"/api/jobs/{first.json()['id']}").json()["state"] == "running":
                break
            threading.Event().wait(0.05)
        assert c.post("/api/simulate", json={**body, "seed": 2}).status_code == 202  # waits
        same = c.post("/api/simulate", json={**body, "seed": 2})  # the same question: no new job
        assert same.status_code == 202
        r = c.post("/api/simulate", json={**body, "seed": 3})
        e = err(r, 503)
        assert e["field"] == "queue" and "GAEMI_WEB_MAX_QUEUED_JOBS" in e["allowed"] and r.headers["retry-after"]
        release.set()
        done = c.post("/api/simulate?wait=true", json={**body, "seed": 1})
        assert done.status_code == 200 and done.json()["result"] == {"seed": 1}


# ----------------------------------------------------------------------------- settings from the environment
def test_settings_from_env(monkeypatch):
    from gaemi.errors import ConfigError
    from gaemi.web.settings import WebSettings

    monkeypatch.setenv("GAEMI_WEB_MAX_PATHS", "5_000")
    monkeypatch.setenv("GAEMI_WEB_MAX_QUEUED_JOBS", "0")
    monkeypatch.setenv("GAEMI_WEB_WARM", "none")
    monkeypatch.setenv("GAEMI_WEB_MAX_YEARS", "12.5")
    s = WebSettings.from_env()
    assert (s.max_paths, s.max_queued_jobs, s.warm, s.max_years) == (5000, 0, (), 12.5)
    for var, value in [("GAEMI_WEB_MAX_PATHS", "lots"), ("GAEMI_WEB_MAX_PATHS", "0"),
                       ("GAEMI_WEB_MODELS", "bootstrap,nope"), ("GAEMI_WEB_MAX_YEARS", "nan"),
                       ("GAEMI_WEB_MAX_BODY_BYTES", "10")]:
        with monkeypatch.context() as m:
            m.setenv(var, value)
            with pytest.raises(ConfigError) as info:
                WebSettings.from_env()
            assert info.value.field == var


def test_limits_endpoint(client):
    lim = client.get("/api/limits").json()
    assert lim["max_paths"] == SMALL_LIMITS["max_paths"] and lim["env"]["max_paths"] == "GAEMI_WEB_MAX_PATHS"


# ----------------------------------------------------------------------------- numbers too large to read
PLAN = {"name": "x", "investor": {"capital": 1}, "holdings": [{"asset": "sp500tr", "weight": 1}]}


@pytest.mark.parametrize("capital", ["9" * 400, "9" * 5000, "1" + "0" * 320 + "억", 10**400],
                         ids=["400-digit text", "5000-digit text", "321-digit 억", "400-digit number"])
def test_a_plan_amount_too_large_to_read_is_422(client, capital):
    """Found by hand: text of 400 digits overflowed float inside the plan model (OverflowError, a 500)."""
    plan = {**PLAN, "investor": {"capital": capital}}
    e = err(client.post("/api/simulate", json={"plan": plan, "years": 1}))
    assert e["field"] == "plan.investor.capital"
    assert len(json.dumps(e)) < 3000  # the value is not echoed whole


@pytest.mark.parametrize("price", ["9" * 400, "9" * 5000, 10**400, "2e15"],
                         ids=["400-digit text", "5000-digit text", "400-digit number", "2e15"])
def test_a_home_price_too_large_is_422(client, price):
    e = err(client.post("/api/home", json={"price": price, "income": 1}))
    assert e["field"] == "price" and len(json.dumps(e)) < 3000


def test_a_huge_seed_is_422_without_echoing_it(client):
    e = err(client.post("/api/simulate", content=f'{{"plan": "safe", "seed": {10**3000}}}',
                        headers={"content-type": "application/json"}))
    assert e["field"] == "seed" and e["value"] == "a 3,001-digit number"
