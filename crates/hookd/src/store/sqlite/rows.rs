//! Rows to domain types and back. Stored values were validated before they were written, so a
//! value that fails to parse here means a corrupt database and is reported as such.

use crate::model::*;
use crate::store::LoggedAttempt;
use crate::store::record::{self, WebhookRecord};
pub use crate::store::record::{
    ATTEMPT_COLUMNS, DELIVERY_COLUMNS, EVENT_SUMMARY_COLUMNS, EVENT_TYPE_COLUMNS,
    LOGGED_ATTEMPT_COLUMNS, TOKEN_COLUMNS, WEBHOOK_COLUMNS,
};
use crate::store::sealing::Sealer;
use crate::store::sent_headers;
use rusqlite::Row;
use rusqlite::types::Type;

pub(super) fn corrupt(column: usize, what: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, format!("corrupt {what}").into())
}

/// A webhook row as stored; `WebhookRecord::into_webhook` opens its secrets.
pub fn webhook_record(row: &Row) -> rusqlite::Result<WebhookRecord> {
    Ok(WebhookRecord {
        id: row.get(0)?,
        tenant: row.get(1)?,
        url: row.get(2)?,
        events: row.get(3)?,
        description: row.get(4)?,
        active: row.get(5)?,
        disabled_reason: row.get(6)?,
        filter: row.get(7)?,
        rate_limit: row.get(8)?,
        max_in_flight: row.get(9)?,
        timeout_ms: row.get(10)?,
        retry_schedule: row.get(11)?,
        headers: row.get(12)?,
        secret: row.get(13)?,
        previous_secret: row.get(14)?,
        previous_secret_expires_at: row.get(15)?,
        failure_streak: row.get(16)?,
        created_at: row.get(17)?,
        updated_at: row.get(18)?,
        signature_scheme: row.get(19)?,
        simple_header: row.get(20)?,
        simple_prefix: row.get(21)?,
        payload: row.get(22)?,
        breaker: row.get(23)?,
        ordering: row.get(24)?,
        circuit: circuit_record(row, 25)?,
    })
}

/// The circuit columns (`CIRCUIT_COLUMNS`) of a row, from column `first` on.
pub fn circuit_record(row: &Row, first: usize) -> rusqlite::Result<record::CircuitRecord> {
    Ok(record::CircuitRecord {
        state: row.get(first)?,
        failures: row.get(first + 1)?,
        opened_at: row.get(first + 2)?,
        next_probe_at: row.get(first + 3)?,
        reason: row.get(first + 4)?,
        cooldown_ms: row.get(first + 5)?,
        probe_by: row.get(first + 6)?,
        probe_until: row.get(first + 7)?,
    })
}

/// The webhook's columns as SQL parameters, in `WEBHOOK_COLUMNS` order, its secrets sealed by
/// `sealer`.
pub fn webhook_params(w: &Webhook, sealer: &Sealer) -> [Box<dyn rusqlite::ToSql>; 33] {
    let r = WebhookRecord::of(w, sealer);
    [
        Box::new(r.id),
        Box::new(r.tenant),
        Box::new(r.url),
        Box::new(r.events),
        Box::new(r.description),
        Box::new(r.active),
        Box::new(r.disabled_reason),
        Box::new(r.filter),
        Box::new(r.rate_limit),
        Box::new(r.max_in_flight),
        Box::new(r.timeout_ms),
        Box::new(r.retry_schedule),
        Box::new(r.headers),
        Box::new(r.secret),
        Box::new(r.previous_secret),
        Box::new(r.previous_secret_expires_at),
        Box::new(r.failure_streak),
        Box::new(r.created_at),
        Box::new(r.updated_at),
        Box::new(r.signature_scheme),
        Box::new(r.simple_header),
        Box::new(r.simple_prefix),
        Box::new(r.payload),
        Box::new(r.breaker),
        Box::new(r.ordering),
        Box::new(r.circuit.state),
        Box::new(r.circuit.failures),
        Box::new(r.circuit.opened_at),
        Box::new(r.circuit.next_probe_at),
        Box::new(r.circuit.reason),
        Box::new(r.circuit.cooldown_ms),
        Box::new(r.circuit.probe_by),
        Box::new(r.circuit.probe_until),
    ]
}

pub fn event_summary(row: &Row) -> rusqlite::Result<EventSummary> {
    Ok(EventSummary {
        id: EventId::from_trusted(row.get(0)?),
        tenant: Tenant::from_trusted(&row.get::<_, String>(1)?),
        event_type: EventName::from_trusted(row.get(2)?),
        idempotency_key: row.get(3)?,
        created_at: Timestamp::from_millis(row.get(4)?),
        delivery_count: row.get(5)?,
        inbox_request_id: row
            .get::<_, Option<String>>(6)?
            .map(InboxRequestId::from_trusted),
    })
}

pub fn delivery(row: &Row) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: DeliveryId::from_trusted(row.get(0)?),
        event_id: EventId::from_trusted(row.get(1)?),
        webhook_id: WebhookId::from_trusted(row.get(2)?),
        tenant: Tenant::from_trusted(&row.get::<_, String>(3)?),
        event_type: EventName::from_trusted(row.get(4)?),
        status: DeliveryStatus::parse(&row.get::<_, String>(5)?)
            .ok_or_else(|| corrupt(5, "status"))?,
        attempt_count: row.get(6)?,
        next_attempt_at: row.get::<_, Option<i64>>(7)?.map(Timestamp::from_millis),
        created_at: Timestamp::from_millis(row.get(8)?),
        updated_at: Timestamp::from_millis(row.get(9)?),
    })
}

pub fn attempt(row: &Row) -> rusqlite::Result<Attempt> {
    let mut attempt = Attempt {
        id: AttemptId::from_trusted(row.get(0)?),
        delivery_id: DeliveryId::from_trusted(row.get(1)?),
        webhook_id: WebhookId::from_trusted(row.get(2)?),
        event_id: EventId::from_trusted(row.get(3)?),
        tenant: Tenant::from_trusted(&row.get::<_, String>(4)?),
        event_type: EventName::from_trusted(row.get(5)?),
        attempt: row.get(6)?,
        status: AttemptStatus::parse(&row.get::<_, String>(7)?)
            .ok_or_else(|| corrupt(7, "status"))?,
        response_code: row.get(8)?,
        response_body: row.get(9)?,
        error: row.get(10)?,
        duration_ms: row.get(11)?,
        request_headers: Vec::new(),
        created_at: Timestamp::from_millis(row.get(13)?),
        response_headers: record::decode_response_headers(
            row.get::<_, Option<String>>(14)?.as_deref(),
        )
        .map_err(|e| corrupt(14, e))?,
    };
    // Read last: the stored headers take some of their values from the other fields.
    attempt.request_headers =
        sent_headers::decode(&row.get::<_, String>(12)?, &attempt).map_err(|e| corrupt(12, e))?;
    Ok(attempt)
}

/// An attempt read with `LOGGED_ATTEMPT_COLUMNS`: the attempt and its delivery's status.
pub fn logged_attempt(row: &Row) -> rusqlite::Result<LoggedAttempt> {
    Ok(LoggedAttempt {
        attempt: attempt(row)?,
        delivery_status: row
            .get::<_, Option<String>>(15)?
            .as_deref()
            .and_then(DeliveryStatus::parse),
    })
}

pub fn token(row: &Row) -> rusqlite::Result<TokenRecord> {
    Ok(TokenRecord {
        id: TokenId::from_trusted(row.get(0)?),
        name: row.get(1)?,
        tenant: Tenant::from_trusted(&row.get::<_, String>(2)?),
        hash: TokenHash::from_hex(&row.get::<_, String>(3)?)
            .ok_or_else(|| corrupt(3, "token hash"))?,
        created_at: Timestamp::from_millis(row.get(4)?),
    })
}

pub fn event_type(row: &Row) -> rusqlite::Result<EventType> {
    let schema = row
        .get::<_, Option<String>>(3)?
        .map(|text| serde_json::from_str(&text).map_err(|_| corrupt(3, "schema")))
        .transpose()?;
    Ok(EventType {
        id: EventTypeId::from_trusted(row.get(0)?),
        name: EventName::from_trusted(row.get(1)?),
        description: row.get(2)?,
        schema,
        created_at: Timestamp::from_millis(row.get(4)?),
    })
}
