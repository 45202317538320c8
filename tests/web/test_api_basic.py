"""The JSON API's catalogue endpoints, headers and error shapes (no simulation)."""

from __future__ import annotations


def test_health_without_warmup_is_ready(client):
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["ready"] is True and r.json()["warming"] is False


def test_plans_list_and_show(client):
    from gaemi.config import builtin_plan_names

    r = client.get("/api/plans")
    assert r.status_code == 200
    rows = r.json()["plans"]
    assert [p["name"] for p in rows] == builtin_plan_names()
    assert all(p["title"] for p in rows)
    r = client.get("/api/plans/safe")
    assert r.status_code == 200
    assert r.json()["plan"]["name"] == "safe" and "[investor]" in r.json()["toml"]


def test_unknown_plan_is_404_naming_it(client):
    r = client.get("/api/plans/nope")
    assert r.status_code == 404
    assert r.json()["error"]["field"] == "name" and r.json()["error"]["value"] == "nope"
