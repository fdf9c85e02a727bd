"""Unchanged re-runs stay cheap: hash first, parse only what changed, and rebuild nothing that would come
out the same (the score snapshot kept, the analyst copy only appended to), while every change still
shows: an edited file is re-extracted, a catalog override is applied, the run is in the copy's history."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from capgraph import matching
from capgraph.catalog import CatalogEntry
from capgraph.pipeline import IngestContext, RunSummary, run_serially
from capgraph.settings import Settings
from sources import file as file_source
from tests.core.processes import ROOT, environment
from warehouse import Warehouse

Targets = list[tuple[str, CatalogEntry | None]]


def _targets(described_tools: dict[str, str]) -> Targets:
    return [(ref, None) for ref in described_tools.values()]


def _run(settings: Settings, targets: Targets) -> tuple[RunSummary, IngestContext]:
    context = IngestContext.create(settings)
    return run_serially(targets, context), context


def _one(db: Path, sql: str) -> object:
    with Warehouse(db).reader() as session:
        _, rows = session.query(sql)
    return rows[0][0]


def _snapshot_taken_at(db: Path) -> datetime:
    taken = _one(db, "SELECT max(computed_at) FROM score_snapshot")
    assert isinstance(taken, datetime)
    return taken


def _edit(ref: str) -> None:
    path = Path(ref.removeprefix("file:"))
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\n- **Audit log**: records every change with who made it and when.\n",
        encoding="utf-8",
    )


def test_an_unchanged_rerun_reads_no_description_and_an_edited_one_is_re_extracted(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    targets = _targets(described_tools)
    first, context = _run(settings, targets)
    assert first.count("extracted") == 3 and context.sources.fetches["file"] == 3

    again, context = _run(settings, targets)
    assert again.count("unchanged") == 3
    assert context.sources.fetches["file"] == 0  # hashed, not fetched: nothing decoded, outlined or parsed

    _edit(described_tools["lumen"])
    edited, context = _run(settings, targets)
    assert context.sources.fetches["file"] == 1
    by_ref = {outcome.ref: outcome.status for outcome in edited.outcomes}
    assert by_ref[described_tools["lumen"]] == "extracted"
    assert sorted(by_ref.values()) == ["extracted", "unchanged", "unchanged"]

    # The new reading was stored with the extraction: the run after reads nothing again.
    after, context = _run(settings, targets)
    assert after.count("unchanged") == 3 and context.sources.fetches["file"] == 0


def test_a_catalog_override_change_is_applied_without_extraction(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    ref = described_tools["lumen"]
    _run(settings, [(ref, CatalogEntry(ref=ref, name="Lumen DB"))])
    tool_id = _one(settings.db, "SELECT id FROM tools")
    runs_before = _one(settings.db, "SELECT count(*) FROM extraction_runs")

    renamed, context = _run(settings, [(ref, CatalogEntry(ref=ref, name="Lumen Engine", pricing="paid"))])
    assert [outcome.status for outcome in renamed.outcomes] == ["unchanged"]
    assert context.sources.fetches["file"] == 0
    assert _one(settings.db, f"SELECT name || ' ' || pricing FROM tools WHERE id = '{tool_id}'") == (
        "Lumen Engine paid"
    )
    assert _one(settings.db, "SELECT count(*) FROM extraction_runs") == runs_before
    assert _one(settings.analyst_path(), f"SELECT name FROM tools WHERE id = '{tool_id}'") == "Lumen Engine"

    # Without the override the name is the source's again, from the stored reading, still unparsed.
    plain, context = _run(settings, [(ref, None)])
    assert [outcome.status for outcome in plain.outcomes] == ["unchanged"]
    assert context.sources.fetches["file"] == 0
    assert _one(settings.db, f"SELECT name || ' ' || pricing FROM tools WHERE id = '{tool_id}'") == (
        "Lumen unknown"
    )
    assert _one(settings.db, "SELECT count(*) FROM extraction_runs") == runs_before


def test_a_new_reading_version_reads_every_file_again_once_without_re_extracting(
    settings: Settings, described_tools: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a file's fetch derives may change with capgraph (a new naming rule raises READING_VERSION):
    the stored readings are then taken again, and the documents, being the same, are not re-extracted."""
    targets = _targets(described_tools)
    _run(settings, targets)
    monkeypatch.setattr(file_source, "READING_VERSION", "file-v-next")
    again, context = _run(settings, targets)
    assert again.count("unchanged") == 3 and context.sources.fetches["file"] == 3
    stored = _one(
        settings.db, "SELECT count(*) FROM source_readings WHERE starts_with(fingerprint, 'file-v-next:')"
    )
    assert stored == 3
    after, context = _run(settings, targets)
    assert after.count("unchanged") == 3 and context.sources.fetches["file"] == 0


def test_the_score_snapshot_is_kept_when_nothing_changed_and_retaken_when_something_did(
    settings: Settings, described_tools: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = _targets(described_tools)
    _run(settings, targets)
    taken = _snapshot_taken_at(settings.db)

    _run(settings, targets)
    assert _snapshot_taken_at(settings.db) == taken

    _edit(described_tools["tidewater"])
    _run(settings, targets)
    retaken = _snapshot_taken_at(settings.db)
    assert retaken > taken

    # A comparison between runs moves times_matched: the next run retakes the snapshot.
    lumen, tidewater = (
        f"file:{Path(described_tools[name][5:]).resolve()}" for name in ("lumen", "tidewater")
    )
    with Warehouse(settings.db).writer() as session:
        session.record_comparisons([(lumen, tidewater)], via="compare")
    _run(settings, targets)
    after_comparison = _snapshot_taken_at(settings.db)
    assert after_comparison > retaken
    assert _one(settings.db, f"SELECT times_matched FROM score_snapshot WHERE tool_id = '{lumen}'") == 1

    # Recency moves with the clock alone: an old enough snapshot is retaken though nothing changed.
    monkeypatch.setattr(matching, "SNAPSHOT_MAX_AGE_SECONDS", 0.0)
    _run(settings, targets)
    assert _snapshot_taken_at(settings.db) > after_comparison


def _history(path: Path) -> list[tuple[str, int, int]]:
    with Warehouse(path).reader() as session:
        _, rows = session.query("SELECT ingest_id, extracted, unchanged FROM ingest_runs ORDER BY started_at")
    return [(str(ingest_id), int(extracted), int(unchanged)) for ingest_id, extracted, unchanged in rows]


def test_an_unchanged_run_is_appended_to_the_analyst_copy_in_place(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    targets = _targets(described_tools)
    first, _ = _run(settings, targets)
    analyst = settings.analyst_path()
    copied = analyst.stat().st_ino

    again, _ = _run(settings, targets)
    # The same file, not a new copy renamed over it: only the run's history row was added.
    assert analyst.stat().st_ino == copied
    assert _history(analyst) == [(first.ingest_id, 3, 0), (again.ingest_id, 0, 3)]
    assert _history(analyst) == _history(settings.db)
    assert not analyst.with_name(analyst.name + ".wal").exists()

    _edit(described_tools["brightline"])
    edited, _ = _run(settings, targets)
    assert analyst.stat().st_ino != copied  # records changed: a whole new copy
    assert _history(analyst)[-1] == (edited.ingest_id, 1, 2)
    with Warehouse(analyst).reader() as session:
        _, rows = session.query("SELECT count(*) FROM capabilities WHERE title = 'Audit log'")
    assert rows == [(1,)]


HOLD_READ_ONLY = """
import sys
import duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print(connection.execute("SELECT count(*) FROM ingest_runs").fetchone()[0], flush=True)
sys.stdin.readline()
"""


@contextmanager
def _analyst_reading(path: Path) -> Iterator[int]:
    """Another process with ``path`` open read-only, as an analyst's DuckDB would: yields how many runs
    it saw when it opened the file."""
    reader = subprocess.Popen(
        [sys.executable, "-c", HOLD_READ_ONLY, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=environment(),
    )
    try:
        assert reader.stdout is not None
        line = reader.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"the reader did not start: {reader.stderr.read() if reader.stderr else ''}")
        yield int(line)
    finally:
        reader.kill()
        reader.wait()


def test_a_copy_an_analyst_holds_open_is_replaced_whole_and_still_gets_the_run(
    settings: Settings, described_tools: dict[str, str]
) -> None:
    targets = _targets(described_tools)
    _run(settings, targets)
    analyst = settings.analyst_path()
    copied = analyst.stat().st_ino
    with _analyst_reading(analyst) as runs_seen:
        again, _ = _run(settings, targets)
    assert runs_seen == 1
    assert analyst.stat().st_ino != copied  # written aside and renamed, as the reader held its lock
    assert _history(analyst)[-1] == (again.ingest_id, 0, 3)
