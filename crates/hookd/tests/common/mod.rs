//! Test harness: a real hookd (SQLite file in a temporary directory, bound to 127.0.0.1:0) and
//! real receivers on loopback whose answers a test can script. Set `TEST_LOG=debug` to see the
//! server's logs.

#![allow(dead_code)]

pub mod cases;
pub mod receiver;

#[allow(unused_imports)]
pub use receiver::{Receiver, Reply};

use hookd::app::Server;
use hookd::config::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::future::Future;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789";

pub struct TestServer {
    pub base: String,
    pub dir: TempDir,
    /// The admin token the server made, when the test left `admin_token` unset.
    pub generated_admin_token: Option<String>,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Settings every test server gets unless the test overrides them.
fn defaults(dir: &TempDir) -> Vec<(String, String)> {
    vec![
        (
            "database_url".into(),
            format!("sqlite://{}", dir.path().join("hookd.db").display()),
        ),
        ("admin_token".into(), ADMIN_TOKEN.into()),
        ("allowed_networks".into(), "127.0.0.0/8".into()),
        ("shutdown_grace".into(), "2s".into()),
        ("scan_interval".into(), "100ms".into()),
    ]
}

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// A server with some settings replaced (keys as in the config file).
    pub async fn start_with(overrides: &[(&str, &str)]) -> Self {
        Self::start_in(TempDir::new().expect("a temporary directory"), overrides).await
    }

    /// A server on an existing data directory (to restart over the same database).
    pub async fn start_in(dir: TempDir, overrides: &[(&str, &str)]) -> Self {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            hookd::telemetry::init_logging(&filter, hookd::config::LogFormat::Text);
        }
        let mut pairs = defaults(&dir);
        for (key, value) in overrides {
            pairs.retain(|(k, _)| k != key);
            pairs.push((key.to_string(), value.to_string()));
        }
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let config = Config::from_pairs(&pairs).expect("valid test configuration");
        let server = Server::start(config).await.expect("the server starts");
        let generated_admin_token = server
            .generated_admin_token
            .as_ref()
            .map(|t| t.expose().to_owned());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(listener, async move {
            let _ = stopped.await;
        }));
        Self {
            base,
            dir,
            generated_admin_token,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops gracefully and returns the data directory (for a restart).
    pub async fn stop(mut self) -> TempDir {
        let _ = self.stop.take().unwrap().send(());
        self.task
            .take()
            .unwrap()
            .await
            .expect("the server task")
            .expect("the server stops cleanly");
        let dir = TempDir::new().unwrap();
        std::mem::replace(&mut self.dir, dir)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Any request, as any token (`None`: no Authorization header); the body is sent as JSON
    /// text when given.
    pub async fn call(
        &self,
        token: Option<&str>,
        method: Method,
        path: &str,
        body: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("hookd answers");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Some(ADMIN_TOKEN), Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(
            Some(ADMIN_TOKEN),
            Method::POST,
            path,
            Some(&body.to_string()),
        )
        .await
    }

    /// A POST without a body (admin token).
    pub async fn post_empty(&self, path: &str) -> (StatusCode, Value) {
        self.call(Some(ADMIN_TOKEN), Method::POST, path, None).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(
            Some(ADMIN_TOKEN),
            Method::PATCH,
            path,
            Some(&body.to_string()),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Some(ADMIN_TOKEN), Method::DELETE, path, None)
            .await
    }

    /// Registers a webhook (admin token) and returns the 201 body.
    pub async fn create_webhook(&self, body: Value) -> Value {
        let (status, created) = self.post("/api/webhooks", body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created
    }

    /// Registers a webhook to `url` for `events`, without the ping.
    pub async fn webhook_to(&self, url: &str, events: &[&str]) -> Value {
        self.create_webhook(json!({"url": url, "events": events, "ping": false}))
            .await
    }

    pub async fn publish(&self, body: Value) -> Value {
        let (status, accepted) = self.post("/api/events", body).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
        accepted
    }

    /// Every attempt in a webhook's log, newest first (all pages).
    pub async fn logs(&self, webhook_id: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/webhooks/{webhook_id}/logs?limit=250&cursor={c}"),
                None => format!("/api/webhooks/{webhook_id}/logs?limit=250"),
            };
            let (status, page) = self.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            all.extend(page["data"].as_array().unwrap().iter().cloned());
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return all,
            }
        }
    }

    pub async fn webhook(&self, id: &str) -> Value {
        let (status, webhook) = self.get(&format!("/api/webhooks/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{webhook}");
        webhook
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Polls `check` until it returns `Some`, or panics after `limit` saying what was awaited.
pub async fn eventually<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < limit,
            "timed out after {limit:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
