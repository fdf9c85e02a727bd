"""A run reads the stored state of every tool once, whoever asks first (the CLI, the run, the batch path)."""

from __future__ import annotations

import pytest

from capgraph.pipeline import IngestContext, run_batch, run_serially
from capgraph.settings import Settings
from extractors.testing import BatchingFunctionExtractor
from tests.core.test_pipeline import first_line_records, refs_of
from warehouse import StoredState
from warehouse.read_session import ReadSession


@pytest.fixture
def snapshot_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many tools each read of the stored state returned, one entry per read (the real read runs)."""
    reads: list[int] = []
    real = ReadSession.stored_states

    def counted(self: ReadSession) -> dict[str, StoredState]:
        found = real(self)
        reads.append(len(found))
        return found

    monkeypatch.setattr(ReadSession, "stored_states", counted)
    return reads


def test_the_snapshot_the_cli_read_first_is_the_runs_only_read(
    settings: Settings, described_tools: dict[str, str], snapshot_reads: list[int]
) -> None:
    refs = refs_of(described_tools)
    run_serially(refs, IngestContext.create(settings))
    snapshot_reads.clear()
    context = IngestContext.create(settings)
    context.load_stored_states()  # as the CLI does, to report an unreadable warehouse in one line
    summary = run_serially(refs, context)
    assert summary.count("unchanged") == 3
    assert snapshot_reads == [3]


def test_resuming_open_batches_reads_no_second_snapshot(
    settings: Settings, described_tools: dict[str, str], snapshot_reads: list[int]
) -> None:
    quick = settings.model_copy(update={"batch_poll_seconds": 0.01, "batch_max_poll_seconds": 0.01})
    extractor = BatchingFunctionExtractor(first_line_records, hold=True)
    refs = refs_of(described_tools)
    held = quick.model_copy(update={"batch_max_wait_seconds": 0})
    run_batch(refs, IngestContext.create(held, extractor=extractor))
    extractor.service.hold = False
    snapshot_reads.clear()
    summary = run_serially(refs, IngestContext.create(quick, extractor=extractor))
    assert summary.count("extracted") == 3
    assert len(snapshot_reads) == 1
