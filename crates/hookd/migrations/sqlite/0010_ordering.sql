-- Per-key ordering. A webhook's `ordering`: NULL (any order), `webhook`, or `json:<path>`.
ALTER TABLE webhooks ADD COLUMN ordering TEXT;
-- A delivery of an ordered webhook carries its key (NULL: not ordered, nothing below applies)
-- and its place in the key's line. While order_waiting is 1 it waits for the pending
-- deliveries of its key before it: next_attempt_at is NULL and nothing claims it; enabling the
-- webhook leaves it waiting. The outcome that finishes the one before it makes it due.
ALTER TABLE deliveries ADD COLUMN order_key TEXT;
ALTER TABLE deliveries ADD COLUMN order_seq INTEGER;
ALTER TABLE deliveries ADD COLUMN order_waiting INTEGER NOT NULL DEFAULT 0;
-- Every ordering query: the pending deliveries of a webhook's key, by place. Unordered
-- deliveries never enter it.
CREATE INDEX deliveries_ordered ON deliveries (webhook_id, order_key, order_seq)
    WHERE order_key IS NOT NULL AND status = 'pending';
