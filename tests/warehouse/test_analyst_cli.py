"""The analyst copy opens in the DuckDB CLI analysts install today (`pip install duckdb-cli`, 1.5.x),
and every view and macro we ship answers there as it does here."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from tests.warehouse import builders
from warehouse import Warehouse
from warehouse.comments import COMMENTS

CLI = Path(sys.executable).parent / "duckdb"


def _cli(database: Path, sql: str) -> list[list[str]]:
    """Rows of ``sql`` run by the 1.5 CLI on ``database`` opened read-only, header first."""
    assert CLI.exists(), f"{CLI} is missing: install the test extras (duckdb-cli>=1.5,<1.6)"
    done = subprocess.run(
        [str(CLI), "-readonly", "-csv", str(database), "-c", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return list(csv.reader(io.StringIO(done.stdout)))


@pytest.fixture
def published(populated: Warehouse) -> Path:
    target = populated.path.with_name("capgraph.analyst.duckdb")
    populated.publish(target)
    return target


def test_the_cli_is_a_1_5_release(published: Path) -> None:
    assert _cli(published, "SELECT version()")[1][0].startswith("v1.5.")


def test_the_cli_reads_tool_summary_from_the_copy(published: Path) -> None:
    rows = _cli(published, "SELECT id, capabilities FROM tool_summary ORDER BY id")
    assert rows == [["id", "capabilities"], [builders.HERON_ID, "0"], [builders.OTTER_ID, "3"]]


def test_every_view_answers_in_the_cli_as_it_does_here(published: Path) -> None:
    copy = Warehouse(published)
    _, views = copy.analyst_query("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1")
    assert len(views) >= 5
    for (view,) in views:
        _, ours = copy.analyst_query(f"SELECT count(*) FROM {view}")
        assert _cli(published, f"SELECT count(*) AS n FROM {view}") == [["n"], [str(ours[0][0])]], view


def test_the_match_macros_work_in_the_cli(published: Path) -> None:
    text = "Columnar engines scan Parquet files quickly, with the windows"
    _, ours = Warehouse(published).analyst_query(f"SELECT match_tokens('{text}')")
    rows = _cli(published, f"SELECT match_tokens('{text}') AS terms")
    assert rows[1][0] == str(ours[0][0]).replace("'", "")


def test_the_cli_sees_the_comments_of_views_and_columns(published: Path) -> None:
    rows = _cli(
        published,
        "SELECT comment FROM duckdb_views() WHERE view_name = 'tool_summary' "
        "UNION ALL SELECT comment FROM duckdb_columns() "
        "WHERE table_name = 'tool_summary' AND column_name = 'id'",
    )
    assert rows[1:] == [[COMMENTS["tool_summary"].text], [COMMENTS["tool_summary"].columns["id"]]]


def test_run_history_appended_in_place_still_opens_in_the_cli(populated: Warehouse, published: Path) -> None:
    copied = published.stat().st_ino
    with populated.writer() as session:
        session.record_ingest_run(builders.ingest_run("ingest-2"))
    populated.publish(published)
    assert published.stat().st_ino == copied  # only history was new: appended, not copied whole
    rows = _cli(published, "SELECT ingest_id FROM ingest_runs ORDER BY ingest_id")
    assert rows == [["ingest_id"], ["ingest-1"], ["ingest-2"]]

    with populated.writer() as session:
        session.record_comparisons([(builders.OTTER_ID, builders.HERON_ID)], via="compare")
        session.record_ingest_run(builders.ingest_run("ingest-3"))
    populated.publish(published)
    assert published.stat().st_ino != copied  # a write besides history: the whole copy again
    assert _cli(published, "SELECT count(*) AS n FROM comparison_events")[1] == ["1"]
    assert _cli(published, "SELECT max(ingest_id) AS i FROM ingest_runs")[1] == ["ingest-3"]
