"""The whole pipeline with the Claude extractor against the fake API: ledger rows in the warehouse, one
tool's 400 among successes, a 401 that stops the run once, the cost cap, batches and their resume."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from capgraph.pipeline import IngestContext, run_batch, run_serially
from capgraph.settings import Settings
from extractors.anthropic import BatchClient, BatchItem
from schemas import RunInterrupted
from tests.anthropic.helpers import make_document, make_settings
from tests.core.conftest import DESCRIPTIONS
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    RecordedRequest,
    Reply,
    answer_reply,
    document_in,
    error_reply,
)
from warehouse import Warehouse


@pytest.fixture
def refs(tmp_path: Path) -> list[tuple[str, None]]:
    folder = tmp_path / "descriptions"
    folder.mkdir()
    found = []
    for filename, text in DESCRIPTIONS.items():
        (folder / filename).write_text(text, encoding="utf-8")
        found.append((f"file:{folder / filename}", None))
    return found


def claude_settings(fake: FakeAnthropic, tmp_path: Path, **overrides: Any) -> Settings:
    base = {"db": tmp_path / "w.duckdb", "extractor": "anthropic", "batch_poll_seconds": 0.01}
    return make_settings(fake.base_url, **{**base, **overrides})


def test_a_claude_run_stores_records_runs_and_ledger(fake: FakeAnthropic, tmp_path: Path, refs: list) -> None:
    settings = claude_settings(fake, tmp_path)
    summary = run_serially(refs, IngestContext.create(settings))
    assert summary.ok, summary.failures
    assert summary.count("extracted") == 3
    assert summary.cost_usd is not None and summary.cost_usd > 0

    with Warehouse(settings.db).reader() as session:
        runs = session.recent_runs(limit=10)
        by_tool = session.costs(by="tool")
        by_model = session.costs(by="model")
        profile = session.tool_profile(refs[0][0])
    assert {run.extractor for run in runs} == {"anthropic"}
    assert all(run.input_tokens > 0 and run.cost_usd and run.cost_usd > 0 for run in runs)
    assert len(by_tool) == 3 and sum(row.calls for row in by_tool) == len(fake.message_requests)
    assert [row.key for row in by_model] == ["claude-haiku-5-5"]
    assert sum(row.cost_usd for row in by_tool) == summary.cost_usd
    assert profile.capabilities and all(record.grounded for record in profile.capabilities)

    again = run_serially(refs, IngestContext.create(settings))
    assert again.count("unchanged") == 3
    assert len(fake.message_requests) == 3  # unchanged tools cost no call


def test_a_400_fails_one_tool_while_the_others_succeed(
    fake: FakeAnthropic, tmp_path: Path, refs: list
) -> None:
    def reject_tidewater(request: RecordedRequest) -> Reply:
        if "Tidewater" in document_in(request.body):
            return error_reply(400, "invalid_request_error", "prompt is malformed")
        return fake.default_reply("messages", request)

    fake.queue("messages", *[reject_tidewater] * 3)
    summary = run_serially(refs, IngestContext.create(claude_settings(fake, tmp_path)))
    assert [outcome.status for outcome in summary.outcomes] == ["extracted", "failed", "extracted"]
    assert "prompt is malformed" in summary.failures[0].error
    assert len(fake.message_requests) == 3  # the 400 was not retried


def test_a_401_stops_the_run_at_once_with_one_message(tmp_path: Path, refs: list) -> None:
    with FakeAnthropic(valid_keys={"the-right-key"}) as fake:
        summary = run_serially(refs, IngestContext.create(claude_settings(fake, tmp_path)))
        assert len(fake.message_requests) == 1
    # Not the tools' fault: every one is skipped, naming itself; the reason is the run's, given once.
    assert [outcome.status for outcome in summary.outcomes] == ["skipped", "skipped", "skipped"]
    for (ref, _), outcome in zip(refs, summary.outcomes, strict=True):
        assert (outcome.ref, outcome.tool_id) == (ref, ref)
        assert outcome.error is not None and "the run stopped" in outcome.error
        assert "x-api-key" not in outcome.error
    assert summary.stopped_because is not None and "401" in summary.stopped_because
    assert not summary.ok


def test_the_cost_cap_keeps_what_was_extracted_and_skips_the_rest(
    fake: FakeAnthropic, tmp_path: Path, refs: list
) -> None:
    settings = claude_settings(fake, tmp_path, max_cost_usd=Decimal("0.0000001"))
    summary = run_serially(refs, IngestContext.create(settings))
    assert [outcome.status for outcome in summary.outcomes] == ["extracted", "skipped", "skipped"]
    assert all("budget" in outcome.error for outcome in summary.outcomes[1:])
    assert len(fake.message_requests) == 1


def test_a_batch_run_stores_succeeded_items_and_reports_the_others(
    fake: FakeAnthropic, tmp_path: Path, refs: list
) -> None:
    fake.batch_outcomes = {"t00001": "expired", "t00002": "errored:overloaded_error"}
    settings = claude_settings(fake, tmp_path)
    summary = run_batch(refs, IngestContext.create(settings))

    statuses = [outcome.status for outcome in summary.outcomes]
    assert statuses == ["extracted", "failed", "extracted"]  # the retryable error was re-done in real time
    assert "expired" in summary.outcomes[1].error
    assert len(fake.requests_to("/v1/messages/batches")) == 1
    assert len(fake.message_requests) == 1  # only the errored item went through real time
    with Warehouse(settings.db).reader() as session:
        assert session.open_batches() == []
        _, calls = session.query(
            "SELECT purpose, status, batch_id IS NOT NULL FROM api_calls ORDER BY purpose"
        )
        runs = {run.tool_id: run for run in session.recent_runs(limit=10)}
    # The succeeded and errored items reached the model, the expired one never ran; then one real-time call.
    assert [row[0] for row in calls] == ["batch_item", "batch_item", "extract"]
    assert [row[2] for row in calls] == [True, True, False]
    assert runs[refs[0][0]].status == "succeeded" and runs[refs[1][0]].status == "failed"

    again = run_batch(refs, IngestContext.create(settings))
    assert [outcome.status for outcome in again.outcomes] == ["unchanged", "extracted", "unchanged"]


def test_an_interrupted_batch_is_resumed_not_paid_twice(
    fake: FakeAnthropic, tmp_path: Path, refs: list
) -> None:
    fake.batch_polls_before_end = 3
    first = run_batch(refs, IngestContext.create(claude_settings(fake, tmp_path, batch_max_wait_seconds=0)))
    assert {outcome.status for outcome in first.outcomes} == {"skipped"}
    assert "still in_progress" in first.outcomes[0].error

    # A new process: it finds the open batch in the warehouse and settles it instead of resubmitting.
    restarted = IngestContext.create(claude_settings(fake, tmp_path))
    second = run_serially(refs, restarted)
    assert [outcome.status for outcome in second.outcomes] == ["extracted"] * 3
    assert len(fake.requests_to("/v1/messages/batches")) == 1
    assert fake.message_requests == []


def test_batch_mode_needs_the_claude_extractor(tmp_path: Path, refs: list) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "w.duckdb", extractor="heuristic")
    with pytest.raises(Exception, match="--batch needs the anthropic extractor"):
        run_batch(refs, IngestContext.create(settings))


@pytest.mark.parametrize("second_run", ["batch", "real-time"])
def test_a_batch_still_running_is_never_paid_twice(
    fake: FakeAnthropic, tmp_path: Path, refs: list, second_run: str
) -> None:
    fake.batch_polls_before_end = 10**6  # the batch stays in_progress until the test lets it end
    quick = claude_settings(fake, tmp_path, batch_max_wait_seconds=0)
    first = run_batch(refs, IngestContext.create(quick))
    assert [outcome.status for outcome in first.outcomes] == ["skipped"] * 3
    assert len(fake.requests_to("/v1/messages/batches")) == 1
    batch_id = "msgbatch_0001"

    # Run 2 resumes the batch, finds it still running, and sends nothing else for its tools.
    again = IngestContext.create(quick)
    second = run_batch(refs, again) if second_run == "batch" else run_serially(refs, again)
    assert [outcome.status for outcome in second.outcomes] == ["skipped"] * 3
    for (ref, _), outcome in zip(refs, second.outcomes, strict=True):
        assert outcome.ref == ref
        assert f"in batch {batch_id}, still in_progress; the next run collects it" in (outcome.error or "")
    assert len(fake.requests_to("/v1/messages/batches")) == 1
    assert fake.message_requests == []
    with Warehouse(quick.db).reader() as session:
        assert [batch.batch_id for batch in session.open_batches()] == [batch_id]

    # The batch ends; run 3 collects it exactly once, and run 4 has nothing left to collect.
    fake.batch_polls_before_end = 0
    third = run_serially(refs, IngestContext.create(claude_settings(fake, tmp_path)))
    assert [outcome.status for outcome in third.outcomes] == ["extracted"] * 3
    fourth = run_serially(refs, IngestContext.create(claude_settings(fake, tmp_path)))
    assert [outcome.status for outcome in fourth.outcomes] == ["unchanged"] * 3
    assert len(fake.requests_to(f"/v1/messages/batches/{batch_id}/results")) == 1
    assert len(fake.requests_to("/v1/messages/batches")) == 1 and fake.message_requests == []
    with Warehouse(quick.db).reader() as session:
        assert session.open_batches() == []
        _, rows = session.query("SELECT count(*) FROM api_calls WHERE purpose = 'batch_item'")
    assert rows == [(3,)]


def test_a_long_retry_after_defers_the_tool_and_keeps_its_records(
    fake: FakeAnthropic, tmp_path: Path, refs: list
) -> None:
    settings = claude_settings(fake, tmp_path)
    assert run_serially(refs, IngestContext.create(settings)).ok

    def defer_tidewater(request: RecordedRequest) -> Reply:
        if "Tidewater" in document_in(request.body):
            return error_reply(429, "rate_limit_error", "slow down", headers={"retry-after": "300"})
        return fake.default_reply("messages", request)

    fake.queue("messages", *[defer_tidewater] * 3)
    summary = run_serially(refs, IngestContext.create(settings), force=True)
    statuses = [outcome.status for outcome in summary.outcomes]
    assert statuses == ["extracted", "skipped", "extracted"]
    deferred = summary.outcomes[1]
    assert "deferred to the next run: the API asked to wait 300 s" in (deferred.error or "")
    assert summary.stopped_because is None and not summary.failures
    with Warehouse(settings.db).reader() as session:
        latest = session.recent_runs(limit=1, tool_id=refs[1][0])[0]
        profile = session.tool_profile(refs[1][0])
    assert latest.status == "skipped" and "deferred" in (latest.error or "")
    assert profile.capabilities  # the tool's current records are kept


def test_an_unpriced_model_under_a_cost_cap_counts_each_call_at_the_declared_price(
    fake: FakeAnthropic, tmp_path: Path, refs: list
) -> None:
    capped = {"anthropic_model": "claude-mythos-5", "max_cost_usd": Decimal("1.00")}
    # Without a declared price the cap cannot be kept: the first call's unknown cost stops paid work.
    summary = run_serially(refs, IngestContext.create(claude_settings(fake, tmp_path, **capped)))
    assert [outcome.status for outcome in summary.outcomes] == ["extracted", "skipped", "skipped"]
    assert "unknown cost" in (summary.outcomes[1].error or "")
    assert len(fake.message_requests) == 1

    # With one, each call counts at that price: two calls reach the $1.00 cap.
    declared = claude_settings(fake, tmp_path / "declared", unknown_call_cost_usd=Decimal("0.50"), **capped)
    (tmp_path / "declared").mkdir()
    summary = run_serially(refs, IngestContext.create(declared))
    assert [outcome.status for outcome in summary.outcomes] == ["extracted", "extracted", "skipped"]
    assert "cost cap of $1.00" in (summary.outcomes[2].error or "")
    assert len(fake.message_requests) == 3


def test_an_interrupt_ends_a_batch_poll_wait_at_once(fake: FakeAnthropic, tmp_path: Path, refs: list) -> None:
    fake.batch_polls_before_end = 10**6
    context = IngestContext.create(claude_settings(fake, tmp_path, batch_poll_seconds=60))
    client = context.batches
    assert isinstance(client, BatchClient)
    batch_id = client.submit([BatchItem("t1", make_document(), None)])
    polled = threading.Event()

    def poll(request: RecordedRequest) -> Reply:
        polled.set()
        return fake.default_reply("batch_retrieve", request, batch_id)

    fake.queue("batch_retrieve", poll)
    raised: list[BaseException] = []

    def wait() -> None:
        try:
            client.wait(batch_id, poll_seconds=60)
        except BaseException as error:
            raised.append(error)

    worker = threading.Thread(target=wait, daemon=True)
    worker.start()
    assert polled.wait(timeout=5)
    started = time.perf_counter()
    context.interrupt.set("stop requested by the test")
    worker.join(timeout=5)
    assert not worker.is_alive() and time.perf_counter() - started < 2
    assert len(raised) == 1 and isinstance(raised[0], RunInterrupted)


def test_a_batch_whose_status_cannot_be_read_stays_open_and_is_not_resubmitted(
    fake: FakeAnthropic, tmp_path: Path, refs: list
) -> None:
    fake.batch_polls_before_end = 10**6
    quick = claude_settings(fake, tmp_path, batch_max_wait_seconds=0)
    run_batch(refs, IngestContext.create(quick))
    fake.queue(
        "batch_retrieve", error_reply(429, "rate_limit_error", "slow down", headers={"retry-after": "900"})
    )
    second = run_batch(refs, IngestContext.create(quick))
    assert [outcome.status for outcome in second.outcomes] == ["skipped"] * 3
    assert "whose status could not be read" in (second.outcomes[0].error or "")
    assert "deferred to the next run" in (second.outcomes[0].error or "")
    assert len(fake.requests_to("/v1/messages/batches")) == 1 and fake.message_requests == []
    with Warehouse(quick.db).reader() as session:
        assert len(session.open_batches()) == 1


def test_a_terminal_failure_is_not_paid_for_again_until_something_changes(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    settings = claude_settings(fake, tmp_path)
    readme = tmp_path / "thin.md"
    readme.write_text("# Thin\n\nThin is a package.\n\n    pip install thin\n", encoding="utf-8")
    refs = [(f"file:{readme}", None)]
    fake.queue("messages", answer_reply([]))  # an answer with no capability: a terminal failure
    first = run_serially(refs, IngestContext.create(settings))
    assert first.count("failed") == 1 and len(fake.message_requests) == 1

    again = run_serially(refs, IngestContext.create(settings))
    assert again.count("skipped") == 1 and len(fake.message_requests) == 1
    (note,) = [outcome.error for outcome in again.outcomes]
    assert note is not None and "failed for good" in note and "no capabilities" in note
    assert "capgraph reprocess" in note

    # A changed description is extracted (and paid for) again.
    readme.write_text("# Thin\n\nThin resizes images in place, keeping their EXIF data.\n", encoding="utf-8")
    edited = run_serially(refs, IngestContext.create(settings))
    assert edited.count("extracted") == 1 and len(fake.message_requests) == 2


def test_a_transient_failure_is_tried_again_on_the_next_run(fake: FakeAnthropic, tmp_path: Path) -> None:
    settings = claude_settings(fake, tmp_path, anthropic_max_retries=1)
    readme = tmp_path / "busy.md"
    readme.write_text("# Busy\n\nBusy resizes images in place, keeping their EXIF data.\n", encoding="utf-8")
    refs = [(f"file:{readme}", None)]
    fake.queue("messages", *[error_reply(500, "api_error", "Internal server error")] * 2)
    first = run_serially(refs, IngestContext.create(settings))
    assert first.count("failed") == 1 and len(fake.message_requests) == 2

    again = run_serially(refs, IngestContext.create(settings))
    assert again.count("extracted") == 1 and len(fake.message_requests) == 3
