//! Inbox routes: create, list, read, change, delete. Each change reloads the registry `/in/`
//! answers from (and, on PostgreSQL, signals the other nodes to).

use super::error::ApiError;
use super::extract::{ApiQuery, JsonBody, PathParam, param, path_id};
use super::inbox_wire::{self as wire, InboxIn, InboxOut, InboxPatch, SETTING_KEYS};
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::webhook_input::{self as input, Checks};
use super::{AppState, Problem};
use crate::model::*;
use crate::ops::{InboxChange, NewInbox};
use crate::store::InboxQuery;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

#[utoipa::path(post, path = "/api/inboxes", tag = "inboxes", request_body = InboxIn,
    responses((status = 201, description = "The inbox, with `verify.secret` this once.", body = InboxOut), (status = 409, description = "The tenant has `max_inboxes_per_tenant` inboxes.", body = Problem), (status = 422, body = Problem)))]
pub async fn create_inbox(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<(StatusCode, Json<InboxOut>), ApiError> {
    let mut checks = Checks::default();
    for key in body.keys() {
        let known = SETTING_KEYS.contains(&key.as_str())
            || ["name", "description", "tenant", "playground", "active"].contains(&key.as_str());
        if !known {
            checks.push(FieldError::new(
                key.clone(),
                "unknown_field",
                "is not a field of an inbox",
            ));
        }
    }
    let name = match wire::text(&mut checks, &body, "name") {
        Some(Some(text)) => wire::name(&mut checks, &text),
        Some(None) => {
            checks.push(FieldError::new("name", "required", "is required"));
            None
        }
        None => None,
    };
    let description = wire::text(&mut checks, &body, "description")
        .and_then(|text| wire::description(&mut checks, text));
    let tenant = wire::text(&mut checks, &body, "tenant")
        .and_then(|t| input::tenant(&mut checks, &principal, t.as_deref()));
    let playground = wire::flag(&mut checks, &body, "playground").map(|f| f.unwrap_or(false));
    let active = wire::flag(&mut checks, &body, "active").map(|f| f.unwrap_or(true));
    let settings = match InboxSettings::from_json(&body, playground.unwrap_or(false)) {
        Ok(settings) => Some(settings),
        Err(errors) => {
            errors.into_iter().for_each(|e| checks.push(e));
            None
        }
    };
    let given_secret = body.get("verify").and_then(|v| v.get("secret"));
    let secret = settings
        .as_ref()
        .and_then(|s| wire::secret(&mut checks, &s.scheme, given_secret, None));
    let parsed = (|| {
        Some(NewInbox {
            tenant: tenant?,
            name: name?,
            description: description?,
            settings: settings?,
            secret: secret?.0,
            playground: playground?,
            active: active?,
        })
    })();
    let new = checks.finish_with(parsed)?;
    let inbox = state.ops.create_inbox(new).await?;
    let url = state.inboxes.receive_url(&inbox.id);
    Ok((StatusCode::CREATED, Json(InboxOut::of(&inbox, url, true))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxListQuery {
    /// Only this tenant's inboxes (admin token).
    #[param(schema_with = schema::tenant)]
    tenant: Option<String>,
    playground: Option<bool>,
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    /// The id of the last inbox of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/inboxes", tag = "inboxes", params(InboxListQuery),
    responses((status = 200, body = ListOf<InboxOut>), (status = 422, body = Problem)))]
pub async fn list_inboxes(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<InboxListQuery>,
) -> Result<Json<ListOf<InboxOut>>, ApiError> {
    let (store_page, limit) = page(query.limit, query.cursor, |c| InboxId::parse(c).is_ok())?;
    let tenant = param("tenant", "invalid_tenant", query.tenant, Tenant::parse)?;
    let found = state
        .store
        .list_inboxes(&InboxQuery {
            scope: principal.scope(),
            page: store_page,
            tenant,
            playground: query.playground,
        })
        .await?;
    let inboxes = state.inboxes.clone();
    Ok(Json(list_of(
        found,
        limit,
        |i| i.id.to_string(),
        |i| InboxOut::of(&i, inboxes.receive_url(&i.id), false),
    )))
}

/// Loads an inbox the principal may see, or 404.
pub async fn visible_inbox(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<Inbox, ApiError> {
    let id = path_id(id, InboxId::parse)?;
    state
        .store
        .get_inbox(&principal.scope(), &id)
        .await?
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(get, path = "/api/inboxes/{id}", tag = "inboxes", params(("id" = String, Path, description = "The inbox id (`ibx_…`).")),
    responses((status = 200, body = InboxOut), (status = 404, body = Problem)))]
pub async fn get_inbox(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
) -> Result<Json<InboxOut>, ApiError> {
    let inbox = visible_inbox(&state, &principal, &id).await?;
    let url = state.inboxes.receive_url(&inbox.id);
    Ok(Json(InboxOut::of(&inbox, url, false)))
}

#[utoipa::path(patch, path = "/api/inboxes/{id}", tag = "inboxes", params(("id" = String, Path, description = "The inbox id (`ibx_…`).")), request_body = InboxPatch,
    responses((status = 200, description = "The inbox; `verify.secret` only when a new one was made.", body = InboxOut), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_inbox(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
    JsonBody(patch): JsonBody<Map<String, Value>>,
) -> Result<Json<InboxOut>, ApiError> {
    let inbox = visible_inbox(&state, &principal, &id).await?;
    let mut checks = Checks::default();
    for key in patch.keys() {
        match key.as_str() {
            "id" | "tenant" | "playground" | "receive_url" | "expires_at" | "created_at"
            | "updated_at" => {
                checks.push(FieldError::new(
                    key.clone(),
                    "immutable",
                    "cannot be changed",
                ));
            }
            "name" | "description" | "active" => {}
            other if SETTING_KEYS.contains(&other) => {}
            _ => checks.push(FieldError::new(
                key.clone(),
                "unknown_field",
                "is not a field of an inbox",
            )),
        }
    }
    let name = match patch.get("name") {
        None => Some(inbox.name.clone()),
        Some(Value::String(text)) => wire::name(&mut checks, text),
        Some(_) => {
            checks.push(FieldError::new("name", "invalid_type", "must be a string"));
            None
        }
    };
    let description = match wire::text(&mut checks, &patch, "description") {
        Some(None) if !patch.contains_key("description") => Some(inbox.description.clone()),
        Some(text) => wire::description(&mut checks, text),
        None => None,
    };
    let active = wire::flag(&mut checks, &patch, "active").map(|f| f.unwrap_or(inbox.active));
    let merged = merge(inbox.settings.to_json(), &patch);
    let settings = match InboxSettings::from_json(&merged, inbox.playground) {
        Ok(settings) => Some(settings),
        Err(errors) => {
            errors.into_iter().for_each(|e| checks.push(e));
            None
        }
    };
    let given_secret = patch.get("verify").and_then(|v| v.get("secret"));
    let scheme_changed = settings
        .as_ref()
        .is_some_and(|s| s.scheme.name() != inbox.settings.scheme.name());
    // A new scheme keeps none of the old one's secret (made for another sender, and often of
    // another form): it gets the one given, or a new one, or 422 where the sender issues it.
    let current = inbox.secret.as_ref().filter(|_| !scheme_changed);
    let secret = settings
        .as_ref()
        .and_then(|s| wire::secret(&mut checks, &s.scheme, given_secret, current));
    let parsed = (|| {
        let (secret, new_secret) = secret?;
        let change = InboxChange {
            name: name?,
            description: description?,
            active: active?,
            settings: settings?,
            secret,
        };
        Some((change, new_secret))
    })();
    let (change, new_secret) = checks.finish_with(parsed)?;
    let inbox = state.ops.update_inbox(inbox, change).await?;
    let url = state.inboxes.receive_url(&inbox.id);
    Ok(Json(InboxOut::of(&inbox, url, new_secret)))
}

/// The stored settings with a patch's setting keys applied: objects merged key by key (a
/// `null` value removes the key: back to its default), other values replaced.
fn merge(mut settings: Value, patch: &Map<String, Value>) -> Map<String, Value> {
    let document = settings.as_object_mut().expect("settings are an object");
    for key in SETTING_KEYS {
        let Some(value) = patch.get(*key) else {
            continue;
        };
        match (document.get_mut(*key), value) {
            (Some(Value::Object(current)), Value::Object(changes)) => {
                for (field, change) in changes {
                    if field == "secret" {
                        continue;
                    }
                    if change.is_null() {
                        current.remove(field);
                    } else {
                        current.insert(field.clone(), change.clone());
                    }
                }
            }
            (_, Value::Null) => {
                document.remove(*key);
            }
            _ => {
                document.insert((*key).to_owned(), value.clone());
            }
        }
    }
    // A new scheme starts from its own defaults for the fields only some schemes have.
    if let Some(Value::Object(verify)) = patch.get("verify")
        && verify.contains_key("scheme")
        && let Some(Value::Object(current)) = document.get_mut("verify")
    {
        for field in ["header", "algorithm", "encoding", "prefix"] {
            if !verify.contains_key(field) {
                current.remove(field);
            }
        }
    }
    std::mem::take(document)
}

#[utoipa::path(delete, path = "/api/inboxes/{id}", tag = "inboxes", params(("id" = String, Path, description = "The inbox id (`ibx_…`).")),
    responses((status = 204, description = "Deleted, with its history."), (status = 404, body = Problem)))]
pub async fn delete_inbox(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
) -> Result<StatusCode, ApiError> {
    let id = path_id(&id, InboxId::parse)?;
    state.ops.delete_inbox(&principal.scope(), &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
