"""Korean brokers do not lend against crypto or KRX leveraged/inverse ETPs: such a plan is
refused with exit code 2 and one line naming the holding (docs/risks.md), unless the margin
loan says it is from a broker elsewhere (``margin.jurisdiction = "other"``)."""

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.config import builtin_plan_names, load_plan, plan_from_dict
from gaemi.errors import ConfigError

runner = CliRunner()

MARGIN = '[margin]\nloan_to_equity = 0.5\n'


def _toml(holdings: list[tuple[str, float, float]], margin: str = MARGIN) -> str:
    text = 'name = "m"\nhorizon_years = 1\n[investor]\ncapital = 10_000_000\n'
    for asset, weight, lev in holdings:
        text += f'[[holdings]]\nasset = "{asset}"\nweight = {weight}\nleverage = {lev}\n'
    return text + margin


@pytest.mark.parametrize("holdings, k, asset", [
    ([("sp500tr", 0.5, 1.0), ("xrp", 0.5, 1.0)], 1, "xrp"),  # an altcoin
    ([("btc", 1.0, 1.0)], 0, "btc"),  # a major coin
    ([("upbit_btc", 1.0, 1.0)], 0, "upbit_btc"),  # bitcoin on a Korean exchange
    ([("samsung", 0.5, 1.0), ("kospi200", 0.5, 2.0)], 1, "kospi200"),  # a KRX 2x ETF
    ([("kospi200", 1.0, -1.0)], 0, "kospi200"),  # a KRX inverse ETF
])
def test_cli_refuses_margin_on_what_korean_brokers_do_not_lend_against(tmp_path, holdings, k, asset):
    f = tmp_path / "plan.toml"
    f.write_text(_toml(holdings), encoding="utf-8")
    r = runner.invoke(app, ["simulate", str(f), "--paths", "10"])
    assert r.exit_code == 2, r.output
    text = " ".join(r.output.split())  # (the console wraps a long line at its width)
    assert text.startswith("error:") and text.count("error") == 1 and "Traceback" not in text  # one message
    assert f"holdings.{k}.asset: got {asset!r}" in text
    assert 'margin.jurisdiction = "other"' in text


def test_other_jurisdiction_opts_out_and_allowed_holdings_pass():
    other = plan_from_dict({"name": "m", "investor": {"capital": 1.0},
                            "holdings": [{"asset": "xrp", "weight": 1.0}],
                            "margin": {"loan_to_equity": 1.0, "jurisdiction": "other"}})
    assert other.margin.jurisdiction == "other"
    for holdings in ([{"asset": "samsung", "weight": 1.0}], [{"asset": "kospi200", "weight": 1.0}],
                     [{"asset": "ndxtr", "weight": 1.0, "leverage": 3.0}],  # a U.S. fund: not a KRX ETP
                     [{"asset": "xrp", "weight": 1.0}]):  # no margin loan: fine
        margin = {} if holdings[0]["asset"] == "xrp" else {"margin": {"loan_to_equity": 1.0}}
        plan_from_dict({"name": "m", "investor": {"capital": 1.0}, "holdings": holdings, **margin})


def test_error_names_field_value_and_what_is_allowed():
    with pytest.raises(ConfigError) as err:
        plan_from_dict({"name": "m", "investor": {"capital": 1.0},
                        "holdings": [{"asset": "doge", "weight": 1.0}], "margin": {"loan_to_equity": 1.0}})
    assert err.value.field == "holdings.0.asset" and err.value.value == "doge"
    assert "crypto" in err.value.allowed and 'jurisdiction = "other"' in err.value.allowed
    with pytest.raises(ConfigError) as err:
        plan_from_dict({"name": "m", "investor": {"capital": 1.0}, "holdings": [{"asset": "xrp", "weight": 1.0}],
                        "margin": {"loan_to_equity": 1.0, "jurisdiction": "US"}})
    assert err.value.field == "margin.jurisdiction"


def test_builtin_plans_stay_valid():
    for name in builtin_plan_names():
        load_plan(name)
