//! Delivery rows: claiming due work (`FOR UPDATE SKIP LOCKED`, so nodes never wait for each
//! other), leases, releasing, taking over expired claims, re-queueing by hand, and the attempt
//! log.

use super::rows::{self, ATTEMPT_COLUMNS, DELIVERY_COLUMNS, LOGGED_ATTEMPT_COLUMNS};
use super::{DUE_CHANNEL, notify};
use crate::model::*;
use crate::store::rules::job::ClaimedDelivery;
use crate::store::rules::requeue::{RetryDecision, RetryFound, decide_retry};
use crate::store::{AttemptQuery, Claim, DeliveryQuery, LoggedAttempt, Requeue, StoreResult};
use sqlx::{PgPool, Row};
use std::time::Duration;

pub async fn get(pool: &PgPool, scope: &Scope, id: &DeliveryId) -> StoreResult<Option<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM deliveries \
         WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)"
    );
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(scope.tenant().map(Tenant::as_str))
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(rows::delivery).transpose()
}

pub async fn of_event(pool: &PgPool, id: &EventId) -> StoreResult<Vec<Delivery>> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE event_id = $1 ORDER BY id");
    let found = sqlx::query(&sql).bind(id.as_str()).fetch_all(pool).await?;
    rows::all(found, rows::delivery)
}

/// Claims due, unheld pending deliveries, oldest due first, with their payloads. Rows that
/// another node is claiming at this moment are skipped.
pub async fn claim_due(
    pool: &PgPool,
    claim: &Claim,
    now: Timestamp,
    limit: usize,
    skip: &[WebhookId],
) -> StoreResult<Vec<DeliveryJob>> {
    let skip: Vec<&str> = skip.iter().map(WebhookId::as_str).collect();
    let mut transaction = pool.begin().await?;
    let claimed = sqlx::query(
        "WITH picked AS ( \
             SELECT id FROM deliveries \
             WHERE status = 'pending' AND claimed_by IS NULL AND next_attempt_at IS NOT NULL \
               AND next_attempt_at <= $3 AND webhook_id <> ALL($4) \
             ORDER BY next_attempt_at LIMIT $5 \
             FOR UPDATE SKIP LOCKED) \
         UPDATE deliveries d SET claimed_by = $1, lease_until = $2 FROM picked \
         WHERE d.id = picked.id \
         RETURNING d.id, d.event_id, d.webhook_id, d.tenant, d.event_type, d.attempt_count, \
                   d.manual",
    )
    .bind(claim.by.as_str())
    .bind(claim.until.as_millis())
    .bind(now.as_millis())
    .bind(&skip)
    .bind(limit as i64)
    .fetch_all(&mut *transaction)
    .await?;
    if claimed.is_empty() {
        transaction.commit().await?;
        return Ok(Vec::new());
    }
    let event_ids: Vec<&str> = claimed
        .iter()
        .map(|row| row.try_get::<&str, _>(1))
        .collect::<Result<_, _>>()?;
    let payloads = super::events::payloads(&mut transaction, &event_ids).await?;
    transaction.commit().await?;
    let mut jobs = Vec::with_capacity(claimed.len());
    for row in &claimed {
        let event_id: String = row.try_get(1)?;
        let Some(payload) = payloads.get(&event_id) else {
            continue;
        };
        let delivery = ClaimedDelivery {
            delivery_id: DeliveryId::from_trusted(row.try_get(0)?),
            event_id: EventId::from_trusted(event_id),
            webhook_id: WebhookId::from_trusted(row.try_get(2)?),
            tenant: Tenant::from_trusted(row.try_get::<&str, _>(3)?),
            event_type: EventName::from_trusted(row.try_get(4)?),
            attempt_count: row.try_get::<i32, _>(5)? as u32,
            manual: row.try_get(6)?,
        };
        jobs.push(delivery.next_attempt(payload, &claim.by));
    }
    Ok(jobs)
}

/// The new state of a released delivery: due again if its webhook is active, paused if it is
/// disabled, cancelled if it was deleted.
const RELEASED: &str = "claimed_by = NULL, lease_until = NULL, \
    status = CASE WHEN EXISTS (SELECT 1 FROM webhooks w WHERE w.id = deliveries.webhook_id) \
             THEN status ELSE 'cancelled' END, \
    next_attempt_at = CASE WHEN EXISTS (SELECT 1 FROM webhooks w \
             WHERE w.id = deliveries.webhook_id AND w.active) THEN next_attempt_at ELSE NULL END";

/// Hands the given deliveries back if `claimed_by` still holds them. The claim is compared
/// with `IS NOT DISTINCT FROM` so that the rows are read by primary key (see `outcomes`).
pub async fn release(pool: &PgPool, claimed_by: &str, ids: &[DeliveryId]) -> StoreResult<()> {
    let ids: Vec<&str> = ids.iter().map(DeliveryId::as_str).collect();
    let mut transaction = pool.begin().await?;
    let released = sqlx::query(&format!(
        "UPDATE deliveries SET {RELEASED} \
         WHERE id = ANY($1) AND status = 'pending' AND claimed_by IS NOT DISTINCT FROM $2"
    ))
    .bind(&ids)
    .bind(claimed_by)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    if released > 0 {
        notify(&mut transaction, DUE_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(())
}

/// Renewals and takeovers read `deliveries_leased` in one pass each, without a bitmap scan: an
/// index scan marks the entries of deliveries that moved on (dead until the table is vacuumed)
/// as it meets them, so the next pass skips them and inserts reuse their space; a bitmap scan
/// leaves them, and every pass read every delivery claimed since the last vacuum.
async fn without_bitmap_scans(transaction: &mut sqlx::PgConnection) -> StoreResult<()> {
    sqlx::query("SET LOCAL enable_bitmapscan = off")
        .execute(transaction)
        .await?;
    Ok(())
}

pub async fn renew(pool: &PgPool, claim: &Claim, expiring_before: Timestamp) -> StoreResult<u64> {
    let mut transaction = pool.begin().await?;
    without_bitmap_scans(&mut transaction).await?;
    let renewed = sqlx::query(
        "UPDATE deliveries SET lease_until = $2 \
         WHERE claimed_by = $1 AND status = 'pending' AND lease_until < $3",
    )
    .bind(claim.by.as_str())
    .bind(claim.until.as_millis())
    .bind(expiring_before.as_millis())
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    transaction.commit().await?;
    Ok(renewed)
}

/// Releases deliveries whose lease ran out more than their webhook's timeout plus `margin`
/// ago. Nodes running this at the same time skip each other's rows.
pub async fn reclaim_expired(
    pool: &PgPool,
    now: Timestamp,
    margin: Duration,
    limit: usize,
) -> StoreResult<u64> {
    let mut transaction = pool.begin().await?;
    without_bitmap_scans(&mut transaction).await?;
    let released = sqlx::query(&format!(
        "WITH expired AS ( \
             SELECT d.id FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.claimed_by IS NOT NULL \
               AND d.lease_until + COALESCE(w.timeout_ms, 0) < $1 \
             ORDER BY d.lease_until LIMIT $2 \
             FOR UPDATE OF d SKIP LOCKED) \
         UPDATE deliveries SET {RELEASED} FROM expired WHERE deliveries.id = expired.id"
    ))
    .bind(now.minus(margin).as_millis())
    .bind(limit as i64)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    if released > 0 {
        notify(&mut transaction, DUE_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(released)
}

/// One more attempt now. A finished delivery gets a one-off attempt; a pending one keeps its
/// schedule and is simply made due. A delivery already held by a node is left to it. An
/// ordered delivery waiting for its key's turn goes now, out of its key's order (the next of
/// its key then waits for it too).
pub async fn requeue(
    pool: &PgPool,
    scope: &Scope,
    id: &DeliveryId,
    claim: Option<&Claim>,
    now: Timestamp,
) -> StoreResult<Requeue> {
    let mut transaction = pool.begin().await?;
    let found = sqlx::query(
        "SELECT d.status, d.claimed_by, d.attempt_count, d.event_id, d.webhook_id, d.tenant, \
                d.event_type, w.active \
         FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.id = $1 AND ($2::text IS NULL OR d.tenant = $2) \
         FOR UPDATE OF d",
    )
    .bind(id.as_str())
    .bind(scope.tenant().map(Tenant::as_str))
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(row) = found else {
        return Ok(Requeue::NotFound);
    };
    let found = RetryFound {
        pending: row.try_get::<&str, _>(0)? == DeliveryStatus::Pending.as_str(),
        held: row.try_get::<Option<&str>, _>(1)?.is_some(),
        webhook_active: row.try_get::<Option<bool>, _>(7)? == Some(true),
    };
    let manual = match decide_retry(found) {
        RetryDecision::WebhookInactive => return Ok(Requeue::WebhookInactive),
        RetryDecision::LeftToHolder => return Ok(Requeue::Queued(None)),
        RetryDecision::Requeue { manual } => manual,
    };
    sqlx::query(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = $2, claimed_by = $3, \
             lease_until = $5, manual = $4, updated_at = $2, order_waiting = FALSE \
         WHERE id = $1",
    )
    .bind(id.as_str())
    .bind(now.as_millis())
    .bind(claim.map(|c| c.by.as_str()))
    .bind(manual)
    .bind(claim.map(|c| c.until.as_millis()))
    .execute(&mut *transaction)
    .await?;
    let event_id = EventId::from_trusted(row.try_get(3)?);
    let Some(claim) = claim else {
        notify(&mut transaction, DUE_CHANNEL).await?;
        transaction.commit().await?;
        return Ok(Requeue::Queued(None));
    };
    let payloads = super::events::payloads(&mut transaction, &[event_id.as_str()]).await?;
    transaction.commit().await?;
    let Some(payload) = payloads.get(event_id.as_str()) else {
        return Ok(Requeue::NotFound);
    };
    let delivery = ClaimedDelivery {
        delivery_id: id.clone(),
        event_id,
        webhook_id: WebhookId::from_trusted(row.try_get(4)?),
        tenant: Tenant::from_trusted(row.try_get::<&str, _>(5)?),
        event_type: EventName::from_trusted(row.try_get(6)?),
        attempt_count: row.try_get::<i32, _>(2)? as u32,
        manual,
    };
    Ok(Requeue::Queued(Some(
        delivery.next_attempt(payload, &claim.by),
    )))
}

/// Re-queues as one-off attempts every delivery of the webhook that ended failed since `since`.
/// Deliveries across webhooks, newest first.
pub async fn list(pool: &PgPool, query: &DeliveryQuery) -> StoreResult<Vec<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM deliveries \
         WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR tenant = $2) \
           AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR webhook_id = $4) \
           AND ($5::text IS NULL OR event_type = $5) \
           AND ($6::bigint IS NULL OR updated_at >= $6) AND ($7::bigint IS NULL OR updated_at <= $7) \
           AND ($8::text IS NULL OR id < $8) \
         ORDER BY id DESC LIMIT $9"
    );
    let found = sqlx::query(&sql)
        .bind(query.scope.tenant().map(Tenant::as_str))
        .bind(query.tenant.as_ref().map(Tenant::as_str))
        .bind(query.status.map(DeliveryStatus::as_str))
        .bind(query.webhook.as_ref().map(WebhookId::as_str))
        .bind(query.event_type.as_ref().map(EventName::as_str))
        .bind(query.since.map(Timestamp::as_millis))
        .bind(query.until.map(Timestamp::as_millis))
        .bind(query.page.before.as_deref())
        .bind(query.page.limit as i64)
        .fetch_all(pool)
        .await?;
    rows::all(found, rows::delivery)
}

/// Makes failed deliveries pending again, each due at its time, or paused while its webhook is
/// disabled; one that is no longer failed is left alone. Tells the workers work is due.
pub async fn requeue_failed(
    pool: &PgPool,
    due: &[(DeliveryId, Timestamp)],
    now: Timestamp,
) -> StoreResult<u64> {
    let ids: Vec<&str> = due.iter().map(|(id, _)| id.as_str()).collect();
    let times: Vec<i64> = due.iter().map(|(_, at)| at.as_millis()).collect();
    let mut transaction = pool.begin().await?;
    let changed = sqlx::query(
        "UPDATE deliveries d SET status = 'pending', manual = TRUE, \
             next_attempt_at = CASE WHEN w.active THEN due.at END, \
             claimed_by = NULL, lease_until = NULL, updated_at = $3 \
         FROM UNNEST($1::text[], $2::bigint[]) AS due(id, at), webhooks w \
         WHERE d.id = due.id AND d.status = 'failed' AND w.id = d.webhook_id",
    )
    .bind(&ids)
    .bind(&times)
    .bind(now.as_millis())
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    if changed > 0 {
        notify(&mut transaction, DUE_CHANNEL).await?;
    }
    transaction.commit().await?;
    Ok(changed)
}

/// Deletes the oldest attempts before `cutoff`, and the per-minute statistics older than it.
pub async fn purge_attempts(pool: &PgPool, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
    let bound = AttemptId::lower_bound_at(cutoff.as_millis()).into_string();
    let mut transaction = pool.begin().await?;
    let deleted = sqlx::query(
        "DELETE FROM attempts WHERE id IN \
             (SELECT id FROM attempts WHERE id < $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)",
    )
    .bind(bound)
    .bind(batch as i64)
    .execute(&mut *transaction)
    .await?
    .rows_affected();
    sqlx::query("DELETE FROM attempt_stats WHERE minute < $1")
        .bind(cutoff.as_millis())
        .execute(&mut *transaction)
        .await?;
    transaction.commit().await?;
    Ok(deleted)
}

pub async fn list_attempts(pool: &PgPool, query: &AttemptQuery) -> StoreResult<Vec<LoggedAttempt>> {
    let sql = format!(
        "SELECT {LOGGED_ATTEMPT_COLUMNS} FROM attempts \
         WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2) \
           AND ($3::text IS NULL OR event_type = $3) AND ($4::text IS NULL OR event_id = $4) \
           AND ($5::text IS NULL OR id >= $5) AND ($6::text IS NULL OR id < $6) \
           AND ($7::text IS NULL OR id < $7) \
         ORDER BY id DESC LIMIT $8"
    );
    let found = sqlx::query(&sql)
        .bind(query.webhook.as_str())
        .bind(query.status.map(AttemptStatus::as_str))
        .bind(query.event_type.as_ref().map(EventName::as_str))
        .bind(query.event_id.as_ref().map(EventId::as_str))
        .bind(
            query
                .since
                .map(|t| AttemptId::lower_bound_at(t.as_millis()).into_string()),
        )
        .bind(
            query
                .until
                .map(|t| AttemptId::lower_bound_at(t.as_millis() + 1).into_string()),
        )
        .bind(query.page.before.as_deref())
        .bind(query.page.limit as i64)
        .fetch_all(pool)
        .await?;
    rows::all(found, rows::logged_attempt)
}

pub async fn attempts_of_delivery(pool: &PgPool, id: &DeliveryId) -> StoreResult<Vec<Attempt>> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id = $1 ORDER BY id");
    let found = sqlx::query(&sql).bind(id.as_str()).fetch_all(pool).await?;
    rows::all(found, rows::attempt)
}

/// Claims the webhook's oldest pending delivery for a probe: unclaimed, or held by the claim
/// already. A row another node is claiming at the same moment is skipped.
pub async fn claim_probe_delivery(
    pool: &PgPool,
    webhook: &WebhookId,
    claim: &Claim,
) -> StoreResult<Option<DeliveryJob>> {
    let mut transaction = pool.begin().await?;
    let claimed = sqlx::query(
        "WITH picked AS ( \
             SELECT id FROM deliveries \
             WHERE webhook_id = $1 AND status = 'pending' \
               AND (claimed_by IS NULL OR claimed_by = $2) \
             ORDER BY created_at, id LIMIT 1 \
             FOR UPDATE SKIP LOCKED) \
         UPDATE deliveries d SET claimed_by = $2, lease_until = $3 FROM picked \
         WHERE d.id = picked.id \
         RETURNING d.id, d.event_id, d.webhook_id, d.tenant, d.event_type, d.attempt_count, \
                   d.manual",
    )
    .bind(webhook.as_str())
    .bind(claim.by.as_str())
    .bind(claim.until.as_millis())
    .fetch_optional(&mut *transaction)
    .await?;
    let Some(row) = claimed else {
        transaction.commit().await?;
        return Ok(None);
    };
    let event_id: String = row.try_get(1)?;
    let payloads = super::events::payloads(&mut transaction, &[event_id.as_str()]).await?;
    transaction.commit().await?;
    let Some(payload) = payloads.get(&event_id) else {
        return Ok(None);
    };
    let delivery = ClaimedDelivery {
        delivery_id: DeliveryId::from_trusted(row.try_get(0)?),
        event_id: EventId::from_trusted(event_id.clone()),
        webhook_id: WebhookId::from_trusted(row.try_get(2)?),
        tenant: Tenant::from_trusted(row.try_get::<&str, _>(3)?),
        event_type: EventName::from_trusted(row.try_get(4)?),
        attempt_count: row.try_get::<i32, _>(5)? as u32,
        manual: row.try_get(6)?,
    };
    Ok(Some(delivery.next_attempt(payload, &claim.by)))
}
