//! Per-key ordering across nodes: three hookd processes share one PostgreSQL database, each key's
//! events are published one after another through all three in turn, the receiver fails at
//! random, and one node dies by SIGKILL in the middle. Every event arrives, and per key the
//! first successes (and every arrival) come in publish order.

use super::{post, require_postgres};
use crate::common::postgres::{TestDatabase, available, server_url};
use crate::common::process::HookdProcess;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const KEYS: u64 = 10;
const PER_KEY: u64 = 100;
const FAILURE_RATE: f64 = 0.3;

/// (key, number in the key's publish order, answered 2xx), in arrival order.
type Log = Arc<Mutex<Vec<(u64, u64, bool)>>>;

async fn flaky(State(log): State<Log>, body: Bytes) -> StatusCode {
    let event: Value = serde_json::from_slice(&body).unwrap_or_default();
    let (Some(key), Some(seq)) = (event["data"]["key"].as_u64(), event["data"]["seq"].as_u64())
    else {
        return StatusCode::OK;
    };
    let ok = rand::random::<f64>() >= FAILURE_RATE;
    log.lock().unwrap().push((key, seq, ok));
    if ok {
        StatusCode::OK
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

async fn flaky_receiver() -> (String, Log) {
    let log: Log = Arc::default();
    let app = Router::new().fallback(flaky).with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, log)
}

async fn node(database_url: &str, logs: &TempDir, name: &str) -> HookdProcess {
    HookdProcess::start(
        &[
            ("HOOKD_DATABASE_URL", database_url),
            ("HOOKD_DATABASE_POOL", "8"),
            ("HOOKD_RETRY_SCHEDULE", "1s,1s,1s,1s,1s"),
            ("HOOKD_LEASE", "3s"),
            // The receiver fails on purpose: the webhook must not be disabled for it.
            ("HOOKD_DISABLE_AFTER_FAILURES", "0"),
        ],
        &logs.path().join(format!("{name}.log")),
    )
    .await
}

/// Each key's events are published in order by one caller, event `n` through node `n % 3`
/// (the next live one if that node is dead, with the same idempotency key); node 2 is killed
/// when a third of the events were accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_key_order_holds_across_nodes_and_a_killed_node() {
    require_postgres!();
    let database = TestDatabase::create().await;
    let logs = TempDir::new().unwrap();
    let mut nodes = Vec::new();
    for n in 0..3 {
        nodes.push(node(&database.url, &logs, &format!("node{n}")).await);
    }
    let bases: Vec<String> = nodes.iter().map(|n| n.base.clone()).collect();
    let client = reqwest::Client::new();
    let (url, log) = flaky_receiver().await;
    let (status, created, _) = post(
        &client,
        format!("{}/api/webhooks", bases[0]),
        &json!({"url": url, "events": ["*"], "ping": false, "timeout_ms": 2000,
                "ordering": "json:data.key", "breaker": {"enabled": false}}),
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{created}");
    // The other nodes hear of the new webhook through notifications.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let accepted = Arc::new(AtomicUsize::new(0));
    let mut callers = Vec::new();
    for key in 0..KEYS {
        let (bases, client, accepted) = (bases.clone(), client.clone(), accepted.clone());
        callers.push(tokio::spawn(async move {
            for seq in 0..PER_KEY {
                let body = json!({"type": "order.updated", "id": format!("k{key}-{seq}"),
                                  "data": {"key": key, "seq": seq}});
                let first = (key + seq) as usize;
                let mut stored = false;
                for offset in 0..bases.len() {
                    let node = (first + offset) % bases.len();
                    if let Some((200 | 202, _, _)) =
                        post(&client, format!("{}/api/events", bases[node]), &body).await
                    {
                        stored = true;
                        break;
                    }
                }
                assert!(stored, "a live node accepted k{key}-{seq}");
                accepted.fetch_add(1, AtomicOrdering::Relaxed);
            }
        }));
    }
    let total = (KEYS * PER_KEY) as usize;
    while accepted.load(AtomicOrdering::Relaxed) < total / 3 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    nodes[2].kill();
    for caller in callers {
        caller.await.unwrap();
    }

    let start = Instant::now();
    loop {
        let arrived: std::collections::HashSet<(u64, u64)> = log
            .lock()
            .unwrap()
            .iter()
            .map(|&(k, s, _)| (k, s))
            .collect();
        if arrived.len() == total {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(180),
            "{} of {total} events arrived",
            arrived.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let any repeat of a delivery the dead node had in flight land before checking.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let log = log.lock().unwrap().clone();
    let mut by_key: BTreeMap<u64, (Vec<u64>, Vec<u64>)> = BTreeMap::new();
    for &(key, seq, ok) in &log {
        let (successes, all) = by_key.entry(key).or_default();
        if ok && !successes.contains(&seq) {
            successes.push(seq);
        }
        all.push(seq);
    }
    for (key, (successes, all)) in &by_key {
        assert!(
            successes.windows(2).all(|w| w[0] < w[1]),
            "key {key}: first successes out of publish order: {successes:?}"
        );
        assert!(
            all.windows(2).all(|w| w[0] <= w[1]),
            "key {key}: an event arrived before the one published before it finished: {all:?}"
        );
    }
    eprintln!(
        "{total} events over {KEYS} keys, {} requests, {} failed on purpose",
        log.len(),
        log.iter().filter(|&&(_, _, ok)| !ok).count()
    );
}
