"""The pipeline core without Prefect: incremental runs, failure isolation, the fatal stop, the cost cap."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from extractors.base import CallHooks
from extractors.function import FunctionExtractor
from schemas import (
    ApiCall,
    Capability,
    CapabilitySet,
    Evidence,
    FatalRunError,
    SourceDocument,
    Tool,
)
from warehouse import Warehouse


def first_line_records(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
    """One record per bullet line, quoting the line itself (so it is grounded)."""
    lines = [line[2:].strip() for line in document.text.splitlines() if line.startswith("- ")]
    return CapabilitySet(
        tool_id=document.tool_id,
        document_sha256=document.sha256,
        extractor="function",
        prompt_version="function-v1",
        capabilities=[
            Capability(
                title=line.split(":")[0].strip("* "), description=line, evidence=[Evidence(quote=line)]
            )
            for line in lines
        ],
    )


def refs_of(described_tools: dict[str, str]) -> list[tuple[str, None]]:
    return [(ref, None) for ref in described_tools.values()]


def test_heuristic_run_stores_every_tool_then_skips_unchanged(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    first = run_serially(refs_of(described_tools), IngestContext.create(settings))
    assert first.ok, first.failures
    assert first.count("extracted") == 3

    second = run_serially(refs_of(described_tools), IngestContext.create(settings))
    assert second.count("unchanged") == 3
    assert second.count("extracted") == 0

    with Warehouse(settings.db).reader() as session:
        assert len(session.recent_runs(limit=50)) == 3  # unchanged tools cost no run
        profile = session.tool_profile(described_tools["lumen"])
    titles = " ".join(capability.title for capability in profile.capabilities).lower()
    assert "vectorised execution" in titles
    assert all(capability.grounded for capability in profile.capabilities)


def test_force_and_changed_documents_are_re_extracted(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    run_serially(refs_of(described_tools), IngestContext.create(settings))
    forced = run_serially(refs_of(described_tools), IngestContext.create(settings), force=True)
    assert forced.count("extracted") == 3

    path = Path(described_tools["brightline"].removeprefix("file:"))
    path.write_text(
        path.read_text() + "- **Streaming mode**: validates records one at a time from a stream.\n"
    )
    changed = run_serially(refs_of(described_tools), IngestContext.create(settings))
    assert [outcome.status for outcome in changed.outcomes] == ["unchanged", "unchanged", "extracted"]


def test_a_new_extractor_version_re_extracts(settings: Settings, described_tools: dict[str, str]) -> None:
    context = IngestContext.create(
        settings, extractor=FunctionExtractor(first_line_records, prompt_version="a")
    )
    run_serially(refs_of(described_tools), context)
    bumped = IngestContext.create(
        settings, extractor=FunctionExtractor(first_line_records, prompt_version="b")
    )
    assert run_serially(refs_of(described_tools), bumped).count("extracted") == 3


def test_one_tool_failing_mid_extraction_leaves_the_others_stored(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    def flaky(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        if "tidewater" in document.tool_id:
            raise RuntimeError("parser blew up half way")
        return first_line_records(document, tool, hooks)

    summary = run_serially(
        refs_of(described_tools), IngestContext.create(settings, extractor=FunctionExtractor(flaky))
    )
    assert [outcome.status for outcome in summary.outcomes] == ["extracted", "failed", "extracted"]
    failure = summary.failures[0]
    assert "tidewater" in failure.error and "parser blew up half way" in failure.error
    assert not summary.ok

    with Warehouse(settings.db).reader() as session:
        assert session.capability_count(described_tools["lumen"]) == 3
        assert session.capability_count(described_tools["brightline"]) == 2
        failed_runs = [run for run in session.recent_runs(limit=10) if run.status == "failed"]
    assert len(failed_runs) == 1
    assert failed_runs[0].tool_id == described_tools["tidewater"]
    assert "parser blew up half way" in failed_runs[0].error


def test_a_failed_re_extraction_keeps_the_previous_records(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    run_serially(refs_of(described_tools), IngestContext.create(settings))
    lumen = described_tools["lumen"]
    with Warehouse(settings.db).reader() as session:
        before = [capability.title for capability in session.tool_profile(lumen).capabilities]

    def broken(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        raise ValueError("model returned garbage")

    (outcome,) = run_serially(
        [(lumen, None)], IngestContext.create(settings, extractor=FunctionExtractor(broken)), force=True
    ).outcomes
    assert outcome.status == "failed"
    with Warehouse(settings.db).reader() as session:
        assert [capability.title for capability in session.tool_profile(lumen).capabilities] == before


def test_bad_refs_fail_alone_with_clear_messages(
    settings: Settings, described_tools: dict[str, str], tmp_path: Path
) -> None:
    binary = tmp_path / "blob.md"
    binary.write_bytes(b"\x00\x01\x02binary")
    refs = [
        ("nosuch:thing", None),
        (f"file:{tmp_path / 'missing.md'}", None),
        (f"file:{binary}", None),
        (described_tools["lumen"], None),
    ]
    summary = run_serially(refs, IngestContext.create(settings))
    statuses = [outcome.status for outcome in summary.outcomes]
    assert statuses == ["failed", "failed", "failed", "extracted"]
    errors = [outcome.error for outcome in summary.failures]
    assert "nosuch:thing" in errors[0] and "scheme" in errors[0]
    assert "missing.md" in errors[1]
    assert "blob.md" in errors[2] and "binary" in errors[2].lower()


def test_a_fatal_error_stops_the_run_once(settings: Settings, described_tools: dict[str, str]) -> None:
    calls: list[str] = []

    def unauthorised(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        calls.append(document.tool_id)
        raise FatalRunError("the API key was rejected (401)", hint="set CAPGRAPH_ANTHROPIC_API_KEY")

    summary = run_serially(
        refs_of(described_tools), IngestContext.create(settings, extractor=FunctionExtractor(unauthorised))
    )
    assert len(calls) == 1
    # The run's failure, not a tool's: every tool is skipped and the reason is given once, as the stop.
    assert [outcome.status for outcome in summary.outcomes] == ["skipped", "skipped", "skipped"]
    assert not any("401" in (outcome.error or "") for outcome in summary.outcomes)
    assert summary.stopped_because is not None and "401" in summary.stopped_because


def test_the_cost_cap_skips_remaining_tools_and_keeps_what_was_extracted(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    def paid(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        hooks.before_call()
        hooks.after_call(
            ApiCall(
                tool_id=document.tool_id,
                model="test-model",
                status="ok",
                input_tokens=1000,
                cost_usd=Decimal("0.6"),
            )
        )
        return first_line_records(document, tool, hooks)

    capped = settings.model_copy(update={"max_cost_usd": Decimal("1.0")})
    context = IngestContext.create(capped, extractor=FunctionExtractor(paid, model="test-model"))
    summary = run_serially(refs_of(described_tools), context)
    assert [outcome.status for outcome in summary.outcomes] == ["extracted", "extracted", "skipped"]
    assert "budget" in summary.outcomes[2].error
    assert summary.cost_usd == Decimal("1.2")
    with Warehouse(settings.db).reader() as session:
        assert session.capability_count(described_tools["lumen"]) == 3
        assert session.capability_count(described_tools["tidewater"]) == 3
        runs = session.recent_runs(limit=10)
    assert sorted(float(run.cost_usd) for run in runs if run.status == "succeeded") == [0.6, 0.6]


def test_ungrounded_records_are_stored_flagged(settings: Settings, described_tools: dict[str, str]) -> None:
    def inventive(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        honest = first_line_records(document, tool, hooks)
        invented = Capability(
            title="Quantum acceleration",
            description="Runs queries on a quantum computer.",
            evidence=[Evidence(quote="runs on qubits for a 1000x speedup")],
        )
        return honest.model_copy(update={"capabilities": [*honest.capabilities, invented]})

    context = IngestContext.create(settings, extractor=FunctionExtractor(inventive))
    (outcome,) = run_serially([(described_tools["lumen"], None)], context).outcomes
    assert outcome.status == "extracted" and outcome.ungrounded == 1
    with Warehouse(settings.db).reader() as session:
        records = {
            capability.title: capability
            for capability in session.tool_profile(described_tools["lumen"]).capabilities
        }
    assert records["Quantum acceleration"].grounded is False
    assert records["Quantum acceleration"].evidence[0].start is None
    assert sum(1 for record in records.values() if record.grounded) == 3


def test_a_run_publishes_the_analyst_copy(settings: Settings, described_tools: dict[str, str]) -> None:
    run_serially(refs_of(described_tools), IngestContext.create(settings))
    analyst = settings.analyst_path()
    assert analyst.exists()
    with Warehouse(analyst).reader() as session:
        assert len(session.tool_ids()) == 3


def test_an_empty_run_creates_nothing_and_succeeds(settings: Settings) -> None:
    summary = run_serially([], IngestContext.create(settings))
    assert summary.ok and summary.outcomes == ()
    assert not settings.db.exists()
