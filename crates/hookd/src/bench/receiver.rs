//! The benchmark's receiver: answers fast on loopback and writes down every request (which
//! webhook, which event, which attempt, when, and whether its signature verified), so the
//! benchmark can tell lost and duplicated deliveries and measure latency. Paths under
//! `/slow/` answer only after `slow_delay`; paths under `/flaky/` fail the first two attempts
//! of each event.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    pub path: Arc<str>,
    /// `webhook-id`: the event id.
    pub event: Box<str>,
    pub attempt: u32,
    pub at: Instant,
    /// None when no secret was registered for the path.
    pub verified: Option<bool>,
}

#[derive(Default)]
struct Inner {
    secrets: RwLock<HashMap<String, (Arc<str>, String)>>,
    arrivals: Mutex<Vec<Arrival>>,
    slow_delay_ms: AtomicU64,
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
            .insert(path.to_owned(), (Arc::from(path), secret.to_owned()));
    }

    pub fn set_slow_delay(&self, delay: Duration) {
        self.inner
            .slow_delay_ms
            .store(delay.as_millis() as u64, Ordering::Relaxed);
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
) -> StatusCode {
    let at = Instant::now();
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let path = uri.path();
    let (path, verified) = match inner.secrets.read().expect("secrets").get(path) {
        Some((shared, secret)) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs() as i64;
            let verified = hookd_verify::verify_standard(
                secret,
                header("webhook-id"),
                header("webhook-timestamp"),
                &body,
                header("webhook-signature"),
                now,
                300,
            )
            .is_ok();
            (shared.clone(), Some(verified))
        }
        None => (Arc::from(path), None),
    };
    let slow = path.starts_with("/slow/");
    inner.arrivals.lock().expect("arrivals").push(Arrival {
        event: header("webhook-id").into(),
        attempt: header("x-webhook-attempt").parse().unwrap_or(0),
        path,
        at,
        verified,
    });
    if slow {
        let delay = inner.slow_delay_ms.load(Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    // Paths under /flaky/ fail the first two attempts of every event (retry timing).
    let flaky = uri.path().starts_with("/flaky/")
        && header("x-webhook-attempt").parse::<u32>().unwrap_or(0) < 3;
    if flaky {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    }
}
