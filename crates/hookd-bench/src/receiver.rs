//! The benchmark's receiver: answers fast on loopback and writes down every request (which
//! webhook, which event, which attempt, when, what it answered, and what is needed to verify
//! its signature), so the benchmark can tell lost and duplicated deliveries and measure latency.
//! Signatures are verified afterwards, off the clock, so that the receiver costs the same per
//! request as in the raw run it is compared with.
//!
//! - Paths under `/slow/` answer only after `set_slow_delay`.
//! - Paths under `/flaky/` fail the first two attempts of each event (retry timing).
//! - Paths under `/unreliable/` fail a given share of requests (`set_failure_share`), chosen
//!   by a hash of the event and attempt, so that each retry has the same chance again.
//! - Paths under `/failing/` answer every request 500.
//! - Paths under `/busy/` answer every request 429 with `Retry-After: 1`.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub path: Arc<str>,
    /// `webhook-id`: the event id.
    pub event: Box<str>,
    pub attempt: u32,
    pub at: Instant,
    /// Whether the receiver answered 2xx (the delivery is done) or failed it on purpose.
    pub accepted: bool,
    /// None when no secret was registered for the path.
    signed: Option<Signed>,
}

/// What verifying a request's signature needs.
#[derive(Debug, Clone)]
struct Signed {
    secret: Arc<str>,
    timestamp: Box<str>,
    signature: Box<str>,
    body: Bytes,
    received_unix: i64,
}

impl Arrival {
    /// Whether the Standard Webhooks signature verified with the path's secret (false when the
    /// path had no secret).
    pub fn verified(&self) -> bool {
        self.signed.as_ref().is_some_and(|signed| {
            hookd_verify::verify_standard(
                &signed.secret,
                &self.event,
                &signed.timestamp,
                &signed.body,
                &signed.signature,
                signed.received_unix,
                300,
            )
            .is_ok()
        })
    }

    /// The body as received; only kept for paths with a secret (None for the others).
    pub fn body(&self) -> Option<&[u8]> {
        self.signed.as_ref().map(|signed| &signed.body[..])
    }
}

/// For a path: the path shared by its arrivals, and its webhook's secret.
type PathSecret = (Arc<str>, Arc<str>);

#[derive(Default)]
struct Inner {
    secrets: RwLock<HashMap<String, PathSecret>>,
    arrivals: Mutex<Vec<Arrival>>,
    slow_delay_ms: AtomicU64,
    /// Per million requests under `/unreliable/`.
    failure_per_million: AtomicU64,
    hasher: std::collections::hash_map::RandomState,
    /// A path, and the window that gets a permit back for each delivery accepted there.
    window: RwLock<Option<(String, Arc<Semaphore>)>>,
}

#[derive(Clone)]
pub struct Receiver {
    pub base: String,
    inner: Arc<Inner>,
}

impl Receiver {
    pub async fn start() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let inner = Arc::new(Inner::default());
        let app = Router::new().fallback(receive).with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { base, inner })
    }

    /// Verify the signatures of requests to `path` with `secret`.
    pub fn expect_secret(&self, path: &str, secret: &str) {
        self.inner
            .secrets
            .write()
            .expect("secrets")
            .insert(path.to_owned(), (Arc::from(path), Arc::from(secret)));
    }

    pub fn set_slow_delay(&self, delay: Duration) {
        self.inner
            .slow_delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
    }

    /// The share (0 to 1) of requests under `/unreliable/` that get a 503.
    pub fn set_failure_share(&self, share: f64) {
        let per_million = (share.clamp(0.0, 1.0) * 1_000_000.0).round() as u64;
        self.inner
            .failure_per_million
            .store(per_million, Ordering::Relaxed);
    }

    /// Gives `window` a permit back for each delivery accepted at `path`: a load generator
    /// that takes one per event keeps at most the window's size of events undelivered.
    pub fn release_into(&self, path: &str, window: Arc<Semaphore>) {
        *self.inner.window.write().expect("window") = Some((path.to_owned(), window));
    }

    /// Takes the arrivals recorded so far, leaving none.
    pub fn take(&self) -> Vec<Arrival> {
        std::mem::take(&mut *self.inner.arrivals.lock().expect("arrivals"))
    }
}

async fn receive(
    State(inner): State<Arc<Inner>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let at = Instant::now();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let event: Box<str> = header("webhook-id").into();
    let attempt: u32 = header("x-webhook-attempt").parse().unwrap_or(0);
    let path = uri.path();
    let (shared, signed) = match inner.secrets.read().expect("secrets").get(path) {
        Some((shared, secret)) => (
            shared.clone(),
            Some(Signed {
                secret: secret.clone(),
                timestamp: header("webhook-timestamp").into(),
                signature: header("webhook-signature").into(),
                // A copy of its own: the body as received may share a much larger read buffer,
                // which a million kept arrivals would otherwise keep alive.
                body: Bytes::copy_from_slice(&body),
                received_unix: SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs() as i64,
            }),
        ),
        None => (Arc::from(path), None),
    };
    let accepted = if path.starts_with("/failing/") || path.starts_with("/busy/") {
        false
    } else if path.starts_with("/flaky/") {
        attempt >= 3
    } else if path.starts_with("/unreliable/") {
        let mut hasher = inner.hasher.build_hasher();
        hasher.write(event.as_bytes());
        hasher.write_u32(attempt);
        hasher.finish() % 1_000_000 >= inner.failure_per_million.load(Ordering::Relaxed)
    } else {
        true
    };
    if accepted
        && let Some((window_path, window)) = &*inner.window.read().expect("window")
        && window_path == path
    {
        window.add_permits(1);
    }
    let slow = path.starts_with("/slow/");
    inner.arrivals.lock().expect("arrivals").push(Arrival {
        path: shared,
        event,
        attempt,
        at,
        accepted,
        signed,
    });
    if slow {
        let delay = inner.slow_delay_ms.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if accepted {
        StatusCode::OK.into_response()
    } else if path.starts_with("/failing/") {
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    } else if path.starts_with("/busy/") {
        (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")]).into_response()
    } else {
        StatusCode::SERVICE_UNAVAILABLE.into_response()
    }
}
