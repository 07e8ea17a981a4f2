//! The bare server: hookd's work with none of hookd's features. Each POST gets an id; with a
//! database, the event (checked to be `{"type": ..., "data": ...}`) and its delivery are stored
//! durably before the answer; the answer is `202` with the id; with a URL to forward to, the body
//! is then sent on over kept-alive connections, signed the Standard Webhooks way, and (with a
//! database) the attempt's outcome stored. No authentication, no routing, no retries, no
//! limits, no logs, no metrics: what it costs per request is the floor under hookd's.

use super::ledger::{Accepted, Ledger, Outcome, Rows};
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
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;

struct Bare {
    ledger: Option<Ledger>,
    forward: Option<Forward>,
}

/// Where and how requests are sent on.
struct Forward {
    client: Client<HttpConnector, Full<Bytes>>,
    url: Uri,
    key: Vec<u8>,
}

#[derive(serde::Deserialize)]
struct EventIn<'a> {
    #[serde(rename = "type")]
    event_type: &'a str,
    #[allow(dead_code, reason = "checked to be JSON; the body is stored")]
    data: serde::de::IgnoredAny,
}

/// Serves on `listener`: storing `rows` into `database` (a SQLite path or a PostgreSQL URL)
/// if given, relaying to `forward` signed with `secret` (`whsec_...`) if given.
pub async fn serve(
    listener: TcpListener,
    database: Option<&str>,
    rows: Rows,
    forward: Option<(&str, &str)>,
) -> anyhow::Result<()> {
    let ledger = match database {
        Some(database) => Some(Ledger::open(database, rows).await?),
        None => None,
    };
    let forward = match forward {
        Some((url, secret)) => {
            let key = hookd_verify::standard_key(secret)
                .map_err(|_| anyhow::anyhow!("--secret must be whsec_ followed by base64"))?;
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            let client = Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(1024)
                .build(connector);
            Some(Forward {
                client,
                url: url.parse()?,
                key,
            })
        }
        None => None,
    };
    let bare = Arc::new(Bare { ledger, forward });
    let app = Router::new().route("/", post(accept)).with_state(bare);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn accept(State(bare): State<Arc<Bare>>, body: Bytes) -> Response {
    let id = format!("evt_{}", ulid::Ulid::new());
    if let Some(ledger) = &bare.ledger {
        let Ok(event) = serde_json::from_slice::<EventIn>(&body) else {
            return (StatusCode::UNPROCESSABLE_ENTITY, "not an event").into_response();
        };
        let accepted = Accepted {
            id: id.clone(),
            event_type: event.event_type.to_owned(),
            payload: body.clone(),
            at: unix_millis(),
            delivered: bare.forward.is_some(),
        };
        if !ledger.accept(accepted).await {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    let answer = format!(r#"{{"id":"{id}"}}"#);
    if bare.forward.is_some() {
        tokio::spawn(async move { bare.send(id, body).await });
    }
    (
        StatusCode::ACCEPTED,
        [(CONTENT_TYPE, "application/json")],
        answer,
    )
        .into_response()
}

impl Bare {
    /// One attempt; the benchmark's check counts what never arrived.
    async fn send(&self, id: String, body: Bytes) {
        let Some(forward) = &self.forward else {
            return;
        };
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs() as i64);
        let signature = hookd_verify::sign_standard(&forward.key, &id, timestamp, &body);
        let request = Request::post(forward.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("webhook-id", &id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", &signature)
            .body(Full::new(body));
        let started = Instant::now();
        let mut status = 0;
        if let Ok(request) = request
            && let Ok(response) = forward.client.request(request).await
        {
            status = i32::from(response.status().as_u16());
            let _ = response.into_body().collect().await;
        }
        if let Some(ledger) = &self.ledger {
            ledger.record(Outcome {
                id,
                status,
                at: unix_millis(),
                duration_us: started.elapsed().as_micros() as i64,
                signature,
            });
        }
    }
}

fn unix_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as i64)
}
