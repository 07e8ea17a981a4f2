-- One node owns a SQLite file, so every claimed delivery is claimed by the same node and the
-- index on claimed_by told the planner nothing that deliveries_leased (pending, claimed, by
-- lease_until) does not; each delivery paid for it twice (claimed on insert, released on its
-- outcome).
DROP INDEX IF EXISTS deliveries_claimed;
