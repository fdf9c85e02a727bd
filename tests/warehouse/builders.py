"""Builders for the records the warehouse tests store: small, valid, and written for these tests only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from schemas import (
    ApiCall,
    Capability,
    CapabilitySet,
    Evidence,
    ExtractionRun,
    Price,
    Signal,
    SourceDocument,
    Tool,
)
from warehouse import IngestRunRow, WriteSession

OTTER_ID = "installed:otterstore"
HERON_ID = "installed:heronq"

OTTER_TEXT = (
    "Otterstore keeps time series in compressed column blocks on local disk. "
    "It answers range queries over months of readings without loading them into memory. "
    "Retention rules drop old blocks automatically."
)
HERON_TEXT = (
    "Heronq is a job queue that stores its work items in SQLite. "
    "Workers on one machine claim jobs with row locks, so no broker process is needed."
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def tool(tool_id: str = OTTER_ID, **changes: object) -> Tool:
    fields: dict[str, object] = {
        "id": tool_id,
        "name": tool_id.split(":", 1)[1],
        "kind": "Package",
        "summary": "A small storage library used by the warehouse tests.",
        "homepage": "https://example.invalid/" + tool_id.split(":", 1)[1],
        "license": "MIT",
        "version": "1.2.0",
        "pricing": "free",
    }
    fields.update(changes)
    return Tool.model_validate(fields)


def priced_tool(tool_id: str = HERON_ID) -> Tool:
    return tool(
        tool_id,
        kind="Service",
        pricing="paid",
        starting_price=Price(amount=Decimal("0.00000025"), currency="USD", unit="job"),
    )


def document(tool_id: str = OTTER_ID, text: str = OTTER_TEXT, **changes: object) -> SourceDocument:
    fields: dict[str, object] = {
        "tool_id": tool_id,
        "origin": f"https://example.invalid/{tool_id}/README.md",
        "media_type": "text/markdown",
        "text": text,
        "fetched_at": T0,
        "metadata": {"file": "README.md"},
    }
    fields.update(changes)
    return SourceDocument.model_validate(fields)


def capability(title: str, quote: str, text: str = OTTER_TEXT, *, grounded: bool = True) -> Capability:
    start = text.find(quote)
    span = {"start": start, "end": start + len(quote)} if grounded and start >= 0 else {}
    return Capability(
        title=title,
        description=f"{title}, as the test document describes it.",
        unique="Keeps everything on one machine." if grounded else "not stated",
        evidence=[Evidence(quote=quote, **span)],
        grounded=grounded,
    )


def capability_set(doc: SourceDocument, capabilities: list[Capability], **changes: object) -> CapabilitySet:
    fields: dict[str, object] = {
        "tool_id": doc.tool_id,
        "document_sha256": doc.sha256,
        "extractor": "heuristic",
        "model": None,
        "prompt_version": "rules-1",
        "capabilities": capabilities,
    }
    fields.update(changes)
    return CapabilitySet.model_validate(fields)


def otter_capabilities(doc: SourceDocument) -> CapabilitySet:
    return capability_set(
        doc,
        [
            capability("Compressed column storage", "compressed column blocks on local disk"),
            capability("Range queries without loading", "answers range queries over months of readings"),
            capability("Automatic retention", "Retention rules drop old blocks automatically"),
        ],
    )


def run(
    doc: SourceDocument,
    *,
    status: str = "succeeded",
    started_at: datetime = T0,
    run_id: str | None = None,
    **changes: object,
) -> ExtractionRun:
    fields: dict[str, object] = {
        "tool_id": doc.tool_id,
        "extractor": "heuristic",
        "prompt_version": "rules-1",
        "document_sha256": doc.sha256,
        "status": status,
        "started_at": started_at,
        "finished_at": started_at + timedelta(milliseconds=1500),
    }
    if run_id is not None:
        fields["run_id"] = run_id
    fields.update(changes)
    return ExtractionRun.model_validate(fields)


def call(tool_id: str = OTTER_ID, **changes: object) -> ApiCall:
    fields: dict[str, object] = {
        "tool_id": tool_id,
        "model": "model-small",
        "status": "ok",
        "http_status": 200,
        "started_at": T0,
        "latency_ms": 900,
        "input_tokens": 1000,
        "output_tokens": 200,
        "cost_usd": Decimal("0.0025"),
    }
    fields.update(changes)
    return ApiCall.model_validate(fields)


def ingest_run(ingest_id: str = "ingest-1", **changes: object) -> IngestRunRow:
    fields: dict[str, object] = {
        "ingest_id": ingest_id,
        "started_at": T0,
        "finished_at": T0 + timedelta(seconds=3),
        "trigger": "cli",
        "command": "capgraph ingest --catalog catalog.toml",
        "extractor": "heuristic",
        "seen": 2,
        "extracted": 1,
        "unchanged": 0,
        "failed": 1,
        "skipped": 0,
        "cost_usd": None,
        "status": "partial",
        "stop_reason": None,
    }
    fields.update(changes)
    return IngestRunRow(**fields)  # type: ignore[arg-type]


def signal(name: str, value: float, *, minutes: int = 0, tool_id: str = OTTER_ID) -> Signal:
    return Signal(
        tool_id=tool_id, name=name, value=value, observed_at=T0 + timedelta(minutes=minutes), source="tests"
    )


def described(title: str, description: str, unique: str = "not stated") -> Capability:
    """A record with its own wording (the match graph reads titles, descriptions and unique texts)."""
    return Capability(
        title=title,
        description=description,
        unique=unique,
        vs_alternatives="Mentions otherwise unrelated names such as quiver and ledgerly.",
        evidence=[Evidence(quote=title)],
    )


def store_described(
    session: WriteSession, tool_id: str, records: list[Capability], *, kind: str = "Package"
) -> None:
    """The tool, a document made of its record titles, and a succeeded run making ``records`` current."""
    text = ". ".join(record.title for record in records) + "."
    doc = document(tool_id, text)
    session.upsert_tool(tool(tool_id, kind=kind))
    session.store_document(doc)
    session.record_run(run(doc), capability_set(doc, records))
