"""Lending rules (LTV, loan caps by price band, DSR with a stress add-on) as data.

Presets live in ``config/presets/*.toml`` with their sources; users can write their own
file and pass its path wherever a preset name is accepted.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gaemi.config.plan import Money, Num
from gaemi.errors import ConfigError
from gaemi.limits import MIN_MORTGAGE_TERM_YEARS


class LendingRules(BaseModel):
    """Numbers refuse true/false, text, NaN and infinity (:data:`gaemi.config.plan.Num`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str
    title: str = ""
    currency: Literal["KRW", "USD"] = "KRW"
    ltv: Num = Field(gt=0, le=1, description="loan-to-value for a non-owner")
    ltv_first_time: Num = Field(gt=0, le=1, description="loan-to-value for a first-time buyer")
    loan_caps: list[tuple[Money, Money]] = Field(default_factory=list, max_length=100, description="[price up to, max loan]")
    loan_cap_above: Money | None = Field(None, ge=0, description="cap above the last band; none if omitted")
    dsr: Num = Field(gt=0, le=1, description="max annual debt service / annual income")
    stress_add_on: Num = Field(0.0, ge=0, le=0.2, description="added to the mortgage rate for the DSR test")
    mortgage_rate: Num = Field(0.04, ge=0, le=0.3, description="annual")
    mortgage_term_years: Num = Field(30, ge=MIN_MORTGAGE_TERM_YEARS, le=50)
    acquisition_tax: Literal["kr-one-home", "flat"] = "flat"
    tax_rate: Num = Field(0.0, ge=0, le=0.2)
    first_time_tax_relief: Money = Field(0.0, ge=0)
    first_time_relief_max_price: Money = Field(0.0, ge=0)
    fees_rate: Num = Field(0.0, ge=0, le=0.2)
    sources: list[str] = Field(default_factory=list)

    @field_validator("loan_caps")
    @classmethod
    def _bands(cls, v):
        bands = [b for b, _ in v]
        if bands != sorted(bands) or any(b <= 0 or c < 0 for b, c in v):
            raise ValueError("bands must be positive increasing prices with non-negative caps")
        return v


def _presets_dir():
    return resources.files("gaemi.config") / "presets"


def preset_names() -> list[str]:
    return sorted(p.name[:-5] for p in _presets_dir().iterdir() if p.name.endswith(".toml"))


def load_rules(spec: str | Path) -> LendingRules:
    """Lending rules from a preset name or a TOML file path (a user's file is read as a plan
    file is: UTF-8 or cp949, at most 1 MB, see :func:`gaemi.config.io.read_config_text`)."""
    from gaemi.config.io import parse_toml, read_config_text

    if isinstance(spec, bytes) or not isinstance(spec, (str, Path)):
        raise ConfigError("preset", spec, f"one of {', '.join(preset_names())} or a TOML file")
    name = str(spec)
    path = Path(spec)
    if "\x00" not in name and path.suffix == ".toml" and path.exists():
        text = read_config_text(path, "preset")
    else:
        if name not in preset_names():  # also keeps "../x" from reaching outside the folder
            raise ConfigError("preset", name, f"one of {', '.join(preset_names())} or a TOML file")
        text = (_presets_dir() / f"{name}.toml").read_text(encoding="utf-8")
    try:
        return LendingRules.model_validate(parse_toml(text, name, "preset"))
    except RecursionError:
        raise ConfigError("preset", name, "TOML nested less deeply") from None
    except ValidationError as err:
        from gaemi.config.io import validation_to_config_error

        e = validation_to_config_error(err)
        raise ConfigError(f"preset.{e.field}", e.value, e.allowed) from err
