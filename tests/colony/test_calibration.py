"""The colony's calibration table: loading, validation errors, derived quantities and the fitted
laws checked against independent numbers (numerical integration, scipy's normal quantile)."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate, special

from gaemi.colony.buckets import BUCKETS, bucket_params
from gaemi.colony.calibration import (
    STOCK_BUCKETS,
    calibration_as_of,
    default_calibration_path,
    load_calibration,
    validate_calibration,
)
from gaemi.colony.population import Spliced, _ndtri_scalar
from gaemi.errors import ConfigError


@pytest.fixture(scope="module")
def cal():
    return load_calibration()


def _raw() -> dict:
    return tomllib.loads(default_calibration_path().read_text(encoding="utf-8"))


def _write(tmp_path: Path, text: str) -> str:
    p = tmp_path / "cal.toml"
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_shipped_table_loads_with_a_source_on_every_number(cal):
    assert cal.population.stock_holders.value == 14_100_000
    assert cal.population.crypto_users.value == 10_770_000
    assert list(cal.buckets) == list(BUCKETS)
    text = default_calibration_path().read_text(encoding="utf-8")
    for line in text.splitlines():
        if "{ value" in line or line.startswith("top_share"):
            assert "source = \"" in line, line
    # the crypto-only users make the default population larger than the stock holders
    assert cal.total_investors == pytest.approx(14.10e6 + 10.77e6 * 0.4)
    assert cal.margin_users == pytest.approx(14.10e6 * 0.055)


@pytest.mark.parametrize(
    ("old", "new", "field", "value"),
    [
        ("stock_holders = { value = 14_100_000", "stock_holders = { value = -5",
         "calibration.population.stock_holders.value", -5),
        ("margin_user_share = { value = 0.055", "margin_user_share = { value = 1.7",
         "calibration.population.margin_user_share.value", 1.7),
        ("retail_share = { value = 0.19", "retail_share = { value = 1.19",
         "calibration.buckets.kospi_large.retail_share.value", 1.19),
        ("[buckets.kr_altcoin]", "[buckets.kr_memecoin]", "calibration.buckets", None),
        ("[[5e6, 0.775], [1e7, 0.8466]", "[[5e6, 0.875], [1e7, 0.8466]",
         "calibration.stock_wealth.account_cdf.value", None),
        ("[[1.4, 1.7, 0.265]", "[[1.4, 1.7, 0.465]",
         "calibration.margin.collateral_bands.value", None),
        ("kosdaq_krw = { value = 9.785e12", "kosdaq_krw = { value = 19.785e12",
         "calibration.margin", None),
        ("buy_and_hold = 0.5", "buy_and_hodl = 0.5", "calibration.behaviour.shares.value", None),
    ],
)
def test_bad_rows_raise_config_error_naming_field_and_value(tmp_path, old, new, field, value):
    text = default_calibration_path().read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ConfigError) as info:
        load_calibration(_write(tmp_path, text.replace(old, new, 1)))
    err = info.value
    assert err.field.startswith(field), (err.field, field)
    if value is not None:
        assert err.value == value
        assert repr(value) in str(err)
    assert err.allowed


def test_unknown_bucket_error_lists_the_allowed_buckets(tmp_path):
    text = default_calibration_path().read_text(encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_calibration(_write(tmp_path, text.replace("[buckets.kr_altcoin]",
                                                        "[buckets.kr_memecoin]")))
    assert "kr_memecoin" in str(info.value)


def test_unknown_key_and_missing_file_and_bad_toml(tmp_path):
    data = _raw()
    data["population"]["households"] = {"value": 1, "source": "x"}
    with pytest.raises(ConfigError) as info:
        validate_calibration(data)
    assert info.value.field == "calibration.population.households"
    assert "stock_holders" in info.value.allowed
    with pytest.raises(ConfigError) as info:
        load_calibration(str(tmp_path / "nope.toml"))
    assert info.value.field == "calibration"
    with pytest.raises(ConfigError):
        load_calibration(_write(tmp_path, "population = [unclosed"))


def test_margin_beyond_what_the_population_can_carry_is_refused():
    data = _raw()
    data["margin"]["balance_krw"]["value"] = 900e12
    data["margin"]["kospi_krw"]["value"] = 600e12
    data["margin"]["kosdaq_krw"]["value"] = 300e12
    cal = validate_calibration(data)
    with pytest.raises(ConfigError) as info:
        _ = cal.fits
    assert info.value.field == "calibration.margin.balance_krw.value"
    assert info.value.value == 900e12


def test_margin_share_of_buckets_adds_up_to_the_balance(cal):
    params = bucket_params(cal)
    carried = sum(params[b].margin_share * params[b].market_cap_krw for b in STOCK_BUCKETS)
    assert carried == pytest.approx(cal.margin.balance_krw.value, rel=1e-9)
    # small caps carry small_to_large_ratio times the large caps' margin per won of cap
    ratio = params["kospi_small"].margin_share / params["kospi_large"].margin_share
    assert ratio == pytest.approx(cal.margin.small_to_large_ratio.value)
    for b in BUCKETS:
        if b not in STOCK_BUCKETS:
            assert params[b].margin_share == 0.0
    assert params["deposit"].series is None
    assert params["kosdaq_theme"].series == "kosdaq"
    assert params["btc_eth"].daily_volatility == pytest.approx(0.673 / math.sqrt(365))


def test_calibration_as_of_uses_the_latest_history_row(cal):
    c20 = calibration_as_of(cal, "2020-02-21")
    assert c20.margin.balance_krw.value == 10.5e12
    assert c20.margin.kospi_krw.value == pytest.approx(10.5e12 * 0.44)
    assert c20.population == cal.population
    with pytest.raises(ConfigError) as info:
        calibration_as_of(cal, "1999-01-01")
    assert info.value.field == "date"
    # a 2020 balance is carried by a poorer window of margin users
    assert c20.fits.margin_stock_total < cal.fits.margin_stock_total


# --- the spliced law, against independent numbers --------------------------------------------
LAW = Spliced(scale=3e6, sigma=2.0, tail=0.01, alpha=1.4, cap=1e13)


def test_partial_sum_matches_numerical_integration():
    for w1, w2 in [(0.2, 0.9), (0.001, 0.05), (LAW.w_min, 1.0), (1e-6, 1e-3)]:
        ref, _ = integrate.quad(lambda w: float(LAW.quantile(np.array([w]))[0]), w1, w2,
                                points=[LAW.tail] if w1 < LAW.tail < w2 else None, limit=500)
        assert float(LAW.partial_sum(w1, w2)) == pytest.approx(ref, rel=1e-6)


def test_quantile_and_survival_are_inverse_and_the_tail_is_pareto():
    w = np.array([0.9, 0.5, 0.1, 0.02, 0.005, 1e-4, 1e-7])
    x = LAW.quantile(w)
    assert np.all(np.diff(x) > 0)
    assert np.allclose(LAW.survival_untruncated(x), w, rtol=1e-10)
    # continuity at the splice, and a Pareto tail with exponent alpha: S(10x) / S(x) = 10^-alpha
    assert float(LAW.quantile(np.array([LAW.tail * (1 + 1e-12)]))[0]) == pytest.approx(LAW.x_t)
    x0 = LAW.x_t * 2
    ratio = LAW.survival_untruncated(np.array([10 * x0]))[0] / LAW.survival_untruncated(
        np.array([x0]))[0]
    assert ratio == pytest.approx(10.0 ** -1.4, rel=1e-12)
    # the body is lognormal with median `scale`: S(scale) = 1/2
    assert float(LAW.survival_untruncated(np.array([3e6]))[0]) == pytest.approx(0.5)


def test_compiled_normal_quantile_matches_scipy():
    p = np.concatenate([np.logspace(-300, -1, 200), np.linspace(0.01, 0.99, 199),
                        1 - np.logspace(-15, -2, 50)])
    ours = np.array([_ndtri_scalar(float(v)) for v in p])
    assert np.allclose(ours, special.ndtri(p), rtol=1e-13, atol=1e-13)


def test_fits_reproduce_the_tables_anchors(cal):
    f = cal.fits
    # the means are matched exactly (weight 10 in the least squares)
    assert f.stock.mean == pytest.approx(cal.stock_holdings_total / 14.1e6, rel=1e-4)
    assert f.crypto.mean == pytest.approx(cal.crypto_holdings_total / 10.77e6, rel=1e-2)
    assert f.stock.top_share(0.006) == pytest.approx(0.499, rel=1e-3)
    # shape rows: within the stated 25 % on the share above each threshold
    assert max(abs(v) for v in f.stock_residuals.values()) < 0.2
    assert max(abs(v) for v in f.crypto_residuals.values()) < 0.2
    assert f.stock.alpha > 1.0 and f.crypto.alpha > 1.0  # finite means without the cap
    assert 1 < f.stock_scale_2003 < 10
    # margin users: count and loan balance in expectation, a window of ranks
    wa, wb = f.margin_window
    span = 1 - f.stock.w_min
    assert f.margin_prob * (wb - wa) / span == pytest.approx(0.055)
    inv_cr = sum(s * (1 / lo - 1 / hi) / math.log(hi / lo)
                 for lo, hi, s in cal.margin.collateral_bands.value)
    assert f.margin_stock_total * inv_cr == pytest.approx(cal.margin.balance_krw.value, rel=1e-6)
    assert sum(f.mix_margin) == pytest.approx(1.0) and sum(f.mix_other) == pytest.approx(1.0)
