"""Can this household buy the home now? The largest loan under lending rules and the cash needed.

    max_loan    = min(LTV x price, cap(price band), DSR limit)
    DSR limit   = dsr x income / (12 x a(r + stress, n)),  a(i, n) = (i/12) / (1 - (1 + i/12)^(-12 n))
                  (the level monthly payment per unit of loan of an amortising mortgage, 원리금균등)
    cash_needed = price + acquisition tax + fees - max_loan

Korean acquisition tax on one home (지방세법 §11 ①8): 1 % up to 6억, ``(price / 1억 x 2/3 - 3) %``
between 6억 and 9억, 3 % above; plus local education tax at 10 % of it (지방세법 §151);
first-time buyers get up to ``first_time_tax_relief`` off (지방세특례제한법 §36-3).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from gaemi.config.lending import LendingRules
from gaemi.errors import ConfigError


def annuity_factor(annual_rate: float, term_years: float) -> float:
    """Monthly payment per unit of loan: ``i / (1 - (1+i)^-n)``, i = rate/12, n = 12 x term."""
    n = term_years * 12
    if not n > 0:  # plans and presets refuse terms under a year (gaemi.limits.MIN_MORTGAGE_TERM_YEARS)
        raise ConfigError("mortgage_term_years", term_years, "a mortgage term of at least 1 year")
    i = annual_rate / 12
    if i == 0:
        return 1.0 / n
    return i / (1.0 - (1.0 + i) ** (-n))


def kr_one_home_tax_rate(price: float) -> float:
    """Acquisition tax rate on one home, before the local education tax (지방세법 §11)."""
    if price <= 600_000_000:
        return 0.01
    if price <= 900_000_000:
        return (price / 100_000_000 * 2 / 3 - 3) / 100
    return 0.03


def acquisition_costs(price: float, rules: LendingRules, first_time: bool) -> float:
    """Tax and fees on buying at ``price`` (currency of the rules)."""
    if rules.acquisition_tax == "kr-one-home":
        tax = price * kr_one_home_tax_rate(price) * 1.10
        if first_time and price <= rules.first_time_relief_max_price:
            tax = max(tax - rules.first_time_tax_relief, 0.0)
    else:
        tax = price * rules.tax_rate
    return tax + price * rules.fees_rate


def price_cap(price: float, rules: LendingRules) -> float:
    for band, cap in rules.loan_caps:
        if price <= band:
            return cap
    if rules.loan_caps and rules.loan_cap_above is not None:
        return rules.loan_cap_above
    return float("inf")


@dataclass(frozen=True)
class Affordability:
    price: float
    income: float
    first_time: bool
    mortgage_rate: float
    stress_rate: float
    ltv_limit: float
    cap_limit: float
    dsr_limit: float
    max_loan: float
    binding: str
    acquisition_costs: float
    cash_needed: float
    preset: str

    def to_dict(self) -> dict:
        d = asdict(self)
        if not np.isfinite(d["cap_limit"]):
            d["cap_limit"] = None
        return d


def affordability(price: float, income: float, rules: LendingRules, first_time: bool = False,
                  mortgage_rate: float | None = None, term_years: float | None = None) -> Affordability:
    """The largest loan and the cash needed to buy at ``price`` with annual ``income``."""
    from gaemi.limits import MAX_AMOUNT, MIN_MORTGAGE_TERM_YEARS, finite_number

    if not (0 < finite_number("price", price) <= MAX_AMOUNT):
        raise ConfigError("price", price, f"a home price > 0 and at most {MAX_AMOUNT:g}")
    if not (0 <= finite_number("income", income) <= MAX_AMOUNT):
        raise ConfigError("income", income, f"an annual household income >= 0 and at most {MAX_AMOUNT:g}")
    if not isinstance(first_time, bool):
        raise ConfigError("first_time", first_time, "true or false")
    rate = rules.mortgage_rate if mortgage_rate is None else finite_number("rate", mortgage_rate)
    if not (0 <= rate < 0.3):
        raise ConfigError("rate", rate, "an annual mortgage rate in [0, 0.3)")
    term = rules.mortgage_term_years if term_years is None else finite_number("term_years", term_years)
    if not (MIN_MORTGAGE_TERM_YEARS <= term <= 50):
        raise ConfigError("term_years", term_years, f"a mortgage term from {MIN_MORTGAGE_TERM_YEARS:g} to 50 years")
    stress = rate + rules.stress_add_on
    ltv = (rules.ltv_first_time if first_time else rules.ltv) * price
    cap = price_cap(price, rules)
    dsr = rules.dsr * income / (12 * annuity_factor(stress, term))
    limits = {"ltv": ltv, "cap": cap, "dsr": dsr}
    binding = min(limits, key=lambda k: limits[k])
    max_loan = limits[binding]
    costs = acquisition_costs(price, rules, first_time)
    return Affordability(price=price, income=income, first_time=first_time, mortgage_rate=rate, stress_rate=stress,
                         ltv_limit=ltv, cap_limit=cap, dsr_limit=dsr, max_loan=max_loan, binding=binding,
                         acquisition_costs=costs, cash_needed=price + costs - max_loan, preset=rules.name)


def cash_needed_array(price, income, rules: LendingRules, first_time: bool, mortgage_rate: float | None = None,
                      term_years: float | None = None) -> dict[str, np.ndarray]:
    """:func:`affordability` on arrays: ``price`` of any shape, ``income`` broadcastable to it.

    Returns ``cash_needed``, ``max_loan`` and ``binding`` (0 ltv, 1 cap, 2 dsr) arrays.
    """
    price = np.asarray(price, dtype=float)
    income = np.broadcast_to(np.asarray(income, dtype=float), price.shape)
    rate = rules.mortgage_rate if mortgage_rate is None else mortgage_rate
    term = rules.mortgage_term_years if term_years is None else term_years
    ltv = (rules.ltv_first_time if first_time else rules.ltv) * price
    if rules.loan_caps:
        bands = np.array([b for b, _ in rules.loan_caps])
        caps = np.array([c for _, c in rules.loan_caps]
                        + [np.inf if rules.loan_cap_above is None else rules.loan_cap_above])
        cap = caps[np.searchsorted(bands, price, side="left")]
    else:
        cap = np.full(price.shape, np.inf)
    dsr = rules.dsr * income / (12 * annuity_factor(rate + rules.stress_add_on, term))
    stack = np.stack([ltv, cap, dsr])
    binding = np.argmin(stack, axis=0)
    max_loan = stack.min(axis=0)
    if rules.acquisition_tax == "kr-one-home":
        tax_rate = np.where(price <= 600_000_000, 0.01,
                            np.where(price <= 900_000_000, (price / 100_000_000 * 2 / 3 - 3) / 100, 0.03))
        tax = price * tax_rate * 1.10
        if first_time:
            tax = np.where(price <= rules.first_time_relief_max_price,
                           np.maximum(tax - rules.first_time_tax_relief, 0.0), tax)
    else:
        tax = price * rules.tax_rate
    costs = tax + price * rules.fees_rate
    return {"cash_needed": price + costs - max_loan, "max_loan": max_loan, "binding": binding}


def goal_income(goal, n_days: int, days_per_year: float = 252.0) -> np.ndarray:
    """Household income on each session: steps once a year at ``income_growth``."""
    t = (np.arange(n_days) + 1) / days_per_year
    return goal.income * (1 + goal.income_growth) ** np.floor(t)


def cash_needed_schedule(goal, n_days: int, days_per_year: float = 252.0,
                         price_multiplier: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Cash needed on each session ``d`` of a horizon for a :class:`~gaemi.config.plan.HomeGoal`.

    Without ``price_multiplier`` the home price grows continuously,
    ``price * (1 + price_growth) ** ((d + 1) / days_per_year)``; with it (shape (paths, days),
    e.g. bootstrapped from a home-price index) the price is ``price * price_multiplier``. The
    income steps once a year, ``income * (1 + income_growth) ** floor((d + 1) / days_per_year)``.
    Returns arrays ``cash_needed``, ``max_loan``, ``price`` and ``binding`` (0 ltv, 1 cap, 2 dsr).
    """
    from gaemi.config.lending import load_rules

    rules = load_rules(goal.preset)
    if price_multiplier is None:
        t = (np.arange(n_days) + 1) / days_per_year
        price = goal.price * (1 + goal.price_growth) ** t
    else:
        price = goal.price * np.asarray(price_multiplier, dtype=float)
    out = cash_needed_array(price, goal_income(goal, n_days, days_per_year), rules, goal.first_time_buyer,
                            goal.mortgage_rate, goal.mortgage_term_years)
    out["price"] = price
    return out


class HomeTargets:
    """Per-path cash needed for a home goal whose price follows a home-price index.

    ``source`` gives (paths, days) price multipliers for a path range: a
    :class:`~gaemi.scenarios.home_prices.HomePriceBootstrap` (Monte Carlo) or a precomputed
    (paths, days) array (history). Picklable, so dask workers can call it.
    """

    def __init__(self, goal, n_days: int, source, days_per_year: float = 252.0) -> None:
        self.goal = goal
        self.n_days = n_days
        self.source = source
        self.days_per_year = days_per_year

    def __call__(self, path_start: int, path_stop: int) -> np.ndarray:
        if isinstance(self.source, np.ndarray):
            mult = self.source[path_start:path_stop]
        else:
            mult = self.source.multipliers(path_start, path_stop)
        return cash_needed_schedule(self.goal, self.n_days, self.days_per_year, mult)["cash_needed"]
