"""Transient failures are retried (honouring retry-after), terminal ones are not, fatal ones stop the run."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable

import pytest

from extractors.anthropic import AnthropicExtractor
from extractors.anthropic.failures import is_transient, translate
from schemas import (
    BudgetExceeded,
    DeferredError,
    ExtractionError,
    FatalRunError,
    Interrupt,
    RunInterrupted,
    TransientError,
)
from tests.anthropic.helpers import TIDEPOOL, RecordingHooks, make_document, make_options
from tests.fakes.anthropic_server import FakeAnthropic, Reply, error_reply


def _rate_limited(ms: str) -> Reply:
    return error_reply(
        429,
        "rate_limit_error",
        "Number of request tokens has exceeded your rate limit.",
        headers={"retry-after-ms": ms, "retry-after": "30"},
    )


def _overloaded(ms: str) -> Reply:
    return error_reply(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": ms})


def test_a_429_and_529_storm_ends_in_success_waiting_as_told(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor(anthropic_max_retries=6)
    hooks = RecordingHooks()
    fake.queue("messages", _rate_limited("5"), _rate_limited("7"), _overloaded("11"), _overloaded("13"))
    result = extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert len(result.capabilities) == 3
    assert len(fake.message_requests) == 5
    # retry-after-ms wins over retry-after, and is what the extractor waited.
    assert sleeps == [0.005, 0.007, 0.011, 0.013]
    assert [call.attempt for call in hooks.calls] == [1, 2, 3, 4, 5]
    assert [call.status for call in hooks.calls] == [
        "rate_limit_error",
        "rate_limit_error",
        "overloaded_error",
        "overloaded_error",
        "ok",
    ]
    assert [call.http_status for call in hooks.calls] == [429, 429, 529, 529, 200]
    assert hooks.before_calls == 5


def test_retry_after_in_seconds_is_honoured_when_there_is_no_ms_header(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor()
    fake.queue("messages", error_reply(503, "api_error", "try later", headers={"retry-after": "0.25"}))
    extractor.extract(make_document(), tool=TIDEPOOL)
    assert sleeps == [0.25]


def test_without_retry_after_the_wait_grows_exponentially_with_jitter(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor(
        anthropic_retry_backoff_base_seconds=0.01,
        anthropic_retry_backoff_max_seconds=0.03,
        anthropic_max_retries=4,
    )
    fake.queue("messages", *(error_reply(500, "api_error", "Internal server error") for _ in range(4)))
    extractor.extract(make_document(), tool=TIDEPOOL)

    steps = [0.01, 0.02, 0.03, 0.03]  # base * 2**(n-1), capped at the maximum
    assert len(sleeps) == 4
    for waited, step in zip(sleeps, steps, strict=True):
        assert step / 2 <= waited <= step


def test_the_retry_budget_runs_out_into_a_transient_error(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor(anthropic_max_retries=2)
    hooks = RecordingHooks()
    fake.queue("messages", *(_overloaded("1") for _ in range(5)))
    with pytest.raises(TransientError) as caught:
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert len(fake.message_requests) == 3
    assert len(hooks.calls) == 3
    assert caught.value.subject == "pypi:tidepool"
    assert "after 3 attempt(s)" in caught.value.message
    assert "529 overloaded_error: Overloaded" in caught.value.message


def test_a_timeout_is_retried_then_becomes_a_transient_error(fake: FakeAnthropic, make_extractor) -> None:
    extractor = make_extractor(anthropic_timeout_seconds=0.2, anthropic_max_retries=1)
    hooks = RecordingHooks()
    fake.latency = 1.0
    with pytest.raises(TransientError, match="timed out"):
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert len(fake.message_requests) == 2
    assert [(call.status, call.http_status, call.attempt) for call in hooks.calls] == [
        ("timeout", None, 1),
        ("timeout", None, 2),
    ]


@pytest.mark.parametrize("status", [400, 403, 404, 413])
def test_client_errors_are_terminal_and_not_retried(
    fake: FakeAnthropic, extractor: AnthropicExtractor, status: int
) -> None:
    kinds = {
        400: "invalid_request_error",
        403: "permission_error",
        404: "not_found_error",
        413: "request_too_large",
    }
    fake.queue("messages", error_reply(status, kinds[status], f"the request was refused ({status})"))
    hooks = RecordingHooks()
    with pytest.raises(ExtractionError) as caught:
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert len(fake.message_requests) == 1
    assert caught.value.subject == "pypi:tidepool"
    assert f"{status} {kinds[status]}: the request was refused ({status})" in caught.value.message
    assert caught.value.hint
    assert [call.http_status for call in hooks.calls] == [status]


def test_a_bad_key_stops_the_run(fake: FakeAnthropic, make_extractor) -> None:
    fake.valid_keys = {"the-real-key"}
    extractor = make_extractor(anthropic_api_key="a-wrong-key")
    with pytest.raises(FatalRunError) as caught:
        extractor.extract(make_document(), tool=TIDEPOOL)

    assert len(fake.message_requests) == 1
    assert "rejected the API key" in caught.value.message
    assert "CAPGRAPH_ANTHROPIC_API_KEY" in (caught.value.hint or "")


def test_a_billing_problem_stops_the_run(fake: FakeAnthropic, extractor: AnthropicExtractor) -> None:
    fake.queue("messages", error_reply(402, "billing_error", "Your credit balance is too low."))
    with pytest.raises(FatalRunError, match="cannot pay") as caught:
        extractor.extract(make_document(), tool=TIDEPOOL)
    assert "credit balance is too low" in caught.value.message
    assert len(fake.message_requests) == 1


def test_no_key_at_all_is_fatal_before_any_request(fake: FakeAnthropic) -> None:

    with pytest.raises(FatalRunError, match="no Anthropic API key"):
        AnthropicExtractor.from_options(make_options(fake.base_url, anthropic_api_key=None))
    assert fake.requests == []


def test_budget_exceeded_stops_further_calls_and_is_not_retried(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    hooks = RecordingHooks(budget_calls=1)
    fake.queue(
        "messages", error_reply(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "1"})
    )
    with pytest.raises(BudgetExceeded):
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    # The first attempt went out and failed; the retry was stopped by the cost cap before it was sent.
    assert len(fake.message_requests) == 1
    assert [call.status for call in hooks.calls] == ["overloaded_error"]


def test_budget_exceeded_before_the_first_call_sends_nothing(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    with pytest.raises(BudgetExceeded):
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=RecordingHooks(budget_calls=0))
    assert fake.requests == []


def test_the_fake_refuses_requests_without_credentials(fake: FakeAnthropic) -> None:
    request = urllib.request.Request(
        f"{fake.base_url}/v1/messages",
        data=json.dumps({"model": "claude-haiku-5-5", "max_tokens": 10, "messages": []}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 401
    assert json.loads(caught.value.read())["error"]["type"] == "authentication_error"


def test_the_fake_rejects_sampling_parameters_for_haiku_5_5(fake: FakeAnthropic) -> None:
    request = urllib.request.Request(
        f"{fake.base_url}/v1/messages",
        data=json.dumps(
            {"model": "claude-haiku-5-5", "max_tokens": 10, "temperature": 0, "messages": []}
        ).encode(),
        headers={"content-type": "application/json", "x-api-key": "k"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400


def test_a_retry_after_longer_than_the_setting_defers_the_tool_without_waiting(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor(anthropic_max_retries=6)
    hooks = RecordingHooks()
    fake.queue("messages", error_reply(429, "rate_limit_error", "slow down", headers={"retry-after": "120"}))
    with pytest.raises(DeferredError) as caught:
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert caught.value.subject == "pypi:tidepool"
    assert "deferred to the next run: the API asked to wait 120 s" in caught.value.one_line()
    assert sleeps == [] and len(fake.message_requests) == 1
    (call,) = hooks.calls
    assert call.status == "rate_limit_error" and call.cost_usd == 0


def test_a_retry_after_within_the_setting_is_waited_for(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor(anthropic_max_retry_after_seconds=200)
    fake.queue("messages", error_reply(429, "rate_limit_error", "slow down", headers={"retry-after": "120"}))
    extractor.extract(make_document(), tool=TIDEPOOL)
    assert sleeps == [120.0] and len(fake.message_requests) == 2


def _interrupted_within(
    run: Callable[[Callable[[float], None]], object], interrupt: Interrupt
) -> tuple[BaseException | None, float]:
    """Run ``run(sleep)`` on a thread; once it starts a wait, set the interrupt from this thread.

    Returns what ``run`` raised and the seconds from setting the interrupt to the thread ending.
    """
    waiting = threading.Event()
    raised: list[BaseException] = []

    def sleep(seconds: float) -> None:
        waiting.set()
        interrupt.sleep(seconds)

    def work() -> None:
        try:
            run(sleep)
        except BaseException as error:
            raised.append(error)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    assert waiting.wait(timeout=5), "the wait never went through the injected sleep"
    started = time.perf_counter()
    interrupt.set("stop requested by the test")
    worker.join(timeout=5)
    assert not worker.is_alive()
    return (raised[0] if raised else None), time.perf_counter() - started


def test_an_interrupt_ends_a_rate_limit_wait_at_once(fake: FakeAnthropic) -> None:
    interrupt = Interrupt()
    options = make_options(fake.base_url, anthropic_requests_per_minute=1)

    def two_extractions(sleep: Callable[[float], None]) -> None:
        extractor = AnthropicExtractor.from_options(options, sleep=sleep)
        extractor.extract(make_document(), tool=TIDEPOOL)
        extractor.extract(make_document(), tool=TIDEPOOL)  # the second waits ~60 s for the limiter

    raised, seconds = _interrupted_within(two_extractions, interrupt)
    assert isinstance(raised, RunInterrupted) and seconds < 2
    assert len(fake.message_requests) == 1


def test_an_interrupt_ends_a_retry_wait_and_is_not_retried_or_translated(fake: FakeAnthropic) -> None:
    interrupt = Interrupt()
    options = make_options(fake.base_url, anthropic_max_retries=6)
    fake.queue("messages", error_reply(429, "rate_limit_error", "slow down", headers={"retry-after": "50"}))

    def extract(sleep: Callable[[float], None]) -> None:
        AnthropicExtractor.from_options(options, sleep=sleep).extract(make_document(), tool=TIDEPOOL)

    raised, seconds = _interrupted_within(extract, interrupt)
    assert type(raised) is RunInterrupted and seconds < 2
    assert "stop requested by the test" in str(raised)
    assert len(fake.message_requests) == 1


def test_translate_passes_capgraph_errors_through() -> None:
    stop = RunInterrupted("stop")
    assert translate(stop, subject="pypi:tidepool", attempts=1) is stop
    assert not is_transient(stop)
