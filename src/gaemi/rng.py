"""Seeds and random streams.

One seed type, normalised once, recorded in every result (so any run can be
replayed), and random streams keyed by *unit of work*: a fixed block of
``PATH_BLOCK`` paths. The stream of block ``b`` is
``SeedSequence(entropy, spawn_key=(b,))``, so neither the chunk size nor the
number of workers can change a number (numpy docs, "Parallel random number
generation"). Never ``seed + i``.
"""

from __future__ import annotations

import secrets

import numpy as np

PATH_BLOCK = 256
"""Paths per random stream. Chunks are cut on multiples of this."""


def normalize_seed(seed: int | None) -> int:
    """Return a non-negative integer entropy; ``None`` draws fresh OS entropy."""
    if seed is None:
        return secrets.randbits(63)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        from gaemi.errors import ConfigError

        raise ConfigError("seed", seed, "a non-negative integer")
    return int(seed)


def block_generator(entropy: int, block: int, *purpose: int) -> np.random.Generator:
    """The random stream of path block ``block`` (optionally sub-keyed by ``purpose``)."""
    ss = np.random.SeedSequence(entropy, spawn_key=(int(block), *map(int, purpose)))
    return np.random.Generator(np.random.SFC64(ss))


def blocks_for(path_start: int, path_stop: int) -> range:
    """Block numbers covering paths ``[path_start, path_stop)``."""
    return range(path_start // PATH_BLOCK, -(-path_stop // PATH_BLOCK))


COLLAPSE_STREAM = 0x636F6C6C
"""Purpose key of the collapse/delisting draws: block ``b``'s draws for an asset with key ``k``
come from ``block_generator(entropy, b, COLLAPSE_STREAM, k)``, a stream of their own, so turning
a hazard on or off changes no other random number."""
