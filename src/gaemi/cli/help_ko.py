"""Korean help texts for every command and option (``gaemi --lang ko ... --help``).

:data:`HELP_KO` maps each English help text (whitespace-normalised) to its Korean text, in the
words of ``glossary-ko.md``. A test walks the whole command tree and fails on any help text
without a Korean entry, so a new option cannot ship English-only.
"""

from __future__ import annotations

from typing import Any


def _norm(text: str | None) -> str:
    return " ".join((text or "").split())


HELP_KO: dict[str, str] = {
    # the program and its shared options
    "gaemi (개미): what margin, leveraged funds and altcoins do to a retail investor's odds.":
        "gaemi (개미): 신용융자, 레버리지 ETF, 알트코인이 개인 투자자의 내 집 마련 확률과 깡통 확률을 어떻게 바꾸는지 보여 줍니다.",
    "Market-data store for every command (sets GAEMI_STORE): simulations can then use its symbols as assets.":
        "모든 명령이 쓸 시세 저장소 파일(GAEMI_STORE 설정): 시뮬레이션에서 그 종목을 자산으로 쓸 수 있습니다.",
    "Language of the output: ko or en (default: GAEMI_LANG, else the locale).":
        "출력 언어: ko 또는 en (기본값: GAEMI_LANG, 없으면 시스템 로캘).",
    "Show this message and exit.": "이 도움말을 보여 주고 끝냅니다.",
    "Print JSON.": "JSON으로 출력합니다.",
    "Print JSON instead of a table.": "표 대신 JSON으로 출력합니다.",
    "A plan TOML file or a built-in plan name.": "계획 TOML 파일 또는 내장 계획 이름.",
    "Write a self-contained HTML report here.": "이 경로에 HTML 보고서(파일 하나)를 씁니다.",
    "Seed.": "난수 시드.",
    "Seed; the same seed gives the same numbers on any machine.": "난수 시드: 같은 시드면 어느 컴퓨터에서나 같은 숫자가 나옵니다.",
    "Paths per chunk: memory and speed only, never the numbers (docs/performance.md).":
        "한 묶음에 계산할 미래 수: 메모리와 속도만 바뀌고 숫자는 그대로입니다 (docs/performance.md).",
    "bootstrap (stationary block bootstrap of history), garch (GJR-GARCH-t filtered historical simulation), "
    "parametric (Student-t fitted to history), historical (rolling windows).":
        "bootstrap (과거 수익률 블록 재표집), garch (GJR-GARCH-t 필터링 과거 시뮬레이션), parametric (과거에 맞춘 "
        "스튜던트 t 분포), historical (과거 구간을 한 달씩 밀며 실행).",
    # demo, plans
    "Run every built-in plan over every rolling window of its horizon in the embedded history.":
        "내장 계획 모두를 내장된 과거 데이터의 모든 구간(한 달씩 밀며)에서 실행합니다.",
    "Built-in example plans.": "내장 예시 계획.",
    "List the built-in plans.": "내장 계획 목록을 보여 줍니다.",
    "Print a built-in plan's TOML (copy it, edit it, pass the file to backtest/simulate).":
        "내장 계획의 TOML을 출력합니다 (복사해 고친 뒤 backtest/simulate에 파일로 넘기세요).",
    "A built-in plan name.": "내장 계획 이름.",
    "Print the validated plan as JSON.": "검증된 계획을 JSON으로 출력합니다.",
    # backtest
    "One path through real history from a start date (or every monthly start with --rolling).":
        "시작일부터 실제 과거를 그대로 한 번 따라갑니다 (--rolling이면 매달 시작한 모든 구간).",
    "Invest at the close of the first session on/after this date.": "이 날짜 또는 그 뒤 첫 거래일 종가에 투자합니다.",
    "Last session (default: start + the plan's horizon).": "마지막 거래일 (기본값: 시작일 + 계획 기간).",
    "Every monthly start in history instead of one.": "시작일 하나 대신 과거의 매달 시작 전부.",
    # fund
    "Synthesise a daily-reset leveraged/inverse fund and show its volatility and volatility drag.":
        "매일 배율을 맞추는 레버리지/인버스 ETF를 합성해 변동성과 변동성 끌림을 보여 줍니다.",
    "Embedded underlying, e.g. sp500tr, ndx, kospi200.": "내장 기초지수, 예: sp500tr, ndx, kospi200.",
    "Daily leverage, e.g. 3, 2, -1, -2.": "일일 배율, 예: 3, 2, -1, -2.",
    "Annual fee, a fraction.": "연간 총보수 (비율, 0.0095 = 0.95%).",
    "Annual spread over the rate, on the exposure the structure charges it on (default: calibrated per "
    "structure, docs/validation.md).":
        "금리에 더해지는 연간 가산 비용 (기본값: 구조별로 보정한 값, docs/validation.md).",
    "Rate series (default us_effr for U.S., kr_cd91 for Korean).": "금리 시계열 (기본값: 미국 us_effr, 한국 kr_cd91).",
    "Buy at the close of the first session on/after this date.": "이 날짜 또는 그 뒤 첫 거래일 종가에 삽니다.",
    "Last session on/before this date.": "이 날짜 또는 그 전 마지막 거래일.",
    "Currency of the figures: the underlying's own (default), or the other one (e.g. KRW for a USD underlying: "
    "the fund resets in dollars, held in won).":
        "숫자의 통화: 기초지수의 통화(기본값) 또는 다른 통화 (예: 달러 지수를 원화로 보유하면 KRW).",
    "swap (spread on max(L-1,0)) or futures (KRX funds: also on |L| when inverse); default futures for KRW "
    "underlyings, else swap.":
        "swap (max(L-1,0)에 가산 비용) 또는 futures (국내 ETF: 인버스면 |L|에도); 기본값: 원화 기초지수는 futures, 그 밖은 swap.",
    # simulate / compare / odds
    "A plan over many simulated futures: odds of the home, of ruin, and when.":
        "계획을 수많은 가상의 미래에서 실행합니다: 내 집 마련 확률, 손실 확률, 그리고 그 시점.",
    "Number of simulated futures (default 10,000; not with --model historical).":
        "시뮬레이션할 미래의 수 (기본값 10,000; --model historical과 함께 쓸 수 없음).",
    "Horizon in years of 252 sessions (default: the plan's).": "기간(년, 1년 = 252거래일; 기본값: 계획의 기간).",
    "A named crash injected at --scenario-day (gaemi scenarios).": "--scenario-day에 넣을 폭락 시나리오 이름 (gaemi scenarios).",
    "Session on which the crash starts (default 0).": "폭락이 시작되는 거래일 (기본값 0).",
    "Local worker processes (dask LocalCluster); same numbers as 1.": "로컬 작업 프로세스 수 (dask); 1개일 때와 같은 숫자.",
    "Address of an existing dask.distributed scheduler.": "실행 중인 dask.distributed 스케줄러 주소.",
    "Plans side by side on the same futures (common random numbers).": "여러 계획을 같은 미래들 위에서 나란히 비교합니다.",
    "Two or more plans (TOML files or built-in names).": "계획 둘 이상 (TOML 파일 또는 내장 계획 이름).",
    "Number of simulated futures, the same for every plan (default 10,000; not with --model historical).":
        "시뮬레이션할 미래의 수, 모든 계획에 같음 (기본값 10,000; --model historical과 함께 쓸 수 없음).",
    "Horizon in years (default: the first plan's).": "기간(년; 기본값: 첫 계획의 기간).",
    "A named crash for every plan.": "모든 계획에 넣을 폭락 시나리오.",
    "Local worker processes.": "로컬 작업 프로세스 수.",
    "Address of a dask.distributed scheduler.": "dask.distributed 스케줄러 주소.",
    "The odds curve: P(home by the horizon) beside P(ruin) as exposure grows, with the plan itself on it.":
        "확률 곡선: 노출(레버리지)이 커질 때 내 집 마련 확률과 손실 확률, 그리고 내 계획의 위치.",
    "Exposures to try, START:STOP:STEP or 1,2,3 (exposure = market exposure per unit of own money; the plan's "
    "own is always added).":
        "시험할 노출 배수, 시작:끝:간격 또는 1,2,3 (노출 = 내 돈 1원당 시장 노출; 내 계획의 노출은 항상 포함).",
    "Mark the exposure with the best P(home) among those with P(ruin) at most this (0.05 = 5 in 100).":
        "손실 확률이 이 값 이하인 노출 중 내 집 마련 확률이 가장 높은 곳을 표시합니다 (0.05 = 100번 중 5번).",
    "How other exposures are built: margin (the real plan with a smaller/larger margin loan, deposits below) "
    "or daily (daily-leveraged funds).":
        "다른 노출을 만드는 방법: margin (신용융자를 줄이거나 늘린 같은 계획, 그 아래는 예금) 또는 daily (레버리지 ETF).",
    "Futures per exposure (the same futures for every point).": "노출마다 계산할 미래의 수 (모든 점에 같은 미래).",
    "Horizon in years (default: the plan's).": "기간(년; 기본값: 계획의 기간).",
    "The Monte Carlo models and the named crash scenarios.": "몬테카를로 모형과 폭락 시나리오 목록.",
    # home
    "The largest mortgage the rules allow today, the cash needed, and which rule binds.":
        "현재 대출 규제에서 받을 수 있는 최대 주택담보대출, 필요한 현금, 그리고 한도를 정하는 규제.",
    "Home price, in the preset's currency (KRW for kr-2025-10): 1106000000, 1,106,000,000 or 11억 600만.":
        "집값 (kr-2025-10은 원화): 1106000000, 1,106,000,000 또는 11억 600만.",
    "Annual household income (e.g. 7000만).": "가구 연소득 (예: 7000만).",
    "생애최초: first-time buyer.": "생애최초 주택 구입자.",
    "Lending rules: a preset name or a TOML file.": "대출 규제: 프리셋 이름 또는 TOML 파일.",
    "Annual mortgage rate (default: the preset's).": "주택담보대출 연 금리 (기본값: 프리셋의 금리).",
    # need
    "What would it take? The saving, years or home price that reaches the goal safely.":
        "무엇이 필요할까? 목표에 안전하게 닿는 월 저축액, 기간 또는 집값을 찾습니다.",
    "P(home / goal by the horizon) to reach, in (0, 1).": "달성할 내 집 마련(목표) 확률, 0과 1 사이.",
    "Largest P(ruin) allowed, in [0, 1): ruin = a forced sale, the ruin floor touched or negative equity "
    "(p_ruin_any).":
        "허용할 최대 손실 확률, 0 이상 1 미만: 손실 = 반대매매, 손실 한계선 도달 또는 마이너스 자산.",
    "saving: the smallest monthly saving; years: the fewest years; price: the highest home price (the goal "
    "amount for an amount goal).":
        "saving: 가장 적은 월 저축액; years: 가장 짧은 기간; price: 가장 비싼 집값 (금액 목표면 목표 금액).",
    "bootstrap, garch, parametric or historical (not with --solve years).":
        "bootstrap, garch, parametric 또는 historical (--solve years와 함께 쓸 수 없음).",
    "Futures per candidate (the same futures for every candidate).": "후보마다 계산할 미래의 수 (모든 후보에 같은 미래).",
    "Horizon for --solve saving|price (default: the plan's).": "--solve saving|price의 기간 (기본값: 계획의 기간).",
    "Seed; the same seed gives the same answer.": "난수 시드: 같은 시드면 같은 답이 나옵니다.",
    "LOW:HIGH search range (default: saving 0 to max(20x the plan's, cash needed/12); years 1/12 to 40; price "
    "1/100x to 20x).":
        "찾을 범위 최소:최대 (기본값: 저축액 0 ~ max(계획의 20배, 필요 현금/12); 기간 1/12 ~ 40년; 집값 1/100배 ~ 20배).",
    "Write a self-contained HTML report here: the plan's own run (same model, paths, seed) with the answer "
    "beside it.":
        "이 경로에 HTML 보고서를 씁니다: 계획 그대로의 결과(같은 모형, 미래 수, 시드)와 그 옆에 답.",
    "Print NeedResult.summary() as JSON.": "결과를 JSON으로 출력합니다.",
    # heat
    "Market heat: crypto vs stock turnover, altcoin share, kimchi premium, leveraged-ETF share.":
        "시장 과열 지표: 코인/주식 거래대금 비율, 알트코인 비중, 김치 프리미엄, 레버리지 ETF 비중.",
    "Use the embedded sample period (offline).": "내장 표본 기간을 씁니다 (오프라인).",
    "Store file (default: $GAEMI_STORE or the user data folder).": "저장소 파일 (기본값: $GAEMI_STORE 또는 사용자 데이터 폴더).",
    "First day (YYYY-MM-DD).": "시작 날짜 (YYYY-MM-DD).",
    "Last day (YYYY-MM-DD).": "끝 날짜 (YYYY-MM-DD).",
    "Print one series per gauge as JSON.": "지표마다 시계열 하나씩 JSON으로 출력합니다.",
    # serve
    "Start the web app (plans, odds, leverage, compare, heat) in the browser, in Korean or English.":
        "웹 앱을 시작합니다 (내 계획, 확률, 레버리지, 비교, 시장 과열), 한국어 또는 영어.",
    "Address to bind (default: this machine only).": "열어 둘 주소 (기본값: 이 컴퓨터에서만).",
    "TCP port.": "TCP 포트.",
    "Restart on source changes (development).": "소스가 바뀌면 다시 시작합니다 (개발용).",
    "uvicorn log level: critical, error, warning, info, debug.": "uvicorn 로그 수준: critical, error, warning, info, debug.",
    "Print the URL and the limits as one JSON line (for scripts), then serve; errors as JSON.":
        "주소와 제한값을 JSON 한 줄로 출력한 뒤 서버를 엽니다 (스크립트용); 오류도 JSON.",
    # warmup
    "Compile the simulation engine for every model now (once per install), so later runs start at once.":
        "모든 모형의 시뮬레이션 엔진을 지금 컴파일합니다 (설치 후 한 번): 그 뒤의 실행은 바로 시작합니다.",
    "Print what compiled, step by step, and the seconds as JSON.": "무엇을 컴파일했는지 단계별로, 걸린 초와 함께 JSON으로 출력합니다.",
}


def _all_help_ko() -> dict[str, str]:
    """HELP_KO plus the tables that live beside their commands (``HELP_KO_DATA`` in data_cmd)."""
    table = dict(HELP_KO)
    try:
        from gaemi.cli.data_cmd import HELP_KO_DATA
    except ImportError:  # pragma: no cover
        HELP_KO_DATA = {}
    table.update({_norm(k): v for k, v in HELP_KO_DATA.items()})
    try:
        from gaemi.cli.colony_cmd import HELP_KO_COLONY
    except ImportError:  # pragma: no cover
        HELP_KO_COLONY = {}
    table.update({_norm(k): v for k, v in HELP_KO_COLONY.items()})
    return table


def _help_ko(text: str | None, missing: list[str] | None = None) -> str | None:
    key = _norm(text)
    if not key:
        return text
    ko = _all_help_ko().get(key)
    if ko is None:
        if missing is not None:
            missing.append(key)
        return text
    return ko


def english_help_texts(command: Any) -> list[str]:
    """Every help text in the command tree (commands and parameters), whitespace-normalised."""
    found: list[str] = []

    def walk(cmd: Any) -> None:
        for t in (cmd.help, getattr(cmd, "short_help", None)):
            if _norm(t):
                found.append(_norm(t))
        for p in cmd.params:
            if _norm(getattr(p, "help", None)):
                found.append(_norm(p.help))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(command)
    return list(dict.fromkeys(found))


_TYPER_WORDS = {
    "en": {"DEFAULT_STRING": "[default: {}]", "REQUIRED_LONG_STRING": "[required]",
           "ARGUMENTS_PANEL_TITLE": "Arguments", "OPTIONS_PANEL_TITLE": "Options",
           "COMMANDS_PANEL_TITLE": "Commands", "ENVVAR_STRING": "[env var: {}]",
           "DEPRECATED_STRING": "(deprecated) "},
    "ko": {"DEFAULT_STRING": "[기본값: {}]", "REQUIRED_LONG_STRING": "[필수]",
           "ARGUMENTS_PANEL_TITLE": "인자", "OPTIONS_PANEL_TITLE": "옵션",
           "COMMANDS_PANEL_TITLE": "명령", "ENVVAR_STRING": "[환경 변수: {}]",
           "DEPRECATED_STRING": "(더 이상 쓰지 않음) "},
}


def localise_help(command: Any, lang: str) -> None:
    """Put the Korean help texts (and typer's panel titles, usage line) on the click command tree
    when ``lang`` is ``ko``; English restores typer's own words."""
    from typer import rich_utils

    for name, value in _TYPER_WORDS["ko" if lang == "ko" else "en"].items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, value)
    if lang != "ko":
        return

    def walk(cmd: Any) -> None:
        cmd.help = _help_ko(cmd.help)
        if getattr(cmd, "short_help", None):
            cmd.short_help = _help_ko(cmd.short_help)
        for p in cmd.params:
            if getattr(p, "help", None):
                p.help = _help_ko(p.help)
        original_help_option = cmd.get_help_option

        def get_help_option(ctx: Any, _orig=original_help_option) -> Any:
            opt = _orig(ctx)
            if opt is not None:
                opt.help = HELP_KO["Show this message and exit."]
            return opt

        cmd.get_help_option = get_help_option
        cmd.options_metavar = "[옵션]"
        if getattr(cmd, "subcommand_metavar", None):
            cmd.subcommand_metavar = "명령 [인자]..."
        original = cmd.get_usage

        def get_usage(ctx: Any, _orig=original) -> str:
            return _orig(ctx).replace("Usage:", "사용법:")

        cmd.get_usage = get_usage
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(command)
