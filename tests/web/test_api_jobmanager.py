"""JobManager on its own (fake runners): ids at once, the cache key, errors, eviction, progress."""

from __future__ import annotations

import asyncio
import threading

import pytest

from gaemi.errors import ConfigError
from gaemi.web.jobs import JobManager, QueueFull, UnknownJob, cache_key
from gaemi.web.settings import WebSettings


def wait_done(jm: JobManager, job_id: str) -> dict:
    return asyncio.run(jm.wait(job_id, 20)).status()


def echo(params, progress):
    for k in range(4):
        progress(k / 4)
    return {"echo": params}, {"results": []}


def test_same_question_same_job_other_question_other_job():
    jm = JobManager(WebSettings(warm=()), runners={"simulate": echo})
    a = jm.submit("simulate", {"seed": 1, "paths": 2})
    assert jm.submit("simulate", {"paths": 2, "seed": 1}) == a  # key order does not matter
    b = jm.submit("simulate", {"seed": 2, "paths": 2})
    assert b != a
    assert wait_done(jm, a)["result"] == {"echo": {"seed": 1, "paths": 2}}
    assert wait_done(jm, b)["result"] == {"echo": {"seed": 2, "paths": 2}}
    assert jm.submit("simulate", {"seed": 1, "paths": 2}) == a
    assert jm.counts()["cache_hits"] == 2
    jm.shutdown()


def test_cache_key_covers_every_parameter_and_the_plan():
    from gaemi.config import load_plan

    base = {"plan": load_plan("safe"), "model": "bootstrap", "paths": 256, "years": 1.0, "seed": 1,
            "scenario": None, "scenario_day": 0}
    k0 = cache_key("simulate", base)
    assert cache_key("simulate", dict(base)) == k0
    assert cache_key("compare", base) != k0
    for field, other in [("plan", load_plan("tqqq-salary")), ("model", "garch"), ("paths", 257), ("years", 2.0),
                         ("seed", 2), ("scenario", "covid-2020"), ("scenario_day", 1)]:
        assert cache_key("simulate", {**base, field: other}) != k0, field
    safe = load_plan("safe")
    richer = safe.model_validate({**safe.model_dump(), "investor": {**safe.investor.model_dump(),
                                                                    "capital": safe.investor.capital + 1}})
    assert cache_key("simulate", {**base, "plan": richer}) != k0


def test_progress_is_monotonic_and_one_only_when_done():
    seen = []
    release = threading.Event()

    def runner(params, progress):
        for f in (0.5, 0.2, 0.9, 1.0, float("nan"), 2.0):
            progress(f)
            seen.append(jm.get(job).progress)
        release.wait(5)
        return {}, None

    jm = JobManager(WebSettings(warm=()), runners={"simulate": runner})
    job = jm.submit("simulate", {})
    release.set()
    assert wait_done(jm, job)["progress"] == 1.0
    assert seen == [0.5, 0.5, 0.9, 0.99, 0.99, 0.99]
    jm.shutdown()


def test_a_config_error_is_reported_and_not_cached():
    calls = []

    def bad(params, progress):
        calls.append(1)
        raise ConfigError("years", 99, "at most 60")

    jm = JobManager(WebSettings(warm=()), runners={"simulate": bad})
    a = jm.submit("simulate", {"x": 1})
    st = wait_done(jm, a)
    assert st["state"] == "error" and st["error"]["field"] == "years" and st["error"]["allowed"] == "at most 60"
    assert not jm.get(a).internal_error
    b = jm.submit("simulate", {"x": 1})
    assert b != a
    wait_done(jm, b)
    assert len(calls) == 2
    jm.shutdown()


def test_a_bug_is_an_internal_error_not_a_crash(caplog):
    def buggy(params, progress):
        raise TypeError("boom")

    jm = JobManager(WebSettings(warm=()), runners={"simulate": buggy})
    st = wait_done(jm, jm.submit("simulate", {}))
    assert st["state"] == "error" and "internal error (TypeError)" in st["error"]["message"]
    assert jm.get(st["id"]).internal_error
    assert any("failed" in r.getMessage() for r in caplog.records)
    jm.shutdown()


def test_finished_jobs_are_evicted_oldest_first():
    jm = JobManager(WebSettings(warm=(), max_jobs_kept=2), runners={"simulate": echo})
    ids = []
    for k in range(3):
        ids.append(jm.submit("simulate", {"k": k}))
        wait_done(jm, ids[-1])
    with pytest.raises(UnknownJob):
        jm.get(ids[0])
    assert jm.get(ids[1]) and jm.get(ids[2])
    # asked again after eviction: a new job (computed again), not an error
    again = jm.submit("simulate", {"k": 0})
    assert again != ids[0] and wait_done(jm, again)["result"] == {"echo": {"k": 0}}
    jm.shutdown()


def test_memory_budget_evicts_but_keeps_the_newest():
    import numpy as np

    def big(params, progress):
        return {"k": params["k"]}, {"results": [np.zeros(700_000)]}  # 5.6 MB

    jm = JobManager(WebSettings(warm=(), cache_mb=10), runners={"simulate": big})
    a = jm.submit("simulate", {"k": 1})
    wait_done(jm, a)
    b = jm.submit("simulate", {"k": 2})
    wait_done(jm, b)
    with pytest.raises(UnknownJob):
        jm.get(a)
    assert jm.get(b).state == "done" and jm.counts()["cache_bytes"] <= 10 * 2**20
    jm.shutdown()


def test_queue_bound_counts_waiting_jobs_only():
    gate = threading.Event()
    started = threading.Event()

    def slow(params, progress):
        started.set()
        gate.wait(10)
        return {}, None

    jm = JobManager(WebSettings(warm=(), max_queued_jobs=1), runners={"simulate": slow})
    first = jm.submit("simulate", {"k": 1})
    assert started.wait(10)
    jm.submit("simulate", {"k": 2})  # waits: the queue now holds 1
    with pytest.raises(QueueFull) as info:
        jm.submit("simulate", {"k": 3})
    assert info.value.field == "queue" and "GAEMI_WEB_MAX_QUEUED_JOBS" in info.value.allowed
    gate.set()
    wait_done(jm, first)
    jm.shutdown()


def test_unknown_kind_and_job():
    jm = JobManager(WebSettings(warm=()), runners={"simulate": echo})
    with pytest.raises(ConfigError):
        jm.submit("nope", {})
    with pytest.raises(UnknownJob):
        jm.status("nope")
    jm.shutdown()


def test_through_the_api_a_bug_is_a_500_and_a_config_error_a_422(hermetic_env):
    """With ?wait=true the answer says what happened: a job that hit a bug is 500 (so the fuzz
    finds it), one refused by the library is 422 naming the field; polling shows state error."""
    from fastapi.testclient import TestClient

    from gaemi.web.app import create_app
    from tests.web.conftest import SMALL_LIMITS

    def runner(params, progress):
        if params["seed"] == 1:
            raise KeyError("bug")
        raise ConfigError("scenario_day", 5, "a session from 0 to 4")

    settings = WebSettings(**SMALL_LIMITS)
    app = create_app(settings)
    app.state.jobs = JobManager(settings, runners={"simulate": runner})
    with TestClient(app) as c:
        body = {"plan": "safe", "years": 1, "paths": 256}
        r = c.post("/api/simulate?wait=true", json={**body, "seed": 1})
        assert r.status_code == 500 and "internal error (KeyError)" in r.json()["error"]["message"]
        r = c.post("/api/simulate?wait=true", json={**body, "seed": 2})
        assert r.status_code == 422 and r.json()["error"]["field"] == "scenario_day"
        st = c.get(f"/api/jobs/{r.json()['job']['id']}").json()
        assert st["state"] == "error" and st["error"]["field"] == "scenario_day"
