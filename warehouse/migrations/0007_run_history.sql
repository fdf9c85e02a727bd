-- description: run history ingest_runs; extraction runs may be rejected by the grounding guard

-- Run history, and a status for re-extractions the grounding guard refused. DuckDB cannot alter a
-- CHECK constraint, so extraction_runs is rebuilt with the wider one (views bind by name: unaffected).
CREATE TABLE extraction_runs_v7 (
    run_id VARCHAR PRIMARY KEY,
    ingest_id VARCHAR,
    tool_id VARCHAR NOT NULL,
    extractor VARCHAR NOT NULL,
    model VARCHAR,
    prompt_version VARCHAR NOT NULL,
    document_sha256 VARCHAR,
    status VARCHAR NOT NULL CHECK (status IN ('succeeded', 'failed', 'skipped', 'rejected')),
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
INSERT INTO extraction_runs_v7 SELECT * FROM extraction_runs;
DROP TABLE extraction_runs;
ALTER TABLE extraction_runs_v7 RENAME TO extraction_runs;

-- One row per ingest or reprocess run, including runs where nothing changed.
CREATE TABLE ingest_runs (
    ingest_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    trigger VARCHAR NOT NULL,
    command VARCHAR NOT NULL,
    extractor VARCHAR NOT NULL,
    seen INTEGER NOT NULL CHECK (seen >= 0),
    extracted INTEGER NOT NULL CHECK (extracted >= 0),
    unchanged INTEGER NOT NULL CHECK (unchanged >= 0),
    failed INTEGER NOT NULL CHECK (failed >= 0),
    skipped INTEGER NOT NULL CHECK (skipped >= 0),
    cost_usd DECIMAL(38, 12),
    status VARCHAR NOT NULL CHECK (status IN ('succeeded', 'partial', 'failed', 'interrupted')),
    stop_reason VARCHAR
);
