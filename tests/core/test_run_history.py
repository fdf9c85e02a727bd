"""Run history: every run, even one where nothing changed, is a row of ``ingest_runs``; `capgraph runs`
lists them and `capgraph runs --tools` the per-tool extraction runs."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from cli.main import app
from warehouse import Warehouse

runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})


def _history(settings: Settings) -> list[tuple]:
    with Warehouse(settings.db).reader() as session:
        _, rows = session.query(
            "SELECT ingest_id, trigger, command, extractor, seen, extracted, unchanged, failed, skipped, "
            "status, stop_reason, finished_at >= started_at FROM ingest_runs ORDER BY started_at"
        )
    return rows


def test_every_run_is_a_row_even_when_nothing_changed(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    refs = [(ref, None) for ref in described_tools.values()]
    first = IngestContext.create(settings, trigger="schedule", command="capgraph ingest --catalog c.toml")
    run_serially(refs, first)
    second = IngestContext.create(settings)
    assert run_serially(refs, second).count("unchanged") == 3

    rows = _history(settings)
    assert rows == [
        (first.ingest_id, "schedule", "capgraph ingest --catalog c.toml", "heuristic", 3, 3, 0, 0, 0,
         "succeeded", None, True),
        (second.ingest_id, "cli", "capgraph ingest", "heuristic", 3, 0, 3, 0, 0, "succeeded", None, True),
    ]  # fmt: skip


def test_a_run_with_a_failed_tool_is_partial(
    settings: Settings, described_tools: dict[str, str], tmp_path: Path
) -> None:
    refs = [(described_tools["lumen"], None), (f"file:{tmp_path / 'missing.md'}", None)]
    run_serially(refs, IngestContext.create(settings))
    assert [row[4:10] for row in _history(settings)] == [(2, 1, 0, 1, 0, "partial")]
    run_serially(refs[1:], IngestContext.create(settings))
    assert _history(settings)[-1][4:10] == (1, 0, 0, 1, 0, "failed")


def test_runs_lists_whole_runs_and_tools_lists_each_tools_runs(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    refs = [(ref, None) for ref in described_tools.values()]
    run_serially(refs, IngestContext.create(settings, command="capgraph ingest first"))
    run_serially(refs, IngestContext.create(settings, command="capgraph ingest second"))

    whole = runner.invoke(app, ["runs", "--db", str(settings.db)])
    assert whole.exit_code == 0, whole.output
    lines = [line for line in whole.stdout.splitlines() if "capgraph ingest" in line]
    assert len(lines) == 2
    assert "capgraph ingest second" in lines[0] and "capgraph ingest first" in lines[1]  # newest first
    assert all("succeeded" in line for line in lines)

    per_tool = runner.invoke(app, ["runs", "--tools", "--db", str(settings.db)])
    assert per_tool.exit_code == 0, per_tool.output
    assert per_tool.stdout.count("succeeded") == 3
    for ref in described_tools.values():
        assert ref in per_tool.stdout
