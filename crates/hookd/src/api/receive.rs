//! `POST|PUT /in/{id}`: the public door of an inbox, no token. Finds the inbox (404 when it is
//! unknown, expired or inactive), reads the body within its limit (413), and hands the rest to
//! `inbox::Inboxes::receive`; answers the inbox's `response` only once the request is durable.

use super::AppState;
use super::error::ApiError;
use super::extract::{PathParam, read_bytes};
use crate::inbox::{Incoming, Reception, client_address};
use crate::model::*;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

#[utoipa::path(post, path = "/in/{id}", tag = "inboxes", security(()),
    params(("id" = String, Path, description = "The inbox id (`ibx_…`).")),
    request_body(content = String, description = "Anything, as the sender sends it: verified on these exact bytes.", content_type = "*/*"),
    responses(
        (status = "2XX", description = "Stored (the inbox's `response`; by default 200 `{\"id\": \"req_…\"}`), or a duplicate (200, stored with `duplicate_of`). A playground inbox told to fail (`response.status` 400 to 599) answers that status instead, to every copy, with the same body: the request is stored all the same."),
        (status = 401, description = "Verification failed; the request is kept, marked unverified.", body = super::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The source address is not in `allowed_ips`.", body = super::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such inbox, or expired or inactive.", body = super::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over the inbox's `max_body_bytes`.", body = super::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the inbox's `rate_limit`; nothing was stored.", body = super::Problem, content_type = "application/problem+json")))]
pub async fn receive_webhook(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    PathParam(id): PathParam,
    request: Request,
) -> Result<Response, ApiError> {
    // Taken whole, not as a method, a URI and headers: those extractors would copy each.
    let (request, body) = request.into_parts();
    let headers = &request.headers;
    let id = InboxId::parse(&id).map_err(|_| ApiError::NotFound)?;
    let live = state
        .inboxes
        .get(&id)
        .filter(|live| live.inbox.is_open(Timestamp::now()))
        .ok_or(ApiError::NotFound)?;
    let limit = live.inbox.settings.max_body_bytes as usize;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        live.count("too_large");
        return Err(ApiError::TooLarge(limit));
    }
    let body = read_bytes(body, limit).await.inspect_err(|error| {
        if matches!(error, ApiError::TooLarge(_)) {
            live.count("too_large");
        }
    })?;
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok());
    let source = client_address(peer.ip(), forwarded, &state.config.trusted_proxies);
    let incoming = Incoming {
        method: request.method.to_string(),
        path: request.uri.path().to_owned(),
        query: request.uri.query().unwrap_or("").to_owned(),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.to_string(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        source,
    };
    let reception = state
        .inboxes
        .receive(&state.publisher, &live, incoming)
        .await
        .map_err(|error| match error {
            crate::publish::PublishError::Store(error) => ApiError::from(error),
            crate::publish::PublishError::Invalid(errors) => {
                ApiError::Internal(format!("an inbox event did not prepare: {errors:?}"))
            }
        })?;
    let response = &live.inbox.settings.response;
    match reception {
        Reception::Forbidden => Err(ApiError::Refused {
            status: StatusCode::FORBIDDEN,
            code: "source_not_allowed",
            message: format!("Requests from {source} are not allowed into this inbox."),
        }),
        Reception::RateLimited { retry_after } => Err(ApiError::TooManyRequests {
            message: "This inbox takes no more requests right now; nothing was stored.".into(),
            retry_after,
        }),
        Reception::Unverified { id, error } => Err(ApiError::Refused {
            status: StatusCode::UNAUTHORIZED,
            code: "verification_failed",
            message: format!("The request did not verify ({error}); it was kept as {id}."),
        }),
        Reception::Duplicate { id, of } => {
            // A playground told to fail fails every copy, so the sender's retries go on.
            let status = match response.status {
                400..=599 => StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK),
                _ => StatusCode::OK,
            };
            let default = stored_answer(&id, Some(&of));
            Ok(answer(status, response, default, &id))
        }
        Reception::Accepted { id, .. } => {
            let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::OK);
            let default = stored_answer(&id, None);
            Ok(answer(status, response, default, &id))
        }
    }
}

/// The default answer's JSON: the stored request's id, and the first one's if a duplicate.
fn stored_answer(id: &InboxRequestId, duplicate_of: Option<&InboxRequestId>) -> String {
    #[derive(serde::Serialize)]
    struct Stored<'a> {
        id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        duplicate_of: Option<&'a str>,
    }
    let stored = Stored {
        id: id.as_str(),
        duplicate_of: duplicate_of.map(InboxRequestId::as_str),
    };
    serde_json::to_string(&stored).expect("JSON encodes")
}

/// The inbox's configured answer, or `default` (JSON) when it has no body of its own.
fn answer(
    status: StatusCode,
    response: &InboxResponse,
    default: String,
    id: &InboxRequestId,
) -> Response {
    let (content_type, body) = match &response.body {
        Some(body) => (response.content_type.as_str(), body.clone()),
        None => ("application/json", default),
    };
    let mut answer = (status, body).into_response();
    let headers = answer.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(id.as_str()) {
        headers.insert("x-hookd-request-id", value);
    }
    // The body and its type are the inbox owner's: whatever they are, a browser must not run
    // them as a page of hookd's origin (where the web UI keeps its token).
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    answer
}

#[utoipa::path(put, path = "/in/{id}", tag = "inboxes", security(()),
    params(("id" = String, Path, description = "The inbox id (`ibx_…`).")),
    request_body(content = String, description = "As for POST.", content_type = "*/*"),
    responses(
        (status = "2XX", description = "As for POST."),
        (status = 401, description = "Verification failed; the request is kept, marked unverified.", body = super::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The source address is not in `allowed_ips`.", body = super::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such inbox, or expired or inactive.", body = super::Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over the inbox's `max_body_bytes`.", body = super::Problem, content_type = "application/problem+json"),
        (status = 429, description = "Over the inbox's `rate_limit`; nothing was stored.", body = super::Problem, content_type = "application/problem+json")))]
pub async fn receive_webhook_put(
    state: State<AppState>,
    peer: ConnectInfo<SocketAddr>,
    id: PathParam,
    request: Request,
) -> Result<Response, ApiError> {
    receive_webhook(state, peer, id, request).await
}
