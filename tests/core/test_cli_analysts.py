"""The analysts' side of the CLI: values printed verbatim, machine-readable output, export, sandboxed SQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from capgraph.cli import app
from capgraph.settings import Settings
from tests.warehouse import builders
from warehouse import Warehouse

runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})

HOSTILE_NAMES = {"installed:closing-tag": "[/]", "installed:emoji": ":x:", "installed:bold": "[bold]x[/bold]"}


def invoke(settings: Settings, *args: str):
    return runner.invoke(app, [*args, "--db", str(settings.db)])


@pytest.fixture
def hostile(settings: Settings) -> Settings:
    """Three tools whose names are Rich markup or an emoji code; one has a record titled like that too."""
    warehouse = Warehouse(settings.db, release_after_seconds=0)
    doc = builders.document("installed:closing-tag")
    with warehouse.writer() as session:
        for tool_id, name in HOSTILE_NAMES.items():
            session.upsert_tool(builders.tool(tool_id, name=name))
        session.store_document(doc)
        record = builders.capability("[/] :x: [bold]x[/bold]", "durable key-value")
        session.record_run(builders.run(doc), builders.capability_set(doc, [record]))
    return settings


def test_tools_prints_markup_and_emoji_codes_as_typed(hostile: Settings) -> None:
    result = invoke(hostile, "tools")
    assert result.exit_code == 0, result.output
    for name in HOSTILE_NAMES.values():
        assert name in result.stdout
    assert "❌" not in result.stdout


def test_show_prints_a_hostile_title_as_typed(hostile: Settings) -> None:
    result = invoke(hostile, "show", "installed:closing-tag")
    assert result.exit_code == 0, result.output
    assert "[/] :x: [bold]x[/bold]" in result.stdout


@pytest.mark.parametrize("literal", ["[/]", ":x:", "[bold]x[/bold]", "[red]"])
def test_sql_prints_values_and_column_names_as_typed(hostile: Settings, literal: str) -> None:
    result = invoke(hostile, "sql", f"SELECT '{literal}' AS \"{literal}\"")
    assert result.exit_code == 0, result.output
    assert result.stdout.count(literal) == 2
    assert "❌" not in result.stdout


def test_an_error_quoting_markup_is_one_verbatim_line(hostile: Settings) -> None:
    result = invoke(hostile, "show", "installed:[/]")
    assert result.exit_code == 2
    assert "installed:[/]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sql_cannot_read_files_on_the_machine(hostile: Settings, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("marker\n4242\n", encoding="utf-8")
    for statement in (f"SELECT * FROM read_csv('{secret}')", "SELECT * FROM glob('/etc/*')"):
        result = invoke(hostile, "sql", statement)
        assert result.exit_code == 2
        assert "4242" not in result.stdout + result.stderr
        assert "disabled by configuration" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
