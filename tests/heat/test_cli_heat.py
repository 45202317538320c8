"""gaemi heat from the command line: sample, store, JSON, report, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.data.store import Instrument, Store

runner = CliRunner()


def test_heat_sample_json(tmp_path):
    rep = tmp_path / "heat.html"
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-03-22", "--end", "2021-03-26",
                            "--json", "--report", str(rep)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert [x["date"] for x in d["turnover_ratio"]] == ["2021-03-22", "2021-03-23", "2021-03-24",
                                                        "2021-03-25", "2021-03-26"]
    assert d["leveraged_share"][0]["date"] == "2021-03-25"
    html = rep.read_text()
    assert "<script src=" not in html and len(html) > 1_000_000  # plotly.js inlined: offline


def test_heat_table_and_bad_input(tmp_path):
    r = runner.invoke(app, ["heat", "--sample"])
    assert r.exit_code == 0 and "kimchi_premium" in r.stdout
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-13-01"])
    assert r.exit_code == 2 and "start" in r.output
    r = runner.invoke(app, ["heat", "--sample", "--start", "2021-05-01", "--end", "2021-04-01"])
    assert r.exit_code == 2 and "start" in r.output
    r = runner.invoke(app, ["heat", "--store", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "--sample" in r.output


def test_heat_from_a_store(tmp_path):
    """Gauges from stored bars, checked by hand on a small store."""
    p = tmp_path / "s.duckdb"
    days = pd.to_datetime(["2024-01-02", "2024-01-03"])

    def coin(venue, base, quote, close, turnover, volume=None):
        inst = Instrument(f"{venue}:{base}/{quote}", "price", quote, "24/7", venue, venue=venue,
                          base=base, quote=quote)
        return inst, pd.DataFrame({"date": days, "close": close, "turnover": turnover,
                                   "volume": volume if volume is not None else np.nan})

    with Store(p) as st:
        st.write([
            coin("upbit", "BTC", "KRW", [60e6, 61e6], [300e9, 200e9]),
            coin("upbit", "ETH", "KRW", [3e6, 3e6], [100e9, 100e9]),
            coin("upbit", "XRP", "KRW", [800, 800], [600e9, 300e9]),
            coin("bithumb", "BTC", "KRW", [60e6, 61e6], [np.nan, np.nan], [1000.0, 2000.0]),
            coin("binance", "BTC", "USDT", [45000, 46000], [9e9, 8e9]),
            coin("binance", "SOL", "USDT", [100, 100], [1e9, 2e9]),
            (Instrument("krx:KOSPI", "price", "KRW", "XKRX", "krx"),
             pd.DataFrame({"date": days, "close": [2600, 2610], "turnover": [10e12, 8e12]})),
            (Instrument("krx:KOSDAQ", "price", "KRW", "XKRX", "krx"),
             pd.DataFrame({"date": days, "close": [870, 880], "turnover": [10e12, 12e12]})),
            (Instrument("yahoo:USDKRW", "fx", "KRW", "24/7", "yahoo"),
             pd.DataFrame({"date": days, "value": [1300.0, 1310.0]})),
        ])
    r = runner.invoke(app, ["heat", "--store", str(p), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    kr0 = 300e9 + 100e9 + 600e9 + 1000 * 60e6  # Bithumb: volume x close (no turnover)
    assert d["turnover_ratio"][0]["value"] == kr0 / 20e12
    assert d["altcoin_share_kr"][0]["value"] == 1 - (300e9 + 1000 * 60e6 + 100e9) / kr0
    assert d["altcoin_share_global"][1]["value"] == 1 - 8e9 / 10e9
    assert d["kimchi_premium"][1]["value"] == 61e6 / (46000 * 1310.0) - 1
    assert d["leveraged_share"] == []
    assert "estimated as volume x close for bithumb:BTC/KRW" in d["notes"]["turnover_ratio"]
