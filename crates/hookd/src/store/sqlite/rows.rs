//! Rows to domain types and back. Stored values were validated before they were written, so a
//! value that fails to parse here means a corrupt database and is reported as such.

use crate::model::*;
use rusqlite::Row;
use rusqlite::types::Type;
use std::collections::BTreeMap;

fn corrupt(column: usize, what: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, Type::Text, format!("corrupt {what}").into())
}

pub const WEBHOOK_COLUMNS: &str = "id, tenant, url, events, description, active, disabled_reason, \
    filter, rate_limit, max_in_flight, timeout_ms, retry_schedule, headers, secret, \
    previous_secret, previous_secret_expires_at, failure_streak, created_at, updated_at";

pub fn webhook(row: &Row) -> rusqlite::Result<Webhook> {
    let events: Vec<String> = json_column(row, 3)?;
    let events = events
        .iter()
        .map(|p| EventPattern::parse(p).map_err(|_| corrupt(3, "event pattern")))
        .collect::<rusqlite::Result<_>>()?;
    let filter = row
        .get::<_, Option<String>>(7)?
        .map(|source| Filter::parse(&source).map_err(|_| corrupt(7, "filter")))
        .transpose()?;
    let retry_schedule = row
        .get::<_, Option<String>>(11)?
        .map(|text| {
            let items: Vec<String> =
                serde_json::from_str(&text).map_err(|_| corrupt(11, "schedule"))?;
            RetrySchedule::parse(&items).map_err(|_| corrupt(11, "schedule"))
        })
        .transpose()?;
    let headers: BTreeMap<String, String> = json_column(row, 12)?;
    let secret = secret_column(row, 13)?.ok_or_else(|| corrupt(13, "secret"))?;
    let previous_secret = match (secret_column(row, 14)?, row.get::<_, Option<i64>>(15)?) {
        (Some(secret), Some(expires)) => Some(RotatedSecret {
            secret,
            expires_at: Timestamp::from_millis(expires),
        }),
        _ => None,
    };
    Ok(Webhook {
        id: WebhookId::from_trusted(row.get(0)?),
        tenant: Tenant::from_trusted(&row.get::<_, String>(1)?),
        url: WebhookUrl::parse(&row.get::<_, String>(2)?).map_err(|_| corrupt(2, "url"))?,
        events,
        description: row.get(4)?,
        active: row.get(5)?,
        disabled_reason: row
            .get::<_, Option<String>>(6)?
            .as_deref()
            .and_then(DisabledReason::parse),
        filter,
        rate_limit: row.get(8)?,
        max_in_flight: row.get(9)?,
        timeout_ms: row.get(10)?,
        retry_schedule,
        headers: CustomHeaders::from_trusted(headers),
        secret,
        previous_secret,
        failure_streak: row.get(16)?,
        created_at: Timestamp::from_millis(row.get(17)?),
        updated_at: Timestamp::from_millis(row.get(18)?),
    })
}

fn secret_column(row: &Row, index: usize) -> rusqlite::Result<Option<WebhookSecret>> {
    row.get::<_, Option<String>>(index)?
        .map(|text| WebhookSecret::parse(&text).map_err(|_| corrupt(index, "secret")))
        .transpose()
}

fn json_column<T: serde::de::DeserializeOwned>(row: &Row, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text).map_err(|_| corrupt(index, "JSON"))
}

/// The webhook's columns as SQL parameters, in `WEBHOOK_COLUMNS` order.
pub fn webhook_params(w: &Webhook) -> [Box<dyn rusqlite::ToSql>; 19] {
    let events: Vec<String> = w.events.iter().map(ToString::to_string).collect();
    [
        Box::new(w.id.as_str().to_owned()),
        Box::new(w.tenant.as_str().to_owned()),
        Box::new(w.url.as_str().to_owned()),
        Box::new(serde_json::to_string(&events).expect("strings encode")),
        Box::new(w.description.clone()),
        Box::new(w.active),
        Box::new(w.disabled_reason.map(DisabledReason::as_str)),
        Box::new(w.filter.as_ref().map(|f| f.source().to_owned())),
        Box::new(w.rate_limit),
        Box::new(w.max_in_flight),
        Box::new(w.timeout_ms),
        Box::new(
            w.retry_schedule
                .as_ref()
                .map(|s| serde_json::to_string(s.texts()).expect("strings encode")),
        ),
        Box::new(serde_json::to_string(w.headers.as_map()).expect("strings encode")),
        Box::new(w.secret.expose().to_owned()),
        Box::new(
            w.previous_secret
                .as_ref()
                .map(|p| p.secret.expose().to_owned()),
        ),
        Box::new(w.previous_secret.as_ref().map(|p| p.expires_at.as_millis())),
        Box::new(w.failure_streak),
        Box::new(w.created_at.as_millis()),
        Box::new(w.updated_at.as_millis()),
    ]
}

pub const EVENT_SUMMARY_COLUMNS: &str =
    "id, tenant, type, idempotency_key, created_at, delivery_count";

pub fn event_summary(row: &Row) -> rusqlite::Result<EventSummary> {
    Ok(EventSummary {
        id: EventId::from_trusted(row.get(0)?),
        tenant: Tenant::from_trusted(&row.get::<_, String>(1)?),
        event_type: EventName::from_trusted(row.get(2)?),
        idempotency_key: row.get(3)?,
        created_at: Timestamp::from_millis(row.get(4)?),
        delivery_count: row.get(5)?,
    })
}

pub const DELIVERY_COLUMNS: &str = "id, event_id, webhook_id, tenant, event_type, status, \
    attempt_count, next_attempt_at, created_at, updated_at";

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

pub const ATTEMPT_COLUMNS: &str = "id, delivery_id, webhook_id, event_id, tenant, event_type, \
    attempt, status, response_code, response_body, error, duration_ms, request_headers, created_at";

pub fn attempt(row: &Row) -> rusqlite::Result<Attempt> {
    Ok(Attempt {
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
        request_headers: json_column(row, 12)?,
        created_at: Timestamp::from_millis(row.get(13)?),
    })
}

pub const TOKEN_COLUMNS: &str = "id, name, tenant, token_hash, created_at";

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

pub const EVENT_TYPE_COLUMNS: &str = "id, name, description, schema, created_at";

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
