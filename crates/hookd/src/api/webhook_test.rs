//! `POST /api/webhooks/{id}/test`: one request to the receiver now, answered with what it
//! said (the operation is `ops::Operations::test_webhook`).

use super::error::ApiError;
use super::extract::{OptionalJsonBody, PathParam};
use super::input_schema as schema;
use super::webhooks::visible_webhook;
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::{Caller, TestEvent};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    caller: Caller,
    PathParam(id): PathParam,
    OptionalJsonBody(requested): OptionalJsonBody<TestIn>,
) -> Result<Json<TestOut>, ApiError> {
    let webhook = visible_webhook(&state, &caller.principal, &id).await?;
    let event = requested.map(TestIn::parse).transpose()?;
    let tested = state.ops.test_webhook(&caller, webhook, event).await?;
    let attempt = tested.attempt;
    Ok(Json(TestOut {
        success: attempt.status == AttemptStatus::Succeeded,
        response_code: attempt.response_code,
        response_body: attempt.response_body,
        duration_ms: attempt.duration_ms,
        error: attempt.error,
        attempt_id: attempt.id.to_string(),
        event_id: tested.event_id.to_string(),
        delivery_id: tested.delivery_id.to_string(),
    }))
}

impl TestIn {
    /// The event's name parsed; the rest of publishing's rules are the operation's.
    fn parse(self) -> Result<TestEvent, ApiError> {
        let event_type = EventName::parse(&self.event_type)
            .map_err(|error| ApiError::field("type", "invalid_event_name", error.to_string()))?;
        Ok(TestEvent {
            event_type,
            data: self.data,
        })
    }
}
