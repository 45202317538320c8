"""Fuzz of ``gaemi data import``: generated CSV files (headers in English, Korean and nonsense,
dates in and out of range, numbers from 1e308 to nan to '1,234', blank lines, wrong column
counts, UTF-8 / UTF-8 with BOM / cp949 / UTF-16 / binary junk) must each end with exit 0 or 2
and one clean message: never a traceback, never another exit code.

Examples per test: ``GAEMI_FUZZ_EXAMPLES`` (default 60; the nightly run sets 2000, see
docs/reliability.md). Failures the fuzz found are kept below as named regression tests.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gaemi.cli.app import app

runner = CliRunner()

EXAMPLES = int(os.environ.get("GAEMI_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

HEADERS = ["date", "close", "open", "high", "low", "volume", "turnover", "currency", "value",
           "Date", "CLOSE", " close ", "일자", "종가", "거래량", "\ufeffdate", "", "x", "date",
           "close"]

dates = st.one_of(
    st.dates().map(str),  # 0001-01-01 .. 9999-12-31: most outside the store's range
    st.dates(min_value=__import__("datetime").date(1990, 1, 1),
             max_value=__import__("datetime").date(2030, 12, 31)).map(str),
    st.sampled_from(["2924-01-03", "0001-01-01", "1677-09-21", "2262-04-12", "2024-02-30",
                     "2024-13-01", "20240102", "2024/01/02", "2024-01-02T09:00:00+09:00",
                     "2024-01-02 25:00", "NaT", "", "  ", "yesterday", "1e308", "-1"]),
    st.text(max_size=12),
)
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.integers(min_value=0, max_value=10**12).map(lambda n: f"{n:,}"),  # thousand separators
    st.sampled_from(["1e308", "-1e308", "1e400", "nan", "NaN", "inf", "-inf", "Infinity",
                     "-5", "0", "", " ", "1,234.5", "\"1,234\"", "1_000", "0x10", "１２３",
                     "1.2.3", "--1", "٣", "[/]", "[bold]", ":x:", "\\"]),
    st.text(max_size=8),
)
cells = st.one_of(dates, numbers, st.sampled_from(["KRW", "USD", "krw", "", "원", "[/]", ":x:"]))


@st.composite
def near_valid_text(draw) -> str:
    """A well-formed file (date, close and some of the optional columns, consecutive days)
    with now and then one hostile cell: exercises the write path, not only the refusals."""
    import datetime as dt

    extra = draw(st.lists(st.sampled_from(["open", "high", "low", "volume", "turnover",
                                           "currency"]), unique=True, max_size=6))
    header = ["date", "close", *extra]
    if draw(st.booleans()):
        header = [draw(st.sampled_from([h, h.upper(), f" {h}"])) for h in header]
    day = draw(st.dates(min_value=dt.date(1980, 1, 1), max_value=dt.date(2030, 1, 1)))
    price = st.floats(min_value=1e-6, max_value=1e11, allow_nan=False).map(
        lambda x: draw(st.sampled_from([repr(x), f"{x:.2f}", f"{x:g}"])))
    rows = []
    for _ in range(draw(st.integers(1, 30))):
        day += dt.timedelta(days=draw(st.integers(-1, 4)))  # -1/0: out of order, duplicates
        row = [str(day)]
        for h in header[1:]:
            h = h.strip().lower()
            row.append("KRW" if h == "currency" else draw(price) if h != "volume" else
                       str(draw(st.integers(0, 10**9))))
        if draw(st.integers(0, 19)) == 0:  # one hostile cell
            j = draw(st.integers(0, len(row) - 1))
            row[j] = draw(dates if j == 0 else numbers)
        rows.append(",".join(row))
    return "\n".join([",".join(header), *rows]) + "\n"


@st.composite
def csv_bytes(draw) -> bytes:
    if draw(st.booleans()):
        enc = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp949"]))
        return draw(near_valid_text()).encode(enc, errors="replace")
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8))
    if draw(st.booleans()):  # most files have the two columns import needs
        header = ["date", "close"] + header
    ncol = max(len(header), 1)
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            rows.append("")  # a blank line
            continue
        width = ncol if kind > 2 else draw(st.integers(0, ncol + 3))  # wrong column counts
        row = []
        for j in range(width):
            name = header[j].strip().lower() if j < len(header) else ""
            src = dates if name == "date" else numbers if name in (
                "close", "open", "high", "low", "volume", "turnover", "value") else cells
            row.append(draw(src))
        rows.append(",".join(row))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join([",".join(header), *rows]) + draw(st.sampled_from(["", newline]))
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16", "junk", "tail-junk"]))
    if enc == "junk":
        return draw(st.binary(max_size=400))
    if enc == "tail-junk":
        return text.encode("utf-8", "surrogatepass") + draw(st.binary(min_size=1, max_size=40))
    return text.encode(enc, errors="replace")


def _import(path: Path, store: Path, *extra: str):
    return runner.invoke(app, ["data", "import", str(path), "--symbol", "fz:x", "--currency",
                               "KRW", "--calendar", "XKRX", "--store", str(store), *extra])


def _clean_end(r) -> None:
    """Exit 0 or 2, no traceback; on exit 2 one 'error:' line."""
    assert r.exit_code in (0, 2), (r.exit_code, repr(r.exception), r.output[-2000:])
    assert "Traceback" not in r.output, r.output[-2000:]
    if r.exit_code == 2:
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), r.output[-2000:]


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="gaemi-fuzz-") as d:
        yield Path(d)


@FUZZ
@given(data=csv_bytes(), strict=st.booleans())
def test_fuzz_csv_import_ends_cleanly(folder, data, strict):
    p = folder / "in.csv"
    p.write_bytes(data)
    r = _import(p, folder / "store.duckdb", *(["--strict"] if strict else []))
    _clean_end(r)


# ------------------------------------------------------------------- regressions the fuzz found
def _regression(tmp_path, data: bytes):
    p = tmp_path / "r.csv"
    p.write_bytes(data)
    r = _import(p, tmp_path / "s.duckdb")
    _clean_end(r)
    return r


def test_regression_header_only_with_a_currency_column(tmp_path):
    """Fuzz find: a currency column and no rows was an IndexError (lines[0] of nothing)."""
    _regression(tmp_path, b",,close,currency,,x,high,\xef\xbb\xbfdate\r\n")
    _regression(tmp_path, b"date,close,currency\n")


def test_regression_mixed_utc_offsets_in_dates(tmp_path):
    """Fuzz find: dates mixing UTC offsets (or offsets and none) were pandas' ValueError
    'Mixed timezones detected'; each row now keeps its own wall-clock date."""
    r = _regression(tmp_path, b"date,close\n2024-01-02T00:00:00+09:00,10\n2024-01-03,11\n"
                              b"2024-01-04T00:00:00Z,12\n2024-01-05 00:00 -05:00,13\n")
    assert r.exit_code == 0, r.output
    from gaemi.data.store import Store

    with Store(tmp_path / "s.duckdb", read_only=True) as st:
        days = [str(d.date()) for d in st.bars("fz:x").index]
    assert days == ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]


def test_regression_symbol_prints_literally(tmp_path):
    """Fuzz find: report lines went through rich's emoji codes: ``fz:x: 1 rows written``
    printed as ``fz❌ 1 rows written``."""
    r = _regression(tmp_path, b"date,close\n2024-01-02,10\n2024-01-03T15:00,11\n")
    assert r.exit_code == 0, r.output
    assert " ".join(r.output.split()).startswith("fz:x: 1 rows written"), r.output


def test_regression_file_name_with_markup_shows_literally(tmp_path):
    """Found beside the fuzz: ``data show`` printed the imported file's name as rich markup and
    emoji codes, so ``a[red]:x:.csv`` showed as a red ``a❌.csv``."""
    p = tmp_path / "a[red]:x:.csv"
    p.write_bytes(b"date,close\n2024-01-02,10\n")
    assert _import(p, tmp_path / "s.duckdb").exit_code == 0
    r = runner.invoke(app, ["data", "show", "fz:x", "--store", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 0, (r.output, r.exception)
    assert "a[red]:x:.csv" in r.output
    r = runner.invoke(app, ["data", "list", "--store", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 0 and "fz:x" in r.output, (r.output, r.exception)


def test_regression_header_names_with_leading_spaces(tmp_path):
    """Fuzz find: ' close, volume' headers: the number columns' types were keyed by the raw
    names while read_csv strips the leading space, so an all-integer volume column reached
    the text check as int64 (AttributeError: Can only use .str accessor with string values)."""
    r = _regression(tmp_path, b" date, close, volume\n2024-01-02,10.5,7\n2024-01-03,11,8\n")
    assert r.exit_code == 0, r.output
