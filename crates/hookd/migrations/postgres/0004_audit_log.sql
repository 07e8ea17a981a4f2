-- Changes made through the API (and by commands such as `hookd admin-token --reset`): who,
-- what, when. Ids sort by time, so paging and retention use the primary key.
CREATE TABLE audit_log (
    id        TEXT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    tenant    TEXT,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    source_ip TEXT
);
CREATE INDEX audit_log_by_tenant ON audit_log (tenant, id);
