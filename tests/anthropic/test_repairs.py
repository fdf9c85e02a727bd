"""Validation and grounding repairs: what is re-asked, how often, and what comes back in the end."""

from __future__ import annotations

import json

import pytest

from extractors.anthropic import AnthropicExtractor
from schemas import ExtractionError
from tests.anthropic.helpers import TIDEPOOL, RecordingHooks, make_document
from tests.fakes.anthropic_server import FakeAnthropic, answer_reply, capability

INVENTED = "Tidepool is ten times faster than every other buoy log reader."
REAL = "Exports go to Parquet files or to an in-memory Arrow table."


def test_invalid_json_is_repaired_with_the_parse_error(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    hooks = RecordingHooks()
    fake.queue("messages", answer_reply(text='{"capabilities": [{"title": "Parses logs",'))
    result = extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert len(result.capabilities) == 3 and all(record.grounded for record in result.capabilities)
    first, repair = fake.message_requests
    assert hooks.purposes() == ["extract", "repair"]
    assert [turn["role"] for turn in repair.messages] == ["user", "assistant", "user"]
    assert repair.messages[0] == first.messages[0]
    assert repair.text_of_turn(1) == '{"capabilities": [{"title": "Parses logs",'
    assert "not valid JSON" in repair.text_of_turn(2)
    # The system prompt and schema are re-sent unchanged, so the cached prefix is reused.
    assert repair.body["system"] == first.body["system"]
    assert repair.body["output_config"] == first.body["output_config"]


def test_schema_violations_are_repaired_with_their_location(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    no_evidence = {**capability("Exports tables", REAL), "evidence": []}
    fake.queue("messages", answer_reply([no_evidence]))
    result = extractor.extract(make_document(), tool=TIDEPOOL)

    assert len(result.capabilities) == 3
    correction = fake.message_requests[1].text_of_turn(2)
    assert "capabilities.0.evidence" in correction


def test_ungrounded_quotes_are_re_asked_then_flagged(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    hooks = RecordingHooks()
    answers = [
        [capability("Exports tables", REAL), capability("Is fast", INVENTED)],
        [capability("Exports tables", REAL), capability("Is very fast", INVENTED + " Really.")],
        [capability("Exports tables", REAL), capability("Is the fastest", INVENTED)],
    ]
    fake.queue("messages", *(answer_reply(answer) for answer in answers))
    result = extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert len(fake.message_requests) == 3
    assert hooks.purposes() == ["extract", "repair", "repair"]
    exports, fast = result.capabilities
    assert exports.grounded and exports.evidence[0].start is not None
    assert fast.title == "Is the fastest"
    assert not fast.grounded
    assert fast.evidence[0].start is None and fast.evidence[0].end is None


def test_a_repair_carries_only_the_latest_answer_and_error(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    second_quote = INVENTED + " Really."
    answers = [
        [capability("Is fast", INVENTED)],
        [capability("Is very fast", second_quote)],
        [capability("Exports tables", REAL)],
    ]
    fake.queue("messages", *(answer_reply(answer) for answer in answers))
    result = extractor.extract(make_document(), tool=TIDEPOOL)

    assert [record.title for record in result.capabilities] == ["Exports tables"]
    first, second, third = fake.message_requests
    assert len(third.messages) == 3
    assert third.messages[0] == first.messages[0]
    assert json.loads(third.text_of_turn(1))["capabilities"][0]["title"] == "Is very fast"
    assert json.dumps(second_quote) in third.text_of_turn(2)
    first_answer = json.dumps({"capabilities": answers[0]})
    assert second.text_of_turn(1) == first_answer
    assert all(first_answer not in third.text_of_turn(index) for index in range(3))
    assert json.dumps(INVENTED) not in third.text_of_turn(2)
    assert second.text_of_turn(2).count(json.dumps(INVENTED)) == 1


def test_still_invalid_after_two_repairs_is_an_extraction_error(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    fake.queue("messages", *(answer_reply(text="not json at all") for _ in range(3)))
    with pytest.raises(ExtractionError) as caught:
        extractor.extract(make_document(), tool=TIDEPOOL)

    assert len(fake.message_requests) == 3
    assert caught.value.subject == "pypi:tidepool"
    assert "after 2 repairs" in caught.value.message
    assert "not valid JSON" in caught.value.message
    assert str(caught.value).startswith("pypi:tidepool: ")


def test_a_valid_but_ungrounded_answer_outlives_a_later_invalid_one(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    fake.queue(
        "messages",
        answer_reply([capability("Is fast", INVENTED)]),
        answer_reply(text="{"),
        answer_reply(text="{"),
    )
    result = extractor.extract(make_document(), tool=TIDEPOOL)
    (record,) = result.capabilities
    assert record.title == "Is fast" and not record.grounded


def test_an_answer_cut_off_at_max_tokens_is_repaired_asking_for_less(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    fake.queue("messages", answer_reply(text='{"capabilities": [{"title": "Par', stop_reason="max_tokens"))
    hooks = RecordingHooks()
    result = extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert len(result.capabilities) == 3
    assert "cut off at the output limit" in fake.message_requests[1].text_of_turn(2)
    assert [call.status for call in hooks.calls] == ["max_tokens", "ok"]


def test_a_refusal_is_terminal_and_not_repaired(fake: FakeAnthropic, extractor: AnthropicExtractor) -> None:
    fake.queue(
        "messages",
        answer_reply(
            text="",
            stop_reason="refusal",
            stop_details={"type": "refusal", "category": "cyber", "explanation": "Exploit development."},
        ),
    )
    hooks = RecordingHooks()
    with pytest.raises(ExtractionError, match="declined") as caught:
        extractor.extract(make_document(), tool=TIDEPOOL, hooks=hooks)

    assert "cyber" in caught.value.message and "Exploit development." in caught.value.message
    assert len(fake.message_requests) == 1
    assert [call.status for call in hooks.calls] == ["refusal"]
