"""Finished work is never thrown away: when another process holds the warehouse file as a tool's result
is written, the write is retried; a result that still cannot be stored is reported naming the tool, and
the API calls it paid for reach the ledger on the next run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import pytest

from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from capgraph.unstored_calls import unstored_calls_path
from extractors.base import CallHooks
from extractors.function import FunctionExtractor
from schemas import ApiCall, Capability, CapabilitySet, Evidence, SourceDocument, Tool
from tests.warehouse.processes import holding
from warehouse import Warehouse


@pytest.fixture
def busy_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"lock_timeout_seconds": 0.3})


@pytest.fixture
def holders() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def paid_extractor(
    db: Path, holders: ExitStack, *, hold_seconds: float, call_ids: list[str]
) -> FunctionExtractor:
    """Pays for one call, then has another process take the warehouse file before the result is written."""

    def extract(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        hooks.before_call()
        call = ApiCall(tool_id=document.tool_id, model="claude-test", status="ok", cost_usd=Decimal("0.01"))
        call_ids.append(call.call_id)
        hooks.after_call(call)
        holders.enter_context(holding(db, seconds=hold_seconds))
        quote = document.text.splitlines()[0].lstrip("# ")
        return CapabilitySet(
            tool_id=document.tool_id,
            document_sha256=document.sha256,
            extractor="function",
            prompt_version="function-v1",
            capabilities=[Capability(title="It exists", description=quote, evidence=[Evidence(quote=quote)])],
        )

    return FunctionExtractor(extract, model="claude-test")


def _stored_calls(db: Path) -> set[str]:
    with Warehouse(db).reader() as session:
        _, rows = session.query("SELECT call_id FROM api_calls")
    return {call_id for (call_id,) in rows}


def test_a_write_that_finds_the_file_busy_is_retried_until_stored(
    busy_settings: Settings, described_tools: dict[str, str], holders: ExitStack
) -> None:
    ref = described_tools["lumen"]
    run_serially([(described_tools["brightline"], None)], IngestContext.create(busy_settings))
    call_ids: list[str] = []
    # Held for longer than one lock timeout (0.3 s), less than the retry window.
    extractor = paid_extractor(busy_settings.db, holders, hold_seconds=0.5, call_ids=call_ids)
    summary = run_serially([(ref, None)], IngestContext.create(busy_settings, extractor=extractor))
    holders.close()
    assert [(outcome.status, outcome.error) for outcome in summary.outcomes] == [("extracted", None)]
    with Warehouse(busy_settings.db).reader() as session:
        assert [record.title for record in session.tool_profile(ref).capabilities] == ["It exists"]
    assert set(call_ids) <= _stored_calls(busy_settings.db)


def test_a_result_that_cannot_be_stored_is_reported_by_tool_and_its_calls_are_booked_next_run(
    busy_settings: Settings, described_tools: dict[str, str], holders: ExitStack
) -> None:
    ref = described_tools["lumen"]
    run_serially([(described_tools["brightline"], None)], IngestContext.create(busy_settings))
    call_ids: list[str] = []
    extractor = paid_extractor(busy_settings.db, holders, hold_seconds=60, call_ids=call_ids)
    summary = run_serially([(ref, None)], IngestContext.create(busy_settings, extractor=extractor))
    holders.close()  # the other process lets go only after the run gave up

    (outcome,) = summary.outcomes
    assert outcome.status == "failed"
    assert outcome.error is not None
    assert outcome.error.startswith(f"{ref}: extracted but not stored: ")
    assert "locked by" in outcome.error and "its 1 API calls are kept for the next run" in outcome.error
    assert unstored_calls_path(busy_settings.db).exists()
    assert not set(call_ids) & _stored_calls(busy_settings.db)

    run_serially([(described_tools["brightline"], None)], IngestContext.create(busy_settings))
    assert set(call_ids) <= _stored_calls(busy_settings.db)
    assert not unstored_calls_path(busy_settings.db).exists()
