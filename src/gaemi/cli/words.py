"""Every word the terminal shows, in Korean and English (the same keys; a test checks it).

Words follow ``glossary-ko.md``: 반대매매, 깡통선 / wipe-out line, 손실 한계선 / ruin floor, 내 집 마련,
최대 낙폭 (MDD). Money in tables has one form per language (:func:`money`): ``11.1억`` in Korean and
``1,117M KRW`` in English (``gaemi.reports.i18n.fmt_money_short``, the same as the HTML report).
"""

from __future__ import annotations

import math
from typing import Any

from gaemi.cli.lang import current_lang

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "error": "error: ",
        "warning": "warning",
        "report_written": "report written: {path}",
        # demo
        "demo_title": "gaemi demo: every monthly start in the embedded history",
        "plan": "plan", "windows": "windows", "p_goal": "P(goal)", "p_forced": "P(forced)",
        "wiped_ever": "wiped ever", "wiped_end": "wiped end", "median": "median", "p5": "p5",
        "put_in": "put in",
        "windows_cell": "{n} x {years}y",
        "demo_line": "  {name}: {title}; starts {first} .. {last}; history {start} .. {end} ({years:.1f} years)",
        "demo_warnings": " warnings: {codes}",
        "demo_note": "Goal: net wealth reaches the plan's target (cash for a home). Forced: at least one forced sale "
                     "(반대매매). Wiped ever: net wealth fell at some close to 10% or less of all money put in "
                     "(the wipe-out line); wiped end: it ended the horizon there. Windows overlap: shares say how "
                     "often history did this, not future odds. Crypto plans use 3-year windows (short history) on "
                     "coins that survived; NVIDIA, Tesla and Samsung are today's famous winners, picked after the "
                     "fact: survivorship flatters them.",
        # plans
        "plans_title": "Built-in plans (gaemi plans show NAME)",
        "name": "name", "title": "title",
        # tables
        "figure": "figure", "value": "value", "value_in": "value ({currency})",
        # summary table
        "summary_title": "{plans} — {kind}, {paths} paths, {years:.1f} years",
        "summary_title_one": "{plans} — {kind}, {years:.1f} years",
        "r_goal": "P(home / goal)", "r_graduated": "P(graduated)", "r_forced": "P(forced sale)",
        "r_wipe_ever": "P(fell to wipe-out line, ever)", "r_wipe_end": "P(ended wiped out)",
        "r_ruin_ever": "P(fell to ruin floor, ever)", "r_ruin_end": "P(ended at/below ruin floor)",
        "r_negative": "P(negative equity)", "r_median": "median end wealth", "r_p5": "5th pct end wealth",
        "r_cvar": "CVaR 5% end wealth", "r_interest": "median interest paid",
        "r_years_goal": "median years to goal", "r_mdd": "median max drawdown",
        "r_collapse": "P(a coin collapsed)", "r_history": "history",
        "span": "{start}..{end} ({years:.1f}y)",
        "history_line": "{name}: history {start} .. {end}, {years:.1f} years, {sessions} sessions{limited}",
        "limited_by": "; limited by {name}",
        "garch_title": "Fitted GJR-GARCH(1,1)-t (arch; percent daily log returns)",
        "asset": "asset",
        # backtest
        "bt_title": "{plan}: {start} .. {end}",
        "bt_start": "start", "bt_end": "end", "bt_end_wealth": "end wealth", "bt_invested": "money put in",
        "bt_goal_date": "goal reached on", "bt_graduated": "graduated", "bt_first_forced": "first forced sale",
        "bt_forced_sales": "forced sales", "bt_forced_sold": "sold in forced sales", "bt_wipeout": "wiped out on",
        "bt_interest": "interest paid", "bt_debt": "debt left", "bt_mdd": "max drawdown",
        "bt_currency": "currency", "yes": "yes", "no": "no", "never": "never",
        # fund
        "fund_title": "{lev}x daily fund ({structure}) on {underlying}, {view}, {start} .. {end}",
        "fund_in": "in {cur}", "fund_held": "held in {cur} (resets in {own})",
        "f_total_return": "total return", "f_cagr": "CAGR", "f_annual_volatility": "annual volatility",
        "f_underlying_total_return": "underlying total return", "f_underlying_cagr": "underlying CAGR",
        "f_underlying_annual_volatility": "underlying annual volatility", "f_fx_total_return": "exchange-rate return",
        "f_drag": "volatility drag (vs L x underlying)", "f_drag_cagr": "volatility drag, CAGR",
        "f_drag_log_annual": "volatility drag, log per year",
        "f_drag_log_annual_own_currency": "volatility drag, log per year ({own})",
        "f_drag_theory_annual": "volatility drag in theory, per year",
        "f_structure": "structure", "f_rate": "financing rate",
        "fund_note": "Figures in {cur}; volatilities annualised at {n} sessions a year; volatility drag in theory = "
                     "(L²-L)σ²/2 with σ the underlying's volatility in {own}.",
        # odds
        "odds_title": "Odds curve: {plan} — {model}, {paths} paths, {years} years (exposure = market exposure "
                      "per unit of own money)",
        "o_exposure": "exposure", "o_home": "P(home)", "o_ruin": "P(ruin)", "o_forced": "P(forced sale)",
        "o_wipe": "wipe-out line ever / end", "o_median": "median end", "o_growth": "log growth/yr",
        "o_how": "built as",
        "k_plan": "the plan as it is", "k_smaller_loan": "smaller margin loan", "k_no_loan": "no margin loan",
        "k_deposit": "less risk, rest in deposit", "k_larger_loan": "larger margin loan", "k_daily": "daily-levered",
        "k_daily_fallback": "daily-levered (no broker lends)", "k_impossible": "not possible",
        "your_plan": "your plan", "best_within": "best P(home) with P(ruin) <= {limit}",
        "odds_star": "* not on the plan's futures (it needs another series, or could not be built); --json gives "
                     "each point's \"how\".",
        # scenarios
        "models_line": "Models: {models}",
        "scen_title": "Named crash scenarios (gaemi simulate PLAN --scenario NAME)",
        "s_name": "name", "s_days": "days", "s_what": "what happened", "s_fall": "peak to trough",
        # home
        "home_title": "Buying at {price} with income {income} ({preset})",
        "h_ltv_limit": "loan allowed by LTV", "h_cap_limit": "loan cap", "h_dsr_limit": "loan allowed by DSR",
        "h_max_loan": "largest loan", "h_acquisition_costs": "acquisition tax and costs",
        "h_cash_needed": "cash needed", "h_binding": "binding rule", "h_stress_rate": "stress rate",
        "no_cap": "no cap",
        "bind_ltv": "LTV", "bind_cap": "loan cap", "bind_dsr": "DSR",
        # need
        "tried": "  tried {value}{unit}: P(goal) {p_goal}, P(ruin) {p_ruin}",
        "per_month": "/month", "years_unit": " years",
        "need_history": "history {start} .. {end}, {years:.1f} years",
        "inputs": "{name}: capital {capital}, saving {saving} a month{growth}, {years} years{goal}",
        "inputs_growth": " (+{g} a year)", "inputs_home": "; goal: a home at {price}",
        "inputs_amount": "; goal: {amount}",
    },
    "ko": {
        "error": "오류: ",
        "warning": "경고",
        "report_written": "보고서를 썼습니다: {path}",
        "demo_title": "gaemi 데모: 내장 과거 데이터에서 매달 시작한 모든 구간",
        "plan": "계획", "windows": "구간", "p_goal": "목표 확률", "p_forced": "반대매매",
        "wiped_ever": "한때 깡통선", "wiped_end": "끝내 깡통", "median": "중앙값", "p5": "하위 5%",
        "put_in": "넣은 돈",
        "windows_cell": "{n}개 × {years}년",
        "demo_line": "  {name}: {title}; 시작 {first} ~ {last}; 근거 역사 {start} ~ {end} ({years:.1f}년)",
        "demo_warnings": " 경고: {codes}",
        "demo_note": "목표: 순자산이 계획의 목표(집 살 현금)에 닿음. 반대매매: 한 번 이상 반대매매를 당함. 한때 깡통선: 어느 "
                     "종가에서든 순자산이 넣은 돈의 10% 이하로 떨어짐; 끝내 깡통: 기간이 끝날 때 그 선 아래. 구간은 서로 "
                     "겹칩니다: 이 비율은 과거에 이런 일이 얼마나 자주 있었는지이지 미래의 확률이 아닙니다. 코인 계획은 "
                     "역사가 짧아 3년 구간을 쓰고, 살아남은 코인만 봅니다; 엔비디아, 테슬라, 삼성전자는 지금 유명한 승자를 "
                     "나중에 고른 것이라 생존 편향이 숫자를 좋게 보이게 합니다.",
        "plans_title": "내장 계획 (gaemi plans show 이름)",
        "name": "이름", "title": "설명",
        "figure": "항목", "value": "값", "value_in": "값 ({currency})",
        "summary_title": "{plans} — {kind}, 미래 {paths}개, {years:.1f}년",
        "summary_title_one": "{plans} — {kind}, {years:.1f}년",
        "r_goal": "내 집 마련(목표) 확률", "r_graduated": "졸업 확률", "r_forced": "반대매매 확률",
        "r_wipe_ever": "한때 깡통선까지 떨어질 확률", "r_wipe_end": "끝내 깡통계좌일 확률",
        "r_ruin_ever": "한때 손실 한계선까지 떨어질 확률", "r_ruin_end": "끝내 손실 한계선 아래일 확률",
        "r_negative": "마이너스 순자산 확률", "r_median": "최종 자산 중앙값", "r_p5": "최종 자산 하위 5%",
        "r_cvar": "최종 자산 하위 5% 평균", "r_interest": "신용융자 이자 (중앙값)",
        "r_years_goal": "목표까지 걸린 햇수 (중앙값)", "r_mdd": "최대 낙폭 MDD (중앙값)",
        "r_collapse": "코인 붕괴 확률", "r_history": "근거 역사",
        "span": "{start}~{end} ({years:.1f}년)",
        "history_line": "{name}: 근거 역사 {start} ~ {end}, {years:.1f}년, {sessions}거래일{limited}",
        "limited_by": "; {name} 데이터가 기간을 정함",
        "garch_title": "추정한 GJR-GARCH(1,1)-t 모수 (arch; 일간 로그 수익률, %)",
        "asset": "자산",
        "bt_title": "{plan}: {start} ~ {end}",
        "bt_start": "시작", "bt_end": "끝", "bt_end_wealth": "최종 자산", "bt_invested": "넣은 돈",
        "bt_goal_date": "목표 달성일", "bt_graduated": "졸업", "bt_first_forced": "첫 반대매매",
        "bt_forced_sales": "반대매매 횟수", "bt_forced_sold": "반대매매로 판 금액", "bt_wipeout": "깡통계좌가 된 날",
        "bt_interest": "낸 이자", "bt_debt": "남은 빚", "bt_mdd": "최대 낙폭 (MDD)",
        "bt_currency": "통화", "yes": "예", "no": "아니요", "never": "없음",
        "fund_title": "{underlying} 기초 {lev}배 일일 레버리지 ETF ({structure}), {view}, {start} ~ {end}",
        "fund_in": "{cur} 기준", "fund_held": "{cur}로 보유 ({own}로 매일 배율 조정)",
        "f_total_return": "총수익률", "f_cagr": "연평균 수익률 (CAGR)", "f_annual_volatility": "연간 변동성",
        "f_underlying_total_return": "기초지수 총수익률", "f_underlying_cagr": "기초지수 연평균 수익률",
        "f_underlying_annual_volatility": "기초지수 연간 변동성", "f_fx_total_return": "환율 수익률",
        "f_drag": "변동성 끌림 (배율 × 기초지수 대비)", "f_drag_cagr": "변동성 끌림, 연평균",
        "f_drag_log_annual": "변동성 끌림, 연간 로그",
        "f_drag_log_annual_own_currency": "변동성 끌림, 연간 로그 ({own})",
        "f_drag_theory_annual": "이론상 변동성 끌림, 연간",
        "f_structure": "구조", "f_rate": "조달 금리",
        "fund_note": "{cur} 기준 숫자; 변동성은 1년 {n}거래일로 연율화; 이론상 변동성 끌림 = (L²-L)σ²/2, σ는 "
                     "{own} 기준 기초지수 변동성.",
        "odds_title": "확률 곡선: {plan} — {model}, 미래 {paths}개, {years}년 (노출 = 내 돈 1원당 시장 노출)",
        "o_exposure": "노출", "o_home": "내 집 마련 확률", "o_ruin": "손실 확률", "o_forced": "반대매매 확률",
        "o_wipe": "깡통선 한때 / 끝내", "o_median": "최종 자산 중앙값", "o_growth": "연 로그 성장률",
        "o_how": "만든 방법",
        "k_plan": "지금 계획 그대로", "k_smaller_loan": "신용융자 줄임", "k_no_loan": "신용융자 없음",
        "k_deposit": "위험 줄이고 나머지는 예금", "k_larger_loan": "신용융자 늘림", "k_daily": "레버리지 ETF",
        "k_daily_fallback": "레버리지 ETF (빌려주는 증권사 없음)", "k_impossible": "불가능",
        "your_plan": "내 계획", "best_within": "손실 확률 {limit} 이하 중 내 집 마련 확률 최고",
        "odds_star": "* 계획과 같은 미래가 아님 (다른 시계열이 필요하거나 만들 수 없음); --json에 점마다 방법이 있습니다.",
        "models_line": "모형: {models}",
        "scen_title": "폭락 시나리오 (gaemi simulate 계획 --scenario 이름)",
        "s_name": "이름", "s_days": "거래일", "s_what": "무슨 일이 있었나", "s_fall": "고점 대비 저점",
        "home_title": "집값 {price}, 연소득 {income} ({preset})",
        "h_ltv_limit": "LTV 한도 대출", "h_cap_limit": "대출 상한", "h_dsr_limit": "DSR 한도 대출",
        "h_max_loan": "최대 대출", "h_acquisition_costs": "취득세와 부대비용",
        "h_cash_needed": "필요한 현금", "h_binding": "한도를 정하는 규제", "h_stress_rate": "스트레스 금리",
        "no_cap": "상한 없음",
        "bind_ltv": "LTV", "bind_cap": "대출 상한", "bind_dsr": "DSR",
        "tried": "  {value}{unit} 시도: 목표 확률 {p_goal}, 손실 확률 {p_ruin}",
        "per_month": "/월", "years_unit": "년",
        "need_history": "근거 역사 {start} ~ {end}, {years:.1f}년",
        "inputs": "{name}: 자본금 {capital}, 월 저축 {saving}{growth}, {years}년{goal}",
        "inputs_growth": " (매년 {g} 증가)", "inputs_home": "; 목표: 집값 {price}",
        "inputs_amount": "; 목표: {amount}",
    },
}

#: Model and run kinds as the terminal names them.
KINDS = {
    "en": {"bootstrap": "bootstrap", "garch": "GARCH", "parametric": "parametric (Student-t)",
           "historical": "historical windows", "rolling": "every monthly start in history",
           "backtest": "one path through history"},
    "ko": {"bootstrap": "블록 부트스트랩", "garch": "GARCH", "parametric": "모수 모형 (t 분포)",
           "historical": "과거 구간", "rolling": "과거의 매달 시작 구간 전부", "backtest": "과거 그대로 한 번"},
}

#: Korean titles of the built-in plans (a plan file's own title is shown as written).
PLAN_TITLES_KO = {
    "all-in-margin": "나스닥100(총수익)에 몰빵, 신용융자로 두 배",
    "kodex-2x-salary": "월급으로 매달 코스피200 2배 레버리지 ETF (KODEX 레버리지 같은)",
    "luna-severance": "퇴직금을 루나(테라 클래식)에 넣고 3년 보유",
    "nvda-tsla-margin": "34살에 엔비디아와 테슬라에 몰빵, 신용융자로 두 배",
    "safe": "예금과 S&P 500 인덱스 펀드(총수익), 매달 리밸런싱",
    "samsung-margin": "삼성전자에 몰빵, 신용융자로 두 배",
    "severance-altcoins": "퇴직금을 알트코인(이더리움, 리플, 도지)에 넣고 3년 보유",
    "tqqq-salary": "월급으로 매달 나스닥100 3배 레버리지 ETF",
    "tsll-2x": "월급으로 매달 테슬라 2배 레버리지 ETF (TSLL 같은)",
    "usdt-parking": "예금 대신 달러 스테이블코인(USDT)에 저축",
}

#: Korean titles of the named crash scenarios.
CRASH_TITLES_KO = {
    "gfc-2008": "2007-09 글로벌 금융위기",
    "covid-2020": "코로나19 폭락, 2020년 2-3월",
    "luna-2022": "테라 루나 / UST 붕괴, 2022년 5월",
    "crypto-2025-10": "코인 연쇄 청산, 2025년 10월 10일",
    "volmageddon-2018": "볼마게돈, 2018년 2월 5일",
    "kospi-limit-down": "가격제한폭(-30%)까지 떨어진 하루",
}


#: Short names of the warning codes (gaemi.results.history) for one-line lists.
WARNING_NAMES = {
    "en": {},
    "ko": {"short_history": "짧은 역사", "no_major_drawdown": "큰 폭락이 없는 역사", "survivorship": "생존 편향",
           "rate_extended": "금리 데이터 연장", "estimated_data": "추정 데이터", "collapse_hazard": "붕괴 위험",
           "common_span": "공통 기간"},
}


def warning_name(code: str) -> str:
    return WARNING_NAMES[current_lang()].get(code, code.replace("_", " "))


def plan_inputs(plan: Any, years: float | None = None) -> str:
    """The plan's money inputs echoed back as the user would say them (``자본금 1억 4,000만 원``)."""
    cur = plan.currency
    inv = plan.investor
    growth = t("inputs_growth", g=f"{inv.saving_growth:.0%}") if inv.saving_growth else ""
    goal = ""
    if plan.goal is not None:
        goal = (t("inputs_home", price=money_prose(plan.goal.price, cur)) if plan.goal.kind == "home"
                else t("inputs_amount", amount=money_prose(plan.goal.amount, cur)))
    return t("inputs", name=plan.name, capital=money_prose(inv.capital, cur), saving=money_prose(inv.monthly_saving, cur),
             growth=growth, years=f"{plan.horizon_years if years is None else years:g}", goal=goal)


def lang() -> str:
    return current_lang()


def t(key: str, **values: Any) -> str:
    """The terminal string ``key`` in the current language, placeholders filled."""
    s = WORDS[current_lang()][key]
    return s.format(**values) if values else s


def word(key: str, default: str) -> str:
    """The string ``key`` in the current language, or ``default`` when there is no such word."""
    return WORDS[current_lang()].get(key, default)


def kind(name: str) -> str:
    return KINDS[current_lang()].get(name, name)


def plan_title(name: str, title: str) -> str:
    """A built-in plan's Korean title under Korean (its own title otherwise)."""
    if current_lang() == "ko" and name in PLAN_TITLES_KO:
        return PLAN_TITLES_KO[name]
    return title


def crash_title(name: str, title: str) -> str:
    return CRASH_TITLES_KO.get(name, title) if current_lang() == "ko" else title


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{digits}%}"


def money(x: float | None, currency: str = "KRW") -> str:
    """Money in a table: ``11.1억`` / ``1,117M KRW`` (one form per language, as the report)."""
    from gaemi.reports.i18n import fmt_money_short

    return fmt_money_short(x, currency, current_lang())


def money_prose(x: float | None, currency: str = "KRW") -> str:
    """Money in a sentence: ``11억 1,690만 원`` / ``1,117,000,000 KRW``."""
    from gaemi.reports.i18n import fmt_money

    return fmt_money(x, currency, current_lang())


# ----------------------------------------------------------------------------- errors
_ALLOWED_KO = [  # (English phrase, Korean) for an error's "allowed" text; longest phrases apply first
    ("a built-in plan name or a TOML file", "내장 계획 이름 또는 TOML 파일"), ("a TOML file", "TOML 파일"),
    ("an amount >= 0 such as", "0 이상의 금액, 예:"), ("an amount > 0 such as", "0보다 큰 금액, 예:"),
    ("an amount of at most", "최대 금액"),
    ("a date within the data,", "데이터 기간 안의 날짜:"), ("within the data", "데이터 기간 안"),
    ("(the limit; raise it deliberately with", "(한도; 일부러 늘리려면"),
    ("a symbol in the local store", "로컬 저장소의 종목"), ("to use another series, fetch it", "다른 시계열은 받아 오거나"),
    ("import a CSV", "CSV를 가져오세요"), ("with STEP > 0 and STOP >= START", "(STEP > 0, STOP >= START)"),
    ("two or more plans to compare (gaemi simulate runs one)", "비교할 계획 둘 이상 (하나는 gaemi simulate로 실행)"),
    ("a list like", "목록, 예:"), ("did you mean", "혹시"), ("a whole number", "정수"),
    (" or ", " 또는 "), ("a number", "숫자"), ("an integer", "정수"),
    ("between", "범위"), ("at least", "최소"), ("at most", "최대"), ("one of", "다음 중 하나:"),
    ("years", "년"), ("a date", "날짜"), ("a fraction", "비율"),
]
_ALLOWED_KO.sort(key=lambda pair: -len(pair[0]))


def error_line(line: str, error: BaseException | None = None) -> str:
    """The error line in the current language. A :class:`~gaemi.errors.ConfigError` is framed in
    Korean around its field and value (its "allowed" text keeps the words it has no Korean for);
    other errors keep their text."""
    if current_lang() != "ko":
        return line
    field = getattr(error, "field", None)
    allowed = getattr(error, "allowed", None)
    if field is None or allowed is None:
        return line
    value = getattr(error, "value", None)
    allowed_ko = " ".join(str(allowed).split())
    for en, ko in _ALLOWED_KO:
        allowed_ko = allowed_ko.replace(en, ko)
    return f"{field}: {value!r} 값은 쓸 수 없습니다. 허용: {allowed_ko}"


def usage_error_ko(error: Any, message: str) -> str:
    """A click usage error (unknown option, missing argument, bad value) in Korean."""
    name = type(error).__name__
    param = getattr(error, "param", None)
    pname = None
    if param is not None:
        opts = getattr(param, "opts", None) or []
        pname = opts[0] if opts and opts[0].startswith("-") else (getattr(param, "name", None) or "")
        if pname and not pname.startswith("-"):
            pname = pname.upper()
    if name == "NoSuchOption":
        opt = getattr(error, "option_name", "") or ""
        poss = getattr(error, "possibilities", None) or []
        hint = f" (혹시 {', '.join(poss)}?)" if poss else ""
        return f"없는 옵션입니다: {opt}{hint}"
    if name == "MissingParameter":
        return f"꼭 넣어야 하는 값이 없습니다: {pname or ''}".rstrip()
    if name == "BadParameter":
        detail = str(getattr(error, "message", "") or "")
        for en, ko in (("valid integer", "정수여야 합니다"), ("valid float", "숫자여야 합니다"),
                       ("valid number", "숫자여야 합니다"), ("valid boolean", "예/아니요 값이어야 합니다"),
                       ("is not one of", "허용된 값이 아닙니다")):
            if en in detail:
                detail = ko
                break
        return f"{pname or '값'}: 잘못된 값입니다 — {detail.rstrip('.')}"
    if name == "NoSuchCommand" or "No such command" in message:
        return f"없는 명령입니다: {message.split(' ')[-1]}"
    if name == "BadOptionUsage":
        return f"옵션을 잘못 썼습니다: {message}"
    return message
