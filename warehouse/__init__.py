"""The DuckDB warehouse: the only package that talks to DuckDB. See docs/warehouse.md for the schema."""

from warehouse.match_graph import SemanticInput
from warehouse.read_session import ReadSession
from warehouse.rows import (
    AlternativeRow,
    BatchRow,
    CachedHttpRow,
    CostRow,
    EmbeddingInput,
    ExtractionKey,
    IngestRunRow,
    IngestStatus,
    MatchGraphStats,
    RunRow,
    ScoreInputRow,
    StoredFetch,
    StoredState,
    ToolEmbedding,
    ToolRow,
    ToolScoreRow,
)
from warehouse.warehouse import Warehouse
from warehouse.write_session import ExtractionToStore, WriteSession

__all__ = [
    "AlternativeRow",
    "BatchRow",
    "CachedHttpRow",
    "CostRow",
    "EmbeddingInput",
    "ExtractionKey",
    "ExtractionToStore",
    "IngestRunRow",
    "IngestStatus",
    "MatchGraphStats",
    "ReadSession",
    "RunRow",
    "ScoreInputRow",
    "SemanticInput",
    "StoredFetch",
    "StoredState",
    "ToolEmbedding",
    "ToolRow",
    "ToolScoreRow",
    "Warehouse",
    "WriteSession",
]
