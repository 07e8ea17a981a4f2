//! The real binary, killed: every event answered with 202 is delivered after a restart, whether
//! the process died by SIGKILL or shut down on SIGTERM.

mod common;

use common::process::HookdProcess;
use common::{ADMIN_TOKEN, Receiver, Reply};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// A hookd process over the database in `dir`.
async fn spawn_hookd(dir: &TempDir) -> HookdProcess {
    let database = format!("sqlite://{}", dir.path().join("hookd.db").display());
    HookdProcess::start(
        &[
            ("HOOKD_DATABASE_URL", &database),
            ("HOOKD_RETRY_SCHEDULE", "1s,1s,1s"),
            ("HOOKD_SHUTDOWN_GRACE", "5s"),
        ],
        &dir.path().join("hookd.log"),
    )
    .await
}

async fn post(base: &str, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

/// Publishes `count` events from 8 concurrent callers; returns the ids answered with 202.
async fn publish_many(base: &str, count: usize) -> Vec<String> {
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let base = base.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for n in (worker..count).step_by(8) {
                let (status, accepted) = post(
                    &base,
                    "/api/events",
                    json!({"type": "order.created", "data": {"n": n}}),
                )
                .await;
                assert_eq!(status, 202, "{accepted}");
                ids.push(accepted["id"].as_str().unwrap().to_owned());
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.extend(task.await.unwrap());
    }
    ids
}

/// How many times each event id reached the receiver.
fn arrivals(receiver: &Receiver) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for request in receiver.received() {
        *seen
            .entry(request.header("webhook-id").to_owned())
            .or_insert(0) += 1;
    }
    seen
}

async fn all_arrive(
    receiver: &Receiver,
    ids: &[String],
    limit: Duration,
) -> HashMap<String, usize> {
    let start = Instant::now();
    loop {
        let seen = arrivals(receiver);
        let missing = ids.iter().filter(|id| !seen.contains_key(*id)).count();
        if missing == 0 {
            return seen;
        }
        assert!(
            start.elapsed() < limit,
            "{missing} of {} accepted events never arrived",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// SIGKILL right after the 202s: after a restart on the same file, every accepted event is
/// delivered, and the only repeats are requests that were in flight (or not yet recorded) at
/// the kill.
#[tokio::test]
async fn every_accepted_event_is_delivered_after_sigkill() {
    let dir = TempDir::new().unwrap();
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(200).after(Duration::from_millis(20)));
    let max_in_flight = 4;
    let mut hookd = spawn_hookd(&dir).await;
    let (status, _) = post(&hookd.base, "/api/webhooks", json!({"url": receiver.url, "events": ["order.*"], "max_in_flight": max_in_flight, "ping": false})).await;
    assert_eq!(status, 201);
    let ids = publish_many(&hookd.base, 400).await;
    hookd.child.kill().expect("SIGKILL");
    hookd.child.wait().unwrap();
    let delivered_before = arrivals(&receiver).len();
    assert!(
        delivered_before < ids.len(),
        "the kill came before everything was delivered ({delivered_before} of {})",
        ids.len()
    );

    let mut restarted = spawn_hookd(&dir).await;
    let seen = all_arrive(&receiver, &ids, Duration::from_secs(60)).await;
    let repeats: usize = seen.values().map(|n| n - 1).sum();
    assert!(
        repeats <= 2 * max_in_flight,
        "{repeats} repeated deliveries; at most the {max_in_flight} in flight and their unrecorded outcomes may repeat"
    );
    assert_eq!(seen.len(), ids.len(), "nothing but accepted events arrived");
    restarted.child.kill().unwrap();
    restarted.child.wait().unwrap();
}

/// SIGTERM: the server stops accepting, lets attempts in flight finish, exits cleanly, and the
/// rest is delivered after a restart.
#[tokio::test]
async fn sigterm_shuts_down_cleanly_and_loses_nothing() {
    let dir = TempDir::new().unwrap();
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(200).after(Duration::from_millis(100)));
    let mut hookd = spawn_hookd(&dir).await;
    post(
        &hookd.base,
        "/api/webhooks",
        json!({"url": receiver.url, "events": ["*"], "max_in_flight": 2, "ping": false}),
    )
    .await;
    let ids = publish_many(&hookd.base, 60).await;
    let terminated = Command::new("kill")
        .args(["-TERM", &hookd.child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let start = Instant::now();
    let exit = loop {
        if let Some(status) = hookd.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "hookd did not stop within its grace period"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "a clean exit: {exit:?}");
    let before = arrivals(&receiver);
    assert!(
        before.len() < ids.len(),
        "the shutdown came before everything was delivered"
    );
    assert!(
        before.values().all(|n| *n == 1),
        "a graceful stop repeats nothing"
    );

    let mut restarted = spawn_hookd(&dir).await;
    let seen = all_arrive(&receiver, &ids, Duration::from_secs(60)).await;
    assert!(
        seen.values().all(|n| *n == 1),
        "every event exactly once across the graceful restart"
    );
    restarted.child.kill().unwrap();
    restarted.child.wait().unwrap();
}

/// An inbox's request answered 2xx is durable: SIGKILL right after the answers, restart, and
/// every answered request is in the history, each became its event, every event reaches the
/// webhook subscribed to it, and each request sent again is known as a duplicate.
#[tokio::test]
async fn every_received_request_answered_2xx_survives_sigkill() {
    let dir = TempDir::new().unwrap();
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(200).after(Duration::from_millis(20)));
    let mut hookd = spawn_hookd(&dir).await;
    let (status, inbox) = post(
        &hookd.base,
        "/api/inboxes",
        json!({"name": "crash", "verify": {"scheme": "token", "header": "X-Token", "secret": "crash-token-1"},
               "event_type": "crash.received"}),
    )
    .await;
    assert_eq!(status, 201, "{inbox}");
    let (status, _) = post(
        &hookd.base,
        "/api/webhooks",
        json!({"url": receiver.url, "events": ["crash.*"], "max_in_flight": 4, "ping": false}),
    )
    .await;
    assert_eq!(status, 201);
    let url = format!("{}/in/{}", hookd.base, inbox["id"].as_str().unwrap());
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut answered = Vec::new();
            for n in (worker..200).step_by(8) {
                let body = send_numbered(&client, &url, n).await;
                answered.push((n, body["id"].as_str().unwrap().to_owned()));
            }
            answered
        }));
    }
    let mut answered = Vec::new();
    for task in tasks {
        answered.extend(task.await.unwrap());
    }
    hookd.child.kill().expect("SIGKILL");
    hookd.child.wait().unwrap();

    let mut restarted = spawn_hookd(&dir).await;
    let client = reqwest::Client::new();
    let mut history = HashMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut list_url = format!(
            "{}/api/inboxes/{}/requests?limit=250",
            restarted.base,
            inbox["id"].as_str().unwrap()
        );
        if let Some(cursor) = &cursor {
            list_url.push_str(&format!("&cursor={cursor}"));
        }
        let page: Value = client
            .get(list_url)
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for request in page["data"].as_array().unwrap() {
            history.insert(
                request["id"].as_str().unwrap().to_owned(),
                request["event_id"].clone(),
            );
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    for (n, id) in &answered {
        let event = history
            .get(id)
            .unwrap_or_else(|| panic!("request {n} ({id}) was answered 200 and lost"));
        assert!(
            event.is_string(),
            "request {n} ({id}) was stored without its event"
        );
    }
    let start = Instant::now();
    loop {
        let bodies: std::collections::HashSet<i64> = receiver
            .received()
            .iter()
            .filter_map(|r| serde_json::from_slice::<Value>(&r.body).ok())
            .filter_map(|event| event["data"]["n"].as_i64())
            .collect();
        if answered.iter().all(|(n, _)| bodies.contains(&(*n as i64))) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{} of 200 events arrived",
            bodies.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Their de-duplication keys survived too: each copy sent again is a duplicate of the
    // request answered before the kill, and becomes no second event.
    for (n, id) in &answered {
        let url = format!("{}/in/{}", restarted.base, inbox["id"].as_str().unwrap());
        let copy = send_numbered(&client, &url, *n).await;
        let stored: Value = client
            .get(format!(
                "{}/api/inbox-requests/{}",
                restarted.base,
                copy["id"].as_str().unwrap()
            ))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            stored["duplicate_of"].as_str(),
            Some(id.as_str()),
            "request {n} sent again after the restart: {stored}"
        );
    }
    restarted.child.kill().unwrap();
    restarted.child.wait().unwrap();
}

/// Sends the inbox of the SIGKILL test its request number `n` (token-verified, a body keyed by
/// `n`); the answer must be a 200, whose JSON it returns.
async fn send_numbered(client: &reqwest::Client, url: &str, n: usize) -> Value {
    let response = client
        .post(url)
        .header("x-token", "crash-token-1")
        .body(format!("{{\"n\": {n}}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.unwrap()
}
