"""A KRX futures-based inverse fund in a plan (issue 12 §2): the spread is charged on the whole
short exposure, ``R = L r_TR + (1 - L) rf - |L| s gap / 365 - fee / 252``, on the KOSPI 200 total
return and CD91 (ACT/365). The reference is computed by hand with pandas from the embedded files
(the rate in force over a session: the last value on or before the previous session)."""

import numpy as np
import pandas as pd
import pytest

import gaemi
from gaemi.config import plan_from_dict
from gaemi.data.catalog import close_history

START, END = "2015-01-02", "2019-12-30"
FEE, SPREAD = 0.0064, 0.0165


def _hand(leverage: float, exposure: float) -> float:
    px = close_history("kospi200tr")
    cd = close_history("kr_cd91") / 100.0
    sess = px.index[(px.index >= pd.Timestamp(START)) & (px.index <= pd.Timestamp(END))]
    p = px.loc[sess].to_numpy()
    rate = cd.reindex(cd.index.union(sess)).ffill().loc[sess].to_numpy()[:-1]
    gap = np.diff(sess.to_numpy()).astype("timedelta64[D]").astype(float)
    r = p[1:] / p[:-1] - 1.0
    fund = leverage * r + (1 - leverage) * rate * gap / 365 - exposure * SPREAD * gap / 365 - FEE / 252
    return float(np.prod(1 + fund))


@pytest.mark.parametrize("leverage, structure, exposure", [(-2.0, "futures", 2.0), (-2.0, "swap", 0.0),
                                                           (2.0, "futures", 1.0)])
def test_krx_fund_in_a_plan_matches_the_hand_computation(leverage, structure, exposure):
    plan = plan_from_dict(dict(
        name="krx", currency="KRW", horizon_years=5, investor=dict(capital=1e8),
        holdings=[dict(asset="kospi200tr", weight=1.0, leverage=leverage, structure=structure,
                       expense_ratio=FEE, financing_spread=SPREAD, rate="kr_cd91")]))
    res = gaemi.backtest(plan, start=START, end=END)
    assert res.events()["end_wealth"].iloc[0] / 1e8 == pytest.approx(_hand(leverage, exposure), rel=1e-9)


def test_default_structure_of_a_krw_underlying_is_futures():
    plan = plan_from_dict(dict(
        name="krx", currency="KRW", horizon_years=5, investor=dict(capital=1e8),
        holdings=[dict(asset="kospi200tr", weight=1.0, leverage=-2.0, expense_ratio=FEE, financing_spread=SPREAD)]))
    res = gaemi.backtest(plan, start=START, end=END)
    assert res.events()["end_wealth"].iloc[0] / 1e8 == pytest.approx(_hand(-2.0, 2.0), rel=1e-9)
