"""The Message Batches client against the fake API: submit, poll, cancel, collect outcomes and ledger rows."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from extractors.anthropic import AnthropicExtractor, BatchClient, BatchItem
from schemas import BudgetExceeded, ExtractionError, TransientError
from tests.anthropic.helpers import TIDEPOOL, RecordingHooks, make_document
from tests.anthropic.test_chunking import long_description
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    default_capabilities,
    error_reply,
    message_body,
    usage,
)

SECOND_README = """# Kelpie

Kelpie is a command-line tool that turns tide gauge exports into hourly summaries.
It fills short gaps in a series by interpolating between the neighbouring readings.
"""


def _client(extractor: AnthropicExtractor, sleeps: list[float]) -> BatchClient:
    return BatchClient(extractor, sleep=sleeps.append)


def _items() -> list[BatchItem]:
    return [
        BatchItem("tidepool", make_document(), TIDEPOOL),
        BatchItem("kelpie", make_document(SECOND_README, tool_id="pypi:kelpie")),
        BatchItem("late", make_document(SECOND_README, tool_id="pypi:late")),
    ]


def test_a_batch_with_succeeded_errored_and_expired_items(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    hooks = RecordingHooks()
    fake.batch_outcomes = {"kelpie": "errored:invalid_request_error", "late": "expired"}
    batch_id = client.submit(_items(), hooks=hooks)

    (create,) = fake.requests_to("/v1/messages/batches")
    requests = create.body["requests"]
    assert [entry["custom_id"] for entry in requests] == ["tidepool", "kelpie", "late"]
    params = requests[0]["params"]
    assert params["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert params["output_config"]["format"]["type"] == "json_schema"
    assert params["messages"][0]["content"].startswith("Tool: Tidepool (Package), id pypi:tidepool")
    # Every item's ledger may veto the submission; rows come with the results.
    assert hooks.before_calls == 3 and hooks.calls == []

    status = client.wait(batch_id, poll_seconds=0.5)
    assert status.ended and (status.succeeded, status.errored, status.expired) == (1, 1, 1)
    outcomes = client.collect(batch_id, _items(), hooks=hooks)

    tidepool = outcomes["tidepool"]
    assert tidepool.kind == "succeeded" and tidepool.capabilities is not None
    assert tidepool.capabilities.tool_id == "pypi:tidepool"
    assert len(tidepool.capabilities.capabilities) == 3
    assert all(record.grounded for record in tidepool.capabilities.capabilities)

    kelpie = outcomes["kelpie"]
    assert kelpie.kind == "errored" and not kelpie.retryable
    assert "invalid_request_error" in (kelpie.error or "")
    late = outcomes["late"]
    assert late.kind == "expired" and late.retryable and late.capabilities is None

    rows = {call.tool_id: call for call in hooks.calls}
    assert set(rows) == {"pypi:tidepool", "pypi:kelpie"}  # the expired request never ran
    assert all(call.purpose == "batch_item" and call.batch_id == batch_id for call in hooks.calls)
    assert rows["pypi:kelpie"].status == "errored" and rows["pypi:kelpie"].cost_usd == 0
    assert tidepool.cost_usd == rows["pypi:tidepool"].cost_usd


def test_each_item_can_have_its_own_ledger(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    ledgers: dict[str, RecordingHooks] = {}

    def ledger_of(item: BatchItem) -> RecordingHooks:
        return ledgers.setdefault(item.document.tool_id, RecordingHooks())

    fake.batch_outcomes = {"kelpie": "errored:overloaded_error", "late": "expired"}
    batch_id = client.submit(_items(), hooks=ledger_of)
    client.wait(batch_id, poll_seconds=0.1)
    outcomes = client.collect(batch_id, _items(), hooks=ledger_of)

    assert {tool: ledger.before_calls for tool, ledger in ledgers.items()} == {
        "pypi:tidepool": 1,
        "pypi:kelpie": 1,
        "pypi:late": 1,
    }
    for custom_id, tool_id in [("tidepool", "pypi:tidepool"), ("kelpie", "pypi:kelpie")]:
        (row,) = ledgers[tool_id].calls
        assert row.tool_id == tool_id and row.batch_id == batch_id
        assert outcomes[custom_id].calls == (row,)
    assert ledgers["pypi:late"].calls == [] and outcomes["late"].calls == ()


def test_a_cost_cap_stops_the_submission(fake: FakeAnthropic, extractor: AnthropicExtractor) -> None:
    with pytest.raises(BudgetExceeded):
        BatchClient(extractor).submit(_items(), hooks=RecordingHooks(budget_calls=1))
    assert fake.requests_to("/v1/messages/batches") == []


def test_batch_items_are_billed_at_half_price(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    hooks = RecordingHooks()
    document = make_document()
    answer = json.dumps({"capabilities": default_capabilities(document.text)})
    fake.batch_outcomes = {
        "tidepool": {
            "type": "succeeded",
            "message": message_body(answer, usage_counts=usage(1000, 200, cache_read=3000, cache_write=500)),
        }
    }
    batch_id = client.submit([BatchItem("tidepool", document, TIDEPOOL)])
    client.wait(batch_id, poll_seconds=0.1)
    outcome = client.collect(batch_id, [BatchItem("tidepool", document, TIDEPOOL)], hooks=hooks)["tidepool"]

    (row,) = hooks.calls
    assert (row.input_tokens, row.output_tokens, row.cache_read_tokens, row.cache_write_tokens) == (
        1000,
        200,
        3000,
        500,
    )
    # Half of the single-request price of the same usage (0.0002925, see test_ledger).
    assert row.cost_usd == Decimal("0.00014625")
    assert outcome.cost_usd == row.cost_usd


def test_an_unusable_batch_answer_is_a_retryable_error(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    fake.batch_outcomes = {"tidepool": {"type": "succeeded", "message": message_body("{broken")}}
    items = [BatchItem("tidepool", make_document(), TIDEPOOL)]
    batch_id = client.submit(items)
    client.wait(batch_id, poll_seconds=0.1)
    outcome = client.collect(batch_id, items)["tidepool"]
    assert outcome.kind == "errored" and outcome.retryable
    assert "not valid JSON" in (outcome.error or "")


def test_overloaded_batch_items_may_be_resubmitted(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    fake.batch_outcomes = {"tidepool": "errored:overloaded_error"}
    items = [BatchItem("tidepool", make_document(), TIDEPOOL)]
    batch_id = client.submit(items)
    client.wait(batch_id, poll_seconds=0.1)
    assert client.collect(batch_id, items)["tidepool"].retryable


def test_waiting_polls_with_a_growing_interval_until_the_batch_ends(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    fake.batch_polls_before_end = 4
    batch_id = client.submit(_items()[:1])
    status = client.wait(batch_id, poll_seconds=1.0, max_poll_seconds=3.0)
    assert status.ended
    assert sleeps == [1.0, 2.0, 3.0]
    assert len([r for r in fake.requests if r.method == "GET"]) == 4


def test_waiting_gives_up_at_the_maximum_and_reports_the_batch_unfinished(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    client = BatchClient(extractor, sleep=sleep, clock=lambda: now[0])
    fake.batch_polls_before_end = 1000
    batch_id = client.submit(_items()[:1])
    status = client.wait(batch_id, poll_seconds=10, max_poll_seconds=10, max_wait_seconds=35)
    assert not status.ended and status.processing_status == "in_progress" and status.processing == 1
    assert now[0] == 35
    with pytest.raises(ExtractionError, match="not ended"):
        client.collect(batch_id, _items()[:1])


def test_a_canceled_batch_reports_its_items_canceled(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    fake.batch_polls_before_end = 1000
    items = _items()[:2]
    batch_id = client.submit(items)
    assert client.cancel(batch_id).processing_status == "canceling"
    assert client.wait(batch_id, poll_seconds=0.1).ended
    outcomes = client.collect(batch_id, items)
    assert {outcome.kind for outcome in outcomes.values()} == {"canceled"}
    assert all(outcome.retryable for outcome in outcomes.values())


def test_a_long_document_goes_in_parts_and_comes_back_merged(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor(anthropic_input_token_budget=20_000)
    client = _client(extractor, sleeps)
    hooks = RecordingHooks()
    document = make_document(long_description())
    items = [BatchItem("manual", document, TIDEPOOL)]
    batch_id = client.submit(items, hooks=hooks)

    custom_ids = [
        entry["custom_id"] for entry in fake.requests_to("/v1/messages/batches")[0].body["requests"]
    ]
    count = len(custom_ids)
    assert count >= 4 and custom_ids == [f"manual--p{n}of{count}" for n in range(1, count + 1)]
    client.wait(batch_id, poll_seconds=0.1)
    outcome = client.collect(batch_id, items, hooks=hooks)["manual"]

    assert outcome.kind == "succeeded" and outcome.capabilities is not None
    assert len(outcome.capabilities.capabilities) == 3 * count
    for record in outcome.capabilities.capabilities:
        assert record.grounded
        assert all(document.text[item.start : item.end] == item.quote for item in record.evidence)
    assert hooks.purposes() == ["count_tokens"] + ["batch_item"] * count


def test_a_missing_part_makes_the_item_errored(
    fake: FakeAnthropic, make_extractor, sleeps: list[float]
) -> None:
    extractor = make_extractor(anthropic_input_token_budget=20_000)
    client = _client(extractor, sleeps)
    items = [BatchItem("manual", make_document(long_description()), TIDEPOOL)]
    batch_id = client.submit(items)
    last = fake.requests_to("/v1/messages/batches")[0].body["requests"][-1]["custom_id"]
    fake.batch_outcomes = {last: "canceled"}
    client.wait(batch_id, poll_seconds=0.1)
    outcome = client.collect(batch_id, items)["manual"]
    assert outcome.kind == "canceled" and outcome.capabilities is None


def test_bad_custom_ids_are_refused_before_anything_is_sent(
    fake: FakeAnthropic, extractor: AnthropicExtractor
) -> None:
    client = BatchClient(extractor)
    for bad in ["has space", "x" * 65, "looks--p1of2", ""]:
        with pytest.raises(ExtractionError, match="custom_id"):
            client.submit([BatchItem(bad, make_document())])
    with pytest.raises(ExtractionError, match="twice"):
        client.submit([BatchItem("same", make_document()), BatchItem("same", make_document())])
    assert fake.requests == []


def test_batch_creation_is_retried_only_when_the_api_refused_it(
    fake: FakeAnthropic, extractor: AnthropicExtractor, sleeps: list[float]
) -> None:
    client = _client(extractor, sleeps)
    fake.queue(
        "batch_create", error_reply(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "2"})
    )
    assert client.submit(_items()[:1]).startswith("msgbatch_")
    assert len(fake.requests_to("/v1/messages/batches")) == 2
    assert sleeps == [0.002]

    fake.queue("batch_create", error_reply(500, "api_error", "Internal server error"))
    with pytest.raises(TransientError):
        client.submit(_items()[:1])
    assert len(fake.requests_to("/v1/messages/batches")) == 3
