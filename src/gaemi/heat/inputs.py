"""Collect the gauges' input series from the embedded sample or the store (the edge: reads
data, converts, says what it covers; computes no gauge)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import pandas as pd

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


@dataclass
class HeatInputs:
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
    notes: dict[str, str] = field(default_factory=dict)
    source: str = ""
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


def sample_inputs() -> HeatInputs:
    from gaemi.data.catalog import load_series

    kospi, kosdaq = load_series("kospi"), load_series("kosdaq")
    ub, ux = load_series("upbit_btc"), load_series("upbit_xrp")
    btc_usd, usdkrw = load_series("btc"), load_series("usdkrw")
    crypto = (ub["value"] + ux["value"]).dropna()
    stocks = (kospi["value"] + kosdaq["value"]).dropna()

    path = resources.files("gaemi.heat").joinpath("sample", "krx_etf_all_MDCSTAT04301.json")
    body = json.loads(path.read_text(encoding="utf-8"))
    etfs = krx_etf_day(body)
    day = pd.Timestamp("2021-03-25")  # the request's trdDd (see sample/PROVENANCE.md)
    k200 = {c: v for c, v in etfs.items() if v[1] in K200_INDEX_NAMES}
    lev = sum(k200[c][2] for c in LEVERAGED if c in k200)
    allk = sum(v[2] for v in k200.values())
    idx = pd.DatetimeIndex([day], name="date")
    members = ", ".join(f"{c} {v[0]}" for c, v in k200.items())

    notes = {
        "turnover_ratio": (
            "Sample: crypto = Upbit KRW-BTC + KRW-XRP turnover only (the two embedded Upbit "
            "markets; Upbit's other KRW markets and all of Bithumb are not in the sample, so "
            "this understates the ratio the press quotes); stocks = KOSPI + KOSDAQ 거래대금 (KRX). "
            "Upbit days are UTC days (09:00-09:00 KST), compared on KRX sessions; weekends left out."),
        "altcoin_share_kr": (
            "Sample: only Upbit KRW-BTC and KRW-XRP are embedded and no ETH market, so this is "
            "XRP's share of BTC+XRP turnover on Upbit, not the altcoin share of the whole market."),
        "altcoin_share_global": (
            "Not computable from the sample: no Binance daily history is embedded (the recorded "
            "Binance klines come from its test network and are not market data)."),
        "kimchi_premium": (
            "Sample: Upbit BTC-KRW close / (Yahoo BTC-USD close x USDKRW) - 1. Yahoo BTC-USD "
            "stands in for Binance BTC-USDT (USDT taken at par); USDKRW = FRED DEXKOUS (New York "
            "noon) as of the day, at most 7 days old. Both closes are UTC days."),
        "leveraged_share": (
            f"Sample: one day only, {day.date()}, from a recorded KRX all-ETF table trimmed to "
            f"14 of 467 ETFs; the denominator is the KOSPI 200 / KOSPI 200 futures ETFs in it "
            f"({members}), not every KOSPI 200 ETF, so the share is overstated."),
    }
    return HeatInputs(
        crypto_kr_total=crypto, crypto_kr_btc=ub["value"], crypto_kr_eth=None,
        stocks_total=stocks,
        kr_btc_price=ub["close"], usd_btc_price=btc_usd["close"], usdkrw=usdkrw["close"],
        lev_etfs=pd.Series([lev], index=idx), k200_etfs=pd.Series([allk], index=idx),
        notes=notes, source="sample",
        provenance={"embedded": ["kospi", "kosdaq", "upbit_btc", "upbit_xrp", "btc", "usdkrw"],
                    "recorded": ["heat/sample/krx_etf_all_MDCSTAT04301.json"]},
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

    notes: dict[str, str] = {}
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
                return pd.concat(parts, axis=1).sum(axis=1, min_count=1).dropna()

            return add(total), add(btc), add(eth), counts, estimated

        kt, kb, ke, kc, kest = group(("upbit", "bithumb"), "KRW")
        gt, gb, ge, gc, gest = group(("binance",), "USDT")
        stock_parts, stock_src = [], []
        for name, emb in (("krx:KOSPI", "kospi"), ("krx:KOSDAQ", "kosdaq")):
            if name in by:
                stock_parts.append(st.bars(name)["turnover"].dropna())
                stock_src.append(name)
            else:
                stock_parts.append(load_series(emb)["value"].dropna())
                stock_src.append(f"embedded {emb}")
        stocks = pd.concat(stock_parts, axis=1).dropna().sum(axis=1)
        krw_btc = st.bars("upbit:BTC/KRW")["close"] if "upbit:BTC/KRW" in by else None
        usd_btc = st.bars("binance:BTC/USDT")["close"] if "binance:BTC/USDT" in by else None
        if "yahoo:USDKRW" in by:
            fx, fx_src = st.series("yahoo:USDKRW")["value"], "yahoo:USDKRW"
        else:
            fx, fx_src = load_series("usdkrw")["close"], "embedded usdkrw (FRED DEXKOUS)"
        etf_t = {c: _turnover(st.bars(f"krx:{c}"))[0] for c in KOSPI200_ETFS if f"krx:{c}" in by}

    def cover(counts, est):
        c = ", ".join(f"{v} {k} markets" for k, v in sorted(counts.items())) or "no markets"
        e = (f"; turnover estimated as volume x close for {', '.join(est)} (no traded value "
             "from that endpoint)") if est else ""
        return c + e

    notes["turnover_ratio"] = (
        f"Store: crypto = sum of stored KRW-market turnover ({cover(kc, kest)}); stocks = "
        f"{' + '.join(stock_src)} 거래대금 (KRX only: Nextrade from 2025-03-04 not included). "
        "Upbit days are UTC days, Bithumb days KST days; compared on KRX sessions. The ratio "
        "covers only the markets stored: `gaemi data fetch upbit ALL` stores every KRW market.")
    notes["altcoin_share_kr"] = (
        f"Store: 1 - (BTC+ETH)/total over the stored Korean KRW markets ({cover(kc, kest)})"
        + ("" if ke is not None else "; no ETH market stored (counted as 0)") + ".")
    notes["altcoin_share_global"] = (
        f"Store: Binance USDT markets ({cover(gc, gest)})"
        + ("" if ge is not None else "; no ETH market stored (counted as 0)") + ".")
    notes["kimchi_premium"] = (
        f"Store: upbit:BTC/KRW / (binance:BTC/USDT x {fx_src}) - 1, USDT at par"
        + ("" if krw_btc is not None and usd_btc is not None else
           "; needs upbit:BTC/KRW and binance:BTC/USDT in the store") + ".")
    lev_parts = [etf_t[c] for c in LEVERAGED if c in etf_t]
    notes["leveraged_share"] = (
        "Store: (122630 + 252670) / stored KOSPI 200 ETFs ("
        + (", ".join(sorted(etf_t)) or "none") + ")"
        + ("" if len(lev_parts) == 2 else "; needs krx:122630 and krx:252670") + ".")
    lev = pd.concat(lev_parts, axis=1).dropna().sum(axis=1) if len(lev_parts) == 2 else None
    allk = pd.concat(list(etf_t.values()), axis=1).dropna().sum(axis=1) if lev is not None else None
    return HeatInputs(kt, kb, ke, stocks if len(stocks) else None, gt, gb, ge, krw_btc, usd_btc,
                      fx, lev, allk, notes, f"store:{st.path}",
                      {"instruments": sorted(by)})
