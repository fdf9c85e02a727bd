"""The match graph through the CLI: rebuilt by ingest, `alternatives`, `show --explain`, `site`, counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capgraph.pipeline import IngestContext, RunSummary, run_serially
from capgraph.settings import Settings
from cli.explain import SCORES_FED_BY
from cli.main import app
from tests.core.conftest import DESCRIPTIONS
from tests.warehouse.processes import holding
from warehouse import Warehouse

runner = CliRunner(env={"COLUMNS": "250", "NO_COLOR": "1"})

# A second columnar engine, so lumen has an alternative that shares most of its capabilities.
QUARRY = """# Quarry

Quarry is an embedded columnar query engine.

## Features

- **Vectorised execution**: runs columnar scans over batches of values at a time.
- **Parquet scans**: reads Parquet files in place, pushing filters down to skip row groups.
- **Window functions**: computes ranking and moving averages over ordered rows.
- **Geospatial types**: stores points and polygons and answers distance queries.
"""


@pytest.fixture
def refs(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "graph-descriptions"
    folder.mkdir()
    texts = {**DESCRIPTIONS, "quarry.md": QUARRY}
    found = {}
    for filename, text in texts.items():
        (folder / filename).write_text(text, encoding="utf-8")
        found[filename.removesuffix(".md")] = f"file:{folder / filename}"
    return found


def ingest(settings: Settings, refs: dict[str, str]) -> RunSummary:
    summary = run_serially([(ref, None) for ref in refs.values()], IngestContext.create(settings))
    assert summary.ok, summary.failures
    return summary


@pytest.fixture
def stored(settings: Settings, refs: dict[str, str]) -> dict[str, str]:
    summary = ingest(settings, refs)
    assert any("match graph rebuilt" in note for note in summary.notes), summary.notes
    return refs


def invoke(settings: Settings, *args: str):
    return runner.invoke(app, [*args, "--db", str(settings.db)])


def built_at(settings: Settings) -> object:
    with Warehouse(settings.db).reader() as session:
        return session.match_graph_built_at()


def times_matched(settings: Settings, tool_id: str) -> int:
    with Warehouse(settings.db).reader() as session:
        row = session.tool_scores(tool_id)
    assert row is not None
    return row.times_matched


def test_alternatives_lists_the_closest_tool_first_with_shared_capabilities(
    settings: Settings, stored: dict[str, str]
) -> None:
    result = invoke(settings, "alternatives", stored["lumen"])
    assert result.exit_code == 0, result.output
    listed = re.findall(r"^\d+\. .*?\((file:[^,]+),", result.stdout, flags=re.MULTILINE)
    assert listed and listed[0] == stored["quarry"], result.stdout
    assert "both: Vectorised execution" in result.stdout
    assert f"only {stored['quarry']}: " in result.stdout and "Geospatial" in result.stdout


def test_alternatives_of_an_unknown_tool_is_one_clear_line(settings: Settings, stored: dict) -> None:
    result = invoke(settings, "alternatives", "file:/nowhere.md")
    assert result.exit_code == 2
    assert "file:/nowhere.md" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unchanged_run_keeps_the_graph_and_a_changed_one_rebuilds_it(
    settings: Settings, refs: dict[str, str], tmp_path: Path
) -> None:
    ingest(settings, refs)
    first = built_at(settings)
    again = ingest(settings, refs)
    assert again.notes == () and built_at(settings) == first
    Path(refs["quarry"].removeprefix("file:")).write_text(
        QUARRY + "- **Time travel**: queries old snapshots.\n"
    )
    changed = ingest(settings, refs)
    assert any("match graph rebuilt" in note for note in changed.notes) and built_at(settings) != first


def test_show_explain_prints_every_input_with_source_and_date(settings: Settings, stored: dict) -> None:
    result = invoke(settings, "show", stored["lumen"], "--explain")
    assert result.exit_code == 0, result.output
    for heading in ("adoption: —", "quality: ", "ecosystem: —", "match graph: "):
        assert heading in result.stdout
    assert "no inputs: shown as missing, not as zero" in result.stdout
    for line in ("grounded_share", "stated_share", "license_known", "days_since_fetch", "match_in_degree"):
        row = next((text for text in result.stdout.splitlines() if text.strip().startswith(line)), None)
        assert row is not None, f"{line} missing from:\n{result.stdout}"
        assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", row), row
    assert "run:" in result.stdout and "match_graph:" in result.stdout
    # The records themselves are what plain `show` is for.
    assert "evidence" not in result.stdout


def test_every_score_input_is_explained(settings: Settings, stored: dict) -> None:
    with Warehouse(settings.db).reader() as session:
        _, rows = session.query("SELECT DISTINCT input FROM score_inputs")
    assert {name for (name,) in rows} <= set(SCORES_FED_BY)


def test_compare_counts_in_times_matched(settings: Settings, stored: dict[str, str]) -> None:
    assert times_matched(settings, stored["lumen"]) == 0
    for _ in range(2):
        result = invoke(settings, "compare", stored["lumen"], stored["quarry"])
        assert result.exit_code == 0, result.output
    assert times_matched(settings, stored["lumen"]) == 2
    assert times_matched(settings, stored["quarry"]) == 2
    assert times_matched(settings, stored["tidewater"]) == 0


def test_compare_still_prints_the_page_when_the_warehouse_is_busy(
    settings: Settings, stored: dict[str, str]
) -> None:
    with holding(settings.db):
        result = invoke(settings, "compare", stored["lumen"], stored["quarry"])
    assert result.exit_code == 0, result.output
    assert "# Lumen vs Quarry" in result.stdout
    assert "not counted in times matched" in result.stderr
    assert times_matched(settings, stored["lumen"]) == 0


def test_compare_page_shows_what_both_offer(settings: Settings, stored: dict[str, str]) -> None:
    result = invoke(settings, "compare", stored["lumen"], stored["quarry"])
    assert result.exit_code == 0, result.output
    shared = result.stdout.split("## Shared and distinct capabilities")[1].split("## Verdict")[0]
    both, only = shared.split("**Only Lumen offers:**")
    assert "“Window functions” ≈ “Window functions”" in both
    assert "Geospatial types" in only.split("**Only Quarry offers:**")[1]
    verdict = result.stdout.split("## Verdict")[1]
    assert "only Quarry offers “Geospatial types”" in verdict
    # A record whose source says nothing against alternatives gets the graph's fact, labelled as such.
    assert "not stated in the source; match graph: closest to Quarry's “Window functions”" in result.stdout


def test_site_writes_pages_and_counts_each_pair_once(
    settings: Settings, stored: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "site"
    for _ in range(2):
        result = invoke(settings, "site", "--out", str(out))
        assert result.exit_code == 0, result.output
    assert "pages" in result.stdout and str(out / "index.html") in result.stdout
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in ("Lumen", "Quarry", "Tidewater", "Brightline"):
        assert name in index
    pair_pages = list((out / "compare").glob("*.html"))
    assert pair_pages
    # A site rebuilt every night does not inflate the count: each published pair counts once.
    lumen = times_matched(settings, stored["lumen"])
    assert 1 <= lumen <= len(pair_pages)
    invoke(settings, "site", "--out", str(out))
    assert times_matched(settings, stored["lumen"]) == lumen


def test_site_into_a_file_path_is_one_clear_line(settings: Settings, stored: dict, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    result = invoke(settings, "site", "--out", str(target))
    assert result.exit_code == 2, result.output
    assert str(target) in result.stderr
