"""Tool identity through the CLI: one file is one tool from any working directory, and `remove` retires
a tool from every command until it is ingested again."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.warehouse import builders
from warehouse import Warehouse

runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1", "CAPGRAPH_EXTRACTOR": "heuristic"})

DESCRIPTIONS = {
    "quillmark.md": """# Quillmark

Quillmark renders Markdown notes with live preview.

## Features

- **Live preview**: shows the rendered note beside the Markdown source as you type.
- **Math blocks**: renders LaTeX formulas in notes.
- **Wiki links**: links notes to each other by title.
""",
    "inkwell.md": """# Inkwell

Inkwell renders Markdown notes for teams.

## Features

- **Live preview**: shows the rendered note beside the Markdown source while editing.
- **Shared folders**: keeps a team's notes in one place.
- **Wiki links**: links notes to each other by title.
""",
    "ledgerly.md": """# Ledgerly

Ledgerly keeps household accounts.

## Features

- **Bank import**: reads statements from banks as CSV files.
- **Budgets**: tracks spending against monthly budgets.
""",
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with a docs/ folder of descriptions and a catalog listing them relatively."""
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    for name, text in DESCRIPTIONS.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    (root / "catalog.toml").write_text(
        "".join(f'[[tool]]\nref = "file:docs/{name}"\n\n' for name in DESCRIPTIONS), encoding="utf-8"
    )
    return root


def _cli(db: Path, *args: str):
    return runner.invoke(app, [*args, "--db", str(db)])


def _id(project: Path, name: str) -> str:
    return f"file:{(project / 'docs' / name).resolve()}"


def test_the_same_catalog_from_two_working_directories_gives_the_same_tools(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "capgraph.duckdb"
    monkeypatch.chdir(project)
    first = _cli(db, "ingest", "--catalog", "catalog.toml")
    monkeypatch.chdir(project / "docs")
    second = _cli(db, "ingest", "--catalog", "../catalog.toml", "file:quillmark.md")
    site = _cli(db, "site", "--out", str(tmp_path / "site"))

    assert first.exit_code == 0, first.output
    assert "3 extracted" in first.stdout
    assert second.exit_code == 0, second.output
    assert "0 extracted, 3 unchanged" in second.stdout
    with Warehouse(db).reader() as session:
        assert session.tool_ids() == sorted(_id(project, name) for name in DESCRIPTIONS)
    assert site.exit_code == 0, site.output
    pages = "".join(page.read_text(encoding="utf-8") for page in (tmp_path / "site").rglob("*.html"))
    assert "Inkwell vs Quillmark" in pages or "Quillmark vs Inkwell" in pages
    assert "Quillmark vs Quillmark" not in pages


def test_remove_retires_a_tool_from_every_command_and_ingest_brings_it_back(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "capgraph.duckdb"
    monkeypatch.chdir(project)
    assert _cli(db, "ingest", "--catalog", "catalog.toml").exit_code == 0
    quillmark, inkwell = _id(project, "quillmark.md"), _id(project, "inkwell.md")
    assert quillmark in _cli(db, "alternatives", inkwell).stdout

    removed = _cli(db, "remove", "file:docs/quillmark.md")  # as typed from the project folder

    assert removed.exit_code == 0, removed.output
    assert f"removed {quillmark}" in removed.stdout
    assert quillmark not in _cli(db, "tools").stdout
    assert quillmark not in _cli(db, "alternatives", inkwell).stdout
    compared = _cli(db, "compare", quillmark, inkwell)
    assert compared.exit_code == 2 and "no such tool" in compared.stderr
    assert _cli(db, "site", "--out", str(tmp_path / "site")).exit_code == 0
    site_text = "".join(page.read_text(encoding="utf-8") for page in (tmp_path / "site").rglob("*.html"))
    assert "Quillmark" not in site_text and "Inkwell" in site_text
    scored = "SELECT count(*) AS n FROM score_snapshot WHERE tool_id LIKE '%quillmark%'"
    assert '"n": 0' in _cli(db, "sql", scored, "--json").stdout
    # Its history is kept.
    assert "succeeded" in _cli(db, "runs", "--tool", quillmark).stdout
    assert _cli(db, "remove", quillmark).stdout.strip() == f"{quillmark} was already removed"

    back = _cli(db, "ingest", "file:docs/quillmark.md")

    assert back.exit_code == 0, back.output
    assert "1 extracted" in back.stdout
    assert quillmark in _cli(db, "tools").stdout
    assert quillmark in _cli(db, "alternatives", inkwell).stdout


def test_remove_of_an_unknown_tool_is_one_line_and_exit_2(project: Path, tmp_path: Path) -> None:
    db = tmp_path / "capgraph.duckdb"
    assert _cli(db, "ingest", f"file:{project / 'docs' / 'ledgerly.md'}").exit_code == 0

    result = _cli(db, "remove", "installed:nothing-like-it")

    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: installed:nothing-like-it: no such tool in the warehouse "
        "(`capgraph tools` lists the stored tools)"
    ]


def test_remove_names_the_scheduled_catalog_that_would_bring_the_tool_back(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "capgraph.duckdb"
    monkeypatch.chdir(project)
    monkeypatch.setenv("CAPGRAPH_CATALOG", str(project / "catalog.toml"))
    assert _cli(db, "ingest", "--catalog", "catalog.toml").exit_code == 0

    result = _cli(db, "remove", _id(project, "ledgerly.md"))

    assert result.exit_code == 0, result.output
    assert f"{project / 'catalog.toml'} still lists" in result.stderr


def test_ingest_points_out_a_relative_id_stored_by_an_older_capgraph(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "capgraph.duckdb"
    text = DESCRIPTIONS["quillmark.md"]
    old = builders.document("file:docs/quillmark.md", text.strip())
    warehouse = Warehouse(db)
    with warehouse.writer() as session:  # what capgraph stored when file: ids were relative to the cwd
        session.upsert_tool(builders.tool(old.tool_id, name="Quillmark"))
        session.store_document(old)
        session.record_run(builders.run(old))
    warehouse.release()
    monkeypatch.chdir(project)

    result = _cli(db, "ingest", "file:docs/quillmark.md")

    assert result.exit_code == 0, result.output
    assert (
        f"note: file:docs/quillmark.md is an id from before file: ids were absolute, for the same file as "
        f"{_id(project, 'quillmark.md')}; `capgraph remove file:docs/quillmark.md` retires the old one"
    ) in " ".join(result.stderr.split())
    assert _cli(db, "remove", "file:docs/quillmark.md").exit_code == 0
    assert "note:" not in _cli(db, "ingest", "file:docs/quillmark.md").stderr


def test_read_commands_take_a_file_ref_as_typed_from_the_current_folder(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "capgraph.duckdb"
    monkeypatch.chdir(project)
    assert _cli(db, "ingest", "--catalog", "catalog.toml").exit_code == 0
    monkeypatch.chdir(project / "docs")

    shown = _cli(db, "show", "file:quillmark.md")
    compared = _cli(db, "compare", "file:./quillmark.md", "file:../docs/inkwell.md")
    runs = _cli(db, "runs", "--tool", "file:quillmark.md")

    assert shown.exit_code == 0, shown.output
    assert "Live preview" in shown.stdout
    assert compared.exit_code == 0, compared.output
    assert compared.stdout.startswith("# Quillmark vs Inkwell")
    assert runs.exit_code == 0 and "succeeded" in runs.stdout
