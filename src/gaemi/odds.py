"""The odds curve: P(home by the horizon) and P(ruin) as leverage grows, on the same futures.

Each point replaces the plan's leverage by a daily-rebalanced exposure of ``L`` on every risky
holding (``L = 0``: cash at the financing rate; ``L = 1``: the holding itself; ``L = 2``: a
daily 2x fund), with no margin loan, so that one number says how levered the plan is. Costs are
continuous in ``L``: the holding's own ``expense_ratio`` (0 if it has none) and its financing
spread (default 0.4 %) on the borrowed part ``max(L - 1, 0)``. Every point runs on the same
scenario paths (common random numbers), so differences between points are due to leverage alone.

The growth-optimal (Kelly) leverage of an asset with arithmetic annual drift mu, volatility
sigma and financing rate r maximises ``r + L (mu - r) - L^2 sigma^2 / 2``: ``L* = (mu - r) / sigma^2``
(Merton 1969; Thorp 2006, "The Kelly criterion in blackjack, sports betting and the stock market", §7).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from gaemi.config.plan import Plan
from gaemi.engine import layout as L
from gaemi.errors import ConfigError
from gaemi.results.odds import OddsCurve


def parse_leverage_range(text: str) -> np.ndarray:
    """``"0:3:0.25"`` -> 0, 0.25, ..., 3 (inclusive); also a comma list ``"1,2,3"``."""
    try:
        if ":" in text:
            a, b, step = (float(x) for x in text.split(":"))
            if step <= 0 or b < a:
                raise ValueError
            n = int(np.floor((b - a) / step + 1e-9)) + 1
            values = a + step * np.arange(n)
        else:
            values = np.array([float(x) for x in text.split(",")])
    except ValueError:
        raise ConfigError("leverage", text, "START:STOP:STEP with STEP > 0 and STOP >= START, or a list like 1,2,3") \
            from None
    if values.size == 0 or values.size > 200 or np.any(np.abs(values) > 5):
        raise ConfigError("leverage", text, "1 to 200 leverages between -5 and 5")
    return values


def plan_at_leverage(plan: Plan, leverage: float) -> Plan:
    """The plan with every risky holding held at daily leverage ``leverage`` and no margin loan."""
    data = plan.model_dump(mode="python")
    for h in data["holdings"]:
        if h["asset"] == "deposit":
            continue
        h["expense_ratio"] = h.get("expense_ratio") or 0.0
        spread = h.get("financing_spread")
        h["financing_spread"] = 0.004 if spread is None else spread
        h["leverage"] = float(leverage)
    data["margin"] = None
    data["name"] = f"{plan.name}-x{leverage:g}"
    return Plan.model_validate(data)


def kelly_leverage(mu: float, sigma: float, rate: float) -> float | None:
    """``(mu - r) / sigma^2`` with arithmetic annual drift ``mu``; None if sigma is 0."""
    return None if sigma <= 0 else (mu - rate) / sigma**2


def odds_curve(plan: Plan | str, leverages: Sequence[float] | str = "0:3:0.25", model: str = "bootstrap",
               paths: int = 2000, years: float | None = None, seed: int | None = None, **kwargs: Any) -> OddsCurve:
    """P(goal by the horizon) and P(ruin) for each leverage, on common random numbers."""
    from gaemi.api import _as_plan
    from gaemi.montecarlo import simulate_many

    plan = _as_plan(plan)
    if plan.goal is None:
        raise ConfigError("goal", None, "a plan with a [goal] (the odds are the odds of reaching it)")
    if not plan.underlyings:
        raise ConfigError("holdings", "deposit only", "at least one risky holding to lever")
    levs = parse_leverage_range(leverages) if isinstance(leverages, str) else np.asarray(leverages, dtype=float)
    variants = [plan_at_leverage(plan, x) for x in levs]
    results = simulate_many(variants, model=model, paths=paths, years=years, seed=seed, **kwargs)
    p_goal = np.array([r.summary()["p_goal"] for r in results])
    sums = [r.summary() for r in results]
    growth = []
    for r in results:
        end = r.raw.floats[:, L.END_WEALTH]
        put_in = r.raw.floats[:, L.INVESTED]
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.log(np.maximum(end, 1e-300) / put_in) / r.years
        growth.append(float(np.mean(g)))
    best = float(levs[int(np.argmax(p_goal))])
    kelly = _kelly_for(results[0], plan)
    first = results[0]
    return OddsCurve(
        plan=plan.name, model=first.kind, paths=first.n_paths, years=first.years,
        seed=first.provenance.get("seed"), leverages=levs, p_goal=p_goal,
        p_ruin=np.array([s["p_ruin_any"] for s in sums]),
        p_forced_sale=np.array([s["p_forced_sale"] for s in sums]),
        p_wipeout=np.array([s["p_wipeout"] for s in sums]),
        median_end_wealth=np.array([s["median_end_wealth"] for s in sums]),
        mean_log_growth=np.array(growth), best_leverage=best, kelly_leverage=kelly,
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
