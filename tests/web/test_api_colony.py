"""``POST /api/colony``: the same numbers as ``gaemi colony --json`` and the same report bytes as
``gaemi colony --report``, for a scenario, a shock object (the shock file's fields) and a window of
history; the investor limit; errors naming the field; the cache; a colony job has no plan file."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app as cli_app

runner = CliRunner()
SHOCK = {"name": "theme-crash", "title": "KOSDAQ theme stocks halve in a week", "days": 5,
         "returns": {"kosdaq_theme": [-0.15, -0.12, -0.10, -0.08, -0.05],
                     "kospi_small": [-0.05, -0.04, -0.03, -0.02, -0.01]}}


def cli(*args: str, lang: str = "en") -> dict:
    r = runner.invoke(cli_app, ["colony", *args, "--json"], env={"GAEMI_LANG": lang})
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def without_timing(d: dict) -> dict:
    d = json.loads(json.dumps(d))
    d["provenance"].pop("timing_seconds")
    return d


def run(client, body: dict) -> dict:
    r = client.post("/api/colony?wait=true", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "done"
    return r.json()


def test_scenario_equals_the_cli(client):
    st = run(client, {"scenario": "covid-2020", "investors": 2000, "seed": 7, "impact": 2})
    assert st["kind"] == "colony" and "plan_toml" not in st["links"]
    assert st["cli"] == ["gaemi", "colony", "--scenario", "covid-2020", "--investors", "2000", "--seed", "7",
                         "--impact", "2", "--curve", "0.5,2,4", "--json"]
    want = cli(*st["cli"][2:-1])
    assert without_timing(st["result"]) == without_timing(want)
    assert st["result"]["seed"] == 7 and st["result"]["investors"] == 2000
    # the same question is the same job; another seed is another answer
    again = client.post("/api/colony", json={"scenario": "covid-2020", "investors": 2000, "seed": 7, "impact": 2.0})
    assert again.status_code == 200 and again.json()["id"] == st["id"]
    other = run(client, {"scenario": "covid-2020", "investors": 2000, "seed": 8, "impact": 2})
    assert other["id"] != st["id"]
    assert other["result"]["total_loss_krw"] != st["result"]["total_loss_krw"]
    assert without_timing(other["result"]) == without_timing(cli(*other["cli"][2:-1]))


def test_shock_object_equals_the_shock_file(client, tmp_path):
    st = run(client, {"shock": SHOCK, "investors": 1500, "seed": 3, "curve": "none"})
    path = tmp_path / "theme-crash.toml"
    lines = [f"{k} = {json.dumps(SHOCK[k], ensure_ascii=False)}" for k in ("name", "title", "days")] + ["[returns]"]
    lines += [f"{b} = {json.dumps(v)}" for b, v in SHOCK["returns"].items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert st["cli"][2:4] == ["--shock", "theme-crash.toml"]
    want = cli("--shock", str(path), *st["cli"][4:-1])
    assert without_timing(st["result"]) == without_timing(want)
    assert st["result"]["shock"]["kind"] == "file" and st["result"]["amplification_curve"][-1]["impact"] == 1.0


def test_history_window_equals_the_cli(client):
    st = run(client, {"from": "2020-03-09", "to": "2020-03-13", "investors": 1000, "seed": 5, "curve": [2]})
    assert st["cli"][2:6] == ["--from", "2020-03-09", "--to", "2020-03-13"]
    assert without_timing(st["result"]) == without_timing(cli(*st["cli"][2:-1]))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_report_is_the_cli_report(client, tmp_path, lang):
    st = run(client, {"scenario": "kospi-limit-down", "investors": 1000, "seed": 11})
    r = client.get(f"/api/jobs/{st['id']}/report?lang={lang}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "attachment" in r.headers["content-disposition"] and "kospi-limit-down" in r.headers["content-disposition"]
    out = tmp_path / f"r-{lang}.html"
    res = runner.invoke(cli_app, ["colony", *st["cli"][2:-1], "--report", str(out)], env={"GAEMI_LANG": lang})
    assert res.exit_code == 0, res.output
    assert r.content == out.read_bytes()


def test_a_colony_job_has_no_plan_file(client):
    st = run(client, {"scenario": "kospi-limit-down", "investors": 1000, "seed": 11})
    r = client.get(f"/api/jobs/{st['id']}/plan.toml")
    assert r.status_code == 422 and r.json()["error"]["field"] == "job_id"


def test_default_investors_and_seed_are_the_servers(client, web_settings):
    st = run(client, {"scenario": "kospi-limit-down", "curve": "none"})
    assert st["params"]["investors"] == web_settings.default_investors
    assert st["params"]["seed"] == web_settings.default_seed == st["result"]["seed"]


@pytest.mark.parametrize("body, field", [
    ({"scenario": "covid-2020", "investors": 5001}, "investors"),
    ({"scenario": "nope"}, "scenario"),
    ({}, "scenario"),
    ({"scenario": "covid-2020", "shock": SHOCK}, "shock"),
    ({"from": "2020-03-02"}, "to"),
    ({"shock": {"days": 2, "returns": {"kosdaq_theme": [-0.1]}}}, "shock.returns.kosdaq_theme"),
    ({"shock": {"days": 1, "returns": {"bogus": [-0.1]}}}, "shock.returns.bogus"),
    ({"shock": {"days": 1, "returns": {"kospi_large": [-1.5]}}}, "shock.returns.kospi_large[0]"),
    ({"shock": "/etc/passwd"}, "shock"),
    ({"scenario": "covid-2020", "impact": -1}, "impact"),
    ({"scenario": "covid-2020", "curve": "x"}, "curve"),
    ({"scenario": "covid-2020", "investors": "100"}, "investors"),
])
def test_bad_input_is_422_naming_the_field(client, body, field):
    r = client.post("/api/colony", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == field, r.json()


def test_the_investor_limit_names_its_variable_and_the_limit_is_accepted(client):
    r = client.post("/api/colony", json={"scenario": "kospi-limit-down", "investors": 5001})
    assert "GAEMI_WEB_MAX_INVESTORS" in r.json()["error"]["allowed"]
    assert client.post("/api/colony", json={"scenario": "kospi-limit-down", "investors": 5000,
                                            "curve": "none"}).status_code in (200, 202)
    assert client.get("/api/limits").json()["max_investors"] == 5000
