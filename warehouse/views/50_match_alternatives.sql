-- version: 1
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
