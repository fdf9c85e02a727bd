"""Fixtures of the warehouse tests: a fresh warehouse file per test, empty or with two tools stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.warehouse import builders
from warehouse import Warehouse


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    """The default release delay, as the pipeline has it: tests that hand the file to another process
    release it first."""
    handle = Warehouse(tmp_path / "capgraph.duckdb", lock_timeout_seconds=2.0)
    yield handle
    handle.release()


@pytest.fixture
def populated(warehouse: Warehouse) -> Warehouse:
    """Two tools: otterstore with three current records, heronq with a failed run only."""
    otter_doc = builders.document()
    heron_doc = builders.document(builders.HERON_ID, builders.HERON_TEXT)
    with warehouse.writer() as session:
        session.upsert_tool(builders.tool())
        session.upsert_tool(builders.priced_tool())
        session.store_document(otter_doc)
        session.store_document(heron_doc)
        session.record_signals([builders.signal("stars", 120), builders.signal("downloads", 5400)])
        session.record_run(
            builders.run(otter_doc, ingest_id="ingest-1"),
            builders.otter_capabilities(otter_doc),
            [builders.call()],
        )
        session.record_run(
            builders.run(heron_doc, status="failed", error="the extractor timed out", ingest_id="ingest-1"),
            calls=[builders.call(builders.HERON_ID, model="model-large", cost_usd=None)],
        )
        session.record_ingest_run(builders.ingest_run())
    return warehouse
