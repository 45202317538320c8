"""``gaemi serve``: the web app on http://HOST:PORT (uvicorn).

Registered in :mod:`gaemi.cli.app` with ``app.command()(serve)``. It binds the loopback address by
default; any other address prints a warning (the app has no accounts: whoever reaches the port can
run simulations on this machine). Limits come from ``GAEMI_WEB_*`` variables (docs/web.md).
"""

from __future__ import annotations

import ipaddress
import sys

import typer

WORDS = {
    "en": {
        "url": "gaemi web app: {url}  (Ctrl+C to stop)",
        "warming": "The engine loads in the background (a first run on this machine compiles it: about a "
                   "minute or more); pages say so until it is ready.",
        "exposed": "warning: binding {host} makes the app reachable from other machines; it has no "
                   "accounts or passwords, and anyone who reaches port {port} can run simulations here. "
                   "Use --host 127.0.0.1 unless you mean it.",
        "port": "a port from 1 to 65535",
        "host": "an IP address or host name to bind, like 127.0.0.1",
    },
    "ko": {
        "url": "gaemi 웹 앱: {url}  (끝내려면 Ctrl+C)",
        "warming": "계산 엔진은 뒤에서 불러옵니다 (이 컴퓨터에서 처음이면 컴파일에 1분 이상 걸립니다). "
                   "준비될 때까지 페이지가 알려 줍니다.",
        "exposed": "경고: {host}에 열면 다른 컴퓨터에서도 이 앱에 접속할 수 있습니다. 계정도 비밀번호도 없어서 "
                   "{port}번 포트에 닿는 누구나 이 컴퓨터로 시뮬레이션을 돌릴 수 있습니다. 의도한 것이 아니면 "
                   "--host 127.0.0.1을 쓰세요.",
        "port": "1부터 65535 사이의 포트 번호",
        "host": "열 IP 주소나 호스트 이름 (예: 127.0.0.1)",
    },
}


#: Korean help texts of this command, for :data:`gaemi.cli.help_ko.HELP_KO` (``HELP_KO.update(...)``)
HELP_KO = {
    "Start the web app (plans, odds, leverage, compare, heat) in the browser, in Korean or English.":
        "웹 앱을 시작합니다 (내 계획, 확률, 레버리지, 비교, 시장 과열 지표). 브라우저에서 한국어나 영어로 봅니다.",
    "Address to bind (default: this machine only).": "열 주소 (기본값: 이 컴퓨터에서만 접속).",
    "TCP port.": "포트 번호.",
    "Restart on source changes (development).": "소스가 바뀌면 다시 시작합니다 (개발용).",
    "uvicorn log level: critical, error, warning, info, debug.":
        "서버 기록 수준: critical, error, warning, info, debug.",
    "Print the URL and the limits as one JSON line (for scripts), then serve; errors as JSON.":
        "주소와 한도를 JSON 한 줄로 출력한 뒤 서버를 엽니다 (스크립트용). 오류도 JSON으로 출력합니다.",
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` binds only this machine (127.0.0.0/8, ::1, localhost)."""
    h = host.strip().strip("[]").lower()
    if h in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    h = host.strip()
    if h in ("0.0.0.0", "::", ""):
        h = "127.0.0.1"  # the address to open on this machine
    if ":" in h and not h.startswith("["):
        h = f"[{h}]"
    return f"http://{h}:{port}/"


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind (default: this machine only)."),
    port: int = typer.Option(8000, help="TCP port."),
    reload: bool = typer.Option(False, "--reload", help="Restart on source changes (development)."),
    log_level: str = typer.Option("info", help="uvicorn log level: critical, error, warning, info, debug."),
    json_out: bool = typer.Option(False, "--json", help="Print the URL and the limits as one JSON line "
                                  "(for scripts), then serve; errors as JSON."),
) -> None:
    """Start the web app (plans, odds, leverage, compare, heat) in the browser, in Korean or English."""
    from gaemi.cli import app as cli
    from gaemi.errors import ConfigError

    try:
        from gaemi.cli.lang import current_lang

        lang = current_lang()
    except ImportError:  # pragma: no cover
        lang = "en"
    w = WORDS.get(lang, WORDS["en"])
    if not 1 <= port <= 65535:
        cli.fail(f"--port: got {port}; allowed: {w['port']}", ConfigError("port", port, w["port"]))
    if not host.strip() or any(c.isspace() for c in host) or len(host) > 255:
        cli.fail(f"--host: got {host!r}; allowed: {w['host']}", ConfigError("host", host, w["host"]))
    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        cli.fail(f"--log-level: got {log_level!r}; allowed: critical, error, warning, info, debug")
    from gaemi.web.settings import WebSettings

    settings = cli.guarded(WebSettings.from_env)  # a bad GAEMI_WEB_* variable: one line, exit 2
    exposed = not is_loopback(host)
    if exposed:
        sys.stderr.write(w["exposed"].format(host=host, port=port) + "\n")
    if json_out:
        import json

        sys.stdout.write(json.dumps({"url": url_for(host, port), "host": host, "port": port, "loopback": not exposed,
                                     "limits": settings.public()}, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(w["url"].format(url=url_for(host, port)) + "\n")
        if settings.warm:
            sys.stdout.write(w["warming"] + "\n")
    sys.stdout.flush()
    _check_free(host, port, w)
    import uvicorn

    if reload:
        uvicorn.run("gaemi.web.app:create_app", factory=True, host=host, port=port, reload=True,
                    log_level=log_level)
        return
    from gaemi.web.app import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)


def _check_free(host: str, port: int, w: dict) -> None:
    """Refuse a port that is taken or an address that cannot be bound, in one line (exit 2),
    before uvicorn starts (it would log a traceback-like error and exit 1)."""
    import socket

    from gaemi.cli import app as cli
    from gaemi.errors import ConfigError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        cli.fail(f"--host: got {host!r}; allowed: {w['host']} ({err})", ConfigError("host", host, w["host"]))
        return
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as err:
            why = err.strerror or str(err)
            cli.fail(f"--port: cannot listen on {host}:{port} ({why})",
                     ConfigError("port", port, f"a free port on an address of this machine ({why})"))
