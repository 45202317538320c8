"""The JSON API under ``/api``: the same numbers as the CLI's ``--json``, from the same library calls.

Long runs (simulate, compare, odds) are jobs: the POST answers at once with the job's status
(202 while it waits or runs, 200 when the answer was already known), ``?wait=true`` waits for the
result (up to the server's ``wait_seconds``). ``GET /api/jobs/{id}`` polls, ``/events`` streams
server-sent events, ``/report`` is the self-contained HTML report and ``/plan.toml`` the plan file
that reproduces the numbers from the CLI. Every refusal is ``{"error": {"field", "value",
"allowed", "message"}}``: 422 for a bad value or a request over a limit (naming the limit and
the variable that raises it), 404 for an unknown name or job, 413 for a body over the size limit,
503 when the job queue is full.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from gaemi.config.plan import Plan
from gaemi.errors import ConfigError
from gaemi.limits import MAX_AMOUNT
from gaemi.web.jobs import JobManager, UnknownJob, error_dict, json_safe
from gaemi.web.schemas import (ERRORS, ColonyRequest, CompareRequest, Health, HomeRequest, JobStatus,
                               OddsRequest, SimulateRequest)
from gaemi.web.settings import WebSettings

router = APIRouter(prefix="/api", tags=["api"], responses={422: ERRORS[422]})

DAYS_PER_YEAR = 252


# ----------------------------------------------------------------------------- helpers
class JSONBody(Response):
    """JSON exactly as the CLI prints it (NaN -> null, numpy -> numbers), UTF-8, not ASCII-escaped."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return json.dumps(json_safe(content), ensure_ascii=False, allow_nan=False).encode("utf-8")


def error_response(err: BaseException, status: int = 422, headers: dict | None = None) -> JSONBody:
    return JSONBody({"error": error_dict(err)}, status_code=status, headers=headers)


def _settings(request: Request) -> WebSettings:
    return request.app.state.settings


def _jobs(request: Request) -> JobManager:
    return request.app.state.jobs


def _prefix(field: str, err: ConfigError) -> ConfigError:
    """``err`` with its field under ``field`` (``plan`` + ``investor.capital`` ->
    ``plan.investor.capital``)."""
    inner = err.field
    name = field if inner in (None, "", "plan") else f"{field}.{inner}"
    out = ConfigError(name, err.value, err.allowed)
    return out


def resolve_plan(ref: Any, field: str = "plan") -> Plan:
    """A validated Plan from a built-in name or a plan object; never from a file.

    The same validation as the CLI (:func:`gaemi.config.io.plan_from_dict`), and the series a plan
    names (assets, rates, a home-price index) must exist, so that a typo is a 422 naming the field
    (``plan.holdings.0.asset``) before any job is queued."""
    from gaemi.config import builtin_plan_names, load_plan, plan_from_dict
    from gaemi.config.lending import preset_names

    if isinstance(ref, str):
        names = builtin_plan_names()
        if ref not in names:
            raise ConfigError(field, ref, f"one of {', '.join(names)} (a built-in plan), or a plan object; "
                              "the web app reads no file")
        return load_plan(ref)
    if not isinstance(ref, dict):
        raise ConfigError(field, type(ref).__name__, "a built-in plan name or a plan object")
    goal = ref.get("goal")
    if isinstance(goal, dict) and isinstance(goal.get("preset"), str) and goal["preset"] not in preset_names():
        raise ConfigError(f"{field}.goal.preset", goal["preset"],
                          f"one of {', '.join(preset_names())} (a built-in preset; the web app reads no file)")
    try:
        plan = plan_from_dict(ref)
    except ConfigError as err:
        raise _prefix(field, err) from None
    except RecursionError:
        raise ConfigError(field, "{...}", "a plan object nested less deeply") from None
    except (ArithmeticError, ValueError) as err:
        # a number too large to read (text of 400 digits overflows float): name where it is
        where, value = _huge_number(ref)
        raise ConfigError(f"{field}.{where}" if where else field, value,
                          f"an amount at most {MAX_AMOUNT:g} ({type(err).__name__})") from None
    _check_series(plan, field)
    return plan


def _huge_number(data: Any, path: str = "") -> tuple[str, Any]:
    """The first place in ``data`` holding a number (or number text) too large for a float."""
    import re

    from gaemi.web.jobs import short_value

    if isinstance(data, dict):
        items = list(data.items())
    elif isinstance(data, list):
        items = list(enumerate(data))
    else:
        big = (isinstance(data, int) and not isinstance(data, bool) and abs(data) > 10**300) or (
            isinstance(data, str) and len(re.sub(r"\D", "", data)) > 300)
        return (path, short_value(data)) if big else ("", None)
    for k, v in items:
        where, value = _huge_number(v, f"{path}.{k}" if path else str(k))
        if where:
            return where, value
    return "", None


def money(value: Any, field: str) -> float:
    """Money as people type it (:func:`gaemi.units.parse_money`), at most MAX_AMOUNT; a number too
    large to read is a ConfigError naming ``field``, not an overflow."""
    from gaemi.units import parse_money

    from gaemi.web.jobs import short_value

    allowed = f"an amount from 0 to {MAX_AMOUNT:g} such as 1106000000, 1,106,000,000, 11억 600만 or 7000만"
    if isinstance(value, str) and len(value) > 100:
        raise ConfigError(field, short_value(value), allowed)
    x = parse_money(value, field)
    if x > MAX_AMOUNT:
        raise ConfigError(field, short_value(value), allowed)
    return x


def _check_series(plan: Plan, field: str) -> None:
    from gaemi.config.plan import DEPOSIT
    from gaemi.data.catalog import series_info

    def check(name: str | None, where: str) -> None:
        if name is None:
            return
        try:
            series_info(name)
        except ConfigError as err:
            raise ConfigError(f"{field}.{where}", name, err.allowed) from None

    for k, h in enumerate(plan.holdings):
        if h.asset != DEPOSIT:
            check(h.asset, f"holdings.{k}.asset")
        check(h.rate, f"holdings.{k}.rate")
    check(plan.deposit.series, "deposit.series")
    if plan.goal is not None and plan.goal.kind == "home":
        check(plan.goal.price_index, "goal.price_index")


def _over(field: str, value: Any, limit: float, var: str, what: str, hint: str = "") -> ConfigError:
    return ConfigError(field, value, f"at most {limit:,g} {what} (the limit of this server; raise it with "
                                     f"{var}=N){hint}")


def _check_mc(settings: WebSettings, body: Any, plans: list[Plan], points: int = 1) -> dict[str, Any]:
    """The Monte Carlo arguments, checked against the server's limits, with defaults filled in."""
    from gaemi.montecarlo import _validate

    model = body.model
    if model not in settings.models:
        raise ConfigError("model", model, f"one of {', '.join(settings.models)} (the models this server runs; "
                          f"{settings.env_var('models')})")
    if model == "historical" and body.paths is not None:
        raise ConfigError("paths", body.paths, "no paths with model historical (one future per monthly start "
                          "in history)")
    years = float(body.years) if body.years is not None else float(plans[0].horizon_years)
    ylimit, yvar = settings.limit("max_years")
    if years > ylimit:
        raise _over("years", body.years if body.years is not None else years, ylimit, yvar, "years",
                    "" if body.years is not None else "; the plan's horizon is longer: pass a shorter years")
    plimit, pvar = settings.limit("max_paths")
    n_plans = len(plans) * points
    if model == "historical":
        paths = 1  # ignored by the model (one path per monthly start); the CLI's rule refuses a value
    elif body.paths is not None:
        paths = int(body.paths)
        if paths > plimit:
            raise _over("paths", body.paths, plimit, pvar, "paths per plan")
        if paths * years * n_plans > settings.max_work:
            raise _over("paths", body.paths, settings.max_work, settings.env_var("max_work"),
                        f"path-years per job (paths x years x {'points' if points > 1 else 'plans'}: "
                        f"{paths:,} x {years:g} x {n_plans} here)")
    else:
        # the default, lowered to fit the work limit (in steps of 256), never below 256
        paths = min(settings.default_paths, plimit)
        fit = int(settings.max_work // max(years * n_plans, 1e-9))
        if fit < paths:
            paths = max(256, fit // 256 * 256)
            if paths * years * n_plans > settings.max_work or paths > plimit:
                raise _over("years", years, settings.max_work, settings.env_var("max_work"),
                            f"path-years per job ({years:g} years x {n_plans} "
                            f"{'points' if points > 1 else 'plans'} leave fewer than 256 paths)")
    _validate(paths, years, model)  # the library's own checks (a month at least, its limits)
    seed = settings.default_seed if body.seed is None else int(body.seed)
    return {"model": model, "paths": paths, "years": years, "seed": seed, "chunk_size": settings.chunk_size}


def _check_scenario(body: Any, years: float) -> tuple[str | None, int]:
    from gaemi.scenarios import get_crash

    if body.scenario is None:
        if body.scenario_day is not None:
            raise ConfigError("scenario_day", body.scenario_day, "a scenario_day only with a scenario")
        return None, 0
    crash = get_crash(body.scenario)
    day = 0 if body.scenario_day is None else int(body.scenario_day)
    n_days = int(round(years * DAYS_PER_YEAR))
    if day + crash.n_days > n_days:
        raise ConfigError("scenario_day", day, f"a session from 0 to {n_days - crash.n_days} ({crash.name} lasts "
                          f"{crash.n_days} sessions and the horizon is {n_days})"
                          if n_days >= crash.n_days else
                          f"a horizon of at least {crash.n_days} sessions for {crash.name} "
                          f"({crash.n_days / DAYS_PER_YEAR:.2f} years)")
    return crash.name, day


def _num(x: float) -> str:
    return repr(float(x)) if not float(x).is_integer() else str(int(x))


def _cli(kind: str, plans: list[Plan], p: dict[str, Any]) -> list[str]:
    files = [f"{pl.name}.toml" for pl in plans]
    cmd = ["gaemi", kind, *files, "--model", p["model"]]
    if p["model"] != "historical":
        cmd += ["--paths", str(p["paths"])]
    cmd += ["--years", _num(p["years"]), "--seed", str(p["seed"])]
    if p.get("scenario"):
        cmd += ["--scenario", p["scenario"], "--scenario-day", str(p["scenario_day"])]
    if kind == "odds":
        lev = p["leverage"]
        cmd += ["--leverage", lev if isinstance(lev, str) else ",".join(_num(x) for x in lev),
                "--family", p["family"], "--ruin-limit", _num(p["ruin_limit"])]
    return cmd + ["--json"]


def _status(request: Request, job_id: str) -> dict[str, Any]:
    st = _jobs(request).status(job_id)
    base = f"/api/jobs/{job_id}"
    st["links"] = {"self": base, "events": base + "/events", "report": base + "/report"}
    if st["kind"] != "colony":  # a colony job has no plan
        st["links"]["plan_toml"] = base + "/plan.toml"
    return st


async def _answer(request: Request, kind: str, params: dict[str, Any], plans: list[Plan], wait: bool) -> Response:
    meta = {"params": {k: v for k, v in params.items() if k not in ("plan", "plans", "chunk_size")}
            | {"plans": [p.name for p in plans]}, "cli": _cli(kind, plans, params)}
    jobs = _jobs(request)
    job_id = jobs.submit(kind, params, meta=meta)
    if wait:
        await jobs.wait(job_id)
    job = jobs.get(job_id)
    st = _status(request, job_id)
    if job.state == "error" and wait:
        return JSONBody({"error": job.error, "job": st}, status_code=500 if job.internal_error else 422)
    return JSONBody(st, status_code=200 if job.state == "done" else 202)


async def _in_thread(fn, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


# ----------------------------------------------------------------------------- catalogue
@router.get("/health", response_model=Health)
def health(request: Request) -> dict[str, Any]:
    """Whether the compiled engine is loaded (``ready``) and the start-up warm-up still runs."""
    return dict(request.app.state.warm)


@router.get("/limits")
def limits(request: Request) -> dict[str, Any]:
    """The server's limits (effective values) and the environment variable that raises each."""
    return _settings(request).public()


@router.get("/plans")
def plans() -> JSONBody:
    """The built-in plans: ``{"plans": [{"name", "title", "horizon_years", "currency", "goal", "assets"}]}``
    (``gaemi plans --json`` has name and title)."""
    from gaemi.config import builtin_plan_names, load_plan

    rows = []
    for name in builtin_plan_names():
        p = load_plan(name)
        rows.append({"name": name, "title": p.title, "horizon_years": p.horizon_years, "currency": p.currency,
                     "goal": None if p.goal is None else p.goal.kind, "assets": p.underlyings,
                     "margin": p.margin is not None})
    return JSONBody({"plans": rows})


@router.get("/plans/{name}", responses={404: ERRORS[404]})
def plan_show(name: str) -> JSONBody:
    """A built-in plan, validated, and its TOML (``gaemi plans show NAME --json``)."""
    from gaemi.config import builtin_plan_names, builtin_plan_text, load_plan

    if name not in builtin_plan_names():
        return error_response(ConfigError("name", name, f"one of {', '.join(builtin_plan_names())}"), 404)
    return JSONBody({"name": name, "plan": load_plan(name).model_dump(mode="json"), "toml": builtin_plan_text(name)})


@router.get("/scenarios")
def scenarios(request: Request) -> JSONBody:
    """The Monte Carlo models and the named crashes (``gaemi scenarios --json``), and the models
    this server runs."""
    from gaemi.montecarlo import MODELS
    from gaemi.scenarios import list_crashes

    return JSONBody({"models": list(MODELS), "crashes": [c.summary() for c in list_crashes()],
                     "enabled_models": list(_settings(request).models)})


# ----------------------------------------------------------------------------- jobs
@router.post("/simulate", response_model=JobStatus, status_code=202,
             responses={200: {"model": JobStatus, "description": "the answer (known, or waited for)"},
                        413: ERRORS[413], 500: ERRORS[500], 503: ERRORS[503]})
async def simulate(request: Request, body: SimulateRequest,
                   wait: bool = Query(False, description="wait for the result")) -> Response:
    """A plan over many simulated futures: the fields of ``gaemi simulate --json`` in ``result``."""
    settings = _settings(request)

    def check():
        plan = resolve_plan(body.plan)
        p = _check_mc(settings, body, [plan])
        p["scenario"], p["scenario_day"] = _check_scenario(body, p["years"])
        return plan, p

    plan, p = await _in_thread(check)
    return await _answer(request, "simulate", {"plan": plan, **p}, [plan], wait)


@router.post("/compare", response_model=JobStatus, status_code=202,
             responses={200: {"model": JobStatus, "description": "the answer (known, or waited for)"},
                        413: ERRORS[413], 500: ERRORS[500], 503: ERRORS[503]})
async def compare(request: Request, body: CompareRequest,
                  wait: bool = Query(False, description="wait for the result")) -> Response:
    """Plans side by side on the same futures: ``gaemi compare --json`` (``{"plans": [...]}``)."""
    settings = _settings(request)

    def check():
        limit = settings.max_compare_plans
        if len(body.plans) > limit:
            raise _over("plans", f"{len(body.plans)} plans", limit, settings.env_var("max_compare_plans"),
                        "plans per compare")
        plans = [resolve_plan(ref, f"plans.{k}") for k, ref in enumerate(body.plans)]
        cur = {p.currency for p in plans}
        if len(cur) > 1:
            raise ConfigError("plans", ", ".join(sorted(cur)), "plans in one currency (the same futures)")
        p = _check_mc(settings, body, plans)
        p["scenario"], p["scenario_day"] = _check_scenario(body, p["years"])
        return plans, p

    plans, p = await _in_thread(check)
    return await _answer(request, "compare", {"plans": plans, **p}, plans, wait)


@router.post("/odds", response_model=JobStatus, status_code=202,
             responses={200: {"model": JobStatus, "description": "the answer (known, or waited for)"},
                        413: ERRORS[413], 500: ERRORS[500], 503: ERRORS[503]})
async def odds(request: Request, body: OddsRequest,
               wait: bool = Query(False, description="wait for the result")) -> Response:
    """The odds curve, P(home) beside P(ruin) as exposure grows: ``gaemi odds --json``."""
    settings = _settings(request)

    def check():
        from gaemi.odds import leverages_arg, plan_exposure

        plan = resolve_plan(body.plan)
        if plan.goal is None:
            raise ConfigError("plan.goal", None, "a plan with a goal (the odds are the odds of reaching it)")
        if not plan.underlyings:
            raise ConfigError("plan.holdings", "deposit only", "at least one risky holding to lever")
        levs = leverages_arg(body.leverage)
        limit, var = settings.limit("max_leverage_points")
        n = int(len(set(levs.tolist()) | {plan_exposure(plan)}))
        if n > limit:
            raise _over("leverage", body.leverage if isinstance(body.leverage, str) else f"{len(levs)} exposures",
                        limit, var, "exposures on one odds curve (the plan's own included)")
        p = _check_mc(settings, body, [plan], points=n + 1)  # + the plan's own run for the report
        p["leverage"] = body.leverage if isinstance(body.leverage, str) else [float(x) for x in body.leverage]
        p["ruin_limit"], p["family"] = float(body.ruin_limit), body.family
        return plan, p

    plan, p = await _in_thread(check)
    return await _answer(request, "odds", {"plan": plan, **p}, [plan], wait)


def check_colony(settings: WebSettings, body: ColonyRequest) -> dict[str, Any]:
    """The colony job's parameters, checked as ``gaemi colony`` checks them (the colony's own
    validators: scenario names, the shock object's buckets and days, dates) and against the server's
    investor limit, before any job is queued. The shock object is kept as validated JSON (the cache
    key); errors inside it are named ``shock.returns.kosdaq_theme`` etc."""
    from gaemi.colony.api import check_impact, parse_curve
    from gaemi.colony.calibration import load_calibration
    from gaemi.colony.shock import make_shock
    from gaemi.limits import whole_number

    limit, var = settings.limit("max_investors")
    investors = (min(settings.default_investors, int(limit)) if body.investors is None
                 else whole_number("investors", body.investors))
    if investors > limit:
        raise _over("investors", body.investors if body.investors is not None else investors, limit, var,
                    "investors (agents) per colony run")
    impact = check_impact(body.impact)
    curve = parse_curve(body.curve)
    if body.shock is not None and not isinstance(body.shock, dict):
        raise ConfigError("shock", type(body.shock).__name__, "a shock object (days and returns); never a file")
    try:
        sh = make_shock(scenario=body.scenario, shock=body.shock, start=body.start, end=body.end,
                        calibration=load_calibration(None))
    except ConfigError as err:
        if body.shock is not None and body.scenario is None and body.start is None and body.end is None:
            raise _prefix("shock", err) from None
        raise
    p: dict[str, Any] = {"investors": int(investors), "seed": settings.default_seed if body.seed is None
                         else int(body.seed), "impact": float(impact), "curve": [float(x) for x in curve]}
    if body.scenario is not None:
        p["scenario"] = sh.name
    elif body.shock is not None:
        p["shock"] = json_safe(body.shock)
        p["shock_name"] = sh.name
    else:
        p["from"], p["to"] = str(body.start), str(body.end)  # run as given, as the CLI does
    return p


def colony_cli(p: dict[str, Any]) -> list[str]:
    """The ``gaemi colony`` command that gives a colony job's numbers (a custom shock saved as
    ``NAME.toml``)."""
    if "scenario" in p:
        cmd = ["gaemi", "colony", "--scenario", p["scenario"]]
    elif "shock" in p:
        cmd = ["gaemi", "colony", "--shock", f"{p['shock_name']}.toml"]
    else:
        cmd = ["gaemi", "colony", "--from", p["from"], "--to", p["to"]]
    curve = ",".join(_num(x) for x in p["curve"]) or "none"
    return cmd + ["--investors", str(p["investors"]), "--seed", str(p["seed"]), "--impact", _num(p["impact"]),
                  "--curve", curve, "--json"]


@router.post("/colony", response_model=JobStatus, status_code=202,
             responses={200: {"model": JobStatus, "description": "the answer (known, or waited for)"},
                        413: ERRORS[413], 500: ERRORS[500], 503: ERRORS[503]})
async def colony(request: Request, body: ColonyRequest,
                 wait: bool = Query(False, description="wait for the result")) -> Response:
    """The colony stress test: ``gaemi colony --json`` in ``result`` (a scenario, a shock object or a
    window of history; investors bounded by the server's max_investors)."""
    settings = _settings(request)
    p = await _in_thread(check_colony, settings, body)
    meta = {"params": dict(p), "cli": colony_cli(p)}
    jobs = _jobs(request)
    job_id = jobs.submit("colony", p, meta=meta)
    if wait:
        await jobs.wait(job_id)
    job = jobs.get(job_id)
    st = _status(request, job_id)
    if job.state == "error" and wait:
        return JSONBody({"error": job.error, "job": st}, status_code=500 if job.internal_error else 422)
    return JSONBody(st, status_code=200 if job.state == "done" else 202)


@router.get("/jobs/{job_id}", response_model=JobStatus, responses={404: ERRORS[404]})
def job(request: Request, job_id: str) -> Response:
    """A job's state, progress (0..1) and, when done, its result (or its error)."""
    return JSONBody(_status(request, job_id))


@router.get("/jobs/{job_id}/events", responses={404: ERRORS[404], 200: {
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
    "description": "server-sent events: one `data:` line with the job's status at each change, "
                   "the last one when it is done or failed"}})
async def job_events(request: Request, job_id: str) -> Response:
    """The job's status as server-sent events until it is done or failed."""
    jobs = _jobs(request)
    jobs.get(job_id)  # 404 before the stream starts

    async def stream():
        last = None
        idle = 0.0
        while True:
            try:
                st = _status(request, job_id)
            except UnknownJob:
                return
            snap = (st["state"], st["progress"])
            if snap != last:
                last, idle = snap, 0.0
                yield f"event: status\ndata: {json.dumps(json_safe(st), ensure_ascii=False)}\n\n"
            if st["state"] in ("done", "error"):
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(0.25)
            idle += 0.25
            if idle >= 15:
                idle = 0.0
                yield ": keep-alive\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _finished(request: Request, job_id: str):
    job = _jobs(request).get(job_id)
    if job.state != "done":
        raise ConfigError("job_id", job_id, f"a finished job (this one is {job.state})")
    return job


@router.get("/jobs/{job_id}/report", responses={404: ERRORS[404], 200: {
    "content": {"text/html": {"schema": {"type": "string"}}},
    "description": "the self-contained HTML report (as gaemi simulate --report writes it)"}})
def job_report(request: Request, job_id: str,
               lang: str = Query("ko", pattern="^(ko|en)$", description="ko or en")) -> Response:
    """The self-contained HTML report of a finished job, the same page as the CLI's ``--report``."""
    from gaemi.reports.html import render_html

    job = _finished(request, job_id)
    key = (job_id, lang)
    cache = request.app.state.reports
    with request.app.state.report_lock:  # one page at a time (a report renders every chart)
        page = cache.get(key)
        if page is None and job.kind == "colony":
            from gaemi.reports.colony_report import render_colony_html

            page = render_colony_html(job.objects["colony"], lang)  # as gaemi colony --report writes it
        if page is None:
            page = render_html(job.objects["results"], lang=lang, odds=job.objects.get("odds"))
            cache[key] = page
            while len(cache) > 4:
                cache.pop(next(iter(cache)))
    name = ("-".join(p for p in job.meta["params"]["plans"]) if job.kind != "colony"
            else job.objects["colony"].shock.name)[:80]
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": attachment(f"gaemi-{job.kind}-{name}.html")})


@router.get("/jobs/{job_id}/plan.toml", responses={404: ERRORS[404], 200: {
    "content": {"application/toml": {"schema": {"type": "string"}}},
    "description": "the plan file; its first lines give the gaemi command that reproduces the numbers"}})
def job_plan_toml(request: Request, job_id: str,
                  index: int = Query(0, ge=0, le=63, description="which plan of a compare (0 = first)")) -> Response:
    """The plan TOML that reproduces the job's numbers from the CLI (same seed, same numbers)."""
    from gaemi import __version__
    from gaemi.config import plan_to_toml

    job = _jobs(request).get(job_id)
    if job.kind == "colony":
        raise ConfigError("job_id", job_id, "a simulate, compare or odds job (a colony job has no plan)")
    plans = job.params["plans"] if "plans" in job.params else [job.params["plan"]]
    if index >= len(plans):
        raise ConfigError("index", index, f"0 to {len(plans) - 1} (the plans of this job)")
    plan = plans[index]
    cmd = " ".join(job.meta["cli"])
    head = (f"# gaemi {__version__}: the plan {plan.name!r} as the web app ran it (job {job.id}).\n"
            f"# Save each plan of the job as NAME.toml; then this gives the same numbers:\n#   {cmd}\n")
    text = plan_to_toml(plan)
    lost = _lost_in_toml(plan, text)
    if lost:  # TOML has no null: a setting that is None where its default is not cannot be written
        head += (f"# NOTE: this file cannot hold {', '.join(lost)} = none (TOML has no null), so it reads back "
                 "with the default there and may not give the same numbers.\n")
    return Response(head + text, media_type="application/toml; charset=utf-8",
                    headers={"Content-Disposition": attachment(f"{plan.name}.toml")})


def _lost_in_toml(plan: Plan, text: str) -> list[str]:
    """Fields of ``plan`` that do not survive ``plan_to_toml`` -> TOML -> Plan (dotted names)."""
    import tomllib

    back = Plan.model_validate(tomllib.loads(text))
    if back == plan:
        return []
    a, b = plan.model_dump(mode="json"), back.model_dump(mode="json")
    out: list[str] = []

    def walk(x: Any, y: Any, path: str) -> None:
        if isinstance(x, dict) and isinstance(y, dict):
            for k in x:
                walk(x[k], y.get(k), f"{path}.{k}" if path else k)
        elif x != y:
            out.append(path or "plan")

    walk(a, b, "")
    return out


# ----------------------------------------------------------------------------- quick answers
@router.post("/home", responses={200: {"description": "gaemi home --json"}})
def home(body: HomeRequest) -> JSONBody:
    """The largest mortgage the lending rules allow today, the cash needed and the rule that binds
    (``gaemi home --json``)."""
    from gaemi.config.lending import load_rules, preset_names
    from gaemi.instruments.home_purchase import affordability

    if body.preset not in preset_names():
        raise ConfigError("preset", body.preset, f"one of {', '.join(preset_names())} (a built-in preset)")
    price = money(body.price, "price")
    income = money(body.income, "income")
    a = affordability(price, income, load_rules(body.preset), body.first_time, body.rate)
    return JSONBody(a.to_dict())


@router.get("/heat", responses={200: {"description": "gaemi heat --json"}})
def heat(source: str = Query("auto", pattern="^(auto|sample|store)$",
                             description="sample (embedded), store (the server's), or auto (store if it exists)"),
         start: Optional[str] = Query(None, max_length=40, description="first day, YYYY-MM-DD"),
         end: Optional[str] = Query(None, max_length=40, description="last day, YYYY-MM-DD"),
         lang: str = Query("ko", pattern="^(ko|en)$", description="language of the texts")) -> JSONBody:
    """Market heat: one series per gauge with its texts (``gaemi heat --json``, ``--sample`` for the
    embedded sample). The store is the server's own; no path is taken from the client."""
    from gaemi.data.connectors._common import as_date
    from gaemi.data.store import resolve_path
    from gaemi.heat import heat_from_sample, heat_from_store

    s = None if start is None else as_date(start, "start")
    e = None if end is None else as_date(end, "end")
    if s and e and s > e:
        raise ConfigError("start", str(s), f"a date on or before end ({e})")
    store = resolve_path(None)
    use_sample = source == "sample" or (source == "auto" and not store.exists())
    if not use_sample and not store.exists():
        raise ConfigError("source", source, "sample (this server has no store), or auto")
    got = heat_from_sample(s, e, lang) if use_sample else heat_from_store(store, s, e, lang)
    return JSONBody(got.to_dict(lang))


def attachment(filename: str) -> str:
    """A Content-Disposition value for ``filename`` (plan names may be Korean: an ASCII fallback
    and the UTF-8 name, RFC 6266 / RFC 5987)."""
    from urllib.parse import quote

    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
