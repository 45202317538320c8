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


def test_compile_progress_only_on_a_terminal_for_engine_commands(monkeypatch):
    """An engine command on a terminal turns on the compile spinner (it shows only while numba
    compiles); other commands and pipes never do."""
    from gaemi.cli import warmup_cmd

    calls = []
    monkeypatch.setattr(warmup_cmd, "show_compile_progress", lambda *a, **k: calls.append(1) or True)
    monkeypatch.setattr(cli.sys, "stderr", _Tty())
    cli._first_run_notice(["simulate", "safe"])
    assert calls == [1]
    cli._first_run_notice(["plans"])  # no engine
    assert calls == [1]
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())  # not a terminal: scripts and logs stay clean
    cli._first_run_notice(["simulate", "safe"])
    assert calls == [1]
