"""The HTML pages: my plan, results, leverage, compare and heat (server-rendered Jinja2).

Pages present what the library computed: a run is a job on ``app.state.jobs`` (the same jobs,
cache and limits as the JSON API), and a finished job's result objects are rendered with the
report's own functions (:mod:`gaemi.reports`): its sentences, headline table and plotly figures.
The browser draws the figures with the plotly.js of the installed plotly package (served here,
no CDN) and never computes a number. Korean is the default; ``?lang=en`` or the switch on every
page (``/lang/en``) changes it and a cookie remembers it. No inline script or event handler (the
app's CSP allows only the server's own scripts): figures travel as JSON data blocks that
``/static/app.js`` draws.
"""

from __future__ import annotations

import json
import shlex
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from gaemi.web import forms
from gaemi.web.words import COOKIE, DEFAULT_LANG, FORM_ASSETS, LANGS, asset_label, check_lang, plan_title, word

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
#: the files /static/ serves besides plotly.min.js (a fixed list: no path from a request reaches the disk)
STATIC_FILES = {"app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
                "favicon.svg": "image/svg+xml"}
NAV = (("plan", "/plan"), ("leverage", "/leverage"), ("compare", "/compare"), ("heat", "/heat"),
       ("colony", "/colony"))
COOKIE_MAX_AGE = 365 * 24 * 3600
#: how many of the runs these pages started are remembered (their plans, for the next pages)
RUNS_KEPT = 256

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(HERE / "templates"))


# ----------------------------------------------------------------------------- language
def page_lang(request: Request) -> str:
    """``?lang=`` if given and known, else the cookie, else Korean."""
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get(COOKIE)
    return c if c in LANGS else DEFAULT_LANG


@pass_context
def _names(ctx, s: Any) -> Markup:
    """Escaped text; on a Korean page Latin tokens (series names, commands) are set as code
    (``<code class="data-name">``): data, not untranslated words."""
    from gaemi.reports.html import _e_names

    return Markup(_e_names(s, ctx.get("lang", DEFAULT_LANG)))


templates.env.filters["names"] = _names


def _safe_next(target: str | None) -> str:
    """A local path to go back to (never another site): ``/plan?x=1`` yes, ``//evil`` or ``http:`` no."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/plan"
    return target[:2000]


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    lang = page_lang(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    ctx = {
        "request": request, "lang": lang, "other_lang": "en" if lang == "ko" else "ko",
        "w": lambda key, **kw: word(lang, key, **kw), "here": here, "nav": NAV, "charts": False,
        "asset_label": lambda a: asset_label(lang, a), "plan_title": lambda n: plan_title(lang, n, n),
        "title": word(lang, "app_name"), "page": "", "plotly_style_ids": plotly_style_ids,
    }
    ctx.update(context)
    body = templates.env.get_template(name).render(**ctx)
    resp = HTMLResponse(body, status_code=status_code)
    resp.headers["Cache-Control"] = "no-store"
    if request.query_params.get("lang") in LANGS:
        _set_cookie(resp, lang)
    return resp


def _set_cookie(resp: Response, lang: str) -> None:
    resp.set_cookie(COOKIE, lang, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True, path="/")


@router.get("/lang/{lang}")
def switch_language(request: Request, lang: str, next: str = "/plan") -> Response:
    """Set the page language (cookie) and go back to the page the switch was pressed on."""
    lang = check_lang(lang)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(resp, lang)
    return resp


# ----------------------------------------------------------------------------- static files
@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    from importlib import resources

    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_bytes()


@router.get("/static/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js from the installed plotly package (the version the figures were made for)."""
    return Response(_plotly_js(), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})


def _js_string(src: str, i: int) -> tuple[str, int]:
    """The JS string literal starting at ``src[i]`` (a quote) and the index after it."""
    quote, out, j = src[i], [], i + 1
    while src[j] != quote:
        if src[j] == "\\":
            j += 1
        out.append(src[j])
        j += 1
    return "".join(out), j + 1


@lru_cache(maxsize=1)
def _plotly_css() -> bytes:
    """plotly.js's own style rules as a stylesheet. plotly.js inserts them with an inline
    ``<style>`` element, which the app's CSP (``style-src 'self'``) refuses; the pages link this file
    as ``#plotly.js-style-global.no-inline-styles``, which tells plotly.js not to try. The rules are
    read from the served plotly.min.js itself (its ``{"X,X div": ...}`` table, X = the plot's class),
    so they match its version."""
    js = _plotly_js().decode("utf-8")
    start = js.find('{"X,X div":')
    rules = []
    if start >= 0:
        i = start + 1
        try:
            while js[i] != "}":
                key, i = _js_string(js, i)
                assert js[i] == ":"
                value, i = _js_string(js, i + 1)
                rules.append((key, value))
                if js[i] == ",":
                    i += 1
        except (IndexError, AssertionError):
            rules = rules[:]
    css = [f"{k.replace('X', '.js-plotly-plot .plotly').replace('Y', '.plotly-notifier')} {{{v}}}" for k, v in rules]
    head = "/* plotly.js's style rules, from the plotly.min.js served here (gaemi.web.pages) */\n"
    return (head + "\n".join(css) + "\n").encode("utf-8")


@lru_cache(maxsize=1)
def plotly_style_ids() -> tuple[str, ...]:
    """Ids of the ``<style>`` elements plotly.min.js would add for bundled modules (maplibre's CSS)
    unless an element with that id is already there. The pages put an empty ``<template>`` with
    each id in their head: the styles are for maps these pages do not draw, and the CSP would refuse
    the inline element (a console error)."""
    import re

    js = _plotly_js().decode("utf-8")
    pat = r'document\.getElementById\("([\w-]+)"\)\)\{var \w=document\.createElement\("style"\)'
    return tuple(dict.fromkeys(re.findall(pat, js)))


@router.get("/static/plotly.css")
def plotly_css() -> Response:
    return Response(_plotly_css(), media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response((STATIC / name).read_bytes(), media_type=STATIC_FILES[name],
                    headers={"Cache-Control": "no-cache"})


# ----------------------------------------------------------------------------- jobs
def _jobs(request: Request):
    return request.app.state.jobs


def _settings(request: Request):
    return getattr(request.app.state, "settings", None)


def _runs(request: Request) -> OrderedDict:
    """The form values of the runs these pages started, by job id (for "edit this plan")."""
    runs = getattr(request.app.state, "page_runs", None)
    if runs is None:
        runs = OrderedDict()
        request.app.state.page_runs = runs
    return runs


def _remember(request: Request, job_id: str, values: dict[str, str]) -> None:
    runs = _runs(request)
    runs[job_id] = values
    runs.move_to_end(job_id)
    while len(runs) > RUNS_KEPT:
        runs.popitem(last=False)


def _limit(request: Request, name: str, default: int) -> int:
    """An effective server limit (``WebSettings.limit``/attribute), or ``default`` without one."""
    settings = _settings(request)
    try:
        if name in ("max_paths", "max_years", "max_leverage_points"):
            return int(settings.limit(name)[0])
        return int(getattr(settings, name))
    except (AttributeError, TypeError, ValueError):
        return default


class Refused(Exception):
    """A request the API's checks refused: ``errors`` by form field, in the page's language."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


async def _submit(request: Request, kind: str, body: dict[str, Any], lang: str,
                  fields: dict[str, str] | None = None) -> str:
    """Submit a job exactly as the JSON API does (``POST /api/{kind}``: the same checks, limits,
    defaults, cache key and CLI line), so the page and the API give one answer to one question.
    A refusal raises :class:`Refused` with the error next to the form field it concerns
    (``fields`` maps the API's field names to the form's)."""
    from pydantic import ValidationError

    from gaemi.errors import GaemiError
    from gaemi.web import api, schemas

    model = {"simulate": schemas.SimulateRequest, "compare": schemas.CompareRequest, "odds": schemas.OddsRequest}[kind]
    handler = {"simulate": api.simulate, "compare": api.compare, "odds": api.odds}[kind]
    try:
        req = model.model_validate(body)
        resp = await handler(request, req, wait=False)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(x) for x in first.get("loc", ())) or "form"
        raise Refused({_form_field(field, fields): word(lang, "err_invalid")}) from None
    except GaemiError as err:
        raise Refused(_refusal(request, err, lang, fields)) from None
    return json.loads(resp.body)["id"]


def _form_field(api_field: str, fields: dict[str, str] | None) -> str:
    fields = fields or {}
    for prefix, target in fields.items():
        if api_field == prefix or api_field.startswith(prefix + "."):
            return target
    return fields.get("*", "form")


def _refusal(request: Request, err: BaseException, lang: str, fields: dict[str, str] | None) -> dict[str, str]:
    """The API's refusal (a ConfigError, a full queue) in the page's words, by form field."""
    field = str(getattr(err, "field", "") or "")
    allowed = str(getattr(err, "allowed", "") or "")
    if field == "queue":
        return {"form": word(lang, "err_busy")}
    if field.startswith("plan.") and fields and fields.get("plan.*") == "form-plan":
        from gaemi.web.forms import plan_error_from_api

        f, msg = plan_error_from_api(field[len("plan."):], lang)
        return {f: msg}
    target = _form_field(field, fields)
    if "path-years" in allowed:
        return {target: word(lang, "err_work", limit=f"{_limit(request, 'max_work', 0):,}")}
    if field == "paths" and "at most" in allowed:
        return {target: word(lang, "err_le", limit=f"{_limit(request, 'max_paths', 0):,}")}
    if field == "years" and "at most" in allowed:
        return {target: word(lang, "err_horizon_max", limit=f"{_limit(request, 'max_years', 0):g}")}
    if field == "leverage" and "at most" in allowed:
        return {target: word(lang, "err_points", limit=f"{_limit(request, 'max_leverage_points', 0):,}")}
    if field == "plans" and "at most" in allowed:
        return {target: word(lang, "err_compare_count_max", limit=f"{_limit(request, 'max_compare_plans', 4):,}")}
    if field == "scenario_day":
        return {target: word(lang, "err_scenario_short")}
    if field in ("plan.goal", "goal"):
        return {target: word(lang, "err_no_goal_odds")}
    if field == "model":
        return {target: word(lang, "err_choice")}
    return {target: word(lang, "err_invalid") if field else word(lang, "err_job")}


def _status(request: Request, job_id: str) -> dict[str, Any] | None:
    from gaemi.errors import GaemiError

    try:
        return _jobs(request).status(job_id)
    except (GaemiError, KeyError, LookupError):
        return None


def _objects(request: Request, job_id: str) -> dict[str, Any]:
    """The finished job's result objects: ``{"results": [SimulationResult, ...], "odds": OddsCurve}``."""
    return _jobs(request).get(job_id).objects


def _job_plans(request: Request, job_id: str) -> list:
    """The validated Plan objects a job ran."""
    try:
        params = _jobs(request).get(job_id).params
    except Exception:
        return []
    return list(params["plans"]) if "plans" in params else [params["plan"]]


def _job_view(status: dict[str, Any]) -> dict[str, Any]:
    p = status.get("progress") or 0.0
    try:
        p = float(p)
    except (TypeError, ValueError):
        p = 0.0
    return {**status, "pct": max(0, min(100, int(round(100 * p))))}


# ----------------------------------------------------------------------------- my plan
def _plan_context(request: Request, lang: str, values: dict[str, str], errors=None, shown=None) -> dict[str, Any]:
    served = getattr(_settings(request), "models", None)  # the models this server runs
    models = [m for m in forms.model_names() if not served or m in served]
    return {
        "page": "plan", "title": word(lang, "plan_heading"), "values": values, "errors": errors or {},
        "shown": shown or {}, "base_names": forms.base_names(), "assets": FORM_ASSETS,
        "max_holdings": forms.MAX_HOLDINGS, "models": models, "crashes": forms.crash_names(),
        "presets": [n for n, c in forms.preset_choices() if c == "KRW"],
        "rate_tiers": forms.rate_tiers_text(values.get("base") or forms.DEFAULT_BASE, lang),
    }


#: the JSON API's field names -> the plan form's fields (``plan.*``: a plan field, by its own path)
PLAN_FIELDS = {"plan.*": "form-plan", "paths": "paths", "years": "horizon_years", "seed": "seed",
               "model": "model", "scenario": "scenario", "scenario_day": "scenario", "*": "form"}


@router.get("/", response_class=HTMLResponse)
@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, base: str = forms.DEFAULT_BASE, job: str | None = None) -> HTMLResponse:
    """The form, filled from a built-in plan (``?base=``) or from a run these pages started (``?job=``)."""
    lang = page_lang(request)
    values = _runs(request).get(job) if job else None
    if values:
        return render(request, "plan.html", _plan_context(request, lang, dict(values)))
    if base not in forms.base_names():
        base = forms.DEFAULT_BASE
    values = forms.defaults(base, lang)
    # the server's default number of futures (within its limit), as the API would use it
    default = min(_limit(request, "default_paths", forms.DEFAULT_PATHS), _limit(request, "max_paths", 10**9))
    values["paths"] = str(default)
    return render(request, "plan.html", _plan_context(request, lang, values))


@router.post("/plan", response_class=HTMLResponse)
async def plan_submit(request: Request) -> Response:
    """Read the form: errors -> the form again (422) with each error by its field; else a job."""
    lang = page_lang(request)
    form = await request.form()
    pf = forms.read_form(form, lang, max_paths=_limit(request, "max_paths", 100_000))
    if not pf.ok:
        ctx = _plan_context(request, lang, pf.values, pf.errors, pf.shown)
        return render(request, "plan.html", ctx, status_code=422)
    body = {"plan": pf.plan.model_dump(mode="json"), "model": pf.run["model"],
            "seed": pf.run["seed"], "scenario": pf.run["scenario"]}
    if pf.run.get("paths") is not None:
        body["paths"] = pf.run["paths"]
    try:
        job_id = await _submit(request, "simulate", body, lang, PLAN_FIELDS)
    except Refused as err:  # the server's limits, a full queue: said on the form, never a 500
        ctx = _plan_context(request, lang, pf.values, err.errors, pf.shown)
        return render(request, "plan.html", ctx, status_code=422)
    _remember(request, job_id, pf.values)
    return RedirectResponse(f"/results/{job_id}", status_code=303)


# ----------------------------------------------------------------------------- results
def _figure_json(fig) -> str:
    import plotly.io as pio

    payload = pio.to_json(fig, validate=False, pretty=False)
    return payload.replace("</", "<\\/").replace("<!--", "<\\!--")


def _chart_items(items) -> list[dict[str, Any]]:
    out = []
    for div_id, fig, captions in items:
        try:
            title = fig.layout.title.text or ""
        except AttributeError:
            title = ""
        out.append({"id": div_id, "json": _figure_json(fig), "captions": [c for c in captions if c],
                    "title": title})
    return out


def _binding(result, lang: str) -> dict[str, Any] | None:
    """Today's lending rules for a home goal: the limits, the largest loan, and which rule binds
    (:func:`gaemi.instruments.home_purchase.affordability`, as ``gaemi home`` computes it)."""
    import math

    from gaemi.config.lending import load_rules
    from gaemi.instruments.home_purchase import affordability
    from gaemi.reports.i18n import fmt_money, fmt_pct

    goal = result.plan.goal
    if goal is None or goal.kind != "home":
        return None
    rules = load_rules(goal.preset)
    a = affordability(goal.price, goal.income, rules, goal.first_time_buyer, goal.mortgage_rate,
                      goal.mortgage_term_years)
    cur = rules.currency

    def m(v):
        return fmt_money(v, cur, lang)

    cap = word(lang, "b_no_cap") if not math.isfinite(a.cap_limit) else m(a.cap_limit)
    rows = [(word(lang, "b_ltv_limit"), m(a.ltv_limit), a.binding == "ltv"),
            (word(lang, "b_cap_limit"), cap, a.binding == "cap"),
            (word(lang, "b_dsr_limit"), m(a.dsr_limit), a.binding == "dsr"),
            (word(lang, "b_max_loan"), m(a.max_loan), False),
            (word(lang, "b_costs"), m(a.acquisition_costs), False),
            (word(lang, "b_cash_needed"), m(a.cash_needed), False)]
    return {"plan": result.plan.name, "binding": a.binding, "rows": rows,
            "sentence": word(lang, f"binding_{a.binding}", stress=fmt_pct(a.stress_rate, 1)),
            "intro": word(lang, "binding_intro", price=m(goal.price), income=m(goal.income))}


def _is_builtin(plan) -> bool:
    return plan.name in forms.base_names() and plan == forms.base_plan(plan.name)


def _links(job_id: str, kind: str, lang: str, n_plans: int, has_goal: bool, edit: bool) -> dict[str, Any]:
    base = f"/api/jobs/{job_id}"
    return {"report": f"{base}/report?{urlencode({'lang': lang})}",
            "plans": [f"{base}/plan.toml" + (f"?index={k}" if k else "") for k in range(n_plans)],
            "plan": f"{base}/plan.toml",
            "edit": f"/plan?job={job_id}" if edit else None,
            "leverage": f"/leverage?job={job_id}" if kind == "simulate" and has_goal else None,
            "compare": f"/compare?job={job_id}" if kind == "simulate" else None}


def _cli(status: dict[str, Any]) -> str:
    cli = status.get("cli")
    return " ".join(shlex.quote(str(x)) for x in cli) if isinstance(cli, list) else ""


def _results_context(request: Request, job_id: str, status: dict[str, Any], results, lang: str) -> dict[str, Any]:
    from gaemi.reports.html import build_charts, headline_table, run_line
    from gaemi.reports.sentences import history_line, report_sentences, warning_messages

    several = len(results) > 1
    runs, warnings = [], []
    for r in results:
        s = r.summary()
        title = plan_title(lang, r.plan.name, "") if _is_builtin(r.plan) else (r.plan.title if lang == "en" else "")
        runs.append({"name": r.plan.name, "line": run_line(r, lang), "title": title,
                     "history": history_line(s, lang), "sentences": report_sentences(r, lang)})
        codes = [x.get("code", "") for x in (s.get("warnings") or [])]
        for code, msg in zip(codes, warning_messages(s, lang)):
            warnings.append({"code": code, "text": msg, "plan": r.plan.name if several else ""})
    header, rows = headline_table(results, lang)
    note = word(lang, "not_reached") if any(r.plan.goal is not None for r in results) else ""
    kind = status.get("kind", "simulate")
    links = _links(job_id, kind, lang, len(results), results[0].plan.goal is not None,
                   job_id in _runs(request))
    return {"runs": runs, "warnings": warnings, "table": {"header": header, "rows": rows, "note": note},
            "bindings": [b for b in (_binding(r, lang) for r in results) if b],
            "charts": _chart_items(build_charts(results, lang)), "links": links, "cli": _cli(status),
            "plan_names": [r.plan.name for r in results]}


def _job_error(lang: str, status: dict[str, Any], back: str) -> dict[str, Any]:
    err = status.get("error")
    field = err.get("field") if isinstance(err, dict) else None
    detail = str(err.get("message") or "") if lang == "en" and isinstance(err, dict) else ""
    return {"title": word(lang, "err_job"), "field": field, "detail": detail, "back": back}


@router.get("/results/{job_id}", response_class=HTMLResponse)
def results_page(request: Request, job_id: str) -> HTMLResponse:
    """Progress while the job runs (app.js polls /api/jobs/{id} and reloads), then the result."""
    lang = page_lang(request)
    status = _status(request, job_id)
    if status is None:
        return render(request, "message.html", {"heading": word(lang, "not_found"),
                                                "message": word(lang, "not_found_job")}, status_code=404)
    kind = status.get("kind", "simulate")
    if kind == "odds":
        return _leverage_result(request, job_id, status)
    if kind == "colony":
        return _colony_result(request, job_id, status)
    job = _job_view(status)
    heading = word(lang, "cmp_heading" if kind == "compare" else "results_heading")
    ctx: dict[str, Any] = {"page": "compare" if kind == "compare" else "plan", "job": job, "heading": heading,
                           "title": heading}
    if job["state"] == "error":
        back = f"/plan?job={job_id}" if job_id in _runs(request) else ("/compare" if kind == "compare" else "/plan")
        ctx["job_error"] = _job_error(lang, status, back)
    elif job["state"] == "done":
        ctx.update(_results_context(request, job_id, status, list(_objects(request, job_id)["results"]), lang))
    return render(request, "results.html", ctx)


# ----------------------------------------------------------------------------- leverage and compare
def _own_plan(request: Request, job_id: str | None) -> dict[str, Any] | None:
    """The plan of a simulate job (to draw its leverage curve or compare it), if there is one."""
    if not job_id:
        return None
    status = _status(request, job_id)
    if status is None or status.get("kind") != "simulate":
        return None
    plans = _job_plans(request, job_id)
    if not plans:
        return None
    return {"job": job_id, "name": plans[0].name, "plan": plans[0]}


def _plan_choice(request: Request, value: str) -> Any:
    """A built-in name, or ``job:ID`` for a simulate job's plan (as a plan object); None if neither."""
    if value in forms.base_names():
        return value
    if value.startswith("job:"):
        own = _own_plan(request, value[4:])
        if own:
            return own["plan"].model_dump(mode="json")
    return None


LEVERAGE_DEFAULTS = {"lev_from": "0", "lev_to": "3", "lev_step": "0.5", "paths": "1000", "seed": "",
                     "model": "bootstrap", "family": "margin"}
LEVERAGE_FIELDS = {"plan": "plan", "leverage": "lev_step", "paths": "paths", "years": "plan", "seed": "seed",
                   "model": "model", "family": "family", "*": "plan"}


def _choice_context(request: Request, page: str, values: dict[str, str], errors: dict[str, str]) -> dict[str, Any]:
    chosen = [v[4:] for v in values.values() if isinstance(v, str) and v.startswith("job:")]
    own = _own_plan(request, chosen[0] if chosen else None)
    lang = page_lang(request)
    served = getattr(_settings(request), "models", None)  # the models this server runs
    return {"page": page, "title": word(lang, "nav_leverage" if page == "leverage" else "cmp_heading"),
            "job": None, "values": values, "errors": errors, "own": own, "base_names": forms.base_names(),
            "models": [m for m in forms.model_names() if not served or m in served],
            "crashes": forms.crash_names()}


def _run_choice(request: Request, values: dict[str, str], errors: dict[str, str], lang: str,
                paths: int | None) -> dict[str, Any]:
    """The Monte Carlo model (one this server runs); with the historical model no paths are sent
    (one future per monthly start), as the CLI requires."""
    served = getattr(_settings(request), "models", None) or forms.model_names()
    out: dict[str, Any] = {"model": values.get("model") or "bootstrap", "paths": paths}
    if out["model"] not in served or out["model"] not in forms.model_names():
        errors["model"] = word(lang, "err_choice")
    if out["model"] == "historical":
        out["paths"] = None
    return out


@router.get("/leverage", response_class=HTMLResponse)
def leverage_page(request: Request, plan: str | None = None, job: str | None = None) -> HTMLResponse:
    values = dict(LEVERAGE_DEFAULTS)
    own = _own_plan(request, job)
    values["plan"] = f"job:{job}" if own else (plan if plan in forms.base_names() else forms.DEFAULT_BASE)
    return render(request, "leverage.html", _choice_context(request, "leverage", values, {}))


def _read_number(values, errors, key, lang, lo=None, hi=None, whole=False, required=True):
    text = values.get(key, "")
    if not text:
        if required:
            errors[key] = word(lang, "err_required")
        return None
    v = forms._parse_number(text)
    if v is None or (whole and v != int(v)):
        errors[key] = word(lang, "err_int" if whole else "err_number")
        return None
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        errors[key] = word(lang, "err_range", lo=forms._num(lo), hi=f"{hi:,}" if whole else forms._num(hi))
        return None
    return int(v) if whole else v


def _seed(values, errors, lang) -> int | None:
    s = values.get("seed", "").replace(",", "")
    if not s:
        return None
    if not s.isdigit() or len(s) > 19 or int(s) >= 2**63:
        errors["seed"] = word(lang, "err_seed")
        return None
    return int(s)


@router.post("/leverage", response_class=HTMLResponse)
async def leverage_submit(request: Request) -> Response:
    lang = page_lang(request)
    form = await request.form()
    values = {k: forms._text(form, k) for k in ("plan", *LEVERAGE_DEFAULTS)}
    errors: dict[str, str] = {}
    plan = _plan_choice(request, values["plan"])
    if plan is None:
        errors["plan"] = word(lang, "err_choice")
    elif (forms.base_plan(plan).goal if isinstance(plan, str) else plan.get("goal")) is None:
        errors["plan"] = word(lang, "err_no_goal_odds")
    a = _read_number(values, errors, "lev_from", lang, -5, 5)
    b = _read_number(values, errors, "lev_to", lang, -5, 5)
    step = _read_number(values, errors, "lev_step", lang, 0.01, 5)
    paths = _read_number(values, errors, "paths", lang, 1, _limit(request, "max_paths", 100_000), whole=True)
    seed = _seed(values, errors, lang)
    if a is not None and b is not None and b < a:
        errors["lev_to"] = word(lang, "err_ge", limit=forms._num(a))
    run = _run_choice(request, values, errors, lang, paths)
    family = values.get("family") or "margin"
    if family not in ("margin", "daily"):
        errors["family"] = word(lang, "err_choice")
    if not errors:
        body = {"plan": plan, "leverage": f"{forms._num(a)}:{forms._num(b)}:{forms._num(step)}", "seed": seed,
                "family": family, **run}
        try:
            job_id = await _submit(request, "odds", body, lang, LEVERAGE_FIELDS)
        except Refused as err:
            errors.update({("plan" if k == "form" else k): v for k, v in err.errors.items()})
        else:
            return RedirectResponse(f"/results/{job_id}", status_code=303)
    return render(request, "leverage.html", _choice_context(request, "leverage", values, errors), status_code=422)


def _odds_context(odds, lang: str) -> dict[str, Any]:
    import math

    import numpy as np

    from gaemi.reports import figures as F
    from gaemi.reports.html import odds_sentences
    from gaemi.reports.i18n import fmt_lev, fmt_money, fmt_pct, text
    from gaemi.reports.sentences import history_line, warning_messages

    lev = np.asarray(odds.leverages, dtype=float)
    kinds = list(odds.kinds or [""] * lev.size)
    cur = (odds.provenance or {}).get("currency", "KRW")

    def pct(v):
        return "—" if v is None or not math.isfinite(float(v)) else fmt_pct(float(v), 1)

    points = []
    for k, x in enumerate(lev):
        marks = []
        if odds.plan_point is not None and k == int(odds.plan_point):
            marks.append(word(lang, "point_plan_mark"))
        if odds.best_within_ruin_limit is not None and odds.ruin_limit is not None \
                and abs(x - odds.best_within_ruin_limit) < 1e-9:
            marks.append(word(lang, "point_limit_mark", limit=fmt_pct(odds.ruin_limit)))
        end = float(odds.median_end_wealth[k])
        kind = kinds[k] if k < len(kinds) else ""
        points.append({"xval": float(x), "x": f"{fmt_lev(round(float(x), 2))}x", "marks": marks,
                       "home": pct(odds.p_goal[k]), "ruin": pct(odds.p_ruin[k]),
                       "forced": pct(odds.p_forced_sale[k]), "wipe": pct(odds.p_wipeout_ever[k]),
                       "end": fmt_money(end, cur, lang) if math.isfinite(end) else "—",
                       "how": word(lang, f"kind_{kind}") if f"kind_{kind}" in _KIND_KEYS else "—"})
    head = {"history": odds.history, "warnings": odds.warnings}
    model = word(lang, f"model_{odds.model}") if f"model_{odds.model}" in _MODEL_KEYS else odds.model
    line = " · ".join([text(lang, "kind_mc", model=model),
                       text(lang, "paths_n", n=f"{odds.paths:,}", unit=text(lang, "unit_mc")),
                       word(lang, "years_n", years=f"{odds.years:g}")]
                      + ([text(lang, "seed", seed=odds.seed)] if odds.seed is not None else []))
    start = int(odds.plan_point) if odds.plan_point is not None else 0
    chart = [("chart-odds", F.odds_chart(odds, lang), [text(lang, "odds_caption")])]
    return {"odds": {"plan": odds.plan, "line": line, "history": history_line(head, lang),
                     "warnings": warning_messages(head, lang), "points": points, "start": start,
                     "sentences": odds_sentences(odds, lang)},
            "charts": _chart_items(chart)}


_KIND_KEYS = {f"kind_{k}" for k in ("plan", "smaller_loan", "no_loan", "deposit", "larger_loan", "daily",
                                    "daily_fallback", "impossible")}
_MODEL_KEYS = {f"model_{m}" for m in ("bootstrap", "garch", "parametric", "historical")}


def _leverage_result(request: Request, job_id: str, status: dict[str, Any]) -> HTMLResponse:
    lang = page_lang(request)
    job = _job_view(status)
    ctx: dict[str, Any] = {"page": "leverage", "title": word(lang, "lev_heading"), "job": job}
    if job["state"] == "error":
        ctx["job_error"] = _job_error(lang, status, "/leverage")
    elif job["state"] == "done":
        ctx.update(_odds_context(_objects(request, job_id)["odds"], lang))
        ctx["links"] = _links(job_id, "odds", lang, 1, True, False)
        ctx["cli"] = _cli(status)
    return render(request, "leverage.html", ctx)


COMPARE_KEYS = ("plan0", "plan1", "plan2", "plan3")
COMPARE_FIELDS = {"plans": "plans", "paths": "paths", "years": "plans", "seed": "seed", "model": "model",
                  "scenario": "scenario", "scenario_day": "scenario", "*": "plans"}


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, job: str | None = None) -> HTMLResponse:
    own = _own_plan(request, job)
    values = {"plan0": f"job:{job}" if own else forms.DEFAULT_BASE, "plan1": "safe", "plan2": "", "plan3": "",
              "paths": "1000", "seed": "", "model": "bootstrap", "scenario": ""}
    return render(request, "compare.html", _choice_context(request, "compare", values, {}))


@router.post("/compare", response_class=HTMLResponse)
async def compare_submit(request: Request) -> Response:
    lang = page_lang(request)
    form = await request.form()
    values = {k: forms._text(form, k) for k in (*COMPARE_KEYS, "paths", "seed", "model", "scenario")}
    errors: dict[str, str] = {}
    chosen = [values[k] for k in COMPARE_KEYS if values[k]]
    plans = [_plan_choice(request, v) for v in chosen]
    if any(p is None for p in plans):
        errors["plans"] = word(lang, "err_choice")
    elif not 2 <= len(plans) <= 4:
        errors["plans"] = word(lang, "err_compare_count")
    paths = _read_number(values, errors, "paths", lang, 1, _limit(request, "max_paths", 100_000), whole=True)
    seed = _seed(values, errors, lang)
    run = _run_choice(request, values, errors, lang, paths)
    scenario = values.get("scenario") or None
    if scenario is not None and scenario not in forms.crash_names():
        errors["scenario"] = word(lang, "err_choice")
    if not errors:
        try:
            job_id = await _submit(request, "compare", {"plans": plans, "seed": seed, "scenario": scenario, **run},
                                   lang, COMPARE_FIELDS)
        except Refused as err:
            errors.update({("plans" if k == "form" else k): v for k, v in err.errors.items()})
        else:
            return RedirectResponse(f"/results/{job_id}", status_code=303)
    return render(request, "compare.html", _choice_context(request, "compare", values, errors), status_code=422)


# ----------------------------------------------------------------------------- heat
@lru_cache(maxsize=1)
def _heat_sample():
    from gaemi.heat import heat_from_sample

    return heat_from_sample()


def _heat_words(res, attr: str, gauge: str, lang: str) -> str:
    """A gauge's words from the heat module in ``lang`` (its ``{"en", "ko"}`` texts: the result's
    ``notes``/``missing``, or :data:`gaemi.heat.text.NAMES` with ``res=None``); "" where it has none."""
    try:
        if res is None:
            from gaemi.heat import text as heat_text

            table = heat_text.NAMES
        else:
            table = getattr(res, attr, None)
        v = table.get(gauge) if isinstance(table, dict) else None
    except ImportError:
        return ""
    return v.get(lang, "") if isinstance(v, dict) else ""


HEAT_SOURCES = ("sample", "store")


def _heat_store(lang: str):
    """(HeatResult or None, why not): the gauges from the server's own store (``GAEMI_STORE``, never
    a path from the client), or the reason there are none in ``lang`` (the heat library's words)."""
    from gaemi.data.store import resolve_path
    from gaemi.errors import GaemiError
    from gaemi.heat import heat_from_store

    store = resolve_path(None)
    if not store.exists():
        return None, word(lang, "heat_no_store", cmd="`gaemi data fetch upbit ALL`")
    try:
        return heat_from_store(store, lang=lang), ""
    except GaemiError as err:  # nothing to compute: the library says what to fetch, in ``lang``
        return None, f"{word(lang, 'heat_store_empty')} {getattr(err, 'allowed', '') or ''}".strip()
    except Exception:  # a store another program holds, or a damaged file
        import logging

        logging.getLogger("gaemi.web").exception("heat: the store %s could not be read", store)
        return None, word(lang, "heat_store_error")


@router.get("/heat", response_class=HTMLResponse)
def heat_page(request: Request, source: str = "sample") -> HTMLResponse:
    """The heat gauges as charts (the heat report's own figures and table), from the embedded sample
    or, with ``?source=store``, from the server's store; where the store lacks data the page says why
    (the heat library's ``missing`` texts)."""
    from gaemi.heat import GAUGES
    from gaemi.reports.heat_report import gauge_figure, table_rows

    lang = page_lang(request)
    source = source if source in HEAT_SOURCES else "sample"
    reason = ""
    if source == "store":
        res, reason = _heat_store(lang)
    else:
        res = _heat_sample()
    gauges = []
    if res is not None:
        header, rows = table_rows(res, lang)
        for g, row in zip(GAUGES, rows):
            s = res.series.get(g)
            n = 0 if s is None else int(s.size)
            title = res.title(g, lang)
            item = {"key": g, "name": row[0], "title": title, "row": row[1:], "chart": None,
                    "note": _heat_words(res, "notes", g, lang) or word(lang, f"n_{g}"),
                    "missing": _heat_words(res, "missing", g, lang) if not n else ""}
            if n:
                item["chart"] = _chart_items([(f"chart-heat-{g}", gauge_figure(res, g, lang), [])])[0]
            gauges.append(item)
    else:
        header = []
    return render(request, "heat.html", {"page": "heat", "title": word(lang, "heat_heading"), "gauges": gauges,
                                         "header": header, "source": source, "sources": HEAT_SOURCES,
                                         "reason": reason, "charts": any(g["chart"] for g in gauges)})


# ----------------------------------------------------------------------------- colony
COLONY_DEFAULTS = {"source": "scenario", "scenario": "covid-2020", "shock_text": "", "impact": "1",
                   "investors": "", "seed": ""}
COLONY_FIELDS = {"scenario": "scenario", "shock": "shock", "from": "scenario", "to": "scenario",
                 "investors": "investors", "impact": "impact", "seed": "seed", "*": "form"}
#: an example the shock box starts with (the shock file's own format, docs/colony.md)
SHOCK_EXAMPLE = ('name = "theme-crash"\ndays = 3\n\n[returns]\nkosdaq_theme = [-0.15, -0.12, -0.10]\n'
                 'kospi_small = [-0.05, -0.04, -0.03]\n')


def _crash_names() -> list[str]:
    from gaemi.scenarios import list_crashes

    return [c.name for c in list_crashes()]


def _colony_context(request: Request, values: dict[str, str], errors: dict[str, str],
                    where: str = "") -> dict[str, Any]:
    from gaemi.cli.words import CRASH_TITLES_KO

    lang = page_lang(request)
    crashes = [{"name": n, "title": CRASH_TITLES_KO.get(n, "") if lang == "ko" else ""} for n in _crash_names()]
    limit = _limit(request, "max_investors", 200_000)
    vals = dict(values)
    if not vals.get("investors"):
        vals["investors"] = f"{min(_limit(request, 'default_investors', 20_000), limit):,}"
    if not vals.get("shock_text"):
        vals["shock_text"] = SHOCK_EXAMPLE
    return {"page": "colony", "title": word(lang, "colony_heading"), "job": None, "values": vals,
            "errors": errors, "shock_where": where, "crashes": crashes, "limit": f"{limit:,}"}


@router.get("/colony", response_class=HTMLResponse)
def colony_page(request: Request, scenario: str | None = None) -> HTMLResponse:
    """The colony stress test for supervisors: a named scenario or a shock of one's own, the impact
    scale and the number of investors; runs as ``POST /api/colony``."""
    values = dict(COLONY_DEFAULTS)
    if scenario in _crash_names():
        values["scenario"] = scenario
    return render(request, "colony.html", _colony_context(request, values, {}))


def _read_shock(text: str, errors: dict[str, str], lang: str) -> dict | None:
    """The shock box's TOML as a mapping (the colony's own validator checks its fields when the API
    receives it); a text that is not TOML is an error next to the box."""
    import tomllib

    if not text.strip():
        errors["shock"] = word(lang, "err_shock_empty")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        errors["shock"] = word(lang, "err_toml")
        return None


@router.post("/colony", response_class=HTMLResponse)
async def colony_submit(request: Request) -> Response:
    from gaemi.errors import GaemiError
    from gaemi.web import api, schemas
    from pydantic import ValidationError

    lang = page_lang(request)
    form = await request.form()
    values = {k: forms._text(form, k) for k in ("source", "scenario", "impact", "investors", "seed")}
    values["shock_text"] = str(form.get("shock_text") or "")[:60_000]
    upload = form.get("shock_file")
    if upload is not None and hasattr(upload, "read"):
        raw = await upload.read()
        if raw:
            values["shock_text"] = raw.decode("utf-8", errors="replace")[:60_000]
            values["source"] = "shock"
    errors: dict[str, str] = {}
    where = ""
    body: dict[str, Any] = {}
    if values["source"] == "shock":
        shock = _read_shock(values["shock_text"], errors, lang)
        body["shock"] = shock
    elif values["scenario"] in _crash_names():
        body["scenario"] = values["scenario"]
    else:
        errors["scenario"] = word(lang, "err_choice")
    limit = _limit(request, "max_investors", 200_000)
    investors = _read_number(values, errors, "investors", lang, 1, limit, whole=True, required=False)
    impact = _read_number(values, errors, "impact", lang, 0, 100, required=False)
    if "impact" in errors:
        errors["impact"] = word(lang, "err_impact")
    if "investors" in errors and values.get("investors") and forms._parse_number(values["investors"]) is not None:
        errors["investors"] = word(lang, "err_investors_max", limit=f"{limit:,}")
    seed = _seed(values, errors, lang)
    if not errors:
        body.update({"investors": investors, "seed": seed, "impact": 1.0 if impact is None else impact})
        try:
            req = schemas.ColonyRequest.model_validate(body)
            resp = await api.colony(request, req, wait=False)
        except ValidationError as err:
            first = err.errors()[0]
            errors[_form_field(str(first.get("loc", ("form",))[0]), COLONY_FIELDS)] = word(lang, "err_invalid")
        except GaemiError as err:
            field = str(getattr(err, "field", "") or "")
            if field.startswith("shock"):
                errors["shock"] = word(lang, "err_shock")
                where = field[len("shock."):] if field.startswith("shock.") else field
                if lang == "en" and getattr(err, "allowed", None):
                    where += f" — allowed: {err.allowed}"
            else:
                errors.update(_refusal(request, err, lang, COLONY_FIELDS))
        else:
            return RedirectResponse(f"/results/{json.loads(resp.body)['id']}", status_code=303)
    return render(request, "colony.html", _colony_context(request, values, errors, where), status_code=422)


def _colony_view(result, lang: str) -> dict[str, Any]:
    """The colony report's own rows, sentences and figures (:mod:`gaemi.reports.colony_report`)."""
    from gaemi.reports import colony_report as C

    s = result.summary()
    sh = result.shock
    if sh.kind == "file":
        shock = {"file": True, "name": sh.name, "title": sh.title, "days": sh.days}
    else:
        shock = {"file": False, "line": C.shock_line(result, lang)}
    figs = [("chart-loss-decile", C.decile_figure(s, lang), [C._s(lang, "c_decile_note")]),
            ("chart-margin-balance", C.margin_figure(result, s, lang), [C._s(lang, "c_margin_note")]),
            ("chart-prices", C.prices_figure(result, s, lang), [C._s(lang, "c_prices_note")]),
            ("chart-forced-sales", C.forced_figure(result, s, lang), [C._s(lang, "c_forced_note")]),
            ("chart-amplification", C.amplification_figure(s, lang), [C._s(lang, "c_amp_note")])]
    return {"colony": {"shock": shock, "run": C.run_line(s, lang), "sentences": C.sentences(s, lang),
                       "rows": C.headline_rows(s, lang),
                       "warnings": [w["message_ko"] if lang == "ko" else w["message"] for w in s["warnings"]]},
            "charts": _chart_items(figs)}


def _colony_result(request: Request, job_id: str, status: dict[str, Any]) -> HTMLResponse:
    lang = page_lang(request)
    job = _job_view(status)
    ctx: dict[str, Any] = {"page": "colony", "title": word(lang, "col_result_heading"), "job": job}
    if job["state"] == "error":
        ctx["job_error"] = _job_error(lang, status, "/colony")
    elif job["state"] == "done":
        ctx.update(_colony_view(_objects(request, job_id)["colony"], lang))
        ctx["links"] = {"report": f"/api/jobs/{job_id}/report?{urlencode({'lang': lang})}"}
        ctx["cli"] = _cli(status)
    return render(request, "colony.html", ctx)


__all__ = ["router", "page_lang"]
