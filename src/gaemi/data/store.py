"""The local market-data store: one DuckDB file.

Tables (see :data:`SCHEMA`):

* ``instruments`` - one row per stored symbol: what it is (kind, currency, calendar, source,
  venue, base/quote, native code) and the span of its data.
* ``bars`` - daily bars of price instruments: open, high, low, close, volume (in units of the
  instrument: coins, shares, index shares traded) and turnover (value traded, in the quote
  currency: KRW for Upbit KRW markets and KRX, USDT for Binance USDT markets).
* ``series`` - one value a day for FX (``usdkrw``: KRW per USD) and rates (percent per year).
* ``fetch_log`` - one row per write: when, from which source, how many rows were written and
  refused, and the first reasons.

Every write validates first (:func:`validate_bars`) and then upserts the accepted rows, the
instrument row and the fetch-log row in **one transaction**: a process killed mid-write leaves
the previous data exactly as it was, and writing the same rows twice changes nothing.

Symbols are ``source:native`` (``upbit:BTC/KRW``, ``krx:122630``, ``krx:KOSPI``,
``yahoo:TSLA``, ``yahoo:KRW=X``) or any name a user picks on ``gaemi data import``; embedded
sample names (``kospi``, ``btc``, ...) are reserved.

The store's path is, in order: the ``path`` argument (``--store`` on the command line), the
``GAEMI_STORE`` environment variable, or ``gaemi.duckdb`` in the platform's user data folder
(:func:`platformdirs.user_data_dir`).

Faults and concurrency (docs/data.md, "Concurrency and faults"): every DuckDB error from any
query becomes one :class:`~gaemi.errors.DataError` naming the file; DuckDB never installs or
loads an extension on its own (nothing here reaches the network); a file that is not a DuckDB
file is refused before DuckDB reads it. One process writes at a time (DuckDB's file lock);
readers open the file read-only. Both wait for a lock held by another process, retrying until
``timeout`` seconds (``GAEMI_STORE_TIMEOUT``, default 30) and then give up with a clear error.
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gaemi.errors import ConfigError, DataError

ENV_VAR = "GAEMI_STORE"
#: seconds a reader or writer waits for another process's lock on the store file
TIMEOUT_ENV_VAR = "GAEMI_STORE_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
#: every connection: no extension is ever installed or loaded behind the user's back, and no
#: query reaches files or URLs other than the store itself (DataFrames are passed in directly)
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                 "enable_external_access": False}
#: the dates the store takes: pandas' nanosecond range (the engine works in it)
MIN_DATE = np.datetime64("1677-09-22", "D")
MAX_DATE = np.datetime64("2262-04-11", "D")
DATE_RANGE = f"{MIN_DATE} .. {MAX_DATE}"
#: a price or FX/rate value at or above this is refused (a unit error, or 1e308 overflowing
#: every return computed from it); volume and turnover at or above MAX_AMOUNT
MAX_PRICE = 1e12
MAX_AMOUNT = 1e18
FILE_NAME = "gaemi.duckdb"
KINDS = ("price", "fx", "rate")
CALENDARS = ("XKRX", "XNYS", "24/7")
BAR_COLUMNS = ("open", "high", "low", "close", "volume", "turnover")
PRICE_COLUMNS = ("open", "high", "low", "close")
SYMBOL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/=^\-]{0,63}$")
#: a day-on-day close move larger than this (as a fraction) is reported as a suspicious jump
DEFAULT_JUMP = 0.4

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS instruments (
        symbol VARCHAR PRIMARY KEY,
        name VARCHAR,
        kind VARCHAR NOT NULL,
        currency VARCHAR NOT NULL,
        calendar VARCHAR NOT NULL,
        source VARCHAR NOT NULL,
        venue VARCHAR,
        asset_class VARCHAR,
        base VARCHAR,
        quote VARCHAR,
        native VARCHAR,
        note VARCHAR,
        updated_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS bars (
        symbol VARCHAR NOT NULL,
        date DATE NOT NULL,
        open DOUBLE, high DOUBLE, low DOUBLE,
        close DOUBLE NOT NULL,
        volume DOUBLE, turnover DOUBLE,
        PRIMARY KEY (symbol, date))""",
    """CREATE TABLE IF NOT EXISTS series (
        symbol VARCHAR NOT NULL,
        date DATE NOT NULL,
        value DOUBLE NOT NULL,
        PRIMARY KEY (symbol, date))""",
    """CREATE SEQUENCE IF NOT EXISTS fetch_log_id START 1""",
    """CREATE TABLE IF NOT EXISTS fetch_log (
        id BIGINT PRIMARY KEY DEFAULT nextval('fetch_log_id'),
        logged_at TIMESTAMP NOT NULL,
        source VARCHAR NOT NULL,
        symbol VARCHAR NOT NULL,
        first_date DATE, last_date DATE,
        written BIGINT NOT NULL,
        refused BIGINT NOT NULL,
        warnings BIGINT NOT NULL,
        detail VARCHAR)""",
)


# ----------------------------------------------------------------------------- types
@dataclass(frozen=True)
class Instrument:
    """What a stored symbol is. ``kind``: price (bars) | fx | rate (series); ``calendar``: the
    venue's sessions (XKRX, XNYS or 24/7 for coins, UTC days); ``currency``: of prices and
    turnover (the quote currency); rates are percent per year, FX is ``currency`` per ``base``."""

    symbol: str
    kind: str
    currency: str
    calendar: str
    source: str
    name: str = ""
    venue: str = ""
    asset_class: str = ""
    base: str = ""
    quote: str = ""
    native: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        check_symbol(self.symbol)
        if self.kind not in KINDS:
            raise ConfigError("kind", self.kind, "one of " + ", ".join(KINDS))
        if self.calendar not in CALENDARS:
            raise ConfigError("calendar", self.calendar, "one of " + ", ".join(CALENDARS))
        if not re.fullmatch(r"[A-Z]{3,5}", self.currency or ""):
            raise ConfigError("currency", self.currency, "a currency code like KRW, USD, USDT")


@dataclass(frozen=True)
class Issue:
    """One problem with one input row. ``row`` is the 1-based position in the input (None for
    a whole-series note such as a gap); ``field`` the column at fault."""

    row: int | None
    date: str | None
    field: str
    value: Any
    reason: str
    #: what ``row`` counts: "row" (1-based input row) or e.g. "prices.csv line" (file lines)
    where: str = "row"

    def __str__(self) -> str:
        where = f"{self.where} {self.row}" if self.row is not None else "series"
        when = f" ({self.date})" if self.date else ""
        return f"{where}{when}: {self.field}={self.value!r}: {self.reason}"


@dataclass
class WriteReport:
    """What a validated write did: rows ``written``, rows ``refused`` (with reasons) and
    ``warnings`` (suspicious jumps, calendar gaps: reported, the rows are kept)."""

    symbol: str
    written: int = 0
    refused: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    first_date: str | None = None
    last_date: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "written": self.written,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "refused": [asdict(i) | {"message": str(i)} for i in self.refused],
            "warnings": [asdict(i) | {"message": str(i)} for i in self.warnings],
        }


def check_symbol(symbol: Any, field: str = "symbol") -> str:
    if not isinstance(symbol, str) or not SYMBOL_RE.match(symbol):
        raise ConfigError(field, symbol, "1-64 characters: letters, digits and _ . : / = ^ -, "
                          "starting with a letter or digit")
    return symbol


# ----------------------------------------------------------------------------- path
def default_path() -> Path:
    """``GAEMI_STORE`` if set, else ``gaemi.duckdb`` in the platform user-data folder."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("gaemi", appauthor=False)) / FILE_NAME


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """The store file: ``path`` if given, else :func:`default_path`."""
    return Path(path).expanduser() if path not in (None, "") else default_path()


# ----------------------------------------------------------------------------- validation
def _as_dates(values: pd.Series) -> pd.Series:
    """Parse dates to datetime64[ns]; anything unparseable or outside pandas' range
    (:data:`DATE_RANGE`) becomes NaT (refused later with its row)."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = values.reset_index(drop=True)
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
    else:
        s = pd.Series(values.to_numpy(dtype=object)).map(
            lambda x: x.strip() if isinstance(x, str) else
            x if isinstance(x, pd.Timestamp) or x is None else str(x))
        try:
            out = pd.to_datetime(s, errors="coerce", format="ISO8601")
        except (ValueError, TypeError, OverflowError):
            out = pd.to_datetime(s, errors="coerce", format="mixed")
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
    return pd.Series(_in_range_ns(out.to_numpy()))


def _in_range_ns(d: np.ndarray) -> np.ndarray:
    """datetime64 of any unit -> datetime64[ns], NaT where outside :data:`DATE_RANGE`."""
    d = np.asarray(d)
    if d.dtype.kind != "M":
        d = d.astype("datetime64[ns]")
    day = d.astype("datetime64[D]")
    ok = ~np.isnat(d) & (day >= MIN_DATE) & (day <= MAX_DATE)
    out = np.full(d.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    out[ok] = d[ok].astype("datetime64[ns]")
    return out


def _fmt_day(d: Any) -> str | None:
    if d is None or (isinstance(d, float) and math.isnan(d)) or d is pd.NaT:
        return None
    return str(pd.Timestamp(d).date())


def validate_bars(
    bars: pd.DataFrame,
    calendar: str,
    existing: pd.Series | None = None,
    jump: float = DEFAULT_JUMP,
) -> tuple[pd.DataFrame, list[Issue], list[Issue]]:
    """Split daily bars into accepted rows, refused rows and warnings.

    ``bars`` has a ``date`` column (or a DatetimeIndex) and ``close`` plus any of ``open``,
    ``high``, ``low``, ``volume``, ``turnover``; rows are checked in input order.

    Refused (with the reason): an unparseable date; a close that is missing, non-finite or
    <= 0; an open/high/low that is non-finite or <= 0 (missing is allowed: early index history
    has closes only); high below low; a negative or infinite volume or turnover; a date that
    occurs more than once (every copy is refused: which one is right is unknown); a date
    earlier than one before it (out of order).

    Warnings (rows kept): a day that is not a ``calendar`` session; a gap of one or more
    missing sessions between consecutive dates (including the dates already stored:
    ``existing`` = stored closes indexed by date); a close-to-close move larger than ``jump``
    (40% by default) against the previous close, stored or new.

    Returns (accepted rows sorted by date with columns date + BAR_COLUMNS, refused, warnings).
    """
    from gaemi.data.calendars import session_array

    if calendar not in CALENDARS:
        raise ConfigError("calendar", calendar, "one of " + ", ".join(CALENDARS))
    df = bars.copy()
    if "date" not in df.columns:
        df = df.reset_index().rename(columns={df.index.name or "index": "date"})
    if "close" not in df.columns:
        raise ConfigError("columns", list(bars.columns), "a date and a close column")
    for c in BAR_COLUMNS:
        if c not in df.columns:
            df[c] = np.nan
    n = len(df)
    raw = df.reset_index(drop=True)
    dates = _as_dates(raw["date"])
    refused: list[Issue] = []
    warnings: list[Issue] = []
    bad = np.zeros(n, dtype=bool)

    def refuse(mask: np.ndarray, fld: str, reason) -> None:
        """Refuse the rows in ``mask`` not refused yet; ``reason`` is a str or f(row)."""
        for i in np.flatnonzero(mask & ~bad):
            value = raw.at[i, fld] if fld in raw.columns else None
            if isinstance(value, np.generic):
                value = value.item()
            if isinstance(value, pd.Timestamp):
                value = _fmt_day(value)
            refused.append(Issue(int(i) + 1, _fmt_day(dates.iloc[i]), fld, value,
                                 reason if isinstance(reason, str) else reason(int(i))))
        bad[mask] = True

    nat = dates.isna().to_numpy()
    refuse(nat, "date", f"not a date (YYYY-MM-DD, {DATE_RANGE})")
    dnum = dates.to_numpy(dtype="datetime64[ns]")
    with np.errstate(invalid="ignore"):
        timed = ~nat & (dnum != dnum.astype("datetime64[D]").astype("datetime64[ns]"))
    refuse(timed, "date", "a day, not a time of day")
    num = {}
    for c in BAR_COLUMNS:
        col = raw[c]
        missing = col.isna().to_numpy().copy()
        if col.dtype == object:
            missing |= col.map(lambda x: isinstance(x, str) and x.strip() == "").to_numpy(bool)
        v = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64, copy=True)
        v[missing] = np.nan
        num[c] = v
        if c == "close":
            refuse(~np.isfinite(v), c, "a close is required: a finite number > 0")
        else:
            refuse(~missing & ~np.isfinite(v), c, "not a finite number")
        with np.errstate(invalid="ignore"):
            if c in PRICE_COLUMNS:
                refuse(np.isfinite(v) & (v <= 0), c, "a price must be > 0")
                refuse(np.isfinite(v) & (v >= MAX_PRICE), c, f"a price must be < {MAX_PRICE:g}")
            else:
                refuse(np.isfinite(v) & (v < 0), c, "must be >= 0")
                refuse(np.isfinite(v) & (v >= MAX_AMOUNT), c, f"must be < {MAX_AMOUNT:g}")
    with np.errstate(invalid="ignore"):
        refuse(num["high"] < num["low"], "high", lambda i: f"high below low ({num['low'][i]:g})")

    # duplicates (among rows with a date): refuse every copy
    dup = pd.Series(dnum).duplicated(keep=False).to_numpy() & ~nat
    if dup.any():
        cnt = pd.Series(dnum[dup]).value_counts()
        refuse(dup, "date", lambda i: f"duplicate date ({int(cnt[dnum[i]])} rows): every copy "
               "is refused")
    # out of order: earlier than an accepted row above it (refusing such a row never changes
    # the running maximum, so one pass is exact)
    d_ok = np.where(bad, np.datetime64("NaT"), dnum).astype("datetime64[ns]")
    filled = np.where(bad, np.iinfo(np.int64).min, d_ok.astype(np.int64))
    runmax = np.maximum.accumulate(filled)
    prevmax = np.concatenate(([np.iinfo(np.int64).min], runmax[:-1]))
    ooo = ~bad & (filled < prevmax)
    refuse(ooo, "date", lambda i: "out of order: comes after "
           f"{_fmt_day(pd.Timestamp(int(prevmax[i])))}")
    refused.sort(key=lambda x: x.row or 0)

    keep = ~bad
    out = pd.DataFrame({"date": dates[keep].dt.normalize().to_numpy()})
    for c in BAR_COLUMNS:
        out[c] = num[c][keep]
    out = out.sort_values("date", kind="stable").reset_index(drop=True)
    rows = (np.flatnonzero(keep) + 1)[np.argsort(dates[keep].to_numpy(), kind="stable")]

    if len(out):
        new_d = out["date"].to_numpy().astype("datetime64[D]")
        if existing is not None and len(existing):
            ex = pd.Series(np.asarray(existing, dtype=np.float64),
                           index=pd.DatetimeIndex(pd.to_datetime(existing.index)).normalize())
        else:
            ex = pd.Series(dtype=np.float64, index=pd.DatetimeIndex([]))
        old_d = ex.index.to_numpy().astype("datetime64[D]")
        allv = np.union1d(old_d, new_d)
        sess = session_array(calendar, allv[0], allv[-1])
        is_new = np.isin(allv, new_d)
        for d in new_d[~np.isin(new_d, sess)]:
            k = int(np.searchsorted(new_d, d))
            warnings.append(Issue(int(rows[k]), str(d), "date", str(d),
                                  f"not a {calendar} session (kept)"))
        # sessions strictly between consecutive dates
        left = np.searchsorted(sess, allv[:-1], side="right")
        right = np.searchsorted(sess, allv[1:], side="left")
        for j in np.flatnonzero((right - left > 0) & (is_new[1:] | is_new[:-1])):
            a, b = int(left[j]), int(right[j])
            warnings.append(Issue(None, str(allv[j + 1]), "date", str(allv[j + 1]),
                                  f"gap: {b - a} {calendar} session(s) missing between "
                                  f"{allv[j]} and {allv[j + 1]} ({sess[a]}..{sess[b - 1]})"))
        # close-to-close moves over stored + new closes (new closes win on the same date)
        merged = pd.concat([ex, pd.Series(out["close"].to_numpy(),
                                          index=pd.DatetimeIndex(out["date"]))])
        merged = merged[~merged.index.duplicated(keep="last")].sort_index()
        mv = merged.to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            move = np.concatenate(([np.nan], mv[1:] / mv[:-1] - 1.0))
        mdays = merged.index.to_numpy().astype("datetime64[D]")
        newm = np.isin(mdays, new_d)
        row_of = dict(zip(new_d.tolist(), rows.tolist()))
        for m in np.flatnonzero(np.isfinite(move) & (np.abs(move) > jump)):
            if not (newm[m] or newm[m - 1]):
                continue
            day = mdays[m] if newm[m] else mdays[m - 1]
            warnings.append(Issue(int(row_of[day.tolist()]), str(mdays[m]), "close",
                                  float(mv[m]),
                                  f"suspicious jump: {move[m]:+.1%} from the previous close "
                                  f"{mv[m - 1]:g} on {mdays[m - 1]} (kept; check splits and units)"))
    return out, refused, warnings


def validate_series(values: pd.DataFrame, kind: str) -> tuple[pd.DataFrame, list[Issue]]:
    """FX / rate values: ``date`` and ``value`` columns. Refuses unparseable dates, missing or
    non-finite values, FX <= 0 (rates may be zero or negative), duplicates and out-of-order
    dates (the date rules of :func:`validate_bars`)."""
    df = values.copy()
    if "date" not in df.columns:
        df = df.reset_index().rename(columns={df.index.name or "index": "date"})
    if "value" not in df.columns:
        raise ConfigError("columns", list(values.columns), "a date and a value column")
    raw = df["value"].reset_index(drop=True)
    v = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=np.float64, copy=True)
    # the date rules with a placeholder close; value rules below
    ok, refused, _ = validate_bars(pd.DataFrame({"date": df["date"].to_numpy(), "close": 1.0}),
                                   "24/7", jump=float("inf"))
    bad_rows = {i.row for i in refused}
    dates = _as_dates(df["date"].reset_index(drop=True))
    for i in range(len(v)):
        if i + 1 in bad_rows:
            continue
        reason = None
        if not np.isfinite(v[i]):
            reason = "a value is required: a finite number"
        elif abs(v[i]) >= MAX_PRICE:
            reason = f"a value must be below {MAX_PRICE:g} in size"
        elif kind == "fx" and v[i] <= 0:
            reason = "an exchange rate must be > 0"
        if reason:
            given = raw.iloc[i]
            refused.append(Issue(i + 1, _fmt_day(dates.iloc[i]), "value",
                                 given.item() if isinstance(given, np.generic) else given, reason))
            bad_rows.add(i + 1)
    keep = np.array([i + 1 not in bad_rows for i in range(len(v))], dtype=bool)
    out = pd.DataFrame({"date": dates[keep].dt.normalize().to_numpy(), "value": v[keep]})
    refused.sort(key=lambda x: x.row or 0)
    return out.sort_values("date", kind="stable").reset_index(drop=True), refused


# ----------------------------------------------------------------------------- store
def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def store_timeout(timeout: float | None = None) -> float:
    """Seconds to wait for another process's lock: ``timeout``, else ``GAEMI_STORE_TIMEOUT``,
    else :data:`DEFAULT_TIMEOUT`."""
    if timeout is None:
        env = os.environ.get(TIMEOUT_ENV_VAR, "").strip()
        if not env:
            return DEFAULT_TIMEOUT
        try:
            timeout = float(env)
        except ValueError:
            raise ConfigError(TIMEOUT_ENV_VAR, env, "seconds, a number >= 0") from None
        field_name = TIMEOUT_ENV_VAR
    else:
        field_name = "timeout"
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) \
            or not math.isfinite(timeout) or not 0 <= timeout <= 86_400:
        raise ConfigError(field_name, timeout, "seconds, a number from 0 to 86400")
    return float(timeout)


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= 300 else text[:297] + "..."


def _store_error(path: Path, err: BaseException) -> DataError:
    """A DuckDB (or OS) error on the store file as one line naming the file."""
    msg = _one_line(err)
    if "Could not set lock" in msg or "Conflicting lock" in msg:
        return DataError(f"store {path}: another process is using it ({msg})")
    return DataError(f"store {path}: cannot use it: {msg} (a damaged file, or not a gaemi "
                     "store? export what you can and start a new one with --store)")


def _check_header(path: Path) -> None:
    """Refuse a file that is not a DuckDB database before DuckDB reads it (DuckDB would try
    to auto-detect, e.g. SQLite, through extensions)."""
    try:
        if not path.exists():
            return
        if not path.is_file():
            raise DataError(f"store {path}: not a file")
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as err:
        raise DataError(f"store {path}: cannot read it ({_one_line(err)})") from err
    if not head:
        return  # an empty file: DuckDB makes a new database in it (writers), readers refuse
    if len(head) < 12 or head[8:12] != b"DUCK":
        what = " (it is a SQLite database)" if head.startswith(b"SQLite format 3") else ""
        raise DataError(f"store {path}: not a gaemi store: not a DuckDB file{what}")


def _guard(fn):
    """Turn DuckDB and OS errors raised by a Store method into one DataError."""

    @functools.wraps(fn)
    def wrapped(self, *args, **kw):
        try:
            return fn(self, *args, **kw)
        except OSError as err:
            raise _store_error(self.path, err) from err
        except Exception as err:
            if type(err).__module__.split(".")[0] in ("duckdb", "_duckdb"):
                raise _store_error(self.path, err) from err
            raise

    return wrapped


def connect(path: Path, read_only: bool, timeout: float | None = None):
    """A DuckDB connection with :data:`DUCKDB_CONFIG`, waiting up to ``timeout`` seconds
    (:func:`store_timeout`) while another process holds the file's lock."""
    import duckdb

    wait = store_timeout(timeout)
    _check_header(path)
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=dict(DUCKDB_CONFIG))
        except duckdb.Error as err:
            msg = str(err)
            locked = "Could not set lock" in msg or "Conflicting lock" in msg
            left = deadline - time.monotonic()
            if not locked:
                raise _store_error(path, err) from err
            if left <= 0:
                holder = ""
                if "PID" in msg:
                    holder = " (" + msg[msg.index("PID"):].split(")")[0] + ")"
                raise DataError(
                    f"store {path}: busy: another process{holder} has it open for writing "
                    f"(an import or fetch?); gave up after waiting {wait:g} s (set "
                    f"{TIMEOUT_ENV_VAR} to wait longer)") from err
            time.sleep(min(delay, left))
            delay = min(delay * 2, 0.5)


class Store:
    """A DuckDB market-data file. Open with ``Store(path)`` (created on first write unless
    ``read_only``) and use as a context manager. One writer process at a time (DuckDB's file
    lock); a second writer, or a reader while a writer works, waits up to ``timeout`` seconds
    (:func:`store_timeout`). Every DuckDB error becomes a :class:`DataError`.
    """

    def __init__(self, path: str | os.PathLike | None = None, read_only: bool = False,
                 timeout: float | None = None) -> None:
        self.path = resolve_path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise ConfigError("store", str(self.path), "an existing gaemi store file "
                              "(create one with gaemi data fetch or gaemi data import)")
        if not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise DataError(f"store {self.path}: cannot make its folder "
                                f"({_one_line(err)})") from err
        self.con = connect(self.path, read_only, timeout)
        try:
            self._init_schema()
        except BaseException:
            self.con.close()
            raise

    @_guard
    def _init_schema(self) -> None:
        if not self.read_only:
            for stmt in SCHEMA:
                self.con.execute(stmt)
        elif not self._has_tables():
            raise ConfigError("store", str(self.path), "a gaemi store file (no gaemi tables in it)")

    def _has_tables(self) -> bool:
        got = {r[0] for r in self.con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        return {"instruments", "bars", "series", "fetch_log"} <= got

    # context manager -----------------------------------------------------------------
    @_guard
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # reading -----------------------------------------------------------------------------
    @_guard
    def instrument(self, symbol: str) -> Instrument | None:
        cur = self.con.execute(
            "SELECT symbol, kind, currency, calendar, source, name, venue, asset_class, base, "
            "quote, native, note FROM instruments WHERE symbol = ?", [symbol])
        r = cur.fetchone()
        if r is None:
            return None
        return Instrument(*[x if x is not None else "" for x in r])

    @_guard
    def require(self, symbol: str) -> Instrument:
        inst = self.instrument(symbol)
        if inst is None:
            known = self.symbols()
            allowed = ("a stored symbol: " + ", ".join(known[:30]) + (" ..." if len(known) > 30 else "")
                       if known else f"a stored symbol (the store {self.path} is empty)")
            raise ConfigError("symbol", symbol, allowed)
        return inst

    @_guard
    def symbols(self) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT symbol FROM instruments ORDER BY symbol")
                .fetchall()]

    @_guard
    def list(self) -> pd.DataFrame:
        """One row per instrument with its row count and first/last date."""
        return self.con.execute("""
            WITH spans AS (
              SELECT symbol, count(*) AS rows, min(date) AS first, max(date) AS last FROM bars GROUP BY symbol
              UNION ALL
              SELECT symbol, count(*), min(date), max(date) FROM series GROUP BY symbol)
            SELECT i.symbol, i.kind, i.currency, i.calendar, i.source, i.venue, i.name,
                   coalesce(s.rows, 0) AS rows, s.first, s.last, i.updated_at
            FROM instruments i LEFT JOIN spans s USING (symbol) ORDER BY i.symbol""").df()

    @_guard
    def bars(self, symbol: str, start: Any = None, end: Any = None) -> pd.DataFrame:
        """Daily bars of a price symbol: DatetimeIndex ``date`` and BAR_COLUMNS (floats, NaN
        where unknown)."""
        inst = self.require(symbol)
        if inst.kind != "price":
            return self.series(symbol, start, end)
        return self._dated("SELECT date, open, high, low, close, volume, turnover FROM bars WHERE symbol = ?",
                           symbol, start, end)

    @_guard
    def series(self, symbol: str, start: Any = None, end: Any = None) -> pd.DataFrame:
        """FX / rate values: DatetimeIndex ``date`` and column ``value``."""
        self.require(symbol)
        return self._dated("SELECT date, value FROM series WHERE symbol = ?", symbol, start, end)

    def _dated(self, query: str, symbol: str, start: Any, end: Any) -> pd.DataFrame:
        """Rows of ``query`` for ``symbol`` within ``start..end``, indexed by date, as floats."""
        args: list[Any] = [symbol]
        if start is not None:
            query += " AND date >= ?"
            args.append(pd.Timestamp(start).date())
        if end is not None:
            query += " AND date <= ?"
            args.append(pd.Timestamp(end).date())
        df = self.con.execute(query + " ORDER BY date", args).df()
        df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
        return df.set_index("date").astype(np.float64)

    @_guard
    def fetch_log(self, limit: int = 50) -> pd.DataFrame:
        return self.con.execute("SELECT * FROM fetch_log ORDER BY id DESC LIMIT ?", [limit]).df()

    @_guard
    def counts(self) -> dict[str, int]:
        """Row counts of every table (for tests and ``data list``)."""
        return {t: int(self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("instruments", "bars", "series", "fetch_log")}

    # writing -----------------------------------------------------------------------------
    @_guard
    def write(
        self,
        items: Sequence[tuple[Instrument, pd.DataFrame]],
        source: str | None = None,
        jump: float = DEFAULT_JUMP,
        strict: bool = False,
        where: str = "row",
        rows: Sequence[Any] | None = None,
    ) -> list[WriteReport]:
        """Validate and upsert several instruments' data in **one transaction**.

        ``items``: (instrument, frame) pairs; a frame holds bars (``date`` + BAR_COLUMNS) for
        price instruments and ``date`` + ``value`` for FX/rates. Refused rows are left out and
        reported; ``strict=True`` refuses the whole write (ConfigError naming the first bad
        row) if any row is refused. Either every accepted row of every item lands, or none.
        ``where`` and ``rows`` (one array per item, or None) say how rows are named in the
        reasons: by default "row N" (1-based position); a CSV import passes its file's line
        numbers and "FILE line".
        """
        if self.read_only:
            raise DataError(f"store {self.path} is open read-only")
        plans = []
        for k, (inst, frame) in enumerate(items):
            if inst.kind == "price":
                got = self.con.execute("SELECT date, close FROM bars WHERE symbol = ? "
                                       "ORDER BY date", [inst.symbol]).df()
                existing = pd.Series(got["close"].to_numpy(dtype=np.float64),
                                     index=pd.DatetimeIndex(pd.to_datetime(got["date"])))
                ok, refused, warns = validate_bars(frame, inst.calendar, existing, jump)
            else:
                ok, refused = validate_series(frame, inst.kind)
                warns = []
            names = None if rows is None else rows[k]
            if names is not None or where != "row":
                def rename(i: Issue) -> Issue:
                    r = i.row if names is None or i.row is None else int(names[i.row - 1])
                    return replace(i, row=r, where=where)

                refused, warns = [rename(i) for i in refused], [rename(i) for i in warns]
            if strict and refused:
                first = refused[0]
                head = f"{where} {first.row}" if where != "row" else f"{inst.symbol} row {first.row}"
                raise ConfigError(f"{head} {first.field}", first.value, first.reason)
            rep = WriteReport(inst.symbol, len(ok), refused, warns)
            if len(ok):
                rep.first_date = str(ok["date"].iloc[0].date())
                rep.last_date = str(ok["date"].iloc[-1].date())
            plans.append((inst, ok, rep))

        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            for inst, ok, rep in plans:
                self._upsert_instrument(inst)
                if len(ok):
                    ok = ok.copy()
                    ok.insert(0, "symbol", inst.symbol)
                    con.register("_incoming", ok)
                    if inst.kind == "price":
                        con.execute("""
                            INSERT INTO bars SELECT symbol, CAST(date AS DATE), open, high, low,
                              close, volume, turnover FROM _incoming
                            ON CONFLICT (symbol, date) DO UPDATE SET open = excluded.open,
                              high = excluded.high, low = excluded.low, close = excluded.close,
                              volume = excluded.volume, turnover = excluded.turnover""")
                    else:
                        con.execute("""
                            INSERT INTO series SELECT symbol, CAST(date AS DATE), value
                              FROM _incoming
                            ON CONFLICT (symbol, date) DO UPDATE SET value = excluded.value""")
                    con.unregister("_incoming")
                detail = json.dumps({"refused": [str(i) for i in rep.refused[:20]],
                                     "warnings": [str(i) for i in rep.warnings[:20]]},
                                    ensure_ascii=False)
                con.execute(
                    "INSERT INTO fetch_log (logged_at, source, symbol, first_date, last_date, written, "
                    "refused, warnings, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_now(), source or inst.source, inst.symbol, rep.first_date, rep.last_date,
                     rep.written, len(rep.refused), len(rep.warnings), detail])
            con.execute("COMMIT")
        except BaseException:
            try:
                con.execute("ROLLBACK")
            except Exception:  # pragma: no cover - connection already gone
                pass
            raise
        return [rep for _, _, rep in plans]

    def write_bars(self, inst: Instrument, bars: pd.DataFrame, **kw: Any) -> WriteReport:
        return self.write([(inst, bars)], **kw)[0]

    def _upsert_instrument(self, inst: Instrument) -> None:
        old = self.instrument(inst.symbol)
        if old is not None and (old.kind, old.currency) != (inst.kind, inst.currency):
            raise ConfigError("currency" if old.kind == inst.kind else "kind",
                              f"{inst.symbol}: {inst.kind} in {inst.currency}",
                              f"the stored {old.kind} in {old.currency} (export and delete first)")
        self.con.execute("""
            INSERT INTO instruments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (symbol) DO UPDATE SET name = excluded.name, calendar = excluded.calendar,
              source = excluded.source, venue = excluded.venue, asset_class = excluded.asset_class,
              base = excluded.base, quote = excluded.quote, native = excluded.native,
              note = excluded.note, updated_at = excluded.updated_at""",
            [inst.symbol, inst.name, inst.kind, inst.currency, inst.calendar, inst.source,
             inst.venue, inst.asset_class, inst.base, inst.quote, inst.native, inst.note, _now()])


def open_store(path: str | os.PathLike | None = None, read_only: bool = False) -> Store:
    """Open the store at ``path`` / ``GAEMI_STORE`` / the user data folder."""
    return Store(path, read_only=read_only)


def stored_series(symbol: str, path: str | os.PathLike | None = None):
    """(Instrument, DataFrame) of a stored symbol, or None when there is no store file or the
    symbol is not in it. Used by the catalog to let simulations take stored symbols."""
    p = resolve_path(path)
    if not p.exists():
        return None
    try:
        with Store(p, read_only=True) as st:
            inst = st.instrument(symbol)
            if inst is None:
                return None
            df = st.bars(symbol) if inst.kind == "price" else st.series(symbol)
            return inst, df
    except ConfigError:
        return None
