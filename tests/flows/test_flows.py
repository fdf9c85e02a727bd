"""The real Prefect flows: ingest (concurrent, failures isolated), reprocess, render, the CLI through them
(``--prefect``). This module is the one that breaks when Prefect's resolution breaks."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from capgraph import pipeline
from capgraph.pipeline import IngestContext
from capgraph.settings import Settings
from cli.main import app
from flows.ingest import ingest, reprocess, run_ingest
from flows.render import render, site
from tests.core.conftest import DESCRIPTIONS
from warehouse import Warehouse

ROOT = Path(__file__).resolve().parents[2]


def write_catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "descriptions"
    folder.mkdir()
    lines = []
    for filename, text in DESCRIPTIONS.items():
        (folder / filename).write_text(text, encoding="utf-8")
        lines += ["[[tool]]", f'ref = "file:descriptions/{filename}"', 'kind = "Repository"', ""]
    lines += ["[[tool]]", 'ref = "file:descriptions/absent.md"', ""]
    catalog = tmp_path / "catalog.toml"
    catalog.write_text("\n".join(lines), encoding="utf-8")
    return catalog


def test_ingest_flow_runs_tools_concurrently_and_isolates_failures(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "w.duckdb", extractor="heuristic", concurrency=4)
    catalog = write_catalog(tmp_path)
    seen = []
    summary = run_ingest(IngestContext.create(settings), refs=[], catalog=catalog, progress=seen.append)

    assert summary.count("extracted") == 3
    assert summary.count("failed") == 1
    assert "absent.md" in summary.failures[0].error
    assert len(seen) == 4
    with Warehouse(settings.analyst_path()).reader() as session:
        kinds = {row.kind for row in session.list_tools()}
    assert kinds == {"Repository"}

    again = ingest(catalog=str(catalog), settings=settings.portable())
    assert again.count("unchanged") == 3 and again.count("extracted") == 0


def test_reprocess_flow_forces_one_tool(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "w.duckdb", extractor="heuristic")
    catalog = write_catalog(tmp_path)
    ingest(catalog=str(catalog), settings=settings.portable())
    with Warehouse(settings.db).reader() as session:
        tool_id = session.tool_ids()[0]
    summary = reprocess(ref=tool_id, settings=settings.portable())
    assert [outcome.status for outcome in summary.outcomes] == ["extracted"]


def test_render_flow_writes_the_page(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "w.duckdb", extractor="heuristic")
    catalog = write_catalog(tmp_path)
    ingest(catalog=str(catalog), settings=settings.portable())
    with Warehouse(settings.analyst_path()).reader() as session:
        left, right = sorted(session.tool_ids())[:2]
    written = render(
        left_id=left, right_id=right, out=str(tmp_path / "page.md"), settings=settings.portable()
    )
    assert Path(written).read_text().startswith("# ")
    assert " vs " in Path(written).read_text().splitlines()[0]
    with Warehouse(settings.db).reader() as session:
        counted = session.tool_scores(left)
    assert counted is not None and counted.times_matched == 1


def test_site_flow_writes_the_site(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, db=tmp_path / "w.duckdb", extractor="heuristic")
    ingest(catalog=str(write_catalog(tmp_path)), settings=settings.portable())
    pages = site(out=str(tmp_path / "site"), settings=settings.portable())
    with Warehouse(settings.db).reader() as session:
        tools = len(session.tool_ids())
    # The index, one page per tool, and the pair pages.
    assert pages > tools
    assert (tmp_path / "site" / "index.html").is_file()
    assert len(list((tmp_path / "site" / "tools").glob("*.html"))) == tools


def test_cli_ingests_the_bundled_example_catalog_through_the_flow(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    runner = CliRunner(env={"COLUMNS": "200", "CAPGRAPH_EXTRACTOR": "heuristic"})
    ingest = ["ingest", "--catalog", str(ROOT / "examples/catalog.toml"), "--db", str(db), "--prefect"]
    result = runner.invoke(app, ingest)
    assert result.exit_code == 0, result.output
    assert "extracted" in result.stdout and "0 failed" in result.stdout
    assert "extractor: heuristic" in result.stderr
    assert "orchestration: Prefect" in result.stderr

    rerun = runner.invoke(app, ingest)
    assert rerun.exit_code == 0, rerun.output
    assert "0 extracted" in rerun.stdout

    compared = runner.invoke(app, ["compare", "installed:duckdb", "installed:pydantic", "--db", str(db)])
    assert compared.exit_code == 0, compared.output
    assert compared.stdout.startswith("# ")


def test_cli_exit_code_is_non_zero_when_a_tool_fails(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    result = runner.invoke(
        app, ["ingest", "nosuch:tool", "installed:rich", "--db", str(tmp_path / "x.duckdb"), "--prefect"]
    )
    assert result.exit_code == 1
    assert "nosuch:tool" in result.stdout and "1 extracted" in result.stdout
    # Each failure is printed once: in the summary, not also as a Prefect log line.
    assert result.output.count("nosuch:tool") == 1


def test_the_flow_stores_its_tools_in_one_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow the machine, these few tools finish within one batch's wait.
    monkeypatch.setattr(pipeline, "WRITE_BATCH_SECONDS", 60.0)
    settings = Settings(_env_file=None, db=tmp_path / "w.duckdb", extractor="heuristic", concurrency=4)
    summary = run_ingest(IngestContext.create(settings), refs=[], catalog=write_catalog(tmp_path))
    assert summary.count("extracted") == 3
    with Warehouse(settings.db).reader() as session:
        # DuckDB's now() is the start time of its transaction.
        _, rows = session.query("SELECT count(DISTINCT first_seen_at) FROM all_tools")
    assert rows == [(1,)]
