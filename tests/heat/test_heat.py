"""Heat gauges on the embedded sample, checked against values computed here by hand from the
raw sample files (read directly with gzip/csv/json, not through gaemi's loaders)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date, timedelta
from importlib import resources

import pandas as pd
import pytest

from gaemi.errors import ConfigError
from gaemi.heat import GAUGES, gauges, heat_from_sample


def raw(name: str) -> dict[str, dict[str, str]]:
    path = resources.files("gaemi.data").joinpath("samples", f"{name}.csv.gz")
    with path.open("rb") as fh, gzip.open(fh, "rt") as text:
        return {r["date"]: r for r in csv.DictReader(text)}


def heat_file(name: str) -> bytes:
    return resources.files("gaemi.heat").joinpath("sample", name).read_bytes()


KOSPI, KOSDAQ = raw("kospi"), raw("kosdaq")
UB, UX, BTC, FX = raw("upbit_btc"), raw("upbit_xrp"), raw("btc"), raw("usdkrw")
RES = heat_from_sample()
D = RES.to_dict()


def value(gauge: str, day: str, d: dict = D) -> float:
    return next(r["value"] for r in d[gauge] if r["date"] == day)


@pytest.mark.parametrize("day", ["2017-12-22", "2021-01-11", "2022-11-30"])
def test_turnover_ratio_by_hand(day):
    crypto = float(UB[day]["value"]) + float(UX[day]["value"])
    stocks = float(KOSPI[day]["value"]) + float(KOSDAQ[day]["value"])
    assert value("turnover_ratio", day) == pytest.approx(crypto / stocks, rel=1e-12)


def test_turnover_ratio_only_on_krx_sessions():
    days = {r["date"] for r in D["turnover_ratio"]}
    assert "2021-01-09" not in days  # a Saturday: Upbit traded, KRX did not
    assert days <= set(KOSPI) & set(KOSDAQ) & set(UB)


@pytest.mark.parametrize("day", ["2018-01-06", "2021-04-14"])
def test_altcoin_share_kr_by_hand(day):
    b, x = float(UB[day]["value"]), float(UX[day]["value"])
    assert value("altcoin_share_kr", day) == pytest.approx(1 - b / (b + x), rel=1e-12)
    assert value("altcoin_share_kr", day) == pytest.approx(x / (b + x), rel=1e-12)  # what the title says


def coingecko_by_hand() -> dict[str, float]:
    """The worldwide altcoin share from the raw CoinGecko file, in plain Python: a row dated D is
    CoinGecko's 00:00 UTC snapshot of D, i.e. the volume of day D-1; each coin counts from its first
    non-empty row; a day counts only if every coin counted by then has a value and BTC and ETH do."""
    text = gzip.decompress(heat_file("coingecko_volume_usd.csv.gz")).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    coins = [c for c in rows[0] if c != "date"]
    first = {c: min(r["date"] for r in rows if r[c] != "") for c in coins}
    out = {}
    for r in rows:
        listed = [c for c in coins if first[c] <= r["date"]]
        if "eth" not in listed or any(r[c] == "" for c in listed):
            continue
        total = sum(float(r[c]) for c in listed)
        day = (date.fromisoformat(r["date"]) - timedelta(days=1)).isoformat()
        out[day] = 1 - (float(r["btc"]) + float(r["eth"])) / total
    return out


def test_altcoin_share_global_by_hand_every_day():
    want = coingecko_by_hand()
    got = {r["date"]: r["value"] for r in D["altcoin_share_global"]}
    assert set(got) == set(want) and len(got) > 2900
    assert all(got[d] == pytest.approx(want[d], rel=1e-12) for d in want)
    # spot checks of the calendar: the file's first ETH row (2015-08-07) is the volume of 08-06; ETH's
    # missing row 2015-08-09 drops day 08-08; the last row 2023-08-28 is day 08-27
    assert D["altcoin_share_global"][0]["date"] == "2015-08-06"
    assert "2015-08-08" not in got and D["altcoin_share_global"][-1]["date"] == "2023-08-27"


def test_altcoin_share_global_one_day_written_out():
    # file row 2021-05-20 (day 2021-05-19): all seven coins
    text = gzip.decompress(heat_file("coingecko_volume_usd.csv.gz")).decode()
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["date"] == "2021-05-20")
    vals = {k: float(v) for k, v in row.items() if k != "date"}
    assert len(vals) == 7 and all(v > 0 for v in vals.values())
    want = (vals["xrp"] + vals["doge"] + vals["sol"] + vals["luna"] + vals["ftt"]) / sum(vals.values())
    assert value("altcoin_share_global", "2021-05-19") == pytest.approx(want, rel=1e-12)


def test_kimchi_premium_by_hand():
    # 2018-01-08, a Monday with a DEXKOUS value: the sample's documented peak (+56%)
    day = "2018-01-08"
    want = float(UB[day]["close"]) / (float(BTC[day]["close"]) * float(FX[day]["close"])) - 1
    assert value("kimchi_premium", day) == pytest.approx(want, rel=1e-12)
    assert 0.55 < want < 0.57
    # a Sunday uses Friday's FX (as of, at most 7 days old)
    sun = "2021-03-07"
    want = float(UB[sun]["close"]) / (float(BTC[sun]["close"]) * float(FX["2021-03-05"]["close"])) - 1
    assert sun not in FX and value("kimchi_premium", sun) == pytest.approx(want, rel=1e-12)


def test_kimchi_premium_on_the_recorded_upbit_candles():
    body = json.loads(heat_file("upbit_candles_days.json"))
    closes = {r["candle_date_time_utc"][:10]: r["trade_price"] for r in body}
    assert closes == {"2025-07-29": 163158000.0, "2025-07-28": 162483000.0}
    for day, krw in closes.items():
        want = krw / (float(BTC[day]["close"]) * float(FX[day]["close"])) - 1
        assert value("kimchi_premium", day) == pytest.approx(want, rel=1e-12)
    # 2025-07-28: 162,483,000 / (117,924.4766 x 1,388.21) - 1 = -0.75 %
    assert value("kimchi_premium", "2025-07-28") == pytest.approx(162483000 / (117924.4766 * 1388.21) - 1)
    days = [r["date"] for r in D["kimchi_premium"]]
    assert days[-3:] == ["2022-11-30", "2025-07-28", "2025-07-29"]


def test_leveraged_share_by_hand_from_the_recorded_krx_table():
    rows = json.loads(heat_file("krx_etf_all_MDCSTAT04301.json").decode("utf-8"))["output"]
    val = {r["ISU_SRT_CD"]: int(r["ACC_TRDVAL"].replace(",", "")) for r in rows}
    # KOSPI 200 (and KOSPI 200 futures) ETFs in the trimmed table, by their IDX_IND_NM
    k200 = ["152100", "253150", "253160", "069500", "252670", "122630", "114800"]
    want = (702_009_003_220 + 707_411_021_495) / sum(val[c] for c in k200)
    assert val["122630"] == 702_009_003_220 and val["252670"] == 707_411_021_495
    assert D["leveraged_share"] == [{"date": "2021-03-25", "value": pytest.approx(want, rel=1e-12)}]


def test_titles_say_what_is_computed_from_the_data_present():
    t = D["titles"]
    assert t["altcoin_share_kr"] == "XRP share of Upbit BTC + XRP turnover: XRP / (BTC + XRP)"
    assert "ETH" not in t["altcoin_share_kr"]
    assert t["kimchi_premium"] == "Upbit BTC (KRW) / (Yahoo BTC-USD × USDKRW) − 1"
    assert "7 KOSPI 200 ETFs" in t["leveraged_share"]
    full = "1 − (BTC + ETH) / (BTC + ETH + XRP + DOGE + SOL + LUNA + FTT)"
    assert t["altcoin_share_global"].endswith(full) and "among 7 coins" in t["altcoin_share_global"]
    # a window before LUNA, FTT and SOL existed sums four coins, and the title says so (both languages)
    early = heat_from_sample("2016-01-01", "2016-12-31")
    assert early.title("altcoin_share_global").endswith("1 − (BTC + ETH) / (BTC + ETH + XRP + DOGE)")
    assert "among 4 coins" in early.title("altcoin_share_global")
    assert early.title("altcoin_share_global", "ko").endswith("(코인 4종): 1 − (BTC + ETH) / (BTC + ETH + XRP + DOGE)")
    # LUNA joins on 2019-05-07 (file row 2019-05-08), FTT on 2019-07-29, SOL on 2020-04-10
    mid = heat_from_sample("2019-06-01", "2019-06-30")
    assert mid.title("altcoin_share_global").endswith("(BTC + ETH + XRP + DOGE + LUNA)")
    for g in GAUGES:
        assert RES.title(g, "ko") and RES.title(g, "ko") != RES.title(g, "en")


def _walk(x, path="$"):
    if x is None:
        raise AssertionError(f"null at {path}")
    if isinstance(x, dict):
        for k, v in x.items():
            _walk(v, f"{path}.{k}")
    if isinstance(x, list):
        for i, v in enumerate(x):
            _walk(v, f"{path}[{i}]")


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("window", [(None, None), ("2021-03-01", "2021-03-31"), ("2024-01-01", None)])
def test_json_has_no_null_and_documented_fields(lang, window):
    d = heat_from_sample(*window).to_dict(lang)
    _walk(d)
    assert set(d) == set(GAUGES) | {"names", "titles", "notes", "missing", "source", "start", "end", "lang",
                                    "provenance"}
    assert d["lang"] == lang and d["source"] == "sample"
    for key in ("names", "titles", "notes"):
        assert set(d[key]) == set(GAUGES) and all(isinstance(v, str) and v for v in d[key].values())
    assert set(d["missing"]) == {g for g in GAUGES if not d[g]}
    days = [r["date"] for g in GAUGES for r in d[g]]
    assert d["start"] == min(days) and d["end"] == max(days)
    json.dumps(d, allow_nan=False)


def test_full_sample_span_and_nothing_missing():
    assert (D["start"], D["end"]) == ("2015-08-06", "2025-07-29")
    assert D["missing"] == {}


def test_a_window_without_a_gauge_says_why_and_how_to_get_it():
    r = heat_from_sample("2022-01-01")
    assert set(r.missing) == {"leveraged_share"}
    en, ko = r.missing["leveraged_share"]["en"], r.missing["leveraged_share"]["ko"]
    assert en.startswith("No value from 2022-01-01 on: the embedded sample has this gauge on 2021-03-25.")
    assert "`gaemi data fetch krx 122630 252670" in en and "KRX_ID" in en
    assert ko.startswith("2022-01-01 이후에는 값이 없습니다.") and "`gaemi data fetch krx 122630 252670" in ko
    late = heat_from_sample("2024-01-01", "2025-12-31")
    assert [g for g in GAUGES if len(late.series[g])] == ["kimchi_premium"]
    assert (late.start, late.end) == ("2025-07-28", "2025-07-29")
    k = late.missing["turnover_ratio"]["en"]
    assert "from 2024-01-01 to 2025-12-31" in k and "2017-12-01..2022-11-30" in k
    assert "2015-08-06..2023-08-27" in late.missing["altcoin_share_global"]["en"]


def test_an_empty_window_is_an_error_naming_the_coverage():
    with pytest.raises(ConfigError) as e:
        heat_from_sample("2030-01-01")
    assert e.value.field == "start" and "2015-08-06..2025-07-29" in e.value.allowed
    with pytest.raises(ConfigError) as e:
        heat_from_sample(end="2010-01-01", lang="ko")
    assert e.value.field == "end" and "내장 표본" in e.value.allowed and "2015-08-06..2025-07-29" in e.value.allowed


def test_window_cuts():
    r = heat_from_sample("2021-03-01", "2021-03-31").to_dict()
    assert all("2021-03-01" <= x["date"] <= "2021-03-31" for x in r["kimchi_premium"])
    assert len(r["kimchi_premium"]) == 31


def test_pure_gauges_leave_inputs_alone_and_skip_bad_days():
    idx = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"])
    total = pd.Series([100.0, 0.0, 50.0], index=idx)
    btc = pd.Series([40.0, 10.0, 20.0], index=idx)
    eth = pd.Series([10.0, 5.0, 5.0], index=idx)
    keep = (total.copy(), btc.copy())
    out = gauges.altcoin_share(total, btc, eth)
    assert out.tolist() == [0.5, 0.5] and list(out.index) == [idx[0], idx[2]]
    pd.testing.assert_series_equal(total, keep[0])
    fx = pd.Series([1000.0], index=pd.to_datetime(["2023-12-20"]))
    k = gauges.kimchi_premium(pd.Series([1100.0], index=idx[:1]), pd.Series([1.0], index=idx[:1]), fx)
    assert k.empty  # FX 12 days old: refused, not carried
