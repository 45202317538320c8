"""From a validated Plan to the arrays the kernels read (no numbers are computed here
beyond unit conversion and schedules)."""

from __future__ import annotations

import dataclasses
import zlib
from dataclasses import dataclass
from typing import Callable

import numpy as np

from gaemi.config.plan import Plan
from gaemi.engine import layout as L
from gaemi.errors import ConfigError

US_DEFAULT_RATE = "us_effr"
KR_DEFAULT_RATE = "kr_cd91"


def _asset_currency(name: str) -> str:
    from gaemi.data import series_info

    return series_info(name).currency


def _asset_class(name: str) -> str:
    """The asset class of series ``name`` (:func:`gaemi.data.asset_class.asset_class`); "" for a
    name gaemi does not know (no default collapse hazard)."""
    from gaemi.data.asset_class import asset_class

    try:
        return asset_class(name)
    except ConfigError:
        return ""


def _rate_basis(name: str) -> float:
    from gaemi.data import series_info

    return float(series_info(name).day_count_basis or 365)


def financing_rate_name(asset: str, explicit: str | None, asset_currency: Callable[[str], str] = _asset_currency) -> str:
    """The rate series a fund on ``asset`` finances at: explicit, else by the underlying's currency."""
    if explicit:
        return explicit
    return KR_DEFAULT_RATE if asset_currency(asset) == "KRW" else US_DEFAULT_RATE


def plan_rate_names(plan: Plan, asset_currency: Callable[[str], str] = _asset_currency) -> list[str]:
    """Rate series the plan needs (fund financing, deposit series), in a stable order."""
    names: list[str] = []
    for h in plan.risky_holdings:
        names.append(financing_rate_name(h.asset, h.rate, asset_currency))
    if plan.deposit.series:
        names.append(plan.deposit.series)
    out: list[str] = []
    for n in names:
        if n not in out:
            out.append(n)
    return out


FX_PREFIX = "fx:"


def fx_asset_name(asset_currency: str, plan_currency: str) -> str | None:
    """The panel column of ``asset_currency``'s daily return in ``plan_currency`` (``"fx:USD"``
    in a KRW panel), or None when the two are the same (see :func:`gaemi.data.build_panel`)."""
    return None if asset_currency == plan_currency else FX_PREFIX + asset_currency


def holding_fx(holding, plan_currency: str, asset_currency: Callable[[str], str] = _asset_currency) -> str | None:
    """The FX column a holding needs: a fund (leverage other than 1, or any cost) on an
    underlying quoted in another currency resets daily in that currency, so its holder's return
    is ``(1 + R_fund)(1 + r_fx) - 1``; spot holdings simply use the converted price."""
    if holding.asset == "deposit":
        return None
    e, s = holding.costs()
    if holding.leverage == 1.0 and e == 0.0 and s == 0.0:
        return None
    return fx_asset_name(asset_currency(holding.asset), plan_currency)


def plan_asset_names(plan: Plan, asset_currency: Callable[[str], str] = _asset_currency) -> list[str]:
    """The panel columns a plan needs: its underlyings, then the FX columns its foreign funds need."""
    names = list(plan.underlyings)
    for h in plan.risky_holdings:
        fx = holding_fx(h, plan.currency, asset_currency)
        if fx and fx not in names:
            names.append(fx)
    return names


@dataclass(frozen=True)
class EngineSpec:
    """The kernel's view of a plan. Weights are fractions of all money put in."""

    inst_under: np.ndarray
    inst_lev: np.ndarray
    inst_expense: np.ndarray
    inst_spread: np.ndarray
    inst_rate_col: np.ndarray
    inst_basis: np.ndarray
    inst_term: np.ndarray
    inst_weight: np.ndarray
    inst_fx: np.ndarray  # column of the underlying's currency's return in the plan's, or -1 (same currency / spot)
    deposit_weight: float
    dep_rate_col: int
    dep_rate_fixed: float
    dep_spread: float
    capital: float
    saving_sched: np.ndarray
    goal_target: np.ndarray  # (1 or paths, days): net wealth needed on each session
    loan_to_equity: float
    maintenance: float
    deadline: int
    sale_all: bool
    haircut: float
    tier_days: np.ndarray
    tier_rates: np.ndarray
    margin_on_contrib: bool
    maturity_days: float  # a draw's term in calendar days; 0 = none
    maturity_repay: bool  # at maturity: repay by selling (else extend)
    extension_rate: float  # annual rate of an extended draw; -1 = its tier's rate
    rebal_rule: int
    rebal_threshold: float
    graduate: bool
    stop_drawdown: float
    wipeout_floor: float
    ruin_floor: float
    track_inst: int
    # the collapse/delisting hazard (docs/risks.md): per holding, the rate per year, what a
    # collapse leaves (1 - drop) and the key of the asset's draw (holdings on one asset share it);
    # ``collapse_seed`` the entropy of the draws, -1 = no collapses (one real path replayed)
    inst_collapse_rate: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    inst_collapse_keep: np.ndarray = dataclasses.field(default_factory=lambda: np.ones(0))
    inst_collapse_key: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    collapse_seed: int = -1
    days_per_year: float = 252.0

    @property
    def has_collapse(self) -> bool:
        """Whether any holding can collapse on some path."""
        return self.collapse_seed >= 0 and bool(np.any(self.inst_collapse_rate > 0.0))

    def kernel_args(self, collapse_day: np.ndarray | None = None) -> tuple:
        """The kernels' plan arguments, ending with ``collapse_day`` ((holdings, paths) int64
        sessions, -1 = never: :func:`gaemi.engine.run.collapse_days`); None = no collapse on any
        path (a (holdings, 0) array)."""
        if collapse_day is None:
            collapse_day = np.full((len(self.inst_under), 0), -1, dtype=np.int64)
        return (
            self.inst_under, self.inst_lev, self.inst_expense, self.inst_spread, self.inst_rate_col,
            self.inst_basis, self.inst_term, self.inst_weight, self.inst_fx,
            self.deposit_weight, self.dep_rate_col, self.dep_rate_fixed, self.dep_spread,
            self.capital, self.saving_sched, np.ascontiguousarray(self.goal_target),  # one layout: one compile
            self.loan_to_equity, self.maintenance, self.deadline, self.sale_all, self.haircut,
            self.tier_days, self.tier_rates, self.margin_on_contrib,
            self.maturity_days, self.maturity_repay, self.extension_rate,
            self.rebal_rule, self.rebal_threshold, self.graduate, self.stop_drawdown, self.wipeout_floor,
            self.ruin_floor, self.track_inst, self.inst_collapse_keep, collapse_day,
        )


def build_goal_target(plan: Plan, n_days: int, days_per_year: float = 252.0) -> np.ndarray:
    """Net wealth needed on each session: the home's cash needed, or the growing amount; empty if no goal."""
    if plan.goal is None:
        return np.zeros(0)
    if plan.goal.kind == "home":
        from gaemi.instruments.home_purchase import cash_needed_schedule

        return cash_needed_schedule(plan.goal, n_days, days_per_year)["cash_needed"]
    return plan.goal.amount * (1.0 + plan.goal.growth) ** ((np.arange(n_days) + 1) / days_per_year)


def build_spec(
    plan: Plan,
    underlyings: tuple[str, ...] | list[str],
    rate_names: tuple[str, ...] | list[str],
    n_days: int,
    rate_basis: dict[str, float] | None = None,
    asset_currency: Callable[[str], str] = _asset_currency,
    days_per_year: float = 252.0,
    collapse_seed: int | None = None,
    asset_class: Callable[[str], str] = _asset_class,
) -> EngineSpec:
    """Translate ``plan`` for scenarios with the given underlyings and rate columns.

    ``collapse_seed``: the entropy of the collapse/delisting draws (the run's seed); None = no
    collapses at all (a replay of one real path, e.g. a backtest). Each holding's hazard is its
    own ``collapse_hazard`` or the default of its asset's class (``asset_class``;
    :meth:`gaemi.config.plan.Holding.collapse`); a path's collapse session is
    ``floor(t * days_per_year)`` for an exponential time ``t`` (years) with that rate
    (:func:`gaemi.engine.run.collapse_days`).

    The goal target on day ``d`` is ``amount * (1 + growth) ** ((d + 1) / days_per_year)``;
    the saving in month ``m`` (1-based) is ``monthly_saving * (1 + saving_growth) ** ((m - 1) // 12)``.
    """
    underlyings = list(underlyings)
    rate_names = list(rate_names)
    basis = rate_basis or {}

    def col(name: str, field: str) -> int:
        if name not in rate_names:
            raise ConfigError(field, name, f"a rate series in the scenarios: {', '.join(rate_names) or 'none'}")
        return rate_names.index(name)

    from gaemi.instruments.leveraged_fund import default_structure, spread_exposure

    under, lev, exp, spr, rcol, bas, term, w, fxc = [], [], [], [], [], [], [], [], []
    c_rate, c_keep, c_key = [], [], []
    for k, h in enumerate(plan.holdings):
        if h.asset == "deposit":
            continue
        if h.asset not in underlyings:
            raise ConfigError(f"holdings[{k}].asset", h.asset, f"one of {', '.join(underlyings)}")
        rname = financing_rate_name(h.asset, h.rate, asset_currency)
        structure = h.structure or default_structure(asset_currency(h.asset))
        e, s = h.costs(structure)
        fx = holding_fx(h, plan.currency, asset_currency)
        if fx is not None and fx not in underlyings:
            raise ConfigError(f"holdings[{k}].asset", h.asset,
                              f"scenarios that carry the {fx} column (build the panel with plan_asset_names)")
        under.append(underlyings.index(h.asset))
        lev.append(h.leverage)
        exp.append(e)
        spr.append(spread_exposure(h.leverage, structure) * s)  # the spread on the exposure it is charged on
        fxc.append(underlyings.index(fx) if fx is not None else -1)
        rcol.append(col(rname, f"holdings[{k}].rate"))
        bas.append(basis.get(rname) or _rate_basis(rname))
        term.append(h.termination_drop or 0.0)
        w.append(h.weight)
        hz, drop = h.collapse(asset_class(h.asset) if h.collapse_hazard is None else None)
        c_rate.append(hz)
        c_keep.append(1.0 - drop)
        c_key.append(collapse_key(h.asset))

    dep = plan.deposit
    dep_col = col(dep.series, "deposit.series") if dep.series else -1
    n_months = n_days + 1  # at most one new month per session
    saving = plan.investor.monthly_saving * (1.0 + plan.investor.saving_growth) ** (np.arange(n_months) // 12)
    goal = build_goal_target(plan, n_days, days_per_year)
    m = plan.margin
    tiers = np.array(m.rate_tiers if m else [(99999, 0.0)], dtype=float)
    rule = {"none": L.REBAL_NONE, "monthly": L.REBAL_MONTHLY, "threshold": L.REBAL_THRESHOLD}[plan.rebalance.rule]
    return EngineSpec(
        inst_under=np.array(under, dtype=np.int64),
        inst_lev=np.array(lev, dtype=float),
        inst_expense=np.array(exp, dtype=float),
        inst_spread=np.array(spr, dtype=float),
        inst_rate_col=np.array(rcol, dtype=np.int64),
        inst_basis=np.array(bas, dtype=float),
        inst_term=np.array(term, dtype=float),
        inst_weight=np.array(w, dtype=float),
        inst_fx=np.array(fxc, dtype=np.int64),
        deposit_weight=float(plan.deposit_weight),
        dep_rate_col=int(dep_col),
        dep_rate_fixed=float(dep.rate or 0.0),
        dep_spread=float(dep.spread),
        capital=float(plan.investor.capital),
        saving_sched=saving.astype(float),
        goal_target=np.atleast_2d(goal.astype(float)) if goal.size else np.zeros((1, 0)),
        loan_to_equity=float(m.loan_to_equity) if m else 0.0,
        maintenance=float(m.maintenance_ratio) if m else 1.4,
        deadline=int(m.call_deadline_days) if m else 0,
        sale_all=bool(m.forced_sale == "all") if m else False,
        haircut=float(m.haircut) if m else 0.0,
        tier_days=tiers[:, 0].copy(),
        tier_rates=tiers[:, 1].copy(),
        margin_on_contrib=bool(m.on_contributions) if m else False,
        maturity_days=float(m.maturity_days or 0.0) if m else 0.0,
        maturity_repay=bool(m.at_maturity == "repay") if m else False,
        extension_rate=float(m.extension_rate) if (m and m.extension_rate is not None) else -1.0,
        rebal_rule=rule,
        rebal_threshold=float(plan.rebalance.threshold),
        graduate=bool(plan.graduate.enabled),
        stop_drawdown=float(plan.stop_loss.drawdown) if plan.stop_loss else 0.0,
        wipeout_floor=float(plan.wipeout_floor),
        ruin_floor=float(plan.ruin_floor),
        track_inst=next((k for k, x in enumerate(lev) if x != 1.0), -1),
        inst_collapse_rate=np.array(c_rate, dtype=float),
        inst_collapse_keep=np.array(c_keep, dtype=float),
        inst_collapse_key=np.array(c_key, dtype=np.int64),
        collapse_seed=-1 if collapse_seed is None else _collapse_entropy(collapse_seed),
        days_per_year=float(days_per_year),
    )


def collapse_key(asset: str) -> int:
    """The key of an asset's collapse draws (CRC-32 of its name): holdings on one asset share
    them, and an asset's draws do not depend on what else the plan holds or in which order."""
    return zlib.crc32(asset.encode("utf-8"))


def _collapse_entropy(seed: int) -> int:
    from gaemi.rng import normalize_seed

    return normalize_seed(seed)
