"""ColonyResult: the summary adds up (groups to totals, days to totals, curve points to runs), exports
(to_frame, to_json) and carries its provenance; the generated colony gives the same numbers for the
same seed whatever the shard size."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from gaemi.colony import ColonyResult, colony
from gaemi.colony.buckets import BUCKETS
from gaemi.colony.result import _clean
from gaemi.errors import ConfigError
from tests.colony._colony_cases import CRASH, population, shock_table


@pytest.fixture(scope="module")
def res() -> ColonyResult:
    return colony(shock=CRASH, population=population(n=4000, margin_share=0.3), seed=9, impact=2.0, curve="1,4")


def test_summary_adds_up(res):
    s = res.summary()
    days = CRASH["days"]
    assert s["investors"] == 4000 and s["represented"] == pytest.approx(4000 * 500.0)
    assert len(s["days"]) == days + 1 and len(s["margin_balance_by_day"]) == days + 1
    assert len(s["forced_sales_krw_by_day"]) == days
    assert s["forced_sales_krw"] == pytest.approx(sum(s["forced_sales_krw_by_day"]))
    by_bucket = s["forced_sales_krw_by_day_and_bucket"]
    assert set(by_bucket) == set(BUCKETS)
    assert np.sum([by_bucket[b] for b in BUCKETS], axis=0) == pytest.approx(s["forced_sales_krw_by_day"])
    for axis in ("by_decile", "by_age_band", "by_holder_type", "by_margin"):
        rows = s[axis]
        assert math.fsum(r["investors"] for r in rows) == pytest.approx(s["represented"])
        assert math.fsum(r["loss_krw"] for r in rows) == pytest.approx(s["total_loss_krw"], rel=1e-12)
        assert math.fsum(r["loss_without_feedback_krw"] for r in rows) == pytest.approx(
            s["loss_without_feedback_krw"], rel=1e-12)
    assert s["feedback_loss_krw"] == pytest.approx(s["total_loss_krw"] - s["loss_without_feedback_krw"])
    assert s["amplification"] == pytest.approx(s["total_loss_krw"] / s["loss_without_feedback_krw"])
    # the margin balance falls only through repayment: the three channels add up to the fall
    repaid = s["margin_repaid_krw"]
    fall = s["margin_balance_start_krw"] - s["margin_balance_end_krw"]
    assert repaid["forced_sales"] + repaid["voluntary_sales"] + repaid["top_ups"] == pytest.approx(fall, rel=1e-9)
    # nobody without a loan is force-sold or wiped out
    no_margin = s["by_margin"][0]
    assert no_margin["share_force_sold"] == 0 and no_margin["share_wiped_out"] == 0
    curve = {p["impact"]: p for p in s["amplification_curve"]}
    assert sorted(curve) == [0.0, 1.0, 2.0, 4.0]
    assert curve[0.0]["amplification"] == 1.0 and curve[2.0]["amplification"] == s["amplification"]
    assert curve[2.0]["total_loss_krw"] == s["total_loss_krw"]
    prices = s["prices"]
    assert prices["without_feedback"]["deposit"] == [1.0] * (days + 1)
    growth = np.prod(1 + np.array(CRASH["returns"]["kosdaq_theme"]))
    assert prices["without_feedback"]["kosdaq_theme"][-1] == pytest.approx(growth, rel=1e-12)
    assert s["history"] is None and s["warnings"] == []
    assert s["assumptions"]["params"]["maintenance_ratio"] == 1.4


def test_frame_and_json(res):
    f = res.to_frame()
    assert len(f) == CRASH["days"] + 1 and f.index.name == "day"
    assert f["margin_balance_krw"].tolist() == res.summary()["margin_balance_by_day"]
    assert f["forced_sales_krw"].iloc[1:].tolist() == pytest.approx(res.summary()["forced_sales_krw_by_day"])
    for b in BUCKETS:
        assert f"price_{b}" in f and f"price_{b}_without_feedback" in f
    back = json.loads(res.to_json())
    assert back == json.loads(json.dumps(_clean(res.summary()), ensure_ascii=False))
    assert "amplification" in repr(res)


def test_a_rise_has_no_amplification_and_says_why():
    r = colony(shock=shock_table(2, kospi_large=0.05, kosdaq_theme=0.03), population=population(n=500), seed=1,
               curve="none")
    s = r.summary()
    assert s["total_loss_krw"] < 0 and s["amplification"] is None
    assert [w["code"] for w in s["warnings"]] == ["no_loss"]
    assert all(w["message_ko"] for w in s["warnings"])


def test_generated_colony_same_seed_same_numbers_whatever_the_shard_size():
    a = colony(scenario="kospi-limit-down", investors=9000, seed=21, curve="none").summary()
    b = colony(scenario="kospi-limit-down", investors=9000, seed=21, curve="none", shard_size=4096).summary()
    c = colony(scenario="kospi-limit-down", investors=9000, seed=22, curve="none").summary()
    assert b["provenance"]["shards"] == 3
    for s in (a, b, c):
        s.pop("provenance")
    assert a == b
    assert a["total_loss_krw"] != c["total_loss_krw"]


def test_api_refuses_bad_arguments_before_any_work():
    for kw, field in [({"investors": 0}, "investors"), ({"impact": -0.5}, "impact"), ({"curve": "1,x"}, "curve"),
                      ({"workers": 0}, "workers"), ({"seed": -1}, "seed"), ({"scheduler": ""}, "scheduler"),
                      ({"params": {"delever_speed": 2.0}}, "delever_speed"),
                      ({"params": {"dip_behaviours": ("gamblers",)}}, "dip_behaviours"),
                      ({"shard_size": 0}, "shard_size")]:
        with pytest.raises(ConfigError) as e:
            colony(scenario="kospi-limit-down", **kw)
        assert e.value.field == field, (kw, e.value)
