"""``gaemi heat``: the market-heat gauges from the store (or the embedded sample)."""

from __future__ import annotations

import typer
from rich.table import Table

from gaemi.errors import ConfigError


def _day(value: str | None, field: str):
    if value is None:
        return None
    from gaemi.data.connectors._common import as_date

    return as_date(value, field)


def write_heat_report(result, path: str) -> None:
    """A self-contained HTML file: one chart per gauge (plotly, script inlined) and its notes,
    written atomically to a regular file (a folder, device, symbolic link or missing parent
    folder is a ConfigError naming ``report``: see :mod:`gaemi.safe_write`)."""
    import html

    import plotly.graph_objects as go

    from gaemi.heat import GAUGES, TITLES

    parts = []
    first = True
    for g in GAUGES:
        s = result.series.get(g)
        note = html.escape(result.notes.get(g, ""))
        if s is None or s.empty:
            parts.append(f"<h2>{html.escape(TITLES[g])}</h2><p><em>No data.</em> {note}</p>")
            continue
        fig = go.Figure(go.Scatter(x=s.index, y=s.to_numpy(), mode="lines+markers" if s.size < 40
                                   else "lines", name=g))
        fig.update_layout(title=TITLES[g], yaxis_tickformat=".1%", height=380,
                          margin=dict(l=50, r=20, t=50, b=40))
        parts.append(fig.to_html(full_html=False, include_plotlyjs=True if first else False))
        parts.append(f"<p>{note}</p>")
        first = False
    body = "\n".join(parts)
    doc = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>gaemi heat</title>"
           f"</head><body><h1>gaemi heat ({html.escape(result.source)})</h1>{body}</body></html>")
    from gaemi.safe_write import atomic_write_text

    atomic_write_text(path, doc, field="report")


def heat(
    sample: bool = typer.Option(False, "--sample", help="Use the embedded sample period (offline)."),
    store: str | None = typer.Option(None, "--store", help="Store file (default: $GAEMI_STORE "
                                        "or the user data folder)."),
    start: str | None = typer.Option(None, help="First day (YYYY-MM-DD)."),
    end: str | None = typer.Option(None, help="Last day (YYYY-MM-DD)."),
    report: str | None = typer.Option(None, help="Write a self-contained HTML chart file here."),
    json_out: bool = typer.Option(False, "--json", help="Print one series per gauge as JSON."),
) -> None:
    """Market heat: crypto vs stock turnover, altcoin share, kimchi premium, leveraged-ETF share."""
    from gaemi.cli import app as cli
    from gaemi.data.store import resolve_path
    from gaemi.heat import heat_from_sample, heat_from_store

    def run():
        s, e = _day(start, "start"), _day(end, "end")
        if s and e and s > e:
            raise ConfigError("start", str(s), f"a date on or before end ({e})")
        if sample:
            got = heat_from_sample(s, e)
        else:
            p = resolve_path(store)
            if not p.exists():
                raise ConfigError("store", str(p), "an existing store (gaemi data fetch ...) or "
                                  "--sample for the embedded sample period")
            got = heat_from_store(p, s, e)
        if (s or e) and not any(len(v) for v in got.series.values() if v is not None):
            # an empty result is an error, not an empty table with exit 0: say what the data covers
            full = heat_from_sample() if sample else heat_from_store(resolve_path(store))
            spans = [(v.index[0], v.index[-1]) for v in full.series.values() if v is not None and len(v)]
            cover = (f"{min(a for a, _ in spans).date()}..{max(b for _, b in spans).date()}" if spans
                     else "no days at all")
            raise ConfigError("start" if s else "end", str(s or e),
                              f"dates inside the {'sample' if sample else 'store'}'s heat data ({cover})")
        return got

    if report:  # refuse a bad target before reading the store
        from gaemi.safe_write import check_target

        cli.guarded(lambda: check_target(report, "report"))
    res = cli.guarded(run)
    if report:
        cli.guarded(lambda: write_heat_report(res, report))
    if json_out:
        cli.emit_json(res.to_dict())
        return
    t = Table(title=f"gaemi heat ({res.source})")
    for c in ("gauge", "days", "span", "last", "median", "max (date)"):
        t.add_column(c, justify="left" if c in ("gauge", "span") else "right")
    for r in res.summary():
        pct = (lambda v: "—" if v is None else f"{v:.2%}")
        t.add_row(r["gauge"], str(r["days"]),
                  f"{r['first']} .. {r['last_date']}" if r["days"] else "—",
                  pct(r["last"]), pct(r["median"]),
                  f"{pct(r['max'])} ({r['max_date']})" if r["days"] else "—")
    cli.out.print(t)
    for g, n in res.notes.items():
        cli.out.print(f"[bold]{g}[/]: {n}", highlight=False)
    if report:
        cli.out.print(f"report: {report}", highlight=False)
