//! The `hookd` binary as a new user meets it: the first start and its admin token, the way
//! back when that token is lost, and the start-up errors of common mistakes, each worded like
//! the others and naming what to fix.

mod common;

use common::Receiver;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A `hookd serve` child whose standard output is read line by line; killed when dropped.
struct Served {
    child: Child,
    base: String,
    lines: mpsc::Receiver<String>,
}

impl Served {
    /// Starts `hookd serve` on `port` with only `settings` (no admin token unless given) and
    /// waits until it answers `/healthz`.
    async fn start(port: u16, settings: &[(&str, &str)]) -> Self {
        let mut child = hookd(&["serve"], settings)
            .env("HOOKD_LISTEN", format!("127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("hookd starts");
        let stdout = child.stdout.take().unwrap();
        let (send, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while reqwest::get(format!("{base}/healthz")).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "hookd did not come up"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { child, base, lines }
    }

    /// The first line printed that contains `text`.
    fn line_with(&self, text: &str) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }

    async fn status_with(&self, token: &str, path: &str) -> StatusCode {
        reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .status()
    }

    async fn json(&self, token: &str, method: reqwest::Method, path: &str, body: Value) -> Value {
        let mut request = reqwest::Client::new()
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if !body.is_null() {
            request = request.json(&body);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with a clean environment and `settings` (`HOOKD_*` variables).
fn hookd(args: &[&str], settings: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookd"));
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(settings.iter().copied());
    command
}

fn run(args: &[&str], settings: &[(&str, &str)]) -> Output {
    hookd(args, settings).output().expect("hookd runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("hookd.db").display())
}

/// The token at the end of a line such as "hookd: admin token (...): hkd_…".
fn token_in(line: &str) -> String {
    line.rsplit(' ').next().unwrap().to_owned()
}

/// A start that cannot listen (the port is taken) fails before it makes or prints the admin
/// token, so the next start still shows it; later starts say how to make a new one, and
/// `hookd admin-token --reset` does, needing only the database file.
#[tokio::test]
async fn the_admin_token_survives_a_failed_start_and_can_be_reset() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let database = [("HOOKD_DATABASE_URL", url.as_str())];

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let failed = run(
        &["serve"],
        &[("HOOKD_DATABASE_URL", &url), ("HOOKD_LISTEN", &listen)],
    );
    assert!(!failed.status.success());
    assert!(
        text(&failed.stderr).contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{}",
        text(&failed.stderr)
    );
    assert!(!text(&failed.stdout).contains("admin token"));
    drop(taken);

    let first = Served::start(free_port(), &database).await;
    let line = first
        .line_with("admin token")
        .expect("the first successful start prints the admin token");
    let token = token_in(&line);
    assert_eq!(
        first.status_with(&token, "/api/webhooks").await,
        StatusCode::OK
    );
    first.stop();

    let second = Served::start(free_port(), &database).await;
    let hint = second
        .line_with("admin-token --reset")
        .expect("a later start says how to get a new token");
    assert!(!hint.contains(&token), "{hint}");
    let busy = run(&["admin-token", "--reset"], &database);
    assert!(!busy.status.success());
    assert!(
        text(&busy.stderr).contains("stop hookd first"),
        "{}",
        text(&busy.stderr)
    );
    second.stop();

    let reset = run(&["admin-token", "--reset"], &database);
    assert!(reset.status.success(), "{}", text(&reset.stderr));
    let new_token = token_in(text(&reset.stdout).lines().next().unwrap());
    assert_ne!(new_token, token);

    let third = Served::start(free_port(), &database).await;
    assert_eq!(
        third.status_with(&new_token, "/api/webhooks").await,
        StatusCode::OK
    );
    assert_eq!(
        third.status_with(&token, "/api/webhooks").await,
        StatusCode::UNAUTHORIZED
    );
}

/// Resetting the token of a database that does not exist creates nothing and says so.
#[test]
fn resetting_without_a_database_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let output = run(&["admin-token", "--reset"], &[("HOOKD_DATABASE_URL", &url)]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains("there is no database at"),
        "{}",
        text(&output.stderr)
    );
    assert!(!dir.path().join("hookd.db").exists());
}

/// Start-up errors name the setting, what is wrong and where the value came from, in hookd's
/// words rather than the config library's.
#[test]
fn configuration_errors_name_the_setting_and_its_source() {
    let output = run(
        &["serve"],
        &[
            ("HOOKD_DATABASE_POOL", "many"),
            ("HOOKD_RETRY_SCHEDULE", "1m 5m"),
            ("HOOKD_LISTEN", "nowhere"),
        ],
    );
    assert!(!output.status.success());
    let error = text(&output.stderr);
    for expected in [
        "database_pool: 'many' is not a whole number (from HOOKD_DATABASE_POOL)",
        "retry_schedule: '1m 5m' holds more than one duration",
        "(from HOOKD_RETRY_SCHEDULE)",
        "listen: 'nowhere' is not an address such as 127.0.0.1:8080 or localhost:8080 (from HOOKD_LISTEN)",
    ] {
        assert!(error.contains(expected), "{expected:?} in {error}");
    }
    assert!(!error.contains("environment variable(s)"), "{error}");
    assert!(!error.contains("key \""), "{error}");
}

/// A mistyped SQLite path is refused, naming the folder, and nothing is created.
#[test]
fn a_sqlite_path_in_a_missing_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("not-made-yet");
    let url = format!("sqlite://{}/hookd.db", missing.display());
    let output = run(&["serve"], &[("HOOKD_DATABASE_URL", &url)]);
    assert!(!output.status.success());
    assert!(
        text(&output.stderr).contains(&format!("the folder {} does not exist", missing.display())),
        "{}",
        text(&output.stderr)
    );
    assert!(!missing.exists());
}

/// PostgreSQL that is not there is reported at once as such, with its address.
#[test]
fn an_unreachable_postgres_is_named() {
    let port = free_port();
    let url = format!("postgres://postgres@127.0.0.1:{port}/test");
    let started = Instant::now();
    let output = run(&["migrate"], &[("HOOKD_DATABASE_URL", &url)]);
    assert!(!output.status.success());
    assert_eq!(
        text(&output.stderr).trim(),
        format!("hookd: cannot connect to PostgreSQL at 127.0.0.1:{port}: connection refused")
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

/// `HOOKD_LISTEN` takes a host name.
#[tokio::test]
async fn hookd_listens_on_a_host_name() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let port = free_port();
    let mut child = hookd(&["serve"], &[("HOOKD_DATABASE_URL", &url)])
        .env("HOOKD_LISTEN", format!("localhost:{port}"))
        .env("HOOKD_ADMIN_TOKEN", common::ADMIN_TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let answered = loop {
        if let Ok(answer) = reqwest::get(format!("http://localhost:{port}/healthz")).await {
            break answer.status();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no answer on localhost"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(answered, StatusCode::OK);
}

/// Prometheus and `/api/webhooks/metrics` count the same attempts and deliveries: tests
/// included, since their requests reach the receiver like any other.
#[tokio::test]
async fn prometheus_and_the_api_count_test_attempts_alike() {
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let receiver = Receiver::start().await;
    let served = Served::start(
        free_port(),
        &[
            ("HOOKD_DATABASE_URL", &url),
            ("HOOKD_ADMIN_TOKEN", common::ADMIN_TOKEN),
            ("HOOKD_ALLOWED_NETWORKS", "127.0.0.0/8"),
        ],
    )
    .await;
    let token = common::ADMIN_TOKEN;
    let webhook = served
        .json(
            token,
            reqwest::Method::POST,
            "/api/webhooks",
            json!({"url": receiver.url, "events": ["*"], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    for _ in 0..2 {
        let test = served
            .json(
                token,
                reqwest::Method::POST,
                &format!("/api/webhooks/{id}/test"),
                Value::Null,
            )
            .await;
        assert_eq!(test["success"], true, "{test}");
    }
    let metrics = served
        .json(
            token,
            reqwest::Method::GET,
            "/api/webhooks/metrics",
            Value::Null,
        )
        .await;
    assert_eq!(metrics["delivered"], 2, "{metrics}");
    let prometheus = reqwest::get(format!("{}/metrics", served.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |series: &str| -> u64 {
        prometheus
            .lines()
            .find(|line| line.starts_with(series))
            .and_then(|line| line.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(
        value("hookd_deliveries_total{outcome=\"succeeded\"}"),
        2,
        "{prometheus}"
    );
    assert_eq!(value("hookd_attempts_total{outcome=\"succeeded\"}"), 2);
}

/// `hookd rekey` needs the server stopped (on SQLite) and says so; then it re-encrypts every
/// secret with the first key and says how many. A start whose keys can't decrypt a stored
/// secret stops with an error naming the key that encrypted it.
#[tokio::test]
async fn rekey_reencrypts_and_a_missing_key_stops_the_start_by_name() {
    use base64::Engine as _;
    let key = |n: u8| base64::engine::general_purpose::STANDARD.encode([n; 32]);
    let key_id = |n: u8| {
        use sha2::Digest as _;
        hex::encode(&sha2::Sha256::digest([n; 32])[..4])
    };
    let dir = tempfile::tempdir().unwrap();
    let url = sqlite_url(dir.path());
    let (first, both) = (key(1), format!("{},{}", key(2), key(1)));
    let admin = "an-admin-token-for-rekey";
    let settings = [
        ("HOOKD_DATABASE_URL", url.as_str()),
        ("HOOKD_SECRET_KEY", first.as_str()),
        ("HOOKD_ADMIN_TOKEN", admin),
        ("HOOKD_ALLOWED_NETWORKS", "127.0.0.0/8"),
    ];
    let served = Served::start(free_port(), &settings).await;
    let created = reqwest::Client::new()
        .post(format!("{}/api/webhooks", served.base))
        .bearer_auth(admin)
        .json(&json!({"url": "http://127.0.0.1:9/", "events": ["*"], "ping": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let busy = run(&["rekey"], &settings);
    assert!(!busy.status.success());
    assert!(
        text(&busy.stderr).contains("stop hookd first, then run `hookd rekey` again"),
        "{}",
        text(&busy.stderr)
    );
    served.stop();

    let database = ("HOOKD_DATABASE_URL", url.as_str());
    let rekeyed = run(&["rekey"], &[database, ("HOOKD_SECRET_KEY", &both)]);
    assert!(rekeyed.status.success(), "{}", text(&rekeyed.stderr));
    assert!(
        text(&rekeyed.stdout).contains(&format!(
            "1 webhook secret re-encrypted with key {}",
            key_id(2)
        )),
        "{}",
        text(&rekeyed.stdout)
    );

    let listen = format!("127.0.0.1:{}", free_port());
    let settings = [
        database,
        ("HOOKD_SECRET_KEY", first.as_str()),
        ("HOOKD_LISTEN", listen.as_str()),
    ];
    let mut serve = hookd(&["serve"], &settings)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while serve.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = serve.kill();
            let _ = serve.wait();
            panic!("hookd started without the key that encrypted its secrets");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let refused = serve.wait_with_output().unwrap();
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains(&format!(
            "a webhook secret was encrypted with key {}, which is not in HOOKD_SECRET_KEY",
            key_id(2)
        )),
        "{}",
        text(&refused.stderr)
    );
}
