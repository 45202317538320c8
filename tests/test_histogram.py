"""The wealth histogram equals numpy's searchsorted binning, and its quantiles are close to exact ones."""

import numpy as np

from gaemi.montecarlo import WealthBins


def test_histogram_equals_searchsorted_and_quantiles_are_close():
    rng = np.random.default_rng(0)
    w = np.concatenate([rng.lognormal(18, 1.5, (5000, 3)), -rng.lognormal(15, 2, (300, 3)),
                        np.zeros((5, 3)), np.full((2, 3), np.nan), np.array([[1e30, -1e30, 1e-30]])])
    bins = WealthBins(scale=1e8)
    h = bins.histogram(w)
    edges = bins.edges()
    for k in range(3):
        col = w[:, k][np.isfinite(w[:, k])]
        expect = np.bincount(np.searchsorted(edges, col, side="right") - 1, minlength=len(edges) - 1)
        np.testing.assert_array_equal(h[k], expect)
    q = bins.quantiles(h, [0.1, 0.5, 0.9])
    exact = np.nanquantile(w, [0.1, 0.5, 0.9], axis=0).T
    np.testing.assert_allclose(q, exact, rtol=0.02)
