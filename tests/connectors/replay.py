"""A local HTTP server on 127.0.0.1 that replays recorded API bodies.

Routes map a URL path (exact, without the query) to a list of responses served in turn (the last
one repeats). Every request is recorded (method, path, query dict, body) for assertions. Nothing
here talks to any host but loopback.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> bytes:
    """A recorded body from tests/connectors/payloads (see PROVENANCE.md there)."""
    return (PAYLOADS / name).read_bytes()


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Callable[[dict], bytes] = b""
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"


@dataclass
class Request:
    method: str
    path: str
    query: dict
    body: bytes


class Replay:
    """``with Replay({"/v1/candles/days": [Reply(...), ...]}) as srv: srv.url``"""

    def __init__(self, routes: dict[str, list[Reply]]):
        self.routes = {k: list(v) for k, v in routes.items()}
        self.counts: dict[str, int] = {}
        self.requests: list[Request] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                if body and "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                    query.update({k: v[-1] for k, v in parse_qs(body.decode()).items()})
                outer.requests.append(Request(method, parts.path, query, body))
                replies = outer.routes.get(parts.path)
                if not replies:
                    reply = Reply(404, b'{"error":"no such route in the replay server"}')
                else:
                    k = outer.counts.get(parts.path, 0)
                    outer.counts[parts.path] = k + 1
                    reply = replies[min(k, len(replies) - 1)]
                data = reply.body(query) if callable(reply.body) else reply.body
                if isinstance(data, str):
                    data = data.encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(data)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def log_message(self, *a) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> Replay:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def jbody(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()
