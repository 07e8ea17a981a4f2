//! Test harness: a real hookd (bound to 127.0.0.1:0) and real receivers on loopback whose
//! answers a test can script. Set `TEST_LOG=debug` to see the server's logs.
//!
//! The same tests run on both backends: the `sqlite` test crate gives each server a SQLite file
//! in a temporary directory, the `postgres` crate a PostgreSQL database of its own (see
//! `postgres`). A test starts with `require_backend!()`, which skips it (saying so) when its
//! backend is the PostgreSQL one and no server answers.

#![allow(dead_code)]

pub mod cases;
pub mod inbox;
pub mod postgres;
pub mod process;
pub mod proxy;
pub mod receiver;
pub mod senders;

#[allow(unused_imports)]
pub use receiver::{Received, Receiver, Reply};

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

/// Which backend this test crate runs on: the crate named `postgres` on PostgreSQL, every
/// other on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn backend() -> Backend {
    if env!("CARGO_CRATE_NAME") == "postgres" {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// Whether this crate's backend can run here; false only for PostgreSQL without a server.
pub fn backend_available() -> bool {
    backend() == Backend::Sqlite || postgres::available()
}

/// Returns early from a test whose backend can't run here, saying so.
#[macro_export]
macro_rules! require_backend {
    () => {
        if !$crate::common::backend_available() {
            eprintln!(
                "skipped: no PostgreSQL at {} (set HOOKD_TEST_POSTGRES_URL)",
                $crate::common::postgres::server_url()
            );
            return;
        }
    };
}

/// Where a test server keeps its data: a temporary directory (for the SQLite file and logs)
/// and, on PostgreSQL, a database of its own. Outlives a server, for restarts.
pub struct Data {
    pub dir: TempDir,
    pub postgres: Option<postgres::TestDatabase>,
}

impl Data {
    pub async fn new() -> Self {
        let postgres = match backend() {
            Backend::Sqlite => None,
            Backend::Postgres => Some(postgres::TestDatabase::create().await),
        };
        Self {
            dir: TempDir::new().expect("a temporary directory"),
            postgres,
        }
    }

    pub fn database_url(&self) -> String {
        match &self.postgres {
            Some(database) => database.url.clone(),
            None => format!("sqlite://{}", self.dir.path().join("hookd.db").display()),
        }
    }
}

pub struct TestServer {
    pub base: String,
    pub data: Data,
    /// The admin token the server made, when the test left `admin_token` unset.
    pub generated_admin_token: Option<String>,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// Settings every test server gets unless the test overrides them.
fn defaults(data: &Data) -> Vec<(String, String)> {
    vec![
        ("database_url".into(), data.database_url()),
        ("database_pool".into(), "4".into()),
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
        Self::start_in(Data::new().await, overrides).await
    }

    /// A server on existing data (to restart over the same database).
    pub async fn start_in(data: Data, overrides: &[(&str, &str)]) -> Self {
        Self::start_listening(data, overrides, "127.0.0.1:0").await
    }

    /// A server listening on `address` (such as `[::1]:0`, to be reached over IPv6).
    pub async fn start_on(address: &str, overrides: &[(&str, &str)]) -> Self {
        Self::start_listening(Data::new().await, overrides, address).await
    }

    async fn start_listening(data: Data, overrides: &[(&str, &str)], address: &str) -> Self {
        if let Ok(filter) = std::env::var("TEST_LOG") {
            hookd::telemetry::init_logging(&filter, hookd::config::LogFormat::Text);
        }
        let mut pairs = defaults(&data);
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
            .generated_admin_token()
            .map(|t| t.expose().to_owned());
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .expect("a port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve(listener, async move {
            let _ = stopped.await;
        }));
        Self {
            base,
            data,
            generated_admin_token,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// Stops gracefully and returns the data (for a restart).
    pub async fn stop(mut self) -> Data {
        let _ = self.stop.take().unwrap().send(());
        self.task
            .take()
            .unwrap()
            .await
            .expect("the server task")
            .expect("the server stops cleanly");
        let placeholder = Data {
            dir: TempDir::new().unwrap(),
            postgres: None,
        };
        std::mem::replace(&mut self.data, placeholder)
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

/// Everything the database holds, as text: the SQLite file's bytes, or every settings and
/// tokens row on PostgreSQL (where secrets and hashes live), for checks that something is
/// never stored.
pub async fn stored_text(data: &Data) -> String {
    match &data.postgres {
        None => String::from_utf8_lossy(
            &std::fs::read(data.dir.path().join("hookd.db")).expect("the database file"),
        )
        .into_owned(),
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            let rows: Vec<String> = sqlx::query_scalar(
                "SELECT key || ' ' || value FROM settings \
                 UNION ALL SELECT name || ' ' || token_hash FROM tokens",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            rows.join("\n")
        }
    }
}

/// Rewrites a webhook's URL in the database behind the API's back (the server must be
/// stopped): for a URL the API would now refuse, stored by an earlier release.
pub async fn store_webhook_url(data: &Data, id: &str, url: &str) {
    match &data.postgres {
        None => {
            let conn = rusqlite::Connection::open(data.dir.path().join("hookd.db")).unwrap();
            let changed = conn
                .execute("UPDATE webhooks SET url = ?1 WHERE id = ?2", [url, id])
                .unwrap();
            assert_eq!(changed, 1, "webhook {id} stored");
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            let changed = sqlx::query("UPDATE webhooks SET url = $1 WHERE id = $2")
                .bind(url)
                .bind(id)
                .execute(&mut conn)
                .await
                .unwrap()
                .rows_affected();
            assert_eq!(changed, 1, "webhook {id} stored");
        }
    }
}

/// Sets an inbox's `expires_at` (unix milliseconds) in the database behind the API's back,
/// server running: the API keeps it for playground inboxes only. The server sees it at its
/// next reload of the inbox registry (any inbox created, changed or deleted).
pub async fn store_inbox_expiry(data: &Data, id: &str, unix_millis: i64) {
    match &data.postgres {
        None => {
            let conn = rusqlite::Connection::open(data.dir.path().join("hookd.db")).unwrap();
            conn.busy_timeout(Duration::from_secs(10)).unwrap();
            let changed = conn
                .execute(
                    "UPDATE inboxes SET expires_at = ?1 WHERE id = ?2",
                    rusqlite::params![unix_millis, id],
                )
                .unwrap();
            assert_eq!(changed, 1, "inbox {id} stored");
        }
        Some(database) => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&database.url).await.unwrap();
            let changed = sqlx::query("UPDATE inboxes SET expires_at = $1 WHERE id = $2")
                .bind(unix_millis)
                .bind(id)
                .execute(&mut conn)
                .await
                .unwrap()
                .rows_affected();
            assert_eq!(changed, 1, "inbox {id} stored");
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
