"""What each table, view and column of the warehouse means: the source of its COMMENT ON text.

Applied to every file opened for writing, after its migrations (``warehouse.comment_sync``), so a
migration that recreates a view loses nothing; the analyst copy carries them. The reference tables of
docs/warehouse.md are generated from the comments the database holds (``python -m warehouse.docs``), and
a test fails when the two differ. A new table, view or column needs its entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectComment:
    """The comment of one table or view and of each of its columns."""

    text: str
    columns: dict[str, str]


_TOOL_COLUMNS: dict[str, str] = {
    "id": (
        "The tool's ref, `scheme:rest` (`installed:duckdb`, `file:/srv/docs/tool.md`: file ids are "
        "absolute paths). Primary key."
    ),
    "name": "Display name.",
    "kind": "`Model`, `Dataset`, `Repository`, `Package` or `Service`.",
    "summary": "One-line summary from the source, if it gave one.",
    "homepage": "Project or product URL, if known.",
    "license": "License name or SPDX id, if known.",
    "version": "Version the source described.",
    "pricing": "`free`, `paid`, `freemium` or `unknown`.",
    "price_amount": ("Starting price amount, per `price_unit`; NULL when no price is known."),
    "price_currency": "ISO 4217 code of `price_amount`, e.g. `USD`.",
    "price_unit": "What `price_amount` buys, e.g. `token` or `month`.",
    "first_seen_at": "When capgraph first stored the tool.",
    "updated_at": "When its stored description last changed.",
}
"""The columns `all_tools` and the `tools` view share."""


COMMENTS: dict[str, ObjectComment] = {
    "schema_version": ObjectComment(
        "One row per migration applied to this file, in order.",
        {
            "version": ("Migration number; the file's schema version is the largest one present."),
            "description": "What that migration created or changed.",
            "applied_at": "When it was applied to this file.",
        },
    ),
    "view_versions": ObjectComment(
        (
            "Which version of each view or macro family of `warehouse/views/` this file holds; a write "
            "session recreates any whose version differs, right after the migrations."
        ),
        {
            "name": "The view (or macro family), as named by its file. Primary key.",
            "version": "The version of its definition applied to this file.",
            "applied_at": "When that version was applied.",
        },
    ),
    "all_tools": ObjectComment(
        (
            "One row per tool capgraph has ever tracked, as its source last described it, retired "
            "ones included; the `tools` view leaves those out."
        ),
        {
            **_TOOL_COLUMNS,
            "retired_at": (
                "When `capgraph remove` retired it; NULL while it is tracked. A later ingest of its ref "
                "clears it."
            ),
        },
    ),
    "tools": ObjectComment(
        (
            "One row per tracked tool, as its source last described it: `all_tools` without the "
            "retired ones. Everything that lists, compares, matches or scores tools reads this view."
        ),
        _TOOL_COLUMNS,
    ),
    "documents": ObjectComment(
        (
            "The text each source fetched, exactly as the extractors saw it. Deduplicated by "
            "content: the same text is stored once, under the tool that first produced it."
        ),
        {
            "sha256": ("SHA-256 of `text` (hex). Primary key; evidence offsets point into this text."),
            "tool_id": "The tool it was fetched for.",
            "origin": ("Where it came from: a URL, a file path or an installed package's metadata."),
            "media_type": "`text/markdown`, `text/plain`, `text/x-rst`, ...",
            "fetched_at": "When the source fetched it.",
            "text": "The full text.",
            "metadata": (
                "JSON object of extra string facts the source recorded (e.g. the README file name)."
            ),
            "stored_at": "When it was written to the warehouse.",
        },
    ),
    "extraction_runs": ObjectComment(
        ("Every attempt to extract a tool's capabilities, kept forever, whatever its outcome."),
        {
            "run_id": "Unique id of the run. Primary key.",
            "ingest_id": "The `capgraph ingest` invocation it belonged to, if any.",
            "tool_id": "The tool extracted.",
            "extractor": "`heuristic`, `anthropic`, ...",
            "model": "The model used, for model-backed extractors.",
            "prompt_version": "Version of the extractor's prompt or rules.",
            "document_sha256": "The document it read (`documents.sha256`).",
            "status": (
                "`succeeded`, `failed`, `skipped` (the cost cap, a deferral or an interrupt stopped it "
                "before it ran) or `rejected` (its records were far less grounded than the current "
                "ones, which were kept; see `error`)."
            ),
            "started_at": "When the run started.",
            "finished_at": "When it ended.",
            "duration_ms": "`finished_at - started_at` in milliseconds.",
            "input_tokens": ("Input tokens the run's API calls consumed (0 for the heuristic extractor)."),
            "output_tokens": "Output tokens generated.",
            "cache_read_tokens": "Input tokens served from the prompt cache.",
            "cache_write_tokens": "Input tokens written to the prompt cache.",
            "cost_usd": ("What the run cost; NULL when any of its calls could not be priced."),
            "error": "Why it failed or was skipped.",
            "retryable": (
                "For a failed run: whether trying the same extraction again may succeed (its error was "
                "transient). A run that failed for good is not repeated until the document, extractor, "
                "model or prompt changes. NULL for other runs and runs from before this was recorded."
            ),
        },
    ),
    "ingest_runs": ObjectComment(
        (
            "One row per `capgraph ingest` or `capgraph reprocess` run (and per scheduled run), written "
            "when the run ends, including runs where nothing changed. `capgraph runs` lists them; "
            "`capgraph runs --tools` lists the per-tool rows of `extraction_runs`."
        ),
        {
            "ingest_id": "The run's id (`extraction_runs.ingest_id`, `api_calls.ingest_id`). Primary key.",
            "started_at": "When the run started.",
            "finished_at": "When it ended.",
            "trigger": "What started it: `cli`, `schedule` or `prefect:<flow run id>`.",
            "command": "The command line, e.g. `capgraph ingest --catalog catalog.toml`.",
            "extractor": "The extractor the run used.",
            "seen": "Tools the run looked at.",
            "extracted": "Tools extracted and stored.",
            "unchanged": "Tools whose stored records were still current.",
            "failed": "Tools that failed (including re-extractions the grounding guard rejected).",
            "skipped": "Tools not done: the cost cap, a fatal error or an interrupt stopped them.",
            "cost_usd": "What the run's API calls cost; NULL when some call had no known price.",
            "status": (
                "`succeeded`, `partial` (some tools failed or were skipped), `failed` (stopped by a "
                "fatal error, or nothing worked) or `interrupted` (SIGTERM/SIGINT)."
            ),
            "stop_reason": "Why the run stopped early, if it did.",
        },
    ),
    "capabilities": ObjectComment(
        (
            "Capability records, linked to the run that produced them. A tool's *current* "
            "records are those of the run named in `current_extractions`; earlier runs' "
            "records stay here for history."
        ),
        {
            "id": "`<run_id>/<ordinal>`. Primary key.",
            "run_id": "The run that produced it (`extraction_runs.run_id`).",
            "tool_id": "The tool it describes.",
            "document_sha256": "The document its evidence quotes come from.",
            "ordinal": ("Position in the run's output (0-based), following the order of the source."),
            "title": "Short name of the capability.",
            "description": "What the tool does here.",
            "unique_text": ("What is unique about it, or `not stated` when the source does not say."),
            "vs_alternatives": "How it compares with alternatives, or `not stated`.",
            "grounded": "True when every evidence quote was found in the document.",
        },
    ),
    "evidence": ObjectComment(
        "Verbatim quotes backing each capability.",
        {
            "capability_id": "The capability it supports (`capabilities.id`).",
            "ordinal": "Position among that capability's quotes (0-based).",
            "quote": "The quote.",
            "start_offset": (
                "Character offset in the document text where it starts; NULL when it was not found."
            ),
            "end_offset": "Offset just past its end; NULL when it was not found.",
        },
    ),
    "all_current_extractions": ObjectComment(
        (
            "Which run's records are each tool's current ones. A successful run with records "
            "replaces the row in the same transaction that stores them; failed and skipped "
            "runs never touch it. Retired tools keep their row here; the `current_extractions` view "
            "leaves them out."
        ),
        {
            "tool_id": "The tool. Primary key.",
            "run_id": "The run whose capability records are current.",
            "made_current_at": "When that run's records became current.",
        },
    ),
    "current_extractions": ObjectComment(
        (
            "Which run's records are each tracked tool's current ones: `all_current_extractions` "
            "without retired tools."
        ),
        {
            "tool_id": "The tool. Primary key.",
            "run_id": "The run whose capability records are current.",
            "made_current_at": "When that run's records became current.",
        },
    ),
    "signals": ObjectComment(
        (
            "Popularity and health figures over time. A row is added only when a value "
            "differs from the latest one stored for the same tool and name, so each row marks"
            " a change."
        ),
        {
            "tool_id": "The tool.",
            "name": "`stars`, `downloads`, `dependents`, ...",
            "value": "The figure.",
            "observed_at": "When the source observed it.",
            "source": "Where it came from (e.g. `github`, `pypi`).",
            "recorded_at": "When capgraph stored it.",
        },
    ),
    "api_calls": ObjectComment(
        (
            "The ledger: one row per request sent to a paid API, whether it succeeded or not."
            " Every cost figure capgraph reports is a sum over this table."
        ),
        {
            "call_id": "Unique id of the request. Primary key.",
            "run_id": "The extraction run it served.",
            "ingest_id": "The ingest invocation it belonged to.",
            "tool_id": "The tool it was about.",
            "model": "The model requested.",
            "purpose": "`extract`, `repair`, `chunk`, `count_tokens` or `batch_item`.",
            "attempt": "1 for the first try, 2 and up for retries.",
            "status": ("Outcome as the extractor recorded it (`ok`, `rate_limited`, `error`, ...)."),
            "http_status": "HTTP status of the response, if one arrived.",
            "started_at": "When the request was sent.",
            "latency_ms": "Time to the complete response, in milliseconds.",
            "input_tokens": "Input tokens billed.",
            "output_tokens": "Output tokens billed.",
            "cache_read_tokens": "Input tokens read from the prompt cache.",
            "cache_write_tokens": "Input tokens written to the prompt cache.",
            "cost_usd": "Price of the request; NULL when the model's price was unknown.",
            "batch_id": "The message batch it was part of, if any.",
            "error": "The error message, for failed requests.",
            "recorded_at": "When the row was last written.",
        },
    ),
    "batches": ObjectComment(
        ("Message batches submitted to a provider, so an interrupted run can collect their results later."),
        {
            "batch_id": "The provider's batch id. Primary key.",
            "ingest_id": "The ingest invocation that submitted it.",
            "model": "The model the batch ran on.",
            "status": "`in_progress`, `ended`, `canceled`, `expired` or `failed`.",
            "item_count": "Number of requests in the batch.",
            "created_at": "When it was submitted.",
            "finished_at": "When capgraph saw it finish; NULL while in progress.",
        },
    ),
    "batch_items": ObjectComment(
        ("Which tool and which document each request of a message batch is for."),
        {
            "batch_id": "The batch (`batches.batch_id`).",
            "custom_id": "The request's id within the batch.",
            "tool_id": "The tool that request extracts.",
            "document_sha256": (
                "The document the request sent (`documents.sha256`), so a resumed batch is "
                "grounded against exactly that text."
            ),
        },
    ),
    "http_cache": ObjectComment(
        (
            "What remote sources need for conditional requests: the last body of each URL "
            "with the validators its server gave. A 304 answer reuses the body, so an "
            "unchanged page yields the same document hash."
        ),
        {
            "url": "The URL fetched (API call, README, web page).",
            "etag": ("The `ETag` the server sent, sent back as `If-None-Match`; NULL if none."),
            "last_modified": (
                "The `Last-Modified` the server sent, sent back as `If-Modified-Since`; NULL if none."
            ),
            "content_type": "The response's content type.",
            "body": "The response body as text.",
            "stored_at": "When this body was stored.",
        },
    ),
    "source_readings": ObjectComment(
        (
            "What a source last read for each tool, for sources that fingerprint what they read "
            "(`file:`). When a run finds the same fingerprint, the tool is unchanged without its "
            "description being parsed again: the document and the tool as the source described it "
            "are the ones stored here."
        ),
        {
            "tool_id": "The tool. Primary key.",
            "fingerprint": (
                "The source's fingerprint of what it read: for `file:`, a reading version and the "
                "SHA-256 of the file's bytes."
            ),
            "document_sha256": "The document the source made of those bytes (`documents.sha256`).",
            "source_tool": (
                "The tool as the source described it, before the catalog's overrides, as JSON; the "
                "catalog's overrides are applied to it on every run."
            ),
            "read_at": "When this reading was stored.",
        },
    ),
    "warehouse_changes": ObjectComment(
        (
            "One row: a counter every write raises except adding run history, and its value when "
            "the score snapshot was last taken. A run that changed nothing keeps the snapshot, and "
            "the analyst copy (which carries the counter) only gets the new `ingest_runs` rows."
        ),
        {
            "generation": "How many writes changed this file's contents (run history not counted).",
            "changed_at": "When the latest of them was.",
            "snapshot_generation": "The `generation` the score snapshot was taken at; NULL before the first.",
        },
    ),
    "match_graph_builds": ObjectComment(
        (
            "One row per rebuild of the match graph (`WriteSession.rebuild_match_graph`), "
            "kept as history. Only the newest build's edges, pairs and term statistics are "
            "kept in the three tables after it; the newest build is the one with the latest "
            "`built_at`."
        ),
        {
            "build_id": ("Unique id of the build (its start time, then a random suffix). Primary key."),
            "built_at": "When the build started.",
            "method_version": (
                "How the graph was computed: `match-v1` (lexical only) or `match-v2` (lexical blended "
                'with embeddings; see "The match graph" below).'
            ),
            "tools": "Tools with current records the build compared.",
            "capabilities": "Current capability records it read.",
            "edges": "Rows it wrote to `match_edges`.",
            "top_k": "Most alternatives kept per tool.",
            "min_similarity": "Least tool similarity an edge needed.",
            "pair_threshold": "Least capability similarity a shared pair needed.",
            "duration_ms": "How long the build took, in milliseconds.",
            "embedding_model": (
                "The model whose `tool_embeddings` the build blended in; NULL: lexical only."
            ),
            "semantic_weight": (
                "Share of the embedding cosine in a pair's similarity (the rest is the lexical "
                "cosine) when both tools have vectors; NULL: lexical only."
            ),
        },
    ),
    "tool_embeddings": ObjectComment(
        (
            "One unit vector per tool and run and embedding model: the tool's summary and every "
            "record (title and description) embedded as one text. Computed once per run, only for "
            "tools whose current run has none yet; the match graph compares tools by them."
        ),
        {
            "tool_id": "The tool.",
            "run_id": "The extraction run whose records were embedded (`extraction_runs.run_id`).",
            "model": (
                "The embedding model: `wordllama-l2_supercat-256` (bundled) or `local:FOLDER` "
                "(`CAPGRAPH_EMBEDDING_MODEL`)."
            ),
            "vector": "The unit vector (256 floats for the bundled model).",
            "computed_at": "When it was computed.",
        },
    ),
    "capability_embeddings": ObjectComment(
        (
            "One unit vector per capability record and embedding model (its title and "
            "description), stored with the tool's vector."
        ),
        {
            "run_id": "The record's run (`capabilities.run_id`).",
            "ordinal": "The record's `capabilities.ordinal` in that run.",
            "model": "The embedding model, as in `tool_embeddings.model`.",
            "tool_id": "The tool the record describes.",
            "vector": "The unit vector.",
        },
    ),
    "match_edges": ObjectComment(
        (
            "The newest build's edges: for each tool with current records, its closest other "
            "tools. Directed: B can be among A's alternatives without A being among B's."
        ),
        {
            "build_id": "The build (`match_graph_builds.build_id`).",
            "tool_id": "The tool.",
            "alternative_id": "One of its closest alternatives.",
            "rank": "1 for the closest; ties are broken by `alternative_id`.",
            "similarity": (
                "Similarity (0-1) of the two tools: their embedding cosine blended with the cosine of "
                'their term vectors, rounded to 9 decimals (see "The match graph").'
            ),
            "shared_count": (
                "How many of the tool's capabilities have a shared pair in `match_capability_pairs`."
            ),
            "tool_run_id": (
                "The run whose records were the tool's current ones at the build; pair ordinals refer to it."
            ),
            "alternative_run_id": "The same for the alternative.",
        },
    ),
    "match_capability_pairs": ObjectComment(
        (
            "For each edge, the capabilities of the tool that the alternative shares: each is"
            " paired with the alternative's capability closest to it, when their similarity "
            "reaches the build's `pair_threshold`. The tool's other capabilities are only the"
            " tool's; the alternative's capabilities that are no pair's `alternative_ordinal`"
            " are only the alternative's."
        ),
        {
            "build_id": "The build.",
            "tool_id": "The edge's tool.",
            "alternative_id": "The edge's alternative.",
            "tool_ordinal": (
                "`capabilities.ordinal` of the tool's capability, in run `match_edges.tool_run_id`."
            ),
            "alternative_ordinal": (
                "`capabilities.ordinal` of its closest capability of the alternative, in run "
                "`match_edges.alternative_run_id`."
            ),
            "similarity": "Cosine similarity (0-1) of the two capabilities' term vectors.",
        },
    ),
    "match_terms": ObjectComment(
        (
            "Document frequencies of every term in the newest build. Matching two tools on a "
            "comparison page weighs their terms with these, so it agrees with the build "
            "without reading every record again."
        ),
        {
            "build_id": "The build.",
            "term": "A term, as `match_tokens` produces it.",
            "capabilities": "How many current capability records contain it.",
            "tools": "How many tools' current records contain it.",
        },
    ),
    "comparison_events": ObjectComment(
        (
            "Every comparison of two tools capgraph was asked for or produced, for "
            "`tool_scores.times_matched`."
        ),
        {
            "at": "When it happened.",
            "left_id": "The tool on the left of the comparison.",
            "right_id": "The tool on the right.",
            "via": (
                "`compare` (requested, e.g. `capgraph compare`), `render` (a comparison page "
                "rendered on its own) or `site` (a page of a generated site)."
            ),
        },
    ),
    "score_snapshot": ObjectComment(
        (
            "The `tool_scores` view as it read at the end of the latest ingest run that changed "
            "anything, or that came over an hour after the snapshot (`WriteSession.snapshot_scores`; "
            "`warehouse_changes` says which). The view recomputes every tool's percentiles "
            "whenever it is read; comparison pages and the site read this copy instead, so a "
            "page costs milliseconds however many tools there are. A tool missing from it "
            "(stored after the last run) is read from the view. For the formula, and for "
            "figures as of now (for example `times_matched` right after a `capgraph "
            "compare`), query `tool_scores`."
        ),
        {
            "tool_id": "The tool.",
            "adoption": "As in `tool_scores`.",
            "quality": "As in `tool_scores`.",
            "ecosystem": "As in `tool_scores`.",
            "match_graph": "As in `tool_scores`.",
            "rank": "As in `tool_scores`.",
            "inputs_used": "As in `tool_scores`.",
            "times_matched": "As in `tool_scores`, counted up to the snapshot.",
            "formula_version": "The formula that produced the row.",
            "computed_at": "When the snapshot was taken.",
        },
    ),
    "current_capabilities": ObjectComment(
        (
            "Each tracked tool's current records: the capabilities of the run `current_extractions` "
            "names, one row per record. Every query about current records reads this view."
        ),
        {
            "tool_id": "The tool.",
            "run_id": "The run whose records are current.",
            "made_current_at": "When that run's records became current.",
            "capability_id": "`capabilities.id`.",
            "document_sha256": "The document its evidence quotes come from.",
            "ordinal": "Position in the run's output (0-based).",
            "title": "Capability title.",
            "description": "What the tool does here.",
            "unique_text": "What is unique, or `not stated`.",
            "vs_alternatives": "Comparison with alternatives, or `not stated`.",
            "grounded": "Whether every quote was found in the document.",
        },
    ),
    "latest_signals": ObjectComment(
        (
            "The latest reading of each signal of each tool: the one observed last, and of two observed "
            "at once the one recorded last. Retired tools' readings are included; join `tools` to leave "
            "them out."
        ),
        {
            "tool_id": "The tool.",
            "name": "`stars`, `downloads`, `dependents`, ...",
            "value": "The latest figure.",
            "observed_at": "When the source observed it.",
            "source": "Where it came from (e.g. `github`, `pypi`).",
            "recorded_at": "When capgraph stored it.",
        },
    ),
    "latest_capabilities": ObjectComment(
        "The current records of every tool, one row per capability.",
        {
            "tool_id": "The tool.",
            "tool_name": "Its name (NULL if the tool row is missing).",
            "tool_kind": "Its kind.",
            "run_id": "The run that produced the records.",
            "extractor": "That run's extractor.",
            "model": "That run's model.",
            "prompt_version": "That run's prompt version.",
            "document_sha256": "The document the evidence comes from.",
            "capability_id": "`capabilities.id`.",
            "ordinal": "Position in source order.",
            "title": "Capability title.",
            "description": "What the tool does here.",
            "unique_text": "What is unique, or `not stated`.",
            "vs_alternatives": "Comparison with alternatives, or `not stated`.",
            "grounded": "Whether every quote was found in the document.",
            "evidence_quotes": "The evidence quotes, in order, as a `VARCHAR[]` list.",
        },
    ),
    "tool_summary": ObjectComment(
        ("One row per tool: what `capgraph tools` shows, plus signals and document counts."),
        {
            "id": "The tool's ref.",
            "name": "Display name.",
            "kind": "Its kind.",
            "pricing": "Its pricing model.",
            "capabilities": "Number of current capability records.",
            "ungrounded": ("How many of them have a quote that was not found in the document."),
            "last_run_id": "The latest run of any status.",
            "last_run_at": "When that run started.",
            "last_run_status": "Its status.",
            "last_run_error": "Its error, if it failed.",
            "stars": "Latest `stars` signal, if any.",
            "downloads": "Latest `downloads` signal, if any.",
            "dependents": "Latest `dependents` signal, if any.",
            "signals": ("Latest value of every signal, as a `MAP(VARCHAR, DOUBLE)` (`signals['stars']`)."),
            "documents": "Number of distinct documents stored for the tool.",
        },
    ),
    "match_alternatives": ObjectComment(
        ("The newest build's edges with the tools' names: each tool's closest alternatives."),
        {
            "tool_id": "The tool.",
            "tool_name": "Its name.",
            "alternative_id": "An alternative.",
            "alternative_name": "Its name.",
            "rank": "1 for the closest.",
            "similarity": (
                "Similarity (0-1) of the two tools: their embedding cosine blended with the cosine "
                "of their term vectors."
            ),
            "shared_count": "How many of the tool's capabilities the alternative shares.",
            "built_at": "When the build ran.",
            "method_version": "`match-v2` (with embeddings) or `match-v1` (lexical only).",
        },
    ),
    "score_inputs": ObjectComment(
        (
            "Every input a tool's scores use, one row per tool and input, so a score can be "
            "traced back to the figures behind it. Formula `scores-v2`. An input that does "
            "not exist has no row (it never appears as a zero). The quality inputs and "
            "`match_in_degree` appear only for tools with current records, since quality and "
            "the match graph need them; each tool's row count is therefore its "
            "`tool_scores.inputs_used`."
        ),
        {
            "tool_id": "The tool (only tools in `tools` are scored).",
            "input": (
                "Which input: a popularity signal (`downloads`, `stars`, `likes`, `dependents`, "
                "`forks`), `grounded_share`, `stated_share`, `license_known`, `days_since_fetch` "
                "or `match_in_degree`."
            ),
            "value": (
                "For a signal, its latest reading (a NaN or infinite latest reading counts as "
                "absent). `grounded_share`: fraction (0-1) of current records whose quotes were "
                "all found. `stated_share`: fraction (0-1) of the current records' `unique_text` "
                "and `vs_alternatives` fields, both counted, that say something other than `not "
                "stated`. `license_known`: 1 when `tools.license` is set and not `unknown` or "
                "`NOASSERTION`, else 0. `days_since_fetch`: days (fractional) from the fetch of "
                "the tool's latest document to now. `match_in_degree`: the sum of `similarity` "
                "over the newest build's edges that point to the tool; present for every tool "
                "with current records once a build exists, so 0 is a real value (no tool lists "
                "it)."
            ),
            "source": (
                "Where the value comes from: the signal's source, `run:<run_id>` for the shares, "
                "`tools.license`, the document's origin, or `match_graph:` and the build's method."
            ),
            "observed_at": (
                "When the value was observed: the signal's time, when the run became current, the"
                " tool row's last update, the document's fetch time, or the build's `built_at`."
            ),
            "formula_version": "`scores-v2`.",
        },
    ),
    "tool_scores": ObjectComment(
        (
            "One row per tool: sub-scores from 0 to 100 and a rank, computed from "
            "`score_inputs` with formula `scores-v2` (`scores-v1` plus the match graph "
            "sub-score and `times_matched`). A sub-score is NULL when none of its inputs "
            "exist, never a silent zero."
        ),
        {
            "tool_id": "The tool.",
            "tool_name": "Its name.",
            "tool_kind": ("Its kind; popularity is compared only among tools of the same kind."),
            "adoption": (
                "For each popularity signal the tool has, `100 * percent_rank()` of `log10(1 + "
                "value)` among the tools of its kind that have that signal, averaged over the "
                "tool's signals. The lowest value of a kind scores 0 and the highest 100, so a "
                "tool alone in its kind with a signal scores 0. NULL without signals."
            ),
            "quality": (
                "Mean of four parts, each 0-100: `100 * grounded_share`, `100 * stated_share`, "
                "`100 * license_known`, and recency (100 when `days_since_fetch` is 30 or less, "
                "falling linearly to 0 at 365). A part without an input (no stored document) is "
                "left out of the mean. NULL when the tool has no current records."
            ),
            "ecosystem": (
                "The mean of the `dependents` and `forks` percentiles, computed as for "
                "`adoption`; NULL when the tool has neither."
            ),
            "match_graph": (
                "`100 * percent_rank()` of `match_in_degree` among the tools of its kind that "
                "have it: the tool other tools list most strongly as their alternative scores "
                "100, one nobody lists 0. NULL before the first build and for tools without "
                "current records."
            ),
            "rank": ("Mean of the non-NULL sub-scores, rounded to an integer; NULL when all are NULL."),
            "inputs_used": "How many inputs (rows of `score_inputs`) the rank rests on.",
            "times_matched": (
                "How often the tool appeared in comparisons (`comparison_events`): every "
                "`compare` and `render` event naming it, left or right, counts once, plus the "
                "number of distinct pairs of tools naming it among `site` events, whichever way "
                "round (so rebuilding a site daily does not inflate it). 0 when none; not part of"
                " `rank`."
            ),
            "formula_version": "`scores-v2`.",
        },
    ),
    "eval_runs": ObjectComment(
        (
            "One row per `capgraph eval`: which extractor (model, prompt or rules version) was scored "
            "on which gold set, the headline figures and the counts behind them. `capgraph eval "
            "--history` lists them; docs/gold-format.md defines the matching."
        ),
        {
            "eval_id": "Primary key.",
            "ingest_id": (
                "The ingest run that extracted the gold documents into the eval warehouse; its API "
                "calls are in `api_calls` under this id."
            ),
            "started_at": "When the evaluation started.",
            "finished_at": "When it finished.",
            "gold_root": "The gold set's folder, an absolute path.",
            "extractor": "`heuristic` or `anthropic`.",
            "model": "The model scored; NULL for the heuristic.",
            "prompt_version": "The extractor's prompt (or rules) version at the time.",
            "tools": "Gold tools in the set.",
            "stored_records": "Records the extractor stored for them.",
            "gold_records": "Records the gold set holds.",
            "matched_records": "Stored records matched one to one to a gold record by evidence overlap.",
            "junk_records": "Stored records resting on a passage the gold set marks as junk.",
            "precision": "`matched_records / stored_records`; NULL when nothing was stored.",
            "recall": "`matched_records / gold_records`.",
            "f1": "Harmonic mean of precision and recall.",
            "grounding_rate": "Share of stored records whose every quote was found in the source.",
            "unique_not_stated_share": "Share of stored records whose `unique` is `not stated`.",
            "vs_not_stated_share": "Share of stored records whose `vs_alternatives` is `not stated`.",
            "records_per_tool": "`stored_records / tools`.",
            "tools_covered": "Tools that state capabilities and got at least one record.",
            "tools_stating": "Tools whose gold says they state capabilities.",
            "names_right": "Tools given the name the gold expects (case aside).",
            "precision_at_3": (
                "Mean over tools with gold competitors of hits among the top 3 alternatives divided by "
                "`min(3, competitors)`; NULL when no tool has competitors in the set."
            ),
            "cost_usd": "What the evaluation's API calls cost; NULL when any was unpriced.",
        },
    ),
    "eval_tool_results": ObjectComment(
        "One row per gold tool of each `capgraph eval`: the counts its figures are summed from.",
        {
            "eval_id": "The evaluation (`eval_runs.eval_id`).",
            "gold_id": "The gold tool's id (its TOML file's stem).",
            "tool_id": "The tool's id in the eval warehouse (`file:` and the document's path).",
            "expected_name": "The name the gold expects.",
            "given_name": "The name capgraph gave it; NULL when nothing was stored.",
            "states_capabilities": "False for a gold document that states no capability.",
            "failure": "Why the tool has no records (its ingest error), or NULL.",
            "stored": "Records stored.",
            "gold": "Gold records.",
            "matched": "Stored records matched to a gold record.",
            "junk": "Stored records resting on a junk passage.",
            "grounded": "Stored records whose every quote was found in the source.",
            "unlocated": "Stored records none of whose quotes were found in the visible text.",
            "unique_not_stated": "Stored records whose `unique` is `not stated`.",
            "vs_not_stated": "Stored records whose `vs_alternatives` is `not stated`.",
            "competitors": "Gold competitors present in the set.",
            "competitor_hits": "Gold competitors among the top 3 alternatives.",
            "alternatives": "The top 3 alternatives, by gold id (tool id when outside the set).",
            "missed": "Titles of gold records nothing matched.",
            "extra": "Titles of stored records that matched no gold record (junk aside).",
            "junk_titles": "Titles of the junk records.",
        },
    ),
}
