"""The fused, compiled day loop: every path of a block, all holdings, all policies.

Paths run in lock-step groups of ``LANES`` (64) on each thread (``prange`` over groups). A
group walks its days once; each day is a handful of loops over the group's lanes that LLVM
turns into SIMD code (the group's state lives in one small array per quantity, and
:func:`~gaemi._numba.njit_noalias` lets LLVM gather from the market tables while writing the
state):

1. the day's row of history for every lane (from an index, drawn inline from each path's own
   SFC64 stream, or the lane's own generated future);
2. the market step (holdings, deposit, margin interest) on every lane; a holding whose collapse
   session has come (``collapse_day``, drawn per path outside the kernel by
   :func:`gaemi.engine.run.collapse_days`; docs/risks.md) grows by ``1 - drop`` on that session
   and by 1 after it, in every holding loop, the fused one-loop days included;
3. on a shared month start, every lane's saving at once;
4. a check of every rule that could act today (a goal reached, a stop-loss, a margin shortfall
   or open call, a floor crossed, a new margin-rate tier, a month start the vector step left to
   scalar code), through per-lane alarms (:func:`_look`). Lanes where none can act settle their
   peak, minimum and maximum drawdown in the same vector loop; the few where one can run the
   rest of the day, steps 2-7 of the reference, in plain scalar code at the end of
   :func:`_run_group`.

The plain, readable twin is :mod:`gaemi.engine.kernels_reference` (numpy, vectorised over
paths with masks); ``tests/engine/test_kernel_parity.py`` requires both to agree to 1e-9 on
random plans and returns (event days exactly). See that module's docstring for the order of
events within a day, which both follow exactly.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from gaemi._numba import aligned_empty, aligned_full, fma, lowest_bit, njit, njit_noalias, prange
from gaemi.engine import layout as L
from gaemi.engine.margin_draws import (draw_rate, due_amount, effective_maturity, next_boundary, push_draw,
                                       repay_draws, retire_due, settle_draws, settle_draws_call)
from gaemi.scenarios.parametric_kernel import generate_window, new_streams
from gaemi.scenarios.sfc64 import next_bootstrap_row, seed_path, sfc64_step, to_unit

INV365 = 1.0 / 365.0
LANES = 64  # paths per lock-step group: wide enough for 4- or 8-wide SIMD with unrolling
ROWS_INDEX, ROWS_BOOTSTRAP, ROWS_OWN = 0, 1, 2  # where a lane's row of the day comes from

# Per-row market tables (a row's numbers do not depend on the path).
Market = namedtuple("Market", "table term under_src dep_fixed dep_rate own_returns day_k inst_lev inst_under has_fx")
# ``table`` has one row per history row (array of structs: a lane's numbers for the day are in
# one cache line): the holdings' gross returns ``1 + r``, then these columns after them (the
# tracked fund is one of the holdings: its growth is read from its own column).
GAP, DEP_INC, UNDER = 0, 1, 2  # + number of holdings
N_EXTRA = 3
# ``under_src``: a holding whose column equals the UNDER column on every row (see
# :func:`_under_source`), or -1; ``dep_fixed``: the deposit pays the fixed annual ``dep_rate``,
# so its daily rate is ``dep_rate * gap * INV365`` (the DEP_INC column's own arithmetic) and
# need not be read.
# ``own_returns``, ``day_k``, ``inst_lev``, ``inst_under`` serve ROWS_OWN mode (generated futures):
# the window's simple returns (assets, window rows) and, per day of the window, each holding's
# cost, the gap and the deposit's daily rate (``day_k``, see :func:`_market_rows_window`),
# so that the one-loop day prices two plain holdings from the returns without a table;
# ``has_fx``: a holding is a fund on an underlying in another currency (its gross return needs the
# FX column: :func:`_fund_gross`), so the one-loop day of generated futures reads the table instead.
# The plan's policy, as the kernel reads it.
Policy = namedtuple(
    "Policy",
    "inst_weight risky_weight fee_daily inst_term deposit_weight capital saving_sched has_goal loan_to_equity "
    "maintenance deadline sale_all haircut tier_days tier_rates margin_on_contrib rebal_rule rebal_threshold "
    "graduate stop_drawdown wipeout_floor ruin_floor track_inst maturity maturity_repay extension_rate collapse_keep",
)
# One group's state: one array per quantity, one element per lane (value, alive, term_hit:
# one row per holding).
Lanes = namedtuple(
    "Lanes",
    "row deposit loan age invested interest_paid fees_paid peak max_dd min_w forced_sold forced_loss "
    "fund_growth under_growth tier_rate tier_hi risky goal_today "
    "stop_alarm dd_keep floor_alarm goal_gate call_day month m_idx goal_day stop_day first_forced n_forced n_calls "
    "wipe_day ruin_day "
    "graduated stopped nm value alive term_hit sa sb sc sw draw_p draw_s n_draw mat_due cday",
)
# The alarms make "may a rule act today?" one cheap test per lane: a lane is looked at in
# scalar code when its wealth is below ``peak * stop_alarm`` (the stop-loss; -inf when none is
# armed), at or below ``floor_alarm`` (the wipe-out or ruin floor, while not yet crossed; +inf
# while a margin call is open, and on the lane's own month start when months are not shared),
# at or above the day's goal plus ``goal_gate`` (0 until the goal is reached, then +inf), or
# when its collateral is short of the maintenance ratio. A new maximum drawdown (wealth
# below ``peak * dd_keep``, ``dd_keep = 1 - max_drawdown``) is settled in the vector loop.
# The margin loan is a book of draws (:mod:`gaemi.engine.margin_draws`: ``draw_p``, ``draw_s``,
# ``n_draw``); ``tier_rate`` caches its annual interest, sum of principal x rate, ``tier_hi`` the
# loan clock (``age``) past which a draw changes tier or matures, and ``mat_due`` whether a draw
# past maturity is to be repaid by selling. ``cday`` (one row per holding) is the session on which
# the holding collapses (:data:`NEVER`: not on this path; docs/risks.md): its gross return is
# ``collapse_keep`` (1 - drop) that session and 1 after it (:func:`_collapsed`), and it pays no
# fee from then on and can no longer be terminated.
NEVER = np.iinfo(np.int64).max


# --------------------------------------------------------------------------- market tables
@njit(cache=True, inline="always")
def _market_row(row, rate_row, returns, rates, gap_days, inst_under, inst_lev, inst_spread, inst_rate_col, inv_basis,
                fee_daily, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread, track_inst,
                table, term):
    gap = gap_days[rate_row]
    for i in range(inst_under.shape[0]):
        lev = inst_lev[i]
        cost = _holding_cost(lev, rates[rate_row, inst_rate_col[i]], gap, inv_basis[i], inst_spread[i], fee_daily[i])
        if inst_fx[i] < 0:
            r = fma(lev, returns[row, inst_under[i]], cost)
            r = -1.0 if r < -1.0 else r
            table[row, i] = 1.0 + r
            term[i, row] = inst_term[i] > 0.0 and r <= -inst_term[i]
        else:
            g, hit = _fund_gross(lev, returns[row, inst_under[i]], cost, returns[row, inst_fx[i]], inst_term[i])
            table[row, i] = g
            term[i, row] = hit
    n = inst_under.shape[0]
    table[row, n + UNDER] = 1.0 + returns[row, inst_under[track_inst]] if track_inst >= 0 else 1.0
    dep_rate = dep_rate_fixed if dep_rate_col < 0 else rates[rate_row, dep_rate_col] + dep_spread
    table[row, n + DEP_INC] = dep_rate * gap * INV365
    table[row, n + GAP] = gap


@njit(cache=True, inline="always")
def _holding_cost(lev, rate, gap, inv_basis, spread, fee_daily):
    """A holding's day apart from its underlying: ``(1 - lev) r_f - spread gap / basis - fee``,
    with ``r_f = rate gap / basis`` and ``spread`` the annual spread already times the exposure
    it is charged on (:func:`gaemi.instruments.leveraged_fund.spread_exposure`, applied in
    :func:`gaemi.engine.spec.build_spec`); its simple return is then ``lev * r_under + cost``
    (one fused multiply-add), floored at -100 %. The same arithmetic in the table, the
    generated window and the one-loop day."""
    rf = rate * gap * inv_basis
    return (1.0 - lev) * rf - spread * gap * inv_basis - fee_daily


@njit(cache=True, inline="always")
def _fund_gross(lev, r_held, cost, r_fx, cut):
    """Gross return ``(1 + R)(1 + r_fx)`` of a fund whose underlying is quoted in another
    currency, held in the plan's: the fund resets daily in its own currency, ``R = lev r_own +
    cost`` (floored at -100 %), and the holder bears the exchange rate once. ``r_held`` is the
    underlying's return converted to the plan's currency, ``(1 + r_own)(1 + r_fx) - 1``, so
    ``r_own (1 + r_fx) = r_held - r_fx`` and the gross return is ``(1 + cost)(1 + r_fx) +
    lev (r_held - r_fx)``, without a division. Returns it and whether the day terminates the
    fund (``R <= -cut``, i.e. gross ``<= (1 - cut)(1 + r_fx)``)."""
    gf = 1.0 + r_fx
    g = fma(lev, r_held - r_fx, (1.0 + cost) * gf)
    g = 0.0 if g < 0.0 else g
    return g, cut > 0.0 and g <= (1.0 - cut) * gf


@njit(cache=True, inline="always")
def _collapsed(g, d, c, keep):
    """A holding's gross return on session ``d`` given its collapse session ``c``: the market's
    ``g`` before it, ``keep`` (1 - drop) on it, 1 after it (delisted: what is left sits idle)."""
    return g if d < c else (keep if d == c else 1.0)


@njit(cache=True)
def _under_source(inst_under, inst_lev, fee_daily, track_inst):
    """The first holding that is the tracked fund's underlying itself at 1x without costs, or
    -1: its growth ``1 + fma(1, r, cost)`` with ``cost = 0 * rf - 0 * spread - 0`` (a zero) is
    ``1 + r``, the UNDER column, bit for bit (every term is finite; adding a zero leaves ``r``
    as it is but for the sign of a zero, which ``1 + r`` does not see), so the tracked
    underlying's growth can be read from that holding's column instead of being gathered
    again."""
    if track_inst < 0:
        return -1
    for i in range(inst_under.shape[0]):
        if inst_lev[i] == 1.0 and fee_daily[i] == 0.0 and inst_under[i] == inst_under[track_inst]:
            return i
    return -1


@njit(cache=True, parallel=True, nogil=True)
def market_table(returns, rates, gap_days, inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col,
                 inst_basis, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread, track_inst, rate_period):
    """Per-row gross returns ``1 + r`` of every holding (and whether the row terminates it), of
    the tracked fund and its underlying, the deposit's daily interest rate and the gap in
    calendar days, as a plain tuple in :data:`Market` order. A row's numbers depend on the row
    alone, not on the path, so they are computed once per table row; the arithmetic is exactly
    the reference's. Row ``k`` reads rates and gaps from row ``k % rate_period``."""
    n_rows = returns.shape[0]
    n_inst = inst_under.shape[0]
    table = np.empty((n_rows, n_inst + N_EXTRA))
    term = np.empty((n_inst, n_rows), dtype=np.bool_)
    inv_basis = 1.0 / inst_basis
    fee_daily = inst_expense / 252.0
    for row in prange(n_rows):
        _market_row(row, row % rate_period, returns, rates, gap_days, inst_under, inst_lev, inst_spread,
                    inst_rate_col, inv_basis, fee_daily, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread,
                    track_inst, table, term)
    under_src = _under_source(inst_under, inst_lev, fee_daily, track_inst)
    if under_src >= 0:  # the argument of _under_source, checked on every row all the same
        for row in range(n_rows):
            if table[row, under_src] != table[row, n_inst + UNDER]:
                under_src = -1
                break
    has_fx = False
    for i in range(n_inst):
        has_fx |= inst_fx[i] >= 0
    return (table, term, under_src, dep_rate_col < 0, dep_rate_fixed, np.empty((1, 1)), np.empty((1, 1)), inst_lev,
            inst_under, has_fx)


# --------------------------------------------------------------------------- group state
@njit(cache=True, inline="always")
def _lane(n, value, dtype):
    """A lane array, on a cache line's boundary (:func:`~gaemi._numba.aligned_empty`)."""
    return aligned_full(n, value, dtype)


@njit(cache=True, inline="always")
def _lane_rows(rows, n, value, dtype):
    """(rows, n) lane arrays in one block on a cache line's boundary (rows of 64 lanes stay aligned)."""
    return aligned_full(rows * n, value, dtype).reshape((rows, n))


@njit(cache=True)
def _new_lanes(n, pol, key0, key1, path0, seeded, collapse_day):
    n_inst = pol.inst_weight.shape[0]
    capital = pol.capital
    floor = max(pol.wipeout_floor * capital, pol.ruin_floor * capital)
    stop_alarm = 1.0 - pol.stop_drawdown if pol.stop_drawdown > 0.0 else -np.inf
    f8, i8, u8, b1 = np.float64, np.int64, np.uint64, np.bool_
    lanes = Lanes(
        _lane(n, 0, i8),  # row
        _lane(n, pol.deposit_weight * capital, f8), _lane(n, pol.loan_to_equity * pol.risky_weight * capital, f8),
        _lane(n, 0.0, f8), _lane(n, capital, f8), _lane(n, 0.0, f8), _lane(n, 0.0, f8),  # age, invested, interest, fees
        _lane(n, capital, f8), _lane(n, 0.0, f8), _lane(n, capital, f8),  # peak, max_dd, min_w
        _lane(n, 0.0, f8), _lane(n, 0.0, f8), _lane(n, 1.0, f8), _lane(n, 1.0, f8),  # forced_sold, forced_loss, growths
        _lane(n, 0.0, f8), _lane(n, -np.inf, f8),  # tier_rate, tier_hi (-inf: look the tier up on the next day owing)
        _lane(n, 0.0, f8), _lane(n, 0.0, f8),  # risky, goal_today
        _lane(n, stop_alarm, f8), _lane(n, 1.0, f8),  # stop_alarm, dd_keep
        _lane(n, floor, f8), _lane(n, 0.0, f8),  # floor_alarm, goal_gate
        _lane(n, -1, i8), _lane(n, 0, i8), _lane(n, 0, i8),  # call_day, month, m_idx
        _lane(n, -1, i8), _lane(n, -1, i8), _lane(n, -1, i8),  # goal_day, stop_day, first_forced
        _lane(n, 0, i8), _lane(n, 0, i8), _lane(n, -1, i8), _lane(n, -1, i8),  # n_forced, n_calls, wipe, ruin days
        _lane(n, False, b1), _lane(n, False, b1), _lane(n, False, b1),  # graduated, stopped, nm
        _lane_rows(n_inst, n, 0.0, f8), _lane_rows(n_inst, n, True, b1), _lane_rows(n_inst, n, False, b1),
        _lane(n, 0, u8), _lane(n, 0, u8), _lane(n, 0, u8), _lane(n, 0, u8),
        _lane_rows(L.MAX_DRAWS, n, 0.0, f8), _lane_rows(L.MAX_DRAWS, n, 0.0, f8), _lane(n, 0, i8),
        _lane(n, False, b1),  # the margin draws' book, whether a draw is due
        _lane_rows(n_inst, n, NEVER, i8),  # collapse sessions
    )
    if collapse_day.shape[1] > 0:  # (holdings, lanes), -1 = never
        for i in range(n_inst):
            for l in range(n):
                c = collapse_day[i, l]
                lanes.cday[i, l] = c if c >= 0 else NEVER
    first = pol.loan_to_equity * pol.risky_weight * capital
    if first > 0.0:  # the initial loan is the first draw
        for l in range(n):
            lanes.draw_p[0, l] = first
            lanes.n_draw[l] = 1
    for i in range(n_inst):
        for l in range(n):
            lanes.value[i, l] = pol.inst_weight[i] * capital * (1.0 + pol.loan_to_equity)
    if seeded:
        state = np.empty(4, dtype=np.uint64)
        for l in range(n):
            seed_path(state, key0, key1, path0 + l)
            lanes.sa[l] = state[0]
            lanes.sb[l] = state[1]
            lanes.sc[l] = state[2]
            lanes.sw[l] = state[3]
    return lanes


@njit(cache=True)
def _write_outputs(lanes, f_out, i_out):
    for l in range(lanes.row.shape[0]):
        f_out[l, L.END_WEALTH] = lanes.risky[l] + lanes.deposit[l] - lanes.loan[l]
        f_out[l, L.END_LOAN] = lanes.loan[l]
        f_out[l, L.END_DEPOSIT] = lanes.deposit[l]
        f_out[l, L.END_RISKY] = lanes.risky[l]
        f_out[l, L.INTEREST_PAID] = lanes.interest_paid[l]
        f_out[l, L.INVESTED] = lanes.invested[l]
        f_out[l, L.MAX_DRAWDOWN] = lanes.max_dd[l]
        f_out[l, L.MIN_WEALTH] = lanes.min_w[l]
        f_out[l, L.FORCED_SOLD] = lanes.forced_sold[l]
        f_out[l, L.FORCED_LOSS] = lanes.forced_loss[l]
        f_out[l, L.FEES_PAID] = lanes.fees_paid[l]
        f_out[l, L.FUND_GROWTH] = lanes.fund_growth[l]
        f_out[l, L.UNDER_GROWTH] = lanes.under_growth[l]
        i_out[l, L.RUIN_DAY] = lanes.ruin_day[l]
        i_out[l, L.GOAL_DAY] = lanes.goal_day[l]
        i_out[l, L.GRADUATED] = 1 if lanes.graduated[l] else 0
        i_out[l, L.FIRST_FORCED_DAY] = lanes.first_forced[l]
        i_out[l, L.N_FORCED] = lanes.n_forced[l]
        i_out[l, L.WIPEOUT_DAY] = lanes.wipe_day[l]
        i_out[l, L.STOP_DAY] = lanes.stop_day[l]
        i_out[l, L.N_CALLS] = lanes.n_calls[l]
        first = NEVER
        for i in range(lanes.cday.shape[0]):
            c = lanes.cday[i, l]
            first = c if c < first else first
        i_out[l, L.COLLAPSE_DAY] = first if first != NEVER else -1


# --------------------------------------------------------------------------- per-lane helpers
@njit(cache=True, inline="always")
def _look(wealth, risky, loan, peak, goal_line, stop_alarm, floor_alarm, force, maintenance):
    """May a rule act on this lane today? True when ``force``d, at or above the goal line, below
    ``peak * stop_alarm`` (the stop-loss), at or below ``floor_alarm`` (+inf while a margin call
    is open or on a lane's own month start), or with a loan whose collateral is short of the
    maintenance ratio. Scalars only (no arrays: see :func:`_run_group`)."""
    return (force | (wealth >= goal_line) | (wealth < peak * stop_alarm) | (wealth <= floor_alarm)
            | ((loan > 0.0) & (risky > 0.0) & (risky < maintenance * loan)))


@njit(cache=True, inline="always")
def _bookkeep(special, wealth, peak, min_w, dd_keep):
    """Step 7 for a lane no rule acts on today: its peak and minimum, and whether its drawdown
    may be a new maximum (``wealth < peak * dd_keep``, ``dd_keep == 1 - max_dd``). The drawdown
    itself, ``1 - wealth / peak``, is computed only for those lanes, in scalar code after the
    day's loops (a vector division costs ~2 cycles a lane-day; a new maximum is rare), with the
    reference's arithmetic. A ``special`` lane keeps them for the scalar step. Returns (peak,
    min_w, deeper)."""
    pk = wealth if wealth > peak else peak
    deeper = (not special) & (pk > 0.0) & (wealth < pk * dd_keep)
    return peak if special else pk, min_w if (special | (wealth >= min_w)) else wealth, deeper


@njit(cache=True, inline="always")
def _accrue(deposit, dep_inc, loan, age, gap, tier_rate, tier_hi):
    """A day's deposit interest, the loan clock, whether a draw left its cached tier (or
    matured), and the loan's interest at the cached tiers, ``tier_rate`` being the sum of
    principal x rate (step 1 of the reference, same arithmetic). The clock only grows between
    resets to 0, so passing ``tier_hi`` is the only way a draw's rate changes."""
    deposit = deposit + deposit * dep_inc if deposit > 0.0 else deposit
    owes = loan > 0.0
    age = age + gap if owes else age
    retier = owes & (age > tier_hi)
    interest = tier_rate * gap * INV365
    return deposit, age, retier, interest, owes


@njit(cache=True, inline="always")
def _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol):
    """Settle lane ``l``'s draws at its loan clock (:func:`~gaemi.engine.margin_draws.settle_draws`):
    cache the annual interest, the next change and whether a draw is due."""
    tier_rate[l], tier_hi[l], mat_due[l] = settle_draws_call(l, age[l], draw_p, draw_s, n_draw, pol.tier_days,
                                                             pol.tier_rates, pol.maturity, pol.maturity_repay,
                                                             pol.extension_rate)


@njit(cache=True, inline="always")
def _repay_with(l, proceeds, loan_l, dep_l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol):
    """A sale's ``proceeds`` repay lane ``l``'s loan (the interest, then the oldest draws); what is
    left over goes to the deposit. Returns (loan, deposit)."""
    if proceeds >= loan_l:
        _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)
        return 0.0, dep_l + (proceeds - loan_l)
    repay_draws(l, proceeds, loan_l, draw_p, draw_s, n_draw)
    _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
    return loan_l - proceeds, dep_l


@njit(cache=True, inline="always")
def _sell_pro_rata(l, sold, risky_now, value):
    """Sell ``sold`` of lane ``l``'s holdings pro rata (everything when it is all of them);
    returns what is left."""
    frac = sold / risky_now
    for i in range(value.shape[0]):
        value[i, l] -= value[i, l] * frac
    if frac >= 1.0:
        for i in range(value.shape[0]):
            value[i, l] = 0.0
        return 0.0
    return risky_now - sold


@njit(cache=True, inline="always")
def _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw):
    """Lane ``l`` owes nothing: an empty book, the clock back at 0."""
    age[l] = 0.0
    tier_rate[l] = 0.0
    tier_hi[l] = -np.inf
    mat_due[l] = False
    n_draw[l] = 0


@njit(cache=True)
def _one_loop_days(pol, new_month, goal_target):
    """Whether the group's ordinary days (not month starts) run as one loop over lanes: two
    holdings that cannot be terminated, a month calendar and goal shared by the lanes and no
    rebalancing."""
    inst_term = pol.inst_term
    plain = inst_term.shape[0] == 2
    for i in range(inst_term.shape[0]):
        plain &= inst_term[i] <= 0.0
    return plain and new_month.shape[0] == 1 and pol.rebal_rule == L.REBAL_NONE and goal_target.shape[0] == 1


# --------------------------------------------------------------------------- the group's days
@njit_noalias(cache=True, nogil=True, error_model="numpy")
def _run_group(mode, lanes, mkt, pol, index, new_month, goal_target, p_restart, n_days, d_start, d_stop,
               month_wealth, f_out, i_out):
    """Simulate one group of paths (``lanes``) on days ``d_start .. d_stop`` of ``n_days``; after
    the last day, writes its rows of the outputs.

    ``index`` (lanes, days) gives the rows in ``ROWS_INDEX`` mode; in ``ROWS_OWN`` mode lane ``l``
    reads row ``(d - d_start) * lanes + l`` of the market table; ``new_month`` and
    ``goal_target`` have one row per lane, or one shared row; ``month_wealth`` is
    (months, lanes).

    Written as one function on purpose: every array is bound to a local name once, before the
    day loop. Taking an array out of a tuple, or passing it to a function, costs numba a pair
    of atomic reference-count updates; done per lane-day they cost more than the simulation.
    The rare steps (lanes whose bit is set in the day's mask ``todo``) are the reference's steps 2-7
    in scalar code.
    """
    n = lanes.row.shape[0]
    n_rows = mkt.table.shape[0]
    # the group's state
    row = lanes.row
    deposit, loan, age, invested = lanes.deposit, lanes.loan, lanes.age, lanes.invested
    interest_paid, fees_paid, peak, max_dd, min_w = (lanes.interest_paid, lanes.fees_paid, lanes.peak, lanes.max_dd,
                                                     lanes.min_w)
    forced_sold, forced_loss, fund_growth, under_growth = (lanes.forced_sold, lanes.forced_loss, lanes.fund_growth,
                                                           lanes.under_growth)
    tier_rate, tier_hi, risky = lanes.tier_rate, lanes.tier_hi, lanes.risky
    stop_alarm, dd_keep, floor_alarm, goal_gate = lanes.stop_alarm, lanes.dd_keep, lanes.floor_alarm, lanes.goal_gate
    goal_today = lanes.goal_today
    call_day, month, m_idx, goal_day, stop_day = lanes.call_day, lanes.month, lanes.m_idx, lanes.goal_day, lanes.stop_day
    first_forced, n_forced, n_calls, wipe_day, ruin_day = (lanes.first_forced, lanes.n_forced, lanes.n_calls,
                                                           lanes.wipe_day, lanes.ruin_day)
    graduated, stopped, new_today = lanes.graduated, lanes.stopped, lanes.nm
    value, alive, term_hit = lanes.value, lanes.alive, lanes.term_hit
    sa, sb, sc, sw = lanes.sa, lanes.sb, lanes.sc, lanes.sw
    draw_p, draw_s, n_draw, mat_due = lanes.draw_p, lanes.draw_s, lanes.n_draw, lanes.mat_due
    cday = lanes.cday
    n_inst = value.shape[0]
    # the market tables
    table, term = mkt.table, mkt.term
    c_gap, c_dep, c_under = n_inst + GAP, n_inst + DEP_INC, n_inst + UNDER
    track = pol.track_inst
    # the policy
    inst_weight, fee_daily, inst_term, saving_sched = pol.inst_weight, pol.fee_daily, pol.inst_term, pol.saving_sched
    tier_days, tier_rates = pol.tier_days, pol.tier_rates
    maturity, maturity_repay = pol.maturity, pol.maturity_repay
    has_margin = pol.loan_to_equity > 0.0
    rate0 = draw_rate(0.0, tier_days, tier_rates, maturity, pol.extension_rate)  # a new draw's rate
    bound0 = next_boundary(0.0, tier_days, effective_maturity(maturity, maturity_repay, pol.extension_rate))
    risky_weight = pol.risky_weight
    deposit_weight = pol.deposit_weight
    loan_to_equity = pol.loan_to_equity
    margin_on_contrib = pol.margin_on_contrib
    rebal_rule = pol.rebal_rule
    rebal_threshold = pol.rebal_threshold
    has_goal = pol.has_goal
    graduate = pol.graduate
    stop_drawdown = pol.stop_drawdown
    stop_on = stop_drawdown > 0.0
    stop_mult = 1.0 - stop_drawdown
    maintenance = pol.maintenance
    deadline = pol.deadline
    sale_all = pol.sale_all
    haircut = pol.haircut
    wipe_f = pol.wipeout_floor
    ruin_f = pol.ruin_floor
    threshold_rule = rebal_rule == L.REBAL_THRESHOLD
    scale = n_rows / p_restart
    nm_step = 1 if new_month.shape[0] > 1 else 0
    g_step = 1 if goal_target.shape[0] > 1 else 0
    n_months = month_wealth.shape[0]
    # a shared month calendar and no rebalancing: month starts are added for every lane at once
    lockstep_months = nm_step == 0 and rebal_rule == L.REBAL_NONE
    buy = np.zeros(n_inst)
    # one or two holdings, none of which can be terminated: the holdings step as one loop
    plain = 1 <= n_inst <= 2
    for i in range(n_inst):
        plain &= inst_term[i] <= 0.0
    plain2 = _one_loop_days(pol, new_month, goal_target) and not (mode == ROWS_OWN and mkt.has_fx)
    under_held = mkt.under_src >= 0
    under_1 = mkt.under_src == 1
    c_usrc = mkt.under_src if under_held else c_under  # where the tracked underlying's growth is read
    dep_fixed = mkt.dep_fixed
    dep_rate = mkt.dep_rate
    own_rows = mode == ROWS_OWN
    own_ret, day_k = mkt.own_returns, mkt.day_k
    lev0 = mkt.inst_lev[0] if n_inst > 0 else 1.0
    lev1 = mkt.inst_lev[1] if n_inst > 1 else 1.0
    u0 = mkt.inst_under[0] if n_inst > 0 else 0
    u1 = mkt.inst_under[1] if n_inst > 1 else 0
    ut = mkt.inst_under[track] if track >= 0 else 0
    c_kgap = n_inst  # day_k: each holding's cost of the day, then the gap and the deposit's rate
    fee0 = fee_daily[0] if n_inst > 0 else 0.0
    fee1 = fee_daily[1] if n_inst > 1 else 0.0
    keep_c = pol.collapse_keep
    keep0 = keep_c[0] if n_inst > 0 else 1.0
    keep1 = keep_c[1] if n_inst > 1 else 1.0
    for l in range(n):
        new_today[l] = False
    if d_start == 0:  # months a lane does not reach stay NaN (the outputs' contract)
        for m in range(n_months):
            for l in range(n):
                month_wealth[m, l] = np.nan

    for d in range(d_start, d_stop):
        # 1. the day's rows (ROWS_OWN: lane l reads row own + l; the loops below use that directly,
        # mode being a compile-time constant, so their reads are contiguous loads, not gathers)
        own = np.uint64((d - d_start) * n)
        if mode == ROWS_INDEX:
            for l in range(n):
                row[l] = index[l, d]
        elif mode == ROWS_BOOTSTRAP:  # as sfc64.bootstrap_rows: one draw a day decides and places a restart
            first = d == 0
            for l in range(n):
                x, sa[l], sb[l], sc[l], sw[l] = sfc64_step(sa[l], sb[l], sc[l], sw[l])
                row[l] = next_bootstrap_row(to_unit(x), row[l], n_rows, p_restart, scale, first)
        else:
            for l in range(n):
                row[l] = own + np.uint64(l)

        # 1. market: holdings (fees on the day's opening value), termination
        any_term = False
        todo = np.uint64(0)  # the lanes a rule may act on today, one bit each
        deep = np.uint64(0)  # lanes whose drawdown may be a new maximum (and no rule acts on)
        fused = plain2 and not new_month[0, d]
        if has_margin:
            # a draw that changes tier or matures over today's gap: settle the lane's book at the
            # clock it reaches today, before the accrual, so the vector loops charge today's
            # interest at the right rates (a lane with a draw due for repayment is then special
            # there: mat_due forces it into the scalar step)
            settle = np.uint64(0)
            if own_rows:
                gp_own = day_k[d - d_start, c_kgap]
                for l in range(n):
                    settle |= np.uint64((loan[l] > 0.0) & (age[l] + gp_own > tier_hi[l])) << np.uint64(l)
            else:
                for l in range(n):
                    gp_l = table[np.uint64(row[l]), c_gap]
                    settle |= np.uint64((loan[l] > 0.0) & (age[l] + gp_l > tier_hi[l])) << np.uint64(l)
            while settle:
                l = np.int64(lowest_bit(settle))
                settle &= settle - np.uint64(1)
                gp_l = day_k[d - d_start, c_kgap] if own_rows else table[np.uint64(row[l]), c_gap]
                tier_rate[l], tier_hi[l], mat_due[l] = settle_draws(
                    l, age[l] + gp_l, draw_p, draw_s, n_draw, tier_days, tier_rates, maturity, maturity_repay,
                    pol.extension_rate)
        if fused:
            # two plain holdings, shared months and goal, not a month start: the whole vector part
            # of the day (holdings, accrual, alarms) as one loop; the holdings' growth from the
            # lanes' own generated returns (ROWS_OWN: contiguous, priced here), or gathered from
            # the table's rows
            tgt = goal_target[0, d]
            if own_rows:
                k = d - d_start
                q0 = np.uint64(k * n)  # unsigned: no wraparound test, so contiguous loads rather than gathers
                cost0, cost1 = day_k[k, 0], day_k[k, 1]
                gp = day_k[k, c_kgap]
                dinc = day_k[k, c_kgap + 1]
                for l in range(n):
                    q = q0 + np.uint64(l)
                    v0 = value[0, l]
                    v1 = value[1, l]
                    x0 = fma(lev0, own_ret[u0, q], cost0)  # _market_row's arithmetic
                    x1 = fma(lev1, own_ret[u1, q], cost1)
                    g0 = 1.0 + (-1.0 if x0 < -1.0 else x0)
                    g1 = 1.0 + (-1.0 if x1 < -1.0 else x1)
                    c0 = cday[0, l]
                    c1 = cday[1, l]
                    fees_paid[l] = fma(v1, fee1 if d < c1 else 0.0, fma(v0, fee0 if d < c0 else 0.0, fees_paid[l]))
                    y0 = v0 * _collapsed(g0, d, c0, keep0)
                    y1 = v1 * _collapsed(g1, d, c1, keep1)
                    value[0, l] = y0
                    value[1, l] = y1
                    rk = y0 + y1
                    risky[l] = rk
                    fund_growth[l] *= g0 if track == 0 else (g1 if track == 1 else 1.0)
                    under_growth[l] *= (g1 if under_1 else g0) if under_held else (
                        1.0 + own_ret[ut, q] if track >= 0 else 1.0)
                    ln = loan[l]
                    ip = interest_paid[l]
                    dp, ag, retier, interest, owes = _accrue(deposit[l], dinc, ln, age[l], gp, tier_rate[l], tier_hi[l])
                    deposit[l] = dp
                    age[l] = ag
                    charge = owes & (not retier)
                    ln = ln + interest if charge else ln
                    loan[l] = ln
                    interest_paid[l] = ip + interest if charge else ip
                    pk = peak[l]
                    wl = rk + dp - ln
                    sp = _look(wl, rk, ln, pk, tgt + goal_gate[l], stop_alarm[l], floor_alarm[l],
                               retier | threshold_rule | mat_due[l], maintenance)
                    todo |= np.uint64(sp) << np.uint64(l)
                    peak[l], min_w[l], deeper = _bookkeep(sp, wl, pk, min_w[l], dd_keep[l])
                    deep |= np.uint64(deeper) << np.uint64(l)
            else:
                for l in range(n):
                    r = own + np.uint64(l) if own_rows else np.uint64(row[l])  # (unsigned: no wraparound test)
                    v0 = value[0, l]
                    v1 = value[1, l]
                    g0 = table[r, 0]
                    g1 = table[r, 1]
                    c0 = cday[0, l]
                    c1 = cday[1, l]
                    fees_paid[l] = fma(v1, fee1 if d < c1 else 0.0, fma(v0, fee0 if d < c0 else 0.0, fees_paid[l]))
                    y0 = v0 * _collapsed(g0, d, c0, keep0)
                    y1 = v1 * _collapsed(g1, d, c1, keep1)
                    value[0, l] = y0
                    value[1, l] = y1
                    rk = y0 + y1
                    risky[l] = rk
                    fund_growth[l] *= g0 if track == 0 else (g1 if track == 1 else 1.0)
                    under_growth[l] *= (g1 if under_1 else g0) if under_held else table[r, c_under]
                    ln = loan[l]
                    ip = interest_paid[l]
                    gp = table[r, c_gap]
                    dinc = dep_rate * gp * INV365 if dep_fixed else table[r, c_dep]
                    dp, ag, retier, interest, owes = _accrue(deposit[l], dinc, ln, age[l], gp, tier_rate[l], tier_hi[l])
                    deposit[l] = dp
                    age[l] = ag
                    charge = owes & (not retier)
                    ln = ln + interest if charge else ln
                    loan[l] = ln
                    interest_paid[l] = ip + interest if charge else ip
                    pk = peak[l]
                    wl = rk + dp - ln
                    sp = _look(wl, rk, ln, pk, tgt + goal_gate[l], stop_alarm[l], floor_alarm[l],
                               retier | threshold_rule | mat_due[l], maintenance)
                    todo |= np.uint64(sp) << np.uint64(l)
                    peak[l], min_w[l], deeper = _bookkeep(sp, wl, pk, min_w[l], dd_keep[l])
                    deep |= np.uint64(deeper) << np.uint64(l)
        elif plain and n_inst == 1:  # the common cases in one pass: each lane's sums stay in registers
            for l in range(n):
                v0 = value[0, l]
                g0 = table[own + np.uint64(l) if own_rows else np.uint64(row[l]), 0]
                c0 = cday[0, l]
                fees_paid[l] += v0 * (fee0 if d < c0 else 0.0)
                y0 = v0 * _collapsed(g0, d, c0, keep0)
                value[0, l] = y0
                risky[l] = y0
                fund_growth[l] *= g0 if track == 0 else 1.0
        elif plain:
            for l in range(n):
                r = own + np.uint64(l) if own_rows else np.uint64(row[l])  # (unsigned: no wraparound test)
                v0 = value[0, l]
                v1 = value[1, l]
                g0 = table[r, 0]
                g1 = table[r, 1]
                c0 = cday[0, l]
                c1 = cday[1, l]
                fees_paid[l] = (fees_paid[l] + v0 * (fee0 if d < c0 else 0.0)) + v1 * (fee1 if d < c1 else 0.0)
                y0 = v0 * _collapsed(g0, d, c0, keep0)
                y1 = v1 * _collapsed(g1, d, c1, keep1)
                value[0, l] = y0
                value[1, l] = y1
                risky[l] = y0 + y1
                fund_growth[l] *= g0 if track == 0 else (g1 if track == 1 else 1.0)
        else:
            for l in range(n):
                risky[l] = 0.0
        for i in range(n_inst if plain else 0, n_inst):
            fee = fee_daily[i]
            keep = keep_c[i]
            if inst_term[i] > 0.0:  # a fund that can be terminated: held, and the row's drop deep enough
                for l in range(n):
                    r = own + np.uint64(l) if own_rows else np.uint64(row[l])  # (unsigned: no wraparound test)
                    v = value[i, l]
                    c = cday[i, l]
                    hit = term[i, r] and v != 0.0 and d < c
                    term_hit[i, l] = hit
                    any_term |= hit
                    fees_paid[l] += v * (fee if d < c else 0.0)
                    g = table[r, i]
                    y = v * _collapsed(g, d, c, keep)
                    value[i, l] = y
                    risky[l] += y
                    if i == track:
                        fund_growth[l] *= g
            elif i == track:  # the tracked fund's own growth, held or not (the drag report)
                for l in range(n):
                    v = value[i, l]
                    c = cday[i, l]
                    fees_paid[l] += v * (fee if d < c else 0.0)
                    g = table[np.uint64(row[l]), i]
                    y = v * _collapsed(g, d, c, keep)
                    value[i, l] = y
                    risky[l] += y
                    fund_growth[l] *= g
            else:
                for l in range(n):
                    v = value[i, l]
                    c = cday[i, l]
                    fees_paid[l] += v * (fee if d < c else 0.0)
                    y = v * _collapsed(table[np.uint64(row[l]), i], d, c, keep)
                    value[i, l] = y
                    risky[l] += y
        if any_term:  # the fund's remaining value goes to the deposit
            for l in range(n):
                hit_any = False
                for i in range(n_inst):
                    if term_hit[i, l]:
                        hit_any = True
                        deposit[l] += value[i, l]
                        value[i, l] = 0.0
                        alive[i, l] = False
                        term_hit[i, l] = False
                if hit_any:
                    total = 0.0
                    for i in range(n_inst):
                        total += value[i, l]
                    risky[l] = total

        # 1. deposit interest, the loan's age and its interest at the cached tier (체차); then
        # 4-7: which lanes may see a rule act today (their alarms, :func:`_look`); the others
        # only update their peak and minimum. On a shared month start the saving (step 2) comes
        # between the two, so they run as separate loops; on other days as one.
        if not lockstep_months:
            for l in range(n):
                nm = new_month[l * nm_step, d]
                new_today[l] = nm
                floor_alarm[l] = np.inf if nm else floor_alarm[l]  # the scalar step restores it
        if fused:
            pass
        elif g_step == 0:
            tgt = goal_target[0, d]
            for l in range(n):
                goal_today[l] = tgt
        else:
            for l in range(n):
                goal_today[l] = goal_target[l, d]
        month_start = lockstep_months and new_month[0, d]
        if month_start:
            settle = np.uint64(0)  # lanes whose loan entered a new rate tier today
            for l in range(n):
                r = own + np.uint64(l) if own_rows else np.uint64(row[l])  # (unsigned: no wraparound test)
                under_growth[l] *= table[r, c_usrc]  # all ones when no fund is tracked
                ln = loan[l]
                ip = interest_paid[l]
                gp = table[r, c_gap]
                dinc = dep_rate * gp * INV365 if dep_fixed else table[r, c_dep]
                dp, ag, retier, interest, owes = _accrue(deposit[l], dinc, ln, age[l], gp, tier_rate[l], tier_hi[l])
                deposit[l] = dp
                age[l] = ag
                charge = owes & (not retier)  # a new tier's interest is settled below
                loan[l] = ln + interest if charge else ln
                interest_paid[l] = ip + interest if charge else ip
                settle |= np.uint64(retier) << np.uint64(l)
        elif not fused:
            for l in range(n):
                r = own + np.uint64(l) if own_rows else np.uint64(row[l])  # (unsigned: no wraparound test)
                under_growth[l] *= table[r, c_usrc]
                ln = loan[l]
                ip = interest_paid[l]
                gp = table[r, c_gap]
                dinc = dep_rate * gp * INV365 if dep_fixed else table[r, c_dep]
                dp, ag, retier, interest, owes = _accrue(deposit[l], dinc, ln, age[l], gp, tier_rate[l], tier_hi[l])
                deposit[l] = dp
                age[l] = ag
                charge = owes & (not retier)  # a new tier's interest is charged in the scalar step
                ln = ln + interest if charge else ln
                loan[l] = ln
                interest_paid[l] = ip + interest if charge else ip
                rk = risky[l]
                pk = peak[l]
                wl = rk + dp - ln
                sp = _look(wl, rk, ln, pk, goal_today[l] + goal_gate[l], stop_alarm[l], floor_alarm[l],
                           retier | threshold_rule | mat_due[l], maintenance)
                todo |= np.uint64(sp) << np.uint64(l)
                peak[l], min_w[l], deeper = _bookkeep(sp, wl, pk, min_w[l], dd_keep[l])
                deep |= np.uint64(deeper) << np.uint64(l)
        if month_start:
            while settle:  # the saving is added after the interest: settle new tiers first
                l = np.int64(lowest_bit(settle))
                settle &= settle - np.uint64(1)
                _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
                interest = tier_rate[l] * table[row[l], c_gap] * INV365
                loan[l] += interest
                interest_paid[l] += interest
                if mat_due[l]:  # a draw to repay by selling: the scalar step
                    todo |= np.uint64(1) << np.uint64(l)
            # 2. the month's saving, for every lane at once (lanes where the saving first repays
            #    a loan, or a holding was terminated, are left to the scalar step: new_today)
            mo = month[0] + 1
            cash = saving_sched[mo - 1]
            risky_cash = cash * risky_weight
            borrow = loan_to_equity * risky_cash if margin_on_contrib else 0.0
            for i in range(n_inst):
                buy[i] = (risky_cash + borrow) * inst_weight[i] / risky_weight
            for l in range(n):  # whether a holding was terminated (new_today as scratch)
                new_today[l] = False
            for i in range(n_inst):
                for l in range(n):
                    new_today[l] |= not alive[i, l]
            for l in range(n):
                dead = new_today[l]
                safe = graduated[l] | stopped[l]
                scalar = (cash > 0.0) & (((loan[l] > 0.0) & (risky[l] <= 0.0)) | (dead & ~safe))
                new_today[l] = scalar
                # the rest as selects, not branches, so that the loop compiles to vector code
                keep = not scalar
                month[l] = mo if keep else month[l]
                inv = invested[l] + cash
                invested[l] = inv if keep else invested[l]
                lo = wipe_f * inv if wipe_day[l] < 0 else -np.inf
                lo2 = ruin_f * inv if ruin_day[l] < 0 else -np.inf
                floor = np.inf if call_day[l] >= 0 else (lo if lo > lo2 else lo2)
                floor_alarm[l] = floor if keep else floor_alarm[l]
                add = keep & (cash > 0.0)
                dp = deposit[l]
                deposit[l] = (dp + cash if safe else dp + deposit_weight * cash) if add else dp
                lend = add & (not safe) & margin_on_contrib
                ln = loan[l]
                fresh = lend & (ln <= 0.0)  # a new loan: its clock restarts
                ag = 0.0 if fresh else age[l]
                age[l] = ag
                tr = 0.0 if fresh else tier_rate[l]
                th = np.inf if fresh else tier_hi[l]
                hi = ag + bound0
                tier_rate[l] = tr + borrow * rate0 if lend else tier_rate[l]  # the new draw's interest
                tier_hi[l] = (hi if hi < th else th) if lend else tier_hi[l]
                n_draw[l] = 0 if fresh else n_draw[l]
                loan[l] = ln + borrow if lend else ln
            if margin_on_contrib and cash > 0.0 and borrow > 0.0:  # the new draws into the books
                for l in range(n):
                    if not (new_today[l] | graduated[l] | stopped[l]):
                        if not push_draw(l, borrow, age[l], draw_p, draw_s, n_draw):
                            _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
            if cash > 0.0:
                for i in range(n_inst):
                    b_i = buy[i]
                    for l in range(n):
                        if not (new_today[l] | graduated[l] | stopped[l]):
                            value[i, l] += b_i
                for l in range(n):
                    risky[l] = 0.0
                for i in range(n_inst):
                    for l in range(n):
                        risky[l] += value[i, l]
            for l in range(n):
                rk = risky[l]
                ln = loan[l]
                pk = peak[l]
                wl = rk + deposit[l] - ln
                sp = _look(wl, rk, ln, pk, goal_today[l] + goal_gate[l], stop_alarm[l], floor_alarm[l],
                           new_today[l] | threshold_rule | mat_due[l], maintenance)
                todo |= np.uint64(sp) << np.uint64(l)
                peak[l], min_w[l], deeper = _bookkeep(sp, wl, pk, min_w[l], dd_keep[l])
                deep |= np.uint64(deeper) << np.uint64(l)
        while deep:  # step 7's maximum drawdown, for the lanes that may have a new one
            l = np.int64(lowest_bit(deep))
            deep &= deep - np.uint64(1)
            dd = 1.0 - (risky[l] + deposit[l] - loan[l]) / peak[l]
            if dd > max_dd[l]:
                max_dd[l] = dd
                dd_keep[l] = 1.0 - dd
        while todo:
            l = np.int64(lowest_bit(todo))
            todo &= todo - np.uint64(1)
            ln = loan[l]
            if not month_start and ln > 0.0 and age[l] > tier_hi[l]:
                # a draw left its cached tier or matured (its interest was not charged above; rare:
                # the pre-pass settles books before the accrual): today's interest at the new rates
                _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
                gap_l = day_k[d - d_start, c_kgap] if own_rows else table[row[l], c_gap]  # (fused days: no table row)
                interest = tier_rate[l] * gap_l * INV365
                loan[l] = ln + interest
                interest_paid[l] += interest
            dep_l = deposit[l]
            loan_l = loan[l]
            grad_l = graduated[l]
            stop_l = stopped[l]
            call_l = call_day[l]
            nm_l = new_today[l]
            new_today[l] = False
            # 2. monthly contribution (first session of a month)
            if nm_l:
                mo = month[l] + 1
                month[l] = mo
                cash = saving_sched[mo - 1]
                invested[l] += cash
                if cash > 0.0:
                    risky_now = 0.0
                    for i in range(n_inst):
                        risky_now += value[i, l]
                    if loan_l > 0.0 and risky_now <= 0.0:
                        pay = cash if cash < loan_l else loan_l
                        repay_draws(l, pay, loan_l, draw_p, draw_s, n_draw)
                        loan_l -= pay
                        cash -= pay
                        if loan_l <= 0.0:
                            loan_l = 0.0
                            _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)
                        else:
                            _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
                    if grad_l or stop_l:
                        dep_l += cash
                    elif cash > 0.0:
                        dep_l += deposit_weight * cash
                        risky_cash = cash * risky_weight
                        borrow = 0.0
                        if margin_on_contrib:
                            borrow = loan_to_equity * risky_cash
                            if loan_l <= 0.0:
                                _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)
                                tier_hi[l] = np.inf
                            if borrow > 0.0:
                                if push_draw(l, borrow, age[l], draw_p, draw_s, n_draw):
                                    tier_rate[l] += borrow * rate0
                                    hi = age[l] + bound0
                                    tier_hi[l] = hi if hi < tier_hi[l] else tier_hi[l]
                                else:
                                    _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
                            loan_l += borrow
                        for i in range(n_inst):
                            b_i = (risky_cash + borrow) * inst_weight[i] / risky_weight
                            if alive[i, l]:
                                value[i, l] += b_i
                            else:
                                dep_l += b_i
            # 3. rebalance (monthly, or on drift beyond the threshold)
            if not grad_l and not stop_l and rebal_rule != L.REBAL_NONE:
                total = 0.0
                for i in range(n_inst):
                    total += value[i, l]
                do_it = False
                if rebal_rule == L.REBAL_MONTHLY:
                    do_it = nm_l
                elif total > 0.0:
                    if loan_l <= 0.0 and deposit_weight > 0.0:  # drift against every target: holdings and deposit
                        gross_w = total + dep_l
                        for i in range(n_inst):
                            if abs(value[i, l] / gross_w - inst_weight[i]) > rebal_threshold:
                                do_it = True
                        if abs(dep_l / gross_w - deposit_weight) > rebal_threshold:
                            do_it = True
                    else:  # with a loan: among the holdings (the deposit is not rebalanced into then)
                        for i in range(n_inst):
                            if abs(value[i, l] / total - inst_weight[i] / risky_weight) > rebal_threshold:
                                do_it = True
                if do_it and total > 0.0:
                    if loan_l <= 0.0 and deposit_weight > 0.0:
                        gross_w = total + dep_l
                        for i in range(n_inst):
                            value[i, l] = gross_w * inst_weight[i] if alive[i, l] else 0.0
                        held = 0.0
                        for i in range(n_inst):
                            held += value[i, l]
                        dep_l = gross_w - held
                    else:
                        live_w = 0.0
                        for i in range(n_inst):
                            if alive[i, l]:
                                live_w += inst_weight[i]
                        for i in range(n_inst):
                            value[i, l] = total * inst_weight[i] / live_w if alive[i, l] else 0.0
            # 4. goal and graduation
            risky_now = 0.0
            for i in range(n_inst):
                risky_now += value[i, l]
            wl = risky_now + dep_l - loan_l
            if has_goal and goal_day[l] < 0 and wl >= goal_target[l * g_step, d]:
                goal_day[l] = d
                goal_gate[l] = np.inf
                if graduate:
                    grad_l = True
                    dep_l += risky_now
                    for i in range(n_inst):
                        value[i, l] = 0.0
                    risky_now = 0.0
                    dep_l -= loan_l
                    loan_l = 0.0
                    _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)
                    call_l = -1
            # 5. stop-loss on net wealth's drawdown
            if stop_on and not stop_l and not grad_l and wl < stop_mult * peak[l]:
                stop_l = True
                stop_day[l] = d
                dep_l += risky_now
                for i in range(n_inst):
                    value[i, l] = 0.0
                risky_now = 0.0
                repay = loan_l if loan_l < dep_l else dep_l
                if repay > 0.0:
                    repay_draws(l, repay, loan_l, draw_p, draw_s, n_draw)
                    dep_l -= repay
                    loan_l -= repay
                    if loan_l <= 0.0:
                        _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)
                    else:
                        _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
                call_l = -1
            # 6. margin: draws past maturity repaid by selling (만기 반대매매), then the call at the
            # close and the forced sale `deadline` sessions later if not cured
            if maturity_repay and mat_due[l] and loan_l > 0.0 and risky_now > 0.0 and not grad_l and not stop_l:
                need = due_amount(l, age[l], loan_l, draw_p, draw_s, n_draw, maturity)
                sold = need / (1.0 - haircut)
                if sold < risky_now:  # the due draws and the interest, exactly
                    proceeds = need
                    if retire_due(l, age[l], draw_p, draw_s, n_draw, maturity):
                        loan_l -= need
                        _retier(l, age, tier_rate, tier_hi, mat_due, draw_p, draw_s, n_draw, pol)
                    else:
                        loan_l = 0.0
                        _clear_loan(l, age, tier_rate, tier_hi, mat_due, n_draw)
                else:  # everything is sold and repays what it can, oldest first
                    sold = risky_now
                    proceeds = sold * (1.0 - haircut)
                    loan_l, dep_l = _repay_with(l, proceeds, loan_l, dep_l, age, tier_rate, tier_hi, mat_due, draw_p,
                                                draw_s, n_draw, pol)
                risky_now = _sell_pro_rata(l, sold, risky_now, value)
                forced_sold[l] += sold
                forced_loss[l] += sold - proceeds
                n_forced[l] += 1
                if first_forced[l] < 0:
                    first_forced[l] = d
            if loan_l > 0.0 and risky_now > 0.0:
                if risky_now < maintenance * loan_l:
                    if call_l < 0:
                        call_l = d
                        n_calls[l] += 1
                    if d - call_l >= deadline:
                        if sale_all:
                            sold = risky_now
                        else:
                            sold = (maintenance * loan_l - risky_now) / (maintenance * (1.0 - haircut) - 1.0)
                            if sold > risky_now:
                                sold = risky_now
                        proceeds = sold * (1.0 - haircut)
                        forced_sold[l] += sold
                        forced_loss[l] += sold - proceeds
                        loan_l, dep_l = _repay_with(l, proceeds, loan_l, dep_l, age, tier_rate, tier_hi, mat_due,
                                                    draw_p, draw_s, n_draw, pol)
                        risky_now = _sell_pro_rata(l, sold, risky_now, value)
                        n_forced[l] += 1
                        if first_forced[l] < 0:
                            first_forced[l] = d
                        call_l = -1
                else:
                    call_l = -1
            # 7. bookkeeping
            wl = risky_now + dep_l - loan_l
            pk = peak[l]
            if wl > pk:
                pk = wl
            peak[l] = pk
            if pk > 0.0 and wl < pk * (1.0 - max_dd[l]):
                dd = 1.0 - wl / pk
                if dd > max_dd[l]:
                    max_dd[l] = dd
            if wl < min_w[l]:
                min_w[l] = wl
            if wipe_day[l] < 0 and wl <= wipe_f * invested[l]:
                wipe_day[l] = d
            if ruin_day[l] < 0 and wl <= ruin_f * invested[l]:
                ruin_day[l] = d
            deposit[l] = dep_l
            loan[l] = loan_l
            graduated[l] = grad_l
            stopped[l] = stop_l
            call_day[l] = call_l
            risky[l] = risky_now
            # the alarms for the days to come
            dd_keep[l] = 1.0 - max_dd[l]
            stop_alarm[l] = stop_mult if (stop_on and not stop_l and not grad_l) else -np.inf
            lo = wipe_f * invested[l] if wipe_day[l] < 0 else -np.inf
            lo2 = ruin_f * invested[l] if ruin_day[l] < 0 else -np.inf
            floor_alarm[l] = np.inf if call_l >= 0 else (lo if lo > lo2 else lo2)

        # 7. month-end wealth
        last_day = d == n_days - 1
        if nm_step == 0:
            if last_day or new_month[0, d + 1]:
                m = m_idx[0]
                if m < n_months:
                    for l in range(n):
                        month_wealth[m, l] = risky[l] + deposit[l] - loan[l]  # the day's net wealth
                for l in range(n):
                    m_idx[l] = m + 1
        else:
            for l in range(n):
                if last_day or new_month[l, d + 1]:
                    m = m_idx[l]
                    if m < n_months:
                        month_wealth[m, l] = risky[l] + deposit[l] - loan[l]  # the day's net wealth
                    m_idx[l] = m + 1
    if d_stop == n_days:
        _write_outputs(lanes, f_out, i_out)


# --------------------------------------------------------------------------- drivers
# (prange bodies see only arrays and plain tuples: numba's parallel lowering cannot name
# namedtuple classes, so each group's job rebuilds the named views itself.)
@njit(cache=True)
def _policy(inst_under, inst_expense, inst_term, inst_weight, deposit_weight, capital, saving_sched, goal_target,
            loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
            maturity_days, maturity_repay, extension_rate,
            rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
            inst_collapse_keep):
    """The plan's policy as a plain tuple in :data:`Policy` order."""
    risky_weight = 0.0
    for i in range(inst_under.shape[0]):
        risky_weight += inst_weight[i]
    return (inst_weight, risky_weight, inst_expense / 252.0, inst_term, deposit_weight, capital, saving_sched,
            goal_target.shape[1] > 0, loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days,
            tier_rates, margin_on_contrib, rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor,
            ruin_floor, track_inst, maturity_days, maturity_repay, extension_rate, inst_collapse_keep)


@njit(cache=True)
def _goal_rows(goal_target, n_days):
    """The goal table the group loop reads: +inf on every day when the plan has no goal."""
    if goal_target.shape[1] == 0:
        return np.full((1, n_days), np.inf)
    return goal_target


@njit(cache=True)
def _rows_of(table, a, b):
    """Rows ``a:b`` of a per-path table, or its single shared row."""
    if table.shape[0] > 1:
        return table[a:b]
    return table


@njit(cache=True)
def _cols_of(collapse_day, a, b):
    """Columns (paths) ``a:b`` of the collapse sessions, or none when no path can collapse."""
    if collapse_day.shape[1] > 0:
        return collapse_day[:, a:b]
    return collapse_day[:, 0:0]


@njit(cache=True, nogil=True)
def _group_job(mode, mkt_t, pol_t, seeded, key0, key1, path0, index, new_month, goals, p_restart, n_days,
               collapse_day, month_wealth, f_out, i_out):
    pol = Policy(*pol_t)
    lanes = _new_lanes(f_out.shape[0], pol, key0, key1, path0, seeded, collapse_day)
    _run_group(mode, lanes, Market(*mkt_t), pol, index, new_month, goals, p_restart, n_days, 0, n_days, month_wealth,
               f_out, i_out)


@njit(cache=True, parallel=True, nogil=True)
def run_block(
    returns, rates, gap_days, index, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight, inst_fx,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    maturity_days, maturity_repay, extension_rate,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    inst_collapse_keep, collapse_day,
    month_wealth, f_out, i_out,
):
    """Simulate every path of a block (rows given by ``index``, paths x days); writes into
    ``month_wealth`` (months x paths), ``f_out``, ``i_out`` (paths x columns)."""
    mkt_t = market_table(returns, rates, gap_days, inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col,
                         inst_basis, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread, track_inst,
                         returns.shape[0])
    pol_t = _policy(inst_under, inst_expense, inst_term, inst_weight, deposit_weight, capital, saving_sched,
                    goal_target, loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates,
                    margin_on_contrib, maturity_days, maturity_repay, extension_rate, rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor,
                    ruin_floor, track_inst, inst_collapse_keep)
    n_paths, n_days = index.shape
    goals = _goal_rows(goal_target, n_days)
    for g in prange((n_paths + LANES - 1) // LANES):
        a = g * LANES
        b = min(a + LANES, n_paths)
        _group_job(ROWS_INDEX, mkt_t, pol_t, False, np.uint64(0), np.uint64(0), 0, index[a:b],
                   _rows_of(new_month, a, b), _rows_of(goals, a, b), 1.0, n_days, _cols_of(collapse_day, a, b),
                   month_wealth[:, a:b], f_out[a:b], i_out[a:b])


@njit(cache=True, parallel=True, nogil=True)
def run_block_bootstrap(
    key0, key1, path_start, n_days, mean_block,
    returns, rates, gap_days, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight, inst_fx,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    maturity_days, maturity_repay, extension_rate,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    inst_collapse_keep, collapse_day,
    month_wealth, f_out, i_out,
):
    """The fused path: each lane draws its stationary-bootstrap rows inline from its own SFC64
    stream (:mod:`gaemi.scenarios.sfc64`), day by day; no (paths x days) index is materialised.
    Same rows, hence same numbers, as ``run_block`` on ``sfc64.bootstrap_index``."""
    mkt_t = market_table(returns, rates, gap_days, inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col,
                         inst_basis, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread, track_inst,
                         returns.shape[0])
    pol_t = _policy(inst_under, inst_expense, inst_term, inst_weight, deposit_weight, capital, saving_sched,
                    goal_target, loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates,
                    margin_on_contrib, maturity_days, maturity_repay, extension_rate, rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor,
                    ruin_floor, track_inst, inst_collapse_keep)
    n_paths = f_out.shape[0]
    goals = _goal_rows(goal_target, n_days)
    no_index = np.zeros((1, 1), dtype=np.int64)
    for g in prange((n_paths + LANES - 1) // LANES):
        a = g * LANES
        b = min(a + LANES, n_paths)
        _group_job(ROWS_BOOTSTRAP, mkt_t, pol_t, True, key0, key1, path_start + a, no_index, new_month,
                   _rows_of(goals, a, b), 1.0 / mean_block, n_days, _cols_of(collapse_day, a, b), month_wealth[:, a:b],
                   f_out[a:b], i_out[a:b])


GEN_WINDOW = 640  # days generated at a time by a parametric group (returns 320 KB: in L2; 4 calls for 10 years)


@njit_noalias(cache=True, nogil=True, error_model="numpy")
def _market_rows_window(d0, n_win, n, returns, rates, gap_days, inst_under, inst_lev, inst_spread, inst_rate_col,
                        inv_basis, fee_daily, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread, track_inst,
                        under_src, skip_fused, new_month, columns, term, day_k):
    """:func:`_market_row` for a window of generated days, into ``columns`` (the market table
    transposed: ``columns[c, k * n + l]`` for lane ``l`` on day ``d0 + k``) from ``returns[asset,
    k * n + l]`` with the rates of day ``d0 + k``: the same arithmetic, in the same order, as
    contiguous loops over lanes. The UNDER column is left unwritten when a holding stands in for
    it (``under_src``), and DEP_INC when the deposit's rate is fixed: the engine does not read
    them then (:data:`Market`).

    ``day_k[k]`` gets each holding's cost of the day (:func:`_holding_cost`), then the gap and
    the deposit's daily rate. With
    ``skip_fused`` (two plain holdings, shared months), the table is not written on days other
    than month starts: the engine's one-loop day prices the holdings from ``returns`` and
    ``day_k`` itself."""
    n_inst = inst_under.shape[0]
    for k in range(n_win):
        rate_row = d0 + k
        base = np.uint64(k * n)  # unsigned: no wraparound test, so vector stores rather than scatters
        gap = gap_days[rate_row]
        skip = skip_fused and not new_month[0, rate_row]
        for i in range(n_inst):
            lev = inst_lev[i]
            cost = _holding_cost(lev, rates[rate_row, inst_rate_col[i]], gap, inv_basis[i], inst_spread[i],
                                 fee_daily[i])
            day_k[k, i] = cost
            if skip:
                continue
            cut = inst_term[i]
            under = inst_under[i]
            fx = inst_fx[i]
            if fx < 0:
                for l in range(n):
                    r = fma(lev, returns[under, base + np.uint64(l)], cost)
                    r = -1.0 if r < -1.0 else r
                    columns[i, base + np.uint64(l)] = 1.0 + r
                    term[i, base + np.uint64(l)] = (cut > 0.0) & (r <= -cut)
            else:
                for l in range(n):
                    g, hit = _fund_gross(lev, returns[under, base + np.uint64(l)], cost, returns[fx, base + np.uint64(l)],
                                         cut)
                    columns[i, base + np.uint64(l)] = g
                    term[i, base + np.uint64(l)] = hit
        dep_rate = dep_rate_fixed if dep_rate_col < 0 else rates[rate_row, dep_rate_col] + dep_spread
        dep_inc = dep_rate * gap * INV365
        day_k[k, n_inst] = gap
        day_k[k, n_inst + 1] = dep_inc
        if skip:
            continue
        tracked = inst_under[track_inst] if track_inst >= 0 else 0
        if under_src < 0:  # (else the engine reads the underlying's growth from that holding)
            for l in range(n):
                columns[n_inst + UNDER, base + np.uint64(l)] = 1.0 + returns[tracked, base + np.uint64(l)] if track_inst >= 0 else 1.0
        if dep_rate_col >= 0:  # (a fixed rate: the engine computes the daily rate from the gap)
            for l in range(n):
                columns[n_inst + DEP_INC, base + np.uint64(l)] = dep_inc
        for l in range(n):
            columns[n_inst + GAP, base + np.uint64(l)] = gap


@njit(cache=True, nogil=True)
def _parametric_job(path0, n_days, gen_args, rates, gap_days, new_month, inst_under, inst_lev, inst_expense,
                    inst_spread, inst_rate_col, inst_basis, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread,
                    track_inst, pol_t, goals, collapse_day, month_wealth, f_out, i_out):
    """One group of parametric paths: a window of days at a time, generate the lanes' returns in
    lock-step (:func:`~gaemi.scenarios.parametric_kernel.generate_window`), price the holdings on
    them and run the group's days."""
    (diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam, jump_mean, jump_vol, hazard,
     collapse_loss, log_floor, tzig) = gen_args
    n = f_out.shape[0]
    n_inst = inst_under.shape[0]
    n_assets = m.shape[0]
    sa, sb, sc, sw, ja, jb, jc, jw, cday = new_streams(path0, n, n_days, diff_keys, jump_keys, collapse_keys, hazard)
    z = _lane_rows(n_assets + 1, n, 0.0, np.float64)
    gu, scale, xl = aligned_empty(n, np.float64), aligned_empty(n, np.float64), aligned_empty(n, np.float64)
    raw = aligned_empty(n, np.uint64)
    rows = GEN_WINDOW * n
    # (not filled: every cell the engine reads is written first)
    returns = aligned_empty(n_assets * rows, np.float64).reshape((n_assets, rows))
    columns = aligned_empty((n_inst + N_EXTRA) * rows, np.float64).reshape((n_inst + N_EXTRA, rows))  # transposed
    term = aligned_empty(n_inst * rows, np.bool_).reshape((n_inst, rows))
    inv_basis = 1.0 / inst_basis
    fee_daily = inst_expense / 252.0
    day_k = np.empty((GEN_WINDOW, n_inst + 2))
    pol = Policy(*pol_t)
    lanes = _new_lanes(n, pol, np.uint64(0), np.uint64(0), 0, False, collapse_day)
    # lanes read consecutive rows: contiguous per column
    has_fx = False
    for i in range(n_inst):
        has_fx |= inst_fx[i] >= 0
    mkt = Market(columns.T, term, _under_source(inst_under, inst_lev, fee_daily, track_inst), dep_rate_col < 0,
                 dep_rate_fixed, returns, day_k, inst_lev, inst_under, has_fx)
    skip_fused = _one_loop_days(pol, new_month, goals) and not has_fx
    no_index = np.zeros((1, 1), dtype=np.int64)
    for d0 in range(0, n_days, GEN_WINDOW):
        n_win = min(GEN_WINDOW, n_days - d0)
        generate_window(d0, n_win, sa, sb, sc, sw, ja, jb, jc, jw, cday, chol, m, s, use_t, df, jump_lam, jump_mean,
                        jump_vol, collapse_loss, log_floor, tzig, z, gu, scale, xl, raw, returns)
        _market_rows_window(d0, n_win, n, returns, rates, gap_days, inst_under, inst_lev, inst_spread, inst_rate_col,
                            inv_basis, fee_daily, inst_term, inst_fx, dep_rate_col, dep_rate_fixed, dep_spread, track_inst,
                            mkt.under_src, skip_fused, new_month, columns, term, day_k)
        _run_group(ROWS_OWN, lanes, mkt, pol, no_index, new_month, goals, 1.0, n_days, d0, d0 + n_win, month_wealth,
                   f_out, i_out)


@njit(cache=True, parallel=True, nogil=True)
def run_block_parametric(
    path_start, n_days, gen_args,
    rates, gap_days, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight, inst_fx,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    maturity_days, maturity_repay, extension_rate,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    inst_collapse_keep, collapse_day,
    month_wealth, f_out, i_out,
):
    """The fused path for parametric futures: each group generates its lanes' returns in
    lock-step, a window of days at a time (:func:`_parametric_job`), prices its holdings on them
    and runs those days; nothing of size paths x days is materialised.
    ``rates`` and ``gap_days`` are the per-day constants (n_days rows). Same numbers as
    ``run_block`` on the generator's blocks."""
    pol_t = _policy(inst_under, inst_expense, inst_term, inst_weight, deposit_weight, capital, saving_sched,
                    goal_target, loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates,
                    margin_on_contrib, maturity_days, maturity_repay, extension_rate, rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor,
                    ruin_floor, track_inst, inst_collapse_keep)
    n_paths = f_out.shape[0]
    goals = _goal_rows(goal_target, n_days)
    for g in prange((n_paths + LANES - 1) // LANES):
        a = g * LANES
        b = min(a + LANES, n_paths)
        _parametric_job(path_start + a, n_days, gen_args, rates, gap_days, new_month, inst_under, inst_lev,
                        inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_fx, dep_rate_col,
                        dep_rate_fixed, dep_spread, track_inst, pol_t, _rows_of(goals, a, b),
                        _cols_of(collapse_day, a, b), month_wealth[:, a:b], f_out[a:b], i_out[a:b])
