"""Security headers and the request-body limit, as plain ASGI middleware.

* Every HTTP response carries a Content-Security-Policy that lets a page load scripts, styles,
  fonts and images only from this server (no inline script, no CDN, no eval), may not be framed
  (``frame-ancestors 'none'``), and may connect only back to this server; plus
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: no-referrer``, ``X-Frame-Options: DENY``
  and ``Cross-Origin-Opener-Policy: same-origin``.
* A request body larger than ``max_body_bytes`` is refused with 413 naming the limit and the
  variable that raises it, whether it announces its length (``Content-Length``) or streams it;
  the body is never read past the limit.
"""

from __future__ import annotations

import json
from typing import Any

#: the page may load its own scripts (plotly.js is served at /static/plotly.min.js) and styles
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response (an existing header is kept)."""

    def __init__(self, app: Any, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (headers or SECURITY_HEADERS).items()]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": list(message.get("headers", []))
                           + [(k, v) for k, v in self.headers if k not in have]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """413 for a request body over ``max_bytes`` (announced or streamed), before the app reads it."""

    def __init__(self, app: Any, max_bytes: int, env_var: str = "GAEMI_WEB_MAX_BODY_BYTES") -> None:
        self.app = app
        self.max_bytes = int(max_bytes)
        self.env_var = env_var

    def _payload(self, got: str) -> bytes:
        return json.dumps({"error": {
            "field": "body", "value": got,
            "allowed": f"a request body of at most {self.max_bytes:,} bytes (the limit of this server; "
                       f"raise it with {self.env_var}=N)",
            "message": f"body: got {got}; allowed: at most {self.max_bytes:,} bytes"}}).encode()

    async def _refuse(self, send: Any, got: str) -> None:
        body = self._payload(got)
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", []):
            if k.lower() == b"content-length":
                try:
                    n = int(v)
                except ValueError:
                    n = -1
                if n > self.max_bytes:
                    await self._refuse(send, f"{n:,} bytes")
                    return
        # read the body here, up to the limit, then replay it to the app
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, f"more than {self.max_bytes:,} bytes")
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
