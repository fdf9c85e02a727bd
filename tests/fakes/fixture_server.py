"""A scriptable HTTP server on 127.0.0.1 standing in for the Hub, GitHub, PyPI, OpenRouter and web pages.

Each path (with or without its query string) gets a queue of ``Reply`` objects: requests consume
them in order and the last one repeats. A reply sets status, headers, body, a delay before
answering, an ``etag`` the server honours (answering 304 to a matching If-None-Match) and, for
streamed bodies, a generator of chunks sent with chunked transfer encoding. Every request is
recorded with its headers, and the server counts how many requests were in flight at once.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        # A client that hangs up (a size cap hit, a timeout) is what several tests provoke on purpose.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Reply:
    """One scripted answer. ``body`` may be bytes, text, or a dict/list sent as JSON."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0
    etag: str | None = None
    chunks: Callable[[], Iterable[bytes]] | None = None

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.content_type or "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), self.content_type or "text/plain; charset=utf-8"
        return json.dumps(self.body).encode("utf-8"), self.content_type or "application/json"


@dataclass(frozen=True)
class SeenRequest:
    path: str
    headers: dict[str, str]

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)


Scripted = Reply | Callable[[SeenRequest], Reply]


class FixtureServer:
    """Start with ``with FixtureServer() as server:``; ``server.url(path)`` is an address on it."""

    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.requests: list[SeenRequest] = []
        self.max_in_flight = 0
        self._in_flight = 0
        self._routes: dict[str, list[Scripted]] = {}
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler_class())
        # A short poll interval: shutdown() waits up to one interval, and every test shuts a server down.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def route(self, path: str, *replies: Scripted) -> None:
        with self._lock:
            self._routes[path] = list(replies)

    def json(self, path: str, payload: Any, **reply: Any) -> None:
        self.route(path, Reply(body=payload, **reply))

    def text(
        self, path: str, body: str, content_type: str = "text/plain; charset=utf-8", **reply: Any
    ) -> None:
        self.route(path, Reply(body=body, content_type=content_type, **reply))

    def requests_for(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [seen for seen in self.requests if seen.path == path or seen.path.split("?")[0] == path]

    def __enter__(self) -> FixtureServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_reply(self, seen: SeenRequest) -> Reply:
        with self._lock:
            self.requests.append(seen)
            queue = self._routes.get(seen.path) or self._routes.get(seen.path.split("?")[0])
            if not queue:
                return Reply(status=404, body={"error": "no such fixture"})
            scripted = queue.pop(0) if len(queue) > 1 else queue[0]
        return scripted(seen) if callable(scripted) else scripted

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; with Nagle on, the body waits for the
            # client's delayed ACK (~40 ms) on kept-alive connections.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                server._enter()
                try:
                    seen = SeenRequest(self.path, dict(self.headers.items()))
                    reply = server._next_reply(seen)
                    if server.latency or reply.delay:
                        time.sleep(server.latency + reply.delay)
                    self._send(reply, seen)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    server._leave()

            def _send(self, reply: Reply, seen: SeenRequest) -> None:
                if reply.etag is not None and seen.header("If-None-Match") == reply.etag:
                    self.send_response(304)
                    self.send_header("ETag", reply.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, content_type = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                if reply.etag is not None:
                    self.send_header("ETag", reply.etag)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.chunks is not None:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for chunk in reply.chunks():
                        self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # keep test output clean

        return Handler
