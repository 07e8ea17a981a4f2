//! The audit log's rows.

use super::conditions::Conditions;
use crate::model::*;
use crate::store::record::{AUDIT_COLUMNS, AuditRecord};
use crate::store::{AuditQuery, StoreResult};
use rusqlite::{Connection, Row, params, params_from_iter};

pub fn insert(conn: &Connection, entry: &AuditEntry) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (id, at, actor, tenant, action, target, detail, source_ip) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        entry.id.as_str(),
        entry.at.as_millis(),
        entry.actor.as_string(),
        entry.tenant.as_ref().map(Tenant::as_str),
        entry.action.as_str(),
        entry.target,
        entry.detail.to_string(),
        entry.source_ip,
    ])?;
    Ok(())
}

pub fn list(conn: &Connection, query: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
    let mut conditions = Conditions::select(AUDIT_COLUMNS, "audit_log");
    conditions
        .and_some("action = ?", query.action.map(|a| a.as_str().to_owned()))
        .and_some(
            "tenant = ?",
            query.tenant.as_ref().map(|t| t.as_str().to_owned()),
        )
        .and_some("actor = ?", query.actor.clone())
        .and_some(
            "id >= ?",
            query
                .since
                .map(|t| AuditId::lower_bound_at(t.as_millis()).into_string()),
        )
        .and_some(
            "id < ?",
            query
                .until
                .map(|t| AuditId::lower_bound_at(t.as_millis() + 1).into_string()),
        );
    let (sql, values) = conditions.page(&query.page);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(values), row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes up to `batch` entries made before `cutoff`.
pub fn delete_older_than(conn: &Connection, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
    let bound = AuditId::lower_bound_at(cutoff.as_millis()).into_string();
    let deleted = conn
        .prepare_cached(
            "DELETE FROM audit_log WHERE id IN \
             (SELECT id FROM audit_log WHERE id < ?1 ORDER BY id LIMIT ?2)",
        )?
        .execute(params![bound, batch as i64])?;
    Ok(deleted as u64)
}

fn row(row: &Row) -> rusqlite::Result<AuditEntry> {
    AuditRecord {
        id: row.get(0)?,
        at: row.get(1)?,
        actor: row.get(2)?,
        tenant: row.get(3)?,
        action: row.get(4)?,
        target: row.get(5)?,
        detail: row.get(6)?,
        source_ip: row.get(7)?,
    }
    .into_entry()
    .map_err(|e| super::rows::corrupt(6, e))
}
