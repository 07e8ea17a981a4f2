//! Event rows and the deliveries created with them.

use super::conditions::Conditions;
use super::ordering::last_pending_seq;
use super::rows::{self, EVENT_SUMMARY_COLUMNS};
use crate::model::*;
use crate::store::rules::ordering::place;
use crate::store::{Claim, EventQuery, StoreError, StoreResult};
use bytes::Bytes;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::collections::HashMap;

/// Stores each event with its deliveries. A delivery whose webhook was deleted or disabled since
/// the event was matched is dropped (and reported), so none is ever created for a webhook that
/// can't take it. A delivery with an order key behind pending ones of its key is stored
/// waiting (unclaimed, not due) and reported in `waiting`.
pub fn insert(
    conn: &Connection,
    claim: &Claim,
    events: &[NewEvent],
) -> StoreResult<Vec<InsertedEvent>> {
    let mut insert_event = conn.prepare_cached(
        "INSERT INTO events (id, tenant, type, idempotency_key, payload, delivery_count, created_at, \
             inbox_request_id, traceparent, tracestate) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO NOTHING",
    )?;
    // Webhook id -> whether it exists and is active, as this transaction sees it.
    let mut webhooks: HashMap<WebhookId, Option<bool>> = HashMap::new();
    let mut outcomes = Vec::with_capacity(events.len());
    for event in events {
        let payload = std::str::from_utf8(&event.payload)
            .map_err(|_| StoreError::Internal("event payload is not UTF-8".into()))?;
        let inserted = insert_event.execute(params![
            event.id.as_str(),
            event.tenant.as_str(),
            event.event_type.as_str(),
            event.idempotency_key.as_deref(),
            payload,
            event.deliveries.len() as i64,
            event.created_at.as_millis(),
            event.inbox_request_id.as_ref().map(InboxRequestId::as_str),
            event.trace.as_ref().map(|t| t.parent.to_string()),
            event.trace.as_ref().and_then(|t| t.state.as_deref()),
        ])?;
        if inserted == 0 {
            let key = event.idempotency_key.as_deref().unwrap_or_default();
            let existing = find_by_key(conn, &event.tenant, key)?
                .ok_or_else(|| StoreError::Conflict("events primary key".into()))?;
            outcomes.push(InsertedEvent::Duplicate(existing));
            continue;
        }
        // An event no webhook takes (a publish without subscribers) prepares no delivery
        // statement.
        let (dropped, waiting) = if event.deliveries.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            insert_deliveries(conn, claim, event, &mut webhooks)?
        };
        if !dropped.is_empty() {
            conn.prepare_cached(
                "UPDATE events SET delivery_count = delivery_count - ?2 WHERE id = ?1",
            )?
            .execute(params![event.id.as_str(), dropped.len() as i64])?;
        }
        outcomes.push(InsertedEvent::Created { dropped, waiting });
    }
    Ok(outcomes)
}

/// Inserts `event`'s deliveries to the webhooks that can take them, and returns those dropped
/// (the webhook is gone or disabled) and those waiting for their order key's turn.
fn insert_deliveries(
    conn: &Connection,
    claim: &Claim,
    event: &NewEvent,
    webhooks: &mut HashMap<WebhookId, Option<bool>>,
) -> StoreResult<(Vec<DeliveryId>, Vec<DeliveryId>)> {
    // One row of VALUES, not `INSERT ... SELECT ... WHERE EXISTS`: SQLite journals every page
    // an `INSERT ... SELECT` changes into a statement journal first (a quarter of this
    // function's time in the steady benchmark); whether the webhook can take the delivery is
    // asked first instead, once per webhook and call.
    let mut insert_delivery = conn.prepare_cached(
        "INSERT INTO deliveries (id, event_id, webhook_id, tenant, event_type, status, \
             attempt_count, next_attempt_at, claimed_by, lease_until, manual, created_at, \
             updated_at, order_key, order_seq, order_waiting) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, CASE WHEN ?11 THEN NULL ELSE ?6 END, ?7, ?8, \
             0, ?6, ?6, ?9, ?10, ?11)",
    )?;
    let mut webhook_active = conn.prepare_cached("SELECT active FROM webhooks WHERE id = ?1")?;
    let mut dropped = Vec::new();
    let mut waiting = Vec::new();
    for delivery in &event.deliveries {
        let active = match webhooks.get(&delivery.webhook_id) {
            Some(active) => *active,
            None => {
                let active = webhook_active
                    .query_row([delivery.webhook_id.as_str()], |row| row.get(0))
                    .optional()?;
                webhooks.insert(delivery.webhook_id.clone(), active);
                active
            }
        };
        if !active.is_some_and(|active| active || delivery.even_if_disabled) {
            dropped.push(delivery.id.clone());
            continue;
        }
        // Only ordered deliveries look at their key's line; the others insert as before.
        let place = match &delivery.order_key {
            Some(key) => Some(place(last_pending_seq(conn, &delivery.webhook_id, key)?)),
            None => None,
        };
        let waits = place.is_some_and(|p| p.waiting);
        let claimed = delivery.claimed && !waits;
        insert_delivery.execute(params![
            delivery.id.as_str(),
            event.id.as_str(),
            delivery.webhook_id.as_str(),
            event.tenant.as_str(),
            event.event_type.as_str(),
            event.created_at.as_millis(),
            claimed.then_some(claim.by.as_str()),
            claimed.then_some(claim.until.as_millis()),
            delivery.order_key.as_ref().map(OrderKey::as_str),
            place.map(|p| p.seq),
            waits,
        ])?;
        if waits {
            waiting.push(delivery.id.clone());
        }
    }
    Ok((dropped, waiting))
}

fn find_by_key(conn: &Connection, tenant: &Tenant, key: &str) -> StoreResult<Option<EventSummary>> {
    let sql = format!(
        "SELECT {EVENT_SUMMARY_COLUMNS} FROM events WHERE tenant = ?1 AND idempotency_key = ?2"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![tenant.as_str(), key], rows::event_summary)
        .optional()?)
}

pub fn get(conn: &Connection, scope: &Scope, id: &EventId) -> StoreResult<Option<EventRecord>> {
    let sql = format!(
        "SELECT {EVENT_SUMMARY_COLUMNS}, payload FROM events WHERE id = ?1 AND (?2 IS NULL OR tenant = ?2)"
    );
    let tenant = scope.tenant().map(Tenant::as_str);
    let record = conn
        .prepare_cached(&sql)?
        .query_row(params![id.as_str(), tenant], |row| {
            Ok(EventRecord {
                summary: rows::event_summary(row)?,
                payload: Bytes::from(row.get::<_, String>(7)?),
            })
        })
        .optional()?;
    Ok(record)
}

pub fn payload(conn: &Connection, id: &EventId) -> StoreResult<Option<Bytes>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT payload FROM events WHERE id = ?1")?
        .query_row(params![id.as_str()], |row| row.get(0))
        .optional()?;
    Ok(text.map(Bytes::from))
}

/// An event's payload with the inbox request it came from, for attempts.
pub fn body(conn: &Connection, id: &EventId) -> StoreResult<Option<EventBody>> {
    Ok(conn
        .prepare_cached(
            "SELECT e.payload, r.body, r.original_headers, e.traceparent, e.tracestate \
             FROM events e \
             LEFT JOIN inbox_requests r ON r.id = e.inbox_request_id WHERE e.id = ?1",
        )?
        .query_row(params![id.as_str()], |row| {
            let original = match row.get::<_, Option<Vec<u8>>>(1)? {
                Some(body) => Some((body, row.get::<_, String>(2)?)),
                None => None,
            };
            Ok(EventBody::from_stored(row.get(0)?, original).with_trace(row.get(3)?, row.get(4)?))
        })
        .optional()?)
}

pub fn list(conn: &Connection, query: &EventQuery) -> StoreResult<Vec<EventSummary>> {
    let mut conditions = Conditions::select(EVENT_SUMMARY_COLUMNS, "events");
    for tenant in [query.scope.tenant(), query.tenant.as_ref()]
        .into_iter()
        .flatten()
    {
        conditions.and("tenant = ?", tenant.as_str().to_owned());
    }
    conditions
        .and_some(
            "type = ?",
            query.event_type.as_ref().map(|n| n.as_str().to_owned()),
        )
        .and_some(
            "id >= ?",
            query
                .since
                .map(|t| EventId::lower_bound_at(t.as_millis()).into_string()),
        );
    let (sql, values) = conditions.page(&query.page);
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(values), rows::event_summary)?;
    Ok(rows.collect::<Result<_, _>>()?)
}
