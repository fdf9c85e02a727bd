"""`capgraph costs` and `capgraph runs` over a warehouse whose ledger the fake Claude API filled."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from capgraph.cli import app
from capgraph.pipeline import IngestContext, run_serially
from tests.anthropic.helpers import make_settings
from tests.fakes.anthropic_server import FakeAnthropic

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
