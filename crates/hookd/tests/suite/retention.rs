//! Retention: events (once every delivery finished), attempts and their statistics go when
//! older than their settings, in the background, while delivery goes on; what went answers 404.

use crate::common;

use common::{Receiver, Reply, TestServer, eventually};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

/// With one-second settings, a delivered event, its delivery and its attempts go, and answer
/// 404; an event whose delivery is still pending stays, with its delivery.
#[tokio::test]
async fn old_finished_events_and_attempts_go_and_pending_work_stays() {
    crate::require_backend!();
    let server =
        TestServer::start_with(&[("retention_events", "1s"), ("retention_attempts", "1s")]).await;
    let up = Receiver::start().await;
    let down = Receiver::start().await;
    down.always(Reply::status(500));
    let delivered_to = server.webhook_to(&up.url, &["order.*"]).await;
    server
        .create_webhook(
            json!({"url": down.url, "events": ["user.*"], "retry_schedule": ["1h"], "ping": false}),
        )
        .await;
    let delivered = server
        .publish(json!({"type": "order.created", "data": {}}))
        .await;
    let pending = server
        .publish(json!({"type": "user.created", "data": {}}))
        .await;
    let (delivered, pending) = (
        delivered["id"].as_str().unwrap(),
        pending["id"].as_str().unwrap(),
    );
    up.wait_for(1, WAIT).await;
    down.wait_for(1, WAIT).await;
    let (_, event) = server.get(&format!("/api/events/{delivered}")).await;
    let delivery = event["deliveries"][0]["id"].as_str().unwrap().to_owned();

    eventually("the delivered event to go", WAIT, || async {
        (server.get(&format!("/api/events/{delivered}")).await.0 == StatusCode::NOT_FOUND)
            .then_some(())
    })
    .await;
    assert_eq!(
        server.get(&format!("/api/deliveries/{delivery}")).await.0,
        StatusCode::NOT_FOUND
    );
    let webhook = delivered_to["id"].as_str().unwrap();
    eventually("its attempts to go", WAIT, || async {
        server.logs(webhook).await.is_empty().then_some(())
    })
    .await;

    let (status, still) = server.get(&format!("/api/events/{pending}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "an event with a pending delivery is never purged"
    );
    assert_eq!(still["deliveries"][0]["status"], "pending");
}

/// Delivery goes on while retention purges: every event published during a purge of a
/// second-old backlog arrives, once.
#[tokio::test]
async fn delivery_keeps_flowing_while_retention_purges() {
    crate::require_backend!();
    let server =
        TestServer::start_with(&[("retention_events", "1s"), ("retention_attempts", "1s")]).await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    let mut published = 0;
    for round in 0..15 {
        let events: Vec<_> = (0..100)
            .map(|n| json!({"type": "order.created", "data": {"round": round, "n": n}}))
            .collect();
        let (status, _) = server
            .post("/api/events/batch", json!({"events": events}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        published += 100;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let received = receiver.wait_for(published, WAIT).await;
    let mut ids: Vec<String> = received
        .iter()
        .map(|r| r.header("webhook-id").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), published, "each event arrived once");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.count(), published);
}

/// `GET /api/server` says how long each kind of record is kept, for the UI's About page.
#[tokio::test]
async fn the_server_says_how_long_it_keeps_what() {
    crate::require_backend!();
    let server =
        TestServer::start_with(&[("retention_events", "36h"), ("retention_attempts", "90s")]).await;
    let (status, about) = server.get("/api/server").await;
    assert_eq!(status, StatusCode::OK, "{about}");
    assert_eq!(
        about["retention"],
        json!({"events": "36h", "attempts": "90s", "inbox_requests": "7d"})
    );
    let database = about["database"].as_str().unwrap();
    assert_eq!(
        database,
        if server.data.postgres.is_some() {
            "postgresql"
        } else {
            "sqlite"
        }
    );
    assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
}
