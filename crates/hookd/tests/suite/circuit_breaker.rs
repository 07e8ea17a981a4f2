//! The circuit breaker, end to end: a receiver that fails everything gets `failures` requests,
//! then none until the cooldown, then one probe; when it recovers the circuit closes and the
//! backlog arrives, no delivery having lost an attempt to the outage. Opening and closing are
//! announced; a circuit open too long disables the webhook; bad `breaker` input names its field.

use crate::common;

use common::{Receiver, Reply, TestServer, eventually};
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

async fn circuit_state(server: &TestServer, id: &str) -> Value {
    server.webhook(id).await["circuit"].clone()
}

/// A counter or gauge of `/metrics` with its labels as Prometheus prints them, such as
/// `hookd_circuit_transitions_total{to="open"}`; `None` when the line is missing.
async fn metric(server: &TestServer, series: &str) -> Option<f64> {
    let text = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

/// The deliveries of the events, as the API has them now.
async fn deliveries(server: &TestServer, events: &[String]) -> Vec<Value> {
    let mut found = Vec::new();
    for id in events {
        let (_, event) = server.get(&format!("/api/events/{id}")).await;
        found.push(event["deliveries"][0].clone());
    }
    found
}

#[tokio::test]
async fn a_failing_receiver_opens_the_circuit_and_gets_everything_once_it_recovers() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(500));
    let watcher = Receiver::start().await;
    server
        .webhook_to(
            &watcher.url,
            &["webhook.circuit_opened", "webhook.circuit_closed"],
        )
        .await;
    let webhook = server
        .create_webhook(json!({
            "url": receiver.url, "events": ["order.*"], "ping": false, "max_in_flight": 2,
            "retry_schedule": ["1s", "1s", "1s"],
            "breaker": {"failures": 3, "cooldown": "1s", "max_cooldown": "2s"}
        }))
        .await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    assert_eq!(webhook["circuit"]["state"], "closed");
    assert_eq!(
        webhook["breaker"],
        json!({"enabled": true, "failures": 3, "cooldown": "1s", "max_cooldown": "2s",
               "disable_after": "3d"})
    );
    let mut events = Vec::new();
    for _ in 0..6 {
        let accepted = server
            .publish(json!({"type": "order.created", "data": {}}))
            .await;
        events.push(accepted["id"].as_str().unwrap().to_owned());
    }

    let open = eventually("the circuit to open", WAIT, || async {
        let circuit = circuit_state(&server, &id).await;
        (circuit["state"] != "closed").then_some(circuit)
    })
    .await;
    assert_eq!(open["reason"], "HTTP 500");
    assert!(open["opened_at"].is_string() && open["next_probe_at"].is_string());
    assert_eq!(
        receiver.count(),
        3,
        "attempts stop at the threshold: the receiver got `failures` requests"
    );
    let opened = watcher.wait_for(1, WAIT).await.remove(0).json();
    assert_eq!(
        (
            opened["type"].as_str(),
            opened["data"]["webhook_id"].as_str()
        ),
        (Some("webhook.circuit_opened"), Some(id.as_str()))
    );
    assert_eq!(opened["data"]["reason"], "HTTP 500");
    // Prometheus counts the opening (tests share the process's metrics: at least this one)
    // and shows the circuits by state.
    assert!(metric(&server, r#"hookd_circuit_transitions_total{to="open"}"#).await >= Some(1.0));
    assert!(
        metric(&server, r#"hookd_circuits{state="open"}"#)
            .await
            .is_some()
    );

    // The first probe, at the cooldown, fails: one request, and the circuit opens again.
    let probed = receiver.wait_for(4, WAIT).await;
    assert_eq!(probed.len(), 4);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.count(), 4, "one probe, nothing else");

    receiver.always(Reply::status(200));
    eventually("the circuit to close", WAIT, || async {
        (circuit_state(&server, &id).await["state"] == "closed").then_some(())
    })
    .await;
    let finished = eventually("every delivery to arrive", WAIT, || async {
        let found = deliveries(&server, &events).await;
        found
            .iter()
            .all(|d| d["status"] == "succeeded")
            .then_some(found)
    })
    .await;
    // The three that failed before it opened made attempts (the oldest also every probe); the
    // other three waited without losing one.
    let attempts: u64 = finished
        .iter()
        .map(|d| d["attempt_count"].as_u64().unwrap())
        .sum();
    assert_eq!(attempts as usize, receiver.count());
    let untouched = finished.iter().filter(|d| d["attempt_count"] == 1).count();
    assert_eq!(
        untouched, 3,
        "deliveries that waited out the outage arrive at their first attempt: {finished:?}"
    );
    let announcements: Vec<Value> = watcher
        .wait_for(2, WAIT)
        .await
        .iter()
        .map(|r| r.json())
        .collect();
    assert_eq!(announcements[1]["type"], "webhook.circuit_closed");
    assert_eq!(announcements[1]["data"]["webhook_id"], id.as_str());
    assert!(metric(&server, r#"hookd_circuit_transitions_total{to="closed"}"#).await >= Some(1.0));
}

/// Its owner's test, once the receiver is back, closes an open circuit at once (no need to wait
/// for the probe); a failed test leaves it as it was.
#[tokio::test]
async fn a_successful_test_closes_an_open_circuit_at_once() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(503));
    let webhook = server
        .create_webhook(json!({
            "url": receiver.url, "events": ["order.*"], "ping": false, "max_in_flight": 1,
            "retry_schedule": ["1s", "1s"], "breaker": {"failures": 2, "cooldown": "1h"}
        }))
        .await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    let mut events = Vec::new();
    for _ in 0..4 {
        let accepted = server
            .publish(json!({"type": "order.created", "data": {}}))
            .await;
        events.push(accepted["id"].as_str().unwrap().to_owned());
    }
    let open = eventually("the circuit to open", WAIT, || async {
        let circuit = circuit_state(&server, &id).await;
        (circuit["state"] == "open").then_some(circuit)
    })
    .await;

    let (status, failed) = server.post_empty(&format!("/api/webhooks/{id}/test")).await;
    assert_eq!((status.as_u16(), &failed["success"]), (200, &json!(false)));
    assert_eq!(
        circuit_state(&server, &id).await,
        open,
        "a failed test changes nothing"
    );

    receiver.always(Reply::status(200));
    let (status, passed) = server.post_empty(&format!("/api/webhooks/{id}/test")).await;
    assert_eq!((status.as_u16(), &passed["success"]), (200, &json!(true)));
    assert_eq!(circuit_state(&server, &id).await["state"], "closed");
    eventually(
        "every delivery to arrive, long before the probe",
        WAIT,
        || async {
            deliveries(&server, &events)
                .await
                .iter()
                .all(|d| d["status"] == "succeeded")
                .then_some(())
        },
    )
    .await;
}

/// A circuit still open after `disable_after` disables the webhook as failing at its next
/// failed probe, and announces it.
#[tokio::test]
async fn a_circuit_open_too_long_disables_the_webhook() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(503));
    let watcher = Receiver::start().await;
    server.webhook_to(&watcher.url, &["webhook.disabled"]).await;
    let webhook = server
        .create_webhook(json!({
            "url": receiver.url, "events": ["order.*"], "ping": false, "max_in_flight": 1,
            "retry_schedule": ["1s", "1s", "1s", "1s"],
            "breaker": {"failures": 1, "cooldown": "1s", "max_cooldown": "1s",
                        "disable_after": "1s"}
        }))
        .await;
    let id = webhook["id"].as_str().unwrap().to_owned();
    server
        .publish(json!({"type": "order.created", "data": {}}))
        .await;
    let disabled = eventually("the webhook to be disabled", WAIT, || async {
        let webhook = server.webhook(&id).await;
        (webhook["active"] == false).then_some(webhook)
    })
    .await;
    assert_eq!(disabled["disabled_reason"], "failing");
    assert_eq!(
        receiver.count(),
        2,
        "the attempt that opened it, and one probe"
    );
    let announcement = watcher.wait_for(1, WAIT).await.remove(0).json();
    assert_eq!(
        (
            announcement["type"].as_str(),
            announcement["data"]["webhook_id"].as_str(),
            announcement["data"]["reason"].as_str()
        ),
        (Some("webhook.disabled"), Some(id.as_str()), Some("failing"))
    );

    let (status, enabled) = server
        .post_empty(&format!("/api/webhooks/{id}/enable"))
        .await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(
        enabled["circuit"]["state"], "closed",
        "enabling closes the circuit"
    );
}

/// Bad `breaker` fields answer 422 naming each; null goes back to the defaults, which answers
/// show in full; turning the breaker off is kept.
#[tokio::test]
async fn breaker_input_is_checked_and_answers_show_the_effective_breaker() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (status, problem) = server
        .post(
            "/api/webhooks",
            json!({"url": "https://example.com/h", "events": ["*"],
                   "breaker": {"failures": 0, "cooldown": "soon", "max_cooldown": "8d"}}),
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "breaker.failures",
            "breaker.cooldown",
            "breaker.max_cooldown"
        ]
    );
    let (status, problem) = server
        .post(
            "/api/webhooks",
            json!({"url": "https://example.com/h", "events": ["*"],
                   "breaker": {"failures": "many"}}),
        )
        .await;
    assert_eq!(status.as_u16(), 422);
    assert_eq!(problem["errors"][0]["field"], "breaker.failures");

    let webhook = server
        .create_webhook(
            json!({"url": "https://example.com/h", "events": ["*"], "ping": false,
                               "breaker": {"enabled": false, "disable_after": null}}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    assert_eq!(
        webhook["breaker"],
        json!({"enabled": false, "failures": 5, "cooldown": "30s", "max_cooldown": "1h",
               "disable_after": null})
    );
    let (status, patched) = server
        .patch(
            &format!("/api/webhooks/{id}"),
            json!({"breaker": webhook["breaker"]}),
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(
        patched["breaker"], webhook["breaker"],
        "GET then PATCH round-trips"
    );
    let (_, reset) = server
        .patch(&format!("/api/webhooks/{id}"), json!({"breaker": null}))
        .await;
    assert_eq!(reset["breaker"]["enabled"], true);
    assert_eq!(reset["breaker"]["disable_after"], "3d");
}
