"""The synthetic population of the colony: who holds what, on what margin.

Each agent stands for ``weight`` investors. Arrays are columns over agents (structure of arrays),
so 14 million agents fit in a few hundred MB and a shard of agents is a slice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaemi.colony.buckets import BUCKETS

BEHAVIOURS: tuple[str, ...] = (
    "leveraged_trader",
    "buy_and_hold",
    "dip_buyer",
    "crypto_only",
    "deposit_saver",
)
"""Behaviour types; :attr:`Population.behaviour` holds an index into this tuple."""

AGENT_BLOCK = 4096
"""Agents per random stream: agent ``i`` is drawn from block ``i // AGENT_BLOCK``'s stream, so the
same seed gives the same agents whatever the shard split."""


@dataclass
class Population:
    """``n`` agents, column by column (KRW amounts).

    weight: float64[n], investors each agent stands for (sums to :attr:`represented`).
    holdings: float64[n, len(BUCKETS)], KRW market value per bucket (columns in
        :data:`~gaemi.colony.buckets.BUCKETS` order), including what margin financed.
    cash: float64[n], KRW cash at the broker (ready for dip-buying or margin top-ups).
    margin_loan: float64[n], KRW owed to the broker (신용융자).
    behaviour: int8[n], index into :data:`BEHAVIOURS`.
    age_band: int8[n], index into :data:`AGE_BANDS`.
    wealth_decile: int8[n], 0..9 by net wealth, weighted (0 = poorest tenth of investors).
    """

    weight: np.ndarray
    holdings: np.ndarray
    cash: np.ndarray
    margin_loan: np.ndarray
    behaviour: np.ndarray
    age_band: np.ndarray
    wealth_decile: np.ndarray

    @property
    def n(self) -> int:
        """Number of agents."""
        return int(self.weight.shape[0])

    @property
    def represented(self) -> float:
        """Investors the agents stand for: ``weight.sum()``."""
        return float(self.weight.sum())

    @property
    def net_wealth(self) -> np.ndarray:
        """KRW per agent: ``holdings.sum(1) + cash - margin_loan``."""
        return self.holdings.sum(axis=1) + self.cash - self.margin_loan


AGE_BANDS: tuple[str, ...] = ("20s", "30s", "40s", "50s", "60+")
"""Age bands; :attr:`Population.age_band` holds an index into this tuple."""


def shards(investors: int, shard_size: int) -> list[tuple[int, int]]:
    """Cut agents ``0..investors-1`` into ``(start, stop)`` shards of at most ``shard_size``.

    Shards start on multiples of :data:`AGENT_BLOCK` (``shard_size`` is rounded up to one),
    so a shard never splits a random stream; any split gives the same agents anyway.
    """
    from gaemi.errors import ConfigError

    if investors < 0:
        raise ConfigError("investors", investors, "a non-negative integer")
    if shard_size < 1:
        raise ConfigError("shard_size", shard_size, "a positive integer")
    size = -(-int(shard_size) // AGENT_BLOCK) * AGENT_BLOCK
    return [(s, min(s + size, investors)) for s in range(0, investors, size)]


def generate(
    calibration,
    investors: int,
    seed: int,
    represented: float | None = None,
    shard: tuple[int, int] | None = None,
) -> Population:
    """Draw ``investors`` agents standing for ``represented`` people (default: the calibration's
    total of individual investors, 14.10M stock holders plus crypto-only users).

    ``shard=(start, stop)`` returns only agents ``start..stop-1`` of that same population: agent
    ``i`` is drawn from the counter-based stream of block ``i // AGENT_BLOCK`` keyed by ``seed``, so
    the same seed gives the same agents whatever the shard split.
    """
    raise NotImplementedError("population generator: in progress")
