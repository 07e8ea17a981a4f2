-- hookd schema, SQLite. Times are unix milliseconds. Ids are prefixed ULIDs, so ordering by id
-- is ordering by creation time (keyset pagination and retention scans use the primary key).

-- Server-wide values: the admin token's hash.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Tenant tokens; only the SHA-256 of each token is kept.
CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    tenant     TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE webhooks (
    id                         TEXT PRIMARY KEY,
    tenant                     TEXT NOT NULL,
    url                        TEXT NOT NULL,
    events                     TEXT NOT NULL,          -- JSON array of patterns
    description                TEXT NOT NULL,
    active                     INTEGER NOT NULL,       -- 0 while disabled_reason is set
    disabled_reason            TEXT,                   -- manual | failing | gone
    filter                     TEXT,                   -- filter expression source
    rate_limit                 INTEGER,                -- deliveries per second
    max_in_flight              INTEGER NOT NULL,
    timeout_ms                 INTEGER NOT NULL,
    retry_schedule             TEXT,                   -- JSON array of durations; NULL = default
    headers                    TEXT NOT NULL,          -- JSON object
    secret                     TEXT NOT NULL,
    previous_secret            TEXT,                   -- still signs until ..._expires_at
    previous_secret_expires_at INTEGER,
    failure_streak             INTEGER NOT NULL DEFAULT 0,
    created_at                 INTEGER NOT NULL,
    updated_at                 INTEGER NOT NULL
);
CREATE INDEX webhooks_by_tenant ON webhooks (tenant, id);

CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    tenant          TEXT NOT NULL,
    type            TEXT NOT NULL,
    idempotency_key TEXT,                             -- the caller's `id`
    payload         TEXT NOT NULL,                    -- the exact body receivers get
    delivery_count  INTEGER NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX events_by_idempotency_key ON events (tenant, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX events_by_tenant ON events (tenant, id);

-- One event for one webhook. A pending delivery is either claimed by a node (in its memory),
-- due at next_attempt_at (waiting for the scan), or paused (next_attempt_at NULL) while its
-- webhook is disabled.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL,
    webhook_id      TEXT NOT NULL,
    tenant          TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    status          TEXT NOT NULL,                    -- pending | succeeded | failed | cancelled
    attempt_count   INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    claimed_by      TEXT,                             -- node holding it in memory
    manual          INTEGER NOT NULL DEFAULT 0,       -- next attempt is a one-off (retry/recover)
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
-- The scan's index: only unclaimed, scheduled, pending rows are in it.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at)
    WHERE status = 'pending' AND claimed_by IS NULL AND next_attempt_at IS NOT NULL;
CREATE INDEX deliveries_by_event ON deliveries (event_id);
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, status, updated_at);
CREATE INDEX deliveries_by_status ON deliveries (tenant, status);
CREATE INDEX deliveries_claimed ON deliveries (claimed_by) WHERE claimed_by IS NOT NULL;

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
    response_body   TEXT,                             -- first 4 KiB
    error           TEXT,
    duration_ms     INTEGER NOT NULL,
    request_headers TEXT NOT NULL,                    -- JSON array of [name, value]
    created_at      INTEGER NOT NULL
);
CREATE INDEX attempts_by_webhook ON attempts (webhook_id, id);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id);

-- Attempt statistics per webhook and minute, for charts and percentiles without scanning
-- attempts. h0..h13 count attempts per latency bucket (bounds in store::LATENCY_BOUNDS_MS).
CREATE TABLE attempt_stats (
    webhook_id     TEXT NOT NULL,
    minute         INTEGER NOT NULL,
    tenant         TEXT NOT NULL,
    succeeded      INTEGER NOT NULL,
    failed         INTEGER NOT NULL,
    latency_sum_ms INTEGER NOT NULL,
    h0 INTEGER NOT NULL, h1 INTEGER NOT NULL, h2 INTEGER NOT NULL, h3 INTEGER NOT NULL,
    h4 INTEGER NOT NULL, h5 INTEGER NOT NULL, h6 INTEGER NOT NULL, h7 INTEGER NOT NULL,
    h8 INTEGER NOT NULL, h9 INTEGER NOT NULL, h10 INTEGER NOT NULL, h11 INTEGER NOT NULL,
    h12 INTEGER NOT NULL, h13 INTEGER NOT NULL,
    PRIMARY KEY (webhook_id, minute)
) WITHOUT ROWID;
CREATE INDEX attempt_stats_by_tenant ON attempt_stats (tenant, minute);

CREATE TABLE event_types (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    schema      TEXT,                                 -- JSON Schema for `data`
    created_at  INTEGER NOT NULL
);
