-- Changes made through the API (and by commands such as `hookd admin-token --reset`): who,
-- what, when. Ids sort by time, so paging and retention use the primary key.
CREATE TABLE audit_log (
    id        TEXT PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,                -- admin | command_line | tok_...
    tenant    TEXT,                         -- the tenant changed in; NULL for server-wide changes
    action    TEXT NOT NULL,                -- webhook.created, token.revoked, ...
    target    TEXT NOT NULL,                -- the id or name changed
    detail    TEXT NOT NULL,                -- JSON object; never a secret
    source_ip TEXT
) WITHOUT ROWID;
CREATE INDEX audit_log_by_tenant ON audit_log (tenant, id);
