"""The colony's day: margin calls, forced sales, voluntary deleveraging, dip-buying, price impact.

Pure functions over arrays; the per-agent loops are numba kernels (``GAEMI_DISABLE_JIT=1`` runs
them as plain Python). State lives in :class:`gaemi.colony.run.ShardRunner`; this module only
computes. Every rule, its parameter and its source is in ``docs/colony.md``.

One session ``t`` (prices are levels relative to the close before the shock, ``P = 1``):

1. **Exogenous move.** ``X_b(t) = X_b(t-1) (1 + r_b(t))`` from the shock.
2. **Carried impact.** Yesterday's impact ``J_b`` (log points) decays overnight by the share
   ``overnight_decay`` (``BucketParams``): the session opens from ``X_b(t) exp(-(1 - d) J_b(t-1))``.
3. **Orders, decided on yesterday's close** (constant within the day): dip-buyers with cash buy
   the buckets that closed at least ``dip_threshold`` below their pre-shock level, spending
   ``dip_rate`` of their cash, split pro rata to what they hold of those buckets.
4. **Orders that depend on today's price** ``P`` (every margin account, evaluated for a price
   vector): a margin call open for ``deadline`` sessions whose account is still short
   (collateral ``C < m L``) is met by a forced sale (반대매매) of ``S = (m L - C)/(m (1 - h) - 1)``
   at the price less the haircut ``h`` (the engine's rule,
   :func:`gaemi.instruments.margin_loan.restore_sale_amount`); otherwise a deleveraging account
   whose account equity has lost at least ``delever_threshold`` since the shock began sells
   ``delever_speed`` of what restores its pre-shock collateral ratio ``r0``:
   ``S = lam (r0 L - C)/(r0 - 1)`` (one-sided leverage targeting with partial adjustment,
   Cont-Schaanning 2017; Greenwood-Landier-Thesmar 2015). Sales are pro rata over the collateral
   buckets; proceeds repay the loan.
5. **Impact** of the day's net selling ``Q_b`` (sales minus purchases, KRW, every agent at
   once): ``i_b = K Y_b sigma_b sqrt(min(|Q_b| / V_b, q_max)) sign(Q_b)`` (:func:`impact`): the
   square-root law in the sold share of the bucket's daily turnover ``V_b``, with ``Y_b`` its
   coefficient, ``sigma_b`` its daily volatility and ``K`` the user's scale (``--impact``),
   bounded at ``q_max`` of a day's turnover. ``P_b = X_b exp(-((1 - d) J_b + i_b))``, bounded
   by the KRX rules for KRX buckets (:func:`day_bounds`). Steps 4-5 are iterated to a fixed
   point (:func:`gaemi.colony.run.simulate`): ``i <- impact(Q(P(i)))`` from ``i = 0``.
6. **Close.** The sales and purchases execute at the fixed point's prices; an account short at
   the close tops up from its cash and deposits (repaying ``L - C/m``, what it has), and one
   still short opens a call (if none is open); an account whose equity is <= 0 is marked
   wiped out (깡통계좌).

Sums over agents are exact: each agent's weighted KRW amount is rounded to 1/:data:`SCALE` won
and added as an integer, so neither the agents' order, nor the shard size, nor the number of
workers or threads can change a bit of any result (the clearing is simultaneous).
"""

from __future__ import annotations

import math

import numpy as np

from gaemi._numba import njit

SCALE = 256.0
"""Integer units per won in every sum over agents (1/256 won): exact, order-free addition. The
largest total this holds is 2^63 / 256 won = 36,000 trillion won."""

WSCALE = 65536.0
"""Integer units per investor in weighted head counts (weights need not be whole)."""

# layout of the day statistics returned by commit_day (after three blocks of B buckets)
ST_TOPUP, ST_LOAN, ST_N_FORCED, ST_N_CALLS, ST_REPAID_FORCED, ST_REPAID_VOL, ST_N_WIPED, ST_N_DELEVER, \
    ST_HAIRCUT_LOSS = range(9)
N_TAIL = 9

# layout of the per-group outcome sums returned by finish
G_INVESTORS, G_WEALTH0, G_WEALTH1, G_FORCED, G_WIPED, G_DEBT, G_LOAN0, G_LOAN1 = range(8)
N_G = 8

# flags per active agent
F_FORCED, F_WIPED, F_DELEVER, F_TOPUP = 1, 2, 4, 8


# --------------------------------------------------------------------------- closed forms
def impact(q: np.ndarray | float, coefficient: np.ndarray | float, daily_vol: np.ndarray | float,
           scale: float = 1.0, q_max: float = 1.0) -> np.ndarray:
    """Log price impact of selling the share ``q`` of a day's turnover (negative ``q``: buying).

    ``i = scale * Y * sigma * sqrt(min(|q|, q_max)) * sign(q)``: the square-root law
    ``I(Q) = Y sigma sqrt(Q/V)`` (Bouchaud et al.; Y of order 0.5-1, ../shared/colony/calibration.md
    A), concave, and bounded: selling more than ``q_max`` day's turnover moves the price no further
    in a day (the rest waits, KRX limits aside). The price is multiplied by ``exp(-i)``."""
    q = np.asarray(q, dtype=float)
    return scale * np.asarray(coefficient) * np.asarray(daily_vol) * np.sqrt(np.minimum(np.abs(q), q_max)) * np.sign(q)


def day_bounds(p_prev: np.ndarray, p_open: np.ndarray, limit: np.ndarray, breaker: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest close a bucket may reach today.

    ``limit[b]``: the KRX daily price limit (0.30; 0.60 for the 2x ETF bucket; ``inf`` outside
    KRX); ``breaker[b]``: the circuit breaker's third stage (-20 % closes the market for the day;
    x2 for the 2x bucket). The colony's own flows cannot push a KRX bucket below
    ``max(-limit, -breaker)`` in a day; a move the shock itself states (``p_open / p_prev - 1``)
    beyond it stands - it is the user's assumption - and the flows add nothing further that day.
    Upward, the flows cannot lift a KRX bucket above ``+limit`` unless the shock does."""
    move0 = p_open / p_prev - 1.0
    floor = np.maximum(-limit, -breaker)
    lo_move = np.minimum(move0, floor)
    hi_move = np.maximum(move0, limit)
    lo = np.where(np.isfinite(lo_move), p_prev * (1.0 + lo_move), 0.0)
    hi = np.where(np.isfinite(hi_move), p_prev * (1.0 + hi_move), np.inf)
    return np.maximum(lo, 0.0), hi


def call_trigger_fall(loan_to_equity: float, maintenance: float) -> float:
    """Fall at which an account bought with ``loan_to_equity`` of loan per unit of equity meets its
    call (``C/L < m``): the engine's closed form (:mod:`gaemi.instruments.margin_loan`)."""
    from gaemi.instruments.margin_loan import call_trigger_fall as f

    return f(loan_to_equity, maintenance)


# --------------------------------------------------------------------------- kernels
# The per-agent helpers take scalars only: a call of a compiled function with array arguments
# costs reference-count updates on every array (measured ~80 ns an agent, 20x the arithmetic).
@njit(cache=True)
def _fixed(x):
    """``x`` (a weighted KRW amount or head count, already scaled) as an integer: round half up."""
    return np.int64(math.floor(x + 0.5))


@njit(cache=True)
def _sale(L, C, r0, e0, call_day, delever, t, m, deadline, haircut, theta, lam):
    """(market value sold, kind 0 forced / 1 voluntary / -1 none) for an account with loan ``L``
    and collateral ``C`` at today's prices on day ``t`` (see the module docstring, step 4)."""
    if L <= 0.0 or C <= 0.0:
        return 0.0, -1
    if call_day >= 0 and t - call_day >= deadline and C < m * L:
        S = (m * L - C) / (m * (1.0 - haircut) - 1.0)
        if S > C:
            S = C
        return S, 0
    if delever and e0 > 0.0 and r0 > 1.0:
        loss = 1.0 - (C - L) / e0
        target = r0 * L
        if loss >= theta and C < target:
            S = lam * (target - C) / (r0 - 1.0)
            if S > C:
                S = C
            return S, 1
    return 0.0, -1


@njit(cache=True, nogil=True)
def margin_flows(P, u, loan, r0, e0, call_day, delever, w, midx, coll, t, m, deadline, haircut, theta, lam):
    """Weighted market value the margin accounts ``midx`` sell at prices ``P`` on day ``t``:
    int64[2, B] (row 0 forced sales, row 1 voluntary), in 1/SCALE won. Changes nothing."""
    B = P.shape[0]
    out = np.zeros((2, B), np.int64)
    for j in range(midx.shape[0]):
        a = midx[j]
        if loan[a] <= 0.0:
            continue
        C = 0.0
        for b in range(B):
            if coll[b]:
                C += u[a, b] * P[b]
        S, kind = _sale(loan[a], C, r0[a], e0[a], call_day[a], delever[a], t, m, deadline, haircut, theta, lam)
        if kind >= 0 and S > 0.0:
            f = w[a] * S / C * SCALE
            for b in range(B):
                if coll[b] and u[a, b] > 0.0:
                    out[kind, b] += _fixed(f * u[a, b] * P[b])
    return out


@njit(cache=True, nogil=True)
def dip_orders(Pprev, fallen, u, cash, dip, w, rate):
    """Weighted KRW the dip-buyers will buy today per bucket (decided on yesterday's close
    ``Pprev``): int64[B] in 1/SCALE won. Changes nothing."""
    B = Pprev.shape[0]
    out = np.zeros(B, np.int64)
    for a in range(u.shape[0]):
        if not dip[a] or cash[a] <= 0.0:
            continue
        tot = 0.0
        for b in range(B):
            if fallen[b]:
                tot += u[a, b] * Pprev[b]
        amt = rate * cash[a] if tot > 0.0 else 0.0
        if amt > 0.0:
            f = w[a] * amt / tot * SCALE
            for b in range(B):
                if fallen[b] and u[a, b] > 0.0:
                    out[b] += _fixed(f * u[a, b] * Pprev[b])
    return out


@njit(cache=True, nogil=True)
def commit_day(P, Pprev, fallen, u, cash, loan, r0, e0, call_day, flags, delever, dip, w, coll, deposit, t, m,
               deadline, haircut, theta, lam, rate, dep_share):
    """Execute day ``t`` at the fixed point's prices ``P`` (mutates ``u``, ``cash``, ``loan``,
    ``call_day``, ``flags``) and return int64[3 B + N_TAIL]: forced sales, voluntary sales and
    dip purchases per bucket (market value), then the ``ST_*`` totals (1/SCALE won; head counts
    in 1/WSCALE investors)."""
    B = P.shape[0]
    n = u.shape[0]
    out = np.zeros(3 * B + N_TAIL, np.int64)
    scratch = np.zeros(B)
    for a in range(n):
        wa = w[a]
        amt, tot = 0.0, 0.0  # the purchase and the sale, both decided on the open state
        if dip[a] and cash[a] > 0.0:
            for b in range(B):
                if fallen[b]:
                    tot += u[a, b] * Pprev[b]
            if tot > 0.0:
                amt = rate * cash[a]
        S, kind, C = 0.0, -1, 0.0
        if loan[a] > 0.0:
            for b in range(B):
                if coll[b]:
                    C += u[a, b] * P[b]
            S, kind = _sale(loan[a], C, r0[a], e0[a], call_day[a], delever[a], t, m, deadline, haircut, theta, lam)
        elif amt == 0.0:
            continue  # nothing to do today
        if amt > 0.0:  # the purchase, split on the open state (as dip_orders did)
            f = wa * amt / tot * SCALE
            for b in range(B):
                x = 0.0
                if fallen[b] and u[a, b] > 0.0:
                    out[2 * B + b] += _fixed(f * u[a, b] * Pprev[b])
                    x = amt * u[a, b] * Pprev[b] / tot
                scratch[b] = x
        if kind >= 0 and S > 0.0:
            frac = S / C
            f = wa * S / C * SCALE  # as in margin_flows: the same integers
            for b in range(B):
                if coll[b] and u[a, b] > 0.0:
                    out[kind * B + b] += _fixed(f * u[a, b] * P[b])
                    u[a, b] -= frac * u[a, b]
            if S >= C:  # everything sold: no dust left
                for b in range(B):
                    if coll[b]:
                        u[a, b] = 0.0
            proceeds = S * (1.0 - haircut) if kind == 0 else S
            repay = proceeds if proceeds < loan[a] else loan[a]
            loan[a] -= repay
            cash[a] += proceeds - repay
            if kind == 0:
                flags[a] |= F_FORCED
                out[3 * B + ST_N_FORCED] += _fixed(wa * WSCALE)
                out[3 * B + ST_REPAID_FORCED] += _fixed(wa * repay * SCALE)
                out[3 * B + ST_HAIRCUT_LOSS] += _fixed(wa * (S - proceeds) * SCALE)
            else:
                if (flags[a] & F_DELEVER) == 0:
                    out[3 * B + ST_N_DELEVER] += _fixed(wa * WSCALE)
                flags[a] |= F_DELEVER
                out[3 * B + ST_REPAID_VOL] += _fixed(wa * repay * SCALE)
        if amt > 0.0:
            for b in range(B):
                u[a, b] += scratch[b] / P[b]
            cash[a] -= amt
        L = loan[a]
        if L > 0.0:
            C = 0.0
            for b in range(B):
                if coll[b]:
                    C += u[a, b] * P[b]
            if C < m * L:  # short at the close: top up from cash, then from a share of the deposits
                need = L - C / m
                liquid = cash[a] + (dep_share * u[a, deposit] * P[deposit] if deposit >= 0 else 0.0)
                x = need if need < liquid else liquid
                if x > 0.0:
                    from_cash = x if x < cash[a] else cash[a]
                    cash[a] -= from_cash
                    if x > from_cash and deposit >= 0:
                        u[a, deposit] -= (x - from_cash) / P[deposit]
                        if u[a, deposit] < 0.0:
                            u[a, deposit] = 0.0
                    loan[a] -= x
                    flags[a] |= F_TOPUP
                    out[3 * B + ST_TOPUP] += _fixed(wa * x * SCALE)
                L = loan[a]
                if C < m * L * (1.0 - 1e-12):
                    if call_day[a] < 0:
                        call_day[a] = t
                    out[3 * B + ST_N_CALLS] += _fixed(wa * WSCALE)
                else:
                    call_day[a] = -1
            else:
                call_day[a] = -1
            if loan[a] < 1e-6:  # repaid (rounding dust)
                loan[a] = 0.0
                call_day[a] = -1
            out[3 * B + ST_LOAN] += _fixed(wa * loan[a] * SCALE)
            acct = cash[a]
            for b in range(B):
                if b != deposit:
                    acct += u[a, b] * P[b]
            if (flags[a] & F_WIPED) == 0 and acct - loan[a] <= 0.0:
                flags[a] |= F_WIPED
                out[3 * B + ST_N_WIPED] += _fixed(wa * WSCALE)
    return out


@njit(cache=True, nogil=True)
def finish(P, holdings, cash0, loan0, w, pos, u, cash, loan, flags, coll, groups, n_groups):
    """Outcome sums per group at final prices ``P``: int64[n_groups, N_G] (``G_*`` columns;
    money in 1/SCALE won, head counts in 1/WSCALE investors). ``groups``: int64[n] group of each
    agent of the shard; ``pos[i]`` is agent ``i``'s row in the active arrays ``u, cash, loan,
    flags`` or -1 (an agent with no loan and no dip-buying, whose holdings never change)."""
    n = holdings.shape[0]
    B = P.shape[0]
    out = np.zeros((n_groups, N_G), np.int64)
    for i in range(n):
        g = groups[i]
        wi = w[i]
        w0 = cash0[i] - loan0[i]
        for b in range(B):
            w0 += holdings[i, b]
        k = pos[i]
        if k < 0:
            w1 = cash0[i] - loan0[i]
            for b in range(B):
                w1 += holdings[i, b] * P[b]
            l1 = loan0[i]
            fl = 0
            debt = False
        else:
            w1 = cash[k] - loan[k]
            for b in range(B):
                w1 += u[k, b] * P[b]
            l1 = loan[k]
            fl = flags[k]
            c1 = 0.0
            for b in range(B):
                if coll[b]:
                    c1 += u[k, b] * P[b]
            debt = l1 > 0.0 and c1 < l1
        out[g, G_INVESTORS] += _fixed(wi * WSCALE)
        out[g, G_WEALTH0] += _fixed(wi * w0 * SCALE)
        out[g, G_WEALTH1] += _fixed(wi * w1 * SCALE)
        out[g, G_LOAN0] += _fixed(wi * loan0[i] * SCALE)
        out[g, G_LOAN1] += _fixed(wi * l1 * SCALE)
        if fl & F_FORCED:
            out[g, G_FORCED] += _fixed(wi * WSCALE)
        if fl & F_WIPED:
            out[g, G_WIPED] += _fixed(wi * WSCALE)
        if debt:
            out[g, G_DEBT] += _fixed(wi * WSCALE)
    return out
