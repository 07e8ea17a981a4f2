//! `GET /api/webhooks/{id}/logs`: every attempt to a webhook, newest first, with filters.

use super::error::ApiError;
use super::extract::{ApiQuery, PathParam, param};
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::webhooks::visible_webhook;
use super::{AppState, Problem};
use crate::model::*;
use crate::store::AttemptQuery;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

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
