"""Compiled generation of parametric futures from per-path SFC64 streams: one path at a time
(:func:`parametric_path`, for materialised blocks) or a group of paths in lock-step, a window of
days at a time (:func:`generate_window`, inside the fused engine). Both give the same numbers,
bit for bit: the lock-step form runs each sampler's vectorisable fast path on every lane and
its scalar finish on the few lanes that need it (:mod:`gaemi.scenarios.variates`), consuming
every stream exactly as the per-path form does.

Implements exactly the model of :mod:`gaemi.scenarios.parametric` (see its docstring): daily log
return ``x = m + s * e + J``; ``e = chol @ n`` scaled by ``sqrt((df - 2) / W)``, ``W ~ chi2(df) =
2 Gamma(df / 2)`` shared by the assets of a path-day for Student-t shocks; Merton jumps
``J = N mean + sqrt(N) vol n'`` with ``N ~ Poisson(intensity / 252)``; a collapse day
``K ~ Geometric(h)`` (failures before the first success, by inversion
``floor(log(1 - u) / log(1 - h))``) with ``-collapse_loss`` that day and 0 after.

Streams: path ``p`` draws its diffusion from the stream keyed by ``(seed, purpose 0)``: each day
one normal per asset, then (Student-t) the chi-square's draws: for an integer ``df <= 30``, a
normal if ``df`` is odd and ``floor(df / 2)`` uniforms (:func:`_chi2_by_sum`), otherwise
Marsaglia-Tsang's normal and uniform per try; each asset's jumps from
``(seed, 2, asset)`` (a uniform a day, and a normal on a jump day) and its collapse day from
``(seed, 3, asset)``: switching jumps on leaves the diffusion unchanged.
"""

from __future__ import annotations

import numpy as np

from gaemi._numba import aligned_empty, fma, lowest_bit, njit, njit_noalias, prange
from gaemi.scenarios.sfc64 import seed_path, sfc64_double, sfc64_step, to_unit
from gaemi.scenarios.variates import (
    EXPM1_POLY_MAX,
    expm1,
    log,
    expm1_poly,
    gamma,
    gamma_fast,
    gamma_finish,
    normal,
    normal_fast,
    normal_finish,
    poisson_finish,
    student_t,
    t_finish,
    zig_fast,
)


CHI2_SUM_MAX_DF = 30  # integer df up to this: chi-square as a sum of exponentials (and a z**2)


@njit(cache=True)
def _gamma_constants(df):
    """Marsaglia-Tsang's ``d`` and ``c`` for Gamma(df / 2)."""
    d = df / 2.0 - 1.0 / 3.0
    return d, 1.0 / np.sqrt(9.0 * d)


@njit(cache=True)
def _chi2_by_sum(df):
    """``(k, odd)``: for an integer ``df <= CHI2_SUM_MAX_DF``, chi2(df) is drawn exactly as
    ``-2 log((1 - u_1) ... (1 - u_k)) + z**2 (odd df)``, ``k = floor(df / 2)`` (a sum of ``k``
    exponentials of mean 2, i.e. Gamma(k, 2), plus a chi2(1); Devroye 1986, IX.3): no
    rejection. ``k = 0``: use Marsaglia-Tsang's gamma."""
    if df == np.floor(df) and df <= CHI2_SUM_MAX_DF:
        k = int(df) // 2
        return k, int(df) - 2 * k == 1
    return 0, False


@njit(cache=True)
def _collapse_day(collapse_keys, i, path, hazard, n_days):
    """Asset ``i``'s collapse day on path ``path`` (``n_days``: none within the horizon)."""
    if hazard <= 0.0:
        return n_days
    cstate = np.empty(4, dtype=np.uint64)
    seed_path(cstate, collapse_keys[i, 0], collapse_keys[i, 1], path)
    u = sfc64_double(cstate)
    day = np.floor(np.log1p(-u) / np.log1p(-hazard))
    return int(day) if day < n_days else n_days


@njit(cache=True)
def parametric_path(path, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam, jump_mean,
                    jump_vol, hazard, collapse_loss, log_floor, tzig, out):
    """Fill ``out`` (n_days, n_assets) with path ``path``'s daily simple returns."""
    n_days, n_assets = out.shape
    state = np.empty(4, dtype=np.uint64)
    seed_path(state, diff_keys[0], diff_keys[1], path)
    gd, gc = _gamma_constants(df)
    n_unif, odd = _chi2_by_sum(df)
    z = np.empty(n_assets)
    t_one = use_t and n_assets == 1  # one asset: its t directly (the ziggurat of tzig)
    t_scale = np.sqrt((df - 2.0) / df)
    t_vol = s[0] * t_scale  # one asset's t to its daily log return: m + t_vol * t
    for d in range(n_days):
        if t_one:
            z[0] = student_t(state, tzig, df)
        else:
            for j in range(n_assets):
                z[j] = normal(state)
        scale = 1.0
        if t_one:
            scale = t_scale
        elif use_t:
            if n_unif > 0:
                zz = normal(state) if odd else 0.0
                prod = 1.0
                for _ in range(n_unif):
                    prod *= 1.0 - sfc64_double(state)
                w = -2.0 * log(prod) + zz * zz
            else:
                w = 2.0 * gamma(state, gd, gc)
            scale = np.sqrt((df - 2.0) / w)
        if t_one:  # (chol is [[1]]): the t scaled to the daily volatility at once
            out[d, 0] = fma(t_vol, z[0], m[0])
            continue
        for i in range(n_assets):
            e = 0.0
            for j in range(i + 1):
                e += chol[i, j] * z[j]
            out[d, i] = m[i] + s[i] * (e * scale)
    for i in range(n_assets):
        if jump_lam[i] > 0.0:
            p0 = np.exp(-jump_lam[i])
            jstate = np.empty(4, dtype=np.uint64)
            seed_path(jstate, jump_keys[i, 0], jump_keys[i, 1], path)
            for d in range(n_days):
                u = sfc64_double(jstate)
                if u > p0:
                    k = poisson_finish(u, jump_lam[i], p0)
                    nrm = normal(jstate)
                    out[d, i] += k * jump_mean[i] + np.sqrt(k) * jump_vol[i] * nrm
    hi = -log_floor
    for d in range(n_days):
        for i in range(n_assets):
            x = out[d, i]
            x = log_floor if x < log_floor else (hi if x > hi else x)
            out[d, i] = expm1(x)
    for i in range(n_assets):
        k = _collapse_day(collapse_keys, i, path, hazard[i], n_days)
        if k < n_days:
            out[k, i] = -collapse_loss
            for d in range(k + 1, n_days):
                out[d, i] = 0.0


@njit(cache=True, parallel=True)
def parametric_block_per_path(path_start, n_paths, n_days, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t,
                              df, jump_lam, jump_mean, jump_vol, hazard, collapse_loss, log_floor, tzig):
    """(n_paths, n_days, n_assets) returns of paths ``path_start ..``, one path at a time (the
    plain form :func:`parametric_block` is checked against)."""
    out = np.empty((n_paths, n_days, m.shape[0]))
    for i in prange(n_paths):
        parametric_path(path_start + i, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam,
                        jump_mean, jump_vol, hazard, collapse_loss, log_floor, tzig, out[i])
    return out


BLOCK_LANES = 64  # paths generated in lock-step by parametric_block
BLOCK_WINDOW = 256  # days per generate_window call


@njit(cache=True, parallel=True)
def parametric_block(path_start, n_paths, n_days, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df,
                     jump_lam, jump_mean, jump_vol, hazard, collapse_loss, log_floor, tzig):
    """(n_paths, n_days, n_assets) returns of paths ``path_start ..``: groups of 64 paths in
    lock-step (:func:`generate_window`); the same numbers as :func:`parametric_block_per_path`."""
    n_assets = m.shape[0]
    out = np.empty((n_paths, n_days, n_assets))
    for g in prange((n_paths + BLOCK_LANES - 1) // BLOCK_LANES):
        a = g * BLOCK_LANES
        n = min(BLOCK_LANES, n_paths - a)
        sa, sb, sc, sw, ja, jb, jc, jw, cday = new_streams(path_start + a, n, n_days, diff_keys, jump_keys,
                                                           collapse_keys, hazard)
        z = aligned_empty((n_assets + 1) * n, np.float64).reshape((n_assets + 1, n))
        gu, scale, xl = aligned_empty(n, np.float64), aligned_empty(n, np.float64), aligned_empty(n, np.float64)
        raw = aligned_empty(n, np.uint64)
        window = aligned_empty(n_assets * BLOCK_WINDOW * n, np.float64).reshape((n_assets, BLOCK_WINDOW * n))
        for d0 in range(0, n_days, BLOCK_WINDOW):
            n_win = min(BLOCK_WINDOW, n_days - d0)
            generate_window(d0, n_win, sa, sb, sc, sw, ja, jb, jc, jw, cday, chol, m, s, use_t, df, jump_lam,
                            jump_mean, jump_vol, collapse_loss, log_floor, tzig, z, gu, scale, xl, raw, window)
            for l in range(n):
                for k in range(n_win):
                    for i in range(n_assets):
                        out[a + l, d0 + k, i] = window[i, k * n + l]
    return out


# --------------------------------------------------------------------------- lock-step form
@njit(cache=True)
def new_streams(path0, n, n_days, diff_keys, jump_keys, collapse_keys, hazard):
    """The per-lane state of ``n`` paths from ``path0`` for :func:`generate_window`: the diffusion
    stream (four (n,) uint64 arrays), each asset's jump stream (four (assets, n) arrays) and
    collapse day ((assets, n) int64; ``n_days`` when none)."""
    n_assets = hazard.shape[0]
    st = np.empty(4, dtype=np.uint64)
    diff = aligned_empty(4 * n, np.uint64).reshape((4, n))  # (rows of 64 lanes on cache-line boundaries)
    jump = aligned_empty(4 * n_assets * n, np.uint64).reshape((4, n_assets, n))
    cday = aligned_empty(n_assets * n, np.int64).reshape((n_assets, n))
    for l in range(n):
        seed_path(st, diff_keys[0], diff_keys[1], path0 + l)
        for q in range(4):
            diff[q, l] = st[q]
        for i in range(n_assets):
            seed_path(st, jump_keys[i, 0], jump_keys[i, 1], path0 + l)
            for q in range(4):
                jump[q, i, l] = st[q]
            cday[i, l] = _collapse_day(collapse_keys, i, path0 + l, hazard[i], n_days)
    return diff[0], diff[1], diff[2], diff[3], jump[0], jump[1], jump[2], jump[3], cday


@njit_noalias(cache=True, nogil=True, error_model="numpy")
def _one_t_window(d0, n_win, sa, sb, sc, sw, cday, mu, t_vol, df, collapse_loss, log_floor, tzig, raw, out):
    """:func:`generate_window` for one asset with Student-t shocks and no jumps (the common case):
    each day is one vector loop over the lanes - the draw, the t's ziggurat fast path, the log
    return ``mu + t_vol * t`` (one fused multiply-add) and its ``expm1`` polynomial - and a
    scalar finish for the lanes where the ziggurat declined
    (:func:`~gaemi.scenarios.variates.t_finish` redoes the draw and goes on; for an accepted
    draw it returns the same value and draws nothing) or the log return is beyond the
    polynomial's range (the clip and numpy's ``expm1``)."""
    n = sa.shape[0]
    hi = -log_floor
    collapsing = False
    for l in range(n):
        collapsing |= cday[0, l] < d0 + n_win
    for k in range(n_win):
        d = d0 + k
        base = np.uint64(k * n)  # unsigned: no wraparound test, so vector stores rather than scatters
        todo = np.uint64(0)
        for l in range(n):
            x, sa[l], sb[l], sc[l], sw[l] = sfc64_step(sa[l], sb[l], sc[l], sw[l])
            value, ok = zig_fast(x, tzig)
            raw[l] = x
            y = fma(t_vol, value, mu)
            out[0, base + np.uint64(l)] = expm1_poly(y)
            todo |= np.uint64((not ok) | (abs(y) > EXPM1_POLY_MAX)) << np.uint64(l)
        while todo:
            l = np.int64(lowest_bit(todo))
            todo &= todo - np.uint64(1)
            value, sa[l], sb[l], sc[l], sw[l] = t_finish(raw[l], sa[l], sb[l], sc[l], sw[l], tzig, df)
            y = fma(t_vol, value, mu)
            y = log_floor if y < log_floor else (hi if y > hi else y)
            out[0, base + np.uint64(l)] = expm1(y)
        if collapsing:  # the collapse day's loss, and nothing after it (the draws go on regardless)
            for l in range(n):
                cd = cday[0, l]
                if d >= cd:
                    out[0, base + np.uint64(l)] = -collapse_loss if d == cd else 0.0


@njit_noalias(cache=True, nogil=True, error_model="numpy")
def generate_window(d0, n_win, sa, sb, sc, sw, ja, jb, jc, jw, cday, chol, m, s, use_t, df, jump_lam, jump_mean,
                    jump_vol, collapse_loss, log_floor, tzig, z, gu, scale, xl, raw, out):
    """Days ``d0 .. d0 + n_win`` of a group's paths in lock-step: ``out[i, k * n + l]`` is asset
    ``i``'s simple return on day ``d0 + k`` of lane ``l``. The same numbers as
    :func:`parametric_path` (same draws in the same order from each lane's streams).

    ``z`` (assets + 1, n: the last row is the gamma's normal), ``gu``, ``scale``, ``xl`` (n,)
    float64 and ``raw`` (n,) uint64 are scratch; at most 64 lanes. Each step is a loop over lanes
    that compiles to vector code and marks the lanes whose fast path declined in a 64-bit mask;
    scalar code then finishes just those lanes (:func:`~gaemi._numba.lowest_bit` walks the mask)."""
    n = sa.shape[0]
    n_assets = m.shape[0]
    gd, gc = _gamma_constants(df)
    n_unif, odd = _chi2_by_sum(df)
    df_m2 = df - 2.0
    hi = -log_floor
    t_one = use_t and n_assets == 1  # one asset: its t directly (the ziggurat of tzig)
    t_scale = np.sqrt((df - 2.0) / df)
    t_vol = s[0] * t_scale
    for l in range(n):
        scale[l] = t_scale if t_one else 1.0
    if t_one and jump_lam[0] <= 0.0:
        _one_t_window(d0, n_win, sa, sb, sc, sw, cday, m[0], t_vol, df, collapse_loss, log_floor, tzig, raw, out)
        return
    for k in range(n_win):
        d = d0 + k
        base = np.uint64(k * n)  # unsigned: no wraparound test, so vector stores rather than scatters
        if t_one:
            todo = np.uint64(0)
            for l in range(n):
                x, sa[l], sb[l], sc[l], sw[l] = sfc64_step(sa[l], sb[l], sc[l], sw[l])
                value, ok = zig_fast(x, tzig)
                z[0, l] = value
                raw[l] = x
                todo |= np.uint64(not ok) << np.uint64(l)
            while todo:
                l = np.int64(lowest_bit(todo))
                todo &= todo - np.uint64(1)
                z[0, l], sa[l], sb[l], sc[l], sw[l] = t_finish(raw[l], sa[l], sb[l], sc[l], sw[l], tzig, df)
        # normals: one per asset, then (Student-t) the chi-square's z or the gamma's normal
        for j in range(0 if t_one else n_assets + (1 if use_t and (odd or n_unif == 0) else 0)):
            todo = np.uint64(0)
            for l in range(n):
                x, sa[l], sb[l], sc[l], sw[l] = sfc64_step(sa[l], sb[l], sc[l], sw[l])
                value, ok = normal_fast(x)
                z[j, l] = value
                raw[l] = x
                todo |= np.uint64(not ok) << np.uint64(l)
            while todo:
                l = np.int64(lowest_bit(todo))
                todo &= todo - np.uint64(1)
                z[j, l], sa[l], sb[l], sc[l], sw[l] = normal_finish(raw[l], sa[l], sb[l], sc[l], sw[l])
        if t_one:
            pass
        elif use_t and n_unif > 0:  # W = -2 log(prod of (1 - u)) + z**2
            for l in range(n):
                gu[l] = 1.0
            for _ in range(n_unif):
                for l in range(n):
                    x, sa[l], sb[l], sc[l], sw[l] = sfc64_step(sa[l], sb[l], sc[l], sw[l])
                    gu[l] *= 1.0 - to_unit(x)
            for l in range(n):
                zz = z[n_assets, l] if odd else 0.0
                scale[l] = np.sqrt(df_m2 / (-2.0 * log(gu[l]) + zz * zz))
        elif use_t:  # W = 2 Gamma(df / 2): Marsaglia-Tsang's first try in vector code, the rest per lane
            todo = np.uint64(0)
            for l in range(n):
                x, sa[l], sb[l], sc[l], sw[l] = sfc64_step(sa[l], sb[l], sc[l], sw[l])
                u = to_unit(x)
                gu[l] = u
                g, ok = gamma_fast(z[n_assets, l], u, gd, gc)
                scale[l] = np.sqrt(df_m2 / (2.0 * g))
                todo |= np.uint64(not ok) << np.uint64(l)
            while todo:
                l = np.int64(lowest_bit(todo))
                todo &= todo - np.uint64(1)
                g, sa[l], sb[l], sc[l], sw[l] = gamma_finish(z[n_assets, l], gu[l], gd, gc, sa[l], sb[l], sc[l], sw[l])
                scale[l] = np.sqrt(df_m2 / (2.0 * g))
        for i in range(n_assets):
            # the correlated shock, e = sum_j chol[i, j] z[j], in the per-path order
            for l in range(n):
                xl[l] = 0.0
            for j in range(i + 1):
                c = chol[i, j]
                for l in range(n):
                    xl[l] += c * z[j, l]
            mi, si = m[i], s[i]
            if t_one:
                for l in range(n):
                    xl[l] = fma(t_vol, z[0, l], mi)
            else:
                for l in range(n):
                    xl[l] = mi + si * (xl[l] * scale[l])
            lam = jump_lam[i]
            if lam > 0.0:
                p0 = np.exp(-lam)
                todo = np.uint64(0)
                for l in range(n):
                    x, ja[i, l], jb[i, l], jc[i, l], jw[i, l] = sfc64_step(ja[i, l], jb[i, l], jc[i, l], jw[i, l])
                    u = to_unit(x)
                    gu[l] = u
                    todo |= np.uint64(u > p0) << np.uint64(l)
                while todo:
                    l = np.int64(lowest_bit(todo))
                    todo &= todo - np.uint64(1)
                    n_jumps = poisson_finish(gu[l], lam, p0)
                    first, ja[i, l], jb[i, l], jc[i, l], jw[i, l] = sfc64_step(ja[i, l], jb[i, l], jc[i, l], jw[i, l])
                    nrm, ja[i, l], jb[i, l], jc[i, l], jw[i, l] = normal_finish(first, ja[i, l], jb[i, l], jc[i, l],
                                                                               jw[i, l])
                    xl[l] += n_jumps * jump_mean[i] + np.sqrt(n_jumps) * jump_vol[i] * nrm
            # simple returns (the polynomial near 0, where no clip applies: |x| <= 1/8 < -log_floor;
            # the few lanes beyond are finished with the clip and numpy's expm1); a collapse overrides
            collapsing = False
            for l in range(n):
                collapsing |= cday[i, l] < d0 + n_win
            todo = np.uint64(0)
            if collapsing:
                for l in range(n):
                    x = xl[l]
                    cd = cday[i, l]
                    r = expm1_poly(x)
                    out[i, base + np.uint64(l)] = -collapse_loss if d == cd else (0.0 if d > cd else r)
                    todo |= np.uint64((abs(x) > EXPM1_POLY_MAX) & (d < cd)) << np.uint64(l)
            else:
                for l in range(n):
                    x = xl[l]
                    out[i, base + np.uint64(l)] = expm1_poly(x)
                    todo |= np.uint64(abs(x) > EXPM1_POLY_MAX) << np.uint64(l)
            while todo:
                l = np.int64(lowest_bit(todo))
                todo &= todo - np.uint64(1)
                x = xl[l]
                x = log_floor if x < log_floor else (hi if x > hi else x)
                out[i, base + np.uint64(l)] = np.expm1(x)
