"""Heat gauges on the embedded sample, checked against values computed here by hand from the
raw sample files (read directly with gzip/csv/json, not through gaemi's loaders)."""

from __future__ import annotations

import csv
import gzip
import json
from importlib import resources

import pandas as pd
import pytest

from gaemi.heat import gauges, heat_from_sample


def raw(name: str) -> dict[str, dict[str, str]]:
    path = resources.files("gaemi.data").joinpath("samples", f"{name}.csv.gz")
    with path.open("rb") as fh, gzip.open(fh, "rt") as text:
        return {r["date"]: r for r in csv.DictReader(text)}


KOSPI, KOSDAQ = raw("kospi"), raw("kosdaq")
UB, UX, BTC, FX = raw("upbit_btc"), raw("upbit_xrp"), raw("btc"), raw("usdkrw")
RES = heat_from_sample()
D = RES.to_dict()


def value(gauge: str, day: str) -> float:
    return next(r["value"] for r in D[gauge] if r["date"] == day)


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


def test_leveraged_share_by_hand_from_the_recorded_krx_table():
    path = resources.files("gaemi.heat").joinpath("sample", "krx_etf_all_MDCSTAT04301.json")
    rows = json.loads(path.read_text(encoding="utf-8"))["output"]
    val = {r["ISU_SRT_CD"]: int(r["ACC_TRDVAL"].replace(",", "")) for r in rows}
    # KOSPI 200 (and KOSPI 200 futures) ETFs in the trimmed table, by their IDX_IND_NM
    k200 = ["152100", "253150", "253160", "069500", "252670", "122630", "114800"]
    want = (702_009_003_220 + 707_411_021_495) / sum(val[c] for c in k200)
    assert val["122630"] == 702_009_003_220 and val["252670"] == 707_411_021_495
    assert D["leveraged_share"] == [{"date": "2021-03-25", "value": pytest.approx(want, rel=1e-12)}]


def test_global_altcoin_share_is_empty_and_says_why():
    assert D["altcoin_share_global"] == []
    assert "test network" in D["notes"]["altcoin_share_global"]
    for g in ("turnover_ratio", "altcoin_share_kr", "kimchi_premium", "leveraged_share"):
        assert D["notes"][g].startswith("Sample:")


def test_window_and_json_shape():
    r = heat_from_sample("2021-03-01", "2021-03-31").to_dict()
    assert set(r) >= {"turnover_ratio", "altcoin_share_kr", "altcoin_share_global",
                      "kimchi_premium", "leveraged_share", "notes"}
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
