-- version: 1
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
    c.capability_id,
    c.ordinal,
    c.title,
    c.description,
    c.unique_text,
    c.vs_alternatives,
    c.grounded,
    coalesce(
        (SELECT list(e.quote ORDER BY e.ordinal) FROM evidence AS e WHERE e.capability_id = c.capability_id),
        []::VARCHAR[]
    ) AS evidence_quotes
FROM current_capabilities AS c
JOIN extraction_runs AS r ON r.run_id = c.run_id
LEFT JOIN tools AS t ON t.id = c.tool_id;
