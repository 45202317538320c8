"""`gaemi data import` of what KRX, Naver and brokers export (cp949, Korean headers, "57,793",
newest first), into a real DuckDB store through the CLI, and the `gaemi data ...` commands in
Korean. Fixtures: tests/data/fixtures/ (PROVENANCE.md there)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.data.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "fixtures"
KOREAN = ["krx_kospi_202101", "krx_kodex200_202101", "krx_kospi_1980_dashes", "naver_samsung_202401",
          "broker_skhynix_202603"]

runner = CliRunner()


def run(*args, lang: str = "en"):
    return runner.invoke(app, [*(str(a) for a in args), "--lang", lang])


#: what a user typed or a file holds (symbols, file names, header names), and encoding names
TYPED = ("my:kospi", "my:kodex", "my:cp949", "my:k80", "my:w", "my:k", "my:a", "my:t", "my:s",
         "upbit:BTC/KRW", *(f"{n}.csv" for n in KOREAN), "w.csv", "n.csv", "bad.csv", "out.csv")
ENCODINGS = {"cp949", "UTF-8", "EUC-KR"}


def english_words(text: str, typed: tuple[str, ...] = ()) -> list[str]:
    """The project's Korean-output check (tests/cli/test_korean_output.py) after removing what the
    user typed (symbols, file names: echoed as given) and with encoding names allowed."""
    import re

    from tests.cli.test_korean_output import english_words as words

    for t in sorted((*TYPED, *typed), key=len, reverse=True):
        text = re.sub(rf"(?<![\w.:/-]){re.escape(t)}", " ", text)
    return words(text, extra=ENCODINGS)


def imp(path, symbol, db, *extra, lang="en"):
    return run("data", "import", path, "--symbol", symbol, "--currency", "KRW", "--store", db, *extra,
               lang=lang)


def bars(db, symbol) -> pd.DataFrame:
    with Store(db, read_only=True) as st:
        return st.bars(symbol)


# ----------------------------------------------------------------------------- fixtures
@pytest.mark.parametrize("name", KOREAN)
def test_korean_export_imports_to_the_same_values_as_its_utf8_twin(name, tmp_path):
    """The cp949 export, the same text re-encoded as UTF-8 (with and without a BOM), and the
    plain gaemi-format twin (made from the same source values by string operations) land as the
    same rows in the store."""
    db = tmp_path / "s.duckdb"
    src = FIXTURES / f"{name}.csv"
    raw = src.read_bytes()
    assert raw.decode("cp949") and not _is_utf8(raw)  # really cp949
    text = raw.decode("cp949")
    u8, bom = tmp_path / f"{name}.u8.csv", tmp_path / f"{name}.bom.csv"
    u8.write_bytes(text.encode("utf-8"))
    bom.write_bytes(text.encode("utf-8-sig"))
    got = {}
    for sym, path, enc in [("my:cp949", src, "cp949"), ("my:utf8", u8, "utf-8"), ("my:bom", bom, "utf-8-sig"),
                           ("my:plain", FIXTURES / f"{name}.utf8.csv", "utf-8")]:
        r = imp(path, sym, db, "--json")
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        facts = {f["code"]: f for f in out["recognised"]}
        assert facts["encoding"]["encoding"] == enc
        if sym != "my:plain":
            assert {"order", "thousands", "columns", "dates"} <= set(facts), facts
            assert out["results"][0]["refused"] == []
        got[sym] = bars(db, sym)
    for sym in ("my:utf8", "my:bom", "my:plain"):
        pd.testing.assert_frame_equal(got[sym], got["my:cp949"], obj=sym)
    assert got["my:cp949"].index.is_monotonic_increasing and len(got["my:cp949"]) > 1


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_krx_values_match_the_recorded_krx_response(tmp_path):
    """Independent values: the recorded KRX JSON bodies (tests/connectors/payloads) as sent."""
    db = tmp_path / "s.duckdb"
    assert imp(FIXTURES / "krx_kospi_202101.csv", "my:kospi", db).exit_code == 0
    assert imp(FIXTURES / "krx_kodex200_202101.csv", "my:kodex", db).exit_code == 0
    r = imp(FIXTURES / "krx_kospi_1980_dashes.csv", "my:k80", db, "--json")
    assert r.exit_code == 0
    k = bars(db, "my:kospi").loc["2021-01-29"]
    assert (k["open"], k["high"], k["low"], k["close"]) == (3078.73, 3100.22, 2962.70, 2976.21)
    assert (k["volume"], k["turnover"]) == (995_071_252, 24_350_307_102_379)
    e = bars(db, "my:kodex").loc["2021-01-08"]
    assert (e["open"], e["high"], e["low"], e["close"]) == (42245, 43785, 42115, 43545)  # not 430.22
    assert (e["volume"], e["turnover"]) == (11_521_190, 494_420_112_265)
    old = bars(db, "my:k80")
    assert old.index[0] == pd.Timestamp("1980-01-04") and old.loc["1981-12-24", "close"] == 131.30
    assert np.isnan(old["open"]).all() and old.loc["1981-12-24", "turnover"] == 6_118_200_000
    # KRX traded on Saturdays until 1998: kept, with a warning naming the file's line
    warns = [w["message"] for w in json.loads(r.stdout)["results"][0]["warnings"]]
    assert any("krx_kospi_1980_dashes.csv line 10 (1980-01-05)" in w and "session" in w for w in warns)


def test_a_refused_row_of_a_newest_first_file_is_named_by_its_line(tmp_path):
    text = (FIXTURES / "naver_samsung_202401.csv").read_bytes().decode("cp949").split("\r\n")
    assert text[4].startswith("2024.01.17,")
    text[4] = "2024.01.17,0,700"  # line 5 of the file
    f = tmp_path / "n.csv"
    f.write_bytes("\r\n".join(text).encode("cp949"))
    db = tmp_path / "s.duckdb"
    r = imp(f, "my:s", db)
    assert r.exit_code == 0, r.output
    assert "14 rows written" in r.stdout and "refused n.csv line 5 (2024-01-17): close=0.0" in r.stdout
    r = imp(f, "my:t", db, "--strict", lang="ko")
    assert r.exit_code == 2 and "n.csv 5행 종가" in r.stderr and "가격은 0보다 커야 함" in r.stderr
    with Store(db, read_only=True) as st:
        assert "my:t" not in st.symbols()


# ----------------------------------------------------------------------------- what it says
def test_import_says_what_it_recognised_in_english_and_korean(tmp_path):
    db = tmp_path / "s.duckdb"
    r = imp(FIXTURES / "krx_kospi_202101.csv", "my:k", db)
    assert r.exit_code == 0, r.output
    out = r.stdout
    for line in ("my:k: 20 rows written (2021-01-04 .. 2021-01-29)", "Recognised in krx_kospi_202101.csv:",
                 "  - encoding: cp949 (EUC-KR)", "  - columns: 일자 (date), 종가 (close), 시가 (open)",
                 "  - ignored (gaemi computes changes from the closes): 대비, 등락률",
                 "  - ignored (not used by gaemi): 상장시가총액", "  - dates written like 2021/01/29",
                 "  - thousands separators removed from 120 cells",
                 "  - newest first in the file (2021/01/29 .. 2021/01/04)"):
        assert line in out, out
    r = imp(FIXTURES / "krx_kospi_202101.csv", "my:k", db, lang="ko")
    assert r.exit_code == 0, r.output
    for line in ("my:k: 20행 저장 (2021-01-04 .. 2021-01-29)", "krx_kospi_202101.csv 파일에서 인식한 것:",
                 "  - 인코딩: cp949", "  - 인식한 열: 일자 (날짜), 종가, 시가, 고가, 저가, 거래량, 거래대금",
                 "  - 무시한 열 (등락은 종가로 다시 계산): 대비, 등락률", "  - 쓰지 않는 열: 상장시가총액",
                 "  - 날짜 형식: 2021/01/29", "  - 천 단위 쉼표 제거:", "  - 최신 날짜가 위에 있는 파일"):
        assert line in r.stdout, r.stdout
    assert english_words(r.stdout) == [], r.stdout


def test_refusals_and_warnings_in_korean(tmp_path):
    db = tmp_path / "s.duckdb"
    f = tmp_path / "w.csv"
    f.write_text("일자,종가,고가,저가\n2024/01/09,-5,,\n2024/01/08,200,1,2\n2024/01/06,100,,\n"
                 "2024/01/05,100,,\n2024/01/05,101,,\n2024/01/02,100,,\n", encoding="utf-8")
    r = imp(f, "my:w", db, lang="ko")
    assert r.exit_code == 0, r.output
    out = r.stdout
    for needle in ("my:w: 2행 저장", "4행 거부", "거부: w.csv 2행 (2024-01-09): 종가=-5.0: 가격은 0보다 커야 함",
                   "고가가 저가(2)보다 낮음", "같은 날짜가 2행", "경고: w.csv 4행 (2024-01-06): 날짜=", "XKRX 거래일이 아님",
                   "빈 구간: 2024-01-02 ~ 2024-01-06 사이에 XKRX 거래일"):
        assert needle in out, out
    assert english_words(out) == [], out


# ----------------------------------------------------------------------------- bad input
BAD = [  # (file bytes, field, value, a piece of what is allowed)
    ("일자,종가\n2024/01/03,\"57,793\"\n2024/01/02,\"5,77,93\"\n".encode("cp949"), "bad.csv line 3 종가",
     "5,77,93", "thousands separators grouped by three"),
    ("일자,종가\n2024/01/03,57,793\n".encode("cp949"), "bad.csv line 2", 3, "must be quoted"),
    ("일자,date,종가\n2024/01/03,2024-01-03,1\n".encode("cp949"), "bad.csv line 1 columns",
     ["일자", "date", "종가"], "repeated: date (일자, date)"),
    ("날짜,시가\n2024/01/03,1\n".encode("cp949"), "bad.csv columns", ["날짜", "시가"], "missing close"),
    ("날짜,종가\n2024/13/03,1\n".encode("cp949"), "bad.csv line 2 날짜", "2024/13/03", "2024/01/31"),
    ("날짜,종가\n2024,1\n".encode("cp949"), "bad.csv line 2 날짜", "2024", "a date like 2024-01-31"),
    (b"date,close\n2024-01-02,\xff\xfe\xfa\n", "file", None, "UTF-8 or cp949/EUC-KR"),
    ("일자,종가,통화\n2024/01/03,1,KRW\n2024/01/02,1,USD\n".encode("cp949"), "bad.csv line 3 통화", "USD",
     "one currency per file"),
]


@pytest.mark.parametrize("data,field,value,allowed", BAD)
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_bad_files_are_one_line_exit_2_and_the_store_keeps_its_rows(data, field, value, allowed, lang,
                                                                     tmp_path):
    db = tmp_path / "s.duckdb"
    assert imp(FIXTURES / "naver_samsung_202401.csv", "my:a", db).exit_code == 0
    before = bars(db, "my:a")
    f = tmp_path / "bad.csv"
    f.write_bytes(data)
    r = imp(f, "my:a", db, lang=lang)
    assert r.exit_code == 2 and r.stdout == "" and "Traceback" not in r.output
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: " if lang == "en" else "오류: "), r.stderr
    if lang == "en":
        assert field.replace("file", str(f)) in lines[0] or field in lines[0]
        assert allowed in lines[0]
    else:  # (the file's own header names are echoed as written)
        assert english_words(lines[0], typed=("date",)) == [], lines[0]
    r = imp(f, "my:a", db, "--json", lang=lang)
    assert r.exit_code == 2
    err = json.loads(r.stdout)["error"]
    assert set(err) == {"field", "value", "allowed", "message"}
    if lang == "en":
        assert err["field"] == field and (value is None or err["value"] in (value, str(value)))
        assert allowed in err["allowed"]
    pd.testing.assert_frame_equal(bars(db, "my:a"), before)


def test_korean_errors_name_the_line_in_korean(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_bytes(BAD[0][0])
    r = imp(f, "my:a", tmp_path / "s.duckdb", "--json", lang="ko")
    err = json.loads(r.stdout)["error"]
    assert err["field"] == "bad.csv 3행 종가" and err["value"] == "5,77,93"
    assert "세 자리마다 쉼표" in err["allowed"]


# ----------------------------------------------------------------------------- other commands
def test_data_commands_in_korean(tmp_path):
    db = tmp_path / "s.duckdb"
    assert imp(FIXTURES / "krx_kodex200_202101.csv", "my:kodex", db).exit_code == 0
    outs = {}
    for args in (["data", "list", "--store", db], ["assets", "--store", db],
                 ["data", "show", "my:kodex", "--store", db], ["data", "show", "kospi"],
                 ["data", "show", "usdkrw", "--tail", "2"], ["data", "show", "kr_cd91", "--tail", "2"],
                 ["data", "export", "my:kodex", "--store", db, "-o", tmp_path / "out.csv"]):
        r = run(*args, lang="ko")
        assert r.exit_code == 0, (args, r.output)
        assert english_words(r.stdout) == [], r.stdout
        outs[" ".join(str(a) for a in args[:3])] = r.stdout
    lst = outs[f"data list --store"]
    for word in ("내장 데이터", "이름", "종류", "통화", "거래일 달력", "행 수", "시작일", "마지막 날", "비고",
                 "2023-05-22부터 추정치", "월별", "gaemi 저장소", "종목", "출처", "가격", "금리", "환율"):
        assert word in lst, word
    show = outs["data show my:kodex"]
    for word in ("(가격, KRW, XKRX, 출처 csv)", "krx_kodex200_202101.csv에서 가져옴", "5행, 2021-01-04 .. 2021-01-08",
                 "날짜", "시가", "고가", "저가", "종가", "거래량", "거래대금", "4,944.2억"):
        assert word in show, (word, show)
    assert "코스피 종합 가격지수" in outs["data show kospi"] and "억" in outs["data show kospi"]
    assert "환율" in outs["data show usdkrw"] and "금리 (연 %)" in outs["data show kr_cd91"]
    assert "my:kodex: 5행을" in outs[f"data export my:kodex"]
    # English is English (the test above would pass on empty output)
    r = run("data", "show", "my:kodex", "--store", db)
    assert "(price, KRW, XKRX, source csv)" in r.stdout and "turnover" in r.stdout and "494,420M KRW" in r.stdout


def test_fetch_report_and_errors_in_korean(tmp_path):
    from tests.connectors.replay import Replay, Reply, payload

    db = tmp_path / "s.duckdb"
    with Replay({"/v1/candles/days": [Reply(200, payload("upbit_candles_days.json"))]}) as srv:
        r = run("data", "fetch", "upbit", "BTC/KRW", "--since", "2025-07-28", "--until", "2025-07-29",
                "--base-url", srv.url, "--store", db, lang="ko")
    assert r.exit_code == 0, r.output
    assert "upbit:BTC/KRW: 2행 저장 (2025-07-28 .. 2025-07-29)" in r.stdout
    assert english_words(r.stdout) == [], r.stdout
    r = run("data", "fetch", "nasdaq", "X", "--store", db, lang="ko")
    assert r.exit_code == 2 and "upbit, bithumb, binance, krx, yahoo 중 하나" in r.stderr
    r = run("data", "fetch", "upbit", "BTC", "--since", "2024-02-01", "--until", "2024-01-01", "--store", db,
            lang="ko")
    assert r.exit_code == 2 and "끝 날짜(2024-01-01)와 같거나 앞선 날짜" in r.stderr


def test_every_store_reason_and_embedded_series_has_korean():
    """A new refusal reason in gaemi.data.store or a new embedded series without Korean fails here."""
    from gaemi.cli.data_cmd import DESCRIPTIONS_KO, reason_ko
    from gaemi.data.catalog import catalog
    from gaemi.data.store import validate_bars, validate_series

    assert sorted(set(catalog()) - set(DESCRIPTIONS_KO)) == []
    for desc in DESCRIPTIONS_KO.values():
        assert english_words(desc) == [], desc
    b = pd.DataFrame({"date": ["2024-01-02", "x", "2024-01-03 10:00", "2024-01-05", "2024-01-05", "2024-01-04",
                               "2024-01-06", "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-15", "2024-01-16",
                               "2024-01-17", "2024-01-18"],
                      "close": [1, 1, 1, 1, 1, 1, np.nan, 1, 2e12, 1, 1, 5, 1, 1],
                      "open": [1, 1, 1, 1, 1, 1, 1, -1, 1, 1, 1, 1, np.inf, 1],
                      "high": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
                      "low": [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1],
                      "volume": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, 1, 1, 1e19]})
    _, refused, warnings = validate_bars(b, "XKRX")
    _, refused2 = validate_series(pd.DataFrame({"date": ["2024-01-02", "2024-01-03", "2024-01-04"],
                                                "value": [np.nan, 2e12, -1]}), "fx")
    reasons = {i.reason for i in [*refused, *warnings, *refused2]}
    assert len(reasons) >= 15, reasons
    for reason in reasons:
        ko = reason_ko(reason)
        assert ko != reason and english_words(ko) == [], (reason, ko)


def test_every_data_help_text_has_korean():
    """HELP_KO_DATA (for gaemi.cli.help_ko to take in) covers every help text of `gaemi data` and
    `gaemi assets`, in Korean."""
    import typer.main

    from gaemi.cli.data_cmd import HELP_KO_DATA
    from gaemi.cli.help_ko import HELP_KO, english_help_texts

    cmd = typer.main.get_command(app)
    texts = english_help_texts(cmd.commands["data"]) + english_help_texts(cmd.commands["assets"])
    assert [t for t in texts if t not in HELP_KO_DATA and t not in HELP_KO] == []
    for ko in HELP_KO_DATA.values():
        assert english_words(ko, typed=("fx", "rate", "my:samsung")) == [], ko


def test_other_modules_errors_in_korean(tmp_path):
    """The store's and the connectors' refusals reached through `gaemi data` say what is allowed in
    Korean (field and value unchanged)."""
    db = tmp_path / "s.duckdb"
    f = FIXTURES / "naver_samsung_202401.csv"
    assert imp(f, "my:s", db).exit_code == 0
    for args, needle in [
        (["data", "show", "my:nope", "--store", db], "허용: 저장된 종목: my:s"),
        (["data", "export", "my:nope", "--store", db], "허용: 저장된 종목: my:s"),
        (["data", "fetch", "upbit", "BTC", "--since", "2024-13-01", "--store", db], "2024-01-31 같은 날짜"),
        (["data", "import", f, "--symbol", "my x", "--currency", "KRW", "--store", db], "1~64자"),
        (["data", "import", f, "--symbol", "my:y", "--currency", "KRW", "--calendar", "XX", "--store", db],
         "XKRX, XNYS, 24/7 중 하나"),
        (["data", "import", f, "--symbol", "my:s", "--currency", "USD", "--store", db],
         "저장된 가격 (KRW) (바꾸려면 먼저 내보내고 지우세요)"),
        (["data", "import", f, "--symbol", "my:y", "--currency", "KRW", "--kind", "bad", "--store", db],
         "price, fx, rate 중 하나"),
    ]:
        r = run(*args, lang="ko")
        assert r.exit_code == 2 and needle in r.stderr, (args, r.stderr)
        assert english_words(r.stderr, typed=("my:nope", "my:y", "my x", "bad", "XX", "price", "fx",
                                              "rate", "my:s: price in USD")) == [], r.stderr
        r = run(*args)
        assert r.exit_code == 2 and r.stderr.startswith("error: ") and "허용" not in r.stderr
