//! The circuit breaker across nodes: two hookd processes share one PostgreSQL database and a
//! receiver that fails everything; both stop when the circuit opens, one node probes.

use super::{post, require_postgres, start_node};
use crate::common::postgres::{TestDatabase, available, server_url};
use crate::common::process::HookdProcess;
use crate::common::{ADMIN_TOKEN, Receiver, Reply};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// Two nodes and a receiver that fails everything: when the circuit opens, both stop sending;
/// each probe is sent by one node only (requests after the opening come one per cooldown,
/// never two at a probe time); when the receiver recovers, the circuit closes on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_circuit_stops_every_node_and_one_node_probes() {
    require_postgres!();
    let database = TestDatabase::create().await;
    let logs = TempDir::new().unwrap();
    let a = start_node(&database.url, &logs, "a").await;
    let b = start_node(&database.url, &logs, "b").await;
    let client = reqwest::Client::new();
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(500));
    let (status, webhook, _) = post(
        &client,
        format!("{}/api/webhooks", a.base),
        &json!({"url": receiver.url, "events": ["*"], "ping": false, "max_in_flight": 1,
                "breaker": {"failures": 3, "cooldown": "3s", "max_cooldown": "3s",
                            "disable_after": null}}),
    )
    .await
    .unwrap();
    assert_eq!(status, 201);
    let id = webhook["id"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(300)).await;
    for n in 0..12 {
        let node = if n % 2 == 0 { &a } else { &b };
        let (status, body, _) = post(
            &client,
            format!("{}/api/events", node.base),
            &json!({"type": "a.b", "data": {"n": n}}),
        )
        .await
        .unwrap();
        assert_eq!(status, 202, "{body}");
    }
    let circuit_on = |node: &HookdProcess| {
        let request = client
            .get(format!("{}/api/webhooks/{id}", node.base))
            .bearer_auth(ADMIN_TOKEN);
        async move {
            let webhook: Value = request.send().await.unwrap().json().await.unwrap();
            webhook["circuit"]["state"].as_str().unwrap().to_owned()
        }
    };
    let started = Instant::now();
    while circuit_on(&a).await == "closed" {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the circuit never opened"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_ne!(circuit_on(&b).await, "closed", "both nodes see it open");
    let at_open = receiver.count();
    // Each node counts its own answers as they come and stops at the threshold at the latest;
    // the store's count (of both) may open the circuit sooner.
    assert!(
        (3..=6).contains(&at_open),
        "each node stopped at the threshold at the latest: {at_open}"
    );
    tokio::time::sleep(Duration::from_secs(8)).await;
    let after: Vec<Instant> = receiver.received()[at_open..]
        .iter()
        .map(|r| r.at)
        .collect();
    assert!(
        after.len() >= 2,
        "probes came at the cooldown: {}",
        after.len()
    );
    for pair in after.windows(2) {
        assert!(
            pair[1] - pair[0] > Duration::from_secs(2),
            "one request per probe time: {:?} apart",
            pair[1] - pair[0]
        );
    }

    receiver.always(Reply::status(200));
    let started = Instant::now();
    while circuit_on(&a).await != "closed" || circuit_on(&b).await != "closed" {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the circuit never closed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
