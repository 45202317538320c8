"""The DuckDB store: schema, validation on write, idempotent and atomic upserts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from gaemi.data.store import Instrument, Store, default_path, resolve_path, validate_bars
from gaemi.errors import ConfigError

KRX = Instrument("krx:TEST", "price", "KRW", "XKRX", "csv")


def bars(dates, closes, **cols):
    return pd.DataFrame({"date": dates, "close": closes, **cols})


def test_tables_and_path_rules(tmp_path, monkeypatch):
    p = tmp_path / "s.duckdb"
    with Store(p) as st:
        assert st.counts() == {"instruments": 0, "bars": 0, "series": 0, "fetch_log": 0}
    assert p.is_file()
    monkeypatch.setenv("GAEMI_STORE", str(tmp_path / "env.duckdb"))
    assert default_path() == tmp_path / "env.duckdb" and resolve_path(None) == default_path()
    assert resolve_path(p) == p
    monkeypatch.delenv("GAEMI_STORE")
    assert default_path().name == "gaemi.duckdb"
    with pytest.raises(ConfigError, match="store"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_valid_rows_kept_invalid_refused_with_reasons(tmp_path):
    df = bars(["2024-01-02", "2024-01-03", "2024-01-03", "2024-01-05", "2024-01-04", "x",
               "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11"],
              [100, 101, 102, 103, 104, 105, -1, np.inf, 106, 107],
              high=[101, 102, 103, 104, 105, 106, 1, 1, 90, 108],
              low=[99, 100, 101, 102, 103, 104, 1, 1, 95, 106],
              volume=[1, 1, 1, 1, 1, 1, 1, 1, 1, -5])
    with Store(tmp_path / "s.duckdb") as st:
        rep = st.write_bars(KRX, df)
        got = st.bars("krx:TEST")
    reasons = {(i.row, i.field): i.reason for i in rep.refused}
    assert reasons[(2, "date")].startswith("duplicate date (2 rows)")
    assert reasons[(3, "date")].startswith("duplicate date")
    assert reasons[(5, "date")] == "out of order: comes after 2024-01-05"
    assert reasons[(6, "date")].startswith("not a date")
    assert reasons[(7, "close")] == "a price must be > 0"
    assert reasons[(8, "close")].startswith("a close is required")
    assert reasons[(9, "high")].startswith("high below low")
    assert reasons[(10, "volume")] == "must be >= 0"
    assert len(rep.refused) == 8
    assert list(got.index.strftime("%Y-%m-%d")) == ["2024-01-02", "2024-01-05"]
    assert rep.written == 2
    # the gap 01-03..01-04 (two KRX sessions) is reported, not refused
    gaps = [w for w in rep.warnings if w.reason.startswith("gap")]
    assert len(gaps) == 1 and "2 XKRX session(s) missing" in gaps[0].reason


def test_jumps_and_off_calendar_days_are_reported_not_dropped(tmp_path):
    df = bars(["2024-01-05", "2024-01-06", "2024-01-08"], [100.0, 101.0, 180.0])  # 01-06 Sat
    with Store(tmp_path / "s.duckdb") as st:
        rep = st.write_bars(KRX, df)
        assert len(st.bars("krx:TEST")) == 3
        msgs = [str(w) for w in rep.warnings]
        assert any("not a XKRX session" in m and "2024-01-06" in m for m in msgs)
        assert any("suspicious jump: +78.2%" in m for m in msgs)
        # against the stored close too: the next write's first row jumps from 180
        rep2 = st.write_bars(KRX, bars(["2024-01-09"], [90.0]))
        assert any("-50.0%" in str(w) for w in rep2.warnings)


def test_gap_against_stored_data(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        st.write_bars(KRX, bars(["2024-01-02", "2024-01-03"], [1.0, 1.0]))
        rep = st.write_bars(KRX, bars(["2024-01-10"], [1.0]))
    assert any("4 XKRX session(s) missing between 2024-01-03 and 2024-01-10" in w.reason
               for w in rep.warnings)


def test_upsert_is_idempotent_and_replaces(tmp_path):
    df = bars(pd.date_range("2024-01-01", periods=10), np.arange(1, 11.0), turnover=np.arange(10.0))
    coin = Instrument("upbit:BTC/KRW", "price", "KRW", "24/7", "upbit", venue="upbit")
    with Store(tmp_path / "s.duckdb") as st:
        st.write_bars(coin, df)
        first = st.bars(coin.symbol)
        st.write_bars(coin, df)
        pd.testing.assert_frame_equal(st.bars(coin.symbol), first)
        assert st.counts()["bars"] == 10 and st.counts()["instruments"] == 1
        df2 = df.copy()
        df2.loc[3, "close"] = 99.0
        st.write_bars(coin, df2.iloc[2:5])
        assert st.bars(coin.symbol)["close"].iloc[3] == 99.0 and st.counts()["bars"] == 10
        assert st.counts()["fetch_log"] == 3


def test_strict_write_refuses_everything(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(ConfigError, match="row 2 close"):
            st.write_bars(KRX, bars(["2024-01-02", "2024-01-03"], [1.0, 0.0]), strict=True)
        assert st.counts() == {"instruments": 0, "bars": 0, "series": 0, "fetch_log": 0}


def test_currency_of_a_symbol_cannot_change(tmp_path):
    with Store(tmp_path / "s.duckdb") as st:
        st.write_bars(KRX, bars(["2024-01-02"], [1.0]))
        usd = Instrument("krx:TEST", "price", "USD", "XKRX", "csv")
        with pytest.raises(ConfigError, match="currency"):
            st.write_bars(usd, bars(["2024-01-03"], [2.0]))
        assert st.counts()["bars"] == 1  # the failed write rolled back


def test_fx_and_rates_series(tmp_path):
    fx = Instrument("yahoo:USDKRW", "fx", "KRW", "24/7", "yahoo", base="USD")
    rate = Instrument("my:cd91", "rate", "KRW", "XKRX", "csv")
    with Store(tmp_path / "s.duckdb") as st:
        r1, r2 = st.write([(fx, pd.DataFrame({"date": ["2024-01-02", "2024-01-03"],
                                              "value": [1300.5, "abc"]})),
                           (rate, pd.DataFrame({"date": ["2024-01-02", "2024-01-03"],
                                                "value": [0.0, -0.1]}))])
        assert r1.written == 1 and r1.refused[0].field == "value" and r1.refused[0].value == "abc"
        assert r2.written == 2  # zero and negative rates are real
        assert st.series("my:cd91")["value"].tolist() == [0.0, -0.1]


def test_validate_is_fast_on_a_large_batch():
    n = 50_000
    df = pd.DataFrame({"date": pd.date_range("1900-01-01", periods=n).strftime("%Y-%m-%d"),
                       "close": np.linspace(1, 2, n)})
    t = time.perf_counter()
    ok, refused, warns = validate_bars(df, "24/7")
    assert len(ok) == n and not refused and not warns
    assert time.perf_counter() - t < 5


CHILD = textwrap.dedent("""
    import sys, time
    import numpy as np, pandas as pd
    from gaemi.data.store import Instrument, Store

    path, mode = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3])

    class Hooked(Store):
        calls = 0
        def _upsert_instrument(self, inst):
            super()._upsert_instrument(inst)
            Hooked.calls += 1
            if Hooked.calls == 2:          # first item fully upserted, inside the transaction
                print("MID", flush=True)
                if mode == "pause":
                    time.sleep(60)

    st = Hooked(path)
    dates = pd.date_range("1800-01-01", periods=n)
    old = Instrument("x:OLD", "price", "KRW", "24/7", "test")
    new = Instrument("x:NEW", "price", "KRW", "24/7", "test")
    items = [(old, pd.DataFrame({"date": dates[:1000], "close": 777.0})),
             (new, pd.DataFrame({"date": dates, "close": np.linspace(1, 2, n)}))]
    print("BEGIN", flush=True)
    st.write(items)
    print("DONE", flush=True)
    time.sleep(60)
""")


def _seed(path):
    dates = pd.date_range("1800-01-01", periods=1000)
    with Store(path) as st:
        st.write_bars(Instrument("x:OLD", "price", "KRW", "24/7", "test"),
                      pd.DataFrame({"date": dates, "close": np.arange(1, 1001.0)}))
        return st.bars("x:OLD"), st.counts()


def _kill_at(path, tmp_path, mode, n, marker, delay=0.0):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, str(script), str(path), mode, str(n)],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        seen = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = proc.stdout.readline().strip()
            seen.append(line)
            if line == marker or not line:
                break
        assert seen[-1] == marker, seen
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        proc.stdout.close()
    return seen


@pytest.mark.parametrize("mode,marker,delay", [("pause", "MID", 0.0), ("run", "MID", 0.05)])
def test_sigkill_mid_write_leaves_previous_data_intact(tmp_path, mode, marker, delay):
    """A child writes a large batch (an overwrite of x:OLD + 140k rows of x:NEW in one
    transaction) and is SIGKILLed after x:OLD was overwritten inside the transaction."""
    path = tmp_path / "s.duckdb"
    before, counts = _seed(path)
    _kill_at(path, tmp_path, mode, 140_000, marker, delay)
    with Store(path, read_only=True) as st:
        if mode == "run" and st.instrument("x:NEW") is not None:
            # the commit won the race with the kill: then all of it landed, nothing partial
            assert len(st.bars("x:NEW")) == 140_000 and (st.bars("x:OLD")["close"] == 777).all()
            return
        pd.testing.assert_frame_equal(st.bars("x:OLD"), before)  # not the 777s
        assert st.instrument("x:NEW") is None
        assert st.counts() == counts
    with Store(path) as st:  # and the file is still writable
        st.write_bars(Instrument("x:OLD", "price", "KRW", "24/7", "test"),
                      pd.DataFrame({"date": ["1803-01-01"], "close": [5.0]}))
        assert len(st.bars("x:OLD")) == 1001
