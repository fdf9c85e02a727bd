"""The warehouse schema as an ordered list of migrations, and the code that applies or checks them.

Each migration runs once, in its own transaction, and is recorded in ``schema_version`` with the time
it was applied. Write sessions bring any file up to ``LATEST_VERSION``; read sessions only check, so a
reader never changes a file behind the writer's back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from schemas import CapgraphError
from warehouse.duck_errors import first_line


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    sql: str


# No FOREIGN KEY constraints: DuckDB refuses to UPDATE a row that another table references, which
# would forbid finishing a batch or correcting a run. Each write method keeps the links consistent
# inside its own transaction instead.
_CORE_TABLES = """
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
"""

_LEDGER_AND_BATCHES = """
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
"""

_ANALYST_VIEWS = """
CREATE OR REPLACE VIEW latest_capabilities AS
SELECT
    c.tool_id,
    t.name AS tool_name,
    t.kind AS tool_kind,
    c.run_id,
    r.extractor,
    r.model,
    r.prompt_version,
    c.document_sha256,
    c.id AS capability_id,
    c.ordinal,
    c.title,
    c.description,
    c.unique_text,
    c.vs_alternatives,
    c.grounded,
    coalesce(
        (SELECT list(e.quote ORDER BY e.ordinal) FROM evidence AS e WHERE e.capability_id = c.id),
        []::VARCHAR[]
    ) AS evidence_quotes
FROM current_extractions AS cur
JOIN capabilities AS c ON c.run_id = cur.run_id
JOIN extraction_runs AS r ON r.run_id = c.run_id
LEFT JOIN tools AS t ON t.id = c.tool_id;

CREATE OR REPLACE VIEW tool_summary AS
WITH latest_run AS (
    SELECT tool_id, run_id, started_at, status, error
    FROM extraction_runs
    QUALIFY row_number() OVER (PARTITION BY tool_id ORDER BY started_at DESC, finished_at DESC) = 1
),
current_counts AS (
    SELECT
        cur.tool_id,
        count(c.id) AS capabilities,
        count(c.id) FILTER (WHERE NOT c.grounded) AS ungrounded
    FROM current_extractions AS cur
    LEFT JOIN capabilities AS c ON c.run_id = cur.run_id
    GROUP BY cur.tool_id
),
latest_signals AS (
    SELECT tool_id, name, value
    FROM signals
    QUALIFY row_number() OVER (PARTITION BY tool_id, name ORDER BY observed_at DESC, recorded_at DESC) = 1
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
"""

_HTTP_CACHE = """
CREATE TABLE http_cache (
    url VARCHAR PRIMARY KEY,
    etag VARCHAR,
    last_modified VARCHAR,
    content_type VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    stored_at TIMESTAMPTZ NOT NULL
);
"""

_SCORE_VIEWS = """
-- Formula 'scores-v1'. A later formula replaces both views in a new migration and changes the
-- version string, so a stored score always says which formula produced it.
CREATE OR REPLACE VIEW score_inputs AS
WITH latest_popularity AS (
    SELECT s.tool_id, s.name, s.value, s.source, s.observed_at
    FROM signals AS s
    JOIN tools AS t ON t.id = s.tool_id
    WHERE s.name IN ('downloads', 'stars', 'likes', 'dependents', 'forks')
    QUALIFY row_number() OVER (
        PARTITION BY s.tool_id, s.name ORDER BY s.observed_at DESC, s.recorded_at DESC) = 1
),
current_records AS (
    SELECT
        cur.tool_id,
        cur.run_id,
        cur.made_current_at,
        count(*) AS records,
        count(*) FILTER (WHERE c.grounded) AS grounded,
        count(*) FILTER (WHERE lower(trim(c.unique_text)) NOT IN ('not stated', ''))
            + count(*) FILTER (WHERE lower(trim(c.vs_alternatives)) NOT IN ('not stated', ''))
            AS stated_fields
    FROM current_extractions AS cur
    JOIN tools AS t ON t.id = cur.tool_id
    JOIN capabilities AS c ON c.run_id = cur.run_id
    GROUP BY cur.tool_id, cur.run_id, cur.made_current_at
),
latest_document AS (
    SELECT tool_id, origin, fetched_at
    FROM documents
    QUALIFY row_number() OVER (PARTITION BY tool_id ORDER BY fetched_at DESC, sha256) = 1
)
-- A NaN or infinite latest reading says nothing about popularity, so it counts as absent.
SELECT tool_id, name AS input, value, source, observed_at, 'scores-v1' AS formula_version
FROM latest_popularity
WHERE isfinite(value)
UNION ALL
SELECT tool_id, 'grounded_share', grounded / records, 'run:' || run_id, made_current_at, 'scores-v1'
FROM current_records
UNION ALL
-- Each record has two fields that may be 'not stated': the share is over both.
SELECT tool_id, 'stated_share', stated_fields / (2 * records), 'run:' || run_id, made_current_at, 'scores-v1'
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
    'scores-v1'
FROM tools AS t
JOIN current_records AS cr ON cr.tool_id = t.id
UNION ALL
SELECT
    d.tool_id,
    'days_since_fetch',
    (epoch(now()) - epoch(d.fetched_at)) / 86400.0,
    d.origin,
    d.fetched_at,
    'scores-v1'
FROM latest_document AS d
JOIN current_records AS cr ON cr.tool_id = d.tool_id;

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
        NULL::DOUBLE AS match_graph,
        coalesce(ic.inputs, 0) AS inputs_used
    FROM tools AS t
    LEFT JOIN signal_scores AS ss ON ss.tool_id = t.id
    LEFT JOIN quality_parts AS qp ON qp.tool_id = t.id
    LEFT JOIN input_counts AS ic ON ic.tool_id = t.id
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
    'scores-v1' AS formula_version
FROM sub_scores;
"""
_MATCH_GRAPH = """
-- Tokenisation of method 'match-v1', shared by the build and by on-the-fly pair matching so the two
-- cannot drift. Changing it means a new migration and a new method version.
CREATE OR REPLACE MACRO match_stopwords() AS [
    'able', 'about', 'above', 'across', 'after', 'again', 'against', 'all', 'allow', 'allows', 'also',
    'and', 'any', 'are', 'based', 'because', 'been', 'before', 'being', 'below', 'between', 'both', 'but',
    'can', 'cannot', 'could', 'did', 'does', 'doing', 'done', 'during', 'each', 'easily', 'easy', 'etc',
    'every', 'feature', 'features', 'few', 'for', 'from', 'get', 'gets', 'had', 'has', 'have', 'having',
    'her', 'here', 'hers', 'him', 'his', 'how', 'include', 'includes', 'including', 'into', 'its', 'just',
    'let', 'lets', 'like', 'made', 'make', 'makes', 'many', 'may', 'might', 'more', 'most', 'much', 'must',
    'new', 'nor', 'not', 'now', 'off', 'one', 'only', 'onto', 'other', 'others', 'our', 'ours', 'out',
    'over', 'own', 'per', 'provide', 'provided', 'provides', 'providing', 'same', 'shall', 'she',
    'should', 'simple', 'some', 'stated', 'such', 'support', 'supported', 'supporting', 'supports',
    'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'those', 'through',
    'too', 'tool', 'tools', 'two', 'under', 'until', 'upon', 'usage', 'use', 'used', 'uses', 'using',
    'various', 'very', 'via', 'was', 'way', 'ways', 'well', 'were', 'what', 'when', 'where', 'which',
    'while', 'who', 'whom', 'whose', 'why', 'will', 'with', 'within', 'without', 'work', 'works',
    'would', 'yet', 'you', 'your', 'yours'
];

-- What a capability says about itself: vs_alternatives is left out because it names other tools.
CREATE OR REPLACE MACRO match_capability_text(title, description, unique_text) AS concat_ws(
    ' ',
    CASE WHEN lower(trim(title)) = 'not stated' THEN '' ELSE title END,
    CASE WHEN lower(trim(description)) = 'not stated' THEN '' ELSE description END,
    CASE WHEN lower(trim(unique_text)) = 'not stated' THEN '' ELSE unique_text END);

-- Lower-case words of 3+ letters or digits, stopwords dropped before and after folding a plural 's'.
CREATE OR REPLACE MACRO match_tokens(text) AS list_filter(
    list_transform(
        list_filter(
            regexp_split_to_array(lower(text), '[^a-z0-9]+'),
            lambda token: length(token) >= 3 AND NOT list_contains(match_stopwords(), token)),
        lambda token: CASE
            WHEN length(token) > 4 AND suffix(token, 's') AND NOT suffix(token, 'ss') THEN token[:-2]
            ELSE token END),
    lambda term: NOT list_contains(match_stopwords(), term));

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

CREATE OR REPLACE VIEW match_alternatives AS
SELECT
    e.tool_id,
    t.name AS tool_name,
    e.alternative_id,
    a.name AS alternative_name,
    e."rank",
    e.similarity,
    e.shared_count,
    b.built_at,
    b.method_version
FROM match_edges AS e
JOIN match_graph_builds AS b ON b.build_id = e.build_id
LEFT JOIN tools AS t ON t.id = e.tool_id
LEFT JOIN tools AS a ON a.id = e.alternative_id;
"""

_SCORE_VIEWS_V2 = """
-- Formula 'scores-v2': scores-v1 plus the match graph's in-degree and times matched.
CREATE OR REPLACE VIEW score_inputs AS
WITH latest_popularity AS (
    SELECT s.tool_id, s.name, s.value, s.source, s.observed_at
    FROM signals AS s
    JOIN tools AS t ON t.id = s.tool_id
    WHERE s.name IN ('downloads', 'stars', 'likes', 'dependents', 'forks')
    QUALIFY row_number() OVER (
        PARTITION BY s.tool_id, s.name ORDER BY s.observed_at DESC, s.recorded_at DESC) = 1
),
current_records AS (
    SELECT
        cur.tool_id,
        cur.run_id,
        cur.made_current_at,
        count(*) AS records,
        count(*) FILTER (WHERE c.grounded) AS grounded,
        count(*) FILTER (WHERE lower(trim(c.unique_text)) NOT IN ('not stated', ''))
            + count(*) FILTER (WHERE lower(trim(c.vs_alternatives)) NOT IN ('not stated', ''))
            AS stated_fields
    FROM current_extractions AS cur
    JOIN tools AS t ON t.id = cur.tool_id
    JOIN capabilities AS c ON c.run_id = cur.run_id
    GROUP BY cur.tool_id, cur.run_id, cur.made_current_at
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
"""

# Run history, and a status for re-extractions the grounding guard refused. DuckDB cannot alter a
# CHECK constraint, so extraction_runs is rebuilt with the wider one (views bind by name: unaffected).
_RUN_HISTORY = """
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
"""

# Retiring a tool keeps its history but takes it out of everything that lists, compares, matches or
# scores tools. Those all read `tools` and `current_extractions`, so both become views of the rows of
# tools that are not retired, over the renamed tables that keep every row: every view and query built
# on the two names (and any added later) leaves retired tools out without restating it.
_RETIRED_TOOLS = """
ALTER TABLE tools RENAME TO all_tools;
ALTER TABLE all_tools ADD COLUMN retired_at TIMESTAMPTZ;
ALTER TABLE current_extractions RENAME TO all_current_extractions;

CREATE VIEW tools AS
SELECT * EXCLUDE (retired_at) FROM all_tools WHERE retired_at IS NULL;

CREATE VIEW current_extractions AS
SELECT cur.*
FROM all_current_extractions AS cur
WHERE cur.tool_id NOT IN (SELECT id FROM all_tools WHERE retired_at IS NOT NULL);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "tools, documents, extraction runs, capabilities, evidence, signals", _CORE_TABLES),
    Migration(2, "API call ledger and message batches", _LEDGER_AND_BATCHES),
    Migration(3, "analyst views latest_capabilities and tool_summary", _ANALYST_VIEWS),
    Migration(4, "HTTP validators and bodies for conditional requests", _HTTP_CACHE),
    Migration(5, "transparent score views score_inputs and tool_scores (scores-v1)", _SCORE_VIEWS),
    Migration(
        6,
        "match graph (tokeniser macros, builds, edges, capability pairs, term statistics), comparison "
        "events, view match_alternatives, score views scores-v2, score snapshot",
        _MATCH_GRAPH + _SCORE_VIEWS_V2,
    ),
    Migration(
        7, "run history ingest_runs; extraction runs may be rejected by the grounding guard", _RUN_HISTORY
    ),
    Migration(
        8,
        "retired tools: tables all_tools (with retired_at) and all_current_extractions; tools and "
        "current_extractions become views without retired tools",
        _RETIRED_TOOLS,
    ),
)
LATEST_VERSION = MIGRATIONS[-1].version

_SCHEMA_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    description VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
)
"""


def stored_version(cursor: duckdb.DuckDBPyConnection) -> int | None:
    """The file's schema version; 0 for an empty file; None when it holds something other than capgraph."""
    try:
        (version,) = cursor.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone() or (0,)
        return int(version)
    except duckdb.CatalogException:
        pass
    # Listing the catalog costs a few ms, so only files without a schema_version table pay for it.
    tables = {
        name
        for (name,) in cursor.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
    }
    return None if tables else 0


def _not_a_warehouse(path: Path) -> CapgraphError:
    return CapgraphError(
        "is a DuckDB database but not a capgraph warehouse (it has no schema_version table)",
        subject=str(path),
        hint="point --db at a capgraph warehouse file, or at a new path to create one",
    )


def _too_new(path: Path, version: int) -> CapgraphError:
    return CapgraphError(
        f"was written by a newer capgraph (schema version {version}, this one knows up to {LATEST_VERSION})",
        subject=str(path),
        hint="upgrade capgraph",
    )


def migrate(cursor: duckdb.DuckDBPyConnection, path: Path, *, up_to: int = LATEST_VERSION) -> int:
    """Apply the pending migrations up to ``up_to`` in order, each in its own transaction; the new version."""
    version = stored_version(cursor)
    if version is None:
        raise _not_a_warehouse(path)
    if version > LATEST_VERSION:
        raise _too_new(path, version)
    if version >= up_to:
        return version
    if version == 0:
        cursor.execute(_SCHEMA_VERSION_TABLE)
    for migration in MIGRATIONS:
        if version < migration.version <= up_to:
            _apply(cursor, path, migration)
            version = migration.version
    return version


def _apply(cursor: duckdb.DuckDBPyConnection, path: Path, migration: Migration) -> None:
    cursor.begin()
    try:
        cursor.execute(migration.sql)
        cursor.execute(
            "INSERT INTO schema_version VALUES (?, ?, now())", [migration.version, migration.description]
        )
        cursor.commit()
    except duckdb.Error as error:
        cursor.rollback()
        raise CapgraphError(
            f"migration {migration.version} ({migration.description}) failed: {first_line(error)}",
            subject=str(path),
            hint="the file was left at the previous schema version; report this as a bug",
        ) from error


def require_current(cursor: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Raise unless the file is at exactly ``LATEST_VERSION`` (what a read-only session needs)."""
    version = stored_version(cursor)
    if version is None:
        raise _not_a_warehouse(path)
    if version > LATEST_VERSION:
        raise _too_new(path, version)
    if version < LATEST_VERSION:
        raise CapgraphError(
            f"has schema version {version}, older than this capgraph's {LATEST_VERSION}",
            subject=str(path),
            hint="run any write command (e.g. `capgraph ingest`) once to migrate it",
        )
