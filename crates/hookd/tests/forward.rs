//! `hookd forward` as a developer runs it: the real binary following a real hookd's inbox and
//! re-sending to a real receiver on 127.0.0.1. Requests arrive byte for byte with signatures
//! that still verify, in order and exactly once across a server restart; failures are printed;
//! `--replay`, `--inbox new` and Ctrl-C work.

mod common;

use common::process::HookdProcess;
use common::{ADMIN_TOKEN, Received, Receiver, Reply};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const GITHUB_SECRET: &str = "gh-forward-secret-1";

/// A `hookd forward` child whose standard output is gathered line by line; killed when
/// dropped.
struct Forward {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Forward {
    fn start(base: &str, args: &[&str]) -> Self {
        let mut child = forward_command(base, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("hookd forward starts");
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let gathered = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                gathered.lock().unwrap().push(line);
            }
        });
        Self { child, lines }
    }

    fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    /// Waits for a line containing `text` (printed at any time so far), or panics.
    async fn line_with(&self, text: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            if let Some(line) = self.lines().into_iter().find(|l| l.contains(text)) {
                return line;
            }
            assert!(
                start.elapsed() < limit,
                "no line with {text:?} within {limit:?}; printed:\n{}",
                self.lines().join("\n")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{name}");
    }

    /// Ctrl-C, and the exit status once it is gone.
    async fn interrupt(&mut self) -> ExitStatus {
        self.signal("INT");
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The reading thread gets the last lines once the pipe closes.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "hookd forward did not stop on SIGINT"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Forward {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `hookd forward --server <base> <args>` with the token in `HOOKD_TOKEN`, as the help advises.
fn forward_command(base: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookd"));
    command
        .arg("forward")
        .args(["--server", base])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOOKD_TOKEN", ADMIN_TOKEN);
    command
}

/// Runs `hookd forward` to the end, off the test's thread (which serves the receiver).
async fn run_forward(base: &str, args: &[&str]) -> Output {
    let mut command = forward_command(base, args);
    tokio::task::spawn_blocking(move || command.output().expect("hookd forward runs"))
        .await
        .unwrap()
}

/// hookd over the SQLite file in `dir`, listening on `port` (the same across restarts).
async fn serve(dir: &Path, port: u16) -> HookdProcess {
    let database = format!("sqlite://{}", dir.join("hookd.db").display());
    HookdProcess::start_on(
        port,
        &[("HOOKD_DATABASE_URL", &database)],
        &dir.join("hookd.log"),
    )
    .await
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn create_inbox(base: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{base}/api/inboxes"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// The n-th body of a test: JSON with CRLF, a tab and non-ASCII text, or (every third) bytes
/// that are not UTF-8 at all, so both of the stream's body encodings are crossed.
fn body_of(n: usize) -> Vec<u8> {
    if n % 3 == 2 {
        let mut bytes = vec![0xff, 0x00, 0xfe, b'\r', b'\n', 0x80];
        bytes.extend_from_slice(n.to_string().as_bytes());
        bytes
    } else {
        format!("{{\"n\": {n},\r\n\t\"name\": \"Zoë ✓\"}}\n").into_bytes()
    }
}

/// Sends request `n` to the inbox as GitHub would: signed, with its own delivery id; returns
/// the stored request's id.
async fn send_github(receive_url: &str, n: usize) -> String {
    let body = body_of(n);
    let signature = format!("sha256={}", hookd_verify::sign_hex(GITHUB_SECRET, &body));
    let response = reqwest::Client::new()
        .post(format!("{receive_url}?n={n}&from=github"))
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature)
        .header("x-github-event", "push")
        .header("x-github-delivery", format!("delivery-{n}"))
        .header("x-custom", "one")
        .header("x-custom", "two")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "request {n} is stored");
    let answer: Value = response.json().await.unwrap();
    answer["id"].as_str().unwrap().to_owned()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// What request `n` must look like at the local receiver: the body's SHA-256 equal to what
/// was sent, GitHub's signature verifying over it, the headers as sent, the original query
/// appended to the local URL.
fn assert_arrived_intact(received: &Received, n: usize) {
    assert_eq!(received.method, "POST");
    assert_eq!(received.path, "/hook");
    assert_eq!(received.query, format!("n={n}&from=github"));
    assert_eq!(sha256(&received.body), sha256(&body_of(n)), "request {n}");
    hookd_verify::verify_github(
        GITHUB_SECRET,
        &received.body,
        received.header("x-hub-signature-256"),
    )
    .unwrap_or_else(|e| panic!("request {n}'s signature: {e}"));
    assert_eq!(received.header("x-github-event"), "push");
    assert_eq!(received.header("content-type"), "application/json");
    let custom: Vec<_> = received.headers.get_all("x-custom").iter().collect();
    assert_eq!(custom, ["one", "two"], "repeated headers keep their order");
    assert_eq!(
        received.header("content-length"),
        received.body.len().to_string()
    );
}

fn deliveries_of(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.header("x-github-delivery").to_owned())
        .collect()
}

/// Requests reach the local URL byte for byte with GitHub's signature verifying. The server is
/// killed while `forward` follows it: `forward` says so and keeps trying; requests stored while
/// it is away (frozen with SIGSTOP, so none can slip through live) arrive after it reconnects,
/// each exactly once and in the order stored, and so do later ones. `--replay` sends one again;
/// Ctrl-C ends with exit code 0 and a final line.
#[tokio::test]
async fn forwards_byte_for_byte_and_resumes_after_a_restart_without_loss_or_repeats() {
    let dir = TempDir::new().unwrap();
    let port = free_port();
    let mut server = serve(dir.path(), port).await;
    let inbox = create_inbox(
        &server.base,
        json!({"name": "github", "verify": {"scheme": "github", "secret": GITHUB_SECRET}}),
    )
    .await;
    let (inbox_id, receive_url) = (
        inbox["id"].as_str().unwrap().to_owned(),
        inbox["receive_url"].as_str().unwrap().to_owned(),
    );
    let earlier = send_github(&receive_url, 0).await;
    let receiver = Receiver::start().await;
    let mut forward = Forward::start(&server.base, &["--inbox", &inbox_id, "--to", &receiver.url]);
    forward
        .line_with("forwarding", Duration::from_secs(10))
        .await;

    let mut ids = Vec::new();
    for n in 1..=2 {
        ids.push(send_github(&receive_url, n).await);
    }
    let received = receiver.wait_for(2, Duration::from_secs(10)).await;
    for (n, request) in (1..=2).zip(&received) {
        assert_arrived_intact(request, n);
    }
    forward
        .line_with(&format!("{}  POST  200 OK", ids[1]), Duration::from_secs(5))
        .await;

    server.kill();
    forward
        .line_with("lost the stream", Duration::from_secs(10))
        .await;
    forward
        .line_with("cannot reach the stream", Duration::from_secs(10))
        .await;
    forward.signal("STOP");
    let restarted = serve(dir.path(), port).await;
    for n in 3..=7 {
        ids.push(send_github(&receive_url, n).await);
    }
    assert_eq!(receiver.count(), 2, "forward is away");
    forward.signal("CONT");
    forward
        .line_with(
            &format!("reconnected; resuming after {}", ids[1]),
            Duration::from_secs(30),
        )
        .await;
    receiver.wait_for(7, Duration::from_secs(20)).await;
    ids.push(send_github(&receive_url, 8).await);
    let received = receiver.wait_for(8, Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let received_now = receiver.received();
    assert_eq!(
        received_now.len(),
        8,
        "nothing twice: {:?}",
        deliveries_of(&received_now)
    );
    let expected: Vec<String> = (1..=8).map(|n| format!("delivery-{n}")).collect();
    assert_eq!(
        deliveries_of(&received),
        expected,
        "request 0 came before forward started"
    );
    for (n, request) in (1..=8).zip(&received) {
        assert_arrived_intact(request, n);
    }
    for id in &ids {
        forward
            .line_with(&format!("{id}  POST  200 OK"), Duration::from_secs(1))
            .await;
    }

    let replayed = run_forward(
        &restarted.base,
        &["--replay", &earlier, "--to", &receiver.url],
    )
    .await;
    let out = String::from_utf8_lossy(&replayed.stdout);
    assert!(replayed.status.success(), "{out}");
    assert!(out.contains(&format!("{earlier}  POST  200 OK")), "{out}");
    let received = receiver.wait_for(9, Duration::from_secs(5)).await;
    assert_arrived_intact(&received[8], 0);

    let status = forward.interrupt().await;
    assert!(status.success(), "Ctrl-C is a clean exit: {status:?}");
    let last = forward.lines().last().cloned().unwrap_or_default();
    assert!(
        last.contains("stopped: 8 requests forwarded, 0 failed")
            && last.contains(&format!("the last was {}", ids[7])),
        "{last}"
    );
}

/// `--inbox new` makes a playground inbox and prints its URL and a curl command that works;
/// what the local URL does is printed per request: its status, an error, a timeout. A failed
/// request is not sent again, and unverified or duplicate requests are forwarded with a note.
#[tokio::test]
async fn a_playground_inbox_and_local_failures_are_printed() {
    let dir = TempDir::new().unwrap();
    let server = serve(dir.path(), free_port()).await;
    let receiver = Receiver::start().await;
    receiver.script([
        Reply::status(500),
        Reply::status(200).after(Duration::from_secs(3)),
    ]);
    let mut forward = Forward::start(
        &server.base,
        &[
            "--inbox",
            "new",
            "--to",
            &receiver.url,
            "--timeout",
            "500ms",
        ],
    );
    let url_line = forward
        .line_with("Its URL: ", Duration::from_secs(10))
        .await;
    let url = url_line.rsplit(' ').next().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/in/ibx_", server.base)),
        "{url_line}"
    );
    let curl = forward
        .line_with("curl -X POST", Duration::from_secs(1))
        .await;
    assert!(curl.contains(&url), "{curl}");
    forward
        .line_with("forwarding", Duration::from_secs(10))
        .await;

    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for n in 0..3 {
        let answer: Value = client
            .post(&url)
            .body(format!("{{\"n\": {n}}}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(answer["id"].as_str().unwrap().to_owned());
    }
    let first = forward.line_with(&ids[0], Duration::from_secs(10)).await;
    assert!(first.contains("POST  500 Internal Server Error"), "{first}");
    let second = forward.line_with(&ids[1], Duration::from_secs(10)).await;
    assert!(second.contains("failed: timed out after 500ms"), "{second}");
    forward
        .line_with(
            &format!("{}  POST  200 OK", ids[2]),
            Duration::from_secs(10),
        )
        .await;
    let received = receiver.wait_for(3, Duration::from_secs(5)).await;
    let bodies: Vec<_> = received.iter().map(|r| r.json()["n"].clone()).collect();
    assert_eq!(
        bodies,
        [0, 1, 2],
        "each once, in order; a failure is not retried"
    );

    let status = forward.interrupt().await;
    assert!(status.success(), "{status:?}");
    let last = forward.lines().last().cloned().unwrap_or_default();
    assert!(
        last.contains("stopped: 3 requests forwarded, 2 failed"),
        "{last}"
    );

    let nobody = format!("http://127.0.0.1:{}/hooks", free_port());
    let refused = run_forward(&server.base, &["--replay", &ids[2], "--to", &nobody]).await;
    assert!(!refused.status.success());
    let out = String::from_utf8_lossy(&refused.stdout);
    assert!(
        out.contains(&format!("{}  POST  failed: ", ids[2])),
        "{out}"
    );
}

/// A stream hookd refuses (a wrong token, an unknown inbox) ends the command at once with
/// hookd's reason, instead of retrying for ever; so does a local URL that is the inbox itself.
#[tokio::test]
async fn refusals_stop_the_command_with_the_reason() {
    let dir = TempDir::new().unwrap();
    let server = serve(dir.path(), free_port()).await;
    let inbox = create_inbox(
        &server.base,
        json!({"name": "refused", "verify": {"scheme": "none"}}),
    )
    .await;
    let to = "http://127.0.0.1:9/hooks";
    let wrong_token = forward_command(
        &server.base,
        &["--inbox", inbox["id"].as_str().unwrap(), "--to", to],
    )
    .env("HOOKD_TOKEN", "not-the-token")
    .output()
    .unwrap();
    assert!(!wrong_token.status.success());
    let error = String::from_utf8_lossy(&wrong_token.stderr);
    assert!(error.contains("401"), "{error}");

    let receive_url = inbox["receive_url"].as_str().unwrap();
    let looped = run_forward(
        &server.base,
        &[
            "--inbox",
            inbox["id"].as_str().unwrap(),
            "--to",
            receive_url,
        ],
    )
    .await;
    assert!(!looped.status.success());
    let error = String::from_utf8_lossy(&looped.stderr);
    assert!(error.contains("the inbox's own URL"), "{error}");

    let unknown = run_forward(
        &server.base,
        &["--inbox", "ibx_01KB0000000000000000000000", "--to", to],
    )
    .await;
    assert!(!unknown.status.success());
    let error = String::from_utf8_lossy(&unknown.stderr);
    assert!(error.contains("404"), "{error}");
}

/// A graceful stop of hookd (SIGTERM) ends its streams instead of waiting for them: hookd
/// exits in a moment, not at the end of its 30 s drain, and `forward` resumes on the restarted
/// server with what was stored in between.
#[tokio::test]
async fn a_graceful_stop_of_hookd_ends_the_stream_and_forward_resumes() {
    let dir = TempDir::new().unwrap();
    let port = free_port();
    let mut server = serve(dir.path(), port).await;
    let inbox = create_inbox(
        &server.base,
        json!({"name": "graceful", "verify": {"scheme": "none"}}),
    )
    .await;
    let receive_url = inbox["receive_url"].as_str().unwrap().to_owned();
    let receiver = Receiver::start().await;
    let forward = Forward::start(
        &server.base,
        &[
            "--inbox",
            inbox["id"].as_str().unwrap(),
            "--to",
            &receiver.url,
        ],
    );
    forward
        .line_with("forwarding", Duration::from_secs(10))
        .await;

    let stopping = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let exit = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "hookd waited for the open stream"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "{exit:?}");
    forward
        .line_with("lost the stream", Duration::from_secs(5))
        .await;

    let _restarted = serve(dir.path(), port).await;
    let client = reqwest::Client::new();
    for n in 0..3 {
        let response = client
            .post(&receive_url)
            .body(format!("{{\"n\": {n}}}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    let received = receiver.wait_for(3, Duration::from_secs(30)).await;
    let bodies: Vec<_> = received.iter().map(|r| r.json()["n"].clone()).collect();
    assert_eq!(bodies, [0, 1, 2]);
}
