"""How long to wait before trying again: the server's Retry-After, else capped, half-jittered backoff.

Shared by every stage that retries (the HTTP client of sources/, the Claude caller of extractors/);
each keeps only an adapter reading the wait from its own exception types and its own caps.
"""

from __future__ import annotations

import email.utils
import math
import random
from collections.abc import Mapping
from datetime import UTC, datetime


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from one Retry-After value: delta-seconds (a non-negative number) or an HTTP date
    (a date in the past means now: 0). None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        return _seconds_until(text, now)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _seconds_until(text: str, now: datetime | None) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def requested_wait(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """The wait a response asks for: ``retry-after-ms`` first (milliseconds), then ``retry-after``.

    Header names are matched without regard to case, whatever mapping holds them.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    milliseconds = parse_retry_after(lowered.get("retry-after-ms"))
    if milliseconds is not None and _is_number(lowered["retry-after-ms"]):
        return milliseconds / 1000.0
    return parse_retry_after(lowered.get("retry-after"), now=now)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """The wait before retry number ``attempt`` (1 = the first retry): ``base * 2**(attempt-1)``, at most
    ``cap``, half jittered (between half and all of it), so workers that failed together do not retry
    together while every wait still grows."""
    step = min(base * 2.0 ** (attempt - 1), cap)
    return step / 2 + (rng or random).uniform(0, step / 2)


def wait_before_retry(
    attempt: int,
    asked: float | None,
    *,
    base: float,
    cap: float,
    max_retry_after: float,
    rng: random.Random | None = None,
) -> float:
    """What the server ``asked`` for (at most ``max_retry_after``), else the backoff for ``attempt``.

    Callers refuse a wait over ``max_retry_after`` before sleeping (see ``too_long``); the bound here
    only keeps a stray one from sleeping longer.
    """
    if asked is not None:
        return min(asked, max_retry_after)
    return backoff_seconds(attempt, base=base, cap=cap, rng=rng)


def too_long(asked: float, max_retry_after: float) -> bool:
    """Whether a requested wait is longer than the run will sleep (the stage then gives up or defers)."""
    return asked > max_retry_after
