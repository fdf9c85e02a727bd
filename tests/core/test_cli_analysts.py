"""The analysts' side of the CLI: values printed verbatim, machine-readable output, export, sandboxed SQL."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import duckdb
import pytest
import typer
from typer.testing import CliRunner

from capgraph.settings import Settings
from cli.main import app
from tests.warehouse import builders
from warehouse import Warehouse

runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})

HOSTILE_NAMES = {"installed:closing-tag": "[/]", "installed:emoji": ":x:", "installed:bold": "[bold]x[/bold]"}


def invoke(settings: Settings, *args: str):
    return runner.invoke(app, [*args, "--db", str(settings.db)])


@pytest.fixture
def hostile(settings: Settings) -> Settings:
    """Three tools whose names are Rich markup or an emoji code; one has a record titled like that too."""
    warehouse = Warehouse(settings.db)
    doc = builders.document("installed:closing-tag")
    with warehouse.writer() as session:
        for tool_id, name in HOSTILE_NAMES.items():
            session.upsert_tool(builders.tool(tool_id, name=name))
        session.store_document(doc)
        record = builders.capability("[/] :x: [bold]x[/bold]", "durable key-value")
        session.record_run(
            builders.run(doc, ingest_id="ingest-[/]"),
            builders.capability_set(doc, [record]),
            [builders.call("installed:closing-tag")],
        )
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


LONG_VALUE = "[/] " + "x" * 400 + " :x:"
MACHINE_READS = [
    ("tools",),
    ("show", "installed:closing-tag"),
    ("show", "installed:closing-tag", "--explain"),
    ("runs",),
    ("runs", "--tools"),
    ("costs",),
    ("alternatives", "installed:closing-tag"),
    ("sql", f"SELECT name, '{LONG_VALUE}' AS long FROM tools ORDER BY id"),
]


@pytest.mark.parametrize("command", MACHINE_READS, ids=lambda command: " ".join(command)[:40])
def test_every_read_command_prints_plain_json(hostile: Settings, command: tuple[str, ...]) -> None:
    result = invoke(hostile, *command, "--json")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    parsed = json.loads(result.stdout)
    if command[0] == "show":
        assert parsed["tool"]["name"] == "[/]"
        assert parsed["capabilities"][0]["title"] == "[/] :x: [bold]x[/bold]"
        assert ("scores" in parsed) == ("--explain" in command)
    elif command[0] == "sql":
        assert [row["name"] for row in parsed] == ["[bold]x[/bold]", "[/]", ":x:"]
        assert {row["long"] for row in parsed} == {LONG_VALUE}
    elif command[0] == "tools":
        assert {row["id"]: row["name"] for row in parsed} == HOSTILE_NAMES
    elif command == ("runs", "--tools"):
        assert parsed[0]["ingest_id"] == "ingest-[/]"
    elif command[0] == "costs":
        assert {row["group"] for row in parsed} == {"run", "model", "tool"}
        assert all(row["cost_usd"] == 0.0025 for row in parsed)
    else:
        assert parsed == []


@pytest.mark.parametrize("command", MACHINE_READS, ids=lambda command: " ".join(command)[:40])
def test_every_read_command_prints_plain_csv(hostile: Settings, command: tuple[str, ...]) -> None:
    result = invoke(hostile, *command, "--csv")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    header, *rows = list(csv.reader(io.StringIO(result.stdout)))
    assert header
    assert all(len(row) == len(header) for row in rows)
    records = [dict(zip(header, row, strict=True)) for row in rows]
    if command[0] == "show":
        assert [record["title"] for record in records] == ["[/] :x: [bold]x[/bold]"]
        assert json.loads(records[0]["evidence"])[0]["quote"] == "durable key-value"
    elif command[0] == "sql":
        assert [record["long"] for record in records] == [LONG_VALUE] * 3
    elif command[0] == "tools":
        assert {record["id"]: record["name"] for record in records} == HOSTILE_NAMES
    elif command[0] == "costs":
        assert {record["cost_usd"] for record in records} == {"0.0025"}
    elif command == ("runs", "--tools"):
        assert records[0]["ingest_id"] == "ingest-[/]"


def test_json_stays_valid_with_nan_and_infinity(hostile: Settings) -> None:
    result = invoke(
        hostile, "sql", "SELECT 'nan'::DOUBLE AS a, 'inf'::DOUBLE AS b, 1.5::DOUBLE AS c", "--json"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout, parse_constant=lambda name: pytest.fail(name)) == [
        {"a": None, "b": None, "c": 1.5}
    ]
    as_csv = invoke(hostile, "sql", "SELECT 'nan'::DOUBLE AS a", "--csv")
    assert as_csv.stdout == "a\nnan\n"


def test_json_and_csv_together_are_refused(hostile: Settings) -> None:
    result = invoke(hostile, "tools", "--json", "--csv")
    assert result.exit_code == 2
    assert "pick one" in result.stderr


def _exported_names(settings: Settings) -> set[str]:
    Warehouse(settings.db).release()
    connection = duckdb.connect(str(settings.db), read_only=True)
    try:
        tables = connection.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'")
        names = {name for (name,) in tables.fetchall()}
        views = connection.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
        return names | {name for (name,) in views.fetchall()}
    finally:
        connection.close()


@pytest.mark.parametrize("export_format", ["parquet", "csv"])
def test_export_writes_every_table_and_view_once(
    hostile: Settings, tmp_path: Path, export_format: str
) -> None:
    folder = tmp_path / "export"
    result = invoke(hostile, "export", str(folder), "--format", export_format)
    assert result.exit_code == 0, result.output
    names = _exported_names(hostile)
    assert {"tools", "tool_summary", "latest_capabilities", "api_calls"} <= names
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        f"{name}.{export_format}" for name in names
    )
    assert "view tools: 3 rows" in result.stderr
    assert f"exported {len(names)} tables and views" in result.stdout
    reader = f"read_{export_format}"
    scratch = duckdb.connect(":memory:")
    rows = scratch.execute(
        f"SELECT id, name FROM {reader}('{folder / f'tools.{export_format}'}') ORDER BY id"
    )
    assert dict(rows.fetchall()) == HOSTILE_NAMES
    summary = scratch.execute(f"SELECT count(*) FROM {reader}('{folder / f'tool_summary.{export_format}'}')")
    assert summary.fetchone() == (3,)
    scratch.close()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_a_failed_export_leaves_no_file_behind(hostile: Settings, tmp_path: Path) -> None:
    Warehouse(hostile.db).release()
    connection = duckdb.connect(str(hostile.db))
    # Views are written after every table, so this one fails once most files are already staged.
    connection.execute("CREATE VIEW zz_broken AS SELECT error('this view cannot be read') AS never")
    connection.close()
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "tools.parquet").write_text("the previous export", encoding="utf-8")
    result = invoke(hostile, "export", str(folder))
    assert result.exit_code == 2
    assert "zz_broken" in result.stderr and "this view cannot be read" in result.stderr
    assert len(result.stderr.strip().splitlines()) > 1  # the progress lines, then the one error line
    assert [path.name for path in folder.iterdir()] == ["tools.parquet"]
    assert (folder / "tools.parquet").read_text(encoding="utf-8") == "the previous export"
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_version_prints_the_package_version() -> None:
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"capgraph {pyproject['project']['version']}\n"


def test_dash_h_is_help_on_every_command() -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert {"tools", "sql", "export", "ingest"} <= set(commands)
    top = runner.invoke(app, ["-h"])
    assert top.exit_code == 0 and "export" in top.stdout
    for name in commands:
        result = runner.invoke(app, [name, "-h"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage:" in result.stdout and "--help" in result.stdout, name
