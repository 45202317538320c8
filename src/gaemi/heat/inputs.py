"""Collect the gauges' input series from the embedded sample or the store (the edge: reads
data, converts, says what it covers and what is missing; computes no gauge).

Every text this module writes (titles, notes, what a gauge needs) is in both languages
(``{"en": ..., "ko": ...}``, see :mod:`gaemi.heat.text`).
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from itertools import pairwise
from typing import Any

import pandas as pd

from gaemi.heat import text as T

#: KOSPI 200 ETFs counted in the leveraged-share denominator when they are in the store
#: (KRX codes; names as listed by KRX). Leveraged/inverse 2X: 122630, 252670.
KOSPI200_ETFS = {
    "069500": "KODEX 200", "102110": "TIGER 200", "148020": "RISE 200 (KBSTAR 200)",
    "152100": "PLUS 200 (ARIRANG 200)", "105190": "ACE 200 (KINDEX 200)",
    "278530": "KODEX 200TR", "122630": "KODEX 레버리지", "252670": "KODEX 200선물인버스2X",
    "114800": "KODEX 인버스", "123320": "TIGER 레버리지", "252710": "TIGER 200선물인버스2X",
    "123310": "TIGER 인버스",
}
LEVERAGED = ("122630", "252670")
#: KRX index names (IDX_IND_NM) of ETFs that track the KOSPI 200 or its futures
K200_INDEX_NAMES = ("코스피 200", "코스피 200 선물지수")

#: the heat sample's own files (``gaemi/heat/sample/``; origins in its PROVENANCE.md)
KRX_ETF_DAY_FILE = "krx_etf_all_MDCSTAT04301.json"
KRX_ETF_DAY = "2021-03-25"  # the request's trdDd (the body does not carry the day)
UPBIT_CANDLES_FILE = "upbit_candles_days.json"
COINGECKO_FILE = "coingecko_volume_usd.csv.gz"
#: CoinGecko coin columns of COINGECKO_FILE -> ticker
COINGECKO_COINS = {"btc": "BTC", "eth": "ETH", "xrp": "XRP", "doge": "DOGE", "sol": "SOL",
                   "luna": "LUNA", "ftt": "FTT"}

Title = T.Both | Callable[[pd.DatetimeIndex], T.Both]


@dataclass
class HeatInputs:
    """The gauges' inputs plus, per gauge, a title (what is computed from the data present; may
    be a function of the dates a window keeps), a note (what the inputs cover) and what the gauge
    needs to have more days (a command), each in both languages."""

    crypto_kr_total: pd.Series | None = None
    crypto_kr_btc: pd.Series | None = None
    crypto_kr_eth: pd.Series | None = None
    stocks_total: pd.Series | None = None
    global_total: pd.Series | None = None
    global_btc: pd.Series | None = None
    global_eth: pd.Series | None = None
    kr_btc_price: pd.Series | None = None
    usd_btc_price: pd.Series | None = None
    usdkrw: pd.Series | None = None
    lev_etfs: pd.Series | None = None
    k200_etfs: pd.Series | None = None
    titles: dict[str, Title] = field(default_factory=dict)
    notes: dict[str, T.Both] = field(default_factory=dict)
    needs: dict[str, T.Both] = field(default_factory=dict)
    source: str = ""
    kind: str = "sample"  # "sample" or "store"
    provenance: dict[str, Any] = field(default_factory=dict)


def _num(text: str) -> float:
    return float(str(text).replace(",", ""))


def krx_etf_day(body: dict) -> dict[str, tuple[str, str, float]]:
    """A KRX all-ETF body (MDCSTAT04301; the day is the request's trdDd, not in the body) ->
    {code: (name, index name, turnover KRW)}."""
    rows = {}
    for r in body.get("output", []):
        rows[r["ISU_SRT_CD"]] = (r["ISU_ABBRV"], r.get("IDX_IND_NM", ""), _num(r["ACC_TRDVAL"]))
    return rows


def upbit_day_candles(body: list) -> pd.DataFrame:
    """An Upbit ``/v1/candles/days`` body (newest first) -> frame by UTC day (``candle_date_time_utc``)
    with ``close`` (``trade_price``) and ``value`` (``candle_acc_trade_price``, KRW), oldest first."""
    rows = [{"date": pd.Timestamp(r["candle_date_time_utc"][:10]), "market": r["market"],
             "close": float(r["trade_price"]), "value": float(r["candle_acc_trade_price"])}
            for r in body]
    return pd.DataFrame(rows).set_index("date").sort_index()


def coingecko_volumes() -> pd.DataFrame:
    """The heat sample's CoinGecko 24h volumes (USD, all exchanges) by coin ticker, each row
    labelled with the UTC day the volume covers: CoinGecko's snapshot at 00:00 UTC of day D is the
    24 hours before it, so the file's labels move back one day (as the catalog does for
    CoinGecko prices)."""
    raw = resources.files("gaemi.heat").joinpath("sample", COINGECKO_FILE).read_bytes()
    df = pd.read_csv(io.BytesIO(gzip.decompress(raw)), parse_dates=["date"]).set_index("date")
    df.index = df.index - pd.Timedelta(days=1)
    return df.rename(columns=COINGECKO_COINS).astype("float64")


def basket_total(vol: pd.DataFrame) -> pd.Series:
    """The basket's total volume by day: each coin counts from its first day with data; a day is
    kept only if every coin counted by then has a value on it, and BTC and ETH have one."""
    first = {c: vol[c].first_valid_index() for c in vol.columns}
    listed = pd.DataFrame({c: vol.index >= first[c] for c in vol.columns}, index=vol.index)
    complete = (vol.notna() | ~listed).all(axis=1) & vol["BTC"].notna() & vol["ETH"].notna()
    return vol[complete].sum(axis=1)


def _spans(index: pd.DatetimeIndex, gap_days: int = 15) -> list[tuple[str, str]]:
    """Runs of dates with no hole longer than ``gap_days`` as (first, last) ISO strings."""
    if len(index) == 0:
        return []
    idx = pd.DatetimeIndex(index).sort_values()
    breaks = [0] + [i for i in range(1, len(idx)) if (idx[i] - idx[i - 1]).days > gap_days] + [len(idx)]
    return [(idx[a].strftime("%Y-%m-%d"), idx[b - 1].strftime("%Y-%m-%d")) for a, b in pairwise(breaks)]


def sample_inputs() -> HeatInputs:
    from gaemi.data.catalog import load_series

    kospi, kosdaq = load_series("kospi"), load_series("kosdaq")
    ub, ux = load_series("upbit_btc"), load_series("upbit_xrp")
    btc_usd, usdkrw = load_series("btc"), load_series("usdkrw")
    crypto = (ub["value"] + ux["value"]).dropna()
    stocks = (kospi["value"] + kosdaq["value"]).dropna()
    upbit_span = f"{ub.index[0].date()}..{ub.index[-1].date()}"

    sample = resources.files("gaemi.heat").joinpath("sample")
    etfs = krx_etf_day(json.loads(sample.joinpath(KRX_ETF_DAY_FILE).read_text(encoding="utf-8")))
    day = pd.Timestamp(KRX_ETF_DAY)
    k200 = {c: v for c, v in etfs.items() if v[1] in K200_INDEX_NAMES}
    lev = sum(k200[c][2] for c in LEVERAGED if c in k200)
    allk = sum(v[2] for v in k200.values())
    idx = pd.DatetimeIndex([day], name="date")
    members = ", ".join(f"{c} {v[0]}" for c, v in k200.items())

    rec = upbit_day_candles(json.loads(sample.joinpath(UPBIT_CANDLES_FILE).read_text(encoding="utf-8")))
    rec = rec[rec["market"] == "KRW-BTC"]
    rec_days = ", ".join(d.strftime("%Y-%m-%d") for d in rec.index)
    kr_btc = pd.concat([ub["close"], rec["close"][~rec.index.isin(ub.index)]]).sort_index()

    vol = coingecko_volumes()
    g_total = basket_total(vol)
    g_days = vol.loc[g_total.index]
    firsts = {c: vol[c].first_valid_index().strftime("%Y-%m-%d") for c in vol.columns}
    g_first, g_last = g_total.index[0].strftime("%Y-%m-%d"), g_total.index[-1].strftime("%Y-%m-%d")
    joined = sorted((c for c in vol.columns if firsts[c] > g_first), key=lambda c: firsts[c])
    joins_en = ", ".join(f"{c} from {firsts[c]}" for c in joined)
    joins_ko = ", ".join(f"{c} {firsts[c]}부터" for c in joined)

    def global_title(dates: pd.DatetimeIndex) -> T.Both:
        present = g_days.loc[g_days.index.isin(dates)]
        return T.title_sample_global([c for c in vol.columns if present[c].notna().any()])

    notes = {
        "turnover_ratio": T.both(
            f"Sample: crypto = Upbit KRW-BTC + KRW-XRP turnover only (the two Upbit markets embedded, "
            f"{upbit_span}; Upbit's other KRW markets and all of Bithumb are missing, so this understates "
            "the ratio the press quotes); stocks = KOSPI + KOSDAQ turnover (KRX). Upbit days run from "
            "09:00 to 09:00 Korean time and are compared on KRX sessions; weekends are left out. The "
            f"recorded Upbit candles of {rec_days} are BTC only, so they are not used here.",
            f"표본: 코인 거래대금은 업비트 BTC·XRP 원화마켓뿐입니다 (내장된 업비트 마켓 두 개, {upbit_span}). "
            "업비트의 다른 원화마켓과 빗썸 전체가 빠져 있어 언론이 인용하는 비율보다 낮게 나옵니다. 주식 "
            "거래대금은 코스피+코스닥 (한국거래소). 업비트의 하루는 한국 시간 오전 9시부터 다음 날 오전 9시까지이며 "
            f"한국거래소 개장일에만 비교하고 주말은 뺍니다. {rec_days}의 업비트 기록은 BTC뿐이라 여기에는 "
            "쓰지 않습니다."),
        "altcoin_share_kr": T.both(
            f"Sample: only Upbit KRW-BTC and KRW-XRP are embedded ({upbit_span}; no ETH, no other coin), so "
            "this is XRP's share of BTC + XRP turnover on Upbit, not the altcoin share of the whole market.",
            f"표본: 업비트 BTC·XRP 원화마켓만 내장되어 있어 ({upbit_span}; ETH와 다른 코인 없음) 시장 전체의 "
            "알트코인 비중이 아니라 업비트 BTC+XRP 거래대금 중 XRP 비중입니다."),
        "altcoin_share_global": T.both(
            f"Sample: CoinGecko's 24-hour trading volume in USD, summed over every exchange it tracks "
            f"(Korean ones included), for {len(vol.columns)} large coins only ({', '.join(vol.columns)}), "
            f"{g_first}..{g_last}. Each coin counts from its first day ({joins_en}), so the basket grows. "
            "Each day is the 24 hours before CoinGecko's 00:00 UTC snapshot of the next day. Stablecoins "
            "(USDT) and the thousands of other coins are not in the sample, and CoinGecko's volumes include "
            "exchanges that report inflated figures. No Binance daily history is embedded (the recorded "
            "Binance candles come from its test network and are not market data).",
            f"표본: 코인게코가 집계하는 전 세계 거래소(국내 거래소 포함)의 24시간 달러 거래대금을 대형 코인 "
            f"{len(vol.columns)}종({'·'.join(vol.columns)})에 대해서만 더했습니다, {g_first}..{g_last}. 코인마다 "
            f"자료가 시작되는 날부터 더하므로 ({joins_ko}) 바구니가 점점 커집니다. 하루 값은 다음 날 "
            "0시(세계 표준시) 코인게코 기록 직전 24시간입니다. 스테이블코인(USDT)과 수천 개의 다른 코인은 "
            "표본에 없고, 코인게코 거래대금에는 부풀려 보고하는 거래소도 섞여 있습니다. 바이낸스 일별 자료는 "
            "내장되어 있지 않습니다 (기록된 바이낸스 캔들은 테스트 네트워크 값이라 시장 자료가 아닙니다)."),
        "kimchi_premium": T.both(
            f"Sample: Upbit BTC-KRW close / (Yahoo BTC-USD close × USDKRW) − 1. Upbit closes: the embedded "
            f"candles {upbit_span} plus two recorded Upbit day candles ({rec_days}, from Upbit's API guide). "
            "Yahoo BTC-USD stands in for Binance BTC-USDT (USDT taken at par); USDKRW = FRED DEXKOUS "
            "(New York noon) as of the day, at most 7 days old. Both closes are UTC days.",
            f"표본: 업비트 BTC 원화 종가 / (야후 BTC 달러 종가 × 원/달러 환율) − 1. 업비트 종가는 내장 캔들 "
            f"{upbit_span}과 업비트 안내 문서에 실린 실제 일봉 두 개({rec_days})입니다. 바이낸스 BTC/USDT 대신 "
            "야후 BTC 달러 가격을 쓰고 (USDT는 1달러로 봄), 환율은 미국 연준 뉴욕 정오 환율(`DEXKOUS`)의 그날 "
            "또는 직전 값(7일 이내)입니다. 두 종가 모두 세계 표준시 기준 하루입니다."),
        "leveraged_share": T.both(
            f"Sample: one day only, {day.date()}, from a recorded KRX all-ETF table trimmed to "
            f"{len(etfs)} of 467 ETFs; the denominator is the {len(k200)} KOSPI 200 / KOSPI 200 futures "
            f"ETFs in it (`{members}`), not every KOSPI 200 ETF, so the share is overstated.",
            f"표본: {day.date()} 하루뿐이며, 467개 ETF 중 {len(etfs)}개만 남긴 한국거래소 전종목 ETF 시세 "
            f"기록에서 나왔습니다. 분모는 그 안의 코스피 200·코스피 200 선물 ETF {len(k200)}종"
            f"(`{members}`)뿐이라 코스피 200 ETF 전체가 아니므로 비중이 실제보다 높게 나옵니다."),
    }
    titles: dict[str, Title] = {**T.TITLES_SAMPLE, "altcoin_share_global": global_title,
                                "leveraged_share": T.title_sample_leveraged(len(k200))}
    return HeatInputs(
        crypto_kr_total=crypto, crypto_kr_btc=ub["value"], crypto_kr_eth=None,
        stocks_total=stocks,
        global_total=g_total, global_btc=vol["BTC"], global_eth=vol["ETH"],
        kr_btc_price=kr_btc, usd_btc_price=btc_usd["close"], usdkrw=usdkrw["close"],
        lev_etfs=pd.Series([lev], index=idx), k200_etfs=pd.Series([allk], index=idx),
        titles=titles, notes=notes, needs=dict(T.NEEDS_SAMPLE), source="sample", kind="sample",
        provenance={"embedded": ["kospi", "kosdaq", "upbit_btc", "upbit_xrp", "btc", "usdkrw"],
                    "heat_sample": [f"heat/sample/{f}" for f in (KRX_ETF_DAY_FILE, UPBIT_CANDLES_FILE,
                                                                 COINGECKO_FILE)]},
    )


def _turnover(bars: pd.DataFrame) -> tuple[pd.Series, bool]:
    """Turnover by date; where it is missing, volume x close (returns whether it had to)."""
    t = bars["turnover"]
    est = bars["volume"] * bars["close"]
    used = bool((t.isna() & est.notna()).any())
    return t.fillna(est).dropna(), used


def store_inputs(path=None) -> HeatInputs:
    from gaemi.data.catalog import load_series
    from gaemi.data.store import Store

    with Store(path, read_only=True) as st:
        inst = st.list()
        by = {s: st.instrument(s) for s in inst["symbol"]}

        def group(venues: tuple[str, ...], quote: str):
            total, btc, eth = [], [], []
            counts: dict[str, int] = {}
            estimated = []
            for sym, i in by.items():
                if i.kind != "price" or i.venue not in venues or i.quote != quote:
                    continue
                t, est = _turnover(st.bars(sym))
                if est:
                    estimated.append(sym)
                counts[i.venue] = counts.get(i.venue, 0) + 1
                total.append(t)
                if i.base == "BTC":
                    btc.append(t)
                if i.base == "ETH":
                    eth.append(t)

            def add(parts):
                if not parts:
                    return None
                return pd.concat(parts, axis=1, sort=True).sum(axis=1, min_count=1).dropna()

            return add(total), add(btc), add(eth), counts, estimated

        kt, kb, ke, kc, kest = group(("upbit", "bithumb"), "KRW")
        gt, gb, ge, gc, gest = group(("binance",), "USDT")
        stock_parts, stock_en, stock_ko = [], [], []
        for name, emb, ko in (("krx:KOSPI", "kospi", "코스피"), ("krx:KOSDAQ", "kosdaq", "코스닥")):
            if name in by:
                stock_parts.append(st.bars(name)["turnover"].dropna())
                stock_en.append(f"`{name}`")
                stock_ko.append(f"`{name}`")
            else:
                stock_parts.append(load_series(emb)["value"].dropna())
                stock_en.append(f"embedded {emb.upper()}")
                stock_ko.append(f"내장 {ko}")
        stocks = pd.concat(stock_parts, axis=1, sort=True).dropna().sum(axis=1)
        krw_btc = st.bars("upbit:BTC/KRW")["close"] if "upbit:BTC/KRW" in by else None
        usd_btc = st.bars("binance:BTC/USDT")["close"] if "binance:BTC/USDT" in by else None
        if "yahoo:USDKRW" in by:
            fx = st.series("yahoo:USDKRW")["value"]
            fx_src = T.both("`yahoo:USDKRW`", "`yahoo:USDKRW`")
        else:
            fx = load_series("usdkrw")["close"]
            fx_src = T.both("embedded FRED DEXKOUS", "내장 미국 연준 환율 `DEXKOUS`")
        etf_t = {c: _turnover(st.bars(f"krx:{c}"))[0] for c in KOSPI200_ETFS if f"krx:{c}" in by}
        store_path = str(st.path)

    def cover(counts, est, lang):
        if lang == "ko":
            c = T.markets(counts, "ko") if counts else "마켓 없음"
            e = (f"; {', '.join(f'`{s}`' for s in est)}는 거래대금이 없어 거래량 × 종가로 추정") if est else ""
        else:
            c = T.markets(counts, "en") if counts else "no markets"
            e = (f"; turnover estimated as volume x close for {', '.join(f'`{s}`' for s in est)} "
                 "(no traded value from that endpoint)") if est else ""
        return c + e

    notes = {
        "turnover_ratio": T.both(
            f"Store: crypto = sum of stored KRW-market turnover ({cover(kc, kest, 'en')}); stocks = "
            f"{' + '.join(stock_en)} turnover (KRX only: Nextrade from 2025-03-04 not included). "
            "Upbit days run 09:00-09:00 Korean time, Bithumb days midnight to midnight; compared on KRX "
            "sessions. The ratio covers only the markets stored: `gaemi data fetch upbit ALL` stores every "
            "KRW market.",
            f"저장소: 코인 거래대금은 저장된 원화마켓 거래대금의 합 ({cover(kc, kest, 'ko')}), 주식은 "
            f"{' + '.join(stock_ko)} 거래대금 (한국거래소만: 2025-03-04부터 거래되는 넥스트레이드는 빠짐). 업비트의 "
            "하루는 한국 시간 오전 9시 기준, 빗썸은 자정 기준이며 한국거래소 개장일에만 비교합니다. 저장된 "
            "마켓만 포함됩니다: `gaemi data fetch upbit ALL`이 원화마켓 전체를 저장합니다."),
        "altcoin_share_kr": T.both(
            f"Store: 1 − (BTC + ETH) / total over the stored Korean KRW markets ({cover(kc, kest, 'en')})"
            + ("" if ke is not None else "; no ETH market stored (counted as 0)") + ".",
            f"저장소: 저장된 국내 원화마켓({cover(kc, kest, 'ko')}) 거래대금에 대해 1 − (BTC + ETH) / 합계"
            + ("" if ke is not None else "; ETH 마켓이 저장돼 있지 않아 0으로 계산") + "."),
        "altcoin_share_global": T.both(
            f"Store: Binance USDT markets ({cover(gc, gest, 'en')})"
            + ("" if ge is not None else "; no ETH market stored (counted as 0)") + ".",
            f"저장소: 바이낸스 USDT 마켓 ({cover(gc, gest, 'ko')})"
            + ("" if ge is not None else "; ETH 마켓이 저장돼 있지 않아 0으로 계산") + "."),
        "kimchi_premium": T.both(
            f"Store: `upbit:BTC/KRW` / (`binance:BTC/USDT` × {fx_src['en']}) − 1, USDT at par"
            + ("" if krw_btc is not None and usd_btc is not None else
               "; needs `upbit:BTC/KRW` and `binance:BTC/USDT` in the store") + ".",
            f"저장소: `upbit:BTC/KRW` / (`binance:BTC/USDT` × {fx_src['ko']}) − 1, USDT는 1달러로 봄"
            + ("" if krw_btc is not None and usd_btc is not None else
               "; 저장소에 `upbit:BTC/KRW`와 `binance:BTC/USDT`가 필요") + "."),
        "leveraged_share": T.both(
            "Store: (122630 + 252670) / stored KOSPI 200 ETFs ("
            + (", ".join(sorted(etf_t)) or "none") + ")"
            + ("" if all(c in etf_t for c in LEVERAGED) else "; needs `krx:122630` and `krx:252670`") + ".",
            "저장소: (122630 + 252670) / 저장된 코스피 200 ETF ("
            + (", ".join(sorted(etf_t)) or "없음") + ")"
            + ("" if all(c in etf_t for c in LEVERAGED) else "; `krx:122630`과 `krx:252670`이 필요") + "."),
    }
    lev_parts = [etf_t[c] for c in LEVERAGED if c in etf_t]
    lev = pd.concat(lev_parts, axis=1, sort=True).dropna().sum(axis=1) if len(lev_parts) == 2 else None
    allk = pd.concat(list(etf_t.values()), axis=1, sort=True).dropna().sum(axis=1) if lev is not None else None
    titles: dict[str, Title] = {
        "turnover_ratio": T.title_store_turnover(kc),
        "altcoin_share_kr": T.title_store_altcoin(kc, ke is not None, "KRW"),
        "altcoin_share_global": T.title_store_altcoin(gc, ge is not None, "USDT"),
        "kimchi_premium": T.title_store_kimchi(fx_src),
        "leveraged_share": T.title_store_leveraged(len(etf_t)),
    }
    return HeatInputs(kt, kb, ke, stocks if len(stocks) else None, gt, gb, ge, krw_btc, usd_btc,
                      fx, lev, allk, titles, notes, dict(T.NEEDS_STORE), f"store:{store_path}", "store",
                      {"instruments": sorted(by)})
