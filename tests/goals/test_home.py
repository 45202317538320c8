"""Loan limits and the home goal, against hand-worked numbers."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.config.lending import load_rules
from gaemi.engine import layout as L
from gaemi.errors import ConfigError
from gaemi.instruments.home_purchase import acquisition_costs, affordability, cash_needed_schedule
from tests.engine.helpers import plan, run

KR = load_rules("kr-2025-10")
RICH = 10_000_000_000  # an income at which DSR never binds


@pytest.mark.parametrize(
    "price, first, max_loan, binding",
    [
        (1_500_000_000, True, 600_000_000, "cap"),        # top of band 1: cap 6억 < 70% LTV
        (1_500_000_001, True, 400_000_000, "cap"),        # just above: cap 4억
        (2_500_000_000, True, 400_000_000, "cap"),
        (2_500_000_001, True, 200_000_000, "cap"),        # above 25억: 2억
        (800_000_000, True, 560_000_000, "ltv"),          # 70% of 8억 = 5.6억 < 6억
        (900_000_000, False, 360_000_000, "ltv"),         # non-owner 40%
        (1_400_000_000, False, 560_000_000, "ltv"),       # 5.6억 < 6억
        (1_600_000_000, False, 400_000_000, "cap"),       # 6.4억 > cap 4억
    ],
)
def test_loan_limit_band_edges(price, first, max_loan, binding):
    a = affordability(price, RICH, KR, first_time=first)
    assert a.max_loan == pytest.approx(max_loan)
    assert a.binding == binding


def test_dsr_bound_equals_present_value_of_payments():
    # 60M income, DSR 40% -> 2,000,000 a month; stress rate 4% + 3% = 7%, 30 years.
    # The loan is the present value of 360 payments of 2,000,000 at 7%/12 a month (summed, not the closed form).
    a = affordability(1_106_000_000, 60_000_000, KR, first_time=True)
    i = 0.07 / 12
    pv = sum(2_000_000 / (1 + i) ** k for k in range(1, 361))
    assert a.binding == "dsr"
    assert a.max_loan == pytest.approx(pv, rel=1e-9)
    assert a.max_loan == pytest.approx(300_615_000, rel=1e-3)


def test_acquisition_tax_hand_worked():
    # 11.06억 first home: 3% + 10% education tax = 3.3% = 36,498,000, less 2,000,000 relief, + 0.5% fees
    assert acquisition_costs(1_106_000_000, KR, True) == pytest.approx(36_498_000 - 2_000_000 + 5_530_000)
    # 7.5억: (7.5 x 2/3 - 3)% = 2%, x 1.1 = 2.2% = 16,500,000; not first time; + 3,750,000 fees
    assert acquisition_costs(750_000_000, KR, False) == pytest.approx(16_500_000 + 3_750_000)
    # 5억: 1% x 1.1
    assert acquisition_costs(500_000_000, KR, False) == pytest.approx(5_500_000 + 2_500_000)


def test_us_preset_is_ltv_or_dti():
    us = load_rules("us-2025")
    a = affordability(500_000, 1_000_000, us)
    assert a.binding == "ltv" and a.max_loan == pytest.approx(400_000)
    b = affordability(500_000, 60_000, us)
    assert b.binding == "dsr"


def test_goal_timing_on_deterministic_path():
    # flat prices, no interest: wealth = 100M + 5M a month; cash needed constant (no growth)
    goal = dict(kind="home", price=600_000_000, income=60_000_000, price_growth=0.0, income_growth=0.0,
                first_time_buyer=True)
    need = affordability(600_000_000, 60_000_000, KR, first_time=True).cash_needed
    n_months = 60
    nm = np.zeros(21 * n_months, dtype=bool)
    nm[21::21] = True
    p = plan(investor=dict(capital=100_000_000, monthly_saving=5_000_000),
             holdings=[dict(asset="deposit", weight=1.0)], deposit=dict(rate=0.0), goal=goal)
    res = run(p, np.zeros(21 * n_months), new_month=nm)
    m = int(np.ceil((need - 100_000_000) / 5_000_000))  # months of saving needed
    assert res.ints[0, L.GOAL_DAY] == 21 * m
    sched = cash_needed_schedule(p.goal, 10)
    assert np.allclose(sched["cash_needed"], need)


def test_home_cli_json_and_errors():
    r = CliRunner().invoke(app, ["home", "--price", "1106000000", "--income", "60000000", "--first-time", "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["binding"] == "dsr" and d["cash_needed"] == pytest.approx(d["price"] + d["acquisition_costs"] - d["max_loan"])
    for args, field in ((["--price", "0", "--income", "1"], "price"),
                        (["--price", "1e9", "--income", "1", "--preset", "mars"], "preset")):
        r = CliRunner().invoke(app, ["home", *args])
        assert r.exit_code == 2 and field in r.output


def test_bad_preset_values(tmp_path):
    f = tmp_path / "p.toml"
    f.write_text('name = "x"\nltv = 1.2\nltv_first_time = 0.5\ndsr = 0.4\n')
    with pytest.raises(ConfigError) as e:
        load_rules(f)
    assert e.value.field == "preset.ltv"


def test_cli_rejects_bad_lending_inputs(tmp_path):
    runner = CliRunner()
    f = tmp_path / "rules.toml"
    f.write_text('name = "x"\nltv = 1.2\nltv_first_time = 0.5\ndsr = 0.4\n')
    r = runner.invoke(app, ["home", "--price", "1e9", "--income", "5e7", "--preset", str(f)])
    assert r.exit_code == 2 and "preset.ltv" in r.output
    plan = tmp_path / "p.toml"
    plan.write_text('name = "x"\n[investor]\ncapital = 1e8\n[[holdings]]\nasset = "kospi"\nweight = 1.0\n'
                    '[goal]\nkind = "home"\nprice = 1e9\nincome = 5e7\npreset = "atlantis"\n')
    r = runner.invoke(app, ["simulate", str(plan), "--paths", "10"])
    assert r.exit_code == 2 and "goal.preset" in r.output and "kr-2025-10" in r.output
    r = runner.invoke(app, ["simulate", "safe", "--years", "0.05"])
    assert r.exit_code == 2 and "years" in r.output and "month" in r.output
