"""The synthetic population of the colony: who holds what, on what margin.

Each agent stands for ``weight`` investors. Arrays are columns over agents (structure of arrays),
so 14 million agents fit in about 1.3 GB and a shard of agents is a slice.

How a population is drawn (docs/colony.md, "Population and calibration"):

1. **Distributions, fitted once per table** (:func:`fit_population`). A holder's stock portfolio
   and a user's crypto holdings each follow a *spliced* law (:class:`Spliced`): a lognormal body
   joined in the quantile function to a Pareto tail, truncated at a largest holding. The stock law
   is fitted to the account-size shape (2003, up to a scale), the 2005 concentration row (top 0.6%
   hold 49.9%) and the mean (retail holdings / holders); the crypto law to FIU's size rows and its
   mean. Margin users are a window of stock-portfolio ranks chosen so that their count and loan
   balance match the table; bucket mixes, leveraged-ETF fractions, cash and deposit ratios are set
   so that expected totals match the table exactly.
2. **Cells and strata.** People fall in cells: stock holders without crypto, stock holders with
   crypto in each FIU size band, crypto-only users in each band. Agents are allotted to cells by a
   mix of people and value (``IMPORTANCE``), and within a cell to strata of the cell's main
   variable whose widths follow the same mix, so the rich tail gets more agents with smaller
   weights. An agent's weight is its stratum's share of the cell's people; weights sum to
   ``represented`` exactly, and a 1M-agent population reproduces the 14M-agent totals within a
   fraction of a percent (stratified importance sampling; heavy tails would otherwise dominate).
3. **Draws by agent block.** Agent ``i``'s uniforms come from the stream of block
   ``i // AGENT_BLOCK`` keyed by the seed (:func:`gaemi.rng.block_generator`), and its stratum is
   a fixed bijection of ``i``; so the same seed gives the same agents whatever the shard split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize, special

from gaemi._numba import DISABLE_JIT, njit, prange
from gaemi.colony.buckets import BUCKETS
from gaemi.errors import ConfigError
from gaemi.rng import block_generator, normalize_seed

if TYPE_CHECKING:  # pragma: no cover
    from gaemi.colony.calibration import Calibration

BEHAVIOURS: tuple[str, ...] = (
    "leveraged_trader",
    "buy_and_hold",
    "dip_buyer",
    "crypto_only",
    "deposit_saver",
)
"""Behaviour types; :attr:`Population.behaviour` holds an index into this tuple.

leveraged_trader: every margin user. crypto_only: crypto users with no listed stock.
buy_and_hold / dip_buyer / deposit_saver: stock holders without a margin loan, in the table's
``behaviour.shares``; dip buyers keep more broker cash, deposit savers more bank deposits."""

AGE_BANDS: tuple[str, ...] = ("20s", "30s", "40s", "50s", "60+")
"""Age bands; :attr:`Population.age_band` holds an index into this tuple (the table's
``age.bands`` must match)."""

AGENT_BLOCK = 4096
"""Agents per random stream: agent ``i`` is drawn from block ``i // AGENT_BLOCK``'s stream, so the
same seed gives the same agents whatever the shard split."""

COLONY_STREAM = 0x636F6C6F
"""Purpose key of the population's random streams (``block_generator(seed, block, COLONY_STREAM)``)."""

PILOT_STREAM = 0x70696C6F
"""Purpose key of the pilot population that fixes the wealth-decile thresholds."""

PILOT_AGENTS = 1 << 16
"""Agents in the pilot population (deciles are cut at its weighted net-wealth deciles)."""

IMPORTANCE = 0.3
"""Share of agents allotted by value rather than by people (cells and strata within a cell)."""

MIN_INVESTORS = 64
"""Fewest agents :func:`generate` draws (every cell needs at least one)."""

_NCOL = 11  # uniforms per agent; column meanings in _draw
_CRYPTO_BAND_EDGES = (1e6, 1e7, 1e8, 1e9, 1e10, 1e11)
"""Crypto size bands of the cells (KRW): FIU's bands, the top one cut again so that no cell
spans the whole Pareto tail (keeps the sampling error of crypto totals small)."""
_I_BUCKET = {b: i for i, b in enumerate(BUCKETS)}
_STOCK = ("kospi_large", "kospi_small", "kosdaq_theme")


# ------------------------------------------------------------------------------------------------
# The population
@dataclass
class Population:
    """``n`` agents, column by column (KRW amounts).

    weight: float64[n], investors each agent stands for (sums to :attr:`represented`).
    holdings: float64[n, len(BUCKETS)], KRW market value per bucket (columns in
        :data:`~gaemi.colony.buckets.BUCKETS` order), including what margin financed.
    cash: float64[n], KRW cash at the broker (ready for dip-buying or margin top-ups).
    margin_loan: float64[n], KRW owed to the broker (신용융자), financing the agent's domestic
        stock buckets (kospi_large, kospi_small, kosdaq_theme); their value over the loan is the
        collateral ratio (the table's bands).
    behaviour: int8[n], index into :data:`BEHAVIOURS`.
    age_band: int8[n], index into :data:`AGE_BANDS`.
    wealth_decile: int8[n], 0..9 by net wealth, weighted (0 = poorest tenth of investors); cut
        at the weighted deciles of a pilot population drawn from the same seed, so a shard gets
        the same deciles as the whole.
    """

    weight: np.ndarray
    holdings: np.ndarray
    cash: np.ndarray
    margin_loan: np.ndarray
    behaviour: np.ndarray
    age_band: np.ndarray
    wealth_decile: np.ndarray

    @property
    def n(self) -> int:
        """Number of agents."""
        return int(self.weight.shape[0])

    @property
    def represented(self) -> float:
        """Investors the agents stand for: ``weight.sum()``."""
        return float(self.weight.sum())

    @property
    def net_wealth(self) -> np.ndarray:
        """KRW per agent: ``holdings.sum(1) + cash - margin_loan``."""
        return self.holdings.sum(axis=1) + self.cash - self.margin_loan

    @property
    def collateral_ratio(self) -> np.ndarray:
        """Domestic-stock holdings over the margin loan (``inf`` without a loan)."""
        stock = self.holdings[:, [_I_BUCKET[b] for b in _STOCK]].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.margin_loan > 0, stock / np.where(self.margin_loan > 0,
                                                                    self.margin_loan, 1.0), np.inf)

    def totals(self) -> dict[str, float]:
        """Weighted KRW totals per bucket plus ``cash`` and ``margin_loan``."""
        w = self.weight
        out = {b: float(w @ self.holdings[:, i]) for i, b in enumerate(BUCKETS)}
        out["cash"] = float(w @ self.cash)
        out["margin_loan"] = float(w @ self.margin_loan)
        return out

    @staticmethod
    def concat(parts: list[Population]) -> Population:
        """Join shards (in order) into one population."""
        return Population(*(np.concatenate([getattr(p, f) for p in parts])
                            for f in ("weight", "holdings", "cash", "margin_loan", "behaviour",
                                      "age_band", "wealth_decile")))


def shards(investors: int, shard_size: int) -> list[tuple[int, int]]:
    """Cut agents ``0..investors-1`` into ``(start, stop)`` shards of at most ``shard_size``.

    Shards start on multiples of :data:`AGENT_BLOCK` (``shard_size`` is rounded up to one),
    so a shard never splits a random stream; any split gives the same agents anyway.
    """
    if isinstance(investors, bool) or int(investors) != investors or investors < 0:
        raise ConfigError("investors", investors, "a non-negative integer")
    if isinstance(shard_size, bool) or int(shard_size) != shard_size or shard_size < 1:
        raise ConfigError("shard_size", shard_size, "a positive integer")
    size = -(-int(shard_size) // AGENT_BLOCK) * AGENT_BLOCK
    return [(s, min(s + size, int(investors))) for s in range(0, int(investors), size)]


# ------------------------------------------------------------------------------------------------
# Spliced lognormal-body / Pareto-tail law, written in the upper-tail probability w = 1 - F
@dataclass(frozen=True)
class Spliced:
    """Lognormal body joined to a Pareto tail in the quantile function, truncated at ``cap``.

    With ``w`` the share of holders above a level (the upper-tail probability):
    ``Q(w) = scale * exp(-sigma * ndtri(w))`` for ``w > tail`` (the body: lognormal, median
    ``scale``) and ``Q(w) = x_t * (w / tail) ** (-1 / alpha)`` for ``w <= tail`` (the Pareto tail,
    continuous at ``x_t = Q(tail)``); draws are restricted to ``Q <= cap``, i.e. ``w > w_min``.
    Working in ``w`` keeps the far tail exact in floating point.
    """

    scale: float
    sigma: float
    tail: float
    alpha: float
    cap: float

    @property
    def x_t(self) -> float:
        return self.scale * math.exp(-self.sigma * float(special.ndtri(self.tail)))

    @property
    def w_min(self) -> float:
        """Upper-tail probability of the cap (the truncation point)."""
        return float(self.survival_untruncated(np.array([self.cap]))[0])

    def quantile(self, w: np.ndarray) -> np.ndarray:
        """KRW at upper-tail probability ``w`` (untruncated law; callers keep ``w > w_min``)."""
        w = np.asarray(w, dtype=float)
        body = self.scale * np.exp(-self.sigma * special.ndtri(np.clip(w, 1e-300, 1.0)))
        tail = self.x_t * (np.maximum(w, 1e-300) / self.tail) ** (-1.0 / self.alpha)
        return np.where(w > self.tail, body, tail)

    def survival_untruncated(self, x: np.ndarray) -> np.ndarray:
        """Share of the untruncated law above ``x``."""
        x = np.asarray(x, dtype=float)
        xt = self.x_t
        with np.errstate(divide="ignore"):
            body = special.ndtr(-np.log(np.maximum(x, 1e-300) / self.scale) / self.sigma)
            tail = self.tail * (np.maximum(x, 1e-300) / xt) ** (-self.alpha)
        return np.where(x < xt, body, tail)

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """Share of the truncated law at or below ``x``."""
        wm = self.w_min
        s = self.survival_untruncated(np.minimum(np.asarray(x, dtype=float), self.cap))
        return np.clip((1.0 - s) / (1.0 - wm), 0.0, 1.0)

    def partial_sum(self, w1: np.ndarray | float, w2: np.ndarray | float) -> np.ndarray:
        """``integral_{w1}^{w2} Q(w) dw`` for ``w1 <= w2`` (closed form)."""
        w1 = np.asarray(w1, dtype=float)
        w2 = np.asarray(w2, dtype=float)
        q, s, a = self.tail, self.sigma, self.alpha
        # body part: w in [max(w1, q), w2]
        b1 = np.maximum(w1, q)
        b2 = np.maximum(w2, q)
        body = self.scale * math.exp(s * s / 2) * (
            special.ndtr(-special.ndtri(np.clip(b1, 1e-300, 1.0)) - s)
            - special.ndtr(-special.ndtri(np.clip(b2, 1e-300, 1.0)) - s))
        # tail part: w in [w1, min(w2, q)]
        t1 = np.minimum(w1, q)
        t2 = np.minimum(w2, q)
        beta = 1.0 / a
        xt = self.x_t
        if abs(1.0 - beta) < 1e-12:
            tail = xt * q * np.log(np.maximum(t2, 1e-300) / np.maximum(t1, 1e-300))
        else:
            e = 1.0 - beta
            tail = xt * q**beta * (np.maximum(t2, 0.0) ** e - np.maximum(t1, 0.0) ** e) / e
        return body + tail

    @property
    def mean(self) -> float:
        """Mean of the truncated law."""
        wm = self.w_min
        return float(self.partial_sum(wm, 1.0)) / (1.0 - wm)

    def top_share(self, people: float) -> float:
        """Share of the truncated law's total held by its top ``people`` share."""
        wm = self.w_min
        total = float(self.partial_sum(wm, 1.0))
        return float(self.partial_sum(wm, wm + people * (1.0 - wm))) / total


def _spliced(theta: np.ndarray, cap: float) -> Spliced:
    ln_s, ln_sigma, logit_q, ln_alpha = theta[:4]
    return Spliced(scale=math.exp(ln_s), sigma=math.exp(ln_sigma),
                   tail=float(special.expit(logit_q)), alpha=math.exp(ln_alpha), cap=cap)


def _cdf_residuals(law: Spliced, rows: list[tuple[float, float]], scale: float = 1.0) -> list[float]:
    """Log ratio of the model's to the table's share above each threshold."""
    t = np.array([r[0] for r in rows]) * scale
    p = np.array([r[1] for r in rows])
    above = 1.0 - law.cdf(t)
    return list(np.log(np.maximum(above, 1e-300) / (1.0 - p)))


def _stock_moments(law: Spliced, people: float) -> tuple[float, float]:
    """(mean, top-``people`` share) of the truncated law, with one total."""
    wm = law.w_min
    total = float(law.partial_sum(wm, 1.0))
    top = float(law.partial_sum(wm, wm + people * (1.0 - wm)))
    return total / (1.0 - wm), top / total


def fit_stock_law(rows: list[tuple[float, float]], top_people: float, top_value: float,
                  mean: float, cap: float) -> tuple[Spliced, float, dict[str, float]]:
    """Fit the stock-portfolio law. Returns the law, the scale ``k`` from the account table's
    won to today's (the table gives the shape only) and the fit's residuals.

    Least squares on: log of (model share above ``k * threshold``) / (table share above) for each
    account-table row; 2 x log(model top-share / table top-share); 10 x log(model mean / mean).
    """

    def res(theta: np.ndarray) -> np.ndarray:
        law = _spliced(theta, cap)
        k = math.exp(theta[4])
        r = _cdf_residuals(law, rows, k)
        m, top = _stock_moments(law, top_people)
        r.append(2.0 * math.log(top / top_value))
        r.append(10.0 * math.log(m / mean))
        return np.array(r)

    best = None
    for s0, sig0, q0, a0 in ((mean / 20, 2.5, 0.001, 1.5), (mean / 10, 1.5, 0.05, 1.2),
                             (mean / 50, 2.0, 0.02, 1.3)):
        if best is not None and best.cost < 0.05:
            break
        x0 = np.array([math.log(s0), math.log(sig0), float(special.logit(q0)), math.log(a0),
                       math.log(max(s0, 1.0) / 1e6)])
        lo = np.array([math.log(1.0), math.log(0.2), float(special.logit(1e-4)), math.log(0.6), -20])
        hi = np.array([math.log(1e13), math.log(5.0), float(special.logit(0.5)), math.log(6.0), 20])
        try:
            sol = optimize.least_squares(res, np.clip(x0, lo + 1e-9, hi - 1e-9), bounds=(lo, hi),
                                         method="trf", max_nfev=2000, x_scale=1.0,
                                         xtol=1e-10, ftol=1e-10)
        except (ValueError, FloatingPointError, OverflowError):  # pragma: no cover - bad start
            continue
        if best is None or sol.cost < best.cost:
            best = sol
    if best is None or not np.all(np.isfinite(best.x)):  # pragma: no cover
        raise ConfigError("calibration.stock_wealth", "account_cdf/top_share",
                          "rows a lognormal body with a Pareto tail can fit")
    law = _spliced(best.x, cap)
    k = math.exp(best.x[4])
    r = res(best.x)
    resid = {f"account_cdf[{i}]": float(v) for i, v in enumerate(r[: len(rows)])}
    resid["top_share"] = float(r[-2] / 2.0)
    resid["mean"] = float(r[-1] / 10.0)
    return law, k, resid


def fit_crypto_law(rows: list[tuple[float, float]], mean: float,
                   cap: float) -> tuple[Spliced, dict[str, float]]:
    """Fit the crypto-holdings law: least squares on the log share above each FIU threshold and
    10 x log(model mean / mean)."""

    def res(theta: np.ndarray) -> np.ndarray:
        law = _spliced(theta, cap)
        r = _cdf_residuals(law, rows)
        r.append(10.0 * math.log(law.mean / mean))
        return np.array(r)

    best = None
    for s0, sig0, q0, a0 in ((1e5, 3.4, 0.03, 1.4), (3e5, 2.0, 0.1, 1.1), (5e4, 4.0, 0.03, 1.5)):
        if best is not None and best.cost < 0.05:
            break
        x0 = np.array([math.log(s0), math.log(sig0), float(special.logit(q0)), math.log(a0)])
        lo = np.array([math.log(1.0), math.log(0.2), float(special.logit(1e-4)), math.log(0.6)])
        hi = np.array([math.log(1e13), math.log(6.0), float(special.logit(0.5)), math.log(6.0)])
        try:
            sol = optimize.least_squares(res, np.clip(x0, lo + 1e-9, hi - 1e-9), bounds=(lo, hi),
                                         method="trf", max_nfev=2000, x_scale=1.0,
                                         xtol=1e-10, ftol=1e-10)
        except (ValueError, FloatingPointError, OverflowError):  # pragma: no cover
            continue
        if best is None or sol.cost < best.cost:
            best = sol
    if best is None or not np.all(np.isfinite(best.x)):  # pragma: no cover
        raise ConfigError("calibration.crypto_wealth", "holder_cdf",
                          "rows a lognormal body with a Pareto tail can fit")
    law = _spliced(best.x, cap)
    r = res(best.x)
    resid = {f"holder_cdf[{i}]": float(v) for i, v in enumerate(r[: len(rows)])}
    resid["mean"] = float(r[-1] / 10.0)
    return law, resid


# ------------------------------------------------------------------------------------------------
# Everything fitted from a table
@dataclass(frozen=True)
class Cell:
    """People who share a holding pattern: stock holder or not, and a crypto size band."""

    name: str
    people: float            # at the table's total (scaled by represented / total at draw time)
    stock: bool              # holds listed stocks (main variable: stock rank)
    band: int                # crypto band 0..4, or -1 for no crypto
    w_hi: float              # range of the main variable's upper-tail probability
    w_lo: float
    value: float             # expected KRW held by the cell (stock + crypto)


@dataclass(frozen=True)
class Fits:
    """The fitted population model of one calibration table."""

    stock: Spliced
    stock_scale_2003: float           # today's won per 2003 won in the account-size table
    stock_residuals: dict[str, float]
    crypto: Spliced
    crypto_residuals: dict[str, float]
    crypto_bands: tuple[tuple[float, float], ...]   # (w_hi, w_lo) per FIU band
    cells: tuple[Cell, ...]
    total_people: float
    margin_window: tuple[float, float]  # (w_a, w_b): stock ranks that may use margin
    margin_prob: float                  # probability of a margin loan inside the window
    margin_stock_total: float           # expected stock holdings of margin users, KRW
    collateral_bands: tuple[tuple[float, float, float], ...]
    mix_margin: tuple[float, float, float]   # mean shares of kospi_large/small/kosdaq_theme
    mix_other: tuple[float, float, float]
    kr_lev_mean: float                  # mean fraction of the stock portfolio in KR lev ETFs
    us_lev_mean: float
    altcoin_share: float
    cash_base: float                    # broker cash per KRW of stocks (before multiples)
    deposit_base: float                 # deposits per KRW of stock + crypto (before multiples)
    behaviour_cum: tuple[float, ...]    # cumulative shares of buy_and_hold, dip_buyer, saver
    age_cum: dict[str, tuple[float, ...]] = field(default_factory=dict)


def _inv_cr_mean(bands: list[tuple[float, float, float]]) -> float:
    """E[1 / collateral ratio] with each band log-uniform."""
    return sum(sh * (1 / lo - 1 / hi) / math.log(hi / lo) for lo, hi, sh in bands)


def fit_population(cal: Calibration) -> Fits:
    """Fit the population model to a calibration table (pure; ~0.1 s)."""
    pop = cal.population
    stocks_people = pop.stock_holders.value
    crypto_people = pop.crypto_users.value
    if stocks_people <= 0:
        raise ConfigError("calibration.population.stock_holders.value", stocks_people,
                          "a positive count")
    stock_total = cal.stock_holdings_total
    crypto_total = cal.crypto_holdings_total
    sw = cal.stock_wealth
    stock, k03, sres = fit_stock_law(sw.account_cdf.value, sw.top_share.people,
                                     sw.top_share.value, stock_total / stocks_people,
                                     sw.max_holding_krw.value)
    if crypto_people > 0 and crypto_total > 0:
        crypto, cres = fit_crypto_law(cal.crypto_wealth.holder_cdf.value,
                                      crypto_total / crypto_people,
                                      cal.crypto_wealth.max_holding_krw.value)
    else:
        crypto, cres = Spliced(1e5, 1.0, 0.05, 1.5, cal.crypto_wealth.max_holding_krw.value), {}
        crypto_people = 0.0

    # crypto bands in w (upper-tail probability of the untruncated law)
    wmin_c = crypto.w_min
    edges_w = [1.0] + [float(crypto.survival_untruncated(np.array([t]))[0])
                       for t in _CRYPTO_BAND_EDGES if t < crypto.cap] + [wmin_c]
    bands = tuple((edges_w[i], edges_w[i + 1]) for i in range(len(edges_w) - 1))
    overlap = crypto_people * pop.crypto_users_holding_stocks.value
    only = crypto_people - overlap
    mean_s = stock.mean
    wmin_s = stock.w_min
    cells: list[Cell] = [Cell("stock", stocks_people - overlap, True, -1, 1.0, wmin_s,
                              (stocks_people - overlap) * mean_s)]
    if stocks_people - overlap < 0:
        raise ConfigError("calibration.population.crypto_users_holding_stocks.value",
                          pop.crypto_users_holding_stocks.value,
                          "a share with crypto_users x share <= stock_holders")
    for b, (hi, lo) in enumerate(bands):
        share = (hi - lo) / (1.0 - wmin_c)
        band_mean = float(crypto.partial_sum(lo, hi)) / max(hi - lo, 1e-300)
        people = overlap * share
        cells.append(Cell(f"stock+crypto{b}", people, True, b, 1.0, wmin_s,
                          people * (mean_s + band_mean)))
    for b, (hi, lo) in enumerate(bands):
        share = (hi - lo) / (1.0 - wmin_c)
        band_mean = float(crypto.partial_sum(lo, hi)) / max(hi - lo, 1e-300)
        people = only * share
        cells.append(Cell(f"crypto{b}", people, False, b, hi, lo, people * band_mean))
    cells = [c for c in cells if c.people > 0]

    # margin users: a window of stock ranks [w_a, w_b] (w small = rich)
    m = pop.margin_user_share.value
    bal = cal.margin.balance_krw.value
    cbands = [tuple(map(float, r)) for r in cal.margin.collateral_bands.value]
    inv_cr = _inv_cr_mean(cbands)  # type: ignore[arg-type]
    span = 1.0 - wmin_s
    w_a0 = wmin_s + cal.margin.top_excluded.value * span
    if m > 0 and bal > 0:
        need = bal / (m * stocks_people) / inv_cr   # mean stock portfolio of a margin user

        def window_mean(wa: float, wb: float) -> float:
            return float(stock.partial_sum(wa, wb)) / (wb - wa)

        width = m * span
        if w_a0 + width > 1.0:
            raise ConfigError("calibration.population.margin_user_share.value", m,
                              "a share below 1 - margin.top_excluded")
        if window_mean(w_a0, 1.0) <= need:
            if window_mean(w_a0, w_a0 + width) < need:
                raise ConfigError("calibration.margin.balance_krw.value", bal,
                                  "a balance the margin users' stock portfolios can carry at the "
                                  "table's collateral ratios")
            w_b = optimize.brentq(lambda wb: window_mean(w_a0, wb) - need, w_a0 + width, 1.0,
                                  xtol=1e-15)
            window = (w_a0, float(w_b))
        else:
            if window_mean(1.0 - width, 1.0) > need:
                raise ConfigError("calibration.margin.balance_krw.value", bal,
                                  "a balance at least the poorest margin users' loans")
            w_a = optimize.brentq(lambda wa: window_mean(wa, 1.0) - need, w_a0, 1.0 - width,
                                  xtol=1e-15)
            window = (float(w_a), 1.0)
        prob = m * span / (window[1] - window[0])
        margin_stock = stocks_people * prob / span * float(stock.partial_sum(*window))
    else:
        window, prob, margin_stock = (w_a0, 1.0), 0.0, 0.0

    # bucket mixes: margin users' mix follows the margin balance by bucket
    mb = cal.margin_by_bucket()
    mtot = sum(mb.values())
    mix_m = tuple(mb[b] / mtot for b in _STOCK) if mtot > 0 else (1 / 3, 1 / 3, 1 / 3)
    other_total = stock_total - margin_stock
    mix_o_raw = [cal.buckets[b].retail_holdings_krw - margin_stock * mix_m[i]
                 for i, b in enumerate(_STOCK)]
    for i, b in enumerate(_STOCK):
        if mix_o_raw[i] < 0:
            raise ConfigError(f"calibration.buckets.{b}.retail_share.value",
                              cal.buckets[b].retail_share.value,
                              f"a share whose holdings cover the margin users' "
                              f"{margin_stock * mix_m[i] / 1e12:.3g}T in the bucket")
    mix_o = tuple(x / other_total for x in mix_o_raw) if other_total > 0 else mix_m

    # leveraged ETFs: holders' fraction of the stock portfolio, mean set by the bucket totals
    def lev_mean(bucket: str, share_q) -> float:
        target = cal.buckets[bucket].retail_holdings_krw
        if target == 0:
            return 0.0
        p = share_q.value
        mu = target / (p * stock_total) if p > 0 and stock_total > 0 else math.inf
        if not mu < 1.0:
            raise ConfigError(f"calibration.lev_etf.{'kr' if bucket == 'kr_lev_etf' else 'us'}"
                              "_holder_share.value", p,
                              f"a share large enough to hold {target / 1e12:.3g}T "
                              f"(> {target / stock_total if stock_total else math.inf:.3g})")
        return mu

    kr_mu = lev_mean("kr_lev_etf", cal.lev_etf.kr_holder_share)
    us_mu = lev_mean("us_lev_etf", cal.lev_etf.us_holder_share)
    alt = (cal.buckets["kr_altcoin"].retail_holdings_krw / crypto_total) if crypto_total > 0 else 0.0

    # cash and deposits: bases so that expected totals match the table
    shares = cal.behaviour.shares.value
    dip = shares["dip_buyer"]
    saver = shares["deposit_saver"]
    cash_mult = cal.behaviour.dip_buyer_cash_multiple.value
    dep_mult = cal.behaviour.deposit_saver_deposit_multiple.value
    denom_cash = margin_stock + other_total * (1 + (cash_mult - 1) * dip)
    cash_base = cal.broker_cash_total / denom_cash if denom_cash > 0 else 0.0
    crypto_of_holders = crypto_total * pop.crypto_users_holding_stocks.value
    nonmargin_risky = other_total + crypto_of_holders * (1 - m)
    denom_dep = stock_total + crypto_total + (dep_mult - 1) * saver * nonmargin_risky
    dep_base = cal.deposits_total / denom_dep if denom_dep > 0 else 0.0

    beh_cum = tuple(np.cumsum([shares["buy_and_hold"], dip, saver]).tolist())
    age = cal.age
    if tuple(age.bands) != AGE_BANDS:
        raise ConfigError("calibration.age.bands", age.bands, f"exactly {list(AGE_BANDS)}")
    overall = np.array(age.stock_holders.value)
    marg = np.array(age.margin_users.value)
    nonm = np.clip((overall - m * marg) / max(1 - m, 1e-12), 0.0, None)
    nonm = nonm / nonm.sum()
    age_cum = {"margin": tuple(np.cumsum(marg).tolist()), "stock": tuple(np.cumsum(nonm).tolist()),
               "crypto": tuple(np.cumsum(age.crypto_only.value).tolist())}
    return Fits(stock=stock, stock_scale_2003=k03, stock_residuals=sres, crypto=crypto,
                crypto_residuals=cres, crypto_bands=bands, cells=tuple(cells),
                total_people=float(sum(c.people for c in cells)), margin_window=window,
                margin_prob=prob, margin_stock_total=margin_stock,
                collateral_bands=tuple(cbands),  # type: ignore[arg-type]
                mix_margin=mix_m, mix_other=mix_o,  # type: ignore[arg-type]
                kr_lev_mean=kr_mu, us_lev_mean=us_mu, altcoin_share=alt, cash_base=cash_base,
                deposit_base=dep_base, behaviour_cum=beh_cum, age_cum=age_cum)


# ------------------------------------------------------------------------------------------------
# Allocation of agents to cells and strata
def _allot(cells: tuple[Cell, ...], investors: int) -> np.ndarray:
    """Agents per cell: a (1 - IMPORTANCE) : IMPORTANCE mix of people and value shares,
    rounded by largest remainder, at least one per cell."""
    people = np.array([c.people for c in cells])
    value = np.array([c.value for c in cells])
    share = (1 - IMPORTANCE) * people / people.sum()
    if value.sum() > 0:
        share = share + IMPORTANCE * value / value.sum()
    raw = share * investors
    n = np.floor(raw).astype(np.int64)
    rest = investors - int(n.sum())
    order = np.argsort(-(raw - n), kind="stable")
    n[order[:rest]] += 1
    while (n == 0).any():
        n[np.argmax(n)] -= 1
        n[np.argmin(n)] += 1
    return n


@dataclass(frozen=True)
class _Grid:
    """Strata of one cell: position x in [0, 1] (poor to rich) -> upper-tail probability w."""

    g_nodes: np.ndarray   # increasing, 0..1
    w_nodes: np.ndarray   # decreasing, w_hi..w_lo

    def w(self, x: np.ndarray) -> np.ndarray:
        return np.interp(x, self.g_nodes, self.w_nodes)


def _grid(law: Spliced, w_hi: float, w_lo: float) -> _Grid:
    """Strata whose density in w mixes people (uniform in w) and value (Q(w))."""
    span = w_hi - w_lo
    t = np.unique(np.concatenate([np.linspace(0.0, 1.0, 257), np.logspace(-17, 0, 513),
                                  1.0 - np.logspace(-12, 0, 129)]))
    t = t[(t >= 0) & (t <= 1)]
    w = w_lo + span * t               # increasing from w_lo (rich) to w_hi (poor)
    w[0], w[-1] = w_lo, w_hi
    total = float(law.partial_sum(w_lo, w_hi))
    value_above = law.partial_sum(w_lo, w)            # value of the richer part
    g_rich = (1 - IMPORTANCE) * (w - w_lo) / span + IMPORTANCE * value_above / total
    g = 1.0 - g_rich                                   # position from the poor end
    g_nodes = g[::-1].copy()
    w_nodes = w[::-1].copy()
    g_nodes[0], g_nodes[-1] = 0.0, 1.0
    g_nodes = np.maximum.accumulate(g_nodes)
    return _Grid(g_nodes, w_nodes)


def _permutation(investors: int, entropy: int) -> tuple[int, int]:
    """``k = (a * i + b) mod investors``: a bijection of agent indices onto strata."""
    a = max(1, int(round(investors * 0.6180339887498949)))
    while math.gcd(a, investors) != 1:
        a += 1
    state = np.random.SeedSequence(entropy, spawn_key=(COLONY_STREAM, 0xFFFF)).generate_state(2)
    b = (int(state[0]) << 32 | int(state[1])) % investors
    return a % investors if investors > 1 else 0, b


# ------------------------------------------------------------------------------------------------
# Drawing agents
def _uniforms(entropy: int, purpose: int, start: int, stop: int) -> np.ndarray:
    """``[stop - start, _NCOL]`` uniforms of agents ``start..stop-1`` (whole blocks drawn)."""
    out = np.empty((stop - start, _NCOL))
    b0, b1 = start // AGENT_BLOCK, (stop - 1) // AGENT_BLOCK
    for b in range(b0, b1 + 1):
        gen = block_generator(entropy, b, purpose)
        lo = max(start, b * AGENT_BLOCK)
        hi = min(stop, (b + 1) * AGENT_BLOCK)
        if lo == b * AGENT_BLOCK and hi == (b + 1) * AGENT_BLOCK:
            gen.random(out=out[lo - start: hi - start])
        else:
            u = gen.random((AGENT_BLOCK, _NCOL))
            out[lo - start: hi - start] = u[lo - b * AGENT_BLOCK: hi - b * AGENT_BLOCK]
    return out


_KRONECKER = (0.6180339887498949, 0.4142135623730951, 0.7320508075688772)
"""Irrational steps of the systematic selections (margin users, KR and U.S. leveraged ETFs)."""


def _systematic_offsets(entropy: int, purpose: int) -> np.ndarray:
    """Random rotations (one per systematic selection) keyed by the seed."""
    ss = np.random.SeedSequence(entropy, spawn_key=(purpose, 0xFFFE))
    return np.random.Generator(np.random.SFC64(ss)).random(len(_KRONECKER))


def _systematic(j: np.ndarray, step: float, offset: float) -> np.ndarray:
    """``frac(j * step + offset)``: uniform on [0, 1) over the rotation, evenly spread over the
    strata ``j`` of a cell (so the weighted count of a selection hardly varies)."""
    return np.mod(j * step + offset, 1.0)


def _power_mean(mean: float) -> float:
    """Exponent k of ``u ** k`` (u uniform) whose mean is ``mean``: ``k = 1/mean - 1``."""
    return 1.0 / mean - 1.0 if mean > 0 else math.inf


def _pow(u: np.ndarray, k: float) -> np.ndarray:
    if math.isinf(k):
        return np.zeros_like(u)
    return u**k


def _lev_fraction(u: np.ndarray, mean: float) -> np.ndarray:
    """A holder's fraction of the stock portfolio in leveraged ETFs, mean ``mean``: uniform on
    ``[0, 2 mean]`` when ``mean <= 0.5``, else ``u ** (1/mean - 1)``."""
    if mean <= 0.5:
        return 2.0 * mean * u
    return _pow(u, _power_mean(mean))


def _weibull_unit(u: np.ndarray, d: float) -> np.ndarray:
    """Mean-1 positive noise: ``(-ln(1-u)) ** d / Gamma(1 + d)`` (d = 1: exponential)."""
    return (-np.log1p(-u)) ** d / math.gamma(1.0 + d)


def _grids(fits: Fits) -> list[_Grid]:
    return [_grid(fits.stock if c.stock else fits.crypto, c.w_hi, c.w_lo) for c in fits.cells]


def _draw(cal: Calibration, fits: Fits, investors: int, entropy: int, purpose: int,
          scale: float, start: int, stop: int, grids: list[_Grid] | None = None,
          reference: bool = False, cuts: np.ndarray | None = None,
          out: Population | None = None) -> Population:
    """Agents ``start..stop-1`` of an ``investors``-agent population (wealth deciles left 0).

    The per-agent arithmetic runs in the compiled kernel :func:`_agents_kernel`, or in its plain
    numpy twin :func:`_agents_reference` when ``GAEMI_DISABLE_JIT`` is set (or ``reference``).
    """
    n = stop - start
    cells = fits.cells
    grids = _grids(fits) if grids is None else grids
    counts = _allot(cells, investors)
    first = np.concatenate([[0], np.cumsum(counts)])
    a, b = _permutation(investors, entropy)
    idx = np.arange(start, stop, dtype=np.int64)
    k = (a * idx + b) % investors if investors > 1 else np.zeros(n, dtype=np.int64)
    cell = np.searchsorted(first, k, side="right") - 1
    j = k - first[cell]
    U = _uniforms(entropy, purpose, start, stop)
    if reference or DISABLE_JIT:
        pop = _agents_reference(cal, fits, cell, j, U, counts, grids, scale, entropy, purpose)
        if cuts is not None:
            pop.wealth_decile = np.searchsorted(cuts, pop.net_wealth, side="right").astype(np.int8)
        if out is None:
            return pop
        for f in ("weight", "holdings", "cash", "margin_loan", "behaviour", "age_band",
                  "wealth_decile"):
            getattr(out, f)[...] = getattr(pop, f)
        return out
    return _agents_compiled(cal, fits, cell, j, U, counts, grids, scale, entropy, purpose,
                            cuts, out)


def _agents_reference(cal: Calibration, fits: Fits, cell: np.ndarray, j: np.ndarray,
                      U: np.ndarray, counts: np.ndarray, grids: list[_Grid], scale: float,
                      entropy: int, purpose: int) -> Population:
    """The agents' arithmetic in plain numpy (the twin of :func:`_agents_kernel`)."""
    n = cell.shape[0]
    cells = fits.cells
    weight = np.empty(n)
    stock = np.zeros(n)
    crypto = np.zeros(n)
    is_stock = np.zeros(n, dtype=bool)
    w_stock = np.ones(n)
    for c, spec in enumerate(cells):
        sel = np.nonzero(cell == c)[0]
        if sel.size == 0:
            continue
        nc = counts[c]
        law = fits.stock if spec.stock else fits.crypto
        grid = grids[c]
        x0 = j[sel] / nc
        x1 = (j[sel] + 1) / nc
        w0 = grid.w(x0)
        w1 = grid.w(x1)
        weight[sel] = spec.people * scale * (w0 - w1) / (spec.w_hi - spec.w_lo)
        wdraw = w0 - U[sel, 0] * (w0 - w1)
        wdraw = np.clip(wdraw, spec.w_lo, spec.w_hi)
        value = law.quantile(wdraw)
        if spec.stock:
            is_stock[sel] = True
            stock[sel] = np.minimum(value, law.cap)
            w_stock[sel] = wdraw
            if spec.band >= 0:
                hi, lo = fits.crypto_bands[spec.band]
                wc = hi - U[sel, 1] * (hi - lo)
                crypto[sel] = np.minimum(fits.crypto.quantile(wc), fits.crypto.cap)
        else:
            crypto[sel] = np.minimum(value, law.cap)

    # margin users: inside the rank window with probability margin_prob, chosen systematically
    # along the strata (a rotated Kronecker sequence: exact probability, nearly exact counts)
    wa, wb = fits.margin_window
    p = fits.margin_prob
    offsets = _systematic_offsets(entropy, purpose)
    u_m = _systematic(j, _KRONECKER[0], offsets[0])
    margin = is_stock & (w_stock >= wa) & (w_stock <= wb) & (u_m < p)
    # collateral ratio, log-uniform within its band
    u_cr = np.where(margin, U[:, 2], 0.0)
    cr = np.full(n, np.inf)
    cum = 0.0
    for lo_r, hi_r, sh in fits.collateral_bands:
        inb = margin & (u_cr >= cum) & (u_cr < cum + sh)
        if sh > 0:
            v = (u_cr[inb] - cum) / sh
            cr[inb] = lo_r * (hi_r / lo_r) ** v
        cum += sh
    cr[margin & ~np.isfinite(cr)] = fits.collateral_bands[-1][1]

    # behaviour and age (the behaviour uniform is recycled for the age band)
    u_beh = U[:, 3]
    u_b = u_beh.copy()                 # recycled for the age band
    behaviour = np.full(n, BEHAVIOURS.index("crypto_only"), dtype=np.int8)
    behaviour[margin] = BEHAVIOURS.index("leveraged_trader")
    plain = is_stock & ~margin
    lo_c = 0.0
    last = len(fits.behaviour_cum) - 1
    for i, (name, hi_c) in enumerate(zip(("buy_and_hold", "dip_buyer", "deposit_saver"),
                                         fits.behaviour_cum)):
        sel = plain & (u_beh >= lo_c)
        if i < last:
            sel &= u_beh < hi_c
        behaviour[sel] = BEHAVIOURS.index(name)
        if hi_c > lo_c:
            u_b[sel] = np.clip((u_beh[sel] - lo_c) / (hi_c - lo_c), 0.0, 1.0 - 1e-16)
        lo_c = hi_c
    age = np.zeros(n, dtype=np.int8)
    for group, mask in (("margin", margin), ("stock", plain), ("crypto", ~is_stock)):
        cumv = np.asarray(fits.age_cum[group])
        age[mask] = np.minimum(np.searchsorted(cumv, u_b[mask], side="right"),
                               len(AGE_BANDS) - 1)

    # holdings
    holdings = np.zeros((n, len(BUCKETS)))
    mix_mean = np.where(margin[:, None], np.asarray(fits.mix_margin)[None, :],
                        np.asarray(fits.mix_other)[None, :])
    s1 = _mix_first(U[:, 6], mix_mean[:, 0])
    rest = 1.0 - s1
    s2 = rest * _mix_first(U[:, 7], np.where(rest > 0, mix_mean[:, 1] / np.maximum(1 - mix_mean[:, 0], 1e-300), 0.0))
    s3 = np.maximum(1.0 - s1 - s2, 0.0)
    holdings[:, _I_BUCKET["kospi_large"]] = stock * s1
    holdings[:, _I_BUCKET["kospi_small"]] = stock * s2
    holdings[:, _I_BUCKET["kosdaq_theme"]] = stock * s3
    # leveraged ETFs (the selection uniform is recycled for the fraction)
    for bucket, col, p_hold, mu in (("kr_lev_etf", 4, cal.lev_etf.kr_holder_share.value,
                                     fits.kr_lev_mean),
                                    ("us_lev_etf", 5, cal.lev_etf.us_holder_share.value,
                                     fits.us_lev_mean)):
        if mu <= 0 or p_hold <= 0:
            continue
        u_sel = _systematic(j, _KRONECKER[col - 3], offsets[col - 3])
        held = is_stock & (u_sel < p_hold)
        frac = _lev_fraction(U[held, col], mu)
        holdings[held, _I_BUCKET[bucket]] = stock[held] * frac
    alt = _pow(U[:, 8], _power_mean(fits.altcoin_share)) if fits.altcoin_share > 0 else np.zeros(n)
    holdings[:, _I_BUCKET["kr_altcoin"]] = crypto * alt
    holdings[:, _I_BUCKET["btc_eth"]] = crypto * (1.0 - alt)

    d = cal.cash.dispersion.value
    cash_mult = np.where(behaviour == BEHAVIOURS.index("dip_buyer"),
                         cal.behaviour.dip_buyer_cash_multiple.value, 1.0)
    cash = stock * fits.cash_base * cash_mult * _weibull_unit(U[:, 9], d)
    dep_mult = np.where(behaviour == BEHAVIOURS.index("deposit_saver"),
                        cal.behaviour.deposit_saver_deposit_multiple.value, 1.0)
    holdings[:, _I_BUCKET["deposit"]] = ((stock + crypto) * fits.deposit_base * dep_mult
                                         * _weibull_unit(U[:, 10], d))
    loan = np.where(margin, stock / np.where(margin, cr, 1.0), 0.0)
    return Population(weight=weight, holdings=holdings, cash=cash, margin_loan=loan,
                      behaviour=behaviour, age_band=age,
                      wealth_decile=np.zeros(n, dtype=np.int8))


# ------------------------------------------------------------------------------------------------
# The compiled twin
@njit(cache=True)
def _ndtri_scalar(p: float) -> float:
    """Inverse standard normal CDF: Acklam's rational approximation plus one Halley step with
    ``math.erfc`` (relative error ~1e-15 over (1e-300, 1))."""
    if p <= 0.0:
        return -np.inf
    if p >= 1.0:
        return np.inf
    a0, a1, a2 = -3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02
    a3, a4, a5 = 1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00
    b0, b1, b2 = -5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02
    b3, b4 = 6.680131188771972e01, -1.328068155288572e01
    c0, c1, c2 = -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00
    c3, c4, c5 = -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00
    d0, d1, d2, d3 = 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, \
        3.754408661907416e00
    if p < 0.02425:
        q = math.sqrt(-2.0 * math.log(p))
        x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / \
            ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0)
    elif p <= 1.0 - 0.02425:
        q = p - 0.5
        r = q * q
        x = (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q / \
            (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1.0)
    else:
        q = math.sqrt(-2.0 * math.log1p(-p))
        x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / \
            ((((d0 * q + d1) * q + d2) * q + d3) * q + 1.0)
    # Halley refinement on the side where the CDF is computed accurately
    if x < 0.0:
        e = 0.5 * math.erfc(-x / math.sqrt(2.0)) - p
    else:
        e = (1.0 - p) - 0.5 * math.erfc(x / math.sqrt(2.0))
    u = e * math.sqrt(2.0 * math.pi) * math.exp(0.5 * x * x)
    return x - u / (1.0 + 0.5 * x * u)


@njit(cache=True)
def _quantile_scalar(w: float, scale: float, sigma: float, tail: float, alpha: float,
                     x_t: float) -> float:
    if w > tail:
        if w >= 1.0:
            return 0.0
        return scale * math.exp(-sigma * _ndtri_scalar(w))
    return x_t * (w / tail) ** (-1.0 / alpha)


@njit(cache=True)
def _interp_scalar(x: float, xp: np.ndarray, fp: np.ndarray, lo: int, hi: int) -> float:
    """``np.interp`` on ``xp[lo:hi]`` (increasing)."""
    if x <= xp[lo]:
        return fp[lo]
    if x >= xp[hi - 1]:
        return fp[hi - 1]
    a, b = lo, hi - 1
    while b - a > 1:
        m = (a + b) >> 1
        if xp[m] <= x:
            a = m
        else:
            b = m
    dx = xp[b] - xp[a]
    if dx == 0.0:
        return fp[a]
    return fp[a] + (x - xp[a]) * (fp[b] - fp[a]) / dx


@njit(cache=True, parallel=True)
def _agents_kernel(cell, j, U, counts, cell_wscale, cell_stock, cell_band, cell_whi, cell_wlo,
                   grid_off, g_nodes, w_nodes, slaw, claw, cband_hi, cband_lo, margin_par,
                   sys_step, sys_off, cr_lo, cr_hi, cr_share, beh_cum, age_cum, mix, lev_p,
                   lev_mu, misc, cuts, weight, holdings, cash, loan, behaviour, age, decile):
    """Every agent's draw (the compiled twin of :func:`_agents_reference`; same arithmetic).

    slaw/claw: (scale, sigma, tail, alpha, x_t, cap) of the stock / crypto laws.
    margin_par: (w_a, w_b, p). misc: (alt_k, cash_base, dep_base, cash_mult, dep_mult, d,
    gamma(1 + d)). cuts: net-wealth decile cut points (empty: deciles left 0). Behaviour codes: 0 leveraged_trader, 1 buy_and_hold, 2 dip_buyer,
    3 crypto_only, 4 deposit_saver. Holdings columns follow BUCKETS.
    """
    n = cell.shape[0]
    nbands = cr_lo.shape[0]
    for i in prange(n):
        c = cell[i]
        jj = j[i]
        nc = counts[c]
        lo_g, hi_g = grid_off[c], grid_off[c + 1]
        w0 = _interp_scalar(jj / nc, g_nodes, w_nodes, lo_g, hi_g)
        w1 = _interp_scalar((jj + 1) / nc, g_nodes, w_nodes, lo_g, hi_g)
        weight[i] = cell_wscale[c] * (w0 - w1)
        wd = w0 - U[i, 0] * (w0 - w1)
        wd = min(max(wd, cell_wlo[c]), cell_whi[c])
        stock = 0.0
        crypto = 0.0
        is_stock = cell_stock[c]
        if is_stock:
            stock = min(_quantile_scalar(wd, slaw[0], slaw[1], slaw[2], slaw[3], slaw[4]), slaw[5])
            bnd = cell_band[c]
            if bnd >= 0:
                wc = cband_hi[bnd] - U[i, 1] * (cband_hi[bnd] - cband_lo[bnd])
                crypto = min(_quantile_scalar(wc, claw[0], claw[1], claw[2], claw[3], claw[4]),
                             claw[5])
        else:
            crypto = min(_quantile_scalar(wd, claw[0], claw[1], claw[2], claw[3], claw[4]),
                         claw[5])
        # margin
        u_m = (jj * sys_step[0] + sys_off[0]) % 1.0
        margin = is_stock and wd >= margin_par[0] and wd <= margin_par[1] and u_m < margin_par[2]
        cr = np.inf
        if margin:
            u = U[i, 2]
            cum = 0.0
            for bb in range(nbands):
                sh = cr_share[bb]
                if u >= cum and u < cum + sh and sh > 0.0:
                    v = (u - cum) / sh
                    cr = cr_lo[bb] * (cr_hi[bb] / cr_lo[bb]) ** v
                cum += sh
            if not np.isfinite(cr):
                cr = cr_hi[nbands - 1]
        # behaviour and age
        u_beh = U[i, 3]
        u_b = u_beh
        if margin:
            beh = 0
            grp = 0
        elif is_stock:
            grp = 1
            lo_c = 0.0
            beh = 4
            codes = (1, 2, 4)
            for q in range(3):
                hi_c = beh_cum[q]
                if u_beh >= lo_c and (q == 2 or u_beh < hi_c):
                    beh = codes[q]
                    if hi_c > lo_c:
                        u_b = min(max((u_beh - lo_c) / (hi_c - lo_c), 0.0), 1.0 - 1e-16)
                lo_c = hi_c
        else:
            beh = 3
            grp = 2
        behaviour[i] = beh
        a_band = 0
        for q in range(age_cum.shape[1]):
            if age_cum[grp, q] <= u_b:
                a_band = q + 1
        age[i] = min(a_band, age_cum.shape[1] - 1)
        # stock buckets
        mrow = 0 if margin else 1
        m0 = mix[mrow, 0]
        s1 = 0.0 if m0 <= 0.0 else U[i, 6] ** (1.0 / m0 - 1.0)
        rest = 1.0 - s1
        m1 = mix[mrow, 1] / max(1.0 - m0, 1e-300) if rest > 0.0 else 0.0
        s2 = rest * (0.0 if m1 <= 0.0 else U[i, 7] ** (1.0 / m1 - 1.0))
        s3 = max(1.0 - s1 - s2, 0.0)
        for col in range(8):
            holdings[i, col] = 0.0
        holdings[i, 0] = stock * s1
        holdings[i, 1] = stock * s2
        holdings[i, 2] = stock * s3
        for q in range(2):
            if lev_mu[q] > 0.0 and lev_p[q] > 0.0 and is_stock:
                u_sel = (jj * sys_step[q + 1] + sys_off[q + 1]) % 1.0
                if u_sel < lev_p[q]:
                    u = U[i, 4 + q]
                    if lev_mu[q] <= 0.5:
                        f = 2.0 * lev_mu[q] * u
                    else:
                        f = u ** (1.0 / lev_mu[q] - 1.0)
                    holdings[i, 3 + q] = stock * f
        alt = 0.0
        if misc[0] >= 0.0:
            alt = U[i, 8] ** misc[0]
        holdings[i, 6] = crypto * alt
        holdings[i, 5] = crypto * (1.0 - alt)
        cm = misc[3] if beh == 2 else 1.0
        e9 = -math.log1p(-U[i, 9])
        e10 = -math.log1p(-U[i, 10])
        if misc[5] != 1.0:
            e9 = e9 ** misc[5] / misc[6]
            e10 = e10 ** misc[5] / misc[6]
        cash[i] = stock * misc[1] * cm * e9
        dm = misc[4] if beh == 4 else 1.0
        holdings[i, 7] = (stock + crypto) * misc[2] * dm * e10
        ln = stock / cr if margin else 0.0
        loan[i] = ln
        if cuts.shape[0] > 0:
            nw = cash[i] - ln
            for col in range(8):
                nw += holdings[i, col]
            dec = 0
            for q in range(cuts.shape[0]):
                if cuts[q] <= nw:
                    dec = q + 1
            decile[i] = dec
        else:
            decile[i] = 0


def _agents_compiled(cal: Calibration, fits: Fits, cell: np.ndarray, j: np.ndarray,
                     U: np.ndarray, counts: np.ndarray, grids: list[_Grid], scale: float,
                     entropy: int, purpose: int, cuts: np.ndarray | None = None,
                     out: Population | None = None) -> Population:
    """Pack the fitted model into arrays and run :func:`_agents_kernel` (into ``out``)."""
    n = cell.shape[0]
    cells = fits.cells
    grid_off = np.concatenate([[0], np.cumsum([g.g_nodes.size for g in grids])]).astype(np.int64)
    g_nodes = np.concatenate([g.g_nodes for g in grids])
    w_nodes = np.concatenate([g.w_nodes for g in grids])

    def law(x: Spliced) -> np.ndarray:
        return np.array([x.scale, x.sigma, x.tail, x.alpha, x.x_t, x.cap])

    bands = np.array(fits.crypto_bands).reshape(-1, 2)
    crb = np.array(fits.collateral_bands).reshape(-1, 3)
    age_cum = np.array([fits.age_cum["margin"], fits.age_cum["stock"], fits.age_cum["crypto"]])
    d = cal.cash.dispersion.value
    alt_k = _power_mean(fits.altcoin_share) if fits.altcoin_share > 0 else -1.0
    if math.isinf(alt_k):  # pragma: no cover - altcoin share 0 handled above
        alt_k = -1.0
    misc = np.array([alt_k, fits.cash_base, fits.deposit_base,
                     cal.behaviour.dip_buyer_cash_multiple.value,
                     cal.behaviour.deposit_saver_deposit_multiple.value, d, math.gamma(1.0 + d)])
    if out is None:
        out = _empty_population(n)
    _agents_kernel(
        cell.astype(np.int64), j.astype(np.int64), np.ascontiguousarray(U),
        counts.astype(np.int64),
        np.array([c.people * scale / (c.w_hi - c.w_lo) for c in cells]),
        np.array([c.stock for c in cells]), np.array([c.band for c in cells], dtype=np.int64),
        np.array([c.w_hi for c in cells]), np.array([c.w_lo for c in cells]),
        grid_off, g_nodes, w_nodes, law(fits.stock), law(fits.crypto),
        np.ascontiguousarray(bands[:, 0]), np.ascontiguousarray(bands[:, 1]),
        np.array([*fits.margin_window, fits.margin_prob]), np.array(_KRONECKER),
        _systematic_offsets(entropy, purpose), np.ascontiguousarray(crb[:, 0]),
        np.ascontiguousarray(crb[:, 1]), np.ascontiguousarray(crb[:, 2]),
        np.array(fits.behaviour_cum), age_cum,
        np.array([fits.mix_margin, fits.mix_other]),
        np.array([cal.lev_etf.kr_holder_share.value, cal.lev_etf.us_holder_share.value]),
        np.array([fits.kr_lev_mean, fits.us_lev_mean]), misc,
        np.zeros(0) if cuts is None else np.asarray(cuts, dtype=float),
        out.weight, out.holdings, out.cash, out.margin_loan, out.behaviour, out.age_band,
        out.wealth_decile)
    return out


def _empty_population(n: int) -> Population:
    return Population(np.empty(n), np.empty((n, len(BUCKETS))), np.empty(n), np.empty(n),
                      np.empty(n, np.int8), np.empty(n, np.int8), np.empty(n, np.int8))


def _mix_first(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Share ``u ** (1/mean - 1)`` with the given mean (0 where mean is 0, 1 where it is 1)."""
    with np.errstate(divide="ignore"):
        k = np.where(mean > 0, 1.0 / np.maximum(mean, 1e-300) - 1.0, np.inf)
    out = np.where(np.isinf(k), 0.0, u ** np.where(np.isinf(k), 1.0, k))
    return out


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """Quantiles of a weighted sample (inverse of the weighted CDF, left-continuous)."""
    order = np.argsort(values, kind="stable")
    v = values[order]
    cw = np.cumsum(weights[order])
    cw /= cw[-1]
    pos = np.searchsorted(cw, qs, side="left")
    return v[np.minimum(pos, len(v) - 1)]


_PILOT_CACHE: dict[tuple[int, int, float], tuple[object, np.ndarray]] = {}


def decile_thresholds(cal: Calibration, entropy: int, scale: float = 1.0) -> np.ndarray:
    """Net-wealth cut points (9 KRW values) of the weighted deciles of the pilot population
    (:data:`PILOT_AGENTS` agents, :data:`PILOT_STREAM` streams) drawn from ``entropy``."""
    key = (id(cal), entropy, scale)
    hit = _PILOT_CACHE.get(key)
    if hit is not None and hit[0] is cal:
        return hit[1]
    pilot = _draw(cal, cal.fits, PILOT_AGENTS, entropy, PILOT_STREAM, scale, 0, PILOT_AGENTS)
    cuts = weighted_quantiles(pilot.net_wealth, pilot.weight, np.arange(1, 10) / 10.0)
    if len(_PILOT_CACHE) > 16:
        _PILOT_CACHE.clear()
    _PILOT_CACHE[key] = (cal, cuts)
    return cuts


def generate(
    calibration: Calibration,
    investors: int,
    seed: int,
    represented: float | None = None,
    shard: tuple[int, int] | None = None,
) -> Population:
    """Draw ``investors`` agents standing for ``represented`` people (default: the table's
    total, :attr:`Calibration.total_investors`: 14.10M stock holders plus the crypto users who
    hold no stock, 18.41M with the shipped table).

    ``shard=(start, stop)`` returns only agents ``start..stop-1`` of that same population: agent
    ``i`` is drawn from the counter-based stream of block ``i // AGENT_BLOCK`` keyed by ``seed``
    and sits in a stratum fixed by ``i`` and ``investors``, so the same seed gives the same agents
    whatever the shard split. Raises :class:`ConfigError` for bad arguments.
    """
    if isinstance(investors, bool) or not isinstance(investors, (int, np.integer)):
        raise ConfigError("investors", investors, f"an integer >= {MIN_INVESTORS}")
    investors = int(investors)
    if investors < MIN_INVESTORS:
        raise ConfigError("investors", investors, f"an integer >= {MIN_INVESTORS}")
    entropy = normalize_seed(seed)
    fits = calibration.fits
    if represented is None:
        scale = 1.0
    else:
        if not (isinstance(represented, (int, float)) and math.isfinite(represented)
                and represented > 0):
            raise ConfigError("represented", represented, "a positive number of people")
        scale = float(represented) / fits.total_people
    if shard is None:
        start, stop = 0, investors
    else:
        try:
            start, stop = (int(shard[0]), int(shard[1]))
        except (TypeError, ValueError, IndexError) as exc:
            raise ConfigError("shard", shard, "a pair (start, stop)") from exc
        if not 0 <= start <= stop <= investors:
            raise ConfigError("shard", shard, f"0 <= start <= stop <= investors ({investors})")
    if stop == start:
        return _empty_population(0)
    cuts = decile_thresholds(calibration, entropy, scale)
    grids = _grids(fits)
    out = _empty_population(stop - start)
    step = 64 * AGENT_BLOCK
    for lo in range(start, stop, step):
        hi = min(stop, lo + step)
        sl = slice(lo - start, hi - start)
        view = Population(*(getattr(out, f)[sl] for f in (
            "weight", "holdings", "cash", "margin_loan", "behaviour", "age_band",
            "wealth_decile")))
        _draw(calibration, fits, investors, entropy, COLONY_STREAM, scale, lo, hi, grids,
              cuts=cuts, out=view)
    return out
