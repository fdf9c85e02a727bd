"""`capgraph ingest` with the Claude extractor against the fake API: what a user sees when the key is
rejected, and a cost cap that cannot be kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.core.conftest import DESCRIPTIONS
from tests.fakes.anthropic_server import FakeAnthropic


def _refs(tmp_path: Path) -> list[str]:
    folder = tmp_path / "descriptions"
    folder.mkdir()
    refs = []
    for filename, text in DESCRIPTIONS.items():
        (folder / filename).write_text(text, encoding="utf-8")
        refs.append(f"file:{folder / filename}")
    return refs


def _runner(fake: FakeAnthropic, **env: str) -> CliRunner:
    return CliRunner(
        env={
            "COLUMNS": "250",
            "CAPGRAPH_EXTRACTOR": "anthropic",
            "CAPGRAPH_ANTHROPIC_API_KEY": "test-key",
            "CAPGRAPH_ANTHROPIC_BASE_URL": fake.base_url,
            "CAPGRAPH_ANTHROPIC_RETRY_BACKOFF_BASE_SECONDS": "0.001",
            **env,
        }
    )


@pytest.mark.parametrize("mode", [[], ["--batch"]], ids=["real-time", "batch"])
def test_a_rejected_key_is_reported_once_and_every_tool_line_names_its_tool(
    tmp_path: Path, mode: list[str]
) -> None:
    refs = _refs(tmp_path)
    with FakeAnthropic(valid_keys={"the-right-key"}) as fake:
        result = _runner(fake).invoke(app, ["ingest", *mode, *refs, "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1, result.output
    printed = result.stdout + result.stderr
    assert printed.count("invalid x-api-key") == 1, printed
    assert "run stopped: Anthropic API key" in result.stdout and "Traceback" not in printed
    skipped = [line.strip() for line in result.stdout.splitlines() if line.strip().startswith("skipped ")]
    assert len(skipped) == len(refs)
    for ref in refs:
        (line,) = [line for line in skipped if line.startswith(f"skipped {ref}: ")]
        assert "the run stopped" in line


def test_a_cost_cap_with_an_unpriced_model_refuses_to_start(tmp_path: Path) -> None:
    refs = _refs(tmp_path)
    with FakeAnthropic() as fake:
        runner = _runner(fake, CAPGRAPH_ANTHROPIC_MODEL="claude-mythos-5")
        result = runner.invoke(app, ["ingest", *refs, "--max-cost", "1", "--db", str(tmp_path / "w.duckdb")])
        assert result.exit_code == 2, result.output
        (line,) = result.stderr.strip().splitlines()[-1:]
        assert "claude-mythos-5 has no price in prices.toml" in line
        assert "CAPGRAPH_UNKNOWN_CALL_COST_USD" in line
        assert "Traceback" not in result.output
        assert fake.requests == []

        declared = _runner(
            fake, CAPGRAPH_ANTHROPIC_MODEL="claude-mythos-5", CAPGRAPH_UNKNOWN_CALL_COST_USD="0.01"
        ).invoke(app, ["ingest", refs[0], "--max-cost", "1", "--db", str(tmp_path / "w.duckdb")])
        assert declared.exit_code == 0, declared.output
        assert len(fake.message_requests) == 1
