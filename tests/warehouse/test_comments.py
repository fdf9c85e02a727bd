"""Tables, views and columns carry COMMENT ON text, docs/warehouse.md is generated from it, and the
comments survive migrations that recreate views and travel with the analyst copy."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb

from warehouse import Warehouse
from warehouse.comments import COMMENTS
from warehouse.docs import DOC_PATH, fresh_reference, main, read_reference, render
from warehouse.sandbox import sandboxed


def _reference_of(path: Path) -> dict:
    Warehouse(path).release()
    with sandboxed(path) as connection:
        return read_reference(connection)


def test_the_doc_reference_is_what_the_comments_say() -> None:
    doc = DOC_PATH.read_text(encoding="utf-8")
    assert render(doc, fresh_reference()) == doc, "docs/warehouse.md is stale: run python -m warehouse.docs"
    assert main(["--check"]) == 0


def test_a_changed_comment_makes_the_doc_stale() -> None:
    doc = DOC_PATH.read_text(encoding="utf-8")
    references = fresh_reference()
    tools = references["tools"]
    references["tools"] = dataclasses.replace(tools, columns=(("id", "Something else."), *tools.columns[1:]))
    assert render(doc, references) != doc


def test_every_table_view_and_column_has_a_comment(populated: Warehouse) -> None:
    references = _reference_of(populated.path)
    assert set(references) == set(COMMENTS)
    for name, reference in references.items():
        assert reference.comment, name
        assert [column for column, comment in reference.columns if not comment] == [], name


def test_comments_come_back_after_a_view_is_recreated(populated: Warehouse) -> None:
    populated.release()
    connection = duckdb.connect(str(populated.path))
    (definition,) = connection.execute(
        "SELECT sql FROM duckdb_views() WHERE view_name = 'tool_summary'"
    ).fetchone()
    # What a later migration does when it changes a view: drop it and create it again.
    connection.execute("DROP VIEW tool_summary")
    connection.execute(definition)
    assert connection.execute(
        "SELECT comment FROM duckdb_views() WHERE view_name = 'tool_summary'"
    ).fetchone() == (None,)
    connection.close()
    with populated.writer():
        pass
    assert _reference_of(populated.path)["tool_summary"].comment == COMMENTS["tool_summary"].text
    assert dict(_reference_of(populated.path)["tool_summary"].columns) == COMMENTS["tool_summary"].columns


def test_the_analyst_copy_carries_every_comment(populated: Warehouse) -> None:
    target = populated.path.with_name("capgraph.analyst.duckdb")
    populated.publish(target)
    assert _reference_of(target) == _reference_of(populated.path)
