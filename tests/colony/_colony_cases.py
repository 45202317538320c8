"""Hand-built populations and shocks for the colony's dynamics tests (no generator needed)."""

from __future__ import annotations

import numpy as np

from gaemi.colony.buckets import BUCKETS
from gaemi.colony.population import BEHAVIOURS, Population

B = len(BUCKETS)
IDX = {b: j for j, b in enumerate(BUCKETS)}


def population(n: int = 4000, seed: int = 3, margin_share: float = 0.15, weight: float = 500.0,
               behaviours: tuple[str, ...] = BEHAVIOURS) -> Population:
    """A small random population: lognormal holdings in every bucket (some empty), margin accounts
    with collateral ratios between 1.45 and 3 on their KRX stocks, cash, behaviours drawn from
    ``behaviours`` (margin accounts are leveraged traders when that behaviour is allowed)."""
    rng = np.random.default_rng(seed)
    h = rng.lognormal(16.0, 1.2, size=(n, B))
    h[:, 3:] *= rng.random((n, B - 3)) < 0.3
    stocks = h[:, :3].sum(axis=1)
    has_margin = rng.random(n) < margin_share
    loan = np.where(has_margin, stocks / rng.uniform(1.45, 3.0, n), 0.0)
    codes = np.array([BEHAVIOURS.index(b) for b in behaviours], dtype=np.int8)
    beh = codes[rng.integers(0, codes.size, n)]
    if "leveraged_trader" in behaviours:
        beh = np.where(has_margin, np.int8(BEHAVIOURS.index("leveraged_trader")), beh).astype(np.int8)
    nw = h.sum(axis=1) - loan
    order = np.argsort(np.argsort(nw, kind="stable"), kind="stable")
    return Population(weight=np.full(n, float(weight)), holdings=h, cash=rng.lognormal(14.0, 1.0, n),
                      margin_loan=loan, behaviour=beh.astype(np.int8),
                      age_band=rng.integers(0, 5, n).astype(np.int8),
                      wealth_decile=(order * 10 // n).astype(np.int8))


def take(pop: Population, index: np.ndarray) -> Population:
    """The agents ``index`` of ``pop`` (a permutation shuffles them)."""
    return Population(weight=pop.weight[index], holdings=pop.holdings[index], cash=pop.cash[index],
                      margin_loan=pop.margin_loan[index], behaviour=pop.behaviour[index],
                      age_band=pop.age_band[index], wealth_decile=pop.wealth_decile[index])


def one_account(holdings: dict[str, float], loan: float = 0.0, cash: float = 0.0, weight: float = 1.0,
                behaviour: str = "buy_and_hold") -> Population:
    """A population of one investor."""
    h = np.zeros((1, B))
    for b, v in holdings.items():
        h[0, IDX[b]] = v
    return Population(weight=np.array([weight]), holdings=h, cash=np.array([cash]), margin_loan=np.array([loan]),
                      behaviour=np.array([BEHAVIOURS.index(behaviour)], dtype=np.int8),
                      age_band=np.zeros(1, dtype=np.int8), wealth_decile=np.zeros(1, dtype=np.int8))


def shock_table(days: int, **moves: list[float] | float) -> dict:
    """A shock mapping: ``kospi_small=[-0.1, 0.0]`` or ``kospi_small=-0.1`` (every day)."""
    returns = {}
    for b, v in moves.items():
        returns[b] = list(v) if isinstance(v, (list, tuple)) else [float(v)] * days
    return {"name": "test", "days": days, "returns": returns}


CRASH = shock_table(6, kospi_large=[-0.05, -0.06, -0.04, -0.05, 0.01, -0.03],
                    kospi_small=[-0.07, -0.08, -0.06, -0.07, 0.02, -0.05],
                    kosdaq_theme=[-0.09, -0.10, -0.08, -0.09, 0.03, -0.06],
                    kr_lev_etf=[-0.10, -0.12, -0.08, -0.10, 0.02, -0.06],
                    btc_eth=[-0.10, -0.05, -0.02, -0.10, 0.05, -0.03])
"""A steep six-session fall in every stock bucket (a small rebound on day 5)."""
