-- Every indexed text column compares bytewise (COLLATE "C"), as SQLite's BINARY does. With the
-- database's collation (C.UTF-8, en_US.UTF-8, ...) PostgreSQL compares two ids through the C
-- library's strcoll at every step down a B-tree, which cost the server several per cent of its
-- CPU per delivery, more under a language's collation; and listings paged by id or ordered by
-- name could sort differently from SQLite's. The values are ids, tenants, statuses, hashes and
-- names: byte order is the order they are meant to have. Changing a column's collation keeps
-- the table's rows and rebuilds the indexes on it, once, here.
ALTER TABLE settings ALTER COLUMN key TYPE TEXT COLLATE "C";
ALTER TABLE tokens
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN token_hash TYPE TEXT COLLATE "C";
ALTER TABLE webhooks
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN tenant TYPE TEXT COLLATE "C";
ALTER TABLE events
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN tenant TYPE TEXT COLLATE "C",
    ALTER COLUMN type TYPE TEXT COLLATE "C",
    ALTER COLUMN idempotency_key TYPE TEXT COLLATE "C";
ALTER TABLE deliveries
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN webhook_id TYPE TEXT COLLATE "C",
    ALTER COLUMN tenant TYPE TEXT COLLATE "C",
    ALTER COLUMN status TYPE TEXT COLLATE "C",
    ALTER COLUMN order_key TYPE TEXT COLLATE "C";
ALTER TABLE attempts
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN delivery_id TYPE TEXT COLLATE "C",
    ALTER COLUMN webhook_id TYPE TEXT COLLATE "C";
ALTER TABLE attempt_stats
    ALTER COLUMN tenant TYPE TEXT COLLATE "C",
    ALTER COLUMN webhook_id TYPE TEXT COLLATE "C";
ALTER TABLE event_types
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN name TYPE TEXT COLLATE "C";
ALTER TABLE audit_log
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN tenant TYPE TEXT COLLATE "C";
ALTER TABLE inboxes
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN tenant TYPE TEXT COLLATE "C";
ALTER TABLE inbox_requests
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN inbox_id TYPE TEXT COLLATE "C";
ALTER TABLE inbox_dedupe
    ALTER COLUMN inbox_id TYPE TEXT COLLATE "C",
    ALTER COLUMN key TYPE TEXT COLLATE "C";
