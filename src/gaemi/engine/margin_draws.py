"""A lane's margin loan as a book of draws, for the compiled kernel (scalar helpers).

Korean brokers lend each purchase on credit (신용융자) as a loan of its own: it ages on its own
through the days-held interest tiers (체차: the rate of the tier the draw's age falls in), pays
simple interest on its principal (``principal x rate x days / 365``), matures after a fixed term
(commonly 90-180 days, extended or repaid), and a repayment settles the interest due before
retiring the oldest draws (선입선출). The plain twin is ``_DrawBook`` in
:mod:`gaemi.engine.kernels_reference`; both follow the same arithmetic and order.

Per lane ``l`` the book is ``draw_p[k, l]`` (principal) and ``draw_s[k, l]`` (the loan clock when
drawn), ``k < n_draw[l]``, oldest first. The loan clock (the kernel's ``age``) runs in calendar
days while anything is owed, so a draw's age is ``clock - draw_s``. What is owed beyond the
principals is accrued interest. Draws whose rate can no longer change (older than the last tier
boundary and their maturity: ``final_age``) are merged into the oldest slot, so a book holds at
most :data:`~gaemi.engine.layout.MAX_DRAWS` draws for any plan the config allows (every tier but
the last ends within 365 days, maturity at most 365 days, at most one draw a month).

The kernel caches, per lane, ``sum_k principal_k x rate_k`` (the annual interest at the cached
tiers; a day's interest is that times ``gap / 365``) and the clock at which the next draw
changes tier or matures; :func:`settle_draws` recomputes both.
"""

from __future__ import annotations

import numpy as np

from gaemi._numba import njit


@njit(cache=True, inline="always")
def draw_rate(age, tier_days, tier_rates, maturity, extension_rate):
    """Annual rate of a draw ``age`` calendar days old: its tier's (tier ``k`` while ``age <=
    tier_days[k]``; the last tier runs on), or ``extension_rate`` past ``maturity`` when set."""
    if maturity > 0.0 and extension_rate >= 0.0 and age > maturity:
        return extension_rate
    n_tiers = tier_days.shape[0]
    k = 0
    while k < n_tiers - 1 and age > tier_days[k]:
        k += 1
    return tier_rates[k]


@njit(cache=True, inline="always")
def next_boundary(age, tier_days, maturity):
    """The age past which a draw ``age`` days old next changes tier or matures (inf if never)."""
    n_tiers = tier_days.shape[0]
    b = np.inf
    for k in range(n_tiers - 1):
        if age <= tier_days[k]:
            b = tier_days[k]
            break
    if maturity > 0.0 and age <= maturity and maturity < b:
        b = maturity
    return b


@njit(cache=True, inline="always")
def effective_maturity(maturity, repay_at_maturity, extension_rate):
    """The maturity that changes anything: none when a matured draw is extended at its own
    tier's rate (it runs on exactly as before), so it is neither a boundary nor a reason to keep
    a draw apart."""
    return maturity if (repay_at_maturity or extension_rate >= 0.0) else 0.0


@njit(cache=True, inline="always")
def final_age(tier_days, maturity):
    """The age past which a draw's rate can no longer change."""
    last = tier_days[tier_days.shape[0] - 2] if tier_days.shape[0] > 1 else 0.0
    return last if last > maturity else maturity


@njit(cache=True, inline="always")
def settle_draws(l, clock, draw_p, draw_s, n_draw, tier_days, tier_rates, maturity, repay_at_maturity,
                 extension_rate):
    """Merge lane ``l``'s draws past :func:`final_age`, then return ``(sum of principal x rate,
    the clock of the next change, whether a draw is past maturity and to be repaid)``."""
    maturity = effective_maturity(maturity, repay_at_maturity, extension_rate)
    cnt = n_draw[l]
    fin = final_age(tier_days, maturity)
    j = 0
    while j < cnt and clock - draw_s[j, l] > fin:
        j += 1
    if j > 1:
        total = draw_p[0, l]
        for k in range(1, j):
            total = total + draw_p[k, l]
        draw_p[0, l] = total
        for k in range(j, cnt):
            draw_p[k - j + 1, l] = draw_p[k, l]
            draw_s[k - j + 1, l] = draw_s[k, l]
        cnt = cnt - j + 1
        n_draw[l] = cnt
    rate_sum = 0.0
    nxt = np.inf
    due = False
    for k in range(cnt):
        a = clock - draw_s[k, l]
        rate_sum = rate_sum + draw_p[k, l] * draw_rate(a, tier_days, tier_rates, maturity, extension_rate)
        b = draw_s[k, l] + next_boundary(a, tier_days, maturity)
        nxt = b if b < nxt else nxt
        if repay_at_maturity and maturity > 0.0 and a > maturity:
            due = True
    return rate_sum, nxt, due


@njit(cache=True)
def settle_draws_call(l, clock, draw_p, draw_s, n_draw, tier_days, tier_rates, maturity, repay_at_maturity,
                      extension_rate):
    """:func:`settle_draws` as a called function (for the rare paths: inlining it at every one of
    them doubled the kernels' compile time); the daily pre-pass inlines it."""
    return settle_draws(l, clock, draw_p, draw_s, n_draw, tier_days, tier_rates, maturity, repay_at_maturity,
                        extension_rate)


@njit(cache=True)
def push_draw(l, amount, clock, draw_p, draw_s, n_draw):
    """A new draw; into the youngest slot when the book is full (returns False then: its rate
    must be looked up again)."""
    cnt = n_draw[l]
    if cnt == draw_p.shape[0]:
        draw_p[cnt - 1, l] += amount
        return False
    draw_p[cnt, l] = amount
    draw_s[cnt, l] = clock
    n_draw[l] = cnt + 1
    return True


@njit(cache=True)
def _drop_front(l, j, draw_p, draw_s, n_draw):
    cnt = n_draw[l]
    for k in range(j, cnt):
        draw_p[k - j, l] = draw_p[k, l]
        draw_s[k - j, l] = draw_s[k, l]
    n_draw[l] = cnt - j


@njit(cache=True)
def repay_draws(l, amount, owed, draw_p, draw_s, n_draw):
    """Repay ``amount`` of the ``owed`` total: the accrued interest (``owed`` beyond the
    principals) first, then the oldest draws' principal."""
    cnt = n_draw[l]
    principal = 0.0
    for k in range(cnt):
        principal += draw_p[k, l]
    accrued = owed - principal
    rest = amount - (accrued if accrued > 0.0 else 0.0)
    j = 0
    while rest > 0.0 and j < cnt:
        if draw_p[j, l] <= rest:
            rest -= draw_p[j, l]
            j += 1
        else:
            draw_p[j, l] -= rest
            rest = 0.0
    _drop_front(l, j, draw_p, draw_s, n_draw)


@njit(cache=True)
def due_amount(l, clock, owed, draw_p, draw_s, n_draw, maturity):
    """What repays lane ``l``'s draws past maturity: the accrued interest and their principal."""
    cnt = n_draw[l]
    principal = 0.0
    for k in range(cnt):
        principal += draw_p[k, l]
    accrued = owed - principal
    need = accrued if accrued > 0.0 else 0.0
    for k in range(cnt):
        if clock - draw_s[k, l] > maturity:
            need += draw_p[k, l]
    return need


@njit(cache=True)
def retire_due(l, clock, draw_p, draw_s, n_draw, maturity):
    """Remove lane ``l``'s draws past maturity (the oldest ones); whether any draw is left."""
    cnt = n_draw[l]
    j = 0
    while j < cnt and clock - draw_s[j, l] > maturity:
        j += 1
    _drop_front(l, j, draw_p, draw_s, n_draw)
    return cnt - j > 0
