"""The score views compute the documented scores-v2 formulas and show every input behind them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schemas import Capability, CapgraphError, Evidence
from tests.warehouse import builders
from tests.warehouse.processes import run_python
from warehouse import ScoreInputRow, ToolScoreRow, Warehouse
from warehouse.migrations import MIGRATIONS
from warehouse.scores import FORMULA_VERSION

PIKE_ID = "installed:pikefs"
PIKE_TEXT = (
    "Pikefs mounts a bucket of objects as a read-only folder. "
    "Directory listings are cached for a minute so repeated scans stay cheap."
)
WREN_ID = "installed:wrenlog"
WREN_TEXT = "Wrenlog writes structured log lines as JSON with a fixed key order."
QUALITY_INPUTS = ["days_since_fetch", "grounded_share", "license_known", "stated_share"]


def _store_records(
    warehouse: Warehouse, tool_id: str, text: str, capabilities: list[Capability], *, days_ago: float
) -> None:
    """The tool's document, fetched ``days_ago`` before now, and a succeeded run holding ``capabilities``."""
    doc = builders.document(tool_id, text, fetched_at=datetime.now(UTC) - timedelta(days=days_ago))
    with warehouse.writer() as session:
        session.store_document(doc)
        session.record_run(builders.run(doc), builders.capability_set(doc, capabilities))


def _stated(title: str, quote: str, text: str) -> Capability:
    """A grounded record that states both what is unique and how it compares."""
    start = text.index(quote)
    return Capability(
        title=title,
        description=f"{title}, in the words of this test.",
        unique="Needs no server process.",
        vs_alternatives="Lighter than running a full object gateway.",
        evidence=[Evidence(quote=quote, start=start, end=start + len(quote))],
        grounded=True,
    )


def _scores(warehouse: Warehouse, tool_id: str) -> ToolScoreRow:
    with warehouse.reader() as session:
        row = session.tool_scores(tool_id)
    assert row is not None
    return row


def _inputs(warehouse: Warehouse, tool_id: str) -> dict[str, ScoreInputRow]:
    with warehouse.reader() as session:
        return {row.input: row for row in session.score_inputs(tool_id)}


@pytest.fixture
def two_packages(warehouse: Warehouse) -> Warehouse:
    """otterstore and pikefs, both Packages with downloads (pikefs far more), and wrenlog with none."""
    with warehouse.writer() as session:
        session.upsert_tool(builders.tool())
        session.upsert_tool(builders.tool(PIKE_ID))
        session.upsert_tool(builders.tool(WREN_ID, license=None))
        session.record_signals(
            [builders.signal("downloads", 120), builders.signal("downloads", 48000, tool_id=PIKE_ID)]
        )
    return warehouse


def test_adoption_ranks_downloads_from_0_to_100_within_a_kind(two_packages: Warehouse) -> None:
    otter, pike = _scores(two_packages, builders.OTTER_ID), _scores(two_packages, PIKE_ID)
    assert (otter.adoption, pike.adoption) == (0.0, 100.0)
    assert (otter.rank, pike.rank) == (0, 100)
    assert (otter.inputs_used, pike.inputs_used) == (1, 1)


def test_tools_of_another_kind_are_ranked_apart(two_packages: Warehouse) -> None:
    with two_packages.writer() as session:
        session.upsert_tool(builders.priced_tool())
        session.record_signals([builders.signal("downloads", 9_000_000, tool_id=builders.HERON_ID)])
    # The service dwarfs both packages, yet pikefs still tops its own kind; alone in its kind,
    # the service sits at percent_rank 0.
    assert _scores(two_packages, PIKE_ID).adoption == 100.0
    assert _scores(two_packages, builders.HERON_ID).adoption == 0.0


def test_a_tool_without_signals_has_no_adoption_and_counts_only_its_inputs(two_packages: Warehouse) -> None:
    _store_records(
        two_packages,
        WREN_ID,
        WREN_TEXT,
        [_stated("JSON log lines", "structured log lines as JSON", WREN_TEXT)],
        days_ago=400,
    )
    wren = _scores(two_packages, WREN_ID)
    assert (wren.adoption, wren.ecosystem, wren.match_graph) == (None, None, None)
    # Grounded and stated fully (100, 100), no license (0), fetched over a year ago (0).
    assert wren.quality == pytest.approx(50.0)
    assert wren.rank == 50
    assert wren.inputs_used == 4
    inputs = _inputs(two_packages, WREN_ID)
    assert sorted(inputs) == QUALITY_INPUTS
    assert inputs["license_known"].value == 0.0
    assert inputs["days_since_fetch"].value == pytest.approx(400, abs=0.01)


def test_quality_averages_grounded_and_stated_shares_license_and_recency(two_packages: Warehouse) -> None:
    grounded = builders.capability("Compressed column storage", "compressed column blocks on local disk")
    invented = builders.capability("Cloud sync", "mirrors every block to three clouds", grounded=False)
    _store_records(two_packages, builders.OTTER_ID, builders.OTTER_TEXT, [grounded, invented], days_ago=5)
    inputs = _inputs(two_packages, builders.OTTER_ID)
    # Of four unique/vs_alternatives fields only the grounded record's unique_text says something.
    assert {name: inputs[name].value for name in ("grounded_share", "stated_share", "license_known")} == {
        "grounded_share": 0.5,
        "stated_share": 0.25,
        "license_known": 1.0,
    }
    assert inputs["grounded_share"].source.startswith("run:")
    otter = _scores(two_packages, builders.OTTER_ID)
    assert otter.quality == pytest.approx((50 + 25 + 100 + 100) / 4)
    assert otter.inputs_used == 5  # downloads and the four quality inputs


def test_recency_falls_linearly_between_30_and_365_days(two_packages: Warehouse) -> None:
    halfway = 30 + (365 - 30) / 2
    _store_records(
        two_packages,
        PIKE_ID,
        PIKE_TEXT,
        [_stated("Buckets as folders", "mounts a bucket of objects as a read-only folder", PIKE_TEXT)],
        days_ago=halfway,
    )
    # Grounded, stated and licensed (100 each) with recency 50.
    assert _scores(two_packages, PIKE_ID).quality == pytest.approx(87.5, abs=0.01)


def test_rank_is_the_rounded_mean_of_the_sub_scores_that_exist(two_packages: Warehouse) -> None:
    with two_packages.writer() as session:
        session.record_signals(
            [
                builders.signal("dependents", 4),
                builders.signal("dependents", 90, tool_id=PIKE_ID),
                builders.signal("forks", 12, tool_id=PIKE_ID),
            ]
        )
    _store_records(
        two_packages,
        PIKE_ID,
        PIKE_TEXT,
        [_stated("Cached listings", "Directory listings are cached for a minute", PIKE_TEXT)],
        days_ago=1,
    )
    pike = _scores(two_packages, PIKE_ID)
    # downloads 100, dependents 100, forks 0 (the only package with forks).
    assert pike.adoption == pytest.approx(200 / 3)
    assert pike.ecosystem == pytest.approx(50.0)
    assert pike.quality == pytest.approx(100.0)
    assert pike.match_graph is None
    assert pike.rank == round((200 / 3 + 50 + 100) / 3)
    assert pike.inputs_used == 3 + 4


def test_a_tool_with_nothing_to_score_has_only_nulls(populated: Warehouse) -> None:
    with populated.reader() as session:
        heron = session.tool_scores(builders.HERON_ID)  # a failed run, no signals
        assert session.score_inputs(builders.HERON_ID) == []
        assert session.tool_scores("installed:nosuchtool") is None
    assert heron == ToolScoreRow(
        tool_id=builders.HERON_ID,
        adoption=None,
        quality=None,
        ecosystem=None,
        match_graph=None,
        rank=None,
        inputs_used=0,
        times_matched=0,
        formula_version=FORMULA_VERSION,
    )


def test_only_the_latest_finite_reading_of_a_signal_counts(two_packages: Warehouse) -> None:
    with two_packages.writer() as session:
        session.record_signals(
            [
                builders.signal("downloads", 1, minutes=60),
                builders.signal("stars", 30),
                builders.signal("stars", float("nan"), minutes=60),
            ]
        )
    inputs = _inputs(two_packages, builders.OTTER_ID)
    assert sorted(inputs) == ["downloads"]
    assert inputs["downloads"].value == 1.0
    assert inputs["downloads"].observed_at == builders.T0 + timedelta(minutes=60)
    assert inputs["downloads"].source == "tests"


def test_every_row_names_the_formula_version(populated: Warehouse) -> None:
    with populated.reader() as session:
        _, versions = session.query(
            "SELECT DISTINCT formula_version FROM tool_scores "
            "UNION SELECT DISTINCT formula_version FROM score_inputs"
        )
        otter_inputs = session.score_inputs(builders.OTTER_ID)
    assert FORMULA_VERSION == "scores-v2"
    assert versions == [(FORMULA_VERSION,)]
    assert otter_inputs and {row.formula_version for row in otter_inputs} == {FORMULA_VERSION}


def test_the_analyst_copy_holds_the_score_views(populated: Warehouse) -> None:
    target = populated.path.with_name("capgraph.analyst.duckdb")
    populated.publish(target)
    with populated.reader() as live, Warehouse(target).reader() as published:
        copied, original = published.tool_scores(builders.OTTER_ID), live.tool_scores(builders.OTTER_ID)
        copied_inputs = {row.input: row for row in published.score_inputs(builders.OTTER_ID)}
        original_inputs = {row.input: row for row in live.score_inputs(builders.OTTER_ID)}
    assert copied is not None and original is not None
    # Days since the fetch are counted up to each query's now(), so they differ by the time between the two.
    assert copied.quality == pytest.approx(original.quality)
    assert replace(copied, quality=None) == replace(original, quality=None)
    assert sorted(copied_inputs) == sorted(original_inputs) == sorted(["downloads", "stars", *QUALITY_INPUTS])
    assert copied_inputs["days_since_fetch"].value == pytest.approx(original_inputs["days_since_fetch"].value)
    copied_inputs.pop("days_since_fetch")
    original_inputs.pop("days_since_fetch")
    assert copied_inputs == original_inputs


# What a capgraph that knew migrations up to 4 would have left behind.
BUILD_VERSION_4 = """
import sys
from pathlib import Path
import duckdb
from warehouse.migrations import migrate
path = Path(sys.argv[1])
connection = duckdb.connect(str(path))
migrate(connection, path, up_to=4)
for name, downloads in (("kestrel", 10), ("plover", 1000)):
    connection.execute(
        "INSERT INTO tools VALUES (?, ?, 'Package', NULL, NULL, 'MIT', '1.0', 'free',"
        " NULL, NULL, NULL, TIMESTAMPTZ '2025-06-01 00:00:00+00', TIMESTAMPTZ '2025-06-01 00:00:00+00')",
        [f"installed:{name}", name],
    )
    connection.execute(
        "INSERT INTO signals VALUES (?, 'downloads', ?, TIMESTAMPTZ '2025-06-01 00:00:00+00', 'pypi',"
        " TIMESTAMPTZ '2025-06-01 00:00:00+00')",
        [f"installed:{name}", downloads],
    )
connection.close()
"""


def test_the_migration_applies_to_a_version_4_file(tmp_path: Path) -> None:
    path = tmp_path / "v4.duckdb"
    run_python(BUILD_VERSION_4, str(path))
    warehouse = Warehouse(path)
    with warehouse.writer() as session:
        _, versions = session.query("SELECT version FROM schema_version ORDER BY version")
    assert versions == [(migration.version,) for migration in MIGRATIONS]
    with warehouse.reader() as session:
        kestrel, plover = session.tool_scores("installed:kestrel"), session.tool_scores("installed:plover")
    assert kestrel is not None and plover is not None
    assert (kestrel.adoption, plover.adoption) == (0.0, 100.0)
    assert (kestrel.formula_version, plover.inputs_used) == (FORMULA_VERSION, 1)


def test_times_matched_counts_requests_and_renders_each_time_and_site_pairs_once(
    two_packages: Warehouse,
) -> None:
    otter, pike, wren = builders.OTTER_ID, PIKE_ID, WREN_ID
    with two_packages.writer() as session:
        assert session.record_comparisons([(otter, pike), (pike, otter)], via="compare") == 2
        assert session.record_comparisons([(otter, wren)], via="render") == 1
        # The site is built twice, with both directions of one pair: that pair counts once.
        for _ in range(2):
            assert session.record_comparisons([(otter, pike), (pike, otter), (pike, wren)], via="site") == 3
        assert session.record_comparisons([], via="site") == 0
    otter_scores, pike_scores = _scores(two_packages, otter), _scores(two_packages, pike)
    assert otter_scores.times_matched == 2 + 1 + 1
    assert pike_scores.times_matched == 2 + 0 + 2
    assert _scores(two_packages, wren).times_matched == 1 + 1
    # Not part of the rank: it stays the downloads percentile alone.
    assert (otter_scores.rank, pike_scores.rank) == (0, 100)


def test_an_unknown_way_of_comparing_is_refused_and_nothing_is_written(two_packages: Warehouse) -> None:
    with two_packages.writer() as session, pytest.raises(CapgraphError) as caught:
        session.record_comparisons([(builders.OTTER_ID, PIKE_ID)], via="email")
    assert "'email'" in caught.value.message
    assert "compare, render, site" in (caught.value.hint or "")
    with two_packages.writer() as session, pytest.raises(CapgraphError, match="not a pair"):
        session.record_comparisons([(builders.OTTER_ID, "")], via="site")
    with two_packages.writer() as session, pytest.raises(CapgraphError, match="got int"):
        session.record_comparisons(3, via="site")  # type: ignore[arg-type]
    assert _scores(two_packages, builders.OTTER_ID).times_matched == 0


def test_pages_read_the_snapshot_until_the_next_one_and_the_view_for_tools_it_lacks(
    two_packages: Warehouse,
) -> None:
    otter, pike = builders.OTTER_ID, PIKE_ID
    with two_packages.writer() as session:
        assert session.snapshot_scores() == len(session.tool_ids())
        session.record_comparisons([(otter, pike)], via="compare")
    with two_packages.reader() as session:
        pages = session.page_scores([otter, pike, "pypi:nobody"])
        live = session.tool_scores(otter)
    assert set(pages) == {otter, pike}
    assert live is not None and live.times_matched == 1
    # The snapshot keeps the figures of when it was taken; the view moves on.
    assert pages[otter].times_matched == 0
    assert (pages[otter].rank, pages[pike].rank) == (live.rank, 100)
    with two_packages.writer() as session:
        session.snapshot_scores()
        session.upsert_tool(builders.tool("pypi:newcomer", name="Newcomer"))
    with two_packages.reader() as session:
        pages = session.page_scores([otter, "pypi:newcomer"])
    assert pages[otter].times_matched == 1
    assert pages["pypi:newcomer"].rank is None and pages["pypi:newcomer"].inputs_used == 0
