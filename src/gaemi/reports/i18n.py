"""Every word a report shows, in Korean and English, and the formatting of numbers and money.

Policy (docs/reports.md): report code never writes a user-visible word itself; it asks
:func:`text` for a key. Both languages have exactly the same keys (a test checks this), and the
Korean words follow ``glossary-ko.md`` (반대매매, 깡통계좌, 내 집 마련, 최대 낙폭 (MDD) ...).
One name per threshold, in every table, sentence and chart: the ruin floor is "ruin floor" /
"손실 한계선" and the wipe-out line "wipe-out line" / "깡통선" (an account that ends at or below it:
깡통계좌); "at some point" / "한때" says a line was touched, "ended" / "끝내" that the horizon
closed at or below it. Amounts in KRW use 만/억 grouping in Korean (:func:`gaemi.units.format_krw`); tables may use 억
with one decimal ("11.1억"); percentages keep at most one decimal in prose.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from gaemi.errors import ConfigError
from gaemi.units import format_krw

LANGS = ("ko", "en")

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        # page
        "page_title": "gaemi report: {plans}",
        "summary_heading": "In plain words",
        "table_heading": "Headline figures",
        "charts_heading": "Charts",
        "figure": "Figure",
        "run_line": "{kind} · {paths} · {years} years",
        "run_line_single": "{kind} · {years} years",
        "paths_n": "{n} {unit}",
        "history_line": "History behind these numbers: {start} ~ {end}, {years} years, {sessions} sessions{limited}",
        "history_limited": ", limited by {name}",
        "warnings_heading": "Read this first",
        "need_heading": "What would a safe plan need?",
        "need_col_own": "plan as it is",
        "need_col_solved": "what it would need",
        "warning_prefix": "Warning: ",
        "seed": "seed {seed}",
        "data_range": "market data {start} to {end}",
        "scenario": "crash scenario: {name}",
        "footer": "Made with gaemi {version}. This file works offline: open it in any web browser. "
                  "Probabilities are shares of the {unit} computed by gaemi; the page only formats them. "
                  "Not investment advice.",
        "not_reached": "—: not reached within the period.",
        "na": "—",
        # kinds of result
        "kind_backtest": "one path through history",
        "kind_history": "every monthly start in history",
        "kind_mc": "Monte Carlo simulation ({model})",
        "model_bootstrap": "block bootstrap of history",
        "model_garch": "GARCH volatility model",
        "model_parametric": "normal-returns model",
        "model_historical": "historical windows",
        "unit_mc": "simulated futures",
        "unit_history": "historical start months",
        "unit_backtest": "historical period",
        # counts in prose ("In {n} simulated futures ..."): n100 as a subject, np100 as a noun phrase
        "n100": "{n} of 100",
        "n100_less": "fewer than 1 of 100",
        "n100_over": "over 99 of 100",
        "np100": "in {n} of 100",
        "np100_none": "in none",
        "np100_less": "in fewer than 1 of 100",
        "np100_over": "in over 99 of 100",
        # sentences: many paths
        "s_goal_home": "In {n} {unit} you could buy the home ({price} today) within {years} years",
        "s_goal_amount": "In {n} {unit} you reached your target of {amount} within {years} years",
        "s_goal_median": "; in 50 of 100 it took {p50} years or less",
        "s_goal_home_none": "In none of the {unit} could you buy the home ({price} today) within {years} years",
        "s_goal_amount_none": "In none of the {unit} did you reach your target of {amount} within {years} years",
        "s_forced_none": "In none of the {unit} were you force-sold",
        "s_forced": "In {forced} {unit} you were force-sold at least once (a margin call you could not meet)",
        "s_floor_ever": "In {n} {unit} your wealth fell at some point to the ruin floor ({floor} of the money "
                        "you had put in)",
        "s_floor_ever_none": "In none of the {unit} did your wealth fall to the ruin floor ({floor} of the money "
                             "you had put in)",
        "s_floor_end": "in {n} it ended at or below the ruin floor",
        "s_floor_end_none": "none ended at or below the ruin floor",
        "s_wipe_ever": "in {n} the account fell at some point to the wipe-out line ({wfloor} of the money put in)",
        "s_wipe_ever_none": "none fell to the wipe-out line ({wfloor} of the money put in)",
        "s_wipe_end": "in {n} it ended wiped out (at or below the wipe-out line at the end)",
        "s_wipe_end_none": "none ended wiped out",
        "s_negative": "in {neg} you ended up owing more than you owned",
        "s_end": "After {years} years the middle outcome was {median} (you had put in about {invested}); "
                 "in the worst 5 of 100 it was {p5} or less",
        "s_drawdown": "Along the way your wealth typically fell {mdd50} from its peak at the worst moment; "
                      "in 25 of 100 it fell {mdd75} or more",
        "s_fund": "The {lev}x fund returned {fund} over the period (median), while {lev} times the index's "
                  "return would have been {lx}: the gap is volatility drag",
        "s_fund_beat": "The {lev}x fund returned {fund} over the period (median), beating {lev} times the index's "
                       "return ({lx})",
        "s_join": "; ",
        "s_end_mark": ".",
        "less_than_one": "fewer than 1",
        "over_99": "over 99",
        # sentences: one path
        "b_goal_yes": "Starting on {start}, you could buy the home in {when}, {years} years later",
        "b_goal_yes_amount": "Starting on {start}, you reached your target in {when}, {years} years later",
        "b_goal_no": "Starting on {start}, you could not buy the home within {years} years",
        "b_goal_no_amount": "Starting on {start}, you did not reach your target within {years} years",
        "b_start_unknown": "the first day",
        "b_forced_yes": "You were force-sold {n} times, the first time on {date}",
        "b_forced_once": "You were force-sold once, on {date}",
        "b_forced_no": "You were never force-sold",
        "b_floor_yes": "Your wealth fell to the ruin floor ({floor} of the money you had put in) on {date}",
        "b_floor_no": "Your wealth never fell to the ruin floor ({floor} of the money you had put in)",
        "b_floor_end": "it was still at or below the ruin floor at the end",
        "b_floor_recovered": "by the end it was back above the ruin floor",
        "b_wipeout": "the account fell to the wipe-out line ({wfloor} of the money put in) on {date}",
        "b_wipe_end": "it ended wiped out",
        "b_wipe_recovered": "by the end it was back above the wipe-out line",
        "b_end": "After {years} years you had {end}; you had put in {invested}",
        "b_drawdown": "At the worst moment your wealth was {mdd} below its peak",
        "b_fund": "The {lev}x fund returned {fund} over the period, while {lev} times the index's return "
                  "was {lx}: the gap is volatility drag",
        "b_fund_beat": "The {lev}x fund returned {fund} over the period, beating {lev} times the index's return ({lx})",
        "day_n": "session {n}",
        # odds
        "odds_plan": "Your plan as it is ({x}x exposure), over these {unit}: the home {n}; ruin "
                     "(a forced sale, the ruin floor or debt) {ruin}.",
        "odds_limit": "Keeping ruin at or below {limit}, the exposure with the best chance of the home was {x}x: "
                      "the home {n}, ruin {ruin}.",
        "odds_limit_none": "No exposure tried kept ruin at or below {limit}, so none is marked.",
        "odds_limit_zero": "No exposure that keeps ruin at or below {limit} reached the home in any future.",
        "odds_fallback": "Some exposures could not be reached with a margin loan (no broker lends that much, or not "
                         "on these holdings): those points use a daily-leveraged fund instead (diamonds in the chart).",
        "odds_kelly": "The growth-optimal (Kelly) leverage of the underlying is {kelly}x.",
        # charts
        "fan_title": "Net wealth over time against the cash needed for the home",
        "fan_title_amount": "Net wealth over time against the target",
        "fan_caption": "Shaded bands hold the middle 50 and 90 of every 100 {unit}; when wealth is above the "
                       "dashed line, you can buy.",
        "fan_caption_single": "When wealth is above the dashed line, you can buy.",
        "x_years": "Years from the start",
        "y_wealth": "Net wealth ({unit})",
        "band90": "middle 90 of 100",
        "band50": "middle 50 of 100",
        "median": "median",
        "wealth": "net wealth",
        "goal_home": "cash needed for the home",
        "goal_amount": "target",
        "pgoal_title": "Chance of being able to buy the home, by year",
        "pgoal_caption": "Share of {unit} in which you could buy by the end of each year.",
        "pgoal_caption_single": "100% from the year in which you could buy.",
        "x_year": "Year",
        "y_prob": "Chance",
        "end_title": "Net wealth at the end",
        "end_title_single": "Net wealth at the end, money put in and the ruin floor",
        "end_wealth_bar": "net wealth at the end",
        "invested_bar": "money put in",
        "end_caption": "How the {unit} ended. The dashed line is the ruin floor: {floor} of the money put in.",
        "end_caption_single": "The ruin floor is {floor} of the money put in.",
        "x_end": "Net wealth at the end ({unit})",
        "y_share": "Share of {unit}",
        "ruin_line": "ruin floor ({floor} of money put in)",
        "overflow_note": "The last bar also holds everything above {amount}.",
        "dd_title": "Largest fall from a peak (maximum drawdown, MDD)",
        "dd_title_single": "Largest fall from a peak (maximum drawdown, MDD)",
        "dd_caption": "How far wealth fell from its highest point, at the worst moment.",
        "x_dd": "Maximum drawdown",
        "odds_title": "Chances as exposure grows (same futures for every point)",
        "odds_caption": "Exposure is market exposure per unit of your own money: the sum of each holding's weight "
                        "times its fund leverage, times 1 + the margin loan ratio. Below your plan: a smaller margin "
                        "loan, then less in the market and the rest in deposits. Above it: a larger margin loan.",
        "x_lev": "Exposure (x your own money)",
        "p_home": "home within the period",
        "p_ruin": "ruin: forced sale, ruin floor or debt",
        "p_forced": "forced sale",
        "p_wipe": "fell to the wipe-out line at some point",
        "p_wipe_end": "ended wiped out",
        "plan_mark": "your plan: {x}x",
        "limit_mark": "best home odds with ruin at most {limit}: {x}x",
        "limit_line": "ruin limit {limit}",
        "kelly_mark": "Kelly (growth-optimal): {x}x",
        "drag_title": "Leveraged fund: what it returned against {lev} times the index",
        "drag_caption": "Left: medians over the period. Right: the realised volatility drag per year "
                        "(in log terms), median with the middle 50 of 100.",
        "fund_return": "fund return",
        "lx_return": "{lev} x the index's return",
        "drag_axis": "Drag per year (log)",
        "y_return": "Return over the period",
        "drag_series": "volatility drag",
        "hover_share": "share",
        # units on axes
        "unit_krw": "million KRW",
        "unit_usd": "thousand USD",
        # table rows
        "r_p_goal": "Home within {years} years",
        "r_time": "Years until 10 / 50 / 90 of 100 could buy",
        "r_graduated": "Graduated (sold into deposits at the goal)",
        "r_forced": "Force-sold at least once",
        "r_wipe_ever": "Fell to the wipe-out line ({wfloor} of money put in) at some point",
        "r_wipe_end": "Ended wiped out (at or below the wipe-out line at the end)",
        "r_floor_ever": "Fell to the ruin floor ({floor} of money put in) at some point",
        "r_floor_end": "Ended at or below the ruin floor",
        "r_negative": "Owed more than owned (negative equity)",
        "r_any": "Any of: forced sale, ruin floor at some point, negative equity",
        "r_end": "Net wealth at the end (5% / median / 95%)",
        "r_cvar": "Average of the worst 5 in 100 (CVaR 5%)",
        "r_invested": "Money put in (median)",
        "r_mdd": "Maximum drawdown, MDD (25% / median / 75%)",
        "r_interest": "Margin interest paid (median)",
        "r_fees": "Fund fees paid (median)",
        "r_drag": "Volatility drag per year, log (25% / median / 75%)",
        "months": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    },
    "ko": {
        "page_title": "개미 리포트: {plans}",
        "summary_heading": "한눈에 보기",
        "table_heading": "핵심 수치",
        "charts_heading": "차트",
        "figure": "항목",
        "run_line": "{kind} · {paths} · {years}년",
        "run_line_single": "{kind} · {years}년",
        "paths_n": "{unit} {n}개",
        "history_line": "바탕이 된 과거 데이터: {start} ~ {end}, {years}년, {sessions} 거래일{limited}",
        "history_limited": " ({name} 데이터가 있는 기간으로 제한됨)",
        "warnings_heading": "먼저 읽어 주세요",
        "need_heading": "안전하게 가려면 무엇이 필요할까?",
        "need_col_own": "지금 계획",
        "need_col_solved": "필요한 값",
        "warning_prefix": "주의: ",
        "seed": "시드 {seed}",
        "data_range": "시장 데이터 {start} ~ {end}",
        "scenario": "폭락 시나리오: {name}",
        "footer": "개미(gaemi) {version}로 만들었습니다. 이 파일은 인터넷 없이 웹 브라우저에서 열립니다. "
                  "확률은 개미가 계산한 {unit} 중의 비율이며, 이 페이지는 숫자를 보기 좋게 표시만 합니다. "
                  "투자 권유가 아닙니다.",
        "not_reached": "—: 기간 안에 도달하지 못함.",
        "na": "—",
        "kind_backtest": "과거 한 구간",
        "kind_history": "과거의 매월 시작 시점 전체",
        "kind_mc": "몬테카를로 시뮬레이션 ({model})",
        "model_bootstrap": "과거 수익률 블록 부트스트랩",
        "model_garch": "GARCH 변동성 모형",
        "model_parametric": "정규분포 수익률 모형",
        "model_historical": "과거 구간",
        "unit_mc": "시뮬레이션한 미래",
        "unit_history": "과거 시작 시점",
        "unit_backtest": "과거 구간",
        "n100": "100번 중 {n}번은",
        "n100_less": "100번 중 1번도 안 되는 경우에",
        "n100_over": "100번 중 99번 넘게",
        "np100": "100번 중 {n}번",
        "np100_none": "한 번도 없음",
        "np100_less": "100번 중 1번도 안 됨",
        "np100_over": "100번 중 99번 넘게",
        "s_goal_home": "{unit} {n} {years}년 안에 내 집(현재 가격 {price})을 마련할 수 있었습니다",
        "s_goal_amount": "{unit} {n} {years}년 안에 목표 금액 {amount}에 도달했습니다",
        "s_goal_median": ". 100번 중 50번은 {p50}년 이내에 가능했습니다",
        "s_goal_home_none": "{unit} 중 {years}년 안에 내 집(현재 가격 {price})을 마련할 수 있었던 경우는 한 번도 없었습니다",
        "s_goal_amount_none": "{unit} 중 {years}년 안에 목표 금액 {amount}에 도달한 경우는 한 번도 없었습니다",
        "s_forced_none": "{unit} 중 반대매매를 당한 경우는 없었습니다",
        "s_forced": "{unit} {forced} 한 번 이상 반대매매를 당했습니다(마진콜을 메우지 못함)",
        "s_floor_ever": "{unit} {n} 한때 재산이 손실 한계선(넣은 돈의 {floor})까지 떨어졌습니다",
        "s_floor_ever_none": "{unit} 중 재산이 손실 한계선(넣은 돈의 {floor})까지 떨어진 경우는 한 번도 없었습니다",
        "s_floor_end": "{n} 끝내 손실 한계선 이하로 끝났습니다",
        "s_floor_end_none": "끝내 손실 한계선 이하로 끝난 경우는 없었습니다",
        "s_wipe_ever": "{n} 한때 깡통선(넣은 돈의 {wfloor})까지 떨어졌습니다",
        "s_wipe_ever_none": "깡통선(넣은 돈의 {wfloor})까지 떨어진 경우도 없었습니다",
        "s_wipe_end": "{n} 끝내 깡통계좌로 끝났습니다(마지막에 깡통선 이하)",
        "s_wipe_end_none": "끝내 깡통계좌로 끝난 경우는 없었습니다",
        "s_negative": "{neg} 빚이 재산보다 많아졌습니다",
        "s_end": "{years}년 뒤 순자산의 중앙값은 {median}이었고(넣은 돈은 약 {invested}), "
                 "100번 중 가장 나쁜 5번은 {p5} 이하였습니다",
        "s_drawdown": "도중에 재산이 고점 대비 가장 크게 떨어진 폭(최대 낙폭, MDD)은 중앙값이 {mdd50}였고, "
                      "100번 중 25번은 {mdd75} 이상 떨어졌습니다",
        "s_fund": "{lev}배 레버리지 ETF의 기간 수익률은 중앙값 {fund}였지만 기초지수 수익률의 {lev}배는 {lx}였습니다. "
                  "이 차이가 변동성 끌림(음의 복리 효과)입니다",
        "s_fund_beat": "{lev}배 레버리지 ETF의 기간 수익률은 중앙값 {fund}로, 기초지수 수익률의 {lev}배({lx})보다 "
                       "높았습니다",
        "s_join": ". ",
        "s_end_mark": ".",
        "less_than_one": "1번 미만",
        "over_99": "99번 넘게",
        "b_goal_yes": "{start}에 시작해 {years}년 뒤인 {when}에 내 집을 마련할 수 있었습니다",
        "b_goal_yes_amount": "{start}에 시작해 {years}년 뒤인 {when}에 목표 금액에 도달했습니다",
        "b_goal_no": "{start}에 시작해 {years}년 안에 내 집을 마련하지 못했습니다",
        "b_goal_no_amount": "{start}에 시작해 {years}년 안에 목표 금액에 도달하지 못했습니다",
        "b_start_unknown": "첫날",
        "b_forced_yes": "반대매매를 {n}번 당했고, 처음은 {date}이었습니다",
        "b_forced_once": "{date}에 반대매매를 한 번 당했습니다",
        "b_forced_no": "반대매매는 한 번도 없었습니다",
        "b_floor_yes": "{date}에 재산이 손실 한계선(넣은 돈의 {floor})까지 떨어졌습니다",
        "b_floor_no": "재산이 손실 한계선(넣은 돈의 {floor})까지 떨어진 적은 없었습니다",
        "b_floor_end": "끝에도 손실 한계선 이하였습니다",
        "b_floor_recovered": "끝에는 손실 한계선 위로 회복했습니다",
        "b_wipeout": "{date}에는 깡통선(넣은 돈의 {wfloor})까지 떨어졌습니다",
        "b_wipe_end": "끝내 깡통계좌로 끝났습니다",
        "b_wipe_recovered": "끝에는 깡통선 위로 회복했습니다",
        "b_end": "{years}년 뒤 순자산은 {end}이었고, 넣은 돈은 {invested}이었습니다",
        "b_drawdown": "가장 나빴을 때 재산은 고점보다 {mdd} 낮았습니다(최대 낙폭, MDD)",
        "b_fund": "{lev}배 레버리지 ETF의 기간 수익률은 {fund}였지만 기초지수 수익률의 {lev}배는 {lx}였습니다. "
                  "이 차이가 변동성 끌림(음의 복리 효과)입니다",
        "b_fund_beat": "{lev}배 레버리지 ETF의 기간 수익률은 {fund}로, 기초지수 수익률의 {lev}배({lx})보다 높았습니다",
        "day_n": "{n}번째 거래일",
        "odds_plan": "지금 계획 그대로(노출 {x}배)라면 {unit} 기준 내 집 마련 {n}, "
                     "위험(반대매매·손실 한계선 도달·빚) {ruin}입니다.",
        "odds_limit": "위험을 {limit} 이하로 지키는 노출 중 내 집 마련 확률이 가장 높은 것은 {x}배였습니다: "
                      "내 집 마련 {n}, 위험 {ruin}.",
        "odds_limit_none": "시험한 노출 중 위험을 {limit} 이하로 지킨 것이 없어 따로 표시하지 않았습니다.",
        "odds_limit_zero": "위험을 {limit} 이하로 지키는 노출로는 어떤 미래에서도 내 집을 마련하지 못했습니다.",
        "odds_fallback": "일부 노출은 증권사가 빌려주지 않아(너무 큰 융자, 또는 이 종목에는 신용융자 불가) 신용융자로 "
                         "만들 수 없어서, 매일 레버리지를 맞추는 펀드로 대신 계산했습니다(차트의 마름모 점).",
        "odds_kelly": "기초자산의 성장 최적(켈리 기준) 레버리지는 {kelly}배입니다.",
        "fan_title": "시간에 따른 순자산과 내 집 마련에 필요한 현금",
        "fan_title_amount": "시간에 따른 순자산과 목표 금액",
        "fan_caption": "색칠한 띠는 {unit} 100번 중 가운데 50번과 90번이 놓인 범위입니다. "
                       "순자산이 점선 위에 있으면 집을 살 수 있습니다.",
        "fan_caption_single": "순자산이 점선 위에 있으면 집을 살 수 있습니다.",
        "x_years": "시작 후 햇수(년)",
        "y_wealth": "순자산 ({unit})",
        "band90": "가운데 90%",
        "band50": "가운데 50%",
        "median": "중앙값",
        "wealth": "순자산",
        "goal_home": "내 집 마련에 필요한 현금",
        "goal_amount": "목표 금액",
        "pgoal_title": "연도별 내 집 마련 가능 확률",
        "pgoal_caption": "각 해가 끝날 때까지 집을 살 수 있었던 {unit}의 비율입니다.",
        "pgoal_caption_single": "집을 살 수 있게 된 해부터 100%입니다.",
        "x_year": "연차",
        "y_prob": "확률",
        "end_title": "최종 순자산 분포",
        "end_title_single": "최종 순자산, 넣은 돈과 손실 한계선",
        "end_wealth_bar": "최종 순자산",
        "invested_bar": "넣은 돈",
        "end_caption": "{unit}마다 마지막에 남은 순자산의 분포입니다. 점선은 손실 한계선(넣은 돈의 {floor})입니다.",
        "end_caption_single": "손실 한계선은 넣은 돈의 {floor}입니다.",
        "x_end": "최종 순자산 ({unit})",
        "y_share": "{unit} 중 비율",
        "ruin_line": "손실 한계선 (넣은 돈의 {floor})",
        "overflow_note": "마지막 막대에는 {amount} 이상이 모두 들어 있습니다.",
        "dd_title": "최대 낙폭 (MDD) 분포",
        "dd_title_single": "고점 대비 최대 낙폭 (MDD)",
        "dd_caption": "가장 나빴던 순간에 재산이 고점에서 얼마나 떨어졌는지 보여 줍니다.",
        "x_dd": "최대 낙폭",
        "odds_title": "노출 배수에 따른 확률 (모든 점에 같은 미래 사용)",
        "odds_caption": "노출 배수는 내 돈 1원당 시장에 걸린 금액입니다: 종목별 비중 × 펀드 레버리지의 합에 "
                        "(1 + 신용융자 비율)을 곱한 값. 내 계획보다 낮은 쪽은 신용융자를 줄이고, 그다음 투자 비중을 "
                        "줄여 나머지를 예금에 둡니다. 높은 쪽은 신용융자를 늘립니다.",
        "x_lev": "노출 배수 (내 돈의 몇 배)",
        "p_home": "기간 안에 내 집 마련",
        "p_ruin": "위험: 반대매매·손실 한계선·빚",
        "p_forced": "반대매매",
        "p_wipe": "한때 깡통선 도달",
        "p_wipe_end": "끝내 깡통계좌",
        "plan_mark": "내 계획: {x}배",
        "limit_mark": "위험 {limit} 이하 중 내 집 마련 확률 최고: {x}배",
        "limit_line": "위험 한도 {limit}",
        "kelly_mark": "켈리 기준(성장 최적): {x}배",
        "drag_title": "레버리지 ETF: 실제 수익률과 기초지수 수익률의 {lev}배 비교",
        "drag_caption": "왼쪽: 기간 수익률의 중앙값. 오른쪽: 실현된 연간 변동성 끌림(로그), "
                        "중앙값과 가운데 50%.",
        "fund_return": "펀드 수익률",
        "lx_return": "기초지수 수익률의 {lev}배",
        "drag_axis": "연간 변동성 끌림 (로그)",
        "y_return": "기간 수익률",
        "drag_series": "변동성 끌림",
        "hover_share": "비율",
        "unit_krw": "억 원",
        "unit_usd": "천 달러",
        "r_p_goal": "{years}년 안에 내 집 마련",
        "r_time": "100번 중 10 / 50 / 90번이 집을 살 수 있게 된 햇수",
        "r_graduated": "졸업 (목표 도달 후 예금으로 전환)",
        "r_forced": "반대매매 1회 이상",
        "r_wipe_ever": "한때 깡통선(넣은 돈의 {wfloor})까지 떨어짐",
        "r_wipe_end": "끝내 깡통계좌로 끝남 (마지막에 깡통선 이하)",
        "r_floor_ever": "한때 손실 한계선(넣은 돈의 {floor})까지 떨어짐",
        "r_floor_end": "끝내 손실 한계선 이하로 끝남",
        "r_negative": "빚이 재산보다 많아짐 (마이너스 순자산)",
        "r_any": "위험 중 하나 이상 (반대매매·한때 손실 한계선 도달·마이너스 순자산)",
        "r_end": "최종 순자산 (하위 5% / 중앙값 / 상위 5%)",
        "r_cvar": "가장 나쁜 5%의 평균 (CVaR 5%)",
        "r_invested": "넣은 돈 (중앙값)",
        "r_mdd": "최대 낙폭 MDD (25% / 중앙값 / 75%)",
        "r_interest": "신용융자 이자 (중앙값)",
        "r_fees": "펀드 보수 (중앙값)",
        "r_drag": "연간 변동성 끌림, 로그 (25% / 중앙값 / 75%)",
        "months": tuple(f"{m}월" for m in range(1, 13)),
    },
}


def check_lang(lang: Any) -> str:
    """``"ko"`` or ``"en"``; anything else is a :class:`~gaemi.errors.ConfigError`."""
    if lang not in LANGS:
        raise ConfigError("lang", lang, "ko or en")
    return lang


def text(lang: str, key: str, **values: Any) -> str:
    """The string ``key`` in ``lang``, with ``{placeholders}`` filled in."""
    s = STRINGS[check_lang(lang)][key]
    if not isinstance(s, str):
        raise TypeError(f"string {key!r} is not text")
    return s.format(**values) if values else s


# ----------------------------------------------------------------------------- numbers
def per100(p: float, lang: str) -> str:
    """A probability as "N" in "N of 100" (half up); 0 < p < 0.5 % and 99.5 % <= p < 1 say so."""
    n = int(math.floor(100.0 * p + 0.5))
    if n == 0 and p > 0:
        return text(lang, "less_than_one")
    if n == 100 and p < 1:
        return text(lang, "over_99")
    return str(n)


def n100(p: float, lang: str) -> str:
    """A probability > 0 as the subject of a sentence: "62 of 100" / "100번 중 62번은" (half up);
    below 0.5 %: "fewer than 1 of 100" / "100번 중 1번도 안 되는 경우에"; from 99.5 % to below 1:
    "over 99 of 100" / "100번 중 99번 넘게". A zero needs the sentence's own "none" wording."""
    n = int(math.floor(100.0 * p + 0.5))
    if n == 0:
        return text(lang, "n100_less")
    if n == 100 and p < 1:
        return text(lang, "n100_over")
    return text(lang, "n100", n=n)


def np100(p: float, lang: str) -> str:
    """A probability as a noun phrase: "in 62 of 100" / "100번 중 62번"; zero: "in none" / "한 번도 없음"."""
    n = int(math.floor(100.0 * p + 0.5))
    if p <= 0:
        return text(lang, "np100_none")
    if n == 0:
        return text(lang, "np100_less")
    if n == 100 and p < 1:
        return text(lang, "np100_over")
    return text(lang, "np100", n=n)


def fmt_pct(x: float | None, digits: int = 0, signed: bool = False) -> str:
    """0.5565 -> "56%" (``digits`` decimals; at most one in prose)."""
    if x is None or not math.isfinite(x):
        return "—"
    return f"{100.0 * x:{'+' if signed else ''}.{digits}f}%"


def fmt_years(y: float | None) -> str:
    """Years for prose: 10.0002 -> "10", 8.144 -> "8.1"."""
    if y is None or not math.isfinite(y):
        return "—"
    return f"{round(y):d}" if abs(y - round(y)) < 0.05 else f"{y:.1f}"


def fmt_lev(x: float) -> str:
    """Leverage: 3.0 -> "3", 1.25 -> "1.25"."""
    return f"{x:g}" if abs(x - round(x, 2)) < 1e-9 else f"{x:.2f}"


def _round_for_prose(amount: float) -> float:
    """Four significant digits, never finer than 만 (10,000)."""
    a = abs(amount)
    if a < 1e4:
        return float(round(amount))
    step = 10 ** max(4, int(math.floor(math.log10(a))) - 3)
    return float(round(amount / step) * step)


def fmt_money(amount: float | None, currency: str, lang: str) -> str:
    """Money in prose: ``11억 1,690만 원`` (ko, KRW), ``1,117,000,000 KRW`` (en), ``$1,234`` (USD)."""
    if amount is None or not math.isfinite(amount):
        return "—"
    amount = _round_for_prose(amount)
    if currency == "KRW":
        return format_krw(amount, lang)
    if lang == "ko":
        return f"{amount:,.0f}달러"
    return f"-${-amount:,.0f}" if amount < 0 else f"${amount:,.0f}"


def fmt_money_short(amount: float | None, currency: str, lang: str) -> str:
    """Money in tables, one form per language: KRW ``11.1억`` / ``4,500만`` / ``9,000원`` (ko) and
    ``1,117M KRW`` / ``45.0M KRW`` / ``90,000 KRW`` (en); USD ``120만 달러`` / ``3,500달러`` (ko) and
    ``$1,234k`` / ``$3,500`` (en). Three significant digits or more, never a bare ``0.0억``."""
    if amount is None or not math.isfinite(amount):
        return "—"
    a = abs(amount)
    if lang == "ko":
        unit = "" if currency == "KRW" else " 달러"
        if a >= 1e8:
            return f"{amount / 1e8:,.1f}억{unit}"
        if a >= 1e4:
            return f"{amount / 1e4:,.0f}만{unit}"
        return f"{amount:,.0f}{'원' if currency == 'KRW' else '달러'}"
    if currency == "KRW":
        if a >= 1e8:
            return f"{amount / 1e6:,.0f}M KRW"
        if a >= 1e6:
            return f"{amount / 1e6:,.1f}M KRW"
        return f"{amount:,.0f} KRW"
    sign = "-" if amount < 0 else ""
    if a >= 1e5:
        return f"{sign}${a / 1e3:,.0f}k"
    return f"{sign}${a:,.0f}"


def money_axis(currency: str, lang: str) -> tuple[float, str]:
    """(divisor, unit words) for chart axes: 억 원 (ko) or million KRW (en); thousand USD."""
    if currency == "KRW":
        return (1e8, text(lang, "unit_krw")) if lang == "ko" else (1e6, text(lang, "unit_krw"))
    return 1e3, text(lang, "unit_usd")


def fmt_date(d: date, lang: str) -> str:
    """2007-06-04 -> "4 Jun 2007" (en) or "2007년 6월 4일" (ko)."""
    if lang == "ko":
        return f"{d.year}년 {d.month}월 {d.day}일"
    return f"{d.day} {STRINGS['en']['months'][d.month - 1]} {d.year}"


def fmt_month(d: date, lang: str) -> str:
    """2014-12-01 -> "Dec 2014" (en) or "2014년 12월" (ko)."""
    return f"{d.year}년 {d.month}월" if lang == "ko" else f"{STRINGS['en']['months'][d.month - 1]} {d.year}"
