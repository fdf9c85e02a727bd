"""``capgraph eval`` end to end with the offline extractor: the report, the stored history, the eval
warehouse that is kept (unchanged documents are not extracted again) or started over, and tools that
leave the gold set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cli.main import app

FIXTURE = Path(__file__).parent / "fixtures" / "gold"
runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "CAPGRAPH_EXTRACTOR": "heuristic"})


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    target = tmp_path / "gold"
    shutil.copytree(FIXTURE, target)
    return target


def run(db: Path, *args: str):
    return runner.invoke(app, ["eval", *args, "--db", str(db)])


def extraction_runs(eval_folder: Path) -> int:
    (eval_db,) = [path for path in eval_folder.glob("*.duckdb") if ".analyst." not in path.name]
    with duckdb.connect(str(eval_db), read_only=True) as connection:
        (count,) = connection.execute("SELECT count(*) FROM extraction_runs").fetchone() or (0,)
    return int(count)


def test_json_report_matches_what_the_warehouse_keeps(gold: Path, tmp_path: Path) -> None:
    db = tmp_path / "main.duckdb"
    result = run(db, str(gold), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [tool["gold_id"] for tool in report["tools"]] == ["driftwood", "fenwick", "quillpad", "saltmarsh"]
    assert report["extractor"] == "heuristic" and report["prompt_version"]
    figures = report["figures"]
    tools = report["tools"]
    assert figures["stored_records"] == sum(tool["stored"] for tool in tools)
    assert figures["precision"] == figures["matched_records"] / figures["stored_records"]
    assert figures["recall"] == figures["matched_records"] / 10
    with duckdb.connect(str(db), read_only=True) as connection:
        kept = connection.execute(
            "SELECT eval_id, precision, recall, tools, gold_records FROM eval_runs"
        ).fetchall()
        per_tool = connection.execute("SELECT count(*) FROM eval_tool_results").fetchone()
    assert kept == [(report["eval_id"], figures["precision"], figures["recall"], 4, 10)]
    assert per_tool == (4,)


def test_a_second_eval_reuses_the_eval_warehouse_and_fresh_starts_over(gold: Path, tmp_path: Path) -> None:
    db = tmp_path / "main.duckdb"
    assert run(db, str(gold)).exit_code == 0
    eval_folder = tmp_path / "main.eval"
    first = extraction_runs(eval_folder)
    assert first == 4  # three extracted, one failed (install line only)

    again = run(db, str(gold))
    assert again.exit_code == 0, again.output
    assert extraction_runs(eval_folder) == first
    assert "reported as such: 1 of 1" in again.stdout

    fresh = run(db, str(gold), "--fresh")
    assert fresh.exit_code == 0, fresh.output
    assert extraction_runs(eval_folder) == 4

    history = runner.invoke(app, ["eval", "--history", "--db", str(db)])
    assert history.exit_code == 0, history.output
    assert history.stdout.count("(version heuristic") == 3


def test_a_tool_that_leaves_the_gold_set_is_no_longer_an_alternative(gold: Path, tmp_path: Path) -> None:
    db = tmp_path / "main.duckdb"
    assert run(db, str(gold)).exit_code == 0
    for name in ("fenwick.md", "fenwick.toml"):
        (gold / name).unlink()
    saltmarsh = gold / "saltmarsh.toml"
    saltmarsh.write_text(saltmarsh.read_text().replace('competitors = ["fenwick"]', "competitors = []"))
    result = run(db, str(gold), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [tool["gold_id"] for tool in report["tools"]] == ["driftwood", "quillpad", "saltmarsh"]
    listed = {alternative for tool in report["tools"] for alternative in tool["alternatives"]}
    assert not any("fenwick" in alternative for alternative in listed)


def test_out_writes_a_markdown_report_and_check_runs_nothing(gold: Path, tmp_path: Path) -> None:
    db = tmp_path / "main.duckdb"
    checked = run(db, str(gold), "--check")
    assert checked.exit_code == 0, checked.output
    assert "4 gold tools, 10 gold records, every quote found" in checked.stdout
    assert not db.exists()

    report = tmp_path / "report.md"
    result = run(db, str(gold), "--out", str(report), "--tools")
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert text.startswith("# capgraph eval: heuristic")
    assert "| saltmarsh |" in text and "- precision:" in text
    assert "per tool" in result.stdout


def test_a_bad_gold_set_is_one_line_and_exit_2(gold: Path, tmp_path: Path) -> None:
    toml = gold / "quillpad.toml"
    toml.write_text(toml.read_text().replace("searchable static website", "searchable static webzine"))
    result = run(tmp_path / "main.duckdb", str(gold))
    assert result.exit_code == 2
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith("error: ") and "quote not in quillpad.md" in line
