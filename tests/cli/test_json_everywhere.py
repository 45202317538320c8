"""--json on every command, and errors as JSON under --json (issue 15 "Scripts can rely on it")."""

import json

import pytest
import typer.main
from typer.testing import CliRunner

from gaemi.cli.app import app

runner = CliRunner()


def _leaves(cmd, path=()):
    subs = getattr(cmd, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield path, cmd


def test_every_command_has_json():
    """A new command without --json fails this test."""
    missing = [" ".join(p) for p, c in _leaves(typer.main.get_command(app))
               if "--json" not in [o for prm in c.params for o in getattr(prm, "opts", [])]]
    assert missing == []


@pytest.mark.parametrize("args, field", [
    (["simulate", "nope", "--json"], "plan"),
    (["compare", "safe", "nope", "--json"], "plan"),
    (["compare", "safe", "--json"], "plans"),
    (["backtest", "safe", "--start", "1800-01-01", "--json"], "start"),
    (["fund", "--underlying", "zz", "--leverage", "2", "--json"], "asset"),
    (["home", "--price", "11억 억", "--income", "1", "--json"], "price"),
    (["odds", "tqqq-salary", "--leverage", "5:1:1", "--json"], "leverage"),
    (["need", "safe", "--target", "2", "--json"], "target"),
    (["plans", "show", "nope", "--json"], "plan"),
    (["simulate", "safe", "--paths", "x", "--json"], "paths"),
])
def test_errors_under_json_are_json_on_stdout(args, field):
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    err = json.loads(r.stdout)["error"]
    assert set(err) == {"field", "value", "allowed", "message"}
    assert err["field"] == field and err["message"]
    assert r.stderr.startswith("error: ")


def test_without_json_an_error_leaves_stdout_empty():
    r = runner.invoke(app, ["simulate", "nope"])
    assert r.exit_code == 2 and r.stdout == ""


@pytest.mark.parametrize("args, field", [
    (["simulate", "safe", "--model", "historical", "--paths", "20000", "--json"], "paths"),
    (["compare", "safe", "tqqq-salary", "--model", "historical", "--paths", "100", "--json"], "paths"),
    (["simulate", "safe", "--scenario-day", "5", "--paths", "64", "--json"], "scenario_day"),
])
def test_options_a_model_ignores_are_refused(args, field):
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["field"] == field


def test_assets_is_data_list():
    a = runner.invoke(app, ["assets", "--json"])
    b = runner.invoke(app, ["data", "list", "--json"])
    assert a.exit_code == 0 and json.loads(a.stdout) == json.loads(b.stdout)
