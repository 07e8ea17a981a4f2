//! An inbox's history: list, one request with its body and what it became, replay (one, or a
//! time window with a dry run first), and the live stream (Server-Sent Events) that resumes
//! with `Last-Event-ID`.

use super::error::ApiError;
use super::extract::{ApiQuery, OptionalJsonBody, PathParam, param, path_id};
use super::inboxes::visible_inbox;
use super::input_schema as schema;
use super::paging::{ListOf, list_of, page};
use super::{AppState, Problem};
use crate::model::*;
use crate::ops;
use crate::store::InboxRequestQuery;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;
use utoipa::{IntoParams, ToSchema};

/// A stored request, without its body.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxRequestOut {
    pub id: String,
    pub inbox_id: String,
    #[schema(value_type = String, format = DateTime)]
    pub received_at: Timestamp,
    pub method: String,
    pub path: String,
    pub query: String,
    pub source_ip: String,
    /// `[name, value]` pairs as received.
    #[schema(value_type = Vec<Vec<String>>)]
    pub headers: Vec<(String, String)>,
    pub body_size: u64,
    pub verified: bool,
    pub verify_error: Option<String>,
    pub duplicate_of: Option<String>,
    pub event_id: Option<String>,
}

impl From<&InboxRequest> for InboxRequestOut {
    fn from(r: &InboxRequest) -> Self {
        Self {
            id: r.id.to_string(),
            inbox_id: r.inbox_id.to_string(),
            received_at: r.received_at,
            method: r.method.clone(),
            path: r.path.clone(),
            query: r.query.clone(),
            source_ip: r.source_ip.clone(),
            headers: r.headers.clone(),
            body_size: r.body_size,
            verified: r.verified,
            verify_error: r.verify_error.clone(),
            duplicate_of: r.duplicate_of.as_ref().map(ToString::to_string),
            event_id: r.event_id.as_ref().map(ToString::to_string),
        }
    }
}

/// A delivery of the event a request became.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestDeliveryOut {
    pub id: String,
    pub webhook_id: String,
    pub status: String,
    pub attempt_count: u32,
}

/// A stored request with its body exactly as received and what it became.
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxRequestDetail {
    #[serde(flatten)]
    pub request: InboxRequestOut,
    /// The body as text, when it is UTF-8.
    pub body: Option<String>,
    /// The body in base64, when it is not UTF-8.
    pub body_base64: Option<String>,
    pub deliveries: Vec<RequestDeliveryOut>,
}

async fn detail(state: &AppState, request: &InboxRequest) -> Result<InboxRequestDetail, ApiError> {
    let deliveries = match &request.event_id {
        Some(event) => state.store.deliveries_of_event(event).await?,
        None => Vec::new(),
    };
    Ok(detail_with(request, deliveries))
}

fn detail_with(request: &InboxRequest, deliveries: Vec<Delivery>) -> InboxRequestDetail {
    let (body, body_base64) = match std::str::from_utf8(&request.body) {
        Ok(text) => (Some(text.to_owned()), None),
        Err(_) => (None, Some(BASE64.encode(&request.body))),
    };
    InboxRequestDetail {
        request: InboxRequestOut::from(request),
        body,
        body_base64,
        deliveries: deliveries
            .into_iter()
            .map(|d| RequestDeliveryOut {
                id: d.id.to_string(),
                webhook_id: d.webhook_id.to_string(),
                status: d.status.as_str().to_owned(),
                attempt_count: d.attempt_count,
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestListQuery {
    verified: Option<bool>,
    /// true: only duplicates; false: none.
    duplicate: Option<bool>,
    #[param(value_type = Option<String>, format = DateTime)]
    since: Option<String>,
    #[param(value_type = Option<String>, format = DateTime)]
    until: Option<String>,
    #[param(schema_with = schema::limit)]
    limit: Option<u32>,
    /// The id of the last request of the previous page.
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/inboxes/{id}/requests", tag = "inboxes", params(("id" = String, Path, description = "The inbox id (`ibx_…`)."), RequestListQuery),
    responses((status = 200, body = ListOf<InboxRequestOut>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_requests(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
    ApiQuery(query): ApiQuery<RequestListQuery>,
) -> Result<Json<ListOf<InboxRequestOut>>, ApiError> {
    let inbox = visible_inbox(&state, &principal, &id).await?;
    let (store_page, limit) = page(query.limit, query.cursor, |c| {
        InboxRequestId::parse(c).is_ok()
    })?;
    let since = param("since", "invalid_timestamp", query.since, |t| {
        Timestamp::parse(t)
    })?;
    let until = param("until", "invalid_timestamp", query.until, |t| {
        Timestamp::parse(t)
    })?;
    let found = state
        .store
        .list_inbox_requests(&InboxRequestQuery {
            inbox: inbox.id,
            page: store_page,
            verified: query.verified,
            duplicate: query.duplicate,
            since,
            until,
            with_bodies: false,
        })
        .await?;
    Ok(Json(list_of(
        found,
        limit,
        |r| r.id.to_string(),
        |r| InboxRequestOut::from(&r),
    )))
}

/// A request the principal may see, or 404.
async fn visible_request(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<InboxRequest, ApiError> {
    let id = path_id(id, InboxRequestId::parse)?;
    state
        .store
        .get_inbox_request(&principal.scope(), &id)
        .await?
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(get, path = "/api/inbox-requests/{id}", tag = "inboxes", params(("id" = String, Path, description = "The request id (`req_…`).")),
    responses((status = 200, body = InboxRequestDetail), (status = 404, body = Problem)))]
pub async fn get_request(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
) -> Result<Json<InboxRequestDetail>, ApiError> {
    let request = visible_request(&state, &principal, &id).await?;
    Ok(Json(detail(&state, &request).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Replayed {
    /// The new event.
    pub event_id: String,
}

#[utoipa::path(post, path = "/api/inbox-requests/{id}/replay", tag = "inboxes", params(("id" = String, Path, description = "The request id (`req_…`).")),
    responses((status = 202, body = Replayed), (status = 404, body = Problem)))]
pub async fn replay_request(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
) -> Result<(StatusCode, Json<Replayed>), ApiError> {
    let request = visible_request(&state, &principal, &id).await?;
    let inbox = state
        .store
        .get_inbox(&principal.scope(), &request.inbox_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let event_id = state.ops.replay_request(&inbox, &request).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Replayed {
            event_id: event_id.to_string(),
        }),
    ))
}

/// Which stored requests to replay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayWindow {
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub until: Option<String>,
    /// Only verified requests (default true).
    pub verified_only: Option<bool>,
    /// Count and show a sample; change nothing.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayAnswer {
    /// Requests in the window.
    pub matched: usize,
    /// Dry run: the first few, oldest first.
    pub sample: Vec<InboxRequestOut>,
    /// The new events, oldest request first (empty in a dry run).
    pub event_ids: Vec<String>,
    pub dry_run: bool,
}

#[utoipa::path(post, path = "/api/inboxes/{id}/replay", tag = "inboxes", params(("id" = String, Path, description = "The inbox id (`ibx_…`).")), request_body = ReplayWindow,
    responses((status = 200, description = "A dry run: what would be replayed.", body = ReplayAnswer), (status = 202, description = "Replayed.", body = ReplayAnswer), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn replay_window(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
    OptionalJsonBody(window): OptionalJsonBody<ReplayWindow>,
) -> Result<(StatusCode, Json<ReplayAnswer>), ApiError> {
    let inbox = visible_inbox(&state, &principal, &id).await?;
    let window = window.unwrap_or_default();
    let since = param("since", "invalid_timestamp", window.since, |t| {
        Timestamp::parse(t)
    })?;
    let until = param("until", "invalid_timestamp", window.until, |t| {
        Timestamp::parse(t)
    })?;
    let dry_run = window.dry_run.unwrap_or(false);
    let window = ops::ReplayWindow {
        since,
        until,
        verified_only: window.verified_only.unwrap_or(true),
        dry_run,
    };
    let replayed = state.ops.replay_window(&inbox, window).await?;
    let status = if dry_run {
        StatusCode::OK
    } else {
        StatusCode::ACCEPTED
    };
    Ok((
        status,
        Json(ReplayAnswer {
            matched: replayed.matched,
            sample: replayed.sample.iter().map(InboxRequestOut::from).collect(),
            event_ids: replayed.event_ids.iter().map(ToString::to_string).collect(),
            dry_run,
        }),
    ))
}

/// How often a stream looks for requests other nodes stored.
const STREAM_POLL: Duration = Duration::from_secs(1);

#[utoipa::path(get, path = "/api/inboxes/{id}/stream", tag = "inboxes", params(("id" = String, Path, description = "The inbox id (`ibx_…`)."), ("Last-Event-ID" = Option<String>, Header, description = "Resume after this request id.")),
    responses((status = 200, description = "Server-Sent Events: one `request` event per stored request (the JSON of `GET /api/inbox-requests/{id}`), `id:` its request id.", content_type = "text/event-stream", body = String), (status = 404, body = Problem)))]
pub async fn stream_requests(
    State(state): State<AppState>,
    principal: Principal,
    PathParam(id): PathParam,
    headers: HeaderMap,
) -> Result<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let inbox = visible_inbox(&state, &principal, &id).await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| InboxRequestId::parse(v.trim()).ok());
    let after = match resume {
        Some(last) => state.store.inbox_resume_seq(&inbox.id, &last).await?,
        None => state.store.inbox_last_seq(&inbox.id).await?,
    };
    let follower = Follower {
        state: state.clone(),
        inbox: inbox.id,
        after,
        stored: state.inboxes.stored_requests(),
        closing: state.inboxes.closing(),
        pending: std::collections::VecDeque::new(),
    };
    let stream = futures_util::stream::unfold(follower, |mut follower| async move {
        let event = follower.next().await?;
        Some((Ok(event), follower))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// Follows an inbox's stored requests in `seq` order: from the database (so requests stored by
/// other nodes, and those stored while a client was away, are never missed), woken by this
/// node's own stores and otherwise every `STREAM_POLL`.
struct Follower {
    state: AppState,
    inbox: InboxId,
    after: i64,
    stored: tokio::sync::watch::Receiver<u64>,
    /// True once the server stops: the stream ends.
    closing: tokio::sync::watch::Receiver<bool>,
    pending: std::collections::VecDeque<Event>,
}

impl Follower {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if *self.closing.borrow() {
                return None;
            }
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            match self
                .state
                .store
                .inbox_requests_after(&self.inbox, self.after, 100)
                .await
            {
                Ok(batch) if !batch.is_empty() => {
                    for request in batch {
                        self.after = request.seq;
                        let deliveries = match &request.event_id {
                            Some(event) => self
                                .state
                                .store
                                .deliveries_of_event(event)
                                .await
                                .unwrap_or_default(),
                            None => Vec::new(),
                        };
                        let data = serde_json::to_string(&detail_with(&request, deliveries))
                            .unwrap_or_default();
                        self.pending.push_back(
                            Event::default()
                                .event("request")
                                .id(request.id.to_string())
                                .data(data),
                        );
                    }
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "an inbox stream could not read; will try again")
                }
            }
            tokio::select! {
                changed = self.stored.changed() => if changed.is_err() { return None },
                changed = self.closing.changed() => if changed.is_err() { return None },
                () = tokio::time::sleep(STREAM_POLL) => {}
            }
        }
    }
}
