-- description: tools, documents, extraction runs, capabilities, evidence, signals

-- No FOREIGN KEY constraints: DuckDB refuses to UPDATE a row that another table references, which
-- would forbid finishing a batch or correcting a run. Each write method keeps the links consistent
-- inside its own transaction instead.
CREATE TABLE tools (
    id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    summary VARCHAR,
    homepage VARCHAR,
    license VARCHAR,
    version VARCHAR,
    pricing VARCHAR NOT NULL,
    price_amount DECIMAL(38, 18),
    price_currency VARCHAR,
    price_unit VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE documents (
    sha256 VARCHAR PRIMARY KEY,
    tool_id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    media_type VARCHAR NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL,
    text VARCHAR NOT NULL,
    metadata JSON NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE extraction_runs (
    run_id VARCHAR PRIMARY KEY,
    ingest_id VARCHAR,
    tool_id VARCHAR NOT NULL,
    extractor VARCHAR NOT NULL,
    model VARCHAR,
    prompt_version VARCHAR NOT NULL,
    document_sha256 VARCHAR,
    status VARCHAR NOT NULL CHECK (status IN ('succeeded', 'failed', 'skipped')),
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    duration_ms BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    cache_read_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    cost_usd DECIMAL(38, 12),
    error VARCHAR
);

CREATE TABLE capabilities (
    id VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    tool_id VARCHAR NOT NULL,
    document_sha256 VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
    title VARCHAR NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description VARCHAR NOT NULL,
    unique_text VARCHAR NOT NULL,
    vs_alternatives VARCHAR NOT NULL,
    grounded BOOLEAN NOT NULL,
    UNIQUE (run_id, ordinal)
);

CREATE TABLE evidence (
    capability_id VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
    quote VARCHAR NOT NULL,
    start_offset INTEGER,
    end_offset INTEGER,
    PRIMARY KEY (capability_id, ordinal),
    CHECK ((start_offset IS NULL) = (end_offset IS NULL)),
    CHECK (start_offset IS NULL OR (start_offset >= 0 AND end_offset > start_offset))
);

-- Which run's records are a tool's current ones. A pointer rather than a flag on the rows, so
-- replacing the current records is one row change and earlier runs' records stay untouched.
CREATE TABLE current_extractions (
    tool_id VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    made_current_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE signals (
    tool_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    observed_at TIMESTAMPTZ NOT NULL,
    source VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
