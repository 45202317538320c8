"""The leverage page's Monte Carlo model and family, and the compare page's model and named crash:
the page's job gives the numbers of the CLI run with the same options (written out here from the
form's inputs, not read back from the job), and an option the server does not offer is an error
next to its field."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app as cli_app
from test_pages import english_words, error_of, job_id, wait_job

runner = CliRunner()
LIMITS = dict(max_paths=1024, default_paths=256, max_years=10, max_work=60_000, max_compare_plans=4,
              max_leverage_points=8, max_concurrent_jobs=1, max_queued_jobs=8, max_body_bytes=16_384,
              cache_mb=64, max_jobs_kept=64, wait_seconds=120, models=("bootstrap", "parametric"), warm=())


@pytest.fixture(scope="module")
def web(hermetic_env):
    from fastapi.testclient import TestClient

    from gaemi.web.app import create_app
    from gaemi.web.settings import WebSettings

    with TestClient(create_app(WebSettings(**LIMITS))) as c:
        yield c


def cli(*args: str) -> dict:
    r = runner.invoke(cli_app, [*args, "--json"], env={"GAEMI_LANG": "en"})
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_leverage_page_model_and_family_equal_the_cli(web):
    page = web.get("/leverage")
    assert 'id="model"' in page.text and 'id="family"' in page.text and not english_words(page.text)
    r = web.post("/leverage", data={"plan": "all-in-margin", "lev_from": "0", "lev_to": "2", "lev_step": "1",
                                    "paths": "256", "seed": "5", "model": "parametric", "family": "daily"},
                 follow_redirects=False)
    st = wait_job(web, job_id(r))
    assert st["state"] == "done", st
    want = cli("odds", "all-in-margin", "--model", "parametric", "--family", "daily", "--leverage", "0:2:1",
               "--paths", "256", "--seed", "5")
    assert st["result"] == want
    assert st["result"]["model"] == "parametric" and st["result"]["family"] == "daily"


def test_compare_page_model_and_crash_equal_the_cli(web):
    page = web.get("/compare")
    assert 'id="model"' in page.text and 'id="scenario"' in page.text and not english_words(page.text)
    r = web.post("/compare", data={"plan0": "all-in-margin", "plan1": "safe", "paths": "256", "seed": "5",
                                   "model": "parametric", "scenario": "covid-2020"}, follow_redirects=False)
    st = wait_job(web, job_id(r))
    assert st["state"] == "done", st
    want = cli("compare", "all-in-margin", "safe", "--model", "parametric", "--scenario", "covid-2020",
               "--paths", "256", "--seed", "5")
    assert st["result"] == want


@pytest.mark.parametrize("path, data, field", [
    ("/leverage", {"plan": "all-in-margin", "lev_from": "0", "lev_to": "2", "lev_step": "1", "paths": "256",
                   "model": "garch"}, "model"),
    ("/leverage", {"plan": "all-in-margin", "lev_from": "0", "lev_to": "2", "lev_step": "1", "paths": "256",
                   "family": "weekly"}, "family"),
    ("/compare", {"plan0": "all-in-margin", "plan1": "safe", "paths": "256", "model": "garch"}, "model"),
    ("/compare", {"plan0": "all-in-margin", "plan1": "safe", "paths": "256", "scenario": "../x"}, "scenario"),
])
def test_an_option_the_server_does_not_offer_is_an_error_next_to_it(web, path, data, field):
    r = web.post(path, data=data)
    assert r.status_code == 422 and error_of(r.text, field), r.text[:3000]
    assert not english_words(r.text), english_words(r.text)
