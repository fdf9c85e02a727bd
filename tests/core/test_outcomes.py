"""One rule turns an error into a tool's outcome, on every path (checking, real-time, batch)."""

from __future__ import annotations

import pytest

from capgraph.outcomes import RUN_STOPPED_NOTE, outcome_for, stops_the_run
from schemas import (
    BudgetExceeded,
    CapgraphError,
    DeferredError,
    ExtractionError,
    FatalRunError,
    RunInterrupted,
    SourceError,
    TransientError,
    WarehouseBusyError,
)


@pytest.mark.parametrize(
    "error,status,reason",
    [
        (BudgetExceeded("the cost cap of $1.00 is reached"), "skipped", "the cost cap of $1.00 is reached"),
        (
            DeferredError("deferred to the next run", subject="pypi:x"),
            "skipped",
            "pypi:x: deferred to the next run",
        ),
        (RunInterrupted("stop requested"), "skipped", "stop requested"),
        (FatalRunError("the API rejected the key", subject="Anthropic API key"), "skipped", RUN_STOPPED_NOTE),
        (TransientError("kept failing", subject="pypi:x"), "failed", "pypi:x: kept failing"),
        (WarehouseBusyError("held by PID 7"), "failed", "tool:a: held by PID 7"),
        (ExtractionError("no records"), "failed", "tool:a: no records"),
        (
            SourceError("missing", subject="file:/x.md", hint="check the path"),
            "failed",
            "file:/x.md: missing (check the path)",
        ),
    ],
)
def test_each_error_class_decides_the_outcome(error: CapgraphError, status: str, reason: str) -> None:
    assert outcome_for(error, tool_id="tool:a") == (status, reason)


def test_without_a_tool_the_reason_is_the_error_line_alone() -> None:
    assert outcome_for(ExtractionError("no records")) == ("failed", "no records")


def test_only_fatal_errors_stop_the_run() -> None:
    assert stops_the_run(FatalRunError("no credit")) and stops_the_run(RunInterrupted("stop"))
    assert not stops_the_run(DeferredError("later")) and not stops_the_run(BudgetExceeded("cap"))
    assert not stops_the_run(TransientError("again"))


def test_a_run_record_of_a_deferred_tool_is_skipped_and_of_a_broken_one_failed(tmp_path) -> None:
    from capgraph.pipeline import IngestContext, run_serially
    from capgraph.settings import Settings
    from extractors.function import FunctionExtractor
    from warehouse import Warehouse

    document = tmp_path / "tool.md"
    document.write_text("# Tool\n\n- **Fast**: it is fast.\n", encoding="utf-8")
    settings = Settings(_env_file=None, db=tmp_path / "capgraph.duckdb", extractor="heuristic")

    def deferred(*_: object) -> None:
        raise DeferredError("deferred to the next run: the API asked to wait 900 s")

    summary = run_serially(
        [(f"file:{document}", None)], IngestContext.create(settings, extractor=FunctionExtractor(deferred))
    )
    assert summary.outcomes[0].status == "skipped"
    with Warehouse(settings.db).reader() as session:
        assert [run.status for run in session.recent_runs(limit=5)] == ["skipped"]
