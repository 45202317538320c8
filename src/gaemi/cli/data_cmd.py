"""``gaemi data list | show | fetch | import | export``: the local market-data store.

Every command takes ``--store PATH`` (default: ``GAEMI_STORE`` or the user data folder).
Bad input (unknown symbol or source, bad dates, a CSV with missing columns, wrong types or
mixed currencies) prints one line naming the row/field and exits 2 with the store unchanged.
Reading a CSV for import is :mod:`gaemi.data.csv_import` (encodings, Korean headers, thousands
separators, newest-first files); this module parses options, calls the library and presents.

Every word printed comes from :data:`WORDS` in the language of :func:`gaemi.cli.lang.current_lang`
(``--lang``, ``GAEMI_LANG``, the locale); Korean follows ``glossary-ko.md`` (종가, 거래대금 ...).
Symbols, tickers, ISO dates, currency and calendar codes, numbers and paths stay as they are.
JSON output is the same in both languages (only its ``message`` texts follow the language).
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from gaemi.errors import ConfigError

data_app = typer.Typer(help="The local market-data store (DuckDB): list, show, fetch, import, "
                            "export.", no_args_is_help=True)

STORE_HELP = "Store file (default: $GAEMI_STORE or the user data folder)."

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "embedded_title": "embedded series (src/gaemi/data/samples, PROVENANCE.md)",
        "store_title": "gaemi store: {path}",
        "col_name": "name", "col_kind": "kind", "col_currency": "currency", "col_calendar": "calendar",
        "col_rows": "rows", "col_first": "first", "col_last": "last", "col_note": "note",
        "col_symbol": "symbol", "col_source": "source",
        "col_date": "date", "col_open": "open", "col_high": "high", "col_low": "low",
        "col_close": "close", "col_volume": "volume", "col_turnover": "turnover", "col_value": "value",
        "col_close_fx": "close", "col_close_rate": "close", "col_value_fx": "value",
        "col_value_rate": "value",
        "kind_price": "price", "kind_fx": "fx", "kind_rate": "rate",
        "freq_daily": "daily", "freq_monthly": "monthly",
        "estimated_from": "estimated from {date}",
        "empty_store": "The store {path} is empty: try `gaemi data fetch upbit BTC/KRW --since "
                       "2024-01-01` or `gaemi data import FILE.csv`.",
        "embedded_line": "  {desc}  ({kind}, {currency}, {calendar}, {freq}; embedded from {file})",
        "estimates": "  values from {date} on are estimates (docs/data.md)",
        "rows_span": "  {n} rows, {span}",
        "stored_line": "  {name}  ({kind}, {currency}, {calendar}, source {source})",
        "imported_from": "imported from {file}",
        "written": "{symbol}: {n} rows written",
        "span": " ({first} .. {last})",
        "refused_n": ", {n} refused",
        "warnings_n": ", {n} warnings",
        "refused": "  refused {issue}",
        "warning": "  warning {issue}",
        "more": "  ... and {n} more (--json lists all)",
        "note": "note: {note}",
        "read_file": "Recognised in {file}:",
        "fact": "  - {fact}",
        "exported": "{symbol}: {n} rows written to {path}",
        # errors (what is allowed)
        "no_store": "a stored symbol (no store at {path} yet)",
        "source_allowed": "one of {sources}",
        "since_allowed": "a date on or before until ({until})",
        "all_allowed": "ALL only on upbit and bithumb",
        "embedded_name": "a name that is not an embedded series (e.g. my:{symbol})",
        "currency_file": "the file's currency column ({currency})",
        "currency_needed": "a currency code (KRW, USD, ...) or a currency column in the file",
    },
    "ko": {
        "embedded_title": "내장 데이터 (src/gaemi/data/samples, PROVENANCE.md)",
        "store_title": "gaemi 저장소: {path}",
        "col_name": "이름", "col_kind": "종류", "col_currency": "통화", "col_calendar": "거래일 달력",
        "col_rows": "행 수", "col_first": "시작일", "col_last": "마지막 날", "col_note": "비고",
        "col_symbol": "종목", "col_source": "출처",
        "col_date": "날짜", "col_open": "시가", "col_high": "고가", "col_low": "저가",
        "col_close": "종가", "col_volume": "거래량", "col_turnover": "거래대금", "col_value": "거래대금",
        "col_close_fx": "환율", "col_close_rate": "금리 (연 %)", "col_value_fx": "환율",
        "col_value_rate": "금리 (연 %)",
        "kind_price": "가격", "kind_fx": "환율", "kind_rate": "금리",
        "freq_daily": "일별", "freq_monthly": "월별",
        "estimated_from": "{date}부터 추정치",
        "empty_store": "저장소가 비어 있습니다 ({path}): `gaemi data fetch upbit BTC/KRW --since "
                       "2024-01-01` 또는 `gaemi data import FILE.csv`로 데이터를 넣어 보세요.",
        "embedded_line": "  {desc}  ({kind}, {currency}, {calendar}, {freq}; 원본 {file})",
        "estimates": "  {date}부터의 값은 추정치입니다 (docs/data.md)",
        "rows_span": "  {n}행, {span}",
        "stored_line": "  {name}  ({kind}, {currency}, {calendar}, 출처 {source})",
        "imported_from": "{file}에서 가져옴",
        "written": "{symbol}: {n}행 저장",
        "span": " ({first} .. {last})",
        "refused_n": ", {n}행 거부",
        "warnings_n": ", 경고 {n}건",
        "refused": "  거부: {issue}",
        "warning": "  경고: {issue}",
        "more": "  ... 외 {n}건 (--json에 전부 있음)",
        "note": "참고: {note}",
        "read_file": "{file} 파일에서 인식한 것:",
        "fact": "  - {fact}",
        "exported": "{symbol}: {n}행을 {path}에 저장",
        "no_store": "저장된 종목 (아직 {path}에 저장소가 없음)",
        "source_allowed": "{sources} 중 하나",
        "since_allowed": "끝 날짜({until})와 같거나 앞선 날짜",
        "all_allowed": "ALL은 upbit와 bithumb에서만",
        "embedded_name": "내장 데이터가 아닌 이름 (예: my:{symbol})",
        "currency_file": "파일의 통화 열과 같은 통화 ({currency})",
        "currency_needed": "통화 코드 (KRW, USD, ...) 또는 파일의 통화 열",
    },
}

DESCRIPTIONS_KO: dict[str, str] = {
    "sp500": "S&P 500 가격지수 (야후 ^GSPC), 배당 제외",
    "sp500tr": "S&P 500 총수익: SPY 수정종가에 SPY 보수(연 0.0945%)를 되더함",
    "ndx": "나스닥 100 가격지수 (야후 ^NDX), 배당 제외",
    "ndxtr": "나스닥 100 총수익: QQQ 수정종가에 QQQ 보수(연 0.20%)를 되더함",
    "tsla": "테슬라 (야후 TSLA) 종가, 액면분할 수정; 배당 없음",
    "nvda": "엔비디아 (야후 NVDA) 종가, 액면분할·배당 수정",
    "kospi": "코스피 종합 가격지수 (KRX), 배당 제외; 거래대금(원) 포함",
    "kosdaq": "코스닥 종합 가격지수 (KRX); 거래대금(원) 포함",
    "kospi200": "코스피 200 가격지수 (KRX), 국내 레버리지 ETF의 기초지수",
    "kospi200tr": "코스피 200 총수익 (추정): 가격지수에 KRX 직전 1년 배당수익률을 매년 12월 "
                  "배당락일에 더함",
    "samsung": "삼성전자 (KRX 005930) 종가, 액면분할 수정, 배당 제외",
    "skhynix": "SK하이닉스 (KRX 000660) 종가, 자본 변동 수정, 배당 제외",
    "btc": "비트코인 달러 가격 (야후 BTC-USD), UTC 기준 하루 종가",
    "eth": "이더리움 달러 가격 (야후 ETH-USD), UTC 기준 하루 종가",
    "xrp": "리플 달러 가격 (야후 XRP-USD), UTC 기준 하루 종가",
    "doge": "도지코인 달러 가격 (야후 DOGE-USD), UTC 기준 하루 종가",
    "sol": "솔라나 달러 가격 (야후 SOL-USD), UTC 기준 하루 종가",
    "luna": "테라 루나(클래식) 달러 가격 (코인게코, UTC 0시 값)",
    "ftt": "FTX 토큰 달러 가격 (코인게코, UTC 0시 값)",
    "usdt": "테더 스테이블코인 달러 가격 (야후 USDT-USD), UTC 기준 하루 종가",
    "ust": "테라USD 스테이블코인 달러 가격 (야후 USTC-USD), UTC 기준 하루 종가; 2022년 5월 디페깅",
    "upbit_btc": "업비트 원화 비트코인 (일봉); 거래대금(원) 포함",
    "upbit_xrp": "업비트 원화 리플 (일봉); 거래대금(원) 포함",
    "ibit": "IBIT 비트코인 현물 ETF 수정종가",
    "etha": "ETHA 이더리움 현물 ETF 수정종가",
    "us_effr": "미국 실효 연방기금금리 (FRED DFF), 연 %",
    "us_tbill3m": "미국 3개월 국채 금리, 할인율 기준 (FRED DTB3), 연 %",
    "kr_cd91": "CD 91일물 금리 (한국은행 ECOS), 연 %; 2023-05-22부터는 기준금리 + 0.15%p로 추정",
    "kr_base": "한국은행 기준금리 (월말), 연 %",
    "seoul_apt": "서울 아파트 매매가격지수 (한국부동산원 R-ONE), 월말",
    "usdkrw": "원/달러 환율, 뉴욕 정오 매입률 (FRED DEXKOUS)",
}
"""The embedded series' one-line descriptions in Korean (gaemi.data.catalog holds the English)."""

HELP_KO_DATA: dict[str, str] = {
    "The local market-data store (DuckDB): list, show, fetch, import, export.":
        "내 컴퓨터의 시세 저장소(DuckDB): 목록(list), 보기(show), 내려받기(fetch), 가져오기(import), "
        "내보내기(export).",
    "The embedded series (with their spans and where estimated values begin), then every stored symbol "
    "with its kind, currency, source and date span.":
        "내장 데이터(기간, 추정치가 시작되는 날)와 저장된 모든 종목(종류, 통화, 출처, 기간).",
    "One symbol: what it is, its span, its latest rows and its recent fetches.":
        "종목 하나: 무엇인지, 기간, 최근 행과 최근 내려받기 기록.",
    "A stored symbol, e.g. upbit:BTC/KRW.": "저장된 종목 (예: upbit:BTC/KRW).",
    "How many of the latest rows to print.": "보여 줄 최근 행 수.",
    "Print JSON (every row).": "JSON으로 출력합니다 (모든 행).",
    "Download daily data and upsert it: every symbol is fetched first, then everything is written in one "
    "transaction (an interrupted fetch leaves the store as it was).":
        "하루 단위 시세를 내려받아 저장합니다: 모든 종목을 먼저 받은 뒤 한 번에 씁니다 (중간에 끊기면 "
        "저장소는 그대로입니다).",
    "upbit, bithumb, binance, krx or yahoo.": "upbit, bithumb, binance, krx 또는 yahoo.",
    "e.g. BTC/KRW (or ALL on upbit/bithumb), BTC/USDT, KOSPI, 122630, TSLA, USDKRW.":
        "예: BTC/KRW (upbit·bithumb에서는 ALL = 모든 원화 종목), BTC/USDT, KOSPI, 122630, TSLA, USDKRW.",
    "First day wanted (YYYY-MM-DD).": "받을 첫날 (YYYY-MM-DD).",
    "Last day wanted (default: yesterday).": "받을 마지막 날 (기본값: 어제).",
    "Use this API host instead (a mirror or a local replay server).":
        "이 API 주소를 대신 씁니다 (미러나 로컬 재생 서버).",
    "Write nothing if any row is refused.": "거부된 행이 하나라도 있으면 아무것도 쓰지 않습니다.",
    "Import a CSV of daily data; invalid rows are refused with their reason, valid ones kept. Says what "
    "it recognised (encoding, columns, separators, order).":
        "하루 단위 시세 CSV를 가져옵니다: 잘못된 행은 이유와 함께 거부하고 올바른 행은 저장합니다. "
        "무엇을 인식했는지(인코딩, 열, 천 단위 쉼표, 순서) 알려 줍니다.",
    "CSV with date, close [, open, high, low, volume, turnover, currency] (or date, value for fx/rate); "
    "also KRX, Naver and broker exports (cp949, Korean headers, 57,793, newest first).":
        "날짜와 종가 열이 있는 CSV: gaemi 형식, 또는 KRX·네이버 금융·증권사에서 받은 파일 (cp949, 한글 "
        "머리글 일자·종가·시가·고가·저가·거래량·거래대금, 57,793 같은 쉼표, 최신 날짜가 위). 열 이름은 "
        "docs/data.md 참고.",
    "Name to store it under, e.g. my:samsung.": "저장할 이름 (예: my:samsung).",
    "KRW, USD, ... (or a currency column).": "KRW, USD, ... (또는 파일의 통화 열).",
    "XKRX, XNYS or 24/7: the venue's sessions.": "XKRX, XNYS 또는 24/7: 거래소의 거래일.",
    "price, fx or rate (percent per year).": "price(가격), fx(환율) 또는 rate(금리, 연 %).",
    "Write a stored symbol as CSV (the import format, with a currency column).":
        "저장된 종목을 CSV로 씁니다 (가져오기 형식, 통화 열 포함).",
    "A stored symbol.": "저장된 종목.",
    "Write here (default: stdout).": "이 파일에 씁니다 (기본값: 표준 출력).",
    "Print the rows as JSON records (with -o: what was written) instead of CSV.":
        "행을 CSV 대신 JSON 레코드로 출력합니다 (-o와 함께면 쓴 내용 요약).",
    "Every embedded and stored series with its kind, currency, calendar and first and last date (the "
    "same as gaemi data list).":
        "내장 데이터와 저장된 모든 시세: 종류, 통화, 거래일 달력, 첫날과 마지막 날 (gaemi data list와 같음).",
}
"""Korean help for the ``gaemi data`` commands and ``gaemi assets``, keyed like
``gaemi.cli.help_ko.HELP_KO`` (the whitespace-normalised English text), for it to take in."""

# the store's reasons for refusing or flagging a row (gaemi.data.store), in Korean
_REASONS_KO: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(a), b) for a, b in (
    (r"not a date \(YYYY-MM-DD, (.+)\)", r"날짜가 아님 (2024-01-31 꼴, \1 사이)"),
    (r"a day, not a time of day", "시각이 아닌 날짜여야 함"),
    (r"a close is required: a finite number > 0", "종가는 꼭 있어야 함: 0보다 큰 유한한 숫자"),
    (r"not a finite number", "유한한 숫자가 아님"),
    (r"a price must be > 0", "가격은 0보다 커야 함"),
    (r"a price must be < (\S+)", r"가격은 \1보다 작아야 함"),
    (r"must be >= 0", "0 이상이어야 함"),
    (r"must be < (\S+)", r"\1보다 작아야 함"),
    (r"high below low \((.+)\)", r"고가가 저가(\1)보다 낮음"),
    (r"duplicate date \((\d+) rows\): every copy is refused",
     r"같은 날짜가 \1행: 어느 것이 맞는지 몰라 모두 거부"),
    (r"out of order: comes after (\S+)", r"순서가 어긋남: \1보다 앞선 날짜"),
    (r"not a (\S+) session \(kept\)", r"\1 거래일이 아님 (저장함)"),
    (r"gap: (\d+) (\S+) session\(s\) missing between (\S+) and (\S+) \((.+)\)",
     r"빈 구간: \3 ~ \4 사이에 \2 거래일 \1일이 없음 (\5)"),
    (r"suspicious jump: (\S+) from the previous close (\S+) on (\S+) \(kept; check splits and units\)",
     r"의심스러운 급변: \3 종가 \2에서 \1 (저장함; 액면분할과 단위를 확인하세요)"),
    (r"a value is required: a finite number", "값은 꼭 있어야 함: 유한한 숫자"),
    (r"a value must be below (\S+) in size", r"값의 크기는 \1보다 작아야 함"),
    (r"an exchange rate must be > 0", "환율은 0보다 커야 함"),
))


# what other modules allow (gaemi.data.store, connectors), in Korean
_ALLOWED_KO: tuple[tuple[re.Pattern, Any], ...] = tuple((re.compile(a), b) for a, b in (
    (r"a date like 2024-01-31", "2024-01-31 같은 날짜"),
    (r"a stored symbol: (.+)", r"저장된 종목: \1"),
    (r"a stored symbol \(the store (.+) is empty\)", r"저장된 종목 (저장소가 비어 있음: \1)"),
    (r"1-64 characters: letters, digits and (.+), starting with a letter or digit",
     r"1~64자: 영문자, 숫자와 \1, 첫 글자는 영문자나 숫자"),
    (r"one of (.+)", r"\1 중 하나"),
    (r"the stored (\S+) in (\S+) \(export and delete first\)",
     lambda m: f"저장된 {_kind(m.group(1))} ({m.group(2)}) (바꾸려면 먼저 내보내고 지우세요)"),
))


def _korean_errors(fn):
    """Run ``fn``; under Korean a ConfigError raised by another module (the store, a
    connector) gets its ``allowed`` in Korean where it is known (field and value unchanged)."""
    try:
        return fn()
    except ConfigError as e:
        if _lang() != "ko":
            raise
        allowed = str(e.allowed)
        for pat, ko in _ALLOWED_KO:
            m = pat.fullmatch(allowed)
            if m:
                allowed = ko(m) if callable(ko) else m.expand(ko)
                break
        else:
            allowed = reason_ko(allowed)
        field = re.sub(r"^(.*) line (\d+) (\S+)$",
                       lambda m: f"{m.group(1)} {m.group(2)}행 {_ko_column(m.group(3))}", str(e.field))
        if (field, allowed) == (e.field, e.allowed):
            raise
        raise ConfigError(field, e.value, allowed) from None


def _ko_column(name: str) -> str:
    from gaemi.data.csv_import import KO_NAMES

    return KO_NAMES.get(name, name)


def _lang() -> str:
    from gaemi.cli.lang import current_lang

    return current_lang()


def _w(key: str, **kw: Any) -> str:
    """The word or sentence ``key`` in the current language."""
    return WORDS["ko" if _lang() == "ko" else "en"][key].format(**kw)


def _n(n: int) -> str:
    return f"{n:,}" if _lang() == "ko" else str(n)


def reason_ko(reason: str) -> str:
    """A store reason (``a price must be > 0``) in Korean; unknown reasons are kept as they are."""
    for pat, ko in _REASONS_KO:
        m = pat.fullmatch(reason)
        if m:
            return m.expand(ko)
    return reason


def issue_text(issue) -> str:
    """One refused row or warning (:class:`gaemi.data.store.Issue`) for people."""
    if _lang() != "ko":
        return str(issue)
    from gaemi.data.csv_import import KO_NAMES

    if issue.row is None:
        where = "전체"
    elif issue.where == "row":
        where = f"{issue.row}번째 행"
    else:  # "FILE line"
        where = f"{issue.where.removesuffix(' line')} {issue.row}행"
    when = f" ({issue.date})" if issue.date else ""
    return f"{where}{when}: {KO_NAMES.get(issue.field, issue.field)}={issue.value!r}: " \
           f"{reason_ko(issue.reason)}"


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


def _money(v: Any, currency: str) -> Text:
    """A money amount in a table: ``fmt_money_short`` for KRW and USD (11.1억, 1,117M KRW,
    $1,234k); other currencies as plain numbers."""
    from gaemi.reports.i18n import fmt_money_short

    if v is None or (isinstance(v, float) and pd.isna(v)):
        return Text("—")
    cur = "USD" if currency == "USDT" else currency
    if cur in ("KRW", "USD"):
        return Text(fmt_money_short(float(v), cur, _lang()))
    return _cell(v)


def _kind(kind: str) -> str:
    return _w(f"kind_{kind}") if kind in ("price", "fx", "rate") else kind


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
        raise ConfigError("symbol", symbol, _w("no_store", path=p))
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


def _table(title: str | Text | None, cols: list[tuple[str, str]]) -> Table:
    """A table with the columns ``(word key, justify)`` in the current language."""
    t = Table(title=title)
    for key, justify in cols:
        t.add_column(_w(f"col_{key}"), justify=justify)  # type: ignore[arg-type]
    return t


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

    rows: list[dict] = cli.guarded(lambda: _korean_errors(load))
    embedded = _embedded_rows()
    if json_out:
        cli.emit_json({"embedded": embedded, "store": str(resolve_path(store)), "instruments": rows})
        return
    et = _table(_w("embedded_title"), [("name", "left"), ("kind", "left"), ("currency", "left"),
                                       ("calendar", "left"), ("rows", "right"), ("first", "left"),
                                       ("last", "left"), ("note", "left")])
    for r in embedded:
        notes = []
        if r["estimated_from"]:
            notes.append(_w("estimated_from", date=r["estimated_from"]))
        if r["frequency"] != "daily":
            notes.append(_w(f"freq_{r['frequency']}") if r["frequency"] in ("daily", "monthly")
                         else r["frequency"])
        et.add_row(*[Text(str(x)) for x in (r["name"], _kind(r["kind"]), r["currency"], r["calendar"],
                                             _n(r["rows"]), r["first"], r["last"], "; ".join(notes))])
    cli.out.print(et)
    if not rows:
        _say(_w("empty_store", path=resolve_path(store)))
        return
    t = _table(Text(_w("store_title", path=resolve_path(store))),
               [("symbol", "left"), ("kind", "left"), ("currency", "left"), ("calendar", "left"),
                ("source", "left"), ("rows", "right"), ("first", "left"), ("last", "left")])
    for r in rows:
        t.add_row(*[_cell(r["symbol"]), Text(_kind(r["kind"])),
                    *[_cell(r[c]) for c in ("currency", "calendar", "source")],
                    Text(_n(r["rows"]) if isinstance(r["rows"], int) else _fmt(r["rows"])),
                    _cell(r["first"]), _cell(r["last"])])
    cli.out.print(t)


def _note(note: str) -> str:
    """A stored instrument's note in the current language (the one import writes is known)."""
    m = re.fullmatch(r"imported from (.+)", note or "")
    return _w("imported_from", file=m.group(1)) if m else note


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

    ko = _lang() == "ko"
    if symbol in catalog():  # an embedded series: what it is, where estimates begin, its latest rows
        info = catalog()[symbol]
        df = load_series(symbol).reset_index()
        if json_out:
            cli.emit_json({"embedded": asdict(info), "rows": len(df), "first": str(df["date"].iloc[0].date()),
                           "last": str(df["date"].iloc[-1].date()), "data": _records(df)})
            return
        desc = DESCRIPTIONS_KO.get(info.name, info.description) if ko else info.description
        freq = _w(f"freq_{info.frequency}") if info.frequency in ("daily", "monthly") else info.frequency
        _say((info.name, "bold"), _w("embedded_line", desc=desc, kind=_kind(info.kind),
                                     currency=info.currency, calendar=info.calendar, freq=freq,
                                     file=info.source or info.file))
        if info.estimated_from:
            _say(_w("estimates", date=info.estimated_from))
        _say(_w("rows_span", n=_n(len(df)), span=f"{df['date'].iloc[0].date()} .. "
                                                 f"{df['date'].iloc[-1].date()}"))
        cli.out.print(_tail_table(df, tail, info.kind, info.currency))
        return

    def load():
        with _existing_store(store, symbol) as st:
            inst = st.require(symbol)
            df = st.bars(symbol)
            log = st.fetch_log(500)
        return inst, df, log[log["symbol"] == symbol].head(5)

    inst, df, log = cli.guarded(lambda: _korean_errors(load))
    rows = df.reset_index()
    if json_out:
        cli.emit_json({"instrument": asdict(inst), "rows": len(rows),
                       "first": str(rows["date"].iloc[0].date()) if len(rows) else None,
                       "last": str(rows["date"].iloc[-1].date()) if len(rows) else None,
                       "data": _records(rows), "fetch_log": _records(log)})
        return
    name = _note(inst.name) if ko else inst.name
    _say((inst.symbol, "bold"), _w("stored_line", name=name, kind=_kind(inst.kind),
                                   currency=inst.currency, calendar=inst.calendar, source=inst.source))
    if inst.note:
        _say(f"  {_note(inst.note)}")
    span = f"{rows['date'].iloc[0].date()} .. {rows['date'].iloc[-1].date()}" if len(rows) else "—"
    _say(_w("rows_span", n=_n(len(rows)), span=span))
    cli.out.print(_tail_table(rows, tail, inst.kind, inst.currency))


def _column_word(col: str, kind: str) -> str:
    """A data column's header: ``close`` is 종가 for a price, 환율 for FX, 금리 for a rate."""
    key = f"col_{col}"
    if col in ("close", "value") and kind in ("fx", "rate"):
        key = f"col_{col}_{kind}"
    words = WORDS["ko" if _lang() == "ko" else "en"]
    return words[key] if key in words else col


def _tail_table(rows, tail: int, kind: str = "price", currency: str = "") -> Table:
    """The last ``tail`` rows of a date-indexed frame (reset) as a table; turnover (and an
    embedded price series' ``value``, its turnover) as money."""
    t = Table()
    money = {c for c in rows.columns if c == "turnover" or (c == "value" and kind == "price")}
    for c in rows.columns:
        t.add_column(_column_word(c, kind), justify="left" if c == "date" else "right")
    for r in rows.tail(max(tail, 0)).itertuples(index=False):
        t.add_row(*[_money(v, currency) if c in money else _cell(v) for c, v in zip(rows.columns, r)])
    return t


def _report_lines(reports, notes=()) -> None:
    for rep in reports:
        _say(_w("written", symbol=rep.symbol, n=_n(rep.written))
             + (_w("span", first=rep.first_date, last=rep.last_date) if rep.written else "")
             + (_w("refused_n", n=_n(len(rep.refused))) if rep.refused else "")
             + (_w("warnings_n", n=_n(len(rep.warnings))) if rep.warnings else ""))
        for i in rep.refused[:20]:
            _say(_w("refused", issue=issue_text(i)))
        for i in rep.warnings[:20]:
            _say(_w("warning", issue=issue_text(i)))
        more = max(len(rep.refused) - 20, 0) + max(len(rep.warnings) - 20, 0)
        if more:
            _say(_w("more", n=_n(more)))
    for n in notes:
        _say(_w("note", note=n))


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
            raise ConfigError("source", source, _w("source_allowed", sources=", ".join(SOURCES)))
        s, u = as_date(since, "since"), as_date(until, "until")
        if s and u and s > u:
            raise ConfigError("since", str(s), _w("since_allowed", until=u))
        kw = {"base_url": base_url} if base_url else {}
        conn = get_connector(source, **kw)
        syms = list(symbols)
        if [x.upper() for x in syms] == ["ALL"]:
            if not hasattr(conn, "markets"):
                raise ConfigError("symbols", "ALL", _w("all_allowed"))
            syms = conn.markets("KRW")
        items = conn.fetch(syms, since=s, until=u)
        with Store(store) as st:
            reports = _write(st, items, source=source, strict=strict)
        return reports, list(getattr(conn, "notes", []))

    reports, notes = cli.guarded(lambda: _korean_errors(run))
    if json_out:
        cli.emit_json({"source": source, "results": [r.to_dict() for r in reports],
                       "notes": notes})
        return
    _report_lines(reports, notes)


def _write(st, items, **kw):
    """``Store.write``; under Korean a ``--strict`` refusal names the row in Korean too."""
    return _korean_errors(lambda: st.write(items, **kw))


@data_app.command("import")
def import_cmd(
    file: str = typer.Argument(..., help="CSV with date, close [, open, high, low, volume, "
                               "turnover, currency] (or date, value for fx/rate); also KRX, Naver "
                               "and broker exports (cp949, Korean headers, 57,793, newest first)."),
    symbol: str = typer.Option(..., "--symbol", help="Name to store it under, e.g. my:samsung."),
    currency: str | None = typer.Option(None, help="KRW, USD, ... (or a currency column)."),
    calendar: str = typer.Option("XKRX", help="XKRX, XNYS or 24/7: the venue's sessions."),
    kind: str = typer.Option("price", help="price, fx or rate (percent per year)."),
    strict: bool = typer.Option(False, help="Write nothing if any row is refused."),
    store: str | None = typer.Option(None, "--store", help=STORE_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Import a CSV of daily data; invalid rows are refused with their reason, valid ones kept.
    Says what it recognised (encoding, columns, separators, order)."""
    from pathlib import Path

    from gaemi.data.catalog import catalog
    from gaemi.data.csv_import import read_path
    from gaemi.data.store import Instrument, Store, check_symbol

    cli = _cli()
    lang = _lang()

    def run():
        check_symbol(symbol, "--symbol")
        if symbol in catalog():
            raise ConfigError("--symbol", symbol, _w("embedded_name", symbol=symbol))
        got = read_path(file, lang=lang)
        df, col_cur = got.frame, got.currency
        cur = (currency or col_cur or "").upper()
        if currency and col_cur and currency.upper() != col_cur:
            raise ConfigError("--currency", currency, _w("currency_file", currency=col_cur))
        if not cur:
            raise ConfigError("--currency", None, _w("currency_needed"))
        name = Path(file).name
        inst = Instrument(symbol, kind, cur, calendar, "csv", name=name, venue="csv",
                          note=f"imported from {name}")
        frame = df.drop(columns=[c for c in ("currency",) if c in df.columns])
        if kind != "price" and "value" not in frame.columns:
            frame = frame.rename(columns={"close": "value"})
        lines = frame.index.to_numpy()
        frame = frame.reset_index(drop=True)
        with Store(store) as st:
            reports = _write(st, [(inst, frame)], source="csv", strict=strict,
                             where=f"{name} line", rows=[lines])
        return reports, got.facts

    reports, facts = cli.guarded(lambda: _korean_errors(run))
    if json_out:
        cli.emit_json({"results": [r.to_dict() for r in reports],
                       "recognised": [f.to_dict(lang) for f in facts]})
        return
    _report_lines(reports)
    _say(_w("read_file", file=Path(file).name))
    for f in facts:
        _say(_w("fact", fact=f.text(lang)))


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
    inst, df = cli.guarded(lambda: _korean_errors(load))
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
        else:
            _say(_w("exported", symbol=symbol, n=_n(len(df)), path=out))
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
