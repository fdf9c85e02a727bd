"""The one HTTP client every remote source fetches through, and the only module that imports httpx.

It fetches politely and defensively: a User-Agent that names capgraph, connect and read timeouts, a
cap on body size enforced while streaming, redirects followed by hand (at most ``max_redirects``) so
every hop is checked, retries on 429/5xx/timeouts/dropped connections that honour Retry-After, a
limit on requests in flight per host, and conditional requests (ETag / Last-Modified) through an
``HttpCache``. Each hop's host is resolved here and every address checked before connecting; the
connection then goes to the checked address (the Host header and TLS name stay the original
host), so a DNS answer that changes between the check and the connect cannot reach a private
network.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from typing import Any, Protocol

import httpx
import tenacity

from schemas import SourceError, TransientError
from schemas.waits import requested_wait, too_long, wait_before_retry
from sources.documents import human_size

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[IpAddress]]

PROJECT_URL = "https://example.invalid/capgraph"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_NOT_FOUND_STATUSES = frozenset({404, 410})
# Headers that carry credentials: never sent on to another origin a redirect points at.
_CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})

# Cloud instance-metadata endpoints (AWS, GCP, Azure, ECS, Alibaba, Oracle): refused even when private
# addresses are allowed, since nothing capgraph describes lives there and they hand out credentials.
_METADATA_ADDRESSES: frozenset[IpAddress] = frozenset(
    ipaddress.ip_address(text)
    for text in ("169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254")
)
_METADATA_REFUSAL = "a cloud metadata service address"
_NAT64_WELL_KNOWN = ipaddress.IPv6Network("64:ff9b::/96")


def capgraph_user_agent() -> str:
    try:
        version = importlib_metadata.version("capgraph")
    except importlib_metadata.PackageNotFoundError:
        version = "dev"
    return f"capgraph/{version} (+{PROJECT_URL})"


@dataclass(frozen=True)
class CachedResponse:
    """A response body kept for conditional requests, with the validators the server gave for it."""

    text: str
    content_type: str
    etag: str | None = None
    last_modified: str | None = None


class HttpCache(Protocol):
    """Where the client keeps bodies it may revalidate with If-None-Match / If-Modified-Since."""

    def get(self, url: str) -> CachedResponse | None: ...

    def put(self, url: str, response: CachedResponse) -> None: ...


@dataclass(frozen=True)
class HttpResponse:
    """A fetched body. ``from_cache`` is True when the server answered 304 and the cached body was used."""

    url: str
    final_url: str
    content_type: str
    text: str
    from_cache: bool = False

    @property
    def media_type(self) -> str:
        return self.content_type.split(";", 1)[0].strip().lower()


class HttpNotFound(SourceError):
    """The server answered 404 or 410: callers turn it into "not found at <source>" for their ref."""


@dataclass(frozen=True)
class HttpOptions:
    """Everything the client's behaviour depends on; the core builds it from the ``CAPGRAPH_*`` settings."""

    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 30.0
    max_body_bytes: int = 5_000_000
    max_redirects: int = 5
    max_attempts: int = 4
    backoff_base_seconds: float = 1.0
    backoff_max_seconds: float = 30.0
    max_retry_after_seconds: float = 120.0
    per_host_limit: int = 4
    allow_private_addresses: bool = False
    allowed_networks: tuple[IpNetwork, ...] = ()
    user_agent: str = field(default_factory=capgraph_user_agent)


def address_refusal(address: IpAddress, options: HttpOptions) -> str | None:
    """Why ``address`` may not be fetched from under ``options``, or None when it may.

    Metadata endpoints are checked first, in every spelling (plain, or an IPv4 one inside an IPv6
    address), so neither ``allow_private_addresses`` nor an allowlist as wide as ``0.0.0.0/0`` opens them.
    """
    embedded = embedded_ipv4(address)
    if address in _METADATA_ADDRESSES or embedded in _METADATA_ADDRESSES:
        return _METADATA_REFUSAL
    if embedded is not None:
        address = embedded  # ::ffff:10.0.0.1 reaches 10.0.0.1
    if any(address in network for network in options.allowed_networks):
        return None
    if options.allow_private_addresses:
        return None
    for test, description in (
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_reserved, "a reserved address"),
        (address.is_private, "a private address"),
        (not address.is_global, "not a public address"),
    ):
        if test:
            return description
    return None


def embedded_ipv4(address: IpAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for, when it carries one a host or gateway would reach.

    IPv4-mapped (``::ffff:a.b.c.d``), the deprecated IPv4-compatible form (``::a.b.c.d``, still routed
    to ``a.b.c.d`` by some stacks), NAT64's well-known prefix (``64:ff9b::a.b.c.d``) and 6to4
    (``2002:AABB:CCDD::``); None for a plain IPv4 address or an IPv6 one without such a part.
    """
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    value = int(address)
    if value >> 32 == 0 and value > 1:  # ::a.b.c.d; :: and ::1 are IPv6's own unspecified and loopback
        return ipaddress.IPv4Address(value)
    if address in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def system_resolver(host: str, port: int) -> list[IpAddress]:
    """Every address ``host`` resolves to, through the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[IpAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


class _Retryable(Exception):
    """A failure worth another attempt; ``retry_after`` is the server's requested wait, when it gave one."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Hop:
    """What one request of a redirect chain answered."""

    status: int
    location: str | None = None
    content_type: str = ""
    text: str = ""
    etag: str | None = None
    last_modified: str | None = None


class _WaitRetryAfterOrBackoff(tenacity.wait.wait_base):
    """tenacity's view of ``schemas.waits``: the server's Retry-After carried by a ``_Retryable``, else
    capped, half-jittered exponential backoff."""

    def __init__(self, base: float, maximum: float, max_retry_after: float) -> None:
        self._base = base
        self._maximum = maximum
        self._max_retry_after = max_retry_after

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        failure = outcome.exception() if outcome is not None else None
        asked = failure.retry_after if isinstance(failure, _Retryable) else None
        return wait_before_retry(
            retry_state.attempt_number,
            asked,
            base=self._base,
            cap=self._maximum,
            max_retry_after=self._max_retry_after,
        )


class HttpClient:
    """GETs text over HTTP(S) with the checks above; share one per run, it is thread-safe."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        *,
        cache: HttpCache | None = None,
        resolver: Resolver = system_resolver,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.options = options or HttpOptions()
        self._cache = cache
        self._resolver = resolver
        self._sleep = sleep
        self._opened: httpx.HTTPTransport | None = None
        self._opened_lock = threading.Lock()
        self._host_limits: dict[str, threading.BoundedSemaphore] = {}
        self._host_limits_lock = threading.Lock()

    @property
    def _transport(self) -> httpx.HTTPTransport:
        """The connection pool, made on the first request: building its TLS context costs tens of
        milliseconds, which a run of local tools only (``file:``, ``installed:``) never needs."""
        with self._opened_lock:
            if self._opened is None:
                self._opened = httpx.HTTPTransport(
                    retries=0,
                    limits=httpx.Limits(max_connections=None, max_keepalive_connections=64),
                )
            return self._opened

    def close(self) -> None:
        with self._opened_lock:
            opened, self._opened = self._opened, None
        if opened is not None:
            opened.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get_json(self, url: str, *, subject: str, headers: Mapping[str, str] | None = None) -> Any:
        """The JSON body at ``url``; a body that is not JSON is a ``SourceError`` naming both."""
        response = self.get(url, subject=subject, headers={"Accept": "application/json", **(headers or {})})
        try:
            return json.loads(response.text)
        except json.JSONDecodeError as error:
            raise SourceError(
                f"{url} returned invalid JSON ({error.msg} at line {error.lineno} column {error.colno})",
                subject=subject,
                hint="the service may be down or answering with an error page; try again later",
            ) from None

    def get(self, url: str, *, subject: str, headers: Mapping[str, str] | None = None) -> HttpResponse:
        """The body at ``url`` after redirects, as text. ``subject`` (the ref) leads every error."""
        cached = self._cache.get(url) if self._cache is not None else None
        request_headers = {
            "User-Agent": self.options.user_agent,
            "Accept-Encoding": "gzip, deflate",
            **(headers or {}),
        }
        if cached is not None:
            if cached.etag:
                request_headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                request_headers["If-Modified-Since"] = cached.last_modified
        current = url
        seen = [url]
        for _ in range(self.options.max_redirects + 1):
            hop = self._send_with_retries(current, request_headers, subject)
            if hop.status in _REDIRECT_STATUSES:
                target = self._redirect_target(current, hop, subject)
                if target in seen:
                    raise SourceError(
                        f"redirect loop: {target} redirects back to a URL already visited",
                        subject=subject,
                        hint="the server is misconfigured; fetch the final page's URL directly",
                    )
                if not _same_origin(current, target):
                    request_headers = {
                        key: value
                        for key, value in request_headers.items()
                        if key.lower() not in _CREDENTIAL_HEADERS
                    }
                seen.append(target)
                current = target
                continue
            if hop.status == 304:
                if cached is None:
                    raise SourceError(
                        f"{current} answered 304 Not Modified to a request that was not conditional",
                        subject=subject,
                    )
                return HttpResponse(url, current, cached.content_type, cached.text, from_cache=True)
            if self._cache is not None and (hop.etag or hop.last_modified):
                self._cache.put(url, CachedResponse(hop.text, hop.content_type, hop.etag, hop.last_modified))
            return HttpResponse(url, current, hop.content_type, hop.text)
        raise SourceError(
            f"too many redirects: more than {self.options.max_redirects} starting at {url}",
            subject=subject,
            hint="fetch the final page's URL directly",
        )

    def _redirect_target(self, current: str, hop: _Hop, subject: str) -> str:
        if not hop.location:
            raise SourceError(f"{current} answered {hop.status} without a Location to go to", subject=subject)
        try:
            target = httpx.URL(current).join(hop.location)
        except httpx.InvalidURL:
            raise SourceError(
                f"{current} redirects to an invalid URL {hop.location!r}", subject=subject
            ) from None
        return str(target.copy_with(fragment=None))

    def _send_with_retries(self, url: str, headers: Mapping[str, str], subject: str) -> _Hop:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.options.max_attempts),
            wait=_WaitRetryAfterOrBackoff(
                self.options.backoff_base_seconds,
                self.options.backoff_max_seconds,
                self.options.max_retry_after_seconds,
            ),
            retry=tenacity.retry_if_exception_type(_Retryable),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    return self._send_once(url, headers, subject)
        except _Retryable as failure:
            tries = self.options.max_attempts
            raise TransientError(
                f"{url} {failure.reason} ({tries} attempt{'s' if tries != 1 else ''})",
                subject=subject,
                hint="try again later",
            ) from None
        raise AssertionError("tenacity ended without a result or an error")  # pragma: no cover

    def _send_once(self, url: str, headers: Mapping[str, str], subject: str) -> _Hop:
        parsed = self._checked_url(url, subject)
        host = parsed.host
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        address = self._checked_address(host, port, url, subject)
        pinned = parsed.copy_with(host=str(address))
        host_header = host if parsed.port is None else f"{_bracketed(host)}:{parsed.port}"
        timeout = httpx.Timeout(
            self.options.read_timeout_seconds, connect=self.options.connect_timeout_seconds
        )
        extensions: dict[str, Any] = {"timeout": timeout.as_dict()}
        if parsed.scheme == "https":
            extensions["sni_hostname"] = host
        request = httpx.Request(
            "GET", pinned, headers={**headers, "Host": host_header}, extensions=extensions
        )
        with self._host_limit(host):
            try:
                response = self._transport.handle_request(request)
            except httpx.TimeoutException:
                raise _Retryable("timed out") from None
            except httpx.TransportError as error:
                raise _Retryable(f"could not be reached: {error or type(error).__name__}") from None
            try:
                return self._answer(url, response, subject)
            finally:
                response.close()

    def _answer(self, url: str, response: httpx.Response, subject: str) -> _Hop:
        status = response.status_code
        if status in _REDIRECT_STATUSES:
            return _Hop(status, location=response.headers.get("Location"))
        if status == 304:
            return _Hop(status)
        if status in _RETRY_STATUSES or _is_rate_limited(response):
            retry_after = requested_wait(response.headers)
            if retry_after is None:
                retry_after = _rate_limit_reset_wait(response)
            if retry_after is not None and too_long(retry_after, self.options.max_retry_after_seconds):
                raise TransientError(
                    f"{url} answered {status} and asks to wait {retry_after:.0f} s, longer than the "
                    f"{self.options.max_retry_after_seconds:.0f} s capgraph waits",
                    subject=subject,
                    hint="try again later",
                )
            raise _Retryable(f"answered HTTP {status}", retry_after)
        if status in _NOT_FOUND_STATUSES:
            raise HttpNotFound(f"{url} answered {status}", subject=subject)
        if not 200 <= status < 300:
            raise SourceError(
                f"{url} answered HTTP {status} {response.reason_phrase}".rstrip(),
                subject=subject,
                hint="check the ref; 401/403 may mean a token is needed or lacks access",
            )
        content_type = response.headers.get("Content-Type", "")
        body = self._read_capped(url, response, subject)
        return _Hop(
            status,
            content_type=content_type,
            text=_decode(body, content_type),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    def _read_capped(self, url: str, response: httpx.Response, subject: str) -> bytes:
        limit = self.options.max_body_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise self._too_large(url, subject, f"it declares {human_size(int(declared))}")
        chunks: list[bytes] = []
        received = 0
        try:
            # Decoded bytes are counted, so a small compressed body cannot expand past the cap either.
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > limit:
                    raise self._too_large(url, subject, "reading stopped at the limit")
                chunks.append(chunk)
        except httpx.TimeoutException:
            raise _Retryable("stalled while sending its body (read timed out)") from None
        except httpx.DecodingError:
            raise SourceError(f"{url} sent a body that does not decompress", subject=subject) from None
        except httpx.TransportError as error:
            raise _Retryable(f"dropped the connection mid-body: {error or type(error).__name__}") from None
        return b"".join(chunks)

    def _too_large(self, url: str, subject: str, detail: str) -> SourceError:
        return SourceError(
            f"{url} is larger than the {human_size(self.options.max_body_bytes)} limit ({detail})",
            subject=subject,
            hint="raise the CAPGRAPH_MAX_DOCUMENT_BYTES setting if the page is really that large",
        )

    def _checked_url(self, url: str, subject: str) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as error:
            raise SourceError(f"{url!r} is not a valid URL: {error}", subject=subject) from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise SourceError(
                f"{url} is not an http(s) URL", subject=subject, hint="only http:// and https:// are fetched"
            )
        return parsed

    def _checked_address(self, host: str, port: int, url: str, subject: str) -> IpAddress:
        """The address to connect to, after every address ``host`` resolves to passed the checks."""
        try:
            addresses: Sequence[IpAddress] = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                addresses = self._resolver(host, port)
            except socket.gaierror as error:
                if error.errno == socket.EAI_AGAIN:
                    raise TransientError(
                        f"{host} could not be resolved right now ({error.strerror})",
                        subject=subject,
                        hint="check the network and try again",
                    ) from None
                raise SourceError(
                    f"{host} does not resolve ({error.strerror})", subject=subject, hint="check the URL"
                ) from None
        if not addresses:
            raise SourceError(f"{host} resolves to no address", subject=subject, hint="check the URL")
        for address in addresses:
            refusal = address_refusal(address, self.options)
            if refusal == _METADATA_REFUSAL:
                raise SourceError(
                    f"refused to fetch {url}: {host} resolves to {address}, {refusal}",
                    subject=subject,
                    hint="cloud metadata addresses are never fetched, whatever the address settings say",
                )
            if refusal is not None:
                raise SourceError(
                    f"refused to fetch {url}: {host} resolves to {address}, {refusal}",
                    subject=subject,
                    hint="only public addresses are fetched unless CAPGRAPH_ALLOW_PRIVATE_ADDRESSES is set",
                )
        return addresses[0]

    def _host_limit(self, host: str) -> threading.BoundedSemaphore:
        key = host.lower()
        with self._host_limits_lock:
            limit = self._host_limits.get(key)
            if limit is None:
                limit = threading.BoundedSemaphore(self.options.per_host_limit)
                self._host_limits[key] = limit
            return limit


def _is_rate_limited(response: httpx.Response) -> bool:
    """GitHub and others answer 403 (not 429) when a rate limit is spent; the headers tell them apart."""
    return response.status_code == 403 and (
        response.headers.get("X-RateLimit-Remaining") == "0" or "Retry-After" in response.headers
    )


def _rate_limit_reset_wait(response: httpx.Response) -> float | None:
    """Seconds until ``X-RateLimit-Reset`` (epoch seconds), when a spent rate limit names its reset."""
    reset = response.headers.get("X-RateLimit-Reset", "")
    if response.headers.get("X-RateLimit-Remaining") != "0" or not reset.isdigit():
        return None
    return max(0.0, int(reset) - time.time())


def _decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    for parameter in content_type.split(";")[1:]:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        return body.decode(charset, errors="replace").removeprefix("\ufeff")
    except LookupError:
        return body.decode("utf-8", errors="replace").removeprefix("\ufeff")


def _same_origin(first: str, second: str) -> bool:
    a, b = httpx.URL(first), httpx.URL(second)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def iter_json_items(payload: Any, key: str) -> Iterator[dict[str, Any]]:
    """The objects in ``payload[key]`` (or ``payload`` itself when it is a list), skipping anything else."""
    items = payload.get(key) if isinstance(payload, dict) else payload
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, dict))
