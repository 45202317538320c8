"""The command line: JSON contracts, and exit code 2 with one clear line on bad input."""

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_demo_json_contract():
    r = run("demo", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    names = {p["name"] for p in data["plans"]}
    assert {"all-in-margin", "tqqq-salary", "severance-altcoins", "safe"} <= names
    for p in data["plans"]:
        for k in ("name", "windows", "p_goal", "p_forced_sale", "p_wipeout", "median_end_wealth", "p5_end_wealth"):
            assert k in p
        assert 0 <= p["p_goal"] <= 1 and 0 <= p["p_wipeout"] <= 1
        assert p["windows"] > 10
        assert p["p5_end_wealth"] <= p["median_end_wealth"]
    margin = next(p for p in data["plans"] if p["name"] == "all-in-margin")
    safe = next(p for p in data["plans"] if p["name"] == "safe")
    assert margin["p_forced_sale"] > 0 and safe["p_forced_sale"] == 0


def test_plans_list_and_show():
    r = run("plans")
    assert r.exit_code == 0 and "all-in-margin" in r.stdout
    r = run("plans", "show", "safe")
    assert r.exit_code == 0 and 'name = "safe"' in r.stdout


def test_fund_json_contract():
    r = run("fund", "--underlying", "sp500tr", "--leverage", "3", "--start", "2010-01-01", "--end",
            "2023-12-31", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for k in ("start", "end", "leverage", "total_return", "cagr", "underlying_total_return", "drag"):
        assert k in d
    assert d["start"] == "2010-01-05"  # bought at the close of 2010-01-04: first return next session
    assert d["drag"] == pytest.approx(3 * d["underlying_total_return"] - d["total_return"])


def test_backtest_json(tmp_path):
    r = run("backtest", "all-in-margin", "--start", "2007-06-01", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["start"] == "2007-06-04" and d["plan"] == "all-in-margin"


BAD_PLAN = """
name = "bad"
[investor]
capital = 1000
[[holdings]]
asset = "sp500tr"
weight = 1.0
"""


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["backtest", "no-such-plan"], "plan"),
        (["backtest", "safe", "--start", "1800-01-01"], "start"),
        (["fund", "--underlying", "nope", "--leverage", "2"], "asset"),
        (["fund", "--underlying", "sp500tr", "--leverage", "0"], "leverage"),
        (["fund", "--underlying", "sp500tr", "--leverage", "2", "--end", "2099-01-01"], "end"),
        (["plans", "show", "nope"], "plan"),
    ],
)
def test_bad_input_exits_2(args, fragment):
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert fragment in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda s: s + "\ncolour = 'red'\n", "colour"),
        (lambda s: s.replace("weight = 1.0", "weight = 0.7"), "holdings"),
        (lambda s: s.replace("capital = 1000", "capital = -1"), "investor.capital"),
        (lambda s: s.replace('"sp500tr"', '"nosuch"'), "asset"),
    ],
)
def test_bad_plan_files_exit_2(tmp_path, edit, field):
    f = tmp_path / "p.toml"
    f.write_text(edit(BAD_PLAN))
    r = run("backtest", str(f))
    assert r.exit_code == 2, r.output
    assert field in r.output


def test_console_script_has_no_traceback(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text(BAD_PLAN.replace("weight = 1.0", "weight = 2.0"))
    p = subprocess.run([sys.executable, "-m", "gaemi.cli", "backtest", str(f)], capture_output=True, text=True)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "holdings" in p.stderr and p.stderr.count("\n") <= 3
