"""Everything ingestion writes: tools, documents, signal history, runs and records, the ledger, batches.

Each method is one transaction: it either writes everything it was given or nothing, and a failure
comes back as a one-line capgraph error naming the tool (or batch) it was about.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from schemas import (
    ApiCall,
    CapabilitySet,
    CapgraphError,
    ExtractionRun,
    FatalRunError,
    FetchResult,
    NotFoundError,
    Signal,
    SourceDocument,
    SourceReading,
    TerminalError,
    Tool,
    utc_now,
)
from schemas.evaluation import EvalRun
from warehouse import comparison_events, embedding_store, eval_results, match_graph
from warehouse.changes import NOTE_CHANGE_SQL, NOTE_SNAPSHOT_SQL
from warehouse.duck_errors import first_line
from warehouse.match_graph import SemanticInput
from warehouse.named_rows import named_row
from warehouse.read_session import ReadSession
from warehouse.rows import (
    FINISHED_BATCH_STATUSES,
    INGEST_RUN_COLUMNS,
    CachedHttpRow,
    IngestRunRow,
    MatchGraphStats,
    StoredFetch,
    ToolEmbedding,
)
from warehouse.scores import TAKE_SNAPSHOT_SQL
from warehouse.values import as_utc, same_signal_value

_CAPABILITY_COLUMNS = [
    "id",
    "run_id",
    "tool_id",
    "document_sha256",
    "ordinal",
    "title",
    "description",
    "unique_text",
    "vs_alternatives",
    "grounded",
]
_EXTRACTION_RUN_COLUMNS = [
    "run_id",
    "ingest_id",
    "tool_id",
    "extractor",
    "model",
    "prompt_version",
    "document_sha256",
    "status",
    "started_at",
    "finished_at",
    "duration_ms",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "error",
    "retryable",
]
_DOCUMENT_COLUMNS = [
    "sha256",
    "tool_id",
    "origin",
    "media_type",
    "fetched_at",
    "text",
    "metadata",
    "stored_at",
]
_EVIDENCE_COLUMNS = ["capability_id", "ordinal", "quote", "start_offset", "end_offset"]
_SIGNAL_COLUMNS = ["tool_id", "name", "value", "observed_at", "source", "recorded_at"]
_CALL_COLUMNS = [
    "call_id",
    "run_id",
    "ingest_id",
    "tool_id",
    "model",
    "purpose",
    "attempt",
    "status",
    "http_status",
    "started_at",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "batch_id",
    "error",
    "recorded_at",
]


ToolValues = tuple[object, ...]
"""A tool row's descriptive columns, in ``TOOL_VALUE_COLUMNS`` order."""

TOOL_VALUE_COLUMNS = (
    "name, kind, summary, homepage, license, version, pricing, price_amount, price_currency, price_unit"
)

SignalKey = tuple[str, str]
"""(tool_id, signal name)."""

LATEST_SIGNALS = """
    SELECT tool_id, name, value
    FROM latest_signals
    WHERE list_contains($tool_ids, tool_id)
"""
"""The latest reading of each signal of some tools, by the one rule the `latest_signals` view holds."""


def capability_id(run_id: str, ordinal: int) -> str:
    """Capability ids are derived, not drawn from a sequence: no round trip before a bulk append."""
    return f"{run_id}/{ordinal}"


class WriteSession(ReadSession):
    """Read and write access for the duration of ``Warehouse.writer()``'s with-block."""

    def upsert_tool(self, tool: Tool) -> None:
        """Insert the tool, or update what a source says about it; ``first_seen_at`` is kept."""
        with self._transaction(tool.id, "storing the tool"):
            self._write_tool(tool)

    def store_document(self, document: SourceDocument) -> bool:
        """Store a fetched document; False, writing nothing, when a document with its hash is stored."""
        with self._transaction(document.tool_id, "storing the document"):
            return self._write_document(document)

    def record_signals(self, signals: Sequence[Signal]) -> int:
        """Add a history row for each signal whose value differs from the latest stored one; rows added."""
        if not signals:
            return 0
        with self._transaction(signals[0].tool_id, "recording signals"):
            return self._write_signals(signals)

    def store_fetch(self, result: FetchResult) -> StoredFetch:
        """``upsert_tool`` + ``store_document`` + ``record_signals`` for one source result, in one transaction
        (one commit instead of three, for the pipeline's per-tool session)."""
        with self._transaction(result.tool.id, "storing the fetched description"):
            self._write_tool(result.tool)
            document_is_new = self._write_document(result.document)
            signals_added = self._write_signals(result.signals)
        return StoredFetch(document_is_new=document_is_new, signals_added=signals_added)

    def record_run(
        self,
        run: ExtractionRun,
        capabilities: CapabilitySet | None = None,
        calls: Sequence[ApiCall] = (),
    ) -> None:
        """Store a run, its ledger calls and, for a succeeded run, its records as the tool's current ones.

        One transaction: on any error nothing of the run is stored and the current records stay as they
        were. A failed or skipped run never touches the current records.
        """
        records = _records_to_store(run, capabilities)
        with self._transaction(run.tool_id, f"storing run {run.run_id}"):
            self._write_run(run, records, calls)

    def record_extraction(
        self,
        fetched: FetchResult,
        run: ExtractionRun,
        capabilities: CapabilitySet | None,
        calls: Sequence[ApiCall],
    ) -> None:
        """``store_fetch`` + ``record_run`` for one tool in ONE transaction: the pipeline's per-tool write.

        All or nothing: on any error neither the fetched description nor the run is stored, and the
        current records stay as they were. A failed or skipped run never touches the current records.
        """
        records = _checked_records(ExtractionToStore(fetched, run, capabilities, tuple(calls)))
        with self._transaction(run.tool_id, f"storing the description and run {run.run_id}"):
            self._write_tool(fetched.tool)
            self._write_document(fetched.document)
            self._write_signals(fetched.signals)
            self._write_run(run, records, calls)

    def record_extractions(self, results: Sequence[ExtractionToStore]) -> None:
        """``record_extraction`` for many tools in ONE transaction: the pipeline's batched write.

        All or nothing for the whole batch: on any error nothing of it is stored, so the caller can
        retry its tools one by one and lose only the bad one. Each tool is checked before anything is
        written, so a tool whose rows do not fit fails the batch before it costs a write. Rows go in
        with one statement per table, not one per tool.
        """
        checked = [(result, _checked_records(result)) for result in results]
        if not checked:
            return
        with self._transaction(checked[0][0].run.tool_id, f"storing a batch of {len(checked)} tools"):
            tool_ids = [result.fetched.tool.id for result, _ in checked]
            if len(set(tool_ids)) < len(tool_ids):
                # One tool twice in a batch (two refs naming it): each write must see the one before.
                for result, records in checked:
                    self._write_tool(result.fetched.tool)
                    self._write_document(result.fetched.document)
                    self._write_signals(result.fetched.signals)
                    self._write_run(result.run, records, result.calls)
                return
            ((now,),) = self._connection.execute("SELECT now()").fetchall()
            self._write_tools([result.fetched.tool for result, _ in checked], now)
            self._write_documents([result.fetched.document for result, _ in checked], now)
            self._write_signals([signal for result, _ in checked for signal in result.fetched.signals])
            self._write_runs(checked, now)
            self._write_readings(
                [(result.fetched.tool.id, result.reading) for result, _ in checked if result.reading], now
            )

    def refresh_unchanged(self, tools: Sequence[Tool], readings: Sequence[tuple[str, SourceReading]]) -> None:
        """For tools whose description did not change: the tool details that did (a catalog override
        edited) and the source readings taken anew, in one transaction; no records are touched."""
        if not tools and not readings:
            return
        subject = tools[0].id if tools else readings[0][0]
        with self._transaction(subject, f"updating {len(tools) + len(readings)} unchanged tools"):
            for tool in tools:
                self._write_tool(tool)
            ((now,),) = self._connection.execute("SELECT now()").fetchall()
            self._write_readings(readings, now)

    def record_ingest_run(self, row: IngestRunRow) -> None:
        """Add one whole run to ``ingest_runs`` (written once, when the run ends)."""
        # Not counted as a change: the analyst copy takes run history on its own (``warehouse.publish``).
        with self._transaction(row.ingest_id, "recording the run history", changes_contents=False):
            self._connection.execute(
                f"INSERT INTO ingest_runs ({INGEST_RUN_COLUMNS}) VALUES ({', '.join(['?'] * 14)})",
                [
                    row.ingest_id,
                    as_utc(row.started_at),
                    as_utc(row.finished_at),
                    row.trigger,
                    row.command,
                    row.extractor,
                    row.seen,
                    row.extracted,
                    row.unchanged,
                    row.failed,
                    row.skipped,
                    row.cost_usd,
                    row.status,
                    row.stop_reason,
                ],
            )

    def record_calls(self, calls: Sequence[ApiCall]) -> None:
        """Add ledger rows; a call already stored (same ``call_id``) is updated, never counted twice."""
        if not calls:
            return
        with self._transaction(calls[0].tool_id, "recording API calls"):
            self._upsert_calls(calls)

    def save_batch(
        self,
        batch_id: str,
        *,
        ingest_id: str | None,
        items: dict[str, str],
        model: str,
        documents: dict[str, str] | None = None,
    ) -> None:
        """Remember a submitted batch (custom_id -> tool_id, and the sha256 of the document each item
        sent) as in progress, so a crash can resume it with the very documents that were submitted."""
        sent = documents or {}
        with self._transaction(batch_id, "saving the batch"):
            self._connection.execute(
                """
                INSERT INTO batches (batch_id, ingest_id, model, status, item_count, created_at)
                VALUES (?, ?, ?, 'in_progress', ?, now())
                """,
                [batch_id, ingest_id, model, len(items)],
            )
            self._append(
                "batch_items",
                ["batch_id", "custom_id", "tool_id", "document_sha256"],
                [(batch_id, custom_id, tool_id, sent.get(custom_id)) for custom_id, tool_id in items.items()],
            )

    def finish_batch(self, batch_id: str, *, status: str) -> None:
        """Mark a batch ``ended``, ``canceled``, ``expired`` or ``failed``."""
        if status not in FINISHED_BATCH_STATUSES:
            raise CapgraphError(
                f"{status!r} is not a finished batch status",
                subject=batch_id,
                hint="use one of: " + ", ".join(sorted(FINISHED_BATCH_STATUSES)),
            )
        with self._transaction(batch_id, "finishing the batch"):
            updated = self._connection.execute(
                """
                UPDATE batches SET status = ?, finished_at = coalesce(finished_at, now())
                WHERE batch_id = ?
                RETURNING batch_id
                """,
                [status, batch_id],
            ).fetchall()
        if not updated:
            raise NotFoundError(
                "no such batch in the warehouse",
                subject=batch_id,
                hint="open_batches() lists the unfinished ones",
            )

    def store_http(self, row: CachedHttpRow) -> None:
        """Keep ``row`` as the latest body and validators of its URL (one row per URL)."""
        with self._transaction(row.url, "storing the HTTP cache entry"):
            self._connection.execute(
                """
                INSERT OR REPLACE INTO http_cache (url, etag, last_modified, content_type, body, stored_at)
                VALUES (?, ?, ?, ?, ?, now())
                """,
                [row.url, row.etag, row.last_modified, row.content_type, row.text],
            )

    def rebuild_match_graph(
        self,
        *,
        top_k: int = match_graph.DEFAULT_TOP_K,
        min_similarity: float = match_graph.DEFAULT_MIN_SIMILARITY,
        pair_threshold: float = match_graph.DEFAULT_PAIR_THRESHOLD,
        semantic: SemanticInput | None = None,
    ) -> MatchGraphStats:
        """Recompute the match graph from the current records (and, with ``semantic``, their stored
        vectors); replaces the previous build's rows at once."""
        return match_graph.rebuild(
            self._connection,
            self._transaction,
            top_k=top_k,
            min_similarity=min_similarity,
            pair_threshold=pair_threshold,
            semantic=semantic,
        )

    def store_embeddings(self, model: str, rows: Sequence[ToolEmbedding]) -> None:
        """Keep the vectors of these tools' current runs for ``model``, replacing their older ones."""
        if not rows:
            return
        tool_rows, capability_rows = embedding_store.rows_to_append(model, rows)
        with self._transaction("embeddings", "storing embedding vectors"):
            embedding_store.replace_older(self._connection, model, rows)
            self._append("tool_embeddings", embedding_store.TOOL_COLUMNS, tool_rows)
            self._append("capability_embeddings", embedding_store.CAPABILITY_COLUMNS, capability_rows)

    def snapshot_scores(self) -> int:
        """Replace ``score_snapshot`` with the ``tool_scores`` view as it reads now; rows written."""
        with self._transaction("score snapshot", "taking the score snapshot"):
            self._connection.execute("DELETE FROM score_snapshot")
            self._connection.execute(TAKE_SNAPSHOT_SQL)
            self._connection.execute(NOTE_SNAPSHOT_SQL).fetchall()
            (count,) = self._connection.execute("SELECT count(*) FROM score_snapshot").fetchone() or (0,)
        return int(count)

    def record_comparisons(self, pairs: Sequence[tuple[str, str]], *, via: str) -> int:
        """Note each (left_id, right_id) pair as compared ``via`` compare, render or site; rows written."""
        comparison_events.check_via(via)
        with self._transaction("comparison events", f"recording {via} comparisons"):
            return comparison_events.record_comparisons(self._connection, pairs, via)

    def record_eval_run(self, run: EvalRun) -> None:
        """Keep one ``capgraph eval`` result and its per-tool rows (``eval_runs``, ``eval_tool_results``)."""
        with self._transaction(run.gold_root, "recording the evaluation"):
            eval_results.write_eval_run(self._connection, run)

    def retire_tool(self, tool_id: str) -> bool:
        """Take a tool out of every listing, comparison, match and score, keeping its history.

        False when it was already retired; ``NotFoundError`` when no such tool was ever stored. Ingesting
        its ref again brings it back.
        """
        with self._transaction(tool_id, "retiring the tool"):
            row = named_row(
                self._connection.execute(
                    "SELECT retired_at IS NOT NULL AS retired FROM all_tools WHERE id = ?", [tool_id]
                )
            )
            if row is None:
                raise NotFoundError(
                    "no such tool in the warehouse",
                    subject=tool_id,
                    hint="`capgraph tools` lists the stored tools",
                )
            if row["retired"]:
                return False
            self._connection.execute("UPDATE all_tools SET retired_at = now() WHERE id = ?", [tool_id])
        return True

    # -- helpers -----------------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, subject: str, action: str, *, changes_contents: bool = True) -> Iterator[None]:
        """One transaction; unless told it only adds run history, it raises the change counter
        (``warehouse.changes``) first, so nothing changes the file without the counter moving."""
        self._connection.begin()
        try:
            if changes_contents:
                self._connection.execute(NOTE_CHANGE_SQL).fetchall()
            yield
            self._connection.commit()
        except BaseException as error:
            self._connection.rollback()
            if isinstance(error, duckdb.IOException):
                # The file itself failed (disk full, lock lost): every other tool would fail the same way.
                raise FatalRunError(
                    f"{action} failed, nothing was written: {first_line(error)}",
                    subject=str(self.path),
                    hint="check the disk and the file, then run again",
                ) from error
            if isinstance(error, duckdb.Error):
                raise TerminalError(
                    f"{action} failed, nothing was written: {first_line(error)}",
                    subject=subject,
                    hint="the stored records are unchanged; report this if the input looked valid",
                ) from error
            raise

    def _write_run(self, run: ExtractionRun, records: CapabilitySet | None, calls: Sequence[ApiCall]) -> None:
        self._append("extraction_runs", _EXTRACTION_RUN_COLUMNS, [_run_row(run, records)])
        self._upsert_calls(_tagged_calls(run, calls))
        if records is not None:
            self._append_records(run.run_id, records)
            self._make_current(run.tool_id, run.run_id)

    def _write_tools(self, tools: Sequence[Tool], now: object) -> None:
        """``_write_tool`` for tools of distinct ids: the new ones appended at once."""
        stored = self._existing("all_tools", "id", [tool.id for tool in tools])
        rows = []
        for tool in tools:
            if tool.id in stored:
                self._write_tool(tool)
                continue
            values = _tool_values(tool)
            rows.append((tool.id, *values, now, now))
        self._append(
            "all_tools", ["id", *TOOL_VALUE_COLUMNS.split(", "), "first_seen_at", "updated_at"], rows
        )

    def _write_documents(self, documents: Sequence[SourceDocument], now: object) -> None:
        """``_write_document`` for many: those not stored yet appended at once (the first of equal ones)."""
        stored = self._existing("documents", "sha256", [document.sha256 for document in documents])
        rows = []
        for document in documents:
            if document.sha256 in stored:
                continue
            stored.add(document.sha256)
            rows.append(
                (
                    document.sha256,
                    document.tool_id,
                    document.origin,
                    document.media_type,
                    as_utc(document.fetched_at),
                    document.text,
                    json.dumps(document.metadata, sort_keys=True),
                    now,
                )
            )
        self._append("documents", _DOCUMENT_COLUMNS, rows)

    def _write_runs(
        self, checked: Sequence[tuple[ExtractionToStore, CapabilitySet | None]], now: object
    ) -> None:
        """``_write_run`` for runs of distinct tools: runs, calls, records and current pointers, one
        statement per table."""
        runs = []
        calls: list[ApiCall] = []
        capability_rows: list[tuple[object, ...]] = []
        evidence_rows: list[tuple[object, ...]] = []
        made_current: dict[str, str] = {}
        for result, records in checked:
            run = result.run
            runs.append(_run_row(run, records))
            calls.extend(_tagged_calls(run, result.calls))
            if records is not None:
                capabilities, evidence = _record_rows(run.run_id, records)
                capability_rows.extend(capabilities)
                evidence_rows.extend(evidence)
                made_current[run.tool_id] = run.run_id
        self._append("extraction_runs", _EXTRACTION_RUN_COLUMNS, runs)
        self._upsert_calls(calls)
        self._insert_rows("capabilities", _CAPABILITY_COLUMNS, capability_rows)
        self._insert_rows("evidence", _EVIDENCE_COLUMNS, evidence_rows)
        if not made_current:
            return
        current = self._existing("all_current_extractions", "tool_id", list(made_current))
        for tool_id in current:
            self._update_current(tool_id, made_current[tool_id])
        self._append(
            "all_current_extractions",
            ["tool_id", "run_id", "made_current_at"],
            [(tool_id, run_id, now) for tool_id, run_id in made_current.items() if tool_id not in current],
        )

    def _write_readings(self, readings: Sequence[tuple[str, SourceReading]], now: object) -> None:
        """Replace the stored source reading of each tool given (the last one given for a tool wins)."""
        latest = dict(readings)
        if not latest:
            return
        self._connection.execute(
            "DELETE FROM source_readings WHERE list_contains($ids, tool_id)", {"ids": list(latest)}
        ).fetchall()
        self._append(
            "source_readings",
            ["tool_id", "fingerprint", "document_sha256", "source_tool", "read_at"],
            [
                (tool_id, reading.fingerprint, reading.document_sha256, reading.tool.model_dump_json(), now)
                for tool_id, reading in latest.items()
            ],
        )

    def _existing(self, table: str, column: str, keys: list[str]) -> set[str]:
        """Which of ``keys`` are stored in ``table.column``, in one look-up."""
        rows = self._connection.execute(
            f"SELECT {column} FROM {table} WHERE list_contains($keys, {column})", {"keys": keys}
        ).fetchall()
        return {key for (key,) in rows}

    def _write_tool(self, tool: Tool) -> None:
        values = _tool_values(tool)
        stored, retired = self._stored_tool(tool.id)
        if retired:
            # Ingesting a retired tool's ref again brings it back, with the history it kept.
            self._connection.execute(
                "UPDATE all_tools SET retired_at = NULL WHERE id = ?", [tool.id]
            ).fetchall()
        if stored is None:
            self._connection.execute(
                """
                INSERT INTO all_tools (id, name, kind, summary, homepage, license, version, pricing,
                                   price_amount, price_currency, price_unit, first_seen_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now())
                """,
                [tool.id, *values],
            ).fetchall()
        elif stored != values:
            # Only a real change is written: an unchanged row costs no write and keeps updated_at
            # meaning "when the description last changed". (ON CONFLICT DO UPDATE is 2-3x slower.)
            self._connection.execute(
                """
                UPDATE all_tools SET name = ?, kind = ?, summary = ?, homepage = ?, license = ?, version = ?,
                    pricing = ?, price_amount = ?, price_currency = ?, price_unit = ?, updated_at = now()
                WHERE id = ?
                """,
                [*values, tool.id],
            ).fetchall()

    def _stored_tool(self, tool_id: str) -> tuple[ToolValues | None, bool]:
        """The stored values of the tool's row (None when there is none) and whether it is retired."""
        row = self._connection.execute(
            f"SELECT {TOOL_VALUE_COLUMNS}, retired_at IS NOT NULL FROM all_tools WHERE id = ?", [tool_id]
        ).fetchall()
        return (None, False) if not row else (tuple(row[0][:-1]), bool(row[0][-1]))

    def _write_document(self, document: SourceDocument) -> bool:
        # Look first rather than INSERT ... ON CONFLICT DO NOTHING, which costs ~4 ms more per call;
        # no other writer can slip in between, since this session holds the file's write lock.
        if self._connection.execute("SELECT 1 FROM documents WHERE sha256 = ?", [document.sha256]).fetchall():
            return False
        self._connection.execute(
            """
            INSERT INTO documents
                (sha256, tool_id, origin, media_type, fetched_at, text, metadata, stored_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, now())
            """,
            [
                document.sha256,
                document.tool_id,
                document.origin,
                document.media_type,
                as_utc(document.fetched_at),
                document.text,
                json.dumps(document.metadata, sort_keys=True),
            ],
        ).fetchall()
        return True

    def _write_signals(self, signals: Sequence[Signal]) -> int:
        if not signals:
            return 0
        latest = self._latest_signal_values({(signal.tool_id, signal.name) for signal in signals})
        recorded_at = utc_now()
        rows = []
        for signal in signals:
            key = (signal.tool_id, signal.name)
            if same_signal_value(latest.get(key), signal.value):
                continue
            latest[key] = signal.value
            observed_at = as_utc(signal.observed_at)
            rows.append((signal.tool_id, signal.name, signal.value, observed_at, signal.source, recorded_at))
        self._append("signals", _SIGNAL_COLUMNS, rows)
        return len(rows)

    def _latest_signal_values(self, keys: set[SignalKey]) -> dict[SignalKey, float]:
        rows = self._connection.execute(
            LATEST_SIGNALS, {"tool_ids": sorted({tool_id for tool_id, _ in keys})}
        ).fetchall()
        return {(tool_id, name): value for tool_id, name, value in rows}

    def _append(self, table: str, columns: list[str], rows: Sequence[tuple[object, ...]]) -> None:
        # The appender is ~200x faster than executemany in DuckDB 2.0; one flush is one statement,
        # so inside a transaction it is all or nothing. It refuses a connection with a result left
        # unread, so every statement of a write session reads its result to the end.
        if not rows:
            return
        appender = self._connection.appender(table, columns=columns)
        appender.append_rows(rows)
        appender.flush()

    def _insert_rows(self, table: str, columns: list[str], rows: Sequence[tuple[object, ...]]) -> None:
        # One INSERT ... SELECT unnest(list), one list per column: measured ~15 % cheaper than an
        # appender for a tool's handful of records. Only for columns whose Python values map to one SQL
        # type (text, integers, booleans): a list of Decimals or datetimes would be typed by DuckDB's
        # inference, while the appender converts each value to its column's type.
        if not rows:
            return
        self._connection.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(['unnest(?)'] * len(columns))}",
            [list(values) for values in zip(*rows, strict=True)],
        )

    def _upsert_calls(self, calls: Sequence[ApiCall]) -> None:
        if not calls:
            return
        # Last one wins per call_id: a call recorded by the hooks and again with its run is one call.
        latest = {call.call_id: call for call in calls}
        recorded_at = utc_now()
        rows = [
            (
                call.call_id,
                call.run_id,
                call.ingest_id,
                call.tool_id,
                call.model,
                call.purpose,
                call.attempt,
                call.status,
                call.http_status,
                as_utc(call.started_at),
                call.latency_ms,
                call.input_tokens,
                call.output_tokens,
                call.cache_read_tokens,
                call.cache_write_tokens,
                call.cost_usd,
                call.batch_id,
                call.error,
                recorded_at,
            )
            for call in latest.values()
        ]
        stored = {
            call_id
            for (call_id,) in self._connection.execute(
                "SELECT call_id FROM api_calls WHERE list_contains($call_ids, call_id)",
                {"call_ids": list(latest)},
            ).fetchall()
        }
        # Plain appends for new calls; the slower upsert only for calls seen before.
        self._append("api_calls", _CALL_COLUMNS, [row for row in rows if row[0] not in stored])
        updates = [row for row in rows if row[0] in stored]
        if updates:
            appender = self._connection.appender("api_calls", columns=_CALL_COLUMNS, action="upsert")
            appender.append_rows(updates)
            appender.flush()

    def _make_current(self, tool_id: str, run_id: str) -> None:
        if not self._update_current(tool_id, run_id):
            self._connection.execute(
                "INSERT INTO all_current_extractions (tool_id, run_id, made_current_at) VALUES (?, ?, now())",
                [tool_id, run_id],
            ).fetchall()

    def _update_current(self, tool_id: str, run_id: str) -> int:
        (updated,) = self._connection.execute(
            "UPDATE all_current_extractions SET run_id = ?, made_current_at = now() WHERE tool_id = ?",
            [run_id, tool_id],
        ).fetchall()[0]
        return int(updated)

    def _append_records(self, run_id: str, records: CapabilitySet) -> None:
        capability_rows, evidence_rows = _record_rows(run_id, records)
        self._insert_rows("capabilities", _CAPABILITY_COLUMNS, capability_rows)
        self._insert_rows("evidence", _EVIDENCE_COLUMNS, evidence_rows)


def _tool_values(tool: Tool) -> ToolValues:
    price = tool.starting_price
    return (
        tool.name,
        tool.kind,
        tool.summary,
        tool.homepage,
        tool.license,
        tool.version,
        tool.pricing,
        None if price is None else price.amount,
        None if price is None else price.currency,
        None if price is None else price.unit,
    )


def _run_row(run: ExtractionRun, records: CapabilitySet | None) -> tuple[object, ...]:
    """The run's ``extraction_runs`` row, in ``_EXTRACTION_RUN_COLUMNS`` order."""
    document_sha256 = run.document_sha256
    if records is not None:
        document_sha256 = document_sha256 or records.document_sha256
    return (
        run.run_id,
        run.ingest_id,
        run.tool_id,
        run.extractor,
        run.model,
        run.prompt_version,
        document_sha256,
        run.status,
        as_utc(run.started_at),
        as_utc(run.finished_at),
        run.duration_ms,
        run.input_tokens,
        run.output_tokens,
        run.cache_read_tokens,
        run.cache_write_tokens,
        run.cost_usd,
        run.error,
        run.retryable,
    )


def _tagged_calls(run: ExtractionRun, calls: Sequence[ApiCall]) -> list[ApiCall]:
    """The run's calls carrying its run id (and its ingest id where the hooks had none)."""
    return [
        call.model_copy(update={"run_id": run.run_id, "ingest_id": call.ingest_id or run.ingest_id})
        for call in calls
    ]


def _record_rows(
    run_id: str, records: CapabilitySet
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The ``capabilities`` and ``evidence`` rows of a run's records."""
    capability_rows: list[tuple[object, ...]] = []
    evidence_rows: list[tuple[object, ...]] = []
    for ordinal, capability in enumerate(records.capabilities):
        record_id = capability_id(run_id, ordinal)
        capability_rows.append(
            (
                record_id,
                run_id,
                records.tool_id,
                records.document_sha256,
                ordinal,
                capability.title,
                capability.description,
                capability.unique,
                capability.vs_alternatives,
                capability.grounded,
            )
        )
        evidence_rows.extend(
            (record_id, position, item.quote, item.start, item.end)
            for position, item in enumerate(capability.evidence)
        )
    return capability_rows, evidence_rows


@dataclass(frozen=True)
class ExtractionToStore:
    """One tool's fetched description, its run, the run's records (None unless they become current)
    and its API calls: what ``record_extraction(s)`` writes for it."""

    fetched: FetchResult
    run: ExtractionRun
    capabilities: CapabilitySet | None
    calls: tuple[ApiCall, ...]
    reading: SourceReading | None = None
    """What the source read, when it fingerprints (stored beside the tool, for the next run's check)."""


def _checked_records(result: ExtractionToStore) -> CapabilitySet | None:
    """The records the tool's run makes current, after checking that run, description and records agree."""
    run, fetched = result.run, result.fetched
    if run.tool_id != fetched.tool.id:
        raise TerminalError(
            f"run {run.run_id} is for {run.tool_id} but the fetched description is of {fetched.tool.id}",
            subject=fetched.tool.id,
            hint="pass the run extracted from this fetched description",
        )
    return _records_to_store(run, result.capabilities)


def _records_to_store(run: ExtractionRun, capabilities: CapabilitySet | None) -> CapabilitySet | None:
    """The records a run makes current: only a succeeded run's, and only if they are its tool's."""
    if run.status != "succeeded" or capabilities is None:
        return None
    _check_matches(run, capabilities)
    return capabilities


def _check_matches(run: ExtractionRun, records: CapabilitySet) -> None:
    """A run must not adopt another tool's or another document's records."""
    if records.tool_id != run.tool_id:
        raise TerminalError(
            f"run {run.run_id} is for {run.tool_id} but its capabilities are for {records.tool_id}",
            subject=run.tool_id,
            hint="pass the CapabilitySet extracted for this run's tool",
        )
    if run.document_sha256 and records.document_sha256 != run.document_sha256:
        raise TerminalError(
            f"run {run.run_id} read document {run.document_sha256[:12]} but its capabilities come from "
            f"{records.document_sha256[:12]}",
            subject=run.tool_id,
            hint="pass the CapabilitySet extracted from this run's document",
        )
