"""The investor's plan: a frozen, validated pydantic model built from TOML.

Units: money in the plan's currency (KRW by default); rates and growth are
annual fractions (0.03 = 3 % a year); weights are fractions of the money put in
that sum to 1. A plan never holds data.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, field_validator, model_validator

from gaemi.limits import MAX_AMOUNT, MIN_MORTGAGE_TERM_YEARS

DEPOSIT = "deposit"


def _refuse_non_number(v):
    """Before pydantic coerces: ``true`` is not 1 year, ``"10"`` is not 10, NaN is not a number."""
    if isinstance(v, bool):
        raise ValueError("a number, not true/false")
    if isinstance(v, (str, bytes)):
        raise ValueError("a number, not text")
    if isinstance(v, float) and math.isnan(v):
        raise ValueError("a number; NaN is not a number")
    if isinstance(v, float) and math.isinf(v):
        raise ValueError("a finite number; infinity is not allowed")
    return v


#: a finite real number: refuses bool, text, NaN and infinity with a message that says which
Num = Annotated[float, BeforeValidator(_refuse_non_number)]
#: a whole number: refuses bool, text, NaN and infinity
Int = Annotated[int, BeforeValidator(_refuse_non_number)]
def _money(v):
    """A money amount: a number, or text as people type it (``"1억 4천만"``, ``"150만 원"``,
    ``"1,106,000,000"``: :func:`gaemi.units.parse_money`, exact)."""
    if isinstance(v, str):
        from gaemi.errors import ConfigError
        from gaemi.units import parse_money

        try:
            return float(parse_money(v))
        except ConfigError as e:
            raise ValueError(e.allowed) from None
    try:
        return _refuse_non_number(v)
    except OverflowError:  # an int too large for a float
        raise ValueError("an amount of a sensible size (at most gaemi.limits.MAX_AMOUNT)") from None


#: a money amount in the plan's currency, up to MAX_AMOUNT (gaemi.limits); text such as
#: "1억 4천만" is read exactly (gaemi.units.parse_money)
Money = Annotated[float, BeforeValidator(_money, json_schema_input_type=float | str), Field(le=MAX_AMOUNT)]
#: true or false only (not "yes", not 1)
Flag = Annotated[bool, Strict()]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    def model_copy(self, *, update=None, deep: bool = False):
        """pydantic's ``model_copy(update=...)`` skips validation; here an update is validated like
        any other input (a ConfigError for a bad value), so no copy can hold a value that
        ``model_validate`` would refuse. Without ``update`` it is pydantic's own copy."""
        if not update:
            return super().model_copy(deep=deep)
        from pydantic import ValidationError

        try:
            return type(self).model_validate({**self.model_dump(), **update})
        except ValidationError as err:
            from gaemi.config.io import validation_to_config_error

            raise validation_to_config_error(err) from err


DEFAULT_EXPENSE_RATIO = 0.0095  # a 2x/3x fund's fee (ProShares/Direxion 0.89-0.95 %)
# The financing spread over the short rate a fund pays on the exposure e(L) it is charged on
# (gaemi.instruments.leveraged_fund.spread_exposure), by structure and direction. Calibrated on
# real funds' published NAV returns and daily closes (docs/validation.md; rerun
# `python tools/calibrate_spreads.py`): U.S. swap-based long funds (TQQQ, QLD, UPRO, SSO) 0.7 %;
# U.S. inverse funds need none (fitted +0.07 %, indistinguishable from 0); KRX futures-based long
# funds (KODEX 122630) 0.35 %; KRX inverse funds (252670, 114800) 1.65 % on |L| — mostly the
# KOSPI 200 futures basis, which gaemi has no futures prices to model apart.
DEFAULT_SPREADS = {("swap", True): 0.0070, ("swap", False): 0.0, ("futures", True): 0.0035, ("futures", False): 0.0165}


# The collapse/delisting hazard a holding carries by default, by asset class
# (gaemi.data.asset_class): (per year, the fall on the collapse session). Calibration and sources
# in docs/risks.md: of the coins Upbit listed from 2017 to Aug 2022, 157 of 334 (47 %) were
# delisted (National Assembly audit data, Money Today 2022-10-05): 0.13/yr if all had been listed
# at launch, ~0.30/yr if listings had been spread evenly, 0.20/yr between (listings were
# front-loaded); stablecoins: one permanent collapse (UST, May 2022) in ~50 coin-years of the ten
# largest USD stablecoins 2018-2025, 0.02/yr. Every other class (BTC/ETH, stocks, indices, coin
# ETFs): none. A collapse takes 90 % (delistings and collapses take 50-99.9 %; LUNA -99.9 %).
DEFAULT_COLLAPSE_HAZARD = {"altcoin": 0.20, "stablecoin": 0.02}
DEFAULT_COLLAPSE_DROP = 0.90
MAX_COLLAPSE_HAZARD = 5.0


def default_spread(structure: str, leverage: float) -> float:
    """The calibrated default spread for a fund of ``structure`` ("swap"/"futures") and leverage."""
    return DEFAULT_SPREADS[(structure, leverage > 0)]


class Investor(_Frozen):
    """Money the investor brings."""

    capital: Money = Field(ge=0, description="starting capital, plan currency")
    monthly_saving: Money = Field(0.0, ge=0, description="saved and invested each month")
    saving_growth: Num = Field(0.0, ge=-0.5, le=1.0, description="annual growth of the saving")


class Holding(_Frozen):
    """One position: spot (leverage 1, no costs) or a daily-rebalanced leveraged/inverse fund.

    Fund daily return (Avellaneda & Zhang 2010, eq. 1, with fees), in the underlying's own
    currency: ``L*r_u + (1-L)*r_f - e(L)*spread - expense_ratio/252`` where ``r_f`` and
    ``spread`` accrue over the calendar days of the session at the rate's day count and
    ``e(L)`` is the exposure the spread is charged on (:func:`gaemi.instruments.leveraged_fund.
    spread_exposure`): ``max(L-1, 0)`` for a swap-based fund (U.S.), and for a futures-based fund
    (KRX) the same for long funds but ``|L|`` for inverse ones. A fund on an underlying in
    another currency than the plan's resets daily in its own currency; the holder bears the
    exchange rate once: ``(1 + R_fund) (1 + r_fx) - 1``.
    """

    asset: str = Field(min_length=1)
    weight: Num = Field(gt=0, le=1)
    leverage: Num = Field(1.0, ge=-5, le=5)
    expense_ratio: Num | None = Field(None, ge=0, le=0.2, description="annual; default 0.0095 for L != 1, else 0")
    financing_spread: Num | None = Field(
        None, ge=0, le=0.2,
        description="annual, on the exposure the structure charges it on; default calibrated per structure "
        "(swap long 0.007, futures long 0.0035, futures inverse 0.0165; docs/validation.md)")
    rate: str | None = Field(None, description="rate series for financing; default us_effr (USD underlying) or kr_cd91 (KRW)")
    structure: Literal["swap", "futures"] | None = Field(
        None, description="how the fund reaches its exposure: 'swap' (U.S. funds) or 'futures' (KRX funds); "
        "default futures for a KRW underlying, else swap"
    )
    termination_drop: Num | None = Field(
        None, gt=0, lt=1, description="early termination when the fund falls this much in one day (XIV: 0.8)"
    )
    collapse_hazard: Num | None = Field(
        None, ge=0, le=MAX_COLLAPSE_HAZARD, allow_inf_nan=False,
        description="per year: the rate at which the asset collapses or is delisted (a path's collapse time is "
        "exponential with this rate); default by asset class: altcoin 0.20, stablecoin 0.02, others 0 "
        "(docs/risks.md); 0 turns it off")
    collapse_drop: Num | None = Field(
        None, gt=0, le=1, allow_inf_nan=False,
        description="the fall on the collapse session (0.9 = -90 %), after which the holding earns nothing; "
        "default 0.90")

    @property
    def is_fund(self) -> bool:
        return self.leverage != 1.0 or (self.expense_ratio or 0) > 0

    def costs(self, structure: str | None = None) -> tuple[float, float]:
        """(expense_ratio, financing_spread) with defaults applied. The default spread depends on
        the fund's structure (``self.structure``, else ``structure``, else swap) and direction:
        :data:`DEFAULT_SPREADS`, calibrated on real funds (docs/validation.md)."""
        if self.leverage == 1.0:
            return (self.expense_ratio or 0.0, self.financing_spread or 0.0)
        st = self.structure or structure or "swap"
        return (
            DEFAULT_EXPENSE_RATIO if self.expense_ratio is None else self.expense_ratio,
            default_spread(st, self.leverage) if self.financing_spread is None else self.financing_spread,
        )


    def collapse(self, asset_class: str | None = None) -> tuple[float, float]:
        """(hazard per year, drop) with defaults applied: an unset hazard is the default of the
        asset's class (:data:`DEFAULT_COLLAPSE_HAZARD`; ``asset_class`` as
        :func:`gaemi.data.asset_class.asset_class` names it, None or unknown: 0), an unset drop
        :data:`DEFAULT_COLLAPSE_DROP`."""
        hazard = self.collapse_hazard
        if hazard is None:
            hazard = DEFAULT_COLLAPSE_HAZARD.get(asset_class or "", 0.0)
        drop = DEFAULT_COLLAPSE_DROP if self.collapse_drop is None else self.collapse_drop
        return float(hazard), float(drop)


class Deposit(_Frozen):
    """Where cash and a graduated investor's money sit: a fixed rate or a rate series."""

    rate: Num | None = Field(0.025, ge=-0.05, le=0.5, description="annual, ACT/365")
    series: str | None = Field(None, description="rate series, e.g. kr_cd91; overrides rate")
    spread: Num = Field(0.0, ge=-0.1, le=0.1, description="added to the series")


class Margin(_Frozen):
    """A Korean-style margin loan (신용융자).

    Each draw (the initial loan and each levered monthly purchase) is a loan of its own: it
    ages on its own through the days-held tiers (체차), pays simple interest on its principal
    (``principal x tier rate x days / 365``, accrued into what is owed and settled before any
    principal), and matures ``maturity_days`` after it was drawn, when it is extended or repaid
    by selling. Repayments settle the accrued interest, then retire the oldest draws first
    (선입선출)."""

    loan_to_equity: Num = Field(ge=0, le=4, description="borrowed per unit of own money at purchase")
    maintenance_ratio: Num = Field(1.40, gt=1, le=5, description="collateral / loan at the close")
    call_deadline_days: Int = Field(2, ge=0, le=10, description="sessions to cure before the forced sale")
    forced_sale: Literal["restore", "all"] = "restore"
    haircut: Num = Field(0.0, ge=0, lt=0.5, description="sale price below that session's close")
    rate_tiers: list[tuple[Num, Num]] = Field(
        default_factory=lambda: [(7, 0.049), (15, 0.085), (99999, 0.093)], max_length=50,
        description="[max calendar days held, annual rate], ACT/365",
    )
    on_contributions: Flag = Field(True, description="borrow loan_to_equity on monthly purchases too")
    maturity_days: Num | None = Field(
        150, gt=0, le=365,
        description="calendar days a draw may run (Korean brokers: commonly 90-180); \"none\" = no maturity",
    )
    @field_validator("maturity_days", mode="before")
    @classmethod
    def _no_maturity(cls, v):
        """TOML has no null: ``maturity_days = "none"`` writes "no maturity" in a plan file."""
        return None if isinstance(v, str) and v.strip().lower() == "none" else v

    at_maturity: Literal["extend", "repay"] = Field(
        "extend", description="a draw past maturity is extended (만기연장) or repaid by selling holdings (만기 반대매매)"
    )
    extension_rate: Num | None = Field(
        None, ge=0, le=1, description="annual rate of an extended draw; None = it keeps the rate of its age's tier",
    )
    jurisdiction: Literal["KR", "other"] = Field(
        "KR", description="whose lending rules apply: 'KR' (Korean brokers: no margin loan on crypto or on "
        "KRX-listed leveraged/inverse ETPs; docs/risks.md) or 'other' (no such check)",
    )

    @field_validator("rate_tiers")
    @classmethod
    def _tiers(cls, v: list[tuple[float, float]]) -> list[tuple[float, float]]:
        if not v:
            raise ValueError("at least one [days, rate] tier")
        days = [d for d, _ in v]
        if days != sorted(days) or any(d <= 0 for d in days):
            raise ValueError("tier days must be positive and increasing")
        if any(not (0 <= r <= 1) for _, r in v):
            raise ValueError("tier rates must be annual fractions in [0, 1]")
        if len(v) > 1 and v[-2][0] > 365:
            raise ValueError("every tier but the last must end within 365 days (the last one runs on)")
        return v

    @model_validator(mode="after")
    def _sale_possible(self) -> "Margin":
        if self.forced_sale == "restore" and self.maintenance_ratio * (1 - self.haircut) <= 1:
            raise ValueError("maintenance_ratio * (1 - haircut) must exceed 1 for forced_sale='restore'")
        return self


class Rebalance(_Frozen):
    rule: Literal["none", "monthly", "threshold"] = "none"
    threshold: Num = Field(0.05, gt=0, lt=1, description="absolute weight drift that triggers it")


class AmountGoal(_Frozen):
    """A target amount of net wealth that grows at ``growth`` a year."""

    kind: Literal["amount"] = "amount"
    amount: Money = Field(gt=0)
    growth: Num = Field(0.0, ge=-0.5, le=1.0)


class HomeGoal(_Frozen):
    """내 집 마련: the goal is met when net wealth covers the cash needed to buy the home
    (price + tax and fees - the largest loan the lending rules allow) in that month."""

    kind: Literal["home"] = "home"
    price: Money = Field(gt=0, description="home price today, plan currency")
    preset: str = Field("kr-2025-10", description="lending rules: a preset name or a TOML file")
    price_growth: Num = Field(0.03, ge=-0.5, le=1.0, description="annual home-price growth")
    price_index: str | None = Field(
        None, description="a home-price index (embedded or stored symbol): real levels in history, "
        "bootstrapped monthly changes in Monte Carlo; overrides price_growth")
    first_time_buyer: Flag = True
    income: Money = Field(ge=0, description="annual household income today")
    income_growth: Num = Field(0.03, ge=-0.5, le=1.0, description="annual, applied once a year")
    mortgage_rate: Num | None = Field(None, ge=0, lt=0.3, description="annual; default from the preset")
    mortgage_term_years: Num | None = Field(
        None, ge=MIN_MORTGAGE_TERM_YEARS, le=50, description="years; default from the preset (at least 1 year)")

    @field_validator("price_index")
    @classmethod
    def _price_series(cls, v: str | None) -> str | None:
        """A home-price index must be a price series: a rate (percent a year) or an FX rate read as
        a price level would be nonsense. A series gaemi does not know is left to the check that
        loads it (it names the series)."""
        if v is None:
            return v
        from gaemi.errors import GaemiError

        try:
            from gaemi.data.catalog import series_info

            kind = series_info(v).kind
        except GaemiError:
            return v
        if kind != "price":
            raise ValueError(f"a home-price index (a price series such as seoul_apt); {v!r} is a {kind} series")
        return v

    @field_validator("preset")
    @classmethod
    def _known(cls, v: str) -> str:
        from gaemi.config.lending import load_rules

        try:
            load_rules(v)
        except Exception as err:  # ConfigError -> pydantic error with the message
            raise ValueError(str(getattr(err, "allowed", err))) from None
        return v


Goal = Annotated[Union[AmountGoal, HomeGoal], Field(discriminator="kind")]


class Graduate(_Frozen):
    """졸업: once the goal is met, sell everything into deposits and stop taking risk."""

    enabled: Flag = False


class StopLoss(_Frozen):
    """Sell all risky holdings into deposits once net wealth is this far below its peak."""

    drawdown: Num = Field(gt=0, lt=1)


class Plan(_Frozen):
    """What an investor has and does. Build with :func:`load_plan` or ``Plan.model_validate``."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[\w.\-]+$",
                      description="letters of any script (내계획), digits, _ . -; no spaces or slashes")
    title: str = ""
    currency: Literal["KRW", "USD"] = "KRW"
    horizon_years: Num = Field(10, gt=0, description="years; at most gaemi.limits.max_years() (60)")
    calendar: Literal["XNYS", "XKRX"] | None = None
    wipeout_floor: Num = Field(
        0.1, ge=0, lt=1, description="wiped out (깡통): net wealth at or below this share of all money put in"
    )
    ruin_floor: Num = Field(
        0.2, ge=0, lt=1, description="ruin: net wealth at or below this share of all money put in, at any close"
    )
    investor: Investor
    holdings: list[Holding] = Field(min_length=1)
    deposit: Deposit = Deposit()
    margin: Margin | None = None
    rebalance: Rebalance = Rebalance()
    goal: Goal | None = None
    graduate: Graduate = Graduate()
    stop_loss: StopLoss | None = None

    @model_validator(mode="before")
    @classmethod
    def _goal_kind(cls, data):
        goal = data.get("goal") if isinstance(data, dict) else None
        if isinstance(goal, dict) and "kind" not in goal:
            data = {**data, "goal": {**goal, "kind": "home" if "price" in goal else "amount"}}
        return data

    @field_validator("holdings")
    @classmethod
    def _weights(cls, v: list[Holding]) -> list[Holding]:
        total = sum(h.weight for h in v)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValueError(f"holding weights must sum to 1 (they sum to {total:g})")
        return v

    @field_validator("horizon_years")
    @classmethod
    def _horizon_limit(cls, v: float) -> float:
        from gaemi.limits import ENV, max_years

        limit = max_years()
        if v > limit:
            raise ValueError(f"at most {limit} years (the limit; raise it deliberately with {ENV['years']}=N)")
        return v

    @model_validator(mode="after")
    def _applies(self) -> "Plan":
        """Refuse what would run as nonsense: settings that do not apply to a deposit holding (it
        earns the plan's [deposit] rate: no leverage, fund costs, financing rate, structure or
        collapse), and no money at all (capital and monthly_saving both 0: every ratio to the
        money put in is 0/0)."""
        for k, h in enumerate(self.holdings):
            if h.asset != DEPOSIT:
                continue
            for name in ("leverage", "expense_ratio", "financing_spread", "rate", "structure", "termination_drop",
                         "collapse_hazard", "collapse_drop"):
                value = getattr(h, name)
                if (name == "leverage" and value != 1.0) or (name != "leverage" and value is not None):
                    _raise_at(("holdings", k, name), value, "does_not_apply",
                              f"nothing: {name} does not apply to a deposit holding (it earns the plan's [deposit] "
                              "rate); remove it, or hold a fund instead")
        if self.investor.capital == 0 and self.investor.monthly_saving == 0:
            _raise_at(("investor", "capital"), 0, "no_money",
                      "capital > 0 or monthly_saving > 0 (with neither, no money goes in and every odds is 0/0)")
        return self

    @model_validator(mode="after")
    def _graduate_needs_goal(self) -> "Plan":
        if self.graduate.enabled and self.goal is None:
            raise ValueError("graduate.enabled needs a [goal]")
        return self

    @model_validator(mode="after")
    def _margin_eligible(self) -> "Plan":
        """Korean brokers lend (신용거래) on listed securities only, and KRX rules exclude
        leveraged/inverse ETFs and ETNs; crypto is not a security under Korean law. A plan with a
        Korean margin loan on such a holding is refused, naming the holding (docs/risks.md)."""
        if self.margin is None or self.margin.jurisdiction != "KR":
            return self
        for k, h in enumerate(self.holdings):
            why = _margin_ineligible(h)
            if why:
                from pydantic import ValidationError
                from pydantic_core import InitErrorDetails, PydanticCustomError

                msg = (f"a holding Korean brokers lend against; {why}, and Korean brokers lend (신용융자) on "
                       "neither crypto nor KRX leveraged/inverse ETFs and ETNs: remove the margin loan, or set "
                       "margin.jurisdiction = \"other\" for a broker elsewhere (docs/risks.md)")
                raise ValidationError.from_exception_data("Plan", [InitErrorDetails(
                    type=PydanticCustomError("margin_ineligible", msg), loc=("holdings", k, "asset"),
                    input=h.asset)])
        return self

    @property
    def risky_holdings(self) -> list[Holding]:
        return [h for h in self.holdings if h.asset != DEPOSIT]

    @property
    def deposit_weight(self) -> float:
        return sum(h.weight for h in self.holdings if h.asset == DEPOSIT)

    @property
    def underlyings(self) -> list[str]:
        """Distinct assets the plan needs returns for, in order of appearance."""
        out: list[str] = []
        for h in self.risky_holdings:
            if h.asset not in out:
                out.append(h.asset)
        return out


def _raise_at(loc: tuple, value, kind: str, allowed: str) -> None:
    """Raise a pydantic ValidationError at ``loc`` (so the ConfigError names the exact field)."""
    from pydantic import ValidationError
    from pydantic_core import InitErrorDetails, PydanticCustomError

    raise ValidationError.from_exception_data("Plan", [InitErrorDetails(
        type=PydanticCustomError(kind, allowed), loc=loc, input=value)])


def _margin_ineligible(h: Holding) -> str:
    """Why a Korean broker would not lend against holding ``h`` ("" if it would): a crypto coin,
    or a leveraged/inverse fund (leverage != 1) on a KRW underlying, i.e. a KRX-listed ETP. A
    series gaemi does not know is left to the checks that name it."""
    if h.asset == DEPOSIT:
        return ""
    from gaemi.data.asset_class import is_crypto
    from gaemi.data.catalog import series_info
    from gaemi.errors import ConfigError

    try:
        if is_crypto(h.asset):
            return f"{h.asset!r} is a crypto coin"
        if h.leverage != 1.0 and series_info(h.asset).currency == "KRW":
            return f"{h.asset!r} at leverage {h.leverage:g} is a KRX-listed leveraged/inverse ETP"
    except ConfigError:
        return ""
    return ""
