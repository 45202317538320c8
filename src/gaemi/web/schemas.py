"""Request and response models of the JSON API.

A plan is either the name of a built-in plan (``"all-in-margin"``) or a plan object with the fields
of a plan TOML file, validated by the same pydantic :class:`~gaemi.config.plan.Plan` model as the
CLI (money fields take numbers or text as people type it: ``"1억 4천만"``). A plan is never a file
path: a name that is not a built-in plan is refused, and so is a lending-rules ``preset`` that is
not a built-in preset. The plan is resolved in the handler (:func:`gaemi.web.api.resolve_plan`) so
that a bad field is reported as ``plan.investor.capital`` with the CLI's own message.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, Strict, WithJsonSchema, WrapValidator

from gaemi.config.plan import Plan
from gaemi.web.settings import MODELS

MAX_SEED = 2**63 - 1
#: a whole number, not true/false and not text ("10" is not 10, as in a plan file)
WholeNumber = Annotated[int, Strict()]


def _keep_raw(value: Any, handler: Any) -> Any:
    """A plan reference passes through as given (a name or a dict): it is validated by
    :func:`gaemi.web.api.resolve_plan`, which names the field the way the CLI does. The OpenAPI
    schema still shows the full plan model."""
    if isinstance(value, (str, dict)):
        return value
    raise ValueError("the name of a built-in plan (GET /api/plans) or a plan object")


def _builtin_names() -> list[str]:
    from gaemi.config import builtin_plan_names

    return builtin_plan_names()


#: in the schema: one of the built-in names (any other name is refused with the list)
PlanName = Annotated[str, WithJsonSchema({"type": "string", "enum": _builtin_names(),
                                          "description": "a built-in plan (GET /api/plans)"})]
PlanRef = Annotated[Union[PlanName, Plan], WrapValidator(_keep_raw)]
Model = Literal["bootstrap", "garch", "parametric", "historical"]
assert set(Model.__args__) == set(MODELS)  # type: ignore[attr-defined]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class MonteCarlo(_Request):
    model: Model = Field("bootstrap", description="bootstrap, garch, parametric or historical (rolling windows)")
    paths: Optional[WholeNumber] = Field(None, ge=1, description="simulated futures per plan (default: the server's "
                                 "default_paths; not with model historical)")
    years: Optional[float] = Field(None, gt=0, description="horizon in years of 252 sessions (default: the plan's)")
    seed: Optional[WholeNumber] = Field(None, ge=0, le=MAX_SEED, description="the same seed gives the same numbers "
                                "(default: the server's default_seed, so a question asked twice gets one answer)")


class SimulateRequest(MonteCarlo):
    plan: PlanRef = Field(description="a built-in plan name or a plan object")
    scenario: Optional[str] = Field(None, max_length=100, description="a named crash (GET /api/scenarios)")
    scenario_day: Optional[WholeNumber] = Field(None, ge=0, description="session on which the crash starts (default 0)")


class CompareRequest(MonteCarlo):
    plans: list[PlanRef] = Field(min_length=2, max_length=64, description="two or more plans "
                                 "(at most the server's max_compare_plans)")
    scenario: Optional[str] = Field(None, max_length=100)
    scenario_day: Optional[WholeNumber] = Field(None, ge=0)


class OddsRequest(MonteCarlo):
    plan: PlanRef
    leverage: Union[str, list[Annotated[float, Strict()]]] = Field(
        "0:3:0.25", description="exposures to try: START:STOP:STEP (inclusive), a list like 1,2,3, or a "
        "list of numbers; the plan's own exposure is always added")
    ruin_limit: float = Field(0.05, ge=0, le=1, description="mark the best P(home) with P(ruin) at most this")
    family: Literal["margin", "daily"] = "margin"


class ColonyRequest(_Request):
    """``gaemi colony --json``'s options: exactly one shock (``scenario``, ``shock`` or ``from`` +
    ``to``), and the run's investors, seed, impact scale and amplification curve."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, populate_by_name=True)

    scenario: Optional[str] = Field(None, max_length=100, description="a named crash (GET /api/scenarios), "
                                    "mapped onto the colony's buckets")
    shock: Optional[dict[str, Any]] = Field(None, description="a custom shock as an object with the fields of a "
                                            "shock file: {\"days\": N, \"returns\": {bucket: [N daily returns]}, "
                                            "\"name\", \"title\", \"dates\"} (never a file path)")
    start: Optional[str] = Field(None, alias="from", max_length=40, description="first session of a window of "
                                 "history, YYYY-MM-DD (with to)")
    end: Optional[str] = Field(None, alias="to", max_length=40, description="last session, inclusive")
    investors: Optional[WholeNumber] = Field(None, ge=1, description="agents to draw (default: the server's "
                                             "default_investors; at most its max_investors)")
    seed: Optional[WholeNumber] = Field(None, ge=0, le=MAX_SEED, description="the same seed gives the same numbers "
                                        "(default: the server's default_seed)")
    impact: float = Field(1.0, ge=0, le=100, description="scale of every bucket's price-impact coefficient "
                          "(0 = no feedback)")
    curve: Union[str, list[Annotated[float, Strict()]]] = Field(
        "0.5,2,4", description="extra impact scales of the amplification curve (\"none\" for none), each a full run")


class HomeRequest(_Request):
    price: Union[float, str] = Field(description="home price: 1106000000, \"1,106,000,000\" or \"11억 600만\"")
    income: Union[float, str] = Field(description="annual household income, e.g. \"7000만\"")
    first_time: bool = Field(False, description="생애최초: first-time buyer")
    preset: str = Field("kr-2025-10", max_length=100, description="lending rules: a built-in preset name")
    rate: Optional[float] = Field(None, description="annual mortgage rate (default: the preset's)")


# ----------------------------------------------------------------------------- responses
class ErrorDetail(BaseModel):
    field: Optional[str] = None
    value: Any = None
    allowed: Optional[str] = None
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail


class JobStatus(BaseModel):
    id: str
    kind: Literal["simulate", "compare", "odds", "colony"]
    state: Literal["queued", "running", "done", "error"]
    progress: float = Field(ge=0, le=1)
    result: Optional[dict[str, Any]] = None
    error: Optional[ErrorDetail] = None
    seconds: Optional[float] = None
    params: dict[str, Any] = Field(description="the question as the server ran it (defaults filled in)")
    cli: list[str] = Field(description="the gaemi command that gives the same numbers, with each plan saved "
                           "as NAME.toml (GET /api/jobs/{id}/plan.toml)")
    links: dict[str, str]


class Health(BaseModel):
    ready: bool
    warming: bool
    warmed: list[str]
    error: Optional[str] = None
    seconds: dict[str, float] = {}


ERRORS = {
    404: {"model": ErrorResponse, "description": "unknown name or job"},
    413: {"model": ErrorResponse, "description": "request body over the size limit"},
    422: {"model": ErrorResponse, "description": "a bad value: the field, the value and what is allowed"},
    500: {"model": ErrorResponse, "description": "a job failed on a bug (logged); never expected"},
    503: {"model": ErrorResponse, "description": "the job queue is full; retry after Retry-After seconds"},
}
