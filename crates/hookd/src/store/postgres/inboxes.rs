//! Inbox rows, and the requests they receive: numbered per inbox (the inbox row's lock orders
//! them, across nodes), de-duplicated by an upsert that waits for a concurrent one, stored with
//! the event they become in the coalescer's shared transaction.

use super::{WEBHOOKS_CHANNEL, notify};
use crate::model::*;
use crate::store::inbox_record::{
    INBOX_COLUMNS, INBOX_REQUEST_SUMMARY_COLUMNS, InboxRecord, InboxRequestRecord,
    reseal_inbox_secret,
};
use crate::store::sealing::Sealer;
use crate::store::{Claim, InboxQuery, InboxRequestQuery, StoreError, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

fn inbox(row: &PgRow, sealer: &Sealer) -> StoreResult<Inbox> {
    let record = InboxRecord {
        id: row.try_get(0)?,
        tenant: row.try_get(1)?,
        name: row.try_get(2)?,
        description: row.try_get(3)?,
        settings: row.try_get(4)?,
        secret: row.try_get(5)?,
        playground: row.try_get(6)?,
        expires_at: row.try_get(7)?,
        active: row.try_get(8)?,
        created_at: row.try_get(9)?,
        updated_at: row.try_get(10)?,
    };
    Ok(record.into_inbox(sealer)?)
}

/// Inbox changes reach other nodes' registries through the webhooks channel: one reload
/// signal for everything `/in/` and the directory cache.
pub async fn insert(pool: &PgPool, sealer: &Sealer, inbox: &Inbox) -> StoreResult<()> {
    let r = InboxRecord::of(inbox, sealer);
    let mut transaction = pool.begin().await?;
    sqlx::query(&format!(
        "INSERT INTO inboxes ({INBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(r.id)
    .bind(r.tenant)
    .bind(r.name)
    .bind(r.description)
    .bind(r.settings)
    .bind(r.secret)
    .bind(r.playground)
    .bind(r.expires_at)
    .bind(r.active)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(&mut *transaction)
    .await?;
    notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    transaction.commit().await?;
    Ok(())
}

pub async fn update(pool: &PgPool, sealer: &Sealer, inbox: &Inbox) -> StoreResult<bool> {
    let r = InboxRecord::of(inbox, sealer);
    let mut transaction = pool.begin().await?;
    let changed = sqlx::query(
        "UPDATE inboxes SET name = $3, description = $4, settings = $5, secret = $6, \
         active = $7, updated_at = $8 WHERE id = $1 AND tenant = $2",
    )
    .bind(r.id)
    .bind(r.tenant)
    .bind(r.name)
    .bind(r.description)
    .bind(r.settings)
    .bind(r.secret)
    .bind(r.active)
    .bind(r.updated_at)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    if changed > 0 {
        notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(changed > 0)
}

pub async fn get(
    pool: &PgPool,
    sealer: &Sealer,
    scope: &Scope,
    id: &InboxId,
) -> StoreResult<Option<Inbox>> {
    let sql = format!(
        "SELECT {INBOX_COLUMNS} FROM inboxes WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)"
    );
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(scope.tenant().map(Tenant::as_str))
        .fetch_optional(pool)
        .await?;
    row.map(|row| inbox(&row, sealer)).transpose()
}

pub async fn list(pool: &PgPool, sealer: &Sealer, query: &InboxQuery) -> StoreResult<Vec<Inbox>> {
    let sql = format!(
        "SELECT {INBOX_COLUMNS} FROM inboxes \
         WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR tenant = $2) \
           AND ($3::boolean IS NULL OR playground = $3) AND ($4::text IS NULL OR id < $4) \
         ORDER BY id DESC LIMIT $5"
    );
    let rows = sqlx::query(&sql)
        .bind(query.scope.tenant().map(Tenant::as_str))
        .bind(query.tenant.as_ref().map(Tenant::as_str))
        .bind(query.playground)
        .bind(query.page.before.as_deref())
        .bind(query.page.limit as i64)
        .fetch_all(pool)
        .await?;
    rows.iter().map(|row| inbox(row, sealer)).collect()
}

pub async fn all(pool: &PgPool, sealer: &Sealer) -> StoreResult<Vec<Inbox>> {
    let rows = sqlx::query(&format!("SELECT {INBOX_COLUMNS} FROM inboxes ORDER BY id"))
        .fetch_all(pool)
        .await?;
    rows.iter().map(|row| inbox(row, sealer)).collect()
}

pub async fn delete(pool: &PgPool, scope: &Scope, id: &InboxId) -> StoreResult<bool> {
    let mut transaction = pool.begin().await?;
    let deleted =
        sqlx::query("DELETE FROM inboxes WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)")
            .bind(id.as_str())
            .bind(scope.tenant().map(Tenant::as_str))
            .execute(&mut *transaction)
            .await?
            .rows_affected();
    if deleted > 0 {
        for sql in [
            "DELETE FROM inbox_requests WHERE inbox_id = $1",
            "DELETE FROM inbox_dedupe WHERE inbox_id = $1",
        ] {
            sqlx::query(sql)
                .bind(id.as_str())
                .execute(&mut *transaction)
                .await?;
        }
        notify(&mut transaction, WEBHOOKS_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(deleted > 0)
}

/// Stores one request in a transaction of its own.
pub async fn store_request(
    pool: &PgPool,
    claim: &Claim,
    new: &NewInboxRequest,
) -> StoreResult<StoredRequest> {
    let mut transaction = pool.begin().await?;
    let mut stored = super::inbox_batch::store_requests_in(&mut transaction, claim, &[new]).await?;
    transaction.commit().await?;
    stored
        .pop()
        .ok_or_else(|| StoreError::Internal("a stored request without its outcome".into()))
}

fn request(row: &PgRow, with_body: bool) -> StoreResult<InboxRequest> {
    let record = InboxRequestRecord {
        id: row.try_get(0)?,
        inbox_id: row.try_get(1)?,
        seq: row.try_get(2)?,
        tenant: row.try_get(3)?,
        received_at: row.try_get(4)?,
        method: row.try_get(5)?,
        path: row.try_get(6)?,
        query: row.try_get(7)?,
        source_ip: row.try_get(8)?,
        headers: row.try_get(9)?,
        original_headers: row.try_get(10)?,
        verified: row.try_get(11)?,
        verify_error: row.try_get(12)?,
        duplicate_of: row.try_get(13)?,
        event_id: row.try_get(14)?,
        body_size: i64::from(row.try_get::<i32, _>(15)?),
        body: if with_body { row.try_get(16)? } else { None },
    };
    record
        .into_request()
        .map_err(|c| StoreError::Internal(c.to_string()))
}

pub async fn list_requests(
    pool: &PgPool,
    query: &InboxRequestQuery,
) -> StoreResult<Vec<InboxRequest>> {
    let body = if query.with_bodies { ", body" } else { "" };
    let sql = format!(
        "SELECT {INBOX_REQUEST_SUMMARY_COLUMNS}{body} FROM inbox_requests \
         WHERE inbox_id = $1 AND ($2::boolean IS NULL OR verified = $2) \
           AND ($3::boolean IS NULL OR (duplicate_of IS NOT NULL) = $3) \
           AND ($4::text IS NULL OR id >= $4) AND ($5::text IS NULL OR id < $5) \
           AND ($6::text IS NULL OR id < $6) \
         ORDER BY id DESC LIMIT $7"
    );
    let since = query
        .since
        .map(|t| InboxRequestId::lower_bound_at(t.as_millis()).into_string());
    let until = query
        .until
        .map(|t| InboxRequestId::lower_bound_at(t.as_millis()).into_string());
    let rows = sqlx::query(&sql)
        .bind(query.inbox.as_str())
        .bind(query.verified)
        .bind(query.duplicate)
        .bind(since)
        .bind(until)
        .bind(query.page.before.as_deref())
        .bind(query.page.limit as i64)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| request(row, query.with_bodies))
        .collect()
}

pub async fn get_request(
    pool: &PgPool,
    scope: &Scope,
    id: &InboxRequestId,
) -> StoreResult<Option<InboxRequest>> {
    let sql = format!(
        "SELECT {INBOX_REQUEST_SUMMARY_COLUMNS}, body FROM inbox_requests \
         WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)"
    );
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(scope.tenant().map(Tenant::as_str))
        .fetch_optional(pool)
        .await?;
    row.map(|row| request(&row, true)).transpose()
}

pub async fn requests_after(
    pool: &PgPool,
    inbox: &InboxId,
    after_seq: i64,
    limit: usize,
) -> StoreResult<Vec<InboxRequest>> {
    let sql = format!(
        "SELECT {INBOX_REQUEST_SUMMARY_COLUMNS}, body FROM inbox_requests \
         WHERE inbox_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
    );
    let rows = sqlx::query(&sql)
        .bind(inbox.as_str())
        .bind(after_seq)
        .bind(limit as i64)
        .fetch_all(pool)
        .await?;
    rows.iter().map(|row| request(row, true)).collect()
}

pub async fn resume_seq(pool: &PgPool, inbox: &InboxId, id: &InboxRequestId) -> StoreResult<i64> {
    let exact: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM inbox_requests WHERE inbox_id = $1 AND id = $2")
            .bind(inbox.as_str())
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?;
    if let Some(seq) = exact {
        return Ok(seq);
    }
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) FROM inbox_requests WHERE inbox_id = $1 AND id <= $2",
    )
    .bind(inbox.as_str())
    .bind(id.as_str())
    .fetch_one(pool)
    .await?)
}

/// Seals every inbox secret not sealed with the first key yet (`hookd rekey`).
pub async fn reseal(pool: &PgPool, sealer: &Sealer) -> StoreResult<u64> {
    let mut transaction = pool.begin().await?;
    let found: Vec<(String, String)> =
        sqlx::query_as("SELECT id, secret FROM inboxes WHERE secret IS NOT NULL FOR UPDATE")
            .fetch_all(&mut *transaction)
            .await?;
    let mut changed = 0;
    for (id, secret) in found {
        if let Some(sealed) = reseal_inbox_secret(sealer, &secret, &id)? {
            sqlx::query("UPDATE inboxes SET secret = $2 WHERE id = $1")
                .bind(&id)
                .bind(sealed)
                .execute(&mut *transaction)
                .await?;
            changed += 1;
        }
    }
    transaction.commit().await?;
    Ok(changed)
}

/// See `Store::prune_inboxes`.
pub async fn prune(
    pool: &PgPool,
    cutoff: Timestamp,
    now: Timestamp,
    batch: usize,
) -> StoreResult<u64> {
    let before = InboxRequestId::lower_bound_at(cutoff.as_millis()).into_string();
    let mut deleted = sqlx::query(
        "DELETE FROM inbox_requests WHERE id IN \
         (SELECT id FROM inbox_requests WHERE id < $1 ORDER BY id LIMIT $2)",
    )
    .bind(before)
    .bind(batch as i64)
    .execute(pool)
    .await?
    .rows_affected();
    deleted += sqlx::query(
        "DELETE FROM inbox_dedupe WHERE (inbox_id, key) IN \
         (SELECT inbox_id, key FROM inbox_dedupe WHERE expires_at <= $1 LIMIT $2)",
    )
    .bind(now.as_millis())
    .bind(batch as i64)
    .execute(pool)
    .await?
    .rows_affected();
    let expired: Vec<String> = sqlx::query_scalar(
        "SELECT id FROM inboxes WHERE expires_at IS NOT NULL AND expires_at <= $1 LIMIT 10",
    )
    .bind(now.as_millis())
    .fetch_all(pool)
    .await?;
    for id in expired {
        deleted += u64::from(delete(pool, &Scope::All, &InboxId::from_trusted(id)).await?);
    }
    Ok(deleted)
}

pub async fn last_seq(pool: &PgPool, inbox: &InboxId) -> StoreResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT request_seq FROM inboxes WHERE id = $1")
            .bind(inbox.as_str())
            .fetch_optional(pool)
            .await?
            .unwrap_or(0),
    )
}
