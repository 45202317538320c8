"""A bad --report target is refused before any simulation runs (issue 14: refuse up front)."""

import pytest
from typer.testing import CliRunner

import gaemi.api
import gaemi.montecarlo
import gaemi.need
import gaemi.odds
from gaemi.cli.app import app


@pytest.mark.parametrize("args", [
    ["simulate", "safe"], ["compare", "safe", "all-in-margin"], ["odds", "tqqq-salary"],
    ["backtest", "safe"], ["need", "safe"],
])
def test_bad_report_target_refused_before_any_run(args, tmp_path, monkeypatch):
    def boom(*a, **k):
        raise AssertionError("a run started before the report target was checked")

    for mod, name in [(gaemi.montecarlo, "simulate_many"), (gaemi.montecarlo, "compare"),
                      (gaemi.odds, "odds_curve"), (gaemi.api, "backtest"), (gaemi.need, "need")]:
        monkeypatch.setattr(mod, name, boom)
    r = CliRunner().invoke(app, [*args, "--report", str(tmp_path)])  # a folder
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("error: report") and "folder" in r.stderr
