//! Event rows and the deliveries created with them, a whole batch in three statements.

use super::rows::{self, EVENT_SUMMARY_COLUMNS};
use super::{DUE_CHANNEL, notify, ordering};
use crate::model::*;
use crate::store::rules::ordering::{Place, place};
use crate::store::{Claim, EventQuery, StoreError, StoreResult};
use bytes::Bytes;
use sqlx::{PgPool, Row};
use std::collections::{HashMap, HashSet};

/// Stores each event with its deliveries. An event whose idempotency key was seen is reported
/// as a duplicate of the first; a delivery whose webhook was deleted or disabled since the
/// event was matched is dropped (and reported); one with an order key behind pending ones of
/// its key is stored waiting (unclaimed, not due) and reported.
pub async fn insert(
    pool: &PgPool,
    claim: &Claim,
    events: &[NewEvent],
) -> StoreResult<Vec<InsertedEvent>> {
    let mut transaction = pool.begin().await?;
    let outcomes = insert_in(&mut transaction, claim, events).await?;
    transaction.commit().await?;
    Ok(outcomes)
}

/// `insert` inside a transaction the caller commits.
pub async fn insert_in(
    transaction: &mut sqlx::PgConnection,
    claim: &Claim,
    events: &[NewEvent],
) -> StoreResult<Vec<InsertedEvent>> {
    let mut ids = Vec::with_capacity(events.len());
    let mut tenants = Vec::with_capacity(events.len());
    let mut types = Vec::with_capacity(events.len());
    let mut keys = Vec::with_capacity(events.len());
    let mut payloads = Vec::with_capacity(events.len());
    let mut counts = Vec::with_capacity(events.len());
    let mut times = Vec::with_capacity(events.len());
    let mut requests = Vec::with_capacity(events.len());
    let mut traceparents = Vec::with_capacity(events.len());
    let mut tracestates = Vec::with_capacity(events.len());
    for event in events {
        let payload = std::str::from_utf8(&event.payload)
            .map_err(|_| StoreError::Internal("event payload is not UTF-8".into()))?;
        ids.push(event.id.as_str());
        tenants.push(event.tenant.as_str());
        types.push(event.event_type.as_str());
        keys.push(event.idempotency_key.as_deref());
        payloads.push(payload);
        counts.push(event.deliveries.len() as i32);
        times.push(event.created_at.as_millis());
        requests.push(event.inbox_request_id.as_ref().map(InboxRequestId::as_str));
        traceparents.push(event.trace.as_ref().map(|t| t.parent.to_string()));
        tracestates.push(event.trace.as_ref().and_then(|t| t.state.as_deref()));
    }
    let inserted: HashSet<String> = sqlx::query_scalar(
        "INSERT INTO events (id, tenant, type, idempotency_key, payload, delivery_count, created_at, \
             inbox_request_id, traceparent, tracestate) \
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
                              $6::integer[], $7::bigint[], $8::text[], $9::text[], $10::text[]) \
         ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(&ids)
    .bind(&tenants)
    .bind(&types)
    .bind(&keys)
    .bind(&payloads)
    .bind(&counts)
    .bind(&times)
    .bind(&requests)
    .bind(&traceparents)
    .bind(&tracestates)
    .fetch_all(&mut *transaction)
    .await?
    .into_iter()
    .collect();

    let stored: Vec<&NewEvent> = events
        .iter()
        .filter(|e| inserted.contains(e.id.as_str()))
        .collect();
    let places = place_ordered(&mut *transaction, &stored).await?;
    let mut delivery = DeliveryColumns::default();
    for event in stored {
        for d in &event.deliveries {
            delivery.push(event, d, places.get(d.id.as_str()).copied());
        }
    }
    let created: HashSet<String> = if delivery.ids.is_empty() {
        HashSet::new()
    } else {
        sqlx::query_scalar(
            "INSERT INTO deliveries (id, event_id, webhook_id, tenant, event_type, status, \
                 attempt_count, next_attempt_at, claimed_by, lease_until, manual, created_at, \
                 updated_at, order_key, order_seq, order_waiting) \
             SELECT d.id, d.event_id, d.webhook_id, d.tenant, d.event_type, 'pending', 0, \
                    CASE WHEN d.waiting THEN NULL ELSE d.at END, \
                    CASE WHEN d.claimed THEN $9 END, CASE WHEN d.claimed THEN $10::bigint END, \
                    FALSE, d.at, d.at, d.order_key, d.order_seq, d.waiting \
             FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
                         $6::bigint[], $7::boolean[], $8::boolean[], $11::text[], \
                         $12::bigint[], $13::boolean[]) \
                  AS d(id, event_id, webhook_id, tenant, event_type, at, claimed, \
                       even_if_disabled, order_key, order_seq, waiting) \
             JOIN webhooks w ON w.id = d.webhook_id AND (w.active OR d.even_if_disabled) \
             RETURNING id",
        )
        .bind(&delivery.ids)
        .bind(&delivery.event_ids)
        .bind(&delivery.webhook_ids)
        .bind(&delivery.tenants)
        .bind(&delivery.types)
        .bind(&delivery.times)
        .bind(&delivery.claimed)
        .bind(&delivery.even_if_disabled)
        .bind(claim.by.as_str())
        .bind(claim.until.as_millis())
        .bind(&delivery.order_keys)
        .bind(&delivery.order_seqs)
        .bind(&delivery.waiting)
        .fetch_all(&mut *transaction)
        .await?
        .into_iter()
        .collect()
    };

    let mut outcomes = Vec::with_capacity(events.len());
    let mut shortfalls: HashMap<&str, i32> = HashMap::new();
    let mut unheld_due = false;
    for event in events {
        if !inserted.contains(event.id.as_str()) {
            let key = event.idempotency_key.as_deref().unwrap_or_default();
            let existing = find_by_key(&mut *transaction, &event.tenant, key)
                .await?
                .ok_or_else(|| StoreError::Conflict("events primary key".into()))?;
            outcomes.push(InsertedEvent::Duplicate(existing));
            continue;
        }
        let mut dropped = Vec::new();
        let mut waiting = Vec::new();
        for d in &event.deliveries {
            let waits = places.get(d.id.as_str()).is_some_and(|p| p.waiting);
            if !created.contains(d.id.as_str()) {
                dropped.push(d.id.clone());
            } else if waits {
                waiting.push(d.id.clone());
            } else {
                unheld_due |= !d.claimed && !d.waits_for_circuit;
            }
        }
        if !dropped.is_empty() {
            shortfalls.insert(event.id.as_str(), dropped.len() as i32);
        }
        outcomes.push(InsertedEvent::Created { dropped, waiting });
    }
    if !shortfalls.is_empty() {
        let (ids, counts): (Vec<&str>, Vec<i32>) = shortfalls.into_iter().unzip();
        sqlx::query(
            "UPDATE events SET delivery_count = delivery_count - s.dropped \
             FROM UNNEST($1::text[], $2::integer[]) AS s(id, dropped) WHERE events.id = s.id",
        )
        .bind(&ids)
        .bind(&counts)
        .execute(&mut *transaction)
        .await?;
    }
    if unheld_due {
        notify(&mut *transaction, DUE_CHANNEL).await?;
    }
    Ok(outcomes)
}

/// The places of the new deliveries that have an order key, by delivery id: after the pending
/// deliveries of their key, and after each other in publish order. Takes the keys' locks (held
/// until the transaction ends); nothing at all for a batch without ordered deliveries.
async fn place_ordered<'a>(
    transaction: &mut sqlx::PgConnection,
    events: &[&'a NewEvent],
) -> StoreResult<HashMap<&'a str, Place>> {
    let ordered: Vec<(&'a NewDelivery, &'a OrderKey)> = events
        .iter()
        .flat_map(|e| &e.deliveries)
        .filter_map(|d| d.order_key.as_ref().map(|key| (d, key)))
        .collect();
    if ordered.is_empty() {
        return Ok(HashMap::new());
    }
    ordering::lock_keys(
        &mut *transaction,
        ordered.iter().map(|(d, k)| (&d.webhook_id, *k)),
    )
    .await?;
    let mut keys: Vec<(&str, &str)> = ordered
        .iter()
        .map(|(d, k)| (d.webhook_id.as_str(), k.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut last = ordering::last_pending_seqs(&mut *transaction, &keys).await?;
    let mut places = HashMap::with_capacity(ordered.len());
    for (d, key) in ordered {
        let line = (d.webhook_id.as_str().to_owned(), key.as_str().to_owned());
        let spot = place(last.get(&line).copied());
        last.insert(line, spot.seq);
        places.insert(d.id.as_str(), spot);
    }
    Ok(places)
}

/// The new deliveries' columns, as arrays for `UNNEST`.
#[derive(Default)]
struct DeliveryColumns<'a> {
    ids: Vec<&'a str>,
    event_ids: Vec<&'a str>,
    webhook_ids: Vec<&'a str>,
    tenants: Vec<&'a str>,
    types: Vec<&'a str>,
    times: Vec<i64>,
    claimed: Vec<bool>,
    even_if_disabled: Vec<bool>,
    order_keys: Vec<Option<&'a str>>,
    order_seqs: Vec<Option<i64>>,
    waiting: Vec<bool>,
}

impl<'a> DeliveryColumns<'a> {
    /// A waiting delivery is never stored claimed.
    fn push(&mut self, event: &'a NewEvent, delivery: &'a NewDelivery, place: Option<Place>) {
        let waits = place.is_some_and(|p| p.waiting);
        self.ids.push(delivery.id.as_str());
        self.event_ids.push(event.id.as_str());
        self.webhook_ids.push(delivery.webhook_id.as_str());
        self.tenants.push(event.tenant.as_str());
        self.types.push(event.event_type.as_str());
        self.times.push(event.created_at.as_millis());
        self.claimed.push(delivery.claimed && !waits);
        self.even_if_disabled.push(delivery.even_if_disabled);
        self.order_keys
            .push(delivery.order_key.as_ref().map(OrderKey::as_str));
        self.order_seqs.push(place.map(|p| p.seq));
        self.waiting.push(waits);
    }
}

async fn find_by_key(
    conn: &mut sqlx::PgConnection,
    tenant: &Tenant,
    key: &str,
) -> StoreResult<Option<EventSummary>> {
    let sql = format!(
        "SELECT {EVENT_SUMMARY_COLUMNS} FROM events WHERE tenant = $1 AND idempotency_key = $2"
    );
    let row = sqlx::query(&sql)
        .bind(tenant.as_str())
        .bind(key)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(rows::event_summary).transpose()
}

pub async fn get(pool: &PgPool, scope: &Scope, id: &EventId) -> StoreResult<Option<EventRecord>> {
    let sql = format!(
        "SELECT {EVENT_SUMMARY_COLUMNS}, payload FROM events \
         WHERE id = $1 AND ($2::text IS NULL OR tenant = $2)"
    );
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .bind(scope.tenant().map(Tenant::as_str))
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(rows::event_record).transpose()
}

pub async fn payload(pool: &PgPool, id: &EventId) -> StoreResult<Option<Bytes>> {
    let text: Option<String> = sqlx::query_scalar("SELECT payload FROM events WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(text.map(Bytes::from))
}

/// Payloads of several events at once, with the inbox requests they came from.
pub async fn payloads(
    conn: &mut sqlx::PgConnection,
    ids: &[&str],
) -> StoreResult<HashMap<String, EventBody>> {
    let found = sqlx::query(
        "SELECT e.id, e.payload, r.body, r.original_headers, e.traceparent, e.tracestate \
         FROM events e \
         LEFT JOIN inbox_requests r ON r.id = e.inbox_request_id WHERE e.id = ANY($1)",
    )
    .bind(ids)
    .fetch_all(conn)
    .await?;
    found
        .into_iter()
        .map(|row| {
            let original = match row.try_get::<Option<Vec<u8>>, _>(2)? {
                Some(body) => Some((body, row.try_get::<String, _>(3)?)),
                None => None,
            };
            Ok((
                row.try_get::<String, _>(0)?,
                EventBody::from_stored(row.try_get(1)?, original)
                    .with_trace(row.try_get(4)?, row.try_get(5)?),
            ))
        })
        .collect()
}

pub async fn list(pool: &PgPool, query: &EventQuery) -> StoreResult<Vec<EventSummary>> {
    let sql = format!(
        "SELECT {EVENT_SUMMARY_COLUMNS} FROM events \
         WHERE ($1::text IS NULL OR tenant = $1) AND ($2::text IS NULL OR tenant = $2) \
           AND ($3::text IS NULL OR type = $3) AND ($4::text IS NULL OR id >= $4) \
           AND ($5::text IS NULL OR id < $5) \
         ORDER BY id DESC LIMIT $6"
    );
    let found = sqlx::query(&sql)
        .bind(query.scope.tenant().map(Tenant::as_str))
        .bind(query.tenant.as_ref().map(Tenant::as_str))
        .bind(query.event_type.as_ref().map(EventName::as_str))
        .bind(
            query
                .since
                .map(|t| EventId::lower_bound_at(t.as_millis()).into_string()),
        )
        .bind(query.page.before.as_deref())
        .bind(query.page.limit as i64)
        .fetch_all(pool)
        .await?;
    rows::all(found, rows::event_summary)
}
