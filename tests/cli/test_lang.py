"""The terminal's language (--lang, GAEMI_LANG, locale) and its words and money forms."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from gaemi.cli import lang as L
from gaemi.cli.app import app
from gaemi.cli.words import CRASH_TITLES_KO, PLAN_TITLES_KO, WORDS
from gaemi.reports.i18n import fmt_money_short

runner = CliRunner()


@pytest.mark.parametrize("amount, currency, ko, en", [
    (1_106_000_000, "KRW", "11.1억", "1,106M KRW"),
    (140_000_000, "KRW", "1.4억", "140M KRW"),
    (45_000_000, "KRW", "4,500만", "45.0M KRW"),
    (99_990_000, "KRW", "9,999만", "100.0M KRW"),
    (9_000, "KRW", "9,000원", "9,000 KRW"),
    (0, "KRW", "0원", "0 KRW"),
    (-140_000_000, "KRW", "-1.4억", "-140M KRW"),
    (1_234_000, "USD", "123만 달러", "$1,234k"),
    (3_500, "USD", "3,500달러", "$3,500"),
    (-250_000, "USD", "-25만 달러", "-$250k"),
])
def test_one_money_form_per_language_in_tables(amount, currency, ko, en):
    assert fmt_money_short(amount, currency, "ko") == ko
    assert fmt_money_short(amount, currency, "en") == en


def test_both_languages_have_the_same_words():
    assert set(WORDS["ko"]) == set(WORDS["en"])


def test_every_builtin_plan_and_crash_has_a_korean_title():
    from gaemi.config import builtin_plan_names
    from gaemi.scenarios import list_crashes

    assert set(builtin_plan_names()) <= set(PLAN_TITLES_KO)
    assert {c.name for c in list_crashes()} <= set(CRASH_TITLES_KO)


def test_language_order_option_then_env_then_locale(monkeypatch):
    monkeypatch.delenv("GAEMI_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    assert L.default_lang() == "ko"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert L.default_lang() == "en"
    monkeypatch.setenv("GAEMI_LANG", "ko")
    assert L.default_lang() == "ko"
    assert L.scan_args(["simulate", "safe", "--lang", "en"]) == "en"
    assert L.scan_args(["--lang=ko", "x", "--lang", "en"]) == "en"
    assert L.scan_args(["simulate", "--", "--lang", "ko"]) is None


@pytest.mark.parametrize("env, args, word", [
    ({"GAEMI_LANG": "ko"}, ["plans"], "내장 계획"),
    ({"GAEMI_LANG": "en"}, ["plans"], "Built-in plans"),
    ({"GAEMI_LANG": "ko"}, ["plans", "--lang", "en"], "Built-in plans"),
    ({"GAEMI_LANG": "en"}, ["--lang", "ko", "plans"], "내장 계획"),
    ({"GAEMI_LANG": "", "LANG": "ko_KR.UTF-8", "LC_ALL": ""}, ["plans"], "내장 계획"),
])
def test_cli_language_choice(env, args, word):
    r = runner.invoke(app, args, env=env)
    assert r.exit_code == 0, r.output
    assert word in r.stdout


def test_bad_language_is_one_line_exit_2():
    r = runner.invoke(app, ["plans", "--lang", "fr"])
    assert r.exit_code == 2 and r.stderr.strip().count("\n") == 0
    assert "lang" in r.stderr and "ko or en" in r.stderr
    r = runner.invoke(app, ["plans", "--json"], env={"GAEMI_LANG": "fr"})
    assert r.exit_code == 2 and json.loads(r.stdout)["error"]["field"] == "GAEMI_LANG"


def test_korean_plan_name_runs_end_to_end(tmp_path):
    text = runner.invoke(app, ["plans", "show", "safe"]).stdout
    text = text.replace('name = "safe"', 'name = "내계획"').replace('capital = ', 'capital = "1억 4천만" #', 1)
    f = tmp_path / "내계획.toml"
    f.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["simulate", str(f), "--paths", "64", "--seed", "1", "--json"])
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["plan"] == "내계획"
    r = runner.invoke(app, ["simulate", str(f), "--paths", "64", "--seed", "1", "--lang", "ko"])
    assert r.exit_code == 0 and "내계획" in r.stdout
    assert "자본금 1억 4,000만 원" in r.stdout  # the typed amount, parsed exactly and echoed back
