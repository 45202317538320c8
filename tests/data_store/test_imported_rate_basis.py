"""A rate imported into the store accrues on its currency's day count (issue 14).

KRW money-market rates (CD 91-day, the base rate) are quoted ACT/365, USD ones ACT/360, as
the embedded ``kr_cd91`` / ``us_effr`` are (``gaemi.data.catalog``). An imported rate gets the
same rule (:func:`gaemi.data.catalog.stored_info`): here a KRW rate of 3.65 %/yr, imported
through ``gaemi data import --kind rate``, must accrue exactly 0.01 % a calendar day (365 days a
year), not 3.65/360 % (ACT/360); a USD rate 1/360 a day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.config import plan_from_dict
from gaemi.data.build import build_panel
from gaemi.data.catalog import stored_info
from gaemi.engine import layout as L
from gaemi.engine.run import months_in, run_path_block
from gaemi.engine.spec import build_spec
from gaemi.scenarios.base import PathBlock

KRW_SYM = "my:basis_test_krw_cd"  # names unique to this file: the catalog caches series by name
USD_SYM = "my:basis_test_usd_ff"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("GAEMI_STORE", str(tmp_path / "s.duckdb"))
    dates = pd.date_range("2023-01-01", "2024-12-31", freq="D").strftime("%Y-%m-%d")
    for sym, cur in ((KRW_SYM, "KRW"), (USD_SYM, "USD")):
        csv = tmp_path / f"{cur}.csv"
        pd.DataFrame({"date": dates, "value": 3.65}).to_csv(csv, index=False)  # percent per year
        r = CliRunner().invoke(app, ["data", "import", str(csv), "--symbol", sym, "--kind", "rate",
                                     "--currency", cur, "--calendar", "24/7"])
        assert r.exit_code == 0, r.output
    return tmp_path


def test_stored_rate_day_count_by_currency(store):
    krw, usd = stored_info(KRW_SYM), stored_info(USD_SYM)
    assert krw.kind == "rate" and krw.currency == "KRW" and krw.day_count_basis == 365.0
    assert usd.kind == "rate" and usd.currency == "USD" and usd.day_count_basis == 360.0


def test_imported_krw_rate_accrues_act_365_in_a_fund(store):
    panel = build_panel(["kospi"], rates=[KRW_SYM, USD_SYM], currency="KRW", start="2024-01-02", end="2024-06-28")
    assert panel.rate_basis == (365.0, 360.0)
    assert panel.rates[:, 0] == pytest.approx(0.0365) and panel.rates[:, 1] == pytest.approx(0.0365)
    n = len(panel.dates)
    # a -1x fund financed at the imported rate, no fee and no spread: it earns (1 - L) rf = 2 rf
    # on its collateral, rf = 0.0365 x (calendar days) / 365 = 0.0001 a calendar day
    for sym, basis in ((KRW_SYM, 365.0), (USD_SYM, 360.0)):
        p = plan_from_dict(dict(name="t", investor=dict(capital=100.0), deposit=dict(rate=0.0),
                                holdings=[dict(asset="kospi", weight=1.0, leverage=-1.0, rate=sym,
                                               expense_ratio=0.0, financing_spread=0.0)]))
        nm = np.zeros((1, n), dtype=bool)
        block = PathBlock(0, panel.returns, panel.rates, panel.gap_days, np.arange(n)[None, :], nm)
        for rate_basis in (dict(zip(panel.rate_names, panel.rate_basis)), None):  # given, or looked up
            spec = build_spec(p, panel.assets, panel.rate_names, n, rate_basis=rate_basis)
            assert spec.inst_basis[0] == basis
            res = run_path_block(spec, block, months_in(nm), "reference")
            r = panel.returns[:, 0]
            hand = 100 * np.prod(1 - r + 2 * 0.0365 * panel.gap_days / basis)
            assert res.floats[0, L.END_WEALTH] == pytest.approx(hand, rel=1e-12)
