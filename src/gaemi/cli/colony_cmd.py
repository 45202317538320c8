"""``gaemi colony``: the population stress test in the terminal's language
(:func:`gaemi.cli.lang.current_lang`): headline table, losses by wealth decile, the amplification
curve, warnings; ``--calibration`` prints the population beside the calibration table's targets;
``--json`` the result's summary; ``--report`` the HTML report. Errors: one line, exit code 2."""

from __future__ import annotations

from typing import Any, Optional

import typer
from rich.table import Table
from rich.text import Text

from gaemi.errors import ConfigError

WORDS = {
    "en": {
        "title": "gaemi colony — {shock}",
        "figure": "Figure", "value": "Value",
        "decile_title": "Loss by wealth decile",
        "curve": "Amplification curve (impact scale → loss with / without feedback): {points}",
        "report": "report: {path}",
        "warning": "warning",
        "cal_title": "The population beside the calibration table ({agents} agents, seed {seed})",
        "cal_target": "Target", "cal_table": "Table", "cal_model": "Population", "cal_error": "Error",
        "cal_tol": "Tolerance", "cal_ok": "Within",
        "cal_bad": "{n} of {total} targets are outside their tolerance.",
        "cal_good": "All {total} targets are within their tolerance.",
        "yes": "yes", "no": "no",
        "event_title": "The calibration event, March 2020 (change of the balance from {start}; fitted or check)",
        "event_fact": "Fact", "event_model": "Colony", "event_kind": "Kind",
        "kind_fitted": "fitted", "kind_check": "check",
        "progress_feedback": "with feedback", "progress_no_feedback": "without feedback",
        "progress_impact": "impact {k}",
    },
    "ko": {
        "title": "gaemi 개미 집단 스트레스 테스트 — {shock}",
        "figure": "항목", "value": "값",
        "decile_title": "자산 10분위별 손실",
        "curve": "증폭 곡선 (가격 충격 배율 → 피드백 있음 / 없음 손실): {points}",
        "report": "보고서: {path}",
        "warning": "경고",
        "cal_title": "투자자 집단과 보정표의 목표값 (표본 {agents}명, 시드 {seed})",
        "cal_target": "목표", "cal_table": "보정표", "cal_model": "생성된 집단", "cal_error": "오차",
        "cal_tol": "허용 오차", "cal_ok": "허용 범위 안",
        "cal_bad": "목표 {total}개 중 {n}개가 허용 오차를 벗어났습니다.",
        "cal_good": "목표 {total}개 모두 허용 오차 안입니다.",
        "yes": "예", "no": "아니요",
        "event_title": "보정 사건: 2020년 3월 ({start} 대비 잔고 변화; 맞춘 값 또는 점검 값)",
        "event_fact": "실제", "event_model": "개미 집단", "event_kind": "구분",
        "kind_fitted": "맞춘 값", "kind_check": "점검",
        "progress_feedback": "피드백 있음", "progress_no_feedback": "피드백 없음",
        "progress_impact": "충격 배율 {k}",
    },
}

#: Korean help for this command's own texts (the shared ones, --seed, --workers, --scheduler, --report,
#: --json, are in gaemi.cli.help_ko.HELP_KO already); keys are the English texts, whitespace-normalised.
HELP_KO_COLONY: dict[str, str] = {
    "Stress-test Korea's retail investors: margin calls, forced sales and their feedback on prices.":
        "한국 개미 투자자 전체의 스트레스 테스트: 추가 담보 요구(마진콜), 반대매매, 그리고 그 매도가 다시 가격을 "
        "끌어내리는 되먹임.",
    "A named crash (see gaemi scenarios), mapped onto the colony's asset buckets.":
        "이름 붙은 폭락 시나리오 (gaemi scenarios 참고): 개미 집단의 자산군에 나눠 적용합니다.",
    "A custom shock: a TOML file of daily returns per bucket (docs/colony.md).":
        "직접 만든 충격: 자산군별 일간 수익률을 적은 TOML 파일 (docs/colony.md).",
    "First session of a window of real history (YYYY-MM-DD).": "실제 과거 시세 구간의 첫 거래일 (YYYY-MM-DD).",
    "Last session of the window, inclusive (YYYY-MM-DD).": "그 구간의 마지막 거래일, 이날 포함 (YYYY-MM-DD).",
    "Agents to draw; each stands for several real investors (at most 20,000,000; GAEMI_MAX_INVESTORS raises it).":
        "뽑을 표본 투자자 수: 한 명이 실제 투자자 여러 명을 대표합니다 (최대 20,000,000명; GAEMI_MAX_INVESTORS로 "
        "늘릴 수 있습니다).",
    "Scale of every bucket's price-impact coefficient (0 = no feedback).":
        "모든 자산군의 가격 충격 계수에 곱할 배율 (0 = 되먹임 없음).",
    "Extra impact scales of the amplification curve, each a full run (or none).":
        "증폭 곡선에 더할 가격 충격 배율들, 하나마다 전체를 한 번 더 실행합니다 (또는 none).",
    "Print the population's totals and shares beside the calibration table's targets, with relative error and "
    "tolerance.":
        "생성한 투자자 집단의 합계와 비율을 보정표의 목표값 옆에 상대 오차, 허용 오차와 함께 보여 줍니다.",
    "A calibration table TOML (default: the shipped one).": "보정표 TOML 파일 (기본값: gaemi에 들어 있는 표).",
}

#: Korean for the "allowed" texts of the colony's own errors (the error line frames field and value)
ALLOWED_KO = (
    ("exactly one of --scenario NAME, --shock FILE, or --from DATE --to DATE",
     "--scenario 이름, --shock 파일, --from 날짜 --to 날짜 중 정확히 하나"),
    ("a last session date with --from (--from DATE --to DATE)", "--from과 함께 쓸 마지막 거래일 (--from 날짜 --to 날짜)"),
    ("a first session date with --to (--from DATE --to DATE)", "--to와 함께 쓸 첫 거래일 (--from 날짜 --to 날짜)"),
    ("impact scales separated by commas, like 0.5,2,4, or none", "쉼표로 구분한 가격 충격 배율 (예: 0.5,2,4) 또는 none"),
    ("an impact scale from 0 (no feedback) to", "가격 충격 배율 0(피드백 없음)부터"),
    ("(1 = the table's)", "까지 (1 = 보정표 값)"),
    ("investors (the limit; raise it deliberately with", "명 (한도; 일부러 늘리려면"),
    ("an existing TOML file (see docs/colony.md, 'A shock file')", "이미 있는 TOML 파일 (docs/colony.md 참고)"),
    ("a daily return above -1 (-100 %)", "-1(-100%)보다 큰 일간 수익률"),
    ("exactly days =", "정확히 days ="),
    ("daily returns", "개의 일간 수익률"),
    ("a bucket:", "자산군 이름:"),
    ("deposits do not move", "예금은 움직이지 않습니다"),
    ("a window the embedded series", "내장 시계열"),
    ("all cover", "모두가 있는 구간"),
    ("a date on or after --from", "--from과 같거나 그 뒤의 날짜"),
    ("a window with at least one KRX session up to --to", "--to까지 한국거래소 거래일이 하루 이상 있는 구간"),
    ("a date like", "날짜, 예:"),
    ("a whole number", "정수"),
)


def _ko(error: ConfigError) -> ConfigError:
    """The same error with its "allowed" text in Korean where the colony knows the words."""
    allowed = str(error.allowed)
    for en, ko in ALLOWED_KO:
        allowed = allowed.replace(en, ko)
    return ConfigError(error.field, error.value, allowed)


def _guard(fn, lang: str):
    from gaemi.cli import app as cli

    try:
        return fn()
    except ConfigError as e:
        err = _ko(e) if lang == "ko" else e
        cli.fail(str(err), err)
    except Exception as e:  # other gaemi errors: one line too
        from gaemi.errors import GaemiError

        if isinstance(e, GaemiError):
            cli.fail(str(e), e)
        raise


def _progress(lang: str):
    """A rich progress bar on stderr (terminals only): sessions done in each run."""
    from rich.progress import BarColumn, Progress, TextColumn

    from gaemi.cli import app as cli

    if not cli.err.is_terminal:
        return None, None
    prog = Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    console=cli.err, transient=True)
    state: dict[str, Any] = {}
    w = WORDS[lang]

    def update(label: str, day: int, days: int) -> None:
        if label == "feedback":
            desc = w["progress_feedback"]
        elif label == "no_feedback":
            desc = w["progress_no_feedback"]
        else:
            desc = w["progress_impact"].format(k=label.split(" ", 1)[-1])
        if label not in state:
            if not state:
                prog.start()
            state[label] = prog.add_task(desc, total=days)
        prog.update(state[label], completed=day)

    return update, prog


def print_calibration(rows: list[dict], lang: str, agents: int, seed: int, console) -> None:
    from gaemi.reports.colony_report import krw, pct, people

    w = WORDS[lang]
    t = Table(title=Text(w["cal_title"].format(agents=f"{agents:,}", seed=seed)))
    for key in ("cal_target", "cal_table", "cal_model", "cal_error", "cal_tol", "cal_ok"):
        t.add_column(w[key], justify="left" if key == "cal_target" else "right")

    def fmt(v: float, kind: str, target: str) -> str:
        if kind == "count" or target.startswith("investors."):
            return people(v, lang)
        if kind == "total":
            return krw(v, lang)
        return pct(v, 2)

    bad = 0
    for r in rows:
        ok = bool(r.get("within"))
        bad += not ok
        label = r.get("label_ko" if lang == "ko" else "label_en") or r["target"]
        t.add_row(Text(label), fmt(r["table"], r.get("kind", ""), r["target"]),
                  fmt(r["model"], r.get("kind", ""), r["target"]), pct(r["relative_error"], 2, signed=True),
                  f"±{pct(r['tolerance'], 0)}", Text(w["yes"] if ok else w["no"], style="" if ok else "bold red"))
    console.print(t)
    console.print(Text(w["cal_bad"].format(n=bad, total=len(rows)) if bad else w["cal_good"].format(total=len(rows))),
                  highlight=False)


def print_event(rows: list[dict], lang: str, console) -> None:
    """The March-2020 facts beside the colony (gaemi.colony.check.march_2020)."""
    from gaemi.colony.check import START
    from gaemi.reports.colony_report import krw, pct

    w = WORDS[lang]
    t = Table(title=Text(w["event_title"].format(start=START)))
    for key in ("cal_target", "event_fact", "event_model", "cal_tol", "event_kind", "cal_ok"):
        t.add_column(w[key], justify="left" if key == "cal_target" else "right")
    for r in rows:
        fmt = (lambda v: krw(v, lang)) if r["unit"] == "krw" else (lambda v: pct(v, 1))
        tol = (f"±{pct(r['tolerance'], 0)}" if r["unit"] == "krw" else
               f"±{100 * r['tolerance']:.0f}%p" if r["tolerance"] and r["target"].startswith("margin") else
               (f"≤ {pct(r['tolerance'], 1)}" if r["tolerance"] else "≤"))
        ok = bool(r["within"])
        t.add_row(Text(r["label_ko" if lang == "ko" else "label_en"]), fmt(r["fact"]), fmt(r["model"]), tol,
                  w["kind_" + r["kind"]], Text(w["yes"] if ok else w["no"], style="" if ok else "bold red"))
    console.print(t)


def print_result(res, lang: str, console) -> None:
    from gaemi.reports.colony_report import GROUP_HEADER, STRINGS, group_rows, headline_rows, ratio, run_line, \
        shock_line

    w = WORDS[lang]
    s = res.summary()
    t = Table(title=Text(w["title"].format(shock=shock_line(res, lang))), caption=Text(run_line(s, lang)))
    t.add_column(w["figure"])
    t.add_column(w["value"], justify="right")
    for label, value in headline_rows(s, lang):
        t.add_row(Text(label), Text(value))
    console.print(t)
    d = Table(title=Text(w["decile_title"]))
    for i, key in enumerate(GROUP_HEADER):
        d.add_column(STRINGS[lang][key], justify="left" if i == 0 else "right")
    for row in group_rows(s, "by_decile", lang):
        d.add_row(*[Text(c) for c in row])
    console.print(d)
    points = " · ".join(f"{p['impact']:g} → {ratio(p['amplification'])}" for p in s["amplification_curve"])
    console.print(Text(w["curve"].format(points=points)), highlight=False)
    for warn in s["warnings"]:
        console.print(Text(w["warning"] + ": ", style="bold yellow") + Text(warn["message_ko"] if lang == "ko"
                                                                           else warn["message"]), highlight=False)


def colony(
    scenario: Optional[str] = typer.Option(None, "--scenario", help="A named crash (see gaemi scenarios), mapped "
                                           "onto the colony's asset buckets."),
    shock: Optional[str] = typer.Option(None, "--shock", help="A custom shock: a TOML file of daily returns per "
                                        "bucket (docs/colony.md)."),
    start: Optional[str] = typer.Option(None, "--from", help="First session of a window of real history "
                                        "(YYYY-MM-DD)."),
    end: Optional[str] = typer.Option(None, "--to", help="Last session of the window, inclusive (YYYY-MM-DD)."),
    investors: int = typer.Option(100_000, help="Agents to draw; each stands for several real investors "
                                  "(at most 20,000,000; GAEMI_MAX_INVESTORS raises it)."),
    seed: Optional[int] = typer.Option(None, help="Seed; the same seed gives the same numbers on any machine."),
    impact: float = typer.Option(1.0, help="Scale of every bucket's price-impact coefficient (0 = no feedback)."),
    curve: str = typer.Option("0.5,2,4", help="Extra impact scales of the amplification curve, each a full run "
                              "(or none)."),
    workers: int = typer.Option(1, help="Local worker processes (dask LocalCluster); same numbers as 1."),
    scheduler: Optional[str] = typer.Option(None, help="Address of an existing dask.distributed scheduler."),
    calibration: bool = typer.Option(False, "--calibration", help="Print the population's totals and shares "
                                     "beside the calibration table's targets, with relative error and tolerance."),
    table: Optional[str] = typer.Option(None, "--table", help="A calibration table TOML (default: the shipped "
                                        "one)."),
    report: Optional[str] = typer.Option(None, help="Write a self-contained HTML report here."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Stress-test Korea's retail investors: margin calls, forced sales and their feedback on prices."""
    from gaemi.cli import app as cli
    from gaemi.cli.lang import current_lang

    lang = current_lang()
    if report:  # refuse a bad target before any work
        from gaemi.safe_write import check_target

        _guard(lambda: check_target(report, "report"), lang)
    want_shock = any(v is not None for v in (scenario, shock, start, end))
    if not want_shock and not calibration:
        err = ConfigError("scenario", None, "exactly one of --scenario NAME, --shock FILE, or --from DATE --to DATE")
        _guard(lambda: (_ for _ in ()).throw(err), lang)
    if report and not want_shock:
        err = ConfigError("report", report, "a shock to report on (--scenario, --shock or --from/--to)")
        _guard(lambda: (_ for _ in ()).throw(err), lang)

    from gaemi.colony.api import check_investors, colony as run_colony, parse_curve
    from gaemi.rng import normalize_seed

    investors_n = _guard(lambda: check_investors(investors), lang)
    entropy = _guard(lambda: normalize_seed(seed), lang)
    _guard(lambda: parse_curve(curve), lang)
    payload: dict[str, Any] = {}
    cal_rows = None
    if calibration:
        def check():
            from gaemi.colony.calibration import calibration_as_of, calibration_report, load_calibration
            from gaemi.colony.population import generate

            cal = load_calibration(table)
            if want_shock:
                from gaemi.colony.shock import make_shock

                sh = make_shock(scenario=scenario, shock=shock, start=start, end=end, calibration=cal)
                if sh.as_of:
                    cal = calibration_as_of(cal, sh.as_of)
            return calibration_report(generate(cal, investors_n, entropy), cal)

        cal_rows = _guard(check, lang)
        payload["calibration"] = cal_rows
    res = None
    event_rows = None
    if want_shock:
        update, prog = _progress(lang) if not json_out else (None, None)
        try:
            res = _guard(lambda: run_colony(scenario=scenario, shock=shock, start=start, end=end,
                                            investors=investors_n, seed=entropy, impact=impact, curve=curve,
                                            workers=workers, scheduler=scheduler, calibration=table,
                                            progress=update), lang)
        finally:
            if prog is not None:
                prog.stop()
        if calibration:
            from gaemi.colony.check import march_2020

            event_rows = march_2020(res) or None
            if event_rows:
                payload["event_check"] = event_rows
        if report:
            from gaemi.reports.colony_report import write_colony_report

            _guard(lambda: write_colony_report(res, report, lang), lang)
    if json_out:
        if res is not None:
            payload = {**res.summary(), **payload}
        else:
            payload = {"investors": investors_n, "seed": entropy, **payload}
        cli.emit_json(payload)
        return
    if cal_rows is not None:
        print_calibration(cal_rows, lang, investors_n, entropy, cli.out)
    if res is not None:
        print_result(res, lang, cli.out)
    if event_rows:
        print_event(event_rows, lang, cli.out)
    if report:
        cli.out.print(Text(WORDS[lang]["report"].format(path=report)), highlight=False)
