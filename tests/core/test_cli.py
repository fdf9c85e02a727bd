"""The read commands and the input errors of the CLI, against a real temporary warehouse (no Prefect)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capgraph.pipeline import IngestContext, run_serially
from capgraph.settings import Settings
from cli.main import app

runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})


@pytest.fixture
def stored(settings: Settings, described_tools: dict[str, str]) -> dict[str, str]:
    summary = run_serially([(ref, None) for ref in described_tools.values()], IngestContext.create(settings))
    assert summary.ok
    return described_tools


def invoke(settings: Settings, *args: str):
    return runner.invoke(app, [*args, "--db", str(settings.db)])


def test_tools_lists_every_stored_tool(settings: Settings, stored: dict[str, str]) -> None:
    result = invoke(settings, "tools")
    assert result.exit_code == 0, result.output
    for ref in stored.values():
        assert ref in result.stdout
    assert "Lumen" in result.stdout and "succeeded" in result.stdout


def test_show_prints_records_with_evidence(settings: Settings, stored: dict[str, str]) -> None:
    result = invoke(settings, "show", stored["tidewater"])
    assert result.exit_code == 0, result.output
    assert "Cron schedules" in result.stdout
    assert "evidence [" in result.stdout
    assert "UNGROUNDED" not in result.stdout


def test_compare_writes_markdown_and_html(settings: Settings, stored: dict[str, str], tmp_path: Path) -> None:
    markdown = invoke(settings, "compare", stored["lumen"], stored["brightline"])
    assert markdown.exit_code == 0, markdown.output
    assert markdown.stdout.startswith("# Lumen vs Brightline")
    out = tmp_path / "page.html"
    html = invoke(
        settings, "compare", stored["lumen"], stored["brightline"], "--format", "html", "--out", str(out)
    )
    assert html.exit_code == 0, html.output
    assert "<table" in out.read_text() and "Lumen" in out.read_text()


def test_runs_lists_extractions(settings: Settings, stored: dict[str, str]) -> None:
    result = invoke(settings, "runs", "--tools")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("succeeded") == 3
    assert "heuristic" in result.stdout


def test_sql_answers_as_a_table_and_as_json(settings: Settings, stored: dict[str, str]) -> None:
    query = "SELECT id, name FROM tools ORDER BY name"
    table = invoke(settings, "sql", query)
    assert table.exit_code == 0, table.output
    assert "Brightline" in table.stdout and "3 rows" in table.stdout
    as_json = invoke(settings, "sql", query, "--json")
    assert as_json.exit_code == 0, as_json.output
    assert [row["name"] for row in json.loads(as_json.stdout)] == ["Brightline", "Lumen", "Tidewater"]


@pytest.mark.parametrize("statement", ["DELETE FROM tools", "DROP TABLE tools", "CREATE TABLE x (a INT)"])
def test_sql_refuses_anything_but_select(settings: Settings, stored: dict[str, str], statement: str) -> None:
    result = invoke(settings, "sql", statement)
    assert result.exit_code == 2
    assert "error:" in result.stderr and "SELECT" in result.stderr
    assert invoke(settings, "sql", "SELECT count(*) AS n FROM tools", "--json").stdout.count('"n": 3') == 1


@pytest.mark.parametrize(
    "command", [["show", "installed:nope"], ["compare", "installed:nope", "installed:nada"]]
)
def test_unknown_tool_ids_get_one_clear_line(
    settings: Settings, stored: dict[str, str], command: list[str]
) -> None:
    result = invoke(settings, *command)
    assert result.exit_code == 2
    assert "installed:nope" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_reprocess_of_an_unknown_tool_fails_before_any_work(
    settings: Settings, stored: dict[str, str]
) -> None:
    result = invoke(settings, "reprocess", "installed:nope")
    assert result.exit_code == 2
    assert "installed:nope" in result.stderr and "capgraph tools" in result.stderr


def test_read_commands_on_a_missing_warehouse_say_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tools", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "ingest" in result.stderr


def test_malformed_catalog_is_reported_before_anything_runs(settings: Settings, tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text("[[tool]\nref = 'installed:rich'\n")
    result = invoke(settings, "ingest", "--catalog", str(catalog))
    assert result.exit_code == 2
    assert str(catalog) in result.stderr
    assert not settings.db.exists()


def test_ingest_without_refs_or_catalog_is_a_usage_error(settings: Settings) -> None:
    result = invoke(settings, "ingest")
    assert result.exit_code == 2
    assert "--catalog" in result.stderr


def test_every_command_has_help() -> None:
    for command in ["ingest", "reprocess", "tools", "show", "compare", "runs", "sql", "serve"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.stdout


def test_batch_mode_without_the_claude_extractor_is_refused_up_front(
    settings: Settings, stored: dict
) -> None:
    result = invoke(settings, "ingest", stored["lumen"], "--batch")
    assert result.exit_code == 2
    assert "--batch needs the anthropic extractor" in result.stderr


def test_costs_with_no_paid_calls_says_so(settings: Settings, stored: dict[str, str]) -> None:
    result = invoke(settings, "costs")
    assert result.exit_code == 0, result.output
    assert "no API calls recorded (by run)" in result.stdout


def test_an_invalid_setting_is_one_line_naming_the_variable(settings: Settings, stored: dict) -> None:
    result = CliRunner(env={"CAPGRAPH_CONCURRENCY": "0"}).invoke(app, ["tools", "--db", str(settings.db)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: setting CAPGRAPH_CONCURRENCY=0: Input should be greater than or equal to 1"
    ]


def test_compare_shows_the_stored_scores_and_dashes_for_what_is_missing(
    settings: Settings, stored: dict[str, str]
) -> None:
    page = invoke(settings, "compare", stored["lumen"], stored["brightline"]).stdout
    rows = {
        line.split("|")[1].strip(): line.split("|")[2:4]
        for line in page.splitlines()
        if line.startswith("| ")
    }
    ranks = invoke(
        settings,
        "sql",
        f"""SELECT "rank", adoption, match_graph, times_matched FROM tool_scores
        WHERE tool_id IN ('{stored["lumen"]}', '{stored["brightline"]}')
        ORDER BY tool_id = '{stored["brightline"]}'""",
        "--json",
    )
    expected = json.loads(ranks.stdout)
    assert [cell.strip() for cell in rows["Rank"]] == [f"{row['rank']}/100" for row in expected]
    assert all(row["adoption"] is None for row in expected)  # local files carry no popularity signal
    assert [cell.strip() for cell in rows["Adoption"]] == ["—", "—"]
    # Once the graph is built a tool nobody lists as an alternative scores a real 0, not "—".
    assert all(row["match_graph"] is not None for row in expected)
    assert [cell.strip() for cell in rows["Match Graph"]] == [f"{row['match_graph']:.0f}" for row in expected]
    assert [cell.strip() for cell in rows["Times Matched"]] == ["0", "0"]


ENUMERATED_OPTIONS = [
    (["compare", "installed:a", "installed:b", "--db", "none.duckdb"], "--format", ["md", "html"]),
    (["costs", "--db", "none.duckdb"], "--by", ["run", "model", "tool"]),
    (["export", "out", "--db", "none.duckdb"], "--format", ["parquet", "csv"]),
    (["discover", "hf", "--catalog", "catalog.toml"], "--kind", ["model", "dataset"]),
]


@pytest.mark.parametrize(("command", "option", "choices"), ENUMERATED_OPTIONS)
def test_enumerated_options_list_their_choices_and_refuse_others_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], option: str, choices: list[str]
) -> None:
    shown = runner.invoke(app, [command[0], "--help"])
    assert shown.exit_code == 0, shown.output
    assert "<" + "|".join(choices) + ">" in shown.stdout

    monkeypatch.chdir(tmp_path)
    refused = runner.invoke(app, [*command, option, "bogus"])
    assert refused.exit_code == 2
    quoted = ", ".join(repr(choice) for choice in choices)
    assert refused.stderr.strip() == f"error: {command[0]} {option}: 'bogus' is not one of {quoted}"
    assert not any(tmp_path.rglob("*.*")), "a refused value creates no file"


def test_discover_lists_its_sources_and_refuses_others_in_one_line() -> None:
    shown = runner.invoke(app, ["discover", "--help"])
    assert "<hf|github|openrouter>" in shown.stdout
    refused = runner.invoke(app, ["discover", "gitlab"])
    assert refused.exit_code == 2
    expected = "error: discover SOURCE: 'gitlab' is not one of 'hf', 'github', 'openrouter'"
    assert refused.stderr.strip() == expected
