-- version: 1
CREATE OR REPLACE VIEW tool_summary AS
WITH latest_run AS (
    SELECT tool_id, run_id, started_at, status, error
    FROM extraction_runs
    QUALIFY row_number() OVER (PARTITION BY tool_id ORDER BY started_at DESC, finished_at DESC) = 1
),
current_counts AS (
    SELECT
        cur.tool_id,
        count(c.capability_id) AS capabilities,
        count(c.capability_id) FILTER (WHERE NOT c.grounded) AS ungrounded
    FROM current_extractions AS cur
    LEFT JOIN current_capabilities AS c ON c.tool_id = cur.tool_id
    GROUP BY cur.tool_id
),
signal_columns AS (
    SELECT
        tool_id,
        map_from_entries(list(struct_pack(k := name, v := value) ORDER BY name)) AS signals,
        max(value) FILTER (WHERE name = 'stars') AS stars,
        max(value) FILTER (WHERE name = 'downloads') AS downloads,
        max(value) FILTER (WHERE name = 'dependents') AS dependents
    FROM latest_signals
    GROUP BY tool_id
),
document_counts AS (
    SELECT tool_id, count(*) AS documents FROM documents GROUP BY tool_id
)
SELECT
    t.id,
    t.name,
    t.kind,
    t.pricing,
    coalesce(cc.capabilities, 0) AS capabilities,
    coalesce(cc.ungrounded, 0) AS ungrounded,
    lr.run_id AS last_run_id,
    lr.started_at AS last_run_at,
    lr.status AS last_run_status,
    lr.error AS last_run_error,
    sc.stars,
    sc.downloads,
    sc.dependents,
    coalesce(sc.signals, MAP {}::MAP(VARCHAR, DOUBLE)) AS signals,
    coalesce(dc.documents, 0) AS documents
FROM tools AS t
LEFT JOIN current_counts AS cc ON cc.tool_id = t.id
LEFT JOIN latest_run AS lr ON lr.tool_id = t.id
LEFT JOIN signal_columns AS sc ON sc.tool_id = t.id
LEFT JOIN document_counts AS dc ON dc.tool_id = t.id;
