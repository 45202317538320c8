"""``create_app()``: the FastAPI application behind ``gaemi serve``.

It holds the JSON API (:mod:`gaemi.web.api`), the HTML pages when :mod:`gaemi.web.pages` is
present, security headers and the body limit (:mod:`gaemi.web.security`), the job manager
(:mod:`gaemi.web.jobs`) and a start-up task that loads (or, on a fresh install, compiles) the
engine's kernels in a background thread: ``GET /api/health`` says ``{"ready", "warming"}`` meanwhile.

Errors: a :class:`~gaemi.errors.GaemiError` (a bad value, data that does not cover the request)
is 422 with ``{"error": {"field", "value", "allowed", "message"}}``, like the CLI's JSON error; a
request the API models refuse (wrong type, missing field, unknown field) is the same shape, the
field named as a dotted path inside the body (``plan.investor.capital``) or the query parameter.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gaemi.errors import GaemiError
from gaemi.web.jobs import JobManager, QueueFull, UnknownJob, short_value
from gaemi.web.security import BodyLimit, SecurityHeaders
from gaemi.web.settings import WebSettings

log = logging.getLogger("gaemi.web")


def warm_engine(app: FastAPI) -> None:
    """Run a tiny simulation per model in ``settings.warm`` (the first one makes the server
    ``ready``), recording the seconds each took in ``app.state.warm``."""
    from gaemi.web.runs import warm_model

    state = app.state.warm
    models = list(app.state.settings.warm)
    try:
        for k, model in enumerate(models):
            seconds = warm_model(model)
            state["seconds"][model] = round(seconds, 2)
            state["warmed"].append(model)
            if k == 0:
                state["ready"] = True
    except Exception as err:  # the server still answers; each job compiles what it needs
        log.exception("warming the engine failed")
        state["error"] = f"{type(err).__name__}: {err}"
        state["ready"] = True
    finally:
        state["warming"] = False


def _field_of(err: dict) -> str:
    loc = [str(x) for x in err.get("loc", ())]
    if loc and loc[0] in ("body", "query", "path", "header", "cookie"):
        loc = loc[1:]
    # a union's branch name is not a field ("plan.str", "plan.Plan", "leverage.list[float]")
    loc = [x for x in loc if not (x[:1].isupper() or x in ("str", "int", "float", "bool")
                                  or x.startswith(("list[", "dict[", "function-")))]
    return ".".join(loc) or "body"


def validation_error(exc: RequestValidationError) -> dict[str, Any]:
    """pydantic's request errors as gaemi's ``{"field", "value", "allowed", "message"}`` (the first)."""
    errors = exc.errors()
    first = next((e for e in errors if e.get("type") == "extra_forbidden"), errors[0] if errors else {})
    field = _field_of(first)
    value = short_value(first.get("input"))
    kind = first.get("type", "")
    msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        allowed = "no such field (see the API schema at /openapi.json)"
    elif kind == "missing":
        allowed = "required field is missing"
        value = None
    elif kind == "json_invalid":
        allowed, field = "a JSON body", "body"
    else:
        allowed = msg
    return {"field": field, "value": value, "allowed": allowed, "message": f"{field}: {msg}"}


def _schema_shows_limits(app: FastAPI, settings: WebSettings) -> None:
    """The OpenAPI schema states this server's limits (``maximum`` of paths and years, ``maxItems``
    of compare's plans), so a client (or a fuzzer) sees them; the handlers enforce them with an
    error naming the limit and its variable."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        comps = schema.get("components", {}).get("schemas", {})
        paths, _ = settings.limit("max_paths")
        years, _ = settings.limit("max_years")
        for name in ("SimulateRequest", "CompareRequest", "OddsRequest"):
            props = comps.get(name, {}).get("properties", {})
            for field, limit in (("paths", int(paths)), ("years", years)):
                for branch in props.get(field, {}).get("anyOf", []):
                    if branch.get("type") in ("integer", "number"):
                        branch["maximum"] = limit
        plans = comps.get("CompareRequest", {}).get("properties", {}).get("plans")
        if plans is not None:
            plans["maxItems"] = settings.max_compare_plans
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app with ``settings`` (default: :meth:`WebSettings.from_env`)."""
    from gaemi import __version__
    from gaemi.web import api
    from gaemi.web.api import JSONBody, error_response

    settings = settings or WebSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if settings.warm:
            t = threading.Thread(target=warm_engine, args=(app,), name="gaemi-warm", daemon=True)
            app.state.warm_thread = t
            t.start()
        try:
            yield
        finally:
            app.state.jobs.shutdown(wait=False)

    # no /docs or /redoc: FastAPI's pages load their scripts from a CDN (nothing may leave the
    # machine) and run inline scripts (the CSP forbids them); the schema is at /openapi.json
    app = FastAPI(title="gaemi", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="gaemi (개미): the odds of a home and of ruin for a retail investor's plan. "
                              "The same numbers as the CLI's --json.")
    app.state.settings = settings
    app.state.jobs = JobManager(settings)
    app.state.warm = {"ready": not settings.warm, "warming": bool(settings.warm), "warmed": [], "error": None,
                      "seconds": {}, "started": time.time()}
    app.state.reports = {}
    app.state.report_lock = threading.Lock()

    @app.exception_handler(QueueFull)
    async def _queue_full(request: Request, exc: QueueFull):
        return error_response(exc, 503, headers={"Retry-After": "5"})

    @app.exception_handler(UnknownJob)
    async def _unknown_job(request: Request, exc: UnknownJob):
        return error_response(exc, 404)

    @app.exception_handler(GaemiError)
    async def _gaemi_error(request: Request, exc: GaemiError):
        return error_response(exc, 422)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return JSONBody({"error": validation_error(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 400:  # FastAPI could not read the body (bytes that are not UTF-8 JSON)
            return JSONBody({"error": {"field": "body", "value": None, "allowed": "a JSON body in UTF-8",
                                       "message": f"body: {exc.detail}"}}, status_code=422)
        what = {404: "a path this server serves (see /openapi.json)", 405: "a method this path accepts"}
        return JSONBody({"error": {"field": "path" if exc.status_code in (404, 405) else None,
                                   "value": request.url.path, "allowed": what.get(exc.status_code),
                                   "message": str(exc.detail)}},
                        status_code=exc.status_code, headers=getattr(exc, "headers", None))

    app.include_router(api.router)
    _schema_shows_limits(app, settings)
    try:
        from gaemi.web import pages  # written alongside: the HTML pages, templates and /static
    except ImportError as err:
        if getattr(err, "name", None) not in ("gaemi.web.pages",):
            raise
    else:
        app.include_router(pages.router)

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, env_var=settings.env_var("max_body_bytes"))
    app.add_middleware(SecurityHeaders)
    return app
