-- The circuit breaker of each webhook (see docs/api.md, "Circuit breaker").
-- breaker: its settings as a JSON object ({"enabled","failures","cooldown","max_cooldown",
-- "disable_after"}); NULL uses the server's defaults.
-- circuit_state: closed, open or half_open (a node holds the probe lease).
-- circuit_failures: attempts failed in a row while closed.
-- circuit_opened_at: when it opened (ms since the epoch); kept while it reopens.
-- circuit_next_probe_at: when the next probe is due, while open.
-- circuit_reason: what the failure that opened it was (`HTTP 500`, `timed out`).
-- circuit_cooldown_ms: the wait before the next probe (doubled by each failed probe).
-- circuit_probe_by, circuit_probe_until: the claim of the node probing it, and until when.
ALTER TABLE webhooks ADD COLUMN breaker TEXT;
ALTER TABLE webhooks ADD COLUMN circuit_state TEXT NOT NULL DEFAULT 'closed';
ALTER TABLE webhooks ADD COLUMN circuit_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN circuit_opened_at BIGINT;
ALTER TABLE webhooks ADD COLUMN circuit_next_probe_at BIGINT;
ALTER TABLE webhooks ADD COLUMN circuit_reason TEXT;
ALTER TABLE webhooks ADD COLUMN circuit_cooldown_ms BIGINT;
ALTER TABLE webhooks ADD COLUMN circuit_probe_by TEXT;
ALTER TABLE webhooks ADD COLUMN circuit_probe_until BIGINT;
