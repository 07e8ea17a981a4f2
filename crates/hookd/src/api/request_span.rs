//! The span every API request runs in: its method, its route (the matched pattern such as
//! `/api/webhooks/{id}`, never the raw path, so ids and tokens in paths stay out of logs and
//! traces), and, once answered, its status and duration. A request with a valid W3C
//! `traceparent` continues that trace when spans are exported. One debug line per request says
//! it was answered; every line logged while handling it carries the span's fields.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::Instrument;
use tracing::field::Empty;

/// The route of a request no route matched (the UI's pages, unknown paths).
const UNMATCHED: &str = "unmatched";

pub async fn in_request_span(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str);
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        status = Empty,
        duration_ms = Empty,
    );
    if let Some(trace) = super::trace_headers::trace_context(request.headers()) {
        crate::telemetry::otlp::continue_trace(&span, &trace.parent);
    }
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("status", response.status().as_u16());
    span.record("duration_ms", duration_ms);
    tracing::debug!(parent: &span, "answered");
    response
}
