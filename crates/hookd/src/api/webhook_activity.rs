//! What happens at a webhook: the synchronous test, the attempt log, and recovery of failed
//! deliveries (its statistics are in `stats`).

use super::audit::{self, Change, Source};
use super::error::ApiError;
use super::extract::{ApiQuery, JsonBody, OptionalJsonBody, PathParam, param};
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::webhooks::visible_webhook;
use super::{AppState, Problem};
use crate::dispatch::gates::Closed;
use crate::dispatch::{Target, count_recorded, perform};
use crate::model::*;
use crate::store::AttemptQuery;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// What to send in a test; a `webhook.ping` when omitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestIn {
    #[serde(rename = "type")]
    #[schema(schema_with = schema::event_name)]
    pub event_type: String,
    #[schema(schema_with = schema::any_json)]
    pub data: Box<serde_json::value::RawValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestOut {
    pub success: bool,
    pub response_code: Option<u16>,
    pub response_body: Option<String>,
    pub duration_ms: u32,
    pub error: Option<String>,
    pub attempt_id: String,
    pub event_id: String,
    pub delivery_id: String,
}

#[utoipa::path(post, path = "/api/webhooks/{id}/test", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    request_body(content = Option<TestIn>, description = "Optional: the event to send; a webhook.ping when omitted."),
    responses((status = 200, description = "One attempt made now, without retries, and logged.", body = TestOut), (status = 404, body = Problem),
        (status = 422, body = Problem),
        (status = 429, description = "The webhook has `max_in_flight` requests running, its rate limit allows none now, or hookd is at its outbound limit; `Retry-After` says when to try again.", body = Problem)))]
pub async fn test_webhook(
    State(state): State<AppState>,
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
    OptionalJsonBody(requested): OptionalJsonBody<TestIn>,
) -> Result<Json<TestOut>, ApiError> {
    let webhook = visible_webhook(&state, &principal, &id).await?;
    let (event_type, data) = match requested {
        Some(test) => test_event(&state, test)?,
        None => (
            EventName::parse("webhook.ping").expect("a valid name"),
            serde_json::json!({"webhook_id": webhook.id.as_str(), "message": "A test from hookd."})
                .to_string(),
        ),
    };
    // A test is a real request to the receiver: it waits for nobody, but it respects the
    // webhook's limits and hookd's like any delivery.
    let pass = state
        .gates
        .try_enter(&webhook, std::time::Instant::now())
        .map_err(busy)?;
    let (webhook_tenant, webhook_id) = (webhook.tenant.clone(), webhook.id.clone());
    let event_type_name = event_type.to_string();
    let now = Timestamp::now();
    let event_id = EventId::new();
    let delivery_id = DeliveryId::new();
    let payload = encode_payload(&event_id, &event_type, now, &data);
    let event = NewEvent {
        id: event_id.clone(),
        tenant: webhook.tenant.clone(),
        event_type: event_type.clone(),
        idempotency_key: None,
        payload: payload.clone(),
        created_at: now,
        deliveries: vec![NewDelivery {
            id: delivery_id.clone(),
            webhook_id: webhook.id.clone(),
            claimed: true,
            even_if_disabled: true,
        }],
        inbox_request_id: None,
        trace: None,
    };
    let claim = state.dispatcher.lease().claim();
    state.store.insert_events(&claim, vec![event]).await?;
    let job = DeliveryJob {
        delivery_id: delivery_id.clone(),
        event_id: event_id.clone(),
        webhook_id: webhook.id.clone(),
        tenant: webhook.tenant.clone(),
        event_type,
        payload,
        attempt: 1,
        manual: true,
        claim: claim.by,
        original: None,
        trace: None,
    };
    let target = Target::new(Arc::new(webhook), &state.config.retry_schedule);
    let outcome = perform(
        &state.outbound,
        &state.config.user_agent,
        &target,
        &job,
        false,
    )
    .await;
    drop(pass);
    let attempt = outcome.attempt.clone();
    let outcomes: Arc<[AttemptOutcome]> = Arc::from([outcome]);
    let disabled = state
        .store
        .record_outcomes(outcomes.clone(), state.config.disable_after_failures)
        .await?;
    count_recorded(&outcomes);
    if !disabled.is_empty() {
        state.directory.reload().await?;
    }
    let change = Change {
        action: AuditAction::WebhookTested,
        tenant: Some(&webhook_tenant),
        target: webhook_id.as_str(),
        detail: serde_json::json!({
            "type": event_type_name,
            "success": attempt.status == AttemptStatus::Succeeded,
            "response_code": attempt.response_code,
        }),
    };
    audit::record(&state, &principal, &source, change).await;
    Ok(Json(TestOut {
        success: attempt.status == AttemptStatus::Succeeded,
        response_code: attempt.response_code,
        response_body: attempt.response_body,
        duration_ms: attempt.duration_ms,
        error: attempt.error,
        attempt_id: attempt.id.to_string(),
        event_id: event_id.to_string(),
        delivery_id: delivery_id.to_string(),
    }))
}

/// The event a test sends, checked by the rules of publishing: a name of the application's
/// (not hookd's own), `data` within `max_event_bytes`, and the type's schema.
fn test_event(state: &AppState, test: TestIn) -> Result<(EventName, String), ApiError> {
    let event_type = match EventName::parse(&test.event_type) {
        Ok(name) if name.is_reserved() => {
            return Err(ApiError::field(
                "type",
                "reserved_event_name",
                "names starting with webhook. are hookd's own; omit the body to send a webhook.ping",
            ));
        }
        Ok(name) => name,
        Err(error) => {
            return Err(ApiError::field(
                "type",
                "invalid_event_name",
                error.to_string(),
            ));
        }
    };
    let limit = state.config.max_event_bytes;
    if test.data.get().len() > limit {
        return Err(ApiError::field(
            "data",
            "too_large",
            format!("must be at most {limit} bytes"),
        ));
    }
    check_unambiguous(test.data.get())
        .map_err(|problem| ApiError::field("data", problem.code(), problem.to_string()))?;
    let schemas = state.publisher.schemas();
    if schemas.has_schema(event_type.as_str()) {
        let data: serde_json::Value = serde_json::from_str(test.data.get())
            .map_err(|e| ApiError::field("data", "invalid_json", e.to_string()))?;
        schemas
            .check(event_type.as_str(), &data)
            .map_err(|message| ApiError::field("data", "schema_mismatch", message))?;
    }
    Ok((event_type, test.data.get().to_owned()))
}

/// A test held back by a limit: 429, saying which and when to try again.
fn busy(closed: Closed) -> ApiError {
    let (message, retry_after) = match closed {
        Closed::Webhook => (
            "The webhook has max_in_flight requests running; try again when one finishes."
                .to_owned(),
            1,
        ),
        Closed::RateLimited(at) => (
            "The webhook's rate limit allows no request now.".to_owned(),
            at.saturating_duration_since(std::time::Instant::now())
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64,
        ),
        Closed::Tenant => (
            "This tenant has its share of hookd's outbound requests running.".to_owned(),
            1,
        ),
        Closed::Node => ("hookd has max_outbound requests running.".to_owned(), 1),
    };
    ApiError::TooManyRequests {
        message,
        retry_after,
    }
}

/// One attempt in a webhook's log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptOut {
    pub id: String,
    pub delivery_id: String,
    pub event_id: String,
    pub event_type: String,
    /// 1 for a delivery's first attempt.
    pub attempt: u32,
    /// `succeeded` or `failed`.
    pub status: String,
    pub response_code: Option<u16>,
    /// The first 4 KiB of the response.
    pub response_body: Option<String>,
    /// Why it failed when there was no usable response.
    pub error: Option<String>,
    /// Whole milliseconds from sending the request to the end of the response (or the error).
    pub duration_ms: u32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// What became of the attempt's delivery since: `pending`, `succeeded`, `failed` or
    /// `cancelled` (null if it was deleted). A retry makes sense only when it is not
    /// `succeeded`.
    pub delivery_status: Option<String>,
}

impl AttemptOut {
    pub fn new(a: &Attempt, delivery_status: Option<DeliveryStatus>) -> Self {
        Self {
            id: a.id.to_string(),
            delivery_id: a.delivery_id.to_string(),
            event_id: a.event_id.to_string(),
            event_type: a.event_type.to_string(),
            attempt: a.attempt,
            status: a.status.as_str().to_owned(),
            response_code: a.response_code,
            response_body: a.response_body.clone(),
            error: a.error.clone(),
            duration_ms: a.duration_ms,
            created_at: a.created_at,
            delivery_status: delivery_status.map(|s| s.as_str().to_owned()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// `succeeded` or `failed`.
    #[param(schema_with = schema::attempt_status)]
    status: Option<String>,
    /// Only attempts for events of this name.
    #[param(schema_with = schema::event_name)]
    event: Option<String>,
    /// Only attempts for this event id.
    #[param(schema_with = schema::event_id)]
    event_id: Option<String>,
    /// RFC 3339; attempts made at or after it.
    #[param(schema_with = schema::timestamp)]
    since: Option<String>,
    /// RFC 3339; attempts made at or before it.
    #[param(schema_with = schema::timestamp)]
    until: Option<String>,
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    #[param(schema_with = schema::attempt_cursor)]
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/webhooks/{id}/logs", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`)."), LogQuery),
    responses((status = 200, description = "Every attempt to this webhook, newest first.", body = ListOf<AttemptOut>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_logs(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<Json<ListOf<AttemptOut>>, ApiError> {
    let webhook = visible_webhook(&state, &principal, &id).await?;
    let (store_page, limit) = page(query.limit, query.cursor, |c| AttemptId::parse(c).is_ok())?;
    let status = param("status", "invalid_status", query.status, |s: &str| {
        AttemptStatus::parse(s).ok_or("must be succeeded or failed")
    })?;
    let event_type = param("event", "invalid_event_name", query.event, EventName::parse)?;
    let event_id = param("event_id", "invalid_id", query.event_id, EventId::parse)?;
    let attempts = state
        .store
        .list_attempts(&AttemptQuery {
            webhook: webhook.id,
            page: store_page,
            status,
            event_type,
            event_id,
            since: param("since", "invalid_timestamp", query.since, Timestamp::parse)?,
            until: param("until", "invalid_timestamp", query.until, Timestamp::parse)?,
        })
        .await?;
    Ok(Json(list_of(
        attempts,
        limit,
        |logged| logged.attempt.id.to_string(),
        |logged| AttemptOut::new(&logged.attempt, logged.delivery_status),
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverIn {
    /// Re-queue deliveries that ended failed at or after this time.
    #[schema(schema_with = schema::timestamp)]
    pub since: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoverOut {
    /// How many failed deliveries were re-queued, each for one more attempt.
    pub requeued: u64,
}

#[utoipa::path(post, path = "/api/webhooks/{id}/recover", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")), request_body = RecoverIn,
    responses((status = 200, body = RecoverOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn recover_webhook(
    State(state): State<AppState>,
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
    JsonBody(input): JsonBody<RecoverIn>,
) -> Result<Json<RecoverOut>, ApiError> {
    let webhook = visible_webhook(&state, &principal, &id).await?;
    let requeued = state.store.recover_failed(&webhook.id, input.since).await?;
    tracing::info!(webhook_id = %webhook.id, requeued, "failed deliveries re-queued");
    let change = Change {
        action: AuditAction::WebhookRecovered,
        tenant: Some(&webhook.tenant),
        target: webhook.id.as_str(),
        detail: serde_json::json!({"since": input.since.to_string(), "requeued": requeued}),
    };
    audit::record(&state, &principal, &source, change).await;
    Ok(Json(RecoverOut { requeued }))
}
