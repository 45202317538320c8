"""The real-fund reference figures: well-formed, and the computed rows reproduce from the daily
closes kept here (an independent recomputation, not gaemi)."""

import csv
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
KINDS = {"calendar_year_return", "cumulative_return", "annualized_return", "expense_ratio",
         "inception"}


def _rows():
    with open(HERE / "published_figures.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_schema_and_sources():
    rows = _rows()
    assert rows and list(rows[0]) == ["fund", "ticker", "country", "leverage", "underlying", "kind",
                                      "period_start", "period_end", "value", "basis", "source",
                                      "note"]
    for r in rows:
        assert r["kind"] in KINDS, r
        assert r["basis"] in {"nav", "price", "na"}, r
        assert r["country"] in {"US", "KR"}, r
        assert r["source"].startswith(("http://", "https://", "github:")), r
        pd.Timestamp(r["period_end"])
        if r["kind"] != "expense_ratio":
            assert pd.Timestamp(r["period_start"]) <= pd.Timestamp(r["period_end"]), r
        if r["kind"] == "inception":
            assert r["value"] == ""
        else:
            v = float(r["value"])
            assert -1 <= v < 1000, r
            if r["kind"] == "expense_ratio":
                assert 0 < v < 0.02, r
    # every fund with return rows has an expense ratio to run the synthetic fund with
    has_er = {r["ticker"] for r in rows if r["kind"] == "expense_ratio"}
    assert {r["ticker"] for r in rows if r["kind"].endswith("_return")} <= has_er


@pytest.mark.parametrize("ticker, fname", [("TQQQ", "tqqq_daily.csv"), ("UPRO", "upro_daily.csv"),
                                           ("122630", "122630_daily.csv"),
                                           ("252670", "252670_daily.csv")])
def test_computed_rows_reproduce_from_daily_closes(ticker, fname):
    s = pd.read_csv(HERE / fname, parse_dates=["date"]).set_index("date")["close"]
    assert s.index.is_monotonic_increasing and not s.index.has_duplicates and (s > 0).all()
    checked = 0
    for r in _rows():
        if r["ticker"] != ticker or r["basis"] != "price" or not r["source"].startswith("github:"):
            continue
        base = s[s.index < pd.Timestamp(r["period_start"])].iloc[-1]
        end = s[s.index <= pd.Timestamp(r["period_end"])].iloc[-1]
        assert end / base - 1 == pytest.approx(float(r["value"]), rel=2e-6, abs=2e-6), r
        checked += 1
    assert checked >= 8


def test_validate_script_runs_and_reports():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "validate_funds.py"), "--funds", "SH",
                          "--kinds", "annualized_return"], capture_output=True, text=True, check=True)
    assert "| SH | -1 | sp500tr | annualised |" in out.stdout
    assert "## Summary per fund" in out.stdout
