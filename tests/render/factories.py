"""Invented tools for the renderer tests: a vector database, an ETL library, a hosted model, a corpus."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from schemas import NOT_STATED, Capability, Evidence, ExtractionRun, Price, Tool, ToolProfile

_MOMENT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def capability(
    title: str,
    *,
    description: str | None = None,
    unique: str = NOT_STATED,
    vs_alternatives: str = NOT_STATED,
    quotes: tuple[str, ...] = ("stores vectors on local disk",),
    grounded: bool = True,
) -> Capability:
    return Capability(
        title=title,
        description=description or f"{title}, described in the tool's own documentation.",
        unique=unique,
        vs_alternatives=vs_alternatives,
        evidence=[Evidence(quote=text) for text in quotes],
        grounded=grounded,
    )


def run(tool_id: str, extractor: str = "heuristic", model: str | None = None) -> ExtractionRun:
    return ExtractionRun(
        tool_id=tool_id,
        extractor=extractor,
        model=model,
        prompt_version="v1",
        status="succeeded",
        started_at=_MOMENT,
        finished_at=_MOMENT,
    )


def numbered_capabilities(count: int, *, prefix: str = "Feature") -> list[Capability]:
    return [capability(f"{prefix} {number}") for number in range(1, count + 1)]


def vector_database(**changes: object) -> ToolProfile:
    """Quillvec: a free vector database package with three grounded capabilities."""
    tool_id = "pypi:quillvec"
    profile = ToolProfile(
        tool=Tool(
            id=tool_id,
            name="Quillvec",
            kind="Package",
            pricing="free",
            homepage="https://quillvec.example/docs",
        ),
        capabilities=[
            capability(
                "Approximate nearest-neighbour search",
                description="Finds the closest stored embeddings to a query vector using a graph index.",
                unique="Keeps the whole graph index in a single memory-mapped file.",
                vs_alternatives="Needs no separate server process, unlike hosted vector stores.",
                quotes=("a single memory-mapped file holds the index",),
            ),
            capability(
                "Metadata filters",
                description="Restricts a search to vectors whose attached fields match a condition.",
                unique="Filters are applied while walking the graph rather than afterwards.",
                quotes=("filter while you search",),
            ),
            capability(
                "Snapshot export",
                description="Writes the collection to a portable archive that can be reloaded elsewhere.",
                quotes=("export a snapshot to one archive",),
            ),
        ],
        current_run=run(tool_id),
        document_origin="https://pypi.example/project/quillvec",
    )
    return profile.model_copy(update=changes)


def etl_library(**changes: object) -> ToolProfile:
    """Pipewright: a freemium ETL library with two capabilities, one of them unverified."""
    tool_id = "pypi:pipewright"
    profile = ToolProfile(
        tool=Tool(id=tool_id, name="Pipewright", kind="Package", pricing="freemium"),
        capabilities=[
            capability(
                "Incremental loads",
                description="Moves only the rows that changed since the previous run into the target table.",
                vs_alternatives="Avoids the full reloads that simple copy scripts perform.",
                quotes=("only changed rows are moved",),
            ),
            capability(
                "Schema drift alerts",
                description="Warns when a source table gains or loses columns between two runs.",
                quotes=("tells you when columns appear or vanish",),
                grounded=False,
            ),
        ],
        current_run=run(tool_id),
    )
    return profile.model_copy(update=changes)


def hosted_model(**changes: object) -> ToolProfile:
    """Orca Mini Chat: a paid hosted model priced per prompt token, extracted by the anthropic extractor."""
    tool_id = "hf:orca-labs/orca-mini-chat"
    profile = ToolProfile(
        tool=Tool(
            id=tool_id,
            name="Orca Mini Chat",
            kind="Model",
            pricing="paid",
            starting_price=Price(amount=Decimal("0.00000025"), unit="prompt token"),
        ),
        capabilities=numbered_capabilities(4, prefix="Dialogue skill"),
        current_run=run(tool_id, extractor="anthropic", model="claude-test-model"),
    )
    return profile.model_copy(update=changes)


def text_corpus(**changes: object) -> ToolProfile:
    """Tidepool Corpus: a free dataset whose extraction found nothing."""
    tool_id = "hf:datasets/tidepool-corpus"
    profile = ToolProfile(
        tool=Tool(id=tool_id, name="Tidepool Corpus", kind="Dataset", pricing="free"),
        capabilities=[],
        document_origin="https://datasets.example/tidepool/README.md",
    )
    return profile.model_copy(update=changes)


def with_tool(profile: ToolProfile, **tool_changes: object) -> ToolProfile:
    """``profile`` with some fields of its tool replaced (validated again, as the warehouse would)."""
    tool = Tool.model_validate({**profile.tool.model_dump(), **tool_changes})
    return profile.model_copy(update={"tool": tool})
