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
        head = render_terminal_sentences(res, lang)
        assert head[len(head) - len(out):] == out  # the span and warnings first, then the same sentences


def test_english_numbers_equal_the_summary(mc_fund):
    s = mc_fund.summary()
    text = " ".join(report_sentences(mc_fund, "en"))
    assert f"In {per100(s['p_goal'])} of 100 simulated futures you could buy the home" in text
    assert "1,106,000,000 KRW today" in text  # the plan's home price
    assert f"within {round(s['years'])} years" in text
    assert f"in 50 of 100 it took {s['time_to_goal_years']['p50']:.1f} years or less" in text
    assert (f"In {per100(s['p_ruin_floor_ever'])} of 100 simulated futures your wealth fell at some point to the "
            "ruin floor (20% of the money you had put in)") in text
    assert s["p_ruin_floor_end"] == 0 and "none ended at or below the ruin floor" in text
    assert (f"in {per100(s['p_wipeout_ever'])} of 100 the account fell at some point to the wipe-out line "
            "(10% of the money put in)") in text
    assert s["p_wipeout_end"] == 0 and "none ended wiped out" in text
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
    assert f"100번 중 {per100(s['p_wipeout_ever'])}번은 한때 깡통선(넣은 돈의 10%)까지 떨어졌습니다" in text
    assert "끝내 깡통계좌로 끝난 경우는 없었습니다" in text
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
        s["p_ruin_floor_ever"] = 0.44
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
    assert "In none of the simulated futures did your wealth fall to the ruin floor (20%" in en
    ko = " ".join(report_sentences(res, "ko"))
    assert "손실 한계선(넣은 돈의 20%)까지 떨어진 경우는 한 번도 없었습니다" in ko


def test_unknown_language(mc_fund):
    with pytest.raises(ConfigError):
        report_sentences(mc_fund, "de")


# --------------------------------------------------------------------------- issue 13 §3: words
def _doctored(monkeypatch, **changes):
    """make_result("all-in-margin") with summary() figures replaced (the sentences only format them)."""
    original = SimulationResult.summary

    def doctored(self):
        s = original(self)
        for k, v in changes.items():
            if isinstance(v, dict) and isinstance(s.get(k), dict):
                s[k] = {**s[k], **v}
            else:
                s[k] = v
        return s

    monkeypatch.setattr(SimulationResult, "summary", doctored)


def test_ever_and_end_are_said_apart(monkeypatch):
    """A floor touched at some point and a horizon ended at or below it are different sentences."""
    _doctored(monkeypatch, p_wipeout_ever=0.08, p_wipeout_end=0.03, p_ruin_floor_ever=0.14, p_ruin_floor_end=0.05)
    en = " ".join(report_sentences(make_result("all-in-margin"), "en"))
    assert "in 8 of 100 the account fell at some point to the wipe-out line (10% of the money put in)" in en
    assert "in 3 of 100 it ended wiped out (at or below the wipe-out line at the end)" in en
    ko = " ".join(report_sentences(make_result("all-in-margin"), "ko"))
    assert "100번 중 8번은 한때 깡통선(넣은 돈의 10%)까지 떨어졌습니다" in ko
    assert "100번 중 3번은 끝내 깡통계좌로 끝났습니다" in ko
    en = " ".join(report_sentences(make_result("tqqq-salary"), "en"))  # no margin: the ruin floor is said
    assert "In 14 of 100 simulated futures your wealth fell at some point to the ruin floor" in en
    assert "in 5 of 100 it ended at or below the ruin floor" in en
    ko = " ".join(report_sentences(make_result("tqqq-salary"), "ko"))
    assert "100번 중 14번은 한때 재산이 손실 한계선(넣은 돈의 20%)까지 떨어졌습니다" in ko
    assert "100번 중 5번은 끝내 손실 한계선 이하로 끝났습니다" in ko


def test_a_path_that_dips_to_the_floor_and_recovers_counts_ever_not_end():
    """Three hand-built paths through the engine: a -95 % crash then a recovery to the start (the
    floors touched, not at the end), the crash that stays (both), and a flat path (neither)."""
    import numpy as np
    from tests.engine.helpers import plan, run

    p = plan()
    # the summary reads the asset's class: the same one-holding plan named after a real index
    named = p.model_validate({**p.model_dump(), "holdings": [{"asset": "ndxtr", "weight": 1.0}]})
    returns = np.array([[[-0.95], [19.0], [0.0]],  # 100 -> 5 -> 100: below 10 % and 20 % of 100, recovered
                        [[-0.95], [0.0], [0.0]],   # 100 -> 5, stays
                        [[0.0], [0.0], [0.0]]])    # flat
    res = SimulationResult(plan=named, kind="bootstrap", n_days=3, raw=run(p, returns))
    ev = res.events()
    assert list(ev["wipeout_day"] >= 0) == [True, True, False]
    assert list(ev["end_wealth"] <= 0.1 * ev["invested"]) == [False, True, False]
    s = res.summary()
    assert s["p_wipeout_ever"] == pytest.approx(2 / 3) and s["p_wipeout_end"] == pytest.approx(1 / 3)
    assert s["p_ruin_floor_ever"] == pytest.approx(2 / 3) and s["p_ruin_floor_end"] == pytest.approx(1 / 3)
    one = SimulationResult(plan=named, kind="bootstrap", n_days=3, raw=run(p, returns[:1]))
    s1 = one.summary()
    assert (s1["p_wipeout_ever"], s1["p_wipeout_end"], s1["p_ruin_floor_ever"], s1["p_ruin_floor_end"]) == (1, 0, 1, 0)
    en = " ".join(report_sentences(one, "en"))  # one path: the dip and the recovery
    assert "the account fell to the wipe-out line (10% of the money put in) on session 1" in en
    assert "by the end it was back above the wipe-out line" in en and "by the end it was back above the ruin floor" in en
    ko = " ".join(report_sentences(one, "ko"))
    assert "끝에는 깡통선 위로 회복했습니다" in ko and "끝내 깡통계좌로 끝났습니다" not in ko
    two = SimulationResult(plan=named, kind="bootstrap", n_days=3, raw=run(p, returns[1:2]))
    assert "it ended wiped out" in " ".join(report_sentences(two, "en"))
    assert "끝내 깡통계좌로 끝났습니다" in " ".join(report_sentences(two, "ko"))


def test_fewer_than_one_in_100_reads_naturally(monkeypatch):
    _doctored(monkeypatch, p_forced_sale=0.001, p_goal=0.999)
    ko = " ".join(report_sentences(make_result("all-in-margin"), "ko"))
    assert "미만번" not in ko and "1번 미만" not in ko
    assert "100번 중 1번도 안 되는 경우에 한 번 이상 반대매매를 당했습니다" in ko
    assert "100번 중 99번 넘게 10년 안에 내 집" in ko and "넘게번" not in ko
    en = " ".join(report_sentences(make_result("all-in-margin"), "en"))
    assert "In fewer than 1 of 100 simulated futures you were force-sold" in en
    assert "In over 99 of 100 simulated futures you could buy the home" in en


def test_no_zero_of_100_anywhere(monkeypatch):
    _doctored(monkeypatch, p_negative_equity=0.0, p_wipeout_ever=0.02, p_wipeout_end=0.0, p_forced_sale=0.0)
    for lang, zero in (("en", " 0 of 100"), ("ko", "100번 중 0번")):
        text = " ".join(report_sentences(make_result("all-in-margin"), lang))
        assert zero not in text, text
    assert "none ended wiped out" in " ".join(report_sentences(make_result("all-in-margin"), "en"))
    ko = " ".join(report_sentences(make_result("all-in-margin"), "ko"))
    assert "끝내 깡통계좌로 끝난 경우는 없었습니다" in ko and "반대매매를 당한 경우는 없었습니다" in ko


def test_a_fund_that_beat_l_times_the_index_is_not_called_drag(monkeypatch):
    _doctored(monkeypatch, leveraged_fund={"median_fund_return": 2.5, "median_l_times_underlying_return": 1.2})
    en = report_sentences(make_result("tqqq-salary"), "en")[-1]
    assert en == "The 3x fund returned +250% over the period (median), beating 3 times the index's return (+120%)."
    assert "drag" not in en
    ko = report_sentences(make_result("tqqq-salary"), "ko")[-1]
    assert "기초지수 수익률의 3배(+120%)보다 높았습니다" in ko and "끌림" not in ko


def test_a_fund_that_fell_short_is_volatility_drag(mc_fund):
    s = mc_fund.summary()["leveraged_fund"]
    assert s["median_fund_return"] < s["median_l_times_underlying_return"]
    assert "the gap is volatility drag" in report_sentences(mc_fund, "en")[-1]
    assert "변동성 끌림" in report_sentences(mc_fund, "ko")[-1]


def test_no_path_jargon_in_korean(mc_fund, mc_margin, rolling_margin, backtest_fund):
    from gaemi.reports.i18n import STRINGS

    for key, v in STRINGS["ko"].items():
        assert "경로" not in str(v), key
    for res in (mc_fund, mc_margin, rolling_margin, backtest_fund):
        assert not any("경로" in x for x in render_terminal_sentences(res, "ko"))


HISTORY = {"start": "2017-11-09", "end": "2025-09-30", "years": 7.89, "sessions": 1985, "limited_by": "doge"}
WARNINGS = [{"code": "short_history", "message": "Only 7.9 years of history.", "message_ko": "과거 데이터가 7.9년뿐입니다."},
            {"code": "no_major_drawdown", "message": "doge never fell 80%.", "message_ko": "doge는 80% 넘게 떨어진 적이 없습니다."}]


def test_terminal_states_the_span_and_every_warning_first(monkeypatch):
    _doctored(monkeypatch, history=HISTORY, warnings=WARNINGS)
    res = make_result("all-in-margin")
    en = render_terminal_sentences(res, "en")
    assert en[0] == "History behind these numbers: 2017-11-09 ~ 2025-09-30, 7.9 years, 1,985 sessions, limited by doge"
    assert en[1:3] == ["Warning: Only 7.9 years of history.", "Warning: doge never fell 80%."]
    assert en[3:] == report_sentences(res, "en")
    ko = render_terminal_sentences(res, "ko")
    assert ko[0].startswith("바탕이 된 과거 데이터: 2017-11-09 ~ 2025-09-30, 7.9년, 1,985 거래일") and "doge" in ko[0]
    assert ko[1:3] == ["주의: 과거 데이터가 7.9년뿐입니다.", "주의: doge는 80% 넘게 떨어진 적이 없습니다."]


def test_no_history_no_warnings_no_extra_lines(monkeypatch):
    _doctored(monkeypatch, history=None, warnings=[])
    res = make_result("safe")
    assert render_terminal_sentences(res, "en") == report_sentences(res, "en")
