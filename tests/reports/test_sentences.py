"""Plain sentences: their numbers are the result's summary numbers, counted independently here."""

from __future__ import annotations

import dataclasses
import re

import pytest
from tests.reports.conftest import make_raw, make_result

from gaemi.engine import layout as L
from gaemi.errors import ConfigError
from gaemi.reports import render_terminal_sentences, report_sentences
from gaemi.results.simulation import SimulationResult


def per100(p: float) -> int:
    n = round(100 * p)
    assert abs(100 * p - n) != 0.5, "fixture must avoid rounding ties"
    return n


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_three_to_five_plain_sentences(lang, mc_fund, mc_margin, rolling_margin, backtest_fund):
    for res in (mc_fund, mc_margin, rolling_margin, backtest_fund):
        out = report_sentences(res, lang)
        assert 3 <= len(out) <= 5
        assert all(isinstance(s, str) and s.endswith(".") and "<" not in s for s in out)
        assert render_terminal_sentences(res, lang) == out


def test_english_numbers_equal_the_summary(mc_fund):
    s = mc_fund.summary()
    text = " ".join(report_sentences(mc_fund, "en"))
    assert f"In {per100(s['p_goal'])} of 100 simulated futures you could buy the home" in text
    assert "1,106,000,000 KRW today" in text  # the plan's home price
    assert f"within {round(s['years'])} years" in text
    assert f"in 50 of 100 it took {s['time_to_goal_years']['p50']:.1f} years or less" in text
    assert f"In {per100(s['p_ruin_floor'])} of 100 simulated futures your wealth fell" in text
    assert f"in {per100(s['p_wipeout'])} of 100 the account was all but wiped out" in text
    assert f"in {per100(s['p_negative_equity'])} of 100 you ended up owing more" in text
    assert "the middle outcome was 1,106,000,000 KRW" in text
    assert "put in about 300,000,000 KRW" in text
    assert "worst 5 of 100 it was 140,000,000 KRW or less" in text
    dd = s["max_drawdown_quantiles"]
    assert f"fell {round(100 * dd['p50'])}% from its peak" in text
    assert f"in 25 of 100 it fell {round(100 * dd['p75'])}% or more" in text
    lf = s["leveraged_fund"]
    assert f"The 3x fund returned +{round(100 * lf['median_fund_return'])}%" in text
    assert f"would have been +{round(100 * lf['median_l_times_underlying_return'])}%" in text


def test_korean_numbers_equal_the_summary(mc_margin):
    s = mc_margin.summary()
    text = " ".join(report_sentences(mc_margin, "ko"))
    assert f"시뮬레이션한 미래 100번 중 {per100(s['p_goal'])}번은 10년 안에 내 집" in text
    assert "현재 가격 11억 600만 원" in text
    assert f"100번 중 {per100(s['p_forced_sale'])}번은 한 번 이상 반대매매" in text
    assert f"100번 중 {per100(s['p_wipeout'])}번은 깡통계좌" in text
    assert f"100번 중 {per100(s['p_negative_equity'])}번은 빚이 재산보다" in text
    assert "중앙값은 11억 600만 원" in text and "넣은 돈은 약 3억 원" in text and "1억 4,000만 원 이하" in text
    assert f"중앙값이 {round(100 * s['max_drawdown_quantiles']['p50'])}%" in text
    assert not re.search(r"\d{1,3}(,\d{3}){2,}", text), "Korean prose spells amounts with 만/억"


def test_historical_windows_and_one_path(rolling_margin, backtest_fund):
    s = rolling_margin.summary()
    en = " ".join(report_sentences(rolling_margin, "en"))
    assert f"In {round(100 * s['p_goal'])} of 100 historical start months" in en
    assert f"In {round(100 * s['p_forced_sale'])} of 100 historical start months you were force-sold" in en
    ko = " ".join(report_sentences(rolling_margin, "ko"))
    assert f"과거 시작 시점 100번 중 {round(100 * s['p_goal'])}번은" in ko

    ev = backtest_fund.events().iloc[0]
    goal_date = backtest_fund.day_dates[int(ev["goal_day"])]
    en = " ".join(report_sentences(backtest_fund, "en"))
    assert "Starting on 4 Jun 2007" in en
    assert f"{goal_date.strftime('%b')} {goal_date.year}" in en
    assert f"{round(100 * ev['max_drawdown'])}% below its peak" in en
    ko = " ".join(report_sentences(backtest_fund, "ko"))
    assert "2007년 6월 4일에 시작해" in ko and f"{goal_date.year}년 {goal_date.month}월" in ko


def test_sentences_read_the_summary_and_do_not_recompute(monkeypatch, mc_fund):
    """Change what summary() says and the sentences follow: the report only formats it."""
    original = SimulationResult.summary

    def doctored(self):
        s = original(self)
        s["p_goal"] = 0.33
        s["p_ruin_floor"] = 0.44
        return s

    monkeypatch.setattr(SimulationResult, "summary", doctored)
    text = " ".join(report_sentences(make_result("tqqq-salary"), "en"))
    assert "In 33 of 100 simulated futures you could buy" in text
    assert "In 44 of 100 simulated futures your wealth fell" in text


def test_zero_probabilities_read_naturally():
    """No path reaches the home and none is ruined: "in none of", never "in 0 of 100"."""
    base = make_result("safe")
    raw = make_raw(forced=False)
    for col in (L.GOAL_DAY, L.RUIN_DAY, L.WIPEOUT_DAY):
        raw.ints[:, col] = -1
    raw.ints[:, L.GRADUATED] = 0
    raw.floats[:, L.MIN_WEALTH] = 1.0
    res = dataclasses.replace(base, raw=raw)
    for lang, zero in (("en", " 0 of 100"), ("ko", "100번 중 0번")):
        out = report_sentences(res, lang)
        assert 3 <= len(out) <= 5
        assert not any(zero in x for x in out), out
    en = " ".join(report_sentences(res, "en"))
    assert "In none of the simulated futures could you buy the home" in en
    assert "In none of the simulated futures did your wealth fall to 20%" in en


def test_unknown_language(mc_fund):
    with pytest.raises(ConfigError):
        report_sentences(mc_fund, "de")
