"""The threshold rule measures drift against every target weight, the deposit's included, when
there is no loan (issue 12 §4): a 60/40 fund/deposit plan against a hand computation."""

import numpy as np
import pytest

from gaemi.engine import layout as L

from .helpers import plan, run


def _hand(returns, w_fund=0.6, threshold=0.05, capital=100.0):
    """Hold 60 % in the fund and 40 % in a deposit paying nothing; after each session's move,
    if either weight is more than ``threshold`` from its target, reset both to the targets."""
    fund, dep = w_fund * capital, (1 - w_fund) * capital
    n_rebalances = 0
    for r in returns:
        fund *= 1 + r
        gross = fund + dep
        if abs(fund / gross - w_fund) > threshold or abs(dep / gross - (1 - w_fund)) > threshold:
            fund, dep = w_fund * gross, (1 - w_fund) * gross
            n_rebalances += 1
    return fund + dep, n_rebalances


@pytest.mark.parametrize("implementation", ["compiled", "reference"])
@pytest.mark.parametrize("leverage", [1.0, 2.0])
def test_sixty_forty_threshold_matches_hand(implementation, leverage):
    rng = np.random.default_rng(5)
    returns = rng.normal(0.0, 0.03, 300)
    p = plan(holdings=[dict(asset="a", weight=0.6, leverage=leverage, expense_ratio=0.0, financing_spread=0.0),
                       dict(asset="deposit", weight=0.4)],
             deposit=dict(rate=0.0), rebalance=dict(rule="threshold", threshold=0.05))
    out = run(p, returns, implementation=implementation)
    fund_r = leverage * returns  # no rate, no costs: L r
    end, n = _hand(fund_r)
    assert n >= 3  # the rule fires on this path
    assert out.floats[0, L.END_WEALTH] == pytest.approx(end, rel=1e-12)
    never = 60.0 * np.prod(1 + fund_r) + 40.0
    assert abs(out.floats[0, L.END_WEALTH] / never - 1) > 1e-3  # the old rule never fired with one fund


def test_first_rebalance_day_by_hand():
    """A fund rising 2 % a session: its weight 60*1.02^d / (60*1.02^d + 40) first exceeds 65 %
    after ln(74.2857/60)/ln(1.02) = 10.8 sessions, so on the 11th session the deposit is topped
    up back to 40 %."""
    p = plan(holdings=[dict(asset="a", weight=0.6), dict(asset="deposit", weight=0.4)],
             deposit=dict(rate=0.0), rebalance=dict(rule="threshold", threshold=0.05))
    n = 11
    out = run(p, np.full(n, 0.02))
    gross = 60 * 1.02**n + 40
    assert out.floats[0, L.END_DEPOSIT] == pytest.approx(0.4 * gross, rel=1e-12)
    out10 = run(p, np.full(n - 1, 0.02))
    assert out10.floats[0, L.END_DEPOSIT] == pytest.approx(40.0, rel=1e-12)  # not yet on the 10th
