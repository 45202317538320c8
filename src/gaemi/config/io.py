"""Plans from TOML files or built-in names; pydantic errors become ConfigError."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gaemi.config.plan import Plan
from gaemi.errors import ConfigError


def _plans_dir():
    return resources.files("gaemi.config") / "plans"


def builtin_plan_names() -> list[str]:
    return sorted(p.name[:-5] for p in _plans_dir().iterdir() if p.name.endswith(".toml"))


def builtin_plan_text(name: str) -> str:
    f = _plans_dir() / f"{name}.toml"
    if not f.is_file():
        raise ConfigError("plan", name, f"a TOML file or one of {', '.join(builtin_plan_names())}")
    return f.read_text(encoding="utf-8")


def validation_to_config_error(err: ValidationError, data: Any = None) -> ConfigError:
    """The first pydantic error as ConfigError(field, value, allowed)."""
    first = err.errors()[0]
    parts = list(first["loc"])
    if len(parts) > 2 and parts[0] == "goal" and parts[1] in ("amount", "home"):
        del parts[1]  # the discriminated union's tag, not a field
    loc = ".".join(str(x) for x in parts) or "plan"
    value = first.get("input")
    kind = first["type"]
    msg = first["msg"]
    if kind == "extra_forbidden":
        allowed = "a known field (see `gaemi plans show safe` for an example)"
        return ConfigError(loc, value, f"no such field; {allowed}")
    if kind == "missing":
        return ConfigError(loc, None, "required field is missing")
    if isinstance(value, dict):
        value = "{...}"
    return ConfigError(loc, value, msg.removeprefix("Value error, "))


def plan_from_dict(data: dict[str, Any]) -> Plan:
    try:
        return Plan.model_validate(data)
    except ValidationError as err:
        raise validation_to_config_error(err, data) from err


def load_plan(spec: str | Path) -> Plan:
    """A plan from a TOML file path or a built-in plan name."""
    path = Path(spec)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise ConfigError("plan", str(spec), "an existing TOML file or a built-in plan name")
        text = path.read_text(encoding="utf-8")
    else:
        text = builtin_plan_text(str(spec))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError("plan", str(spec), f"valid TOML ({err})") from err
    return plan_from_dict(data)


def plan_to_toml(plan: Plan) -> str:
    import tomli_w

    return tomli_w.dumps(plan.model_dump(mode="json", exclude_none=True))
