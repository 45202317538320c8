"""Plans from TOML files or built-in names; pydantic errors become ConfigError.

Plan and preset files are read by :func:`read_config_text`: a regular file of at most
:data:`MAX_CONFIG_BYTES` (1 MB), decoded as UTF-8 (with or without a byte-order mark), then, if
that fails, as cp949 (the usual Korean Windows encoding, a superset of EUC-KR); a UTF-16 file
with its byte-order mark (Windows Notepad's "Unicode") is read too. A binary file (NUL bytes),
bytes neither encoding decodes, a file too large, TOML nested more than :data:`MAX_TOML_DEPTH`
levels or invalid TOML is one ConfigError naming the file (field ``plan`` or ``preset``).
"""

from __future__ import annotations

import codecs
import os
import stat
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gaemi.config.plan import Plan
from gaemi.errors import ConfigError


MAX_CONFIG_BYTES = 1_000_000
"""The largest plan or preset file read (bytes); a real one is a few kB."""
MAX_TOML_DEPTH = 16
"""The deepest nesting of tables and arrays accepted (a plan needs 3)."""


def read_config_text(path: str | os.PathLike, field: str, max_bytes: int = MAX_CONFIG_BYTES) -> str:
    """The text of a plan or preset file; ConfigError naming ``field`` and the file when it is
    not a regular file, larger than ``max_bytes``, binary or in neither UTF-8 nor cp949."""
    raw = os.fspath(path)
    name = str(raw)
    special = "a TOML file (this is a folder, device or other special file)"
    try:
        if not stat.S_ISREG(os.stat(raw).st_mode):  # before open(): a FIFO would block it
            raise ConfigError(field, name, special)
        with open(raw, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise ConfigError(field, name, special)
            data = fh.read(max_bytes + 1)
    except ConfigError:
        raise
    except IsADirectoryError:
        raise ConfigError(field, name, "a TOML file (this is a folder)") from None
    except (OSError, ValueError) as err:
        why = getattr(err, "strerror", None) or str(err)
        raise ConfigError(field, name, f"a readable TOML file ({why})") from None
    if len(data) > max_bytes:
        raise ConfigError(field, name, f"a TOML file of at most {max_bytes:,} bytes "
                          "(a plan is a few kB)")
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError as err:
                raise ConfigError(field, name, f"a text file in {codec.upper()} as its "
                                  f"byte-order mark says (undecodable byte at {err.start + len(bom)})"
                                  ) from None
            break
    else:
        if b"\x00" in data:
            raise ConfigError(field, name, "a TOML text file (this one holds NUL bytes: binary?)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as err:
            try:
                text = data.decode("cp949")
            except UnicodeDecodeError:
                raise ConfigError(field, name, "a text file in UTF-8 or cp949/EUC-KR "
                                  f"(undecodable byte at {err.start})") from None
    if "\x00" in text:
        raise ConfigError(field, name, "a TOML text file (this one holds NUL characters: binary?)")
    return text


def _depth(obj: Any) -> int:
    """How deeply tables and arrays nest in ``obj`` (iterative: no recursion to overflow)."""
    deepest, stack = 0, [(obj, 0)]
    while stack:
        o, d = stack.pop()
        if isinstance(o, dict):
            stack.extend((v, d + 1) for v in o.values())
        elif isinstance(o, list):
            stack.extend((v, d + 1) for v in o)
        else:
            continue
        deepest = max(deepest, d + 1)
        if deepest > MAX_TOML_DEPTH:
            break
    return deepest


def parse_toml(text: str, name: str, field: str) -> dict[str, Any]:
    """``tomllib.loads`` with every failure as one ConfigError naming ``field`` and the file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(field, name, f"valid TOML ({err})") from None
    except RecursionError:
        raise ConfigError(field, name, f"TOML nested at most {MAX_TOML_DEPTH} levels deep") from None
    if _depth(data) > MAX_TOML_DEPTH:
        raise ConfigError(field, name, f"TOML nested at most {MAX_TOML_DEPTH} levels deep")
    return data


def _plans_dir():
    return resources.files("gaemi.config") / "plans"


def builtin_plan_names() -> list[str]:
    return sorted(p.name[:-5] for p in _plans_dir().iterdir() if p.name.endswith(".toml"))


def builtin_plan_text(name: str) -> str:
    if name not in builtin_plan_names():  # also keeps "../x" from reaching outside the folder
        raise ConfigError("plan", name, f"a TOML file or one of {', '.join(builtin_plan_names())}")
    f = _plans_dir() / f"{name}.toml"
    if not f.is_file():
        raise ConfigError("plan", name, f"a TOML file or one of {', '.join(builtin_plan_names())}")
    return f.read_text(encoding="utf-8")


def _close_field_names(name: str) -> list[str]:
    """Plan field names close to ``name`` (difflib), from every model of a plan."""
    import difflib

    from pydantic import BaseModel

    from gaemi.config import plan as plan_module

    fields: set[str] = set()
    for obj in vars(plan_module).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel) and obj is not BaseModel:
            fields.update(obj.model_fields)
    return difflib.get_close_matches(name, sorted(fields), n=2, cutoff=0.75)


def validation_to_config_error(err: ValidationError, data: Any = None) -> ConfigError:
    """The first pydantic error as ConfigError(field, value, allowed); an unknown field (usually a
    typo, which also makes the intended field "missing") is reported first, with a "did you mean"."""
    errors = err.errors()
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    parts = list(first["loc"])
    if len(parts) > 2 and parts[0] == "goal" and parts[1] in ("amount", "home"):
        del parts[1]  # the discriminated union's tag, not a field
    loc = ".".join(str(x) for x in parts) or "plan"
    value = first.get("input")
    kind = first["type"]
    msg = first["msg"]
    if kind == "extra_forbidden":
        allowed = "a known field (see `gaemi plans show safe` for an example)"
        close = _close_field_names(str(parts[-1]) if parts else "")
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return ConfigError(loc, value, f"no such field{hint}; {allowed}")
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
    """A plan from a TOML file path or a built-in plan name (see the module's docstring for
    the encodings and limits of a file)."""
    if isinstance(spec, bytes) or not isinstance(spec, (str, os.PathLike)):
        raise ConfigError("plan", spec, "a TOML file path or a built-in plan name")
    name = os.fspath(spec)
    if "\x00" in name or name == "":
        raise ConfigError("plan", name, "a TOML file path or a built-in plan name")
    path = Path(name)
    try:
        is_file_spec = path.suffix == ".toml" or os.path.lexists(path)
    except (OSError, ValueError):
        is_file_spec = True
    if is_file_spec:
        if not os.path.lexists(path):
            raise ConfigError("plan", name, "an existing TOML file or a built-in plan name")
        text = read_config_text(path, "plan")
    else:
        text = builtin_plan_text(name)
    try:
        return plan_from_dict(parse_toml(text, name, "plan"))
    except RecursionError:
        raise ConfigError("plan", name, f"TOML nested at most {MAX_TOML_DEPTH} levels deep") from None


def plan_to_toml(plan: Plan) -> str:
    import tomli_w

    data = plan.model_dump(mode="json", exclude_none=True)
    if plan.margin is not None and plan.margin.maturity_days is None:
        data["margin"]["maturity_days"] = "none"  # TOML has no null; the default (150) is not "no maturity"
    return tomli_w.dumps(data)
