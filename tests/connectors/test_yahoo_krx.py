"""Yahoo (chart API over a local replay server; yfinance frame normaliser) and KRX (pykrx /
FinanceDataReader frames built from recorded KRX bodies; login and fallback rules)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from gaemi.data.connectors import FetchError, RetryPolicy
from gaemi.data.connectors.krx import KrxConnector, normalise
from gaemi.data.connectors.yahoo import YahooConnector, normalise_yfinance, parse_chart
from gaemi.errors import ConfigError
from tests.connectors.replay import Replay, Reply, payload

FAST = RetryPolicy(attempts=3, initial=0.001, cap=0.01, jitter=0.0)
MSFT = json.loads(payload("yahoo_chart_v8_MSFT_1d.json"))
IBM = json.loads(payload("yahoo_chart_v8_IBM_1d_dividend.json"))


# ----------------------------------------------------------------------------- Yahoo
def test_yahoo_chart_over_http_dates_in_exchange_time():
    as_of = datetime(2026, 9, 27, 20, 15, tzinfo=UTC)
    with Replay({"/v8/finance/chart/MSFT": [Reply(500, b"oops", content_type="text/plain"),
                                            Reply(200, payload("yahoo_chart_v8_MSFT_1d.json"))]}) as srv:
        [(inst, df)] = YahooConnector(base_url=srv.url, retry=FAST, as_of=as_of).fetch(
            ["MSFT"], since="2026-08-28", until="2026-09-25")
        q = srv.requests[-1].query
    assert q["interval"] == "1d" and "div" in q["events"]
    res = MSFT["chart"]["result"][0]
    assert inst.symbol == "yahoo:MSFT" and inst.currency == "USD" and inst.calendar == "XNYS"
    assert len(df) == 20 == len(res["timestamp"])
    assert df["date"].iloc[0] == pd.Timestamp("2026-08-28")  # 13:30 UTC open, -4h offset
    assert df["close"].tolist() == pytest.approx(res["indicators"]["adjclose"][0]["adjclose"])
    assert df["volume"].tolist() == res["indicators"]["quote"][0]["volume"]
    assert df["turnover"].isna().all()


def test_yahoo_adjusted_close_scales_before_the_dividend():
    df, meta = parse_chart(IBM, adjusted=True)
    raw, _ = parse_chart(IBM, adjusted=False)
    q = IBM["chart"]["result"][0]["indicators"]["quote"][0]
    assert raw["close"].tolist() == q["close"]
    ratio = df["close"].to_numpy() / raw["close"].to_numpy()
    # SOURCES.md: the rows before the 2026-08-10 ex-date carry close x 0.992878
    assert ratio[0] == pytest.approx(0.992878, abs=2e-6)
    assert ratio[-1] == pytest.approx(1.0)
    assert df["open"].iloc[0] / raw["open"].iloc[0] == pytest.approx(ratio[0])


def test_yahoo_not_found_and_malformed():
    nf = b'{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}'
    with Replay({"/v8/finance/chart/NOPE": [Reply(404, nf)],
                 "/v8/finance/chart/MSFT": [Reply(200, b'{"chart": {"result": [')]}) as srv:
        c = YahooConnector(base_url=srv.url, retry=RetryPolicy(2, 0.001, 0.01, 0.0))
        with pytest.raises(FetchError, match="HTTP 404.*No data found"):
            c.fetch(["NOPE"], since="2026-01-01", until="2026-01-31")
        with pytest.raises(FetchError, match="gave up after 2 tries.*malformed JSON"):
            c.fetch(["MSFT"], since="2026-01-01", until="2026-01-31")


def test_yahoo_fx_alias_is_a_series():
    body = payload("yahoo_chart_v8_MSFT_1d.json")  # shape only: served as if it were KRW=X
    with Replay({"/v8/finance/chart/KRW=X": [Reply(200, body)]}) as srv:
        [(inst, df)] = YahooConnector(base_url=srv.url, retry=FAST,
                                      as_of=datetime(2026, 10, 1)).fetch(["USDKRW"], since="2026-08-01")
    assert inst.kind == "fx" and inst.symbol == "yahoo:USDKRW" and list(df.columns) == ["date", "value"]


def test_yfinance_frame_normaliser():
    """A frame shaped as yfinance's ``history(auto_adjust=False)`` returns it, made from the
    recorded IBM body (tz-aware session dates, Open/High/Low/Close/Adj Close/Volume)."""
    res = IBM["chart"]["result"][0]
    q = res["indicators"]["quote"][0]
    idx = pd.to_datetime(res["timestamp"], unit="s", utc=True).tz_convert("America/New_York").normalize()
    hist = pd.DataFrame({"Open": q["open"], "High": q["high"], "Low": q["low"], "Close": q["close"],
                         "Adj Close": res["indicators"]["adjclose"][0]["adjclose"],
                         "Volume": q["volume"]}, index=idx)
    got = normalise_yfinance(hist)
    want, _ = parse_chart(IBM)
    pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_dtype=False)


# ----------------------------------------------------------------------------- KRX
def _krx_frame(name: str, cols: dict) -> pd.DataFrame:
    """A recorded KRX body turned into the frame pykrx returns (commas stripped, oldest first,
    Korean column names, 날짜 index) - the way pykrx's own wrappers build it."""
    rows = json.loads(payload(name))["output"]
    df = pd.DataFrame(rows)[["TRD_DD", *cols]].rename(columns=cols)
    df["날짜"] = pd.to_datetime(df.pop("TRD_DD"), format="%Y/%m/%d")
    for c in cols.values():
        df[c] = pd.to_numeric(df[c].str.replace(",", ""), errors="coerce")
    return df.set_index("날짜").sort_index()


INDEX_COLS = {"OPNPRC_IDX": "시가", "HGPRC_IDX": "고가", "LWPRC_IDX": "저가", "CLSPRC_IDX": "종가",
              "ACC_TRDVOL": "거래량", "ACC_TRDVAL": "거래대금"}
ETF_COLS = {"TDD_OPNPRC": "시가", "TDD_HGPRC": "고가", "TDD_LWPRC": "저가", "TDD_CLSPRC": "종가",
            "ACC_TRDVOL": "거래량", "ACC_TRDVAL": "거래대금"}
CREDS = {"KRX_ID": "someone", "KRX_PW": "secret"}


class FakePykrx:
    def __init__(self):
        self.calls = []

    def get_index_ohlcv_by_date(self, s, e, ticker, name_display=True):
        self.calls.append(("index", s, e, ticker))
        return _krx_frame("krx_index_ohlcv_MDCSTAT00301.json", INDEX_COLS)

    def get_etf_ohlcv_by_date(self, s, e, ticker):
        self.calls.append(("etf", s, e, ticker))
        return _krx_frame("krx_etf_ohlcv_MDCSTAT04501.json", ETF_COLS)


def test_krx_index_via_pykrx_frame():
    fake = FakePykrx()
    c = KrxConnector(backend="pykrx", pykrx=fake, env=CREDS, as_of=datetime(2021, 2, 1))
    [(inst, df)] = c.fetch(["kospi"], since="2021-01-01", until="2021-01-30")
    assert fake.calls == [("index", "20210101", "20210130", "1001")]
    assert inst.symbol == "krx:KOSPI" and inst.calendar == "XKRX" and inst.currency == "KRW"
    rows = json.loads(payload("krx_index_ohlcv_MDCSTAT00301.json"))["output"]
    assert len(df) == 20 and df["date"].is_monotonic_increasing
    last = rows[0]  # newest first in the body
    assert df["close"].iloc[-1] == float(last["CLSPRC_IDX"].replace(",", ""))
    assert df["turnover"].iloc[-1] == float(last["ACC_TRDVAL"].replace(",", ""))


def test_krx_etf_via_pykrx_frame():
    c = KrxConnector(backend="pykrx", pykrx=FakePykrx(), env=CREDS, as_of=datetime(2021, 2, 1))
    [(inst, df)] = c.fetch(["069500"], since="2021-01-04", until="2021-01-08")
    rows = json.loads(payload("krx_etf_ohlcv_MDCSTAT04501.json"))["output"]
    assert inst.symbol == "krx:069500" and len(df) == 5
    assert df["turnover"].iloc[0] == float(rows[-1]["ACC_TRDVAL"].replace(",", ""))


def test_krx_dash_rows_and_zero_prices_become_missing():
    frame = _krx_frame("krx_index_ohlcv_MDCSTAT00301_dashes.json", INDEX_COLS)
    df = normalise(frame, {"시가": "open", "고가": "high", "저가": "low", "종가": "close",
                           "거래량": "volume", "거래대금": "turnover"})
    assert df["open"].isna().all() and df["close"].notna().all()
    z = normalise(pd.DataFrame({"시가": [0], "고가": [0], "저가": [0], "종가": [9770], "거래량": [0],
                                "거래대금": [0]}, index=pd.to_datetime(["2021-01-06"])),
                  {"시가": "open", "고가": "high", "저가": "low", "종가": "close"})
    assert np.isnan(z["open"].iloc[0]) and z["close"].iloc[0] == 9770


def test_krx_needs_login_for_pykrx():
    c = KrxConnector(backend="pykrx", pykrx=FakePykrx(), env={})
    with pytest.raises(ConfigError, match="KRX_ID/KRX_PW.*requires a login"):
        c.fetch(["KOSPI"], since="2021-01-04")


def test_krx_auto_falls_back_to_fdr_without_login():
    calls = []

    def reader(code, start, end):
        calls.append((code, start, end))
        f = _krx_frame("krx_index_ohlcv_MDCSTAT00301.json", INDEX_COLS)
        return f.rename(columns={"시가": "Open", "고가": "High", "저가": "Low", "종가": "Close",
                                 "거래량": "Volume", "거래대금": "Amount"})

    c = KrxConnector(pykrx=FakePykrx(), fdr=SimpleNamespace(DataReader=reader), env={},
                     as_of=datetime(2021, 2, 1))
    [(_, df)] = c.fetch(["KOSPI"], since="2021-01-01", until="2021-01-30")
    assert calls == [("KS11", "2021-01-01", "2021-01-30")]
    assert len(df) == 20 and df["turnover"].notna().all()
    assert "FinanceDataReader" in c.notes[0] and "KRX_ID" in c.notes[0]


def test_krx_both_backends_failing_is_one_clear_error():
    def reader(*a):
        raise ConnectionError("offline")

    c = KrxConnector(fdr=SimpleNamespace(DataReader=reader), env={})
    with pytest.raises(FetchError, match="pykrx failed.*KRX_ID.*FinanceDataReader failed.*offline"):
        c.fetch(["122630"], since="2024-01-01", until="2024-01-31")


def test_krx_bad_symbol():
    with pytest.raises(ConfigError, match="6-digit"):
        KrxConnector(env={}).fetch(["SAMSUNG!"])
