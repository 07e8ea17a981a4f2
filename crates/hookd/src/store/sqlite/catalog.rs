//! Small tables: settings, tenant tokens, the event type catalog; and the statistics queries
//! and retention.

use super::rows::{self, EVENT_TYPE_COLUMNS, TOKEN_COLUMNS};
use crate::model::*;
use crate::store::rules::tally::known_range;
use crate::store::{DeliveryCounts, LATENCY_BUCKETS, MinuteStats, Page, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

pub fn setting(conn: &Connection, key: &str) -> StoreResult<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row(params![key], |row| row.get(0))
        .optional()?)
}

pub fn init_setting(conn: &Connection, key: &str, value: &str) -> StoreResult<String> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
    )?
    .execute(params![key, value])?;
    Ok(conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row(params![key], |row| row.get(0))?)
}

pub fn replace_setting(conn: &Connection, key: &str, value: &str) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

pub fn insert_token(conn: &Connection, token: &TokenRecord) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO tokens (id, name, tenant, token_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        token.id.as_str(),
        token.name,
        token.tenant.as_str(),
        token.hash.to_hex(),
        token.created_at.as_millis()
    ])?;
    Ok(())
}

pub fn find_token(conn: &Connection, hash: TokenHash) -> StoreResult<Option<TokenRecord>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![hash.to_hex()], rows::token)
        .optional()?)
}

pub fn list_tokens(conn: &Connection, page: &Page) -> StoreResult<Vec<TokenRecord>> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE (?1 IS NULL OR id < ?1) ORDER BY id DESC LIMIT ?2"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params![page.before, page.limit as i64], rows::token)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn delete_token(conn: &Connection, id: &TokenId) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM tokens WHERE id = ?1")?
        .execute(params![id.as_str()])?
        > 0)
}

pub fn insert_event_type(conn: &Connection, event_type: &EventType) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO event_types (id, name, description, schema, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        event_type.id.as_str(),
        event_type.name.as_str(),
        event_type.description,
        event_type.schema.as_ref().map(|s| s.to_string()),
        event_type.created_at.as_millis(),
    ])?;
    Ok(())
}

pub fn list_event_types(conn: &Connection) -> StoreResult<Vec<EventType>> {
    let sql = format!("SELECT {EVENT_TYPE_COLUMNS} FROM event_types ORDER BY name");
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([], rows::event_type)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn delete_event_type(conn: &Connection, name: &EventName) -> StoreResult<bool> {
    Ok(conn
        .prepare_cached("DELETE FROM event_types WHERE name = ?1")?
        .execute(params![name.as_str()])?
        > 0)
}

pub fn minute_stats(
    conn: &Connection,
    webhook: Option<&WebhookId>,
    scope: &Scope,
    since: Timestamp,
) -> StoreResult<Vec<MinuteStats>> {
    let mut statement = conn.prepare_cached(
        "SELECT minute, SUM(succeeded), SUM(failed), SUM(latency_sum_ms), SUM(h0), SUM(h1), \
             SUM(h2), SUM(h3), SUM(h4), SUM(h5), SUM(h6), SUM(h7), SUM(h8), SUM(h9), SUM(h10), \
             SUM(h11), SUM(h12), SUM(h13), \
             MIN(latency_min_ms), MAX(latency_max_ms), SUM(latency_max_ms IS NULL) \
         FROM attempt_stats \
         WHERE (?1 IS NULL OR webhook_id = ?1) AND (?2 IS NULL OR tenant = ?2) AND minute >= ?3 \
         GROUP BY minute ORDER BY minute",
    )?;
    let parameters = params![
        webhook.map(WebhookId::as_str),
        scope.tenant().map(Tenant::as_str),
        since.as_millis()
    ];
    let rows = statement.query_map(parameters, |row| {
        let mut histogram = [0u64; LATENCY_BUCKETS];
        for (index, slot) in histogram.iter_mut().enumerate() {
            *slot = row.get::<_, i64>(4 + index)? as u64;
        }
        Ok(MinuteStats {
            minute: Timestamp::from_millis(row.get(0)?),
            succeeded: row.get::<_, i64>(1)? as u64,
            failed: row.get::<_, i64>(2)? as u64,
            latency_sum_ms: row.get::<_, i64>(3)? as u64,
            latency_histogram: histogram,
            latency_range_ms: known_range(
                row.get(4 + LATENCY_BUCKETS)?,
                row.get(5 + LATENCY_BUCKETS)?,
                row.get(6 + LATENCY_BUCKETS)?,
            ),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Pending deliveries, a search of `deliveries_by_webhook` per webhook (as a join, SQLite
/// reads the whole index instead).
pub fn pending_deliveries(conn: &Connection) -> StoreResult<u64> {
    let count: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM( \
                 (SELECT COUNT(*) FROM deliveries d \
                  WHERE d.webhook_id = w.id AND d.status = 'pending')), 0) \
             FROM webhooks w",
        )?
        .query_row([], |row| row.get(0))?;
    Ok(count as u64)
}

pub fn delivery_counts(conn: &Connection, scope: &Scope) -> StoreResult<DeliveryCounts> {
    let mut statement = conn.prepare_cached(
        "SELECT status, COUNT(*) FROM deliveries WHERE (?1 IS NULL OR tenant = ?1) GROUP BY status",
    )?;
    let mut counts = DeliveryCounts::default();
    let rows = statement.query_map(params![scope.tenant().map(Tenant::as_str)], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
    })?;
    for row in rows {
        let (status, count) = row?;
        match DeliveryStatus::parse(&status) {
            Some(DeliveryStatus::Pending) => counts.pending = count,
            Some(DeliveryStatus::Succeeded) => counts.succeeded = count,
            Some(DeliveryStatus::Failed) => counts.failed = count,
            Some(DeliveryStatus::Cancelled) => counts.cancelled = count,
            None => {}
        }
    }
    Ok(counts)
}

pub fn latency_totals(
    conn: &Connection,
    scope: &Scope,
    since: Timestamp,
) -> StoreResult<(u64, u64)> {
    let (sum, count): (Option<i64>, Option<i64>) = conn
        .prepare_cached(
            "SELECT SUM(latency_sum_ms), SUM(succeeded + failed) FROM attempt_stats \
             WHERE (?1 IS NULL OR tenant = ?1) AND minute >= ?2",
        )?
        .query_row(
            params![scope.tenant().map(Tenant::as_str), since.as_millis()],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?;
    Ok((sum.unwrap_or(0) as u64, count.unwrap_or(0) as u64))
}

/// Deletes up to `batch` of the oldest events made before `cutoff`, with their deliveries and
/// attempts, and statistics older than `cutoff`.
/// Deletes the oldest events before `cutoff` whose deliveries have all finished, with those
/// deliveries and their attempts.
pub fn purge_events(conn: &Connection, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
    let bound = EventId::lower_bound_at(cutoff.as_millis()).into_string();
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM events e WHERE id < ?1 AND NOT EXISTS \
                 (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending') \
             ORDER BY id LIMIT ?2",
        )?
        .query_map(params![bound, batch as i64], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in &ids {
        conn.prepare_cached(
            "DELETE FROM attempts WHERE delivery_id IN (SELECT id FROM deliveries WHERE event_id = ?1)",
        )?
        .execute(params![id])?;
        conn.prepare_cached("DELETE FROM deliveries WHERE event_id = ?1")?
            .execute(params![id])?;
        conn.prepare_cached("DELETE FROM events WHERE id = ?1")?
            .execute(params![id])?;
    }
    Ok(ids.len() as u64)
}

pub fn recent_event_types(
    conn: &Connection,
    scope: &Scope,
    newest: usize,
) -> StoreResult<Vec<EventName>> {
    let mut statement = conn.prepare_cached(
        "SELECT DISTINCT type FROM \
             (SELECT type FROM events WHERE (?1 IS NULL OR tenant = ?1) ORDER BY id DESC LIMIT ?2) \
         ORDER BY type",
    )?;
    let rows = statement.query_map(
        params![scope.tenant().map(Tenant::as_str), newest as i64],
        |row| Ok(EventName::from_trusted(row.get(0)?)),
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
