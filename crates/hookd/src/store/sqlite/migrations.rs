//! Embedded migrations, tracked in SQLite's `user_version`: migration N (1-based) has run when
//! `user_version >= N`. Each runs in its own transaction with its version bump.

use crate::store::{StoreError, StoreResult};
use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlite/0001_init.sql"),
    include_str!("../../../migrations/sqlite/0002_leases.sql"),
    include_str!("../../../migrations/sqlite/0003_fewer_delivery_indexes.sql"),
    include_str!("../../../migrations/sqlite/0004_response_headers_and_latency_range.sql"),
    include_str!("../../../migrations/sqlite/0005_signature_options.sql"),
    include_str!("../../../migrations/sqlite/0006_audit_log.sql"),
    include_str!("../../../migrations/sqlite/0007_inboxes.sql"),
    include_str!("../../../migrations/sqlite/0008_event_trace_context.sql"),
    include_str!("../../../migrations/sqlite/0009_circuit_breaker.sql"),
    include_str!("../../../migrations/sqlite/0010_ordering.sql"),
    include_str!("../../../migrations/sqlite/0011_staged_dedupe_keys.sql"),
    include_str!("../../../migrations/sqlite/0012_dedupe_staging_table.sql"),
];

/// Applies every migration not yet applied; returns how many ran.
pub fn apply(conn: &mut Connection) -> StoreResult<usize> {
    apply_first(conn, MIGRATIONS.len())
}

/// Applies the first `count` migrations (tests of a migration start from the one before it).
pub(crate) fn apply_first(conn: &mut Connection, count: usize) -> StoreResult<usize> {
    let known = &MIGRATIONS[..count.min(MIGRATIONS.len())];
    let current: usize =
        conn.query_row("PRAGMA user_version", [], |row| row.get::<_, i64>(0))? as usize;
    if current > known.len() {
        return Err(StoreError::Internal(format!(
            "the database is at schema version {current}, newer than this hookd knows ({}); \
             upgrade hookd",
            known.len()
        )));
    }
    for (index, sql) in known.iter().enumerate().skip(current) {
        let transaction = conn.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", (index + 1) as i64)?;
        transaction.commit()?;
    }
    Ok(known.len() - current)
}
