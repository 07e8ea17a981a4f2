//! The event type catalog: list, add (with an optional JSON Schema for `data`), delete.
//! Everyone can read it; only the admin changes it.

use super::auth::require_admin;
use super::error::ApiError;
use super::extract::{JsonBody, PathParam};
use super::input_schema::{self as schema, MAX_DESCRIPTION};
use super::paging::ListOf;
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::Caller;
use crate::publish::schemas;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventTypeIn {
    #[schema(schema_with = schema::event_name)]
    pub name: String,
    #[schema(schema_with = schema::description)]
    pub description: Option<String>,
    #[schema(schema_with = schema::json_schema)]
    pub schema: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventTypeOut {
    pub id: String,
    pub name: String,
    pub description: String,
    #[schema(schema_with = schema::json_schema)]
    pub schema: Option<serde_json::Value>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<EventType> for EventTypeOut {
    fn from(t: EventType) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.to_string(),
            description: t.description,
            schema: t.schema,
            created_at: t.created_at,
        }
    }
}

#[utoipa::path(get, path = "/api/event-types", tag = "event types",
    responses((status = 200, description = "The whole catalog, by name.", body = ListOf<EventTypeOut>)))]
pub async fn list_event_types(
    State(state): State<AppState>,
    _principal: Principal,
) -> Result<Json<ListOf<EventTypeOut>>, ApiError> {
    let types = state.store.list_event_types().await?;
    Ok(Json(ListOf {
        data: types.into_iter().map(EventTypeOut::from).collect(),
        next_cursor: None,
    }))
}

#[utoipa::path(post, path = "/api/event-types", tag = "event types", request_body = EventTypeIn,
    responses((status = 201, body = EventTypeOut), (status = 404, description = "A tenant token: only the admin changes the catalog.", body = Problem),
        (status = 409, description = "An event type of that name exists already (`already_exists`).", body = Problem), (status = 422, body = Problem)))]
pub async fn create_event_type(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(input): JsonBody<EventTypeIn>,
) -> Result<(StatusCode, Json<EventTypeOut>), ApiError> {
    require_admin(&caller.principal)?;
    let name = EventName::parse(&input.name)
        .map_err(|e| ApiError::field("name", "invalid_event_name", e.to_string()))?;
    if let Some(schema) = &input.schema {
        schemas::compile(schema).map_err(|e| {
            ApiError::field(
                "schema",
                "invalid_schema",
                format!("is not a usable JSON Schema: {e}"),
            )
        })?;
    }
    let description = input.description.unwrap_or_default();
    if description.chars().count() > MAX_DESCRIPTION {
        return Err(ApiError::field(
            "description",
            "too_long",
            format!("must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    let event_type = EventType {
        id: EventTypeId::new(),
        name,
        description,
        schema: input.schema,
        created_at: Timestamp::now(),
    };
    let event_type = state.ops.create_event_type(&caller, event_type).await?;
    Ok((StatusCode::CREATED, Json(EventTypeOut::from(event_type))))
}

#[utoipa::path(delete, path = "/api/event-types/{name}", tag = "event types", params(("name" = String, Path, description = "The event type's name.")),
    responses((status = 204, description = "Deleted."), (status = 404, body = Problem)))]
pub async fn delete_event_type(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(name): PathParam,
) -> Result<StatusCode, ApiError> {
    require_admin(&caller.principal)?;
    let name = EventName::parse(&name).map_err(|_| ApiError::NotFound)?;
    state.ops.delete_event_type(&caller, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
