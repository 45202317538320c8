"""The colony's calibration table: a user-editable TOML file, validated.

The shipped table is ``gaemi/colony/data/calibration.toml`` (Korea's retail investors, late 2025;
each number with its source). :func:`load_calibration` reads it (or a user's copy), validates it
with pydantic and turns every problem into :class:`gaemi.errors.ConfigError` naming the field, the
value and what is allowed. Nothing here reads anything outside the package at run time.
"""

from __future__ import annotations

import tomllib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gaemi.colony.buckets import BUCKETS
from gaemi.errors import ConfigError

STOCK_BUCKETS: tuple[str, ...] = ("kospi_large", "kospi_small", "kosdaq_theme")
"""Buckets a margin loan can finance (domestic stocks); their retail holdings make up the stock
portfolio distribution of :class:`StockWealth`."""

CRYPTO_BUCKETS: tuple[str, ...] = ("btc_eth", "kr_altcoin")
BEHAVIOUR_SHARES_KEYS: tuple[str, ...] = ("buy_and_hold", "dip_buyer", "deposit_saver")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Model):
    """One number with its provenance."""

    value: float
    source: str = Field(min_length=1)
    date: str | None = None


class Count(Quantity):
    value: float = Field(ge=0)


class Share(Quantity):
    """A fraction in [0, 1]."""

    value: float = Field(ge=0, le=1)


class Positive(Quantity):
    value: float = Field(gt=0)


class NonNegative(Quantity):
    value: float = Field(ge=0)


class Meta(_Model):
    as_of: str
    description: str = ""
    usd_krw: Positive


class PopulationCounts(_Model):
    stock_holders: Count
    crypto_users: Count
    crypto_users_holding_stocks: Share
    margin_user_share: Share


class BucketRow(_Model):
    """One bucket's row of the table (see :class:`gaemi.colony.buckets.BucketParams`)."""

    series: str | None = None
    leverage: float = Field(default=1.0, gt=0)
    sessions_per_year: int = Field(default=252, gt=0)
    krx_daily_limit: bool = False
    daily_turnover_krw: NonNegative
    annual_volatility: NonNegative
    market_cap_krw: NonNegative
    retail_share: Share
    impact_coefficient: NonNegative
    overnight_decay: Share
    source: str = ""

    @property
    def retail_holdings_krw(self) -> float:
        """The value individuals hold in the bucket: ``market_cap_krw * retail_share``."""
        return self.market_cap_krw.value * self.retail_share.value


class CdfTable(Quantity):
    """Rows ``[threshold_krw, share_below]``, thresholds and shares strictly increasing."""

    value: list[tuple[float, float]] = Field(min_length=2)  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _increasing(cls, rows: list[tuple[float, float]]) -> list[tuple[float, float]]:
        for i, (t, p) in enumerate(rows):
            if not (t > 0):
                raise ValueError(f"row {i}: threshold must be > 0, got {t}")
            if not (0 < p < 1):
                raise ValueError(f"row {i}: share must be in (0, 1), got {p}")
            if i and (t <= rows[i - 1][0] or p <= rows[i - 1][1]):
                raise ValueError(f"row {i}: thresholds and shares must increase")
        return rows


class TopShare(_Model):
    people: float = Field(gt=0, lt=1)
    value: float = Field(gt=0, lt=1)
    source: str = Field(min_length=1)
    date: str | None = None


class StockWealth(_Model):
    account_cdf: CdfTable
    top_share: TopShare
    max_holding_krw: Positive


class CryptoWealth(_Model):
    holder_cdf: CdfTable
    max_holding_krw: Positive


class CollateralBands(Quantity):
    """Rows ``[low, high, share]`` of margin accounts by collateral ratio (collateral / loan)."""

    value: list[tuple[float, float, float]] = Field(min_length=1)  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _bands(cls, rows: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
        total = 0.0
        for i, (lo, hi, share) in enumerate(rows):
            if not (1.0 < lo < hi):
                raise ValueError(f"row {i}: need 1 < low < high, got {lo}, {hi}")
            if not (0 <= share <= 1):
                raise ValueError(f"row {i}: share must be in [0, 1], got {share}")
            if i and lo < rows[i - 1][1]:
                raise ValueError(f"row {i}: bands must not overlap")
            total += share
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1, got {total}")
        return rows


class MarginHistoryRow(_Model):
    date: str
    balance_krw: float = Field(ge=0)
    kospi_share: float = Field(ge=0, le=1)
    source: str = Field(min_length=1)


class Margin(_Model):
    balance_krw: NonNegative
    kospi_krw: NonNegative
    kosdaq_krw: NonNegative
    small_to_large_ratio: Positive
    margin_to_cap_market: Share
    top_excluded: Share
    collateral_ratio_max: Positive
    collateral_bands: CollateralBands
    history: list[MarginHistoryRow] = []

    @model_validator(mode="after")
    def _split_adds_up(self) -> Margin:
        total = self.kospi_krw.value + self.kosdaq_krw.value
        if abs(total - self.balance_krw.value) > 0.01 * max(self.balance_krw.value, 1.0):
            raise ValueError(
                f"kospi_krw + kosdaq_krw = {total:.6g} must equal balance_krw = "
                f"{self.balance_krw.value:.6g} within 1%"
            )
        return self


class Cash(_Model):
    broker_cash_to_stocks: NonNegative
    deposits_to_risky: NonNegative
    dispersion: Positive


class LevEtf(_Model):
    kr_holder_share: Share
    us_holder_share: Share


class BehaviourShares(Quantity):
    value: dict[str, float]  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _shares(cls, shares: dict[str, float]) -> dict[str, float]:
        unknown = set(shares) - set(BEHAVIOUR_SHARES_KEYS)
        if unknown:
            raise ValueError(f"unknown behaviour {sorted(unknown)}; allowed: {BEHAVIOUR_SHARES_KEYS}")
        for k, v in shares.items():
            if not 0 <= v <= 1:
                raise ValueError(f"{k}: share must be in [0, 1], got {v}")
        if abs(sum(shares.values()) - 1.0) > 1e-6:
            raise ValueError(f"shares must sum to 1, got {sum(shares.values())}")
        return {k: float(shares.get(k, 0.0)) for k in BEHAVIOUR_SHARES_KEYS}


class Behaviour(_Model):
    shares: BehaviourShares
    dip_buyer_cash_multiple: Positive
    deposit_saver_deposit_multiple: Positive


class AgeShares(Quantity):
    value: list[float]  # type: ignore[assignment]

    @field_validator("value")
    @classmethod
    def _shares(cls, shares: list[float]) -> list[float]:
        if any(not 0 <= s <= 1 for s in shares):
            raise ValueError(f"every share must be in [0, 1], got {shares}")
        if abs(sum(shares) - 1.0) > 1e-3:
            raise ValueError(f"shares must sum to 1, got {sum(shares)}")
        return [s / sum(shares) for s in shares]


class Age(_Model):
    bands: list[str]
    stock_holders: AgeShares
    margin_users: AgeShares
    crypto_only: AgeShares

    @model_validator(mode="after")
    def _lengths(self) -> Age:
        for name in ("stock_holders", "margin_users", "crypto_only"):
            if len(getattr(self, name).value) != len(self.bands):
                raise ValueError(f"{name}: needs one share per band ({len(self.bands)})")
        return self


class Calibration(_Model):
    """The validated calibration table (see ``data/calibration.toml`` for every row's source)."""

    meta: Meta
    population: PopulationCounts
    buckets: dict[str, BucketRow]
    stock_wealth: StockWealth
    crypto_wealth: CryptoWealth
    margin: Margin
    cash: Cash
    lev_etf: LevEtf
    behaviour: Behaviour
    age: Age
    path: str = ""

    @field_validator("buckets")
    @classmethod
    def _all_buckets(cls, rows: dict[str, BucketRow]) -> dict[str, BucketRow]:
        unknown = [k for k in rows if k not in BUCKETS]
        if unknown:
            raise ValueError(f"unknown bucket {unknown[0]!r}")
        missing = [k for k in BUCKETS if k not in rows]
        if missing:
            raise ValueError(f"missing bucket {missing[0]!r}")
        return {k: rows[k] for k in BUCKETS}

    # -- derived quantities (pure functions of the table) -------------------------------------
    @property
    def crypto_only_users(self) -> float:
        """Crypto users who hold no listed stock."""
        p = self.population
        return p.crypto_users.value * (1.0 - p.crypto_users_holding_stocks.value)

    @property
    def total_investors(self) -> float:
        """Stock holders plus crypto-only users: the people the colony stands for by default."""
        return self.population.stock_holders.value + self.crypto_only_users

    @property
    def margin_users(self) -> float:
        return self.population.stock_holders.value * self.population.margin_user_share.value

    def retail_holdings(self, bucket: str) -> float:
        """Target KRW the population holds in ``bucket`` (deposits: see :attr:`deposits_total`)."""
        if bucket == "deposit":
            return self.deposits_total
        return self.buckets[bucket].retail_holdings_krw

    @property
    def stock_holdings_total(self) -> float:
        return sum(self.buckets[b].retail_holdings_krw for b in STOCK_BUCKETS)

    @property
    def crypto_holdings_total(self) -> float:
        return sum(self.buckets[b].retail_holdings_krw for b in CRYPTO_BUCKETS)

    @property
    def deposits_total(self) -> float:
        """Bank deposits of the population: ``deposits_to_risky`` x (stock + crypto holdings)."""
        return self.cash.deposits_to_risky.value * (
            self.stock_holdings_total + self.crypto_holdings_total)

    @property
    def broker_cash_total(self) -> float:
        return self.cash.broker_cash_to_stocks.value * self.stock_holdings_total

    def margin_by_bucket(self) -> dict[str, float]:
        """Margin-loan balance per stock bucket, KRW: KOSDAQ's to kosdaq_theme, KOSPI's split
        between large and small caps so that small caps' margin/cap is ``small_to_large_ratio``
        times large caps'."""
        m = self.margin
        cap_l = self.buckets["kospi_large"].market_cap_krw.value
        cap_s = self.buckets["kospi_small"].market_cap_krw.value
        r = m.small_to_large_ratio.value
        denom = cap_l + r * cap_s
        share_l = m.kospi_krw.value / denom if denom > 0 else 0.0
        return {
            "kospi_large": share_l * cap_l,
            "kospi_small": share_l * r * cap_s,
            "kosdaq_theme": m.kosdaq_krw.value,
        }

    @cached_property
    def fits(self) -> Any:
        """The fitted wealth distributions (:class:`gaemi.colony.population.Fits`), cached."""
        from gaemi.colony.population import fit_population

        key = self.model_dump_json(exclude={"path"})
        hit = _FITS_CACHE.get(key)
        if hit is None:
            hit = fit_population(self)
            if len(_FITS_CACHE) >= 8:
                _FITS_CACHE.pop(next(iter(_FITS_CACHE)))
            _FITS_CACHE[key] = hit
        return hit


_FITS_CACHE: dict[str, Any] = {}
"""Fitted models by table content (fitting takes ~0.2 s; tables are small)."""


def _input_at(data: Any, loc: tuple[Any, ...]) -> Any:
    cur = data
    for p in loc:
        try:
            cur = cur[p]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def validate_calibration(data: dict[str, Any], path: str = "") -> Calibration:
    """Validate a parsed table; raise :class:`ConfigError` naming the first bad field."""
    try:
        cal = Calibration.model_validate({**data, "path": path})
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        field = ".".join(str(p) for p in loc) or "calibration"
        value = err.get("input", _input_at(data, loc))
        allowed = err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = "a known key: " + ", ".join(_allowed_keys(loc))
            if len(loc) >= 2 and loc[0] == "buckets":
                allowed = "a bucket in " + ", ".join(BUCKETS)
        raise ConfigError(f"calibration.{field}", value, allowed) from exc
    return cal


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    model: Any = Calibration
    for p in loc[:-1]:
        fields = getattr(model, "model_fields", {})
        if p in fields:
            ann = fields[p].annotation
            model = ann
        else:
            break
    return sorted(getattr(model, "model_fields", {}))


def default_calibration_path() -> Path:
    """The shipped table."""
    return Path(str(resources.files("gaemi.colony") / "data" / "calibration.toml"))


def load_calibration(path: str | None = None) -> Calibration:
    """Read and validate a calibration table (default: the shipped one).

    Raises :class:`ConfigError` for a missing or unparsable file and for any invalid row:
    negative counts, shares outside [0, 1], unknown buckets or keys, CDF rows that do not increase.
    """
    p = default_calibration_path() if path is None else Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError("calibration", str(p), "a readable TOML file") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("calibration", str(p), f"valid TOML ({exc})") from exc
    return validate_calibration(data, str(p))


def calibration_as_of(calibration: Calibration, date: str) -> Calibration:
    """The table with its margin balance and KOSPI/KOSDAQ split set to the latest
    ``margin.history`` row on or before ``date`` (ISO ``YYYY-MM-DD``); everything else unchanged.

    Raises :class:`ConfigError` if no row is that old.
    """
    rows = [r for r in calibration.margin.history if r.date <= date]
    if not rows:
        first = min((r.date for r in calibration.margin.history), default="none")
        raise ConfigError("date", date, f"on or after the first margin.history row ({first})")
    row = max(rows, key=lambda r: r.date)
    data = calibration.model_dump()
    src = f"margin.history {row.date}: {row.source}"
    data["margin"]["balance_krw"] = {"value": row.balance_krw, "date": row.date, "source": src}
    data["margin"]["kospi_krw"] = {
        "value": row.balance_krw * row.kospi_share, "date": row.date, "source": src}
    data["margin"]["kosdaq_krw"] = {
        "value": row.balance_krw * (1.0 - row.kospi_share), "date": row.date, "source": src}
    data.pop("path", None)
    return validate_calibration(data, calibration.path)
