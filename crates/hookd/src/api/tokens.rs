//! Tenant tokens (admin only): make one (shown once), list, revoke.

use super::auth::require_admin;
use super::error::ApiError;
use super::extract::{ApiQuery, JsonBody, PathParam, path_id};
use super::input_schema::{self as schema, MAX_TOKEN_NAME};
use super::paging::{ListOf, list_of, page};
use super::webhook_input::Checks;
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::Caller;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenIn {
    #[schema(schema_with = schema::token_name)]
    pub name: String,
    /// The only tenant it may see.
    #[schema(schema_with = schema::tenant)]
    pub tenant: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: String,
    pub name: String,
    pub tenant: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    #[serde(flatten)]
    pub info: TokenOut,
    /// The bearer token, shown this once: only its hash is kept.
    pub token: String,
}

impl From<&TokenRecord> for TokenOut {
    fn from(t: &TokenRecord) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
            tenant: t.tenant.to_string(),
            created_at: t.created_at,
        }
    }
}

#[utoipa::path(post, path = "/api/tokens", tag = "tokens", request_body = TokenIn,
    responses((status = 201, body = TokenCreated), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<TokenIn>,
) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    require_admin(&caller.principal)?;
    let mut checks = Checks::default();
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME {
        checks.push(FieldError::new(
            "name",
            "invalid_name",
            format!("must be 1 to {MAX_TOKEN_NAME} characters"),
        ));
    }
    let tenant = checks.take("tenant", "invalid_tenant", Tenant::parse(&input.tenant));
    let tenant = checks.finish_with(tenant)?;
    let (record, token) = state.ops.create_token(&caller, name, tenant).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            info: TokenOut::from(&record),
            token: token.expose().to_owned(),
        }),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenListQuery {
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    #[param(schema_with = schema::token_cursor)]
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/tokens", tag = "tokens", params(TokenListQuery),
    responses((status = 200, body = ListOf<TokenOut>), (status = 404, body = Problem)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<TokenListQuery>,
) -> Result<Json<ListOf<TokenOut>>, ApiError> {
    require_admin(&principal)?;
    let (store_page, limit) = page(query.limit, query.cursor, |c| TokenId::parse(c).is_ok())?;
    let tokens = state.store.list_tokens(&store_page).await?;
    Ok(Json(list_of(
        tokens,
        limit,
        |t| t.id.to_string(),
        |t| TokenOut::from(&t),
    )))
}

#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", params(("id" = String, Path, description = "The token id (`tok_…`).")),
    responses((status = 204, description = "Revoked at once."), (status = 404, body = Problem)))]
pub async fn delete_token(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam,
) -> Result<StatusCode, ApiError> {
    require_admin(&caller.principal)?;
    let id = path_id(&id, TokenId::parse)?;
    state.ops.revoke_token(&caller, &id).await?;
    state.auth.forget(&id);
    Ok(StatusCode::NO_CONTENT)
}
