"""The odds curve: P(home by the horizon) and P(ruin) as the plan's exposure grows, on the same futures.

The x-axis is the plan's **exposure**: market exposure per unit of the investor's own money,

    E = (sum over risky holdings of weight x fund leverage) x (1 + loan_to_equity)

(``loan_to_equity`` = 0 without a margin loan; weights are fractions of the money put in, the
deposit holding counts 0; an inverse fund counts negative). It is the exposure at purchase:
a plan whose loan does not finance its monthly purchases (``on_contributions = false``) is less
exposed later. The plan itself sits at ``E0 = E(plan)``; the curve always holds that point, run
as the plan is (its margin loan, its holdings, its rules), in the same :func:`simulate_many`
call as every other point, so its numbers equal ``gaemi.montecarlo.simulate(plan)`` on the same
model, paths, years and seed exactly.

The other points are a family of plans around the real one (``family="margin"``, the default).
With ``U = sum(weight x leverage)`` (the plan's exposure without its loan):

* ``U <= x < E0`` (less than the plan, more than its holdings alone): the margin loan is made
  smaller, ``loan_to_equity = x / U - 1``, with the plan's own margin terms.
* ``0 <= x < U``: no margin loan; every risky weight is scaled by ``x / U`` and the rest is held
  in the deposit (the plan's own ``[deposit]`` terms); ``x = 0`` is all deposit.
* ``x > E0``: a margin loan ``loan_to_equity = x / U - 1`` on the holdings as they are, with the
  plan's own margin terms, or the default :class:`~gaemi.config.plan.Margin` terms when the plan
  has none. Where that plan is not valid or not lendable -- a Korean margin loan on crypto or a
  KRX-listed leveraged ETP (``Margin.jurisdiction``), a loan above the 4x bound, or one so large
  that collateral / loan would start below the maintenance ratio (``1 + 1/loan_to_equity <=
  maintenance_ratio``: no broker lends it) -- the point falls back to daily-leveraged exposure
  (below), and its ``how`` says so.
* ``x < 0``, or a plan whose ``U`` is negative (inverse funds): daily-leveraged exposure (below).

**Daily-leveraged exposure** (``family="daily"`` for every point but the plan's own, and the
fallback above): no margin loan, each risky holding's daily leverage multiplied by ``x / U``
(a spot holding becomes a daily ``x / U`` fund; ``x = 0``: cash at the financing rate). Costs are
continuous in the leverage: a spot holding turned into a fund pays its own ``expense_ratio`` (0 if
it has none) and its ``financing_spread`` (default 0.4 %) on the borrowed part; a holding that is
already a fund keeps its own (or default) costs. A fund leverage beyond +-5 cannot be built: that
point is NaN and its ``how`` says why.

Common random numbers: a variant that needs a series the plan does not (a daily-levered fund on
an underlying quoted in another currency needs its FX column) would change the union panel, and
so the futures of every point. Such points are run in a second call on the same seed and flagged
``same_futures = False``; every other point runs with the plan in one call on exactly the plan's
own panel (a margin loan's rates are fixed tiers and a deposit holding's rate series is already
among the plan's, so neither adds a series).

The growth-optimal (Kelly) leverage of an asset with arithmetic annual drift mu, volatility
sigma and financing rate r maximises ``r + L (mu - r) - L^2 sigma^2 / 2``: ``L* = (mu - r) / sigma^2``
(Merton 1969; Thorp 2006, "The Kelly criterion in blackjack, sports betting and the stock market", §7).
It is reported for the plan's first underlying, in the same units as the x-axis for a plan of one
spot asset.

``best_within_ruin_limit`` is the exposure that maximises P(home) among the points whose P(ruin)
is at most ``ruin_limit`` (ties: the lowest exposure); None when no point keeps P(ruin) that low
or none that does ever reaches the home.
No exposure is called "best" by P(home) alone.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gaemi.config.plan import DEPOSIT, Margin, Plan
from gaemi.engine import layout as L
from gaemi.errors import ConfigError
from gaemi.results.odds import OddsCurve

FAMILIES = ("margin", "daily")
DEFAULT_RUIN_LIMIT = 0.05
DAILY_SPREAD = 0.004  # financing spread of a spot holding turned into a daily-levered fund
_SAME = 1e-9  # exposures closer than this are the same point


_GRID_ALLOWED = "START:STOP:STEP with STEP > 0 and STOP >= START, or a list like 1,2,3"


def _check_leverages(values: np.ndarray, text: Any) -> np.ndarray:
    if values.size == 0:
        raise ConfigError("leverage", text, "at least one exposure")
    if not np.all(np.isfinite(values)):
        raise ConfigError("leverage", text, "finite numbers (NaN is not a number; no infinity)")
    if np.any(np.abs(values) > 5):
        raise ConfigError("leverage", text, "exposures between -5 and 5")
    return values


def parse_leverage_range(text: str) -> np.ndarray:
    """``"0:3:0.25"`` -> 0, 0.25, ..., 3 (inclusive); also a comma list ``"1,2,3"``.

    The number of points is computed and checked against :func:`gaemi.limits.max_leverage_points`
    (200; ``GAEMI_MAX_LEVERAGE_POINTS``) before any array is built: ``0:3:1e-9`` is refused, not
    allocated."""
    from gaemi.limits import check_leverage_points

    if not isinstance(text, str):
        raise ConfigError("leverage", text, _GRID_ALLOWED)
    if len(text) > 10_000:
        raise ConfigError("leverage", text[:40] + "...", _GRID_ALLOWED + " (at most 10,000 characters)")
    try:
        if ":" in text:
            a, b, step = (float(x) for x in text.split(":"))
            if not all(np.isfinite(v) for v in (a, b, step)):
                raise ConfigError("leverage", text, _GRID_ALLOWED + "; finite numbers (NaN is not a number)")
            if step <= 0 or b < a:
                raise ValueError
            count = np.floor((b - a) / step + 1e-9) + 1  # a float: no huge integer is made
            check_leverage_points(int(count) if count <= 2**53 else 2**53, value=text)
            values = a + step * np.arange(int(count))
        else:
            parts = text.split(",")
            check_leverage_points(len(parts), value=text)
            values = np.array([float(x) for x in parts])
    except ConfigError:
        raise
    except ValueError:
        raise ConfigError("leverage", text, _GRID_ALLOWED) from None
    return _check_leverages(values, text)


def leverages_arg(leverages: Any) -> np.ndarray:
    """``leverages`` as checked exposures: text for :func:`parse_leverage_range`, or a sequence of
    real numbers (not bool, not text), non-empty, finite, within +-5, at most the points limit."""
    import numbers

    from gaemi.limits import check_leverage_points

    if isinstance(leverages, str):
        return parse_leverage_range(leverages)
    if isinstance(leverages, np.ndarray):
        check_leverage_points(leverages.size, value=f"{leverages.size:,} exposures")
        if leverages.ndim != 1 or leverages.dtype.kind not in "iuf":
            raise ConfigError("leverage", f"array {leverages.dtype} {leverages.shape}", "a list of numbers")
        return _check_leverages(leverages.astype(float), leverages.tolist())
    if not isinstance(leverages, (list, tuple)):
        raise ConfigError("leverage", leverages, _GRID_ALLOWED + ", or a list of numbers")
    check_leverage_points(len(leverages), value=f"{len(leverages):,} exposures")
    for x in leverages:
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            raise ConfigError("leverage", x, "a number (not true/false, not text)")
    return _check_leverages(np.asarray(leverages, dtype=float), list(leverages))


def unlevered_exposure(plan: Plan) -> float:
    """``U = sum(weight x leverage)`` over the risky holdings: exposure per unit of own money
    without the margin loan."""
    return float(sum(h.weight * h.leverage for h in plan.risky_holdings))


def plan_exposure(plan: Plan) -> float:
    """``E = U x (1 + loan_to_equity)``: market exposure per unit of own money at purchase."""
    lte = plan.margin.loan_to_equity if plan.margin is not None else 0.0
    return unlevered_exposure(plan) * (1.0 + lte)


def _rebuild(plan: Plan, data: dict, x: float) -> Plan:
    data["name"] = f"{plan.name}-x{x:g}"
    return Plan.model_validate(data)


def plan_daily(plan: Plan, x: float) -> Plan:
    """The plan with no margin loan and every risky holding's daily leverage multiplied by
    ``x / U`` (see the module docstring); raises ConfigError/ValidationError where it cannot be built."""
    u = unlevered_exposure(plan)
    k = x / u
    data = plan.model_dump(mode="python")
    for h in data["holdings"]:
        if h["asset"] == DEPOSIT:
            continue
        if h["leverage"] == 1.0 and not h.get("expense_ratio") and not h.get("financing_spread"):
            h["expense_ratio"] = h.get("expense_ratio") or 0.0
            h["financing_spread"] = DAILY_SPREAD if h.get("financing_spread") is None else h["financing_spread"]
        h["leverage"] = float(h["leverage"] * k)
    data["margin"] = None
    return _rebuild(plan, data, x)


def plan_at_leverage(plan: Plan, leverage: float) -> Plan:
    """Daily-leveraged exposure ``leverage`` (old name, kept): :func:`plan_daily`."""
    return plan_daily(plan, leverage)


def _with_loan(plan: Plan, lte: float, x: float) -> Plan:
    data = plan.model_dump(mode="python")
    terms = data["margin"] if data["margin"] is not None else Margin(loan_to_equity=0.0).model_dump(mode="python")
    terms["loan_to_equity"] = float(lte)
    data["margin"] = terms
    return _rebuild(plan, data, x)


def _scaled_down(plan: Plan, s: float, x: float) -> Plan:
    data = plan.model_dump(mode="python")
    data["margin"] = None
    holdings, deposit = [], 0.0
    for h in data["holdings"]:
        if h["asset"] == DEPOSIT:
            deposit += h["weight"]
            continue
        deposit += h["weight"] * (1.0 - s)
        if s > 0:
            holdings.append({**h, "weight": h["weight"] * s})
    if deposit > 0:
        holdings.append({"asset": DEPOSIT, "weight": deposit})
    data["holdings"] = holdings
    # a stop-loss or rebalance rule on an all-deposit plan is harmless; keep the plan's rules
    return _rebuild(plan, data, x)


#: what each point of a curve is (``OddsCurve.kinds``)
POINT_KINDS = ("plan", "smaller_loan", "no_loan", "deposit", "larger_loan", "daily", "daily_fallback", "impossible")


def variant_at(plan: Plan, x: float, family: str = "margin") -> tuple[Plan | None, str, str]:
    """(the plan at exposure ``x``, how it was built, its kind in :data:`POINT_KINDS`) in
    ``family``; (None, why, "impossible") when it cannot be built. ``x`` equal to the plan's own
    exposure gives the plan itself."""
    from pydantic import ValidationError

    e0, u = plan_exposure(plan), unlevered_exposure(plan)
    if abs(x - e0) <= _SAME:
        return plan, "the plan as it is", "plan"

    def daily(prefix: str = "") -> tuple[Plan | None, str, str]:
        try:
            return (plan_daily(plan, x), prefix + f"daily-leveraged: each fund's leverage x {x / u:.4g}, no margin loan",
                    "daily_fallback" if prefix else "daily")
        except (ConfigError, ValidationError):
            return None, prefix + f"not possible: a daily-leveraged fund of {x:g}x is beyond the +-5x bound", "impossible"

    if family == "daily" or x < 0 or u < 0:
        return daily()
    lte = x / u - 1.0
    if x < e0 and lte > _SAME:
        return _with_loan(plan, lte, x), f"the plan with a smaller margin loan: loan_to_equity {lte:.4g}", \
            "smaller_loan"
    if x < e0:
        s = x / u
        if abs(s - 1.0) <= _SAME:
            return _scaled_down(plan, 1.0, x), "the plan's holdings without its margin loan", "no_loan"
        return _scaled_down(plan, s, x), (f"risky weights x {s:.4g}, the rest in the deposit, no margin loan"
                                          if s > 0 else "all in the deposit"), "deposit"
    terms = plan.margin or Margin(loan_to_equity=0.0)
    whose = "the plan's margin terms" if plan.margin is not None else "default margin terms"
    if lte > 4.0:
        return daily(f"margin loan {lte:.3g}x is above the 4x bound; ")
    if 1.0 + 1.0 / lte <= terms.maintenance_ratio:
        return daily(f"margin loan {lte:.3g}x starts below the maintenance ratio (no broker lends it); ")
    try:
        return _with_loan(plan, lte, x), f"margin loan: loan_to_equity {lte:.4g}, {whose}", "larger_loan"
    except (ConfigError, ValidationError) as e:
        reason = "margin not allowed on these holdings" if "margin_ineligible" in str(e) or "lend" in str(e) \
            else "margin loan not valid for this plan"
        return daily(reason + "; ")


def kelly_leverage(mu: float, sigma: float, rate: float) -> float | None:
    """``(mu - r) / sigma^2`` with arithmetic annual drift ``mu``; None if sigma is 0."""
    return None if sigma <= 0 else (mu - rate) / sigma**2


def best_within_limit(exposures: np.ndarray, p_goal: np.ndarray, p_ruin: np.ndarray,
                      ruin_limit: float | None) -> float | None:
    """The exposure with the highest P(goal) among points with P(ruin) <= ``ruin_limit`` (ties:
    the lowest exposure; NaN points are skipped); None when no point satisfies the limit, or
    when none that does reaches the goal in any future (P(goal) = 0 crowns nothing)."""
    if ruin_limit is None:
        return None
    x = np.asarray(exposures, dtype=float)
    g = np.asarray(p_goal, dtype=float)
    r = np.asarray(p_ruin, dtype=float)
    ok = np.isfinite(g) & np.isfinite(r) & (r <= ruin_limit)
    if not ok.any():
        return None
    idx = np.flatnonzero(ok)
    top = g[idx].max()
    if not top > 0:
        return None
    return float(x[idx[g[idx] == top]].min())


def _needs(plan: Plan) -> tuple[set[str], set[str]]:
    from gaemi.engine.spec import plan_asset_names, plan_rate_names

    return set(plan_asset_names(plan)), set(plan_rate_names(plan))


def odds_curve(plan: Plan | str, leverages: Sequence[float] | str = "0:3:0.25", model: str = "bootstrap",
               paths: int = 2000, years: float | None = None, seed: int | None = None,
               ruin_limit: float | None = DEFAULT_RUIN_LIMIT, family: str = "margin", **kwargs: Any) -> OddsCurve:
    """P(goal by the horizon) and P(ruin) at each exposure, on common random numbers.

    ``leverages``: the exposures to try (``parse_leverage_range`` text or numbers); the plan's own
    exposure is added when it is not among them. ``ruin_limit``: the P(ruin) limit for
    ``best_within_ruin_limit`` (a fraction in [0, 1], or None for no mark). ``family``: "margin"
    (default: the real plan, a smaller/larger margin loan, deposits) or "daily" (daily-levered
    exposure on every holding); see the module docstring. Other keyword arguments go to
    :func:`gaemi.montecarlo.simulate_many`."""
    from gaemi.api import _as_plan
    from gaemi.montecarlo import simulate_many

    plan = _as_plan(plan)
    levs = leverages_arg(leverages)  # checked before any futures are drawn
    if plan.goal is None:
        raise ConfigError("goal", None, "a plan with a [goal] (the odds are the odds of reaching it)")
    if not plan.underlyings:
        raise ConfigError("holdings", "deposit only", "at least one risky holding to lever")
    if family not in FAMILIES:
        raise ConfigError("family", family, " or ".join(FAMILIES))
    if ruin_limit is not None and not (isinstance(ruin_limit, (int, float)) and not isinstance(ruin_limit, bool)
                                       and 0 <= ruin_limit <= 1):
        raise ConfigError("ruin_limit", ruin_limit, "a probability from 0 to 1 (0.05 = 5 in 100), or None")
    u = unlevered_exposure(plan)
    if abs(u) <= _SAME:
        raise ConfigError("holdings", "no net market exposure", "a plan with market exposure (sum of weight x leverage "
                          "not 0) to scale")
    e0 = plan_exposure(plan)
    near = np.abs(levs - e0) <= _SAME
    if near.any():
        levs = np.where(near, e0, levs)
    else:
        levs = np.sort(np.append(levs, e0))
    levs = np.unique(levs)
    plan_point = int(np.flatnonzero(np.abs(levs - e0) <= _SAME)[0])

    built = [variant_at(plan, float(x), family) for x in levs]
    own_assets, own_rates = _needs(plan)
    same, other = [], []
    for k, (v, _, _) in enumerate(built):
        if v is None or k == plan_point:
            continue
        assets, rates = _needs(v)
        (same if assets <= own_assets and rates <= own_rates else other).append(k)
    mc = dict(model=model, paths=paths, years=years, seed=seed, **kwargs)
    results: list[Any] = [None] * len(levs)
    first, *rest = simulate_many([plan] + [built[k][0] for k in same], **mc)
    results[plan_point] = first
    for k, r in zip(same, rest):
        results[k] = r
    how = [h for _, h, _ in built]
    same_futures = np.array([built[k][0] is not None for k in range(len(levs))])
    if other:
        for k, r in zip(other, simulate_many([built[k][0] for k in other], **mc)):
            results[k] = r
            extra = sorted((_needs(r.plan)[0] - own_assets) | (_needs(r.plan)[1] - own_rates))
            how[k] += f"; needs {', '.join(extra)}, so it ran on other futures (same seed) than the plan"
            same_futures[k] = False

    def col(key: str) -> np.ndarray:
        return np.array([np.nan if r is None else (r.summary()[key] if r.summary()[key] is not None else np.nan)
                         for r in results], dtype=float)

    sums = {k: col(k) for k in ("p_goal", "p_ruin_any", "p_forced_sale", "p_wipeout_ever", "p_wipeout_end",
                                "p_ruin_floor_ever", "p_ruin_floor_end", "median_end_wealth")}
    growth = np.full(len(levs), np.nan)
    for k, r in enumerate(results):
        if r is None:
            continue
        end = r.raw.floats[:, L.END_WEALTH]
        put_in = r.raw.floats[:, L.INVESTED]
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.log(np.maximum(end, 1e-300) / put_in) / r.years
        growth[k] = float(np.mean(g))
    lte = np.array([np.nan if v is None else (v.margin.loan_to_equity if v.margin is not None else 0.0)
                    for v, _, _ in built])
    s0 = first.summary()
    return OddsCurve(
        plan=plan.name, model=first.kind, paths=first.n_paths, years=first.years,
        seed=first.provenance.get("seed"), leverages=levs, p_goal=sums["p_goal"],
        p_ruin=sums["p_ruin_any"], p_forced_sale=sums["p_forced_sale"],
        p_wipeout_ever=sums["p_wipeout_ever"], p_wipeout_end=sums["p_wipeout_end"],
        p_ruin_floor_ever=sums["p_ruin_floor_ever"], p_ruin_floor_end=sums["p_ruin_floor_end"],
        median_end_wealth=sums["median_end_wealth"], mean_log_growth=growth,
        loan_to_equity=lte, how=how, kinds=[kind for _, _, kind in built], same_futures=same_futures,
        plan_leverage=float(e0), plan_point=plan_point, family=family, ruin_limit=ruin_limit,
        best_within_ruin_limit=best_within_limit(levs, sums["p_goal"], sums["p_ruin_any"], ruin_limit),
        kelly_leverage=_kelly_for(first, plan),
        wipeout_floor=plan.wipeout_floor, ruin_floor=plan.ruin_floor,
        history=s0.get("history"), warnings=list(s0.get("warnings") or []),
        provenance={k: v for k, v in first.provenance.items() if k != "seconds"},
    )


def _kelly_for(result, plan: Plan) -> float | None:
    """Kelly leverage of the plan's first underlying from the statistics the scenarios were drawn from."""
    from gaemi.engine.spec import financing_rate_name

    first = plan.risky_holdings[0]
    stats = result.provenance.get("underlying_stats", {}).get(first.asset)
    rate = result.provenance.get("rate_stats", {}).get(financing_rate_name(first.asset, first.rate))
    if not stats or rate is None:
        return None
    return kelly_leverage(stats["mu"], stats["sigma"], rate)
