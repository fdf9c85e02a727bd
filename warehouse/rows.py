"""The plain result rows the warehouse hands back: small frozen records, not pydantic models.

They carry exactly what the CLI tables and the pipeline's decisions need, so callers never see
DuckDB types or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from schemas import PairMatch, SourceReading, Tool
from schemas.choices import CostGrouping

BatchStatus = Literal["in_progress", "ended", "canceled", "expired", "failed"]
FINISHED_BATCH_STATUSES: frozenset[str] = frozenset({"ended", "canceled", "expired", "failed"})


@dataclass(frozen=True)
class ExtractionKey:
    """What decides whether a stored extraction is still current: any change means extract again."""

    document_sha256: str
    extractor: str
    model: str | None
    prompt_version: str


@dataclass(frozen=True)
class StoredState:
    """What the warehouse holds for one tool, all the pipeline needs to call a re-fetched tool unchanged."""

    tool: Tool
    key: ExtractionKey | None
    signals: dict[str, float]
    capabilities: int
    grounded: int = 0
    """How many of the current records have every quote found in the source (the grounding guard's base)."""
    rejected_key: ExtractionKey | None = None
    """The key of the tool's latest run when the grounding guard rejected that run: the same document
    through the same extractor would be paid for again and rejected again, so it is not re-extracted."""
    failed_key: ExtractionKey | None = None
    """The key of the tool's latest run when that run failed with a terminal error: repeating it would
    fail (and, with a paid extractor, be paid for) again, so it is not repeated until the key changes."""
    failed_error: str | None = None
    reading: SourceReading | None = None
    """What the tool's source last read for it, when the source fingerprints what it reads (``file:``)."""


@dataclass(frozen=True)
class StoredFetch:
    """What ``WriteSession.store_fetch`` wrote: whether the document was new, how many signal rows."""

    document_is_new: bool
    signals_added: int


@dataclass(frozen=True)
class ToolRow:
    """One line of `capgraph tools`: the tool, its current record counts and its latest run of any status."""

    id: str
    name: str
    kind: str
    pricing: str
    capabilities: int
    ungrounded: int
    last_run_at: datetime | None
    last_status: str | None
    last_error: str | None


@dataclass(frozen=True)
class RunRow:
    """One extraction run as `capgraph runs` shows it."""

    run_id: str
    ingest_id: str | None
    tool_id: str
    extractor: str
    model: str | None
    prompt_version: str
    status: str
    started_at: datetime
    duration_ms: int
    capabilities: int
    input_tokens: int
    output_tokens: int
    cost_usd: Decimal | None
    error: str | None


IngestStatus = Literal["succeeded", "partial", "failed", "interrupted"]


INGEST_RUN_COLUMNS = (
    "ingest_id, started_at, finished_at, trigger, command, extractor, seen, extracted, unchanged, failed, "
    "skipped, cost_usd, status, stop_reason"
)
"""``ingest_runs``' columns in ``IngestRunRow``'s field order, for writing and reading alike."""


@dataclass(frozen=True)
class IngestRunRow:
    """One ingest or reprocess run as a whole: a row of ``ingest_runs`` and a line of `capgraph runs`."""

    ingest_id: str
    started_at: datetime
    finished_at: datetime
    trigger: str
    command: str
    extractor: str
    seen: int
    extracted: int
    unchanged: int
    failed: int
    skipped: int
    cost_usd: Decimal | None
    status: IngestStatus
    stop_reason: str | None


@dataclass(frozen=True)
class CostRow:
    """Ledger totals for one group of API calls. ``cost_usd`` is None when any call in it was unpriced;
    ``known_cost_usd`` is the sum of the calls whose cost is known (the group cost at least that)."""

    group: CostGrouping
    key: str
    calls: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cost_usd: Decimal | None
    unpriced_calls: int
    known_cost_usd: Decimal


@dataclass(frozen=True)
class BatchRow:
    """A message batch submitted to a provider, with its items (custom_id -> tool_id)."""

    batch_id: str
    ingest_id: str | None
    model: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    items: dict[str, str] = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)  # custom_id -> sha256 of the document sent


@dataclass(frozen=True)
class CachedHttpRow:
    """A fetched body with the validators its server gave, for the next conditional request."""

    url: str
    etag: str | None
    last_modified: str | None
    content_type: str
    text: str


@dataclass(frozen=True)
class ScoreInputRow:
    """One input a tool's scores use, as the ``score_inputs`` view shows it."""

    tool_id: str
    input: str
    value: float
    source: str
    observed_at: datetime
    formula_version: str


@dataclass(frozen=True)
class ToolScoreRow:
    """A tool's sub-scores and rank (each 0-100, None when nothing supports it), from ``tool_scores``,
    and how often it appeared in comparisons (``times_matched``, not part of the rank)."""

    tool_id: str
    adoption: float | None
    quality: float | None
    ecosystem: float | None
    match_graph: float | None
    rank: int | None
    inputs_used: int
    times_matched: int
    formula_version: str


@dataclass(frozen=True, slots=True)
class MatchGraphStats:
    """What one rebuild of the match graph produced."""

    build_id: str
    tools: int
    edges: int
    duration_ms: int
    method_version: str


@dataclass(frozen=True, slots=True)
class AlternativeRow:
    """One alternative of a tool: how close it is, what the two share and what only one of them has.

    ``rank`` is the edge's rank in the newest build (None when the build has no such edge);
    ``match`` is oriented from the tool (left) to the alternative (right), its only-one-side titles in
    source order, and its similarity is ``similarity``.
    """

    tool_id: str
    alternative_id: str
    alternative_name: str
    alternative_kind: str
    rank: int | None
    similarity: float
    match: PairMatch
    built_at: datetime | None


@dataclass(frozen=True)
class EmbeddingInput:
    """A tool whose current records have no vectors yet for a model: the texts to embed."""

    tool_id: str
    run_id: str
    summary: str | None
    capabilities: tuple[tuple[int, str, str], ...]
    """(ordinal, title, description) of each current record, by ordinal."""


@dataclass(frozen=True)
class ToolEmbedding:
    """Vectors of one tool's current run: one for the whole tool, one per capability (by ordinal)."""

    tool_id: str
    run_id: str
    vector: tuple[float, ...]
    capability_vectors: tuple[tuple[int, tuple[float, ...]], ...] = ()
