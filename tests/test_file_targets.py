"""Every file gaemi writes goes to a regular file at the path given, and nothing else.

``render_report`` (``--report``), ``SimulationResult.save`` and ``gaemi heat --report`` refuse a
folder, a device (/dev/null, /dev/full), a missing parent folder and a symbolic link (documented:
refused, never followed; the link's target is left as it was): a ConfigError naming the field
in the API, one line and exit 2 in the CLI.
"""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

import gaemi
from gaemi.cli.app import app
from gaemi.config import plan_from_dict
from gaemi.errors import ConfigError
from gaemi.reports import render_report
from gaemi.results.simulation import SimulationResult

runner = CliRunner()

DEVICES = [d for d in ("/dev/null", "/dev/full") if os.path.exists(d)]


@pytest.fixture(scope="module")
def res():
    plan = plan_from_dict(dict(name="spot", currency="USD", horizon_years=3,
                               investor=dict(capital=1000.0),
                               holdings=[dict(asset="sp500tr", weight=1.0)]))
    return gaemi.backtest(plan, start="2012-03-01", end="2015-03-01")


def _targets(tmp_path):
    """(label, path, needle) for each refused target; a file 'keep' must stay as it was."""
    (tmp_path / "keep.html").write_text("keep")
    (tmp_path / "link.html").symlink_to(tmp_path / "keep.html")
    (tmp_path / "dangling.html").symlink_to(tmp_path / "nowhere.html")
    out = [("folder", tmp_path, "folder"),
           ("missing parent", tmp_path / "no" / "such" / "r.html", "does not exist"),
           ("symlink", tmp_path / "link.html", "symbolic link"),
           ("dangling symlink", tmp_path / "dangling.html", "symbolic link")]
    out += [(d, d, "device") for d in DEVICES]
    return out


def _unchanged(tmp_path):
    assert (tmp_path / "keep.html").read_text() == "keep"
    assert not (tmp_path / "nowhere.html").exists()  # a dangling link was not followed
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), "no temporary left"


# ---------------------------------------------------------------- API: render_report, save
def test_render_report_refuses_every_bad_target(tmp_path, res):
    for label, target, needle in _targets(tmp_path):
        with pytest.raises(ConfigError, match=needle) as e:
            render_report(res, target)
        assert e.value.field == "report", label
    _unchanged(tmp_path)


def test_save_refuses_every_bad_target(tmp_path, res):
    for label, target, needle in _targets(tmp_path):
        with pytest.raises(ConfigError, match=needle) as e:
            res.save(target)
        assert e.value.field == "path", label
    _unchanged(tmp_path)


def test_save_is_atomic_and_loadable(tmp_path, res):
    target = tmp_path / "r.npz"
    target.write_bytes(b"old")
    assert res.save(target) == target
    again = SimulationResult.load(target)
    assert again.summary() == res.summary() and again.plan == res.plan
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.npz"]
    assert res.save(str(tmp_path / "s.npz")).exists()  # a str path too


def test_load_refuses_what_is_not_a_result(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"\x00\x01not a zip")
    for target in (tmp_path, tmp_path / "missing.npz", tmp_path / "junk.npz"):
        with pytest.raises(ConfigError) as e:
            SimulationResult.load(target)
        assert e.value.field == "path"


def test_report_write_failure_leaves_the_old_file(tmp_path, res, monkeypatch):
    target = tmp_path / "r.html"
    target.write_text("old")

    def broken(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(ConfigError, match="No space"):
        render_report(res, target)
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["r.html"]


# ---------------------------------------------------------------- CLI: one line, exit 2
def _one_line_exit_2(r, needle):
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and needle in lines[0], r.output


@pytest.mark.parametrize("which", ["folder", "missing parent", "symlink", *DEVICES])
def test_cli_backtest_report_refuses(tmp_path, which):
    target, needle = {label: (t, n) for label, t, n in _targets(tmp_path)}[which]
    r = runner.invoke(app, ["backtest", "safe", "--report", str(target)])
    _one_line_exit_2(r, needle)
    _unchanged(tmp_path)


@pytest.mark.parametrize("which", ["folder", "symlink", *DEVICES[:1]])
def test_cli_heat_report_refuses(tmp_path, which):
    target, needle = {label: (t, n) for label, t, n in _targets(tmp_path)}[which]
    r = runner.invoke(app, ["heat", "--sample", "--report", str(target)])
    _one_line_exit_2(r, needle)
    _unchanged(tmp_path)


def test_cli_heat_report_writes_a_regular_file(tmp_path):
    target = tmp_path / "h.html"
    target.write_text("old")
    r = runner.invoke(app, ["heat", "--sample", "--report", str(target)])
    assert r.exit_code == 0, r.output
    assert target.read_text().startswith("<!doctype html>")
    assert os.listdir(tmp_path) == ["h.html"]
