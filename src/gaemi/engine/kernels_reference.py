"""The plain twin of :mod:`gaemi.engine.kernels`: numpy, all paths at once, one day at a time.

Readable first: each step of a day is a small function acting on every path with
masks. It is the reference the compiled kernel is tested against (to 1e-9) and the
"plain numpy loop" the benchmark compares with.

Order of events within a session ``d`` (both implementations follow it):

1. **Market.** Each holding grows by its daily return. Spot: ``r_u``. Daily-reset
   fund with leverage ``L`` (Avellaneda & Zhang 2010, eq. 1; Cheng & Madhavan 2009):
   ``R = L*r_u + (1-L)*r_f - e(L)*s - expense_ratio/252`` with
   ``r_f = rate * gap_days / basis``, ``s = spread * gap_days / basis`` and ``e(L)`` the
   exposure the spread is charged on (``spec.inst_spread`` already holds ``e(L) * spread``:
   :func:`gaemi.instruments.leveraged_fund.spread_exposure`); a fund cannot fall below zero;
   a fund that falls by ``termination_drop`` or more in a day is terminated and its remaining
   value paid into the deposit. A fund on an underlying in another currency (``inst_fx >= 0``,
   the column of that currency's return in the plan's) resets in its own currency, ``r_u`` being
   ``(1 + r_held) / (1 + r_fx) - 1``, and its holder earns ``(1 + R)(1 + r_fx)``. The deposit earns
   ``rate * gap_days / 365``. The margin loan accrues ``tier_rate(age) * gap_days / 365``
   where ``age`` is the calendar days since the loan was drawn (stepped tiers, 체차).
2. **Contribution** on the first session of a month: the month's saving. If the
   account holds no risky asset but still owes, the saving repays the debt first.
   After graduation or a stop-loss it goes to the deposit; otherwise it is split by
   the target weights, and with ``margin.on_contributions`` the risky part is levered
   by ``loan_to_equity``.
3. **Rebalance** (monthly, or when a weight drifts beyond the threshold) to target
   weights: across deposit and holdings when there is no loan, else among the holdings. The
   threshold rule measures the drift the same way: every weight against its target, the
   deposit's included, when there is no loan and the plan has a deposit weight; else each
   holding's share of the holdings against its share of the holdings' targets.
4. **Goal**: net wealth ``holdings + deposit - loan`` at or above the day's target
   sets the goal day; with ``graduate`` everything is sold into the deposit and the
   loan repaid (졸업).
5. **Stop-loss**: net wealth below ``(1 - drawdown) * peak`` sells every holding into
   the deposit and repays the loan from it.
6. **Margin**: at the close, collateral (holdings) below ``maintenance_ratio * loan``
   opens a call (if none is open); a call still open ``call_deadline_days`` sessions
   after it opened is met by a forced sale (반대매매) at that session's close less the
   haircut, of everything (``all``) or of ``S = (m*B - C) / (m*(1-h) - 1)`` (``restore``:
   the smallest sale that brings ``(C-S)/(B-S(1-h))`` back to ``m``), pro rata across
   holdings. A close at or above the ratio cancels the call. Proceeds repay the loan;
   what the sale cannot cover stays as debt (negative equity is reported, not hidden).
7. **Bookkeeping**: peak, drawdown, minimum wealth, wipe-out (wealth at or below
   ``wipeout_floor`` x money put in), ruin floor (at or below ``ruin_floor`` x money put
   in), month-end wealth.
"""

from __future__ import annotations

import numpy as np

from gaemi.engine import layout as L

INV365 = 1.0 / 365.0


def _tier_rate(age, tier_days, tier_rates):
    k = np.searchsorted(tier_days, age, side="left")
    return tier_rates[np.minimum(k, len(tier_rates) - 1)]


def _gross(lev, r_u, cost, returns, row, fx_col, cut):
    """A holding's gross return on the day, ``1 + max(R, -1)`` with ``R = lev * r_u + cost`` (the
    kernels: one fused multiply-add), and whether it terminates the fund (``R <= -cut``, ``cut >
    0``). With ``fx_col >= 0`` the underlying is quoted in another currency: ``r_u`` (converted)
    is ``(1 + r_own)(1 + r_fx) - 1``, the fund resets on ``r_own`` and the holder earns
    ``(1 + R)(1 + r_fx) = (1 + cost)(1 + r_fx) + lev (r_u - r_fx)``."""
    if fx_col < 0:
        r = np.maximum(lev * r_u + cost, -1.0)
        return 1.0 + r, (cut > 0.0) & (r <= -cut)
    r_fx = returns[row, fx_col]
    g = np.maximum(lev * (r_u - r_fx) + (1.0 + cost) * (1.0 + r_fx), 0.0)
    return g, (cut > 0.0) & (g <= (1.0 - cut) * (1.0 + r_fx))


def run_block_reference(
    returns, rates, gap_days, index, new_month,
    inst_under, inst_lev, inst_expense, inst_spread, inst_rate_col, inst_basis, inst_term, inst_weight, inst_fx,
    deposit_weight, dep_rate_col, dep_rate_fixed, dep_spread,
    capital, saving_sched, goal_target,
    loan_to_equity, maintenance, deadline, sale_all, haircut, tier_days, tier_rates, margin_on_contrib,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    month_wealth, f_out, i_out,
):
    """Same contract as :func:`gaemi.engine.kernels.run_block`."""
    n_paths, n_days = index.shape
    n_inst = len(inst_under)
    risky_weight = float(np.sum(inst_weight)) if n_inst else 0.0
    shared_months = new_month.shape[0] == 1

    value = np.tile(inst_weight * capital * (1.0 + loan_to_equity), (n_paths, 1))
    alive = np.ones((n_paths, n_inst), dtype=bool)
    deposit = np.full(n_paths, deposit_weight * capital)
    loan = np.full(n_paths, loan_to_equity * risky_weight * capital)
    age = np.zeros(n_paths)
    invested = np.full(n_paths, float(capital))
    interest_paid = np.zeros(n_paths)
    fees_paid = np.zeros(n_paths)
    peak = np.full(n_paths, float(capital))
    max_dd = np.zeros(n_paths)
    min_w = np.full(n_paths, float(capital))
    call_day = np.full(n_paths, -1, dtype=np.int64)
    month = np.zeros(n_paths, dtype=np.int64)
    m_idx = np.zeros(n_paths, dtype=np.int64)
    goal_day = np.full(n_paths, -1, dtype=np.int64)
    graduated = np.zeros(n_paths, dtype=bool)
    stopped = np.zeros(n_paths, dtype=bool)
    stop_day = np.full(n_paths, -1, dtype=np.int64)
    first_forced = np.full(n_paths, -1, dtype=np.int64)
    n_forced = np.zeros(n_paths, dtype=np.int64)
    n_calls = np.zeros(n_paths, dtype=np.int64)
    forced_sold = np.zeros(n_paths)
    forced_loss = np.zeros(n_paths)
    wipe_day = np.full(n_paths, -1, dtype=np.int64)
    ruin_day = np.full(n_paths, -1, dtype=np.int64)
    fund_growth = np.ones(n_paths)
    under_growth = np.ones(n_paths)
    has_goal = goal_target.shape[1] > 0
    paths = np.arange(n_paths)
    inv_basis = 1.0 / inst_basis
    fee_daily = inst_expense / 252.0

    def risky_sum():
        total = np.zeros(n_paths)
        for i in range(n_inst):
            total = total + value[:, i]
        return total

    for d in range(n_days):
        row = index[:, d]
        gap = gap_days[row]
        nm = new_month[0, d] if shared_months else new_month[:, d]
        nm = np.broadcast_to(nm, (n_paths,))

        # 1. market (and the tracked fund's own growth, held or not, for the drag report)
        if track_inst >= 0:
            t = track_inst
            lev = inst_lev[t]
            ru = returns[row, inst_under[t]]
            rf = rates[row, inst_rate_col[t]] * gap * inv_basis[t]
            cost = (1.0 - lev) * rf - inst_spread[t] * gap * inv_basis[t] - fee_daily[t]
            fund_growth = fund_growth * _gross(lev, ru, cost, returns, row, inst_fx[t], 0.0)[0]
            under_growth = under_growth * (1.0 + ru)
        for i in range(n_inst):
            held = value[:, i] != 0.0
            lev = inst_lev[i]
            rf = rates[row, inst_rate_col[i]] * gap * inv_basis[i]
            cost = (1.0 - lev) * rf - inst_spread[i] * gap * inv_basis[i] - fee_daily[i]
            g, ends = _gross(lev, returns[row, inst_under[i]], cost, returns, row, inst_fx[i], inst_term[i])
            fees_paid = np.where(held, fees_paid + value[:, i] * fee_daily[i], fees_paid)
            value[:, i] = np.where(held, value[:, i] * g, value[:, i])
            if inst_term[i] > 0.0:
                term = held & ends
                deposit = np.where(term, deposit + value[:, i], deposit)
                value[term, i] = 0.0
                alive[term, i] = False
        dep_rate = dep_rate_fixed if dep_rate_col < 0 else rates[row, dep_rate_col] + dep_spread
        dep_inc = dep_rate * gap * INV365
        deposit = np.where(deposit > 0.0, deposit + deposit * dep_inc, deposit)
        owes = loan > 0.0
        age = np.where(owes, age + gap, age)
        interest = np.where(owes, loan * _tier_rate(age, tier_days, tier_rates) * gap * INV365, 0.0)
        loan = np.where(owes, loan + interest, loan)
        interest_paid = interest_paid + interest

        # 2. contribution
        if nm.any():
            month = np.where(nm, month + 1, month)
            cash = np.where(nm, saving_sched[np.maximum(month - 1, 0)], 0.0)
            invested = invested + cash
            pos = nm & (cash > 0.0)
            repay_first = pos & (loan > 0.0) & (risky_sum() <= 0.0)
            pay = np.where(repay_first, np.minimum(cash, loan), 0.0)
            loan = loan - pay
            cash = cash - pay
            cleared = repay_first & (loan <= 0.0)
            loan = np.where(cleared, 0.0, loan)
            age = np.where(cleared, 0.0, age)
            safe = pos & (graduated | stopped)
            deposit = np.where(safe, deposit + cash, deposit)
            buying = pos & ~(graduated | stopped) & (cash > 0.0)
            deposit = np.where(buying, deposit + deposit_weight * cash, deposit)
            risky_cash = cash * risky_weight
            borrow = np.zeros(n_paths)
            if margin_on_contrib:
                borrow = np.where(buying, loan_to_equity * risky_cash, 0.0)
                age = np.where(buying & (loan <= 0.0), 0.0, age)
                loan = np.where(buying, loan + borrow, loan)
            for i in range(n_inst):
                buy = (risky_cash + borrow) * inst_weight[i] / risky_weight
                to_fund = buying & alive[:, i]
                value[:, i] = np.where(to_fund, value[:, i] + buy, value[:, i])
                deposit = np.where(buying & ~alive[:, i], deposit + buy, deposit)

        # 3. rebalance
        if rebal_rule != L.REBAL_NONE:
            total = risky_sum()
            active = ~graduated & ~stopped & (total > 0.0)
            if rebal_rule == L.REBAL_MONTHLY:
                do_it = active & nm
            else:
                # drift against every target weight (holdings and deposit) when the deposit takes part,
                # i.e. no loan and a deposit weight; otherwise among the holdings
                drift = np.zeros(n_paths, dtype=bool)
                safe_total = np.where(total > 0.0, total, 1.0)
                whole = (loan <= 0.0) & (deposit_weight > 0.0)
                gross = np.where(total > 0.0, total + deposit, 1.0)
                for i in range(n_inst):
                    drift |= np.where(whole, np.abs(value[:, i] / gross - inst_weight[i]),
                                      np.abs(value[:, i] / safe_total - inst_weight[i] / risky_weight)) > rebal_threshold
                drift |= whole & (np.abs(deposit / gross - deposit_weight) > rebal_threshold)
                do_it = active & drift
            if do_it.any():
                with_deposit = do_it & (loan <= 0.0) & (deposit_weight > 0.0)
                gross = total + deposit
                live_w = np.zeros(n_paths)
                for i in range(n_inst):
                    live_w = live_w + np.where(alive[:, i], inst_weight[i], 0.0)
                new_val = np.empty_like(value)
                for i in range(n_inst):
                    a = alive[:, i]
                    new_val[:, i] = np.where(
                        with_deposit,
                        np.where(a, gross * inst_weight[i], 0.0),
                        np.where(a, total * inst_weight[i] / np.where(live_w > 0, live_w, 1.0), 0.0),
                    )
                held = np.zeros(n_paths)
                for i in range(n_inst):
                    held = held + new_val[:, i]
                deposit = np.where(with_deposit, gross - held, deposit)
                value = np.where(do_it[:, None], new_val, value)

        # 4. goal and graduation
        risky_now = risky_sum()
        wealth = risky_now + deposit - loan
        if has_goal:
            hit = (goal_day < 0) & (wealth >= (goal_target[0, d] if goal_target.shape[0] == 1 else goal_target[:, d]))
            goal_day = np.where(hit, d, goal_day)
            if graduate:
                graduated = graduated | hit
                deposit = np.where(hit, deposit + risky_now - loan, deposit)
                value[hit, :] = 0.0
                risky_now = np.where(hit, 0.0, risky_now)
                loan = np.where(hit, 0.0, loan)
                call_day = np.where(hit, -1, call_day)

        # 5. stop-loss
        if stop_drawdown > 0.0:
            trip = ~stopped & ~graduated & (wealth < (1.0 - stop_drawdown) * peak)
            stopped = stopped | trip
            stop_day = np.where(trip, d, stop_day)
            deposit = np.where(trip, deposit + risky_now, deposit)
            value[trip, :] = 0.0
            risky_now = np.where(trip, 0.0, risky_now)
            repay = np.where(trip, np.minimum(loan, deposit), 0.0)
            repay = np.where(repay > 0.0, repay, 0.0)
            deposit = deposit - repay
            loan = loan - repay
            call_day = np.where(trip, -1, call_day)

        # 6. margin call and forced sale
        levered = (loan > 0.0) & (risky_now > 0.0)
        short = levered & (risky_now < maintenance * loan)
        opens = short & (call_day < 0)
        call_day = np.where(opens, d, call_day)
        n_calls = n_calls + opens
        due = short & (d - call_day >= deadline)
        call_day = np.where(levered & ~short, -1, call_day)
        if due.any():
            if sale_all:
                sold = np.where(due, risky_now, 0.0)
            else:
                need = (maintenance * loan - risky_now) / (maintenance * (1.0 - haircut) - 1.0)
                sold = np.where(due, np.minimum(need, risky_now), 0.0)
            frac = np.where(due, sold / np.where(risky_now > 0, risky_now, 1.0), 0.0)
            for i in range(n_inst):
                value[:, i] = np.where(due, value[:, i] - value[:, i] * frac, value[:, i])
            proceeds = sold * (1.0 - haircut)
            forced_sold = forced_sold + sold
            forced_loss = forced_loss + np.where(due, sold - proceeds, 0.0)
            covers = due & (proceeds >= loan)
            deposit = np.where(covers, deposit + proceeds - loan, deposit)
            loan = np.where(covers, 0.0, np.where(due, loan - proceeds, loan))
            age = np.where(covers, 0.0, age)
            risky_now = np.where(due, risky_now - sold, risky_now)
            whole = due & (frac >= 1.0)
            value[whole, :] = 0.0
            risky_now = np.where(whole, 0.0, risky_now)
            n_forced = n_forced + due
            first_forced = np.where(due & (first_forced < 0), d, first_forced)
            call_day = np.where(due, -1, call_day)

        # 7. bookkeeping
        wealth = risky_now + deposit - loan
        peak = np.maximum(peak, wealth)
        dd = np.where(peak > 0.0, 1.0 - wealth / np.where(peak > 0.0, peak, 1.0), 0.0)
        max_dd = np.maximum(max_dd, np.where(peak > 0.0, dd, max_dd))
        min_w = np.minimum(min_w, wealth)
        wipe_day = np.where((wipe_day < 0) & (wealth <= wipeout_floor * invested), d, wipe_day)
        ruin_day = np.where((ruin_day < 0) & (wealth <= ruin_floor * invested), d, ruin_day)
        if d == n_days - 1:
            record = np.ones(n_paths, dtype=bool)
        else:
            nxt = new_month[0, d + 1] if shared_months else new_month[:, d + 1]
            record = np.broadcast_to(nxt, (n_paths,))
        fits = record & (m_idx < month_wealth.shape[1])
        month_wealth[paths[fits], m_idx[fits]] = wealth[fits]
        m_idx = m_idx + record

    f_out[:, L.END_WEALTH] = risky_now + deposit - loan
    f_out[:, L.END_LOAN] = loan
    f_out[:, L.END_DEPOSIT] = deposit
    f_out[:, L.END_RISKY] = risky_now
    f_out[:, L.INTEREST_PAID] = interest_paid
    f_out[:, L.INVESTED] = invested
    f_out[:, L.MAX_DRAWDOWN] = max_dd
    f_out[:, L.MIN_WEALTH] = min_w
    f_out[:, L.FORCED_SOLD] = forced_sold
    f_out[:, L.FORCED_LOSS] = forced_loss
    f_out[:, L.FEES_PAID] = fees_paid
    f_out[:, L.FUND_GROWTH] = fund_growth
    f_out[:, L.UNDER_GROWTH] = under_growth
    i_out[:, L.RUIN_DAY] = ruin_day
    i_out[:, L.GOAL_DAY] = goal_day
    i_out[:, L.GRADUATED] = graduated.astype(np.int64)
    i_out[:, L.FIRST_FORCED_DAY] = first_forced
    i_out[:, L.N_FORCED] = n_forced
    i_out[:, L.WIPEOUT_DAY] = wipe_day
    i_out[:, L.STOP_DAY] = stop_day
    i_out[:, L.N_CALLS] = n_calls
