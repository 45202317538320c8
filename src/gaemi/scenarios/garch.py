"""Filtered historical simulation with GJR-GARCH(1,1) (Barone-Adesi, Giannopoulos & Vosper 1999).

1. **Fit**, per asset, with ``arch``: ``arch_model(y, mean="Constant", vol="GARCH", p=1, o=1,
   q=1, dist="t")`` where ``y = 100 * log(1 + r)`` is the daily *log* return in percent
   (arch works best on percent-scale data; we convert at this edge and back).
   Log returns keep every simulated simple return above -100 %: ``r = exp(y / 100) - 1``.
2. **Filter**: standardised residuals ``z[t, a] = (y[t, a] - mu_a) / sigma[t, a]``.
3. **Simulate**: draw whole residual *rows* ``z[t*, :]`` i.i.d. with replacement (all assets
   of one date together, so the cross-asset dependence of the shocks survives), and run
   the GJR recursion (Glosten, Jagannathan & Runkle 1993)::

       eps[d]    = sqrt(sigma2[d]) * z[d]
       sigma2[d] = omega + (alpha + gamma * 1[eps[d-1] < 0]) * eps[d-1]**2 + beta * sigma2[d-1]
       y[d]      = mu + eps[d]                                  (percent log return)

   starting from the fitted one-step-ahead variance after the last observation
   (``sigma2[0] = omega + (alpha + gamma 1[e_T < 0]) e_T^2 + beta sigma2_T``, what arch's
   ``forecast(horizon=1)`` returns). The recursion, :func:`gjr_garch_paths`, is a pure
   function of the shocks it is handed (habit 4), so tests feed the same shocks to it
   and to arch's own simulator.
   Log returns are clipped to ``[log(1e-9), log(1e9)]`` so that ``exp(x) - 1`` never rounds
   to -1 nor overflows (only an exploding, absurd fit gets near the bounds).
4. **Rates and calendar gaps** are those of the drawn residual dates.

Fitted parameters (mu, omega, alpha, gamma, beta, nu; percent log-return units) are in
``.params`` and ``provenance["params"]``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from gaemi.data.panel import MarketPanel
from gaemi.errors import ConfigError, DataError
from gaemi.rng import PATH_BLOCK, block_generator, normalize_seed
from gaemi.scenarios._common import by_path_block, check_range, positive_int
from gaemi.scenarios.base import PathBlock, month_grid

MEANS = {"constant": "Constant", "zero": "Zero"}
DISTS = {"t": "t", "normal": "normal"}
LOG_FLOOR = math.log(1e-9)  # simple returns stay above -100 % in floating point
PARAM_COLUMNS = ("mu", "omega", "alpha", "gamma", "beta", "nu")
_ARCH_NAMES = {"mu": "mu", "omega": "omega", "alpha": "alpha[1]", "gamma": "gamma[1]",
               "beta": "beta[1]", "nu": "nu"}


def gjr_garch_paths(z: np.ndarray, sigma2_first, omega, alpha, gamma, beta) -> tuple[np.ndarray, np.ndarray]:
    """GJR-GARCH(1,1) residuals and variances driven by the shocks ``z``.

    ``z`` is (paths, days) or (paths, days, assets) standardised shocks; the parameters and
    ``sigma2_first`` (the variance of day 0) are scalars or broadcast over the trailing axes.
    Returns ``(eps, sigma2)`` with the shape of ``z``::

        sigma2[:, 0] = sigma2_first
        sigma2[:, d] = omega + (alpha + gamma * (eps[:, d-1] < 0)) * eps[:, d-1]**2 + beta * sigma2[:, d-1]
        eps[:, d]    = sqrt(sigma2[:, d]) * z[:, d]

    Pure: no random state, inputs untouched. Loops over days only (the recursion is
    sequential in time); every step is vectorised over paths and assets.
    """
    z = np.asarray(z, dtype=np.float64)
    if z.ndim < 2:
        raise ValueError("z must be (paths, days[, assets])")
    eps = np.ascontiguousarray(np.moveaxis(z, 1, 0))  # day-major copy: the kernel works in place
    sigma2 = np.empty_like(eps)
    _gjr_day_major(eps, sigma2_first, omega, alpha, gamma, beta, sigma2)
    return np.moveaxis(eps, 0, 1), np.moveaxis(sigma2, 0, 1)


def _gjr_day_major(z_eps: np.ndarray, sigma2_first, omega, alpha, gamma, beta,
                   sigma2_out: np.ndarray | None = None) -> None:
    """The recursion on day-major shocks ``z_eps[d, ...]``, overwritten with ``eps`` (each day's
    shocks are read once, before that day's residuals are written over them).

    Arithmetic, in this order for every element: ``omega + (gamma * 1[e < 0] + alpha) * e**2
    + beta * sigma2``.
    """
    omega, alpha, gamma, beta = (np.asarray(v, dtype=np.float64) for v in (omega, alpha, gamma, beta))
    s2 = np.broadcast_to(np.asarray(sigma2_first, dtype=np.float64), z_eps.shape[1:]).copy()
    coef = np.empty_like(s2)
    tmp = np.empty_like(s2)
    for d in range(z_eps.shape[0]):
        if d:
            e = z_eps[d - 1]
            np.less(e, 0.0, out=tmp)
            np.multiply(tmp, gamma, out=coef)
            coef += alpha
            np.multiply(e, e, out=tmp)
            coef *= tmp
            coef += omega
            np.multiply(beta, s2, out=tmp)
            np.add(coef, tmp, out=s2)
        if sigma2_out is not None:
            sigma2_out[d] = s2
        np.sqrt(s2, out=tmp)
        z_eps[d] *= tmp


def _validate_options(mean: str, dist: str) -> None:
    if mean not in MEANS:
        raise ConfigError("mean", mean, " or ".join(MEANS))
    if dist not in DISTS:
        raise ConfigError("dist", dist, " or ".join(DISTS))


def _fix_order(mean: str, dist: str) -> list[str]:
    """Our parameter names in arch's order (mean, volatility, distribution) for ``fix``."""
    return (["mu"] if mean == "constant" else []) + ["omega", "alpha", "gamma", "beta"] + (
        ["nu"] if dist == "t" else [])


def _model(y: np.ndarray, mean: str, dist: str):
    from arch import arch_model

    return arch_model(y, mean=MEANS[mean], vol="GARCH", p=1, o=1, q=1, dist=DISTS[dist], rescale=False)


def fit_gjr_garch(returns: np.ndarray, assets: tuple[str, ...], mean: str = "constant", dist: str = "t",
                  params: pd.DataFrame | None = None) -> dict[str, Any]:
    """Fit (or, with ``params``, only filter) GJR-GARCH(1,1) per asset on percent log returns.

    Returns a dict with ``params`` (DataFrame, assets x PARAM_COLUMNS), ``std_resid`` (T, A),
    ``sigma2_next`` (A,) the variance of the first simulated day, ``loglik`` and
    ``convergence`` (arch's flag per asset, 0 = converged; None when ``params`` was given).
    """
    _validate_options(mean, dist)
    r = np.asarray(returns, dtype=np.float64)
    if r.ndim != 2 or r.shape[1] != len(assets):
        raise DataError(f"returns shape {r.shape} does not match {len(assets)} assets")
    if r.shape[0] < 100:
        raise DataError(f"GJR-GARCH needs at least 100 sessions of history, got {r.shape[0]}")
    if not np.all(np.isfinite(r)) or np.any(r <= -1.0):
        raise DataError("returns must be finite and above -100 % to fit a GARCH model")
    y_all = 100.0 * np.log1p(r)
    rows, z_cols, s2_next, ll, conv = [], [], [], [], []
    for k, name in enumerate(assets):
        y = y_all[:, k]
        if np.std(y) == 0.0:
            raise DataError(f"asset {name!r} has constant returns: no volatility to model")
        model = _model(y, mean, dist)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                if params is None:
                    res = model.fit(disp="off", show_warning=False)
                else:
                    if name not in params.index:
                        raise ConfigError("params", name, "a row for every asset: " + ", ".join(assets))
                    given = params.loc[name]
                    res = model.fix([float(given[c]) for c in _fix_order(mean, dist)])
            except (ConfigError, DataError):
                raise
            except Exception as exc:  # arch's errors, translated at the edge
                raise DataError(f"GJR-GARCH fit failed for {name!r}: {exc}") from exc
        p = res.params
        row = {c: float(p[_ARCH_NAMES[c]]) if _ARCH_NAMES[c] in p.index else (0.0 if c == "mu" else math.nan)
               for c in PARAM_COLUMNS}
        vals = [row[c] for c in ("mu", "omega", "alpha", "gamma", "beta")]
        if not all(math.isfinite(v) for v in vals):
            raise DataError(f"GJR-GARCH fit for {name!r} gave non-finite parameters: {row}")
        sig = np.asarray(res.conditional_volatility, dtype=np.float64)
        resid = np.asarray(res.resid, dtype=np.float64)
        z = resid / sig
        if not np.all(np.isfinite(z)):
            raise DataError(f"GJR-GARCH residuals for {name!r} are not finite")
        e_last, s2_last = resid[-1], sig[-1] ** 2
        s2_next.append(row["omega"] + (row["alpha"] + row["gamma"] * (e_last < 0)) * e_last**2
                       + row["beta"] * s2_last)
        rows.append(row)
        z_cols.append(z)
        ll.append(float(res.loglikelihood))
        conv.append(int(res.convergence_flag) if params is None else None)
    table = pd.DataFrame(rows, index=pd.Index(list(assets), name="asset"), columns=list(PARAM_COLUMNS))
    return {
        "params": table,
        "std_resid": np.column_stack(z_cols),
        "sigma2_next": np.asarray(s2_next, dtype=np.float64),
        "loglik": ll,
        "convergence": conv,
    }


class GarchFHS:
    """Filtered historical simulation: GJR-GARCH(1,1)-t volatility, bootstrapped residual rows.

    Parameters
    ----------
    panel : history to fit (left untouched).
    n_paths, n_days : paths and sessions per path (> 0).
    seed : int >= 0 or None (fresh entropy, recorded).
    mean : "constant" (default) or "zero"; dist : "t" (default, Student-t) or "normal" -
        validated here before arch sees them.
    params : optional DataFrame (assets x mu, omega, alpha, gamma, beta, nu; percent
        log-return units) to filter with instead of estimating.

    The table of a block is its own generated rows: ``index = arange(paths * days)``
    reshaped (paths, days).
    """

    def __init__(self, panel: MarketPanel, n_paths: int, n_days: int, seed: int | None,
                 mean: str = "constant", dist: str = "t", params: pd.DataFrame | None = None) -> None:
        _validate_options(mean, dist)
        self.n_paths = positive_int(n_paths, "n_paths")
        self.n_days = positive_int(n_days, "n_days")
        self.entropy = normalize_seed(seed)
        self.underlyings = tuple(panel.assets)
        self.rate_names = tuple(panel.rate_names)
        fit = fit_gjr_garch(panel.returns, self.underlyings, mean=mean, dist=dist, params=params)
        self.params: pd.DataFrame = fit["params"]
        self.std_resid: np.ndarray = fit["std_resid"]
        self.std_resid.flags.writeable = False
        self.sigma2_first: np.ndarray = fit["sigma2_next"]
        self._rates = np.array(panel.rates, dtype=np.float64)
        self._gap_days = np.array(panel.gap_days, dtype=np.float64)
        self._n_rows = len(panel.dates)
        self.new_month = month_grid(self.n_days)
        self.provenance: dict[str, Any] = {
            "scenario": "garch",
            "model": "garch",
            "method": "filtered historical simulation, GJR-GARCH(1,1) per asset (arch), residual rows "
                      "bootstrapped jointly by date",
            "mean": mean,
            "dist": dist,
            "units": "params in percent daily log returns",
            "seed": self.entropy,
            "params": {a: {c: (float(v) if math.isfinite(v) else None) for c, v in row.items()}
                       for a, row in self.params.iterrows()},
            "sigma2_first": dict(zip(self.underlyings, map(float, self.sigma2_first))),
            "loglik": dict(zip(self.underlyings, fit["loglik"])),
            "convergence": dict(zip(self.underlyings, fit["convergence"])),
            "estimated": params is None,
            "history_start": str(panel.dates[0].date()),
            "history_end": str(panel.dates[-1].date()),
            "history_rows": self._n_rows,
            "n_paths": self.n_paths,
            "n_days": self.n_days,
        }

    def _block_rows(self, b: int) -> tuple[np.ndarray]:
        rng = block_generator(self.entropy, b)
        return (rng.integers(0, self._n_rows, size=(PATH_BLOCK, self.n_days), dtype=np.int64),)

    def _log_returns_day_major(self, rows: np.ndarray) -> np.ndarray:
        """(days, paths, assets) percent log returns for residual dates ``rows`` (paths, days)."""
        y = self.std_resid[np.ascontiguousarray(rows.T)]  # shocks, day-major; becomes eps in place
        p = self.params
        _gjr_day_major(y, self.sigma2_first, p["omega"].to_numpy(), p["alpha"].to_numpy(),
                       p["gamma"].to_numpy(), p["beta"].to_numpy())
        y += p["mu"].to_numpy()
        return y

    def simulate_log_returns(self, rows: np.ndarray) -> np.ndarray:
        """(paths, days, assets) percent log returns for residual dates ``rows`` (paths, days)."""
        return np.moveaxis(self._log_returns_day_major(rows), 0, 1)

    def block(self, path_start: int, path_stop: int) -> PathBlock:
        a, z = check_range(path_start, path_stop, self.n_paths)
        (rows,) = by_path_block(a, z, self._block_rows)
        n = z - a
        y = self._log_returns_day_major(rows)
        y /= 100.0
        np.clip(y, LOG_FLOOR, -LOG_FLOOR, out=y)
        np.expm1(y, out=y)
        returns = np.ascontiguousarray(np.moveaxis(y, 0, 1)).reshape(n * self.n_days, len(self.underlyings))
        flat = rows.reshape(-1)
        return PathBlock(
            path_start=a,
            returns=returns,
            rates=self._rates[flat],
            gap_days=self._gap_days[flat],
            index=np.arange(n * self.n_days, dtype=np.int64).reshape(n, self.n_days),
            new_month=self.new_month,
        )
