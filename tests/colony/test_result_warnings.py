"""A colony result says what its amplification stands on: impact and dip-buying are assumptions, and
an amplification below 1 comes from the modelled dip-buying, not from selling that calms prices."""

from gaemi.colony import colony
from gaemi.colony.run import ColonyParams


def _codes(res):
    return {w["code"] for w in res.summary()["warnings"]}


def test_march_2020_amplification_below_one_is_explained_by_dip_buying():
    res = colony(start="2020-02-21", end="2020-03-24", investors=4000, seed=7, curve="none")
    assert "not fitted" in res.summary()["assumptions"]["not_fitted"]
    amp = res.summary()["amplification"]
    assert ("dip_buying_outweighs_selling" in _codes(res)) == (amp < 1)
    no_dip = colony(start="2020-02-21", end="2020-03-24", investors=4000, seed=7, curve="none",
                    params=ColonyParams(dip_behaviours=()))
    assert no_dip.summary()["amplification"] >= 1  # the selling alone deepens the fall
    assert "dip_buying_outweighs_selling" not in _codes(no_dip)


def test_no_feedback_no_dip_buying_warning():
    res = colony(scenario="kospi-limit-down", investors=2000, seed=1, impact=0, curve="none")
    assert res.summary()["amplification"] == 1
    assert "dip_buying_outweighs_selling" not in _codes(res)
