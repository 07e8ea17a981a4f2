-- De-duplication keys are hashes: each one put straight into the key index lands on a leaf page
-- of its own, and every commit wrote one 4 KiB page per request back (two thirds of what an
-- inbox request cost to store). New keys are now staged: appended with `merged = 0`, outside
-- the index, and found through an in-memory table of the writer's connection
-- (`temp.dedupe_staged`, rebuilt from `inbox_dedupe_staged` when the database is opened). Every
-- few thousand keys they are merged into the index in one transaction, which touches each
-- leaf page once however many of its keys arrived.
ALTER TABLE inbox_dedupe ADD COLUMN merged INTEGER NOT NULL DEFAULT 1;
DROP INDEX inbox_dedupe_by_prefix;
CREATE INDEX inbox_dedupe_by_prefix ON inbox_dedupe (key_prefix) WHERE merged = 1;
CREATE INDEX inbox_dedupe_staged ON inbox_dedupe (merged) WHERE merged = 0;
