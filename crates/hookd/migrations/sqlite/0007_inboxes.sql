-- Inboxes: URLs of hookd's own that receive webhooks from elsewhere (`/in/<id>`).
CREATE TABLE inboxes (
    id           TEXT PRIMARY KEY,
    tenant       TEXT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    settings     TEXT NOT NULL,           -- JSON: verify (without its secret), dedupe,
                                          -- allowed_ips, rate_limit, max_body_bytes,
                                          -- event_type, response; as the API shows them
    secret       TEXT,                    -- sealed like webhook secrets; NULL for scheme none
    playground   INTEGER NOT NULL,
    expires_at   INTEGER,                 -- playground inboxes: gone after this
    active       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX inboxes_by_tenant ON inboxes (tenant, id);

-- Every request an inbox stored: verified or not, duplicate or not, byte for byte.
CREATE TABLE inbox_requests (
    id           TEXT PRIMARY KEY,
    inbox_id     TEXT NOT NULL,
    seq          INTEGER NOT NULL,        -- per inbox, in commit order, without gaps (the one
                                          -- writer takes the largest plus one)
    tenant       TEXT NOT NULL,
    received_at  INTEGER NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    query        TEXT NOT NULL,
    source_ip    TEXT NOT NULL,
    headers      TEXT NOT NULL,           -- JSON array of [name, value], as received
    original_headers TEXT NOT NULL,       -- its content type and signature headers: what a
                                          -- webhook with `payload: original` is sent
    body         BLOB NOT NULL,           -- exactly as received
    verified     INTEGER NOT NULL,
    verify_error TEXT,
    duplicate_of TEXT,                    -- the first request with the same de-duplication key
    event_id     TEXT                     -- the event it became
);
CREATE UNIQUE INDEX inbox_requests_by_seq ON inbox_requests (inbox_id, seq);
CREATE INDEX inbox_requests_by_inbox ON inbox_requests (inbox_id, id);
CREATE INDEX inbox_requests_unverified ON inbox_requests (inbox_id, id) WHERE verified = 0;

-- De-duplication keys seen within each inbox's window. Keys are hashes, so they arrive in random
-- order: rows are appended (rowid) and found through a small index on a 64-bit prefix of the
-- key, whose small cells make page splits rare (a split amid a B-tree costs SQLite a scan of
-- the writer's page cache at commit; with the keys themselves as the primary key, one commit in
-- two paid it and halved what an inbox could take in).
CREATE TABLE inbox_dedupe (
    key_prefix  INTEGER NOT NULL,         -- the first 8 bytes of SHA-256(key), signed
    inbox_id    TEXT NOT NULL,
    key         TEXT NOT NULL,            -- SHA-256 (hex) of the key the inbox's rule read
    request_id  TEXT NOT NULL,            -- the first request with this key
    expires_at  INTEGER NOT NULL
);
CREATE INDEX inbox_dedupe_by_prefix ON inbox_dedupe (key_prefix);
CREATE INDEX inbox_dedupe_by_expiry ON inbox_dedupe (expires_at);

-- An event that came from an inbox names its request (the original bytes for `payload:
-- "original"`, and the UI's link back).
ALTER TABLE events ADD COLUMN inbox_request_id TEXT;

-- What a webhook receives for events that came from an inbox: `event` (hookd's body) or
-- `original` (the request's own bytes and signature headers).
ALTER TABLE webhooks ADD COLUMN payload TEXT NOT NULL DEFAULT 'event';
