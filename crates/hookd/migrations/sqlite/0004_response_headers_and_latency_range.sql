-- The response headers of each attempt (JSON array of [name, value], at most 32, values cut to
-- 256 characters); NULL for attempts logged before this column existed.
ALTER TABLE attempts ADD COLUMN response_headers TEXT;
-- The fastest and slowest attempt of each minute, so that percentiles interpolated inside a
-- histogram bucket never fall outside what was observed. NULL for minutes recorded before.
ALTER TABLE attempt_stats ADD COLUMN latency_min_ms INTEGER;
ALTER TABLE attempt_stats ADD COLUMN latency_max_ms INTEGER;
