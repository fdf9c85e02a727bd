-- version: 1
-- The latest-signal rule in one place: of a tool's readings of one signal, the one observed last wins,
-- and of two observed at once the one recorded last. Retired tools' readings stay in (history), so
-- readers that list tools join `tools`.
CREATE OR REPLACE VIEW latest_signals AS
SELECT tool_id, name, value, observed_at, source, recorded_at
FROM signals
QUALIFY row_number() OVER (PARTITION BY tool_id, name ORDER BY observed_at DESC, recorded_at DESC) = 1;
