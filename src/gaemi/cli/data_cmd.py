"""``gaemi data list | show | fetch | import | export``: the local market-data store.

Every command takes ``--store PATH`` (default: ``GAEMI_STORE`` or the user data folder).
Bad input (unknown symbol or source, bad dates, a CSV with missing columns, wrong types or
mixed currencies) prints one line naming the row/field and exits 2 with the store unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from gaemi.errors import ConfigError

data_app = typer.Typer(help="The local market-data store (DuckDB): list, show, fetch, import, "
                            "export.", no_args_is_help=True)

STORE_HELP = "Store file (default: $GAEMI_STORE or the user data folder)."
CSV_NUMERIC = ("open", "high", "low", "close", "volume", "turnover")


def _cli():
    from gaemi.cli import app as cli

    return cli


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "—"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1000 else f"{v:,.0f}"
    if isinstance(v, pd.Timestamp):
        return str(v.date())
    return str(v)


def _say(*parts: str | Text) -> None:
    """Print a line literally: symbols, file names and CSV cells are never parsed as rich
    markup or emoji codes (``fz:x:`` is not an emoji, ``[/]`` is not a closing tag)."""
    _cli().out.print(Text.assemble(*parts), highlight=False, emoji=False)


def _cell(v: Any) -> Text:
    return Text(_fmt(v))


def _records(df: pd.DataFrame) -> list[dict]:
    out = []
    for r in df.to_dict(orient="records"):
        out.append({k: (None if (isinstance(v, float) and pd.isna(v)) or v is pd.NaT else
                        str(v.date()) if isinstance(v, pd.Timestamp) and k != "updated_at" else
                        str(v) if isinstance(v, pd.Timestamp) else v) for k, v in r.items()})
    return out


def _existing(store: str | None):
    """Open an existing store read-only, or None when the file does not exist yet."""
    from gaemi.data.store import Store, resolve_path

    p = resolve_path(store)
    return Store(p, read_only=True) if p.exists() else None


def _existing_store(store: str | None, symbol: str):
    """The store file, read-only; ConfigError naming ``symbol`` when there is no store yet."""
    from gaemi.data.store import Store, resolve_path

    p = resolve_path(store)
    if not p.exists():
        raise ConfigError("symbol", symbol, f"a stored symbol (no store at {p} yet)")
    return Store(p, read_only=True)


def _embedded_rows() -> list[dict]:
    """The embedded series (gaemi.data.catalog): what each is, its span, and where estimates begin."""
    from gaemi.data.catalog import _arrays, catalog

    rows = []
    for name, info in catalog().items():
        d, _ = _arrays(name)
        rows.append({"name": name, "kind": info.kind, "currency": info.currency, "calendar": info.calendar,
                     "frequency": info.frequency, "rows": int(d.size), "first": str(d[0]), "last": str(d[-1]),
                     "estimated_from": info.estimated_from, "description": info.description})
    return rows


@data_app.command("list")
def list_cmd(
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The embedded series (with their spans and where estimated values begin), then every stored
    symbol with its kind, currency, source and date span."""
    from gaemi.data.store import resolve_path

    cli = _cli()

    def load() -> list[dict]:
        st = _existing(store)
        if st is None:
            return []
        with st:
            return _records(st.list())

    rows: list[dict] = cli.guarded(load)
    embedded = _embedded_rows()
    if json_out:
        cli.emit_json({"embedded": embedded, "store": str(resolve_path(store)), "instruments": rows})
        return
    et = Table(title="embedded series (src/gaemi/data/samples, PROVENANCE.md)")
    for c in ("name", "kind", "currency", "calendar", "rows", "first", "last", "note"):
        et.add_column(c, justify="right" if c == "rows" else "left")
    for r in embedded:
        note = (f"estimated from {r['estimated_from']}" if r["estimated_from"] else "") \
            + (("; " if r["estimated_from"] else "") + r["frequency"] if r["frequency"] != "daily" else "")
        et.add_row(*[Text(str(x)) for x in (r["name"], r["kind"], r["currency"], r["calendar"],
                                             r["rows"], r["first"], r["last"], note)])
    cli.out.print(et)
    if not rows:
        _say(f"The store {resolve_path(store)} is empty: try `gaemi data fetch upbit "
             "BTC/KRW --since 2024-01-01` or `gaemi data import FILE.csv`.")
        return
    t = Table(title=Text(f"gaemi store: {resolve_path(store)}"))
    for c in ("symbol", "kind", "currency", "calendar", "source", "rows", "first", "last"):
        t.add_column(c, justify="right" if c == "rows" else "left")
    for r in rows:
        t.add_row(*[_cell(r[c]) for c in ("symbol", "kind", "currency", "calendar", "source",
                                          "rows", "first", "last")])
    cli.out.print(t)


@data_app.command("show")
def show_cmd(
    symbol: str = typer.Argument(..., help="A stored symbol, e.g. upbit:BTC/KRW."),
    tail: int = typer.Option(10, help="How many of the latest rows to print."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON (every row)."),
) -> None:
    """One symbol: what it is, its span, its latest rows and its recent fetches."""
    from dataclasses import asdict

    cli = _cli()
    from gaemi.data.catalog import catalog, load_series

    if symbol in catalog():  # an embedded series: what it is, where estimates begin, its latest rows
        info = catalog()[symbol]
        df = load_series(symbol).reset_index()
        if json_out:
            cli.emit_json({"embedded": asdict(info), "rows": len(df), "first": str(df["date"].iloc[0].date()),
                           "last": str(df["date"].iloc[-1].date()), "data": _records(df)})
            return
        _say((info.name, "bold"), f"  {info.description}  ({info.kind}, {info.currency}, {info.calendar}, "
             f"{info.frequency}; embedded from {info.source or info.file})")
        if info.estimated_from:
            cli.out.print(f"  values from {info.estimated_from} on are estimates (docs/data.md)", highlight=False)
        cli.out.print(f"  {len(df)} rows, {df['date'].iloc[0].date()} .. {df['date'].iloc[-1].date()}",
                      highlight=False)
        cli.out.print(_tail_table(df, tail))
        return

    def load():
        with _existing_store(store, symbol) as st:
            inst = st.require(symbol)
            df = st.bars(symbol)
            log = st.fetch_log(500)
        return inst, df, log[log["symbol"] == symbol].head(5)

    inst, df, log = cli.guarded(load)
    rows = df.reset_index()
    if json_out:
        cli.emit_json({"instrument": asdict(inst), "rows": len(rows),
                       "first": str(rows["date"].iloc[0].date()) if len(rows) else None,
                       "last": str(rows["date"].iloc[-1].date()) if len(rows) else None,
                       "data": _records(rows), "fetch_log": _records(log)})
        return
    _say((inst.symbol, "bold"), f"  {inst.name}  ({inst.kind}, {inst.currency}, "
         f"{inst.calendar}, source {inst.source})")
    if inst.note:
        _say(f"  {inst.note}")
    span = f"{rows['date'].iloc[0].date()} .. {rows['date'].iloc[-1].date()}" if len(rows) else "—"
    _say(f"  {len(rows)} rows, {span}")
    cli.out.print(_tail_table(rows, tail))


def _tail_table(rows, tail: int) -> Table:
    """The last ``tail`` rows of a date-indexed frame (reset) as a table."""
    t = Table()
    for c in rows.columns:
        t.add_column(c, justify="left" if c == "date" else "right")
    for r in rows.tail(max(tail, 0)).itertuples(index=False):
        t.add_row(*[_cell(v) for v in r])
    return t


def _report_lines(reports, notes=()) -> None:
    for rep in reports:
        _say(f"{rep.symbol}: {rep.written} rows written"
             + (f" ({rep.first_date} .. {rep.last_date})" if rep.written else "")
             + (f", {len(rep.refused)} refused" if rep.refused else "")
             + (f", {len(rep.warnings)} warnings" if rep.warnings else ""))
        for i in rep.refused[:20]:
            _say(f"  refused {i}")
        for i in rep.warnings[:20]:
            _say(f"  warning {i}")
        more = max(len(rep.refused) - 20, 0) + max(len(rep.warnings) - 20, 0)
        if more:
            _say(f"  ... and {more} more (--json lists all)")
    for n in notes:
        _say(f"note: {n}")


@data_app.command("fetch")
def fetch_cmd(
    source: str = typer.Argument(..., help="upbit, bithumb, binance, krx or yahoo."),
    symbols: list[str] = typer.Argument(..., help="e.g. BTC/KRW (or ALL on upbit/bithumb), "
                                        "BTC/USDT, KOSPI, 122630, TSLA, USDKRW."),
    since: str | None = typer.Option(None, help="First day wanted (YYYY-MM-DD)."),
    until: str | None = typer.Option(None, help="Last day wanted (default: yesterday)."),
    base_url: str | None = typer.Option(None, "--base-url", help="Use this API host instead "
                                           "(a mirror or a local replay server)."),
    strict: bool = typer.Option(False, help="Write nothing if any row is refused."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Download daily data and upsert it: every symbol is fetched first, then everything is
    written in one transaction (an interrupted fetch leaves the store as it was)."""
    from gaemi.data.connectors import SOURCES, get_connector
    from gaemi.data.connectors._common import as_date
    from gaemi.data.store import Store

    cli = _cli()

    def run():
        if source not in SOURCES:
            raise ConfigError("source", source, "one of " + ", ".join(SOURCES))
        s, u = as_date(since, "since"), as_date(until, "until")
        if s and u and s > u:
            raise ConfigError("since", str(s), f"a date on or before until ({u})")
        kw = {"base_url": base_url} if base_url else {}
        conn = get_connector(source, **kw)
        syms = list(symbols)
        if [x.upper() for x in syms] == ["ALL"]:
            if not hasattr(conn, "markets"):
                raise ConfigError("symbols", "ALL", "ALL only on upbit and bithumb")
            syms = conn.markets("KRW")
        items = conn.fetch(syms, since=s, until=u)
        with Store(store) as st:
            reports = st.write(items, source=source, strict=strict)
        return reports, list(getattr(conn, "notes", []))

    reports, notes = cli.guarded(run)
    if json_out:
        cli.emit_json({"source": source, "results": [r.to_dict() for r in reports],
                       "notes": notes})
        return
    _report_lines(reports, notes)


def _header(p: Path) -> list[str]:
    """The CSV's header names as written (for the duplicate-column check)."""
    import csv

    with open(p, newline="", encoding="utf-8-sig", errors="replace") as fh:
        return next(csv.reader(fh), [])


def _read_fast(p: Path, header: list[str]) -> pd.DataFrame | None:
    """The CSV with its number columns parsed by read_csv's C float parser (empty cells NaN),
    or None when any of them holds something else (then the text path names the line)."""
    numeric = set(CSV_NUMERIC) | {"value"}
    try:  # the names as read_csv sees them (skipinitialspace strips " close" to "close")
        cols = list(pd.read_csv(p, nrows=0, skipinitialspace=True, encoding="utf-8-sig").columns)
    except (ValueError, TypeError, OverflowError, pd.errors.ParserError):
        return None
    dtypes = {raw: (np.float64 if name in numeric else str) for raw, name in zip(cols, header)}
    try:
        df = pd.read_csv(p, dtype=dtypes, keep_default_na=False, na_values=[""],
                         skipinitialspace=True, skip_blank_lines=False, encoding="utf-8-sig")
    except (ValueError, TypeError, OverflowError):
        return None
    for c in df.columns:
        if df[c].dtype.kind != "f":
            df[c] = df[c].fillna("")
    return df


def read_csv_strict(path: str) -> tuple[pd.DataFrame, str | None]:
    """Read a CSV for import, vectorised: ConfigError naming the file, the line and the column
    for missing or case-duplicate columns, unparseable or out-of-range dates (the store's
    range, 1677-09-22 .. 2262-04-11), numbers that are not finite or too large (prices and
    values >= 1e12, volume and turnover >= 1e18) and mixed currencies.

    Returns (frame, currency column value): the frame's index holds each row's line in the
    file (blank lines skipped, counted), ``date`` is datetime64 and the numbers are floats.
    """
    from gaemi.data.store import DATE_RANGE, MAX_AMOUNT, MAX_PRICE, _in_range_ns

    p = Path(path)
    name = p.name
    if not p.is_file():
        raise ConfigError("file", path, "an existing CSV file")
    try:
        header = [str(c).strip().lower().lstrip("\ufeff") for c in _header(p)]
        df = _read_fast(p, header)
        if df is None:  # a number column that is not plain floats: read as text, check below
            df = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True,
                             skip_blank_lines=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, OSError,
            ValueError, StopIteration) as err:
        msg = " ".join(str(err).split())[:200]
        raise ConfigError("file", path, f"a UTF-8 CSV file ({type(err).__name__}: {msg})") from None
    seen: dict[str, int] = {}
    for c in header:
        seen[c] = seen.get(c, 0) + 1
    dups = [c for c, k in seen.items() if k > 1 and c]
    if dups:
        raise ConfigError(f"{name} line 1 columns", _header(p),
                          "each column once (names differ by more than case and spaces); "
                          f"repeated: {', '.join(dups)}")
    df.columns = [str(c).strip().lower().lstrip("\ufeff") for c in df.columns]
    if "value" in df.columns and "turnover" not in df.columns and "close" in df.columns:
        df = df.rename(columns={"value": "turnover"})
    kind_cols = ("date", "close") if "close" in df.columns or "value" not in df.columns else \
        ("date", "value")
    missing = [c for c in kind_cols if c not in df.columns]
    if missing:
        raise ConfigError(f"{name} columns", list(df.columns),
                          "a header with date and close (and optionally open, high, low, "
                          f"volume, turnover, currency); missing {', '.join(missing)}")
    lines = np.arange(2, len(df) + 2)
    blank = np.ones(len(df), dtype=bool)
    for c in df.columns:
        col = df[c]
        blank &= (col.isna() if col.dtype.kind == "f" else col == "").to_numpy(dtype=bool)
    if blank.any():
        df, lines = df[~blank], lines[~blank]
    df = df.reset_index(drop=True)

    def fail(mask: np.ndarray, col: str, allowed: str, given: pd.Series) -> None:
        if mask.any():
            k = int(np.flatnonzero(mask)[0])
            raise ConfigError(f"{name} line {int(lines[k])} {col}", given.iloc[k], allowed)

    # a time's UTC offset is dropped (each row keeps its own wall-clock date): pandas refuses a
    # column mixing offsets, or offsets and none, with a ValueError (found by the import fuzz)
    raw_dates = df["date"].str.strip().str.replace(
        r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$", r"\1", regex=True)
    try:
        parsed = pd.to_datetime(raw_dates, errors="coerce", format="ISO8601")
    except (ValueError, TypeError, OverflowError) as err:
        msg = " ".join(str(err).split())[:120]
        raise ConfigError(f"{name} date", path, f"dates like 2024-01-31 ({msg})") from None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    unparsed = parsed.isna().to_numpy()
    fail(unparsed, "date", "a date like 2024-01-31", df["date"])
    dates = _in_range_ns(parsed.to_numpy())
    fail(np.isnat(dates), "date", f"a date from {DATE_RANGE}", df["date"])
    df["date"] = dates
    for c in (*CSV_NUMERIC, "value"):
        if c not in df.columns:
            continue
        if df[c].dtype.kind == "f":  # parsed by read_csv: empty cells are NaN
            num = df[c].to_numpy(dtype=np.float64)
            limit = MAX_AMOUNT if c in ("volume", "turnover") else MAX_PRICE
            with np.errstate(invalid="ignore"):
                fine = np.isnan(num) | (np.isfinite(num) & (np.abs(num) < limit))
            fail(~fine, c, f"a finite number below {limit:g} in size", df[c])
            continue
        text = df[c].str.strip()
        if c in ("volume", "turnover"):
            text = text.str.replace(",", "", regex=False)
        empty = (text == "").to_numpy(dtype=bool)
        num = pd.to_numeric(text.where(~empty, None), errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan)
        limit = MAX_AMOUNT if c in ("volume", "turnover") else MAX_PRICE
        with np.errstate(invalid="ignore"):
            fine = np.isfinite(num) & (np.abs(num) < limit)
        fail(~empty & ~fine, c, f"a finite number below {limit:g} in size", df[c])
        df[c] = num
    currency = None
    if "currency" in df.columns:
        vals = df["currency"].str.strip().str.upper()
        if len(vals):  # (a file with a header and no rows has no currency to check)
            first = vals.iloc[0]
            fail((vals != first).to_numpy(dtype=bool), "currency",
                 f"one currency per file ({first} on line {int(lines[0])})", vals)
            currency = first or None
    df.index = pd.Index(lines, name="line")
    return df, currency


@data_app.command("import")
def import_cmd(
    file: str = typer.Argument(..., help="CSV with date, close [, open, high, low, volume, "
                               "turnover, currency] (or date, value for fx/rate)."),
    symbol: str = typer.Option(..., "--symbol", help="Name to store it under, e.g. my:samsung."),
    currency: str | None = typer.Option(None, help="KRW, USD, ... (or a currency column)."),
    calendar: str = typer.Option("XKRX", help="XKRX, XNYS or 24/7: the venue's sessions."),
    kind: str = typer.Option("price", help="price, fx or rate (percent per year)."),
    strict: bool = typer.Option(False, help="Write nothing if any row is refused."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import a CSV of daily data; invalid rows are refused with their reason, valid ones kept."""
    from gaemi.data.catalog import catalog
    from gaemi.data.store import Instrument, Store, check_symbol

    cli = _cli()

    def run():
        check_symbol(symbol, "--symbol")
        if symbol in catalog():
            raise ConfigError("--symbol", symbol, "a name that is not an embedded series "
                              "(e.g. my:" + symbol + ")")
        df, col_cur = read_csv_strict(file)
        cur = (currency or col_cur or "").upper()
        if currency and col_cur and currency.upper() != col_cur:
            raise ConfigError("--currency", currency, f"the file's currency column ({col_cur})")
        if not cur:
            raise ConfigError("--currency", None, "a currency code (KRW, USD, ...) or a "
                              "currency column in the file")
        inst = Instrument(symbol, kind, cur, calendar, "csv", name=Path(file).name,
                          venue="csv", note=f"imported from {Path(file).name}")
        frame = df.drop(columns=[c for c in ("currency",) if c in df.columns])
        if kind != "price" and "value" not in frame.columns:
            frame = frame.rename(columns={"close": "value"})
        lines = frame.index.to_numpy()
        frame = frame.reset_index(drop=True)
        with Store(store) as st:
            return st.write([(inst, frame)], source="csv", strict=strict,
                            where=f"{Path(file).name} line", rows=[lines])

    reports = cli.guarded(run)
    if json_out:
        cli.emit_json({"results": [r.to_dict() for r in reports]})
        return
    _report_lines(reports)


@data_app.command("export")
def export_cmd(
    symbol: str = typer.Argument(..., help="A stored symbol."),
    out: str | None = typer.Option(None, "--out", "-o", help="Write here (default: stdout)."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the rows as JSON records (with -o: what was "
                                                        "written) instead of CSV."),
) -> None:
    """Write a stored symbol as CSV (the import format, with a currency column)."""

    cli = _cli()

    def load():
        with _existing_store(store, symbol) as st:
            return st.require(symbol), st.bars(symbol)

    if out:  # refuse a bad target before reading the store
        from gaemi.safe_write import check_target

        cli.guarded(lambda: check_target(out, "--out"))
    inst, df = cli.guarded(load)
    df = df.reset_index()
    df["date"] = df["date"].dt.strftime("%Y-%m-%d")
    df["currency"] = inst.currency
    text = df.to_csv(index=False, float_format="%.10g")
    if out:
        from gaemi.safe_write import atomic_write_text

        cli.guarded(lambda: atomic_write_text(out, text, field="--out"))
        if json_out:
            cli.emit_json({"symbol": symbol, "rows": int(len(df)), "path": out, "currency": inst.currency,
                           "start": df["date"].iloc[0] if len(df) else None,
                           "end": df["date"].iloc[-1] if len(df) else None})
    elif json_out:
        cli.emit_json({"symbol": symbol, "currency": inst.currency,
                       "rows": df.drop(columns=["currency"]).to_dict(orient="records")})
    else:
        sys.stdout.write(text)


def store_option(
    store: str | None = typer.Option(None, "--store", help="Market-data store for every "
                                        "command (sets GAEMI_STORE): simulations can then use "
                                        "its symbols as assets."),
) -> None:
    """gaemi: what margin, leveraged funds and altcoins do to a retail investor's odds."""
    import os

    if store:
        os.environ["GAEMI_STORE"] = store
