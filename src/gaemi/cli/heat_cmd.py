"""``gaemi heat``: the market-heat gauges from the store (or the embedded sample), in the terminal's
language (:func:`gaemi.cli.lang.current_lang`): table, notes, errors, JSON texts and the report."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from gaemi.errors import ConfigError

WORDS = {
    "en": {
        "title_sample": "gaemi heat — embedded sample (offline), {start} .. {end}",
        "title_store": "gaemi heat — store {path}, {start} .. {end}",
        "no_value": "no value here",
        "report": "report: {path}",
        "date": "a date like 2024-01-31",
        "before_end": "a date on or before end ({end})",
        "store": "an existing store (gaemi data fetch ...) or --sample for the embedded sample",
    },
    "ko": {
        "title_sample": "gaemi 시장 과열 지표 — 내장 표본 (오프라인), {start} .. {end}",
        "title_store": "gaemi 시장 과열 지표 — 저장소 {path}, {start} .. {end}",
        "no_value": "여기서는 값 없음",
        "report": "보고서: {path}",
        "date": "2024-01-31 같은 날짜",
        "before_end": "끝 날짜({end})와 같거나 그 이전 날짜",
        "store": "이미 있는 저장소 (gaemi data fetch ...로 만듦) 또는 내장 표본을 쓰는 --sample",
    },
}


def _day(value: str | None, field: str, lang: str = "en"):
    if value is None:
        return None
    from gaemi.data.connectors._common import as_date

    try:
        return as_date(value, field)
    except ConfigError as e:
        raise ConfigError(field, value, WORDS[lang]["date"]) from e


def write_heat_report(result, path: str, lang: str = "en") -> None:
    """The heat report (:func:`gaemi.reports.heat_report.write_heat_report`)."""
    from gaemi.reports.heat_report import write_heat_report as write

    write(result, path, lang)


def print_heat(res, lang: str, console) -> None:
    """The gauges table, then per gauge its title and note, or why it has no value."""
    from gaemi.heat import GAUGES
    from gaemi.reports.heat_report import table_rows

    w = WORDS[lang]
    title = (w["title_store"].format(path=res.source.removeprefix("store:"), start=res.start, end=res.end)
             if res.kind == "store" else w["title_sample"].format(start=res.start, end=res.end))
    header, rows = table_rows(res, lang)
    t = Table(title=Text(title))
    for i, c in enumerate(header):
        t.add_column(c, justify="left" if i in (0, 2) else "right")
    for row in rows:
        t.add_row(*[Text(c) for c in row])
    console.print(t)
    for g in GAUGES:
        console.print(Text(res.name(g, lang), style="bold") + Text(": " + res.title(g, lang)), highlight=False)
        console.print(Text("  " + res.note(g, lang)), highlight=False)
        if g in res.missing:
            console.print(Text("  " + w["no_value"] + ": ", style="bold yellow") + Text(res.missing[g][lang]),
                          highlight=False)


def heat(
    sample: bool = typer.Option(False, "--sample", help="Use the embedded sample period (offline)."),
    store: str | None = typer.Option(None, "--store", help="Store file (default: $GAEMI_STORE "
                                        "or the user data folder)."),
    start: str | None = typer.Option(None, help="First day (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, help="Last day (YYYY-MM-DD)."),
    report: str | None = typer.Option(None, help="Write a self-contained HTML report here."),
    json_out: bool = typer.Option(False, "--json", help="Print one series per gauge as JSON."),
) -> None:
    """Market heat: crypto vs stock turnover, altcoin share, kimchi premium, leveraged-ETF share."""
    from gaemi.cli import app as cli
    from gaemi.cli.lang import current_lang
    from gaemi.data.store import resolve_path
    from gaemi.heat import heat_from_sample, heat_from_store

    lang = current_lang()
    w = WORDS[lang]

    def run():
        s, e = _day(start, "start", lang), _day(end, "end", lang)
        if s and e and s > e:
            raise ConfigError("start", str(s), w["before_end"].format(end=e))
        if sample:
            return heat_from_sample(s, e, lang)
        p = resolve_path(store)
        if not p.exists():
            raise ConfigError("store", str(p), w["store"])
        return heat_from_store(p, s, e, lang)

    if report:  # refuse a bad target before reading the store
        from gaemi.safe_write import check_target

        cli.guarded(lambda: check_target(report, "report"))
    res = cli.guarded(run)
    if report:
        cli.guarded(lambda: write_heat_report(res, report, lang))
    if json_out:
        cli.emit_json(res.to_dict(lang))
        return
    print_heat(res, lang, cli.out)
    if report:
        cli.out.print(Text(w["report"].format(path=report)), highlight=False)
