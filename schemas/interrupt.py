"""A run-wide stop flag that every wait listens to, so SIGTERM or SIGINT ends a run within seconds.

Retry backoff, rate-limit waits and batch polling all sleep through ``Interrupt.sleep`` instead of
``time.sleep``: when the flag is set, every sleeper wakes at once and raises ``RunInterrupted``.
"""

from __future__ import annotations

import threading

from schemas.errors import RunInterrupted


class Interrupt:
    """Set once (by a signal handler or a caller); every ``sleep`` then ends early with ``RunInterrupted``."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._reason = "the run was interrupted"

    def set(self, reason: str) -> None:
        if not self._event.is_set():
            self._reason = reason
        self._event.set()

    @property
    def is_set(self) -> bool:
        return self._event.is_set()

    @property
    def reason(self) -> str:
        return self._reason

    def check(self) -> None:
        """Raise ``RunInterrupted`` if the flag is set; for loops between waits."""
        if self._event.is_set():
            raise RunInterrupted(self._reason, hint="what finished is stored; run again to do the rest")

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if the flag is set meanwhile (then raise ``RunInterrupted``)."""
        if self._event.wait(max(seconds, 0.0)):
            self.check()
