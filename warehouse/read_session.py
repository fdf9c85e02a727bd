"""Everything the CLI, the renderer and the pipeline read from the warehouse, as models and plain rows."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import duckdb

from schemas import (
    ApiCall,
    Capability,
    CapgraphError,
    Evidence,
    ExtractionRun,
    NotFoundError,
    Price,
    Signal,
    SourceDocument,
    SourceReading,
    Tool,
    ToolProfile,
)
from schemas.evaluation import EvalRun
from warehouse import embedding_store, eval_results, match_graph
from warehouse.changes import SNAPSHOT_CURRENT_SQL
from warehouse.named_rows import NamedRow, named_row, named_rows
from warehouse.rows import (
    INGEST_RUN_COLUMNS,
    AlternativeRow,
    BatchRow,
    CachedHttpRow,
    CostGrouping,
    CostRow,
    EmbeddingInput,
    ExtractionKey,
    IngestRunRow,
    RunRow,
    ScoreInputRow,
    StoredState,
    ToolRow,
    ToolScoreRow,
)
from warehouse.scores import (
    SCORE_INPUTS_SQL,
    SNAPSHOT_SQL,
    VIEW_SCORES_SQL,
    score_input_from_row,
    tool_score_from_row,
)
from warehouse.sql_guard import READ_ONLY_HINT, select_rows, single_select
from warehouse.values import as_utc, maybe_utc, plain_decimal

_TOOL_COLUMNS = """
    id, name, kind, summary, homepage, license, version, pricing, price_amount, price_currency, price_unit
"""
_KEY_COLUMNS = "r.document_sha256, r.extractor, r.model, r.prompt_version"
"""Whether a run's records are still current (``ExtractionKey``), of ``extraction_runs AS r``."""
_RUN_COLUMNS = """
    run_id, ingest_id, tool_id, extractor, model, prompt_version, document_sha256, status,
    started_at, finished_at, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
    cost_usd, error, retryable
"""

# Which ledger column a cost grouping keys on. "run" means the ingest run when the calls carry one,
# else the extraction run, so calls made outside `capgraph ingest` still land in a group.
_COST_KEYS: dict[str, str] = {
    "run": "coalesce(ingest_id, run_id, '(unattributed)')",
    "model": "model",
    "tool": "tool_id",
}
_COST_ORDER: dict[str, str] = {
    "run": "max(started_at) DESC, key",
    "model": "sum(coalesce(cost_usd, 0)) DESC, key",
    "tool": "sum(coalesce(cost_usd, 0)) DESC, key",
}


class ReadSession:
    """Read access to one warehouse file through one connection; see ``Warehouse.reader``."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, path: Path, *, alias: str) -> None:
        self._connection = connection
        self._alias = alias
        self.path = path

    # -- incremental ingestion -------------------------------------------------------------------

    def current_key(self, tool_id: str) -> ExtractionKey | None:
        """The key of the run whose records are the tool's current ones; None when it has none."""
        row = named_row(
            self._connection.execute(
                f"""
                SELECT {_KEY_COLUMNS}
                FROM current_extractions AS cur
                JOIN extraction_runs AS r ON r.run_id = cur.run_id
                WHERE cur.tool_id = ?
                """,
                [tool_id],
            )
        )
        return None if row is None else _key_from_row(row)

    def stored_states(self) -> dict[str, StoredState]:
        """Every stored tool with its current key, latest signals, record count and any rejected latest key,
        so a re-run can skip unchanged tools without touching the warehouse again."""
        keys = {
            row["tool_id"]: _key_from_row(row)
            for row in named_rows(
                self._connection.execute(
                    f"""
                    SELECT cur.tool_id, {_KEY_COLUMNS}
                    FROM current_extractions AS cur
                    JOIN extraction_runs AS r ON r.run_id = cur.run_id
                    """
                )
            )
        }
        latest_runs = named_rows(
            self._connection.execute(
                f"""
                SELECT r.tool_id, {_KEY_COLUMNS}, r.status, r.retryable, r.error
                FROM extraction_runs AS r
                QUALIFY row_number() OVER (PARTITION BY r.tool_id ORDER BY r.started_at DESC) = 1
                """
            )
        )
        rejected = {row["tool_id"]: _key_from_row(row) for row in latest_runs if row["status"] == "rejected"}
        # retryable IS NULL (a run from before it was recorded) counts as worth trying again.
        failed = {
            row["tool_id"]: (_key_from_row(row), row["error"])
            for row in latest_runs
            if row["status"] == "failed" and row["retryable"] is False
        }
        counts = {
            row["tool_id"]: row
            for row in named_rows(
                self._connection.execute(
                    """
                    SELECT tool_id, count(*) AS capabilities, count(*) FILTER (WHERE grounded) AS grounded
                    FROM current_capabilities
                    GROUP BY tool_id
                    """
                )
            )
        }
        signals: dict[str, dict[str, float]] = {}
        for row in named_rows(self._connection.execute("SELECT tool_id, name, value FROM latest_signals")):
            signals.setdefault(row["tool_id"], {})[row["name"]] = row["value"]
        readings = self._source_readings()
        no_records = {"capabilities": 0, "grounded": 0}
        return {
            tool.id: StoredState(
                tool=tool,
                key=keys.get(tool.id),
                signals=signals.get(tool.id, {}),
                capabilities=int(counts.get(tool.id, no_records)["capabilities"]),
                grounded=int(counts.get(tool.id, no_records)["grounded"]),
                rejected_key=rejected.get(tool.id),
                failed_key=failed[tool.id][0] if tool.id in failed else None,
                failed_error=failed[tool.id][1] if tool.id in failed else None,
                reading=readings.get(tool.id),
            )
            for tool in self._tools()
        }

    def _source_readings(self) -> dict[str, SourceReading]:
        return {
            row["tool_id"]: SourceReading(
                fingerprint=row["fingerprint"],
                document_sha256=row["document_sha256"],
                tool=Tool.model_validate_json(row["source_tool"]),
            )
            for row in named_rows(
                self._connection.execute(
                    "SELECT tool_id, fingerprint, document_sha256, source_tool FROM source_readings"
                )
            )
        }

    def score_snapshot_current(self, *, max_age_seconds: float) -> bool:
        """Whether taking the score snapshot now would give what it holds: nothing changed since it was
        taken (``warehouse.changes``), and it is younger than ``max_age_seconds`` (its recency figures
        age with the clock alone)."""
        row = named_row(self._connection.execute(SNAPSHOT_CURRENT_SQL, {"max_age": max_age_seconds}))
        return bool(row and row["current"])

    def has_tool(self, tool_id: str) -> bool:
        return self._connection.execute("SELECT 1 FROM tools WHERE id = ?", [tool_id]).fetchone() is not None

    def relative_file_id_twins(self) -> list[tuple[str, str]]:
        """(old id, new id) for each tracked tool under a relative ``file:`` id (stored before ids were
        absolute) whose file a tracked absolute id names too: same path ending, and the same latest
        document or the same name."""
        return [
            (row["old_id"], row["new_id"])
            for row in named_rows(
                self._connection.execute(
                    """
                WITH latest_document AS (
                    SELECT tool_id, document_sha256
                    FROM extraction_runs
                    WHERE document_sha256 IS NOT NULL
                    QUALIFY row_number() OVER (PARTITION BY tool_id ORDER BY started_at DESC) = 1
                )
                SELECT old.id AS old_id, new.id AS new_id
                FROM tools AS old
                JOIN tools AS new
                    ON starts_with(new.id, 'file:/')
                    AND ends_with(new.id, '/' || substr(old.id, 6))
                LEFT JOIN latest_document AS old_doc ON old_doc.tool_id = old.id
                LEFT JOIN latest_document AS new_doc ON new_doc.tool_id = new.id
                WHERE starts_with(old.id, 'file:') AND NOT starts_with(old.id, 'file:/')
                    AND (old_doc.document_sha256 = new_doc.document_sha256 OR old.name = new.name)
                ORDER BY old.id, new.id
                """
                )
            )
        ]

    def tool_ids(self) -> list[str]:
        return [
            tool_id for (tool_id,) in self._connection.execute("SELECT id FROM tools ORDER BY id").fetchall()
        ]

    def document(self, sha256: str) -> SourceDocument | None:
        """A stored document by hash, exactly as it was fetched."""
        row = named_row(
            self._connection.execute(
                "SELECT tool_id, origin, fetched_at, media_type, text, sha256, metadata FROM documents "
                "WHERE sha256 = ?",
                [sha256],
            )
        )
        if row is None:
            return None
        return SourceDocument(
            **row | {"fetched_at": as_utc(row["fetched_at"]), "metadata": json.loads(row["metadata"])}
        )

    # -- what renderers and the CLI show -------------------------------------------------------

    def tool_profile(self, tool_id: str, *, capability_limit: int | None = None) -> ToolProfile:
        """The tool with its current records (in source order, with evidence), latest signals and run."""
        tool = self._tool(tool_id)
        run = self._current_run(tool_id)
        capabilities: list[Capability] = []
        document_origin: str | None = None
        if run is not None:
            capabilities = self._capabilities_of_run(run.run_id, capability_limit)
            origin_row = named_row(
                self._connection.execute(
                    "SELECT origin FROM documents WHERE sha256 = ?", [run.document_sha256]
                )
            )
            document_origin = origin_row["origin"] if origin_row else None
        return ToolProfile(
            tool=tool,
            capabilities=capabilities,
            signals=self._latest_signals(tool_id),
            current_run=run,
            document_origin=document_origin,
        )

    def cached_http(self, url: str) -> CachedHttpRow | None:
        """The body and validators last stored for ``url``, if any."""
        row = named_row(
            self._connection.execute(
                "SELECT url, etag, last_modified, content_type, body AS text FROM http_cache WHERE url = ?",
                [url],
            )
        )
        return None if row is None else CachedHttpRow(**row)

    def capability_count(self, tool_id: str) -> int:
        """How many current records the tool has (0 for an unknown tool)."""
        row = named_row(
            self._connection.execute(
                "SELECT count(*) AS records FROM current_capabilities WHERE tool_id = ?", [tool_id]
            )
        )
        return 0 if row is None else int(row["records"])

    def list_tools(self) -> list[ToolRow]:
        rows = named_rows(
            self._connection.execute(
                """
                SELECT id, name, kind, pricing, capabilities, ungrounded,
                       last_run_at, last_run_status AS last_status, last_run_error AS last_error
                FROM tool_summary
                ORDER BY id
                """
            )
        )
        return [
            ToolRow(
                **row
                | {
                    "capabilities": int(row["capabilities"]),
                    "ungrounded": int(row["ungrounded"]),
                    "last_run_at": maybe_utc(row["last_run_at"]),
                }
            )
            for row in rows
        ]

    def recent_runs(self, *, limit: int = 20, tool_id: str | None = None) -> list[RunRow]:
        """The latest runs first, of every tool or of one."""
        if limit < 0:
            raise CapgraphError(
                f"limit must be 0 or more, not {limit}", subject="runs", hint="pass --limit N"
            )
        rows = named_rows(
            self._connection.execute(
                """
                SELECT r.run_id, r.ingest_id, r.tool_id, r.extractor, r.model, r.prompt_version, r.status,
                       r.started_at, r.duration_ms,
                       (SELECT count(*) FROM capabilities AS c WHERE c.run_id = r.run_id) AS capabilities,
                       r.input_tokens, r.output_tokens, r.cost_usd, r.error
                FROM extraction_runs AS r
                WHERE $tool_id IS NULL OR r.tool_id = $tool_id
                ORDER BY r.started_at DESC, r.finished_at DESC, r.run_id
                LIMIT $limit
                """,
                {"tool_id": tool_id, "limit": limit},
            )
        )
        return [
            RunRow(
                **row
                | {
                    "started_at": as_utc(row["started_at"]),
                    "duration_ms": int(row["duration_ms"]),
                    "capabilities": int(row["capabilities"]),
                    "input_tokens": int(row["input_tokens"]),
                    "output_tokens": int(row["output_tokens"]),
                    "cost_usd": plain_decimal(row["cost_usd"]),
                }
            )
            for row in rows
        ]

    def recent_ingest_runs(self, *, limit: int = 20) -> list[IngestRunRow]:
        """The latest whole runs first (``ingest_runs``), including runs where nothing changed."""
        if limit < 0:
            raise CapgraphError(
                f"limit must be 0 or more, not {limit}", subject="runs", hint="pass --limit N"
            )
        rows = named_rows(
            self._connection.execute(
                f"""
                SELECT {INGEST_RUN_COLUMNS}
                FROM ingest_runs
                ORDER BY started_at DESC, finished_at DESC, ingest_id
                LIMIT $limit
                """,
                {"limit": limit},
            )
        )
        counts = ("seen", "extracted", "unchanged", "failed", "skipped")
        return [
            IngestRunRow(
                **row
                | {name: int(row[name]) for name in counts}
                | {
                    "started_at": as_utc(row["started_at"]),
                    "finished_at": as_utc(row["finished_at"]),
                    "cost_usd": plain_decimal(row["cost_usd"]),
                }
            )
            for row in rows
        ]

    def tool_scores(self, tool_id: str) -> ToolScoreRow | None:
        """The tool's sub-scores and rank from the ``tool_scores`` view; None for an unknown tool."""
        row = named_row(self._connection.execute(VIEW_SCORES_SQL, [[tool_id]]))
        return None if row is None else tool_score_from_row(row)

    def page_scores(self, tool_ids: Sequence[str]) -> dict[str, ToolScoreRow]:
        """Scores for pages, by tool id: from ``score_snapshot`` (taken at the end of each run), and from
        the ``tool_scores`` view for any tool the snapshot lacks. Unknown ids are left out."""
        wanted = list(dict.fromkeys(tool_ids))
        found = {
            row["tool_id"]: tool_score_from_row(row)
            for row in named_rows(self._connection.execute(SNAPSHOT_SQL, [wanted]))
        }
        missing = [tool_id for tool_id in wanted if tool_id not in found]
        if missing:
            for row in named_rows(self._connection.execute(VIEW_SCORES_SQL, [missing])):
                found[row["tool_id"]] = tool_score_from_row(row)
        return found

    def score_inputs(self, tool_id: str) -> list[ScoreInputRow]:
        """Every input the tool's scores rest on, by input name; empty for an unknown tool."""
        rows = named_rows(self._connection.execute(SCORE_INPUTS_SQL, [tool_id]))
        return [score_input_from_row(row) for row in rows]

    # -- the match graph ---------------------------------------------------------------------------

    def alternatives(self, tool_id: str, *, limit: int | None = None) -> list[AlternativeRow]:
        """The tool's closest alternatives in the newest match graph build, by rank; [] when it has none."""
        self._tool(tool_id)
        return match_graph.alternatives(self._connection, tool_id, limit)

    def pair_match(self, tool_id: str, other_id: str) -> AlternativeRow:
        """What two stored tools share and what only one of them has, from their current records now."""
        if other_id == tool_id:
            raise CapgraphError(
                "cannot match a tool with itself", subject=tool_id, hint="pass two different tool ids"
            )
        found = match_graph.pair_match(self._connection, tool_id, other_id)
        if found is None:
            self._tool(tool_id)
            self._tool(other_id)
            raise AssertionError("pair_match found no tool yet both are stored")
        return found

    def tools_missing_embeddings(self, model: str) -> list[EmbeddingInput]:
        """Current tools with records whose current run has no vectors for ``model`` yet."""
        return embedding_store.missing(self._connection, model)

    def current_tool_vectors(self, model: str) -> tuple[list[str], list[list[float]]]:
        """Ids and vectors (for ``model``) of every current tool that has them, in id order."""
        return embedding_store.current_vectors(self._connection, model)

    def match_graph_built_at(self) -> datetime | None:
        """When the newest match graph build ran; None before the first."""
        return match_graph.built_at(self._connection)

    # -- analysts and accounting -------------------------------------------------------------------

    def query(self, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one of capgraph's own SELECTs (tests, benches) in this session's snapshot.

        Anything but one SELECT is refused, but the statement runs on the shared instance, which can
        reach files: SQL typed by a user goes through ``Warehouse.analyst_query`` instead.
        """
        statement = single_select(sql)
        with self._read_only_connection() as connection:
            return select_rows(
                connection,
                statement,
                hint=f"{READ_ONLY_HINT}; the tables and views are described in docs/warehouse.md",
            )

    def costs(self, *, since: datetime | None = None, by: CostGrouping = "run") -> list[CostRow]:
        """Ledger totals per ingest run, model or tool; a group's cost is None if any call was unpriced."""
        if by not in get_args(CostGrouping):
            raise CapgraphError(
                f"cannot group costs by {by!r}", subject="costs", hint="group by one of: run, model, tool"
            )
        rows = named_rows(
            self._connection.execute(
                f"""
                SELECT {_COST_KEYS[by]} AS key,
                       count(*) AS calls,
                       sum(input_tokens) AS input_tokens,
                       sum(output_tokens) AS output_tokens,
                       sum(cache_read_tokens) AS cache_read_tokens,
                       sum(cache_write_tokens) AS cache_write_tokens,
                       CASE WHEN bool_or(cost_usd IS NULL) THEN NULL ELSE sum(cost_usd) END AS cost_usd,
                       count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_calls,
                       coalesce(sum(cost_usd), 0) AS known_cost_usd
                FROM api_calls
                WHERE $since IS NULL OR started_at >= $since
                GROUP BY key
                ORDER BY {_COST_ORDER[by]}
                """,
                {"since": None if since is None else as_utc(since)},
            )
        )
        counts = ("calls", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens")
        return [
            CostRow(
                group=by,
                key=row["key"],
                **{name: int(row[name]) for name in (*counts, "unpriced_calls")},
                cost_usd=plain_decimal(row["cost_usd"]),
                # Never NULL: the query sums the known costs with coalesce(..., 0).
                known_cost_usd=plain_decimal(Decimal(row["known_cost_usd"])),
            )
            for row in rows
        ]

    def eval_runs(self, *, limit: int = 20) -> list[EvalRun]:
        """The newest ``capgraph eval`` results, newest first."""
        return eval_results.read_eval_runs(self._connection, limit=limit)

    def eval_run(self, eval_id: str) -> EvalRun | None:
        """One ``capgraph eval`` result by id or unique id prefix."""
        return eval_results.read_eval_run(self._connection, eval_id)

    def api_calls(self, *, ingest_id: str) -> list[ApiCall]:
        """Every ledger row of one ingest run, oldest first."""
        rows = named_rows(
            self._connection.execute(
                f"SELECT {', '.join(ApiCall.model_fields)} FROM api_calls WHERE ingest_id = ? "
                "ORDER BY started_at, call_id",
                [ingest_id],
            )
        )
        return [ApiCall.model_validate({**row, "cost_usd": plain_decimal(row["cost_usd"])}) for row in rows]

    def open_batches(self) -> list[BatchRow]:
        """Batches submitted but not yet finished, oldest first, to resume after a crash."""
        rows = named_rows(
            self._connection.execute(
                """
                SELECT b.batch_id, b.ingest_id, b.model, b.status, b.created_at, b.finished_at,
                       (SELECT list(struct_pack(custom_id := i.custom_id, tool_id := i.tool_id,
                                                document_sha256 := i.document_sha256)
                                    ORDER BY i.custom_id)
                        FROM batch_items AS i WHERE i.batch_id = b.batch_id) AS items
                FROM batches AS b
                WHERE b.status = 'in_progress'
                ORDER BY b.created_at, b.batch_id
                """
            )
        )
        return [
            BatchRow(
                batch_id=row["batch_id"],
                ingest_id=row["ingest_id"],
                model=row["model"],
                status=row["status"],
                created_at=as_utc(row["created_at"]),
                finished_at=maybe_utc(row["finished_at"]),
                items={item["custom_id"]: item["tool_id"] for item in row["items"] or []},
                documents={
                    item["custom_id"]: item["document_sha256"]
                    for item in row["items"] or []
                    if item["document_sha256"]
                },
            )
            for row in rows
        ]

    # -- helpers -------------------------------------------------------------------------------------

    @contextmanager
    def _read_only_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A fresh connection in a READ ONLY transaction, so a failing query cannot spoil the session's."""
        connection = self._connection.cursor()
        try:
            connection.execute(f"USE {self._alias}")
            connection.execute("BEGIN TRANSACTION READ ONLY")
            yield connection
        finally:
            connection.close()

    def _tools(self, tool_id: str | None = None) -> list[Tool]:
        rows = named_rows(
            self._connection.execute(
                f"""
                SELECT {_TOOL_COLUMNS} FROM tools
                WHERE $tool_id IS NULL OR id = $tool_id
                ORDER BY id
                """,
                {"tool_id": tool_id},
            )
        )
        return [_tool_from_row(row) for row in rows]

    def _tool(self, tool_id: str) -> Tool:
        found = self._tools(tool_id)
        if not found:
            raise NotFoundError(
                "no such tool in the warehouse",
                subject=tool_id,
                hint="`capgraph tools` lists the stored tools",
            )
        return found[0]

    def _current_run(self, tool_id: str) -> ExtractionRun | None:
        row = named_row(
            self._connection.execute(
                f"""
                SELECT {_RUN_COLUMNS}
                FROM extraction_runs
                WHERE run_id = (SELECT run_id FROM current_extractions WHERE tool_id = ?)
                """,
                [tool_id],
            )
        )
        return None if row is None else _run_from_row(row)

    def _capabilities_of_run(self, run_id: str, limit: int | None) -> list[Capability]:
        rows = named_rows(
            self._connection.execute(
                # Record ids are "<run_id>/<ordinal>", so the prefix picks the run's quotes without the
                # whole-table join a correlated subquery becomes (half the time of a page on a big file).
                """
            WITH quotes AS (
                SELECT capability_id,
                       list(struct_pack(quote := quote, first := start_offset, last := end_offset)
                            ORDER BY ordinal) AS evidence
                FROM evidence
                WHERE starts_with(capability_id, $run_id || '/')
                GROUP BY capability_id
            )
            SELECT c.title, c.description, c.unique_text, c.vs_alternatives, c.grounded, q.evidence
            FROM capabilities AS c
            LEFT JOIN quotes AS q ON q.capability_id = c.id
            WHERE c.run_id = $run_id
            ORDER BY c.ordinal
            LIMIT $limit
            """,
                {"run_id": run_id, "limit": limit},
            )
        )
        return [
            Capability(
                title=row["title"],
                description=row["description"],
                unique=row["unique_text"],
                vs_alternatives=row["vs_alternatives"],
                grounded=row["grounded"],
                evidence=[
                    Evidence(quote=item["quote"], start=item["first"], end=item["last"])
                    for item in row["evidence"] or []
                ],
            )
            for row in rows
        ]

    def _latest_signals(self, tool_id: str) -> list[Signal]:
        rows = named_rows(
            self._connection.execute(
                "SELECT tool_id, name, value, observed_at, source FROM latest_signals "
                "WHERE tool_id = ? ORDER BY name",
                [tool_id],
            )
        )
        return [Signal(**row | {"observed_at": as_utc(row["observed_at"])}) for row in rows]


def _key_from_row(row: NamedRow) -> ExtractionKey | None:
    """The run's key from its ``_KEY_COLUMNS``; None for a run that read no document."""
    if row["document_sha256"] is None:
        return None
    return ExtractionKey(
        document_sha256=row["document_sha256"],
        extractor=row["extractor"],
        model=row["model"],
        prompt_version=row["prompt_version"],
    )


def _run_from_row(row: NamedRow) -> ExtractionRun:
    return ExtractionRun(
        **row
        | {
            "started_at": as_utc(row["started_at"]),
            "finished_at": as_utc(row["finished_at"]),
            "cost_usd": plain_decimal(row["cost_usd"]),
        }
    )


_PRICE_COLUMNS = ("price_amount", "price_currency", "price_unit")


def _tool_from_row(row: NamedRow) -> Tool:
    price = None
    if row["price_amount"] is not None:
        price = Price(
            amount=plain_decimal(row["price_amount"]), currency=row["price_currency"], unit=row["price_unit"]
        )
    fields = {name: value for name, value in row.items() if name not in _PRICE_COLUMNS}
    return Tool(**fields, starting_price=price)
