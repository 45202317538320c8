"""Fixed-bin histograms of month-end wealth, additive across chunks (a quantile sketch)."""

from __future__ import annotations

import numpy as np

from gaemi._numba import njit, prange


@njit(cache=True, parallel=True)
def histogram_rows(values, edges, scale, per_decade, half_decades, out):
    """Add to ``out[k, j]`` the number of finite ``values[k, :]`` in ``[edges[j], edges[j+1])``.

    Same bins as ``np.searchsorted(edges, x, side="right") - 1``; the log-spaced layout of
    ``edges`` (see ``WealthBins.edges``) gives a first guess, then exact comparisons settle it.
    """
    n_bins = edges.shape[0] - 1
    n_pos = edges.shape[0] - 3  # edges: -inf, -pos[::-1], 0, pos, +inf -> pos has (len-3)/2 entries
    n_half = n_pos // 2
    zero_at = n_half + 1  # index of the 0.0 edge
    for k in prange(values.shape[0]):
        for p in range(values.shape[1]):
            x = values[k, p]
            if not np.isfinite(x):
                continue
            if x == 0.0:
                j = zero_at
            else:
                g = per_decade * (np.log10(abs(x) / scale) + half_decades)
                if g < 0.0:
                    g = -1.0
                elif g > n_half:
                    g = n_half
                gi = int(np.floor(g))
                j = zero_at + 1 + gi if x > 0 else zero_at - 1 - gi
                if j < 0:
                    j = 0
                if j > n_bins - 1:
                    j = n_bins - 1
            while j > 0 and x < edges[j]:
                j -= 1
            while j < n_bins - 1 and x >= edges[j + 1]:
                j += 1
            out[k, j] += 1
