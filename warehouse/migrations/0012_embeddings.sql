-- description: embedding vectors of each tool's current records (tool_embeddings, capability_embeddings); match_graph_builds.embedding_model and semantic_weight

-- Vectors are keyed by run and model, so a tool's vectors follow its current run and two models'
-- vectors never mix. FLOAT[] rather than FLOAT[256]: a user may configure a model of another size.
CREATE TABLE tool_embeddings (
    tool_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    vector FLOAT[] NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tool_id, run_id, model)
);

CREATE TABLE capability_embeddings (
    run_id VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    model VARCHAR NOT NULL,
    tool_id VARCHAR NOT NULL,
    vector FLOAT[] NOT NULL,
    PRIMARY KEY (run_id, ordinal, model)
);

ALTER TABLE match_graph_builds ADD COLUMN embedding_model VARCHAR;
ALTER TABLE match_graph_builds ADD COLUMN semantic_weight DOUBLE;
