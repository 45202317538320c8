"""The inline SFC64 equals numpy's SFC64 bit for bit; per-path streams do not depend on chunking."""

import numpy as np
from numba import njit

from gaemi.scenarios.sfc64 import bootstrap_index, seed_keys, sfc64_double, sfc64_next


@njit
def _draw(state, n):
    out = np.empty(n, dtype=np.uint64)
    for i in range(n):
        out[i] = sfc64_next(state)
    return out


@njit
def _doubles(state, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = sfc64_double(state)
    return out


def _state_of(bg):
    s = bg.state["state"]
    return np.array([s["state"][0], s["state"][1], s["state"][2], s["state"][3]], dtype=np.uint64)


def test_same_outputs_as_numpy_sfc64():
    for seed in (0, 1, 12345, 2**63 - 1):
        bg = np.random.SFC64(seed)
        state = _state_of(bg)
        np.testing.assert_array_equal(_draw(state.copy(), 2000), bg.random_raw(2000))
        bg2 = np.random.SFC64(seed)
        np.testing.assert_array_equal(_doubles(state.copy(), 2000), np.random.Generator(bg2).random(2000))


def test_bootstrap_index_is_keyed_by_path_not_chunk():
    k0, k1 = seed_keys(99)
    whole = bootstrap_index(k0, k1, 0, 700, 300, 5000, 20.0)
    parts = np.vstack([bootstrap_index(k0, k1, a, b - a, 300, 5000, 20.0) for a, b in ((0, 1), (1, 333), (333, 700))])
    np.testing.assert_array_equal(whole, parts)
    other = bootstrap_index(*seed_keys(100), 0, 700, 300, 5000, 20.0)
    assert (other != whole).mean() > 0.9


def test_bootstrap_block_lengths_and_uniform_starts():
    k0, k1 = seed_keys(5)
    n_rows, mean_block = 10_000, 25.0
    idx = bootstrap_index(k0, k1, 0, 2000, 1000, n_rows, mean_block)
    steps = np.diff(idx, axis=1)
    restarts = (steps != 1) & ~((steps == -(n_rows - 1)))
    # restart probability per day = 1/mean_block (a few fall on row+1 by chance: ~1/n_rows)
    np.testing.assert_allclose(restarts.mean(), 1 / mean_block, rtol=0.02)
    hist = np.bincount(idx[:, 0], minlength=n_rows)
    assert abs(hist.mean() - 0.2) < 1e-12 and hist.max() < 10  # 2000 starts over 10000 rows
