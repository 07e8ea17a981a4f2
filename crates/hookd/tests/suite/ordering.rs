//! Ordered deliveries through the API, on both backends, against a real receiver on loopback
//! that fails at random: per key, deliveries arrive in publish order (a delivery starts only
//! once the one before it of its key succeeded or failed for good), every event ends succeeded
//! or failed for good, and a key whose head keeps failing holds up nothing else.

use crate::common;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use common::{TestServer, eventually};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Attempts each delivery gets: the first and one per delay of `SCHEDULE`.
const SCHEDULE: [&str; 3] = ["1s", "1s", "1s"];
const ATTEMPTS: usize = SCHEDULE.len() + 1;
const WAIT: Duration = Duration::from_secs(240);

/// One request as the receiver saw it: the event's key and publish number, and whether it
/// was answered 2xx.
#[derive(Debug, Clone)]
struct Arrival {
    key: String,
    seq: u64,
    ok: bool,
}

/// A receiver that answers 500 to a share of requests at random, and always to events whose
/// key is `stuck`, and logs every request in arrival order.
#[derive(Clone)]
struct FlakyReceiver {
    url: String,
    log: Arc<Mutex<Vec<Arrival>>>,
}

struct Flaky {
    failure_rate: f64,
    log: Arc<Mutex<Vec<Arrival>>>,
}

impl FlakyReceiver {
    async fn start(failure_rate: f64) -> Self {
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(Flaky {
            failure_rate,
            log: log.clone(),
        });
        let app = Router::new().fallback(answer).with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, log }
    }

    fn arrivals(&self) -> Vec<Arrival> {
        self.log.lock().unwrap().clone()
    }
}

async fn answer(State(flaky): State<Arc<Flaky>>, body: Bytes) -> StatusCode {
    let event: Value = serde_json::from_slice(&body).unwrap_or_default();
    let key = event["data"]["key"].as_str().unwrap_or_default().to_owned();
    let Some(seq) = event["data"]["seq"].as_u64() else {
        return StatusCode::OK; // not one of the test's events
    };
    let ok = key != "stuck" && rand::random::<f64>() >= flaky.failure_rate;
    flaky.log.lock().unwrap().push(Arrival { key, seq, ok });
    if ok {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// A server that never disables a webhook for failing (the receiver fails on purpose).
async fn server() -> TestServer {
    TestServer::start_with(&[("disable_after_failures", "0")]).await
}

async fn ordered_webhook(server: &TestServer, receiver: &FlakyReceiver, ordering: &str) {
    let created = server
        .create_webhook(json!({
            "url": receiver.url, "events": ["seq.*"], "ping": false,
            "retry_schedule": SCHEDULE, "ordering": ordering, "max_in_flight": 50,
            // Random failures come five in a row now and then: this test is about order, not
            // about the breaker that would then hold the webhook.
            "breaker": {"enabled": false},
        }))
        .await;
    assert_eq!(created["ordering"], ordering);
}

/// Publishes `count` events, numbered in publish order, the key of each chosen by `key_of`;
/// in batches, so that events of one key are also stored together.
async fn publish_numbered(server: &TestServer, count: u64, key_of: impl Fn(u64) -> String) {
    for start in (0..count).step_by(50) {
        let events: Vec<Value> = (start..(start + 50).min(count))
            .map(|seq| json!({"type": "seq.made", "data": {"seq": seq, "key": key_of(seq)}}))
            .collect();
        let (status, body) = server
            .post("/api/events/batch", json!({ "events": events }))
            .await;
        assert_eq!(status, reqwest::StatusCode::ACCEPTED, "{body}");
    }
}

/// Waits until every event of `seqs` succeeded or had all its attempts.
async fn every_event_finished(receiver: &FlakyReceiver, seqs: impl Iterator<Item = u64> + Clone) {
    eventually("every event to succeed or fail for good", WAIT, || async {
        let arrivals = receiver.arrivals();
        let mut attempts: BTreeMap<u64, (usize, bool)> = BTreeMap::new();
        for a in &arrivals {
            let entry = attempts.entry(a.seq).or_default();
            entry.0 += 1;
            entry.1 |= a.ok;
        }
        seqs.clone()
            .all(|seq| {
                attempts
                    .get(&seq)
                    .is_some_and(|&(n, ok)| ok || n >= ATTEMPTS)
            })
            .then_some(())
    })
    .await;
}

/// Per key, the numbers of the events in the order of their first successful arrival, and in
/// the order they arrived at all.
fn by_key(arrivals: &[Arrival]) -> BTreeMap<String, (Vec<u64>, Vec<u64>)> {
    let mut keys: BTreeMap<String, (Vec<u64>, Vec<u64>)> = BTreeMap::new();
    for a in arrivals {
        let (successes, all) = keys.entry(a.key.clone()).or_default();
        if a.ok && !successes.contains(&a.seq) {
            successes.push(a.seq);
        }
        all.push(a.seq);
    }
    keys
}

fn assert_in_publish_order(key: &str, successes: &[u64], all: &[u64]) {
    assert!(
        successes.windows(2).all(|w| w[0] < w[1]),
        "key {key}: first successes out of publish order: {successes:?}"
    );
    // Stronger: no event of the key arrived while an earlier one was still to be finished.
    assert!(
        all.windows(2).all(|w| w[0] <= w[1]),
        "key {key}: an event arrived before the one published before it finished: {all:?}"
    );
}

/// 1,000 events over 10 keys to a receiver failing 30% of requests: per key, first successes
/// (and every arrival) come in publish order; every event ends, succeeded or failed for good
/// (a final failure lets the next of its key go).
#[tokio::test]
async fn per_key_order_holds_through_random_failures() {
    crate::require_backend!();
    let server = server().await;
    let receiver = FlakyReceiver::start(0.3).await;
    ordered_webhook(&server, &receiver, "json:data.key").await;
    publish_numbered(&server, 1000, |seq| format!("k{}", seq % 10)).await;
    every_event_finished(&receiver, 0..1000).await;
    let keys = by_key(&receiver.arrivals());
    assert_eq!(keys.len(), 10);
    for (key, (successes, all)) in &keys {
        assert_in_publish_order(key, successes, all);
    }
    let failures = receiver.arrivals().iter().filter(|a| !a.ok).count();
    assert!(failures > 0, "the receiver failed some requests");
}

/// `ordering: "webhook"`: every event of the webhook, in publish order.
#[tokio::test]
async fn whole_webhook_order_holds_through_random_failures() {
    crate::require_backend!();
    let server = server().await;
    let receiver = FlakyReceiver::start(0.2).await;
    ordered_webhook(&server, &receiver, "webhook").await;
    publish_numbered(&server, 60, |seq| format!("k{}", seq % 3)).await;
    every_event_finished(&receiver, 0..60).await;
    let arrivals = receiver.arrivals();
    let mut all_keys = arrivals.clone();
    for a in &mut all_keys {
        a.key = "webhook".into();
    }
    let (successes, all) = &by_key(&all_keys)["webhook"];
    assert_in_publish_order("(whole webhook)", successes, all);
}

/// A key whose head keeps failing holds up only its own line: every other key's events all
/// arrive, while the stuck key's later events wait (only its head was attempted).
#[tokio::test]
async fn a_failing_head_holds_up_only_its_key() {
    crate::require_backend!();
    let server = server().await;
    let receiver = FlakyReceiver::start(0.0).await;
    let created = server
        .create_webhook(json!({
            "url": receiver.url, "events": ["seq.*"], "ping": false,
            "retry_schedule": ["1h"], "ordering": "json:data.key",
        }))
        .await;
    publish_numbered(&server, 40, |seq| {
        if seq % 4 == 0 {
            "stuck".into()
        } else {
            format!("k{}", seq % 4)
        }
    })
    .await;
    let others: Vec<u64> = (0..40).filter(|seq| seq % 4 != 0).collect();
    eventually("every other key's events to arrive", WAIT, || async {
        let ok: Vec<u64> = receiver
            .arrivals()
            .iter()
            .filter(|a| a.ok)
            .map(|a| a.seq)
            .collect();
        others.iter().all(|seq| ok.contains(seq)).then_some(())
    })
    .await;
    let stuck: Vec<u64> = receiver
        .arrivals()
        .iter()
        .filter(|a| a.key == "stuck")
        .map(|a| a.seq)
        .collect();
    assert_eq!(stuck, vec![0], "only the stuck key's head was attempted");
    // Its next events wait: pending, with no attempt due. (The other keys' outcomes are
    // recorded a moment after their receiver answered: wait for them to leave the list.)
    let url = format!(
        "/api/deliveries?webhook={}&status=pending",
        created["id"].as_str().unwrap()
    );
    let pending = eventually(
        "only the stuck key's 10 deliveries left pending",
        WAIT,
        || async {
            let (_, page) = server.get(&url).await;
            let pending = page["data"]
                .as_array()
                .expect("a page of deliveries")
                .clone();
            (pending.len() == 10).then_some(pending)
        },
    )
    .await;
    let attempted: Vec<_> = pending.iter().filter(|d| d["attempt_count"] != 0).collect();
    assert_eq!(
        attempted.len(),
        1,
        "only the head was attempted: {pending:?}"
    );
    let waiting = pending
        .iter()
        .filter(|d| d["next_attempt_at"].is_null())
        .count();
    assert_eq!(
        waiting, 9,
        "the head's followers wait, none due: {pending:?}"
    );
}
