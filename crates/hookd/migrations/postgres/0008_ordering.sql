-- Per-key ordering. A webhook's `ordering`: NULL (any order), `webhook`, or `json:<path>`.
ALTER TABLE webhooks ADD COLUMN ordering TEXT;
-- A delivery of an ordered webhook carries its key (NULL: not ordered, nothing below applies)
-- and its place in the key's line. While order_waiting is true it waits for the pending
-- deliveries of its key before it: next_attempt_at is NULL and nothing claims it; enabling the
-- webhook leaves it waiting. The outcome that finishes the one before it makes it due.
ALTER TABLE deliveries ADD COLUMN order_key TEXT;
ALTER TABLE deliveries ADD COLUMN order_seq BIGINT;
ALTER TABLE deliveries ADD COLUMN order_waiting BOOLEAN NOT NULL DEFAULT FALSE;
-- Every ordering query: the pending deliveries of a webhook's key, by place. Unordered
-- deliveries never enter it.
CREATE INDEX deliveries_ordered ON deliveries (webhook_id, order_key, order_seq)
    WHERE order_key IS NOT NULL AND status = 'pending';
