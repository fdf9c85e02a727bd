"""The HTTP client's discipline against a real server on 127.0.0.1: caching, retries, limits, refusals."""

from __future__ import annotations

import ipaddress
import itertools
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from schemas import SourceError, TransientError
from schemas.waits import parse_retry_after
from sources.http import HttpNotFound, HttpOptions, address_refusal
from tests.fakes.fixture_server import FixtureServer, Reply
from tests.remote.helpers import MemoryHttpCache, make_client


def test_plain_get_names_capgraph_in_the_user_agent(server: FixtureServer):
    server.text("/page", "hello there")

    response = make_client().get(server.url("/page"), subject="url:test")

    assert response.text == "hello there"
    assert response.from_cache is False
    user_agent = server.requests_for("/page")[0].header("User-Agent")
    assert user_agent is not None and user_agent.startswith("capgraph/")


def test_second_fetch_is_conditional_and_a_304_returns_the_cached_body(server: FixtureServer):
    server.route("/doc", Reply(body="version one", content_type="text/plain", etag='"v1"'))
    cache = MemoryHttpCache()
    client = make_client(cache=cache)

    first = client.get(server.url("/doc"), subject="url:doc")
    second = client.get(server.url("/doc"), subject="url:doc")

    assert [first.text, second.text] == ["version one", "version one"]
    assert (first.from_cache, second.from_cache) == (False, True)
    seen = server.requests_for("/doc")
    assert seen[0].header("If-None-Match") is None
    assert seen[1].header("If-None-Match") == '"v1"'


def test_a_changed_resource_replaces_the_cached_body(server: FixtureServer):
    server.route(
        "/doc",
        Reply(body="old", etag='"a"', headers={"Last-Modified": "Tue, 01 Apr 2025 10:00:00 GMT"}),
        Reply(body="new", etag='"b"'),
    )
    cache = MemoryHttpCache()
    client = make_client(cache=cache)

    client.get(server.url("/doc"), subject="s")
    changed = client.get(server.url("/doc"), subject="s")

    assert changed.text == "new" and changed.from_cache is False
    assert server.requests_for("/doc")[1].header("If-Modified-Since") == "Tue, 01 Apr 2025 10:00:00 GMT"
    assert cache.get(server.url("/doc")).etag == '"b"'


def test_404_is_a_terminal_not_found(server: FixtureServer):
    with pytest.raises(HttpNotFound, match="answered 404") as caught:
        make_client().get(server.url("/missing"), subject="url:missing")
    assert caught.value.subject == "url:missing"
    assert not caught.value.transient


def test_429_waits_the_retry_after_seconds_then_succeeds(server: FixtureServer):
    server.route("/busy", Reply(status=429, headers={"Retry-After": "7"}), Reply(body="done"))
    sleeps: list[float] = []

    response = make_client(sleeps=sleeps).get(server.url("/busy"), subject="s")

    assert response.text == "done"
    assert sleeps == [7.0]
    assert len(server.requests_for("/busy")) == 2


def test_retry_after_as_an_http_date(server: FixtureServer):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.route("/busy", Reply(status=503, headers={"Retry-After": later}), Reply(body="ok"))
    sleeps: list[float] = []

    make_client(sleeps=sleeps).get(server.url("/busy"), subject="s")

    assert len(sleeps) == 1 and 20 < sleeps[0] <= 30


def test_retry_after_beyond_the_cap_fails_at_once_as_transient(server: FixtureServer):
    server.route("/busy", Reply(status=429, headers={"Retry-After": "3600"}))
    sleeps: list[float] = []

    with pytest.raises(TransientError, match="asks to wait 3600 s"):
        make_client(sleeps=sleeps, http_max_retry_after_seconds=60).get(server.url("/busy"), subject="s")

    assert sleeps == []
    assert len(server.requests_for("/busy")) == 1


def test_500_then_success_is_retried_with_backoff(server: FixtureServer):
    server.route("/flaky", Reply(status=500, body="boom"), Reply(body="fine"))
    sleeps: list[float] = []

    assert make_client(sleeps=sleeps).get(server.url("/flaky"), subject="s").text == "fine"
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.01


def test_persistent_500_becomes_a_transient_error_after_every_attempt(server: FixtureServer):
    server.route("/down", Reply(status=502))

    with pytest.raises(TransientError, match=r"answered HTTP 502 \(3 attempts\)") as caught:
        make_client(sleeps=[]).get(server.url("/down"), subject="hf:acme/x")

    assert caught.value.subject == "hf:acme/x"
    assert server.url("/down") in str(caught.value)
    assert len(server.requests_for("/down")) == 3


def test_a_slow_server_hits_the_read_timeout(server: FixtureServer):
    server.route("/slow", Reply(body="late", delay=1.0))

    with pytest.raises(TransientError, match="timed out"):
        make_client(http_read_timeout_seconds=0.1, http_max_attempts=2).get(server.url("/slow"), subject="s")

    assert len(server.requests_for("/slow")) == 2


def test_an_endless_body_stops_at_the_size_cap(server: FixtureServer):
    sent: list[int] = []

    def forever():
        for number in itertools.count():
            sent.append(number)
            yield b"x" * 1024

    server.route("/endless", Reply(chunks=forever, content_type="text/html"))

    with pytest.raises(SourceError, match=r"larger than the 10.0 kB limit") as caught:
        make_client(max_document_bytes=10_000).get(server.url("/endless"), subject="url:endless")

    assert server.url("/endless") in str(caught.value)
    assert not caught.value.transient


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: FixtureServer):
    server.text("/big", "y" * 5000)

    with pytest.raises(SourceError, match=r"declares 5.0 kB"):
        make_client(max_document_bytes=1000).get(server.url("/big"), subject="s")


def test_a_redirect_loop_is_refused(server: FixtureServer):
    server.route("/a", Reply(status=302, headers={"Location": "/b"}))
    server.route("/b", Reply(status=301, headers={"Location": "/a"}))

    with pytest.raises(SourceError, match="redirect loop"):
        make_client().get(server.url("/a"), subject="s")

    assert len(server.requests) == 2


def test_more_than_five_redirects_are_refused(server: FixtureServer):
    for hop in range(10):
        server.route(f"/r{hop}", Reply(status=307, headers={"Location": f"/r{hop + 1}"}))

    with pytest.raises(SourceError, match="too many redirects: more than 5"):
        make_client().get(server.url("/r0"), subject="s")

    assert len(server.requests) == 6


def test_redirects_within_the_limit_are_followed(server: FixtureServer):
    server.route("/old", Reply(status=301, headers={"Location": "/new"}))
    server.text("/new", "moved here")

    response = make_client().get(server.url("/old"), subject="s")

    assert response.text == "moved here"
    assert response.final_url == server.url("/new")


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://10.0.0.1/admin", "a private address"),
        ("http://169.254.169.254/latest/meta-data/", "a cloud metadata service address"),
        ("http://[fd00:ec2::254]/", "a cloud metadata service address"),
        ("http://[::ffff:192.168.1.1]/", "a private address"),
        ("http://127.0.0.2:9/", "a loopback address"),
    ],
)
def test_a_redirect_to_a_non_public_address_is_refused_without_asking_it(server, target, reason):
    server.route("/hop", Reply(status=302, headers={"Location": target}))

    # The suite's network guard would fail the test if the client tried to connect to the target.
    with pytest.raises(SourceError, match="refused to fetch") as caught:
        make_client().get(server.url("/hop"), subject="url:hop")

    assert reason in str(caught.value)
    assert len(server.requests) == 1


def test_a_host_name_that_resolves_to_a_private_address_is_refused(server: FixtureServer):
    def resolver(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        return [ipaddress.ip_address("52.1.2.3"), ipaddress.ip_address("192.168.0.7")]

    server.route("/hop", Reply(status=302, headers={"Location": "http://intranet.test/"}))

    with pytest.raises(SourceError, match=r"intranet.test resolves to 192.168.0.7, a private address"):
        make_client(resolver=resolver).get(server.url("/hop"), subject="s")


def test_metadata_addresses_stay_refused_when_private_addresses_are_allowed():
    options = HttpOptions(allow_private_addresses=True)

    assert address_refusal(ipaddress.ip_address("10.1.2.3"), options) is None
    assert address_refusal(ipaddress.ip_address("169.254.169.254"), options) is not None
    assert address_refusal(ipaddress.ip_address("93.184.215.14"), HttpOptions()) is None
    assert address_refusal(ipaddress.ip_address("127.0.0.1"), HttpOptions()) == "a loopback address"


def test_credentials_are_not_forwarded_to_another_origin():
    with FixtureServer() as first, FixtureServer() as second:
        second.text("/landing", "other origin")
        first.route("/start", Reply(status=302, headers={"Location": second.url("/landing")}))

        make_client().get(first.url("/start"), subject="s", headers={"Authorization": "Bearer secret-x"})

        assert first.requests_for("/start")[0].header("Authorization") == "Bearer secret-x"
        assert second.requests_for("/landing")[0].header("Authorization") is None


def test_invalid_json_is_a_clear_error_naming_the_url(server: FixtureServer):
    server.text("/api", "<html>maintenance</html>", content_type="text/html")

    with pytest.raises(SourceError, match="returned invalid JSON") as caught:
        make_client().get_json(server.url("/api"), subject="pypi:thing")

    assert server.url("/api") in str(caught.value)
    assert str(caught.value).startswith("pypi:thing: ")


def test_only_http_urls_are_fetched():
    with pytest.raises(SourceError, match="not an http"):
        make_client().get("file:///etc/passwd", subject="s")


def test_per_host_limit_caps_requests_in_flight(server: FixtureServer):
    server.route("/slowish", Reply(body="ok", delay=0.15))
    client = make_client(http_per_host_limit=3)
    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            client.get(server.url("/slowish"), subject="s")
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(server.requests) == 9
    assert server.max_in_flight == 3


def test_parse_retry_after_forms():
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Wed, 01 Jan 2025 00:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Tue, 31 Dec 2024 00:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


_METADATA_SPELLINGS = [
    "169.254.169.254",
    "169.254.170.2",
    "100.100.100.200",
    "fd00:ec2::254",
    "::ffff:169.254.169.254",
    "::ffff:169.254.170.2",
    "::ffff:100.100.100.200",
    "::169.254.169.254",
    "::100.100.100.200",
    "64:ff9b::169.254.169.254",
    "2002:a9fe:a9fe::1",
]
_ALLOW_EVERYTHING = {"allow_private_addresses": True, "http_allowed_networks": ["0.0.0.0/0", "::/0"]}


@pytest.mark.parametrize("address", _METADATA_SPELLINGS)
@pytest.mark.parametrize(
    "settings",
    [{}, _ALLOW_EVERYTHING, {"http_allowed_networks": ["169.254.0.0/16", "100.64.0.0/10", "fd00::/8"]}],
    ids=["defaults", "allow-everything", "allow-the-ranges"],
)
def test_metadata_addresses_are_refused_whatever_the_settings_allow(address: str, settings: dict):
    def resolver(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        return [ipaddress.ip_address(address)]

    # Refused before any connection: the suite's network guard fails the test if one is attempted.
    with pytest.raises(SourceError, match="a cloud metadata service address") as caught:
        make_client(resolver=resolver, **settings).get("http://instance-data.test/latest/", subject="url:x")

    assert caught.value.subject == "url:x"
    assert "never fetched" in str(caught.value.hint)


@pytest.mark.parametrize("address", _METADATA_SPELLINGS)
def test_a_redirect_to_a_metadata_address_is_refused_even_when_everything_is_allowed(
    server: FixtureServer, address: str
):
    literal = ipaddress.ip_address(address)
    target = f"http://[{literal}]/latest/" if literal.version == 6 else f"http://{literal}/latest/"
    server.route("/hop", Reply(status=302, headers={"Location": target}))
    server.route("/named", Reply(status=302, headers={"Location": "http://metadata.test/latest/"}))

    def resolver(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        return [ipaddress.ip_address("127.0.0.1")] if host == "127.0.0.1" else [literal]

    client = make_client(resolver=resolver, **_ALLOW_EVERYTHING)
    for path in ("/hop", "/named"):
        with pytest.raises(SourceError, match="a cloud metadata service address"):
            client.get(server.url(path), subject="url:hop")

    assert [request.path for request in server.requests] == ["/hop", "/named"]


def test_an_allowlist_still_opens_ordinary_private_addresses_and_their_mapped_forms():
    options = HttpOptions(allowed_networks=(ipaddress.ip_network("10.0.0.0/8"),))

    assert address_refusal(ipaddress.ip_address("10.2.3.4"), options) is None
    assert address_refusal(ipaddress.ip_address("::ffff:10.2.3.4"), options) is None
    assert address_refusal(ipaddress.ip_address("::ffff:192.168.1.1"), options) == "a private address"
    assert address_refusal(ipaddress.ip_address("::1"), HttpOptions()) == "a loopback address"
    assert address_refusal(ipaddress.ip_address("2606:4700::1111"), HttpOptions()) is None
