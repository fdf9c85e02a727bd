"""Finished tools are stored in batches, one transaction each, and a bad tool never costs the others
their write: a failed batch is written again tool by tool."""

from __future__ import annotations

from pathlib import Path

import pytest

from capgraph import pipeline
from capgraph.pipeline import IngestContext, run_pipeline, run_serially
from capgraph.settings import Settings
from extractors.base import CallHooks
from extractors.function import FunctionExtractor
from schemas import Capability, CapabilitySet, Evidence, SourceDocument, TerminalError, Tool
from warehouse import ExtractionToStore, Warehouse


def _transactions_of_tools(db: Path) -> int:
    """How many transactions wrote the tool rows: DuckDB's now() is the start time of its transaction."""
    with Warehouse(db).reader() as session:
        _, ((count,),) = session.query("SELECT count(DISTINCT first_seen_at) FROM all_tools")
    return int(count)


def _stored_tools(db: Path) -> set[str]:
    with Warehouse(db).reader() as session:
        _, rows = session.query("SELECT id FROM all_tools")
    return {tool_id for (tool_id,) in rows}


@pytest.fixture
def one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    # However slow the machine, these few tools finish within one batch's wait.
    monkeypatch.setattr(pipeline, "WRITE_BATCH_SECONDS", 60.0)


@pytest.mark.usefixtures("one_batch")
@pytest.mark.parametrize("serially", [True, False], ids=["one after another", "thread pool"])
def test_the_tools_of_a_run_are_stored_in_one_transaction(
    settings: Settings, described_tools: dict[str, str], serially: bool
) -> None:
    refs = [(ref, None) for ref in described_tools.values()]
    context = IngestContext.create(settings)
    summary = run_serially(refs, context) if serially else run_pipeline(refs, context)
    assert summary.count("extracted") == 3
    assert _transactions_of_tools(settings.db) == 1


def test_a_batch_is_cut_at_its_size(
    settings: Settings, described_tools: dict[str, str], monkeypatch: pytest.MonkeyPatch, one_batch: None
) -> None:
    monkeypatch.setattr(pipeline, "WRITE_BATCH_TOOLS", 2)
    summary = run_serially([(ref, None) for ref in described_tools.values()], IngestContext.create(settings))
    assert summary.count("extracted") == 3
    assert _transactions_of_tools(settings.db) == 2


def _records_of_another_document(bad_name: str) -> FunctionExtractor:
    """Good records for every tool but ``bad_name``, whose records claim another document."""

    def extract(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        quote = document.text.splitlines()[0].lstrip("# ")
        sha256 = "0" * 64 if quote.lower() == bad_name else document.sha256
        return CapabilitySet(
            tool_id=document.tool_id,
            document_sha256=sha256,
            extractor="function",
            prompt_version="function-v1",
            capabilities=[Capability(title="Named", description=quote, evidence=[Evidence(quote=quote)])],
        )

    return FunctionExtractor(extract)


@pytest.mark.usefixtures("one_batch")
def test_a_tool_whose_rows_do_not_fit_fails_alone_and_the_batch_is_stored_without_it(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    context = IngestContext.create(settings, extractor=_records_of_another_document("tidewater"))
    summary = run_serially([(ref, None) for ref in described_tools.values()], context)
    by_ref = {outcome.ref: outcome for outcome in summary.outcomes}
    bad = by_ref[described_tools["tidewater"]]
    assert bad.status == "failed"
    assert bad.error is not None and bad.error.startswith(f"{bad.tool_id}: extracted but not stored:")
    assert "capabilities come from" in bad.error
    assert {by_ref[described_tools[name]].status for name in ("lumen", "brightline")} == {"extracted"}
    good_ids = {by_ref[described_tools[name]].tool_id for name in ("lumen", "brightline")}
    assert _stored_tools(settings.db) == good_ids


def test_a_batch_write_is_all_or_nothing(settings: Settings, described_tools: dict[str, str]) -> None:
    context = IngestContext.create(settings)
    results = []
    for name, ref in described_tools.items():
        fetched = context.sources.fetch(ref)
        records = context.extractor.extract(fetched.document, tool=fetched.tool, hooks=CallHooks())
        if name == "brightline":
            records = records.model_copy(update={"document_sha256": "0" * 64})
        key = pipeline._wanted_key(context, fetched)
        run = pipeline._run_record(context, fetched, key, fetched.document.fetched_at, (), None)
        results.append(ExtractionToStore(fetched, run, records, ()))
    with pytest.raises(TerminalError, match="capabilities come from"), context.warehouse.writer() as session:
        session.record_extractions(results)
    assert _stored_tools(settings.db) == set()
    with context.warehouse.writer() as session:
        session.record_extractions(results[:2])
    assert len(_stored_tools(settings.db)) == 2
