"""What would a safe plan need? The smallest monthly saving, the fewest years, or the highest home
price (goal amount) that reaches P(goal by the horizon) >= ``target`` while P(ruin) <= ``ruin_limit``.

P(ruin) is ``SimulationResult.summary()["p_ruin_any"]``: at least one forced sale, or net wealth at
or below the ruin floor at some close, or negative equity (:data:`gaemi.results.need.RUIN_DEFINITION`).

Common random numbers: every candidate runs on the same seed, so on the same futures (the same
market paths and home-price paths); differences between candidates come from the candidate alone.

Search
------
* ``saving`` (``investor.monthly_saving``) within ``[0, max(20 x the plan's saving, cash needed / 12)]``
  (cash needed: the goal amount, or the home's price + costs - the largest loan today): bisection
  for the smallest saving with P(goal) >= target; if P(ruin) is above the limit there, a second
  bisection over ``[that saving, upper bound]`` for the smallest saving that also keeps P(ruin) <=
  the limit (if the upper bound breaks it too, the plan is infeasible: more saving does not remove
  a margin plan's forced-sale risk).
* ``price`` (``goal.price`` of a home goal, ``goal.amount`` of an amount goal) within
  ``[price / 100, 20 x price]``: bisection for the highest price at which both conditions hold
  (P(goal) falls with the price; P(ruin) can only rise with it, through a later graduation).
* ``years``: one run at the longest horizon (``max(40, the plan's horizon)`` years, at most 60)
  gives each path's goal day and first ruin day (the first of ``first_forced_day`` and
  ``ruin_day``; negative equity needs no day of its own: wealth below 0 is below the ruin floor,
  so ``ruin_day`` is set on that close or before); P(goal by Y) and P(ruin by Y) for every whole
  month Y follow from those days, with no bisection. The answer is the first month with P(goal)
  >= target; P(ruin by Y) never falls as Y grows, so if it is above the limit there, no horizon
  does it. Bootstrap and parametric futures are drawn day by day from per-path streams, so the
  first Y years of the long run are the run of horizon Y on the same seed (tested); garch futures
  are drawn per block of days and differ (an equally valid sample); ``check`` reports a run at the
  solved horizon. The historical model is refused (every horizon has its own set of windows).

The probabilities are step functions of the paths, so the bisections stop when the bracket is
within ``tolerance`` (relative, 1 %) of the answer or ``abs_tolerance`` (10,000 KRW / 10 USD),
whichever is larger; candidates sit on the ``abs_tolerance`` grid. The answer reported is always a
value that was run and met both conditions; that it is the smallest (largest) assumes P(goal) and
P(ruin) are monotone in the value on these futures, which holds for a plan without margin and
without rebalancing into debt, and is checked by tests elsewhere.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from gaemi.config.plan import Plan
from gaemi.errors import ConfigError
from gaemi.results.need import Evaluation, NeedResult

SOLVES = ("saving", "years", "price")
TOLERANCE = 0.01
ABS_TOLERANCE = {"KRW": 10_000.0, "USD": 10.0}
SAVING_MULTIPLE = 20.0
PRICE_RANGE = (0.01, 20.0)
YEARS_BOUND = 40.0
MAX_YEARS = 60.0
MONTH_DAYS = 21  # simulated futures: 21 sessions a month, 252 a year


def _prob(x: Any, field: str, lo_closed: bool) -> float:
    ok = not isinstance(x, bool) and isinstance(x, (int, float, np.integer, np.floating)) and math.isfinite(float(x))
    if ok:
        v = float(x)
        ok = (v >= 0.0 if lo_closed else v > 0.0) and v < 1.0
    if not ok:
        raise ConfigError(field, x, f"a probability in {'[' if lo_closed else '('}0, 1)")
    return float(x)


def with_value(plan: Plan, solve: str, value: float, horizon: float | None = None) -> Plan:
    """The plan with its saving / goal price set to ``value`` (validated again)."""
    data = plan.model_dump(mode="python")
    if solve == "saving":
        data["investor"]["monthly_saving"] = float(value)
    elif solve == "price":
        data["goal"]["price" if plan.goal.kind == "home" else "amount"] = float(value)
    if horizon is not None:
        data["horizon_years"] = float(horizon)
    from pydantic import ValidationError

    from gaemi.config.io import validation_to_config_error

    try:
        return Plan.model_validate(data)
    except ValidationError as err:  # e.g. saving 0 with capital 0: no money in at all
        raise validation_to_config_error(err, data) from None


def goal_cash_needed(plan: Plan) -> float:
    """The goal today: the amount, or the cash needed to buy the home at today's price and income."""
    goal = plan.goal
    if goal.kind != "home":
        return float(goal.amount)
    from gaemi.config.lending import load_rules
    from gaemi.instruments.home_purchase import affordability

    a = affordability(goal.price, goal.income, load_rules(goal.preset), goal.first_time_buyer, goal.mortgage_rate,
                      goal.mortgage_term_years)
    return float(max(a.cash_needed, 0.0))


def default_bounds(plan: Plan, solve: str) -> tuple[float, float]:
    if solve == "saving":
        # with no capital, a plan needs some saving (money in): start the search at 1 a month
        low = 0.0 if plan.investor.capital > 0 else 1.0
        return low, max(SAVING_MULTIPLE * plan.investor.monthly_saving, goal_cash_needed(plan) / 12.0, 2 * low)
    if solve == "price":
        own = plan.goal.price if plan.goal.kind == "home" else plan.goal.amount
        return PRICE_RANGE[0] * own, PRICE_RANGE[1] * own
    return 1.0 / 12.0, min(max(YEARS_BOUND, plan.horizon_years), MAX_YEARS)


def _check_bounds(bounds: Any, solve: str) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise ConfigError("bounds", bounds, "two numbers (low, high)") from None
    lo_min = {"saving": 0.0, "price": 0.0, "years": 1.0 / 12.0}[solve]
    ok = math.isfinite(lo) and math.isfinite(hi) and lo >= lo_min and hi > lo
    if solve == "price":
        ok = ok and lo > 0
    if solve == "years":
        ok = ok and hi <= MAX_YEARS and int(math.floor(hi * 12 + 1e-9)) >= int(math.ceil(lo * 12 - 1e-9))
    if not ok:
        allowed = {"saving": "0 <= low < high (money a month)", "price": "0 < low < high",
                   "years": f"1/12 <= low < high <= {MAX_YEARS:g} years, at least one whole month apart"}[solve]
        raise ConfigError("bounds", bounds, allowed)
    return lo, hi


def bisect_boundary(ok: Callable[[float], bool], false_end: float, true_end: float, rel_tol: float,
                    abs_tol: float, first: float | None = None) -> float:
    """The ``true_end`` of a bracket ``[false_end, true_end]`` (either order) shrunk until it is within
    ``max(rel_tol * |true_end|, abs_tol)``; ``ok`` must be False at ``false_end`` and True at ``true_end``.
    Candidates sit on the ``abs_tol`` grid; the midpoint is geometric when both ends are positive and
    a factor of 4 apart, else arithmetic; ``first`` (if strictly inside) is tried first."""
    while abs(true_end - false_end) > max(rel_tol * abs(true_end), abs_tol):
        if first is not None and min(false_end, true_end) < first < max(false_end, true_end):
            mid = first
        else:
            lo, hi = min(false_end, true_end), max(false_end, true_end)
            mid = math.sqrt(lo * hi) if lo > 0 and hi > 4 * lo else 0.5 * (lo + hi)
        first = None
        snapped = round(mid / abs_tol) * abs_tol
        if min(false_end, true_end) < snapped < max(false_end, true_end):
            mid = snapped
        if mid in (false_end, true_end):
            break
        if ok(mid):
            true_end = mid
        else:
            false_end = mid
    return true_end


def need(
    plan: Plan | str,
    target: float = 0.5,
    ruin_limit: float = 0.05,
    solve: str = "saving",
    model: str = "bootstrap",
    paths: int = 2000,
    years: float | None = None,
    seed: int | None = None,
    bounds: tuple[float, float] | None = None,
    tolerance: float = TOLERANCE,
    abs_tolerance: float | None = None,
    progress: Callable[[Evaluation], None] | None = None,
    **mc_kwargs: Any,
) -> NeedResult:
    """Solve for the saving / years / price that reaches P(goal) >= ``target`` with P(ruin) <=
    ``ruin_limit`` (see the module doc). ``years`` is the horizon of every run for ``saving`` and
    ``price`` (default: the plan's). ``mc_kwargs`` go to :func:`gaemi.montecarlo.simulate`
    (``model_options``, ``scenario``, ``chunk_size`` ...). ``progress`` is called after each run."""
    from gaemi.api import _as_plan
    from gaemi.rng import normalize_seed

    target = _prob(target, "target", lo_closed=False)
    ruin_limit = _prob(ruin_limit, "ruin_limit", lo_closed=True)
    if solve not in SOLVES:
        raise ConfigError("solve", solve, "one of " + ", ".join(SOLVES))
    plan = _as_plan(plan)
    if plan.goal is None:
        raise ConfigError("goal", None, "a plan with a [goal] (need solves for the odds of reaching it)")
    if not (isinstance(tolerance, (int, float)) and not isinstance(tolerance, bool) and 0 < tolerance < 1):
        raise ConfigError("tolerance", tolerance, "a relative tolerance in (0, 1)")
    if abs_tolerance is None:
        abs_tolerance = ABS_TOLERANCE.get(plan.currency, 10.0)
    if not (isinstance(abs_tolerance, (int, float)) and abs_tolerance > 0 and math.isfinite(abs_tolerance)):
        raise ConfigError("abs_tolerance", abs_tolerance, "a positive amount")
    if solve == "years":
        if years is not None:
            raise ConfigError("years", years, "left out with solve='years' (the horizon is what is solved; "
                                              "use bounds)")
        if model == "historical":
            raise ConfigError("model", model, "bootstrap, garch or parametric with solve='years' (historical "
                                              "windows differ for every horizon)")
    if "progress" in mc_kwargs:
        raise ConfigError("progress", mc_kwargs["progress"], "a callback of need(), not of each run")
    lo, hi = _check_bounds(bounds, solve) if bounds is not None else default_bounds(plan, solve)
    if solve == "saving" and plan.investor.capital == 0 and lo < 1.0:
        lo = 1.0  # saving 0 with capital 0 is not a plan (no money in)
        if hi <= lo:
            raise ConfigError("bounds", bounds, "a high bound above 1 a month (the plan has no capital)")
    entropy = normalize_seed(seed)
    horizon = float(years if years is not None else plan.horizon_years)
    runner = _Runner(plan, solve, model, paths, entropy, mc_kwargs, target, ruin_limit, progress)
    common = dict(plan=plan.name, title=plan.title, solve=solve, goal_kind=plan.goal.kind, currency=plan.currency,
                  target=target, ruin_limit=ruin_limit, tolerance=float(tolerance),
                  abs_tolerance=float(abs_tolerance), model=model, paths=int(paths), seed=entropy)
    if solve == "years":
        return _solve_years(plan, runner, lo, hi, common)
    return _solve_value(plan, runner, solve, horizon, lo, hi, float(tolerance), float(abs_tolerance), common)


class _Runner:
    """Runs candidates on one seed and remembers every evaluation."""

    def __init__(self, plan, solve, model, paths, entropy, mc_kwargs, target, ruin_limit, progress):
        self.plan, self.solve, self.model, self.paths, self.entropy = plan, solve, model, paths, entropy
        self.mc_kwargs, self.target, self.ruin_limit, self.progress = mc_kwargs, target, ruin_limit, progress
        self.cache: dict[float, Evaluation] = {}
        self.order: list[Evaluation] = []
        self.provenance: dict[str, Any] = {}

    def run(self, plan: Plan, years: float):
        from gaemi.montecarlo import simulate

        res = simulate(plan, model=self.model, paths=self.paths, years=years, seed=self.entropy, **self.mc_kwargs)
        if not self.provenance:
            self.provenance = {k: v for k, v in res.provenance.items() if k != "seconds"}
        return res

    def record(self, value: float, p_goal: float, p_ruin: float) -> Evaluation:
        e = Evaluation(float(value), float(p_goal), float(p_ruin))
        self.cache[float(value)] = e
        self.order.append(e)
        if self.progress:
            self.progress(e)
        return e

    def evaluate(self, value: float, horizon: float) -> Evaluation:
        value = float(value)
        if value not in self.cache:
            s = self.run(with_value(self.plan, self.solve, value), horizon).summary()
            self.record(value, s["p_goal"], s["p_ruin_any"])
        return self.cache[value]

    def goal_ok(self, e: Evaluation) -> bool:
        return e.p_goal >= self.target

    def ruin_ok(self, e: Evaluation) -> bool:
        return e.p_ruin <= self.ruin_limit


def _solve_value(plan: Plan, runner: _Runner, solve: str, horizon: float, lo: float, hi: float,
                 rel_tol: float, abs_tol: float, common: dict[str, Any]) -> NeedResult:
    own_value = float(plan.investor.monthly_saving if solve == "saving"
                      else plan.goal.price if plan.goal.kind == "home" else plan.goal.amount)
    own = runner.evaluate(own_value, horizon)
    ev = lambda x: runner.evaluate(x, horizon)  # noqa: E731
    both = lambda e: runner.goal_ok(e) and runner.ruin_ok(e)  # noqa: E731
    value: float | None = None
    reason: str | None = None
    at_bound = False
    if solve == "saving":
        # P(goal) rises with the saving: the smallest saving that reaches the target ...
        bound = ev(hi)
        if runner.goal_ok(ev(lo)):
            s_goal = lo
        elif not runner.goal_ok(bound):
            s_goal, reason = None, "goal"
        else:
            s_goal = bisect_boundary(lambda x: runner.goal_ok(ev(x)), lo, hi, rel_tol, abs_tol, first=own_value)
        if s_goal is not None:
            # ... then, if P(ruin) is too high there, the smallest larger saving that keeps it low
            if runner.ruin_ok(ev(s_goal)):
                value = s_goal
            elif both(bound):
                value = bisect_boundary(lambda x: both(ev(x)), s_goal, hi, rel_tol, abs_tol)
            else:
                reason = "ruin"
        bound_eval = bound
    else:
        # P(goal) falls with the price and P(ruin) never falls: the highest price where both hold
        bound_eval = ev(lo)
        if not both(bound_eval):
            reason = "goal" if not runner.goal_ok(bound_eval) else "ruin"
        elif both(ev(hi)):
            value, at_bound = hi, True
        else:
            value = bisect_boundary(lambda x: both(ev(x)), hi, lo, rel_tol, abs_tol, first=own_value)
    sol = runner.cache[value] if value is not None else None
    return NeedResult(
        **common, value=value, feasible=value is not None, reason=reason, at_bound=at_bound,
        p_goal=None if sol is None else sol.p_goal, p_ruin=None if sol is None else sol.p_ruin,
        own_value=own_value, own_p_goal=own.p_goal, own_p_ruin=own.p_ruin,
        bound_value=bound_eval.value, bound_p_goal=bound_eval.p_goal, bound_p_ruin=bound_eval.p_ruin,
        horizon_years=horizon, bounds=(lo, hi), evaluations=tuple(runner.order), provenance=runner.provenance,
    )


def event_days(result) -> tuple[np.ndarray, np.ndarray]:
    """Per path: the goal day and the first ruin day (-1 = never): the first forced sale or the first
    close at or below the ruin floor. A path with negative equity always has a ruin day (wealth < 0
    is at or below ``ruin_floor x money put in``); should one have none, it counts as ruined from
    day 0 (never seen; a guard, not an approximation in use)."""
    ev = result.events()
    goal = ev["goal_day"].to_numpy()
    forced = ev["first_forced_day"].to_numpy()
    floor = ev["ruin_day"].to_numpy()
    big = np.iinfo(np.int64).max
    first = np.minimum(np.where(forced >= 0, forced, big), np.where(floor >= 0, floor, big))
    first = np.where(first == big, -1, first)
    undated = (ev["min_wealth"].to_numpy() < 0) & (first < 0)
    first = np.where(undated, 0, first)
    return goal, first


def by_horizon(days: np.ndarray, n_days: np.ndarray) -> np.ndarray:
    """Share of paths whose event day is within the first ``n_days`` sessions, for each entry."""
    hit = np.sort(days[days >= 0])
    return np.searchsorted(hit, np.asarray(n_days), side="left") / days.size


def _solve_years(plan: Plan, runner: _Runner, lo: float, hi: float, common: dict[str, Any]) -> NeedResult:
    m_lo, m_hi = int(math.ceil(lo * 12 - 1e-9)), int(math.floor(hi * 12 + 1e-9))
    long_years = m_hi / 12.0
    res = runner.run(plan, long_years)
    goal_day, ruin_day = event_days(res)
    months = np.arange(m_lo, m_hi + 1)
    p_goal = by_horizon(goal_day, months * MONTH_DAYS)
    p_ruin = by_horizon(ruin_day, months * MONTH_DAYS)
    # the run's own sessions per year decide the plan's horizon in days, as in simulate()
    own_years = float(plan.horizon_years)
    own_days = int(round(own_years * 252))
    if own_days <= res.n_days:
        own = Evaluation(own_years, float(by_horizon(goal_day, own_days)), float(by_horizon(ruin_day, own_days)))
    else:
        s = runner.run(plan, own_years).summary()
        own = Evaluation(own_years, s["p_goal"], s["p_ruin_any"])
    for k, m in enumerate(months):  # every whole year, the bounds and the plan's own horizon
        if m % 12 == 0 or m in (m_lo, m_hi):
            runner.record(m / 12.0, p_goal[k], p_ruin[k])
    reached = np.flatnonzero(p_goal >= runner.target)
    value = reason = check = None
    sol = None
    if reached.size == 0:
        reason = "goal"
    else:
        k = int(reached[0])
        sol = Evaluation(float(months[k]) / 12.0, float(p_goal[k]), float(p_ruin[k]))
        if sol.p_ruin > runner.ruin_limit:
            reason, sol = "ruin", None
        else:
            value = sol.value
            if months[k] % 12:
                runner.record(sol.value, sol.p_goal, sol.p_ruin)
            s = runner.run(plan, sol.value).summary()
            check = {"years": float(sol.value), "p_goal": s["p_goal"], "p_ruin": s["p_ruin_any"],
                     "same_as_long_run": bool(s["p_goal"] == sol.p_goal and s["p_ruin_any"] == sol.p_ruin)}
    bound = runner.cache[long_years]
    bound_eval = bound if reason != "ruin" else Evaluation(months[int(reached[0])] / 12.0, float(p_goal[reached[0]]),
                                                           float(p_ruin[reached[0]]))
    return NeedResult(
        **common, value=value, feasible=value is not None, reason=reason, at_bound=False,
        p_goal=None if sol is None else sol.p_goal, p_ruin=None if sol is None else sol.p_ruin,
        own_value=own_years, own_p_goal=own.p_goal, own_p_ruin=own.p_ruin,
        bound_value=bound_eval.value, bound_p_goal=bound_eval.p_goal, bound_p_ruin=bound_eval.p_ruin,
        horizon_years=None, bounds=(m_lo / 12.0, long_years), evaluations=tuple(runner.order), check=check,
        provenance=runner.provenance,
    )
