-- description: match graph (tokeniser macros, builds, edges, capability pairs, term statistics), comparison events, view match_alternatives, score views scores-v2, score snapshot

-- The tokeniser macros, match_alternatives and the scores-v2 views this migration also created now
-- live in warehouse/views/.
CREATE TABLE match_graph_builds (
    build_id VARCHAR PRIMARY KEY,
    built_at TIMESTAMPTZ NOT NULL,
    method_version VARCHAR NOT NULL,
    tools INTEGER NOT NULL,
    capabilities INTEGER NOT NULL,
    edges INTEGER NOT NULL,
    top_k INTEGER NOT NULL,
    min_similarity DOUBLE NOT NULL,
    pair_threshold DOUBLE NOT NULL,
    duration_ms BIGINT NOT NULL
);

CREATE TABLE match_edges (
    build_id VARCHAR NOT NULL,
    tool_id VARCHAR NOT NULL,
    alternative_id VARCHAR NOT NULL,
    "rank" INTEGER NOT NULL CHECK ("rank" >= 1),
    similarity DOUBLE NOT NULL,
    shared_count INTEGER NOT NULL,
    tool_run_id VARCHAR NOT NULL,
    alternative_run_id VARCHAR NOT NULL,
    PRIMARY KEY (build_id, tool_id, alternative_id)
);

CREATE TABLE match_capability_pairs (
    build_id VARCHAR NOT NULL,
    tool_id VARCHAR NOT NULL,
    alternative_id VARCHAR NOT NULL,
    tool_ordinal INTEGER NOT NULL,
    alternative_ordinal INTEGER NOT NULL,
    similarity DOUBLE NOT NULL,
    PRIMARY KEY (build_id, tool_id, alternative_id, tool_ordinal)
);

-- Document frequencies of the newest build, so matching one pair on the fly weighs terms as the
-- build did without re-reading every capability.
CREATE TABLE match_terms (
    build_id VARCHAR NOT NULL,
    term VARCHAR NOT NULL,
    capabilities INTEGER NOT NULL,
    tools INTEGER NOT NULL,
    PRIMARY KEY (build_id, term)
);

CREATE TABLE comparison_events (
    "at" TIMESTAMPTZ NOT NULL,
    left_id VARCHAR NOT NULL,
    right_id VARCHAR NOT NULL,
    via VARCHAR NOT NULL CHECK (via IN ('compare', 'render', 'site'))
);

-- The tool_scores view recomputes every tool's percentiles on each read (tens of ms on thousands of
-- tools); pages read this copy of it instead, taken at the end of every ingest run.
CREATE TABLE score_snapshot (
    tool_id VARCHAR PRIMARY KEY,
    adoption DOUBLE,
    quality DOUBLE,
    ecosystem DOUBLE,
    match_graph DOUBLE,
    "rank" INTEGER,
    inputs_used BIGINT NOT NULL,
    times_matched BIGINT NOT NULL,
    formula_version VARCHAR NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL
);
