"""Shared fixtures of the web tests: an app with small limits and a TestClient on it.

The limits are small so that every simulation a test (or the fuzz) can ask for is quick on 2
cores: at most 1,024 paths, 3 years, 6,000 path-years a job, the bootstrap model only (the other
models would compile their own kernels, a minute each on a fresh cache), colony runs of at most
5,000 agents. No warm-up thread. The
store is pointed at a file that does not exist, so no test reads the user's data.
"""

from __future__ import annotations

import pytest

SMALL_LIMITS = dict(
    max_paths=1024, default_paths=256, max_years=3, max_work=6_000, max_compare_plans=3,
    max_leverage_points=6, max_concurrent_jobs=1, max_queued_jobs=4, max_body_bytes=16_384,
    cache_mb=64, max_jobs_kept=64, wait_seconds=120, models=("bootstrap",), warm=(),
    max_investors=5_000, default_investors=1_000,
)


@pytest.fixture(scope="module")
def hermetic_env(tmp_path_factory):
    """No GAEMI_WEB_* from the environment, and a store path that does not exist."""
    import os

    mp = pytest.MonkeyPatch()
    for k in list(os.environ):
        if k.startswith("GAEMI_WEB_"):
            mp.delenv(k)
    mp.setenv("GAEMI_STORE", str(tmp_path_factory.mktemp("nostore") / "absent.duckdb"))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def web_settings(hermetic_env):
    from gaemi.web.settings import WebSettings

    return WebSettings(**SMALL_LIMITS)


@pytest.fixture(scope="module")
def app(web_settings):
    from gaemi.web.app import create_app

    return create_app(web_settings)


@pytest.fixture(scope="module")
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:  # runs the lifespan (start-up and shut-down)
        yield c
