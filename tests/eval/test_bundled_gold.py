"""The bundled gold set is well formed and ``capgraph eval`` runs on all of it with the offline
extractor. This checks the harness (every tool scored, the figures are the sums of the per-tool
counts), not the extractor's quality: those figures are in the README, made by the command below."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from capgraph.evaluation.gold_set import load_gold_set
from cli.main import app

BUNDLED = Path(__file__).resolve().parents[2] / "eval" / "gold"


def test_the_bundled_gold_set_is_large_varied_and_checks() -> None:
    gold = load_gold_set(BUNDLED)
    assert len(gold.entries) >= 30
    suffixes = {entry.document_path.suffix for entry in gold.entries}
    assert {".md", ".rst", ".html"} <= suffixes
    assert any(not entry.gold.states_capabilities for entry in gold.entries)
    categories = {entry.gold.category for entry in gold.entries if entry.gold.competitors}
    assert len(categories) >= 8


def test_eval_runs_on_the_bundled_gold_set(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", str(BUNDLED), "--extractor", "heuristic", "--json", "--db", str(tmp_path / "w.duckdb")]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    gold = load_gold_set(BUNDLED)
    assert [tool["gold_id"] for tool in report["tools"]] == [entry.id for entry in gold.entries]
    tools, figures = report["tools"], report["figures"]
    assert figures["gold_records"] == sum(len(entry.gold.records) for entry in gold.entries)
    assert figures["matched_records"] == sum(tool["matched"] for tool in tools)
    assert figures["precision"] == figures["matched_records"] / figures["stored_records"]
    assert figures["recall"] == figures["matched_records"] / figures["gold_records"]
    assert all(tool["matched"] <= min(tool["stored"], tool["gold"]) for tool in tools)
