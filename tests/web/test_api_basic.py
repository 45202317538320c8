"""The JSON API's catalogue endpoints, headers and error shapes (no simulation)."""

from __future__ import annotations

import pytest


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


def test_scenarios_lists_models_and_crashes(client):
    r = client.get("/api/scenarios").json()
    assert "bootstrap" in r["models"] and r["enabled_models"] == ["bootstrap"]
    assert any(c["name"] == "covid-2020" for c in r["crashes"])


def test_openapi_schema_lists_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/plans", "/api/plans/{name}", "/api/scenarios", "/api/simulate", "/api/compare", "/api/odds",
              "/api/home", "/api/heat", "/api/jobs/{job_id}", "/api/jobs/{job_id}/events",
              "/api/jobs/{job_id}/report", "/api/jobs/{job_id}/plan.toml", "/api/health", "/api/limits"):
        assert p in paths, p
    # a 422 is documented as gaemi's error object, not FastAPI's default
    ref = paths["/api/simulate"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    assert ref.endswith("/ErrorResponse")


@pytest.mark.parametrize("method, path", [
    ("get", "/api/plans"), ("get", "/api/nope"), ("post", "/api/simulate"), ("get", "/api/jobs/x"),
    ("get", "/openapi.json"),
])
def test_security_headers_on_every_answer(client, method, path):
    r = getattr(client, method)(path)
    h = r.headers
    csp = h["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert h["x-frame-options"] == "DENY"


def test_no_docs_pages_that_would_load_a_cdn(client):
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200


def test_unknown_path_and_method_are_json_errors(client):
    r = client.get("/api/nope")
    assert r.status_code == 404 and r.json()["error"]["field"] == "path"
    r = client.delete("/api/plans")
    assert r.status_code == 405 and r.json()["error"]["field"] == "path"


def test_health_while_warming(hermetic_env, monkeypatch):
    """The warm-up runs in the background: not ready, warming; then ready after the first model."""
    import threading
    import time

    from fastapi.testclient import TestClient

    import gaemi.web.runs as runs
    from gaemi.web.app import create_app
    from gaemi.web.settings import WebSettings
    from tests.web.conftest import SMALL_LIMITS

    gate = {m: threading.Event() for m in ("bootstrap", "parametric")}
    monkeypatch.setattr(runs, "warm_model", lambda model: gate[model].wait(20) and 0.5)
    app = create_app(WebSettings(**{**SMALL_LIMITS, "warm": ("bootstrap", "parametric")}))

    def health():
        return c.get("/api/health").json()

    def until(cond):
        for _ in range(200):
            h = health()
            if cond(h):
                return h
            time.sleep(0.02)
        raise AssertionError(h)

    with TestClient(app) as c:
        h = health()
        assert (h["ready"], h["warming"]) == (False, True)
        assert c.get("/api/plans").status_code == 200  # the server answers meanwhile
        gate["bootstrap"].set()
        h = until(lambda h: h["ready"])
        assert h["warming"] is True and h["warmed"] == ["bootstrap"]
        gate["parametric"].set()
        h = until(lambda h: not h["warming"])
        assert h["ready"] and h["warmed"] == ["bootstrap", "parametric"] and h["seconds"]["parametric"] == 0.5


def test_warm_model_runs_the_engine():
    from gaemi.web.runs import warm_model

    assert warm_model("bootstrap") > 0
