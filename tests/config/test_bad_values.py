"""Issue 14: bad values in a plan are refused with a ConfigError naming the field, never run.

Each case the issue lists is a named regression test; a hypothesis fuzz then puts random numbers,
booleans, text, infinities and NaNs into random fields of a real plan: every case either runs
(256 paths) or raises gaemi's own error -- never another exception. ``GAEMI_FUZZ_EXAMPLES`` sets
the number of examples (100 by default; a nightly run uses 2000).
"""

from __future__ import annotations

import copy
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gaemi
from gaemi.config.io import load_plan, plan_from_dict
from gaemi.config.lending import LendingRules
from gaemi.config.plan import Plan
from gaemi.errors import ConfigError, GaemiError


def base() -> dict:
    """all-in-margin (margin, home goal with a price index, graduation) plus a deposit and a fund."""
    d = load_plan("all-in-margin").model_dump(mode="python")
    d["holdings"] = [{"asset": "ndxtr", "weight": 0.6, "leverage": 1.0},
                     {"asset": "sp500tr", "weight": 0.2, "leverage": 2.0, "expense_ratio": 0.0095},
                     {"asset": "deposit", "weight": 0.2}]
    d["stop_loss"] = {"drawdown": 0.5}
    return d


def with_(path: str, value) -> dict:
    d = base()
    *head, last = path.split(".")
    cur = d
    for part in head:
        cur = cur[int(part)] if isinstance(cur, list) else cur[part]
    if isinstance(cur, list):
        cur[int(last)] = value
    else:
        cur[last] = value
    return d


def refused(path: str, value) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        plan_from_dict(with_(path, value))
    return e.value


def test_the_base_plan_is_valid():
    plan_from_dict(base())


# ------------------------------------------------------------------ inf / nan anywhere numeric
NUMERIC = ["horizon_years", "investor.capital", "investor.monthly_saving", "investor.saving_growth",
           "holdings.0.weight", "holdings.1.leverage", "holdings.1.expense_ratio", "deposit.rate",
           "margin.loan_to_equity", "margin.maintenance_ratio", "margin.haircut", "margin.maturity_days",
           "margin.rate_tiers.0", "goal.price", "goal.income", "goal.price_growth", "goal.income_growth",
           "goal.mortgage_rate", "goal.mortgage_term_years", "stop_loss.drawdown", "wipeout_floor"]


@pytest.mark.parametrize("value, words", [(math.inf, "infinity"), (-math.inf, "infinity"),
                                          (math.nan, "not a number")])
@pytest.mark.parametrize("path", NUMERIC)
def test_inf_and_nan_are_refused_saying_so(path, value, words):
    v = [7.0, value] if path == "margin.rate_tiers.0" else value
    err = refused(path, v)
    assert err.field.startswith(path.rsplit(".", 1)[0] if path == "margin.rate_tiers.0" else path)
    assert words in str(err)
    assert "less than" not in str(err) and "greater than" not in str(err)


# ------------------------------------------------------------------ booleans and text
@pytest.mark.parametrize("path", ["horizon_years", "investor.capital", "holdings.1.leverage", "goal.price",
                                  "margin.call_deadline_days", "goal.income"])
def test_a_boolean_is_not_a_number(path):
    """`horizon_years = true` ran as a 1-year plan."""
    err = refused(path, True)
    assert err.field == path and "true/false" in err.allowed


@pytest.mark.parametrize("path", ["horizon_years", "margin.call_deadline_days"])
def test_text_is_not_a_number(path):
    err = refused(path, "10")
    assert err.field == path and "text" in err.allowed


@pytest.mark.parametrize("path", ["investor.capital", "goal.price"])
def test_money_text_must_be_an_amount(path):
    """Money may be typed as people write it (issue 15), but not as any text."""
    err = refused(path, "ten")
    assert err.field == path and "1억 4천만" in err.allowed


@pytest.mark.parametrize("path", ["graduate.enabled", "goal.first_time_buyer", "margin.on_contributions"])
@pytest.mark.parametrize("value", ["yes", "true", 1, 0])
def test_text_or_a_number_is_not_a_boolean(path, value):
    """`enabled = "yes"` was read as true."""
    assert refused(path, value).field == path


# ------------------------------------------------------------------ series of the wrong kind
@pytest.mark.parametrize("series", ["kr_cd91", "us_effr", "usdkrw"])
def test_a_rate_or_fx_series_is_not_a_home_price_index(series):
    err = refused("goal.price_index", series)
    assert err.field == "goal.price_index" and "price series" in err.allowed


# ------------------------------------------------------------------ fields that do not apply
@pytest.mark.parametrize("field, value", [("leverage", 2.0), ("rate", "kr_cd91"), ("expense_ratio", 0.01),
                                          ("financing_spread", 0.01), ("structure", "swap"),
                                          ("termination_drop", 0.5), ("collapse_hazard", 0.1),
                                          ("collapse_drop", 0.5)])
def test_fund_settings_on_a_deposit_holding_are_refused(field, value):
    d = base()
    d["holdings"][2][field] = value
    with pytest.raises(ConfigError) as e:
        plan_from_dict(d)
    assert e.value.field == f"holdings.2.{field}" and "deposit" in e.value.allowed


# ------------------------------------------------------------------ no money, tiny mortgage term
def test_no_capital_and_no_saving_is_refused():
    """It ran with p_wipeout = 1.0 (0 / 0 money put in)."""
    d = base()
    d["investor"] = {"capital": 0, "monthly_saving": 0}
    with pytest.raises(ConfigError) as e:
        plan_from_dict(d)
    assert e.value.field == "investor.capital" and "monthly_saving" in e.value.allowed
    d["investor"] = {"capital": 0, "monthly_saving": 1_000_000}
    plan_from_dict(d)


@pytest.mark.parametrize("term", [1e-300, 0.5, 0])
def test_a_mortgage_term_under_a_year_is_refused(term):
    """1e-300 raised ZeroDivisionError."""
    err = refused("goal.mortgage_term_years", term)
    assert err.field == "goal.mortgage_term_years"


def test_lending_presets_refuse_the_same(tmp_path):
    from gaemi.config.lending import load_rules

    good = load_rules("kr-2025-10").model_dump()
    for key, value in [("mortgage_term_years", 1e-300), ("dsr", math.nan), ("ltv", True), ("fees_rate", "0.01"),
                       ("loan_caps", [[math.inf, 1.0]])]:
        with pytest.raises(Exception) as e:
            LendingRules.model_validate({**good, key: value})
        assert key in str(e.value)


def test_affordability_refuses_a_tiny_term_and_bad_types():
    from gaemi.config.lending import load_rules
    from gaemi.instruments.home_purchase import affordability

    rules = load_rules("kr-2025-10")
    for kwargs, field in [({"term_years": 1e-300}, "term_years"), ({"price": "1e9"}, "price"),
                          ({"income": math.nan}, "income")]:
        args = {"price": 1e9, "income": 6e7, "rules": rules, **kwargs}
        with pytest.raises(ConfigError) as e:
            affordability(**args)
        assert e.value.field == field


# ------------------------------------------------------------------ ways round validation
def test_model_copy_update_is_validated():
    p = plan_from_dict(base())
    with pytest.raises(ConfigError) as e:
        p.model_copy(update={"horizon_years": True})
    assert e.value.field == "horizon_years"
    with pytest.raises(ConfigError):
        p.investor.model_copy(update={"capital": math.nan})
    assert p.model_copy(update={"title": "ok"}).title == "ok"
    assert p.model_copy() == p


def test_entry_points_revalidate_a_plan_built_round_validation():
    """model_construct and object.__setattr__ skip validation; simulate/backtest/rolling re-validate."""
    p = plan_from_dict(base())
    constructed = Plan.model_construct(**{**dict(p), "horizon_years": math.nan})
    patched = plan_from_dict(base())
    object.__setattr__(patched.investor, "capital", -5.0)
    for bad, field in [(constructed, "horizon_years"), (patched, "investor.capital")]:
        for call in (lambda: gaemi.simulate(bad, paths=256, seed=1), lambda: gaemi.backtest(bad),
                     lambda: gaemi.rolling(bad)):
            with pytest.raises(ConfigError) as e:
                call()
            assert e.value.field == field


def test_start_after_end_says_so():
    with pytest.raises(ConfigError) as e:
        gaemi.backtest("safe", start="2021-01-04", end="2016-01-04")
    assert e.value.field == "start" and "after end" in str(e.value)


# ------------------------------------------------------------------ the fuzz
FIELDS = ["name", "horizon_years", "currency", "calendar", "wipeout_floor", "ruin_floor",
          "investor.capital", "investor.monthly_saving", "investor.saving_growth",
          "holdings.0.asset", "holdings.0.weight", "holdings.0.leverage", "holdings.1.leverage",
          "holdings.1.expense_ratio", "holdings.1.financing_spread", "holdings.1.rate", "holdings.1.structure",
          "holdings.1.termination_drop", "holdings.1.collapse_hazard", "holdings.2.leverage", "holdings.2.rate",
          "deposit.rate", "deposit.series", "deposit.spread",
          "margin.loan_to_equity", "margin.maintenance_ratio", "margin.call_deadline_days", "margin.haircut",
          "margin.rate_tiers", "margin.rate_tiers.0", "margin.on_contributions", "margin.maturity_days",
          "margin.extension_rate", "margin.jurisdiction", "rebalance.rule", "rebalance.threshold",
          "goal.price", "goal.preset", "goal.price_growth", "goal.price_index", "goal.first_time_buyer",
          "goal.income", "goal.income_growth", "goal.mortgage_rate", "goal.mortgage_term_years",
          "graduate.enabled", "stop_loss.drawdown"]

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 0.5, 2.0, 1e-300, -1e-300, 1e300, 1e15, 1e16, 60.0, 61.0, 0.001, -1.0,
                     math.inf, -math.inf, math.nan]),
    st.integers(min_value=-10**20, max_value=10**20),
    st.booleans(),
    st.none(),
    st.sampled_from(["", "yes", "true", "10", "nan", "inf", "kr_cd91", "us_effr", "usdkrw", "seoul_apt", "sp500tr",
                     "btc", "deposit", "swap", "futures", "KRW", "USD", "XKRX", "monthly", "KR", "other",
                     "[/]", "한글", "x" * 300]),
    st.lists(st.lists(st.floats(allow_nan=True, allow_infinity=True) | st.booleans(), max_size=3), max_size=3),
)


@settings(max_examples=int(os.environ.get("GAEMI_FUZZ_EXAMPLES", "100")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), min_size=1, max_size=3))
def test_fuzz_a_plan_either_runs_or_raises_config_error(edits):
    d = base()
    for path, value in edits:
        try:
            d = _set(d, path, copy.deepcopy(value))
        except (IndexError, KeyError, TypeError):
            continue
    try:
        plan = plan_from_dict(d)
    except ConfigError:
        return
    try:
        res = gaemi.simulate(plan, paths=256, years=1, seed=0)
    except GaemiError:  # ConfigError, or DataError for a series that cannot serve (a rate as an asset)
        return
    assert 0 <= res.summary()["p_ruin_any"] <= 1


def _set(d: dict, path: str, value) -> dict:
    *head, last = path.split(".")
    cur = d
    for part in head:
        cur = cur[int(part)] if isinstance(cur, list) else cur[part]
    if isinstance(cur, list):
        cur[int(last)] = value
    elif isinstance(cur, dict):
        cur[last] = value
    else:
        raise TypeError(path)
    return d
