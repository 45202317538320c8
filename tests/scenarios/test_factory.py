"""make_scenarios: model names, sizes and options validated; each model built."""

from __future__ import annotations

import math

import numpy as np
import pytest

import gaemi.scenarios as sc
from gaemi.errors import ConfigError
from gaemi.scenarios import MODELS, GarchFHS, Parametric, StationaryBootstrap, calibrate, make_scenarios
from tests.scenarios.helpers import gjr_garch_returns, make_panel


@pytest.fixture(scope="module")
def panel():
    return make_panel(gjr_garch_returns(800, seed=1), assets=("ndxtr", "btc"), rate_names=("us_effr", "kr_cd91"))


@pytest.mark.parametrize("model", ["", "Bootstrap", "garch-t", "monte-carlo", None, 3])
def test_bad_model(panel, model):
    with pytest.raises(ConfigError) as e:
        make_scenarios(model, panel, 10, 10, 1)
    assert e.value.field == "model" and e.value.value == model
    assert all(m in e.value.allowed for m in MODELS)


@pytest.mark.parametrize("n_paths", [0, -5, 2.5, True])
def test_bad_n_paths(panel, n_paths):
    with pytest.raises(ConfigError) as e:
        make_scenarios("bootstrap", panel, n_paths, 10, 1)
    assert e.value.field == "n_paths"


@pytest.mark.parametrize("n_days", [0, -1, "10"])
def test_bad_n_days(panel, n_days):
    with pytest.raises(ConfigError) as e:
        make_scenarios("parametric", panel, 10, n_days, 1)
    assert e.value.field == "n_days"


def test_unknown_option_named(panel):
    with pytest.raises(ConfigError) as e:
        make_scenarios("bootstrap", panel, 10, 10, 1, block=5)
    assert e.value.field == "options.block" and "mean_block" in e.value.allowed


def test_each_model(panel):
    h = make_scenarios("historical", panel, 10, 100, None, step=5)
    assert h.n_paths == len(range(0, 800 - 100 + 1, 5)) and h.provenance["model"] == "historical"
    b = make_scenarios("bootstrap", panel, 10, 100, 1, mean_block=7)
    assert isinstance(b, StationaryBootstrap) and b.mean_block == 7
    g = make_scenarios("garch", panel, 10, 100, 1, dist="normal")
    assert isinstance(g, GarchFHS) and g.provenance["dist"] == "normal"
    p = make_scenarios("parametric", panel, 10, 100, 1)
    assert isinstance(p, Parametric)
    assert p.underlyings == panel.assets and p.rate_names == panel.rate_names
    assert p.provenance["rates"] == {"us_effr": 0.03, "kr_cd91": 0.03}


def test_parametric_calibrated_from_the_panel(panel):
    x = np.log1p(panel.returns)
    c = calibrate(panel)
    np.testing.assert_allclose(c["annual_drift"], np.exp(252 * x.mean(axis=0)) - 1)
    np.testing.assert_allclose(c["annual_vol"], math.sqrt(252) * x.std(axis=0, ddof=1))
    np.testing.assert_allclose(np.array(c["corr"])[0, 1], np.corrcoef(x.T)[0, 1])
    p = make_scenarios("parametric", panel, 10, 10, 1, annual_vol=0.5, rate=0.02)
    np.testing.assert_allclose(p.annual_vol, 0.5)
    np.testing.assert_allclose(p.annual_drift, c["annual_drift"])
    assert p.provenance["rates"] == {"us_effr": 0.02, "kr_cd91": 0.02}


def test_parametric_without_a_panel():
    p = make_scenarios("parametric", None, 10, 10, 1, underlyings=("x",), annual_drift=0.05, annual_vol=0.2)
    assert p.rate_names == ("rate",)
    with pytest.raises(ConfigError) as e:
        make_scenarios("parametric", None, 10, 10, 1, underlyings=("x",), annual_vol=0.2)
    assert e.value.field == "annual_drift"
    with pytest.raises(ConfigError) as e:
        make_scenarios("bootstrap", None, 10, 10, 1)
    assert e.value.field == "panel"


def test_public_surface():
    for name in sc.__all__:
        assert hasattr(sc, name), name
    for name in ("make_scenarios", "inject", "list_crashes", "get_crash", "rolling_windows", "StationaryBootstrap",
                 "GarchFHS", "Parametric", "gjr_garch_paths"):
        assert name in sc.__all__
