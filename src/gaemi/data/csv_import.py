"""Reading a daily-data CSV for ``gaemi data import``: pure functions, bytes or a path in, a
normalised frame and a list of what was recognised out. Nothing is written anywhere.

Accepted, besides gaemi's own format (``date, close[, open, high, low, volume, turnover,
currency]`` or ``date, value``; what ``gaemi data export`` writes):

* what KRX (data.krx.co.kr), Naver Finance and Korean brokers export: the encoding UTF-8 (with
  or without a byte-order mark), cp949 / EUC-KR (Korean Windows, Excel's "CSV") or UTF-16 with
  its byte-order mark (Excel's "Unicode text", tab-separated);
* Korean headers (:data:`ALIASES`: 일자/날짜 = date, 종가 = close, 시가 = open, 고가 = high,
  저가 = low, 거래량 = volume, 거래대금 = turnover, 통화 = currency); the day-on-day change columns
  (:data:`CHANGE_COLUMNS`: 대비, 전일비, 등락률 ...) are ignored with a note (gaemi computes
  changes from the closes), as are columns gaemi does not use (시가총액, 상장주식수 ...);
* thousands separators in numbers, ``"57,793"`` (quoted, as a CSV needs), strictly grouped by
  three: ``1,2,3`` is not a number;
* dates written ``2024-01-02``, ``2024/01/02``, ``2024.01.02``, ``20240102``, ``2024. 1. 2.``
  or ``2024년 1월 2일``;
* newest-first order (KRX and Naver list the latest day on top): a file whose dates go down more
  often than up is read bottom to top. A file in no order keeps its order, and the store's
  validation refuses the rows that are out of it.

Each of these is reported as a :class:`Fact` (one line for people, in Korean or English, plus
the data) so the user sees what was recognised. Everything else stays strict: a cell that is
not a date or a finite number below the store's limits, a missing or repeated column, a row
with more cells than the header (an unquoted ``57,793``) or mixed currencies is a
:class:`~gaemi.errors.ConfigError` naming the file, the line (blank lines counted) and the
column as the file writes it. Speed: columns are parsed by pandas' C parser and checked with
numpy; a file whose number columns hold anything but plain numbers (separators) is re-read as
text, which costs about twice as much.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gaemi.errors import ConfigError

NUMERIC = ("open", "high", "low", "close", "volume", "turnover", "value")
"""The number columns (``value``: fx / rate files, or a turnover column in a price file)."""
KNOWN = ("date", *NUMERIC, "currency")

ALIASES: dict[str, str] = {
    "일자": "date", "날짜": "date", "거래일": "date", "거래일자": "date",
    "종가": "close", "시가": "open", "고가": "high", "저가": "low",
    "거래량": "volume", "거래대금": "turnover", "통화": "currency",
}
"""Korean header names and the column each one is (compared after stripping spaces)."""

CHANGE_COLUMNS = ("대비", "전일비", "전일대비", "등락률", "등락폭", "등락", "change", "change %",
                  "change_pct")
"""Day-on-day change columns: ignored (gaemi computes returns from the closes), with a note."""

KO_NAMES = {"date": "날짜", "open": "시가", "high": "고가", "low": "저가", "close": "종가",
            "volume": "거래량", "turnover": "거래대금", "value": "값", "currency": "통화"}

THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"
"""A number with thousands separators: groups of exactly three digits (``57,793``, ``1,234.5``)."""

_ENCODINGS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "cp949": "cp949 (EUC-KR)",
              "utf-16": "UTF-16 (BOM)"}

_DATE_STYLES = (  # (pattern of a cell, style key) for the "dates" fact; ISO needs no note
    (re.compile(r"\d{4}-\d{1,2}-\d{1,2}"), None),
    (re.compile(r"\d{4}/\d{1,2}/\d{1,2}"), "YYYY/MM/DD"),
    (re.compile(r"\d{4}\.\d{1,2}\.\d{1,2}\.?"), "YYYY.MM.DD"),
    (re.compile(r"\d{8}"), "YYYYMMDD"),
    (re.compile(r"\d{4}\.\s*\d{1,2}\.\s*\d{1,2}\.?"), "YYYY. M. D."),
    (re.compile(r"\d{4}\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일"), "YYYY년 M월 D일"),
)
# written forms pandas' ISO 8601 parser does not read: rewritten to YYYY-M-D before a second try
_KOREAN_DATE = r"^(\d{4})(?:\.\s*|\s*년\s*)(\d{1,2})(?:\.\s*|\s*월\s*)(\d{1,2})(?:\.|\s*일)?$"

# ----------------------------------------------------------------------------- words
_T: dict[str, dict[str, str]] = {
    "en": {
        "line": "{name} line {line}",
        "cell": "{name} line {line} {col}",
        "columns_field": "{name} line 1 columns",
        "file_missing": "an existing CSV file",
        "file_special": "a CSV file (this is a folder, device or other special file)",
        "file_unreadable": "a readable CSV file ({why})",
        "undecodable": "a CSV file in UTF-8 or cp949/EUC-KR (undecodable byte at {at})",
        "undecodable_bom": "a CSV file in {codec} as its byte-order mark says (undecodable byte at {at})",
        "nul": "a CSV text file (this one holds NUL bytes: binary?)",
        "unparsable": "a CSV file ({err})",
        "wider": "as many cells as the header's {n}; this row has {got} (a number with thousands "
                 "separators must be quoted: \"57,793\")",
        "repeated": "each column once (names differ by more than case and spaces; 일자 and date "
                    "are the same column); repeated: {cols}",
        "missing": "a header with date and close (일자 or 날짜, and 종가, in a Korean file) and "
                   "optionally open, high, low, volume, turnover, currency (시가, 고가, 저가, 거래량, "
                   "거래대금); missing {cols}",
        "date": "a date like 2024-01-31 (also 2024/01/31, 2024.01.31, 20240131)",
        "date_range": "a date from {range}",
        "number": "a finite number below {limit:g} in size (thousands separators grouped by three "
                  "are fine: 57,793)",
        "currency": "one currency per file ({first} on line {line})",
        # facts
        "f_encoding": "encoding: {label}",
        "f_separator": "cells separated by tabs",
        "f_columns": "columns: {cols}",
        "f_change": "ignored (gaemi computes changes from the closes): {cols}",
        "f_unused": "ignored (not used by gaemi): {cols}",
        "f_dates": "dates written like {example} (year, month, day)",
        "f_thousands": "thousands separators removed from {n} cells in {cols} (e.g. {example})",
        "f_dashes": "'-' read as no value (KRX's mark for it) in {n} cells in {cols}",
        "f_order": "newest first in the file ({first} .. {last}): read bottom to top, stored "
                   "oldest first",
        "f_value_turnover": "value read as turnover (a price file with a close)",
    },
    "ko": {
        "line": "{name} {line}행",
        "cell": "{name} {line}행 {col}",
        "columns_field": "{name} 1행 열 이름",
        "file_missing": "있는 CSV 파일",
        "file_special": "CSV 파일 (폴더, 장치 같은 특수 파일은 안 됨)",
        "file_unreadable": "읽을 수 있는 CSV 파일 ({why})",
        "undecodable": "UTF-8 또는 cp949/EUC-KR로 된 CSV 파일 ({at}번째 바이트를 읽을 수 없음)",
        "undecodable_bom": "바이트 순서 표시가 가리키는 인코딩({codec})으로 된 CSV 파일 ({at}번째 바이트를 "
                           "읽을 수 없음)",
        "nul": "CSV 텍스트 파일 (NUL 바이트가 있음: 이진 파일?)",
        "unparsable": "CSV 파일 ({err})",
        "wider": "머리글과 같은 {n}칸; 이 행은 {got}칸 (천 단위 쉼표가 든 숫자는 \"57,793\"처럼 "
                 "따옴표로 감싸야 함)",
        "repeated": "열마다 한 번 (대소문자·공백만 다른 이름이나 일자·날짜처럼 같은 뜻의 이름은 같은 열); "
                    "겹친 열: {cols}",
        "missing": "날짜(일자 또는 날짜)와 종가 열이 있는 머리글 (시가, 고가, 저가, 거래량, 거래대금, "
                   "통화는 있어도 됨); 없는 열: {cols}",
        "date": "2024-01-31 같은 날짜 (2024/01/31, 2024.01.31, 20240131도 됨)",
        "date_range": "{range} 사이의 날짜",
        "number": "크기가 {limit:g}보다 작은 유한한 숫자 (57,793처럼 세 자리마다 쉼표는 괜찮음)",
        "currency": "파일마다 통화 하나 ({line}행은 {first})",
        "f_encoding": "인코딩: {label}",
        "f_separator": "칸 구분: 탭",
        "f_columns": "인식한 열: {cols}",
        "f_change": "무시한 열 (등락은 종가로 다시 계산): {cols}",
        "f_unused": "쓰지 않는 열: {cols}",
        "f_dates": "날짜 형식: {example} (연, 월, 일)",
        "f_thousands": "천 단위 쉼표 제거: {cols}의 {n}칸 (예: {example})",
        "f_dashes": "'-'는 값 없음으로 읽음 (KRX 표기): {cols}의 {n}칸",
        "f_order": "최신 날짜가 위에 있는 파일 ({first} .. {last}): 아래에서 위로 읽어 오래된 "
                   "날짜부터 저장",
        "f_value_turnover": "value 열은 거래대금으로 읽음 (종가가 있는 가격 파일)",
    },
}
_LABELS_KO = {"UTF-8": "UTF-8", "UTF-8 (BOM)": "UTF-8 (바이트 순서 표시 포함)",
              "cp949 (EUC-KR)": "cp949 (EUC-KR, 한글 윈도우·엑셀)",
              "UTF-16 (BOM)": "UTF-16 (바이트 순서 표시 포함)"}


def _t(lang: str, key: str, **kw: Any) -> str:
    return _T["ko" if lang == "ko" else "en"][key].format(**kw)


@dataclass(frozen=True)
class Fact:
    """One thing the reader recognised: ``code`` (encoding, separator, columns, ignored_change,
    ignored_unused, value_turnover, dates, dashes, thousands, order) and its data."""

    code: str
    data: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """The fact as one line for people, in ``lang`` (ko or en)."""
        d = self.data
        if self.code == "encoding":
            label = _ENCODINGS.get(d["encoding"], d["encoding"])
            return _t(lang, "f_encoding", label=_LABELS_KO.get(label, label) if lang == "ko" else label)
        if self.code == "separator":
            return _t(lang, "f_separator")
        if self.code == "columns":
            return _t(lang, "f_columns", cols=", ".join(_column_words(c["file"], c["column"], lang)
                                                         for c in d["columns"]))
        if self.code == "ignored_change":
            return _t(lang, "f_change", cols=", ".join(d["columns"]))
        if self.code == "ignored_unused":
            return _t(lang, "f_unused", cols=", ".join(d["columns"]))
        if self.code == "dates":
            return _t(lang, "f_dates", example=d["example"])
        if self.code == "thousands":
            return _t(lang, "f_thousands", n=f"{d['cells']:,}", example=d["example"],
                      cols=", ".join(d["columns"]))
        if self.code == "dashes":
            return _t(lang, "f_dashes", n=f"{d['cells']:,}", cols=", ".join(d["columns"]))
        if self.code == "order":
            return _t(lang, "f_order", first=d["file_first"], last=d["file_last"])
        if self.code == "value_turnover":
            return _t(lang, "f_value_turnover")
        return f"{self.code}: {d}"  # pragma: no cover - every code is listed above

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"code": self.code, **self.data, "message": self.text(lang)}


def _column_words(raw: str, canon: str, lang: str) -> str:
    """How a recognised column is named in the ``columns`` fact: the file's name, and gaemi's
    when it differs (``일자 (date)``; in Korean ``일자 (날짜)``, ``close (종가)``)."""
    mine = KO_NAMES[canon] if lang == "ko" else canon
    return raw if raw == mine else f"{raw} ({mine})"


@dataclass(frozen=True)
class ImportedCSV:
    """A CSV read for import.

    frame : one row per data line in date order (a newest-first file reversed); the index holds
        each row's line in the file (blank lines skipped but counted); ``date`` is
        datetime64[ns]; the number columns (``NUMERIC`` present in the file) are float64 with
        NaN for an empty cell; ``currency`` (if the file has it) is text.
    currency : the file's one currency (upper case), or None without a currency column.
    facts : what was recognised, in the order read.
    columns : the file's own header name of each column of ``frame`` (``{"close": "종가"}``).
    """

    frame: pd.DataFrame
    currency: str | None
    facts: tuple[Fact, ...]
    columns: dict[str, str]

    @property
    def encoding(self) -> str:
        return next(f.data["encoding"] for f in self.facts if f.code == "encoding")


# ----------------------------------------------------------------------------- reading
def read_path(path: str | Path, lang: str = "en") -> ImportedCSV:
    """:func:`read_bytes` of the file at ``path``; a missing, special or unreadable file is a
    ConfigError (field ``file``)."""
    import os
    import stat

    name = os.fspath(path)
    try:
        st = os.stat(name)
    except FileNotFoundError:
        raise ConfigError("file", name, _t(lang, "file_missing")) from None
    except (OSError, ValueError) as err:
        why = getattr(err, "strerror", None) or str(err)
        raise ConfigError("file", name, _t(lang, "file_unreadable", why=why)) from None
    if not stat.S_ISREG(st.st_mode):  # before open(): a FIFO would block it
        raise ConfigError("file", name, _t(lang, "file_special"))
    try:
        data = Path(name).read_bytes()
    except (OSError, ValueError) as err:
        why = getattr(err, "strerror", None) or str(err)
        raise ConfigError("file", name, _t(lang, "file_unreadable", why=why)) from None
    return read_bytes(data, Path(name).name, lang=lang, path=name)


def detect_encoding(data: bytes, path: str = "", lang: str = "en") -> str:
    """The codec to read ``data`` with: ``utf-8-sig`` (a UTF-8 byte-order mark), ``utf-16``
    (a UTF-16 one), ``utf-8`` when the bytes are valid UTF-8 (plain ASCII included), else
    ``cp949`` (a superset of EUC-KR); ConfigError (field ``file``) when neither decodes or the
    file holds NUL bytes."""
    if data.startswith(codecs.BOM_UTF8):
        codec, body, skip = "utf-8-sig", data[3:], 3
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec, body, skip = "utf-16", data, 0
    else:
        codec, body, skip = "", data, 0
    if codec:
        try:
            text = body.decode("utf-8" if codec == "utf-8-sig" else codec)
        except UnicodeDecodeError as err:
            raise ConfigError("file", path, _t(lang, "undecodable_bom", at=err.start + skip,
                                               codec="UTF-8" if codec == "utf-8-sig" else "UTF-16")
                              ) from None
        if (codec == "utf-8-sig" and b"\x00" in body) or (codec == "utf-16" and "\x00" in text):
            raise ConfigError("file", path, _t(lang, "nul"))
        return codec
    if b"\x00" in data:
        raise ConfigError("file", path, _t(lang, "nul"))
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        try:
            data.decode("cp949")
        except UnicodeDecodeError:
            raise ConfigError("file", path, _t(lang, "undecodable", at=err.start)) from None
        return "cp949"


def _key(name: str) -> str:
    """A header name as compared: no byte-order mark, no spaces at either end, lower case."""
    return str(name).replace("\ufeff", "").strip().lower()


def canonical(name: str) -> str | None:
    """gaemi's name for a header (``일자`` -> ``date``, `` Close`` -> ``close``), or None when
    gaemi does not use the column."""
    k = _key(name)
    if k in KNOWN:
        return k
    return ALIASES.get(k.replace(" ", ""))


def _header(text_head: str, sep: str) -> list[str]:
    """The header names as written (csv's rules: quotes, any newline)."""
    try:
        return next(csv.reader(io.StringIO(text_head, newline=""), delimiter=sep), [])
    except csv.Error:  # (a NUL, a lone quote ...: read_csv then names the problem)
        return []


def read_bytes(data: bytes, name: str, lang: str = "en", path: str | None = None) -> ImportedCSV:
    """Read a daily-data CSV from its bytes (``name`` names the file in errors; ``path`` is the
    value reported when the file as a whole is refused). See the module's docstring for what is
    accepted and refused."""
    from gaemi.data.store import DATE_RANGE, MAX_AMOUNT, MAX_PRICE, _in_range_ns

    path = name if path is None else path
    facts: list[Fact] = []
    codec = detect_encoding(data, path, lang)
    facts.append(Fact("encoding", {"encoding": codec}))
    head = data[:65536].decode("utf-16" if codec == "utf-16" else codec, errors="replace")
    first_line = (head.splitlines() or [""])[0]
    sep = "\t" if ("\t" in first_line and "," not in first_line) else ","
    if sep == "\t":
        facts.append(Fact("separator", {"separator": "tab"}))
    raw_header = _header(head, sep)
    header = [canonical(h) for h in raw_header]
    keys = [_key(h) for h in raw_header]

    # repeated columns: the same name up to case and spaces, or a Korean and an English name
    seen: dict[str, list[str]] = {}
    for raw, k, canon in zip(raw_header, keys, header):
        if k:
            seen.setdefault(canon or k, []).append(raw.strip().lstrip("\ufeff"))
    dups = [(c, names) for c, names in seen.items() if len(names) > 1]
    if dups:
        def word(c: str) -> str:
            return KO_NAMES.get(c, c) if lang == "ko" else c

        cols = ", ".join(word(c) if all(_key(n) == c for n in names) else
                         f"{word(c)} ({', '.join(names)})" for c, names in dups)
        raise ConfigError(_t(lang, "columns_field", name=name), raw_header,
                          _t(lang, "repeated", cols=cols))

    df = _read_frame(data, codec, sep, name, lang)
    if len(raw_header) != len(df.columns):  # a header csv could not split: pandas' names
        raw_header = [str(c) for c in df.columns]
        header = [canonical(h) for h in raw_header]
        keys = [_key(h) for h in raw_header]
    if not isinstance(df.index, pd.RangeIndex):  # rows wider than the header: pandas took the
        got = len(df.columns) + (df.index.nlevels or 1)  # extra cells as an index
        raise ConfigError(_t(lang, "line", name=name, line=2), got,
                          _t(lang, "wider", n=len(df.columns), got=got))
    file_names = {}  # canonical -> the file's own name
    new_cols = []
    for raw, k, canon, col in zip(raw_header, keys, header, df.columns):
        if canon:
            file_names[canon] = raw.strip().lstrip("\ufeff")
        new_cols.append(canon or _key(col))
    df.columns = new_cols
    used = [{"file": file_names[c], "column": c} for c in header if c]
    if used:
        facts.append(Fact("columns", {"columns": used}))
    change = [raw.strip() for raw, k, canon in zip(raw_header, keys, header)
              if not canon and k in CHANGE_COLUMNS]
    unused = [raw.strip() for raw, k, canon in zip(raw_header, keys, header)
              if not canon and k and k not in CHANGE_COLUMNS]
    if change:
        facts.append(Fact("ignored_change", {"columns": change}))
    if unused:
        facts.append(Fact("ignored_unused", {"columns": unused}))
    if "value" in df.columns and "turnover" not in df.columns and "close" in df.columns:
        df = df.rename(columns={"value": "turnover"})
        file_names["turnover"] = file_names.pop("value")
        facts.append(Fact("value_turnover"))
    kind_cols = ("date", "close") if "close" in df.columns or "value" not in df.columns else \
        ("date", "value")
    missing = [c for c in kind_cols if c not in df.columns]
    if missing:
        cols = ", ".join(KO_NAMES[c] if lang == "ko" else c for c in missing)
        raise ConfigError(f"{name} " + ("열" if lang == "ko" else "columns"), list(raw_header),
                          _t(lang, "missing", cols=cols))

    lines = np.arange(2, len(df) + 2)
    blank = np.ones(len(df), dtype=bool)
    for c in df.columns:
        col = df[c]
        blank &= (col.isna() if col.dtype.kind == "f" else col == "").to_numpy(dtype=bool)
    if blank.any():
        df, lines = df[~blank], lines[~blank]
    df = df.reset_index(drop=True)
    other = [c for c in df.columns if c not in KNOWN]  # (after the blank-row check: a row with
    if other:                                           # only an unused cell is not blank)
        df = df.drop(columns=other)

    def label(col: str) -> str:
        return file_names.get(col, col)

    def fail(mask: np.ndarray, col: str, allowed: str, given: pd.Series) -> None:
        if mask.any():
            k = int(np.flatnonzero(mask)[0])
            raise ConfigError(_t(lang, "cell", name=name, line=int(lines[k]), col=label(col)),
                              given.iloc[k], allowed)

    # dates ------------------------------------------------------------------------------
    # a time's UTC offset is dropped (each row keeps its own wall-clock date): pandas refuses a
    # column mixing offsets, or offsets and none, with a ValueError (found by the import fuzz)
    stripped = np.strings.strip(df["date"].to_numpy(dtype=np.str_))
    raw_dates = pd.Series(stripped, dtype=str)
    timed = np.strings.find(stripped, ":") >= 0  # (the regex only where there is a time)
    if timed.any():
        raw_dates[timed] = raw_dates[timed].str.replace(
            r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)$", r"\1",
            regex=True)
    parsed = _parse_dates(raw_dates, name, path, lang)
    unparsed = parsed.isna().to_numpy()
    if unparsed.any():  # 2024. 1. 2. and 2024년 1월 2일: rewritten, then read again
        again = raw_dates[unparsed].str.replace(_KOREAN_DATE, r"\1-\2-\3", regex=True)
        parsed = parsed.copy()
        parsed[unparsed] = _parse_dates(again, name, path, lang).to_numpy()
        unparsed = parsed.isna().to_numpy()
    # a year or a month alone is not a day (ISO 8601 reads "2024" as 2024-01-01)
    unparsed = unparsed | (raw_dates.str.len() < 8).to_numpy(dtype=bool)
    fail(unparsed, "date", _t(lang, "date"), df["date"])
    dates = _in_range_ns(parsed.to_numpy())
    fail(np.isnat(dates), "date", _t(lang, "date_range", range=DATE_RANGE), df["date"])
    df["date"] = dates
    if len(raw_dates):
        style = _date_style(str(raw_dates.iloc[0]))
        if style:
            facts.append(Fact("dates", {"style": style, "example": str(raw_dates.iloc[0])}))

    # numbers ----------------------------------------------------------------------------
    thousands: dict[str, int] = {}
    dashes: dict[str, int] = {}
    example = None
    for c in [c for c in df.columns if c in NUMERIC]:  # (in the file's order, for the facts)
        limit = MAX_AMOUNT if c in ("volume", "turnover") else MAX_PRICE
        allowed = _t(lang, "number", limit=limit)
        if df[c].dtype.kind == "f":  # parsed by read_csv: empty cells are NaN
            num = df[c].to_numpy(dtype=np.float64)
            with np.errstate(invalid="ignore"):
                fine = np.isnan(num) | (np.isfinite(num) & (np.abs(num) < limit))
            fail(~fine, c, allowed, df[c])
            continue
        num, empty, dash, grouped = _numbers(df[c])
        if dash.any():
            dashes[label(c)] = int(dash.sum())
        if grouped.any():
            thousands[label(c)] = int(grouped.sum())
            if example is None:
                example = str(df[c].iloc[int(np.flatnonzero(grouped)[0])]).strip()
        with np.errstate(invalid="ignore"):
            fine = np.isfinite(num) & (np.abs(num) < limit)
        fail(~empty & ~fine, c, allowed, df[c])
        df[c] = num
    if dashes:
        facts.append(Fact("dashes", {"cells": sum(dashes.values()), "columns": list(dashes)}))
    if thousands:
        facts.append(Fact("thousands", {"cells": sum(thousands.values()),
                                        "columns": list(thousands), "example": example}))

    currency = None
    if "currency" in df.columns:
        vals = df["currency"].str.strip().str.upper()
        if len(vals):  # (a file with a header and no rows has no currency to check)
            first = vals.iloc[0]
            fail((vals != first).to_numpy(dtype=bool), "currency",
                 _t(lang, "currency", first=first, line=int(lines[0])), vals)
            currency = first or None

    # order: newest first (KRX, Naver) is read bottom to top ------------------------------
    steps = np.diff(df["date"].to_numpy().astype("datetime64[ns]").astype(np.int64))
    if len(steps) and int((steps < 0).sum()) > int((steps > 0).sum()):
        facts.append(Fact("order", {"file_first": str(raw_dates.iloc[0]),
                                    "file_last": str(raw_dates.iloc[-1]), "rows": int(len(df))}))
        df, lines = df.iloc[::-1].reset_index(drop=True), lines[::-1]
    df.index = pd.Index(lines, name="line")
    return ImportedCSV(df, currency, tuple(facts), file_names)


def _read_frame(data: bytes, codec: str, sep: str, name: str, lang: str) -> pd.DataFrame:
    """The CSV with its number columns parsed by read_csv's C float parser (empty cells NaN),
    or, when any of them holds something else (separators, a bad cell), every column as text
    (the checks then name the line). A file pandas cannot tokenise is a ConfigError."""
    enc = "utf-16" if codec == "utf-16" else codec
    kw = dict(sep=sep, skipinitialspace=True, skip_blank_lines=False, encoding=enc)
    try:
        try:  # the names as read_csv sees them (skipinitialspace strips " close" to "close")
            cols = list(pd.read_csv(io.BytesIO(data), nrows=0, **kw).columns)
        except (ValueError, TypeError, OverflowError, pd.errors.ParserError):
            cols = None
        if cols is not None:
            dtypes = {raw: (np.float64 if canonical(raw) in NUMERIC else str) for raw in cols}
            df = None
            try:  # the first rows first: a KRX file ("57,793") goes straight to the text path
                pd.read_csv(io.BytesIO(data), dtype=dtypes, keep_default_na=False, na_values=[""],
                            nrows=100, **kw)
                df = pd.read_csv(io.BytesIO(data), dtype=dtypes, keep_default_na=False,
                                 na_values=[""], **kw)
            except (ValueError, TypeError, OverflowError, pd.errors.ParserError):
                df = None
            if df is not None:
                for c in df.columns:
                    if df[c].dtype.kind != "f":
                        df[c] = df[c].fillna("")
                return df
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, **kw)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, OSError,
            ValueError, StopIteration) as err:
        msg = " ".join(str(err).split())
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        if m:
            raise ConfigError(_t(lang, "line", name=name, line=int(m.group(2))), int(m.group(3)),
                              _t(lang, "wider", n=int(m.group(1)), got=int(m.group(3)))) from None
        raise ConfigError("file", name, _t(lang, "unparsable",
                                           err=f"{type(err).__name__}: {msg[:200]}")) from None


def _numbers(col: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A text column's numbers, vectorised (numpy string ufuncs, no Python loop a cell):
    ``(values, empty, dash, grouped)``. Cells are stripped; ``-`` (KRX's "no value") and the
    empty cell are NaN and ``empty``; a cell with thousands separators grouped by three
    (:data:`THOUSANDS`) loses them (``grouped``); a cell with commas in any other place is NaN
    (not a number). The caller refuses the NaN cells that are not ``empty``."""
    a = np.strings.strip(col.to_numpy(dtype=np.str_))
    dash = a == "-"
    empty = (a == "") | dash
    grouped = np.zeros(len(a), dtype=bool)
    comma = np.strings.find(a, ",") >= 0
    if comma.any():
        grouped[comma] = _grouped(a[comma])
        if grouped.any():
            a[grouped] = np.strings.replace(a[grouped], ",", "")
    plus = np.strings.startswith(a, "+")
    if plus.any():  # (pandas' to_numeric reads "+900719925474099.5" one ulp off): "+5" -> "5"
        nxt = np.strings.slice(a[plus], 1, 2)
        fix = np.flatnonzero(plus)[((nxt >= "0") & (nxt <= "9")) | (nxt == ".")]
        if len(fix):
            a[fix] = np.strings.slice(a[fix], 1, None)
    num = pd.to_numeric(a, errors="coerce").astype(np.float64, copy=True)
    num[empty] = np.nan
    return num, empty, dash, grouped


def _grouped(a: np.ndarray) -> np.ndarray:
    """Which cells of ``a`` (stripped, each holding a comma) match :data:`THOUSANDS`: an optional
    sign, 1-3 digits, then groups of a comma and three digits, then optionally a dot and digits.
    Vectorised over the characters (a fixed-width string array viewed as code points): every
    character is a digit, the sign at 0, the one dot, or a comma at a slot 4, 8, ... places left
    of the dot (or the end); the leading group then holds 1-3 digits exactly when the number of
    commas is the number of slots."""
    n = len(a)
    length = np.strings.str_len(a)
    width = max(int(length.max()), 1)
    ch = np.ascontiguousarray(a.astype(f"<U{width}")).view(np.uint32).reshape(n, width)
    pos = np.arange(width)[None, :]
    digit = (ch >= 48) & (ch <= 57)
    comma, dot = ch == 44, ch == 46
    sign = (ch[:, 0] == 43) | (ch[:, 0] == 45)
    start = sign.astype(np.int64)
    ndot = dot.sum(axis=1)
    intlen = np.where(ndot == 1, dot.argmax(axis=1), length)  # the integer part ends here
    slot = ((intlen[:, None] - pos) % 4 == 0) & (pos > start[:, None]) & (pos < intlen[:, None])
    ok = digit | (comma & slot) | dot | ((pos == 0) & sign[:, None]) | (pos >= length[:, None])
    lead = intlen - start - 4 * comma.sum(axis=1)  # digits before the first comma
    frac = length - intlen - 1
    return ok.all(axis=1) & (ndot <= 1) & (lead >= 1) & (lead <= 3) & ((ndot == 0) | (frac >= 1))


def _parse_dates(raw: pd.Series, name: str, path: str, lang: str) -> pd.Series:
    try:
        parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
    except (ValueError, TypeError, OverflowError) as err:
        msg = " ".join(str(err).split())[:120]
        raise ConfigError(f"{name} date", path, f"{_t(lang, 'date')} ({msg})") from None
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _date_style(cell: str) -> str | None:
    """The written form of a date cell (``YYYY/MM/DD``), None for ISO or an unknown form."""
    for pat, style in _DATE_STYLES:
        if pat.fullmatch(cell):
            return style
    return None
