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

from gaemi.errors import ConfigError


class LendingRules(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    title: str = ""
    currency: Literal["KRW", "USD"] = "KRW"
    ltv: float = Field(gt=0, le=1, description="loan-to-value for a non-owner")
    ltv_first_time: float = Field(gt=0, le=1, description="loan-to-value for a first-time buyer")
    loan_caps: list[tuple[float, float]] = Field(default_factory=list, description="[price up to, max loan]")
    loan_cap_above: float | None = Field(None, ge=0, description="cap above the last band; none if omitted")
    dsr: float = Field(gt=0, le=1, description="max annual debt service / annual income")
    stress_add_on: float = Field(0.0, ge=0, le=0.2, description="added to the mortgage rate for the DSR test")
    mortgage_rate: float = Field(0.04, ge=0, le=0.3, description="annual")
    mortgage_term_years: float = Field(30, gt=0, le=50)
    acquisition_tax: Literal["kr-one-home", "flat"] = "flat"
    tax_rate: float = Field(0.0, ge=0, le=0.2)
    first_time_tax_relief: float = Field(0.0, ge=0)
    first_time_relief_max_price: float = Field(0.0, ge=0)
    fees_rate: float = Field(0.0, ge=0, le=0.2)
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
    """Lending rules from a preset name or a TOML file path."""
    path = Path(spec)
    if path.suffix == ".toml" and path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        f = _presets_dir() / f"{spec}.toml"
        if not f.is_file():
            raise ConfigError("preset", str(spec), f"one of {', '.join(preset_names())} or a TOML file")
        text = f.read_text(encoding="utf-8")
    try:
        return LendingRules.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError("preset", str(spec), f"valid TOML ({err})") from err
    except ValidationError as err:
        from gaemi.config.io import validation_to_config_error

        e = validation_to_config_error(err)
        raise ConfigError(f"preset.{e.field}", e.value, e.allowed) from err
