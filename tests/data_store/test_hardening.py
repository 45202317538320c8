"""Issue 14: the store, CSV import and export refuse bad input and faults with one clear line
(exit 2), never a traceback, never the network, and write nothing but their target."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaemi.cli.app import app
from gaemi.data.store import Store
from gaemi.errors import DataError

runner = CliRunner()

GOOD = "date,open,high,low,close,volume,turnover,currency\n" + "".join(
    f"2024-01-{d:02d},100,102,99,{100 + d},10,1010,KRW\n" for d in range(2, 31))


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def flat(r) -> str:
    return " ".join(r.output.split())


def assert_clean_exit2(r, *needles):
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and r.exception is None or isinstance(r.exception,
                                                                              SystemExit)
    assert flat(r).startswith("error:"), r.output
    assert flat(r).count("error:") == 1, r.output
    for n in needles:
        assert n in flat(r), (n, r.output)


@pytest.fixture
def real_store(tmp_path):
    db = tmp_path / "real.duckdb"
    (tmp_path / "a.csv").write_text(GOOD)
    r = run("data", "import", tmp_path / "a.csv", "--symbol", "my:a", "--store", db)
    assert r.exit_code == 0, r.output
    return db


# ----------------------------------------------------------------------------- truncated store
@pytest.fixture
def truncated(real_store, tmp_path):
    bad = tmp_path / "half.duckdb"
    shutil.copy(real_store, bad)
    os.truncate(bad, bad.stat().st_size // 2)
    return bad


@pytest.mark.parametrize("args", [
    ("data", "list"),
    ("data", "show", "my:a"),
    ("data", "export", "my:a"),
    ("data", "import", "{csv}", "--symbol", "my:b"),
    ("heat",),
])
def test_truncated_store_one_line_exit_2(truncated, tmp_path, args):
    (tmp_path / "b.csv").write_text(GOOD)
    argv = [a.replace("{csv}", str(tmp_path / "b.csv")) for a in args]
    r = run(*argv, "--store", truncated)
    assert_clean_exit2(r, str(truncated))


def test_truncated_store_backtest_on_a_stored_symbol(truncated, tmp_path):
    plan = tmp_path / "p.toml"
    plan.write_text(textwrap.dedent("""
        name = "stored"
        horizon_years = 1
        [investor]
        capital = 10_000_000
        monthly_saving = 0
        [[holdings]]
        asset = "my:a"
        weight = 1.0
        """))
    r = run("--store", truncated, "backtest", plan)
    assert_clean_exit2(r, str(truncated))


def test_truncated_store_in_the_api_is_a_data_error(truncated):
    with pytest.raises(DataError, match="cannot use it"):
        with Store(truncated, read_only=True) as st:
            st.bars("my:a")


# ----------------------------------------------------------------------------- no network
def test_sqlite_header_store_is_refused_without_any_socket(tmp_path, monkeypatch):
    db = tmp_path / "lite.duckdb"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE bars (a)")
    con.commit()
    con.close()
    calls = []

    def no_net(*a, **k):
        calls.append(a)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", no_net)
    monkeypatch.setattr(socket, "create_connection", no_net)
    monkeypatch.setattr(socket, "getaddrinfo", no_net)
    for args in (("data", "list"), ("data", "show", "my:a"),
                 ("data", "import", tmp_path / "a.csv", "--symbol", "my:a")):
        (tmp_path / "a.csv").write_text(GOOD)
        r = run(*args, "--store", db)
        assert_clean_exit2(r, "not a gaemi store", "SQLite")
    assert calls == []


def test_every_connection_turns_extension_autoloading_off(real_store):
    with Store(real_store, read_only=True) as st:
        got = dict(st.con.execute(
            "SELECT name, value FROM duckdb_settings() WHERE name IN "
            "('autoinstall_known_extensions', 'autoload_known_extensions', "
            "'enable_external_access')").fetchall())
    assert got == {"autoinstall_known_extensions": "false",
                   "autoload_known_extensions": "false", "enable_external_access": "false"}


# ----------------------------------------------------------------------------- CSV import
@pytest.mark.parametrize("row,needle", [
    ("2924-01-03,1,1,1,1,1,1,KRW", "date"),
    ("0001-01-01,1,1,1,1,1,1,KRW", "date"),
    ("2024-02-01,1,1,1,1e308,1,1,KRW", "close"),
    ("2024-02-01,1,1,1,inf,1,1,KRW", "close"),
    ("2024-02-01,1,1,1,nan,1,1,KRW", "close"),
    ("2024-02-01,1,1,1,-inf,1,1,KRW", "close"),
    ("2024-02-01,1,1,1,1,1e19,1,KRW", "volume"),
])
def test_bad_csv_values_exit_2_naming_file_and_line(tmp_path, row, needle):
    lines = GOOD.splitlines()
    lines.insert(5, row)  # line 6 of the file
    f = tmp_path / "bad.csv"
    f.write_text("\n".join(lines) + "\n")
    db = tmp_path / "s.duckdb"
    r = run("data", "import", f, "--symbol", "my:x", "--store", db)
    assert_clean_exit2(r, f"bad.csv line 6 {needle}")
    assert "--" not in flat(r)  # names the file, not an option
    assert not db.exists() or Store(db, read_only=True).counts()["bars"] == 0


def test_line_numbers_count_blank_lines(tmp_path):
    f = tmp_path / "gaps.csv"
    f.write_text("date,close\n2024-01-02,1\n\n2024-01-03,2\n2924-01-04,3\n")
    r = run("data", "import", f, "--symbol", "my:x", "--currency", "KRW", "--store",
            tmp_path / "s.duckdb")
    assert_clean_exit2(r, "gaps.csv line 5 date")


@pytest.mark.parametrize("header", ["date,Close,close", "date,close,CLOSE ", "Date,date,close"])
def test_case_duplicate_columns_refused(tmp_path, header):
    f = tmp_path / "dup.csv"
    f.write_text(header + "\n2024-01-02,1,2\n")
    r = run("data", "import", f, "--symbol", "my:x", "--currency", "KRW", "--store",
            tmp_path / "s.duckdb")
    assert_clean_exit2(r, "dup.csv line 1 columns", "repeated")


def test_out_of_range_dates_refused_in_the_api_too(tmp_path):
    import pandas as pd

    from gaemi.data.store import Instrument

    inst = Instrument("my:x", "price", "KRW", "24/7", "test")
    df = pd.DataFrame({"date": ["2024-01-02", "2924-01-03", "0001-01-01"], "close": [1, 1e308, 2]})
    with Store(tmp_path / "s.duckdb") as st:
        rep = st.write_bars(inst, df)
    assert rep.written == 1
    assert {(i.row, i.field) for i in rep.refused} == {(2, "date"), (3, "date")}


# ----------------------------------------------------------------------------- export
def test_export_refuses_bad_targets_and_writes_nothing_else(real_store, tmp_path):
    folder = tmp_path / "dir"
    folder.mkdir()
    r = run("data", "export", "my:a", "--store", real_store, "-o", folder)
    assert_clean_exit2(r, "folder")
    assert list(folder.iterdir()) == []
    r = run("data", "export", "my:a", "--store", real_store, "-o", tmp_path / "no" / "x.csv")
    assert_clean_exit2(r, "does not exist")
    assert not (tmp_path / "no").exists()
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    r = run("data", "export", "my:a", "--store", real_store, "-o", link)
    assert_clean_exit2(r, "symbolic link")
    assert target.read_text() == "keep me" and link.is_symlink()
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    assert_clean_exit2(run("data", "export", "my:a", "--store", real_store, "-o", dangling),
                       "symbolic link")
    assert not (tmp_path / "nowhere.csv").exists()
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out.csv"
    r = run("data", "export", "my:a", "--store", real_store, "-o", out)
    assert r.exit_code == 0, r.output
    assert out.read_text().startswith("date,open,high,low,close")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before + ["out.csv"])


@pytest.mark.parametrize("dev", ["/dev/full", "/dev/null"])
def test_export_refuses_devices(real_store, dev):
    if not os.path.exists(dev):
        pytest.skip(f"no {dev}")
    r = run("data", "export", "my:a", "--store", real_store, "-o", dev)
    assert_clean_exit2(r, "device")


# ----------------------------------------------------------------------------- locks
HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("BEGIN TRANSACTION")
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def hold_lock(db: Path, seconds: float) -> subprocess.Popen:
    p = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_second_writer_gives_up_cleanly_after_the_timeout(real_store, tmp_path):
    holder = hold_lock(real_store, 30)
    try:
        (tmp_path / "b.csv").write_text(GOOD)
        t0 = time.monotonic()
        r = run("data", "import", tmp_path / "b.csv", "--symbol", "my:b", "--store", real_store,
                env={"GAEMI_STORE_TIMEOUT": "1"})
        waited = time.monotonic() - t0
        assert_clean_exit2(r, "busy", "GAEMI_STORE_TIMEOUT", "gave up after waiting 1 s")
        assert 0.9 <= waited < 10
        r = run("data", "list", "--store", real_store, env={"GAEMI_STORE_TIMEOUT": "0.5"})
        assert_clean_exit2(r, "busy")
    finally:
        holder.kill()
        holder.wait()


def test_a_reader_waits_for_a_writer_to_finish(real_store):
    holder = hold_lock(real_store, 1.5)
    try:
        r = run("data", "list", "--store", real_store, "--json", env={"GAEMI_STORE_TIMEOUT": "20"})
        assert r.exit_code == 0, r.output
        assert '"my:a"' in r.stdout
    finally:
        holder.kill()
        holder.wait()


def test_bad_timeout_setting_is_a_clear_error(real_store):
    r = run("data", "list", "--store", real_store, env={"GAEMI_STORE_TIMEOUT": "soon"})
    assert_clean_exit2(r, "GAEMI_STORE_TIMEOUT")
