"""``gaemi colony`` in the terminal: JSON fields, Korean output, --calibration, --report, and bad input
(exit code 2, one line naming the field and the value, nothing written)."""

from __future__ import annotations

import json
import re

import pytest
import typer
from typer.testing import CliRunner

from gaemi.cli.colony_cmd import colony

runner = CliRunner()

REQUIRED = {"investors", "represented", "total_loss_krw", "loss_without_feedback_krw", "amplification",
            "share_force_sold", "share_wiped_out", "share_with_debt", "margin_balance_start_krw",
            "margin_balance_end_krw", "margin_balance_by_day", "forced_sales_krw_by_day", "by_decile", "converged"}


def _app() -> typer.Typer:
    """The real CLI if it registers ``colony``, else a test app with the same one-line error handling."""
    from gaemi.cli.app import _OneLineErrors, app

    if any((c.name or getattr(c.callback, "__name__", "")) == "colony" for c in app.registered_commands):
        return app
    test_app = typer.Typer(cls=_OneLineErrors, add_completion=False, pretty_exceptions_enable=False)

    @test_app.callback()
    def main() -> None:
        """gaemi (test app)."""

    test_app.command()(colony)
    return test_app


APP = _app()


def invoke(*args: str, env: dict | None = None):
    return runner.invoke(APP, ["colony", *args], env=env)


SMALL = ("--investors", "3000", "--seed", "5", "--curve", "none")


def test_json_has_the_issue_fields():
    r = invoke("--scenario", "kospi-limit-down", *SMALL, "--json", "--lang", "en")
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert REQUIRED <= set(s)
    assert s["investors"] == 3000 and s["converged"] is True
    assert len(s["margin_balance_by_day"]) == 2 and len(s["forced_sales_krw_by_day"]) == 1
    assert len(s["by_decile"]) == 10
    assert s["represented"] == pytest.approx(sum(d["investors"] for d in s["by_decile"]))


ALLOWED_LATIN = {"gaemi", "KRW", "ETF", "KOSPI", "KOSDAQ", "M", "none", "covid", "kospi", "limit", "down",
                 "crypto", "gfc", "luna", "volmageddon"}


def test_korean_terminal_speaks_korean():
    r = invoke("--from", "2020-03-09", "--to", "2020-03-20", *SMALL, "--lang", "ko")
    assert r.exit_code == 0, r.output
    out = r.stdout
    for word in ("반대매매", "신용융자", "깡통계좌", "증폭 배율", "분위"):
        assert word in out
    leaked = set(re.findall(r"[A-Za-z]{2,}", out)) - ALLOWED_LATIN
    assert not leaked, sorted(leaked)


def test_calibration_table_json_and_terminal():
    r = invoke("--calibration", "--investors", "2000", "--seed", "1", "--json", "--lang", "en")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["calibration"]
    assert rows and {"target", "model", "table", "relative_error", "tolerance", "source", "label_ko",
                     "label_en"} <= set(rows[0])
    r = invoke("--calibration", "--investors", "2000", "--seed", "1", "--lang", "ko")
    assert r.exit_code == 0 and "허용 오차" in r.stdout and "신용융자 잔고" in r.stdout


def test_report_is_written(tmp_path):
    out = tmp_path / "colony.html"
    r = invoke("--scenario", "kospi-limit-down", *SMALL, "--report", str(out), "--lang", "en")
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")


def write(tmp_path, body: str) -> str:
    p = tmp_path / "shock.toml"
    p.write_text(body, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("args, field, value", [
    (("--scenario", "covid", *SMALL), "scenario", "covid"),
    (("--scenario", "kospi-limit-down", "--investors", "-5"), "investors", "-5"),
    (("--scenario", "kospi-limit-down", "--investors", "0"), "investors", "0"),
    (("--scenario", "kospi-limit-down", *SMALL, "--impact", "-1"), "impact", "-1"),
    (("--scenario", "kospi-limit-down", *SMALL, "--impact", "nan"), "impact", "nan"),
    (("--scenario", "kospi-limit-down", "--investors", "300", "--curve", "x"), "curve", "x"),
    (("--scenario", "kospi-limit-down", "--shock", "x.toml", *SMALL), "shock", None),
    (("--from", "2020-03-24", "--to", "2020-02-21", *SMALL), "to", "2020-02-21"),
    (("--from", "2020-03-24", *SMALL), "to", None),
    ((*SMALL,), "scenario", None),
])
def test_bad_input_exits_2_naming_field_and_value(tmp_path, args, field, value):
    out = tmp_path / "r.html"
    r = invoke(*args, "--report", str(out), "--lang", "en")
    assert r.exit_code == 2, r.output
    line = r.stderr.strip()
    assert "\n" not in line and line.startswith("error")
    assert field in line
    if value is not None:
        assert value in line
    assert not out.exists()  # nothing half-written


@pytest.mark.parametrize("body, field, value", [
    ("days = 3\n[returns]\nkosdaq_theme = [-0.1, 0.0]\n", "returns.kosdaq_theme", "missing days"),
    ("days = 2\n[returns]\nkosdaq = [-0.1, 0.0]\n", "returns.kosdaq", None),
    ("days = 2\n[returns]\nkosdaq_theme = [-0.1, -1.2]\n", "returns.kosdaq_theme[1]", "-1.2"),
])
def test_bad_shock_file_exits_2(tmp_path, body, field, value):
    out = tmp_path / "r.html"
    r = invoke("--shock", write(tmp_path, body), *SMALL, "--report", str(out), "--lang", "en")
    assert r.exit_code == 2, r.output
    assert field in r.stderr and (value is None or value in r.stderr)
    assert not out.exists()
    r = invoke("--shock", write(tmp_path, body), *SMALL, "--json", "--lang", "en")
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["field"] == field


def test_report_to_a_folder_and_korean_error(tmp_path):
    r = invoke("--scenario", "kospi-limit-down", *SMALL, "--report", str(tmp_path), "--lang", "en")
    assert r.exit_code == 2 and "report" in r.stderr
    r = invoke("--from", "2020-03-24", "--to", "2020-02-21", *SMALL, "--lang", "ko")
    assert r.exit_code == 2 and r.stderr.startswith("오류") and "--from과 같거나 그 뒤의 날짜" in r.stderr


def test_investor_limit_from_the_environment():
    r = invoke("--scenario", "kospi-limit-down", "--investors", "2000", "--curve", "none", "--lang", "en",
               env={"GAEMI_MAX_INVESTORS": "1000"})
    assert r.exit_code == 2 and "GAEMI_MAX_INVESTORS" in r.stderr and "2000" in r.stderr
