//! Event routes: publish one or a batch, list, read one with its deliveries.

use super::deliveries::DeliveryOut;
use super::error::ApiError;
use super::extract::{ApiQuery, PathParam, param, path_id, read_json};
use super::input_schema::{self as schema, MAX_BATCH};
use super::paging::{ListOf, list_of, page};
use super::trace_headers::RequestTrace;
use super::webhook_input::{self as input, Checks};
use super::{AppState, Problem};
use crate::model::*;
use crate::publish::{Publication, PublishError, Published, Targets};
use crate::store::EventQuery;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

/// An event to publish.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventIn {
    #[serde(rename = "type")]
    #[schema(schema_with = schema::publishable_event_name)]
    pub event_type: String,
    #[schema(schema_with = schema::any_json)]
    pub data: Box<RawValue>,
    #[schema(schema_with = schema::idempotency_key)]
    pub id: Option<String>,
    /// Defaults to `default`; a tenant token may only name its own tenant.
    #[schema(schema_with = schema::optional_tenant)]
    pub tenant: Option<String>,
    #[schema(schema_with = schema::webhook_ids)]
    pub webhooks: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    #[schema(schema_with = schema::batch_events)]
    pub events: Vec<EventIn>,
}

/// An accepted event.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventAccepted {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    #[schema(value_type = String, format = DateTime)]
    pub timestamp: Timestamp,
    /// How many webhooks it goes to.
    pub deliveries: u32,
    /// True when the idempotency key was seen before and this is the first event.
    pub duplicate: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchAccepted {
    pub data: Vec<EventAccepted>,
}

impl From<Published> for EventAccepted {
    fn from(published: Published) -> Self {
        match published {
            Published::Created {
                id,
                event_type,
                timestamp,
                deliveries,
            } => Self {
                id: id.to_string(),
                event_type: event_type.to_string(),
                timestamp,
                deliveries,
                duplicate: false,
            },
            Published::Duplicate(first) => Self {
                id: first.id.to_string(),
                event_type: first.event_type.to_string(),
                timestamp: first.created_at,
                deliveries: first.delivery_count,
                duplicate: true,
            },
        }
    }
}

/// Parses one event; errors are named relative to the event.
fn publication(
    checks: &mut Checks,
    principal: &Principal,
    input: EventIn,
    max_data: usize,
) -> Option<Publication> {
    let event_type = match EventName::parse(&input.event_type) {
        Ok(name) if name.is_reserved() => {
            checks.push(FieldError::new(
                "type",
                "reserved_event_name",
                "names starting with webhook. are hookd's own",
            ));
            None
        }
        other => checks.take("type", "invalid_event_name", other),
    };
    if input.data.get().len() > max_data {
        checks.push(FieldError::new(
            "data",
            "too_large",
            format!("must be at most {max_data} bytes"),
        ));
    } else if let Err(problem) = check_unambiguous(input.data.get()) {
        checks.push(FieldError::new("data", problem.code(), problem.to_string()));
    }
    if let Some(key) = &input.id
        && (key.is_empty()
            || key.len() > MAX_IDEMPOTENCY_KEY_LEN
            || key.chars().any(char::is_control))
    {
        let message = format!("must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} printable characters");
        checks.push(FieldError::new("id", "invalid_idempotency_key", message));
    }
    let tenant = input::tenant(checks, principal, input.tenant.as_deref());
    let targets = match input.webhooks {
        None => Some(Targets::Subscribers),
        Some(ids) => {
            let mut parsed = Vec::with_capacity(ids.len());
            for (index, id) in ids.iter().enumerate() {
                parsed.extend(checks.take(
                    &format!("webhooks[{index}]"),
                    "invalid_id",
                    WebhookId::parse(id),
                ));
            }
            (parsed.len() == ids.len()).then_some(Targets::OnlyAmong(parsed))
        }
    };
    Some(Publication {
        tenant: tenant?,
        event_type: event_type?,
        data: input.data,
        idempotency_key: input.id,
        targets: targets?,
        origin: None,
        trace: None,
    })
}

fn publish_error(error: PublishError) -> ApiError {
    match error {
        PublishError::Invalid(errors) => ApiError::Invalid(errors),
        PublishError::Store(error) => error.into(),
    }
}

#[utoipa::path(post, path = "/api/events", tag = "events", request_body = EventIn,
    params(
        ("traceparent" = Option<String>, Header, description = super::trace_headers::TRACEPARENT_DOC),
        ("tracestate" = Option<String>, Header, description = super::trace_headers::TRACESTATE_DOC)),
    responses(
        (status = 202, description = "Stored durably; delivering.", body = EventAccepted),
        (status = 200, description = "The idempotency key was seen before: the first event.", body = EventAccepted),
        (status = 413, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)))]
pub async fn publish_event(
    State(state): State<AppState>,
    principal: Principal,
    RequestTrace(trace): RequestTrace,
    body: Body,
) -> Result<(StatusCode, Json<EventAccepted>), ApiError> {
    let limit = state.config.max_event_bytes;
    let input: EventIn = read_json(body, limit).await?;
    let mut checks = Checks::default();
    let publication = publication(&mut checks, &principal, input, limit);
    let mut publication = checks.finish_with(publication)?;
    publication.trace = trace;
    let published = state
        .publisher
        .publish(vec![publication], |_| String::new())
        .await
        .map_err(publish_error)?;
    let accepted =
        EventAccepted::from(published.into_iter().next().expect("one event in, one out"));
    let status = if accepted.duplicate {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(accepted)))
}

#[utoipa::path(post, path = "/api/events/batch", tag = "events", request_body = BatchIn,
    params(
        ("traceparent" = Option<String>, Header, description = super::trace_headers::TRACEPARENT_DOC),
        ("tracestate" = Option<String>, Header, description = super::trace_headers::TRACESTATE_DOC)),
    responses(
        (status = 202, description = "Every event stored durably (or found as a duplicate).", body = BatchAccepted),
        (status = 200, description = "Every event's idempotency key was seen before: the first events, nothing new.", body = BatchAccepted),
        (status = 413, body = Problem), (status = 422, description = "Nothing was stored.", body = Problem)))]
pub async fn publish_batch(
    State(state): State<AppState>,
    principal: Principal,
    RequestTrace(trace): RequestTrace,
    body: Body,
) -> Result<(StatusCode, Json<BatchAccepted>), ApiError> {
    let input: BatchIn = read_json(body, state.config.max_batch_bytes).await?;
    if input.events.is_empty() || input.events.len() > MAX_BATCH {
        return Err(ApiError::field(
            "events",
            "invalid_batch",
            format!("must hold 1 to {MAX_BATCH} events"),
        ));
    }
    let mut errors = Vec::new();
    let mut publications = Vec::with_capacity(input.events.len());
    for (index, event) in input.events.into_iter().enumerate() {
        let mut checks = Checks::default();
        let publication = publication(&mut checks, &principal, event, state.config.max_event_bytes);
        match checks.finish_with(publication) {
            Ok(publication) => publications.push(Publication {
                trace: trace.clone(),
                ..publication
            }),
            Err(ApiError::Invalid(found)) => errors.extend(
                found
                    .into_iter()
                    .map(|e| e.under(&format!("events[{index}]"))),
            ),
            Err(other) => return Err(other),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let published = state
        .publisher
        .publish(publications, |index| format!("events[{index}]"))
        .await
        .map_err(publish_error)?;
    let data: Vec<EventAccepted> = published.into_iter().map(EventAccepted::from).collect();
    let status = if data.iter().all(|e| e.duplicate) {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((status, Json(BatchAccepted { data })))
}

/// An event in a list (without its data).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummaryOut {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub tenant: String,
    #[schema(value_type = String, format = DateTime)]
    pub timestamp: Timestamp,
    /// The caller's idempotency key, if it gave one.
    pub idempotency_key: Option<String>,
    /// How many webhooks it went to.
    pub deliveries: u32,
    /// The inbox request it was made from, when it came from an inbox.
    pub inbox_request_id: Option<String>,
}

impl From<&EventSummary> for EventSummaryOut {
    fn from(e: &EventSummary) -> Self {
        Self {
            id: e.id.to_string(),
            event_type: e.event_type.to_string(),
            tenant: e.tenant.to_string(),
            timestamp: e.created_at,
            idempotency_key: e.idempotency_key.clone(),
            deliveries: e.delivery_count,
            inbox_request_id: e.inbox_request_id.as_ref().map(ToString::to_string),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// Only events of this name.
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = schema::event_name)]
    event_type: Option<String>,
    /// Only this tenant's events (admin token).
    #[param(schema_with = schema::tenant)]
    tenant: Option<String>,
    /// RFC 3339; events published at or after it.
    #[param(schema_with = schema::timestamp)]
    since: Option<String>,
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    #[param(schema_with = schema::event_cursor)]
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/events", tag = "events", params(EventListQuery),
    responses((status = 200, body = ListOf<EventSummaryOut>), (status = 422, body = Problem)))]
pub async fn list_events(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<EventListQuery>,
) -> Result<Json<ListOf<EventSummaryOut>>, ApiError> {
    let (store_page, limit) = page(query.limit, query.cursor, |c| EventId::parse(c).is_ok())?;
    let event_type = param(
        "type",
        "invalid_event_name",
        query.event_type,
        EventName::parse,
    )?;
    let tenant = param("tenant", "invalid_tenant", query.tenant, Tenant::parse)?;
    let since = param("since", "invalid_timestamp", query.since, Timestamp::parse)?;
    let events = state
        .store
        .list_events(&EventQuery {
            scope: principal.scope(),
            page: store_page,
            tenant,
            event_type,
            since,
        })
        .await?;
    Ok(Json(list_of(
        events,
        limit,
        |e| e.id.to_string(),
        |e| EventSummaryOut::from(&e),
    )))
}

/// An event with its data and where it went.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub tenant: String,
    #[schema(value_type = String, format = DateTime)]
    pub timestamp: Timestamp,
    pub idempotency_key: Option<String>,
    /// The inbox request it was made from, when it came from an inbox.
    pub inbox_request_id: Option<String>,
    #[schema(schema_with = schema::any_json)]
    pub data: Box<RawValue>,
    /// One per webhook it went to.
    pub deliveries: Vec<DeliveryOut>,
}

#[utoipa::path(get, path = "/api/events/{id}", tag = "events", params(("id" = String, Path, description = "The event id (`evt_…`).")),
    responses((status = 200, body = EventOut), (status = 404, body = Problem)))]
pub async fn get_event(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
) -> Result<Json<EventOut>, ApiError> {
    let id = path_id(&id, EventId::parse)?;
    let event = state
        .store
        .get_event(&principal.scope(), &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    #[derive(Deserialize)]
    struct Body {
        data: Box<RawValue>,
    }
    let body: Body =
        serde_json::from_slice(&event.payload).map_err(|e| ApiError::Internal(e.to_string()))?;
    let deliveries = state.store.deliveries_of_event(&id).await?;
    let summary = event.summary;
    Ok(Json(EventOut {
        id: summary.id.to_string(),
        event_type: summary.event_type.to_string(),
        tenant: summary.tenant.to_string(),
        timestamp: summary.created_at,
        idempotency_key: summary.idempotency_key,
        inbox_request_id: summary.inbox_request_id.map(|id| id.to_string()),
        data: body.data,
        deliveries: deliveries.iter().map(DeliveryOut::from).collect(),
    }))
}
