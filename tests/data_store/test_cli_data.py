"""gaemi data list/show/fetch/import/export, and simulations on stored symbols."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.data.store import Store
from tests.connectors.replay import Replay, Reply, payload

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


GOOD = """date,open,high,low,close,volume,turnover,currency
2024-01-02,100,102,99,101,10,1010,KRW
2024-01-03,101,103,100,102,11,1122,KRW
2024-01-04,102,104,101,103,12,1236,KRW
"""


def test_import_list_show_export_roundtrip(tmp_path):
    db = tmp_path / "s.duckdb"
    r = run("data", "import", write(tmp_path, "a.csv", GOOD), "--symbol", "my:a", "--calendar",
            "XKRX", "--store", db, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["results"][0]["written"] == 3
    r = run("data", "list", "--store", db, "--json")
    [row] = json.loads(r.stdout)["instruments"]
    assert row["symbol"] == "my:a" and row["rows"] == 3 and row["currency"] == "KRW"
    r = run("data", "show", "my:a", "--store", db, "--json")
    d = json.loads(r.stdout)
    assert d["rows"] == 3 and d["data"][-1]["close"] == 103 and d["fetch_log"][0]["written"] == 3
    assert run("data", "show", "my:a", "--store", db).exit_code == 0
    out = tmp_path / "out.csv"
    assert run("data", "export", "my:a", "--store", db, "--out", out).exit_code == 0
    back = pd.read_csv(out)
    assert back["close"].tolist() == [101, 102, 103] and set(back["currency"]) == {"KRW"}
    # the export imports again to the same rows (idempotent)
    assert run("data", "import", out, "--symbol", "my:a", "--store", db).exit_code == 0
    with Store(db, read_only=True) as st:
        assert st.counts()["bars"] == 3


def test_import_keeps_valid_rows_and_reports_refused(tmp_path):
    db = tmp_path / "s.duckdb"
    text = GOOD + "2024-01-05,1,1,1,-3,1,1,KRW\n2024-01-05,1,1,1,5,1,1,KRW\n"
    r = run("data", "import", write(tmp_path, "b.csv", text), "--symbol", "my:b", "--store", db)
    assert r.exit_code == 0, r.output
    assert "3 rows written" in r.stdout and "refused b.csv line 5" in r.stdout
    r = run("data", "import", write(tmp_path, "b.csv", text), "--symbol", "my:c", "--store", db,
            "--strict")
    assert r.exit_code == 2 and "b.csv line 5 close" in " ".join(r.output.split())


@pytest.mark.parametrize("text,needle", [
    ("date,price\n2024-01-02,1\n", "missing close"),
    ("date,close,currency\n2024-01-02,1,KRW\n2024-01-03,abc,KRW\n", "line 3 close"),
    ("date,close,currency\n2024-01-02,1,KRW\n2024-01-03,2,USD\n", "line 3 currency"),
    ("date,close,currency\n2024-02-30,1,KRW\n", "line 2 date"),
    ("date,close\n2024-01-02,1\n", "--currency"),
])
def test_bad_csv_exits_2_and_leaves_the_store_unchanged(tmp_path, text, needle):
    db = tmp_path / "s.duckdb"
    assert run("data", "import", write(tmp_path, "g.csv", GOOD), "--symbol", "my:a", "--store",
               db).exit_code == 0
    with Store(db, read_only=True) as st:
        before = st.counts()
    r = run("data", "import", write(tmp_path, "bad.csv", text), "--symbol", "my:a", "--store", db)
    flat = " ".join(r.output.split())  # rich wraps long lines on a narrow terminal
    assert r.exit_code == 2 and needle in flat and flat.startswith("error:"), r.output
    with Store(db, read_only=True) as st:
        assert st.counts() == before


def test_import_refuses_other_currency_and_embedded_names(tmp_path):
    db = tmp_path / "s.duckdb"
    assert run("data", "import", write(tmp_path, "g.csv", GOOD), "--symbol", "my:a", "--store",
               db).exit_code == 0
    usd = GOOD.replace("KRW", "USD")
    r = run("data", "import", write(tmp_path, "u.csv", usd), "--symbol", "my:a", "--store", db)
    assert r.exit_code == 2 and "currency" in r.output
    r = run("data", "import", write(tmp_path, "g2.csv", GOOD), "--symbol", "kospi", "--store", db)
    assert r.exit_code == 2 and "embedded" in r.output


def test_unknown_symbol_source_and_dates(tmp_path):
    db = tmp_path / "s.duckdb"
    run("data", "import", write(tmp_path, "g.csv", GOOD), "--symbol", "my:a", "--store", db)
    for args, needle in [(("data", "show", "nope"), "symbol"), (("data", "export", "nope"), "symbol"),
                         (("data", "fetch", "nasdaq", "X"), "source"),
                         (("data", "fetch", "upbit", "BTC", "--since", "2024-13-01"), "since"),
                         (("data", "fetch", "upbit", "BTC", "--since", "2024-02-01", "--until",
                           "2024-01-01"), "since")]:
        r = run(*args, "--store", db)
        assert r.exit_code == 2 and needle in " ".join(r.output.split()), (args, r.output)
    r = run("data", "list", "--store", tmp_path / "empty.duckdb")
    assert r.exit_code == 0 and "empty" in r.stdout
    assert not (tmp_path / "empty.duckdb").exists()


def test_fetch_from_a_replay_server_writes_one_transaction(tmp_path):
    db = tmp_path / "s.duckdb"
    with Replay({"/v1/candles/days": [Reply(200, payload("upbit_candles_days.json"))]}) as srv:
        r = run("data", "fetch", "upbit", "BTC/KRW", "--since", "2025-07-28", "--until",
                "2025-07-29", "--base-url", srv.url, "--store", db, "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)["results"][0]
    assert res["symbol"] == "upbit:BTC/KRW" and res["written"] == 2
    with Store(db, read_only=True) as st:
        assert st.bars("upbit:BTC/KRW")["turnover"].tolist() == [237170267365.09124,
                                                                 242634976840.02426]


def test_failed_fetch_writes_nothing(tmp_path, monkeypatch):
    """Second symbol fails after retries: the first symbol's rows are not written either."""
    from gaemi.data.connectors import http

    monkeypatch.setattr(http.time, "sleep", lambda s: None)  # the default policy's waits
    db = tmp_path / "s.duckdb"

    def body(q):
        if q["market"] == "KRW-ETH":
            return b"not json at all"
        return payload("upbit_candles_days.json")

    with Replay({"/v1/candles/days": [Reply(200, body)]}) as srv:
        r = run("data", "fetch", "upbit", "BTC", "ETH", "--until", "2025-07-29",
                "--base-url", srv.url, "--store", db)
    flat = " ".join(r.output.split())
    assert r.exit_code == 2 and "KRW-ETH" in flat and "gave up" in flat, r.output
    assert not db.exists() or Store(db, read_only=True).counts()["bars"] == 0


def test_simulations_take_stored_symbols(tmp_path, monkeypatch):
    """A stored copy of the embedded kospi200 gives the same fund numbers as the embedded one."""
    from gaemi.data import build_panel
    from gaemi.data.catalog import load_series

    df = load_series("kospi200").reset_index()
    df = df[(df["date"] >= "2015-01-01") & (df["date"] <= "2016-12-31")]
    csv = tmp_path / "k.csv"
    df.rename(columns={"value": "turnover"}).assign(currency="KRW").to_csv(csv, index=False)
    db = tmp_path / "s.duckdb"
    assert run("data", "import", csv, "--symbol", "my:k200", "--store", db).exit_code == 0
    monkeypatch.setenv("GAEMI_STORE", str(db))
    a = build_panel(["my:k200"], start="2015-03-02", end="2016-06-30")
    b = build_panel(["kospi200"], start="2015-03-02", end="2016-06-30")
    assert (a.returns == b.returns).all() and a.provenance["sources"]["my:k200"] == "store:my:k200"
    args = ["fund", "--leverage", "2", "--rate", "kr_cd91", "--start", "2015-03-02", "--end",
            "2016-06-30", "--json"]
    monkeypatch.delenv("GAEMI_STORE")
    r1 = run("--store", db, *args[:1], "--underlying", "my:k200", *args[1:])
    r2 = run(*args[:1], "--underlying", "kospi200", *args[1:])
    assert r1.exit_code == 0, r1.output
    j1, j2 = json.loads(r1.stdout), json.loads(r2.stdout)
    assert j1["total_return"] == j2["total_return"]
    r = run("fund", "--underlying", "nope:x", "--leverage", "2")
    assert r.exit_code == 2 and "gaemi data list" in " ".join(r.output.split())
