//! The bare relay: answers each POST `202` with an id, then sends the body on to one URL over
//! kept-alive connections, signed the Standard Webhooks way. It stores, validates and routes
//! nothing: what it costs per request is the HTTP work of a delivery (the publish in, the
//! delivery out) with nothing of hookd's around it, on the same crates and allocator as hookd.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

struct Relay {
    client: Client<HttpConnector, Full<Bytes>>,
    forward: Uri,
    key: Vec<u8>,
}

/// Serves on `listener`, relaying to `forward` signed with `secret` (`whsec_...`).
pub async fn serve(listener: TcpListener, forward: &str, secret: &str) -> anyhow::Result<()> {
    let key = hookd_verify::standard_key(secret)
        .map_err(|_| anyhow::anyhow!("--secret must be whsec_ followed by base64"))?;
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1024)
        .build(connector);
    let relay = Arc::new(Relay {
        client,
        forward: forward.parse()?,
        key,
    });
    let app = Router::new().route("/", post(accept)).with_state(relay);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn accept(State(relay): State<Arc<Relay>>, body: Bytes) -> Response {
    let id = format!("msg_{}", ulid::Ulid::new());
    let answer = format!(r#"{{"id":"{id}"}}"#);
    tokio::spawn(async move { relay.send(&id, body).await });
    (
        StatusCode::ACCEPTED,
        [(CONTENT_TYPE, "application/json")],
        answer,
    )
        .into_response()
}

impl Relay {
    /// One attempt; the benchmark's check counts what never arrived.
    async fn send(&self, id: &str, body: Bytes) {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs() as i64);
        let signature = hookd_verify::sign_standard(&self.key, id, timestamp, &body);
        let request = Request::post(self.forward.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(Full::new(body));
        if let Ok(request) = request
            && let Ok(response) = self.client.request(request).await
        {
            let _ = response.into_body().collect().await;
        }
    }
}
