-- version: 1
-- Formula 'scores-v2': scores-v1 plus the match graph's in-degree and times matched.
-- A later formula raises the version of this file and of tool_scores.sql and changes the version
-- string, so a stored score always says which formula produced it.
CREATE OR REPLACE VIEW score_inputs AS
WITH latest_popularity AS (
    SELECT s.tool_id, s.name, s.value, s.source, s.observed_at
    FROM latest_signals AS s
    JOIN tools AS t ON t.id = s.tool_id
    WHERE s.name IN ('downloads', 'stars', 'likes', 'dependents', 'forks')
),
current_records AS (
    SELECT
        c.tool_id,
        c.run_id,
        c.made_current_at,
        count(*) AS records,
        count(*) FILTER (WHERE c.grounded) AS grounded,
        count(*) FILTER (WHERE lower(trim(c.unique_text)) NOT IN ('not stated', ''))
            + count(*) FILTER (WHERE lower(trim(c.vs_alternatives)) NOT IN ('not stated', ''))
            AS stated_fields
    FROM current_capabilities AS c
    JOIN tools AS t ON t.id = c.tool_id
    GROUP BY c.tool_id, c.run_id, c.made_current_at
),
latest_document AS (
    SELECT tool_id, origin, fetched_at
    FROM documents
    QUALIFY row_number() OVER (PARTITION BY tool_id ORDER BY fetched_at DESC, sha256) = 1
),
newest_build AS (
    SELECT build_id, built_at, method_version
    FROM match_graph_builds
    ORDER BY built_at DESC, build_id DESC
    LIMIT 1
),
match_in_degree AS (
    -- Every tool with current records gets a value once a build exists: 0 means nobody lists it.
    SELECT cr.tool_id, b.built_at, b.method_version, coalesce(sum(e.similarity), 0) AS value
    FROM current_records AS cr
    CROSS JOIN newest_build AS b
    LEFT JOIN match_edges AS e ON e.alternative_id = cr.tool_id AND e.build_id = b.build_id
    GROUP BY cr.tool_id, b.built_at, b.method_version
)
-- A NaN or infinite latest reading says nothing about popularity, so it counts as absent.
SELECT tool_id, name AS input, value, source, observed_at, 'scores-v2' AS formula_version
FROM latest_popularity
WHERE isfinite(value)
UNION ALL
SELECT tool_id, 'grounded_share', grounded / records, 'run:' || run_id, made_current_at, 'scores-v2'
FROM current_records
UNION ALL
-- Each record has two fields that may be 'not stated': the share is over both.
SELECT tool_id, 'stated_share', stated_fields / (2 * records), 'run:' || run_id, made_current_at, 'scores-v2'
FROM current_records
UNION ALL
-- The last two only feed quality, which needs current records; without them they would be inputs
-- of nothing and inflate inputs_used.
SELECT
    t.id,
    'license_known',
    CASE WHEN lower(trim(coalesce(t.license, ''))) IN ('', 'unknown', 'noassertion') THEN 0.0 ELSE 1.0 END,
    'tools.license',
    t.updated_at,
    'scores-v2'
FROM tools AS t
JOIN current_records AS cr ON cr.tool_id = t.id
UNION ALL
SELECT
    d.tool_id,
    'days_since_fetch',
    (epoch(now()) - epoch(d.fetched_at)) / 86400.0,
    d.origin,
    d.fetched_at,
    'scores-v2'
FROM latest_document AS d
JOIN current_records AS cr ON cr.tool_id = d.tool_id
UNION ALL
SELECT tool_id, 'match_in_degree', value, 'match_graph:' || method_version, built_at, 'scores-v2'
FROM match_in_degree;
