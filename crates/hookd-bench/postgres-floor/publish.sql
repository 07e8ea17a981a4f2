-- A publish's rows, as hookd writes them, without hookd: :n events in one transaction, no
-- subscriber. Run by run.sh.
SELECT nextval('batches') * 1000 AS b \gset
BEGIN;
INSERT INTO events (id, tenant, type, payload, delivery_count, created_at)
  SELECT 'evt_' || lpad((:b + g)::text, 26, '0'), 'default', 'bench.steady',
         '{"type":"bench.steady","timestamp":"2026-11-30T17:40:00.123Z","data":{"n":' || (:b + g) || ',"note":"benchmark event"}}',
         1, 1764524400123 FROM generate_series(1, :n) g;
COMMIT;
