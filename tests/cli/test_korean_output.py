"""Under --lang ko every command speaks Korean: no English word outside an allow-list (tickers, units,
identifiers a user types) in its output, its errors or its --help (issue 15 "Korean everywhere")."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from gaemi.cli.app import app

runner = CliRunner()

#: Words that are the same in Korean text: units, acronyms, greek-letter names, product names.
ALLOWED = {
    "KRW", "USD", "USDT", "MDD", "LTV", "DSR", "ETF", "ETFs", "CAGR", "GARCH", "GJR", "CVaR", "TOML", "JSON",
    "HTML", "CSV", "KODEX", "TSLL", "TQQQ", "UST", "LUNA", "BTC", "ETH", "XRP", "DOGE", "SOL", "IBIT",
    "NASDAQ", "KOSPI", "KOSDAQ", "KRX", "XKRX", "XNYS", "S&P", "CD", "DuckDB", "gaemi", "dask", "arch",
    "numba", "MA", "ko", "en", "str", "max", "GJR-GARCH-t", "dask.distributed", "int", "float", "bool", "text", "Student-t",
    "kr-2025-10", "yahoo", "upbit", "bithumb", "binance", "krx", "swap", "futures", "docs", "md", "csv",
    "html", "toml", "json", "stdout", "GAEMI_LANG", "GAEMI_STORE", "L", "P", "t", "x", "y", "k", "M",
    "saving", "years", "price", "margin", "daily", "ALL", "YYYY-MM-DD", "START", "STOP", "STEP",
    "LOW", "HIGH", "START:STOP:STEP", "LOW:HIGH", "PLAN", "PLANS", "FILE", "SYMBOL", "SOURCE", "SYMBOLS", "OUT", "UPSERT", "--help", "--lang",
    "critical", "error", "warning", "info", "debug", "uvicorn",  # log levels: values a user types
    "fx", "rate", "cp949", "utf-8", "none",  # --kind values, encodings, "none" as typed
}


def _identifiers() -> set[str]:
    """Names a user types and the output echoes: plans, assets, models, scenarios, options, commands."""
    from gaemi.config import builtin_plan_names
    from gaemi.data.catalog import catalog
    from gaemi.montecarlo import MODELS
    from gaemi.scenarios import list_crashes

    names = set(builtin_plan_names()) | set(catalog()) | set(MODELS)
    for c in list_crashes():
        names.add(c.name)
        names.update(c.summary()["figures"])
    cmd = typer.main.get_command(app)

    def walk(c):
        for p in c.params:
            names.update(getattr(p, "opts", []))
            names.update(getattr(p, "secondary_opts", []))
            names.add(p.name or "")
        for n, sub in getattr(c, "commands", {}).items():
            names.add(n)
            walk(sub)

    walk(cmd)
    from gaemi.config.plan import Plan

    def fields(schema):  # plan fields a user writes in a plan file (collapse_hazard, ...)
        for key, sub in schema.get("properties", {}).items():
            names.add(key)
        for sub in schema.get("$defs", {}).values():
            fields(sub)

    fields(Plan.model_json_schema())
    return {n for n in names if n}


_TOKEN = re.compile(r"(?<![\w./:\-])-{0,2}[A-Za-z][A-Za-z0-9_&]*(?:[-.:/][A-Za-z0-9_&]+)*")


def english_words(text: str, extra: set[str] = frozenset()) -> list[str]:
    """ASCII words in ``text`` that are not allowed in Korean output."""
    allowed = ALLOWED | _identifiers() | set(extra)
    text = re.sub(r"\S+\.(?:html|csv|toml|json|md|gz)\b", " ", text)  # file names
    text = re.sub(r"[\w.\-]*/[\w.\-/]+", " ", text)  # paths, pairs like BTC/KRW
    bad = []
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        if (w in allowed or w.strip("-") in allowed or "--" + w.strip("-") in allowed or w.lower() in allowed
                or w.upper() in allowed):
            continue
        if re.fullmatch(r"[A-Z0-9_.\-]+", w):  # tickers, codes (TSLA, 122630, KRW-BTC)
            continue
        if re.fullmatch(r"[a-z]+:[\w.\-]+", w):  # store symbols (my:samsung, upbit:BTC)
            continue
        bad.append(w)
    return sorted(set(bad))


#: One ordinary run of every leaf command, under --lang ko (small sizes). A new command must be added.
RUNS: dict[str, list[list[str]]] = {
    "demo": [["demo"]],
    "plans show": [["plans", "show", "safe", "--json"]],
    "backtest": [["backtest", "samsung-margin", "--start", "2012-01-02"],
                 ["backtest", "kodex-2x-salary", "--rolling"]],
    "fund": [["fund", "--underlying", "kospi200", "--leverage", "2"]],
    "simulate": [["simulate", "tqqq-salary", "--paths", "256", "--seed", "1"],
                 ["simulate", "severance-altcoins", "--paths", "256", "--seed", "1"]],
    "compare": [["compare", "safe", "samsung-margin", "--paths", "256", "--seed", "1"]],
    "odds": [["odds", "samsung-margin", "--paths", "256", "--seed", "1", "--leverage", "1,2"]],
    "scenarios": [["scenarios"]],
    "home": [["home", "--price", "11억", "--income", "7000만", "--first-time"]],
    "need": [["need", "safe", "--paths", "256", "--seed", "1", "--target", "0.3"]],
    "assets": [["assets"]],
    "heat": [["heat", "--sample"]],
    "data list": [["data", "list"]],
    "data show": [["data", "show", "nosuch:sym"]],
    "data fetch": [["data", "fetch", "nosuchsource", "BTC/KRW"]],
    "data import": [["data", "import", "nosuch-file.csv", "--symbol", "my:x", "--currency", "KRW",
                     "--calendar", "XKRX"]],
    "data export": [["data", "export", "nosuch:sym"]],
    "warmup": [["warmup", "--help"]],
    "colony": [["colony", "--scenario", "covid-2020", "--investors", "20000", "--seed", "1"],
               ["colony", "--calibration", "--investors", "20000", "--seed", "1"]],
    "serve": [["serve", "--help"]],
}


def _leaves(cmd, path=()):
    subs = getattr(cmd, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield " ".join(path), cmd


def test_every_command_has_a_korean_run():
    names = {p for p, _ in _leaves(typer.main.get_command(app))}
    assert sorted(names - set(RUNS)) == []


def _run(args):
    return runner.invoke(app, [*args, "--lang", "ko"], env={"COLUMNS": "200"})


@pytest.mark.parametrize("name", sorted(RUNS))
def test_korean_output_has_no_english(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GAEMI_STORE", str(tmp_path / "store.duckdb"))
    for args in RUNS[name]:
        r = _run(args)
        assert r.exit_code in (0, 2), r.output
        text = r.stdout if "--json" not in args else ""
        text += r.stderr
        assert english_words(text, set(args)) == [], f"gaemi {' '.join(args)} --lang ko:\n{r.output}"


@pytest.mark.parametrize("name", sorted(RUNS))
def test_korean_help_has_no_english(name):
    r = _run([*name.split(), "--help"])
    assert r.exit_code == 0, r.output
    assert english_words(r.stdout) == [], r.stdout


def test_every_help_text_has_korean():
    from gaemi.cli.help_ko import _all_help_ko, english_help_texts

    table = _all_help_ko()
    missing = [h for h in english_help_texts(typer.main.get_command(app)) if h not in table]
    assert missing == []


@pytest.mark.parametrize("args", [
    ["simulate", "safe", "--paths", "abc"], ["simulate", "safe", "--pathz", "3"], ["simulate"],
    ["simulate", "nosuchplan"], ["home", "--price", "11억 억", "--income", "1"], ["nosuchcommand"],
    ["compare", "safe"], ["odds", "safe", "--leverage", "5:1:1"], ["backtest", "safe", "--start", "1800-01-01"],
])
def test_korean_errors(args):
    r = _run(args)
    assert r.exit_code == 2
    assert r.stderr.startswith("오류: "), r.stderr
    assert english_words(r.stderr, set(args)) == [], r.stderr
    r = _run([*args, "--json"])  # under --json the message is in the run's language too
    if r.stdout.strip():
        import json

        assert english_words(json.loads(r.stdout)["error"]["message"], set(args)) == [], r.stdout


def test_the_allow_list_catches_english():
    assert english_words("최종 자산 the median wealth") == ["median", "the", "wealth"]
    assert english_words("삼성전자 TSLA 11.1억 KRW safe --paths") == []
