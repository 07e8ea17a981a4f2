//! Dead letters: failed deliveries found across webhooks, retried in bulk at a pace a receiver
//! that just came back can take, with a dry run that changes nothing; recover the same way.

use crate::common;

use common::{Receiver, Reply, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

/// A webhook whose receiver fails everything, with no retries: each delivery fails at once.
async fn failing_webhook(server: &TestServer, receiver: &Receiver, events: &[&str]) -> String {
    receiver.always(Reply::status(500));
    let webhook = server
        .create_webhook(
            json!({"url": receiver.url, "events": events, "retry_schedule": [], "ping": false,
                   "breaker": {"enabled": false}}),
        )
        .await;
    webhook["id"].as_str().unwrap().to_owned()
}

async fn failed_deliveries(server: &TestServer, query: &str) -> Vec<Value> {
    let (status, page) = server
        .get(&format!("/api/deliveries?status=failed&limit=250{query}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["data"].as_array().unwrap().clone()
}

async fn wait_for_failed(server: &TestServer, n: usize) {
    eventually("the deliveries to fail", WAIT, || async {
        (failed_deliveries(server, "").await.len() == n).then_some(())
    })
    .await;
}

/// A server whose one webhook's receiver failed `count` deliveries (`order.created`, `data.n`
/// numbering them), none of them retried and the webhook still active.
async fn failed_backlog(count: u64) -> (TestServer, Receiver) {
    let server = TestServer::start_with(&[
        ("scan_interval", "100ms"),
        ("disable_after_failures", "1000"),
    ])
    .await;
    let receiver = Receiver::start().await;
    failing_webhook(&server, &receiver, &["order.*"]).await;
    for n in 0..count {
        server
            .publish(json!({"type": "order.created", "data": {"n": n}}))
            .await;
    }
    wait_for_failed(&server, count as usize).await;
    (server, receiver)
}

/// `GET /api/deliveries` lists deliveries across webhooks, newest first, by status, webhook,
/// event type and tenant.
#[tokio::test]
async fn failed_deliveries_are_listed_across_webhooks_with_filters() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let (down, other_down, up) = (
        Receiver::start().await,
        Receiver::start().await,
        Receiver::start().await,
    );
    let orders = failing_webhook(&server, &down, &["order.*"]).await;
    let users = failing_webhook(&server, &other_down, &["user.*"]).await;
    server.webhook_to(&up.url, &["*"]).await;
    for event in ["order.created", "user.created", "order.paid"] {
        server.publish(json!({"type": event, "data": {}})).await;
    }
    wait_for_failed(&server, 3).await;
    up.wait_for(3, WAIT).await;

    let failed = failed_deliveries(&server, "").await;
    let types: Vec<&str> = failed
        .iter()
        .map(|d| d["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["order.paid", "user.created", "order.created"],
        "newest first"
    );
    assert!(failed.iter().all(|d| d["status"] == "failed"));
    let to_orders = failed_deliveries(&server, &format!("&webhook={orders}")).await;
    assert_eq!(to_orders.len(), 2);
    let user_events = failed_deliveries(&server, "&event_type=user.created").await;
    assert_eq!(user_events.len(), 1);
    assert_eq!(user_events[0]["webhook_id"], users.as_str());
    let (_, succeeded) = server.get("/api/deliveries?status=succeeded").await;
    assert_eq!(succeeded["data"].as_array().unwrap().len(), 3);
    assert!(failed_deliveries(&server, "&tenant=acme").await.is_empty());
}

/// A dry run counts what a bulk retry would take and shows the oldest first; nothing changes.
/// The retry then gives each failed delivery one more attempt, and they arrive.
#[tokio::test]
async fn a_bulk_retry_dry_run_changes_nothing_and_the_retry_delivers_everything() {
    crate::require_backend!();
    let (server, receiver) = failed_backlog(12).await;

    let (status, dry) = server
        .post("/api/deliveries/retry", json!({"dry_run": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (dry["matched"].as_u64(), dry["requeued"].as_u64()),
        (Some(12), Some(0))
    );
    let sample = dry["sample"].as_array().unwrap();
    assert_eq!(sample.len(), 10);
    assert!(
        sample
            .windows(2)
            .all(|pair| pair[0]["id"].as_str() < pair[1]["id"].as_str()),
        "oldest first"
    );
    assert_eq!(failed_deliveries(&server, "").await.len(), 12);
    assert_eq!(receiver.count(), 12, "a dry run sends nothing");

    receiver.always(Reply::status(200));
    let (status, retried) = server
        .post("/api/deliveries/retry", json!({"status": "failed"}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{retried}");
    assert_eq!(
        (retried["matched"].as_u64(), retried["requeued"].as_u64()),
        (Some(12), Some(12))
    );
    let arrived = receiver.wait_for(24, WAIT).await;
    let mut numbers: Vec<u64> = arrived[12..]
        .iter()
        .map(|r| r.json()["data"]["n"].as_u64().unwrap())
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (0..12).collect::<Vec<_>>());
    assert!(failed_deliveries(&server, "").await.is_empty());
}

/// A bulk retry is paced per webhook (at most 10 attempts a second), so a receiver that just
/// came back does not get its whole backlog at once.
#[tokio::test]
async fn a_bulk_retry_is_paced_per_webhook() {
    crate::require_backend!();
    let (server, receiver) = failed_backlog(21).await;
    receiver.always(Reply::status(200));
    let (status, retried) = server.post("/api/deliveries/retry", json!({})).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{retried}");
    assert!(retried["last_attempt_due_at"].is_string(), "{retried}");
    let arrived = receiver.wait_for(42, WAIT).await;
    let spread = arrived[41].at.duration_since(arrived[21].at);
    assert!(
        spread >= Duration::from_millis(1900),
        "21 retries at 10 a second take at least 2 s; they took {spread:?}"
    );
}

/// `recover` takes a dry run too, and re-queues only its webhook's failed deliveries.
#[tokio::test]
async fn recover_takes_a_dry_run_and_keeps_to_its_webhook() {
    crate::require_backend!();
    let server = TestServer::start_with(&[
        ("scan_interval", "100ms"),
        ("disable_after_failures", "1000"),
    ])
    .await;
    let (down, other) = (Receiver::start().await, Receiver::start().await);
    let orders = failing_webhook(&server, &down, &["order.*"]).await;
    failing_webhook(&server, &other, &["user.*"]).await;
    server
        .publish(json!({"type": "order.created", "data": {}}))
        .await;
    server
        .publish(json!({"type": "user.created", "data": {}}))
        .await;
    wait_for_failed(&server, 2).await;
    let path = format!("/api/webhooks/{orders}/recover");
    let (status, dry) = server
        .post(
            &path,
            json!({"since": "2020-01-01T00:00:00Z", "dry_run": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (
            dry["matched"].as_u64(),
            dry["requeued"].as_u64(),
            dry["dry_run"].as_bool()
        ),
        (Some(1), Some(0), Some(true))
    );
    assert_eq!(failed_deliveries(&server, "").await.len(), 2);
    down.always(Reply::status(200));
    let (_, recovered) = server
        .post(&path, json!({"since": "2020-01-01T00:00:00Z"}))
        .await;
    assert_eq!(recovered["requeued"], 1);
    down.wait_for(2, WAIT).await;
    let left = failed_deliveries(&server, "").await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["event_type"], "user.created");
}

/// A tenant token lists and retries only its own tenant's deliveries, and may not name another.
#[tokio::test]
async fn a_tenant_token_sees_and_retries_only_its_own_dead_letters() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    failing_webhook(&server, &receiver, &["*"]).await;
    server.publish(json!({"type": "a.b", "data": {}})).await;
    wait_for_failed(&server, 1).await;
    let (_, created) = server
        .post(
            "/api/tokens",
            json!({"name": "acme portal", "tenant": "acme"}),
        )
        .await;
    let token = created["token"].as_str().unwrap();
    let (status, page) = server
        .call(Some(token), reqwest::Method::GET, "/api/deliveries", None)
        .await;
    assert_eq!(
        (status, page["data"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(0))
    );
    let (status, dry) = server
        .call(
            Some(token),
            reqwest::Method::POST,
            "/api/deliveries/retry",
            Some(r#"{"dry_run": true}"#),
        )
        .await;
    assert_eq!((status, dry["matched"].as_u64()), (StatusCode::OK, Some(0)));
    let (status, refused) = server
        .call(
            Some(token),
            reqwest::Method::POST,
            "/api/deliveries/retry",
            Some(r#"{"tenant": "default"}"#),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["errors"][0]["field"], "tenant");
}
