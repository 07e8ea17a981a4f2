-- hookd schema, PostgreSQL. Times are unix milliseconds (BIGINT), as on SQLite, so both
-- backends share the same row shapes. Ids are prefixed ULIDs: ordering by id is ordering by
-- creation time (keyset pagination and retention scans use the primary key).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    tenant     TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE webhooks (
    id                         TEXT PRIMARY KEY,
    tenant                     TEXT NOT NULL,
    url                        TEXT NOT NULL,
    events                     TEXT NOT NULL,          -- JSON array of patterns
    description                TEXT NOT NULL,
    active                     BOOLEAN NOT NULL,
    disabled_reason            TEXT,                   -- manual | failing | gone
    filter                     TEXT,
    rate_limit                 INTEGER,
    max_in_flight              INTEGER NOT NULL,
    timeout_ms                 INTEGER NOT NULL,
    retry_schedule             TEXT,                   -- JSON array of durations; NULL = default
    headers                    TEXT NOT NULL,          -- JSON object
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,
    previous_secret_expires_at BIGINT,
    failure_streak             INTEGER NOT NULL DEFAULT 0,
    created_at                 BIGINT NOT NULL,
    updated_at                 BIGINT NOT NULL
);
CREATE INDEX webhooks_by_tenant ON webhooks (tenant, id);

CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    tenant          TEXT NOT NULL,
    type            TEXT NOT NULL,
    idempotency_key TEXT,
    payload         TEXT NOT NULL,                    -- the exact body receivers get
    delivery_count  INTEGER NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX events_by_idempotency_key ON events (tenant, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_by_tenant ON events (tenant, id);
CREATE INDEX events_by_type ON events (type, id);

-- One event for one webhook. A pending delivery is claimed by a node (in its memory, under a
-- lease), due at next_attempt_at (waiting for a scan), or paused (next_attempt_at NULL) while
-- its webhook is disabled.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    webhook_id      TEXT NOT NULL,
    tenant          TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    status          TEXT NOT NULL,                    -- pending | succeeded | failed | cancelled
    attempt_count   INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    claimed_by      TEXT,                             -- the claim (node and epoch) holding it
    lease_until     BIGINT,                           -- the claim holds until then
    manual          BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at)
    WHERE status = 'pending' AND claimed_by IS NULL AND next_attempt_at IS NOT NULL;
CREATE INDEX deliveries_leased ON deliveries (lease_until)
    WHERE status = 'pending' AND claimed_by IS NOT NULL;
CREATE INDEX deliveries_claimed ON deliveries (claimed_by) WHERE claimed_by IS NOT NULL;
CREATE INDEX deliveries_by_event ON deliveries (event_id);
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, status, updated_at);
CREATE INDEX deliveries_by_status ON deliveries (tenant, status);

CREATE TABLE attempts (
    id              TEXT PRIMARY KEY,
    delivery_id     TEXT NOT NULL,
    webhook_id      TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    tenant          TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    status          TEXT NOT NULL,                    -- succeeded | failed
    response_code   INTEGER,
    response_body   TEXT,
    error           TEXT,
    duration_ms     INTEGER NOT NULL,
    request_headers TEXT NOT NULL,                    -- JSON array of [name, value]
    created_at      BIGINT NOT NULL
);
CREATE INDEX attempts_by_webhook ON attempts (webhook_id, id);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);

-- h0..h13 count attempts per latency bucket (bounds in store::LATENCY_BOUNDS_MS).
CREATE TABLE attempt_stats (
    webhook_id     TEXT NOT NULL,
    minute         BIGINT NOT NULL,
    tenant         TEXT NOT NULL,
    succeeded      BIGINT NOT NULL,
    failed         BIGINT NOT NULL,
    latency_sum_ms BIGINT NOT NULL,
    h0 BIGINT NOT NULL, h1 BIGINT NOT NULL, h2 BIGINT NOT NULL, h3 BIGINT NOT NULL,
    h4 BIGINT NOT NULL, h5 BIGINT NOT NULL, h6 BIGINT NOT NULL, h7 BIGINT NOT NULL,
    h8 BIGINT NOT NULL, h9 BIGINT NOT NULL, h10 BIGINT NOT NULL, h11 BIGINT NOT NULL,
    h12 BIGINT NOT NULL, h13 BIGINT NOT NULL,
    PRIMARY KEY (webhook_id, minute)
);
CREATE INDEX attempt_stats_by_tenant ON attempt_stats (tenant, minute);

CREATE TABLE event_types (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    schema      TEXT,
    created_at  BIGINT NOT NULL
);
