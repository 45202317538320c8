"""Parametric futures: Student-t (or normal) daily log returns, correlated, with optional
Poisson jumps and a collapse hazard.

Units and conventions (one year = ``PERIODS_PER_YEAR`` = 252 sessions):

* ``annual_drift`` is a **geometric (log) drift**: the expected annual *log* return of the
  diffusion part is ``log(1 + annual_drift)``, i.e. the daily log return has mean
  ``m = log(1 + annual_drift) / 252``. Without jumps, the median path compounds at
  ``annual_drift`` a year; the arithmetic mean annual return is higher (by about
  ``annual_vol**2 / 2`` for normal returns; for Student-t log returns the arithmetic mean
  is not finite in theory). An arithmetic convention is not used for that reason.
* ``annual_vol`` is the standard deviation of the annual log return (diffusion part):
  daily ``s = annual_vol / sqrt(252)``.
* daily log return ``x[d, a] = m_a + s_a * e[d, a] + J[d, a]``; simple return ``exp(x) - 1``.
* ``e`` has unit variance and correlation ``corr``: ``e = sqrt((df - 2) / W) * (L @ n)`` with
  ``n ~ N(0, I)``, ``L = cholesky(corr)`` and one ``W ~ chi2(df)`` per path-day shared by
  all assets - a multivariate Student-t (so assets also crash together: tail dependence),
  each margin a t with ``df`` degrees of freedom scaled to unit variance. ``dist="normal"``
  drops the ``W`` factor.
* jumps (Merton 1976): ``N[d, a] ~ Poisson(intensity_a / 252)`` jumps a day, each with log
  size ``~ Normal(mean_a, vol_a)``: ``J = N * mean + sqrt(N) * vol * n'``. They add
  ``intensity * mean`` to the expected annual log return and ``intensity * (mean**2 +
  vol**2)`` to its variance.
* collapse: asset a collapses on a day with probability ``collapse_hazard[a]`` (daily,
  independent of everything else); that day its return is ``-collapse_loss`` (default
  -99.9 %: the coin is worth ~0, a delisting) and every later return is 0.
* daily log returns are clipped to ``[log(1e-9), log(1e9)]``, so a simple return stays above
  -100 % and finite in floating point (only absurd inputs get near the bounds).
* rates are constant (``rate``: one annual fraction named "rate", or a dict name -> rate);
  ``gap_days`` is ``365 / 252`` for every session, so an ACT/365 rate accrues exactly one
  year of interest over 252 sessions.

Randomness: path p draws from per-path SFC64 streams (:mod:`gaemi.scenarios.sfc64`) keyed by
(seed, purpose, p): the diffusion normals and chi-square mixing (0), each asset's jumps (2, a)
and each asset's collapse day (3, a): switching jumps on leaves the diffusion draws unchanged,
so comparisons run on common random numbers. Generation is compiled
(:mod:`gaemi.scenarios.parametric_kernel`, samplers in :mod:`gaemi.scenarios.variates`):
normals by the ziggurat (Marsaglia & Tsang 2000); the chi-square exactly as ``-2 log((1 - u_1)
... (1 - u_k)) (+ z**2 for odd df)`` for an integer ``df <= 30`` and as 2 x Gamma(df/2) by
Marsaglia & Tsang (2000) otherwise; with one asset, its Student-t directly by a ziggurat built
for ``df`` (:func:`~gaemi.scenarios.variates.t_ziggurat_table`; the same law, one 64-bit draw a
day in almost every case); Poisson by inversion. Inside a Monte Carlo run, 64 paths are
generated in lock-step (SIMD) with the same draws as the per-path generator, bit for bit.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from gaemi.errors import ConfigError
from gaemi.rng import normalize_seed
from gaemi.scenarios._common import check_range, positive_int
from gaemi.scenarios.base import PathBlock, month_grid
from gaemi.scenarios.parametric_kernel import parametric_block
from gaemi.scenarios.variates import T_LAYERS, T_ROWS, t_ziggurat_table
from gaemi.scenarios.sfc64 import purpose_keys

PERIODS_PER_YEAR = 252
GAP_DAYS = 365.0 / PERIODS_PER_YEAR
LOG_FLOOR = math.log(1e-9)
"""Daily log returns are kept within [LOG_FLOOR, -LOG_FLOOR] so a simple return stays above
-100 % and finite in floating point (exp(x) - 1 rounds to -1 below about -37 and overflows
above 709); only absurd inputs (|x| > 20.7 in a day) get there."""
DISTS = ("t", "normal")


@dataclass(frozen=True)
class Jump:
    """Poisson jumps of one asset: ``intensity`` jumps per year; log jump size ~ N(mean, vol)."""

    intensity: float
    mean: float
    vol: float = 0.0


def _number(value, field: str, lo: float = -math.inf, hi: float = math.inf, lo_open: bool = False,
            hi_open: bool = False, allowed: str | None = None) -> float:
    ok = (not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating))
          and math.isfinite(float(value)))
    if ok:
        v = float(value)
        ok = (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)
    if not ok:
        raise ConfigError(field, value, allowed or f"a number in {'(' if lo_open else '['}{lo}, {hi}{')' if hi_open else ']'}")
    return float(value)


def _per_asset(value, names: tuple[str, ...], field: str, **bounds) -> np.ndarray:
    """A scalar, a sequence (one per asset) or a mapping name -> value, as an (A,) array."""
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ConfigError(field, unknown[0], "one of " + ", ".join(names))
        missing = [n for n in names if n not in value]
        if missing:
            raise ConfigError(field, value, "a value for every underlying: " + ", ".join(names))
        return np.array([_number(value[n], f"{field}.{n}", **bounds) for n in names])
    if isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, str):
        vals = list(value)
        if len(vals) != len(names):
            raise ConfigError(field, value, f"{len(names)} values, one per underlying")
        return np.array([_number(v, f"{field}[{k}]", **bounds) for k, v in enumerate(vals)])
    return np.full(len(names), _number(value, field, **bounds))


@functools.lru_cache(maxsize=16)
def _t_table(df: float) -> np.ndarray:
    """The Student-t ziggurat for ``df`` (zeros, never read, when the shocks are normal)."""
    if df <= 0.0:
        return np.zeros((T_ROWS, T_LAYERS))
    return t_ziggurat_table(df)


class Parametric:
    """``n_paths`` parametric futures of ``n_days`` sessions for ``underlyings`` (see the module doc).

    Parameters
    ----------
    underlyings : names of the assets (non-empty, unique).
    annual_drift : geometric annual drift (> -1), one for all, per asset (sequence) or a dict.
    annual_vol : annual volatility of log returns (>= 0), same forms.
    corr : (A, A) correlation matrix (positive definite), default identity.
    dist : "t" (default) or "normal"; df : t degrees of freedom (> 2), default 4.
    rate : annual rate (fraction) for a single series "rate", or a dict name -> rate.
    jumps : dict asset -> :class:`Jump` (or a dict with intensity, mean, vol).
    collapse_hazard : dict asset -> daily collapse probability in [0, 1).
    collapse_loss : the collapse-day loss, in (0, 1); default 0.999.
    """

    def __init__(self, underlyings: Sequence[str], n_paths: int, n_days: int, seed: int | None,
                 annual_drift, annual_vol, corr=None, dist: str = "t", df: float = 4,
                 rate: float | Mapping[str, float] = 0.03, jumps: Mapping[str, Any] | None = None,
                 collapse_hazard: Mapping[str, float] | None = None, collapse_loss: float = 0.999) -> None:
        if isinstance(underlyings, str):
            underlyings = (underlyings,)
        names = tuple(underlyings)
        if not names or len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
            raise ConfigError("underlyings", underlyings, "a non-empty list of distinct names")
        self.underlyings = names
        self.n_paths = positive_int(n_paths, "n_paths")
        self.n_days = positive_int(n_days, "n_days")
        self.entropy = normalize_seed(seed)
        a = len(names)
        self.annual_drift = _per_asset(annual_drift, names, "annual_drift", lo=-1.0, lo_open=True)
        self.annual_vol = _per_asset(annual_vol, names, "annual_vol", lo=0.0)
        if dist not in DISTS:
            raise ConfigError("dist", dist, " or ".join(DISTS))
        self.dist = dist
        self.df = _number(df, "df", lo=2.0, lo_open=True, allowed="degrees of freedom > 2 (finite variance)")
        if corr is None:
            c = np.eye(a)
        else:
            c = np.array(corr, dtype=float)
            if c.shape != (a, a) or not np.all(np.isfinite(c)) or not np.allclose(c, c.T) \
                    or not np.allclose(np.diag(c), 1.0) or np.any(np.abs(c) > 1.0 + 1e-12):
                raise ConfigError("corr", corr, f"a symmetric {a}x{a} correlation matrix with unit diagonal")
        try:
            self._chol = np.linalg.cholesky(c)
        except np.linalg.LinAlgError:
            raise ConfigError("corr", corr, "a positive definite correlation matrix") from None
        self.corr = c
        if isinstance(rate, Mapping):
            if not rate:
                raise ConfigError("rate", rate, "an annual rate or a non-empty dict name -> rate")
            self.rate_names = tuple(str(k) for k in rate)
            self._rate_values = np.array([_number(v, f"rate.{k}", lo=-1.0, hi=1.0) for k, v in rate.items()])
        else:
            self.rate_names = ("rate",)
            self._rate_values = np.array([_number(rate, "rate", lo=-1.0, hi=1.0)])
        self.jumps: dict[str, Jump] = {}
        for k, spec in (jumps or {}).items():
            if k not in names:
                raise ConfigError("jumps", k, "one of " + ", ".join(names))
            if isinstance(spec, Mapping):
                try:
                    spec = Jump(**spec)
                except TypeError:
                    raise ConfigError(f"jumps.{k}", spec, "intensity, mean and vol") from None
            elif isinstance(spec, (tuple, list)):
                spec = Jump(*spec)
            if not isinstance(spec, Jump):
                raise ConfigError(f"jumps.{k}", spec, "a Jump(intensity, mean, vol)")
            _number(spec.intensity, f"jumps.{k}.intensity", lo=0.0, hi=float(PERIODS_PER_YEAR))
            _number(spec.mean, f"jumps.{k}.mean")
            _number(spec.vol, f"jumps.{k}.vol", lo=0.0)
            self.jumps[k] = spec
        self.collapse_hazard: dict[str, float] = {}
        for k, h in (collapse_hazard or {}).items():
            if k not in names:
                raise ConfigError("collapse_hazard", k, "one of " + ", ".join(names))
            self.collapse_hazard[k] = _number(h, f"collapse_hazard.{k}", lo=0.0, hi=1.0, hi_open=True)
        self.collapse_loss = _number(collapse_loss, "collapse_loss", lo=0.0, hi=1.0, lo_open=True, hi_open=True)
        self.new_month = month_grid(self.n_days)
        self.provenance: dict[str, Any] = {
            "scenario": "parametric",
            "model": "parametric",
            "seed": self.entropy,
            "underlyings": list(names),
            "annual_drift": dict(zip(names, map(float, self.annual_drift))),
            "annual_vol": dict(zip(names, map(float, self.annual_vol))),
            "drift_convention": "geometric: daily log-return mean = log(1 + annual_drift) / 252",
            "corr": self.corr.tolist(),
            "dist": dist,
            "df": self.df if dist == "t" else None,
            "rates": dict(zip(self.rate_names, map(float, self._rate_values))),
            "gap_days": GAP_DAYS,
            "jumps": {k: asdict(v) for k, v in self.jumps.items()},
            "collapse_hazard": dict(self.collapse_hazard),
            "collapse_loss": self.collapse_loss,
            "periods_per_year": PERIODS_PER_YEAR,
            "n_paths": self.n_paths,
            "n_days": self.n_days,
        }

    # -- draw, then compute (habit 1): compiled, per path (parametric_kernel) --------------------
    def kernel_args(self) -> tuple:
        """Arguments of :func:`~gaemi.scenarios.parametric_kernel.parametric_block` after the path range."""
        a = len(self.underlyings)
        jump_keys = np.array([purpose_keys(self.entropy, 2, k) for k in range(a)], dtype=np.uint64).reshape(a, 2)
        collapse_keys = np.array([purpose_keys(self.entropy, 3, k) for k in range(a)], dtype=np.uint64).reshape(a, 2)
        jl = np.array([self.jumps[n].intensity / PERIODS_PER_YEAR if n in self.jumps else 0.0 for n in self.underlyings])
        jm = np.array([self.jumps[n].mean if n in self.jumps else 0.0 for n in self.underlyings])
        jv = np.array([self.jumps[n].vol if n in self.jumps else 0.0 for n in self.underlyings])
        hz = np.array([self.collapse_hazard.get(n, 0.0) for n in self.underlyings])
        return (
            np.array(purpose_keys(self.entropy, 0), dtype=np.uint64), jump_keys, collapse_keys,
            np.ascontiguousarray(self._chol), np.log1p(self.annual_drift) / PERIODS_PER_YEAR,
            self.annual_vol / math.sqrt(PERIODS_PER_YEAR), self.dist == "t", float(self.df), jl, jm, jv, hz,
            float(self.collapse_loss), float(LOG_FLOOR), _t_table(float(self.df) if self.dist == "t" else 0.0),
        )

    def block(self, path_start: int, path_stop: int) -> PathBlock:
        a, z = check_range(path_start, path_stop, self.n_paths)
        n = z - a
        r = parametric_block(a, n, self.n_days, *self.kernel_args())
        rows = n * self.n_days
        return PathBlock(
            path_start=a,
            returns=np.ascontiguousarray(r).reshape(rows, len(self.underlyings)),
            rates=np.tile(self._rate_values, (rows, 1)),
            gap_days=np.full(rows, GAP_DAYS),
            index=np.arange(rows, dtype=np.int64).reshape(n, self.n_days),
            new_month=self.new_month,
        )
