//! Small tables: settings, tenant tokens, the event type catalog; the statistics queries and
//! retention.

use super::rows::{self, EVENT_TYPE_COLUMNS, TOKEN_COLUMNS};
use super::{TOKENS_CHANNEL, notify};
use crate::model::*;
use crate::store::rules::tally::known_range;
use crate::store::{DeliveryCounts, LATENCY_BUCKETS, MinuteStats, Page, StoreResult};
use sqlx::{PgPool, Row};

pub async fn setting(pool: &PgPool, key: &str) -> StoreResult<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?,
    )
}

pub async fn init_setting(pool: &PgPool, key: &str, value: &str) -> StoreResult<String> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(pool)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_one(pool)
            .await?,
    )
}

pub async fn replace_setting(pool: &PgPool, key: &str, value: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn insert_token(pool: &PgPool, token: &TokenRecord) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO tokens (id, name, tenant, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token.id.as_str())
    .bind(&token.name)
    .bind(token.tenant.as_str())
    .bind(token.hash.to_hex())
    .bind(token.created_at.as_millis())
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn find_token(pool: &PgPool, hash: TokenHash) -> StoreResult<Option<TokenRecord>> {
    let sql = format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1");
    let row = sqlx::query(&sql)
        .bind(hash.to_hex())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(rows::token).transpose()
}

pub async fn list_tokens(pool: &PgPool, page: &Page) -> StoreResult<Vec<TokenRecord>> {
    let sql = format!(
        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE ($1::text IS NULL OR id < $1) \
         ORDER BY id DESC LIMIT $2"
    );
    let found = sqlx::query(&sql)
        .bind(page.before.as_deref())
        .bind(page.limit as i64)
        .fetch_all(pool)
        .await?;
    rows::all(found, rows::token)
}

/// Deletes a token and tells the other nodes (`hookd_tokens`), whose caches would otherwise
/// accept it for a few more seconds.
pub async fn delete_token(pool: &PgPool, id: &TokenId) -> StoreResult<bool> {
    let mut transaction = pool.begin().await?;
    let deleted = sqlx::query("DELETE FROM tokens WHERE id = $1")
        .bind(id.as_str())
        .execute(&mut *transaction)
        .await?
        .rows_affected();
    if deleted > 0 {
        notify(&mut transaction, TOKENS_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(deleted > 0)
}

pub async fn insert_event_type(pool: &PgPool, event_type: &EventType) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO event_types (id, name, description, schema, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event_type.id.as_str())
    .bind(event_type.name.as_str())
    .bind(&event_type.description)
    .bind(event_type.schema.as_ref().map(|s| s.to_string()))
    .bind(event_type.created_at.as_millis())
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn list_event_types(pool: &PgPool) -> StoreResult<Vec<EventType>> {
    let sql = format!("SELECT {EVENT_TYPE_COLUMNS} FROM event_types ORDER BY name");
    let found = sqlx::query(&sql).fetch_all(pool).await?;
    rows::all(found, rows::event_type)
}

pub async fn delete_event_type(pool: &PgPool, name: &EventName) -> StoreResult<bool> {
    let deleted = sqlx::query("DELETE FROM event_types WHERE name = $1")
        .bind(name.as_str())
        .execute(pool)
        .await?;
    Ok(deleted.rows_affected() > 0)
}

pub async fn minute_stats(
    pool: &PgPool,
    webhook: Option<&WebhookId>,
    scope: &Scope,
    since: Timestamp,
) -> StoreResult<Vec<MinuteStats>> {
    let found = sqlx::query(
        "SELECT minute, SUM(succeeded)::bigint, SUM(failed)::bigint, SUM(latency_sum_ms)::bigint, \
             SUM(h0)::bigint, SUM(h1)::bigint, SUM(h2)::bigint, SUM(h3)::bigint, SUM(h4)::bigint, \
             SUM(h5)::bigint, SUM(h6)::bigint, SUM(h7)::bigint, SUM(h8)::bigint, SUM(h9)::bigint, \
             SUM(h10)::bigint, SUM(h11)::bigint, SUM(h12)::bigint, SUM(h13)::bigint, \
             MIN(latency_min_ms)::bigint, MAX(latency_max_ms)::bigint, \
             COUNT(*) FILTER (WHERE latency_max_ms IS NULL) \
         FROM attempt_stats \
         WHERE ($1::text IS NULL OR webhook_id = $1) AND ($2::text IS NULL OR tenant = $2) \
             AND minute >= $3 \
         GROUP BY minute ORDER BY minute",
    )
    .bind(webhook.map(WebhookId::as_str))
    .bind(scope.tenant().map(Tenant::as_str))
    .bind(since.as_millis())
    .fetch_all(pool)
    .await?;
    found
        .iter()
        .map(|row| {
            let mut histogram = [0u64; LATENCY_BUCKETS];
            for (index, slot) in histogram.iter_mut().enumerate() {
                *slot = row.try_get::<i64, _>(4 + index)? as u64;
            }
            Ok(MinuteStats {
                minute: Timestamp::from_millis(row.try_get(0)?),
                succeeded: row.try_get::<i64, _>(1)? as u64,
                failed: row.try_get::<i64, _>(2)? as u64,
                latency_sum_ms: row.try_get::<i64, _>(3)? as u64,
                latency_histogram: histogram,
                latency_range_ms: known_range(
                    row.try_get(4 + LATENCY_BUCKETS)?,
                    row.try_get(5 + LATENCY_BUCKETS)?,
                    row.try_get(6 + LATENCY_BUCKETS)?,
                ),
            })
        })
        .collect()
}

/// Pending deliveries, an index scan of `deliveries_by_webhook` per webhook.
pub async fn pending_deliveries(pool: &PgPool) -> StoreResult<u64> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM( \
             (SELECT COUNT(*) FROM deliveries d \
              WHERE d.webhook_id = w.id AND d.status = 'pending')), 0)::bigint \
         FROM webhooks w",
    )
    .fetch_one(pool)
    .await?;
    Ok(count as u64)
}

pub async fn delivery_counts(pool: &PgPool, scope: &Scope) -> StoreResult<DeliveryCounts> {
    let found = sqlx::query(
        "SELECT status, COUNT(*) FROM deliveries WHERE ($1::text IS NULL OR tenant = $1) \
         GROUP BY status",
    )
    .bind(scope.tenant().map(Tenant::as_str))
    .fetch_all(pool)
    .await?;
    let mut counts = DeliveryCounts::default();
    for row in &found {
        let count = row.try_get::<i64, _>(1)? as u64;
        match DeliveryStatus::parse(row.try_get::<&str, _>(0)?) {
            Some(DeliveryStatus::Pending) => counts.pending = count,
            Some(DeliveryStatus::Succeeded) => counts.succeeded = count,
            Some(DeliveryStatus::Failed) => counts.failed = count,
            Some(DeliveryStatus::Cancelled) => counts.cancelled = count,
            None => {}
        }
    }
    Ok(counts)
}

pub async fn latency_totals(
    pool: &PgPool,
    scope: &Scope,
    since: Timestamp,
) -> StoreResult<(u64, u64)> {
    let row = sqlx::query(
        "SELECT SUM(latency_sum_ms)::bigint, SUM(succeeded + failed)::bigint FROM attempt_stats \
         WHERE ($1::text IS NULL OR tenant = $1) AND minute >= $2",
    )
    .bind(scope.tenant().map(Tenant::as_str))
    .bind(since.as_millis())
    .fetch_one(pool)
    .await?;
    let sum: Option<i64> = row.try_get(0)?;
    let count: Option<i64> = row.try_get(1)?;
    Ok((sum.unwrap_or(0) as u64, count.unwrap_or(0) as u64))
}

/// Deletes up to `batch` of the oldest events made before `cutoff`, with their deliveries and
/// attempts, and statistics older than `cutoff`. Nodes doing this together skip each other's
/// rows.
/// Deletes the oldest events before `cutoff` whose deliveries have all finished, with those
/// deliveries and their attempts; rows another node is purging are skipped.
pub async fn purge_events(pool: &PgPool, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
    let bound = EventId::lower_bound_at(cutoff.as_millis()).into_string();
    let mut transaction = pool.begin().await?;
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM events e WHERE id < $1 AND NOT EXISTS \
             (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending') \
         ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
    )
    .bind(&bound)
    .bind(batch as i64)
    .fetch_all(&mut *transaction)
    .await?;
    if !ids.is_empty() {
        sqlx::query(
            "DELETE FROM attempts WHERE delivery_id IN \
                 (SELECT id FROM deliveries WHERE event_id = ANY($1))",
        )
        .bind(&ids)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("DELETE FROM deliveries WHERE event_id = ANY($1)")
            .bind(&ids)
            .execute(&mut *transaction)
            .await?;
        sqlx::query("DELETE FROM events WHERE id = ANY($1)")
            .bind(&ids)
            .execute(&mut *transaction)
            .await?;
    }
    transaction.commit().await?;
    Ok(ids.len() as u64)
}

pub async fn recent_event_types(
    pool: &PgPool,
    scope: &Scope,
    newest: usize,
) -> StoreResult<Vec<EventName>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT type FROM \
             (SELECT type FROM events WHERE ($1::text IS NULL OR tenant = $1) \
              ORDER BY id DESC LIMIT $2) AS newest \
         ORDER BY type",
    )
    .bind(scope.tenant().map(Tenant::as_str))
    .bind(newest as i64)
    .fetch_all(pool)
    .await?;
    Ok(names.into_iter().map(EventName::from_trusted).collect())
}
