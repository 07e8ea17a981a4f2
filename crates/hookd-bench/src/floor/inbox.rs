//! The bare inbox: hookd's work for a received webhook with none of hookd's features. Each
//! POST is verified as Standard Webhooks signs it (with hookd-verify, as hookd verifies it),
//! keyed by its sender's id, and stored with its key and its event in hookd's rows
//! ([`inbox_rows`](super::inbox_rows)) before it is answered `200` with its id. No inbox
//! lookup, no allowlist, no rate limit, no templates, no limits, no logs, no metrics; a request
//! that does not verify is answered `401` and not kept. What it costs per request is the floor
//! under hookd's inbox.

use super::inbox_rows::{InboxRows, Received, Stored};
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use bytes::Bytes;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

/// The headers that prove who sent a request, kept as the original headers with its type.
const SIGNATURE_HEADERS: [&str; 4] = [
    "content-type",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
];

/// How far a signature's timestamp may be from now, as hookd's default tolerance.
const TOLERANCE_SECS: i64 = 300;

struct BareInbox {
    rows: InboxRows,
    secret: String,
}

/// Serves the bare inbox on `listener`, storing into `database` (SQLite) and verifying with
/// `secret` (`whsec_...`).
pub async fn serve(listener: TcpListener, database: &str, secret: &str) -> anyhow::Result<()> {
    hookd_verify::standard_key(secret)
        .map_err(|_| anyhow::anyhow!("--secret must be whsec_ followed by base64"))?;
    let inbox = Arc::new(BareInbox {
        rows: InboxRows::open(database)?,
        secret: secret.to_owned(),
    });
    let app = Router::new().route("/", post(receive)).with_state(inbox);
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).await?;
    Ok(())
}

async fn receive(
    State(inbox): State<Arc<BareInbox>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = body.collect().await.map(|body| body.to_bytes()) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let received = match read(&inbox.secret, peer, &parts, body) {
        Ok(received) => received,
        Err(refused) => return refused.into_response(),
    };
    let id = received.id.clone();
    let answer = match inbox.rows.store(received).await {
        Some(Stored::Accepted) => format!(r#"{{"id":"{id}"}}"#),
        Some(Stored::Duplicate(of)) => format!(r#"{{"id":"{id}","duplicate_of":"{of}"}}"#),
        None => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    (StatusCode::OK, [(CONTENT_TYPE, "application/json")], answer).into_response()
}

/// The request verified and keyed, ready to store; or why it is refused.
fn read(
    secret: &str,
    peer: SocketAddr,
    parts: &Parts,
    body: Bytes,
) -> Result<Received, (StatusCode, &'static str)> {
    let headers: Vec<(&str, &str)> = parts
        .headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let signed = hookd_verify::Request::new(&headers, &body);
    let scheme = hookd_verify::Scheme::Standard;
    let verified = hookd_verify::verify(
        &scheme,
        secret,
        &signed,
        now.as_secs() as i64,
        TOLERANCE_SECS,
    );
    let sender_id = hookd_verify::sender_id(&scheme, &signed);
    let (Ok(()), Some(sender_id)) = (verified, sender_id) else {
        return Err((StatusCode::UNAUTHORIZED, "not verified"));
    };
    let data = std::str::from_utf8(&body)
        .ok()
        .filter(|text| serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok())
        .ok_or((StatusCode::UNPROCESSABLE_ENTITY, "not JSON"))?
        .to_owned();
    let original: Vec<_> = headers
        .iter()
        .filter(|(name, _)| SIGNATURE_HEADERS.contains(name))
        .collect();
    Ok(Received {
        id: format!("req_{}", ulid::Ulid::new()),
        event_id: format!("evt_{}", ulid::Ulid::new()),
        at: now.as_millis() as i64,
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        source_ip: peer.ip().to_string(),
        headers: serde_json::to_string(&headers).unwrap_or_default(),
        original_headers: serde_json::to_string(&original).unwrap_or_default(),
        data,
        key: hex::encode(Sha256::digest(format!("id:{sender_id}"))),
        body,
    })
}
