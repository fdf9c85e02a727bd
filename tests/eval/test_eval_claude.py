"""The Claude path through the harness, against the fake API with scripted answers of known quality:
one tool answered perfectly, one partly wrong (a duplicate, a junk record), one with an invented quote,
one with nothing to say. The figures must come out as counted by hand, the ledger must hold every call,
and evaluating again must not pay again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from capgraph.evaluation.gold_set import load_gold_set
from capgraph.evaluation.runner import plan_eval, run_eval
from tests.anthropic.helpers import make_settings
from tests.fakes.anthropic_server import (
    FakeAnthropic,
    RecordedRequest,
    Reply,
    answer_reply,
    capability,
    document_in,
)

FIXTURE = Path(__file__).parent / "fixtures" / "gold"

SCRIPT: dict[str, list[dict[str, Any]]] = {
    # Good: the three gold records, one quoted with its Markdown kept.
    "Saltmarsh is a command-line": [
        capability(
            "Duplicate detection",
            "**Deduplicates** photos by perceptual hash, so resized copies are found too.",
        ),
        capability("EXIF renaming", "Renames files from their EXIF capture date with a template you choose."),
        capability("Sidecars", "Moves sidecar files (XMP, AAE) along with the photo they belong to."),
    ],
    # Partly wrong: two gold records, a duplicate of the first, and a pointer to the docs.
    "Fenwick sorts": [
        capability(
            "Year and month folders",
            "Fenwick sorts photo folders into year and month folders from the date each photo was taken.",
        ),
        capability("Sorting again", "sorts photo folders into year and month folders"),
        capability("Wiki", "The full documentation can be found on the project wiki."),
        capability(
            "Local only", "Fenwick never uploads a photo anywhere.", vs="Unlike cloud photo services."
        ),
    ],
    # Ungrounded: one invented quote (kept through the repair turn), one gold record.
    "Quillpad turns": [
        capability("Themes", "Quillpad ships twelve colour themes."),
        capability(
            "Static site", "Quillpad turns a folder of Markdown notes into a searchable static website."
        ),
    ],
    "pip install driftwood": [],
}


def scripted(request: RecordedRequest) -> Reply:
    document = document_in(request.body)
    return answer_reply(next(answer for key, answer in SCRIPT.items() if key in document))


@pytest.fixture
def fake() -> Any:
    with FakeAnthropic() as server:
        server.queue("messages", *([scripted] * 12))
        yield server


def test_the_figures_are_those_counted_by_hand(fake: FakeAnthropic, tmp_path: Path) -> None:
    settings = make_settings(fake.base_url, db=tmp_path / "main.duckdb", extractor="anthropic")
    run = run_eval(plan_eval(load_gold_set(FIXTURE), settings))

    tools = {tool.gold_id: tool for tool in run.tools}
    assert (tools["saltmarsh"].stored, tools["saltmarsh"].matched) == (3, 3)
    fenwick = tools["fenwick"]
    assert (fenwick.stored, fenwick.matched, fenwick.junk) == (4, 2, 1)
    assert fenwick.extra == ["Sorting again"] and fenwick.junk_titles == ["Wiki"]
    quillpad = tools["quillpad"]
    assert (quillpad.stored, quillpad.matched, quillpad.grounded, quillpad.unlocated) == (2, 1, 1, 1)
    assert tools["driftwood"].stored == 0 and "no capabilities found" in (tools["driftwood"].failure or "")

    assert run.precision == 6 / 9 and run.recall == 6 / 10
    assert run.grounding_rate == 8 / 9 and run.junk_records == 1
    assert run.vs_not_stated_share == 8 / 9
    assert run.covered == (3, 3)
    assert run.extractor == "anthropic" and run.model == settings.anthropic_model

    # Every request the run sent is in the main warehouse's ledger, and the run's cost is their sum.
    sent = len(fake.message_requests)
    with duckdb.connect(str(settings.db), read_only=True) as connection:
        calls, cost = connection.execute(
            "SELECT count(*), sum(cost_usd) FROM api_calls WHERE ingest_id = ?", [run.ingest_id]
        ).fetchone()
        stored = connection.execute("SELECT precision, recall, junk_records FROM eval_runs").fetchall()
    assert calls == sent and sent >= 4
    assert cost == run.cost_usd
    assert stored == [(6 / 9, 6 / 10, 1)]

    # Unchanged documents, extractor and prompt: the second evaluation sends nothing.
    again = run_eval(plan_eval(load_gold_set(FIXTURE), settings))
    assert len(fake.message_requests) == sent
    assert again.precision == run.precision and again.recall == run.recall
