"""gaemi._numba's small helpers against independent values: ``fma`` rounds once (exact rational
arithmetic as the reference), ``aligned_empty`` / ``aligned_full`` start on a cache line."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from numba import njit

from gaemi._numba import CACHE_LINE, aligned_empty, aligned_full, fma


@njit
def _fmas(a, b, c):
    out = np.empty(a.size)
    for i in range(a.size):
        out[i] = fma(a[i], b[i], c[i])
    return out


def test_fma_rounds_once():
    rng = np.random.default_rng(3)
    a, b, c = (rng.normal(size=2000) * 10.0 ** rng.integers(-5, 5, 2000) for _ in range(3))
    # cases where a * b + c in two roundings loses everything
    a = np.r_[a, 1 + 2.0**-30, 0.1, 1e16]
    b = np.r_[b, 1 - 2.0**-30, 10.0, 1e16 + 2]
    c = np.r_[c, -1.0, -1.0, -1e32]
    want = np.array([float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a, b, c)])
    got = _fmas(a, b, c)
    np.testing.assert_array_equal(got, want)
    assert got[-3] == -(2.0**-60) and a[-3] * b[-3] + c[-3] == 0.0  # the naive form differs


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.uint64, np.bool_])
def test_aligned_arrays_start_on_a_cache_line(dtype):
    arrays = [aligned_empty(64 * k + 3, dtype) for k in range(1, 30)]  # several sizes, many allocations
    assert all(x.ctypes.data % CACHE_LINE == 0 for x in arrays)
    assert all(x.dtype == dtype and x.shape == (64 * k + 3,) for k, x in zip(range(1, 30), arrays))
    full = aligned_full(3 * 64, 1, dtype).reshape((3, 64))
    assert full.ctypes.data % CACHE_LINE == 0 and full.flags.c_contiguous
    assert (full == dtype(1)).all()
