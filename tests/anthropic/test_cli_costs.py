"""`capgraph costs` and `capgraph runs` over a warehouse whose ledger the fake Claude API filled."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from capgraph.pipeline import IngestContext, run_serially
from cli.main import app
from tests.anthropic.helpers import make_settings
from tests.fakes.anthropic_server import FakeAnthropic, Reply, message_body
from warehouse import Warehouse

README = """# Driftwood

Driftwood archives chat transcripts into searchable monthly bundles.
It redacts email addresses and phone numbers before anything is written to disk.
"""


def test_costs_and_runs_show_the_ledger(fake: FakeAnthropic, tmp_path: Path) -> None:
    source = tmp_path / "driftwood.md"
    source.write_text(README, encoding="utf-8")
    settings = make_settings(fake.base_url, db=tmp_path / "w.duckdb", extractor="anthropic")
    summary = run_serially([(f"file:{source}", None)], IngestContext.create(settings))
    assert summary.ok

    runner = CliRunner(env={"COLUMNS": "250"})
    costs = runner.invoke(app, ["costs", "--db", str(settings.db)])
    assert costs.exit_code == 0, costs.output
    for grouping in ("by run", "by model", "by tool"):
        assert grouping in costs.stdout
    assert "claude-haiku-5-5" in costs.stdout
    assert f"${summary.cost_usd:.4f}" in costs.stdout

    future = runner.invoke(app, ["costs", "--since", "2999-01-01", "--by", "tool", "--db", str(settings.db)])
    assert future.exit_code == 0, future.output
    assert "no API calls recorded (by tool)" in future.stdout

    runs = runner.invoke(app, ["runs", "--tools", "--db", str(settings.db)])
    assert runs.exit_code == 0, runs.output
    assert "anthropic / claude-haiku-5-5" in runs.stdout and "succeeded" in runs.stdout


def test_costs_say_at_least_when_a_group_has_calls_of_unknown_cost(
    fake: FakeAnthropic, tmp_path: Path
) -> None:
    timed_out, answered = tmp_path / "driftwood.md", tmp_path / "kelp.md"
    timed_out.write_text(README, encoding="utf-8")
    answered.write_text(README.replace("Driftwood", "Kelp"), encoding="utf-8")
    settings = make_settings(
        fake.base_url,
        db=tmp_path / "w.duckdb",
        extractor="anthropic",
        anthropic_timeout_seconds=0.2,
        anthropic_max_retries=0,
    )
    fake.queue("messages", Reply(body=message_body("{}"), delay=0.8))  # answers after the SDK gave up
    summary = run_serially(
        [(f"file:{timed_out}", None), (f"file:{answered}", None)], IngestContext.create(settings)
    )
    assert [outcome.status for outcome in summary.outcomes] == ["failed", "extracted"]
    assert summary.cost_usd is None  # not a silent $0 for the timed-out call

    with Warehouse(settings.db).reader() as session:
        (known,) = [row.cost_usd for row in session.costs(by="tool") if row.key == f"file:{answered}"]
    assert known is not None and known > 0
    runner = CliRunner(env={"COLUMNS": "250"})
    for grouping in ("run", "model"):
        shown = runner.invoke(app, ["costs", "--by", grouping, "--db", str(settings.db)])
        assert shown.exit_code == 0, shown.output
        assert f"at least ${known:.4f}, 1 calls of unknown cost" in shown.stdout
    by_tool = runner.invoke(app, ["costs", "--by", "tool", "--db", str(settings.db)])
    assert "at least $0.0000, 1 calls of unknown cost" in by_tool.stdout
    assert f"${known:.4f}" in by_tool.stdout
