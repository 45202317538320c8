"""An empty heat window is an error naming what the data covers, not an empty table with exit 0."""

import json

from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.heat import heat_from_sample


def test_heat_window_outside_the_sample_exits_2():
    full = heat_from_sample()
    last = max(v.index[-1] for v in full.series.values() if v is not None and len(v))
    r = CliRunner().invoke(app, ["heat", "--sample", "--start", "2030-01-01", "--json"])
    assert r.exit_code == 2
    err = json.loads(r.stdout)["error"]
    assert err["field"] == "start" and str(last.date()) in err["allowed"]
    ok = CliRunner().invoke(app, ["heat", "--sample", "--start", "2021-01-01", "--json"])
    assert ok.exit_code == 0
