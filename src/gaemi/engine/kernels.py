"""The fused, compiled day loop: every path of a block, all holdings, all policies.

Paths run in parallel (``prange``); each path walks its days once. The plain,
readable twin is :mod:`gaemi.engine.kernels_reference` (numpy, vectorised over
paths with masks); ``tests/engine/test_kernel_parity.py`` requires both to agree
to 1e-9 on random plans and returns. See that module's docstring for the order of
events within a day, which both follow exactly.
"""

from __future__ import annotations

import numpy as np

from gaemi._numba import njit, prange
from gaemi.engine import layout as L

INV365 = 1.0 / 365.0
from gaemi.scenarios.parametric_kernel import parametric_path
from gaemi.scenarios.sfc64 import bootstrap_rows, seed_path


@njit(cache=True, inline="always")
def _market_row(row, returns, rates, gap_days, inst_under, inst_lev, inst_spread, inst_rate_col, inv_basis,
                fee_daily, dep_rate_col, dep_rate_fixed, dep_spread, inst_ret, dep_inc):
    gap = gap_days[row]
    for i in range(inst_under.shape[0]):
        lev = inst_lev[i]
        rf = rates[row, inst_rate_col[i]] * gap * inv_basis[i]
        borrowed = lev - 1.0 if lev > 1.0 else 0.0
        r = (lev * returns[row, inst_under[i]] + (1.0 - lev) * rf
             - borrowed * inst_spread[i] * gap * inv_basis[i] - fee_daily[i])
        inst_ret[row, i] = -1.0 if r < -1.0 else r
    dep_rate = dep_rate_fixed if dep_rate_col < 0 else rates[row, dep_rate_col] + dep_spread
    dep_inc[row] = dep_rate * gap * INV365


@njit(cache=True, parallel=True, nogil=True)
def market_table(returns, rates, gap_days, inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col,
                 inst_basis, dep_rate_col, dep_rate_fixed, dep_spread):
    """Per-row daily returns of every holding and the deposit's daily interest rate.

    A row's fund return depends on the row alone (not on the path), so it is computed once per
    table row instead of once per path-day; the arithmetic is exactly the reference's.
    """
    n_rows = returns.shape[0]
    inst_ret = np.empty((n_rows, inst_under.shape[0]))
    dep_inc = np.empty(n_rows)
    inv_basis = 1.0 / inst_basis
    fee_daily = inst_expense / 252.0
    for row in prange(n_rows):
        _market_row(row, returns, rates, gap_days, inst_under, inst_lev, inst_spread, inst_rate_col, inv_basis,
                    fee_daily, dep_rate_col, dep_rate_fixed, dep_spread, inst_ret, dep_inc)
    return inst_ret, dep_inc


@njit(cache=True, nogil=True)
def _run_path(
    p, rows, returns, inst_ret, dep_inc, gap_days, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    month_wealth, f_out, i_out,
):
    n_inst = inst_under.shape[0]
    n_days = rows.shape[0]
    nm_row = np.int64(0)
    if new_month.shape[0] > 1:
        nm_row = np.int64(p)
    risky_weight = 0.0
    for i in range(n_inst):
        risky_weight += inst_weight[i]
    value = np.empty(n_inst)
    fee_daily = inst_expense / 252.0
    alive = np.ones(n_inst, dtype=np.bool_)
    for i in range(n_inst):
        value[i] = inst_weight[i] * capital * (1.0 + loan_to_equity)
    deposit = deposit_weight * capital
    loan = loan_to_equity * risky_weight * capital
    age = 0.0
    invested = capital
    interest_paid = 0.0
    fees_paid = 0.0
    peak = capital
    max_dd = 0.0
    min_w = capital
    call_day = -1
    month = 0
    m_idx = 0
    goal_day = -1
    graduated = False
    stopped = False
    stop_day = -1
    first_forced = -1
    n_forced = 0
    n_calls = 0
    forced_sold = 0.0
    forced_loss = 0.0
    wipe_day = -1
    ruin_day = -1
    fund_growth = 1.0
    under_growth = 1.0
    has_goal = goal_target.shape[1] > 0
    g_row = np.int64(0)
    if goal_target.shape[0] > 1:
        g_row = np.int64(p)
    n_tiers = tier_days.shape[0]
    tier_rate = 0.0
    tier_hi = -np.inf  # forces a lookup on the first day with a loan
    tier_lo = np.inf

    for d in range(n_days):
        row = rows[d]
        gap = gap_days[row]
        # 1. market: holdings (per-row returns from the market table), deposit interest, loan interest
        if track_inst >= 0:
            fund_growth *= 1.0 + inst_ret[row, track_inst]
            under_growth *= 1.0 + returns[row, inst_under[track_inst]]
        for i in range(n_inst):
            if value[i] != 0.0:
                r = inst_ret[row, i]
                fees_paid += value[i] * fee_daily[i]
                value[i] = value[i] * (1.0 + r)
                if inst_term[i] > 0.0 and r <= -inst_term[i]:
                    deposit += value[i]
                    value[i] = 0.0
                    alive[i] = False
        if deposit > 0.0:
            deposit += deposit * dep_inc[row]
        if loan > 0.0:
            age += gap
            if age > tier_hi or age <= tier_lo:  # the loan's age left the cached tier
                tier_k = 0
                while tier_k < n_tiers - 1 and age > tier_days[tier_k]:
                    tier_k += 1
                tier_rate = tier_rates[tier_k]
                tier_hi = tier_days[tier_k] if tier_k < n_tiers - 1 else np.inf
                tier_lo = tier_days[tier_k - 1] if tier_k > 0 else -np.inf
            interest = loan * tier_rate * gap * INV365
            loan += interest
            interest_paid += interest
        # 2. monthly contribution
        if new_month[nm_row, d]:
            month += 1
            cash = saving_sched[month - 1]
            invested += cash
            if cash > 0.0:
                risky_now = 0.0
                for i in range(n_inst):
                    risky_now += value[i]
                if loan > 0.0 and risky_now <= 0.0:
                    pay = cash if cash < loan else loan
                    loan -= pay
                    cash -= pay
                    if loan <= 0.0:
                        loan = 0.0
                        age = 0.0
                if graduated or stopped:
                    deposit += cash
                elif cash > 0.0:
                    deposit += deposit_weight * cash
                    risky_cash = cash * risky_weight
                    borrow = 0.0
                    if margin_on_contrib:
                        borrow = loan_to_equity * risky_cash
                        if loan <= 0.0:
                            age = 0.0
                        loan += borrow
                    for i in range(n_inst):
                        buy = (risky_cash + borrow) * inst_weight[i] / risky_weight
                        if alive[i]:
                            value[i] += buy
                        else:
                            deposit += buy
        # 3. rebalance
        if not graduated and not stopped and rebal_rule != 0:
            total = 0.0
            for i in range(n_inst):
                total += value[i]
            do_it = False
            if rebal_rule == 1:
                do_it = new_month[nm_row, d]
            elif total > 0.0:
                for i in range(n_inst):
                    if abs(value[i] / total - inst_weight[i] / risky_weight) > rebal_threshold:
                        do_it = True
            if do_it and total > 0.0:
                if loan <= 0.0 and deposit_weight > 0.0:
                    gross = total + deposit
                    for i in range(n_inst):
                        value[i] = gross * inst_weight[i] if alive[i] else 0.0
                    held = 0.0
                    for i in range(n_inst):
                        held += value[i]
                    deposit = gross - held
                else:
                    live_w = 0.0
                    for i in range(n_inst):
                        if alive[i]:
                            live_w += inst_weight[i]
                    for i in range(n_inst):
                        value[i] = total * inst_weight[i] / live_w if alive[i] else 0.0
        # 4. goal and graduation
        risky_now = 0.0
        for i in range(n_inst):
            risky_now += value[i]
        wealth = risky_now + deposit - loan
        if has_goal and goal_day < 0 and wealth >= goal_target[g_row, d]:
            goal_day = d
            if graduate:
                graduated = True
                deposit += risky_now
                for i in range(n_inst):
                    value[i] = 0.0
                risky_now = 0.0
                deposit -= loan
                loan = 0.0
                call_day = -1
        # 5. stop-loss on net wealth's drawdown
        if stop_drawdown > 0.0 and not stopped and not graduated and wealth < (1.0 - stop_drawdown) * peak:
            stopped = True
            stop_day = d
            deposit += risky_now
            for i in range(n_inst):
                value[i] = 0.0
            risky_now = 0.0
            repay = loan if loan < deposit else deposit
            if repay > 0.0:
                deposit -= repay
                loan -= repay
            call_day = -1
        # 6. margin: call at the close, forced sale `deadline` sessions later if not cured
        if loan > 0.0 and risky_now > 0.0:
            if risky_now < maintenance * loan:
                if call_day < 0:
                    call_day = d
                    n_calls += 1
                if d - call_day >= deadline:
                    if sale_all:
                        sold = risky_now
                    else:
                        sold = (maintenance * loan - risky_now) / (maintenance * (1.0 - haircut) - 1.0)
                        if sold > risky_now:
                            sold = risky_now
                    frac = sold / risky_now
                    for i in range(n_inst):
                        value[i] -= value[i] * frac
                    proceeds = sold * (1.0 - haircut)
                    forced_sold += sold
                    forced_loss += sold - proceeds
                    if proceeds >= loan:
                        deposit += proceeds - loan
                        loan = 0.0
                        age = 0.0
                    else:
                        loan -= proceeds
                    risky_now -= sold
                    if frac >= 1.0:
                        for i in range(n_inst):
                            value[i] = 0.0
                        risky_now = 0.0
                    n_forced += 1
                    if first_forced < 0:
                        first_forced = d
                    call_day = -1
            else:
                call_day = -1
        # 7. bookkeeping
        wealth = risky_now + deposit - loan
        if wealth > peak:
            peak = wealth
        if peak > 0.0 and wealth < peak * (1.0 - max_dd):
            dd = 1.0 - wealth / peak
            if dd > max_dd:
                max_dd = dd
        if wealth < min_w:
            min_w = wealth
        if wipe_day < 0 and wealth <= wipeout_floor * invested:
            wipe_day = d
        if ruin_day < 0 and wealth <= ruin_floor * invested:
            ruin_day = d
        if d == n_days - 1 or new_month[nm_row, d + 1]:
            if m_idx < month_wealth.shape[1]:
                month_wealth[p, m_idx] = wealth
            m_idx += 1

    f_out[p, L.END_WEALTH] = risky_now + deposit - loan
    f_out[p, L.END_LOAN] = loan
    f_out[p, L.END_DEPOSIT] = deposit
    f_out[p, L.END_RISKY] = risky_now
    f_out[p, L.INTEREST_PAID] = interest_paid
    f_out[p, L.INVESTED] = invested
    f_out[p, L.MAX_DRAWDOWN] = max_dd
    f_out[p, L.MIN_WEALTH] = min_w
    f_out[p, L.FORCED_SOLD] = forced_sold
    f_out[p, L.FORCED_LOSS] = forced_loss
    f_out[p, L.FEES_PAID] = fees_paid
    f_out[p, L.FUND_GROWTH] = fund_growth
    f_out[p, L.UNDER_GROWTH] = under_growth
    i_out[p, L.RUIN_DAY] = ruin_day
    i_out[p, L.GOAL_DAY] = goal_day
    i_out[p, L.GRADUATED] = 1 if graduated else 0
    i_out[p, L.FIRST_FORCED_DAY] = first_forced
    i_out[p, L.N_FORCED] = n_forced
    i_out[p, L.WIPEOUT_DAY] = wipe_day
    i_out[p, L.STOP_DAY] = stop_day
    i_out[p, L.N_CALLS] = n_calls


@njit(cache=True, parallel=True, nogil=True)
def run_block(
    returns, rates, gap_days, index, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    month_wealth, f_out, i_out,
):
    """Simulate every path of a block; writes into ``month_wealth``, ``f_out``, ``i_out``."""
    inst_ret, dep_inc = market_table(returns, rates, gap_days, inst_under, inst_lev, inst_expense, inst_spread,
                                     inst_rate_col, inst_basis, dep_rate_col, dep_rate_fixed, dep_spread)
    for p in prange(index.shape[0]):
        _run_path(
            p, index[p], returns, inst_ret, dep_inc, gap_days, new_month,
            inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight,
            deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
            capital, saving_sched, goal_target,
            loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
            rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
            month_wealth, f_out, i_out,
        )


@njit(cache=True, parallel=True, nogil=True)
def run_block_bootstrap(
    key0, key1, path_start, n_days, mean_block,
    returns, rates, gap_days, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    month_wealth, f_out, i_out,
):
    """The fused path: each path draws its stationary-bootstrap rows inline from its own SFC64
    stream (:mod:`gaemi.scenarios.sfc64`), then runs; no (paths x days) index is materialised.
    Same rows, hence same numbers, as ``run_block`` on ``sfc64.bootstrap_index``."""
    n_rows = returns.shape[0]
    p_restart = 1.0 / mean_block
    inst_ret, dep_inc = market_table(returns, rates, gap_days, inst_under, inst_lev, inst_expense, inst_spread,
                                     inst_rate_col, inst_basis, dep_rate_col, dep_rate_fixed, dep_spread)
    for p in prange(f_out.shape[0]):
        state = np.empty(4, dtype=np.uint64)
        seed_path(state, key0, key1, path_start + p)
        rows = np.empty(n_days, dtype=np.int64)
        bootstrap_rows(state, n_rows, p_restart, rows)
        _run_path(
            p, rows, returns, inst_ret, dep_inc, gap_days, new_month,
            inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight,
            deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
            capital, saving_sched, goal_target,
            loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
            rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
            month_wealth, f_out, i_out,
        )


@njit(cache=True, parallel=True, nogil=True)
def run_block_parametric(
    path_start, n_days, gen_args,
    rates, gap_days, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    month_wealth, f_out, i_out,
):
    """The fused path for parametric futures: each path generates its own returns
    (:func:`gaemi.scenarios.parametric_kernel.parametric_path`) into a small buffer, prices its
    holdings on them and runs; nothing of size paths x days is materialised. ``rates`` and
    ``gap_days`` are the per-day constants (n_days rows). Same numbers as ``run_block`` on the
    generator's blocks."""
    (diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam, jump_mean, jump_vol, hazard,
     collapse_loss, log_floor) = gen_args
    n_assets = m.shape[0]
    n_inst = inst_under.shape[0]
    inv_basis = 1.0 / inst_basis
    fee_daily = inst_expense / 252.0
    for p in prange(f_out.shape[0]):
        returns = np.empty((n_days, n_assets))
        parametric_path(path_start + p, diff_keys, jump_keys, collapse_keys, chol, m, s, use_t, df, jump_lam,
                        jump_mean, jump_vol, hazard, collapse_loss, log_floor, returns)
        inst_ret = np.empty((n_days, n_inst))
        dep_inc = np.empty(n_days)
        for row in range(n_days):
            _market_row(row, returns, rates, gap_days, inst_under, inst_lev, inst_spread, inst_rate_col,
                        inv_basis, fee_daily, dep_rate_col, dep_rate_fixed, dep_spread, inst_ret, dep_inc)
        rows = np.arange(n_days)
        _run_path(
            p, rows, returns, inst_ret, dep_inc, gap_days, new_month,
            inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight,
            deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
            capital, saving_sched, goal_target,
            loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
            rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
            month_wealth, f_out, i_out,
        )
