"""The web server's limits, with defaults that keep a 2-core machine responsive.

Every limit is read from an environment variable ``GAEMI_WEB_<NAME>`` (``GAEMI_WEB_MAX_PATHS=50000``)
by :meth:`WebSettings.from_env`; a variable that is set but is not a whole number >= 1 is a
:class:`~gaemi.errors.ConfigError` naming the variable (never ignored), as for
:mod:`gaemi.limits`. A web limit never exceeds the library's own limit of the same name
(``GAEMI_MAX_PATHS``, ``GAEMI_MAX_YEARS``, ``GAEMI_MAX_LEVERAGE_POINTS``): the smaller one applies,
and a refusal names the variable that raises the one that bound.

=========================  ========  ===============================  =============================
limit                      default   environment variable             what it bounds
=========================  ========  ===============================  =============================
max_paths                  20,000    GAEMI_WEB_MAX_PATHS              futures per plan in one job
default_paths              2,000     GAEMI_WEB_DEFAULT_PATHS          futures when a request omits it
max_years                  30        GAEMI_WEB_MAX_YEARS              horizon of one job
max_work                   400,000   GAEMI_WEB_MAX_WORK               paths x years x plans (or odds
                                                                      points) of one job
max_compare_plans          4         GAEMI_WEB_MAX_COMPARE_PLANS      plans in one compare
max_leverage_points        25        GAEMI_WEB_MAX_LEVERAGE_POINTS    exposures on one odds curve
max_concurrent_jobs        1         GAEMI_WEB_MAX_CONCURRENT_JOBS    jobs computing at once (one job
                                                                      already uses every core)
max_queued_jobs            32        GAEMI_WEB_MAX_QUEUED_JOBS        jobs waiting for a worker
max_body_bytes             65,536    GAEMI_WEB_MAX_BODY_BYTES         bytes of one request body
cache_mb                   512       GAEMI_WEB_CACHE_MB               finished results kept in memory
max_jobs_kept              1,024     GAEMI_WEB_MAX_JOBS_KEPT          finished jobs kept (ids)
wait_seconds               120       GAEMI_WEB_WAIT_SECONDS           longest ``?wait=true`` answer
max_investors              200,000   GAEMI_WEB_MAX_INVESTORS          agents of one colony run
default_investors          20,000    GAEMI_WEB_DEFAULT_INVESTORS      agents when a colony request
                                                                      omits it
=========================  ========  ===============================  =============================

``GAEMI_WEB_MODELS`` (comma list, default all four) names the Monte Carlo models the server runs;
``GAEMI_WEB_WARM`` (comma list, default all four, bootstrap first; ``none`` for none) the models
whose compiled kernels are loaded or compiled in the background at start-up (the server is
``ready`` once the first one is);
``GAEMI_WEB_DEFAULT_SEED`` (default 20251001) the seed of a request that gives none, so the same
question always gets the same numbers (and a cached answer).
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gaemi.errors import ConfigError

MODELS = ("bootstrap", "garch", "parametric", "historical")
ENV_PREFIX = "GAEMI_WEB_"

#: field -> the gaemi.limits function whose (smaller) limit also applies, and its ENV key
_LIBRARY = {"max_paths": ("max_paths", "paths"), "max_years": ("max_years", "years"),
            "max_leverage_points": ("max_leverage_points", "leverage_points")}


class WebSettings(BaseModel):
    """The server's limits and switches (see the module docstring for each one's variable)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_paths: int = Field(20_000, ge=1)
    default_paths: int = Field(2_000, ge=1)
    max_years: float = Field(30, gt=0)
    max_work: int = Field(400_000, ge=1, description="paths x years x plans (odds: x points) per job")
    max_compare_plans: int = Field(4, ge=2)
    max_leverage_points: int = Field(25, ge=1)
    max_concurrent_jobs: int = Field(1, ge=1)
    max_queued_jobs: int = Field(32, ge=0)
    max_body_bytes: int = Field(65_536, ge=1024)
    cache_mb: int = Field(512, ge=1)
    max_jobs_kept: int = Field(1024, ge=1)
    wait_seconds: float = Field(120, gt=0)
    default_seed: int = Field(20251001, ge=0, lt=2**63)
    max_investors: int = Field(200_000, ge=1, description="agents of one colony run (gaemi colony --investors)")
    default_investors: int = Field(20_000, ge=1, description="agents of a colony request that gives none")
    models: tuple[str, ...] = MODELS
    warm: tuple[str, ...] = ("bootstrap", "parametric", "historical", "garch")
    chunk_size: int = Field(1024, ge=256, description="paths per progress step (numbers do not depend on it)")

    @field_validator("models", "warm")
    @classmethod
    def _known_models(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [m for m in v if m not in MODELS]
        if bad:
            raise ValueError(f"models among {', '.join(MODELS)} (got {', '.join(bad)})")
        return tuple(v)

    # ------------------------------------------------------------------ environment
    @classmethod
    def from_env(cls, **overrides: Any) -> "WebSettings":
        """Defaults, then ``GAEMI_WEB_*`` variables, then ``overrides``. A variable that is set
        but not a valid value is a ConfigError naming the variable."""
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            var = ENV_PREFIX + name.upper()
            raw = os.environ.get(var)
            if raw is None or not raw.strip():
                continue
            if name in ("models", "warm"):
                items = [] if raw.strip().lower() == "none" else [x.strip() for x in raw.split(",") if x.strip()]
                if any(m not in MODELS for m in items):
                    raise ConfigError(var, raw, f"a comma list of {', '.join(MODELS)} (or none)")
                values[name] = tuple(items)
                continue
            lo = 0 if name in ("max_queued_jobs", "default_seed") else 1
            try:
                value: Any = int(raw.strip().replace("_", "")) if field.annotation is int else float(raw)
            except ValueError:
                value = None
            if value is None or value != value or value in (float("inf"),) or value < lo:
                raise ConfigError(var, raw, (f"a whole number >= {lo}" if field.annotation is int
                                             else "a number > 0") + " (environment variable of a gaemi web limit)")
            values[name] = value
        values.update(overrides)
        from pydantic import ValidationError

        try:
            return cls(**values)
        except ValidationError as err:
            e = err.errors()[0]
            name = str(e["loc"][0]) if e["loc"] else "settings"
            raise ConfigError(ENV_PREFIX + name.upper(), e.get("input"), e["msg"]) from None

    # ------------------------------------------------------------------ effective limits
    def limit(self, name: str) -> tuple[float, str]:
        """``(limit, variable that raises it)`` for ``max_paths``, ``max_years`` or
        ``max_leverage_points``: the smaller of the web limit and the library's one."""
        import gaemi.limits as lib

        own = getattr(self, name)
        var = ENV_PREFIX + name.upper()
        if name in _LIBRARY:
            fn, key = _LIBRARY[name]
            theirs = getattr(lib, fn)()
            if theirs < own:
                return theirs, lib.ENV[key]
        if name == "max_investors":  # the colony's own limit (GAEMI_MAX_INVESTORS)
            from gaemi.colony.api import ENV_MAX_INVESTORS, max_investors

            theirs = max_investors()
            if theirs < own:
                return theirs, ENV_MAX_INVESTORS
        return own, var

    def env_var(self, name: str) -> str:
        return ENV_PREFIX + name.upper()

    def public(self) -> dict[str, Any]:
        """The limits as a client sees them (``GET /api/limits``), effective values."""
        out: dict[str, Any] = self.model_dump(mode="json")
        for name in (*_LIBRARY, "max_investors"):
            out[name] = self.limit(name)[0]
        out["env"] = {name: self.limit(name)[1] if name in (*_LIBRARY, "max_investors") else self.env_var(name)
                      for name in type(self).model_fields}
        return out
