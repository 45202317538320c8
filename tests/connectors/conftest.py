from __future__ import annotations

import socket

import pytest


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Any connection to a host other than loopback fails the test."""
    real = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (host.startswith("127.") or host in ("localhost", "::1")):
            raise AssertionError(f"test tried to reach {address!r}: only loopback is allowed")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    real_gai = socket.getaddrinfo

    def gai(host, *a, **k):
        if host not in ("127.0.0.1", "localhost", "::1", None):
            raise AssertionError(f"test tried to resolve {host!r}: only loopback is allowed")
        return real_gai(host, *a, **k)

    monkeypatch.setattr(socket, "getaddrinfo", gai)
