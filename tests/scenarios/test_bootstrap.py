"""Stationary bootstrap: moments, block lengths, correlation and clustering.

Reference values are properties of the method, not our output: with circular reading and
uniform block starts every drawn row is uniform over the history, so the expected mean and
variance are the panel's own (Politis & Romano 1994, section 2); a block restarts on a day
with probability p = 1 / mean_block; two consecutive days share a block with probability
1 - p, so the lag-1 autocorrelation of squared returns is (1 - p) times the history's
(circular) one. Tolerances are 4 standard errors estimated from independent paths.
"""

from __future__ import annotations

import numpy as np
import pytest

from gaemi.errors import ConfigError
from gaemi.scenarios import StationaryBootstrap, default_mean_block
from tests.scenarios.helpers import gjr_garch_returns, make_panel

T = 2000


@pytest.fixture(scope="module")
def panel():
    # strongly clustered history: alpha 0.10, gamma 0.10, beta 0.83, nu 8
    return make_panel(gjr_garch_returns(T, seed=5, params=[0.05, 0.05, 0.10, 0.10, 0.83, 8.0], corr=0.6))


@pytest.fixture(scope="module")
def gathered(panel):
    s = StationaryBootstrap(panel, 2000, 250, seed=42, mean_block=20)
    return s, s.block(0, 2000)


def _within(values_per_path, expected, k=4.0):
    m = values_per_path.mean()
    se = values_per_path.std(ddof=1) / np.sqrt(values_per_path.size)
    assert abs(m - expected) < k * se, (m, expected, se)


def test_mean_and_variance_within_sampling_error(panel, gathered):
    _, b = gathered
    r = b.gathered_returns()  # (paths, days, assets)
    mu = panel.returns.mean(axis=0)
    var = panel.returns.var(axis=0)  # population variance of the history
    for a in range(2):
        _within(r[:, :, a].mean(axis=1), mu[a])
        _within(((r[:, :, a] - mu[a]) ** 2).mean(axis=1), var[a])


def test_rows_are_the_panels_rows(panel, gathered):
    _, b = gathered
    assert np.shares_memory(b.returns, panel.returns) and np.shares_memory(b.rates, panel.rates)
    assert b.index.min() >= 0 and b.index.max() < T


def test_restart_rate_matches_mean_block(gathered):
    s, b = gathered
    ix = b.index
    jumps = ix[:, 1:] != (ix[:, :-1] + 1) % T  # a restart, unless it happened to land on the next row
    p = 1 / s.mean_block
    expected = p * (1 - 1 / T)
    _within(jumps.mean(axis=1), expected)
    # the realised mean block length, 1 / restart rate, is the requested one (within 3 %)
    assert abs(1 / jumps.mean() - s.mean_block) / s.mean_block < 0.03


@pytest.mark.parametrize("mean_block", [1, 3.5, 60])
def test_restart_rate_other_lengths(panel, mean_block):
    b = StationaryBootstrap(panel, 1024, 200, seed=7, mean_block=mean_block).block(0, 1024)
    jumps = b.index[:, 1:] != (b.index[:, :-1] + 1) % T
    _within(jumps.mean(axis=1), (1 / mean_block) * (1 - 1 / T))


def test_cross_asset_correlation_preserved(panel, gathered):
    _, b = gathered
    r = b.gathered_returns().reshape(-1, 2)
    c_hist = np.corrcoef(panel.returns, rowvar=False)[0, 1]
    c_boot = np.corrcoef(r, rowvar=False)[0, 1]
    assert c_hist > 0.3
    assert abs(c_boot - c_hist) < 0.02


def _acf1_sq(r, m, v):
    x = r**2
    return ((x[:, :-1] - m) * (x[:, 1:] - m)).mean(axis=1) / v


def test_volatility_clustering_survives(panel, gathered):
    s, b = gathered
    x = panel.returns[:, 0] ** 2
    m, v = x.mean(), x.var()
    rho_circ = ((x - m) * (np.roll(x, -1) - m)).mean() / v
    assert rho_circ > 0.1  # the history clusters
    r = b.gathered_returns()[:, :, 0]
    _within(_acf1_sq(r, m, v), (1 - 1 / s.mean_block) * rho_circ)
    # an i.i.d. bootstrap (blocks of one day) destroys it
    iid = StationaryBootstrap(panel, 2000, 250, seed=42, mean_block=1).block(0, 2000).gathered_returns()[:, :, 0]
    _within(_acf1_sq(iid, m, v), 0.0)


def test_default_mean_block_is_arch_optimal_block_length(panel):
    from arch.bootstrap import optimal_block_length

    expected = max(1, int(round(optimal_block_length(panel.returns)["stationary"].max())))
    assert default_mean_block(panel.returns) == expected
    s = StationaryBootstrap(panel, 10, 10, seed=1)
    assert s.mean_block == expected
    assert s.provenance["mean_block_source"].startswith("arch")


def test_paths_start_anywhere(panel, gathered):
    _, b = gathered
    first = b.index[:, 0]
    # uniform over T rows: mean (T-1)/2, sd T/sqrt(12)
    assert abs(first.mean() - (T - 1) / 2) < 4 * (T / np.sqrt(12)) / np.sqrt(first.size)


@pytest.mark.parametrize("bad", [0.5, 0, -2, float("nan"), float("inf"), "20", True])
def test_bad_mean_block(panel, bad):
    with pytest.raises(ConfigError) as e:
        StationaryBootstrap(panel, 10, 10, seed=1, mean_block=bad)
    assert e.value.field == "mean_block"


@pytest.mark.parametrize("field,kw", [("n_paths", {"n_paths": 0}), ("n_days", {"n_days": -5}),
                                      ("seed", {"seed": -1})])
def test_bad_sizes(panel, field, kw):
    args = {"n_paths": 10, "n_days": 10, "seed": 1} | kw
    with pytest.raises(ConfigError) as e:
        StationaryBootstrap(panel, **args)
    assert e.value.field == field


def test_seed_none_is_recorded(panel):
    s = StationaryBootstrap(panel, 10, 10, seed=None, mean_block=5)
    again = StationaryBootstrap(panel, 10, 10, seed=s.provenance["seed"], mean_block=5)
    np.testing.assert_array_equal(s.block(0, 10).index, again.block(0, 10).index)
