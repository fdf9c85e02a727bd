"""The pydantic models every stage of capgraph speaks: tools, documents, capabilities, runs, signals.

Every model is strict: unknown fields are rejected, strings are stripped, and empty or oversized
values fail with a message that names the field and the limit it broke.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NOT_STATED = "not stated"
"""What a record says for a field its source does not state; never replaced by an invented value."""

MAX_DOCUMENT_CHARS = 2_000_000
MAX_CAPABILITIES = 200
MAX_EVIDENCE_PER_CAPABILITY = 10

ToolKind = Literal["Model", "Dataset", "Repository", "Package", "Service"]
Pricing = Literal["free", "paid", "freemium", "unknown"]
RunStatus = Literal["succeeded", "failed", "skipped", "rejected"]

TOOL_ID_PATTERN = r"^[a-z][a-z0-9-]*:\S.*$"

Title = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


def utc_now() -> datetime:
    return datetime.now(UTC)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


class Price(StrictModel):
    """A starting price: ``amount`` ``currency`` per ``unit`` (e.g. 2.5e-7 USD per prompt token)."""

    amount: Decimal = Field(ge=0)
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = "USD"
    unit: Annotated[str, Field(min_length=1, max_length=60)]

    def label(self) -> str:
        symbol = "$" if self.currency == "USD" else f"{self.currency} "
        return f"{symbol}{float(self.amount):.2e} per {self.unit}"


class Tool(StrictModel):
    """A tracked tool. ``id`` is its ref, ``scheme:rest`` (``installed:duckdb``, ``file:docs/x.md``)."""

    id: Annotated[str, Field(pattern=TOOL_ID_PATTERN, max_length=500)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: ToolKind
    summary: Annotated[str, Field(max_length=1000)] | None = None
    homepage: Annotated[str, Field(max_length=2000)] | None = None
    license: Annotated[str, Field(max_length=200)] | None = None
    version: Annotated[str, Field(max_length=100)] | None = None
    pricing: Pricing = "unknown"
    starting_price: Price | None = None

    @property
    def scheme(self) -> str:
        return self.id.split(":", 1)[0]


class SourceDocument(StrictModel):
    """The text a source fetched for a tool, exactly as extractors see it, with its SHA-256."""

    tool_id: Annotated[str, Field(pattern=TOOL_ID_PATTERN)]
    origin: Annotated[str, Field(min_length=1, max_length=2000)]
    fetched_at: datetime = Field(default_factory=utc_now)
    media_type: Annotated[str, Field(pattern=r"^[a-z]+/[a-z0-9.+-]+$")]
    text: Annotated[str, Field(min_length=1, max_length=MAX_DOCUMENT_CHARS)]
    sha256: str = ""
    metadata: dict[str, str] = Field(default_factory=dict)

    @field_validator("text")
    @classmethod
    def _text_has_words(cls, value: str) -> str:
        if not re.search(r"\w", value):
            raise ValueError("the description has no words in it")
        return value

    @model_validator(mode="after")
    def _hash_matches_text(self) -> SourceDocument:
        actual = sha256_text(self.text)
        if not self.sha256:
            self.sha256 = actual
        elif self.sha256 != actual:
            raise ValueError("sha256 does not match the text")
        return self


class Evidence(StrictModel):
    """A verbatim quote from the source; ``start``/``end`` locate it in the document text once grounded."""

    quote: Annotated[str, Field(min_length=1, max_length=1000)]
    start: Annotated[int, Field(ge=0)] | None = None
    end: Annotated[int, Field(ge=0)] | None = None


class Capability(StrictModel):
    """One capability of a tool: what it does, what is unique about it, how it stands against others."""

    title: Title
    description: Text
    unique: Text = NOT_STATED
    vs_alternatives: Text = NOT_STATED
    evidence: Annotated[list[Evidence], Field(min_length=1, max_length=MAX_EVIDENCE_PER_CAPABILITY)]
    grounded: bool = False


class CapabilitySet(StrictModel):
    """What one extractor produced for one document."""

    tool_id: Annotated[str, Field(pattern=TOOL_ID_PATTERN)]
    document_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    extractor: Annotated[str, Field(min_length=1, max_length=50)]
    model: str | None = None
    prompt_version: Annotated[str, Field(min_length=1, max_length=64)]
    capabilities: Annotated[list[Capability], Field(max_length=MAX_CAPABILITIES)]


class ExtractionRun(StrictModel):
    """One attempt to extract one tool's capabilities, kept forever for history and cost accounting."""

    run_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    ingest_id: str | None = None
    tool_id: Annotated[str, Field(pattern=TOOL_ID_PATTERN)]
    extractor: Annotated[str, Field(min_length=1, max_length=50)]
    model: str | None = None
    prompt_version: Annotated[str, Field(min_length=1, max_length=64)]
    document_sha256: str | None = None
    status: RunStatus
    started_at: datetime
    finished_at: datetime
    input_tokens: Annotated[int, Field(ge=0)] = 0
    output_tokens: Annotated[int, Field(ge=0)] = 0
    cache_read_tokens: Annotated[int, Field(ge=0)] = 0
    cache_write_tokens: Annotated[int, Field(ge=0)] = 0
    cost_usd: Decimal | None = None
    error: Annotated[str, Field(max_length=4000)] | None = None
    retryable: bool | None = None
    """For a failed run, whether the same extraction tried again may succeed (its error was transient)."""

    @property
    def duration_ms(self) -> int:
        return int((self.finished_at - self.started_at).total_seconds() * 1000)


class Signal(StrictModel):
    """An observed popularity or health figure (stars, downloads, dependents) at a point in time."""

    tool_id: Annotated[str, Field(pattern=TOOL_ID_PATTERN)]
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
    value: float
    observed_at: datetime = Field(default_factory=utc_now)
    source: Annotated[str, Field(min_length=1, max_length=60)]


class FetchResult(StrictModel):
    """Everything a source returns for one ref: the tool as the source describes it, its text, signals."""

    tool: Tool
    document: SourceDocument
    signals: list[Signal] = Field(default_factory=list)


class SourceFingerprint(StrictModel):
    """A digest of what a source would read for a ref, taken without parsing anything: equal
    fingerprints promise an equal ``FetchResult`` (see ``sources.base.Source.fingerprint``)."""

    tool_id: Annotated[str, Field(pattern=TOOL_ID_PATTERN, max_length=500)]
    value: Annotated[str, Field(min_length=1, max_length=200)]


class SourceReading(StrictModel):
    """What a source last read for one tool: the fingerprint of those bytes, the hash of the document
    it made of them and the tool as it described it (before any catalog overrides)."""

    fingerprint: Annotated[str, Field(min_length=1, max_length=200)]
    document_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    tool: Tool


class ApiCall(StrictModel):
    """One request an extractor sent to a paid API: the ledger row behind every cost figure."""

    call_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    run_id: str | None = None
    ingest_id: str | None = None
    tool_id: Annotated[str, Field(pattern=TOOL_ID_PATTERN)]
    model: Annotated[str, Field(min_length=1, max_length=100)]
    purpose: Literal["extract", "repair", "chunk", "count_tokens", "batch_item"] = "extract"
    attempt: Annotated[int, Field(ge=1)] = 1
    status: Annotated[str, Field(min_length=1, max_length=40)]
    http_status: int | None = None
    started_at: datetime = Field(default_factory=utc_now)
    latency_ms: Annotated[int, Field(ge=0)] = 0
    input_tokens: Annotated[int, Field(ge=0)] = 0
    output_tokens: Annotated[int, Field(ge=0)] = 0
    cache_read_tokens: Annotated[int, Field(ge=0)] = 0
    cache_write_tokens: Annotated[int, Field(ge=0)] = 0
    cost_usd: Decimal | None = None
    batch_id: str | None = None
    error: Annotated[str, Field(max_length=4000)] | None = None


class ToolProfile(StrictModel):
    """A tool as the warehouse knows it now: what renderers and the CLI show."""

    tool: Tool
    capabilities: list[Capability] = Field(default_factory=list)
    signals: list[Signal] = Field(default_factory=list)
    current_run: ExtractionRun | None = None
    document_origin: str | None = None
