"""Compiled generation of parametric futures, one path at a time from per-path SFC64 streams.

Implements exactly the model of :mod:`gaemi.scenarios.parametric` (see its docstring): daily log
return ``x = m + s * e + J``; ``e = chol @ n`` scaled by ``sqrt((df - 2) / W)``, ``W ~ chi2(df) =
2 Gamma(df / 2)`` shared by the assets of a path-day for Student-t shocks; Merton jumps
``J = N mean + sqrt(N) vol n'`` with ``N ~ Poisson(intensity / 252)``; a collapse day
``K ~ Geometric(h)`` (failures before the first success, by inversion
``floor(log(1 - u) / log(1 - h))``) with ``-collapse_loss`` that day and 0 after.

Streams: path ``p`` draws its diffusion (normals, then the chi-square) from the stream keyed by
``(seed, purpose 0)``, each asset's jumps from ``(seed, 2, asset)`` and its collapse day from
``(seed, 3, asset)``: switching jumps on leaves the diffusion unchanged.
"""

from __future__ import annotations

import numpy as np

from gaemi._numba import njit, prange
from gaemi.scenarios.sfc64 import seed_path, sfc64_double, sfc64_gamma, sfc64_normal, sfc64_poisson


@njit(cache=True)
def parametric_path(path, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam, jump_mean,
                    jump_vol, hazard, collapse_loss, log_floor, out):
    """Fill ``out`` (n_days, n_assets) with path ``path``'s daily simple returns."""
    n_days, n_assets = out.shape
    state = np.empty(4, dtype=np.uint64)
    spare = np.zeros(2)
    seed_path(state, diff_keys[0], diff_keys[1], path)
    z = np.empty(n_assets)
    for d in range(n_days):
        for j in range(n_assets):
            z[j] = sfc64_normal(state, spare)
        scale = 1.0
        if use_t:
            w = 2.0 * sfc64_gamma(state, spare, df / 2.0)
            scale = np.sqrt((df - 2.0) / w)
        for i in range(n_assets):
            e = 0.0
            for j in range(i + 1):
                e += chol[i, j] * z[j]
            out[d, i] = m[i] + s[i] * (e * scale)
    for i in range(n_assets):
        if jump_lam[i] > 0.0:
            jstate = np.empty(4, dtype=np.uint64)
            jspare = np.zeros(2)
            seed_path(jstate, jump_keys[i, 0], jump_keys[i, 1], path)
            for d in range(n_days):
                k = sfc64_poisson(jstate, jump_lam[i])
                nrm = sfc64_normal(jstate, jspare)
                if k > 0:
                    out[d, i] += k * jump_mean[i] + np.sqrt(k) * jump_vol[i] * nrm
    hi = -log_floor
    for d in range(n_days):
        for i in range(n_assets):
            x = out[d, i]
            if x < log_floor:
                x = log_floor
            elif x > hi:
                x = hi
            out[d, i] = np.expm1(x)
    for i in range(n_assets):
        if hazard[i] > 0.0:
            cstate = np.empty(4, dtype=np.uint64)
            seed_path(cstate, collapse_keys[i, 0], collapse_keys[i, 1], path)
            u = sfc64_double(cstate)
            day = np.floor(np.log1p(-u) / np.log1p(-hazard[i]))
            if day < n_days:
                k = int(day)
                out[k, i] = -collapse_loss
                for d in range(k + 1, n_days):
                    out[d, i] = 0.0


@njit(cache=True, parallel=True)
def parametric_block(path_start, n_paths, n_days, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df,
                     jump_lam, jump_mean, jump_vol, hazard, collapse_loss, log_floor):
    """(n_paths, n_days, n_assets) returns of paths ``path_start ..``."""
    out = np.empty((n_paths, n_days, m.shape[0]))
    for i in prange(n_paths):
        parametric_path(path_start + i, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam,
                        jump_mean, jump_vol, hazard, collapse_loss, log_floor, out[i])
    return out
