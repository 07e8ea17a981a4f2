//! Embedded migrations, recorded in `hookd_schema`. Nodes that start together take turns: the
//! whole run holds a transaction-scoped advisory lock, and each migration commits with its
//! version.

use crate::store::{StoreError, StoreResult};
use sqlx::PgPool;

const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_init.sql"),
    include_str!("../../../migrations/postgres/0002_response_headers_and_latency_range.sql"),
    include_str!("../../../migrations/postgres/0003_signature_options.sql"),
    include_str!("../../../migrations/postgres/0004_audit_log.sql"),
    include_str!("../../../migrations/postgres/0005_inboxes.sql"),
    include_str!("../../../migrations/postgres/0006_event_trace_context.sql"),
    include_str!("../../../migrations/postgres/0007_circuit_breaker.sql"),
    include_str!("../../../migrations/postgres/0008_ordering.sql"),
    include_str!("../../../migrations/postgres/0009_drop_claimed_index.sql"),
    include_str!("../../../migrations/postgres/0010_bytewise_keys.sql"),
];

/// The advisory lock key hookd's migrations take (any constant unlikely to clash).
const LOCK_KEY: i64 = 0x686f_6f6b_645f_6d67; // "hookd_mg"

/// Applies every migration not yet applied; returns how many ran.
pub async fn apply(pool: &PgPool) -> StoreResult<usize> {
    let mut transaction = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *transaction)
        .await?;
    sqlx::query("CREATE TABLE IF NOT EXISTS hookd_schema (version INTEGER NOT NULL)")
        .execute(&mut *transaction)
        .await?;
    let current: Option<i32> = sqlx::query_scalar("SELECT max(version) FROM hookd_schema")
        .fetch_one(&mut *transaction)
        .await?;
    let current = current.unwrap_or(0) as usize;
    if current > MIGRATIONS.len() {
        return Err(StoreError::Internal(format!(
            "the database is at schema version {current}, newer than this hookd knows ({}); \
             upgrade hookd",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        sqlx::raw_sql(sql).execute(&mut *transaction).await?;
        sqlx::query("INSERT INTO hookd_schema (version) VALUES ($1)")
            .bind((index + 1) as i32)
            .execute(&mut *transaction)
            .await?;
    }
    transaction.commit().await?;
    Ok(MIGRATIONS.len() - current)
}
