-- One steady delivery's rows, as hookd writes them, without hookd: :n events and their
-- deliveries (claimed) in one transaction, then their outcomes in another (the update, the
-- attempts, the minute's statistics). Run by run.sh.
SELECT nextval('batches') * 1000 AS b \gset
BEGIN;
INSERT INTO events (id, tenant, type, payload, delivery_count, created_at)
  SELECT 'evt_' || lpad((:b + g)::text, 26, '0'), 'default', 'bench.steady',
         '{"type":"bench.steady","timestamp":"2026-11-30T17:40:00.123Z","data":{"n":' || (:b + g) || ',"note":"benchmark event"}}',
         1, 1764524400123 FROM generate_series(1, :n) g;
INSERT INTO deliveries (id, event_id, webhook_id, tenant, event_type, status, attempt_count,
    next_attempt_at, claimed_by, lease_until, manual, created_at, updated_at, order_waiting)
  SELECT 'dlv_' || lpad((:b + g)::text, 26, '0'), 'evt_' || lpad((:b + g)::text, 26, '0'),
         'wh_01M8PQ11TNY7G11Q4N9RGR91AD', 'default', 'bench.steady', 'pending', 0,
         1764524400123, 'node_01M8PQ11TNY7G11Q4N9RGR91AD/1', 1764524430123, FALSE,
         1764524400123, 1764524400123, FALSE FROM generate_series(1, :n) g;
COMMIT;
BEGIN;
UPDATE deliveries d SET status = 'succeeded', attempt_count = GREATEST(d.attempt_count, 1),
    next_attempt_at = NULL, claimed_by = NULL, lease_until = NULL, manual = FALSE,
    updated_at = 1764524400129
  FROM (SELECT 'dlv_' || lpad((:b + g)::text, 26, '0') AS id FROM generate_series(1, :n) g) u
  WHERE d.id = u.id AND d.status = 'pending'
    AND d.claimed_by IS NOT DISTINCT FROM 'node_01M8PQ11TNY7G11Q4N9RGR91AD/1';
INSERT INTO attempts (id, delivery_id, webhook_id, event_id, tenant, event_type, attempt, status,
    response_code, response_body, error, duration_ms, request_headers, created_at, response_headers)
  SELECT 'att_' || lpad((:b + g)::text, 26, '0'), 'dlv_' || lpad((:b + g)::text, 26, '0'),
         'wh_01M8PQ11TNY7G11Q4N9RGR91AD', 'evt_' || lpad((:b + g)::text, 26, '0'), 'default',
         'bench.steady', 1, 'succeeded', 200, 'ok', NULL, 1,
         '[["webhook-signature","v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4="],["user-agent","hookd/0.1"]]',
         1764524400129, '[["content-length","2"],["date","Mon, 30 Nov 2026 17:40:00 GMT"]]'
  FROM generate_series(1, :n) g;
INSERT INTO attempt_stats (webhook_id, minute, tenant, succeeded, failed, latency_sum_ms,
    h0, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10, h11, h12, h13, latency_min_ms, latency_max_ms)
  VALUES ('wh_01M8PQ11TNY7G11Q4N9RGR91AD', 1764524400000, 'default', :n, 0, :n,
          :n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1)
  ON CONFLICT (webhook_id, minute) DO UPDATE SET
    succeeded = attempt_stats.succeeded + excluded.succeeded,
    failed = attempt_stats.failed + excluded.failed,
    latency_sum_ms = attempt_stats.latency_sum_ms + excluded.latency_sum_ms,
    h0 = attempt_stats.h0 + excluded.h0,
    latency_min_ms = LEAST(attempt_stats.latency_min_ms, excluded.latency_min_ms),
    latency_max_ms = GREATEST(attempt_stats.latency_max_ms, excluded.latency_max_ms);
COMMIT;
