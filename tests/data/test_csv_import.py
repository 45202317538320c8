"""gaemi.data.csv_import: the parsing rules for KRX / Naver / broker exports, table by table,
plus hypothesis round trips (a Korean export and gaemi's own format of the same rows read to the
same frame) and the refusals (one ConfigError naming the file, the line, the column, the value
and what is allowed)."""

from __future__ import annotations

import codecs
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaemi.data.csv_import import ALIASES, THOUSANDS, read_bytes
from gaemi.errors import ConfigError

PLAIN = "date,close,volume\n2024-01-02,57000,900\n2024-01-03,57793,1000\n"


def read(text: str | bytes, enc: str = "utf-8", lang: str = "en"):
    data = text if isinstance(text, bytes) else text.encode(enc)
    return read_bytes(data, "t.csv", lang=lang)


def codes(got) -> list[str]:
    return [f.code for f in got.facts]


def refused(text: str | bytes, enc: str = "utf-8", lang: str = "en") -> ConfigError:
    with pytest.raises(ConfigError) as e:
        read(text, enc, lang)
    return e.value


def expected() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(["2024-01-02", "2024-01-03"]).astype("datetime64[ns]"),
                         "close": [57000.0, 57793.0], "volume": [900.0, 1000.0]})


def same_rows(got, want: pd.DataFrame | None = None) -> None:
    want = expected() if want is None else want
    pd.testing.assert_frame_equal(got.frame[list(want.columns)].reset_index(drop=True), want)


# ----------------------------------------------------------------------------- encodings
KOREAN = "일자,종가,거래량\n2024/01/03,\"57,793\",\"1,000\"\n2024/01/02,\"57,000\",900\n"


@pytest.mark.parametrize("enc,codec", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("cp949", "cp949"), ("euc-kr", "cp949"),
    ("utf-16", "utf-16"),
])
def test_every_encoding_reads_to_the_same_rows(enc, codec):
    got = read(KOREAN, enc)
    same_rows(got)
    assert got.encoding == codec
    assert got.facts[0].code == "encoding"


def test_cp949_only_characters_and_the_bom_is_not_a_column_name():
    # 똠 is in cp949 but not in EUC-KR's KS X 1001 set: cp949 (the superset) must be used
    got = read("\ufeff날짜,종가,비고\n2024-01-02,57000,똠방각하\n2024-01-03,57793,\n".replace("\ufeff", ""),
               "cp949")
    assert got.encoding == "cp949" and list(got.frame.columns) == ["date", "close"]
    got = read("날짜,종가\n2024-01-02,1\n", "utf-8-sig")
    assert got.columns["date"] == "날짜"


@pytest.mark.parametrize("data,needle", [
    (b"date,close\n2024-01-02,\xff\xfe\xfa\n", "UTF-8 or cp949/EUC-KR"),
    (codecs.BOM_UTF8 + b"date,close\n2024-01-02,\xff\n", "byte-order mark"),
    (b"date,close\n2024-01-02,1\x00\n", "NUL"),
    (b"", "EmptyDataError"),
])
def test_undecodable_files_are_one_error_naming_the_file(data, needle):
    e = refused(data)
    assert e.field == "file" and e.value == "t.csv" and needle in e.allowed


def test_tab_separated_unicode_text_from_excel():
    got = read(KOREAN.replace(",\"", "\t\"").replace("\",", "\"\t").replace(",9", "\t9")
               .replace("일자,종가,거래량", "일자\t종가\t거래량"), "utf-16")
    same_rows(got)
    assert "separator" in codes(got)


# ----------------------------------------------------------------------------- headers
@pytest.mark.parametrize("korean,name", sorted(ALIASES.items()))
def test_each_korean_header_is_its_column(korean, name):
    cols = {"date": "일자", "close": "종가"}
    cols[name] = korean
    if name == "currency":
        body = "2024-01-02,1,KRW\n"
        header = f"{cols['date']},{cols['close']},{korean}\n"
    elif name in ("date", "close"):
        body = "2024-01-02,1\n"
        header = f"{cols['date']},{cols['close']}\n"
    else:
        body = "2024-01-02,1,2\n"
        header = f"{cols['date']},{cols['close']},{korean}\n"
    got = read(header + body)
    assert name in got.frame.columns and got.columns[name] == korean
    fact = next(f for f in got.facts if f.code == "columns")
    assert {"file": korean, "column": name} in fact.data["columns"]


@pytest.mark.parametrize("col", ["대비", "전일비", "전일대비", "등락률", "등락폭"])
def test_change_columns_are_ignored_with_a_note(col):
    got = read(f"일자,종가,{col}\n2024-01-02,100,\"+1,845\"\n2024-01-03,101,▲1\n")
    assert list(got.frame.columns) == ["date", "close"]
    fact = next(f for f in got.facts if f.code == "ignored_change")
    assert fact.data["columns"] == [col]
    assert col in fact.text("ko") and "무시" in fact.text("ko")


def test_an_underlying_index_close_is_not_the_fund_close():
    """KRX's ETF page has 기초지수_종가 (the index's close) beside 종가: only 종가 is the close."""
    got = read("일자,종가,기초지수_종가,시가총액\n2024-01-02,\"43,545\",430.22,\"6,518,686,500,000\"\n")
    assert got.frame["close"].tolist() == [43545.0]
    fact = next(f for f in got.facts if f.code == "ignored_unused")
    assert fact.data["columns"] == ["기초지수_종가", "시가총액"]


@pytest.mark.parametrize("header,needle", [
    ("일자,date,종가", "date (일자, date)"),
    ("날짜,일자,종가", "date (날짜, 일자)"),
    ("date,종가,close", "close (종가, close)"),
    ("date,Close,close", "repeated: close"),
])
def test_a_column_given_twice_is_refused(header, needle):
    e = refused(header + "\n2024-01-02,1,1\n")
    assert e.field == "t.csv line 1 columns" and needle in e.allowed


def test_a_missing_close_names_the_korean_and_english_names():
    e = refused("날짜,시가\n2024-01-02,1\n")
    assert e.field == "t.csv columns" and "missing close" in e.allowed and "종가" in e.allowed
    e = refused("날짜,시가\n2024-01-02,1\n", lang="ko")
    assert e.field == "t.csv 열" and "없는 열: 종가" in e.allowed


# ----------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("cell,value", [
    ("\"57,793\"", 57793.0), ("\"1,234.5\"", 1234.5), ("\"-1,234\"", -1234.0), ("\"+1,000\"", 1000.0),
    ("\"1,000,000,000\"", 1e9), ("57793", 57793.0), ("\" 57,793 \"", 57793.0), ("\"999\"", 999.0),
])
def test_thousands_separators(cell, value):
    got = read(f"date,close\n2024-01-02,{cell}\n")
    assert got.frame["close"].tolist() == [value]
    assert ("thousands" in codes(got)) == ("," in cell)


@pytest.mark.parametrize("cell", ["5,77,93", "57,79", "1,2345", ",123", "123,", "1,,000", "1.000,5",
                                  "57,793원", "1,234.", "1_000", "1e3,000"])
def test_misgrouped_separators_are_refused_naming_the_cell(cell):
    e = refused(f"일자,종가\n2024-01-02,1\n2024-01-03,\"{cell}\"\n")
    assert e.field == "t.csv line 3 종가" and e.value == cell
    assert "57,793" in e.allowed and "finite number" in e.allowed
    e = refused(f"일자,종가\n2024-01-02,1\n2024-01-03,\"{cell}\"\n", lang="ko")
    assert e.field == "t.csv 3행 종가" and "유한한 숫자" in e.allowed


def test_an_unquoted_separator_is_a_row_wider_than_its_header():
    e = refused("일자,종가\n2024-01-02,57,793\n2024-01-03,57,800\n")
    assert e.field == "t.csv line 2" and e.value == 3 and "quoted" in e.allowed
    e = refused("일자,종가\n2024-01-02,57\n2024-01-03,57,800\n")  # only one row wider
    assert e.field == "t.csv line 3" and e.value == 3 and "\"57,793\"" in e.allowed


def test_krx_dash_is_no_value_in_optional_columns():
    got = read("일자,종가,시가,거래량\n1981/12/24,131.30,-,\"947,700\"\n1981/12/23,131.30,-,-\n")
    assert np.isnan(got.frame["open"]).all() and np.isnan(got.frame["volume"].iloc[0])
    fact = next(f for f in got.facts if f.code == "dashes")
    assert fact.data == {"cells": 3, "columns": ["시가", "거래량"]}


def test_other_bad_numbers_keep_their_rules():
    for cell, col in [("1e308", "close"), ("inf", "close"), ("nan", "close"), ("abc", "close"),
                      ("--", "close"), ("1e19", "volume")]:
        e = refused(f"date,close,volume\n2024-01-02,1,1\n2024-01-03,{cell if col == 'close' else 1},"
                    f"{cell if col == 'volume' else 1}\n")
        assert e.field == f"t.csv line 3 {col}", cell
        assert str(e.value) in (cell, str(float(cell)) if cell[-1].isdigit() or cell in ("inf", "nan") else cell)


# ----------------------------------------------------------------------------- dates
@pytest.mark.parametrize("a,b,style", [
    ("2024-01-02", "2024-01-03", None), ("2024/01/02", "2024/01/03", "YYYY/MM/DD"),
    ("2024.01.02", "2024.01.03", "YYYY.MM.DD"), ("20240102", "20240103", "YYYYMMDD"),
    ("2024. 1. 2.", "2024. 1. 3.", "YYYY. M. D."), ("2024년 1월 2일", "2024년 1월 3일", "YYYY년 M월 D일"),
    ("2024/1/2", "2024.01.03", "YYYY/MM/DD"),
])
def test_date_forms(a, b, style):
    got = read(f"date,close,volume\n{a},57000,900\n{b},57793,1000\n")
    same_rows(got)
    facts = [f for f in got.facts if f.code == "dates"]
    assert [f.data["style"] for f in facts] == ([style] if style else [])


@pytest.mark.parametrize("cell", ["2024", "2024-01", "202401", "2024/13/01", "2024.02.30", "01/02/2024",
                                  "24-01-02", "2024-001", "어제", "2024년 1월", "2024. 1."])
def test_bad_dates_are_refused_naming_line_and_forms(cell):
    e = refused(f"일자,종가\n2024-01-02,1\n{cell},2\n")
    assert e.field == "t.csv line 3 일자" and e.value == cell
    assert "2024/01/31" in e.allowed and "20240131" in e.allowed


def test_dates_outside_the_store_range():
    e = refused("date,close\n1600/01/02,1\n")
    assert e.field == "t.csv line 2 date" and "1677-09-22" in e.allowed


# ----------------------------------------------------------------------------- order
def test_newest_first_is_read_bottom_to_top_keeping_lines():
    got = read("일자,종가\n2024/01/04,3\n\n2024/01/03,2\n2024/01/02,1\n")
    assert got.frame["close"].tolist() == [1.0, 2.0, 3.0]
    assert got.frame.index.tolist() == [5, 4, 2]  # each row keeps its line (blank line 3 counted)
    fact = next(f for f in got.facts if f.code == "order")
    assert fact.data == {"file_first": "2024/01/04", "file_last": "2024/01/02", "rows": 3}


def test_oldest_first_and_unordered_files_keep_their_order():
    got = read("date,close\n2024-01-02,1\n2024-01-03,2\n")
    assert "order" not in codes(got) and got.frame.index.tolist() == [2, 3]
    # mostly oldest first with one row out of place: not reversed (the store refuses that row)
    got = read("date,close\n2024-01-02,1\n2024-01-05,4\n2024-01-03,2\n2024-01-04,3\n")
    assert "order" not in codes(got) and got.frame["close"].tolist() == [1, 4, 2, 3]


def test_newest_first_with_a_duplicate_keeps_both_copies_for_the_store_to_refuse():
    got = read("date,close\n2024-01-03,3\n2024-01-02,2\n2024-01-02,9\n")
    assert got.frame.index.tolist() == [4, 3, 2]
    assert got.frame["close"].tolist() == [9.0, 2.0, 3.0]


# ----------------------------------------------------------------------------- facts
def test_facts_in_korean_use_the_glossary_words():
    got = read(KOREAN, "cp949")
    ko = "\n".join(f.text("ko") for f in got.facts)
    for word in ("인코딩: cp949", "일자 (날짜)", "종가", "거래량", "천 단위 쉼표", "최신 날짜가 위에",
                 "날짜 형식: 2024/01/03"):
        assert word in ko, ko
    en = "\n".join(f.text("en") for f in got.facts)
    for word in ("encoding: cp949", "일자 (date)", "thousands separators removed from 3 cells",
                 "newest first"):
        assert word in en, en
    assert all(set(f.to_dict()) >= {"code", "message"} for f in got.facts)


# ----------------------------------------------------------------------------- hypothesis
days = st.lists(st.integers(1, 4), min_size=1, max_size=25)  # gaps between consecutive days
prices = st.one_of(st.integers(1, 10**9).map(float),
                   st.decimals(min_value="0.01", max_value="99999999.99", places=2).map(float))


@st.composite
def series(draw):
    gaps = draw(days)
    start = draw(st.dates(min_value=dt.date(1980, 1, 1), max_value=dt.date(2200, 1, 1)))
    ds, d = [], start
    for g in gaps:
        d += dt.timedelta(days=g)
        ds.append(d)
    closes = draw(st.lists(prices, min_size=len(ds), max_size=len(ds)))
    vols = draw(st.lists(st.integers(0, 10**15), min_size=len(ds), max_size=len(ds)))
    return ds, closes, vols


def _num(x: float, grouped: bool) -> str:
    s = f"{x:,.2f}" if grouped else f"{x:.2f}"
    return s[:-3] if s.endswith(".00") else s


STYLES = {"iso": lambda d: d.isoformat(), "slash": lambda d: d.strftime("%Y/%m/%d"),
          "dot": lambda d: d.strftime("%Y.%m.%d"), "compact": lambda d: d.strftime("%Y%m%d"),
          "spaced": lambda d: f"{d.year}. {d.month}. {d.day}.",
          "korean": lambda d: f"{d.year}년 {d.month}월 {d.day}일"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(s=series(), style=st.sampled_from(sorted(STYLES)), enc=st.sampled_from(["cp949", "utf-8", "utf-8-sig"]),
       newest_first=st.booleans(), quote_all=st.booleans(), crlf=st.booleans())
def test_a_korean_export_reads_as_its_plain_twin(s, style, enc, newest_first, quote_all, crlf):
    ds, closes, vols = s
    rows = [(STYLES[style](d), _num(c, True), f"{v:,}", "+1.5") for d, c, v in zip(ds, closes, vols)]
    if newest_first:
        rows = rows[::-1]
    q = (lambda x: f'"{x}"') if quote_all else (lambda x: f'"{x}"' if "," in x else x)
    nl = "\r\n" if crlf else "\n"
    korean = nl.join(["일자,종가,거래량,등락률", *(",".join(q(x) for x in r) for r in rows)]) + nl
    plain = "\n".join(["date,close,volume", *(f"{d.isoformat()},{_num(c, False)},{v}"
                                                for d, c, v in zip(ds, closes, vols))]) + "\n"
    a, b = read(korean, enc), read(plain)
    pd.testing.assert_frame_equal(a.frame.reset_index(drop=True), b.frame.reset_index(drop=True))
    assert ("order" in codes(a)) == (newest_first and len(ds) > 1)
    n = len(ds)
    lines = list(range(n + 1, 1, -1)) if newest_first and n > 1 else list(range(2, n + 2))
    assert a.frame.index.tolist() == lines


@settings(max_examples=200, deadline=None)
@given(n=st.integers(0, 10**15), frac=st.sampled_from(["", ".5", ".25"]), sign=st.sampled_from(["", "-", "+"]))
def test_any_grouped_number_reads_exactly(n, frac, sign):
    cell = f"{sign}{n:,}{frac}"
    got = read(f"date,volume,close\n2024-01-02,\"{cell}\",1\n")
    assert got.frame["volume"].tolist() == [float(f"{sign}{n}{frac}")]


@settings(max_examples=200, deadline=None)
@given(cell=st.text(alphabet="0123456789,.-+ ", min_size=1, max_size=12).filter(lambda c: "," in c))
def test_a_comma_cell_is_read_only_when_grouped_by_three(cell):
    import re

    text = f"date,close\n2024-01-02,\"{cell}\"\n"
    if re.fullmatch(THOUSANDS, cell.strip()):
        assert read(text).frame["close"].tolist() == [float(cell.strip().replace(",", ""))]
    else:
        e = refused(text)
        assert e.field == "t.csv line 2 close" and e.value == cell
