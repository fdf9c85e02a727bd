"""The pipeline's batch path through the extractor protocol alone: no Claude SDK, no extractor name."""

from __future__ import annotations

from pathlib import Path

from capgraph.pipeline import IngestContext, run_batch, run_serially
from capgraph.settings import Settings
from extractors.base import BatchCapable, CallHooks
from extractors.heuristic import HeuristicExtractor
from extractors.testing import BatchingFunctionExtractor
from schemas import CapabilitySet, SourceDocument, Tool, TransientError
from tests.core.test_pipeline import first_line_records, refs_of
from warehouse import Warehouse


def _quick(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update={"batch_poll_seconds": 0.01, "batch_max_poll_seconds": 0.01, **changes})


def test_a_batch_run_goes_through_the_protocol_and_asks_for_the_service_once(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    extractor = BatchingFunctionExtractor(first_line_records)
    assert isinstance(extractor.batches(), BatchCapable)
    extractor.batches_asked = 0
    summary = run_batch(refs_of(described_tools), IngestContext.create(_quick(settings), extractor=extractor))
    assert [outcome.status for outcome in summary.outcomes] == ["extracted"] * 3, summary.failures
    assert extractor.batches_asked == 1  # resume, fail-fast check, submit, poll and collect share it
    assert extractor.real_time_calls == 0
    assert len(extractor.service.submitted) == 1 and extractor.service.collected == ["fnbatch_1"]
    with Warehouse(settings.db).reader() as session:
        assert session.open_batches() == []
        profile = session.tool_profile(described_tools["lumen"])
    assert profile.capabilities and all(record.grounded for record in profile.capabilities)


def test_an_open_batch_is_resumed_by_the_next_run_whatever_the_extractor_is_called(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    extractor = BatchingFunctionExtractor(first_line_records, hold=True)
    refs = refs_of(described_tools)
    first = run_batch(
        refs, IngestContext.create(_quick(settings, batch_max_wait_seconds=0), extractor=extractor)
    )
    assert [outcome.status for outcome in first.outcomes] == ["skipped"] * 3
    assert "in batch fnbatch_1, still in_progress; the next run collects it" in (
        first.outcomes[0].error or ""
    )

    extractor.service.hold = False
    # A real-time run settles the open batch first, and sends none of its tools again.
    second = run_serially(refs, IngestContext.create(_quick(settings), extractor=extractor))
    assert [outcome.status for outcome in second.outcomes] == ["extracted"] * 3, second.failures
    assert extractor.real_time_calls == 0
    assert len(extractor.service.submitted) == 1 and extractor.service.collected == ["fnbatch_1"]
    with Warehouse(settings.db).reader() as session:
        assert session.open_batches() == []

    third = run_serially(refs, IngestContext.create(_quick(settings), extractor=extractor))
    assert [outcome.status for outcome in third.outcomes] == ["unchanged"] * 3


def test_an_item_worth_retrying_is_extracted_again_in_real_time(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    calls: list[str] = []

    def flaky_in_batches(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        calls.append(document.tool_id)
        if len(calls) == 1:
            raise TransientError("overloaded", subject=document.tool_id)
        return first_line_records(document, tool, hooks)

    extractor = BatchingFunctionExtractor(flaky_in_batches)
    summary = run_batch(refs_of(described_tools), IngestContext.create(_quick(settings), extractor=extractor))
    assert [outcome.status for outcome in summary.outcomes] == ["extracted"] * 3, summary.failures
    assert extractor.real_time_calls == 1


def test_an_extractor_without_a_batch_service_is_refused_before_any_work(
    settings: Settings, described_tools: dict[str, str], tmp_path: Path
) -> None:
    context = IngestContext.create(settings, extractor=HeuristicExtractor())
    assert context.batches is None
    try:
        run_batch(refs_of(described_tools), context)
    except Exception as error:
        assert "--batch needs the anthropic extractor" in str(error)
        assert "this run uses heuristic" in str(error)
    else:
        raise AssertionError("run_batch accepted an extractor without a batch service")
    assert not settings.db.exists()
