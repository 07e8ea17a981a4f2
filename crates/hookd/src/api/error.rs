//! `ApiError`: every failure of the HTTP layer, answered as RFC 9457 problem+json with a stable
//! `code`. Store errors become 503 when the database is unreachable and an opaque 500 otherwise
//! (the cause is logged, never sent).

use crate::dispatch::gates::Closed;
use crate::model::FieldError;
use crate::ops::OpError;
use crate::store::StoreError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or invalid bearer token")]
    Unauthorized,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    MalformedJson(String),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the body did not arrive in time")]
    BodyTimeout,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A limit holds the request back; try again after `retry_after` seconds.
    #[error("{message}")]
    TooManyRequests { message: String, retry_after: u64 },
    /// Any other refusal with its own status and code (an inbox's 401, 403).
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("the database is unavailable")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    pub fn field(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, message)])
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Unavailable(cause) => ApiError::Unavailable(cause),
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Conflict(cause)
            | StoreError::Sealed(cause)
            | StoreError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<OpError> for ApiError {
    fn from(error: OpError) -> Self {
        match error {
            OpError::NotFound => ApiError::NotFound,
            OpError::Invalid(errors) => ApiError::Invalid(errors),
            OpError::Conflict { code, message } => ApiError::Conflict { code, message },
            OpError::Busy(closed) => busy(closed),
            OpError::Store(error) => ApiError::from(error),
            OpError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

/// A request to a receiver held back by a limit: 429, saying which and when to try again.
fn busy(closed: Closed) -> ApiError {
    let (message, retry_after) = match closed {
        Closed::Webhook => (
            "The webhook has max_in_flight requests running; try again when one finishes."
                .to_owned(),
            1,
        ),
        Closed::RateLimited(at) => (
            "The webhook's rate limit allows no request now.".to_owned(),
            at.saturating_duration_since(std::time::Instant::now())
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64,
        ),
        Closed::Tenant => (
            "This tenant has its share of hookd's outbound requests running.".to_owned(),
            1,
        ),
        Closed::Node => ("hookd has max_outbound requests running.".to_owned(), 1),
    };
    ApiError::TooManyRequests {
        message,
        retry_after,
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:hookd:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable, machine-readable: `invalid_url`, `not_found`, `unauthorized`, ...
    pub code: String,
    /// One entry per bad field (422 only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field's path in the input: `url`, `events[2]`, `events[0].data`.
    pub field: String,
    pub code: String,
    pub message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut retry = None;
        let (status, code, detail, errors) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send a valid token as `Authorization: Bearer <token>`.".to_owned(),
                vec![],
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "No such resource, or the token may not see it.".to_owned(),
                vec![],
            ),
            ApiError::MalformedJson(detail) => {
                (StatusCode::BAD_REQUEST, "malformed_json", detail, vec![])
            }
            ApiError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("The request body is larger than the limit of {limit} bytes."),
                vec![],
            ),
            ApiError::BodyTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "The request body did not arrive in time; nothing was stored.".to_owned(),
                vec![],
            ),
            ApiError::Invalid(errors) => {
                let code = match errors.as_slice() {
                    [only] => only.code,
                    _ => "validation_failed",
                };
                let detail = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                (StatusCode::UNPROCESSABLE_ENTITY, code, detail, errors)
            }
            ApiError::Conflict { code, message } => (StatusCode::CONFLICT, code, message, vec![]),
            ApiError::Refused {
                status,
                code,
                message,
            } => (status, code, message, vec![]),
            ApiError::TooManyRequests {
                message,
                retry_after,
            } => {
                retry = Some(retry_after);
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    message,
                    vec![],
                )
            }
            ApiError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The database is unavailable; nothing was stored. Retry shortly.".to_owned(),
                    vec![],
                )
            }
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side.".to_owned(),
                    vec![],
                )
            }
        };
        let problem = Problem {
            kind: format!("urn:hookd:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            errors: errors
                .into_iter()
                .map(|e| ProblemField {
                    field: e.field,
                    code: e.code.to_owned(),
                    message: e.message,
                })
                .collect(),
        };
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if code == "unauthorized" {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = retry {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
