"""Random variates from SFC64 streams, shaped for lock-step (SIMD) generation, and ``expm1``.

Each sampler is split in two: a *fast path* that turns one 64-bit output (or a normal and a
uniform) into a variate with plain arithmetic and table lookups - no calls, no loops, so a loop
over 64 lanes compiles to vector code - and a scalar *finish* that completes the exact algorithm
for the few lanes where the fast path declines (it may draw more numbers from that lane's
stream). A per-path scalar sampler is ``finish(first draw, state)``; the lock-step generator
runs the fast path on every lane and the finish on the declined ones, so both consume each
stream identically and give the same numbers, bit for bit (``tests/scenarios/test_variates.py``).

* Normals: the ziggurat method of Marsaglia & Tsang (2000), "The Ziggurat Method for Generating
  Random Variables", J. Stat. Software 5(8), with 256 layers (``r = 3.6541528853610088``,
  layer area ``v = 4.92867323399e-3``, their Table 1) and 64-bit draws as in numpy's
  ``standard_normal``: 8 bits pick the layer, 1 bit the sign, 52 bits the magnitude. The fast
  path (a point inside the layer's rectangle) accepts about 99.3 % of draws; the finish tests
  the wedge against ``exp(-x**2 / 2)`` or samples the tail beyond ``r`` (Marsaglia 1964).
* Gamma(a, 1), a >= 1: Marsaglia & Tsang (2000), "A Simple Method for Generating Gamma
  Variables", ACM TOMS 26(3): ``d = a - 1/3``, ``c = 1/sqrt(9 d)``, ``v = (1 + c x)**3`` for a
  normal ``x``; accept ``d v`` when ``u < 1 - 0.0331 x**4`` (the squeeze, the fast path) or
  ``log u < x**2 / 2 + d (1 - v + log v)``. A uniform ``u`` is drawn on every try, also when
  ``v <= 0`` (then discarded), so every try uses one normal and one uniform. The logs are
  :func:`log` (vectorisable), so the fast path runs both tests.
* Student-t with ``nu > 2`` degrees of freedom (one asset: no shared chi-square needed): the
  same ziggurat built from the t density for ``nu`` (:func:`t_ziggurat_table`), the tail beyond
  the base edge by rejection from the Pareto density tangent to the log density there.
* Poisson(lam) by inversion: the fast path is ``u <= exp(-lam)`` (no event, by far the most
  likely for daily jump intensities); the finish walks the cumulative probabilities.
* ``expm1``: a degree-11 Taylor polynomial (Horner) for ``|x| <= EXPM1_POLY_MAX`` (1/8), where
  its truncation error is below 3e-19 relative and rounding keeps it within a few ulp of
  ``numpy.expm1``; :func:`expm1` uses ``numpy.expm1`` outside. (pip's llvmlite has no SVML, so
  numba cannot vectorise ``numpy.expm1`` itself.)
"""

from __future__ import annotations

import math

import numpy as np

from gaemi._numba import bits_float, float_bits, fma, njit
from gaemi.scenarios.sfc64 import sfc64_next, sfc64_step, to_unit

# --------------------------------------------------------------------------- log
LN2_HI = 6.93147180369123816490e-01  # ln 2 split so that e * LN2_HI is exact for |e| < 2**11
LN2_LO = 1.90821492927058770002e-10
_SQRT2 = math.sqrt(2.0)
_MANTISSA = np.int64((1 << 52) - 1)
_ONE_EXP = np.int64(1023 << 52)
# Table-driven log (Tang 1990, ACM TOMS 16(4)): breakpoints c_k = 1 + k/128 for k = -37 .. 53
# cover [sqrt(2)/2, sqrt(2)); their logs and reciprocals, rounded to double.
_LOG_K0 = 37
LOG_C = np.array([math.log(1.0 + (k - _LOG_K0) / 128.0) for k in range(91)])
LOG_INV_C = np.array([1.0 / (1.0 + (k - _LOG_K0) / 128.0) for k in range(91)])
_LOG1P = tuple((-1.0) ** (k + 1) / k for k in range(2, 10))  # -1/2, 1/3, ..., 1/9


@njit(cache=True, inline="always")
def log(y):
    """Natural log of a positive, finite, normal double, in vectorisable arithmetic (no call,
    no division): ``y = 2**e m`` with ``m`` in [sqrt(2)/2, sqrt(2)) read off the bits; the
    nearest breakpoint ``c = 1 + k/128``; ``r = (m - c) / c`` (``m - c`` is exact, ``|r| <
    0.0056``); ``log y = e ln 2 + log c + log1p(r)``, ``log1p`` by its series to ``r**9``
    (truncation < 1e-19 relative), ln 2 in two parts (Tang 1990). Within a few ulp of
    ``numpy.log`` (tests). ``0.0`` gives ``-1023 ln 2`` rather than ``-inf``."""
    bits = float_bits(y)
    e = (bits >> np.int64(52)) - np.int64(1023)
    m = bits_float((bits & _MANTISSA) | _ONE_EXP)
    big = m > _SQRT2
    m = 0.5 * m if big else m
    e = e + np.int64(1) if big else e
    j = np.int64((m - 1.0) * 128.0 + 64.5) - np.int64(64 - _LOG_K0)
    r = (m - (1.0 + np.float64(j - _LOG_K0) * 0.0078125)) * LOG_INV_C[j]
    b2, b3, b4, b5, b6, b7, b8, b9 = _LOG1P
    t = b8 + r * b9
    t = b7 + r * t
    t = b6 + r * t
    t = b5 + r * t
    t = b4 + r * t
    t = b3 + r * t
    t = b2 + r * t
    ef = np.float64(e)
    return ef * LN2_HI + (LOG_C[j] + (r + (r * (r * t) + ef * LN2_LO)))


# --------------------------------------------------------------------------- ziggurat tables
ZIG_R = 3.6541528853610088  # right edge of the base layer (Marsaglia & Tsang 2000, 256 layers)
ZIG_V = 4.92867323399e-3  # area of every layer
ZIG_INV_R = 1.0 / ZIG_R
_M52 = 2.0**52
MASK52 = np.uint64((1 << 52) - 1)


def ziggurat_tables(r: float = ZIG_R, v: float = ZIG_V, n: int = 256) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(k, w, f)`` for ``n`` layers (Marsaglia & Tsang 2000, their ``zigset`` with 52-bit
    magnitudes): layer ``i`` spans ``|x| < x_i`` and its rectangle lies under the density up to
    ``x_{i-1}``; ``w[i] = x_i / 2**52`` scales a magnitude to ``x``, ``k[i] = 2**52 x_{i-1} / x_i``
    is the fast-path bound and ``f[i] = exp(-x_i**2 / 2)``. Layer 0 is the base strip and tail
    (``x_0`` is its equivalent width ``v / f(r)``, ``k[0]`` its share within ``r``)."""
    k = np.zeros(n, dtype=np.uint64)
    w = np.zeros(n)
    f = np.zeros(n)
    dn = tn = r
    q = v / math.exp(-0.5 * dn * dn)
    k[0] = np.uint64(int((dn / q) * _M52))
    k[1] = np.uint64(0)
    w[0] = q / _M52
    w[n - 1] = dn / _M52
    f[0] = 1.0
    f[n - 1] = math.exp(-0.5 * dn * dn)
    for i in range(n - 2, 0, -1):
        dn = math.sqrt(-2.0 * math.log(v / dn + math.exp(-0.5 * dn * dn)))
        k[i + 1] = np.uint64(int((dn / tn) * _M52))
        tn = dn
        f[i] = math.exp(-0.5 * dn * dn)
        w[i] = dn / _M52
    return k, w, f


ZIG_K, ZIG_W, ZIG_F = ziggurat_tables()


@njit(cache=True, inline="always")
def normal_fast(x):
    """The ziggurat's fast path on one 64-bit output ``x``: ``(value, accepted)``."""
    idx = x & np.uint64(255)
    rabs = (x >> np.uint64(9)) & MASK52
    value = np.float64(rabs) * ZIG_W[idx]
    value = -value if (x >> np.uint64(8)) & np.uint64(1) else value
    return value, rabs < ZIG_K[idx]


@njit(cache=True, inline="always")
def _uniform(a, b, c, w):
    """One uniform from the state words: ``(u, a, b, c, w)``."""
    x, a, b, c, w = sfc64_step(a, b, c, w)
    return to_unit(x), a, b, c, w


@njit(cache=True)
def normal_finish(x, a, b, c, w):
    """A standard normal whose first 64-bit draw was ``x``; more come from the stream with state
    words ``a, b, c, w`` as the ziggurat needs them. Returns ``(value, a, b, c, w)`` (scalars
    only: no array is passed, so the lock-step generator calls it cheaply)."""
    while True:
        idx = x & np.uint64(255)
        rabs = (x >> np.uint64(9)) & MASK52
        negative = (x >> np.uint64(8)) & np.uint64(1)
        value = np.float64(rabs) * ZIG_W[idx]
        value = -value if negative else value
        if rabs < ZIG_K[idx]:
            return value, a, b, c, w
        if idx == 0:  # the tail beyond r (Marsaglia 1964)
            while True:
                u1, a, b, c, w = _uniform(a, b, c, w)
                u2, a, b, c, w = _uniform(a, b, c, w)
                xx = -ZIG_INV_R * np.log1p(-u1)
                yy = -np.log1p(-u2)
                if yy + yy > xx * xx:
                    return (-(ZIG_R + xx) if negative else ZIG_R + xx), a, b, c, w
        else:
            u1, a, b, c, w = _uniform(a, b, c, w)
            if (ZIG_F[idx - 1] - ZIG_F[idx]) * u1 + ZIG_F[idx] < np.exp(-0.5 * value * value):
                return value, a, b, c, w
        x, a, b, c, w = sfc64_step(a, b, c, w)


@njit(cache=True)
def normal(state):
    """A standard normal from ``state`` (uint64[4]; the ziggurat, see the module doc)."""
    x = sfc64_next(state)
    value, state[0], state[1], state[2], state[3] = normal_finish(x, state[0], state[1], state[2], state[3])
    return value


# --------------------------------------------------------------------------- gamma
@njit(cache=True, inline="always")
def gamma_fast(x, u, d, c):
    """Marsaglia-Tsang's first try from a normal ``x`` and a uniform ``u``: ``(d v, accepted)``;
    ``d = a - 1/3``, ``c = 1 / sqrt(9 d)``. Both tests run (with :func:`log`), so only a true
    rejection (about 2 % for a = 2) is left to :func:`gamma_finish`."""
    v = 1.0 + c * x
    v3 = v * v * v
    squeeze = u < 1.0 - 0.0331 * x * x * x * x
    exact = log(u) < 0.5 * x * x + d * (1.0 - v3 + log(v3))
    return d * v3, (v > 0.0) & (squeeze | exact)


@njit(cache=True)
def gamma_finish(x, u, d, c, a, b, cc, w):
    """Gamma(d + 1/3, 1) whose first try drew ``x`` and ``u``; later tries draw from the stream
    with state words ``a, b, cc, w``. Returns ``(value, a, b, cc, w)``."""
    while True:
        v = 1.0 + c * x
        if v > 0.0:
            v3 = v * v * v
            if u < 1.0 - 0.0331 * x * x * x * x:
                return d * v3, a, b, cc, w
            if log(u) < 0.5 * x * x + d * (1.0 - v3 + log(v3)):
                return d * v3, a, b, cc, w
        first, a, b, cc, w = sfc64_step(a, b, cc, w)
        x, a, b, cc, w = normal_finish(first, a, b, cc, w)
        u, a, b, cc, w = _uniform(a, b, cc, w)


@njit(cache=True)
def gamma(state, d, c):
    """Gamma(d + 1/3, 1) from ``state`` (``c = 1 / sqrt(9 d)``)."""
    x = normal(state)
    u = to_unit(sfc64_next(state))
    value, state[0], state[1], state[2], state[3] = gamma_finish(x, u, d, c, state[0], state[1], state[2], state[3])
    return value


# --------------------------------------------------------------------------- Poisson
@njit(cache=True)
def poisson_finish(u, lam, p0):
    """Poisson(lam) by inversion of the uniform ``u`` (``p0 = exp(-lam)``; 0 iff ``u <= p0``)."""
    p = p0
    cdf = p
    k = 0
    while u > cdf and k < 10_000:
        k += 1
        p *= lam / k
        cdf += p
    return k


# --------------------------------------------------------------------------- expm1
EXPM1_POLY_MAX = 0.125
_INV_FACT = tuple(1.0 / math.factorial(j) for j in range(2, 12))  # 1/2!, ..., 1/11!


@njit(cache=True, inline="always")
def expm1_poly(x):
    """``exp(x) - 1`` by its Taylor polynomial of degree 11 (Horner, with fused multiply-adds:
    half the operations, and the same bits in scalar and in vector code); for
    ``|x| <= EXPM1_POLY_MAX`` (1/8), where the truncation error is below ``x**11 / 12! < 3e-19``
    relative. (Written out, like :func:`log`'s series: a loop over the coefficient tuple
    compiles to slower code, measured.)"""
    c2, c3, c4, c5, c6, c7, c8, c9, c10, c11 = _INV_FACT
    p = fma(x, c11, c10)
    p = fma(x, p, c9)
    p = fma(x, p, c8)
    p = fma(x, p, c7)
    p = fma(x, p, c6)
    p = fma(x, p, c5)
    p = fma(x, p, c4)
    p = fma(x, p, c3)
    p = fma(x, p, c2)
    return fma(x * x, p, x)


@njit(cache=True)
def expm1(x):
    """``exp(x) - 1``: :func:`expm1_poly` near 0, ``numpy.expm1`` elsewhere."""
    if abs(x) <= EXPM1_POLY_MAX:
        return expm1_poly(x)
    return np.expm1(x)


# --------------------------------------------------------------------------- Student-t ziggurat
# One table per degrees of freedom: rows k (fast-path bounds, as float64: integers < 2**53),
# w (magnitude scales), f (density at the layer edges), then [r, alpha, 0, ...] (the base
# layer's edge and the tail envelope's exponent).
T_ROWS = 4
T_INDEX_BITS = 11
T_LAYERS = 1 << T_INDEX_BITS  # 11 bits of a draw pick the layer, 1 the sign, 52 the magnitude
_T_INDEX = np.uint64(T_LAYERS - 1)
_T_SIGN = np.uint64(T_INDEX_BITS)
_T_MAGNITUDE = np.uint64(T_INDEX_BITS + 1)


def t_ziggurat_table(nu: float, n: int = T_LAYERS) -> np.ndarray:
    """The ziggurat of Marsaglia & Tsang (2000) for Student's t with ``nu > 2`` degrees of
    freedom, as ``(4, n)`` float64 (see ``T_ROWS``), built exactly as :func:`ziggurat_tables`
    from the unnormalised density ``g(x) = (1 + x**2 / nu) ** (-(nu + 1) / 2)``
    (``g(0) = 1``): ``n`` layers of equal area ``v``; the base edge ``r`` solves
    ``x_1 (1 - g(x_1)) = v`` at the top for ``v = r g(r) + int_r^inf g`` (the tail integral
    from scipy's ``t.sf``; Brent's method on ``r``).

    The tail beyond ``r`` is sampled from the Pareto density tangent to ``log g`` in
    ``log x`` at ``r`` (exponent ``alpha = (nu + 1) r**2 / (nu + r**2)``): ``log g`` is concave
    in ``log x``, so the tangent lies above it, and rejection gives the tail exactly, for any
    ``nu`` (acceptance ~0.9 here).

    With 2048 layers (11 bits of the draw) the fast path accepts 99.7 % of draws for
    ``nu = 4`` (99.0 % with 512, 98.1 % with 256); the two rows it reads take 32 KB."""
    from scipy import optimize, special, stats

    nu = float(nu)
    e = -(nu + 1.0) / 2.0
    norm = math.sqrt(nu) * math.exp(special.betaln(0.5, nu / 2.0))  # int g over the line / pdf

    def g(x: float) -> float:
        return (1.0 + x * x / nu) ** e

    def g_inv(y: float) -> float:
        return math.sqrt(nu * (y ** (1.0 / e) - 1.0))

    def area(r: float) -> float:
        return r * g(r) + norm * float(stats.t.sf(r, nu))

    def top(r: float) -> float:
        """Positive when the layers reach the top too soon (``r`` too small)."""
        v = area(r)
        x = r
        for i in range(n - 2):
            y = v / x + g(x)
            if y >= 1.0:
                return float(n - i)
            x = g_inv(y)
        return v / x + g(x) - 1.0

    lo, hi = 1.0, 4.0
    while top(hi) > 0.0:
        lo, hi = hi, hi * 2.0
    r = optimize.brentq(top, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
    v = area(r)
    table = np.zeros((T_ROWS, n))
    k, w, f = table[0], table[1], table[2]
    dn = tn = r
    q = v / g(dn)
    k[0] = float(int((dn / q) * _M52))
    w[0] = q / _M52
    w[n - 1] = dn / _M52
    f[0] = 1.0
    f[n - 1] = g(dn)
    for i in range(n - 2, 0, -1):
        dn = g_inv(v / dn + g(dn))
        k[i + 1] = float(int((dn / tn) * _M52))
        tn = dn
        f[i] = g(dn)
        w[i] = dn / _M52
    table[3, 0] = r
    table[3, 1] = (nu + 1.0) * r * r / (nu + r * r)
    return table


@njit(cache=True, inline="always")
def zig_fast(x, table):
    """A ziggurat's fast path on one 64-bit output ``x`` with a table of :func:`t_ziggurat_table`'s
    layout (``T_LAYERS`` layers): ``(value, accepted)``."""
    idx = x & _T_INDEX
    rabs = np.float64(x >> _T_MAGNITUDE)
    value = rabs * table[1, idx]
    value = -value if (x >> _T_SIGN) & np.uint64(1) else value
    return value, rabs < table[0, idx]


@njit(cache=True, inline="always")
def t_density(x, nu):
    """``(1 + x**2 / nu) ** (-(nu + 1) / 2)``, the unnormalised t density (1 at 0). For an
    integer ``nu <= 64`` by products and one square root (``nu`` even: ``q**(-nu/2) / sqrt(q)``;
    odd: ``q**(-(nu + 1)/2)``), several times cheaper than ``exp(e * log1p(x**2 / nu))``,
    which serves any other ``nu``; both within a few ulp of the exact value."""
    q = 1.0 + x * x / nu
    if nu == np.floor(nu) and nu <= 64.0:
        half = int(nu) // 2
        odd = int(nu) - 2 * half == 1
        p = 1.0
        base = q
        k = half + 1 if odd else half
        while k:
            if k & 1:
                p *= base
            base *= base
            k >>= 1
        return 1.0 / p if odd else 1.0 / (p * np.sqrt(q))
    return np.exp(-(nu + 1.0) / 2.0 * np.log1p(x * x / nu))


@njit(cache=True)
def t_finish(x, a, b, c, w, table, nu):
    """A Student-t variate (``nu`` degrees of freedom, ``table = t_ziggurat_table(nu)``) whose
    first 64-bit draw was ``x``; more come from the stream as the ziggurat needs them (the wedge
    against ``g``, or the tail by rejection from its tangent Pareto density). Returns
    ``(value, a, b, c, w)``."""
    e = -(nu + 1.0) / 2.0
    r = table[3, 0]
    alpha = table[3, 1]
    while True:
        idx = x & _T_INDEX
        rabs = np.float64(x >> _T_MAGNITUDE)
        negative = (x >> _T_SIGN) & np.uint64(1)
        value = rabs * table[1, idx]
        value = -value if negative else value
        if rabs < table[0, idx]:
            return value, a, b, c, w
        if idx == 0:  # the tail beyond r
            log_gr = e * np.log1p(r * r / nu)
            while True:
                u1, a, b, c, w = _uniform(a, b, c, w)
                u2, a, b, c, w = _uniform(a, b, c, w)
                xx = r * np.exp(-np.log1p(-u1) / (alpha - 1.0))  # Pareto(alpha - 1) beyond r
                if np.log1p(-u2) < e * np.log1p(xx * xx / nu) - log_gr + alpha * np.log(xx / r):
                    return (-xx if negative else xx), a, b, c, w
        else:
            u1, a, b, c, w = _uniform(a, b, c, w)
            if (table[2, idx - 1] - table[2, idx]) * u1 + table[2, idx] < t_density(value, nu):
                return value, a, b, c, w
        x, a, b, c, w = sfc64_step(a, b, c, w)


@njit(cache=True)
def student_t(state, table, nu):
    """A Student-t variate from ``state`` (uint64[4]) by the ziggurat of ``table``."""
    x = sfc64_next(state)
    value, state[0], state[1], state[2], state[3] = t_finish(x, state[0], state[1], state[2], state[3], table, nu)
    return value
