//! The audit log's rows.

use crate::model::*;
use crate::store::record::{AUDIT_COLUMNS, AuditRecord};
use crate::store::{AuditQuery, StoreResult};
use sqlx::{PgPool, Row};

pub async fn insert(pool: &PgPool, entry: &AuditEntry) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, tenant, action, target, detail, source_ip) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(entry.id.as_str())
    .bind(entry.at.as_millis())
    .bind(entry.actor.as_string())
    .bind(entry.tenant.as_ref().map(Tenant::as_str))
    .bind(entry.action.as_str())
    .bind(&entry.target)
    .bind(entry.detail.to_string())
    .bind(entry.source_ip.as_deref())
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn list(pool: &PgPool, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
    let sql = format!(
        "SELECT {AUDIT_COLUMNS} FROM audit_log \
         WHERE ($1::text IS NULL OR action = $1) AND ($2::text IS NULL OR tenant = $2) \
           AND ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR id >= $4) \
           AND ($5::text IS NULL OR id < $5) AND ($6::text IS NULL OR id < $6) \
         ORDER BY id DESC LIMIT $7"
    );
    let found = sqlx::query(&sql)
        .bind(query.action.map(AuditAction::as_str))
        .bind(query.tenant.as_ref().map(Tenant::as_str))
        .bind(query.actor.as_deref())
        .bind(
            query
                .since
                .map(|t| AuditId::lower_bound_at(t.as_millis()).into_string()),
        )
        .bind(
            query
                .until
                .map(|t| AuditId::lower_bound_at(t.as_millis() + 1).into_string()),
        )
        .bind(query.page.before.as_deref())
        .bind(query.page.limit as i64)
        .fetch_all(pool)
        .await?;
    found
        .iter()
        .map(|row| {
            let record = AuditRecord {
                id: row.try_get(0)?,
                at: row.try_get(1)?,
                actor: row.try_get(2)?,
                tenant: row.try_get(3)?,
                action: row.try_get(4)?,
                target: row.try_get(5)?,
                detail: row.try_get(6)?,
                source_ip: row.try_get(7)?,
            };
            Ok(record.into_entry()?)
        })
        .collect()
}

/// Deletes up to `batch` entries made before `cutoff`.
pub async fn delete_older_than(pool: &PgPool, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
    let bound = AuditId::lower_bound_at(cutoff.as_millis()).into_string();
    let deleted = sqlx::query(
        "DELETE FROM audit_log WHERE id IN \
         (SELECT id FROM audit_log WHERE id < $1 ORDER BY id LIMIT $2)",
    )
    .bind(bound)
    .bind(batch as i64)
    .execute(pool)
    .await?;
    Ok(deleted.rows_affected())
}
