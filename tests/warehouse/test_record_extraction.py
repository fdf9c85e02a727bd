"""record_extraction stores one tool's description and run together: all of it, or none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas import CapabilitySet, Evidence, FetchResult, TerminalError
from tests.warehouse import builders
from warehouse import Warehouse

NEW_TOOL_ID = "installed:kestrelmq"
NEW_TOOL_TEXT = (
    "Kestrelmq moves messages between services over plain TCP. "
    "Consumers acknowledge in batches, which keeps throughput high on slow links."
)


def _fetched(
    tool_id: str = NEW_TOOL_ID, text: str = NEW_TOOL_TEXT, *, stars: float = 40, **tool_changes: object
) -> FetchResult:
    return FetchResult(
        tool=builders.tool(tool_id, **tool_changes),
        document=builders.document(tool_id, text),
        signals=[builders.signal("stars", stars, tool_id=tool_id)],
    )


def _capabilities(fetched: FetchResult, *, broken: bool = False) -> CapabilitySet:
    text = fetched.document.text
    second = builders.capability("Batched acknowledgements", "Consumers acknowledge in batches", text)
    if broken:
        # Valid for the model, refused by the evidence table's span check (end before start), so the
        # failure comes after the tool, document, signal, run and capability rows were written.
        second = second.model_copy(update={"evidence": [Evidence(quote="Consumers", start=50, end=5)]})
    return builders.capability_set(
        fetched.document,
        [builders.capability("Plain TCP transport", "moves messages between services", text), second],
    )


def _counts(warehouse: Warehouse) -> dict[str, int]:
    tables = ("tools", "documents", "signals", "extraction_runs", "capabilities", "evidence", "api_calls")
    with warehouse.reader() as session:
        return {table: session.query(f"SELECT count(*) FROM {table}")[1][0][0] for table in tables}


def test_a_new_tool_is_stored_with_its_run_and_current_records(populated: Warehouse) -> None:
    fetched = _fetched()
    run = builders.run(fetched.document, ingest_id="ingest-2")
    with populated.writer() as session:
        session.record_extraction(fetched, run, _capabilities(fetched), [builders.call(NEW_TOOL_ID)])
    with populated.reader() as session:
        profile = session.tool_profile(NEW_TOOL_ID)
        stored_document = session.document(fetched.document.sha256)
        _, calls = session.query(f"SELECT run_id, ingest_id FROM api_calls WHERE tool_id = '{NEW_TOOL_ID}'")
    assert profile.tool == fetched.tool
    assert stored_document == fetched.document
    assert [(signal.name, signal.value) for signal in profile.signals] == [("stars", 40.0)]
    assert [record.title for record in profile.capabilities] == [
        "Plain TCP transport",
        "Batched acknowledgements",
    ]
    assert profile.current_run is not None and profile.current_run.run_id == run.run_id
    assert calls == [(run.run_id, "ingest-2")]


def test_a_failure_midway_stores_nothing_of_the_tool(populated: Warehouse) -> None:
    fetched = _fetched()
    before = _counts(populated)
    with populated.writer() as session, pytest.raises(TerminalError) as caught:
        session.record_extraction(
            fetched,
            builders.run(fetched.document),
            _capabilities(fetched, broken=True),
            [builders.call(NEW_TOOL_ID)],
        )
    assert caught.value.subject == NEW_TOOL_ID
    assert "nothing was written" in caught.value.message
    assert _counts(populated) == before
    with populated.reader() as session:
        assert not session.has_tool(NEW_TOOL_ID)


def test_a_failure_midway_keeps_an_existing_tool_as_it_was(populated: Warehouse) -> None:
    changed_text = builders.OTTER_TEXT + " Blocks are verified with checksums on read."
    fetched = _fetched(builders.OTTER_ID, changed_text, stars=999, version="3.0.0")
    with populated.reader() as session:
        profile_before = session.tool_profile(builders.OTTER_ID)
    attempt = builders.run(fetched.document, started_at=builders.T0 + timedelta(days=1))
    broken = builders.capability_set(
        fetched.document,
        [
            builders.capability("Checksums", "verified with checksums", changed_text).model_copy(
                update={"evidence": [Evidence(quote="checksums", start=9, end=2)]}
            )
        ],
    )
    with populated.writer() as session, pytest.raises(TerminalError):
        session.record_extraction(fetched, attempt, broken, [])
    with populated.reader() as session:
        assert session.tool_profile(builders.OTTER_ID) == profile_before
        assert session.document(fetched.document.sha256) is None


@pytest.mark.parametrize("status", ["failed", "skipped"])
def test_a_failed_or_skipped_run_stores_the_description_but_keeps_the_current_records(
    populated: Warehouse, status: str
) -> None:
    changed_text = builders.OTTER_TEXT + " Blocks are verified with checksums on read."
    fetched = _fetched(builders.OTTER_ID, changed_text, stars=121)
    with populated.reader() as session:
        key_before = session.current_key(builders.OTTER_ID)
    attempt = builders.run(
        fetched.document, status=status, error="no luck", started_at=builders.T0 + timedelta(days=1)
    )
    with populated.writer() as session:
        session.record_extraction(fetched, attempt, _capabilities(fetched), [])
    with populated.reader() as session:
        assert session.current_key(builders.OTTER_ID) == key_before
        assert session.capability_count(builders.OTTER_ID) == 3
        assert session.document(fetched.document.sha256) == fetched.document
        assert session.recent_runs(limit=1)[0].status == status
        assert session.tool_profile(builders.OTTER_ID).signals[1].value == 121


def test_a_second_extraction_replaces_the_current_records_and_reuses_the_document(
    warehouse: Warehouse,
) -> None:
    fetched = _fetched()
    first = builders.run(fetched.document)
    second = builders.run(fetched.document, started_at=builders.T0 + timedelta(hours=1))
    only_one = builders.capability_set(
        fetched.document,
        [builders.capability("Plain TCP transport", "moves messages between services", NEW_TOOL_TEXT)],
    )
    with warehouse.writer() as session:
        session.record_extraction(fetched, first, _capabilities(fetched), [])
        session.record_extraction(fetched, second, only_one, [])
    counts = _counts(warehouse)
    assert (counts["tools"], counts["documents"], counts["signals"], counts["extraction_runs"]) == (
        1,
        1,
        1,
        2,
    )
    with warehouse.reader() as session:
        assert session.capability_count(NEW_TOOL_ID) == 1
        key = session.current_key(NEW_TOOL_ID)
        current = session.tool_profile(NEW_TOOL_ID).current_run
    assert key is not None and key.document_sha256 == fetched.document.sha256
    assert current is not None and current.run_id == second.run_id


def test_a_run_for_another_tool_is_refused_before_anything_is_written(warehouse: Warehouse) -> None:
    fetched = _fetched()
    other = builders.document()
    with warehouse.writer() as session:
        with pytest.raises(TerminalError, match=f"fetched description is of {NEW_TOOL_ID}") as caught:
            session.record_extraction(fetched, builders.run(other), None, [])
        assert caught.value.subject == NEW_TOOL_ID
        assert session.tool_ids() == []
