"""Money as people type it (issue 15): a table of inputs and exact values, and refusals."""

import math

import pytest

from gaemi.errors import ConfigError
from gaemi.units import format_krw, parse_money


@pytest.mark.parametrize("text, won", [
    ("11억", 1_100_000_000),
    ("1억 4천만", 140_000_000),
    ("1억4천만원", 140_000_000),
    ("1억 4,000만 원", 140_000_000),
    ("150만", 1_500_000),
    ("150만 원", 1_500_000),
    ("1,106,000,000", 1_106_000_000),
    ("1106000000", 1_106_000_000),
    ("₩1,000", 1_000),
    ("1.5억", 150_000_000),
    ("1.1억", 110_000_000),          # exact: Decimal, not 110000000.00000001
    ("1.23456789억", 123_456_789),
    ("2조 5천억", 2_500_000_000_000),
    ("4천5백만", 45_000_000),
    ("3천", 3_000),
    ("만 원", 10_000),
    ("11억 600만", 1_106_000_000),
    ("1e8", 100_000_000),
    ("0", 0),
    (140_000_000, 140_000_000),
])
def test_parse_money_exact(text, won):
    got = parse_money(text)
    assert got == won and type(got) in (int, float)


@pytest.mark.parametrize("text", ["", "억억", "-5억", "abc", "1억 2억", "1만 1억", "1,00", "nan", "inf",
                                  "5천천", "1 2", "1.5", "1.234567891억", "억 1", True, None, -1, math.nan,
                                  math.inf, [1]])
def test_parse_money_refuses(text):
    with pytest.raises(ConfigError) as ei:
        parse_money(text, field="investor.capital")
    assert ei.value.field == "investor.capital"


@pytest.mark.parametrize("won", [0, 1, 9_999, 10_000, 140_000_000, 1_106_000_000, 2_500_000_000_000,
                                 1_234_567_890_123])
def test_round_trip_with_the_korean_format(won):
    assert parse_money(format_krw(won, "ko")) == won


def test_cli_home_takes_korean_amounts():
    import json

    from typer.testing import CliRunner

    from gaemi.cli.app import app

    r = CliRunner()
    a = json.loads(r.invoke(app, ["home", "--price", "11억 600만", "--income", "7천만", "--first-time", "--json"]).stdout)
    b = json.loads(r.invoke(app, ["home", "--price", "1106000000", "--income", "70,000,000", "--first-time",
                                  "--json"]).stdout)
    assert a == b and a["price"] == 1_106_000_000
    bad = r.invoke(app, ["home", "--price", "11억 억", "--income", "7천만"])
    assert bad.exit_code == 2 and "price" in bad.stderr


def test_plan_files_take_korean_amounts(tmp_path):
    from gaemi.config import load_plan

    text = """name = "kr"
currency = "KRW"
horizon_years = 5
[investor]
capital = "1억 4천만"
monthly_saving = "150만 원"
[[holdings]]
asset = "kospi200tr"
weight = 1.0
[goal]
kind = "home"
price = "11억 600만"
income = "7,000만"
"""
    f = tmp_path / "kr.toml"
    f.write_text(text, encoding="utf-8")
    p = load_plan(str(f))
    assert p.investor.capital == 140_000_000 and p.investor.monthly_saving == 1_500_000
    assert p.goal.price == 1_106_000_000 and p.goal.income == 70_000_000


def test_amounts_are_bounded_before_arithmetic():
    """The largest amount is gaemi.limits.MAX_AMOUNT (1,000조): it is accepted, one won more is not;
    text longer than 64 characters and huge integers are refused without echoing them whole."""
    from gaemi.errors import ConfigError
    from gaemi.limits import MAX_AMOUNT
    from gaemi.units import parse_money

    assert parse_money("1000조") == MAX_AMOUNT
    assert parse_money(int(MAX_AMOUNT)) == MAX_AMOUNT
    for bad in ("1000조 1", int(MAX_AMOUNT) + 1, "9" * 400, 10**5000):
        with pytest.raises(ConfigError) as e:
            parse_money(bad, "capital")
        assert e.value.field == "capital" and len(str(e.value)) < 300
