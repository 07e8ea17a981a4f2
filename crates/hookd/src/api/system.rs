//! The server's own routes (for operators and tools): liveness, readiness, Prometheus metrics,
//! the OpenAPI document and its HTML reference; plus the fallback and panic answers.

use super::error::ApiError;
use super::{AppState, Problem};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use std::sync::Arc;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
}

#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, description = "The process is alive.", body = Health)))]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses((status = 200, description = "The database answers.", body = Health), (status = 503, body = Problem)))]
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(Json(Health { status: "ready" }))
}

#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, description = "Prometheus text format.", content_type = "text/plain")))]
pub async fn prometheus_metrics(State(state): State<AppState>) -> Response {
    metrics::gauge!("hookd_dispatch_held").set(state.dispatcher.capacity().held() as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// `/openapi.json` and `/docs`.
pub fn document_routes(openapi: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    let json = Arc::new(
        openapi
            .to_pretty_json()
            .expect("the OpenAPI document encodes"),
    );
    let page = Arc::new(crate::reference_page::render_reference(&openapi));
    let policy = header::HeaderValue::try_from(crate::reference_page::content_security_policy())
        .expect("the policy is ASCII");
    Router::new()
        .route(
            "/openapi.json",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "application/json")],
                    json.as_str().to_owned(),
                )
            }),
        )
        .route(
            "/docs",
            get(move || async move {
                (
                    [(header::CONTENT_SECURITY_POLICY, policy)],
                    Html(page.as_str().to_owned()),
                )
            }),
        )
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::Internal("a handler panicked".into()).into_response()
}
