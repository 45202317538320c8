"""`gaemi data list` / `show` show the embedded series, their spans and where estimates begin."""

import json

from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.data.catalog import catalog, close_history

runner = CliRunner()


def test_data_list_shows_every_embedded_series(tmp_path):
    r = runner.invoke(app, ["--store", str(tmp_path / "s.duckdb"), "data", "list", "--json"])
    assert r.exit_code == 0, r.output
    rows = {x["name"]: x for x in json.loads(r.output)["embedded"]}
    assert set(rows) == set(catalog())
    for name in ("samsung", "skhynix", "tsla", "nvda", "usdt", "ust", "kospi200tr", "seoul_apt"):
        s = close_history(name)
        assert rows[name]["first"] == str(s.index[0].date()) and rows[name]["last"] == str(s.index[-1].date())
    assert rows["kr_cd91"]["estimated_from"] == "2023-05-22"
    assert rows["seoul_apt"]["frequency"] == "monthly"
    table = runner.invoke(app, ["--store", str(tmp_path / "s.duckdb"), "data", "list"])
    assert table.exit_code == 0 and "estimated from 2023-05-22" in table.output


def test_data_show_an_embedded_series(tmp_path):
    r = runner.invoke(app, ["--store", str(tmp_path / "s.duckdb"), "data", "show", "ust", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["embedded"]["currency"] == "USD" and out["rows"] == len(close_history("ust"))
    bad = runner.invoke(app, ["--store", str(tmp_path / "s.duckdb"), "data", "show", "nosuch"])
    assert bad.exit_code == 2 and "nosuch" in bad.output
