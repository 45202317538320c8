"""The compiled kernel and its plain numpy twin agree on random plans and returns (1e-9 relative)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaemi.config import plan_from_dict
from gaemi.engine.run import months_in, run_path_block
from gaemi.engine.spec import build_spec
from gaemi.scenarios.base import PathBlock

holding = st.fixed_dictionaries(
    {
        "leverage": st.sampled_from([1.0, 2.0, 3.0, -1.0, -2.0, 1.5]),
        "expense_ratio": st.sampled_from([0.0, 0.0095]),
        "financing_spread": st.sampled_from([0.0, 0.004]),
        "termination_drop": st.sampled_from([None, 0.5]),
        "structure": st.sampled_from([None, "swap", "futures"]),
        "u": st.integers(0, 1),
        "collapse_hazard": st.sampled_from([None, None, 0.0, 3.0]),  # None: a's class default (altcoin)
        "collapse_drop": st.sampled_from([None, 0.5, 1.0]),
    }
)


@st.composite
def plans(draw):
    hs = draw(st.lists(holding, min_size=1, max_size=3))
    dep_w = draw(st.sampled_from([0.0, 0.2]))
    raw_w = np.array([draw(st.floats(0.1, 1.0)) for _ in hs])
    w = raw_w / raw_w.sum() * (1 - dep_w)
    holdings = []
    for h, wi in zip(hs, w):
        d = {"asset": "ab"[h["u"]], "weight": float(wi), "leverage": h["leverage"],
             "expense_ratio": h["expense_ratio"], "financing_spread": h["financing_spread"]}
        if h["termination_drop"]:
            d["termination_drop"] = h["termination_drop"]
        if h["structure"]:
            d["structure"] = h["structure"]
        for k in ("collapse_hazard", "collapse_drop"):
            if h[k] is not None:
                d[k] = h[k]
        holdings.append(d)
    if dep_w:
        holdings.append({"asset": "deposit", "weight": 1.0 - float(sum(w))})
    p = {
        "name": "h",
        "currency": draw(st.sampled_from(["KRW", "USD"])),  # asset a is quoted in USD, b in KRW
        "investor": {"capital": draw(st.floats(1e6, 1e8)), "monthly_saving": draw(st.sampled_from([0.0, 1e6])),
                     "saving_growth": 0.03},
        "holdings": holdings,
        "deposit": draw(st.sampled_from([{"rate": 0.03}, {"series": "r", "spread": 0.001}])),
        "rebalance": {"rule": draw(st.sampled_from(["none", "monthly", "threshold"])), "threshold": 0.05},
        "wipeout_floor": 0.1,
    }
    if draw(st.booleans()):
        p["margin"] = {"loan_to_equity": draw(st.sampled_from([0.5, 1.0, 2.0])),
                       "call_deadline_days": draw(st.integers(0, 3)),
                       "forced_sale": draw(st.sampled_from(["restore", "all"])),
                       "haircut": draw(st.sampled_from([0.0, 0.03])),
                       "on_contributions": draw(st.booleans()),
                       "rate_tiers": draw(st.sampled_from([[[7, 0.049], [15, 0.085], [99999, 0.093]],
                                                           [[3, 0.05], [10, 0.07], [30, 0.09], [99999, 0.11]],
                                                           [[99999, 0.08]]])),
                       "maturity_days": draw(st.sampled_from([None, 12, 40, 150])),
                       "at_maturity": draw(st.sampled_from(["extend", "repay"])),
                       "extension_rate": draw(st.sampled_from([None, 0.12]))}
    if draw(st.booleans()):
        p["goal"] = {"amount": draw(st.floats(2e6, 5e8)), "growth": 0.02}
        p["graduate"] = {"enabled": draw(st.booleans())}
    if draw(st.booleans()):
        p["stop_loss"] = {"drawdown": draw(st.floats(0.2, 0.6))}
    return plan_from_dict(p)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(), seed=st.integers(0, 2**32 - 1), per_path_months=st.booleans(), per_path_goal=st.booleans(),
       collapses=st.booleans())
def test_compiled_equals_reference(plan, seed, per_path_months, per_path_goal, collapses):
    rng = np.random.default_rng(seed)
    rows, n_days = 400, 150
    n_paths = int(rng.choice([24, 150]))  # one partial lock-step group of 64, or two full and a partial
    vol = rng.choice([0.01, 0.03, 0.08])
    returns = np.maximum(rng.standard_t(3, size=(rows, 2)) * vol, -0.95)
    fx = rng.normal(0.0, 0.008, size=(rows, 1))  # the dollar in won; the won in dollars
    returns = np.concatenate([returns, fx, 1.0 / (1.0 + fx) - 1.0], axis=1)
    rates = np.abs(rng.normal(0.03, 0.01, size=(rows, 3)))
    gaps = rng.choice([1.0, 1.0, 1.0, 3.0], size=rows)
    index = rng.integers(0, rows, size=(n_paths, n_days))
    if per_path_months:
        nm = rng.random((n_paths, n_days)) < 0.05
        nm[:, 0] = False
    else:
        nm = np.zeros((1, n_days), dtype=bool)
        nm[0, 21::21] = True
    block = PathBlock(0, returns, rates, gaps, index, nm)
    spec = build_spec(plan, ["a", "b", "fx:USD", "fx:KRW"], ["us_effr", "r", "kr_cd91"], n_days,
                      rate_basis={"us_effr": 360.0, "r": 365.0, "kr_cd91": 365.0},
                      asset_currency=lambda n: {"a": "USD", "b": "KRW"}[n],
                      # collapses (docs/risks.md): a is an altcoin (0.2 a year unless the holding says),
                      # b has no hazard unless the holding says
                      collapse_seed=seed if collapses else None,
                      asset_class=lambda n: {"a": "altcoin", "b": "stock"}[n])
    if per_path_goal and spec.goal_target.shape[1]:  # a goal that differs by path (home-price index)
        import dataclasses

        spec = dataclasses.replace(spec, goal_target=spec.goal_target * rng.uniform(0.7, 1.3, (n_paths, 1)))
    m = months_in(nm)
    a = run_path_block(spec, block, m, "compiled")
    b = run_path_block(spec, block, m, "reference")
    np.testing.assert_array_equal(a.ints, b.ints)
    np.testing.assert_allclose(a.floats, b.floats, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(a.month_wealth, b.month_wealth, rtol=1e-9, atol=1e-6, equal_nan=True)
