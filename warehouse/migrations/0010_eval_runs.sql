-- description: eval_runs and eval_tool_results: what each `capgraph eval` measured, per run and per gold tool

-- The figures of a run are kept beside the counts they come from, so analysts can compare runs
-- (`capgraph eval --history`, or their own SQL) without redoing the arithmetic.
CREATE TABLE eval_runs (
    eval_id VARCHAR PRIMARY KEY,
    ingest_id VARCHAR,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    gold_root VARCHAR NOT NULL,
    extractor VARCHAR NOT NULL,
    model VARCHAR,
    prompt_version VARCHAR NOT NULL,
    tools INTEGER NOT NULL,
    stored_records INTEGER NOT NULL,
    gold_records INTEGER NOT NULL,
    matched_records INTEGER NOT NULL,
    junk_records INTEGER NOT NULL,
    precision DOUBLE,
    recall DOUBLE,
    f1 DOUBLE,
    grounding_rate DOUBLE,
    unique_not_stated_share DOUBLE,
    vs_not_stated_share DOUBLE,
    records_per_tool DOUBLE NOT NULL,
    tools_covered INTEGER NOT NULL,
    tools_stating INTEGER NOT NULL,
    names_right INTEGER NOT NULL,
    precision_at_3 DOUBLE,
    cost_usd DECIMAL(18, 6)
);

CREATE TABLE eval_tool_results (
    eval_id VARCHAR NOT NULL,
    gold_id VARCHAR NOT NULL,
    tool_id VARCHAR NOT NULL,
    expected_name VARCHAR NOT NULL,
    given_name VARCHAR,
    states_capabilities BOOLEAN NOT NULL,
    failure VARCHAR,
    stored INTEGER NOT NULL,
    gold INTEGER NOT NULL,
    matched INTEGER NOT NULL,
    junk INTEGER NOT NULL,
    grounded INTEGER NOT NULL,
    unlocated INTEGER NOT NULL,
    unique_not_stated INTEGER NOT NULL,
    vs_not_stated INTEGER NOT NULL,
    competitors INTEGER NOT NULL,
    competitor_hits INTEGER NOT NULL,
    alternatives VARCHAR[] NOT NULL,
    missed VARCHAR[] NOT NULL,
    extra VARCHAR[] NOT NULL,
    junk_titles VARCHAR[] NOT NULL,
    PRIMARY KEY (eval_id, gold_id)
);
