"""Fixed-bin histograms of month-end wealth, additive across chunks (a quantile sketch).

The bins (``WealthBins.edges``) are cut where a float64's bits change: positive edges are
``2**e * (1 + s/64)`` for ``s = 0..63`` and ``e`` over a range of octaves, mirrored for
negative values, plus 0 and +-inf. A value's bin is then its biased exponent and the top 6 bits
of its mantissa — no logarithm and no comparison against the edges — and is still exactly
numpy's ``np.searchsorted(edges, x, side="right") - 1``.
"""

from __future__ import annotations

import numpy as np

from gaemi._numba import njit, prange

MANTISSA_BITS = 6  # bins per octave = 2**MANTISSA_BITS (the kernel spells out 64 and 52 - 6 = 46)
PER_OCTAVE = 1 << MANTISSA_BITS
_ABS = 0x7FFFFFFFFFFFFFFF  # all bits but the sign
_INF = 0x7FF0000000000000  # |x| bits >= this: +-inf or NaN
_LOW46 = (1 << 46) - 1  # mantissa bits below the top 6
_BLOCK = 2048


@njit(cache=True, parallel=True)
def histogram_rows(values, e_lo, octaves, out):
    """Add to ``out[k, j]`` the number of finite ``values[k, :]`` in ``[edges[j], edges[j+1])``.

    ``values`` is C-contiguous (months x paths) float64; ``edges`` is the layout of
    ``WealthBins.edges``: ``[-inf, -pos[::-1], 0, pos, +inf]`` with
    ``pos = 2**e * (1 + s/64)`` for ``e = e_lo .. e_lo + octaves - 1``, ``s = 0..63``, then
    ``2**(e_lo + octaves)``; ``e_lo >= -1022`` and ``e_lo + octaves <= 1023`` (normal floats).
    Same bins as ``np.searchsorted(edges, x, side="right") - 1``; NaN and +-inf are not counted.

    From the bits ``u`` of ``x``: ``(|u| >> 46) - 64 * (e_lo + 1023)`` is the index ``q`` of the
    largest grid point ``2**e * (1 + s/64) <= |x|`` counted from ``pos[0]`` (negative below
    ``pos[0]``, subnormals and 0 included). A positive ``x`` (or +-0.0) lies above
    ``c = clip(q + 1, 0, n + 1)`` edges of ``pos``: bin ``zero + c``. A negative ``x`` belongs
    to the bin that starts at ``-pos[c]``, ``c`` counting the edges strictly below ``|x|`` (one
    fewer when ``|x|`` is a grid point: low 46 mantissa bits zero): bin ``zero - 1 - c``, that
    is ``zero + (c ^ -1)``. Branch-free, so the index pass over a block of values vectorises;
    a second pass adds them up into a per-row histogram (one extra slot takes NaN and +-inf).
    """
    n = octaves * 64  # pos has n + 1 edges
    zero = n + 2  # index of the 0.0 edge (and of the bin [0, pos[0]))
    base = (e_lo + 1023) * 64 - 1  # (|u| >> 46) - base = q + 1
    n_bins = out.shape[1]
    bits = values.view(np.int64)
    m = bits.shape[1]
    # scratch allocated once, outside the parallel loop: allocated per row inside it, a call
    # right after an engine chunk took ~15 ms instead of ~3 ms (16,384 paths x 120 months)
    idx_all = np.empty((bits.shape[0], _BLOCK), np.int64)
    counts_all = np.zeros((bits.shape[0], n_bins + 1), np.int64)
    for k in prange(bits.shape[0]):
        idx = idx_all[k]
        counts = counts_all[k]
        for a in range(0, m, _BLOCK):
            size = min(_BLOCK, m - a)
            for i in range(size):
                u = bits[k, a + i]
                mag = u & _ABS
                sign = (u >> 63) & ((-mag) >> 63)  # -1 for x < 0, else 0 (also for -0.0)
                on_grid = ((u & _LOW46) - 1) >> 63  # -1 when the low 46 bits are zero
                c = min(max((mag >> 46) - base + (sign & on_grid), 0), n + 1)
                idx[i] = n_bins if mag >= _INF else zero + (c ^ sign)
            for i in range(size):
                counts[np.uint64(idx[i])] += 1
        for j in range(n_bins):
            out[k, j] += counts[j]
