"""The limits on the work one request may ask for, in one place (docs/reliability.md, "Limits").

Every entry point (the Python API, and so the CLI and the web app that call it) checks a request
against these before it allocates anything, and a refusal names the limit and the environment
variable that raises it. A limit is raised only deliberately: set the variable, e.g.
``GAEMI_MAX_PATHS=50000000``. A variable that is set but is not a whole number >= 1 is itself an
error (:class:`~gaemi.errors.ConfigError` naming the variable), never ignored.

=====================  ===========================  ==========================================
limit                  default                      environment variable
=====================  ===========================  ==========================================
paths per run          10,000,000                   ``GAEMI_MAX_PATHS``
years of a horizon     60                           ``GAEMI_MAX_YEARS``
worker processes       the CPUs this process may    ``GAEMI_MAX_WORKERS``
                       use (``os.sched_getaffinity``)
paths per chunk        16,384                       ``GAEMI_MAX_CHUNK``
points of an odds      200                          ``GAEMI_MAX_LEVERAGE_POINTS``
curve
scheduler connect      10 s (handshake included)    ``GAEMI_SCHEDULER_TIMEOUT``
=====================  ===========================  ==========================================

Limits on values rather than work (a plan's money amounts up to :data:`MAX_AMOUNT`, a mortgage
term of at least :data:`MIN_MORTGAGE_TERM_YEARS` years) are fixed: they are the range in which
the numbers mean something, not a budget.
"""

from __future__ import annotations

import math
import os
from typing import Any

from gaemi.errors import ConfigError

MAX_PATHS = 10_000_000
MAX_YEARS = 60
MAX_CHUNK = 16_384
MAX_LEVERAGE_POINTS = 200
SCHEDULER_TIMEOUT_S = 10.0
MAX_AMOUNT = 1e15
"""The largest money amount a plan may hold (capital, saving, prices, income, goal amount), in its
currency: 1,000 trillion KRW. Beyond it wealth over decades leaves float64's exact range."""
MIN_MORTGAGE_TERM_YEARS = 1.0

ENV = {
    "paths": "GAEMI_MAX_PATHS",
    "years": "GAEMI_MAX_YEARS",
    "workers": "GAEMI_MAX_WORKERS",
    "chunk_size": "GAEMI_MAX_CHUNK",
    "leverage_points": "GAEMI_MAX_LEVERAGE_POINTS",
    "scheduler_timeout": "GAEMI_SCHEDULER_TIMEOUT",
}


def cpu_count() -> int:
    """CPUs this process may run on (its affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _env_number(name: str, default: float, whole: bool = True) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip().replace("_", "")) if whole else float(raw.strip())
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < (1 if whole else 0) or (not whole and value <= 0):
        raise ConfigError(name, raw, "a whole number >= 1 (environment variable raising a gaemi limit)" if whole
                          else "a number of seconds > 0 (environment variable)")
    return value


def max_paths() -> int:
    return int(_env_number(ENV["paths"], MAX_PATHS))


def max_years() -> int:
    return int(_env_number(ENV["years"], MAX_YEARS))


def max_workers() -> int:
    return int(_env_number(ENV["workers"], cpu_count()))


def max_chunk() -> int:
    return int(_env_number(ENV["chunk_size"], MAX_CHUNK))


def max_leverage_points() -> int:
    return int(_env_number(ENV["leverage_points"], MAX_LEVERAGE_POINTS))


def scheduler_timeout() -> float:
    return float(_env_number(ENV["scheduler_timeout"], SCHEDULER_TIMEOUT_S, whole=False))


def _over(field: str, value: Any, limit: int, key: str, what: str) -> ConfigError:
    return ConfigError(field, value, f"at most {limit:,} {what} (the limit; raise it deliberately with "
                                     f"{ENV[key]}=N)")


def is_number(x: Any) -> bool:
    """A real number that is not a bool (``True`` is not 1 year)."""
    import numbers

    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def whole_number(field: str, value: Any, lo: int = 1) -> int:
    """``value`` as a whole number >= ``lo``, or ConfigError saying what it is instead."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if is_number(value) and math.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise ConfigError(field, value, f"a whole number >= {lo}" + _what_instead(value))
    if value < lo:
        raise ConfigError(field, value, f"a whole number >= {lo}")
    return int(value)


def _what_instead(value: Any) -> str:
    if isinstance(value, bool):
        return ", not true/false"
    if isinstance(value, str):
        return ", not text"
    if is_number(value) and math.isnan(value):
        return "; NaN is not a number"
    if is_number(value) and math.isinf(value):
        return "; infinity is not allowed"
    return ""


def finite_number(field: str, value: Any) -> float:
    """``value`` as a finite float, or ConfigError saying what it is instead (NaN: not a number)."""
    if not is_number(value):
        raise ConfigError(field, value, "a number" + _what_instead(value) + (
            "" if isinstance(value, (bool, str)) else f", not {type(value).__name__}"))
    x = float(value)
    if math.isnan(x):
        raise ConfigError(field, value, "a number; NaN is not a number")
    if math.isinf(x):
        raise ConfigError(field, value, "a finite number; infinity is not allowed")
    return x


def check_paths(paths: Any, field: str = "paths") -> int:
    n = whole_number(field, paths)
    limit = max_paths()
    if n > limit:
        raise _over(field, paths, limit, "paths", "paths per run")
    return n


def check_years(years: Any, field: str = "years") -> float:
    y = finite_number(field, years)
    if y <= 0:
        raise ConfigError(field, years, "a number of years > 0")
    limit = max_years()
    if y > limit:
        raise _over(field, years, limit, "years", "years")
    return y


def check_workers(workers: Any, field: str = "workers") -> int:
    n = whole_number(field, workers)
    limit = max_workers()
    if n > limit:
        raise _over(field, workers, limit, "workers", "worker processes (the CPUs this process may use)")
    return n


def check_chunk(chunk_size: Any, field: str = "chunk_size") -> int:
    n = whole_number(field, chunk_size)
    limit = max_chunk()
    if n > limit:
        raise _over(field, chunk_size, limit, "chunk_size", "paths per chunk")
    return n


def check_leverage_points(n: int, field: str = "leverage", value: Any = None) -> int:
    limit = max_leverage_points()
    if n > limit:
        raise _over(field, value if value is not None else f"{n:,} points", limit, "leverage_points",
                    "points on an odds curve")
    return n
