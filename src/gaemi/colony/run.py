"""Running the colony: shards of agents, the day loop with its fixed point, local or on dask.

Agents live in shards (:func:`gaemi.colony.population.shards`); each shard is held by a
:class:`ShardRunner` (in this process, or as a dask actor on a worker, which draws its own agents
so nothing large crosses the network). The driver (:func:`simulate`) owns the prices: each session
it asks every shard for its orders at a price vector, adds the integer sums, applies the impact
law, and repeats until the prices stop moving; then every shard executes the day at those prices.
Integer sums make the result independent of the shard size, the number of workers and the order
of agents (:mod:`gaemi.colony.dynamics`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from gaemi.colony import dynamics as D
from gaemi.colony.buckets import BUCKETS
from gaemi.errors import ConfigError

DEFAULT_SHARD = 1 << 20
"""Agents per shard by default (1,048,576)."""


def _engine_margin_defaults() -> dict[str, float]:
    """The engine's margin rules (gaemi.config.plan.Margin): maintenance ratio, call deadline,
    haircut. The colony starts from the same numbers."""
    from gaemi.config.plan import Margin

    f = Margin.model_fields
    return {"maintenance_ratio": float(f["maintenance_ratio"].default),
            "call_deadline_days": int(f["call_deadline_days"].default),
            "haircut": float(f["haircut"].default)}


_ENGINE = _engine_margin_defaults()


@dataclass(frozen=True)
class ColonyParams:
    """The behaviour and market rules of a colony run (docs/colony.md gives each its source).

    maintenance_ratio, call_deadline_days, haircut: the engine's margin rules (140 %, 2 sessions,
        0): a call opened at a close is met by a forced sale ``call_deadline_days`` sessions later
        if the account is still short then, at that session's price less ``haircut``.
    delever_threshold: account-equity loss since the shock began (fraction) from which a
        deleveraging investor starts selling toward the collateral ratio it had before the shock.
    delever_speed: share of the gap to that ratio it closes per session (partial adjustment).
    delever_behaviours: behaviours (:data:`gaemi.colony.population.BEHAVIOURS`) that deleverage.
    dip_behaviours: behaviours that buy dips with their cash.
    dip_threshold: a bucket that closed this far below its pre-shock level is a dip.
    dip_rate: share of their cash dip-buyers spend per session while there is a dip.
    q_max: the sold share of a day's turnover beyond which impact stops growing.
    daily_limit, breaker: KRX daily price limit (+-30 %) and the circuit breaker's closing stage
        (-20 %), both scaled by the leverage of the 2x bucket.
    max_iterations, tolerance: the fixed point's cap and its convergence test (largest change of
        any bucket's impact, log points).
    """

    maintenance_ratio: float = _ENGINE["maintenance_ratio"]
    call_deadline_days: int = _ENGINE["call_deadline_days"]
    haircut: float = _ENGINE["haircut"]
    delever_threshold: float = 0.30
    delever_speed: float = 0.12
    delever_behaviours: tuple[str, ...] = ("leveraged_trader", "dip_buyer")
    dip_behaviours: tuple[str, ...] = ("dip_buyer",)
    dip_threshold: float = 0.10
    dip_rate: float = 0.02
    topup_deposit_share: float = 0.04
    q_max: float = 1.0
    daily_limit: float = 0.30
    breaker: float = 0.20
    max_iterations: int = 100
    tolerance: float = 1e-10

    def __post_init__(self) -> None:
        from gaemi.colony.population import BEHAVIOURS

        def num(name: str, lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> None:
            v = getattr(self, name)
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            ok = ok and (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)
            if not ok:
                raise ConfigError(name, v, f"a number {'>' if lo_open else '>='} {lo:g} and "
                                           f"{'<' if hi_open else '<='} {hi:g}")

        num("maintenance_ratio", 1.0, 5.0, lo_open=True)
        num("haircut", 0.0, 0.5, hi_open=True)
        if self.maintenance_ratio * (1.0 - self.haircut) <= 1.0:
            raise ConfigError("haircut", self.haircut, "a haircut with maintenance_ratio * (1 - haircut) > 1")
        d = self.call_deadline_days
        if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 10:
            raise ConfigError("call_deadline_days", d, "a whole number of sessions from 0 to 10")
        num("delever_threshold", 0.0, 1.0)
        num("delever_speed", 0.0, 1.0)
        num("dip_threshold", 0.0, 1.0)
        num("dip_rate", 0.0, 1.0)
        num("q_max", 0.0, 100.0, lo_open=True)
        num("daily_limit", 0.0, 1.0, lo_open=True)
        num("breaker", 0.0, 1.0, lo_open=True)
        num("tolerance", 0.0, 1e-3, lo_open=True)
        it = self.max_iterations
        if isinstance(it, bool) or not isinstance(it, int) or not 1 <= it <= 10_000:
            raise ConfigError("max_iterations", it, "a whole number from 1 to 10,000")
        num("topup_deposit_share", 0.0, 1.0)
        for name in ("delever_behaviours", "dip_behaviours"):
            for b in getattr(self, name):
                if b not in BEHAVIOURS:
                    raise ConfigError(name, b, "behaviours among " + ", ".join(BEHAVIOURS))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["delever_behaviours"] = list(self.delever_behaviours)
        d["dip_behaviours"] = list(self.dip_behaviours)
        return d


@dataclass(frozen=True)
class Market:
    """Per-bucket market arrays (BUCKETS order) the driver needs."""

    turnover: np.ndarray
    coefficient: np.ndarray
    daily_vol: np.ndarray
    decay: np.ndarray
    limit: np.ndarray
    breaker: np.ndarray
    collateral: np.ndarray
    deposit: int

    @classmethod
    def from_calibration(cls, calibration, params: ColonyParams) -> "Market":
        from gaemi.colony.buckets import bucket_params
        from gaemi.colony.shock import bucket_leverage

        bp = bucket_params(calibration)
        rows = [bp[b] for b in BUCKETS]
        leverage = bucket_leverage(calibration)
        lev = np.array([leverage[b] for b in BUCKETS])
        krx = np.array([r.krx_daily_limit for r in rows], dtype=bool)
        return cls(
            turnover=np.array([r.daily_turnover_krw for r in rows], dtype=float),
            coefficient=np.array([r.impact_coefficient for r in rows], dtype=float),
            daily_vol=np.array([r.annual_volatility for r in rows], dtype=float) / math.sqrt(252.0),
            decay=np.array([r.overnight_decay for r in rows], dtype=float),
            limit=np.where(krx, params.daily_limit * lev, np.inf),
            breaker=np.where(krx, params.breaker * lev, np.inf),
            collateral=np.array([r.margin_share > 0.0 and b != "deposit" for b, r in zip(BUCKETS, rows)],
                                dtype=np.bool_),
            deposit=BUCKETS.index("deposit"),
        )


# --------------------------------------------------------------------------- one shard
class ShardRunner:
    """One shard of agents and their state through a run (also used as a dask actor).

    Build it from a :class:`~gaemi.colony.population.Population` (``population=``) or let it draw
    its agents (``calibration``, ``investors``, ``seed``, ``represented``, ``shard``)."""

    def __init__(self, market: Market, params: ColonyParams, population=None, calibration=None,
                 investors: int | None = None, seed: int | None = None, represented: float | None = None,
                 shard: tuple[int, int] | None = None) -> None:
        if population is None:
            from gaemi.colony.population import generate

            population = generate(calibration, investors, seed, represented=represented, shard=shard)
        self.market = market
        self.params = params
        self.pop = population
        self.prepared = False

    # ---- sizes
    def n(self) -> int:
        return self.pop.n

    def totals(self) -> dict[str, int]:
        """Integer sums (exact across shards) of the population's money per bucket, cash and
        loans (1/SCALE won) and head counts (1/WSCALE investors)."""
        w = self.pop.weight

        def isum(x: np.ndarray, scale: float) -> int:
            return int(np.floor(x * scale + 0.5).astype(np.int64).sum())

        out = {b: isum(w * self.pop.holdings[:, j], D.SCALE) for j, b in enumerate(BUCKETS)}
        out["cash"] = isum(w * self.pop.cash, D.SCALE)
        out["margin_loan"] = isum(w * self.pop.margin_loan, D.SCALE)
        out["investors"] = isum(w, D.WSCALE)
        out["margin_investors"] = isum(w[self.pop.margin_loan > 0], D.WSCALE)
        out["agents"] = self.pop.n
        return out

    def prepare(self) -> None:
        """Set up the run's arrays (once per runner)."""
        from gaemi.colony.population import AGE_BANDS, BEHAVIOURS

        p = self.pop
        holdings = np.ascontiguousarray(p.holdings, dtype=np.float64)
        cash = np.ascontiguousarray(p.cash, dtype=np.float64)
        loan = np.ascontiguousarray(p.margin_loan, dtype=np.float64)
        self.holdings, self.cash0, self.loan0 = holdings, cash, loan
        self.weight = np.ascontiguousarray(p.weight, dtype=np.float64)
        beh = np.asarray(p.behaviour, dtype=np.int64)
        delever_codes = [BEHAVIOURS.index(b) for b in self.params.delever_behaviours]
        dip_codes = [BEHAVIOURS.index(b) for b in self.params.dip_behaviours]
        dip = np.isin(beh, dip_codes) & (cash > 0)
        active = (loan > 0) | dip
        self.active = np.flatnonzero(active)
        self.pos = np.full(p.n, -1, dtype=np.int64)
        self.pos[self.active] = np.arange(self.active.size)
        a = self.active
        self.a_w = self.weight[a]
        self.a_delever = np.isin(beh[a], delever_codes)
        self.a_dip = dip[a]
        coll = self.market.collateral
        C0 = holdings[a][:, coll].sum(axis=1)
        L0 = loan[a]
        with np.errstate(divide="ignore", invalid="ignore"):
            self.a_r0 = np.where(L0 > 0, C0 / np.where(L0 > 0, L0, 1.0), np.inf)
        self.a_e0 = C0 - L0
        self.midx = np.flatnonzero(L0 > 0).astype(np.int64)
        n_age, n_beh = len(AGE_BANDS), len(BEHAVIOURS)
        self.n_groups = 10 * n_age * n_beh * 2
        dec = np.clip(np.asarray(p.wealth_decile, dtype=np.int64), 0, 9)
        age = np.clip(np.asarray(p.age_band, dtype=np.int64), 0, n_age - 1)
        self.groups = ((dec * n_age + age) * n_beh + np.clip(beh, 0, n_beh - 1)) * 2 + (loan > 0)
        self.prepared = True
        self.reset()

    def reset(self) -> None:
        """The state before the shock (a new run on the same agents)."""
        a = self.active
        self.u = np.ascontiguousarray(self.holdings[a])
        self.cash = self.cash0[a].copy()
        self.loan = self.loan0[a].copy()
        self.call_day = np.full(a.size, -1, dtype=np.int64)
        self.flags = np.zeros(a.size, dtype=np.uint8)

    # ---- the day
    def dip(self, p_prev: np.ndarray, fallen: np.ndarray) -> np.ndarray:
        return D.dip_orders(p_prev, fallen, self.u, self.cash, self.a_dip, self.a_w, self.params.dip_rate)

    def flows(self, prices: np.ndarray, t: int) -> np.ndarray:
        q = self.params
        return D.margin_flows(prices, self.u, self.loan, self.a_r0, self.a_e0, self.call_day, self.a_delever,
                              self.a_w, self.midx, self.market.collateral, t, q.maintenance_ratio,
                              q.call_deadline_days, q.haircut, q.delever_threshold, q.delever_speed)

    def commit(self, prices: np.ndarray, p_prev: np.ndarray, fallen: np.ndarray, t: int) -> np.ndarray:
        q = self.params
        return D.commit_day(prices, p_prev, fallen, self.u, self.cash, self.loan, self.a_r0, self.a_e0,
                            self.call_day, self.flags, self.a_delever, self.a_dip, self.a_w,
                            self.market.collateral, self.market.deposit, t, q.maintenance_ratio,
                            q.call_deadline_days, q.haircut, q.delever_threshold, q.delever_speed, q.dip_rate,
                            q.topup_deposit_share)

    def finish(self, prices: np.ndarray) -> np.ndarray:
        return D.finish(prices, self.holdings, self.cash0, self.loan0, self.weight, self.pos, self.u, self.cash,
                        self.loan, self.flags, self.market.collateral, self.groups, self.n_groups)


# --------------------------------------------------------------------------- executors
class LocalShards:
    """Shards in this process. The kernels release the GIL, so with several shards a pool of
    ``threads`` threads (default: the CPUs this process may use) runs them side by side; the
    integer sums make the order in which they finish irrelevant."""

    def __init__(self, runners: Sequence[ShardRunner], threads: int | None = None) -> None:
        from gaemi.limits import cpu_count

        self.runners = list(runners)
        n = min(len(self.runners), threads or cpu_count())
        self.pool = None
        if n > 1:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(n, thread_name_prefix="gaemi-colony")

    def call(self, method: str, *args: Any) -> list[Any]:
        if self.pool is None:
            return [getattr(r, method)(*args) for r in self.runners]
        return list(self.pool.map(lambda r: getattr(r, method)(*args), self.runners))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None


class DaskShards:
    """Shards as dask actors (one per shard) on a LocalCluster or an existing scheduler."""

    def __init__(self, client, cluster, actors: list) -> None:
        self.client, self.cluster, self.actors = client, cluster, actors

    def call(self, method: str, *args: Any) -> list[Any]:
        futures = [getattr(a, method)(*args) for a in self.actors]
        return [f.result() for f in futures]

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()


def _isum(parts: list[np.ndarray]) -> np.ndarray:
    out = np.zeros_like(parts[0])
    for p in parts:
        out += p
    return out


# --------------------------------------------------------------------------- the day loop
@dataclass
class PathRun:
    """One run through the shock at one impact scale (driver-side numbers; KRW as floats)."""

    scale: float
    prices: np.ndarray  # [days + 1, B] with feedback (row 0 = 1)
    exogenous: np.ndarray  # [days + 1, B]
    forced: np.ndarray  # [days, B] market value force-sold, KRW
    voluntary: np.ndarray  # [days, B]
    bought: np.ndarray  # [days, B]
    margin_balance: np.ndarray  # [days + 1]
    topups: np.ndarray  # [days]
    repaid_forced: np.ndarray  # [days]
    repaid_voluntary: np.ndarray  # [days]
    haircut_loss: np.ndarray  # [days]
    calls_open: np.ndarray  # [days], investors
    force_sold_today: np.ndarray  # [days], investors
    wiped_today: np.ndarray  # [days], investors
    delever_started: np.ndarray  # [days], investors
    iterations: np.ndarray  # [days]
    converged: np.ndarray  # [days] bool
    residual: np.ndarray  # [days]
    groups: np.ndarray  # [n_groups, N_G] int64 sums
    seconds: float = 0.0

    @property
    def all_converged(self) -> bool:
        return bool(self.converged.all())


def simulate(shards, shock_returns: np.ndarray, market: Market, params: ColonyParams, scale: float,
             margin_start: int, progress: Callable[[int, int], None] | None = None) -> PathRun:
    """Run every shard through the shock at impact scale ``scale`` (0: no feedback)."""
    t0 = time.perf_counter()
    shards.call("reset")
    R = np.asarray(shock_returns, dtype=float)
    T, B = R.shape
    X = np.ones(B)
    J = np.zeros(B)
    p_prev = np.ones(B)
    prices = np.ones((T + 1, B))
    exo = np.ones((T + 1, B))
    forced = np.zeros((T, B))
    vol = np.zeros((T, B))
    bought = np.zeros((T, B))
    tails = np.zeros((T, D.N_TAIL))
    iters = np.zeros(T, dtype=np.int64)
    conv = np.ones(T, dtype=bool)
    resid = np.zeros(T)
    V = market.turnover
    tradable = V > 0
    yv = np.where(tradable, market.coefficient * market.daily_vol, 0.0)
    risky = np.ones(B, dtype=bool)
    risky[market.deposit] = False
    for t in range(T):
        X = X * (1.0 + R[t])
        fallen = risky & (p_prev <= 1.0 - params.dip_threshold)
        buys = _isum(shards.call("dip", p_prev, fallen)) if fallen.any() else np.zeros(B, np.int64)
        carry = (1.0 - market.decay) * J
        p_open = X * np.exp(-carry)
        lo, hi = D.day_bounds(p_prev, p_open, market.limit, market.breaker)
        i = np.zeros(B)
        P = np.clip(p_open, lo, hi)
        if scale > 0.0:
            conv[t] = False
            for k in range(params.max_iterations):
                flows = _isum(shards.call("flows", P, t))
                q = (flows[0] + flows[1] - buys).astype(np.float64) / D.SCALE
                share = np.where(tradable, q / np.where(tradable, V, 1.0), 0.0)
                i_new = scale * yv * np.sqrt(np.minimum(np.abs(share), params.q_max)) * np.sign(share)
                step = float(np.max(np.abs(i_new - i)))
                i = i_new
                P = np.clip(p_open * np.exp(-i), lo, hi)
                iters[t] = k + 1
                resid[t] = step
                if step <= params.tolerance:
                    conv[t] = True
                    break
        stats = _isum(shards.call("commit", P, p_prev, fallen, t))
        forced[t] = stats[:B] / D.SCALE
        vol[t] = stats[B:2 * B] / D.SCALE
        bought[t] = stats[2 * B:3 * B] / D.SCALE
        tails[t] = stats[3 * B:]
        J = np.where(P > 0, np.log(np.where(P > 0, X / np.maximum(P, 1e-300), 1.0)), J)
        prices[t + 1] = P
        exo[t + 1] = X
        p_prev = P
        if progress:
            progress(t + 1, T)
    groups = _isum(shards.call("finish", p_prev))
    bal = np.empty(T + 1)
    bal[0] = margin_start / D.SCALE
    bal[1:] = tails[:, D.ST_LOAN] / D.SCALE
    return PathRun(
        scale=float(scale), prices=prices, exogenous=exo, forced=forced, voluntary=vol, bought=bought,
        margin_balance=bal, topups=tails[:, D.ST_TOPUP] / D.SCALE,
        repaid_forced=tails[:, D.ST_REPAID_FORCED] / D.SCALE, repaid_voluntary=tails[:, D.ST_REPAID_VOL] / D.SCALE,
        haircut_loss=tails[:, D.ST_HAIRCUT_LOSS] / D.SCALE, calls_open=tails[:, D.ST_N_CALLS] / D.WSCALE,
        force_sold_today=tails[:, D.ST_N_FORCED] / D.WSCALE, wiped_today=tails[:, D.ST_N_WIPED] / D.WSCALE,
        delever_started=tails[:, D.ST_N_DELEVER] / D.WSCALE, iterations=iters, converged=conv, residual=resid,
        groups=groups, seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------- shards
def open_shards(market: Market, params: ColonyParams, *, population=None, calibration=None,
                investors: int = 0, seed: int = 0, represented: float | None = None,
                shard_size: int = DEFAULT_SHARD, workers: int = 1, scheduler: str | None = None):
    """LocalShards (``workers <= 1`` and no scheduler) or DaskShards holding the population's shards."""
    from gaemi.colony.population import shards as cut

    if population is not None:
        n = population.n
        bounds = [(a, min(b, n)) for a, b in cut(n, shard_size)] or [(0, 0)]
    else:
        bounds = cut(investors, shard_size)

    def piece(a: int, b: int):
        from gaemi.colony.population import Population

        p = population
        return Population(weight=p.weight[a:b], holdings=p.holdings[a:b], cash=p.cash[a:b],
                          margin_loan=p.margin_loan[a:b], behaviour=p.behaviour[a:b], age_band=p.age_band[a:b],
                          wealth_decile=p.wealth_decile[a:b])

    if workers <= 1 and not scheduler:
        if population is not None:
            return LocalShards([ShardRunner(market, params, population=piece(a, b)) for a, b in bounds])
        return LocalShards([ShardRunner(market, params, calibration=calibration, investors=investors, seed=seed,
                                        represented=represented, shard=(a, b)) for a, b in bounds])
    from gaemi.montecarlo import open_client

    client, cluster = open_client(workers, scheduler)
    try:
        futures = []
        for a, b in bounds:
            if population is not None:
                futures.append(client.submit(ShardRunner, market, params, population=piece(a, b), actor=True,
                                             pure=False))
            else:
                futures.append(client.submit(ShardRunner, market, params, calibration=calibration,
                                             investors=investors, seed=seed, represented=represented,
                                             shard=(a, b), actor=True, pure=False))
        actors = [f.result() for f in futures]
    except BaseException:
        client.close()
        if cluster is not None:
            cluster.close()
        raise
    return DaskShards(client, cluster, actors)
