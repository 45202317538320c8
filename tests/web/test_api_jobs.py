"""The job endpoints give the CLI's --json numbers; caching, polling, events, report and plan TOML.

Small runs only (256 paths, 1-2 years, bootstrap): the point is that the web app calls the same
library the same way as the CLI, not the numbers themselves.
"""

from __future__ import annotations

import json
import time
import tomllib

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app as cli_app

runner = CliRunner()


def cli_json(*args: str, env: dict | None = None) -> dict:
    r = runner.invoke(cli_app, [*args, "--json"], env={"GAEMI_LANG": "en", **(env or {})})
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def run(client, path: str, body: dict) -> dict:
    r = client.post(f"{path}?wait=true", json=body)
    assert r.status_code == 200, r.text
    st = r.json()
    assert st["state"] == "done" and st["progress"] == 1.0 and st["error"] is None
    return st


SIM = {"plan": "all-in-margin", "paths": 256, "years": 2, "seed": 7}


def test_simulate_equals_cli_json(client):
    st = run(client, "/api/simulate", SIM)
    assert st["result"] == cli_json("simulate", "all-in-margin", "--paths", "256", "--years", "2", "--seed", "7")
    assert st["cli"] == ["gaemi", "simulate", "all-in-margin.toml", "--model", "bootstrap", "--paths", "256",
                         "--years", "2", "--seed", "7", "--json"]
    assert st["params"]["plans"] == ["all-in-margin"] and st["params"]["seed"] == 7


def test_simulate_with_a_crash_equals_cli_json(client):
    body = {"plan": "tqqq-salary", "paths": 256, "years": 1, "seed": 3, "scenario": "covid-2020",
            "scenario_day": 10}
    st = run(client, "/api/simulate", body)
    assert st["result"] == cli_json("simulate", "tqqq-salary", "--paths", "256", "--years", "1", "--seed", "3",
                                    "--scenario", "covid-2020", "--scenario-day", "10")
    assert st["result"]["scenario"] == "covid-2020"


def test_cache_hit_is_the_same_job_and_numbers_and_the_seed_is_in_the_key(client):
    first = run(client, "/api/simulate", SIM)
    t0 = time.perf_counter()
    again = client.post("/api/simulate", json=SIM)  # no wait: a known answer is 200 at once
    assert time.perf_counter() - t0 < 2.0
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert again.json()["result"] == first["result"]
    other = run(client, "/api/simulate", {**SIM, "seed": 8})
    assert other["id"] != first["id"]
    assert other["result"]["seed"] == 8 and other["result"] != first["result"]
    longer = run(client, "/api/simulate", {**SIM, "paths": 512})
    assert longer["id"] != first["id"] and longer["result"]["paths"] == 512


def test_a_plan_object_and_its_name_are_the_same_question(client):
    from gaemi.config import load_plan

    named = run(client, "/api/simulate", SIM)
    obj = load_plan("all-in-margin").model_dump(mode="json")
    as_object = run(client, "/api/simulate", {**SIM, "plan": obj})
    assert as_object["id"] == named["id"] and as_object["result"] == named["result"]


def test_money_as_people_type_it_is_the_same_plan(client):
    from gaemi.config import load_plan

    obj = load_plan("safe").model_dump(mode="json")
    typed = {**obj, "investor": {**obj["investor"], "capital": "1억 4천만", "monthly_saving": "150만 원"}}
    plain = {**obj, "investor": {**obj["investor"], "capital": 140_000_000, "monthly_saving": 1_500_000}}
    a = run(client, "/api/simulate", {"plan": typed, "paths": 256, "years": 1, "seed": 1})
    b = run(client, "/api/simulate", {"plan": plain, "paths": 256, "years": 1, "seed": 1})
    assert a["id"] == b["id"] and a["result"] == b["result"]


def test_default_seed_is_the_servers_and_repeatable(client, web_settings):
    a = client.post("/api/simulate?wait=true", json={"plan": "safe", "years": 1}).json()
    b = client.post("/api/simulate?wait=true", json={"plan": "safe", "years": 1}).json()
    assert a["id"] == b["id"]
    assert a["params"]["seed"] == web_settings.default_seed and a["result"]["seed"] == web_settings.default_seed
    assert a["params"]["paths"] == web_settings.default_paths


def test_compare_equals_cli_json(client):
    body = {"plans": ["safe", "tqqq-salary"], "paths": 256, "years": 2, "seed": 3}
    st = run(client, "/api/compare", body)
    assert st["result"] == cli_json("compare", "safe", "tqqq-salary", "--paths", "256", "--years", "2",
                                    "--seed", "3")
    assert [p["plan"] for p in st["result"]["plans"]] == ["safe", "tqqq-salary"]


def test_odds_equals_cli_json(client):
    body = {"plan": "all-in-margin", "leverage": "0:2:1", "paths": 256, "years": 1, "seed": 5}
    st = run(client, "/api/odds", body)
    assert st["result"] == cli_json("odds", "all-in-margin", "--leverage", "0:2:1", "--paths", "256",
                                    "--years", "1", "--seed", "5")
    as_list = run(client, "/api/odds", {**body, "leverage": [0, 1, 2]})
    assert as_list["result"]["points"] == st["result"]["points"]


def test_home_equals_cli_json(client):
    r = client.post("/api/home", json={"price": "11억 600만", "income": "7000만", "first_time": True})
    assert r.status_code == 200
    assert r.json() == cli_json("home", "--price", "11억 600만", "--income", "7000만", "--first-time")
    r2 = client.post("/api/home", json={"price": 1_106_000_000, "income": 70_000_000, "first_time": True})
    assert r2.json() == r.json()


def test_heat_equals_cli_json(client):
    r = client.get("/api/heat", params={"source": "sample", "lang": "en", "start": "2021-01-01",
                                        "end": "2021-12-31"})
    assert r.status_code == 200, r.text
    assert r.json() == cli_json("heat", "--sample", "--start", "2021-01-01", "--end", "2021-12-31")
    # no store on this server (conftest): auto is the sample
    assert client.get("/api/heat", params={"lang": "en", "start": "2021-01-01", "end": "2021-12-31"}).json() \
        == r.json()


def test_catalogue_equals_cli_json(client):
    assert client.get("/api/scenarios").json()["crashes"] == cli_json("scenarios")["crashes"]
    assert client.get("/api/scenarios").json()["models"] == cli_json("scenarios")["models"]
    ours = client.get("/api/plans").json()["plans"]
    assert [{"name": p["name"], "title": p["title"]} for p in ours] == cli_json("plans")["plans"]
    show = client.get("/api/plans/tqqq-salary").json()
    assert {k: show[k] for k in ("plan", "toml")} == cli_json("plans", "show", "tqqq-salary")


# ----------------------------------------------------------------------------- polling, events
def test_poll_until_done(client):
    r = client.post("/api/simulate", json={**SIM, "seed": 11})
    assert r.status_code in (200, 202)
    job_id = r.json()["id"]
    seen = []
    for _ in range(600):
        st = client.get(f"/api/jobs/{job_id}").json()
        seen.append(st["progress"])
        assert st["state"] in ("queued", "running", "done")
        if st["state"] == "done":
            break
        time.sleep(0.1)
    assert st["state"] == "done" and st["progress"] == 1.0
    assert seen == sorted(seen) and all(0 <= p <= 1 for p in seen)
    assert st["result"]["seed"] == 11


def test_events_stream_ends_with_the_result(client):
    r = client.post("/api/simulate", json={**SIM, "seed": 12})
    job_id = r.json()["id"]
    with client.stream("GET", f"/api/jobs/{job_id}/events") as s:
        assert s.status_code == 200 and s.headers["content-type"].startswith("text/event-stream")
        events = [json.loads(line[len("data: "):]) for line in s.iter_lines() if line.startswith("data: ")]
    assert events and events[-1]["state"] == "done" and events[-1]["result"]["seed"] == 12
    assert [e["progress"] for e in events] == sorted(e["progress"] for e in events)


def test_unknown_job_is_404(client):
    for path in ("/api/jobs/nope", "/api/jobs/nope/events", "/api/jobs/nope/report", "/api/jobs/nope/plan.toml"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert r.json()["error"]["field"] == "job_id"


# ----------------------------------------------------------------------------- report, plan TOML
def test_report_is_the_clis_report(client, tmp_path):
    st = run(client, "/api/simulate", SIM)
    r = client.get(f"/api/jobs/{st['id']}/report", params={"lang": "en"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "attachment" in r.headers["content-disposition"]
    out = tmp_path / "r.html"
    res = runner.invoke(cli_app, ["simulate", "all-in-margin", "--paths", "256", "--years", "2", "--seed", "7",
                                  "--report", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert r.text == out.read_text(encoding="utf-8")
    ko = client.get(f"/api/jobs/{st['id']}/report")
    assert ko.status_code == 200 and '<html lang="ko">' in ko.text


def test_odds_report_is_the_clis_report(client, tmp_path):
    st = run(client, "/api/odds", {"plan": "all-in-margin", "leverage": "0:2:1", "paths": 256, "years": 1,
                                   "seed": 5})
    r = client.get(f"/api/jobs/{st['id']}/report", params={"lang": "en"})
    assert r.status_code == 200 and 'id="chart-odds"' in r.text
    out = tmp_path / "odds.html"
    res = runner.invoke(cli_app, ["odds", "all-in-margin", "--leverage", "0:2:1", "--paths", "256", "--years", "1",
                                  "--seed", "5", "--report", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert r.text == out.read_text(encoding="utf-8")


@pytest.mark.parametrize("kind, body", [
    ("simulate", {**SIM, "seed": 21}),
    ("compare", {"plans": ["safe", "all-in-margin"], "paths": 256, "years": 1, "seed": 22}),
])
def test_plan_toml_reproduces_the_numbers_from_the_cli(client, tmp_path, kind, body):
    st = run(client, f"/api/{kind}", body)
    names = st["params"]["plans"]
    for k, name in enumerate(names):
        r = client.get(f"/api/jobs/{st['id']}/plan.toml", params={"index": k})
        assert r.status_code == 200
        assert f'filename="{name}.toml"' in r.headers["content-disposition"]
        (tmp_path / f"{name}.toml").write_text(r.text, encoding="utf-8")
        head = [line for line in r.text.splitlines() if line.startswith("#   gaemi ")]
        assert head == ["#   " + " ".join(st["cli"])]
        tomllib.loads(r.text)  # valid TOML (the command is a comment)
    args = [a if not a.endswith(".toml") else str(tmp_path / a) for a in st["cli"][1:-1]]
    assert cli_json(*args) == st["result"]


def test_plan_toml_index_out_of_range_is_422(client):
    st = run(client, "/api/simulate", SIM)
    r = client.get(f"/api/jobs/{st['id']}/plan.toml", params={"index": 1})
    assert r.status_code == 422 and r.json()["error"]["field"] == "index"


def test_a_korean_plan_name_downloads(client):
    from gaemi.config import load_plan

    obj = {**load_plan("safe").model_dump(mode="json"), "name": "내계획"}
    st = run(client, "/api/simulate", {"plan": obj, "paths": 256, "years": 1, "seed": 1})
    r = client.get(f"/api/jobs/{st['id']}/plan.toml")
    assert r.status_code == 200
    assert "filename*=UTF-8''%EB%82%B4%EA%B3%84%ED%9A%8D.toml" in r.headers["content-disposition"]
    assert 'name = "내계획"' in r.text


def test_plan_toml_holds_no_maturity(client):
    """margin.maturity_days = None (no maturity) is written as "none" (TOML has no null) and reads
    back as None: the download reproduces the plan, with no NOTE line (the NOTE is kept for any
    setting a future field cannot write)."""
    import tomllib

    from gaemi.config import load_plan
    from gaemi.config.plan import Plan

    obj = load_plan("all-in-margin").model_dump(mode="json")
    obj["margin"]["maturity_days"] = None
    st = run(client, "/api/simulate", {"plan": obj, "paths": 256, "years": 1, "seed": 1})
    text = client.get(f"/api/jobs/{st['id']}/plan.toml").text
    assert "NOTE" not in text
    assert Plan.model_validate(tomllib.loads(text)).margin.maturity_days is None
