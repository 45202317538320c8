"""Upbit, Bithumb and Binance connectors against a local server replaying recorded bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from gaemi.data.connectors import FetchError, RetryPolicy, get_connector
from gaemi.data.connectors.binance import BinanceConnector
from gaemi.data.connectors.bithumb import BithumbConnector
from gaemi.data.connectors.upbit import UpbitConnector
from gaemi.errors import ConfigError
from tests.connectors.replay import Replay, Reply, jbody, payload

FAST = RetryPolicy(attempts=3, initial=0.001, cap=0.01, jitter=0.0)
NO_SLEEP = RetryPolicy(attempts=3, initial=0.001, cap=0.01, jitter=0.0, sleep=lambda s: None)

UPBIT = json.loads(payload("upbit_candles_days.json"))  # 2025-07-29, 2025-07-28 (newest first)
AS_OF = datetime(2025, 7, 30, 17, 36, 32, tzinfo=UTC)  # the response's Date header


def upbit(srv, **kw):
    kw.setdefault("retry", FAST)
    kw.setdefault("as_of", AS_OF)
    return UpbitConnector(base_url=srv.url, **kw)


# ----------------------------------------------------------------------------- Upbit
def test_upbit_candles_turnover_from_raw_response():
    with Replay({"/v1/candles/days": [Reply(200, payload("upbit_candles_days.json"))]}) as srv:
        [(inst, df)] = upbit(srv).fetch(["BTC/KRW"])
    assert inst.symbol == "upbit:BTC/KRW" and inst.currency == "KRW" and inst.calendar == "24/7"
    assert list(df["date"].dt.strftime("%Y-%m-%d")) == ["2025-07-28", "2025-07-29"]
    # values exactly as in the recorded body (candle_acc_trade_price is KRW turnover)
    assert df["turnover"].tolist() == [237170267365.09124, 242634976840.02426]
    assert df["close"].tolist() == [162483000.0, 163158000.0]
    assert df["volume"].tolist() == [1461.59937798, 1487.53432374]
    assert df["open"].iloc[1] == 162483000.0 and df["high"].iloc[1] == 163800000.0
    q = srv.requests[0].query
    assert q["market"] == "KRW-BTC" and q["count"] == "200" and q["to"] == "2025-07-30T00:00:00Z"


def test_upbit_accepts_native_and_plain_symbols():
    with Replay({"/v1/candles/days": [Reply(200, payload("upbit_candles_days.json"))]}) as srv:
        out = upbit(srv).fetch(["KRW-BTC", "btc"])
    assert [i.symbol for i, _ in out] == ["upbit:BTC/KRW", "upbit:BTC/KRW"]
    with pytest.raises(ConfigError, match="symbol"):
        UpbitConnector(base_url="http://127.0.0.1:9").fetch(["BTC KRW!"])


def test_upbit_drops_the_day_in_progress():
    as_of = datetime(2025, 7, 29, 12, 0, tzinfo=UTC)  # 07-29 is not over yet
    with Replay({"/v1/candles/days": [Reply(200, payload("upbit_candles_days.json"))]}) as srv:
        [(_, df)] = upbit(srv, as_of=as_of).fetch(["BTC"])
    assert list(df["date"].dt.strftime("%Y-%m-%d")) == ["2025-07-28"]


def test_upbit_pages_with_to_until_an_empty_page():
    """page=1: the recorded rows served one per page, keyed on the ``to`` parameter."""
    def body(q):
        to = q.get("to", "")
        older = [c for c in UPBIT if c["candle_date_time_utc"] + "Z" < to] if to else UPBIT
        return jbody(older[:1])

    with Replay({"/v1/candles/days": [Reply(200, body)]}) as srv:
        [(_, df)] = upbit(srv, page=1).fetch(["BTC"])
        tos = [r.query.get("to") for r in srv.requests]
    assert tos == ["2025-07-30T00:00:00Z", "2025-07-29T00:00:00Z", "2025-07-28T00:00:00Z"]
    assert df["turnover"].tolist() == [237170267365.09124, 242634976840.02426]


def _upbit_rows_from_sample(n):
    """The embedded real Upbit KRW-BTC series (src/gaemi/data/samples/upbit_btc.csv.gz) in
    Upbit's candle shape, newest first: real values, re-shaped (no extra fields invented)."""
    from gaemi.data.catalog import load_series

    s = load_series("upbit_btc").iloc[:n]
    return [{"market": "KRW-BTC", "candle_date_time_utc": d.strftime("%Y-%m-%dT00:00:00"),
             "trade_price": r.close, "candle_acc_trade_volume": r.volume,
             "candle_acc_trade_price": r.value} for d, r in s.iloc[::-1].iterrows()]


def test_upbit_pages_past_the_200_candle_limit():
    rows = _upbit_rows_from_sample(450)  # 2017-12-01 .. 2019-02-23

    def body(q):
        n = int(q["count"])
        assert n <= 200
        older = [c for c in rows if c["candle_date_time_utc"] + "Z" < q["to"]]
        return jbody(older[:n])

    as_of = datetime(2019, 3, 1, tzinfo=UTC)
    with Replay({"/v1/candles/days": [Reply(200, body)]}) as srv:
        [(_, df)] = upbit(srv, as_of=as_of).fetch(["BTC"], since="2017-12-01")
        assert len(srv.requests) == 3  # 200 + 200 + 50
    assert len(df) == 450 and df["date"].is_monotonic_increasing and df["date"].is_unique
    assert df["date"].iloc[0] == pd.Timestamp("2017-12-01")
    assert df["turnover"].iloc[0] == 361396684694.0  # the sample's first value


def test_upbit_since_stops_paging_early():
    rows = _upbit_rows_from_sample(450)

    def body(q):
        older = [c for c in rows if c["candle_date_time_utc"] + "Z" < q["to"]]
        return jbody(older[: int(q["count"])])

    with Replay({"/v1/candles/days": [Reply(200, body)]}) as srv:
        [(_, df)] = upbit(srv, as_of=datetime(2019, 3, 1)).fetch(["BTC"], since="2018-12-01")
        assert len(srv.requests) == 1
    assert df["date"].iloc[0] == pd.Timestamp("2018-12-01") and df["date"].iloc[-1] == pd.Timestamp("2019-02-23")


def test_upbit_retries_429_and_500_then_succeeds():
    replies = [Reply(429, b"Too many API requests.", content_type="text/plain"),
               Reply(500, b"<html>Internal Server Error</html>", content_type="text/html"),
               Reply(200, payload("upbit_candles_days.json"))]
    with Replay({"/v1/candles/days": replies}) as srv:
        [(_, df)] = upbit(srv).fetch(["BTC"])
        assert len(srv.requests) == 3
    assert len(df) == 2


def test_upbit_malformed_json_is_retried_then_reported():
    truncated = payload("upbit_candles_days.json")[:300]  # the recorded body cut mid-row
    with Replay({"/v1/candles/days": [Reply(200, truncated)]}) as srv:
        with pytest.raises(FetchError, match=r"upbit candles KRW-BTC: gave up after 3 tries.*malformed"):
            upbit(srv, retry=NO_SLEEP).fetch(["BTC"])
        assert len(srv.requests) == 3


def test_upbit_429_forever_gives_a_clear_message():
    with Replay({"/v1/candles/days": [Reply(429, b"Too many API requests.")]}) as srv:
        with pytest.raises(FetchError, match=r"gave up after 3 tries; last error: RateLimitExceeded"):
            upbit(srv, retry=NO_SLEEP).fetch(["BTC"])


def test_upbit_unknown_market_is_not_retried():
    with Replay({"/v1/candles/days": [Reply(404, payload("upbit_error_404.json"))]}) as srv:
        with pytest.raises(FetchError, match="Code not found"):
            upbit(srv).fetch(["NOPE"])
        assert len(srv.requests) == 1


def test_upbit_empty_first_page_is_no_data():
    with Replay({"/v1/candles/days": [Reply(200, b"[]")]}) as srv:
        [(_, df)] = upbit(srv).fetch(["BTC"])
    assert df.empty and list(df.columns) == ["date", "open", "high", "low", "close", "volume", "turnover"]


def test_upbit_tickers_and_markets():
    with Replay({"/v1/ticker": [Reply(200, payload("upbit_ticker.json"))],
                 "/v1/market/all": [Reply(200, payload("upbit_market_all.json"))]}) as srv:
        c = upbit(srv)
        t = c.tickers(["BTC", "ETH"])
        assert srv.requests[0].query["markets"] == "KRW-BTC,KRW-ETH"
        assert c.markets("KRW") == []  # the recorded list holds BTC-quoted markets only
        btc_markets = c.markets("BTC")
    assert t["symbol"].tolist() == ["upbit:BTC/KRW", "upbit:ETH/KRW"]
    assert t["turnover_24h"].iloc[0] == 167740032580.71786
    assert len(btc_markets) == 5 and all(m.endswith("/BTC") for m in btc_markets)


# ----------------------------------------------------------------------------- Bithumb
BITHUMB = "/public/candlestick/BTC_KRW/24h"


def test_bithumb_candles_kst_days_without_the_day_in_progress():
    as_of = datetime(2022, 3, 4, 2, 0, tzinfo=UTC)  # 11:00 KST on 2022-03-04
    with Replay({BITHUMB: [Reply(200, payload("bithumb_candlestick_BTC_KRW_24h.json"))]}) as srv:
        [(inst, df)] = BithumbConnector(base_url=srv.url, retry=FAST, as_of=as_of).fetch(["BTC"])
    raw = json.loads(payload("bithumb_candlestick_BTC_KRW_24h.json"))["data"]
    assert inst.symbol == "bithumb:BTC/KRW"
    assert len(df) == 29  # 30 rows, the last one (keyed 11:00 KST) is the day in progress
    assert df["date"].iloc[0] == pd.Timestamp("2022-02-03")  # 1643814000000 = 00:00 KST
    assert df["date"].iloc[-1] == pd.Timestamp("2022-03-03")
    first = raw[0]  # [time, open, close, high, low, volume]: close before high/low
    assert df.iloc[0][["open", "close", "high", "low", "volume"]].tolist() == [
        float(first[1]), float(first[2]), float(first[3]), float(first[4]), float(first[5])]
    assert df["turnover"].isna().all()  # this endpoint has no traded value


def test_bithumb_error_status_is_reported():
    # written here in Bithumb's documented {"status", "message"} error shape (no recording)
    body = b'{"status":"5500","message":"Invalid Parameter"}'
    with Replay({BITHUMB: [Reply(200, body)]}) as srv:
        with pytest.raises(FetchError, match="Invalid Parameter"):
            BithumbConnector(base_url=srv.url, retry=FAST).fetch(["BTC"])


def test_bithumb_tickers_skip_the_date_key():
    with Replay({"/public/ticker/ALL_KRW": [Reply(200, payload("bithumb_ticker_ALL_KRW.json"))]}) as srv:
        t = BithumbConnector(base_url=srv.url, retry=FAST).tickers_all("KRW")
    assert t["symbol"].tolist() == ["bithumb:BTC/KRW", "bithumb:ETH/KRW"]
    raw = json.loads(payload("bithumb_ticker_ALL_KRW.json"))["data"]
    assert t["turnover_24h"].iloc[0] == float(raw["BTC"]["acc_trade_value_24H"])


# ----------------------------------------------------------------------------- Binance
KLINES = json.loads(payload("binance_klines_1d_testnet.json"))  # 13 klines, last one open


def test_binance_klines_quote_volume_and_open_kline_dropped():
    as_of = datetime(2026, 6, 15, 6, 53, tzinfo=UTC)  # when it was recorded
    with Replay({"/api/v3/klines": [Reply(200, payload("binance_klines_1d_testnet.json"))]}) as srv:
        [(inst, df)] = BinanceConnector(base_url=srv.url, retry=FAST, as_of=as_of).fetch(
            ["BTC/USDT"], since="2026-06-03")
        q = srv.requests[0].query
    assert q["symbol"] == "BTCUSDT" and q["interval"] == "1d" and q["limit"] == "1000"
    assert inst.symbol == "binance:BTC/USDT" and inst.currency == "USDT"
    assert len(df) == 12  # the 13th kline closes 2026-06-15 23:59:59.999
    assert df["date"].iloc[0] == pd.Timestamp("2026-06-03")
    assert df["turnover"].iloc[0] == float(KLINES[0][7])  # quoteVolume
    assert df["low"].iloc[0] == 802.04  # test-network values, kept as recorded


def test_binance_pages_forward_with_start_time():
    def body(q):
        start = int(q["startTime"])
        return jbody([k for k in KLINES if k[0] >= start][: int(q["limit"])])

    as_of = datetime(2026, 6, 20, tzinfo=UTC)
    with Replay({"/api/v3/klines": [Reply(200, body)]}) as srv:
        [(_, df)] = BinanceConnector(base_url=srv.url, retry=FAST, as_of=as_of, page=5).fetch(
            ["BTCUSDT"], since="2026-06-03")
        starts = [int(r.query["startTime"]) for r in srv.requests]
    assert starts == [KLINES[0][0], KLINES[5][0], KLINES[10][0]]
    assert len(df) == 13 and df["date"].is_unique


def test_binance_bad_symbol_is_permanent():
    with Replay({"/api/v3/klines": [Reply(400, payload("binance_error_1121.json"))]}) as srv:
        with pytest.raises(FetchError, match="Invalid symbol"):
            BinanceConnector(base_url=srv.url, retry=FAST).fetch(["NOPE/USDT"], since="2026-01-01")
        assert len(srv.requests) == 1


def test_binance_500_then_ok():
    with Replay({"/api/v3/klines": [Reply(502, b"Bad Gateway", content_type="text/plain"),
                                    Reply(200, payload("binance_klines_1d_testnet.json"))]}) as srv:
        [(_, df)] = BinanceConnector(base_url=srv.url, retry=FAST,
                                     as_of=datetime(2026, 7, 1)).fetch(["BTC"], since="2026-06-01")
    assert len(df) == 13


def test_binance_ticker():
    with Replay({"/api/v3/ticker/24hr": [Reply(200, payload("binance_ticker_24hr_testnet.json"))]}) as srv:
        t = BinanceConnector(base_url=srv.url, retry=FAST).tickers(["BTC/USDT"])
    raw = json.loads(payload("binance_ticker_24hr_testnet.json"))
    assert t["turnover_24h"].iloc[0] == float(raw["quoteVolume"])


def test_registry():
    assert isinstance(get_connector("upbit", base_url="http://127.0.0.1:9"), UpbitConnector)
    with pytest.raises(ConfigError, match="source"):
        get_connector("nasdaq")
