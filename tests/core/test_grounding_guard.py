"""Grounded records are not replaced by worse ones: a re-extraction with no grounded records, or fewer
than half as many grounded as the current records, is stored as a `rejected` run with its reason and
the current records stay, unless the run accepts ungrounded records."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from capgraph.pipeline import IngestContext, RunSummary, run_serially
from capgraph.settings import Settings
from extractors.base import CallHooks
from extractors.function import FunctionExtractor
from schemas import Capability, CapabilitySet, Evidence, SourceDocument, Tool
from tests.core.processes import capgraph
from tests.fakes.anthropic_server import FakeAnthropic, answer_reply, capability
from warehouse import Warehouse


def records(grounded: int, ungrounded: int, *, version: str) -> FunctionExtractor:
    """An extractor answering ``grounded`` records quoting the source, then ``ungrounded`` that do not."""

    def extract(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        lines = [line[2:] for line in document.text.splitlines() if line.startswith("- ")]
        quotes = [lines[index % len(lines)] for index in range(grounded)]
        quotes += [f"a sentence the source never said, number {index}" for index in range(ungrounded)]
        return CapabilitySet(
            tool_id=document.tool_id,
            document_sha256=document.sha256,
            extractor="function",
            prompt_version=version,
            capabilities=[
                Capability(title=f"Record {index}", description=quote, evidence=[Evidence(quote=quote)])
                for index, quote in enumerate(quotes)
            ],
        )

    return FunctionExtractor(extract, prompt_version=version)


def _current(settings: Settings, ref: str) -> list[tuple[str, bool]]:
    with Warehouse(settings.db).reader() as session:
        return [(record.title, record.grounded) for record in session.tool_profile(ref).capabilities]


def _latest_run(settings: Settings, ref: str) -> tuple[str, str | None]:
    with Warehouse(settings.db).reader() as session:
        (run,) = session.recent_runs(limit=1, tool_id=ref)
    return run.status, run.error


@pytest.fixture
def grounded_four(
    settings: Settings, described_tools: dict[str, str]
) -> Callable[[FunctionExtractor], object]:
    """lumen stored with four grounded records; returns a function running lumen again with an extractor."""
    ref = described_tools["lumen"]
    run_serially([(ref, None)], IngestContext.create(settings, extractor=records(4, 0, version="v1")))

    def again(extractor: FunctionExtractor, *, accept: bool = False) -> RunSummary:
        context = IngestContext.create(settings, extractor=extractor, accept_ungrounded=accept)
        return run_serially([(ref, None)], context)

    return again


@pytest.mark.parametrize(("grounded", "ungrounded"), [(0, 5), (1, 6)])
def test_a_much_less_grounded_re_extraction_is_rejected(
    settings: Settings, described_tools: dict[str, str], grounded_four, grounded: int, ungrounded: int
) -> None:
    ref = described_tools["lumen"]
    before = _current(settings, ref)
    summary = grounded_four(records(grounded, ungrounded, version="v2"))
    (outcome,) = summary.outcomes
    assert outcome.status == "failed" and not summary.ok
    assert outcome.error == (
        f"{ref}: re-extraction rejected: {grounded} of its {grounded + ungrounded} records are grounded, "
        "against 4 grounded current records, which are kept (pass --accept-ungrounded to replace them anyway)"
    )
    assert _current(settings, ref) == before
    status, error = _latest_run(settings, ref)
    assert status == "rejected" and error is not None and "re-extraction rejected" in error


def test_a_rejected_extraction_is_not_paid_for_again_until_accepted(
    settings: Settings, described_tools: dict[str, str], grounded_four
) -> None:
    ref = described_tools["lumen"]
    calls: list[str] = []
    worse = records(0, 3, version="v2")

    def counted(document: SourceDocument, tool: Tool | None, hooks: CallHooks) -> CapabilitySet:
        calls.append(document.tool_id)
        return worse.extract(document, tool=tool, hooks=hooks)

    extractor = FunctionExtractor(counted, prompt_version="v2")
    assert grounded_four(extractor).outcomes[0].status == "failed"
    assert len(calls) == 1

    (again,) = grounded_four(extractor).outcomes
    assert len(calls) == 1, "the same document through the same extractor must not be paid for twice"
    assert again.status == "skipped"
    assert again.error is not None and again.error.startswith(f"{ref}: not re-extracted")
    assert "--accept-ungrounded" in again.error

    accepted = grounded_four(extractor, accept=True)
    assert len(calls) == 2 and accepted.outcomes[0].status == "extracted"


def test_half_as_many_grounded_records_or_more_replace_the_current_ones(
    settings: Settings, described_tools: dict[str, str], grounded_four
) -> None:
    summary = grounded_four(records(2, 3, version="v2"))
    assert summary.outcomes[0].status == "extracted"
    assert [grounded for _, grounded in _current(settings, described_tools["lumen"])] == [True] * 2 + [
        False
    ] * 3


def test_accepting_ungrounded_records_replaces_the_current_ones(
    settings: Settings, described_tools: dict[str, str], grounded_four
) -> None:
    summary = grounded_four(records(0, 2, version="v2"), accept=True)
    assert summary.outcomes[0].status == "extracted" and summary.outcomes[0].ungrounded == 2
    assert _current(settings, described_tools["lumen"]) == [("Record 0", False), ("Record 1", False)]
    assert _latest_run(settings, described_tools["lumen"]) == ("succeeded", None)


def test_the_cli_rejects_an_ungrounded_claude_answer_and_exits_1(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    ref = described_tools["lumen"]
    run_serially([(ref, None)], IngestContext.create(settings))  # heuristic: grounded records
    Warehouse(settings.db).release()
    before = _current(settings, ref)
    invented = [capability("Invented", "a feature this README never mentions at all")]
    with FakeAnthropic() as fake:
        fake.queue("messages", *[answer_reply(invented) for _ in range(3)])  # the answer and two repairs
        run = capgraph(
            ["ingest", ref, "--db", str(settings.db)],
            CAPGRAPH_EXTRACTOR="anthropic",
            CAPGRAPH_ANTHROPIC_API_KEY="test-key",
            CAPGRAPH_ANTHROPIC_BASE_URL=fake.base_url,
        )
        out, err = run.communicate(timeout=120)
    assert run.returncode == 1, err
    assert "1 failed" in out and "re-extraction rejected: 0 of its 1 records are grounded" in out
    assert _current(settings, ref) == before
    assert _latest_run(settings, ref)[0] == "rejected"
