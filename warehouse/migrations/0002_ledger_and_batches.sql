-- description: API call ledger and message batches

CREATE TABLE api_calls (
    call_id VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    ingest_id VARCHAR,
    tool_id VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    purpose VARCHAR NOT NULL,
    attempt INTEGER NOT NULL CHECK (attempt >= 1),
    status VARCHAR NOT NULL,
    http_status INTEGER,
    started_at TIMESTAMPTZ NOT NULL,
    latency_ms BIGINT NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    cache_read_tokens BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    cost_usd DECIMAL(38, 12),
    batch_id VARCHAR,
    error VARCHAR,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE batches (
    batch_id VARCHAR PRIMARY KEY,
    ingest_id VARCHAR,
    model VARCHAR NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('in_progress', 'ended', 'canceled', 'expired', 'failed')),
    item_count INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);

CREATE TABLE batch_items (
    batch_id VARCHAR NOT NULL,
    custom_id VARCHAR NOT NULL,
    tool_id VARCHAR NOT NULL,
    document_sha256 VARCHAR,
    PRIMARY KEY (batch_id, custom_id)
);
