"""The wealth histogram equals numpy's searchsorted binning, and its quantiles are close to exact ones."""

import numpy as np
import pytest

from gaemi.montecarlo import WealthBins


def _expected(bins: WealthBins, w: np.ndarray) -> np.ndarray:
    """(months, bins) counts by numpy: paths x months in, non-finite values skipped."""
    edges = bins.edges()
    out = np.zeros((w.shape[1], len(edges) - 1), dtype=np.int64)
    for k in range(w.shape[1]):
        col = w[:, k][np.isfinite(w[:, k])]
        out[k] = np.bincount(np.searchsorted(edges, col, side="right") - 1, minlength=len(edges) - 1)
    return out


def test_histogram_equals_searchsorted_and_quantiles_are_close():
    rng = np.random.default_rng(0)
    w = np.concatenate([rng.lognormal(18, 1.5, (5000, 3)), -rng.lognormal(15, 2, (300, 3)),
                        np.zeros((5, 3)), np.full((2, 3), np.nan), np.array([[1e30, -1e30, 1e-30]])])
    bins = WealthBins(scale=1e8)
    h = bins.histogram(w)
    np.testing.assert_array_equal(h, _expected(bins, w))
    q = bins.quantiles(h, [0.1, 0.5, 0.9])
    exact = np.nanquantile(w, [0.1, 0.5, 0.9], axis=0).T
    np.testing.assert_allclose(q, exact, rtol=0.02)


def test_edges_are_the_float_grid_around_scale():
    bins = WealthBins(scale=1e8)
    edges = bins.edges()
    assert len(edges) - 1 == bins.n_bins()
    assert edges[0] == -np.inf and edges[-1] == np.inf
    pos = edges[edges > 0][:-1]
    np.testing.assert_array_equal(edges[1:len(pos) + 1], -pos[::-1])
    assert edges[len(pos) + 1] == 0.0 and np.all(np.diff(edges) > 0)
    mant, _ = np.frexp(pos)  # every edge is 2**e * (1 + s/64)
    np.testing.assert_array_equal((mant * 128) % 1, 0.0)
    assert len(pos) == 64 * bins.octaves + 1
    assert pos[0] <= 1e8 * 1e-4 and pos[-1] >= 1e8 * 1e4  # spans at least +-4 decades
    ratio = pos[1:] / pos[:-1] - 1
    assert ratio.max() <= 1 / 64 + 1e-15 and ratio.min() >= 1 / 127 - 1e-15


@pytest.mark.parametrize("scale", [1.0, 3e7, 1e8, 2.0 ** 40, 1e305])
def test_histogram_is_exact_on_edges_and_extremes(scale):
    bins = WealthBins(scale=scale)
    edges = bins.edges()
    pos = edges[edges > 0][:-1]
    big, tiny, normal = np.finfo(np.float64).max, np.nextafter(0.0, 1.0), np.finfo(np.float64).tiny
    specials = np.array([0.0, -0.0, tiny, -tiny, normal, -normal, 1e-300, -1e-300, 1e300, -1e300,
                         big, -big, pos[0] / 2, -pos[0] / 2, min(pos[-1] * 2, big), -min(pos[-1] * 2, big),
                         np.inf, -np.inf, np.nan, -np.nan])
    on = np.concatenate([pos, -pos])
    near = np.concatenate([np.nextafter(on, np.inf), np.nextafter(on, -np.inf)])
    x = np.concatenate([specials, on, near])
    # one path, one value a month: each month's row holds that value's bin alone
    h = bins.histogram(x[None, :])
    finite = np.isfinite(x)
    assert (h.sum(axis=1) == finite).all()  # NaN and +-inf are skipped
    expect = np.searchsorted(edges, x[finite], side="right") - 1
    np.testing.assert_array_equal(h[finite].argmax(axis=1), expect)
    np.testing.assert_array_equal(h, _expected(bins, x[None, :]))


def test_histogram_random_sweep_over_all_octaves():
    rng = np.random.default_rng(1)
    bins = WealthBins(scale=1e8)
    lo, hi = np.log2(bins.edges()[bins.edges() > 0][[0, -2]])
    n = 100_000
    mag = np.exp2(rng.uniform(lo - 3, hi + 3, n))
    w = np.where(rng.random(n) < 0.3, -mag, mag)
    w[rng.random(n) < 0.01] = np.nan
    w[rng.random(n) < 0.001] = 0.0
    w = w.reshape(-1, 4)  # paths x months
    np.testing.assert_array_equal(bins.histogram(w), _expected(bins, w))
