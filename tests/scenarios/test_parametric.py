"""Parametric futures against closed forms.

* Drift is geometric: the annual log return has mean log(1 + drift) (the arithmetic reading,
  log(1 + drift) - vol^2 / 2, is rejected by the same test) and standard deviation vol.
* Shocks: correlation ``corr``; Student-t margins: tail probability P(|e| > c) of a t(df)
  scaled to unit variance (scipy.stats.t), unit variance for df = 10.
* Merton (1976) jumps: mean + intensity * jump_mean and variance + intensity * (jump_mean^2 +
  jump_vol^2) per year.
* Collapse: P(collapsed by day n) = 1 - (1 - h)^n; -loss on the day, 0 afterwards.
Tolerances are 4 standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from gaemi.errors import ConfigError
from gaemi.scenarios import Jump, Parametric, month_grid

YEAR = 252


def _log(s: Parametric, n=None):
    b = s.block(0, n or s.n_paths)
    return np.log1p(b.gathered_returns()), b


def _mean_within(x, expected, k=4.0):
    se = x.std(ddof=1) / math.sqrt(x.size)
    assert abs(x.mean() - expected) < k * se, (x.mean(), expected, se)


def _std_within(x, expected, k=4.0):
    # s.e. of a sample standard deviation of (near-)normal data: sigma / sqrt(2 (n - 1))
    se = expected / math.sqrt(2 * (x.size - 1))
    assert abs(x.std(ddof=1) - expected) < k * se, (x.std(ddof=1), expected, se)


def test_annual_drift_is_geometric_and_vol_is_log_vol():
    drift, vol = 0.10, 0.40
    s = Parametric(("a",), 4096, YEAR, seed=1, annual_drift=drift, annual_vol=vol, dist="normal")
    x, _ = _log(s)
    annual = x[:, :, 0].sum(axis=1)  # one year of log returns per path
    _mean_within(annual, math.log1p(drift))
    _std_within(annual, vol)
    # not the arithmetic convention: that would put the mean log return vol^2/2 lower
    se = annual.std(ddof=1) / math.sqrt(annual.size)
    assert abs(annual.mean() - (math.log1p(drift) - vol**2 / 2)) > 10 * se
    # the median path compounds at `drift`
    assert abs(np.median(np.expm1(annual)) - drift) < 0.03


def test_student_t_annual_moments_and_correlation():
    corr = np.array([[1.0, 0.6, -0.2], [0.6, 1.0, 0.1], [-0.2, 0.1, 1.0]])
    drift, vol = [0.07, 0.25, -0.05], [0.18, 0.7, 0.3]
    s = Parametric(("a", "b", "c"), 2048, YEAR, seed=3, annual_drift=drift, annual_vol=vol, corr=corr,
                   dist="t", df=5)
    x, _ = _log(s)
    annual = x.sum(axis=1)
    for k in range(3):
        _mean_within(annual[:, k], math.log1p(drift[k]))
        # a year of t(5) days is close to normal; allow the heavier tail 6 s.e.
        _std_within(annual[:, k], vol[k], k=6.0)
    e = (x - np.log1p(drift) / YEAR) / (np.array(vol) / math.sqrt(YEAR))
    c = np.corrcoef(e.reshape(-1, 3), rowvar=False)
    np.testing.assert_allclose(c, corr, atol=0.01)


@pytest.mark.parametrize("df", [3, 4, 4.5, 10])
def test_student_t_tails_match_scipy(df):
    s = Parametric(("a",), 2048, YEAR, seed=4, annual_drift=0.0, annual_vol=0.1 * math.sqrt(YEAR), dist="t", df=df)
    x, _ = _log(s)
    e = x.reshape(-1) / 0.1  # daily vol 0.1 and zero drift: the unit-variance shocks themselves
    scale = math.sqrt((df - 2) / df)  # t(df) * scale has unit variance
    for c in (2.0, 4.0):
        p = 2 * stats.t.sf(c / scale, df)
        phat = np.mean(np.abs(e) > c)
        se = math.sqrt(p * (1 - p) / e.size)
        assert abs(phat - p) < 4 * se, (df, c, phat, p)
    if df > 8:  # finite 8th moment: the sample variance is reliable
        assert abs(e.var() - 1.0) < 0.01


def test_normal_tails_match_scipy():
    s = Parametric(("a",), 1024, YEAR, seed=4, annual_drift=0.0, annual_vol=0.1 * math.sqrt(YEAR), dist="normal")
    e = _log(s)[0].reshape(-1) / 0.1
    p = 2 * stats.norm.sf(3.0)
    assert abs(np.mean(np.abs(e) > 3.0) - p) < 4 * math.sqrt(p * (1 - p) / e.size)


def test_merton_jump_moments():
    drift, vol = 0.05, 0.2
    j = Jump(intensity=6.0, mean=-0.05, vol=0.08)
    s = Parametric(("a",), 4096, YEAR, seed=8, annual_drift=drift, annual_vol=vol, dist="normal",
                   jumps={"a": j})
    annual = _log(s)[0][:, :, 0].sum(axis=1)
    _mean_within(annual, math.log1p(drift) + j.intensity * j.mean)
    sd = math.sqrt(vol**2 + j.intensity * (j.mean**2 + j.vol**2))
    _std_within(annual, sd, k=5.0)


def test_jumps_leave_the_diffusion_draws_unchanged():
    kw = dict(annual_drift=0.05, annual_vol=[0.2, 0.5], corr=[[1, 0.3], [0.3, 1]], dist="t")
    plain = Parametric(("a", "b"), 300, 100, seed=5, **kw)
    jumpy = Parametric(("a", "b"), 300, 100, seed=5, jumps={"b": Jump(20.0, -0.1, 0.0)}, **kw)
    x0, x1 = _log(plain)[0], _log(jumpy)[0]
    np.testing.assert_array_equal(x0[:, :, 0], x1[:, :, 0])
    diff = x1[:, :, 1] - x0[:, :, 1]
    days = diff != 0
    assert 0 < days.mean() < 0.2
    # a jump day of zero jump-vol moves by a whole number of jumps of -0.1
    n = diff[days] / -0.1
    np.testing.assert_allclose(n, np.rint(n), atol=1e-9)


def test_collapse_hazard():
    h, n_days = 0.002, 500
    s = Parametric(("btc", "doge"), 4096, n_days, seed=6, annual_drift=0.0, annual_vol=[0.6, 1.0],
                   collapse_hazard={"doge": h})
    _, b = _log(s)
    r = b.gathered_returns()[:, :, 1]
    dead = r == -0.999
    assert np.all(dead.sum(axis=1) <= 1)
    hit = dead.any(axis=1)
    p = 1 - (1 - h) ** n_days
    assert abs(hit.mean() - p) < 4 * math.sqrt(p * (1 - p) / hit.size)
    for path in np.flatnonzero(hit)[:50]:
        d = int(np.flatnonzero(dead[path])[0])
        assert np.all(r[path, d + 1:] == 0.0)
        assert np.all(r[path, :d] != 0.0)
    assert not np.any(b.gathered_returns()[:, :, 0] == -0.999)  # btc has no hazard
    # the collapse day, counted from 0, is geometric: P(day 0) = h
    first = np.where(hit, dead.argmax(axis=1), n_days)
    assert abs(np.mean(first == 0) - h) < 4 * math.sqrt(h * (1 - h) / first.size)


def test_extreme_log_returns_stay_above_minus_one():
    s = Parametric(("a",), 256, 400, seed=4, annual_drift=0.0, annual_vol=20 * math.sqrt(YEAR), dist="t", df=2.5)
    r = s.block(0, 256).gathered_returns()
    assert r.min() > -1.0 and np.isfinite(r).all()


def test_collapse_loss_option():
    s = Parametric(("x",), 256, 300, seed=2, annual_drift=0.0, annual_vol=0.5, collapse_hazard={"x": 0.01},
                   collapse_loss=0.9)
    r = s.block(0, 256).gathered_returns()[:, :, 0]
    assert np.any(r == -0.9)


def test_rates_gaps_and_months():
    s = Parametric(("a",), 10, 100, seed=1, annual_drift=0.0, annual_vol=0.1, rate={"kr_cd91": 0.031, "us_effr": 0.045})
    b = s.block(0, 10)
    assert s.rate_names == ("kr_cd91", "us_effr")
    assert np.all(b.rates[b.index] == [0.031, 0.045])
    assert np.all(b.gap_days == 365 / 252)
    np.testing.assert_array_equal(b.new_month, month_grid(100))
    one = Parametric(("a",), 10, 100, seed=1, annual_drift=0.0, annual_vol=0.1)
    assert one.rate_names == ("rate",) and np.all(one.block(0, 10).rates == 0.03)
    assert "log(1 + annual_drift) / 252" in s.provenance["drift_convention"]


@pytest.mark.parametrize("kw,field", [
    ({"df": 2}, "df"), ({"df": 1.5}, "df"), ({"dist": "cauchy"}, "dist"),
    ({"annual_drift": -1.0}, "annual_drift"), ({"annual_vol": -0.1}, "annual_vol"),
    ({"annual_vol": [0.1, 0.2, 0.3]}, "annual_vol"), ({"annual_drift": {"zz": 0.1}}, "annual_drift"),
    ({"corr": [[1, 0.5], [0.4, 1]]}, "corr"), ({"corr": [[1, 1.2], [1.2, 1]]}, "corr"),
    ({"corr": [[1, 1.0], [1.0, 1]]}, "corr"), ({"corr": np.eye(3)}, "corr"),
    ({"jumps": {"zz": Jump(1, 0, 0)}}, "jumps"), ({"jumps": {"a": Jump(-1, 0, 0)}}, "jumps.a.intensity"),
    ({"collapse_hazard": {"b": 1.0}}, "collapse_hazard.b"), ({"collapse_hazard": {"q": 0.1}}, "collapse_hazard"),
    ({"collapse_loss": 1.0}, "collapse_loss"), ({"rate": float("nan")}, "rate"),
])
def test_validation(kw, field):
    args = dict(underlyings=("a", "b"), n_paths=10, n_days=10, seed=1, annual_drift=0.05, annual_vol=0.2) | kw
    with pytest.raises(ConfigError) as e:
        Parametric(**args)
    assert e.value.field == field


def test_jump_spec_as_mapping():
    s = Parametric(("a",), 10, 10, seed=1, annual_drift=0.0, annual_vol=0.1,
                   jumps={"a": {"intensity": 2.0, "mean": -0.1, "vol": 0.05}})
    assert s.jumps["a"] == Jump(2.0, -0.1, 0.05)
