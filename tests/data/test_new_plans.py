"""The built-in plans on the newly embedded series run over real history and tell their story."""

from __future__ import annotations

import pandas as pd
import pytest

import gaemi
from gaemi.config import builtin_plan_names, load_plan, plan_from_dict

NEW = ["nvda-tsla-margin", "samsung-margin", "tsll-2x", "luna-severance", "usdt-parking"]


@pytest.mark.parametrize("name", NEW)
def test_new_plan_rolls_over_history(name):
    assert name in builtin_plan_names()
    plan = load_plan(name)
    res = gaemi.rolling(plan)
    s = res.summary()
    assert s["paths"] > 10
    assert 0 <= s["p_goal"] <= 1
    first = pd.Timestamp(str(res.path_labels[0]))
    assert plan.goal.price_index == "seoul_apt"
    note = res.provenance.get("home_price")
    if first < pd.Timestamp("2015-01-31"):  # before the index: price_growth until it begins, and said so
        assert note and "price_growth" in note
    else:
        assert note is None


def test_luna_severance_from_2021_graduates_before_the_collapse():
    plan = load_plan("luna-severance")
    res = gaemi.backtest(plan, start="2021-01-04")
    ev = res.events().iloc[0]
    assert 0 <= int(ev["goal_day"]) and res.day_dates[int(ev["goal_day"])] < pd.Timestamp("2022-05-01")
    kept = res.summary()["median_end_wealth"]
    assert kept > 3 * plan.investor.capital  # graduated into deposits before May 2022
    held = plan_from_dict({**plan.model_dump(), "graduate": {"enabled": False}})
    rode = gaemi.backtest(held, start="2021-01-04").summary()
    assert rode["p_wipeout"] == 1.0 and rode["median_end_wealth"] < 0.01 * plan.investor.capital


def test_samsung_and_nvda_tsla_plans_use_margin():
    for name in ("samsung-margin", "nvda-tsla-margin"):
        assert load_plan(name).margin is not None
    tsll = load_plan("tsll-2x").holdings[0]
    assert tsll.asset == "tsla" and tsll.leverage == 2.0 and tsll.expense_ratio == 0.0095
