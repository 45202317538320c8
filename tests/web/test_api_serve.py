"""``gaemi serve``: prints the URL, warns on a non-loopback address, refuses bad options in one
line, and really serves the API on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import typer
from typer.testing import CliRunner

from gaemi.cli.serve_cmd import is_loopback, serve, url_for

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(serve)

    @app.callback()
    def main() -> None:  # keep "serve" a sub-command, as in gaemi's app
        pass

    return app


@pytest.mark.parametrize("host, loop", [
    ("127.0.0.1", True), ("127.8.9.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("192.168.0.10", False), ("example.com", False),
])
def test_is_loopback(host, loop):
    assert is_loopback(host) is loop


def test_url_for():
    assert url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert url_for("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert url_for("::1", 8000) == "http://[::1]:8000/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fake_uvicorn(monkeypatch):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setenv("GAEMI_LANG", "en")
    monkeypatch.setenv("GAEMI_WEB_WARM", "none")
    return calls


def test_loopback_prints_the_url_and_no_warning(fake_uvicorn):
    port = _free_port()
    r = runner.invoke(_app(), ["serve", "--port", str(port)])
    assert r.exit_code == 0, r.output
    assert f"http://127.0.0.1:{port}/" in r.stdout and "warning" not in r.stderr
    (app, kw), = fake_uvicorn
    assert kw["host"] == "127.0.0.1" and kw["port"] == port
    assert app.state.settings.warm == ()


def test_non_loopback_warns(fake_uvicorn):
    r = runner.invoke(_app(), ["serve", "--host", "0.0.0.0", "--port", str(_free_port())])
    assert r.exit_code == 0, r.output
    assert "warning" in r.stderr and "0.0.0.0" in r.stderr and "127.0.0.1" in r.stderr


def test_korean_messages(fake_uvicorn, monkeypatch):
    monkeypatch.setenv("GAEMI_LANG", "ko")
    r = runner.invoke(_app(), ["serve", "--host", "0.0.0.0", "--port", str(_free_port())])
    assert "경고" in r.stderr and "웹 앱" in r.stdout


@pytest.mark.parametrize("args, what", [
    (["--port", "0"], "--port"), (["--port", "70000"], "--port"), (["--host", "bad host"], "--host"),
    (["--log-level", "loud"], "--log-level"),
])
def test_bad_options_exit_2_in_one_line(fake_uvicorn, args, what):
    r = runner.invoke(_app(), ["serve", *args])
    assert r.exit_code == 2 and what in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert fake_uvicorn == []


def test_a_taken_port_is_refused_in_one_line(fake_uvicorn):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = runner.invoke(_app(), ["serve", "--port", str(s.getsockname()[1])])
    assert r.exit_code == 2 and "--port" in r.stderr and fake_uvicorn == []


def test_a_bad_limit_variable_exits_2(fake_uvicorn, monkeypatch):
    monkeypatch.setenv("GAEMI_WEB_MAX_PATHS", "lots")
    r = runner.invoke(_app(), ["serve", "--port", str(_free_port())])
    assert r.exit_code == 2 and "GAEMI_WEB_MAX_PATHS" in r.stderr


def test_serves_the_api_on_loopback(tmp_path):
    """A real uvicorn in a child process: the health and plans endpoints answer with the headers."""
    port = _free_port()
    code = ("import typer; from gaemi.cli.serve_cmd import serve; app = typer.Typer(); app.command()(serve); "
            "app.callback()(lambda: None); app()")
    env = {**os.environ, "GAEMI_WEB_WARM": "none", "GAEMI_LANG": "en",
           "GAEMI_STORE": str(tmp_path / "absent.duckdb")}
    proc = subprocess.Popen([sys.executable, "-c", code, "serve", "--port", str(port), "--log-level", "warning"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                    body, headers = json.loads(r.read()), r.headers
                break
            except OSError:
                time.sleep(0.1)
        assert body == {"ready": True, "warming": False, "warmed": [], "error": None, "seconds": {}}
        assert headers["x-content-type-options"] == "nosniff"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/plans", timeout=5) as r:
            assert any(p["name"] == "safe" for p in json.loads(r.read())["plans"])
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err


def test_json_prints_the_url_and_limits(fake_uvicorn):
    port = _free_port()
    r = runner.invoke(_app(), ["serve", "--port", str(port), "--json"])
    assert r.exit_code == 0, r.output
    info = json.loads(r.stdout)
    assert info["url"] == f"http://127.0.0.1:{port}/" and info["loopback"] is True
    assert info["limits"]["env"]["max_paths"] == "GAEMI_WEB_MAX_PATHS"
    bad = runner.invoke(_app(), ["serve", "--port", "0", "--json"])
    assert bad.exit_code == 2 and json.loads(bad.stdout)["error"]["field"] == "port"


def test_every_help_text_has_korean():
    """The command's help texts all have a Korean text (HELP_KO, for gaemi.cli.help_ko)."""
    import typer.main

    from gaemi.cli.serve_cmd import HELP_KO

    cmd = typer.main.get_command(_app()).commands["serve"]
    texts = [" ".join((cmd.help or "").split())] + [" ".join(p.help.split()) for p in cmd.params
                                                     if getattr(p, "help", None)]
    assert [t for t in texts if t not in HELP_KO] == []
