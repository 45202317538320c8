"""build_panel: embedded series -> one aligned :class:`MarketPanel`.

How a panel is made (all choices recorded in ``panel.provenance``):

* **Calendar.** ``calendar=None`` takes the home calendar of the first asset that is not 24/7;
  if every asset is a coin, XKRX for a KRW panel and XNYS for a USD one.
* **Range.** Sessions lie within the overlap of every asset's data (and the FX series' when a
  conversion is needed, and - when ``start``/``end`` are not given - the rates' data), cut by
  ``start``/``end``. A ``start``/``end`` outside the data is a ConfigError naming the field,
  the value and the available range.
* **Prices on the home calendar** must have a close on every session. A session without one
  is carried forward (zero return that day; the move lands on the next close) only for runs
  of at most ``fill_limit`` consecutive sessions, and recorded in ``panel.filled[asset]``;
  longer runs raise DataError. Rows on days the calendar has no session (KRX Saturday
  sessions before December 1998, a few KRX holiday rows in 1992-94) are dropped: their move
  lands in the next session's return, since returns are ratios of closes.
* **Prices on another calendar** (coins on a stock calendar, a U.S. asset on the KRX
  calendar, stocks on a 24/7 calendar) are sampled **as-of**: the last close on or before each
  session, by date label. A coin's Saturday and Sunday moves therefore compound into Monday's
  return, and a U.S. asset's return on a KRX session is its move since the previous KRX
  session. Days the asset's own market is shut give a zero return and are not "fills"; a
  session whose as-of close is older than the asset's latest own session (a hole in the data)
  is recorded in ``filled`` and the same ``fill_limit`` applies to runs of missing own sessions.
  Date labels are matched, not clock times: a coin's UTC day closes after the NYSE and after
  the KRX close of the same date.
* **Currency.** USD assets in a KRW panel are multiplied by ``usdkrw`` sampled as-of each
  session (KRW assets in a USD panel are divided by it); same-currency assets are untouched.
  The FX value used may be at most 7 calendar days old. DEXKOUS is the noon New York rate of
  the date, so a KRX close is converted with that day's (later) New York noon rate.
  An asset named ``fx:USD`` (KRW panel) or ``fx:KRW`` (USD panel) is that FX value itself:
  its returns are the other currency's daily return in the panel's, sampled exactly as the
  conversion is, so ``(1 + r_own)(1 + r_fx) = 1 + r_converted`` on every row. Funds on a foreign
  underlying reset daily in their own currency and need it (:mod:`gaemi.engine.spec`).
* **Returns.** ``returns[t] = P[t] / P[t-1] - 1`` over the sessions, with the first session
  as base: ``T = sessions - 1``, ``dates = sessions[1:]``, ``base_date = sessions[0]``.
  Never zero-filled silently; non-finite values raise DataError.
* **Rates.** ``rates[t]`` = last published value (percent / 100) on or before the previous
  session ``dates[t-1]`` (``base_date`` for t = 0), so a rate is known before the day it
  accrues over. A rate starting after the first session is a ConfigError; a value older than
  the series' ``max_stale_days`` (14 calendar days for daily rates, 31 for the month-end base
  rate) is refused. ``gap_days[t]`` = calendar days from the previous session to ``dates[t]``.
  Values a series marks as estimated (``SeriesInfo.estimated_from``: ``kr_cd91`` after
  2023-05-19) are listed in ``provenance["estimated"]`` with the number of days read.
  A rate whose data ends before the prices' (and no ``end`` is given) is held at its last value
  for at most :data:`RATE_EXTENSION_DAYS` calendar days, listed in ``provenance["extended"]``;
  ``provenance["limited_by"]`` names the series that sets the first and the last session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from gaemi.data.calendars import CALENDARS, calendar_bounds, parse_day, session_array
from gaemi.data.catalog import SeriesInfo, _arrays, catalog, stored_info
from gaemi.data.panel import MarketPanel
from gaemi.errors import ConfigError, DataError
from gaemi.units import percent_to_fraction

CURRENCIES = ("KRW", "USD")
FX_SERIES = "usdkrw"
FX_PREFIX = "fx:"  # an asset column "fx:USD" (KRW panel) / "fx:KRW" (USD panel): the other currency's return
_ONE_DAY = np.timedelta64(1, "D")
#: A rate series that ends before the prices do is held at its last value for at most this many
#: calendar days (``provenance["extended"]``), so a plan is not cut where a shared rate stops.
RATE_EXTENSION_DAYS = 366


def _names(value: str | Iterable[str] | None, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    try:
        names = tuple(value)
    except TypeError:
        raise ConfigError(field, value, "a name or a list of names") from None
    for n in names:
        if not isinstance(n, str):
            raise ConfigError(field, n, "series names (strings)")
    return names


def _info(name: str, field: str, kind: str) -> SeriesInfo:
    cat = catalog()
    info = cat.get(name)
    if info is None:
        info = stored_info(name)  # a symbol in the local store (gaemi data)
    if info is None or info.kind != kind:
        allowed = ", ".join(k for k, v in cat.items() if v.kind == kind and v.frequency == "daily")
        import difflib

        names = [k for k, v in cat.items() if v.kind == kind and v.frequency == "daily"]
        close = difflib.get_close_matches(str(name).lower(), names, n=2, cutoff=0.75) if info is None else []
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        fetch = (f"; another series can be fetched (gaemi data fetch yahoo {str(name).upper()}) or imported "
                 f"(gaemi data import FILE --symbol my:{name})") if info is None and kind == "price" else ""
        raise ConfigError(field, name, f"{hint}one of {allowed} or a stored {kind} symbol "
                          f"(gaemi data list){fetch}")
    if kind == "price" and info.frequency != "daily":
        raise ConfigError(field, name, f"a daily price series ({name} is {info.frequency}: "
                          "use it as a home goal's price_index)")
    return info


def _as_day(value, field: str) -> np.datetime64 | None:
    return None if value is None else np.datetime64(parse_day(value, field).date(), "D")


def _span(d: np.ndarray) -> str:
    return f"{d[0]}..{d[-1]}"


def _runs(mask_positions: np.ndarray) -> list[tuple[int, int]]:
    """Runs of consecutive integers in a sorted array, as (first index, length) into it."""
    if mask_positions.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(mask_positions) != 1) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks, [mask_positions.size]))
    return [(int(s), int(e - s)) for s, e in zip(starts, ends)]


class _Asset:
    """One price series restricted to its own market's sessions."""

    def __init__(self, info: SeriesInfo) -> None:
        self.info = info
        d, c = _arrays(info.name)
        if info.calendar != "24/7":
            own = session_array(info.calendar, d[0], d[-1])
            keep = np.isin(d, own, assume_unique=True)
        else:
            keep = np.ones(d.size, dtype=bool)
        self.dropped = d[~keep]
        self.dates = d[keep]
        self.close = c[keep]
        if self.dates.size == 0:
            raise DataError(f"{info.name}: no close falls on a {info.calendar} session")

    @property
    def first(self) -> np.datetime64:
        return self.dates[0]

    @property
    def last(self) -> np.datetime64:
        return self.dates[-1]


def _sample(asset: _Asset, sess: np.ndarray, fill_limit: int) -> tuple[np.ndarray, list]:
    """As-of closes of ``asset`` at ``sess`` and the sessions whose close was carried forward
    because the data lacks one of the asset's own sessions (DataError past ``fill_limit``)."""
    info = asset.info
    idx = np.searchsorted(asset.dates, sess, side="right") - 1
    if idx[0] < 0:  # guarded by the range logic; kept as a hard stop
        raise DataError(f"{info.name}: no close on or before {sess[0]}")
    used = asset.dates[idx]
    own = session_array(info.calendar, used[0], sess[-1])
    present = np.isin(own, asset.dates, assume_unique=True)
    missing = np.flatnonzero(~present)
    too_long = [(s, n) for s, n in _runs(missing) if n > fill_limit]
    if too_long:
        parts = []
        for s, n in too_long[:5]:
            a, b = own[missing[s]], own[missing[s + n - 1]]
            parts.append(str(a) if n == 1 else f"{a}..{b} ({n} sessions)")
        more = f" and {len(too_long) - 5} more" if len(too_long) > 5 else ""
        raise DataError(
            f"{info.name}: no close on {info.calendar} sessions {', '.join(parts)}{more}; "
            f"fill_limit={fill_limit} allows carrying a close over at most {fill_limit} "
            "consecutive sessions: choose start/end around the gap or raise fill_limit"
        )
    # the latest own session on or before each panel session; stale if the close used is older
    latest_own = own[np.searchsorted(own, sess, side="right") - 1]
    stale = used < latest_own
    stale[0] = False  # the base close is never a return
    filled = [pd.Timestamp(x) for x in sess[stale]]
    return asset.close[idx], filled


def _asof(dates: np.ndarray, values: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    idx = np.searchsorted(dates, at, side="right") - 1
    return idx, values[np.maximum(idx, 0)]


def _limits(ranges: dict[str, tuple], rate_data: list, sess: np.ndarray, start_d, end_d,
            asset_hi: np.datetime64) -> dict[str, str]:
    """Which series sets the panel's first and last session (``"start"`` / ``"end"``): the one whose
    data begins last / ends first, or ``"start"``/``"end"`` when the caller cut the range."""
    firsts = {k: v[0] for k, v in ranges.items()}
    lasts = {k: v[1] for k, v in ranges.items()}
    for ri, rd, _ in rate_data:
        firsts[ri.name] = rd[0]
        lasts[ri.name] = rd[-1] + RATE_EXTENSION_DAYS * _ONE_DAY if rd[-1] < asset_hi else rd[-1]
    first = max(firsts, key=lambda k: firsts[k])
    last = min(lasts, key=lambda k: lasts[k])
    return {"start": "start" if start_d is not None else first,
            "end": "end" if end_d is not None else last}


def _estimated(names: Sequence[str], rate_names: Sequence[str], sess: np.ndarray) -> dict[str, Any]:
    """Provenance of estimated values: the embedded series whose rows from
    ``SeriesInfo.estimated_from`` on are estimates (``kr_cd91`` after 2023-05-19: base rate + a
    spread) and how many panel days read them (prices on each session, rates as of the previous
    session). Empty when the panel reads none."""
    cat = catalog()
    out = {}
    for n, days in [*((n, sess) for n in names), *((n, sess[:-1]) for n in rate_names)]:
        info = cat.get(n)
        if info is None or info.estimated_from is None:
            continue
        k = int(np.count_nonzero(days >= np.datetime64(info.estimated_from, "D")))
        if k:
            out[n] = {"from": info.estimated_from, "days": k, "method": info.description}
    return {"estimated": out} if out else {}


def build_panel(
    assets: str | Sequence[str],
    rates: str | Sequence[str] | None = (),
    currency: str = "KRW",
    calendar: str | None = None,
    start: Any = None,
    end: Any = None,
    fill_limit: int = 3,
) -> MarketPanel:
    """Aligned daily returns of embedded ``assets`` in ``currency`` on one calendar, with
    short ``rates`` (annual fractions) in force over each day.

    Parameters
    ----------
    assets : price series names (see :func:`gaemi.data.catalog`), e.g. ``["ndxtr", "kospi"]``.
    rates : rate series names, e.g. ``["us_effr"]``; percent in the files, fractions here.
    currency : ``"KRW"`` or ``"USD"``; other-currency assets are converted with ``usdkrw``.
    calendar : ``"XNYS"``, ``"XKRX"``, ``"24/7"`` or None (the first asset's home market).
    start, end : first and last session wanted (inclusive); None = as far as all data reach.
    fill_limit : longest run of missing sessions a close may be carried over (>= 0).

    Returns a :class:`MarketPanel`; see this module's docstring for every alignment rule.
    """
    names = _names(assets, "assets")
    if not names:
        raise ConfigError("assets", list(names), "at least one price series")
    dup = [n for i, n in enumerate(names) if n in names[:i]]
    if dup:
        raise ConfigError("assets", dup[0], "each asset once")
    fx_names = [n for n in names if n.startswith(FX_PREFIX)]
    fx_allowed = FX_PREFIX + ("USD" if currency == "KRW" else "KRW")
    for n in fx_names:
        if n != fx_allowed:
            raise ConfigError("assets", n, f"{fx_allowed} (one unit of that currency, valued in {currency})")
    infos = [_info(n, "assets", "price") for n in names if n not in fx_names]
    rate_names = _names(rates, "rates")
    dup = [n for i, n in enumerate(rate_names) if n in rate_names[:i]]
    if dup:
        raise ConfigError("rates", dup[0], "each rate once")
    rate_infos = [_info(n, "rates", "rate") for n in rate_names]
    if currency not in CURRENCIES:
        raise ConfigError("currency", currency, "one of " + ", ".join(CURRENCIES))
    if calendar is not None and calendar not in CALENDARS:
        raise ConfigError("calendar", calendar, "one of " + ", ".join(CALENDARS))
    if isinstance(fill_limit, bool) or not isinstance(fill_limit, (int, np.integer)) or fill_limit < 0:
        raise ConfigError("fill_limit", fill_limit, "an integer >= 0")
    fill_limit = int(fill_limit)
    start_d = _as_day(start, "start")
    end_d = _as_day(end, "end")
    if start_d is not None and end_d is not None and start_d > end_d:
        raise ConfigError("start", str(start_d), f"a date on or before end ({end_d})")

    if calendar is None:
        home = next((i.calendar for i in infos if i.calendar != "24/7"), None)
        calendar = home or ("XKRX" if currency == "KRW" else "XNYS")

    series = [_Asset(i) for i in infos]
    convert = [i.currency != currency for i in infos]
    fx_d = fx_v = None
    if any(convert) or fx_names:
        fx_d, fx_v = _arrays(FX_SERIES)

    # --- range: overlap of the data, then start/end -------------------------------------
    ranges = {a.info.name: (a.first, a.last) for a in series}
    if fx_d is not None:
        ranges[FX_SERIES] = (fx_d[0], fx_d[-1])
    lo = max(r[0] for r in ranges.values())
    hi = min(r[1] for r in ranges.values())
    listing = "; ".join(f"{k} {a}..{b}" for k, a, b in ((k, *v) for k, v in ranges.items()))
    if lo > hi:
        raise ConfigError("assets", list(names), f"series whose dates overlap ({listing})")
    rate_data = [(ri, *_arrays(ri.name)) for ri in rate_infos]
    if start_d is None:
        for _ri, rd, _ in rate_data:  # default: begin where every rate has a value
            lo = max(lo, rd[0])
    asset_hi = hi
    if end_d is None:
        # default: stop where a rate's data stops, but a rate that merely ends before the prices
        # do is held at its last value for up to RATE_EXTENSION_DAYS (recorded as "extended")
        for _ri, rd, _ in rate_data:
            hi = min(hi, rd[-1] + RATE_EXTENSION_DAYS * _ONE_DAY)
        if lo > hi:
            raise ConfigError("rates", list(rate_names),
                              f"rates with data inside the assets' common range {lo}..{hi}")
    cal_lo, cal_hi = calendar_bounds(calendar)
    if start_d is None:
        lo = max(lo, cal_lo)
    if end_d is None:
        hi = min(hi, cal_hi)
    if lo > hi:
        raise ConfigError("calendar", calendar, f"a calendar covering the data ({listing})")
    avail = f"a date within the data, {lo}..{hi}" + (f" ({listing})" if len(ranges) > 1 else "")
    if start_d is not None:
        if not lo <= start_d <= hi:
            raise ConfigError("start", str(start_d), avail)
        lo = start_d
    if end_d is not None:
        if not lo <= end_d <= hi:
            raise ConfigError("end", str(end_d), avail)
        hi = end_d
    sess = session_array(calendar, lo, hi)
    if sess.size < 2:
        raise ConfigError("start/end", f"{lo}..{hi}", f"a range with at least two {calendar} sessions")

    # --- prices ---------------------------------------------------------------------------
    prices = np.empty((sess.size, len(names)), dtype=np.float64)
    filled: dict[str, list] = {}
    sampling: dict[str, str] = {}
    dropped: dict[str, int] = {}
    fx_used = None
    if fx_d is not None:
        fidx, fx_used = _asof(fx_d, fx_v, sess)
        age = (sess - fx_d[np.maximum(fidx, 0)]) / _ONE_DAY
        limit = catalog()[FX_SERIES].max_stale_days or 7
        bad = np.flatnonzero((fidx < 0) | (age > limit))
        if bad.size:
            raise DataError(
                f"{FX_SERIES}: no value within {limit} days before sessions "
                f"{', '.join(str(x) for x in sess[bad[:5]])}" + (" ..." if bad.size > 5 else "")
            )
    for k, n in enumerate(names):  # an FX column: one unit of the other currency, valued as of each session
        if n in fx_names:
            prices[:, k] = fx_used if currency == "KRW" else 1.0 / fx_used
            sampling[n] = "asof"
    real_cols = [k for k, n in enumerate(names) if n not in fx_names]
    for j, a in enumerate(series):
        k = real_cols[j]
        p, fl = _sample(a, sess, fill_limit)
        if convert[j]:
            p = p * fx_used if currency == "KRW" else p / fx_used
        prices[:, k] = p
        filled[a.info.name] = fl
        sampling[a.info.name] = "session" if a.info.calendar == calendar else "asof"
        dropped[a.info.name] = int(np.count_nonzero((a.dropped >= sess[0]) & (a.dropped <= sess[-1])))

    returns = prices[1:] / prices[:-1] - 1.0
    if not np.isfinite(returns).all():
        t, k = np.argwhere(~np.isfinite(returns))[0]
        raise DataError(f"{names[k]}: non-finite return on {sess[t + 1]}")

    # --- rates ----------------------------------------------------------------------------
    prev = sess[:-1]
    extended: dict[str, dict[str, Any]] = {}
    rate_mat = np.empty((prev.size, len(rate_infos)), dtype=np.float64)
    for k, (ri, rd, rv) in enumerate(rate_data):
        ridx, vals = _asof(rd, rv, prev)
        if ridx[0] < 0:
            raise ConfigError("start", str(sess[0]),
                              f"a date on or after {rd[0]}, where rate {ri.name} begins "
                              "(or leave that rate out)")
        age = (prev - rd[ridx]) / _ONE_DAY
        limit = ri.max_stale_days or 14
        after = prev > rd[-1] + limit * _ONE_DAY  # past the series' end: held at its last value
        if after.any():
            if end_d is None:
                age = np.where(after, 0.0, age)
                extended[ri.name] = {"last": str(rd[-1]), "days": int(np.count_nonzero(prev > rd[-1])),
                                     "method": f"held at its last value ({float(rv[-1]):g} %) for at most "
                                               f"{RATE_EXTENSION_DAYS} days"}
        bad = np.flatnonzero(age > limit)
        if bad.size:
            t = int(bad[0])
            if prev[t] > rd[-1]:
                last_ok = sess[t]
                raise ConfigError("end", str(sess[-1]),
                                  f"a date on or before {last_ok}: rate {ri.name} ends {rd[-1]}")
            raise DataError(f"{ri.name}: no value in the {limit} days before {prev[t]}")
        rate_mat[:, k] = percent_to_fraction(vals)

    gap_days = ((sess[1:] - sess[:-1]) / _ONE_DAY).astype(np.float64)
    returns = np.ascontiguousarray(returns)
    sources = {i.name: i.file for i in infos}  # store symbols: "store:SYMBOL"
    sources.update({ri.name: ri.file for ri in rate_infos})
    provenance: dict[str, Any] = {
        "assets": list(names),
        "rates": list(rate_names),
        "sources": sources,
        "calendar": calendar,
        "currency": currency,
        "fill_limit": fill_limit,
        "start": str(sess[0]),
        "end": str(sess[-1]),
        "sampling": sampling,
        "filled": {k: len(v) for k, v in filled.items()},
        "dropped_rows": dropped,
        "sha256": hashlib.sha256(returns.tobytes()).hexdigest(),
    }
    provenance.update(_estimated(names, rate_names, sess))
    if extended:
        provenance["extended"] = extended
    provenance["limited_by"] = _limits(ranges, rate_data, sess, start_d, end_d, asset_hi)
    if fx_d is not None:
        conv = [i.name for i, c in zip(infos, convert) if c]
        provenance["sources"][FX_SERIES] = catalog()[FX_SERIES].file
        provenance["fx"] = {
            "series": FX_SERIES,
            "assets": conv,
            "method": ("multiplied by" if currency == "KRW" else "divided by")
            + " usdkrw (KRW per USD) as of each session",
        }
        if fx_names:
            provenance["fx"]["columns"] = {n: f"the daily return of one {n[len(FX_PREFIX):]} in {currency} "
                                              f"(usdkrw as of each session)" for n in fx_names}
    dates = pd.DatetimeIndex(sess[1:].astype("datetime64[ns]"), name="date")
    return MarketPanel(
        dates=dates,
        assets=names,
        returns=returns,
        rate_names=rate_names,
        rates=rate_mat,
        rate_basis=tuple(float(ri.day_count_basis or 365) for ri in rate_infos),
        gap_days=gap_days,
        currency=currency,
        calendar=calendar,
        base_date=pd.Timestamp(sess[0]),
        filled=filled,
        provenance=provenance,
    )
