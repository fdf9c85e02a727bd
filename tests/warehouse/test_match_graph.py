"""The match graph finds each tool's closest alternatives, pairs their capabilities, and feeds the scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas import CapgraphError, NotFoundError
from tests.warehouse import builders
from tests.warehouse.builders import described
from tests.warehouse.processes import run_python
from warehouse import AlternativeRow, Warehouse
from warehouse.migrations import MIGRATIONS

QUIVER = "installed:quiver"
ARROWDB = "installed:arrowdb"
LEDGERLY = "installed:ledgerly"
TALLYHOO = "installed:tallyhoo"
PIXMILL = "installed:pixmill"
DRIFTER = "installed:drifter"

# Two vector stores, two bookkeeping libraries and an image tool: each pair overlaps in known records.
RECORDS = {
    QUIVER: [
        described("Nearest neighbour search", "Finds the nearest neighbour embeddings with an HNSW graph."),
        described("Metadata filters", "Restricts vector queries by metadata filters on each embedding."),
        described("Snapshot backups", "Writes snapshot backups of collections to object storage."),
    ],
    ARROWDB: [
        described("HNSW neighbour search", "Nearest neighbour lookups over embeddings in an HNSW graph."),
        described("Hybrid ranking", "Blends keyword scores and vector scores into one ranking."),
    ],
    LEDGERLY: [
        described("Double-entry journal", "Keeps a double-entry journal of debits and credits."),
        described("Bank reconciliation", "Matches bank statement lines against open invoices."),
    ],
    TALLYHOO: [
        described("Journal entries", "Records debits and credits as balanced double-entry journal lines."),
        described("Currency conversion", "Converts invoice totals between currencies at daily rates."),
        described("Payroll runs", "Calculates payslips for salaried staff."),
    ],
    PIXMILL: [
        described("Thumbnail resizing", "Resizes photographs into thumbnails in parallel batches."),
    ],
}


@pytest.fixture
def catalogue(warehouse: Warehouse) -> Warehouse:
    """Five tools with current records, and drifter, which only ever failed."""
    with warehouse.writer() as session:
        for tool_id, records in RECORDS.items():
            builders.store_described(session, tool_id, records)
        session.upsert_tool(builders.tool(DRIFTER))
    return warehouse


def _alternatives(warehouse: Warehouse, tool_id: str) -> list[AlternativeRow]:
    with warehouse.reader() as session:
        return session.alternatives(tool_id)


def _edges(warehouse: Warehouse) -> list[tuple[object, ...]]:
    with warehouse.reader() as session:
        _, rows = session.query(
            'SELECT tool_id, alternative_id, "rank", similarity, shared_count FROM match_edges '
            'ORDER BY tool_id, "rank"'
        )
    return rows


def test_each_tool_is_closest_to_the_tool_sharing_its_subject(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        stats = session.rebuild_match_graph()
    assert (stats.tools, stats.method_version) == (5, "match-v1")
    assert stats.edges == len(_edges(catalogue))
    nearest = {
        tool_id: [row.alternative_id for row in _alternatives(catalogue, tool_id)] for tool_id in RECORDS
    }
    assert nearest[QUIVER][0] == ARROWDB
    assert nearest[ARROWDB][0] == QUIVER
    assert nearest[LEDGERLY][0] == TALLYHOO
    assert nearest[TALLYHOO][0] == LEDGERLY
    # Resizing photographs shares no term with anything else.
    assert nearest[PIXMILL] == []
    assert PIXMILL not in {alternative for found in nearest.values() for alternative in found}
    for tool_id in RECORDS:
        rows = _alternatives(catalogue, tool_id)
        assert [row.rank for row in rows] == list(range(1, len(rows) + 1))
        assert [row.similarity for row in rows] == sorted((row.similarity for row in rows), reverse=True)
        assert all(0.05 <= row.similarity <= 1.0 for row in rows)


def test_an_edge_lists_shared_capabilities_and_what_only_one_side_has(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        session.rebuild_match_graph()
    (closest, *_) = _alternatives(catalogue, QUIVER)
    assert (closest.alternative_id, closest.alternative_name, closest.alternative_kind) == (
        ARROWDB,
        "arrowdb",
        "Package",
    )
    assert [(pair.left_title, pair.right_title) for pair in closest.match.shared] == [
        ("Nearest neighbour search", "HNSW neighbour search")
    ]
    assert (closest.match.shared[0].left_ordinal, closest.match.shared[0].right_ordinal) == (0, 0)
    assert 0.3 <= closest.match.shared[0].similarity <= 1.0
    assert closest.match.only_left == ("Metadata filters", "Snapshot backups")
    assert closest.match.only_right == ("Hybrid ranking",)
    assert closest.built_at is not None
    (books, *_) = _alternatives(catalogue, TALLYHOO)
    assert [(pair.left_title, pair.right_title) for pair in books.match.shared] == [
        ("Journal entries", "Double-entry journal")
    ]
    assert books.match.only_left == ("Currency conversion", "Payroll runs")
    assert books.match.only_right == ("Bank reconciliation",)
    edge = {(row[0], row[1]): row for row in _edges(catalogue)}
    assert edge[(QUIVER, ARROWDB)][4] == 1


def test_top_k_and_min_similarity_bound_the_edges(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        session.rebuild_match_graph(top_k=1)
    rows = _edges(catalogue)
    assert rows and all(row[2] == 1 for row in rows)
    assert len({row[0] for row in rows}) == len(rows)
    with catalogue.writer() as session:
        stats = session.rebuild_match_graph(min_similarity=1.0)
    assert (stats.edges, _edges(catalogue)) == (0, [])


def test_a_rebuild_replaces_the_edges_and_keeps_the_builds_as_history(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        first = session.rebuild_match_graph()
        # quiver's current records change to bookkeeping: its alternatives follow.
        builders.store_described(
            session, QUIVER, [described("Ledger journal", "A double-entry journal of debits.")]
        )
        second = session.rebuild_match_graph()
    assert first.build_id != second.build_id
    with catalogue.reader() as session:
        _, builds = session.query("SELECT build_id FROM match_graph_builds ORDER BY built_at")
        _, edge_builds = session.query("SELECT DISTINCT build_id FROM match_edges")
        _, pair_builds = session.query("SELECT DISTINCT build_id FROM match_capability_pairs")
        built_at = session.match_graph_built_at()
        alternatives = session.alternatives(QUIVER)
    assert builds == [(first.build_id,), (second.build_id,)]
    assert edge_builds == pair_builds == [(second.build_id,)]
    assert alternatives[0].alternative_id in {LEDGERLY, TALLYHOO}
    assert alternatives[0].built_at == built_at


def test_the_build_is_deterministic(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        session.rebuild_match_graph()
    first = _edges(catalogue)
    with catalogue.writer() as session:
        session.rebuild_match_graph()
    assert _edges(catalogue) == first


def test_a_tool_without_current_records_has_no_edges_and_no_match_score(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        session.rebuild_match_graph()
    with catalogue.reader() as session:
        assert session.alternatives(DRIFTER) == []
        drifter = session.tool_scores(DRIFTER)
        pixmill = session.tool_scores(PIXMILL)
        quiver = session.tool_scores(QUIVER)
        inputs = {row.input: row for row in session.score_inputs(QUIVER)}
        pixmill_inputs = {row.input: row.value for row in session.score_inputs(PIXMILL)}
        built_at = session.match_graph_built_at()
    assert drifter is not None and drifter.match_graph is None
    # Nobody lists pixmill: a real 0, the lowest of its kind.
    assert pixmill_inputs["match_in_degree"] == 0.0
    assert pixmill is not None and pixmill.match_graph == 0.0
    assert quiver is not None and quiver.match_graph is not None and quiver.match_graph > 0
    assert inputs["match_in_degree"].source == "match_graph:match-v1"
    assert inputs["match_in_degree"].observed_at == built_at
    assert inputs["match_in_degree"].value == pytest.approx(
        sum(
            row.similarity
            for tool_id in RECORDS
            for row in _alternatives(catalogue, tool_id)
            if row.alternative_id == QUIVER
        )
    )


def test_no_build_means_no_match_input(catalogue: Warehouse) -> None:
    with catalogue.reader() as session:
        assert session.match_graph_built_at() is None
        assert session.alternatives(QUIVER) == []
        assert "match_in_degree" not in {row.input for row in session.score_inputs(QUIVER)}
        quiver = session.tool_scores(QUIVER)
    assert quiver is not None and quiver.match_graph is None


def test_alternatives_of_an_unknown_tool_name_it(catalogue: Warehouse) -> None:
    with catalogue.reader() as session, pytest.raises(NotFoundError) as caught:
        session.alternatives("installed:nosuchtool")
    assert caught.value.subject == "installed:nosuchtool"


def test_pair_match_agrees_with_every_stored_edge(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        session.rebuild_match_graph()
    with catalogue.reader() as session:
        for tool_id in RECORDS:
            for stored in session.alternatives(tool_id):
                assert session.pair_match(tool_id, stored.alternative_id) == stored


def test_pair_match_on_a_pair_the_graph_does_not_link(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        session.rebuild_match_graph(top_k=1)
    with catalogue.reader() as session:
        linked = {row.alternative_id for row in session.alternatives(QUIVER)}
        match = session.pair_match(QUIVER, LEDGERLY)
        lonely = session.pair_match(PIXMILL, DRIFTER)
    assert LEDGERLY not in linked
    assert (match.rank, match.match.shared, match.alternative_name) == (None, (), "ledgerly")
    assert match.match.only_left == ("Nearest neighbour search", "Metadata filters", "Snapshot backups")
    assert match.match.only_right == ("Double-entry journal", "Bank reconciliation")
    assert (lonely.similarity, lonely.match.only_left, lonely.match.only_right) == (
        0.0,
        ("Thumbnail resizing",),
        (),
    )


def test_pair_match_before_any_build_uses_the_current_records(catalogue: Warehouse) -> None:
    with catalogue.reader() as session:
        before = session.pair_match(TALLYHOO, LEDGERLY)
    with catalogue.writer() as session:
        session.rebuild_match_graph()
    with catalogue.reader() as session:
        after = session.pair_match(TALLYHOO, LEDGERLY)
    assert before.built_at is None and before.rank is None
    assert after.rank == 1
    # The statistics are the same records either way.
    assert (before.similarity, before.match.shared) == (after.similarity, after.match.shared)


def test_pair_match_refuses_unknown_tools_and_a_tool_with_itself(catalogue: Warehouse) -> None:
    with catalogue.reader() as session:
        with pytest.raises(NotFoundError) as caught:
            session.pair_match(QUIVER, "installed:nosuchtool")
        assert caught.value.subject == "installed:nosuchtool"
        with pytest.raises(NotFoundError):
            session.pair_match("installed:nosuchtool", QUIVER)
        with pytest.raises(CapgraphError, match="itself"):
            session.pair_match(QUIVER, QUIVER)


def test_bad_build_options_are_refused(catalogue: Warehouse) -> None:
    with catalogue.writer() as session:
        with pytest.raises(CapgraphError, match="top_k"):
            session.rebuild_match_graph(top_k=0)
        with pytest.raises(CapgraphError, match="pair_threshold"):
            session.rebuild_match_graph(pair_threshold=1.5)
    with catalogue.reader() as session:
        assert session.match_graph_built_at() is None


def test_the_tokeniser_macros_are_there_for_analysts(catalogue: Warehouse) -> None:
    with catalogue.reader() as session:
        _, rows = session.query(
            "SELECT match_tokens(match_capability_text('Supports the tools', "
            "'Indexes classes and buses using GPUs', 'not stated'))"
        )
    # Stopwords go; a plural 's' folds only on words of five letters or more ('gpus' keeps it).
    assert rows == [(["indexe", "classe", "buse", "gpus"],)]


# What a capgraph that knew migrations up to 5 would have left behind.
BUILD_VERSION_5 = """
import sys
from pathlib import Path
import duckdb
from warehouse.migrations import migrate
path = Path(sys.argv[1])
connection = duckdb.connect(str(path))
migrate(connection, path, up_to=5)
connection.execute(
    "INSERT INTO tools VALUES ('installed:oldtool', 'oldtool', 'Package', NULL, NULL, 'MIT', '1.0', 'free',"
    " NULL, NULL, NULL, TIMESTAMPTZ '2025-06-01 00:00:00+00', TIMESTAMPTZ '2025-06-01 00:00:00+00')"
)
connection.close()
"""


def test_migration_6_applies_to_a_version_5_file(tmp_path: Path) -> None:
    path = tmp_path / "v5.duckdb"
    run_python(BUILD_VERSION_5, str(path))
    warehouse = Warehouse(path)
    with warehouse.writer() as session:
        _, versions = session.query("SELECT version FROM schema_version ORDER BY version")
        session.record_comparisons([("installed:oldtool", "installed:other")], via="compare")
        stats = session.rebuild_match_graph()
    assert versions == [(migration.version,) for migration in MIGRATIONS]
    assert (stats.tools, stats.edges) == (0, 0)
    with warehouse.reader() as session:
        old = session.tool_scores("installed:oldtool")
    assert old is not None
    assert (old.times_matched, old.match_graph, old.formula_version) == (1, None, "scores-v2")
