-- No query reads deliveries by claim alone: renewals find a claim's leases through
-- deliveries_leased, releases and outcomes find deliveries by id. The index cost every claimed
-- delivery an entry (most deliveries are claimed as they are inserted), kept until vacuum.
DROP INDEX IF EXISTS deliveries_claimed;
