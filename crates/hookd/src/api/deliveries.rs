//! Delivery routes: one delivery with its attempts and what was sent; a manual retry.

use super::attempt_log::AttemptOut;
use super::error::ApiError;
use super::extract::{PathParam, path_id};
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::Caller;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

/// One event for one webhook.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryOut {
    pub id: String,
    pub event_id: String,
    pub webhook_id: String,
    pub tenant: String,
    pub event_type: String,
    /// `pending`, `succeeded`, `failed` (retries exhausted) or `cancelled` (webhook deleted).
    pub status: String,
    pub attempt_count: u32,
    /// When the next attempt is due; null when finished or while the webhook is disabled.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub next_attempt_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

impl From<&Delivery> for DeliveryOut {
    fn from(d: &Delivery) -> Self {
        Self {
            id: d.id.to_string(),
            event_id: d.event_id.to_string(),
            webhook_id: d.webhook_id.to_string(),
            tenant: d.tenant.to_string(),
            event_type: d.event_type.to_string(),
            status: d.status.as_str().to_owned(),
            attempt_count: d.attempt_count,
            next_attempt_at: d.next_attempt_at,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// One attempt with the request that was sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptDetail {
    #[serde(flatten)]
    pub attempt: AttemptOut,
    /// The request headers as sent, in order, as `[name, value]` pairs (never a secret).
    #[schema(value_type = Vec<Vec<String>>)]
    pub request_headers: Vec<(String, String)>,
    /// The response's headers, in order, as `[name, value]` pairs: at most 32, each value cut
    /// to 256 characters; empty when there was no response.
    #[schema(value_type = Vec<Vec<String>>)]
    pub response_headers: Vec<(String, String)>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryDetail {
    #[serde(flatten)]
    pub delivery: DeliveryOut,
    /// The exact body sent to the receiver.
    #[schema(value_type = Object)]
    pub payload: Box<RawValue>,
    pub attempts: Vec<AttemptDetail>,
}

#[utoipa::path(get, path = "/api/deliveries/{id}", tag = "deliveries", params(("id" = String, Path, description = "The delivery id (`dlv_…`).")),
    responses((status = 200, body = DeliveryDetail), (status = 404, body = Problem)))]
pub async fn get_delivery(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
) -> Result<Json<DeliveryDetail>, ApiError> {
    let id = path_id(&id, DeliveryId::parse)?;
    let delivery = state
        .store
        .get_delivery(&principal.scope(), &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let payload = state
        .store
        .event_payload(&delivery.event_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let payload =
        String::from_utf8(payload.to_vec()).map_err(|e| ApiError::Internal(e.to_string()))?;
    let payload = RawValue::from_string(payload).map_err(|e| ApiError::Internal(e.to_string()))?;
    let attempts = state.store.attempts_of_delivery(&id).await?;
    Ok(Json(DeliveryDetail {
        delivery: DeliveryOut::from(&delivery),
        payload,
        attempts: attempts
            .into_iter()
            .map(|a| AttemptDetail {
                attempt: AttemptOut::new(&a, Some(delivery.status)),
                request_headers: a.request_headers,
                response_headers: a.response_headers,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetryAccepted {
    pub delivery_id: String,
    pub status: String,
}

#[utoipa::path(post, path = "/api/deliveries/{id}/retry", tag = "deliveries", params(("id" = String, Path, description = "The delivery id (`dlv_…`).")),
    responses(
        (status = 202, description = "One more attempt is being made now.", body = RetryAccepted),
        (status = 404, body = Problem),
        (status = 409, description = "Its webhook is disabled or deleted.", body = Problem)))]
pub async fn retry_delivery(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
) -> Result<(StatusCode, Json<RetryAccepted>), ApiError> {
    let id = path_id(&id, DeliveryId::parse)?;
    let retried = state.ops.retry_delivery(&caller, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(RetryAccepted {
            delivery_id: retried.delivery_id.to_string(),
            status: "pending".into(),
        }),
    ))
}
