"""Shared HTTP helpers for connectors: retries with exponential backoff and jitter.

Transient failures (timeouts, dropped connections, HTTP 429 and 5xx, a malformed or truncated
body) are retried with ``tenacity`` (exponential backoff with jitter, honouring a server's
``Retry-After`` up to the cap); anything else - and the last transient failure - becomes one
:class:`FetchError` naming the source, the request and what went wrong. Connectors collect
everything in memory first and write to the store only after the last request succeeded, so a
failed fetch writes nothing.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from gaemi.errors import DataError

T = TypeVar("T")


class FetchError(DataError):
    """A source could not deliver the data (after retries, or a permanent error such as an
    unknown market). Subclass of DataError so the CLI prints one line and exits 2."""


class Transient(Exception):
    """A failure worth retrying; ``retry_after`` (seconds) when the server said so."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all; waits grow as ``initial * 2**k`` plus up to ``jitter`` seconds
    of random jitter, capped at ``cap``. ``sleep`` is injectable (tests pass a no-op)."""

    attempts: int = 5
    initial: float = 0.5
    cap: float = 30.0
    jitter: float = 0.5
    sleep: Callable[[float], None] | None = None  # None: time.sleep at call time


def with_retries(fn: Callable[[], T], what: str, policy: RetryPolicy | None = None) -> T:
    """Call ``fn`` until it returns, retrying :class:`Transient` failures per ``policy``."""
    from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt

    p = policy or RetryPolicy()

    def wait(state) -> float:
        backoff = p.initial * 2 ** (state.attempt_number - 1) + random.uniform(0, p.jitter)
        exc = state.outcome.exception() if state.outcome else None
        after = getattr(exc, "retry_after", None) or 0.0
        return min(max(backoff, after), p.cap)

    retrying = Retrying(stop=stop_after_attempt(p.attempts), wait=wait,
                        retry=retry_if_exception_type(Transient),
                        sleep=p.sleep or (lambda s: time.sleep(s)), reraise=False)
    try:
        return retrying(fn)
    except RetryError as err:
        last = err.last_attempt.exception()
        raise FetchError(f"{what}: gave up after {p.attempts} tries; last error: {last}") from last


def _retry_after(headers: Any) -> float | None:
    try:
        v = headers.get("Retry-After") if headers is not None else None
        return float(v) if v is not None else None
    except (TypeError, ValueError):
        return None


def request_json(
    session: Any,
    method: str,
    url: str,
    what: str,
    params: dict | None = None,
    data: dict | None = None,
    headers: dict | None = None,
    timeout: float = 20.0,
    policy: RetryPolicy | None = None,
) -> Any:
    """One JSON request through a ``requests``-like ``session``, with retries.

    429 / 5xx / timeouts / connection errors / a body that is not JSON are retried; other 4xx
    are permanent and raise FetchError with the body's message."""
    import requests

    def once() -> Any:
        try:
            r = session.request(method, url, params=params, data=data, headers=headers,
                                timeout=timeout)
        except (requests.Timeout, requests.ConnectionError) as err:
            raise Transient(f"{type(err).__name__}: {err}") from err
        if r.status_code == 429 or r.status_code >= 500:
            raise Transient(f"HTTP {r.status_code} {r.text[:200]!r}", _retry_after(r.headers))
        if r.status_code >= 400:
            raise FetchError(f"{what}: HTTP {r.status_code}: {r.text[:300]}")
        try:
            return r.json()
        except (ValueError, json.JSONDecodeError) as err:
            raise Transient(f"malformed JSON ({len(r.content)} bytes: {r.text[:80]!r})") from err

    return with_retries(once, what, policy)
