"""What hits the colony: exogenous daily returns per bucket over a window of sessions.

A :class:`Shock` holds, for each bucket of :data:`gaemi.colony.buckets.BUCKETS`, the daily simple
returns the market would deliver *without* the colony's own trading (the feedback loop in
:mod:`gaemi.colony.dynamics` adds the price impact of the colony's forced and voluntary sales on
top). Three ways to make one:

``from_scenario(name)``
    A named crash from ``gaemi scenarios`` (:mod:`gaemi.scenarios.crashes`), mapped onto buckets
    by :data:`SCENARIO_KEYS`: each bucket takes the first key of its list that the crash names
    (the crash's *stated* daily returns, from each market's own peak to its own trough); keys of
    different lengths are aligned at the start and a shorter one stands still (return 0) until the
    longest ends, as :func:`gaemi.scenarios.inject` does. A bucket whose keys the crash does not
    name stands still (it is listed in ``sources`` as ``"not in <crash>: 0"``). Leveraged buckets
    (:data:`LEVERAGE`) take ``L x`` the daily return of their key (a daily-reset fund, no fees over
    a few weeks), floored at :data:`FUND_FLOOR`. Stated returns are in each market's own currency
    (the won's move is not in them).

``from_history(start, end)``
    A window of real history: the returns of the KRX sessions from ``start`` through ``end``
    inclusive, each bucket driven by its embedded series (``BucketParams.series``: KOSPI 200,
    KOSPI, KOSDAQ, NASDAQ-100, bitcoin, XRP) on the KRX calendar in won
    (:func:`gaemi.data.build_panel`: a coin's weekend compounds into Monday; U.S. series are
    converted with ``usdkrw``). A leveraged bucket resets daily in its underlying's own currency:
    ``(1 + L r_own)(1 + r_fx) - 1``. ``as_of`` is the close of the session before ``start``: the
    population is drawn with the margin balance of that date
    (:func:`gaemi.colony.calibration.calibration_as_of`: the latest ``margin.history`` row on or
    before it).

``from_file(path)``
    A custom TOML file: per-bucket daily returns over ``days`` sessions (format in
    :func:`from_file`), validated: an unknown bucket, a list with missing (or extra) days, a
    return at or below -100 %, a non-finite number are each a ConfigError naming the field, the
    value and what is allowed.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gaemi.colony.buckets import BUCKETS
from gaemi.errors import ConfigError

#: bucket -> crash keys, first match wins (see the module docstring). kospi_small has no small-cap
#: index among the crash keys: it takes KOSPI composite's move (small caps fell more in 2020:
#: KCMI 22-01); kr_altcoin takes the crash's altcoin key, else bitcoin's move (LUNA in luna-2022 is
#: one coin, not the Korean altcoin market).
SCENARIO_KEYS: dict[str, tuple[str, ...]] = {
    "kospi_large": ("kospi200", "kospi"),
    "kospi_small": ("kospi", "kospi200"),
    "kosdaq_theme": ("kosdaq", "kospi"),
    "kr_lev_etf": ("kospi200", "kospi"),
    "us_lev_etf": ("ndx", "sp500"),
    "btc_eth": ("btc", "eth"),
    "kr_altcoin": ("altcoin", "btc", "eth"),
}

#: daily leverage of the fund buckets: KODEX 레버리지 (122630) is 2x KOSPI 200; TQQQ / SOXL are 3x
#: (../shared/colony/calibration.md B5: TQQQ, SOXL and TSLL are the Korean-held names; TSLL is 2x).
LEVERAGE: dict[str, float] = {"kr_lev_etf": 2.0, "us_lev_etf": 3.0}

#: a daily-reset fund's worst day: a leveraged move at or below -100 % leaves 0.1 % of its value
#: (the fund is terminated; gaemi's returns must stay above -100 %).
FUND_FLOOR = -0.999

#: the most sessions a shock may last (ten years of KRX sessions); GAEMI_MAX_YEARS raises it.
def max_days() -> int:
    from gaemi.limits import max_years

    return int(max_years() * 252)


@dataclass(frozen=True)
class Shock:
    """Exogenous daily simple returns per bucket.

    returns: float64[days, len(BUCKETS)] (the ``deposit`` column is 0).
    dates: ISO dates of the sessions (a window of history, or a file that gives them); else None.
    as_of: ISO date of the close the population stands at (history: the session before the
        first day); None for a scenario or a file without dates.
    sources: bucket -> where its returns come from (``"stated kospi200 x2"``, ``"data kosdaq"``).
    """

    name: str
    kind: str  # "scenario" | "history" | "file"
    title: str
    returns: np.ndarray
    sources: dict[str, str]
    dates: tuple[str, ...] | None = None
    as_of: str | None = None
    description: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def days(self) -> int:
        return int(self.returns.shape[0])

    def cumulative(self) -> dict[str, float]:
        """Bucket -> compounded return over the whole shock (fraction)."""
        growth = np.prod(1.0 + self.returns, axis=0) - 1.0
        return {b: float(g) for b, g in zip(BUCKETS, growth)}

    def day_labels(self) -> list[str]:
        """The session dates, else ``"1".."days"``."""
        return list(self.dates) if self.dates else [str(k + 1) for k in range(self.days)]

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "title": self.title, "days": self.days,
                "dates": list(self.dates) if self.dates else None, "as_of": self.as_of,
                "sources": dict(self.sources), "cumulative_return": self.cumulative(),
                "description": self.description}


def _check_returns(field_name: str, values: np.ndarray) -> None:
    bad = ~np.isfinite(values) | (values <= -1.0)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        v = float(values[k])
        what = "a finite number" if not math.isfinite(v) else "a daily return above -1 (-100 %)"
        raise ConfigError(f"{field_name}[{k}]", v, what)


# --------------------------------------------------------------------------- named scenarios
def from_scenario(name: str, calibration=None) -> Shock:
    """A named crash (``gaemi scenarios``) mapped onto buckets (see the module docstring)."""
    from gaemi.scenarios.crashes import get_crash

    crash = get_crash(name)
    leverage = bucket_leverage(calibration)
    cols: dict[str, np.ndarray] = {}
    sources: dict[str, str] = {}
    for b in BUCKETS:
        if b == "deposit":
            sources[b] = "deposit: 0"
            continue
        key = next((k for k in SCENARIO_KEYS[b] if k in crash.shocks), None)
        if key is None:
            sources[b] = f"not in {crash.name}: 0"
            continue
        seq = np.asarray(crash.shocks[key], dtype=float)
        lev = leverage[b]
        if lev != 1.0:
            seq = np.maximum(lev * seq, FUND_FLOOR)
            sources[b] = f"stated {key} x{lev:g}"
        else:
            sources[b] = f"stated {key}"
        cols[b] = seq
    if not cols:  # pragma: no cover - every crash names at least one key of SCENARIO_KEYS
        raise ConfigError("scenario", name, "a crash that names a market the colony holds")
    days = max(len(s) for s in cols.values())
    returns = np.zeros((days, len(BUCKETS)))
    for b, seq in cols.items():
        returns[:len(seq), BUCKETS.index(b)] = seq
    return Shock(name=crash.name, kind="scenario", title=crash.title, returns=returns, sources=sources,
                 description=crash.description,
                 provenance={"crash": crash.name, "figures": dict(crash.figures), "sources": list(crash.sources)})


# --------------------------------------------------------------------------- real history
def _bucket_series(calibration=None) -> dict[str, str | None]:
    """bucket -> embedded series that drives it in a window of history (BucketParams.series)."""
    from gaemi.colony.buckets import bucket_params

    if calibration is None:
        from gaemi.colony.calibration import load_calibration

        calibration = load_calibration()
    return {b: p.series for b, p in bucket_params(calibration).items()}


def bucket_leverage(calibration=None) -> dict[str, float]:
    """bucket -> daily leverage: the calibration table's ``leverage`` column where it has one,
    else :data:`LEVERAGE` (1 for the others)."""
    out = {b: LEVERAGE.get(b, 1.0) for b in BUCKETS}
    rows = getattr(calibration, "buckets", None) if calibration is not None else None
    if rows:
        for b in BUCKETS:
            lev = getattr(rows.get(b), "leverage", None) if hasattr(rows, "get") else None
            if lev is not None:
                out[b] = float(lev)
    return out


def from_history(start: Any, end: Any, calibration=None) -> Shock:
    """The real returns of the KRX sessions from ``start`` through ``end`` (inclusive)."""
    import pandas as pd

    from gaemi.data import build_panel
    from gaemi.data.connectors._common import as_date

    d0 = as_date(start, "from")
    d1 = as_date(end, "to")
    if d0 is None:
        raise ConfigError("from", start, "a date like 2020-02-21")
    if d1 is None:
        raise ConfigError("to", end, "a date like 2020-03-24")
    if d1 < d0:
        raise ConfigError("to", str(d1), f"a date on or after --from ({d0})")
    if calibration is None:
        from gaemi.colony.calibration import load_calibration

        calibration = load_calibration()
    series = _bucket_series(calibration)
    leverage = bucket_leverage(calibration)
    names: list[str] = []
    for b in BUCKETS:
        s = series.get(b)
        if s and s not in names:
            names.append(s)
    needs_fx = any(leverage[b] != 1.0 for b in BUCKETS if series.get(b))
    assets = names + (["fx:USD"] if needs_fx else [])
    lookback = pd.Timestamp(d0) - pd.Timedelta(days=20)  # to find the session before --from
    try:
        panel = build_panel(assets, rates=(), currency="KRW", calendar="XKRX", start=lookback, end=pd.Timestamp(d1))
    except ConfigError as err:
        field_name = {"start": "from", "end": "to"}.get(err.field, err.field)
        raise ConfigError(field_name, str(d0 if field_name == "from" else d1),
                          f"a window the embedded series ({', '.join(names)}) all cover; {err.allowed}") from err
    dates = pd.DatetimeIndex(panel.dates)
    inside = np.flatnonzero((dates >= pd.Timestamp(d0)) & (dates <= pd.Timestamp(d1)))
    if inside.size == 0:
        raise ConfigError("from", str(d0), f"a window with at least one KRX session up to --to ({d1})")
    k0 = int(inside[0])
    if k0 == 0:
        base = panel.base_date
    else:
        base = dates[k0 - 1]
    if base is None:  # pragma: no cover - build_panel always has a base date
        raise ConfigError("from", str(d0), "a date after the first session of the embedded data")
    if len(inside) > max_days():
        raise ConfigError("to", str(d1), f"at most {max_days():,} sessions after --from (the limit; raise it "
                                          "deliberately with GAEMI_MAX_YEARS=N)")
    r = np.asarray(panel.returns, dtype=float)[inside]
    col = {a: i for i, a in enumerate(panel.assets)}
    fx = r[:, col["fx:USD"]] if needs_fx else None
    returns = np.zeros((len(inside), len(BUCKETS)))
    sources: dict[str, str] = {}
    from gaemi.data import series_info

    for j, b in enumerate(BUCKETS):
        s = series.get(b)
        if not s:
            sources[b] = "deposit: 0" if b == "deposit" else "no series: 0"
            continue
        x = r[:, col[s]]
        lev = leverage[b]
        if lev != 1.0:
            if series_info(s).currency == "USD":
                own = (1.0 + x) / (1.0 + fx) - 1.0  # the underlying's move in dollars
                x = (1.0 + np.maximum(lev * own, FUND_FLOOR)) * (1.0 + fx) - 1.0
            else:
                x = np.maximum(lev * x, FUND_FLOOR)
            sources[b] = f"data {s} x{lev:g}"
        else:
            sources[b] = f"data {s}"
        returns[:, j] = x
    day_list = tuple(str(d.date()) for d in dates[inside])
    title = f"{day_list[0]} .. {day_list[-1]}"
    return Shock(name=f"history {day_list[0]}..{day_list[-1]}", kind="history", title=title, returns=returns,
                 sources=sources, dates=day_list, as_of=str(pd.Timestamp(base).date()),
                 description=("Real daily returns of each bucket's embedded series on KRX sessions, in won."),
                 provenance={"series": {b: series.get(b) for b in BUCKETS}, "filled": dict(panel.filled),
                             "from": str(d0), "to": str(d1)})


# --------------------------------------------------------------------------- custom file
FILE_FIELDS = ("name", "title", "description", "days", "dates", "returns")


def from_file(path: str | os.PathLike) -> Shock:
    """A custom shock from a TOML file::

        name = "theme-crash"                  # optional (default: the file's stem)
        title = "KOSDAQ theme stocks halve in a week"   # optional
        days = 5                              # sessions; every list below has exactly this many
        dates = ["2026-04-01", ...]           # optional: the sessions' dates, increasing
        [returns]                             # daily simple returns (-0.12 = -12 %), > -1
        kosdaq_theme = [-0.15, -0.12, -0.10, -0.08, -0.05]
        kospi_small = [-0.05, -0.04, -0.03, -0.02, -0.01]

    Buckets not listed stand still (return 0); ``deposit`` cannot be shocked. Every error is a
    ConfigError naming the field (``returns.kosdaq_theme[3]``), the value and what is allowed.
    """
    import tomllib
    from pathlib import Path

    if not isinstance(path, (str, os.PathLike)) or str(path) == "":
        raise ConfigError("shock", path, "a TOML file")
    p = Path(path).expanduser()
    if not p.is_file():
        raise ConfigError("shock", str(path), "an existing TOML file (see docs/colony.md, 'A shock file')")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError("shock", str(path), f"a TOML file in UTF-8 ({err})") from None
    except OSError as err:
        raise ConfigError("shock", str(path), f"a readable TOML file ({err.strerror or err})") from None
    return from_mapping(data, default_name=p.stem)


def from_mapping(data: Mapping[str, Any], default_name: str = "custom") -> Shock:
    """A custom shock from a mapping with the fields of :func:`from_file` (the web app's upload)."""
    if not isinstance(data, Mapping):
        raise ConfigError("shock", type(data).__name__, "a table with days and [returns]")
    unknown = [k for k in data if k not in FILE_FIELDS]
    if unknown:
        raise ConfigError(unknown[0], data[unknown[0]], "one of the fields " + ", ".join(FILE_FIELDS))
    name = data.get("name", default_name)
    if not isinstance(name, str) or not name.strip() or len(name) > 80:
        raise ConfigError("name", name, "a text of 1 to 80 characters")
    title = data.get("title", name)
    if not isinstance(title, str) or len(title) > 200:
        raise ConfigError("title", title, "a text of at most 200 characters")
    description = data.get("description", "")
    if not isinstance(description, str) or len(description) > 2000:
        raise ConfigError("description", description, "a text of at most 2,000 characters")
    if "days" not in data:
        raise ConfigError("days", None, "the number of sessions (a whole number >= 1)")
    days = data["days"]
    if isinstance(days, bool) or not isinstance(days, int) or days < 1 or days > max_days():
        raise ConfigError("days", days, f"a whole number of sessions from 1 to {max_days():,}")
    dates = data.get("dates")
    day_list: tuple[str, ...] | None = None
    if dates is not None:
        import pandas as pd

        from gaemi.data.connectors._common import as_date

        if not isinstance(dates, list):
            raise ConfigError("dates", dates, f"a list of {days} dates like 2026-04-01")
        if len(dates) != days:
            raise ConfigError("dates", f"{len(dates)} dates", f"exactly days = {days} dates, one per session")
        parsed = [as_date(str(d), f"dates[{k}]") if not hasattr(d, "year") else as_date(d, f"dates[{k}]")
                  for k, d in enumerate(dates)]
        for k in range(1, len(parsed)):
            if parsed[k] <= parsed[k - 1]:
                raise ConfigError(f"dates[{k}]", str(parsed[k]), f"a date after dates[{k - 1}] ({parsed[k - 1]})")
        day_list = tuple(str(pd.Timestamp(d).date()) for d in parsed)
    table = data.get("returns")
    if not isinstance(table, Mapping) or not table:
        raise ConfigError("returns", table, "a table [returns] with at least one bucket: "
                          + ", ".join(b for b in BUCKETS if b != "deposit"))
    returns = np.zeros((days, len(BUCKETS)))
    sources = {b: ("deposit: 0" if b == "deposit" else "not in file: 0") for b in BUCKETS}
    for bucket, values in table.items():
        if bucket not in BUCKETS or bucket == "deposit":
            raise ConfigError(f"returns.{bucket}", values if not isinstance(values, list) else bucket,
                              "a bucket: " + ", ".join(b for b in BUCKETS if b != "deposit")
                              + ("; deposits do not move" if bucket == "deposit" else ""))
        if not isinstance(values, list):
            raise ConfigError(f"returns.{bucket}", values, f"a list of {days} daily returns")
        if len(values) != days:
            what = "missing days" if len(values) < days else "extra days"
            raise ConfigError(f"returns.{bucket}", f"{len(values)} values ({what})",
                              f"exactly days = {days} daily returns")
        arr = np.empty(days)
        for k, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise ConfigError(f"returns.{bucket}[{k}]", v, "a number (a daily return, -0.12 = -12 %)")
            arr[k] = float(v)
        _check_returns(f"returns.{bucket}", arr)
        if np.any(arr > 10.0):
            k = int(np.flatnonzero(arr > 10.0)[0])
            raise ConfigError(f"returns.{bucket}[{k}]", float(arr[k]), "a daily return of at most 10 (+1,000 %)")
        returns[:, BUCKETS.index(bucket)] = arr
        sources[bucket] = "file"
    return Shock(name=name.strip(), kind="file", title=title, returns=returns, sources=sources, dates=day_list,
                 description=description)


def from_returns(returns: Any, name: str = "custom", dates: Any = None) -> Shock:
    """A shock from an array ``[days, len(BUCKETS)]`` or a mapping bucket -> list (tests, the API)."""
    if isinstance(returns, Mapping):
        lengths = {len(v) for v in returns.values()} if returns else {0}
        days = max(lengths) if lengths else 0
        return from_mapping({"name": name, "days": days, "returns": {k: list(map(float, v)) for k, v in
                                                                      returns.items()},
                             **({"dates": list(dates)} if dates is not None else {})})
    arr = np.asarray(returns, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != len(BUCKETS) or arr.shape[0] < 1:
        raise ConfigError("returns", list(arr.shape), f"an array [days, {len(BUCKETS)}] in BUCKETS order")
    for j, b in enumerate(BUCKETS):
        _check_returns(f"returns.{b}", arr[:, j])
    if np.any(arr[:, BUCKETS.index("deposit")] != 0.0):
        raise ConfigError("returns.deposit", "non-zero", "0 (deposits do not move)")
    return Shock(name=name, kind="file", title=name, returns=arr.copy(),
                 sources={b: "array" for b in BUCKETS}, dates=tuple(dates) if dates is not None else None)


def make_shock(scenario: str | None = None, shock: Any = None, start: Any = None, end: Any = None,
               calibration=None) -> Shock:
    """Exactly one of: ``scenario`` (a name), ``shock`` (a file path, a mapping or a Shock), or
    ``start`` and ``end`` (a window of history)."""
    given = [k for k, v in (("scenario", scenario), ("shock", shock), ("from", start)) if v is not None]
    if end is not None and start is None:
        raise ConfigError("from", None, "a first session date with --to (--from DATE --to DATE)")
    if start is not None and end is None:
        raise ConfigError("to", None, "a last session date with --from (--from DATE --to DATE)")
    if len(given) != 1:
        raise ConfigError(given[1] if len(given) > 1 else "scenario", None if not given else "both",
                          "exactly one of --scenario NAME, --shock FILE, or --from DATE --to DATE")
    if scenario is not None:
        return from_scenario(scenario, calibration)
    if start is not None:
        return from_history(start, end, calibration)
    if isinstance(shock, Shock):
        return shock
    if isinstance(shock, Mapping):
        return from_mapping(shock)
    return from_file(shock)
