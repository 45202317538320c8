"""The first run says it is compiling instead of sitting silent (issue 15, "the first five minutes")."""

import io

from gaemi import _numba
from gaemi.cli import app as cli


def test_cold_cache_detection(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    assert _numba.engine_cache_is_cold() is True
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "kernels.run_block-1086.py311.nbi").write_bytes(b"")
    assert _numba.engine_cache_is_cold() is False


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_notice_only_on_a_terminal_and_a_cold_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path))
    tty = _Tty()
    monkeypatch.setattr(cli.sys, "stderr", tty)
    cli._first_run_notice(["simulate", "safe"])
    assert "compiling" in tty.getvalue()
    tty2 = _Tty()
    monkeypatch.setattr(cli.sys, "stderr", tty2)
    cli._first_run_notice(["plans"])  # no engine
    assert tty2.getvalue() == ""
    pipe = io.StringIO()  # not a terminal: scripts and logs stay clean
    monkeypatch.setattr(cli.sys, "stderr", pipe)
    cli._first_run_notice(["simulate", "safe"])
    assert pipe.getvalue() == ""
