-- version: 1
CREATE OR REPLACE VIEW tool_scores AS
WITH signal_percentiles AS (
    -- percent_rank within (kind, signal): the lowest value of a kind scores 0, the highest 100.
    SELECT
        i.tool_id,
        i.input,
        100 * percent_rank() OVER (
            PARTITION BY t.kind, i.input ORDER BY log10(1 + greatest(i.value, 0))) AS percentile
    FROM score_inputs AS i
    JOIN tools AS t ON t.id = i.tool_id
    WHERE i.input IN ('downloads', 'stars', 'likes', 'dependents', 'forks')
),
signal_scores AS (
    SELECT
        tool_id,
        avg(percentile) AS adoption,
        avg(percentile) FILTER (WHERE input IN ('dependents', 'forks')) AS ecosystem
    FROM signal_percentiles
    GROUP BY tool_id
),
quality_parts AS (
    SELECT
        tool_id,
        100 * max(value) FILTER (WHERE input = 'grounded_share') AS grounded,
        100 * max(value) FILTER (WHERE input = 'stated_share') AS stated,
        100 * max(value) FILTER (WHERE input = 'license_known') AS license_known,
        -- 100 up to 30 days after the fetch, then linearly down to 0 at 365 days.
        max(least(100, greatest(0, 100 * (365 - value) / (365 - 30))))
            FILTER (WHERE input = 'days_since_fetch') AS recency
    FROM score_inputs
    GROUP BY tool_id
),
match_percentiles AS (
    SELECT
        i.tool_id,
        100 * percent_rank() OVER (PARTITION BY t.kind ORDER BY i.value) AS match_graph
    FROM score_inputs AS i
    JOIN tools AS t ON t.id = i.tool_id
    WHERE i.input = 'match_in_degree'
),
-- Requested and rendered comparisons count each time; a site's pages count once per pair of tools,
-- whichever way round and however often the site is rebuilt.
counted_comparisons AS (
    SELECT left_id AS tool_id FROM comparison_events WHERE via IN ('compare', 'render')
    UNION ALL
    SELECT right_id FROM comparison_events WHERE via IN ('compare', 'render') AND right_id <> left_id
),
site_pairs AS (
    SELECT DISTINCT least(left_id, right_id) AS low_id, greatest(left_id, right_id) AS high_id
    FROM comparison_events
    WHERE via = 'site'
),
times_matched AS (
    SELECT tool_id, count(*) AS times_matched
    FROM (
        SELECT tool_id FROM counted_comparisons
        UNION ALL
        SELECT low_id FROM site_pairs
        UNION ALL
        SELECT high_id FROM site_pairs WHERE high_id <> low_id
    )
    GROUP BY tool_id
),
input_counts AS (
    SELECT tool_id, count(*) AS inputs FROM score_inputs GROUP BY tool_id
),
sub_scores AS (
    SELECT
        t.id AS tool_id,
        t.name AS tool_name,
        t.kind AS tool_kind,
        ss.adoption,
        -- grounded_share exists exactly when the tool has current records; list_avg skips NULLs.
        CASE WHEN qp.grounded IS NULL THEN NULL
             ELSE list_avg([qp.grounded, qp.stated, qp.license_known, qp.recency]) END AS quality,
        ss.ecosystem,
        mp.match_graph,
        coalesce(ic.inputs, 0) AS inputs_used,
        coalesce(tm.times_matched, 0) AS times_matched
    FROM tools AS t
    LEFT JOIN signal_scores AS ss ON ss.tool_id = t.id
    LEFT JOIN quality_parts AS qp ON qp.tool_id = t.id
    LEFT JOIN input_counts AS ic ON ic.tool_id = t.id
    LEFT JOIN match_percentiles AS mp ON mp.tool_id = t.id
    LEFT JOIN times_matched AS tm ON tm.tool_id = t.id
)
SELECT
    tool_id,
    tool_name,
    tool_kind,
    adoption,
    quality,
    ecosystem,
    match_graph,
    CAST(round(list_avg([adoption, quality, ecosystem, match_graph])) AS INTEGER) AS "rank",
    inputs_used,
    times_matched,
    'scores-v2' AS formula_version
FROM sub_scores;
