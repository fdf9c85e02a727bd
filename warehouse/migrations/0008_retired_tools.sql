-- description: retired tools: tables all_tools (with retired_at) and all_current_extractions; tools and current_extractions become views without retired tools

-- Retiring a tool keeps its history but takes it out of everything that lists, compares, matches or
-- scores tools. Those all read `tools` and `current_extractions`, so both become views of the rows of
-- tools that are not retired, over the renamed tables that keep every row: every view and query built
-- on the two names (and any added later) leaves retired tools out without restating it.
ALTER TABLE tools RENAME TO all_tools;
ALTER TABLE all_tools ADD COLUMN retired_at TIMESTAMPTZ;
ALTER TABLE current_extractions RENAME TO all_current_extractions;

CREATE VIEW tools AS
SELECT * EXCLUDE (retired_at) FROM all_tools WHERE retired_at IS NULL;

CREATE VIEW current_extractions AS
SELECT cur.*
FROM all_current_extractions AS cur
WHERE cur.tool_id NOT IN (SELECT id FROM all_tools WHERE retired_at IS NOT NULL);
