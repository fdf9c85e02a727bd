"""One Retry-After reader and one backoff for every stage; each stage keeps its own caps."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx

from schemas.waits import backoff_seconds, parse_retry_after, requested_wait, too_long, wait_before_retry


def test_a_requested_wait_in_every_form() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    assert requested_wait({"Retry-After": "12"}) == 12.0
    assert requested_wait({"retry-after": "0.25"}) == 0.25
    assert requested_wait({"retry-after-ms": "1500", "retry-after": "30"}) == 1.5
    assert requested_wait({"Retry-After": "Wed, 01 Jan 2025 00:00:30 GMT"}, now=now) == 30.0
    assert requested_wait(httpx.Headers({"RETRY-AFTER-MS": "20"})) == 0.02
    assert requested_wait({"retry-after-ms": "soon", "retry-after": "3"}) == 3.0
    assert requested_wait({}) is None
    assert (
        parse_retry_after("-5") is None and parse_retry_after("nan") is None and parse_retry_after("") is None
    )


def test_backoff_doubles_is_capped_and_half_jittered() -> None:
    rng = random.Random(7)
    for attempt, step in ((1, 1.0), (2, 2.0), (3, 4.0), (6, 10.0), (30, 10.0)):
        waits = [backoff_seconds(attempt, base=1.0, cap=10.0, rng=rng) for _ in range(200)]
        assert all(step / 2 <= wait <= step for wait in waits)
        assert max(waits) - min(waits) > step / 4  # jittered, not fixed


def test_a_requested_wait_wins_over_backoff_within_the_stage_cap() -> None:
    assert wait_before_retry(3, 7.0, base=1.0, cap=2.0, max_retry_after=60.0) == 7.0
    assert wait_before_retry(3, 700.0, base=1.0, cap=2.0, max_retry_after=60.0) == 60.0
    assert too_long(120.5, 120.0) and not too_long(120.0, 120.0)
