"""gaemi heat from the command line: sample, store, JSON, report, bad input, Korean and English."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.data.store import Instrument, Store

runner = CliRunner()

#: Latin tokens a Korean terminal may show: tickers, fund brands, the product's name
ALLOWED_LATIN = {"BTC", "ETH", "XRP", "DOGE", "SOL", "LUNA", "FTT", "USDT", "KRW", "USD", "ETF", "KODEX",
                 "gaemi"}


def latin_words(text: str) -> set[str]:
    """Latin words outside `code` spans (commands, stored symbols), file paths and the allow-list."""
    prose = re.sub(r"`[^`]*`|(?<!\S)/\S+", " ", text)
    return set(re.findall(r"[A-Za-z]{2,}", prose)) - ALLOWED_LATIN


def test_heat_sample_json(tmp_path):
    rep = tmp_path / "heat.html"
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-03-22", "--end", "2021-03-26",
                            "--json", "--report", str(rep), "--lang", "en"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert [x["date"] for x in d["turnover_ratio"]] == ["2021-03-22", "2021-03-23", "2021-03-24",
                                                        "2021-03-25", "2021-03-26"]
    assert d["leveraged_share"][0]["date"] == "2021-03-25"
    assert (d["start"], d["end"], d["lang"], d["missing"]) == ("2021-03-22", "2021-03-26", "en", {})
    html = rep.read_text()
    assert html.startswith('<!doctype html>\n<html lang="en">')
    assert "<script src=" not in html and len(html) > 1_000_000  # plotly.js inlined: offline


def test_heat_json_without_a_window_has_no_placeholders():
    r = runner.invoke(app, ["heat", "--sample", "--json"])
    assert r.exit_code == 0, r.output
    assert "null" not in r.stdout
    d = json.loads(r.stdout)
    assert (d["start"], d["end"]) == ("2015-08-06", "2025-07-29")


def test_heat_table_and_bad_input(tmp_path):
    r = runner.invoke(app, ["heat", "--sample", "--lang", "en"])
    assert r.exit_code == 0 and "Kimchi premium" in r.stdout and "Upbit BTC (KRW) / (Yahoo" in r.stdout
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-13-01"])
    assert r.exit_code == 2 and "start" in r.output
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-05-01", "--end", "2021-04-01"])
    assert r.exit_code == 2 and "start" in r.output
    r = runner.invoke(app, ["heat", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "--sample" in r.output


def test_korean_terminal_output_is_korean():
    for args in (["heat", "--sample"], ["heat", "--sample", "--start", "2024-01-01"]):
        r = runner.invoke(app, args + ["--lang", "ko"])
        assert r.exit_code == 0, r.output
        out = r.stdout
        for word in ("지표", "일수", "기간", "최근값", "중앙값", "김치 프리미엄", "거래대금", "알트코인", "내장 표본"):
            assert word in out, word
        assert not latin_words(out), sorted(latin_words(out))
    assert "여기서는 값 없음" in out and "`gaemi data fetch upbit BTC/KRW`" not in out  # kimchi has values
    assert "`gaemi data fetch krx 122630 252670" in out


def test_korean_via_gaemi_lang_and_json_texts():
    r = runner.invoke(app, ["heat", "--sample", "--json"], env={"GAEMI_LANG": "ko"})
    d = json.loads(r.stdout)
    assert d["lang"] == "ko" and d["names"]["kimchi_premium"] == "김치 프리미엄"
    for key in ("names", "titles", "notes"):
        for g, v in d[key].items():
            assert not latin_words(v), (key, g, sorted(latin_words(v)))


def test_english_terminal_has_no_hangul_outside_names():
    r = runner.invoke(app, ["heat", "--sample", "--start", "2022-01-01", "--lang", "en"])
    assert r.exit_code == 0
    prose = re.sub(r"`[^`]*`", " ", r.stdout.replace("\n", " "))
    assert not re.search(r"[\uac00-\ud7a3]", prose), re.findall(r"\S*[\uac00-\ud7a3]+\S*", prose)


def test_korean_errors():
    r = runner.invoke(app, ["heat", "--sample", "--start", "2030-01-01", "--json", "--lang", "ko"])
    assert r.exit_code == 2
    err = json.loads(r.stdout)["error"]
    assert err["field"] == "start" and "내장 표본의 지표 자료 기간 안의 날짜 (2015-08-06..2025-07-29)" in err["allowed"]
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-13-01", "--json", "--lang", "ko"])
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["allowed"] == "2024-01-31 같은 날짜"
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-05-01", "--end", "2021-04-01", "--json",
                            "--lang", "ko"])
    assert json.loads(r.stdout)["error"]["allowed"] == "끝 날짜(2021-04-01)와 같거나 그 이전 날짜"


def _coin(venue, base, quote, close, turnover, days, volume=None):
    inst = Instrument(f"{venue}:{base}/{quote}", "price", quote, "24/7", venue, venue=venue,
                      base=base, quote=quote)
    return inst, pd.DataFrame({"date": days, "close": close, "turnover": turnover,
                               "volume": volume if volume is not None else np.nan})


def test_heat_from_a_store(tmp_path):
    """Gauges from stored bars, checked by hand on a small store."""
    p = tmp_path / "s.duckdb"
    days = pd.to_datetime(["2024-01-02", "2024-01-03"])
    with Store(p) as st:
        st.write([
            _coin("upbit", "BTC", "KRW", [60e6, 61e6], [300e9, 200e9], days),
            _coin("upbit", "ETH", "KRW", [3e6, 3e6], [100e9, 100e9], days),
            _coin("upbit", "XRP", "KRW", [800, 800], [600e9, 300e9], days),
            _coin("bithumb", "BTC", "KRW", [60e6, 61e6], [np.nan, np.nan], days, [1000.0, 2000.0]),
            _coin("binance", "BTC", "USDT", [45000, 46000], [9e9, 8e9], days),
            _coin("binance", "SOL", "USDT", [100, 100], [1e9, 2e9], days),
            (Instrument("krx:KOSPI", "price", "KRW", "XKRX", "krx"),
             pd.DataFrame({"date": days, "close": [2600, 2610], "turnover": [10e12, 8e12]})),
            (Instrument("krx:KOSDAQ", "price", "KRW", "XKRX", "krx"),
             pd.DataFrame({"date": days, "close": [870, 880], "turnover": [10e12, 12e12]})),
            (Instrument("yahoo:USDKRW", "fx", "KRW", "24/7", "yahoo"),
             pd.DataFrame({"date": days, "value": [1300.0, 1310.0]})),
        ])
    r = runner.invoke(app, ["heat", "--store", str(p), "--json", "--lang", "en"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    kr0 = 300e9 + 100e9 + 600e9 + 1000 * 60e6  # Bithumb: volume x close (no turnover)
    assert d["turnover_ratio"][0]["value"] == kr0 / 20e12
    assert d["altcoin_share_kr"][0]["value"] == 1 - (300e9 + 1000 * 60e6 + 100e9) / kr0
    assert d["altcoin_share_global"][1]["value"] == 1 - 8e9 / 10e9
    assert d["kimchi_premium"][1]["value"] == 61e6 / (46000 * 1310.0) - 1
    assert d["leveraged_share"] == []
    assert "estimated as volume x close for `bithumb:BTC/KRW`" in d["notes"]["turnover_ratio"]
    # titles say what was computed from what is stored
    t = d["titles"]
    assert t["turnover_ratio"] == "Korean crypto turnover (1 Bithumb + 3 Upbit markets, KRW) / KOSPI + KOSDAQ turnover"
    assert t["altcoin_share_kr"].endswith(": 1 − (BTC + ETH) / total")
    assert t["altcoin_share_global"] == ("Altcoin share of turnover on 2 Binance markets (USDT): "
                                         "1 − BTC / total (no ETH market stored)")
    assert "`yahoo:USDKRW`" in t["kimchi_premium"]
    # the gauge with no value says why and how to get the data
    assert set(d["missing"]) == {"leveraged_share"}
    assert "`gaemi data fetch krx 122630 252670" in d["missing"]["leveraged_share"]
    assert (d["start"], d["end"]) == ("2024-01-02", "2024-01-03")


def test_store_missing_gauges_say_why_in_terminal_json_and_report(tmp_path):
    p = tmp_path / "s.duckdb"
    days = pd.to_datetime(["2024-01-02", "2024-01-03"])
    with Store(p) as st:
        st.write([_coin("upbit", "BTC", "KRW", [60e6, 61e6], [300e9, 200e9], days)])
    rep = tmp_path / "h.html"
    r = runner.invoke(app, ["heat", "--store", str(p), "--json", "--report", str(rep), "--lang", "en"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(d["missing"]) == {"altcoin_share_global", "kimchi_premium", "leveraged_share"}
    kimchi = d["missing"]["kimchi_premium"]
    assert kimchi.startswith("The kimchi premium needs Upbit and a USD exchange price for the same day: run "
                             "`gaemi data fetch upbit BTC/KRW` and `gaemi data fetch binance BTC/USDT`")
    html = rep.read_text()
    assert 'id="missing"' in html and '<code class="data-name">gaemi data fetch binance BTC/USDT</code>' in html
    r = runner.invoke(app, ["heat", "--store", str(p), "--lang", "ko"])
    assert r.exit_code == 0
    assert "김치 프리미엄에는 같은 날의 업비트 가격과 해외 달러 거래소 가격이 필요합니다" in r.stdout
    assert not latin_words(r.stdout), sorted(latin_words(r.stdout))


def test_a_store_with_nothing_to_compute_is_an_error(tmp_path):
    p = tmp_path / "s.duckdb"
    with Store(p) as st:
        st.write([(Instrument("yahoo:USDKRW", "fx", "KRW", "24/7", "yahoo"),
                   pd.DataFrame({"date": pd.to_datetime(["2024-01-02"]), "value": [1300.0]}))])
    r = runner.invoke(app, ["heat", "--store", str(p), "--json", "--lang", "en"])
    assert r.exit_code == 2
    err = json.loads(r.stdout)["error"]
    assert err["field"] == "store" and "`gaemi data fetch upbit ALL`" in err["allowed"]
