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


_BIG_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4}
_SMALL_UNITS = {"천": 1000, "백": 100, "십": 10}


def parse_money(text, field: str = "amount"):
    """Money as people type it -> an exact whole number of won (or of the plan's currency unit).

    Accepts plain numbers (``1106000000``, ``1,106,000,000``, ``1.5e8``), Korean units
    (``11억``, ``1억 4천만``, ``1억4,000만 원``, ``150만``, ``1.5억``, ``2조 5천억``, ``3천``) and a
    trailing ``원``/``KRW`` or a leading ``₩``. Big units (조, 억, 만) must descend and each may carry
    a 천/백/십 group before it (``4천5백만`` = 45,000,000). A number (int or float) passes through
    if finite and >= 0. Anything else — empty, negative, ``inf``/``nan``, a unit without a number
    where one is needed, units out of order, a fraction of a won — raises
    :class:`gaemi.errors.ConfigError` naming ``field``. Computed with :class:`decimal.Decimal`,
    so ``1.1억`` is exactly 110,000,000.
    """
    import math
    import re
    from decimal import Decimal, InvalidOperation

    from gaemi.errors import ConfigError

    from gaemi.limits import MAX_AMOUNT

    allowed = "an amount >= 0 such as 1106000000, 1,106,000,000, 11억, 1억 4천만, 150만 or 1.5억"
    too_big = f"an amount of at most {MAX_AMOUNT:,.0f}"
    if isinstance(text, bool):
        raise ConfigError(field, text, allowed)
    if isinstance(text, (int, np.integer)):
        if text < 0:
            raise ConfigError(field, text, allowed)
        if text > MAX_AMOUNT:
            raise ConfigError(field, _echo(text), too_big)
        return int(text)
    if isinstance(text, (float, np.floating)):
        if not math.isfinite(text) or text < 0:
            raise ConfigError(field, text, allowed)
        return float(text)
    if not isinstance(text, str):
        raise ConfigError(field, text, allowed)
    if len(text) > 64:  # no amount a person types is longer; bounded before any arithmetic
        raise ConfigError(field, _echo(text), allowed)
    s = text.strip()
    s = re.sub(r"\s*(원|KRW|krw)$", "", s).lstrip("₩").strip()
    if not s:
        raise ConfigError(field, text, allowed)
    number = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?"
    tokens = re.findall(rf"{number}|[조억만천백십]|\S", s)  # spaces separate tokens: "1 2" is not 12
    if "".join(tokens) != s.replace(" ", ""):  # pragma: no cover - findall covers every char
        raise ConfigError(field, text, allowed)
    total = Decimal(0)
    section = Decimal(0)
    pending: Decimal | None = None
    last_big = 10**13
    last_small = 10**4
    seen_unit = False
    try:
        for tok in tokens:
            if tok in _BIG_UNITS:
                unit = _BIG_UNITS[tok]
                if unit >= last_big:
                    raise ValueError
                value = section + (pending if pending is not None else Decimal(0))
                if value == 0:
                    if pending is not None or section != 0 or seen_unit or len(tokens) != 1:
                        raise ValueError
                    value = Decimal(1)  # "만 원" alone = 10,000
                total += value * unit
                section, pending, last_big, last_small, seen_unit = Decimal(0), None, unit, 10**4, True
            elif tok in _SMALL_UNITS:
                unit = _SMALL_UNITS[tok]
                if unit >= last_small:
                    raise ValueError
                section += (pending if pending is not None else Decimal(1)) * unit
                pending, last_small, seen_unit = None, unit, True
            else:
                if pending is not None or not re.fullmatch(number, tok):
                    raise ValueError
                pending = Decimal(tok.replace(",", ""))
        total += section + (pending if pending is not None else Decimal(0))
    except (ValueError, InvalidOperation):
        raise ConfigError(field, text, allowed) from None
    if not total.is_finite() or total < 0 or total != total.to_integral_value():
        raise ConfigError(field, text, allowed + " (a whole number of won)")
    if total > MAX_AMOUNT:
        raise ConfigError(field, text, too_big)
    return int(total)


def _echo(value) -> str:
    """A value short enough to repeat in an error line (a 3,001-digit input is not echoed whole)."""
    if isinstance(value, int) and abs(value) >= 10**60:
        return f"a {int(abs(value).bit_length() * 0.30103) + 1:,}-digit number"
    text = str(value)
    return text if len(text) <= 64 else text[:40] + f"... ({len(text):,} characters)"
