"""The suite's network guard really refuses hosts off this machine and lets loopback through."""

from __future__ import annotations

import socket

import pytest


def test_connecting_to_a_public_address_fails_loudly() -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(RuntimeError, match="non-loopback"),
    ):
        sock.connect(("93.184.216.34", 80))


def test_resolving_a_public_name_fails_loudly() -> None:
    with pytest.raises(RuntimeError, match="non-loopback"):
        socket.getaddrinfo("api.anthropic.com", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(server.getsockname())
            accepted, _ = server.accept()
            accepted.close()
