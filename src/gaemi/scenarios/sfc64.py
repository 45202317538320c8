"""SFC64, inline in compiled kernels: one random stream per path, keyed by (seed, path).

The generator is Chris Doty-Humphrey's Small Fast Chaotic PRNG (PractRand), the same algorithm
as ``numpy.random.SFC64``: from the same state it produces the same 64-bit outputs, bit for bit
(``tests/scenarios/test_sfc64.py``), and doubles as numpy does, ``(x >> 11) * 2**-53``.

Per-path seeding (counter-based, so no chunking or worker layout can change a stream): the
seed's ``SeedSequence`` gives two 64-bit keys once; path ``p``'s SFC64 state ``(a, b, c)`` is
three SplitMix64 outputs (Steele, Lea & Flood 2014) started at ``key0 ^ mix(p + key1)``,
counter 1, then 12 outputs are discarded, as numpy's own SFC64 seeding does.

Stationary bootstrap rows (Politis & Romano 1994): day 0 and, with probability ``p = 1/mean_block``,
any later day starts a new block at a uniform row; otherwise the next row, wrapping circularly.
One uniform ``u`` a day does both: a restart iff ``u < p``, and then ``u / p`` is again uniform
on [0, 1), so the new block starts at row ``floor(u * T / p)`` (day 0: ``floor(u * T)``). ``u``
has 2**53 equally likely values, so each row gets about ``2**53 * p / T`` of those below ``p``
(~2**36 for T = 6,000 rows and p = 1/20; at least ~2**28 for any p >= 1/T): every row's
probability is exact to about one part in that many. A fixed one draw a day lets the compiled
engine draw for many paths in lock-step (SIMD).
"""

from __future__ import annotations

import numpy as np

from gaemi._numba import njit, prange

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
TWO53 = 1.0 / 9007199254740992.0  # 2**-53


def seed_keys(entropy: int) -> tuple[np.uint64, np.uint64]:
    """Two 64-bit keys for per-path streams, from the seed's SeedSequence."""
    k = np.random.SeedSequence(entropy).generate_state(2, np.uint64)
    return k[0], k[1]


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def sfc64_step(a, b, c, counter):
    """One SFC64 step on the state words (uint64): returns ``(output, a, b, c, counter)``.
    Scalars only, so the engine can step 64 streams in lock-step (SIMD)."""
    x = a + b + counter
    return (x, b ^ (b >> np.uint64(11)), c + (c << np.uint64(3)),
            ((c << np.uint64(24)) | (c >> np.uint64(40))) + x, counter + np.uint64(1))


@njit(cache=True, inline="always")
def sfc64_next(state):
    """Advance ``state`` (uint64[4]: a, b, c, counter) and return the next 64-bit output."""
    x, state[0], state[1], state[2], state[3] = sfc64_step(state[0], state[1], state[2], state[3])
    return x


@njit(cache=True, inline="always")
def to_unit(x):
    """A uniform double in [0, 1) from a 64-bit output: ``(x >> 11) * 2**-53`` (numpy's ``random()``)."""
    return np.float64(x >> np.uint64(11)) * TWO53


@njit(cache=True, inline="always")
def next_bootstrap_row(u, row, n_rows, p_restart, scale, first):
    """The stationary bootstrap's row for a day with uniform ``u`` (module doc): on the first day
    or when ``u < p_restart`` a block starts at ``floor(u * scale)`` (``scale = n_rows /
    p_restart``; ``n_rows`` on the first day), else the row after ``row``, circularly."""
    nxt = row + 1
    nxt = 0 if nxt == n_rows else nxt
    jump = np.int64(u * (np.float64(n_rows) if first else scale))
    jump = n_rows - 1 if jump >= n_rows else jump
    return jump if (first or u < p_restart) else nxt


@njit(cache=True, inline="always")
def sfc64_double(state):
    """A uniform double in [0, 1): ``(x >> 11) * 2**-53`` (numpy's ``random()`` for SFC64)."""
    return to_unit(sfc64_next(state))


@njit(cache=True)
def seed_path(state, key0, key1, path):
    """Initialise ``state`` for path ``path`` (see the module doc)."""
    x = np.uint64(key0) ^ _mix(np.uint64(path) + np.uint64(key1))
    x = x + _GOLDEN
    state[0] = _mix(x)
    x = x + _GOLDEN
    state[1] = _mix(x)
    x = x + _GOLDEN
    state[2] = _mix(x)
    state[3] = np.uint64(1)
    for _ in range(12):
        sfc64_next(state)


@njit(cache=True)
def bootstrap_rows(state, n_rows, p_restart, out):
    """Fill ``out`` (n_days,) with stationary-bootstrap rows from ``state``."""
    row = 0
    scale = n_rows / p_restart
    for d in range(out.shape[0]):
        row = next_bootstrap_row(sfc64_double(state), row, n_rows, p_restart, scale, d == 0)
        out[d] = row


@njit(cache=True, parallel=True)
def bootstrap_index(key0, key1, path_start, n_paths, n_days, n_rows, mean_block):
    """(n_paths, n_days) int64 bootstrap rows for paths ``path_start .. path_start + n_paths``."""
    out = np.empty((n_paths, n_days), dtype=np.int64)
    p_restart = 1.0 / mean_block
    for i in prange(n_paths):
        state = np.empty(4, dtype=np.uint64)
        seed_path(state, key0, key1, path_start + i)
        bootstrap_rows(state, n_rows, p_restart, out[i])
    return out


def purpose_keys(entropy: int, *purpose: int) -> tuple[np.uint64, np.uint64]:
    """Keys of an independent family of per-path streams for ``purpose`` (e.g. jumps of asset k)."""
    k = np.random.SeedSequence(entropy, spawn_key=tuple(int(x) for x in purpose)).generate_state(2, np.uint64)
    return k[0], k[1]
