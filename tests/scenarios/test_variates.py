"""The samplers behind parametric futures (gaemi.scenarios.variates), against closed forms and
scipy, and the lock-step generator against the per-path one, bit for bit.

* Ziggurat tables (normal, and Student-t for several degrees of freedom): every layer (and the
  base strip with its tail) has the same area ``v`` (Marsaglia & Tsang 2000, the defining
  property), recomputed here from the density.
* Student-t by its ziggurat: Kolmogorov-Smirnov against scipy.stats, tail probabilities, and
  the conditional law beyond the base edge (the Pareto-envelope rejection).
* Normals, gammas: Kolmogorov-Smirnov against scipy.stats and tail probabilities within 4
  standard errors (fixed seeds: the tests are deterministic).
* ``log`` and ``expm1``: within 2 ulp of numpy on wide ranges.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gaemi._numba import lowest_bit, njit
from gaemi.scenarios import Jump, Parametric
from gaemi.scenarios import variates as V
from gaemi.scenarios.parametric_kernel import generate_window, new_streams, parametric_block, parametric_block_per_path
from gaemi.scenarios.sfc64 import seed_path


@njit(cache=True)
def _normals(key, n):
    state = np.empty(4, dtype=np.uint64)
    seed_path(state, np.uint64(key), np.uint64(11), 0)
    out = np.empty(n)
    for i in range(n):
        out[i] = V.normal(state)
    return out


@njit(cache=True)
def _gammas(key, n, shape):
    state = np.empty(4, dtype=np.uint64)
    seed_path(state, np.uint64(key), np.uint64(12), 0)
    d = shape - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    out = np.empty(n)
    for i in range(n):
        out[i] = V.gamma(state, d, c)
    return out


@njit(cache=True)
def _logs(y):
    out = np.empty_like(y)
    for i in range(y.size):
        out[i] = V.log(y[i])
    return out


@njit(cache=True)
def _expm1s(y):
    out = np.empty_like(y)
    for i in range(y.size):
        out[i] = V.expm1(y[i])
    return out


def _ulps(got, want):
    return np.abs(got - want) / np.spacing(np.abs(want))


def test_ziggurat_layers_have_equal_areas():
    k, w, f = V.ZIG_K, V.ZIG_W, V.ZIG_F
    x = w * 2.0**52  # layer edges x_i; x[0] is the base strip's equivalent width
    dens = lambda t: np.exp(-0.5 * t * t)  # noqa: E731 - unnormalised density, as in the paper
    np.testing.assert_allclose(f, dens(np.r_[0.0, x[1:]]), rtol=1e-15)
    r = V.ZIG_R
    tail = math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))  # integral of dens beyond r
    np.testing.assert_allclose(r * dens(r) + tail, V.ZIG_V, rtol=1e-9)  # base strip + tail
    areas = x[1:] * (np.r_[1.0, f[1:-1]] - f[1:])  # layer i: width x_i, height f(x_{i-1}) - f(x_i)
    np.testing.assert_allclose(areas, V.ZIG_V, rtol=1e-9)
    # the fast-path bound: the rectangle under the curve spans x_{i-1} / x_i of the layer
    np.testing.assert_allclose(k[2:] / 2.0**52, x[1:-1] / x[2:], rtol=1e-15)
    assert k[1] == 0 and abs(k[0] / 2.0**52 - r / x[0]) < 1e-15


def test_normals_match_scipy():
    z = _normals(1, 2_000_000)
    assert stats.kstest(z, "norm").pvalue > 1e-3
    for c in (1.0, 2.0, 3.0, V.ZIG_R, 4.0):
        p = 2 * stats.norm.sf(c)
        assert abs(np.mean(np.abs(z) > c) - p) < 4 * math.sqrt(p * (1 - p) / z.size), c
    assert abs(np.mean(z > 0) - 0.5) < 4 * 0.5 / math.sqrt(z.size)


@njit(cache=True)
def _ts(key, n, table, nu):
    state = np.empty(4, dtype=np.uint64)
    seed_path(state, np.uint64(key), np.uint64(13), 0)
    out = np.empty(n)
    for i in range(n):
        out[i] = V.student_t(state, table, nu)
    return out


@pytest.mark.parametrize("nu", [2.1, 4.0, 4.5, 30.0, 1e4])
def test_t_ziggurat_layers_have_equal_areas(nu):
    table = V.t_ziggurat_table(nu)
    k, w, f = table[0], table[1], table[2]
    r, alpha = table[3, 0], table[3, 1]
    x = w * 2.0**52
    dens = lambda t: (1.0 + t * t / nu) ** (-(nu + 1) / 2)  # noqa: E731 - g(0) = 1
    np.testing.assert_allclose(f, dens(np.r_[0.0, x[1:]]), rtol=1e-14)
    norm = math.sqrt(nu) * math.exp(math.lgamma(0.5) + math.lgamma(nu / 2) - math.lgamma(nu / 2 + 0.5))
    v = r * dens(r) + norm * stats.t(nu).sf(r)  # base strip + tail
    assert x[-1] == r and x[0] * dens(r) == pytest.approx(v, rel=1e-12)
    areas = x[1:] * (np.r_[1.0, f[1:-1]] - f[1:])  # the top one closes at the density's peak
    np.testing.assert_allclose(areas, v, rtol=1e-9)
    np.testing.assert_allclose(k[2:] / 2.0**52, x[1:-1] / x[2:], rtol=1e-15)
    assert k[1] == 0 and abs(k[0] / 2.0**52 - r / x[0]) < 1e-15
    assert alpha == pytest.approx((nu + 1) * r * r / (nu + r * r))


@pytest.mark.parametrize("nu", [2.1, 4.0, 4.5, 30.0])
def test_t_ziggurat_matches_scipy(nu):
    table = V.t_ziggurat_table(nu)
    t = _ts(3, 10_000_000, table, nu)  # enough to reach beyond r a few hundred times
    law = stats.t(nu)
    assert stats.kstest(t[:4_000_000], law.cdf).pvalue > 1e-3
    for c in (1.0, 3.0, law.isf(1e-3), table[3, 0]):
        p = 2 * law.sf(c)
        assert abs(np.mean(np.abs(t) > c) - p) < 4 * math.sqrt(p * (1 - p) / t.size), c
    # the tail beyond r (rejection from the tangent Pareto density): its conditional law
    r = table[3, 0]
    beyond = np.abs(t[np.abs(t) > r])
    assert beyond.size > 300
    assert stats.kstest(beyond, lambda y: 1.0 - law.sf(y) / law.sf(r)).pvalue > 1e-3
    assert abs(np.mean(t > 0) - 0.5) < 4 * 0.5 / math.sqrt(t.size)


@pytest.mark.parametrize("nu", [3.0, 4.0, 5.0, 30.0, 64.0, 65.0, 4.5, 2.1])
def test_t_density_matches_the_closed_form(nu):
    """The wedge test's density: products and a square root for integer df up to 64, exp/log1p
    otherwise; both against mpmath-free float arithmetic in long double where available."""
    @njit
    def dens(x, nu):
        out = np.empty_like(x)
        for i in range(x.size):
            out[i] = V.t_density(x[i], nu)
        return out

    x = np.concatenate([np.linspace(-40.0, 40.0, 20_001), [0.0, 1e-8, 1e3]])
    want = (1.0 + x.astype(np.longdouble) ** 2 / nu) ** (-(nu + 1) / np.longdouble(2.0))
    np.testing.assert_allclose(dens(x, nu), want.astype(float), rtol=2e-14, atol=0.0)


@pytest.mark.parametrize("shape", [1.0, 1.37, 2.25, 9.0])
def test_gammas_match_scipy(shape):
    g = _gammas(2, 400_000, shape)
    assert stats.kstest(g, stats.gamma(shape).cdf).pvalue > 1e-3
    assert abs(g.mean() - shape) < 4 * math.sqrt(shape / g.size)


def test_log_within_two_ulp_of_numpy():
    rng = np.random.default_rng(0)
    y = np.concatenate([rng.random(200_000) + 2.0**-53, np.exp(rng.uniform(-700, 700, 200_000)),
                        np.linspace(0.5, 2.0, 200_001), 1.0 + np.arange(-2000, 2000) * 2.0**-52,
                        [2.0**-1022, 1.0, 2.0, 0.5, math.sqrt(2.0), np.nextafter(math.sqrt(2.0), 0), 1.7e308]])
    got, want = _logs(y), np.log(y)
    assert got[y == 1.0][0] == 0.0
    ok = want != 0.0
    assert _ulps(got[ok], want[ok]).max() <= 2.0


def test_expm1_within_two_ulp_of_numpy():
    x = np.concatenate([np.linspace(-0.25, 0.25, 400_001), np.array([-1e-300, 5e-324, -0.2500001, 0.3, -30.0, 700.0])])
    got, want = _expm1s(x), np.expm1(x)
    nz = want != 0.0
    assert _ulps(got[nz], want[nz]).max() <= 2.0
    far = np.abs(x) > V.EXPM1_POLY_MAX
    assert far.sum() > 100_000  # both sides of the switch are covered
    assert _ulps(got[far], want[far]).max() <= 1.0  # libm's expm1 outside the polynomial's range


def test_lowest_bit_walks_a_mask():
    @njit
    def bits(mask):
        out = []
        while mask:
            out.append(np.int64(lowest_bit(mask)))
            mask &= mask - np.uint64(1)
        return out

    assert list(bits(np.uint64(0b1010_0001))) == [0, 5, 7]
    assert list(bits(np.uint64(1 << 63) | np.uint64(2))) == [1, 63]
    assert list(bits(np.uint64(0))) == []


@njit(cache=True)
def _lockstep(path0, n, n_days, window, args):
    (diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam, jump_mean, jump_vol, hazard,
     collapse_loss, log_floor, tzig) = args
    a = m.shape[0]
    sa, sb, sc, sw, ja, jb, jc, jw, cday = new_streams(path0, n, n_days, diff_keys, jump_keys, collapse_keys, hazard)
    z = np.empty((a + 1, n))
    gu, scale, xl = np.empty(n), np.empty(n), np.empty(n)
    raw = np.empty(n, dtype=np.uint64)
    buf = np.empty((a, window * n))
    out = np.empty((n, n_days, a))
    for d0 in range(0, n_days, window):
        k = min(window, n_days - d0)
        generate_window(d0, k, sa, sb, sc, sw, ja, jb, jc, jw, cday, chol, m, s, use_t, df, jump_lam, jump_mean,
                        jump_vol, collapse_loss, log_floor, tzig, z, gu, scale, xl, raw, buf)
        for i in range(a):
            for q in range(k):
                for l in range(n):
                    out[l, d0 + q, i] = buf[i, q * n + l]
    return out


@pytest.mark.parametrize("kw", [
    dict(underlyings=("a",), annual_vol=0.3, dist="t", df=4),
    dict(underlyings=("a",), annual_vol=0.3, dist="t", df=4.5),  # Marsaglia-Tsang chi-square
    dict(underlyings=("a", "b", "c"), annual_vol=[0.2, 0.9, 0.4], dist="t", df=5,
         corr=[[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]], jumps={"b": Jump(30.0, -0.08, 0.1)},
         collapse_hazard={"b": 0.01, "c": 0.002}),
    dict(underlyings=("a", "b"), annual_vol=[0.1, 0.5], dist="normal", jumps={"a": Jump(5.0, 0.02, 0.0)}),
    dict(underlyings=("a",), annual_vol=12.0, dist="t", df=2.5),  # big days: expm1 beyond the polynomial, clipping
    dict(underlyings=("a",), annual_vol=0.8, dist="t", df=3, collapse_hazard={"a": 0.02}),  # one t, collapses
    dict(underlyings=("a",), annual_vol=0.3, dist="t", df=4, jumps={"a": Jump(20.0, -0.05, 0.05)}),  # one t, jumps
])
def test_lockstep_generation_equals_per_path_generation(kw):
    names = kw.pop("underlyings")
    s = Parametric(names, 200, 75, seed=17, annual_drift=0.05, **kw)
    args = s.kernel_args()
    per_path = parametric_block_per_path(3, 101, 75, *args)
    for n, window in ((64, 32), (37, 7)):
        got = np.concatenate([_lockstep(3 + a, min(n, 101 - a), 75, window, args) for a in range(0, 101, n)])
        np.testing.assert_array_equal(got, per_path)
    np.testing.assert_array_equal(parametric_block(3, 101, 75, *args), per_path)  # what Parametric.block uses
    np.testing.assert_array_equal(parametric_block(3, 101, 300, *args)[:, :75], per_path)  # windows of 256 days
