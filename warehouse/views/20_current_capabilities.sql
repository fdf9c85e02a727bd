-- version: 1
-- The current-records rule in one place: each tracked tool's current records are the capabilities of
-- the run `current_extractions` names. Whatever reads current records reads this view.
CREATE OR REPLACE VIEW current_capabilities AS
SELECT
    cur.tool_id,
    cur.run_id,
    cur.made_current_at,
    c.id AS capability_id,
    c.document_sha256,
    c.ordinal,
    c.title,
    c.description,
    c.unique_text,
    c.vs_alternatives,
    c.grounded
FROM current_extractions AS cur
JOIN capabilities AS c ON c.run_id = cur.run_id;
