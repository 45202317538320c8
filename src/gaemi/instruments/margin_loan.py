"""Korean-style margin loan (신용융자) closed forms used by the engine and its tests.

Collateral ``C`` (holdings at the close), loan ``B``, maintenance ratio ``m``
(담보유지비율, usually 140 %: collateral / loan).
"""

from __future__ import annotations


def call_trigger_fall(loan_to_equity: float, maintenance_ratio: float) -> float:
    """Price fall from purchase at which ``C / B`` first drops below ``m``.

    Bought with equity E and loan B = k E: C0 = (1 + k) E. The call comes when
    ``C0 (1 - x) = m B``, i.e. ``x = 1 - m k / (1 + k)``. With 50 % initial margin
    (k = 1) and m = 1.4: x = 0.30.
    """
    k = loan_to_equity
    return 1.0 - maintenance_ratio * k / (1.0 + k)


def restore_sale_amount(collateral: float, loan: float, maintenance_ratio: float, haircut: float = 0.0) -> float:
    """Smallest sale S (at market value) that restores ``(C - S) / (B - S (1 - h)) = m``.

    ``S = (m B - C) / (m (1 - h) - 1)``, capped at C; 0 when the ratio already holds.
    """
    if collateral >= maintenance_ratio * loan:
        return 0.0
    s = (maintenance_ratio * loan - collateral) / (maintenance_ratio * (1.0 - haircut) - 1.0)
    return min(s, collateral)


def tiered_interest(loan: float, days_held: int, tiers: list[tuple[float, float]], basis: float = 365.0) -> float:
    """Interest on a constant loan held ``days_held`` calendar days, day by day at the
    tier of each day's age (stepped, 체차): day j (1-based) pays ``rate(j) / basis``.

    Computed as simple interest (no compounding within the period) for hand checks.
    """
    total = 0.0
    for j in range(1, days_held + 1):
        rate = tiers[-1][1]
        for max_days, r in tiers:
            if j <= max_days:
                rate = r
                break
        total += loan * rate / basis
    return total
