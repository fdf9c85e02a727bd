"""Every request to the Claude API goes through here: hooks, rate limits, retries and the ledger row.

For each attempt: ``hooks.before_call()`` (which may raise ``BudgetExceeded``: it propagates and is
never retried), the client-side limiter, the request, then ``hooks.after_call(ApiCall(...))`` if the
request reached the server, successful or not. Transient failures are retried by tenacity; what
still fails is translated into a capgraph error.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

import anthropic
from anthropic.types import Message
from tenacity import Retrying, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_base

from extractors.anthropic.failures import (
    billed_cost_known,
    deferred,
    describe,
    is_transient,
    reached_server,
    translate,
    wait_too_long,
)
from extractors.anthropic.limiter import RateLimiter
from extractors.anthropic.pricing import PriceTable, TokenUsage
from extractors.anthropic.prompting import count_params
from extractors.base import CallHooks
from schemas import ApiCall, utc_now

T = TypeVar("T")
Purpose = Literal["extract", "repair", "chunk", "count_tokens", "batch_item"]

_ERROR_TEXT_LIMIT = 4000
_CLEAN_STOPS = frozenset({None, "end_turn", "stop_sequence"})


@dataclass(frozen=True)
class CallScope:
    """Who the requests are for: the tool the ledger rows name and the hooks that hear of them."""

    tool_id: str
    hooks: CallHooks
    batch_id: str | None = None


class ApiCaller:
    """Sends requests with the one retry layer, the limiter and the ledger; safe to share across threads."""

    def __init__(
        self,
        client: anthropic.Anthropic,
        *,
        model: str,
        max_attempts: int,
        wait: wait_base,
        limiter: RateLimiter,
        prices: PriceTable,
        sleep: Callable[[float], None] = time.sleep,
        max_retry_after: float = 60.0,
    ) -> None:
        self.client = client
        self.model = model
        self.max_attempts = max_attempts
        self.wait = wait
        self.limiter = limiter
        self.prices = prices
        self._sleep = sleep
        self.max_retry_after = max_retry_after

    @property
    def sleep(self) -> Callable[[float], None]:
        """How this caller waits (retry backoff); batch polling waits the same way."""
        return self._sleep

    def create_message(
        self,
        params: dict[str, Any],
        *,
        scope: CallScope,
        purpose: Purpose,
        estimated_input_tokens: int,
    ) -> Message:
        """``messages.create`` with retries; one ledger row per attempt that reached the server."""

        def attempt(number: int) -> Message:
            scope.hooks.before_call()
            self.limiter.acquire(estimated_input_tokens)
            started_at = utc_now()
            clock = time.perf_counter()
            try:
                # Never streamed: the SDK's overloads cannot tell that from a dict of parameters.
                message: Message = self.client.messages.create(**params)
            except anthropic.AnthropicError as error:
                # A rejected request used none of the minute's token budget.
                self.limiter.settle(estimated_input_tokens, 0)
                self._record_failure(scope, purpose, number, error, started_at, clock)
                raise
            usage = TokenUsage.from_api(message.usage)
            self.limiter.settle(estimated_input_tokens, usage.prompt_tokens)
            self.record(
                scope,
                purpose=purpose,
                attempt=number,
                status="ok" if message.stop_reason in _CLEAN_STOPS else str(message.stop_reason),
                http_status=200,
                started_at=started_at,
                latency_ms=_elapsed_ms(clock),
                usage=usage,
            )
            return message

        return self.with_retries(attempt, subject=scope.tool_id)

    def count_tokens(self, params: dict[str, Any], *, scope: CallScope) -> int:
        """Input tokens a create request would use, from ``messages.count_tokens`` (not billed)."""

        def attempt(number: int) -> int:
            scope.hooks.before_call()
            started_at = utc_now()
            clock = time.perf_counter()
            try:
                counted = self.client.messages.count_tokens(**count_params(params))
            except anthropic.AnthropicError as error:
                # Counting is free, so even a failed count is booked at zero rather than unpriced.
                self._record_failure(scope, "count_tokens", number, error, started_at, clock, Decimal(0))
                raise
            self.record(
                scope,
                purpose="count_tokens",
                attempt=number,
                status="ok",
                http_status=200,
                started_at=started_at,
                latency_ms=_elapsed_ms(clock),
                usage=TokenUsage(),
                # Token counting is free; the count is a size, not usage, so no tokens are booked.
                cost_usd=Decimal(0),
            )
            return counted.input_tokens

        return self.with_retries(attempt, subject=scope.tool_id)

    def with_retries(
        self,
        attempt: Callable[[int], T],
        *,
        subject: str,
        retry_if: Callable[[BaseException], bool] = is_transient,
    ) -> T:
        """Run ``attempt(n)`` until it succeeds, fails for good, or the attempts run out.

        A failure whose retry-after is longer than ``max_retry_after`` is not waited for: it becomes a
        ``DeferredError`` at once. Every wait goes through the injected ``sleep``, so a run's interrupt
        ends it (``RunInterrupted`` propagates, never retried).
        """
        attempts_made = 0
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self.wait,
            retry=retry_if_exception(
                lambda error: retry_if(error) and wait_too_long(error, self.max_retry_after) is None
            ),
            reraise=True,
            sleep=self._sleep,
        )
        try:
            for round_ in retrying:
                with round_:
                    attempts_made = round_.retry_state.attempt_number
                    result = attempt(attempts_made)
            return result
        except anthropic.AnthropicError as error:
            asked = wait_too_long(error, self.max_retry_after)
            if asked is not None and retry_if(error):
                raise deferred(error, subject=subject, asked=asked) from error
            raise translate(error, subject=subject, attempts=attempts_made) from error

    def _record_failure(
        self,
        scope: CallScope,
        purpose: Purpose,
        attempt: int,
        error: anthropic.AnthropicError,
        started_at: datetime,
        clock: float,
        cost_usd: Decimal | None = None,
    ) -> None:
        """Book a failed request in the ledger if it may have reached the server (only those can cost).

        An error answer (4xx/5xx) is not billed: zero. A request that timed out or was cut off after
        it was sent may have been processed and billed for usage nobody reported: its cost is unknown
        (None), never zero. A connection that could not even be opened sent nothing and is not booked.
        """
        if not reached_server(error):
            return
        self.record(
            scope,
            purpose=purpose,
            attempt=attempt,
            status=failure_status(error),
            http_status=getattr(error, "status_code", None),
            started_at=started_at,
            latency_ms=_elapsed_ms(clock),
            usage=TokenUsage(),
            error=describe(error),
            cost_usd=cost_usd,
            price=cost_usd is not None or billed_cost_known(error),
        )

    def record(
        self,
        scope: CallScope,
        *,
        purpose: Purpose,
        attempt: int,
        status: str,
        http_status: int | None,
        started_at: datetime,
        latency_ms: int,
        usage: TokenUsage,
        error: str | None = None,
        batch: bool = False,
        cost_usd: Decimal | None = None,
        price: bool = True,
    ) -> ApiCall:
        """Build the ledger row for one request and hand it to ``hooks.after_call``.

        ``cost_usd`` overrides the price of ``usage``; ``price=False`` books the cost as unknown.
        """
        if cost_usd is None and price:
            cost_usd = self.prices.cost_of(usage, self.model, batch=batch, at=started_at.date())
        call = ApiCall(
            tool_id=scope.tool_id,
            model=self.model,
            purpose=purpose,
            attempt=attempt,
            status=status[:40],
            http_status=http_status,
            started_at=started_at,
            latency_ms=latency_ms,
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
            cost_usd=cost_usd,
            batch_id=scope.batch_id,
            error=error[:_ERROR_TEXT_LIMIT] if error else None,
        )
        scope.hooks.after_call(call)
        return call


def failure_status(error: BaseException) -> str:
    """The ledger status of a failed request: the API's error type, ``timeout`` or ``invalid_response``."""
    if isinstance(error, anthropic.APIStatusError):
        return error.type or f"http_{error.status_code}"
    if isinstance(error, anthropic.APITimeoutError):
        return "timeout"
    if isinstance(error, anthropic.APIResponseValidationError):
        return "invalid_response"
    if isinstance(error, anthropic.APIConnectionError):
        return "connection_error"
    return "error"


def _elapsed_ms(started: float) -> int:
    return max(int((time.perf_counter() - started) * 1000), 0)
