-- New de-duplication keys go to a table of their own, with no index at all: appending a key
-- changes one B-tree, where a row of `inbox_dedupe` changed three (the row, its expiry and the
-- staged-row index), and a merge no longer rewrites every staged row to flip a flag. The
-- writer finds staged keys through its in-memory `temp.dedupe_staged` as before, and merges
-- them into `inbox_dedupe` in key order, tens of thousands at a time.
DROP INDEX inbox_dedupe_staged; -- its name is the new table's
CREATE TABLE inbox_dedupe_staged (
    key_prefix  INTEGER NOT NULL,
    inbox_id    TEXT NOT NULL,
    key         TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    expires_at  INTEGER NOT NULL
);
INSERT INTO inbox_dedupe_staged (key_prefix, inbox_id, key, request_id, expires_at)
    SELECT key_prefix, inbox_id, key, request_id, expires_at FROM inbox_dedupe WHERE merged = 0;
DELETE FROM inbox_dedupe WHERE merged = 0;
DROP INDEX inbox_dedupe_by_prefix;
ALTER TABLE inbox_dedupe DROP COLUMN merged;
CREATE INDEX inbox_dedupe_by_prefix ON inbox_dedupe (key_prefix);
