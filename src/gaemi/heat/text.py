"""Every word the heat gauges show, in Korean and English (one name per concept: the terminal
table, the JSON, the HTML report and the docs use these).

Text that depends on the data (which markets a total covers, which coins a basket holds) is built
by the functions below and carried by :class:`gaemi.heat.HeatResult` in both languages, as
``{"en": ..., "ko": ...}``. Korean follows ``glossary-ko.md`` (거래대금, 알트코인, 김치 프리미엄,
레버리지 / 인버스 ETF). Commands and stored symbols are set in backticks (```gaemi data fetch
upbit ALL```, ```upbit:BTC/KRW```): they are typed as they are, in either language, and the report
shows them as code. Tickers (BTC, ETH, XRP, USDT, KRW), fund names (KODEX 레버리지) and ISO dates
stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

LANGS = ("ko", "en")
Both = dict[str, str]


def both(en: str, ko: str) -> Both:
    return {"en": en, "ko": ko}


#: short names, one per gauge (table rows, chart headings, JSON "names")
NAMES: dict[str, Both] = {
    "turnover_ratio": both("Crypto / stock turnover", "코인 / 주식 거래대금 비율"),
    "altcoin_share_kr": both("Altcoin share, Korean exchanges", "알트코인 거래대금 비중 (국내 거래소)"),
    "altcoin_share_global": both("Altcoin share, worldwide", "알트코인 거래대금 비중 (해외·전 세계)"),
    "kimchi_premium": both("Kimchi premium", "김치 프리미엄"),
    "leveraged_share": both("Leveraged & inverse ETF share", "레버리지·인버스 ETF 거래대금 비중"),
}

#: y-axis words of each gauge's chart
AXES: dict[str, Both] = {
    "turnover_ratio": both("crypto turnover ÷ stock turnover", "코인 거래대금 ÷ 주식 거래대금"),
    "altcoin_share_kr": both("share of turnover", "거래대금 비중"),
    "altcoin_share_global": both("share of volume", "거래대금 비중"),
    "kimchi_premium": both("premium over the dollar price", "달러 가격 대비 프리미엄"),
    "leveraged_share": both("share of ETF turnover", "ETF 거래대금 비중"),
}

#: the gauges table's columns (terminal and report)
COLUMNS: dict[str, Both] = {
    "gauge": both("gauge", "지표"), "days": both("days", "일수"), "span": both("period", "기간"),
    "last": both("last", "최근값"), "median": both("median", "중앙값"), "max": both("highest (date)", "최고 (날짜)"),
}

VENUES_KO = {"upbit": "업비트", "bithumb": "빗썸", "binance": "바이낸스"}
VENUES_EN = {"upbit": "Upbit", "bithumb": "Bithumb", "binance": "Binance"}


def spans_text(spans: Iterable[tuple[str, str]]) -> str:
    """``2017-12-01..2022-11-30, 2025-07-28..2025-07-29`` (a one-day span is the day alone)."""
    return ", ".join(a if a == b else f"{a}..{b}" for a, b in spans)


def markets(counts: dict[str, int], lang: str) -> str:
    """``3 Upbit + 1 Bithumb markets`` / ``업비트 3개·빗썸 1개 마켓``."""
    if not counts:
        return "마켓 없음" if lang == "ko" else "no markets"
    if lang == "ko":
        return "·".join(f"{VENUES_KO.get(v, v)} {n}개" for v, n in sorted(counts.items())) + " 마켓"
    return " + ".join(f"{n} {VENUES_EN.get(v, v)}" for v, n in sorted(counts.items())) + \
        (" market" if sum(counts.values()) == 1 else " markets")


def coin_list(coins: Iterable[str], lang: str) -> str:
    c = list(coins)
    return ("·" if lang == "ko" else ", ").join(c)


# ----------------------------------------------------------------------------- why a gauge is empty

WHERE = {"sample": both("embedded sample", "내장 표본"), "store": both("store", "저장소")}

#: what each gauge needs from the store, and the command that gets it
NEEDS_STORE: dict[str, Both] = {
    "turnover_ratio": both(
        "The crypto/stock turnover ratio needs Korean exchanges' KRW-market turnover on KRX sessions: "
        "run `gaemi data fetch upbit ALL` (and `gaemi data fetch bithumb ALL`).",
        "코인/주식 거래대금 비율에는 한국거래소 개장일의 국내 거래소 원화마켓 거래대금이 필요합니다: "
        "`gaemi data fetch upbit ALL` (그리고 `gaemi data fetch bithumb ALL`)을 실행하세요."),
    "altcoin_share_kr": both(
        "The Korean altcoin share needs the KRW markets of Upbit or Bithumb, BTC among them: "
        "run `gaemi data fetch upbit ALL`.",
        "국내 알트코인 비중에는 BTC를 포함한 업비트나 빗썸의 원화마켓이 필요합니다: "
        "`gaemi data fetch upbit ALL`을 실행하세요."),
    "altcoin_share_global": both(
        "The worldwide altcoin share needs Binance USDT markets, BTC among them: "
        "run `gaemi data fetch binance BTC/USDT ETH/USDT XRP/USDT SOL/USDT DOGE/USDT`.",
        "해외 알트코인 비중에는 BTC를 포함한 바이낸스 USDT 마켓이 필요합니다: "
        "`gaemi data fetch binance BTC/USDT ETH/USDT XRP/USDT SOL/USDT DOGE/USDT`를 실행하세요."),
    "kimchi_premium": both(
        "The kimchi premium needs Upbit and a USD exchange price for the same day: run "
        "`gaemi data fetch upbit BTC/KRW` and `gaemi data fetch binance BTC/USDT` "
        "(USDKRW comes from `yahoo:USDKRW` if stored, else the embedded FRED series).",
        "김치 프리미엄에는 같은 날의 업비트 가격과 해외 달러 거래소 가격이 필요합니다: "
        "`gaemi data fetch upbit BTC/KRW`와 `gaemi data fetch binance BTC/USDT`를 실행하세요 "
        "(원/달러 환율은 `yahoo:USDKRW`가 저장돼 있으면 그것을, 없으면 내장된 미국 연준 환율을 씁니다)."),
    "leveraged_share": both(
        "The leveraged-ETF share needs KRX turnover of 122630 and 252670 and of the other KOSPI 200 ETFs: "
        "run `gaemi data fetch krx 122630 252670 069500 102110 148020 152100 105190 278530 114800` "
        "(KRX needs a login: set KRX_ID and KRX_PW).",
        "레버리지 ETF 비중에는 122630, 252670과 다른 코스피 200 ETF의 한국거래소 거래대금이 필요합니다: "
        "`gaemi data fetch krx 122630 252670 069500 102110 148020 152100 105190 278530 114800`을 "
        "실행하세요 (한국거래소는 로그인이 필요합니다: `KRX_ID`와 `KRX_PW`를 설정하세요)."),
}

#: what the sample lacks for other days, and how to get them
NEEDS_SAMPLE: dict[str, Both] = {
    "turnover_ratio": both(
        "For other days or all of Korea's KRW markets: `gaemi data fetch upbit ALL --since 2017-01-01`, "
        "then `gaemi heat` without `--sample`.",
        "다른 날짜나 국내 원화마켓 전체는 `gaemi data fetch upbit ALL --since 2017-01-01`로 받은 뒤 "
        "`--sample` 없이 `gaemi heat`를 실행하세요."),
    "altcoin_share_kr": both(
        "For other days, and ETH and the other coins: `gaemi data fetch upbit ALL`, then `gaemi heat` "
        "without `--sample`.",
        "다른 날짜와 ETH 등 다른 코인은 `gaemi data fetch upbit ALL`로 받은 뒤 `--sample` 없이 "
        "`gaemi heat`를 실행하세요."),
    "altcoin_share_global": both(
        "Binance's own markets (not in the sample): `gaemi data fetch binance BTC/USDT ETH/USDT XRP/USDT "
        "SOL/USDT DOGE/USDT`, then `gaemi heat` without `--sample`.",
        "바이낸스 마켓 자료는 표본에 없습니다: `gaemi data fetch binance BTC/USDT ETH/USDT XRP/USDT "
        "SOL/USDT DOGE/USDT`로 받은 뒤 `--sample` 없이 `gaemi heat`를 실행하세요."),
    "kimchi_premium": both(
        "The kimchi premium needs Upbit and a USD exchange price for the same day; for other days run "
        "`gaemi data fetch upbit BTC/KRW` and `gaemi data fetch binance BTC/USDT`, then `gaemi heat` "
        "without `--sample`.",
        "김치 프리미엄에는 같은 날의 업비트 가격과 해외 달러 거래소 가격이 필요합니다. 다른 날짜는 "
        "`gaemi data fetch upbit BTC/KRW`와 `gaemi data fetch binance BTC/USDT`로 받은 뒤 `--sample` 없이 "
        "`gaemi heat`를 실행하세요."),
    "leveraged_share": both(
        "Other days need KRX ETF turnover: `gaemi data fetch krx 122630 252670 069500 102110 148020 "
        "152100 105190 278530 114800` (KRX needs a login: KRX_ID, KRX_PW), then `gaemi heat` without "
        "--sample.",
        "다른 날짜에는 한국거래소 ETF 거래대금이 필요합니다: `gaemi data fetch krx 122630 252670 069500 "
        "102110 148020 152100 105190 278530 114800` (한국거래소 로그인 필요: `KRX_ID`, `KRX_PW`)로 받은 뒤 "
        "`--sample` 없이 `gaemi heat`를 실행하세요."),
}


# ----------------------------------------------------------------------------- titles
def title_sample_global(coins: list[str]) -> Both:
    """The CoinGecko basket actually summed in the window (coins join the data on their own dates)."""
    total = " + ".join(coins)
    return both(
        f"Altcoin share of 24h volume among {len(coins)} coins, all exchanges (CoinGecko): "
        f"1 − (BTC + ETH) / ({total})",
        f"코인게코 전 세계 24시간 거래대금 중 알트코인 비중 (코인 {len(coins)}종): 1 − (BTC + ETH) / ({total})")


TITLES_SAMPLE: dict[str, Both] = {
    "turnover_ratio": both(
        "Upbit BTC + XRP KRW-market turnover / KOSPI + KOSDAQ turnover",
        "업비트 BTC+XRP 원화마켓 거래대금 / 코스피+코스닥 거래대금"),
    "altcoin_share_kr": both(
        "XRP share of Upbit BTC + XRP turnover: XRP / (BTC + XRP)",
        "업비트 BTC+XRP 거래대금 중 XRP 비중: XRP / (BTC + XRP)"),
    "kimchi_premium": both(
        "Upbit BTC (KRW) / (Yahoo BTC-USD × USDKRW) − 1",
        "업비트 BTC 원화 가격 / (야후 BTC 달러 가격 × 원/달러 환율) − 1"),
}


def title_sample_leveraged(n_etfs: int) -> Both:
    return both(
        f"KODEX Leverage (122630) + KODEX 200 Futures Inverse 2X (252670) turnover / the {n_etfs} "
        "KOSPI 200 ETFs in a trimmed KRX table",
        f"KODEX 레버리지(122630) + KODEX 200선물인버스2X(252670) 거래대금 / 한국거래소 표 일부에 있는 코스피 200 ETF "
        f"{n_etfs}종 거래대금")


def title_store_turnover(counts: dict[str, int]) -> Both:
    return both(f"Korean crypto turnover ({markets(counts, 'en')}, KRW) / KOSPI + KOSDAQ turnover",
                f"국내 코인 거래대금 (원화마켓: {markets(counts, 'ko')}) / 코스피+코스닥 거래대금")


def title_store_altcoin(counts: dict[str, int], has_eth: bool, quote: str) -> Both:
    f = "1 − (BTC + ETH) / total" if has_eth else "1 − BTC / total (no ETH market stored)"
    fk = "1 − (BTC + ETH) / 합계" if has_eth else "1 − BTC / 합계 (ETH 마켓 없음)"
    return both(f"Altcoin share of turnover on {markets(counts, 'en')} ({quote}): {f}",
                f"{markets(counts, 'ko')} ({quote}) 거래대금 중 알트코인 비중: {fk}")


def title_store_kimchi(fx_src: Both) -> Both:
    return both(f"Upbit BTC/KRW / (Binance BTC/USDT × USDKRW) − 1 (USDKRW: {fx_src['en']})",
                f"업비트 BTC 원화 가격 / (바이낸스 BTC/USDT × 원/달러 환율) − 1 "
                f"(환율: {fx_src['ko']})")


def title_store_leveraged(n_etfs: int) -> Both:
    return both(f"122630 + 252670 turnover / the {n_etfs} stored KOSPI 200 ETFs",
                f"122630 + 252670 거래대금 / 저장된 코스피 200 ETF {n_etfs}종 거래대금")
