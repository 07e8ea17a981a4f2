//! `POST /api/webhooks/{id}/recover`: every delivery of a webhook that ended failed since a
//! time gets one more attempt (after its receiver was fixed).

use super::dead_letters::BulkRetryOut;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam};
use super::input_schema as schema;
use super::webhooks::visible_webhook;
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::Caller;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverIn {
    /// Re-queue deliveries that ended failed at or after this time.
    #[schema(schema_with = schema::timestamp)]
    pub since: Timestamp,
    /// Count and show a sample; change nothing.
    pub dry_run: Option<bool>,
}

#[utoipa::path(post, path = "/api/webhooks/{id}/recover", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")), request_body = RecoverIn,
    responses((status = 200, description = "Re-queued, each for one more attempt, paced (or, with `dry_run`, what would be).", body = BulkRetryOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn recover_webhook(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
    JsonBody(input): JsonBody<RecoverIn>,
) -> Result<Json<BulkRetryOut>, ApiError> {
    let webhook = visible_webhook(&state, &caller.principal, &id).await?;
    let dry_run = input.dry_run.unwrap_or(false);
    let recovered = state
        .ops
        .recover_webhook(&caller, &webhook, input.since, dry_run)
        .await?;
    Ok(Json(BulkRetryOut::new(recovered, dry_run)))
}
