"""What an SDK failure means for capgraph: retry it, fail this tool, or stop the run.

The SDK's own retries are off (``max_retries=0``); this module is the one retry layer: which
failures are transient, how long to wait before the next attempt (``schemas.waits``: the API's
``retry-after-ms``, then ``retry-after``, else exponential backoff with jitter), and the capgraph
error each failure finally becomes.
"""

from __future__ import annotations

import random
import socket

import anthropic
from tenacity import RetryCallState
from tenacity.wait import wait_base

from schemas import CapgraphError, DeferredError, ExtractionError, FatalRunError, TransientError
from schemas.waits import requested_wait, too_long, wait_before_retry

_TERMINAL_HINTS = {
    400: "the API rejected the request as invalid; the message says which part",
    403: "the API key lacks permission for this model or feature",
    404: "check CAPGRAPH_ANTHROPIC_MODEL and CAPGRAPH_ANTHROPIC_BASE_URL",
    413: "the request is too large; lower CAPGRAPH_ANTHROPIC_INPUT_TOKEN_BUDGET so long documents are split",
}


def is_transient(error: BaseException) -> bool:
    """Worth another attempt: timeouts, dropped connections, 408, 409, 429 and 5xx (501 excepted).

    A stop request (``RunInterrupted``) or any other capgraph error is never retried.
    """
    if isinstance(error, CapgraphError):
        return False
    if isinstance(error, anthropic.APIConnectionError):  # includes APITimeoutError
        return True
    if isinstance(error, anthropic.APIStatusError):
        status = error.status_code
        return status in (408, 409, 429) or (status >= 500 and status != 501)
    return False


# The transport's "could not open a connection" failures, recognised by name: httpx (and the httpcore
# beneath it) may only be imported in sources/, and the SDK chains its error to theirs.
_CONNECT_FAILURES = frozenset({"ConnectError", "ConnectTimeout"})


def never_sent(error: BaseException) -> bool:
    """Whether a failed request certainly never left this machine (so the API cannot bill it).

    True only when the connection itself could not be opened: refused, no route, the name did not
    resolve, or the connect timed out. Everything later (a read timeout, a reset mid-response) may
    have been processed and billed.
    """
    seen: BaseException | None = error
    while seen is not None:
        if (
            isinstance(seen, ConnectionRefusedError | socket.gaierror)
            or type(seen).__name__ in _CONNECT_FAILURES
        ):
            return True
        seen = seen.__cause__
    return False


def reached_server(error: BaseException) -> bool:
    """Whether the failed request may have reached the API (and so belongs in the ledger)."""
    if isinstance(error, anthropic.APIStatusError | anthropic.APIResponseValidationError):
        return True
    return isinstance(error, anthropic.APIConnectionError) and not never_sent(error)


def billed_cost_known(error: BaseException) -> bool:
    """Whether a failed request's cost is known: an error answer is not billed (zero); a request that
    timed out, was cut off, or answered with an unreadable body may have been billed for unknown usage."""
    return isinstance(error, anthropic.APIStatusError)


def retry_after_seconds(error: BaseException) -> float | None:
    """The wait an error response asks for (``schemas.waits.requested_wait``), or None without one."""
    response = getattr(error, "response", None)
    if response is None:
        return None
    return requested_wait(response.headers)


class RetryAfterOrBackoff(wait_base):
    """tenacity's view of ``schemas.waits``: what the API asked for, else ``base * 2**(n-1)`` capped at
    ``maximum``, half jittered.

    A wait the API asks for beyond ``max_retry_after`` is never slept: ``ApiCaller`` defers the tool
    instead (see ``wait_too_long``).
    """

    def __init__(
        self, base: float, maximum: float, rng: random.Random | None = None, *, max_retry_after: float = 60.0
    ) -> None:
        self.base = base
        self.maximum = maximum
        self.max_retry_after = max_retry_after
        self._rng = rng or random.Random()

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None else None
        return wait_before_retry(
            retry_state.attempt_number,
            retry_after_seconds(error) if error is not None else None,
            base=self.base,
            cap=self.maximum,
            max_retry_after=self.max_retry_after,
            rng=self._rng,
        )


def wait_too_long(error: BaseException, limit: float) -> float | None:
    """The wait the API asked for, when it is longer than ``limit`` seconds (else None)."""
    asked = retry_after_seconds(error)
    return asked if asked is not None and too_long(asked, limit) else None


def deferred(error: BaseException, *, subject: str, asked: float) -> DeferredError:
    """The tool waits for the next run rather than this run sleeping through an outage."""
    return DeferredError(
        f"deferred to the next run: the API asked to wait {asked:.0f} s ({describe(error)})",
        subject=subject,
        hint="its stored records are kept; raise CAPGRAPH_ANTHROPIC_MAX_RETRY_AFTER_SECONDS to wait instead",
    )


def describe(error: BaseException) -> str:
    """``429 rate_limit_error: <the API's message>`` or the transport failure in a few words."""
    if isinstance(error, anthropic.APIStatusError):
        kind = error.type or "error"
        message = error.api_message or error.message
        return f"{error.status_code} {kind}: {message}"
    if isinstance(error, anthropic.APITimeoutError):
        return "the request timed out"
    if isinstance(error, anthropic.APIConnectionError):
        return f"could not connect to the API ({error.message})"
    if isinstance(error, anthropic.APIResponseValidationError):
        return f"the API's response did not match the SDK's schema ({error.status_code})"
    return f"{type(error).__name__}: {error}"


def translate(error: BaseException, *, subject: str, attempts: int) -> CapgraphError:
    """The capgraph error an SDK failure becomes once no more attempts will be made.

    A capgraph error (a stop request, the cost cap) is already one and passes through unchanged.
    """
    if isinstance(error, CapgraphError):
        return error
    if isinstance(error, anthropic.AuthenticationError):
        return FatalRunError(
            f"the Anthropic API rejected the API key ({describe(error)})",
            subject="Anthropic API key",
            hint="set a valid key in CAPGRAPH_ANTHROPIC_API_KEY (or ANTHROPIC_API_KEY)",
        )
    if isinstance(error, anthropic.APIStatusError) and error.status_code == 402:
        return FatalRunError(
            f"the Anthropic account cannot pay for requests ({describe(error)})",
            subject="Anthropic billing",
            hint="add credit or fix the payment method in the Anthropic console",
        )
    if is_transient(error):
        return TransientError(
            f"the Anthropic API kept failing after {attempts} attempt(s): {describe(error)}",
            subject=subject,
            hint="try again later, or lower CAPGRAPH_ANTHROPIC_REQUESTS_PER_MINUTE",
        )
    status = getattr(error, "status_code", None)
    return ExtractionError(
        f"the Anthropic API refused the request: {describe(error)}",
        subject=subject,
        hint=_TERMINAL_HINTS.get(status) if isinstance(status, int) else None,
    )
