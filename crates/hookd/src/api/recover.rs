//! `POST /api/webhooks/{id}/recover`: every delivery of a webhook that ended failed since a
//! time gets one more attempt (after its receiver was fixed).

use super::error::ApiError;
use super::extract::{JsonBody, PathParam};
use super::input_schema as schema;
use super::webhooks::visible_webhook;
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::Caller;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    caller: Caller,
    PathParam(id): PathParam,
    JsonBody(input): JsonBody<RecoverIn>,
) -> Result<Json<RecoverOut>, ApiError> {
    let webhook = visible_webhook(&state, &caller.principal, &id).await?;
    let requeued = state
        .ops
        .recover_webhook(&caller, &webhook, input.since)
        .await?;
    Ok(Json(RecoverOut { requeued }))
}
