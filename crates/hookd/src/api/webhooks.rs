//! Webhook routes: register, list, read, change, delete, enable/disable, and the secret.

use super::audit::{self, Change, Source};
use super::error::ApiError;
use super::extract::{ApiQuery, JsonBody, OptionalJsonBody, PathParam, param, path_id};
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::webhook_input::{self as input, Checks, WebhookIn, WebhookOut, WebhookPatch};
use super::webhook_signature as signing;
use super::{AppState, Problem};
use crate::model::*;
use crate::publish::{Publication, Targets};
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
    principal: Principal,
    source: Source,
    JsonBody(input): JsonBody<WebhookIn>,
) -> Result<(StatusCode, Json<WebhookCreated>), ApiError> {
    let mut checks = Checks::default();
    let url = input::url(&mut checks, &input.url);
    let events = input::patterns(&mut checks, &input.events);
    let description = input::description(&mut checks, input.description);
    let tenant = input::tenant(&mut checks, &principal, input.tenant.as_deref());
    let filter = input::filter(&mut checks, input.filter);
    let rate_limit = input::rate_limit(&mut checks, input.rate_limit);
    let max_in_flight = input::max_in_flight(
        &mut checks,
        input.max_in_flight,
        state.config.max_in_flight_per_webhook,
    );
    let timeout_ms = input::timeout_ms(&mut checks, input.timeout_ms);
    let retry_schedule = input::schedule(&mut checks, input.retry_schedule);
    let given_headers = input.headers.is_some();
    let headers = input::headers(&mut checks, input.headers);
    let defaults = SignatureOptions::default();
    let signature = signing::signature(
        &mut checks,
        input.signature,
        (SignatureScheme::default(), &defaults),
    );
    let secret = signature
        .as_ref()
        .and_then(|(scheme, _)| signing::secret(&mut checks, *scheme, input.secret));
    if let (Some(headers), Some((_, options))) = (&headers, &signature) {
        signing::check_clash(&mut checks, options, headers, given_headers);
    }
    checks.finish()?;
    let tenant = tenant.expect("checked");
    let limit = state.config.max_webhooks_per_tenant;
    if state.directory.snapshot().webhooks_of(&tenant) as u64 >= limit {
        return Err(ApiError::Conflict {
            code: "webhook_limit_reached",
            message: format!(
                "Tenant {tenant} has {limit} webhooks, the most hookd allows \
                 (max_webhooks_per_tenant); delete one first."
            ),
        });
    }
    let url = url.expect("checked");
    input::reachable(&state.policy, &state.outbound, &url).await?;
    let active = input.active.unwrap_or(true);
    let now = Timestamp::now();
    let webhook = Webhook {
        id: WebhookId::new(),
        tenant,
        url,
        events: events.expect("checked"),
        description: description.expect("checked"),
        active,
        disabled_reason: (!active).then_some(DisabledReason::Manual),
        filter: filter.expect("checked"),
        rate_limit: rate_limit.expect("checked"),
        max_in_flight: max_in_flight
            .expect("checked")
            .unwrap_or(DEFAULT_MAX_IN_FLIGHT),
        timeout_ms: timeout_ms.expect("checked").unwrap_or(DEFAULT_TIMEOUT_MS),
        retry_schedule: retry_schedule.expect("checked"),
        headers: headers.expect("checked"),
        secret: secret.expect("checked"),
        previous_secret: None,
        signature: signature.expect("checked").1,
        failure_streak: 0,
        payload: input.payload.map(Into::into).unwrap_or_default(),
        created_at: now,
        updated_at: now,
    };
    state.store.insert_webhook(&webhook).await?;
    state.directory.reload().await?;
    tracing::info!(webhook_id = %webhook.id, tenant = %webhook.tenant, "webhook registered");
    let change = Change {
        action: AuditAction::WebhookCreated,
        tenant: Some(&webhook.tenant),
        target: webhook.id.as_str(),
        detail: serde_json::json!({"url": webhook.url.as_str()}),
    };
    audit::record(&state, &principal, &source, change).await;
    let ping_event_id = if input.ping.unwrap_or(true) && active {
        ping(&state, &webhook).await
    } else {
        None
    };
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreated {
            webhook: WebhookOut::from(&webhook),
            secret: webhook.secret.expose().to_owned(),
            ping_event_id,
        }),
    ))
}

/// Publishes a `webhook.ping` to this webhook only. A failure here does not undo the
/// registration; it is logged.
async fn ping(state: &AppState, webhook: &Webhook) -> Option<String> {
    let data = serde_json::json!({
        "webhook_id": webhook.id.as_str(),
        "message": "hookd is checking that this endpoint receives webhooks.",
    });
    let publication = Publication {
        tenant: webhook.tenant.clone(),
        event_type: EventName::parse("webhook.ping").expect("a valid name"),
        data: serde_json::value::to_raw_value(&data).expect("JSON encodes"),
        idempotency_key: None,
        targets: Targets::Exactly(webhook.id.clone()),
        origin: None,
        trace: None,
    };
    match state
        .publisher
        .publish(vec![publication], |_| String::new())
        .await
    {
        Ok(published) => published.into_iter().next().map(|p| match p {
            crate::publish::Published::Created { id, .. } => id.to_string(),
            crate::publish::Published::Duplicate(summary) => summary.id.to_string(),
        }),
        Err(error) => {
            tracing::warn!(webhook_id = %webhook.id, %error, "could not publish the registration ping");
            None
        }
    }
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
        |w| WebhookOut::from(&w),
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
    Ok(Json(WebhookOut::from(
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
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
    JsonBody(patch): JsonBody<WebhookPatch>,
) -> Result<Json<WebhookUpdated>, ApiError> {
    let mut webhook = visible_webhook(&state, &principal, &id).await?;
    let fields = patch.fields();
    let mut checks = Checks::default();
    for (field, present) in [
        ("id", patch.id.is_some()),
        ("tenant", patch.tenant.is_some()),
    ] {
        if present {
            checks.push(FieldError::new(field, "immutable", "cannot be changed"));
        }
    }
    let signature = signing::change(&mut checks, &webhook, patch.signature, patch.secret);
    let url = patch
        .url
        .as_deref()
        .map(|text| input::url(&mut checks, text));
    let events = patch
        .events
        .as_deref()
        .map(|items| input::patterns(&mut checks, items));
    let description = patch
        .description
        .map(|text| input::description(&mut checks, Some(text)));
    let filter = patch.filter.map(|text| input::filter(&mut checks, text));
    let rate_limit = patch
        .rate_limit
        .map(|value| input::rate_limit(&mut checks, value));
    let max_in_flight = patch.max_in_flight.map(|value| {
        input::max_in_flight(
            &mut checks,
            Some(value),
            state.config.max_in_flight_per_webhook,
        )
    });
    let timeout_ms = patch
        .timeout_ms
        .map(|value| input::timeout_ms(&mut checks, Some(value)));
    let schedule = patch
        .retry_schedule
        .map(|items| input::schedule(&mut checks, items));
    let given_headers = patch.headers.is_some();
    let headers = patch
        .headers
        .map(|map| input::headers(&mut checks, Some(map)));
    let new_headers = headers
        .as_ref()
        .map_or(Some(&webhook.headers), Option::as_ref);
    if let (Some(change), Some(headers)) = (&signature, new_headers) {
        signing::check_clash(&mut checks, &change.options, headers, given_headers);
    }
    checks.finish()?;
    if let Some(Some(url)) = url {
        input::reachable(&state.policy, &state.outbound, &url).await?;
        webhook.url = url;
    }
    if let Some(Some(events)) = events {
        webhook.events = events;
    }
    if let Some(Some(description)) = description {
        webhook.description = description;
    }
    if let Some(Some(filter)) = filter {
        webhook.filter = filter;
    }
    if let Some(Some(rate_limit)) = rate_limit {
        webhook.rate_limit = rate_limit;
    }
    if let Some(Some(Some(max_in_flight))) = max_in_flight {
        webhook.max_in_flight = max_in_flight;
    }
    if let Some(Some(Some(timeout_ms))) = timeout_ms {
        webhook.timeout_ms = timeout_ms;
    }
    if let Some(Some(schedule)) = schedule {
        webhook.retry_schedule = schedule;
    }
    if let Some(Some(headers)) = headers {
        webhook.headers = headers;
    }
    if let Some(payload) = patch.payload {
        webhook.payload = payload.into();
    }
    let signature = signature.expect("checked");
    webhook.signature = signature.options;
    let now = Timestamp::now();
    webhook.updated_at = now;
    let rotated = signature.new_secret.map(|secret| {
        let expires_at = signing::rotate(&mut webhook, secret, now);
        (webhook.secret.expose().to_owned(), expires_at)
    });
    if !state.store.update_webhook(&webhook).await? {
        return Err(ApiError::NotFound);
    }
    if let Some(active) = patch.active.filter(|active| *active != webhook.active) {
        let change = if active {
            Activation::Enable
        } else {
            Activation::Disable(DisabledReason::Manual)
        };
        webhook = state
            .store
            .set_webhook_active(&principal.scope(), &webhook.id, change)
            .await?
            .ok_or(ApiError::NotFound)?;
    }
    state.directory.reload().await?;
    let change = Change {
        action: AuditAction::WebhookUpdated,
        tenant: Some(&webhook.tenant),
        target: webhook.id.as_str(),
        detail: serde_json::json!({"fields": fields}),
    };
    audit::record(&state, &principal, &source, change).await;
    if rotated.is_some() {
        let scheme = webhook.scheme().as_str();
        tracing::info!(webhook_id = %webhook.id, scheme, "signature scheme changed");
    }
    let (secret, previous_secret_expires_at) = rotated.unzip();
    Ok(Json(WebhookUpdated {
        webhook: WebhookOut::from(&webhook),
        secret,
        previous_secret_expires_at,
    }))
}

#[utoipa::path(delete, path = "/api/webhooks/{id}", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 204, description = "Deleted; its pending deliveries are cancelled."), (status = 404, body = Problem)))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id, WebhookId::parse)?;
    let tenant = state
        .directory
        .snapshot()
        .webhook(&id)
        .map(|w| w.tenant.clone());
    if !state.store.delete_webhook(&principal.scope(), &id).await? {
        return Err(ApiError::NotFound);
    }
    state.directory.reload().await?;
    tracing::info!(webhook_id = %id, "webhook deleted");
    let change = Change {
        action: AuditAction::WebhookDeleted,
        tenant: tenant.as_ref(),
        target: id.as_str(),
        detail: serde_json::json!({}),
    };
    audit::record(&state, &principal, &source, change).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn set_active(
    state: &AppState,
    principal: &Principal,
    source: &Source,
    id: &str,
    activation: Activation,
) -> Result<Json<WebhookOut>, ApiError> {
    let id = path_id(id, WebhookId::parse)?;
    let webhook = state
        .store
        .set_webhook_active(&principal.scope(), &id, activation)
        .await?
        .ok_or(ApiError::NotFound)?;
    state.directory.reload().await?;
    let action = match activation {
        Activation::Enable => AuditAction::WebhookEnabled,
        Activation::Disable(_) => AuditAction::WebhookDisabled,
    };
    let change = Change {
        action,
        tenant: Some(&webhook.tenant),
        target: webhook.id.as_str(),
        detail: serde_json::json!({}),
    };
    audit::record(state, principal, source, change).await;
    Ok(Json(WebhookOut::from(&webhook)))
}

#[utoipa::path(post, path = "/api/webhooks/{id}/enable", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 200, description = "Enabled: reason and failure streak cleared, waiting deliveries resume.", body = WebhookOut), (status = 404, body = Problem)))]
pub async fn enable_webhook(
    State(state): State<AppState>,
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
) -> Result<Json<WebhookOut>, ApiError> {
    set_active(&state, &principal, &source, &id, Activation::Enable).await
}

#[utoipa::path(post, path = "/api/webhooks/{id}/disable", tag = "webhooks", params(("id" = String, Path, description = "The webhook id (`wh_…`).")),
    responses((status = 200, description = "Disabled: it gets no new events and its pending deliveries wait.", body = WebhookOut), (status = 404, body = Problem)))]
pub async fn disable_webhook(
    State(state): State<AppState>,
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
) -> Result<Json<WebhookOut>, ApiError> {
    set_active(
        &state,
        &principal,
        &source,
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
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
) -> Result<Json<SecretOut>, ApiError> {
    let webhook = visible_webhook(&state, &principal, &id).await?;
    let change = Change {
        action: AuditAction::WebhookSecretRevealed,
        tenant: Some(&webhook.tenant),
        target: webhook.id.as_str(),
        detail: serde_json::json!({}),
    };
    audit::record(&state, &principal, &source, change).await;
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
    principal: Principal,
    source: Source,
    PathParam(id): PathParam,
    OptionalJsonBody(requested): OptionalJsonBody<SecretBody>,
) -> Result<Json<RotatedOut>, ApiError> {
    let mut webhook = visible_webhook(&state, &principal, &id).await?;
    let mut checks = Checks::default();
    let secret = signing::secret(&mut checks, webhook.scheme(), requested.map(|b| b.secret));
    checks.finish()?;
    let now = Timestamp::now();
    let expires_at = signing::rotate(&mut webhook, secret.expect("checked"), now);
    webhook.updated_at = now;
    if !state.store.update_webhook(&webhook).await? {
        return Err(ApiError::NotFound);
    }
    state.directory.reload().await?;
    tracing::info!(webhook_id = %webhook.id, "secret rotated");
    let change = Change {
        action: AuditAction::WebhookSecretRotated,
        tenant: Some(&webhook.tenant),
        target: webhook.id.as_str(),
        detail: serde_json::json!({"previous_secret_expires_at": expires_at.to_string()}),
    };
    audit::record(&state, &principal, &source, change).await;
    Ok(Json(RotatedOut {
        secret: webhook.secret.expose().to_owned(),
        public_key: webhook.secret.public_key(),
        previous_secret_expires_at: expires_at,
    }))
}
