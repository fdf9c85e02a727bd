"""Analysts' SQL reads the warehouse and nothing else: no files, no URLs, no extensions, no way back."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from schemas import CapgraphError, WarehouseBusyError
from tests.warehouse import builders
from tests.warehouse.processes import holding
from warehouse import Warehouse
from warehouse.sandbox import sandboxed


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the warehouse with a CSV, a text and a Parquet file a query must not read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.csv").write_text("name,value\nmarker,4242\n", encoding="utf-8")
    (folder / "secret.txt").write_text("marker 4242\n", encoding="utf-8")
    scratch = duckdb.connect(":memory:")
    scratch.execute(f"COPY (SELECT 4242 AS value) TO '{folder / 'secret.parquet'}' (FORMAT parquet)")
    scratch.close()
    return folder


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * FROM read_csv('{folder}/secret.csv')",
        "SELECT * FROM '{folder}/secret.csv'",
        "SELECT content FROM read_text('{folder}/secret.txt')",
        "SELECT * FROM read_blob('{folder}/secret.txt')",
        "SELECT * FROM read_parquet('{folder}/secret.parquet')",
        "SELECT * FROM glob('{folder}/*')",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM read_csv('http://127.0.0.1:9/data.csv')",
        "SELECT * FROM 'https://127.0.0.1:9/data.parquet'",
    ],
)
def test_selects_that_reach_outside_the_warehouse_are_refused(
    populated: Warehouse, outside: Path, template: str
) -> None:
    with pytest.raises(CapgraphError) as caught:
        populated.analyst_query(template.format(folder=outside))
    assert caught.value.subject == "sql"
    assert "disabled by configuration" in caught.value.message or "does not exist" in caught.value.message
    assert "4242" not in caught.value.message
    assert "\n" not in str(caught.value)


def test_warehouse_tables_and_views_still_answer(populated: Warehouse) -> None:
    columns, rows = populated.analyst_query("SELECT id, capabilities FROM tool_summary ORDER BY id")
    assert columns == ["id", "capabilities"]
    assert rows == [(builders.HERON_ID, 0), (builders.OTTER_ID, 3)]


@pytest.mark.parametrize(
    "statement",
    [
        "SET enable_external_access = true",
        "SET GLOBAL enable_external_access = true",
        "RESET enable_external_access",
        "SET lock_configuration = false",
        "SET autoload_known_extensions = true",
        "SET autoinstall_known_extensions = true",
        "INSTALL httpfs",
        "LOAD httpfs",
    ],
)
def test_the_sandbox_cannot_be_reconfigured_or_extended(populated: Warehouse, statement: str) -> None:
    # Straight on the sandbox connection, past the SELECT-only guard: the instance itself must refuse.
    populated.release()
    with sandboxed(populated.path) as connection:
        with pytest.raises(duckdb.Error):
            connection.execute(statement)
        settings = dict(
            connection.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ('enable_external_access', "
                "'lock_configuration', 'autoload_known_extensions', 'autoinstall_known_extensions')"
            ).fetchall()
        )
    assert settings == {
        "enable_external_access": "false",
        "lock_configuration": "true",
        "autoload_known_extensions": "false",
        "autoinstall_known_extensions": "false",
    }


def test_the_sandbox_neither_attaches_nor_writes_files(populated: Warehouse, tmp_path: Path) -> None:
    populated.release()
    with sandboxed(populated.path) as connection:
        for statement in (
            f"ATTACH '{tmp_path / 'other.duckdb'}' AS other",
            f"COPY tools TO '{tmp_path / 'tools.csv'}'",
            f"COPY (SELECT 1) TO '{tmp_path / 'one.parquet'}' (FORMAT parquet)",
        ):
            with pytest.raises(duckdb.Error, match="disabled by configuration"):
                connection.execute(statement)
    assert not (tmp_path / "other.duckdb").exists()
    assert not (tmp_path / "tools.csv").exists()
    assert not (tmp_path / "one.parquet").exists()


def test_a_refused_statement_names_what_it_was(populated: Warehouse) -> None:
    for statement, named in (("ATTACH 'x.duckdb' AS x", "ATTACH"), ("COPY tools TO 'x.csv'", "COPY")):
        with pytest.raises(CapgraphError, match=named):
            populated.analyst_query(statement)


def test_a_file_another_process_writes_is_waited_for_then_named(populated: Warehouse) -> None:
    populated.release()
    impatient = Warehouse(populated.path, lock_timeout_seconds=0.3)
    with holding(populated.path) as holder, pytest.raises(WarehouseBusyError) as caught:
        impatient.analyst_query("SELECT count(*) FROM tools")
    assert f"PID {holder.pid}" in caught.value.message
    assert "gave up after 0.3s" in caught.value.message
    # Once the writer is gone, the same query answers.
    assert impatient.analyst_query("SELECT count(*) FROM tools") == (["count_star()"], [(2,)])
