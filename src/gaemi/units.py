"""Unit conversions, done once, at the boundary.

Conventions used throughout gaemi:

* returns are **daily simple returns** as fractions (0.01 = +1 %);
* rates are **annual rates as fractions** (0.035 = 3.5 % a year); source files
  give percent and are converted with :func:`percent_to_fraction` on load;
* money is in the plan's currency (KRW by default);
* interest accrues per session as ``annual_rate * calendar_days / basis``
  (simple interest over the calendar days since the previous session:
  ACT/360 for U.S. money-market rates, ACT/365 for KRW rates — ISDA 2006 §4.16).
"""

from __future__ import annotations

import numpy as np


def percent_to_fraction(x):
    """3.5 (percent) -> 0.035."""
    return np.asarray(x, dtype=float) / 100.0 if np.ndim(x) else float(x) / 100.0


def format_krw(amount: float, lang: str = "en") -> str:
    """KRW for people: ``1,106,000,000`` (en) or ``11억 600만 원`` (ko, 만/억 grouping)."""
    if lang != "ko":
        return f"{amount:,.0f} KRW"
    sign = "-" if amount < 0 else ""
    won = int(round(abs(amount)))
    jo, rest = divmod(won, 10**12)
    eok, rest = divmod(rest, 10**8)
    man, won_rest = divmod(rest, 10**4)
    parts = []
    if jo:
        parts.append(f"{jo:,}조")
    if eok:
        parts.append(f"{eok:,}억")
    if man:
        parts.append(f"{man:,}만")
    if won_rest or not parts:
        parts.append(f"{won_rest:,}")
    return sign + " ".join(parts) + " 원"
