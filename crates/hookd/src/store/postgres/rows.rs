//! PostgreSQL rows to domain types. Column lists match the SQLite backend's; the conversions
//! of complex rows are shared through `store::record`.

use crate::model::*;
use crate::store::LoggedAttempt;
use crate::store::record::{self, Corrupt, WebhookRecord};
use crate::store::sealing::Sealer;
use crate::store::sent_headers;
use crate::store::{StoreError, StoreResult};
use bytes::Bytes;
use sqlx::Row;
use sqlx::postgres::PgRow;

pub use crate::store::record::{
    ATTEMPT_COLUMNS, DELIVERY_COLUMNS, EVENT_SUMMARY_COLUMNS, EVENT_TYPE_COLUMNS,
    LOGGED_ATTEMPT_COLUMNS, TOKEN_COLUMNS, WEBHOOK_COLUMNS,
};

impl From<Corrupt> for StoreError {
    fn from(corrupt: Corrupt) -> Self {
        StoreError::Internal(corrupt.to_string())
    }
}

/// A webhook row, its secrets opened by `sealer`.
pub fn webhook(row: &PgRow, sealer: &Sealer) -> StoreResult<Webhook> {
    let record = WebhookRecord {
        id: row.try_get(0)?,
        tenant: row.try_get(1)?,
        url: row.try_get(2)?,
        events: row.try_get(3)?,
        description: row.try_get(4)?,
        active: row.try_get(5)?,
        disabled_reason: row.try_get(6)?,
        filter: row.try_get(7)?,
        rate_limit: row.try_get::<Option<i32>, _>(8)?.map(i64::from),
        max_in_flight: i64::from(row.try_get::<i32, _>(9)?),
        timeout_ms: i64::from(row.try_get::<i32, _>(10)?),
        retry_schedule: row.try_get(11)?,
        headers: row.try_get(12)?,
        secret: row.try_get(13)?,
        previous_secret: row.try_get(14)?,
        previous_secret_expires_at: row.try_get(15)?,
        failure_streak: i64::from(row.try_get::<i32, _>(16)?),
        created_at: row.try_get(17)?,
        updated_at: row.try_get(18)?,
        signature_scheme: row.try_get(19)?,
        simple_header: row.try_get(20)?,
        simple_prefix: row.try_get(21)?,
        payload: row.try_get(22)?,
        breaker: row.try_get(23)?,
        ordering: row.try_get(24)?,
        circuit: circuit_record(row, 25)?,
    };
    Ok(record.into_webhook(sealer)?)
}

/// The circuit columns (`CIRCUIT_COLUMNS`) of a row, from column `first` on.
pub fn circuit_record(row: &PgRow, first: usize) -> StoreResult<record::CircuitRecord> {
    Ok(record::CircuitRecord {
        state: row.try_get(first)?,
        failures: i64::from(row.try_get::<i32, _>(first + 1)?),
        opened_at: row.try_get(first + 2)?,
        next_probe_at: row.try_get(first + 3)?,
        reason: row.try_get(first + 4)?,
        cooldown_ms: row.try_get(first + 5)?,
        probe_by: row.try_get(first + 6)?,
        probe_until: row.try_get(first + 7)?,
    })
}

/// Binds a webhook's settings in `WEBHOOK_COLUMNS` order up to `breaker` (the circuit's
/// columns are `bind_circuit`'s), its secrets sealed by `sealer`.
pub fn bind_webhook<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    w: &Webhook,
    sealer: &Sealer,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let r = WebhookRecord::of(w, sealer);
    query
        .bind(r.id)
        .bind(r.tenant)
        .bind(r.url)
        .bind(r.events)
        .bind(r.description)
        .bind(r.active)
        .bind(r.disabled_reason)
        .bind(r.filter)
        .bind(r.rate_limit.map(|n| n as i32))
        .bind(r.max_in_flight as i32)
        .bind(r.timeout_ms as i32)
        .bind(r.retry_schedule)
        .bind(r.headers)
        .bind(r.secret)
        .bind(r.previous_secret)
        .bind(r.previous_secret_expires_at)
        .bind(r.failure_streak as i32)
        .bind(r.created_at)
        .bind(r.updated_at)
        .bind(r.signature_scheme)
        .bind(r.simple_header)
        .bind(r.simple_prefix)
        .bind(r.payload)
        .bind(r.breaker)
        .bind(r.ordering)
}

/// Binds a new webhook's circuit columns (after `bind_webhook`'s; `CIRCUIT_COLUMNS` order).
pub fn bind_circuit<'q>(
    query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    w: &Webhook,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    let r = record::CircuitRecord::of(&w.circuit);
    query
        .bind(r.state)
        .bind(r.failures.min(i64::from(i32::MAX)) as i32)
        .bind(r.opened_at)
        .bind(r.next_probe_at)
        .bind(r.reason)
        .bind(r.cooldown_ms)
        .bind(r.probe_by)
        .bind(r.probe_until)
}

pub fn event_summary(row: &PgRow) -> StoreResult<EventSummary> {
    Ok(EventSummary {
        id: EventId::from_trusted(row.try_get(0)?),
        tenant: Tenant::from_trusted(row.try_get::<&str, _>(1)?),
        event_type: EventName::from_trusted(row.try_get(2)?),
        idempotency_key: row.try_get(3)?,
        created_at: Timestamp::from_millis(row.try_get(4)?),
        delivery_count: row.try_get::<i32, _>(5)? as u32,
        inbox_request_id: row
            .try_get::<Option<String>, _>(6)?
            .map(InboxRequestId::from_trusted),
    })
}

pub fn event_record(row: &PgRow) -> StoreResult<EventRecord> {
    Ok(EventRecord {
        summary: event_summary(row)?,
        payload: Bytes::from(row.try_get::<String, _>(7)?),
    })
}

pub fn delivery(row: &PgRow) -> StoreResult<Delivery> {
    Ok(Delivery {
        id: DeliveryId::from_trusted(row.try_get(0)?),
        event_id: EventId::from_trusted(row.try_get(1)?),
        webhook_id: WebhookId::from_trusted(row.try_get(2)?),
        tenant: Tenant::from_trusted(row.try_get::<&str, _>(3)?),
        event_type: EventName::from_trusted(row.try_get(4)?),
        status: DeliveryStatus::parse(row.try_get::<&str, _>(5)?).ok_or(Corrupt("status"))?,
        attempt_count: row.try_get::<i32, _>(6)? as u32,
        next_attempt_at: row
            .try_get::<Option<i64>, _>(7)?
            .map(Timestamp::from_millis),
        created_at: Timestamp::from_millis(row.try_get(8)?),
        updated_at: Timestamp::from_millis(row.try_get(9)?),
    })
}

pub fn attempt(row: &PgRow) -> StoreResult<Attempt> {
    let mut attempt = Attempt {
        id: AttemptId::from_trusted(row.try_get(0)?),
        delivery_id: DeliveryId::from_trusted(row.try_get(1)?),
        webhook_id: WebhookId::from_trusted(row.try_get(2)?),
        event_id: EventId::from_trusted(row.try_get(3)?),
        tenant: Tenant::from_trusted(row.try_get::<&str, _>(4)?),
        event_type: EventName::from_trusted(row.try_get(5)?),
        attempt: row.try_get::<i32, _>(6)? as u32,
        status: AttemptStatus::parse(row.try_get::<&str, _>(7)?).ok_or(Corrupt("status"))?,
        response_code: row.try_get::<Option<i32>, _>(8)?.map(|c| c as u16),
        response_body: row.try_get(9)?,
        error: row.try_get(10)?,
        duration_ms: row.try_get::<i32, _>(11)? as u32,
        request_headers: Vec::new(),
        created_at: Timestamp::from_millis(row.try_get(13)?),
        response_headers: record::decode_response_headers(row.try_get::<Option<&str>, _>(14)?)?,
    };
    // Read last: the stored headers take some of their values from the other fields.
    attempt.request_headers = sent_headers::decode(row.try_get::<&str, _>(12)?, &attempt)?;
    Ok(attempt)
}

/// An attempt read with `LOGGED_ATTEMPT_COLUMNS`: the attempt and its delivery's status.
pub fn logged_attempt(row: &PgRow) -> StoreResult<LoggedAttempt> {
    Ok(LoggedAttempt {
        attempt: attempt(row)?,
        delivery_status: row
            .try_get::<Option<&str>, _>(15)?
            .and_then(DeliveryStatus::parse),
    })
}

pub fn token(row: &PgRow) -> StoreResult<TokenRecord> {
    Ok(TokenRecord {
        id: TokenId::from_trusted(row.try_get(0)?),
        name: row.try_get(1)?,
        tenant: Tenant::from_trusted(row.try_get::<&str, _>(2)?),
        hash: TokenHash::from_hex(row.try_get::<&str, _>(3)?).ok_or(Corrupt("token_hash"))?,
        created_at: Timestamp::from_millis(row.try_get(4)?),
    })
}

pub fn event_type(row: &PgRow) -> StoreResult<EventType> {
    let schema = row
        .try_get::<Option<&str>, _>(3)?
        .map(|text| record::json(text, "schema"))
        .transpose()?;
    Ok(EventType {
        id: EventTypeId::from_trusted(row.try_get(0)?),
        name: EventName::from_trusted(row.try_get(1)?),
        description: row.try_get(2)?,
        schema,
        created_at: Timestamp::from_millis(row.try_get(4)?),
    })
}

/// Converts every row with `convert`.
pub fn all<T>(rows: Vec<PgRow>, convert: fn(&PgRow) -> StoreResult<T>) -> StoreResult<Vec<T>> {
    rows.iter().map(convert).collect()
}
