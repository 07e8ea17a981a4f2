//! Requests run to completion even if the client goes away.
//!
//! hyper drops a handler's future when its connection closes. A publish dropped after its
//! commit but before the hand-off to the dispatcher would strand claimed deliveries; a webhook
//! change dropped before the directory reload would leave routing stale. Running each request
//! as its own task makes every handler all-or-nothing from the server's side.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn run_to_completion(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(error) => {
            super::ApiError::Internal(format!("request task failed: {error}")).into_response()
        }
    }
}
