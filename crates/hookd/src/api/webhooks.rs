//! Webhook routes: register, list, read, change, delete, enable/disable, and the secret.

use super::error::ApiError;
use super::extract::{ApiQuery, JsonBody, OptionalJsonBody, PathParam, param, path_id};
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::webhook_input::{Checks, WebhookIn, WebhookOut, WebhookPatch};
use super::webhook_parse as parse;
use super::webhook_signature as signing;
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::Caller;
use crate::store::{Activation, WebhookQuery};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The answer to a registration: the webhook (with `public_key` for `v1a`), its secret (shown
/// this once here; readable later at `/secret`), and the ping event sent to it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub webhook: WebhookOut,
    pub secret: String,
    /// The `webhook.ping` event delivered to it, unless `ping` was false or it is disabled.
    pub ping_event_id: Option<String>,
}

#[utoipa::path(post, path = "/api/webhooks", tag = "webhooks", request_body = WebhookIn,
    responses((status = 201, body = WebhookCreated), (status = 409, description = "The tenant has `max_webhooks_per_tenant` webhooks.", body = Problem), (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<WebhookIn>,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    let new = parse::new_webhook(&state.config, &caller.principal, input)?;
    let created = state.ops.create_webhook(&caller, new).await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreated {
            webhook: state.webhook_out(&created.webhook),
            secret: created.webhook.secret.expose().to_owned(),
            ping_event_id: created.ping_event_id.map(|id| id.to_string()),
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookListQuery {
    /// Only this tenant's webhooks (admin token).
    #[param(schema_with = schema::tenant)]
    tenant: Option<String>,
    /// Only webhooks that receive this event name.
    #[param(schema_with = schema::event_name)]
    event: Option<String>,
    active: Option<bool>,
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    #[param(schema_with = schema::webhook_cursor)]
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/webhooks", tag = "webhooks", params(WebhookListQuery),
    responses((status = 200, body = ListOf<WebhookOut>), (status = 422, body = Problem)))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<WebhookListQuery>,
) -> Result<Json<ListOf<WebhookOut>>, ApiError> {
    let (mut store_page, limit) = page(query.limit, query.cursor, |c| WebhookId::parse(c).is_ok())?;
    let tenant = param("tenant", "invalid_tenant", query.tenant, Tenant::parse)?;
    let event = param("event", "invalid_event_name", query.event, EventName::parse)?;
    let mut found = Vec::new();
    // The event filter is applied here, so keep reading pages until the answer is full.
    loop {
        let batch = state
            .store
            .list_webhooks(&WebhookQuery {
                scope: principal.scope(),
                page: store_page.clone(),
                tenant: tenant.clone(),
                active: query.active,
            })
            .await?;
        let exhausted = batch.len() < store_page.limit;
        store_page.before = batch.last().map(|w| w.id.to_string());
        found.extend(
            batch
                .into_iter()
                .filter(|w| event.as_ref().is_none_or(|e| w.subscribes_to(e.as_str()))),
        );
        if exhausted || found.len() > limit {
            break;
        }
    }
    Ok(Json(list_of(
        found,
        limit,
        |w| w.id.to_string(),
        |w| state.webhook_out(&w),
    )))
}

/// Loads a webhook the principal may see, or 404.
pub async fn visible_webhook(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<Webhook, ApiError> {
    let id = path_id(id, WebhookId::parse)?;
    state
        .store
        .get_webhook(&principal.scope(), &id)
        .await?
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(get, path = "/api/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 200, body = WebhookOut), (status = 404, body = Problem)))]
pub async fn get_webhook(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
) -> Result<Json<WebhookOut>, ApiError> {
    Ok(Json(state.webhook_out(
        &visible_webhook(&state, &principal, &id).await?,
    )))
}

/// The answer to a change: the webhook, and after a change of scheme its new secret (shown in
/// full, as at registration) and until when the previous one still signs.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookUpdated {
    #[serde(flatten)]
    pub webhook: WebhookOut,
    /// Only when `signature.scheme` changed: the new secret, of the new scheme's kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub secret: Option<String>,
    /// Only when `signature.scheme` changed: until when the previous secret keeps signing (in
    /// its own scheme, beside the new one).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, format = DateTime, required = false)]
    pub previous_secret_expires_at: Option<Timestamp>,
}

#[utoipa::path(patch, path = "/api/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")), request_body = WebhookPatch,
    responses((status = 200, body = WebhookUpdated), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_webhook(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
    JsonBody(patch): JsonBody<WebhookPatch>,
) -> Result<Json<WebhookUpdated>, ApiError> {
    let webhook = visible_webhook(&state, &caller.principal, &id).await?;
    let change = parse::webhook_change(&state.config, &webhook, patch)?;
    let rotates = change.new_secret.is_some();
    let updated = state.ops.update_webhook(&caller, webhook, change).await?;
    let secret = rotates.then(|| updated.webhook.secret.expose().to_owned());
    Ok(Json(WebhookUpdated {
        webhook: state.webhook_out(&updated.webhook),
        secret,
        previous_secret_expires_at: updated.previous_secret_expires_at,
    }))
}

#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 204, description = "Deleted; its pending deliveries are cancelled."), (status = 404, body = Problem)))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id, WebhookId::parse)?;
    state.ops.delete_webhook(&caller, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_active(
    state: &AppState,
    caller: &Caller,
    id: &str,
    activation: Activation,
) -> Result<Json<WebhookOut>, ApiError> {
    let id = path_id(id, WebhookId::parse)?;
    let webhook = state
        .ops
        .set_webhook_active(caller, &id, activation)
        .await?;
    Ok(Json(state.webhook_out(&webhook)))
}

#[utoipa::path(post, path = "/api/webhooks/{id}/enable", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 200, description = "Enabled: reason and failure streak cleared, waiting deliveries resume.", body = WebhookOut), (status = 404, body = Problem)))]
pub async fn enable_webhook(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
) -> Result<Json<WebhookOut>, ApiError> {
    set_active(&state, &caller, &id, Activation::Enable).await
}

#[utoipa::path(post, path = "/api/webhooks/{id}/disable", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 200, description = "Disabled: it gets no new events and its pending deliveries wait.", body = WebhookOut), (status = 404, body = Problem)))]
pub async fn disable_webhook(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
) -> Result<Json<WebhookOut>, ApiError> {
    set_active(
        &state,
        &caller,
        &id,
        Activation::Disable(DisabledReason::Manual),
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SecretBody {
    /// Of the webhook's scheme's kind: `whsec_...` for `v1`, `whsk_...` for `v1a`.
    #[schema(schema_with = schema::secret)]
    pub secret: String,
}

/// A webhook's signing secret, and for `v1a` the public key receivers verify with.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecretOut {
    /// `whsec_...` (`v1`) or `whsk_...` (`v1a`).
    pub secret: String,
    /// For `v1a`: `whpk_...`, what receivers verify with; `null` for `v1`.
    pub public_key: Option<String>,
}

#[utoipa::path(get, path = "/api/webhooks/{id}/secret", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 200, body = SecretOut), (status = 404, body = Problem)))]
pub async fn get_secret(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
) -> Result<Json<SecretOut>, ApiError> {
    let webhook = visible_webhook(&state, &caller.principal, &id).await?;
    state.ops.reveal_secret(&caller, &webhook).await;
    Ok(Json(SecretOut {
        secret: webhook.secret.expose().to_owned(),
        public_key: webhook.secret.public_key(),
    }))
}

/// After a rotation: the new secret (and for `v1a` its public key), and until when the previous
/// one still signs.
#[derive(Debug, Serialize, ToSchema)]
pub struct RotatedOut {
    pub secret: String,
    /// For `v1a`: the new public key; `null` for `v1`.
    pub public_key: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub previous_secret_expires_at: Timestamp,
}

#[utoipa::path(post, path = "/api/webhooks/{id}/rotate-secret", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    request_body(content = Option<SecretBody>, description = "Optional: the new secret, of the webhook's scheme's kind; generated when omitted."),
    responses((status = 200, body = RotatedOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
    OptionalJsonBody(requested): OptionalJsonBody<SecretBody>,
) -> Result<Json<RotatedOut>, ApiError> {
    let webhook = visible_webhook(&state, &caller.principal, &id).await?;
    let mut checks = Checks::default();
    let secret = signing::secret(&mut checks, webhook.scheme(), requested.map(|b| b.secret));
    let secret = checks.finish_with(secret)?;
    let rotated = state.ops.rotate_secret(&caller, webhook, secret).await?;
    Ok(Json(RotatedOut {
        secret: rotated.webhook.secret.expose().to_owned(),
        public_key: rotated.webhook.secret.public_key(),
        previous_secret_expires_at: rotated.previous_secret_expires_at,
    }))
}
