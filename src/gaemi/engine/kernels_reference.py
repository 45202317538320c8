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
   ``rate * gap_days / 365``. A holding that collapses (``collapse_day``: the session, per
   holding and path, -1 = never; docs/risks.md) has gross return ``inst_collapse_keep`` (1 -
   drop) on that session instead of the market's, and 1 on every later one (what is left, and
   what the plan keeps putting in, sits idle); it pays no fee from that session on and can no
   longer be terminated. The tracked fund's own growth (the drag report) is the market's. The margin loan is a book of draws (the initial loan, each
   levered monthly purchase), oldest first: each pays simple interest on its principal,
   ``principal * rate(age) * gap_days / 365``, where ``age`` is the calendar days since that draw
   (stepped tiers, 체차; past ``maturity_days`` an extended draw pays ``extension_rate`` if set),
   accrued into what is owed. Draws whose rate can no longer change (older than the last tier
   boundary and their maturity) are merged into the oldest. The loan's clock (``age``) runs
   while anything is owed and restarts at 0 with a fresh loan.
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
6. **Margin**: with ``at_maturity = "repay"``, a draw past its maturity is repaid by selling
   holdings pro rata at the close less the haircut: the sale covers the accrued interest and the
   due draws (a forced sale, 만기 반대매매). Then at the close, collateral (holdings) below ``maintenance_ratio * loan``
   opens a call (if none is open); a call still open ``call_deadline_days`` sessions
   after it opened is met by a forced sale (반대매매) at that session's close less the
   haircut, of everything (``all``) or of ``S = (m*B - C) / (m*(1-h) - 1)`` (``restore``:
   the smallest sale that brings ``(C-S)/(B-S(1-h))`` back to ``m``), pro rata across
   holdings. A close at or above the ratio cancels the call. Proceeds repay the loan;
   what the sale cannot cover stays as debt (negative equity is reported, not hidden).
   Every repayment settles the accrued interest first, then the oldest draws (선입선출).
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


class _DrawBook:
    """Each path's margin draws, oldest first: principal and the loan clock when drawn."""

    def __init__(self, n_paths, first, tier_days, tier_rates, maturity, repay_at_maturity, extension_rate):
        self.p = np.zeros((n_paths, L.MAX_DRAWS))
        self.s = np.zeros((n_paths, L.MAX_DRAWS))
        self.n = np.zeros(n_paths, dtype=np.int64)
        self.tier_days, self.tier_rates = tier_days, tier_rates
        self.maturity, self.repay_at_maturity, self.extension_rate = maturity, repay_at_maturity, extension_rate
        last_boundary = tier_days[-2] if len(tier_days) > 1 else 0.0
        # a maturity that changes nothing (extended at the draw's own tier rate) is no boundary
        matters = maturity > 0.0 and (repay_at_maturity or extension_rate >= 0.0)
        self.final_age = max(last_boundary, maturity if matters else 0.0)  # past it a draw's rate is fixed
        if first > 0.0:
            self.p[:, 0] = first
            self.n[:] = 1

    def _rates(self, ages):
        r = _tier_rate(ages, self.tier_days, self.tier_rates)
        if self.maturity > 0.0 and self.extension_rate >= 0.0:
            r = np.where(ages > self.maturity, self.extension_rate, r)
        return r

    def accrue(self, owes, clock, gap):
        """Merge the draws whose rate can no longer change, then the day's interest of each
        path (summed oldest first)."""
        k_all = np.arange(L.MAX_DRAWS)
        k_max = int(self.n.max()) if len(clock) else 0
        valid = k_all[None, :k_max] < self.n[:, None]
        old = valid & ((clock[:, None] - self.s[:, :k_max]) > self.final_age) & owes[:, None]
        lead = np.cumprod(old, axis=1).sum(axis=1)
        for q in np.flatnonzero(lead > 1):
            self._merge(q, int(lead[q]))
        k_max = int(self.n.max()) if len(clock) else 0
        valid = k_all[None, :k_max] < self.n[:, None]
        ages = clock[:, None] - self.s[:, :k_max]
        rates = self._rates(ages)
        rate_sum = np.zeros(len(clock))
        for k in range(k_max):
            rate_sum = np.where(valid[:, k], rate_sum + self.p[:, k] * rates[:, k], rate_sum)
        return np.where(owes, rate_sum * gap * INV365, 0.0)

    def _merge(self, q, j):
        total = self.p[q, 0]
        for k in range(1, j):
            total = total + self.p[q, k]
        cnt = self.n[q]
        self.p[q, 0] = total
        self.p[q, 1:cnt - j + 1] = self.p[q, j:cnt]
        self.s[q, 1:cnt - j + 1] = self.s[q, j:cnt]
        self.n[q] = cnt - j + 1

    def push(self, mask, amount, clock):
        """A new draw of ``amount`` on the paths in ``mask`` (into the youngest slot if full)."""
        for q in np.flatnonzero(mask & (np.broadcast_to(amount, mask.shape) > 0.0)):
            a = float(np.broadcast_to(amount, mask.shape)[q])
            cnt = self.n[q]
            if cnt == L.MAX_DRAWS:
                self.p[q, cnt - 1] += a
            else:
                self.p[q, cnt] = a
                self.s[q, cnt] = clock[q]
                self.n[q] = cnt + 1

    def clear(self, mask):
        self.n[mask] = 0

    def repay(self, mask, amount, owed):
        """Repay ``amount`` of ``owed`` on the paths in ``mask``: the accrued interest (what is
        owed beyond the principals), then the oldest draws' principal."""
        for q in np.flatnonzero(mask):
            cnt = self.n[q]
            principal = 0.0
            for k in range(cnt):
                principal += self.p[q, k]
            accrued = owed[q] - principal
            rest = float(np.broadcast_to(amount, mask.shape)[q]) - (accrued if accrued > 0.0 else 0.0)
            j = 0
            while rest > 0.0 and j < cnt:
                if self.p[q, j] <= rest:
                    rest -= self.p[q, j]
                    j += 1
                else:
                    self.p[q, j] -= rest
                    rest = 0.0
            self.p[q, 0:cnt - j] = self.p[q, j:cnt]
            self.s[q, 0:cnt - j] = self.s[q, j:cnt]
            self.n[q] = cnt - j

    def due_now(self, clock):
        """Whether each path holds a draw past maturity (``clock``: the loan clock)."""
        k_max = int(self.n.max()) if len(clock) else 0
        if not k_max or self.maturity <= 0.0:
            return np.zeros(len(clock), dtype=bool)
        valid = np.arange(k_max)[None, :] < self.n[:, None]
        return (valid & ((clock[:, None] - self.s[:, :k_max]) > self.maturity)).any(axis=1)

    def retire_due(self, q, clock):
        """Remove path ``q``'s draws past maturity (the oldest ones); whether any draw is left."""
        cnt = self.n[q]
        j = 0
        while j < cnt and clock - self.s[q, j] > self.maturity:
            j += 1
        self.p[q, 0:cnt - j] = self.p[q, j:cnt]
        self.s[q, 0:cnt - j] = self.s[q, j:cnt]
        self.n[q] = cnt - j
        return cnt - j > 0

    def due_amount(self, q, clock, owed):
        """What repays path ``q``'s draws past maturity: the accrued interest and their principal."""
        cnt = self.n[q]
        principal = 0.0
        for k in range(cnt):
            principal += self.p[q, k]
        accrued = owed - principal
        need = accrued if accrued > 0.0 else 0.0
        for k in range(cnt):
            if clock - self.s[q, k] > self.maturity:
                need += self.p[q, k]
        return need


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
    maturity_days, maturity_repay, extension_rate,
    rebal_rule, rebal_threshold, graduate, stop_drawdown, wipeout_floor, ruin_floor, track_inst,
    inst_collapse_keep, collapse_day,
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
    book = _DrawBook(n_paths, loan_to_equity * risky_weight * capital, tier_days, tier_rates, maturity_days,
                     maturity_repay, extension_rate)
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
    # each holding's collapse session per path (-1 = never, here a session no path reaches)
    never = np.iinfo(np.int64).max
    cday = np.full((n_inst, n_paths), never, dtype=np.int64)
    if collapse_day.shape[1]:
        cday = np.where(collapse_day >= 0, collapse_day, never)

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
            before = d < cday[i]  # not yet collapsed: the market's day
            g = np.where(before, g, np.where(d == cday[i], inst_collapse_keep[i], 1.0))
            ends = ends & before
            fees_paid = np.where(held & before, fees_paid + value[:, i] * fee_daily[i], fees_paid)
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
        interest = book.accrue(owes, age, gap)
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
            book.repay(repay_first, pay, loan)
            loan = loan - pay
            cash = cash - pay
            cleared = repay_first & (loan <= 0.0)
            loan = np.where(cleared, 0.0, loan)
            age = np.where(cleared, 0.0, age)
            book.clear(cleared)
            safe = pos & (graduated | stopped)
            deposit = np.where(safe, deposit + cash, deposit)
            buying = pos & ~(graduated | stopped) & (cash > 0.0)
            deposit = np.where(buying, deposit + deposit_weight * cash, deposit)
            risky_cash = cash * risky_weight
            borrow = np.zeros(n_paths)
            if margin_on_contrib:
                borrow = np.where(buying, loan_to_equity * risky_cash, 0.0)
                fresh = buying & (loan <= 0.0)
                age = np.where(fresh, 0.0, age)
                book.clear(fresh)
                book.push(buying, borrow, age)
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
                book.clear(hit)
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
            book.repay(repay > 0.0, repay, loan)
            deposit = deposit - repay
            loan = loan - repay
            book.clear(trip & (loan <= 0.0))
            call_day = np.where(trip, -1, call_day)

        # 6. draws past maturity repaid by selling, then the margin call and forced sale
        if maturity_repay:  # (the book as it stands now: a saving may have repaid the due draws today)
            sell = book.due_now(age) & (loan > 0.0) & (risky_now > 0.0) & ~graduated & ~stopped
            for q in np.flatnonzero(sell):
                need = book.due_amount(q, age[q], loan[q])
                sold = need / (1.0 - haircut)
                if sold < risky_now[q]:  # the due draws and the interest, exactly
                    proceeds = need
                    if book.retire_due(q, age[q]):
                        loan[q] -= need
                    else:
                        loan[q] = 0.0
                        age[q] = 0.0
                else:  # everything is sold and repays what it can, oldest first
                    sold = risky_now[q]
                    proceeds = sold * (1.0 - haircut)
                    if proceeds >= loan[q]:
                        deposit[q] += proceeds - loan[q]
                        loan[q] = 0.0
                        age[q] = 0.0
                        book.n[q] = 0
                    else:
                        book.repay(np.arange(n_paths) == q, proceeds, loan)
                        loan[q] -= proceeds
                frac = sold / risky_now[q]
                for i in range(n_inst):
                    value[q, i] = value[q, i] - value[q, i] * frac
                forced_sold[q] += sold
                forced_loss[q] += sold - proceeds
                risky_now[q] -= sold
                if frac >= 1.0:
                    value[q, :] = 0.0
                    risky_now[q] = 0.0
                n_forced[q] += 1
                if first_forced[q] < 0:
                    first_forced[q] = d
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
            book.repay(due & ~covers, proceeds, loan)
            book.clear(covers)
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
    first_collapse = cday.min(axis=0) if n_inst else np.full(n_paths, never)
    i_out[:, L.COLLAPSE_DAY] = np.where(first_collapse != never, first_collapse, -1)
