//! The audit log: every change made through the API is recorded (who: the admin or a tenant
//! token, from which address; what; when), and `GET /api/audit` lists the entries to the admin.
//! Entries name fields and ids, never a secret or a custom header's value.

use super::auth::require_admin;
use super::error::ApiError;
use super::extract::{ApiQuery, param};
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::Caller;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::net::SocketAddr;
use utoipa::{IntoParams, ToSchema};

/// The address a request came from (the connection's peer), for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Source(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        Ok(Source(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(peer)| peer.ip().to_string()),
        ))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    /// The principal the bearer token proves, and the connection's peer address.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let principal = Principal::from_request_parts(parts, state).await?;
        let Ok(Source(source_ip)) = Source::from_request_parts(parts, state).await;
        Ok(Caller {
            principal,
            source_ip,
        })
    }
}

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditOut {
    pub id: String,
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `admin`, `command_line`, or the id of the tenant token (`tok_…`) that made the change.
    pub actor: String,
    /// The tenant the change was made in; null for server-wide changes (event types, tokens,
    /// the admin token).
    pub tenant: Option<String>,
    /// `webhook.created`, `webhook.updated`, `webhook.deleted`, `webhook.enabled`,
    /// `webhook.disabled`, `webhook.secret_revealed`, `webhook.secret_rotated`,
    /// `webhook.tested`, `webhook.recovered`, `delivery.retried`, `deliveries.retried`,
    /// `event_type.created`,
    /// `event_type.deleted`, `token.created`, `token.revoked` or `admin_token.reset`.
    pub action: String,
    /// The id or name of what was changed.
    pub target: String,
    /// More about the change, such as the names of the fields a PATCH changed; never a secret.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// The address the request came from; null for the command line.
    pub source_ip: Option<String>,
}

impl From<AuditEntry> for AuditOut {
    fn from(entry: AuditEntry) -> Self {
        Self {
            id: entry.id.to_string(),
            at: entry.at,
            actor: entry.actor.as_string(),
            tenant: entry.tenant.map(|t| t.to_string()),
            action: entry.action.as_str().to_owned(),
            target: entry.target,
            detail: entry.detail,
            source_ip: entry.source_ip,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQueryIn {
    /// Only entries of this action, such as `webhook.deleted`.
    #[param(schema_with = schema::audit_action)]
    action: Option<String>,
    /// Only changes made in this tenant.
    #[param(schema_with = schema::tenant)]
    tenant: Option<String>,
    /// Only changes made by `admin`, `command_line` or a token id (`tok_…`).
    #[param(schema_with = schema::audit_actor)]
    actor: Option<String>,
    /// RFC 3339; entries at or after it.
    #[param(schema_with = schema::timestamp)]
    since: Option<String>,
    /// RFC 3339; entries at or before it.
    #[param(schema_with = schema::timestamp)]
    until: Option<String>,
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    #[param(schema_with = schema::audit_cursor)]
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQueryIn),
    responses((status = 200, description = "Changes made through the API, newest first (admin only).", body = ListOf<AuditOut>),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_audit(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQueryIn>,
) -> Result<Json<ListOf<AuditOut>>, ApiError> {
    require_admin(&principal)?;
    let (store_page, limit) = page(query.limit, query.cursor, |c| AuditId::parse(c).is_ok())?;
    let action = param("action", "invalid_action", query.action, |text: &str| {
        AuditAction::parse(text).ok_or("is not an action of the audit log, such as webhook.deleted")
    })?;
    let actor = param("actor", "invalid_actor", query.actor, |text: &str| {
        let known = matches!(text, "admin" | "command_line") || TokenId::parse(text).is_ok();
        if known {
            Ok(text.to_owned())
        } else {
            Err("must be admin, command_line or a token id (tok_…)")
        }
    })?;
    let entries = state
        .store
        .list_audit(&crate::store::AuditQuery {
            page: store_page,
            action,
            tenant: param("tenant", "invalid_tenant", query.tenant, Tenant::parse)?,
            actor,
            since: param("since", "invalid_timestamp", query.since, Timestamp::parse)?,
            until: param("until", "invalid_timestamp", query.until, Timestamp::parse)?,
        })
        .await?;
    Ok(Json(list_of(
        entries,
        limit,
        |entry| entry.id.to_string(),
        AuditOut::from,
    )))
}
