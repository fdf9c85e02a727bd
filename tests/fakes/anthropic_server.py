"""A fake Claude API on 127.0.0.1 that the real anthropic SDK talks to through ``base_url``.

It serves the Messages, token counting and Message Batches endpoints with bodies shaped like the
real API's (they pass the SDK's strict response validation), records every request, and can be
scripted per endpoint with a queue of replies. Unscripted requests get a default: a valid answer
whose evidence quotes are sentences of the request's own document, so it is always grounded.

Like the real API it refuses requests without credentials (401) and, for ``claude-haiku-5-5``,
requests that set sampling parameters (400).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import socket
import struct
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# The extractor frames the document in a tag with a random suffix per request: <document-1a2b...>.
DOCUMENT_FRAME = re.compile(r"<(?P<tag>document-[0-9a-f]+)>\n")
CHARS_PER_TOKEN = 4
MODELS_WITHOUT_SAMPLING = frozenset({"claude-haiku-5-5"})
_HEADING = re.compile(r"^\s*(#{1,6}\s|([=\-~`#\"^+*:.'_])\2{2,}\s*$)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass
class Reply:
    """One scripted HTTP answer: a JSON body (dict/list) or raw text, after an optional delay.

    ``reset``: send the headers and half the body, then drop the connection (a reset mid-response).
    """

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    content_type: str = "application/json"
    reset: bool = False


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", [])) if isinstance(self.body, dict) else []

    def text_of_turn(self, index: int) -> str:
        return content_text(self.messages[index]["content"])


Scripted = Reply | Callable[[RecordedRequest], Reply]


def tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(block.get("text", "") for block in content if isinstance(block, dict))


def document_in(body: dict[str, Any]) -> str:
    """The document the extractor framed in its first user turn (empty when there is none)."""
    messages = body.get("messages") or []
    if not messages:
        return ""
    text = content_text(messages[0].get("content", ""))
    opening = DOCUMENT_FRAME.search(text)
    if opening is None:
        return ""
    end = text.find(f"\n</{opening.group('tag')}>", opening.end())
    return text[opening.end() : end] if end >= 0 else ""


def quotable_sentences(document: str, limit: int) -> list[str]:
    """Up to ``limit`` distinct sentences of ``document``, verbatim, from lines that are not headings."""
    found: list[str] = []
    for line in document.splitlines():
        if len(found) >= limit:
            break
        stripped = line.strip()
        if len(stripped) < 25 or _HEADING.match(line) or not re.search(r"[A-Za-z]{3}", stripped):
            continue
        sentence = _SENTENCE_END.split(stripped, maxsplit=1)[0]
        if len(sentence) > 200:
            sentence = sentence[:200].rsplit(" ", 1)[0]
        if sentence not in found:
            found.append(sentence)
    return found


def capability(
    title: str, quote: str, *, unique: str = "not stated", vs: str = "not stated"
) -> dict[str, Any]:
    return {
        "title": title,
        "description": f"The description says: {quote}",
        "unique": unique,
        "vs_alternatives": vs,
        "evidence": [quote],
    }


def default_capabilities(document: str, limit: int = 3) -> list[dict[str, Any]]:
    return [capability(" ".join(quote.split()[:6]), quote) for quote in quotable_sentences(document, limit)]


def usage(
    input_tokens: int,
    output_tokens: int,
    *,
    cache_read: int = 0,
    cache_write: int = 0,
) -> dict[str, Any]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_read_input_tokens": cache_read,
        "cache_creation_input_tokens": cache_write,
        "cache_creation": {"ephemeral_5m_input_tokens": cache_write, "ephemeral_1h_input_tokens": 0},
        "service_tier": "standard",
    }


def message_body(
    text: str,
    *,
    model: str = "claude-haiku-5-5",
    usage_counts: dict[str, Any] | None = None,
    stop_reason: str = "end_turn",
    stop_details: dict[str, Any] | None = None,
    thinking: bool = True,
) -> dict[str, Any]:
    """A Messages API response body; by default a thinking block precedes the answer, as on Haiku 5.5."""
    content: list[dict[str, Any]] = []
    if thinking:
        content.append({"type": "thinking", "thinking": "", "signature": "sig-" + uuid.uuid4().hex[:8]})
    if text:
        content.append({"type": "text", "text": text, "citations": None})
    return {
        "id": "msg_" + uuid.uuid4().hex[:24],
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "stop_details": stop_details,
        "usage": usage_counts or usage(10, tokens(text)),
    }


def answer_reply(
    capabilities: list[dict[str, Any]] | None = None,
    *,
    text: str | None = None,
    usage_counts: dict[str, Any] | None = None,
    stop_reason: str = "end_turn",
    stop_details: dict[str, Any] | None = None,
) -> Reply:
    """A 200 reply whose answer is ``{"capabilities": capabilities}`` (or exactly ``text``)."""
    answer = text if text is not None else json.dumps({"capabilities": capabilities or []})
    return Reply(
        body=message_body(
            answer, usage_counts=usage_counts, stop_reason=stop_reason, stop_details=stop_details
        )
    )


def error_body(kind: str, message: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_fake"}


def error_reply(status: int, kind: str, message: str, *, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status=status, body=error_body(kind, message), headers=headers or {})


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Batch:
    id: str
    requests: list[dict[str, Any]]
    created_at: datetime
    polls: int = 0
    status: str = "in_progress"
    cancel_requested: bool = False
    ended_at: datetime | None = None
    results: list[dict[str, Any]] = field(default_factory=list)


class FakeAnthropic:
    """The fake API. Use as a context manager, or ``start()``/``stop()``.

    ``latency`` delays every /v1/messages answer (the benchmark's simulated model time);
    ``valid_keys`` (when given) are the only keys accepted, others get 401.
    """

    def __init__(self, *, latency: float = 0.0, valid_keys: Iterable[str] | None = None) -> None:
        self.latency = latency
        self.valid_keys = set(valid_keys) if valid_keys is not None else None
        self.requests: list[RecordedRequest] = []
        self.batch_outcomes: dict[str, str | dict[str, Any]] = {}
        self.batch_polls_before_end = 1
        self._queues: dict[str, deque[Scripted]] = {}
        self._lock = threading.Lock()
        self._seen_system: set[str] = set()
        self._batches: dict[str, _Batch] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeAnthropic:
        handler = type("BoundHandler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-anthropic",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # --- scripting and inspection ----------------------------------------------------------------

    def queue(self, endpoint: str, *replies: Scripted) -> None:
        """Answer the next requests to ``endpoint`` with ``replies`` in order, then fall back to defaults.

        Endpoints: ``messages``, ``count_tokens``, ``batch_create``, ``batch_retrieve``, ``batch_results``,
        ``batch_cancel``.
        """
        with self._lock:
            self._queues.setdefault(endpoint, deque()).extend(replies)

    def requests_to(self, path_suffix: str) -> list[RecordedRequest]:
        with self._lock:
            return [request for request in self.requests if request.path.endswith(path_suffix)]

    @property
    def message_requests(self) -> list[RecordedRequest]:
        return self.requests_to("/v1/messages")

    # --- request handling ------------------------------------------------------------------------

    def handle(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
        if not self._authorised(request.headers):
            return error_reply(401, "authentication_error", "invalid x-api-key")
        endpoint, batch_id = self._route(request)
        if endpoint is None:
            return error_reply(404, "not_found_error", f"no route for {request.method} {request.path}")
        scripted = self._next_scripted(endpoint)
        if scripted is not None:
            return scripted(request) if callable(scripted) else scripted
        return self.default_reply(endpoint, request, batch_id)

    def _authorised(self, headers: dict[str, str]) -> bool:
        bearer = headers.get("authorization", "")
        key = bearer[len("Bearer ") :] if bearer.startswith("Bearer ") else headers.get("x-api-key", "")
        if not key.strip():
            return False
        return self.valid_keys is None or key in self.valid_keys

    @staticmethod
    def _route(request: RecordedRequest) -> tuple[str | None, str | None]:
        path = request.path.split("?", 1)[0]
        if request.method == "POST" and path == "/v1/messages":
            return "messages", None
        if request.method == "POST" and path == "/v1/messages/count_tokens":
            return "count_tokens", None
        if request.method == "POST" and path == "/v1/messages/batches":
            return "batch_create", None
        match = re.fullmatch(r"/v1/messages/batches/([^/]+)(/results|/cancel)?", path)
        if match:
            suffix = match.group(2)
            if request.method == "GET" and suffix is None:
                return "batch_retrieve", match.group(1)
            if request.method == "GET" and suffix == "/results":
                return "batch_results", match.group(1)
            if request.method == "POST" and suffix == "/cancel":
                return "batch_cancel", match.group(1)
        return None, None

    def _next_scripted(self, endpoint: str) -> Scripted | None:
        with self._lock:
            pending = self._queues.get(endpoint)
            return pending.popleft() if pending else None

    def default_reply(self, endpoint: str, request: RecordedRequest, batch_id: str | None = None) -> Reply:
        """What an unscripted request gets."""
        body = request.body if isinstance(request.body, dict) else {}
        if endpoint == "messages":
            return self._default_message(body)
        if endpoint == "count_tokens":
            return Reply(body={"input_tokens": self._prompt_tokens(body)})
        if endpoint == "batch_create":
            return self._create_batch(body)
        batch = self._batches.get(batch_id or "")
        if batch is None:
            return error_reply(404, "not_found_error", f"no batch {batch_id}")
        if endpoint == "batch_retrieve":
            return Reply(body=self._poll(batch))
        if endpoint == "batch_cancel":
            with self._lock:
                batch.cancel_requested = True
                if batch.status == "in_progress":
                    batch.status = "canceling"
            return Reply(body=self._batch_json(batch))
        if batch.status != "ended":
            return error_reply(400, "invalid_request_error", "the batch is still processing")
        lines = "".join(json.dumps(result) + "\n" for result in batch.results)
        return Reply(body=lines, content_type="application/binary")

    def _prompt_tokens(self, body: dict[str, Any]) -> int:
        system = content_text(body.get("system", ""))
        turns = "".join(content_text(turn.get("content", "")) for turn in body.get("messages", []))
        return tokens(system) + tokens(turns)

    def _default_message(self, body: dict[str, Any], *, apply_latency: bool = True) -> Reply:
        model = str(body.get("model", ""))
        if model in MODELS_WITHOUT_SAMPLING:
            for name in ("temperature", "top_p", "top_k"):
                if name in body:
                    return error_reply(
                        400,
                        "invalid_request_error",
                        f"{name}: sampling parameters are not supported by {model}",
                    )
        if apply_latency and self.latency:
            time.sleep(self.latency)
        system = content_text(body.get("system", ""))
        turns = "".join(content_text(turn.get("content", "")) for turn in body.get("messages", []))
        with self._lock:
            first_sight = system not in self._seen_system
            self._seen_system.add(system)
        answer = json.dumps({"capabilities": default_capabilities(document_in(body))})
        counts = usage(
            tokens(turns),
            tokens(answer),
            cache_read=0 if first_sight else tokens(system),
            cache_write=tokens(system) if first_sight else 0,
        )
        return Reply(body=message_body(answer, model=model or "claude-haiku-5-5", usage_counts=counts))

    # --- batches ---------------------------------------------------------------------------------

    def _create_batch(self, body: dict[str, Any]) -> Reply:
        requests = body.get("requests")
        if not isinstance(requests, list) or not requests:
            return error_reply(400, "invalid_request_error", "requests: a non-empty list is required")
        ids = [entry.get("custom_id") for entry in requests]
        if len(set(ids)) != len(ids) or not all(isinstance(value, str) for value in ids):
            return error_reply(400, "invalid_request_error", "custom_id values must be unique strings")
        batch = _Batch(id=f"msgbatch_{next(self._ids):04d}", requests=requests, created_at=datetime.now(UTC))
        with self._lock:
            self._batches[batch.id] = batch
        return Reply(body=self._batch_json(batch))

    def _poll(self, batch: _Batch) -> dict[str, Any]:
        with self._lock:
            batch.polls += 1
            should_end = batch.status != "ended" and (
                batch.cancel_requested or batch.polls >= self.batch_polls_before_end
            )
        if should_end:
            results = [self._batch_result(entry, batch.cancel_requested) for entry in batch.requests]
            with self._lock:
                batch.results = results
                batch.status = "ended"
                batch.ended_at = datetime.now(UTC)
        return self._batch_json(batch)

    def _batch_result(self, entry: dict[str, Any], canceled: bool) -> dict[str, Any]:
        custom_id = entry["custom_id"]
        scripted = self.batch_outcomes.get(custom_id, "canceled" if canceled else "succeeded")
        if isinstance(scripted, dict):
            result = scripted
        elif scripted == "succeeded":
            reply = self._default_message(entry["params"], apply_latency=False)
            if reply.status != 200:
                result = {"type": "errored", "error": reply.body}
            else:
                message = reply.body
                message["usage"]["service_tier"] = "batch"
                result = {"type": "succeeded", "message": message}
        elif scripted.startswith("errored"):
            kind = scripted.partition(":")[2] or "invalid_request_error"
            result = {"type": "errored", "error": error_body(kind, f"the request failed ({kind})")}
        else:
            result = {"type": scripted}
        return {"custom_id": custom_id, "result": result}

    def _batch_json(self, batch: _Batch) -> dict[str, Any]:
        counts = {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
        if batch.status == "ended":
            for result in batch.results:
                counts[result["result"]["type"]] += 1
        else:
            counts["processing"] = len(batch.requests)
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": batch.status,
            "request_counts": counts,
            "created_at": _timestamp(batch.created_at),
            "expires_at": _timestamp(batch.created_at + timedelta(hours=24)),
            "ended_at": _timestamp(batch.ended_at) if batch.ended_at else None,
            "cancel_initiated_at": _timestamp(batch.created_at) if batch.cancel_requested else None,
            "archived_at": None,
            "results_url": f"{self.base_url}/v1/messages/batches/{batch.id}/results"
            if batch.status == "ended"
            else None,
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    fake: FakeAnthropic

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.fake.handle(RecordedRequest(self.command, self.path, headers, body))
        if reply.delay:
            time.sleep(reply.delay)
        if isinstance(reply.body, dict | list):
            payload = json.dumps(reply.body).encode()
        elif isinstance(reply.body, bytes):
            payload = reply.body
        else:
            payload = str(reply.body or "").encode()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("request-id", "req_" + uuid.uuid4().hex[:12])
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if reply.reset:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                # Linger 0: closing sends a TCP reset instead of an orderly end of stream.
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
                self.close_connection = True
                return
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout test): nothing left to answer.
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()
