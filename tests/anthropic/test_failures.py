"""Transient failures are retried (honouring retry-after), terminal ones are not, fatal ones stop the run."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from extractors.anthropic import AnthropicExtractor
from schemas import BudgetExceeded, ExtractionError, FatalRunError, TransientError
from tests.anthropic.helpers import TIDEPOOL, RecordingHooks, make_document
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
    from tests.anthropic.helpers import make_settings

    with pytest.raises(FatalRunError, match="no Anthropic API key"):
        AnthropicExtractor.from_settings(make_settings(fake.base_url, anthropic_api_key=None))
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
