-- Claims get a lease: the node that claims a delivery holds it until lease_until and renews
-- the lease while the delivery waits in its memory. A lease that ran out (plus the webhook's
-- timeout, so an attempt started just before cannot still be running) may be taken over.
ALTER TABLE deliveries ADD COLUMN lease_until INTEGER;
UPDATE deliveries SET lease_until = 0 WHERE claimed_by IS NOT NULL;
CREATE INDEX deliveries_leased ON deliveries (lease_until)
    WHERE status = 'pending' AND claimed_by IS NOT NULL;
