"""Ledger rows: one per request that reached the API, with the right tokens and cost."""

from __future__ import annotations

import socket
from decimal import Decimal

import pytest

from extractors.anthropic import AnthropicExtractor, cost_of
from schemas import TransientError
from tests.anthropic.helpers import (
    TIDEPOOL,
    TIDEPOOL_README,
    RecordingHooks,
    make_document,
    make_options,
)
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    Reply,
    answer_reply,
    default_capabilities,
    error_reply,
    message_body,
    usage,
)


def _grounded_answer(counts: dict) -> object:
    return answer_reply(default_capabilities(TIDEPOOL_README), usage_counts=counts)


def test_a_row_per_attempt_with_tokens_and_cost(fake: FakeAnthropic, make_extractor) -> None:
    extractor = make_extractor()
    hooks = RecordingHooks()
    fake.queue(
        "messages",
        error_reply(429, "rate_limit_error", "slow down", headers={"retry-after-ms": "1"}),
        _grounded_answer(usage(1000, 200, cache_read=3000, cache_write=500)),
    )
    extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    failed, succeeded = hooks.calls
    assert (failed.purpose, failed.attempt, failed.status, failed.http_status) == (
        "extract",
        1,
        "rate_limit_error",
        429,
    )
    assert failed.input_tokens == failed.output_tokens == 0
    assert failed.cost_usd == Decimal(0)  # a rejected request is not billed
    assert failed.error == "429 rate_limit_error: slow down"

    assert (succeeded.purpose, succeeded.attempt, succeeded.status, succeeded.http_status) == (
        "extract",
        2,
        "ok",
        200,
    )
    assert (succeeded.input_tokens, succeeded.output_tokens) == (1000, 200)
    assert (succeeded.cache_read_tokens, succeeded.cache_write_tokens) == (3000, 500)
    # Haiku 5.5 under 100K prompt tokens: $0.10 in, $0.50 out per MTok; writes 1.25x, reads 0.1x of input.
    # 1000*0.10 + 500*0.125 + 3000*0.01 + 200*0.50 = 292.5 per million tokens.
    assert succeeded.cost_usd == Decimal("0.0002925")
    assert cost_of(succeeded) == succeeded.cost_usd
    assert all(call.tool_id == "pypi:tidepool" and call.model == "claude-haiku-5-5" for call in hooks.calls)
    assert all(call.batch_id is None for call in hooks.calls)


def test_a_prompt_over_100k_tokens_is_billed_at_the_long_prompt_rates(
    fake: FakeAnthropic, make_extractor
) -> None:
    extractor = make_extractor()
    hooks = RecordingHooks()
    fake.queue("messages", _grounded_answer(usage(99_000, 1000, cache_read=2000)))
    extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    (call,) = hooks.calls
    # 101,000 prompt tokens: every token at $0.50 in / $2.50 out, reads at 0.1x of $0.50.
    assert call.cost_usd == Decimal("0.0495") + Decimal("0.0001") + Decimal("0.0025")


def test_repairs_are_booked_as_repairs_with_their_own_usage(fake: FakeAnthropic, make_extractor) -> None:
    extractor = make_extractor()
    hooks = RecordingHooks()
    fake.queue(
        "messages",
        answer_reply(text="{", usage_counts=usage(800, 5, cache_write=600)),
        _grounded_answer(usage(810, 150, cache_read=600)),
    )
    extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    extract, repair = hooks.calls
    assert (extract.purpose, repair.purpose) == ("extract", "repair")
    assert (extract.cache_write_tokens, repair.cache_read_tokens) == (600, 600)
    assert extract.cost_usd == Decimal("0.0001575")  # 800*0.10 + 600*0.125 + 5*0.50
    assert repair.cost_usd == Decimal("0.000162")  # 810*0.10 + 600*0.01 + 150*0.50


def test_an_unpriced_model_is_booked_as_unknown_cost_not_zero(fake: FakeAnthropic, make_extractor) -> None:
    extractor = make_extractor(anthropic_model="claude-mythos-5")
    hooks = RecordingHooks()
    extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    (call,) = hooks.calls
    assert call.model == "claude-mythos-5"
    assert call.input_tokens > 0 and call.output_tokens > 0
    assert call.cost_usd is None


def test_cache_write_then_read_across_requests_is_recorded(fake: FakeAnthropic, make_extractor) -> None:
    extractor = make_extractor()
    hooks = RecordingHooks()
    extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)
    extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    first, second = hooks.calls
    assert first.cache_write_tokens > 0 and first.cache_read_tokens == 0
    assert second.cache_read_tokens == first.cache_write_tokens and second.cache_write_tokens == 0
    assert second.cost_usd is not None and first.cost_usd is not None
    assert second.cost_usd < first.cost_usd


def test_a_timed_out_request_is_booked_at_unknown_cost(fake: FakeAnthropic, make_extractor) -> None:
    # The fake answers after the SDK has given up: the request may still have been processed and billed.
    extractor = make_extractor(anthropic_timeout_seconds=0.2, anthropic_max_retries=0)
    hooks = RecordingHooks()
    fake.queue("messages", Reply(body=message_body("{}"), delay=0.8))
    with pytest.raises(TransientError):
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    (call,) = hooks.calls
    assert (call.status, call.http_status, call.error) == ("timeout", None, "the request timed out")
    assert call.cost_usd is None  # unknown, never $0


def test_a_connection_reset_mid_response_is_booked_at_unknown_cost(
    fake: FakeAnthropic, make_extractor
) -> None:
    extractor = make_extractor(anthropic_max_retries=1)
    hooks = RecordingHooks()
    fake.queue("messages", Reply(body=message_body("{}" * 500), reset=True))
    extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    reset, succeeded = hooks.calls
    assert reset.status == "connection_error" and reset.cost_usd is None
    assert succeeded.status == "ok" and succeeded.cost_usd is not None and succeeded.cost_usd > 0


def test_a_refused_connection_sent_nothing_and_is_not_booked(make_extractor) -> None:
    with socket.socket() as probe:  # a port nothing listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    extractor = AnthropicExtractor.from_options(
        make_options(f"http://127.0.0.1:{port}", anthropic_max_retries=1), sleep=lambda seconds: None
    )
    hooks = RecordingHooks()
    with pytest.raises(TransientError, match="could not connect"):
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)
    assert hooks.before_calls == 2 and hooks.calls == []
