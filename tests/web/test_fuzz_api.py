"""Property-based fuzz of the JSON API from its own OpenAPI schema (schemathesis).

Every operation gets examples that follow the schema (positive) and examples that break it
(negative). Whatever comes in: no 500 (a 503 only as the queue refusal, with Retry-After), every
status code and content type is one the schema documents, and every JSON answer matches its
documented schema. The app is the tests' small-limits app (conftest): any run the fuzz can reach
is a few hundred paths over at most 3 years, bootstrap only.

``GAEMI_FUZZ_EXAMPLES`` (default 15) sets the examples per operation and mode; the default run is
bounded so the whole file takes well under a minute on 2 cores once the engine is compiled.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.web.conftest import SMALL_LIMITS

EXAMPLES = int(os.environ.get("GAEMI_FUZZ_EXAMPLES", "15"))


class NotAServerError(AssertionError):
    pass


@schemathesis.check
def no_server_error(ctx, response, case):
    """5xx never, except 503 with Retry-After (the documented queue refusal)."""
    status = response.status_code
    if status == 503 and response.headers.get("retry-after"):
        return None
    if status >= 500:
        raise NotAServerError(f"{case.method} {case.formatted_path} -> {status}: {response.text[:500]}")
    return None


CHECKS = [no_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


#: the fuzz's own app: horizons up to 10 years (the built-in plans' own), so that examples with a
#: built-in plan and no years reach the engine; 64 paths by default, at most 256
FUZZ_LIMITS = {**SMALL_LIMITS, "max_paths": 256, "default_paths": 64, "max_years": 10, "max_work": 3000,
               "max_leverage_points": 4}


@pytest.fixture(scope="module")
def app(hermetic_env):
    from gaemi.web.app import create_app
    from gaemi.web.settings import WebSettings

    app = create_app(WebSettings(**FUZZ_LIMITS))
    yield app
    app.state.jobs.shutdown(wait=False)


@pytest.fixture(scope="module")
def api_schema(app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.generation.update(modes=[schemathesis.GenerationMode.POSITIVE,
                                           schemathesis.GenerationMode.NEGATIVE],
                                    max_examples=EXAMPLES, deterministic=True, database="none")
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_follows_its_schema(case):
    case.call_and_validate(checks=CHECKS)


def test_the_fuzz_reached_the_engine(app):
    """Runs after the fuzz (same module, same app): some of its requests were valid enough to run
    (or be answered from the cache), so the fuzz did not stop at validation only."""
    counts = app.state.jobs.counts()
    assert counts["submitted"] >= 5, counts
