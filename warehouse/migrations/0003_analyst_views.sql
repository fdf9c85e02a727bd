-- description: analyst views latest_capabilities and tool_summary

-- The views this migration created (latest_capabilities, tool_summary) now live in
-- warehouse/views/ and are (re)created by version after the migrations.
