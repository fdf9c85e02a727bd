"""Client-side rate limiting: token buckets for requests per minute and input tokens per minute.

Keeps a large run under the account's limits so it does not turn into a storm of 429s. One limiter
is shared by every worker thread; waiting happens outside the lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Holds up to ``per_minute`` units and refills at ``per_minute / 60`` units a second.

    Not thread-safe on its own: ``RateLimiter`` holds the lock.
    """

    def __init__(self, per_minute: float, now: float) -> None:
        if per_minute <= 0:
            raise ValueError("a bucket needs a positive rate")
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60.0
        self.level = self.capacity
        self._updated = now

    def refill(self, now: float) -> None:
        elapsed = max(now - self._updated, 0.0)
        self.level = min(self.capacity, self.level + elapsed * self.refill_per_second)
        self._updated = now

    def seconds_until(self, amount: float, now: float) -> float:
        """How long until ``amount`` units are there (0 when they already are)."""
        self.refill(now)
        missing = amount - self.level
        return 0.0 if missing <= 0 else missing / self.refill_per_second

    def take(self, amount: float) -> None:
        self.level -= amount

    def adjust(self, amount: float) -> None:
        """Give back (positive) or charge (negative) units; a debt of up to one capacity is kept."""
        self.level = max(min(self.level + amount, self.capacity), -self.capacity)


class RateLimiter:
    """Blocks each request until both budgets allow it."""

    def __init__(
        self,
        requests_per_minute: float,
        input_tokens_per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        now = clock()
        self.requests = TokenBucket(requests_per_minute, now)
        self.input_tokens = TokenBucket(input_tokens_per_minute, now)

    def acquire(self, input_tokens: int) -> float:
        """Wait until one request carrying ``input_tokens`` may go; returns the seconds waited.

        A request larger than a whole minute's token budget waits for a full bucket rather than
        forever.
        """
        amount = min(float(max(input_tokens, 0)), self.input_tokens.capacity)
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                delay = max(self.requests.seconds_until(1, now), self.input_tokens.seconds_until(amount, now))
                if delay <= 0:
                    self.requests.take(1)
                    self.input_tokens.take(amount)
                    return waited
            self._sleep(delay)
            waited += delay

    def settle(self, estimated_tokens: int, actual_tokens: int) -> None:
        """Correct the token budget once the response says how many input tokens the request used."""
        with self._lock:
            self.input_tokens.refill(self._clock())
            self.input_tokens.adjust(estimated_tokens - actual_tokens)
