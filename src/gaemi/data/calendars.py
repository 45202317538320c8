"""Trading calendars: the sessions a panel runs on.

``"XNYS"`` (New York Stock Exchange) and ``"XKRX"`` (Korea Exchange) come from
``exchange_calendars``; ``"24/7"`` is every calendar day (crypto, UTC days). Sessions are
naive dates (midnight, no time zone).

One correction is applied: ``exchange_calendars`` hands its rule-based holidays to a pandas
``HolidayCalendar`` whose default window starts on 1970-01-01, so regular holidays before 1970
(Christmas, July 4th, Lincoln's Birthday, ...) come out as sessions. They are removed here by
evaluating the calendar's own holiday rules over the early years (checked against the S&P 500
history: every 1928-1969 session then has a close and every close is a session).
Not modelled by ``exchange_calendars`` (and so not here): NYSE Saturday sessions before 1952
and KRX Saturday sessions before December 1998.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pandas as pd

from gaemi.errors import ConfigError

CALENDARS = ("XNYS", "XKRX", "24/7")

# Sessions are computed once per calendar over these years (wider on demand).
_DEFAULT_BOUNDS = {"XNYS": (1885, 2035), "XKRX": (1990, 2030)}
_HARD_BOUNDS = {"XNYS": (1885, 2200), "XKRX": (1956, 2050)}
_PANDAS_HOLIDAY_WINDOW_START = pd.Timestamp("1970-01-01")


def _check_calendar(calendar: str) -> str:
    if calendar not in CALENDARS:
        raise ConfigError("calendar", calendar, "one of " + ", ".join(CALENDARS))
    return calendar


def parse_day(value, field: str) -> pd.Timestamp:
    """A naive calendar day from a date-like value; ConfigError naming ``field`` otherwise."""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as err:
        raise ConfigError(field, value, "a date like 2015-01-02") from err
    if ts is pd.NaT:
        raise ConfigError(field, value, "a date like 2015-01-02")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


@functools.lru_cache(maxsize=None)
def _exchange_sessions(calendar: str, first_year: int, last_year: int) -> np.ndarray:
    """All sessions of an exchange calendar in whole years, as read-only datetime64[D]."""
    import exchange_calendars as xcals

    start = pd.Timestamp(f"{first_year}-01-01")
    end = pd.Timestamp(f"{last_year}-12-31")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar(calendar, start=start, end=end)
        s = cal.sessions
        if s[0] < _PANDAS_HOLIDAY_WINDOW_START and cal.regular_holidays is not None:
            hol = cal.regular_holidays.holidays(s[0], _PANDAS_HOLIDAY_WINDOW_START)
            s = s[~s.isin(hol)]
    out = np.asarray(s.tz_localize(None) if s.tz is not None else s).astype("datetime64[D]")
    out.setflags(write=False)
    return out


def calendar_bounds(calendar: str) -> tuple[np.datetime64, np.datetime64]:
    """First and last day ``sessions`` can answer for on ``calendar``."""
    _check_calendar(calendar)
    if calendar == "24/7":
        return np.datetime64("1800-01-01", "D"), np.datetime64("2200-12-31", "D")
    h0, h1 = _HARD_BOUNDS[calendar]
    return np.datetime64(f"{h0}-01-01", "D"), np.datetime64(f"{h1}-12-31", "D")


def session_array(calendar: str, start, end) -> np.ndarray:
    """Sessions of ``calendar`` with ``start <= session <= end`` as read-only datetime64[D]."""
    _check_calendar(calendar)
    lo = np.datetime64(parse_day(start, "start").date(), "D")
    hi = np.datetime64(parse_day(end, "end").date(), "D")
    if hi < lo:
        return np.empty(0, dtype="datetime64[D]")
    if calendar == "24/7":
        return np.arange(lo, hi + 1, dtype="datetime64[D]")
    y0, y1 = _DEFAULT_BOUNDS[calendar]
    h0, h1 = _HARD_BOUNDS[calendar]
    ylo = int(str(lo)[:4])
    yhi = int(str(hi)[:4])
    if ylo < y0 or yhi > y1:
        if ylo < h0:
            raise ConfigError("start", str(lo), f"a date from {h0}-01-01 for calendar {calendar}")
        if yhi > h1:
            raise ConfigError("end", str(hi), f"a date up to {h1}-12-31 for calendar {calendar}")
        y0, y1 = min(y0, ylo), max(y1, yhi)
    all_s = _exchange_sessions(calendar, y0, y1)
    i = int(np.searchsorted(all_s, lo, side="left"))
    j = int(np.searchsorted(all_s, hi, side="right"))
    return all_s[i:j]


def sessions(calendar: str, start, end) -> pd.DatetimeIndex:
    """Sessions of ``calendar`` ("XNYS", "XKRX" or "24/7") from ``start`` to ``end`` inclusive,
    as a naive DatetimeIndex named ``date``."""
    arr = session_array(calendar, start, end)
    return pd.DatetimeIndex(arr.astype("datetime64[ns]"), name="date")
