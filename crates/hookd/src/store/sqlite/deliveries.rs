//! Delivery rows: claiming due work for the dispatcher, releasing it, re-queueing by hand, and
//! the attempt log.

use super::conditions::Conditions;
use super::rows::{self, ATTEMPT_COLUMNS, DELIVERY_COLUMNS, LOGGED_ATTEMPT_COLUMNS};
use crate::model::*;
use crate::store::rules::job::ClaimedDelivery;
use crate::store::rules::requeue::{RetryDecision, RetryFound, decide_retry};
use crate::store::{AttemptQuery, Claim, DeliveryQuery, LoggedAttempt, Requeue, StoreResult};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter, types::Value};
use std::collections::HashMap;

pub fn get(conn: &Connection, scope: &Scope, id: &DeliveryId) -> StoreResult<Option<Delivery>> {
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
    );
    let tenant = scope.tenant().map(Tenant::as_str);
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![id.as_str(), tenant], rows::delivery)
        .optional()?)
}

pub fn of_event(conn: &Connection, id: &EventId) -> StoreResult<Vec<Delivery>> {
    let sql = format!("SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE event_id = ?1 ORDER BY id");
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params![id.as_str()], rows::delivery)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claims due, unclaimed pending deliveries, oldest due first, with their payloads.
pub fn claim_due(
    conn: &Connection,
    claim: &Claim,
    now: Timestamp,
    limit: usize,
    skip: &[WebhookId],
) -> StoreResult<Vec<DeliveryJob>> {
    let skip_clause = if skip.is_empty() {
        String::new()
    } else {
        format!(
            " AND webhook_id NOT IN ({})",
            vec!["?"; skip.len()].join(", ")
        )
    };
    let sql = format!(
        "UPDATE deliveries SET claimed_by = ?, lease_until = ? WHERE id IN ( \
             SELECT id FROM deliveries \
             WHERE status = 'pending' AND claimed_by IS NULL AND next_attempt_at IS NOT NULL \
               AND next_attempt_at <= ?{skip_clause} \
             ORDER BY next_attempt_at LIMIT ?) \
         RETURNING id, event_id, webhook_id, tenant, event_type, attempt_count, manual"
    );
    let mut values: Vec<Value> = vec![
        Value::Text(claim.by.to_string()),
        Value::Integer(claim.until.as_millis()),
        Value::Integer(now.as_millis()),
    ];
    values.extend(skip.iter().map(|id| Value::Text(id.as_str().to_owned())));
    values.push(Value::Integer(limit as i64));
    let mut statement = conn.prepare_cached(&sql)?;
    let claimed = statement
        .query_map(params_from_iter(values), |row| {
            Ok(ClaimedDelivery {
                delivery_id: DeliveryId::from_trusted(row.get(0)?),
                event_id: EventId::from_trusted(row.get(1)?),
                webhook_id: WebhookId::from_trusted(row.get(2)?),
                tenant: Tenant::from_trusted(&row.get::<_, String>(3)?),
                event_type: EventName::from_trusted(row.get(4)?),
                attempt_count: row.get(5)?,
                manual: row.get(6)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut payloads: HashMap<EventId, EventBody> = HashMap::new();
    let mut jobs = Vec::with_capacity(claimed.len());
    for delivery in claimed {
        let payload = match payloads.get(&delivery.event_id) {
            Some(payload) => payload,
            None => {
                let Some(payload) = super::events::body(conn, &delivery.event_id)? else {
                    continue;
                };
                payloads.entry(delivery.event_id.clone()).or_insert(payload)
            }
        };
        jobs.push(delivery.next_attempt(payload, &claim.by));
    }
    Ok(jobs)
}

/// Gives deliveries still held by `claimed_by` back: due again if their webhook is active,
/// paused if it is disabled, cancelled if it was deleted.
pub fn release(conn: &Connection, claimed_by: &str, ids: &[DeliveryId]) -> StoreResult<()> {
    let mut statement = conn.prepare_cached(
        "UPDATE deliveries SET claimed_by = NULL, lease_until = NULL, \
             status = CASE WHEN EXISTS (SELECT 1 FROM webhooks w WHERE w.id = deliveries.webhook_id) \
                      THEN status ELSE 'cancelled' END, \
             next_attempt_at = CASE WHEN EXISTS (SELECT 1 FROM webhooks w \
                      WHERE w.id = deliveries.webhook_id AND w.active = 1) \
                      THEN next_attempt_at ELSE NULL END \
         WHERE id = ?1 AND status = 'pending' AND claimed_by = ?2",
    )?;
    for id in ids {
        statement.execute(params![id.as_str(), claimed_by])?;
    }
    Ok(())
}

/// Makes every delivery held by another claim claimable again (single node, at start).
pub fn release_foreign_claims(conn: &Connection, claim: &str) -> StoreResult<u64> {
    release_where(
        conn,
        "SELECT id, claimed_by FROM deliveries \
         WHERE status = 'pending' AND claimed_by IS NOT NULL AND claimed_by != ?1",
        params![claim],
    )
}

/// Extends the leases of `claim` that end before `expiring_before`.
pub fn renew(conn: &Connection, claim: &Claim, expiring_before: Timestamp) -> StoreResult<u64> {
    let renewed = conn
        .prepare_cached(
            "UPDATE deliveries SET lease_until = ?2 \
             WHERE claimed_by = ?1 AND status = 'pending' AND lease_until < ?3",
        )?
        .execute(params![
            claim.by.as_str(),
            claim.until.as_millis(),
            expiring_before.as_millis()
        ])?;
    Ok(renewed as u64)
}

/// Releases deliveries whose lease ran out more than their webhook's timeout plus `margin` ago.
pub fn reclaim_expired(
    conn: &Connection,
    now: Timestamp,
    margin: std::time::Duration,
    limit: usize,
) -> StoreResult<u64> {
    release_where(
        conn,
        "SELECT d.id, d.claimed_by FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.status = 'pending' AND d.claimed_by IS NOT NULL \
           AND d.lease_until + COALESCE(w.timeout_ms, 0) < ?1 \
         ORDER BY d.lease_until LIMIT ?2",
        params![now.minus(margin).as_millis(), limit as i64],
    )
}

/// Releases each delivery the query finds (it selects id and claimed_by).
fn release_where(conn: &Connection, sql: &str, values: impl rusqlite::Params) -> StoreResult<u64> {
    let held: Vec<(String, String)> = conn
        .prepare_cached(sql)?
        .query_map(values, |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (id, claimed_by) in &held {
        release(conn, claimed_by, &[DeliveryId::from_trusted(id.clone())])?;
    }
    Ok(held.len() as u64)
}

/// One more attempt now. A finished delivery gets a one-off attempt; a pending one keeps its
/// schedule and is simply made due. A delivery already held by a node is left to it. An
/// ordered delivery waiting for its key's turn goes now, out of its key's order (the next of
/// its key then waits for it too).
pub fn requeue(
    conn: &Connection,
    scope: &Scope,
    id: &DeliveryId,
    claim: Option<&Claim>,
    now: Timestamp,
) -> StoreResult<Requeue> {
    let tenant = scope.tenant().map(Tenant::as_str);
    let found = conn
        .prepare_cached(
            "SELECT d.status, d.claimed_by, d.attempt_count, d.event_id, d.webhook_id, d.tenant, \
                    d.event_type, w.active \
             FROM deliveries d LEFT JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.id = ?1 AND (?2 IS NULL OR d.tenant = ?2)",
        )?
        .query_row(params![id.as_str(), tenant], |row| {
            let found = RetryFound {
                pending: row.get::<_, String>(0)? == DeliveryStatus::Pending.as_str(),
                held: row.get::<_, Option<String>>(1)?.is_some(),
                webhook_active: row.get::<_, Option<bool>>(7)? == Some(true),
            };
            let delivery = ClaimedDelivery {
                delivery_id: id.clone(),
                event_id: EventId::from_trusted(row.get(3)?),
                webhook_id: WebhookId::from_trusted(row.get(4)?),
                tenant: Tenant::from_trusted(&row.get::<_, String>(5)?),
                event_type: EventName::from_trusted(row.get(6)?),
                attempt_count: row.get(2)?,
                manual: false,
            };
            Ok((found, delivery))
        })
        .optional()?;
    let Some((found, mut delivery)) = found else {
        return Ok(Requeue::NotFound);
    };
    match decide_retry(found) {
        RetryDecision::WebhookInactive => return Ok(Requeue::WebhookInactive),
        RetryDecision::LeftToHolder => return Ok(Requeue::Queued(None)),
        RetryDecision::Requeue { manual } => delivery.manual = manual,
    }
    conn.prepare_cached(
        "UPDATE deliveries SET status = 'pending', next_attempt_at = ?2, claimed_by = ?3, \
             lease_until = ?5, manual = ?4, updated_at = ?2, order_waiting = 0 WHERE id = ?1",
    )?
    .execute(params![
        id.as_str(),
        now.as_millis(),
        claim.map(|c| c.by.as_str()),
        delivery.manual,
        claim.map(|c| c.until.as_millis())
    ])?;
    let Some(claim) = claim else {
        return Ok(Requeue::Queued(None));
    };
    let Some(body) = super::events::body(conn, &delivery.event_id)? else {
        return Ok(Requeue::NotFound);
    };
    Ok(Requeue::Queued(Some(
        delivery.next_attempt(&body, &claim.by),
    )))
}

/// Re-queues as one-off attempts every delivery of the webhook that ended failed since `since`.
/// Deliveries across webhooks, newest first, each filter its own condition.
pub fn list(conn: &Connection, query: &DeliveryQuery) -> StoreResult<Vec<Delivery>> {
    let mut conditions = Conditions::select(DELIVERY_COLUMNS, "deliveries");
    conditions
        .and_some(
            "tenant = ?",
            query.scope.tenant().map(|t| t.as_str().to_owned()),
        )
        .and_some(
            "tenant = ?",
            query.tenant.as_ref().map(|t| t.as_str().to_owned()),
        )
        .and_some("status = ?", query.status.map(|s| s.as_str().to_owned()))
        .and_some(
            "webhook_id = ?",
            query.webhook.as_ref().map(|w| w.as_str().to_owned()),
        )
        .and_some(
            "event_type = ?",
            query.event_type.as_ref().map(|n| n.as_str().to_owned()),
        )
        .and_some("updated_at >= ?", query.since.map(Timestamp::as_millis))
        .and_some("updated_at <= ?", query.until.map(Timestamp::as_millis));
    let (sql, values) = conditions.page(&query.page);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(values), rows::delivery)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Makes failed deliveries pending again, each due at its time, or paused while its webhook is
/// disabled; one that is no longer failed is left alone.
pub fn requeue_failed(
    conn: &Connection,
    due: &[(DeliveryId, Timestamp)],
    now: Timestamp,
) -> StoreResult<u64> {
    let mut statement = conn.prepare_cached(
        "UPDATE deliveries SET status = 'pending', manual = 1, \
             next_attempt_at = CASE WHEN (SELECT active FROM webhooks w WHERE w.id = webhook_id) \
                 THEN ?2 END, \
             claimed_by = NULL, lease_until = NULL, updated_at = ?3 \
         WHERE id = ?1 AND status = 'failed'",
    )?;
    let mut changed = 0;
    for (id, at) in due {
        changed += statement.execute(params![id.as_str(), at.as_millis(), now.as_millis()])?;
    }
    Ok(changed as u64)
}

/// Deletes the oldest attempts before `cutoff`, and the per-minute statistics older than it.
pub fn purge_attempts(conn: &Connection, cutoff: Timestamp, batch: usize) -> StoreResult<u64> {
    let bound = AttemptId::lower_bound_at(cutoff.as_millis()).into_string();
    let deleted = conn
        .prepare_cached(
            "DELETE FROM attempts WHERE id IN \
                 (SELECT id FROM attempts WHERE id < ?1 ORDER BY id LIMIT ?2)",
        )?
        .execute(params![bound, batch as i64])?;
    conn.prepare_cached("DELETE FROM attempt_stats WHERE minute < ?1")?
        .execute(params![cutoff.as_millis()])?;
    Ok(deleted as u64)
}

pub fn list_attempts(conn: &Connection, query: &AttemptQuery) -> StoreResult<Vec<LoggedAttempt>> {
    let mut conditions = Conditions::select(LOGGED_ATTEMPT_COLUMNS, "attempts");
    conditions
        .and("webhook_id = ?", query.webhook.as_str().to_owned())
        .and_some("status = ?", query.status.map(|s| s.as_str().to_owned()))
        .and_some(
            "event_type = ?",
            query.event_type.as_ref().map(|n| n.as_str().to_owned()),
        )
        .and_some(
            "event_id = ?",
            query.event_id.as_ref().map(|e| e.as_str().to_owned()),
        )
        .and_some(
            "id >= ?",
            query
                .since
                .map(|t| AttemptId::lower_bound_at(t.as_millis()).into_string()),
        )
        .and_some(
            "id < ?",
            query
                .until
                .map(|t| AttemptId::lower_bound_at(t.as_millis() + 1).into_string()),
        );
    let (sql, values) = conditions.page(&query.page);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(values), rows::logged_attempt)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn attempts_of_delivery(conn: &Connection, id: &DeliveryId) -> StoreResult<Vec<Attempt>> {
    let sql = format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE delivery_id = ?1 ORDER BY id");
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params![id.as_str()], rows::attempt)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Claims the webhook's oldest pending delivery for a probe: unclaimed, or held by the claim
/// already.
pub fn claim_probe_delivery(
    conn: &Connection,
    webhook: &WebhookId,
    claim: &Claim,
) -> StoreResult<Option<DeliveryJob>> {
    let claimed = conn
        .prepare_cached(
            "UPDATE deliveries SET claimed_by = ?2, lease_until = ?3 WHERE id = ( \
                 SELECT id FROM deliveries \
                 WHERE webhook_id = ?1 AND status = 'pending' \
                   AND (claimed_by IS NULL OR claimed_by = ?2) \
                 ORDER BY created_at, id LIMIT 1) \
             RETURNING id, event_id, webhook_id, tenant, event_type, attempt_count, manual",
        )?
        .query_row(
            params![webhook.as_str(), claim.by.as_str(), claim.until.as_millis()],
            |row| {
                Ok(ClaimedDelivery {
                    delivery_id: DeliveryId::from_trusted(row.get(0)?),
                    event_id: EventId::from_trusted(row.get(1)?),
                    webhook_id: WebhookId::from_trusted(row.get(2)?),
                    tenant: Tenant::from_trusted(&row.get::<_, String>(3)?),
                    event_type: EventName::from_trusted(row.get(4)?),
                    attempt_count: row.get(5)?,
                    manual: row.get(6)?,
                })
            },
        )
        .optional()?;
    let Some(delivery) = claimed else {
        return Ok(None);
    };
    let Some(body) = super::events::body(conn, &delivery.event_id)? else {
        return Ok(None);
    };
    Ok(Some(delivery.next_attempt(&body, &claim.by)))
}
