"""Every `gaemi ...` command shown in README.md runs (with fewer paths), offline.

Skipped: `data fetch` (needs the network), `--scheduler` (needs a running dask cluster; the
scheduler path is tested with a LocalCluster in test_montecarlo.py) and `serve` (runs until
stopped; tests/web start it on a free loopback port).
"""

import re
import shlex
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands() -> list[str]:
    cmds = []
    in_block = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if not in_block:
            continue
        for part in line.split(" ; "):
            part = part.split("  #")[0].strip()
            if (part.startswith("gaemi ") and " fetch " not in part and "--scheduler" not in part
                    and not part.startswith("gaemi serve")):  # serve runs until stopped: tests/web
                cmds.append(part)
    return cmds


COMMANDS = readme_commands()


def test_readme_has_commands():
    assert len(COMMANDS) > 20


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    d = tmp_path_factory.mktemp("readme")
    days = pd.bdate_range("2019-01-02", "2021-12-30")
    rng = np.random.default_rng(0)
    close = 50_000 * np.exp(np.cumsum(rng.normal(0, 0.02, len(days))))
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "close": close.round(0)}).to_csv(d / "prices.csv", index=False)
    r = CliRunner().invoke(app, ["plans", "show", "safe"])
    (d / "my-plan.toml").write_text(r.stdout)
    return d


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("GAEMI_STORE", str(workdir / "store.duckdb"))
    args = shlex.split(command)[1:]
    for k, a in enumerate(args):
        if a == "--paths":
            args[k + 1] = str(min(int(args[k + 1]), 512))
        if a == "--leverage" and ":" in args[k + 1]:
            args[k + 1] = "0:3:1"
    if args[:2] in (["data", "list"], ["data", "show"], ["data", "export"]) or "my:samsung" in args:
        CliRunner().invoke(app, ["data", "import", "prices.csv", "--symbol", "my:samsung", "--currency", "KRW",
                                 "--calendar", "XKRX"])
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, f"{command}\n{r.output}"
    assert not re.search(r"Traceback", r.output)
