"""Helpful errors (issue 15): "did you mean" for misspelled plan fields and asset names, and how to
get a series that is not embedded."""

import pytest

from gaemi.config import plan_from_dict
from gaemi.data.catalog import series_info
from gaemi.errors import ConfigError


def base(**kw):
    d = dict(name="x", investor=dict(capital=1e8), holdings=[dict(asset="ndxtr", weight=1.0)])
    d.update(kw)
    return d


@pytest.mark.parametrize("data, field, suggestion", [
    (base(investor=dict(capitl=1e8)), "investor.capitl", "capital"),
    (base(holdings=[dict(asset="ndxtr", weight=1.0, leverge=2)]), "holdings.0.leverge", "leverage"),
    (base(horizon_year=5), "horizon_year", "horizon_years"),
])
def test_misspelled_field_is_reported_first_with_a_suggestion(data, field, suggestion):
    with pytest.raises(ConfigError) as e:
        plan_from_dict(data)
    assert e.value.field == field and f"did you mean {suggestion}" in e.value.allowed


def test_misspelled_asset_and_how_to_fetch_another():
    with pytest.raises(ConfigError) as e:
        series_info("sp500t")
    assert "did you mean sp500tr" in e.value.allowed
    with pytest.raises(ConfigError) as e:
        series_info("AAPL")
    assert "did you mean" not in e.value.allowed and "gaemi data fetch yahoo AAPL" in e.value.allowed
