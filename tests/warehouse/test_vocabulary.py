"""One vocabulary for pairs and scores (in schemas/), and warehouse rows read by column name."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

import render
import schemas
from render import matches as render_matches
from render import scores as render_scores
from warehouse.named_rows import named_row, named_rows

REPO = Path(schemas.__file__).resolve().parent.parent
SOURCE_PACKAGES = ("capgraph", "schemas", "sources", "extractors", "warehouse", "render", "flows")


def _sources() -> dict[Path, str]:
    return {
        path: path.read_text(encoding="utf-8")
        for package in SOURCE_PACKAGES
        for path in (REPO / package).rglob("*.py")
    }


def test_comparison_via_is_defined_once_in_schemas() -> None:
    definitions = [
        path.relative_to(REPO).as_posix()
        for path, text in _sources().items()
        if re.search(r"^ComparisonVia\s*=", text, re.MULTILINE)
    ]
    assert definitions == ["schemas/comparisons.py"]


def test_pair_and_score_models_are_the_schemas_ones_everywhere() -> None:
    assert render.PairMatch is render_matches.PairMatch is schemas.PairMatch
    assert render.SharedPair is schemas.SharedPair
    assert render.ToolScores is render_scores.ToolScores is schemas.ToolScores
    classes = [
        (path.relative_to(REPO).as_posix(), name)
        for path, text in _sources().items()
        for name in re.findall(
            r"^class (PairMatch|SharedPair|ToolScores|CapabilityPair)\b", text, re.MULTILINE
        )
    ]
    assert classes == [
        ("schemas/comparisons.py", "SharedPair"),
        ("schemas/comparisons.py", "PairMatch"),
        ("schemas/comparisons.py", "ToolScores"),
    ]


def test_the_readers_never_pick_a_column_by_position() -> None:
    positional = re.compile(r"\brow\[-?\d|\*row\[|\bedges?\[\d\]\[\d\]|fetchone\(\)\[\d")
    found = {
        name: positional.findall((REPO / "warehouse" / name).read_text(encoding="utf-8"))
        for name in ("read_session.py", "match_graph.py", "scores.py")
    }
    assert found == {"read_session.py": [], "match_graph.py": [], "scores.py": []}


def test_named_rows_key_each_value_by_its_column() -> None:
    connection = duckdb.connect()
    result = connection.execute(
        "SELECT 1 AS first, 'two' AS second UNION ALL SELECT 3, 'four' ORDER BY first"
    )
    assert named_rows(result) == [{"first": 1, "second": "two"}, {"first": 3, "second": "four"}]
    assert named_row(connection.execute("SELECT 5 AS only")) == {"only": 5}
    assert named_row(connection.execute("SELECT 1 AS nothing WHERE false")) is None
