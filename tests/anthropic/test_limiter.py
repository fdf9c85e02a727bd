"""The client-side limiter's arithmetic, on a fake clock: no real waiting, no timing assertions."""

from __future__ import annotations

import pytest

from extractors.anthropic import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def make(rpm: float, tpm: float) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(rpm, tpm, clock=clock, sleep=clock.sleep), clock


def test_a_full_minute_of_requests_goes_at_once_then_one_per_refill() -> None:
    limiter, clock = make(rpm=60, tpm=1_000_000)
    for _ in range(60):
        assert limiter.acquire(10) == 0.0
    assert clock.slept == []
    assert limiter.acquire(10) == pytest.approx(1.0)  # 60 per minute refills one a second
    assert clock.slept == [pytest.approx(1.0)]


def test_input_tokens_wait_for_their_share_of_the_minute() -> None:
    limiter, clock = make(rpm=1000, tpm=6000)
    assert limiter.acquire(4000) == 0.0
    # 2000 left, 4000 wanted: 2000 more at 100 tokens a second.
    assert limiter.acquire(4000) == pytest.approx(20.0)
    assert clock.now == pytest.approx(1020.0)


def test_the_slower_budget_decides_the_wait() -> None:
    limiter, _clock = make(rpm=6, tpm=600)
    limiter.acquire(600)
    # The request bucket refills one in 10 s; the token bucket needs 100 tokens at 10/s: 10 s too.
    assert limiter.acquire(100) == pytest.approx(10.0)
    # Now both are empty: one request needs 10 s, 300 tokens need 30 s.
    assert limiter.acquire(300) == pytest.approx(30.0)


def test_a_request_bigger_than_a_minute_waits_for_a_full_bucket_not_forever() -> None:
    limiter, _clock = make(rpm=100, tpm=1000)
    limiter.acquire(500)
    assert limiter.acquire(50_000) == pytest.approx(30.0)  # refill the missing 500 at ~16.7/s


def test_settling_returns_unused_tokens_and_charges_extra_ones() -> None:
    limiter, _clock = make(rpm=1000, tpm=6000)
    limiter.acquire(3000)
    limiter.settle(estimated_tokens=3000, actual_tokens=1000)  # 2000 back: 5000 available
    assert limiter.acquire(5000) == 0.0
    limiter.settle(estimated_tokens=0, actual_tokens=600)  # 600 of debt
    assert limiter.acquire(600) == pytest.approx(12.0)  # 1200 tokens at 100/s


def test_waiting_long_enough_refills_without_exceeding_capacity() -> None:
    limiter, clock = make(rpm=10, tpm=1000)
    for _ in range(10):
        limiter.acquire(100)
    clock.now += 3600
    for _ in range(10):
        assert limiter.acquire(100) == 0.0
    assert limiter.acquire(100) > 0


def test_rates_must_be_positive() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0, 100)
