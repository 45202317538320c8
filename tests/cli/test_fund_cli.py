"""`gaemi fund --currency/--structure`: JSON fields, the table says its currency, bad input exits 2."""

import json

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.fund import fund_report

runner = CliRunner()
FIELDS = ("underlying", "currency", "underlying_currency", "structure", "start", "end", "years", "leverage",
          "expense_ratio", "financing_spread", "rate", "total_return", "cagr", "underlying_total_return",
          "underlying_cagr", "fx_total_return", "drag", "drag_cagr", "drag_log_annual",
          "drag_log_annual_own_currency", "drag_theory_annual", "annual_volatility",
          "underlying_annual_volatility")


def test_fund_held_in_krw_json():
    r = runner.invoke(app, ["fund", "--underlying", "sp500tr", "--leverage", "3", "--currency", "KRW",
                            "--start", "2007-06-01", "--end", "2017-06-01", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert set(FIELDS) <= set(d)
    assert d["currency"] == "KRW" and d["underlying_currency"] == "USD" and d["structure"] == "swap"
    ref = fund_report("sp500tr", 3.0, start="2007-06-01", end="2017-06-01", currency="KRW")
    for k in ("total_return", "underlying_total_return", "fx_total_return", "annual_volatility",
              "underlying_annual_volatility", "drag_theory_annual"):
        assert d[k] == pytest.approx(ref[k], rel=1e-12)
    assert d["annual_volatility"] > 2.5 * d["underlying_annual_volatility"]
    assert d["drag"] == pytest.approx(3 * d["underlying_total_return"] - d["total_return"])


def test_fund_whole_history_in_krw_and_structure_option():
    r = runner.invoke(app, ["fund", "--underlying", "sp500tr", "--leverage", "3", "--currency", "KRW", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["currency"] == "KRW"
    args = ["fund", "--underlying", "kospi200", "--leverage", "-2", "--start", "2015-01-01", "--end", "2019-12-31",
            "--json"]
    fut, swap = (json.loads(runner.invoke(app, args + extra).stdout) for extra in ([], ["--structure", "swap"]))
    assert fut["structure"] == "futures" and swap["structure"] == "swap" and fut["fx_total_return"] is None
    assert fut["total_return"] < swap["total_return"]


def test_fund_table_names_its_currency():
    r = runner.invoke(app, ["fund", "--underlying", "sp500tr", "--leverage", "-1", "--currency", "KRW",
                            "--start", "2010-01-01", "--end", "2012-12-31"])
    assert r.exit_code == 0, r.output
    for s in ("held in KRW", "value (KRW)", "exchange-rate return", "annual volatility", "underlying annual volatility",
              "swap", "Figures in KRW"):
        assert s in r.stdout
    r = runner.invoke(app, ["fund", "--underlying", "kospi200", "--leverage", "2", "--start", "2015-01-01"])
    assert r.exit_code == 0 and "in KRW" in r.stdout and "futures" in r.stdout and "fx_total_return" not in r.stdout


@pytest.mark.parametrize(
    "option, value, fragments",
    [
        ("--currency", "XYZ", ("currency", "'XYZ'", "USD", "KRW")),
        ("--structure", "options", ("structure", "'options'", "swap or futures")),
    ],
)
def test_bad_currency_or_structure_exits_2_with_one_line(option, value, fragments):
    r = runner.invoke(app, ["fund", "--underlying", "sp500tr", "--leverage", "3", option, value])
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1, r.output
    assert all(f in lines[0] for f in fragments) and "Traceback" not in r.output
