//! Retry rules: the schedule, Retry-After, 410, timeouts, redirects, the failure streak that
//! disables a webhook (and announces it), manual retry and recover.

use crate::common;

use common::{Receiver, Reply, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

async fn delivery_of(server: &TestServer, event_id: &str) -> Value {
    let (_, event) = server.get(&format!("/api/events/{event_id}")).await;
    event["deliveries"][0].clone()
}

async fn finished_delivery(server: &TestServer, event_id: &str) -> Value {
    eventually("the delivery to finish", WAIT, || async {
        let delivery = delivery_of(server, event_id).await;
        (delivery["status"] != "pending").then_some(delivery)
    })
    .await
}

/// A failing delivery is attempted again after each delay of its schedule (never earlier,
/// and within a second of it), then ends failed; every attempt is logged with its number.
#[tokio::test]
async fn failed_attempts_follow_the_schedule_then_fail() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(500).with_body("down"));
    let webhook = server.create_webhook(json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s", "2s"], "ping": false})).await;
    let accepted = server
        .publish(json!({"type": "order.created", "data": {}}))
        .await;
    let received = receiver.wait_for(3, WAIT).await;
    let first_gap = received[1].at - received[0].at;
    let second_gap = received[2].at - received[1].at;
    assert!(
        first_gap >= Duration::from_secs(1) && first_gap < Duration::from_secs(2),
        "{first_gap:?}"
    );
    assert!(
        second_gap >= Duration::from_secs(2) && second_gap < Duration::from_secs(3),
        "{second_gap:?}"
    );
    let numbers: Vec<&str> = received
        .iter()
        .map(|r| r.header("x-webhook-attempt"))
        .collect();
    assert_eq!(numbers, ["1", "2", "3"]);
    assert!(
        received
            .iter()
            .all(|r| r.header("webhook-id") == accepted["id"].as_str().unwrap())
    );

    let delivery = finished_delivery(&server, accepted["id"].as_str().unwrap()).await;
    assert_eq!(
        (
            delivery["status"].as_str(),
            delivery["attempt_count"].as_u64()
        ),
        (Some("failed"), Some(3))
    );
    let logs = server.logs(webhook["id"].as_str().unwrap()).await;
    let attempts: Vec<(u64, &str, u64, &str)> = logs
        .iter()
        .map(|a| {
            (
                a["attempt"].as_u64().unwrap(),
                a["status"].as_str().unwrap(),
                a["response_code"].as_u64().unwrap(),
                a["response_body"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        vec![
            (3, "failed", 500, "down"),
            (2, "failed", 500, "down"),
            (1, "failed", 500, "down")
        ]
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(
        receiver.count(),
        3,
        "nothing after the schedule is exhausted"
    );
}

/// A retry that succeeds ends the delivery as succeeded.
#[tokio::test]
async fn a_successful_retry_ends_the_delivery() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(503)]);
    server.create_webhook(json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s", "1s"], "ping": false})).await;
    let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
    receiver.wait_for(2, WAIT).await;
    let delivery = finished_delivery(&server, accepted["id"].as_str().unwrap()).await;
    assert_eq!(
        (
            delivery["status"].as_str(),
            delivery["attempt_count"].as_u64()
        ),
        (Some("succeeded"), Some(2))
    );
}

/// `410 Gone` fails the delivery and disables the webhook at once, with no retry.
#[tokio::test]
async fn gone_disables_the_webhook_at_once() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(410));
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s"], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
    let disabled = eventually("the webhook to be disabled", WAIT, || async {
        let webhook = server.webhook(id).await;
        (webhook["active"] == false).then_some(webhook)
    })
    .await;
    assert_eq!(disabled["disabled_reason"], "gone");
    assert_eq!(
        finished_delivery(&server, accepted["id"].as_str().unwrap()).await["status"],
        "failed"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.count(), 1);
}

/// A test answered `410 Gone` disables the webhook like a delivery would, and announces it: a
/// `webhook.disabled` event goes to the tenant's webhooks that subscribe to it.
#[tokio::test]
async fn a_test_answered_gone_disables_the_webhook_and_announces_it() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let gone = Receiver::start().await;
    gone.always(Reply::status(410));
    let watcher = Receiver::start().await;
    let webhook = server
        .create_webhook(json!({"url": gone.url, "events": ["order.*"], "ping": false}))
        .await;
    let id = webhook["id"].as_str().unwrap();
    server.webhook_to(&watcher.url, &["webhook.*"]).await;
    let (status, tested) = server.post_empty(&format!("/api/webhooks/{id}/test")).await;
    assert_eq!(
        (status.as_u16(), tested["response_code"].as_u64()),
        (200, Some(410))
    );
    let disabled = server.webhook(id).await;
    assert_eq!(
        (
            disabled["active"].as_bool(),
            disabled["disabled_reason"].as_str()
        ),
        (Some(false), Some("gone"))
    );
    let announcement = watcher.wait_for(1, WAIT).await.remove(0).json();
    assert_eq!(
        (
            announcement["type"].as_str(),
            announcement["data"]["webhook_id"].as_str(),
            announcement["data"]["reason"].as_str()
        ),
        (Some("webhook.disabled"), Some(id), Some("gone"))
    );
}

/// A burst to a failing webhook stops at the threshold: once its failure streak reaches
/// `disable_after_failures`, no further attempt starts, although deliveries were queued (30
/// events used to drive the streak to 26 with a threshold of 10).
#[tokio::test]
async fn a_burst_to_a_failing_webhook_stops_at_the_threshold() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(500));
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false,
                   "breaker": {"enabled": false}}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    let events: Vec<_> = (0..30)
        .map(|n| json!({"type": "a.b", "data": {"n": n}}))
        .collect();
    server
        .post("/api/events/batch", json!({"events": events}))
        .await;
    let disabled = eventually("the webhook to be disabled", WAIT, || async {
        let webhook = server.webhook(id).await;
        (webhook["active"] == false).then_some(webhook)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        (receiver.count(), disabled["failure_streak"].as_u64()),
        (10, Some(10)),
        "ten attempts (the webhook's max_in_flight, all started at once), none after"
    );
}

/// A 429 with `Retry-After: 3` holds the whole webhook back for 3 seconds, not just the
/// delivery that got it; then the others go, and the first one is retried.
#[tokio::test]
async fn retry_after_holds_back_the_whole_webhook() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(429).with_header("retry-after", "3")]);
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s"],
            "max_in_flight": 1, "ping": false}),
        )
        .await;
    for n in 0..3 {
        server
            .publish(json!({"type": "a.b", "data": {"n": n}}))
            .await;
    }
    let arrived = receiver.wait_for(4, WAIT).await;
    let waited = arrived[1].at.duration_since(arrived[0].at);
    assert!(
        waited >= Duration::from_millis(2900),
        "the next request came {waited:?} after the 429, not 3 s"
    );
}

/// Ten failed deliveries in a row disable a webhook as `failing`, and a `webhook.disabled`
/// event goes to the tenant's webhooks that subscribe to it.
#[tokio::test]
async fn a_failing_webhook_is_disabled_after_its_streak_and_announced() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let failing = Receiver::start().await;
    failing.always(Reply::status(500));
    let watcher = Receiver::start().await;
    let webhook = server
        .create_webhook(
            json!({"url": failing.url, "events": ["order.*"], "retry_schedule": [], "ping": false,
                   "breaker": {"enabled": false}}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    server.webhook_to(&watcher.url, &["webhook.*"]).await;
    for n in 0..9 {
        server
            .publish(json!({"type": "order.created", "data": {"n": n}}))
            .await;
    }
    let streak = eventually("nine failures", WAIT, || async {
        let webhook = server.webhook(id).await;
        (webhook["failure_streak"] == 9).then_some(webhook)
    })
    .await;
    assert_eq!(
        streak["active"], true,
        "nine failures in a row are not yet enough"
    );
    server
        .publish(json!({"type": "order.created", "data": {"n": 9}}))
        .await;
    let disabled = eventually("the webhook to be disabled", WAIT, || async {
        let webhook = server.webhook(id).await;
        (webhook["active"] == false).then_some(webhook)
    })
    .await;
    assert_eq!(
        (
            disabled["disabled_reason"].as_str(),
            disabled["failure_streak"].as_u64()
        ),
        (Some("failing"), Some(10))
    );
    let announcement = watcher.wait_for(1, WAIT).await.remove(0).json();
    assert_eq!(announcement["type"], "webhook.disabled");
    assert_eq!(announcement["data"]["webhook_id"], id);
    assert_eq!(announcement["data"]["reason"], "failing");
    assert_eq!(
        server
            .publish(json!({"type": "order.created", "data": {}}))
            .await["deliveries"],
        0
    );

    let (_, enabled) = server
        .post(&format!("/api/webhooks/{id}/enable"), json!({}))
        .await;
    assert_eq!(
        (
            enabled["active"].as_bool(),
            enabled["failure_streak"].as_u64()
        ),
        (Some(true), Some(0))
    );
}

/// A success in between resets the streak.
#[tokio::test]
async fn a_success_resets_the_failure_streak() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500), Reply::status(500)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false,
                   "breaker": {"enabled": false}}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    for _ in 0..2 {
        let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
        finished_delivery(&server, accepted["id"].as_str().unwrap()).await;
    }
    assert_eq!(server.webhook(id).await["failure_streak"], 2);
    let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
    assert_eq!(
        finished_delivery(&server, accepted["id"].as_str().unwrap()).await["status"],
        "succeeded"
    );
    assert_eq!(server.webhook(id).await["failure_streak"], 0);
}

/// `Retry-After` on a 503 delays the retry at least that long.
#[tokio::test]
async fn retry_after_is_honoured() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(503).with_header("retry-after", "3")]);
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": ["1s"], "ping": false}),
        )
        .await;
    server.publish(json!({"type": "a.b", "data": {}})).await;
    let received = receiver.wait_for(2, WAIT).await;
    let gap = received[1].at - received[0].at;
    assert!(
        gap >= Duration::from_secs(3) && gap < Duration::from_secs(4),
        "{gap:?}"
    );
}

/// A receiver slower than the webhook's timeout gets a failed attempt that says so.
#[tokio::test]
async fn a_timeout_fails_the_attempt() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(200).after(Duration::from_secs(2)));
    let webhook = server.create_webhook(json!({"url": receiver.url, "events": ["*"], "timeout_ms": 300, "retry_schedule": [], "ping": false})).await;
    server.publish(json!({"type": "a.b", "data": {}})).await;
    let id = webhook["id"].as_str().unwrap();
    let attempt = eventually("the attempt to be logged", WAIT, || async {
        server.logs(id).await.first().cloned()
    })
    .await;
    assert_eq!(attempt["status"], "failed");
    assert_eq!(attempt["response_code"], Value::Null);
    assert_eq!(attempt["error"], "timed out after 300 ms");
    assert!(attempt["duration_ms"].as_u64().unwrap() < 1500);
}

/// A redirect is not followed: the attempt fails with the 3xx and says why.
#[tokio::test]
async fn redirects_are_not_followed() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    let elsewhere = Receiver::start().await;
    receiver.always(Reply::status(302).with_header("location", &elsewhere.url));
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false,
                   "breaker": {"enabled": false}}),
        )
        .await;
    server.publish(json!({"type": "a.b", "data": {}})).await;
    let id = webhook["id"].as_str().unwrap();
    let attempt = eventually("the attempt to be logged", WAIT, || async {
        server.logs(id).await.first().cloned()
    })
    .await;
    assert_eq!(
        (
            attempt["status"].as_str(),
            attempt["response_code"].as_u64()
        ),
        (Some("failed"), Some(302))
    );
    assert!(attempt["error"].as_str().unwrap().contains("not followed"));
    assert_eq!(elsewhere.count(), 0);
}

/// A manual retry makes one more attempt now, whatever the delivery's status.
#[tokio::test]
async fn a_manual_retry_makes_one_more_attempt() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500)]);
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false,
                   "breaker": {"enabled": false}}),
        )
        .await;
    let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
    let delivery = finished_delivery(&server, accepted["id"].as_str().unwrap()).await;
    assert_eq!(delivery["status"], "failed");
    let (status, answer) = server
        .post(
            &format!("/api/deliveries/{}/retry", delivery["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{answer}");
    let received = receiver.wait_for(2, WAIT).await;
    assert_eq!(received[1].header("x-webhook-attempt"), "2");
    let delivery = finished_delivery(&server, accepted["id"].as_str().unwrap()).await;
    assert_eq!(
        (
            delivery["status"].as_str(),
            delivery["attempt_count"].as_u64()
        ),
        (Some("succeeded"), Some(2))
    );
    // A succeeded delivery can be sent again too.
    let (status, _) = server
        .post(
            &format!("/api/deliveries/{}/retry", delivery["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    receiver.wait_for(3, WAIT).await;
}

/// Recover re-queues every delivery of the webhook that ended failed since the given time.
#[tokio::test]
async fn recover_requeues_failed_deliveries_since_a_time() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(500), Reply::status(500), Reply::status(500)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "retry_schedule": [], "ping": false,
                   "breaker": {"enabled": false}}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    let before = chrono_now();
    let mut events = Vec::new();
    for _ in 0..3 {
        let accepted = server.publish(json!({"type": "a.b", "data": {}})).await;
        events.push(accepted["id"].as_str().unwrap().to_owned());
    }
    for event in &events {
        assert_eq!(finished_delivery(&server, event).await["status"], "failed");
    }
    let (status, answer) = server
        .post(
            &format!("/api/webhooks/{id}/recover"),
            json!({"since": before}),
        )
        .await;
    assert_eq!(
        (status, answer["requeued"].as_u64()),
        (StatusCode::OK, Some(3)),
        "{answer}"
    );
    receiver.wait_for(6, WAIT).await;
    for event in &events {
        assert_eq!(
            finished_delivery(&server, event).await["status"],
            "succeeded"
        );
    }
    let (_, again) = server
        .post(
            &format!("/api/webhooks/{id}/recover"),
            json!({"since": before}),
        )
        .await;
    assert_eq!(again["requeued"], 0, "nothing failed any more");
}

fn chrono_now() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    humantime::format_rfc3339_millis(std::time::UNIX_EPOCH + Duration::from_millis(millis - 1000))
        .to_string()
}

/// Adaptive concurrency: 503s halve the requests a webhook gets at once, which the API shows
/// as `effective_in_flight` (8, then 4, 2, 1), and answers in time raise it again.
#[tokio::test]
async fn overloads_lower_effective_in_flight_and_answers_raise_it() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    receiver.script([Reply::status(503), Reply::status(503), Reply::status(503)]);
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "max_in_flight": 8,
            "retry_schedule": ["1h"], "ping": false}),
        )
        .await;
    let id = webhook["id"].as_str().unwrap();
    assert_eq!(webhook["effective_in_flight"], 8);
    for n in 0..3 {
        server
            .publish(json!({"type": "a.b", "data": {"n": n}}))
            .await;
        receiver.wait_for(n + 1, WAIT).await;
    }
    let lowered = eventually("three overloads to halve it thrice", WAIT, || async {
        let webhook = server.webhook(id).await;
        (webhook["effective_in_flight"] == 1).then_some(webhook)
    })
    .await;
    assert_eq!(lowered["max_in_flight"], 8);
    server
        .publish(json!({"type": "a.b", "data": {"n": 3}}))
        .await;
    receiver.wait_for(4, WAIT).await;
    eventually("an answer to raise it", WAIT, || async {
        (server.webhook(id).await["effective_in_flight"] == 2).then_some(())
    })
    .await;
}
