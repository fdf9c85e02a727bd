-- description: source readings (what a source last read for each tool, to call an unchanged description unchanged without parsing it) and the warehouse change counter (to skip the score snapshot and a full analyst copy when nothing changed)

-- One row per tool whose source can fingerprint what it reads (today file:). The fingerprint is the
-- hash of the bytes read; when it matches, the document and the tool as the source describes it
-- (before the catalog's overrides) are the ones derived last time, so nothing is parsed again.
CREATE TABLE source_readings (
    tool_id VARCHAR PRIMARY KEY,
    fingerprint VARCHAR NOT NULL,
    document_sha256 VARCHAR NOT NULL,
    source_tool JSON NOT NULL,
    read_at TIMESTAMPTZ NOT NULL
);

-- One row: a counter every write transaction raises (adding a run-history row excepted), and the
-- value it had when the score snapshot was last taken. A copy of the file carries the counter, so
-- equal counters mean equal contents apart from run history.
CREATE TABLE warehouse_changes (
    generation BIGINT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    snapshot_generation BIGINT
);
INSERT INTO warehouse_changes VALUES (0, now(), NULL);
