"""GJR-GARCH filtered historical simulation, checked against arch itself and closed forms.

* Parameter recovery: data simulated by arch's own ``ConstantMean(GARCH(1,1,1), StudentsT)``
  with known parameters (5000 sessions); the fit must land within about 4 standard errors
  (arch reports s.e. near 0.01 / 0.016 / 0.009 / 0.5 for alpha / gamma / beta / nu here).
* Same shocks, same numbers: gaemi's recursion against ``arch.univariate.GARCH.simulate`` and
  against ``ARCHModelResult.forecast(method="simulation")`` fed the very same shocks (habit 4).
* The expected variance path of an FHS simulation has a closed form given the residuals'
  empirical moments: E[s2_d] = omega (1 - k^d) / (1 - k) + k^d s2_0 with
  k = alpha E[z^2] + gamma E[z^2 1(z<0)] + beta (Glosten, Jagannathan & Runkle 1993).
"""

from __future__ import annotations

import numpy as np
import pytest

from gaemi.errors import ConfigError, DataError
from gaemi.scenarios import GarchFHS, gjr_garch_paths
from tests.scenarios.helpers import gjr_garch_returns, make_panel

TRUE = {"mu": 0.05, "omega": 0.02, "alpha": 0.05, "gamma": 0.10, "beta": 0.88, "nu": 6.0}
TOL = {"mu": 0.04, "omega": 0.015, "alpha": 0.03, "gamma": 0.06, "beta": 0.04, "nu": 2.5}


def _arch_series(n, seed, params=TRUE):
    from arch.univariate import GARCH, ConstantMean, StudentsT

    m = ConstantMean(None, volatility=GARCH(p=1, o=1, q=1), distribution=StudentsT(seed=np.random.default_rng(seed)))
    return m.simulate([params[k] for k in ("mu", "omega", "alpha", "gamma", "beta", "nu")], n)["data"].to_numpy()


@pytest.fixture(scope="module")
def fitted():
    y = _arch_series(5000, seed=2024)
    panel = make_panel(np.expm1(y[:, None] / 100.0), assets=("ndx",))
    return y, panel, GarchFHS(panel, 4096, 60, seed=9)


def test_recovers_known_parameters(fitted):
    _, _, g = fitted
    est = g.params.loc["ndx"]
    for k, v in TRUE.items():
        assert abs(est[k] - v) < TOL[k], (k, est[k], v)
    assert g.provenance["convergence"]["ndx"] == 0
    assert set(g.provenance["params"]["ndx"]) == set(TRUE)


def test_first_variance_is_arch_one_step_forecast(fitted):
    from arch import arch_model

    _, panel, g = fitted
    y = 100 * np.log1p(panel.returns[:, 0])  # the very series gaemi fits (percent log returns)
    res = arch_model(y, mean="Constant", vol="GARCH", p=1, o=1, q=1, dist="t", rescale=False).fit(disp="off")
    assert g.sigma2_first[0] == pytest.approx(res.forecast(horizon=1, reindex=False).variance.iloc[-1, 0], rel=1e-12)
    np.testing.assert_allclose(g.std_resid[:, 0], np.asarray(res.std_resid), rtol=1e-10, atol=1e-12)


def test_recursion_equals_arch_simulate_on_same_shocks():
    from arch.univariate import GARCH

    p = [0.03, 0.04, 0.12, 0.9]  # omega, alpha, gamma, beta
    z = np.random.default_rng(0).standard_t(5, size=800) / np.sqrt(5 / 3)
    s0 = 1.7
    data, sigma2 = GARCH(p=1, o=1, q=1).simulate(p, 800, rng=lambda n: z[:n], burn=0, initial_value=s0)
    eps, s2 = gjr_garch_paths(z[None, :], s0, *p)
    np.testing.assert_allclose(s2[0], sigma2, rtol=1e-12)
    np.testing.assert_allclose(eps[0], data, rtol=1e-12, atol=1e-14)


def test_fhs_paths_equal_arch_forecast_simulation_on_the_same_residuals(fitted):
    """Feed arch's own simulation forecaster the bootstrapped residuals gaemi draws."""
    from arch import arch_model

    _, panel, g = fitted
    y = 100 * np.log1p(panel.returns[:, 0])  # the very series gaemi fits (percent log returns)
    res = arch_model(y, mean="Constant", vol="GARCH", p=1, o=1, q=1, dist="t", rescale=False).fit(disp="off")
    rows = np.random.default_rng(5).integers(0, len(y), size=(50, 40))
    z = g.std_resid[rows, 0]
    fc = res.forecast(horizon=40, method="simulation", simulations=50, rng=lambda size: z, reindex=False)
    ours = g.simulate_log_returns(rows)[:, :, 0]
    np.testing.assert_allclose(ours, fc.simulations.values[-1], rtol=1e-10, atol=1e-12)


def test_expected_variance_path_closed_form(fitted):
    _, _, g = fitted
    p = g.params.loc["ndx"]
    z = g.std_resid[:, 0]
    m2, m2neg = np.mean(z**2), np.mean(z**2 * (z < 0))
    k = p["alpha"] * m2 + p["gamma"] * m2neg + p["beta"]
    b = g.block(0, g.n_paths)
    y = 100 * np.log1p(b.gathered_returns()[:, :, 0]) - p["mu"]  # eps, percent
    for d in (0, 10, 59):
        e_s2 = p["omega"] * (1 - k**d) / (1 - k) + k**d * g.sigma2_first[0]
        x = y[:, d] ** 2  # E[eps_d^2] = E[z^2] E[s2_d]: z_d is drawn independently of s2_d
        se = x.std(ddof=1) / np.sqrt(x.size)
        assert abs(x.mean() - m2 * e_s2) < 4 * se, (d, x.mean(), m2 * e_s2, se)


def test_rates_and_gaps_are_those_of_the_drawn_dates():
    t = 600
    r = gjr_garch_returns(t, seed=3)
    rates = np.column_stack([np.arange(t) * 1e-5, np.arange(t) * 1e-5 + 0.01])
    gaps = 1.0 + (np.arange(t) % 3)
    panel = make_panel(r, rates=rates, rate_names=("kr_cd91", "us_effr"), gap_days=gaps)
    g = GarchFHS(panel, 300, 25, seed=1)
    b = g.block(0, 300)
    rows = np.rint(b.rates[b.index][..., 0] / 1e-5).astype(int)
    np.testing.assert_array_equal(b.gap_days[b.index], gaps[rows])
    np.testing.assert_allclose(b.rates[b.index][..., 1], rates[rows, 1])
    np.testing.assert_allclose(b.gathered_returns(), np.expm1(g.simulate_log_returns(rows) / 100), rtol=1e-12)
    # shocks are drawn as whole rows: both assets read the same residual date
    assert rows.min() >= 0 and rows.max() < t


def test_given_params_filter_without_estimating(fitted):
    _, panel, g = fitted
    again = GarchFHS(panel, 10, 10, seed=1, params=g.params)
    assert again.provenance["estimated"] is False
    np.testing.assert_allclose(again.std_resid, g.std_resid, rtol=1e-9)
    np.testing.assert_allclose(again.sigma2_first, g.sigma2_first, rtol=1e-9)


@pytest.mark.parametrize("kw,field", [({"dist": "skewt"}, "dist"), ({"dist": "T"}, "dist"),
                                      ({"mean": "AR"}, "mean"), ({"mean": "Constant"}, "mean")])
def test_option_names_validated_before_arch(kw, field):
    panel = make_panel(gjr_garch_returns(300, seed=1))
    with pytest.raises(ConfigError) as e:
        GarchFHS(panel, 10, 10, seed=1, **kw)
    assert e.value.field == field


def test_short_or_flat_history_is_a_data_error():
    with pytest.raises(DataError):
        GarchFHS(make_panel(gjr_garch_returns(50, seed=1)), 10, 10, seed=1)
    flat = np.zeros((300, 1))
    with pytest.raises(DataError):
        GarchFHS(make_panel(flat), 10, 10, seed=1)


def test_recursion_is_pure():
    z = np.random.default_rng(1).standard_normal((4, 30, 2))
    z0 = z.copy()
    a = gjr_garch_paths(z, [1.0, 2.0], [0.1, 0.2], 0.05, 0.1, 0.8)
    b = gjr_garch_paths(z, [1.0, 2.0], [0.1, 0.2], 0.05, 0.1, 0.8)
    np.testing.assert_array_equal(z, z0)
    np.testing.assert_array_equal(a[0], b[0])
    # each asset runs its own recursion
    one = gjr_garch_paths(z[:, :, 1], 2.0, 0.2, 0.05, 0.1, 0.8)
    np.testing.assert_array_equal(a[0][:, :, 1], one[0])
