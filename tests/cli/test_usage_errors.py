"""typer's own usage errors are one plain line on stderr with exit code 2 (issue 14 "Messages")."""

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app


@pytest.mark.parametrize("args, fragment", [
    (["simulate", "safe", "--paths", "x"], "--paths"),
    (["simulate"], "plan"),
    (["nonsense"], "nonsense"),
    (["data", "list", "--bogus"], "--bogus"),
    (["simulate", "[/]"], "[/]"),  # printed literally, not parsed as markup
    (["simulate", "needs a [goal] here"], "needs a [goal] here"),
])
def test_usage_errors_are_one_line_exit_2(args, fragment):
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, r.output
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], r.stderr
    assert "Traceback" not in r.output and not r.stdout


def test_console_script_usage_error_has_no_box_or_traceback():
    p = subprocess.run([sys.executable, "-m", "gaemi", "simulate", "safe", "--paths", "x"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and p.stderr.startswith("error: ") and "╭" not in p.stderr


def test_no_arguments_still_prints_the_help():
    r = CliRunner().invoke(app, [])
    assert "Usage" in r.output and "simulate" in r.output


def test_plans_and_plans_show_take_json():
    import json

    r = CliRunner().invoke(app, ["plans", "--json"])
    names = [p["name"] for p in json.loads(r.stdout)["plans"]]
    assert r.exit_code == 0 and "safe" in names
    r = CliRunner().invoke(app, ["plans", "show", "safe", "--json"])
    d = json.loads(r.stdout)
    assert d["plan"]["name"] == "safe" and "[[holdings]]" in d["toml"]
    assert CliRunner().invoke(app, ["plans", "show", "nope", "--json"]).exit_code == 2
