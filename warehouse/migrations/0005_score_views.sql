-- description: transparent score views score_inputs and tool_scores (scores-v1)

-- The views this migration created (score_inputs, tool_scores at scores-v1) now live in
-- warehouse/views/ and are (re)created by version after the migrations.
