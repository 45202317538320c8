"""Plan validation: every bad value names its field, the value and what is allowed."""

import pytest

from gaemi.config import builtin_plan_names, load_plan, plan_from_dict, plan_to_toml
from gaemi.errors import ConfigError


def base(**kw):
    d = dict(name="t", investor=dict(capital=1e8), holdings=[dict(asset="sp500tr", weight=1.0)])
    d.update(kw)
    return d


def test_builtin_plans_load_and_round_trip():
    names = builtin_plan_names()
    assert {"all-in-margin", "tqqq-salary", "severance-altcoins", "safe"} <= set(names)
    for n in names:
        p = load_plan(n)
        again = plan_from_dict(__import__("tomllib").loads(plan_to_toml(p)))
        assert again == p


@pytest.mark.parametrize(
    "data, field, fragment",
    [
        (base(colour="red"), "colour", "no such field"),
        (base(holdings=[dict(asset="a", weight=0.5), dict(asset="b", weight=0.3)]), "holdings", "sum to 1"),
        (base(investor=dict(capital=-5)), "investor.capital", "greater than or equal to 0"),
        (base(margin=dict(loan_to_equity=1, maintenance_ratio=0.9)), "margin.maintenance_ratio", "greater than 1"),
        (base(margin=dict(loan_to_equity=1, forced_sale="some")), "margin.forced_sale", "restore"),
        (base(holdings=[dict(asset="a", weight=1.0, leverage=7)]), "holdings.0.leverage", "less than or equal to 5"),
        (base(graduate=dict(enabled=True)), "plan", "needs a [goal]"),
        (base(goal=dict(amount=0)), "goal.amount", "greater than 0"),
    ],
)
def test_bad_values_name_field(data, field, fragment):
    with pytest.raises(ConfigError) as e:
        plan_from_dict(data)
    assert e.value.field == field
    assert fragment in e.value.allowed


def test_unknown_plan_name_lists_builtins(tmp_path):
    with pytest.raises(ConfigError) as e:
        load_plan("no-such-plan")
    assert "safe" in e.value.allowed
    bad = tmp_path / "bad.toml"
    bad.write_text("name = [")
    with pytest.raises(ConfigError) as e:
        load_plan(bad)
    assert "valid TOML" in e.value.allowed


def test_model_copy_is_revalidated():
    # pydantic's model_copy(update=...) skips validation: our plans are frozen, re-validate instead
    p = plan_from_dict(base())
    with pytest.raises(ConfigError):
        plan_from_dict({**p.model_dump(), "wipeout_floor": 2.0})
