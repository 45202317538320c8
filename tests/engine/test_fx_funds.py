"""A leveraged fund on a U.S. index held in won: the fund resets daily in dollars and the holder
bears the won/dollar move once, ``(1 + R_fund,USD)(1 + r_FX) - 1`` (issue 12 §1).

The reference here is computed independently of gaemi's panel and engine: dollar closes and
the DEXKOUS won/dollar rate read from the embedded files with pandas, the fed funds rate in
force over each session taken as the last value on or before the previous session, the fund's
day from the published formula (Avellaneda & Zhang 2010, eq. 1, with fees), then compounded
with the won/dollar return of the same session.
"""

import numpy as np
import pandas as pd
import pytest

import gaemi
from gaemi.config import plan_from_dict
from gaemi.data.catalog import close_history

START, END = "2007-06-01", "2017-06-01"
FEE, SPREAD = 0.0095, 0.004


def _reference_growth(leverage: float, start: str = START, end: str = END) -> tuple[float, float]:
    """(won growth of the correct fund, won growth of L x the won-converted return) by hand."""
    usd = close_history("sp500tr")
    fx = close_history("usdkrw")
    effr = close_history("us_effr") / 100.0
    sess = usd.index[(usd.index >= pd.Timestamp(start)) & (usd.index <= pd.Timestamp(end))]
    p = usd.loc[sess].to_numpy()
    k = fx.reindex(fx.index.union(sess)).ffill().loc[sess].to_numpy()  # as of each session
    rate = effr.reindex(effr.index.union(sess)).ffill().loc[sess].to_numpy()[:-1]  # known at the previous close
    gap = np.diff(sess.to_numpy()).astype("timedelta64[D]").astype(float)
    r = p[1:] / p[:-1] - 1.0
    r_fx = k[1:] / k[:-1] - 1.0
    rf = rate * gap / 360.0
    fund = leverage * r + (1 - leverage) * rf - max(leverage - 1, 0) * SPREAD * gap / 360.0 - FEE / 252.0
    correct = np.prod((1 + fund) * (1 + r_fx))
    r_krw = (p[1:] * k[1:]) / (p[:-1] * k[:-1]) - 1.0
    levered_fx = np.prod(1 + leverage * r_krw + (1 - leverage) * rf
                         - max(leverage - 1, 0) * SPREAD * gap / 360.0 - FEE / 252.0)
    return correct, levered_fx


def _plan(leverage: float, currency: str = "KRW"):
    return plan_from_dict(dict(
        name="fx", currency=currency, horizon_years=10, investor=dict(capital=1e8),
        holdings=[dict(asset="sp500tr", weight=1.0, leverage=leverage, expense_ratio=FEE, financing_spread=SPREAD)],
    ))


@pytest.mark.parametrize("leverage", [3.0, -1.0])
def test_krw_holder_of_a_usd_fund_matches_the_hand_computation(leverage):
    res = gaemi.backtest(_plan(leverage), start=START, end=END)
    growth = res.events()["end_wealth"].iloc[0] / 1e8
    correct, levered_fx = _reference_growth(leverage)
    assert growth == pytest.approx(correct, rel=1e-9)
    # the old error (the exchange rate levered too) is far from it on this window
    assert abs(levered_fx / correct - 1) > 0.05


@pytest.mark.parametrize("leverage", [3.0, -1.0])
def test_usd_plan_is_the_fund_in_its_own_currency(leverage):
    res = gaemi.backtest(_plan(leverage, "USD"), start=START, end=END)
    usd = close_history("sp500tr")
    sess = usd.index[(usd.index >= pd.Timestamp(START)) & (usd.index <= pd.Timestamp(END))]
    fx = close_history("usdkrw").reindex(close_history("usdkrw").index.union(sess)).ffill().loc[sess].to_numpy()
    correct, _ = _reference_growth(leverage)
    # the won growth over the dollar growth is the won/dollar move over the window
    assert correct / (res.events()["end_wealth"].iloc[0] / 1e8) == pytest.approx(fx[-1] / fx[0], rel=1e-9)


def test_spot_holding_in_won_is_the_converted_price():
    plan = plan_from_dict(dict(name="spot", currency="KRW", horizon_years=10, investor=dict(capital=1e8),
                               holdings=[dict(asset="sp500tr", weight=1.0)]))
    res = gaemi.backtest(plan, start=START, end=END)
    usd = close_history("sp500tr")
    sess = usd.index[(usd.index >= pd.Timestamp(START)) & (usd.index <= pd.Timestamp(END))]
    fx = close_history("usdkrw")
    k = fx.reindex(fx.index.union(sess)).ffill().loc[sess].to_numpy()
    p = usd.loc[sess].to_numpy()
    assert res.events()["end_wealth"].iloc[0] / 1e8 == pytest.approx(p[-1] * k[-1] / (p[0] * k[0]), rel=1e-9)
