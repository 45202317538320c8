"""Every word a web page shows, in Korean (the default) and English, with the same keys.

Pages never write a user-visible word themselves: templates call ``w(key)`` and Python code calls
:func:`word`. A key missing here is looked up in :data:`gaemi.reports.i18n.STRINGS` (the report's
words: headline rows, chart titles, model names), so a word the report already has is said the
same way on the page. Korean follows ``glossary-ko.md`` (내 집 마련, 신용융자, 담보유지비율,
반대매매, 깡통계좌, 졸업, 최대 낙폭 (MDD), 몬테카를로 시뮬레이션 ...). A test checks that both
languages have the same keys and that a Korean page shows no English word outside
:data:`LATIN_ALLOWED` (tickers, units and names that are data, not words).
"""

from __future__ import annotations

from typing import Any

from gaemi.reports.i18n import STRINGS as REPORT_STRINGS

LANGS = ("ko", "en")
DEFAULT_LANG = "ko"
COOKIE = "gaemi_lang"

#: Latin tokens a Korean page may show: units, acronyms of the glossary, the app's own name and the
#: name of the other language on the switch. Series and plan names are set as ``<code class="data-name">``.
LATIN_ALLOWED = frozenset({
    "LTV", "DSR", "MDD", "ETF", "ETN", "CVaR", "GARCH", "KRW", "USD", "TOML", "HTML", "gaemi", "English",
    "x", "L", "CD", "KOSPI", "KOSDAQ", "NASDAQ", "S", "P", "KODEX", "KRX", "BTC", "ETH", "XRP", "DOGE",
    "SOL", "LUNA", "FTX", "USDT", "UST", "IBIT", "ETHA", "TSLL", "TQQQ", "NVIDIA", "SK", "ARIRANG", "UTC",
    "KST", "USDKRW", "FRED", "Upbit", "Binance", "Bithumb", "Yahoo", "R-ONE",
})

#: assets the form offers, in this order (price series with daily closes, and the deposit)
FORM_ASSETS = (
    "ndxtr", "sp500tr", "ndx", "sp500", "nvda", "tsla", "kospi200tr", "kospi200", "kospi", "kosdaq",
    "samsung", "skhynix", "btc", "eth", "xrp", "doge", "sol", "luna", "ftt", "usdt", "ust", "ibit", "etha",
    "upbit_btc", "upbit_xrp", "deposit",
)

WORDS: dict[str, dict[str, str]] = {
    "ko": {
        # frame
        "app_name": "개미 리스크 연구소",
        "app_tagline": "내 계획으로 내 집 마련과 깡통계좌의 확률을 봅니다",
        "nav_plan": "내 계획",
        "nav_leverage": "레버리지",
        "nav_compare": "비교",
        "nav_heat": "시장 과열",
        "nav_colony": "개미 집단 스트레스",
        "colony_heading": "개미 집단 스트레스 테스트",
        "colony_intro": "개인 투자자 집단을 표본으로 만들어 충격을 주고, 신용융자 반대매매와 자발적 상환, 저가 매수가 "
                        "가격에 되먹임되는 정도를 봅니다. 감독 당국과 연구자를 위한 화면입니다.",
        "col_source": "충격",
        "col_src_scenario": "이름 있는 시나리오",
        "col_src_shock": "직접 만든 충격 (TOML)",
        "col_scenario": "시나리오",
        "col_shock_text": "충격 내용 (TOML 붙여넣기)",
        "col_shock_file": "또는 충격 파일 올리기",
        "col_shock_help_days": "= 세션 수,",
        "col_shock_help_returns": "아래에 자산군별 일간 수익률 목록 (-0.12 = -12 %)",
        "col_impact": "가격 충격 배율",
        "col_impact_help": "0 = 되먹임 없음, 1 = 기본값",
        "col_investors": "표본 투자자 수",
        "col_investors_help": "이 서버에서는 최대 {limit}명",
        "col_seed": "시드",
        "col_run": "스트레스 테스트 실행",
        "col_result_heading": "개미 집단 스트레스 테스트 결과",
        "col_table_heading": "주요 수치",
        "col_download": "리포트 내려받기 (HTML)",
        "col_again": "다른 충격으로 다시 하기",
        "col_shock_file_line": "직접 만든 충격 ({days}세션):",
        "err_toml": "충격 내용을 읽을 수 없습니다 (TOML 형식이 아님)",
        "err_shock": "충격 내용이 올바르지 않습니다. 문제가 있는 곳:",
        "err_shock_empty": "충격 내용을 붙여넣거나 파일을 올리세요",
        "err_investors_max": "최대 {limit}명까지 가능합니다",
        "err_impact": "0에서 100 사이로 입력하세요",
        "other_lang": "English",
        "other_lang_label": "영어로 보기",
        "warming": "계산 엔진을 준비하고 있습니다(처음 한 번, 1분 정도 걸립니다). 실행하면 준비가 끝나는 대로 계산합니다.",
        "footer": "투자 권유가 아닙니다. 모든 숫자는 이 컴퓨터의 개미(gaemi)가 계산하며, 어떤 정보도 밖으로 보내지 않습니다.",
        "not_found": "찾을 수 없습니다",
        "not_found_job": "이 계산을 찾을 수 없습니다. 서버가 다시 시작되었을 수 있습니다.",
        "back_home": "처음으로",
        # plan form
        "plan_heading": "내 계획",
        "plan_intro": "기본 계획 하나에서 시작해 내 상황에 맞게 고친 뒤 실행하세요. 금액은 1억 4천만, 150만 원처럼 "
                      "써도 됩니다.",
        "start_from": "기본 계획에서 시작",
        "load_button": "불러오기",
        "plan_name": "계획 이름 (영문·숫자·-·_)",
        "sec_money": "돈",
        "capital": "시작 자금",
        "monthly_saving": "월 저축액",
        "saving_growth": "월 저축액 증가율 (연 %)",
        "money_hint": "예: 1억 4천만, 150만 원, 140,000,000",
        "shown_as": "읽은 금액: {amount}",
        "sec_holdings": "보유 종목",
        "holdings_hint": "비중의 합은 100%여야 합니다. 레버리지 1은 현물, 2·3은 매일 레버리지를 맞추는 ETF입니다.",
        "col_asset": "종목",
        "col_weight": "비중 (%)",
        "col_leverage": "레버리지 (배)",
        "holding_n": "{n}번 종목",
        "none_option": "(없음)",
        "sec_margin": "신용융자",
        "margin_on": "신용융자 사용 (빚투)",
        "loan_to_equity": "융자 비율 (내 돈 1원당 빌리는 돈)",
        "maintenance_ratio": "담보유지비율 (%)",
        "call_deadline_days": "마진콜 유예 기간 (거래일)",
        "forced_sale": "반대매매 방식",
        "forced_restore": "담보유지비율을 회복할 만큼만",
        "forced_all": "전량",
        "margin_hint": "빌린 돈의 이자는 보유 기간별 구간 금리를 따릅니다: {tiers}.",
        "tier_upto": "{days}일까지 연 {rate}",
        "tier_then": "그 뒤 연 {rate}",
        "tier_join": ", ",
        "sec_goal": "목표",
        "goal_kind": "목표 종류",
        "goal_home": "내 집 마련",
        "goal_amount_kind": "목표 금액",
        "goal_none": "목표 없음",
        "price": "집값 (현재 가격)",
        "preset": "지역과 대출 규제",
        "first_time_buyer": "생애최초 주택 구입자",
        "income": "연 가구 소득",
        "goal_amount": "목표 금액",
        "sec_horizon": "기간과 졸업",
        "horizon_years": "기간 (년)",
        "graduate": "목표에 도달하면 졸업 (모두 팔아 예금으로)",
        "sec_run": "몬테카를로 시뮬레이션",
        "model": "모형",
        "lev_family": "레버리지를 더하는 방법",
        "family_margin": "신용융자 (빌린 돈)",
        "family_daily": "일간 레버리지 상품",
        "scenario": "폭락 시나리오",
        "scenario_none": "없음",
        "paths": "시뮬레이션할 미래의 수",
        "seed": "시드 (같은 시드 = 같은 숫자)",
        "seed_hint": "비워 두면 새로 정하고, 결과에 적어 둡니다.",
        "run_button": "실행",
        "errors_heading": "표시한 칸을 고쳐 주세요.",
        # form errors
        "err_money": "금액을 140,000,000, 1억 4천만, 150만 원처럼 입력하세요",
        "err_number": "숫자를 입력하세요",
        "err_int": "정수를 입력하세요",
        "err_required": "값을 입력하세요",
        "err_gt": "{limit}보다 커야 합니다",
        "err_ge": "{limit} 이상이어야 합니다",
        "err_lt": "{limit}보다 작아야 합니다",
        "err_le": "{limit} 이하여야 합니다",
        "err_range": "{lo}에서 {hi} 사이로 입력하세요",
        "err_weights": "비중의 합이 100%여야 합니다 (지금 {total}%)",
        "err_no_holding": "종목을 하나 이상 고르세요",
        "err_horizon_max": "기간은 최대 {limit}년입니다",
        "err_margin_ineligible": "증권사는 코인이나 국내 레버리지·인버스 ETF에는 신용융자를 해 주지 않습니다. "
                                 "신용융자를 끄거나 종목을 바꾸세요",
        "err_no_money": "시작 자금이나 월 저축액 중 하나는 0보다 커야 합니다",
        "err_deposit": "예금에는 레버리지를 쓸 수 없습니다 (1배만 가능)",
        "err_sale": "담보유지비율이 100%보다 커야 반대매매로 비율을 회복할 수 있습니다",
        "err_graduate_goal": "졸업하려면 목표가 있어야 합니다",
        "err_name": "영문, 숫자, -, _, . 만 쓸 수 있습니다",
        "err_choice": "목록에서 고르세요",
        "err_invalid": "올바르지 않은 값입니다",
        "err_seed": "0 이상의 정수를 입력하세요",
        "err_no_goal_odds": "레버리지 곡선은 목표가 있는 계획에서만 그릴 수 있습니다",
        "err_compare_count": "계획을 2개에서 4개까지 고르세요",
        "err_job": "계산하지 못했습니다",
        "err_job_field": "문제가 된 항목:",
        "err_busy": "지금 계산이 너무 많이 밀려 있습니다. 잠시 뒤 다시 실행하세요",
        "err_work": "이 서버의 계산량 한도(미래의 수 × 햇수 × 계획 수 {limit})를 넘습니다. 미래의 수나 기간을 줄이세요",
        "err_points": "이 서버는 곡선 하나에 노출 배수를 최대 {limit}개까지 계산합니다. 간격을 넓히세요",
        "err_compare_count_max": "이 서버는 최대 {limit}개 계획까지 비교합니다",
        "err_scenario_short": "기간이 이 폭락 시나리오보다 짧습니다",
        # results
        "results_heading": "결과",
        "progress_queued": "차례를 기다리는 중입니다…",
        "progress_running": "계산하는 중입니다…",
        "progress_pct": "{pct}% 완료",
        "progress_nojs": "계산이 끝나면 이 페이지를 새로 고치세요.",
        "refresh": "새로 고침",
        "years_n": "{years}년",
        "run_settings": "실행 조건",
        "binding_heading": "오늘의 대출 규제로 보면",
        "binding_intro": "지금 가격 {price}, 연 소득 {income} 기준입니다.",
        "binding_ltv": "대출 한도를 정하는 것은 LTV (주택담보대출비율)입니다",
        "binding_cap": "대출 한도를 정하는 것은 집값 구간별 대출 상한입니다",
        "binding_dsr": "대출 한도를 정하는 것은 DSR (총부채원리금상환비율, 스트레스 금리 {stress})입니다",
        "b_ltv_limit": "LTV 한도",
        "b_cap_limit": "집값 구간별 대출 상한",
        "b_dsr_limit": "DSR 한도",
        "b_max_loan": "최대 대출",
        "b_costs": "취득세와 부대비용",
        "b_cash_needed": "필요한 현금",
        "b_no_cap": "상한 없음",
        "binds": "← 이것이 한도를 정합니다",
        "downloads": "내려받기",
        "download_report": "리포트 내려받기 (HTML)",
        "download_plan": "계획 파일 내려받기 (TOML)",
        "cli_hint": "터미널에서 같은 숫자를 다시 얻으려면:",
        "edit_plan": "이 계획 고치기",
        "see_leverage": "이 계획의 레버리지 곡선 보기",
        "compare_with": "다른 계획과 비교하기",
        "your_plan": "내 계획",
        # leverage
        "lev_heading": "레버리지에 따른 내 집 마련과 위험",
        "lev_intro": "같은 미래 위에서 노출 배수만 바꿔 가며 계산했습니다. 슬라이더를 움직이면 미리 계산해 둔 점들 "
                     "사이를 옮겨 다닙니다(브라우저는 숫자를 새로 계산하지 않습니다).",
        "lev_plan": "계획",
        "lev_points": "노출 배수 범위",
        "lev_from": "최소 (배)",
        "lev_to": "최대 (배)",
        "lev_step": "간격 (배)",
        "lev_run": "곡선 그리기",
        "slider_label": "노출 배수",
        "point_exposure": "노출 배수",
        "point_home": "기간 안에 내 집 마련",
        "point_ruin": "위험 (반대매매·손실 한계선·빚)",
        "point_forced": "반대매매",
        "point_wipe": "한때 깡통선 도달",
        "point_end": "최종 순자산 중앙값",
        "point_how": "만든 방법",
        "point_plan_mark": "지금 계획",
        "point_limit_mark": "위험 {limit} 이하 중 내 집 마련 확률 최고",
        "kind_plan": "지금 계획 그대로",
        "kind_smaller_loan": "신용융자를 줄임",
        "kind_no_loan": "신용융자 없음",
        "kind_deposit": "투자 비중을 줄이고 나머지는 예금",
        "kind_larger_loan": "신용융자를 늘림",
        "kind_daily": "매일 레버리지를 맞추는 펀드",
        "kind_daily_fallback": "매일 레버리지를 맞추는 펀드 (증권사가 빌려주지 않는 구간)",
        "kind_impossible": "만들 수 없음",
        "all_points": "모든 점",
        # compare
        "cmp_heading": "계획 비교",
        "cmp_intro": "2개에서 4개까지의 계획을 같은 미래 위에서 나란히 봅니다.",
        "cmp_plan_n": "계획 {n}",
        "cmp_run": "비교하기",
        # heat
        "heat_heading": "시장 과열 지표",
        "heat_intro": "신문이 인용하는 투기 과열 지표를 내장 표본 데이터로 계산했습니다. 표본은 일부 시장만 담고 "
                      "있어 아래 설명을 함께 읽어 주세요.",
        "heat_source_sample": "내장 표본",
        "heat_source": "자료",
        "heat_intro_store": "신문이 인용하는 투기 과열 지표를 이 서버의 데이터 저장소에 있는 자료로 계산했습니다. "
                            "저장된 시장만큼만 계산되니 아래 설명을 함께 읽어 주세요.",
        "heat_no_store": "이 서버에는 데이터 저장소가 없습니다. 서버에서 {cmd}로 자료를 받으면 여기에 나옵니다.",
        "heat_store_error": "이 서버의 데이터 저장소를 읽을 수 없습니다.",
        "heat_store_empty": "저장소로 지표를 계산할 수 없습니다:",
        "heat_none_store": "저장소에 이 지표를 계산할 데이터가 없습니다.",
        "heat_source_store": "내 컴퓨터의 데이터 저장소",
        "heat_last": "마지막 값",
        "heat_median": "중앙값",
        "heat_max": "최고",
        "heat_days": "일수",
        "heat_period": "기간",
        "heat_none": "표본에 이 지표를 계산할 데이터가 없습니다.",
        "heat_y": "비율",
        "heat_x": "날짜",
        "g_turnover_ratio": "국내 코인 거래대금 ÷ 코스피·코스닥 거래대금",
        "g_altcoin_share_kr": "국내 거래소 거래대금 중 알트코인 비중",
        "g_altcoin_share_global": "해외 거래소(바이낸스) 거래대금 중 알트코인 비중",
        "g_kimchi_premium": "김치 프리미엄 (국내 비트코인 가격 ÷ 해외 가격 × 환율 − 1)",
        "g_leveraged_share": "코스피200 ETF 거래대금 중 레버리지·곱버스 비중",
        "n_turnover_ratio": "표본: 코인은 업비트의 비트코인·리플 원화 거래대금만, 주식은 코스피·코스닥 거래대금입니다. "
                            "업비트의 다른 종목과 빗썸이 빠져 있어 신문이 인용하는 값보다 작게 나옵니다. 주말은 뺐습니다.",
        "n_altcoin_share_kr": "표본: 업비트의 비트코인과 리플 원화 시장만 들어 있고 이더리움이 없어, 전체 시장의 알트코인 "
                              "비중이 아니라 비트코인·리플 거래대금 중 리플의 비중입니다.",
        "n_altcoin_share_global": "표본으로는 계산할 수 없습니다: 바이낸스의 일별 기록이 들어 있지 않습니다.",
        "n_kimchi_premium": "표본: 업비트 비트코인 원화 종가 ÷ (해외 비트코인 달러 종가 × 원·달러 환율) − 1. 환율은 "
                            "뉴욕 정오 기준(최대 7일 전 값까지 사용)입니다.",
        "n_leveraged_share": "표본: 2021년 3월 25일 하루치, 일부 ETF만 담은 기록이라 비중이 실제보다 크게 나옵니다.",
        # money units on the form
        "won": "원",
    },
    "en": {
        "app_name": "gaemi risk lab",
        "app_tagline": "Your plan, your odds of a home and of an empty account",
        "nav_plan": "My plan",
        "nav_leverage": "Leverage",
        "nav_compare": "Compare",
        "nav_heat": "Market heat",
        "nav_colony": "Colony stress",
        "colony_heading": "Colony stress test",
        "colony_intro": "A sample of Korea's retail investors hit by a shock: margin calls and forced sales, voluntary "
                        "repayment and dip-buying, and how much they feed back into prices. For supervisors and "
                        "researchers.",
        "col_source": "Shock",
        "col_src_scenario": "A named scenario",
        "col_src_shock": "A shock of your own (TOML)",
        "col_scenario": "Scenario",
        "col_shock_text": "Shock (paste TOML)",
        "col_shock_file": "or upload a shock file",
        "col_shock_help_days": "= sessions, then under",
        "col_shock_help_returns": "each bucket's daily returns (-0.12 = -12 %)",
        "col_impact": "Price-impact scale",
        "col_impact_help": "0 = no feedback, 1 = the table's",
        "col_investors": "Investors (agents)",
        "col_investors_help": "at most {limit} on this server",
        "col_seed": "Seed",
        "col_run": "Run the stress test",
        "col_result_heading": "Colony stress test",
        "col_table_heading": "Key figures",
        "col_download": "Download the report (HTML)",
        "col_again": "Try another shock",
        "col_shock_file_line": "Custom shock ({days} sessions):",
        "err_toml": "The shock cannot be read (not TOML)",
        "err_shock": "The shock is not valid. Where:",
        "err_shock_empty": "Paste a shock or upload a file",
        "err_investors_max": "At most {limit}",
        "err_impact": "Enter a value from 0 to 100",
        "other_lang": "한국어",
        "other_lang_label": "View in Korean",
        "warming": "The engine is warming up (once, about a minute). Runs start as soon as it is ready.",
        "footer": "Not investment advice. Every number is computed by gaemi on this computer; nothing is sent "
                  "anywhere.",
        "not_found": "Not found",
        "not_found_job": "This run is not known here. The server may have restarted.",
        "back_home": "Start page",
        "plan_heading": "My plan",
        "plan_intro": "Start from a built-in plan, change it to fit your situation, and run it. Amounts may be "
                      "typed as 1억 4천만 or 150만 원.",
        "start_from": "Start from a built-in plan",
        "load_button": "Load",
        "plan_name": "Plan name (letters, digits, - and _)",
        "sec_money": "Money",
        "capital": "Starting capital",
        "monthly_saving": "Monthly saving",
        "saving_growth": "Growth of the saving (% a year)",
        "money_hint": "e.g. 1억 4천만, 150만 원, 140,000,000",
        "shown_as": "Read as: {amount}",
        "sec_holdings": "Holdings",
        "holdings_hint": "Weights must add up to 100%. Leverage 1 is the asset itself; 2 or 3 is a daily-leveraged "
                         "ETF.",
        "col_asset": "Asset",
        "col_weight": "Weight (%)",
        "col_leverage": "Leverage (x)",
        "holding_n": "Holding {n}",
        "none_option": "(none)",
        "sec_margin": "Margin loan",
        "margin_on": "Use a margin loan",
        "loan_to_equity": "Loan per unit of own money (x)",
        "maintenance_ratio": "Maintenance ratio (%)",
        "call_deadline_days": "Days to meet a margin call (sessions)",
        "forced_sale": "Forced sale",
        "forced_restore": "Just enough to restore the ratio",
        "forced_all": "Everything",
        "margin_hint": "Interest follows the days-held tiers: {tiers}.",
        "tier_upto": "{rate} a year up to {days} days",
        "tier_then": "then {rate} a year",
        "tier_join": ", ",
        "sec_goal": "Goal",
        "goal_kind": "Kind of goal",
        "goal_home": "A home",
        "goal_amount_kind": "An amount",
        "goal_none": "No goal",
        "price": "Home price (today)",
        "preset": "Region and lending rules",
        "first_time_buyer": "First-time buyer",
        "income": "Annual household income",
        "goal_amount": "Target amount",
        "sec_horizon": "Horizon and graduation",
        "horizon_years": "Horizon (years)",
        "graduate": "Graduate at the goal (sell everything into deposits)",
        "sec_run": "Monte Carlo simulation",
        "model": "Model",
        "lev_family": "How leverage is added",
        "family_margin": "Margin loan (borrowed money)",
        "family_daily": "Daily leveraged fund",
        "scenario": "Crash scenario",
        "scenario_none": "None",
        "paths": "Simulated futures",
        "seed": "Seed (same seed, same numbers)",
        "seed_hint": "Leave empty for a new one; the result records it.",
        "run_button": "Run",
        "errors_heading": "Please fix the marked fields.",
        "err_money": "Enter an amount such as 140,000,000, 1억 4천만 or 150만 원",
        "err_number": "Enter a number",
        "err_int": "Enter a whole number",
        "err_required": "Required",
        "err_gt": "Must be greater than {limit}",
        "err_ge": "Must be at least {limit}",
        "err_lt": "Must be less than {limit}",
        "err_le": "Must be at most {limit}",
        "err_range": "Enter a value from {lo} to {hi}",
        "err_weights": "Weights must add up to 100% (now {total}%)",
        "err_no_holding": "Choose at least one asset",
        "err_horizon_max": "At most {limit} years",
        "err_margin_ineligible": "Korean brokers lend neither against crypto nor against KRX leveraged or inverse "
                                 "ETFs: turn the margin loan off or choose another asset",
        "err_no_money": "Starting capital or monthly saving must be above 0",
        "err_deposit": "A deposit cannot be leveraged (1x only)",
        "err_sale": "The maintenance ratio must be above 100% for a forced sale to restore it",
        "err_graduate_goal": "Graduating needs a goal",
        "err_name": "Only letters, digits, -, _ and .",
        "err_choice": "Choose from the list",
        "err_invalid": "Not a valid value",
        "err_seed": "Enter a whole number of 0 or more",
        "err_no_goal_odds": "The leverage curve needs a plan with a goal",
        "err_compare_count": "Choose from 2 to 4 plans",
        "err_job": "The run failed",
        "err_job_field": "The field at fault:",
        "err_busy": "Too many runs are waiting right now. Please try again in a moment",
        "err_work": "Over this server's work limit (futures x years x plans {limit}): fewer futures or a shorter "
                    "horizon",
        "err_points": "This server computes at most {limit} exposures per curve: use a wider step",
        "err_compare_count_max": "This server compares at most {limit} plans",
        "err_scenario_short": "The horizon is shorter than this crash scenario",
        "results_heading": "Result",
        "progress_queued": "Waiting for its turn…",
        "progress_running": "Computing…",
        "progress_pct": "{pct}% done",
        "progress_nojs": "Reload this page when the run is done.",
        "refresh": "Reload",
        "years_n": "{years} years",
        "run_settings": "Run settings",
        "binding_heading": "Under today's lending rules",
        "binding_intro": "At today's price {price} and an annual income of {income}.",
        "binding_ltv": "The loan-to-value limit (LTV) sets the largest loan",
        "binding_cap": "The loan cap for the home's price band sets the largest loan",
        "binding_dsr": "The debt-service ratio (DSR, stress rate {stress}) sets the largest loan",
        "b_ltv_limit": "LTV limit",
        "b_cap_limit": "Loan cap for the price band",
        "b_dsr_limit": "DSR limit",
        "b_max_loan": "Largest loan",
        "b_costs": "Acquisition tax and fees",
        "b_cash_needed": "Cash needed",
        "b_no_cap": "no cap",
        "binds": "← this one binds",
        "downloads": "Downloads",
        "download_report": "Download the report (HTML)",
        "download_plan": "Download the plan (TOML)",
        "cli_hint": "The same numbers from a terminal:",
        "edit_plan": "Edit this plan",
        "see_leverage": "See this plan's leverage curve",
        "compare_with": "Compare with other plans",
        "your_plan": "My plan",
        "lev_heading": "Odds of a home and of ruin as leverage grows",
        "lev_intro": "Every point runs on the same futures; only the exposure changes. The slider moves between "
                     "points the server computed (the browser computes no number).",
        "lev_plan": "Plan",
        "lev_points": "Exposures to try",
        "lev_from": "From (x)",
        "lev_to": "To (x)",
        "lev_step": "Step (x)",
        "lev_run": "Draw the curve",
        "slider_label": "Exposure",
        "point_exposure": "Exposure",
        "point_home": "Home within the period",
        "point_ruin": "Ruin (forced sale, ruin floor or debt)",
        "point_forced": "Forced sale",
        "point_wipe": "Fell to the wipe-out line at some point",
        "point_end": "Median net wealth at the end",
        "point_how": "Built as",
        "point_plan_mark": "your plan",
        "point_limit_mark": "best home odds with ruin at most {limit}",
        "kind_plan": "the plan as it is",
        "kind_smaller_loan": "a smaller margin loan",
        "kind_no_loan": "no margin loan",
        "kind_deposit": "less in the market, the rest in deposits",
        "kind_larger_loan": "a larger margin loan",
        "kind_daily": "a daily-leveraged fund",
        "kind_daily_fallback": "a daily-leveraged fund (no broker lends that much)",
        "kind_impossible": "not possible",
        "all_points": "All points",
        "cmp_heading": "Compare plans",
        "cmp_intro": "Two to four plans side by side, on the same futures.",
        "cmp_plan_n": "Plan {n}",
        "cmp_run": "Compare",
        "heat_heading": "Market heat",
        "heat_intro": "The speculation gauges the press quotes, computed from the embedded sample. The sample covers "
                      "only some markets: read each gauge's note.",
        "heat_source_sample": "embedded sample",
        "heat_source": "Data",
        "heat_intro_store": "The speculation gauges the press quotes, computed from this server's data store. Only the "
                            "stored markets count: read each gauge's note.",
        "heat_no_store": "This server has no data store. Fetch data on the server with {cmd} and it shows here.",
        "heat_store_error": "This server's data store cannot be read.",
        "heat_store_empty": "The store cannot give any gauge:",
        "heat_none_store": "The store has no data for this gauge.",
        "heat_source_store": "the local data store",
        "heat_last": "Last",
        "heat_median": "Median",
        "heat_max": "Highest",
        "heat_days": "Days",
        "heat_period": "Period",
        "heat_none": "The sample has no data for this gauge.",
        "heat_y": "Share",
        "heat_x": "Date",
        "g_turnover_ratio": "Korean crypto turnover / KOSPI + KOSDAQ turnover",
        "g_altcoin_share_kr": "Altcoin share of turnover, Korean venues",
        "g_altcoin_share_global": "Altcoin share of turnover, Binance",
        "g_kimchi_premium": "Kimchi premium (Korean bitcoin price / foreign price x exchange rate - 1)",
        "g_leveraged_share": "Leveraged and 2x inverse share of KOSPI 200 ETF turnover",
        "n_turnover_ratio": "Sample: crypto is Upbit's KRW bitcoin and XRP turnover only; stocks are KOSPI + KOSDAQ "
                            "turnover. Upbit's other markets and Bithumb are missing, so this is below the figure "
                            "the press quotes. Weekends are left out.",
        "n_altcoin_share_kr": "Sample: only Upbit's KRW bitcoin and XRP markets, no ether: this is XRP's share of "
                              "bitcoin + XRP turnover, not the altcoin share of the whole market.",
        "n_altcoin_share_global": "Not computable from the sample: no Binance daily history is embedded.",
        "n_kimchi_premium": "Sample: Upbit bitcoin KRW close / (bitcoin USD close abroad x KRW per USD) - 1; the "
                            "exchange rate is New York noon, at most 7 days old.",
        "n_leveraged_share": "Sample: one day (25 March 2021) from a table trimmed to a few ETFs, so the share is "
                             "overstated.",
        "won": "KRW",
    },
}

# Built-in plans' titles (the plan files' titles are English) and assets, regions and crashes.
_PLAN_TITLES = {
    "all-in-margin": ("나스닥100(총수익)에 몰빵, 신용융자로 두 배", None),
    "kodex-2x-salary": ("월급으로 매달 코스피200 2배 레버리지 ETF (KODEX 레버리지 같은) 매수", None),
    "luna-severance": ("퇴직금을 루나(테라 클래식)에, 3년 보유", None),
    "nvda-tsla-margin": ("34살, 엔비디아와 테슬라에 몰빵, 신용융자로 두 배", None),
    "safe": ("예금 반, S&P 500 인덱스 펀드(총수익) 반, 매달 리밸런싱", None),
    "samsung-margin": ("삼성전자에 몰빵, 신용융자로 두 배", None),
    "severance-altcoins": ("퇴직금을 알트코인(이더리움·리플·도지)에, 3년 보유", None),
    "tqqq-salary": ("월급으로 매달 나스닥100 3배 레버리지 ETF 매수", None),
    "tsll-2x": ("월급으로 매달 테슬라 2배 레버리지 ETF (TSLL 같은) 매수", None),
    "usdt-parking": ("예금 대신 달러 스테이블코인(USDT)에 저축", None),
}
_ASSETS = {
    "ndxtr": ("나스닥100 (배당 포함)", "NASDAQ-100 (total return)"),
    "sp500tr": ("S&P 500 (배당 포함)", "S&P 500 (total return)"),
    "ndx": ("나스닥100 (가격)", "NASDAQ-100 (price)"),
    "sp500": ("S&P 500 (가격)", "S&P 500 (price)"),
    "nvda": ("엔비디아", "NVIDIA"),
    "tsla": ("테슬라", "Tesla"),
    "kospi200tr": ("코스피200 (배당 포함)", "KOSPI 200 (total return)"),
    "kospi200": ("코스피200 (가격)", "KOSPI 200 (price)"),
    "kospi": ("코스피", "KOSPI"),
    "kosdaq": ("코스닥", "KOSDAQ"),
    "samsung": ("삼성전자", "Samsung Electronics"),
    "skhynix": ("SK하이닉스", "SK hynix"),
    "btc": ("비트코인", "Bitcoin"),
    "eth": ("이더리움", "Ether"),
    "xrp": ("리플 (XRP)", "XRP"),
    "doge": ("도지코인", "Dogecoin"),
    "sol": ("솔라나", "Solana"),
    "luna": ("루나 (테라 클래식)", "Terra LUNA (Classic)"),
    "ftt": ("FTX 토큰", "FTX Token"),
    "usdt": ("테더 (USDT, 달러 스테이블코인)", "Tether (USDT stablecoin)"),
    "ust": ("테라USD (UST, 디페깅된 스테이블코인)", "TerraUSD (UST, depegged stablecoin)"),
    "ibit": ("비트코인 현물 ETF (IBIT)", "Spot bitcoin ETF (IBIT)"),
    "etha": ("이더리움 현물 ETF (ETHA)", "Spot ether ETF (ETHA)"),
    "upbit_btc": ("업비트 비트코인 (원화)", "Bitcoin on Upbit (KRW)"),
    "upbit_xrp": ("업비트 리플 (원화)", "XRP on Upbit (KRW)"),
    "deposit": ("예금", "Deposit"),
}
_PRESETS = {
    "kr-2025-10": ("서울·수도권 규제지역 (2025년 10·15 대책 이후)", "Seoul and regulated capital-area districts "
                                                             "(after the 15 Oct 2025 measures)"),
    "us-2025": ("미국 (LTV 80%, 소득 대비 부채 43%)", "United States (80% LTV, 43% DTI)"),
}
_CRASHES = {
    "gfc-2008": ("글로벌 금융위기 2007~09", "Global financial crisis 2007-09"),
    "covid-2020": ("코로나19 폭락, 2020년 2~3월", "COVID-19 crash, February-March 2020"),
    "luna-2022": ("테라·루나 붕괴, 2022년 5월", "Terra LUNA / UST collapse, May 2022"),
    "crypto-2025-10": ("코인 연쇄 청산, 2025년 10월 10일", "Crypto liquidation cascade, 10 Oct 2025"),
    "volmageddon-2018": ("볼마게돈, 2018년 2월 5일", "Volmageddon, 5 Feb 2018"),
    "kospi-limit-down": ("하한가 -30% 하루 (가정)", "A -30% day at the KRX daily limit (stress test)"),
}


def _fill() -> None:
    from gaemi.config.io import builtin_plan_names, builtin_plan_text
    from gaemi.config.io import parse_toml

    for name in builtin_plan_names():
        ko = _PLAN_TITLES.get(name, (None, None))[0]
        try:
            en = parse_toml(builtin_plan_text(name), name, "plan").get("title") or name
        except Exception:  # pragma: no cover - a broken built-in plan is its own test's failure
            en = name
        WORDS["ko"][f"plan_title_{name}"] = ko or en
        WORDS["en"][f"plan_title_{name}"] = en
    for table, prefix in ((_ASSETS, "asset_"), (_PRESETS, "preset_"), (_CRASHES, "crash_")):
        for key, (ko, en) in table.items():
            WORDS["ko"][prefix + key] = ko
            WORDS["en"][prefix + key] = en


_fill()


def check_lang(lang: Any) -> str:
    """``lang`` if it is a language the pages speak, else the default (Korean)."""
    return lang if lang in LANGS else DEFAULT_LANG


def word(lang: str, key: str, **values: Any) -> str:
    """The word ``key`` in ``lang`` (the page's own words, then the report's), placeholders filled."""
    lang = check_lang(lang)
    s = WORDS[lang].get(key)
    if s is None:
        s = REPORT_STRINGS[lang].get(key)
    if s is None:
        raise KeyError(f"no word {key!r}")
    if not isinstance(s, str):
        raise TypeError(f"word {key!r} is not text")
    return s.format(**values) if values else s


def has_word(lang: str, key: str) -> bool:
    lang = check_lang(lang)
    return key in WORDS[lang] or isinstance(REPORT_STRINGS[lang].get(key), str)


def asset_label(lang: str, asset: str) -> str:
    return word(lang, f"asset_{asset}") if has_word(lang, f"asset_{asset}") else asset


def plan_title(lang: str, name: str, fallback: str = "") -> str:
    key = f"plan_title_{name}"
    return word(lang, key) if has_word(lang, key) else fallback


__all__ = ["COOKIE", "DEFAULT_LANG", "FORM_ASSETS", "LANGS", "LATIN_ALLOWED", "WORDS", "asset_label",
           "check_lang", "has_word", "plan_title", "word"]
