//! The engine under pressure: callers that hang up mid-request, and a backlog larger than the
//! memory bound, lose nothing.

use crate::common;

use common::{Receiver, Reply, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(10);

/// An event stored while its caller hung up is still delivered: a request is never abandoned
/// half-way between the commit and the hand-off to the dispatcher.
#[tokio::test]
async fn events_of_callers_that_hung_up_are_still_delivered() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let receiver = Receiver::start().await;
    server.webhook_to(&receiver.url, &["*"]).await;
    // Each caller sends its whole request and hangs up at once, without waiting for the
    // answer: the server reads the request and then finds its caller gone.
    let address = server.base.trim_start_matches("http://").to_owned();
    for n in 0..200 {
        let body = json!({"type": "a.b", "data": {"n": n}}).to_string();
        let request = format!(
            "POST /api/events HTTP/1.1\r\nhost: {address}\r\nauthorization: Bearer {}\r\n\
             content-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            common::ADMIN_TOKEN,
            body.len()
        );
        let mut caller = tokio::net::TcpStream::connect(&address).await.unwrap();
        tokio::io::AsyncWriteExt::write_all(&mut caller, request.as_bytes())
            .await
            .unwrap();
        drop(caller);
    }
    // Requests whose callers hung up still run to the end; wait until no more events appear.
    let mut stored = usize::MAX;
    let started = std::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (_, events) = server.get("/api/events?limit=250").await;
        let now = events["data"].as_array().unwrap().len();
        if now == stored {
            break;
        }
        assert!(started.elapsed() < WAIT, "the stored events settle");
        stored = now;
    }
    assert!(stored > 0, "the callers' requests were read and stored");
    let received = receiver.wait_for(stored, WAIT).await;
    let (_, metrics) = server.get("/api/webhooks/metrics").await;
    assert_eq!(metrics["pending"], 0, "nothing is stranded: {metrics}");
    assert_eq!(received.len(), stored);
}

/// When memory is full, deliveries wait in the database and the scan delivers them all:
/// memory stays bounded and nothing is lost.
#[tokio::test]
async fn a_backlog_beyond_memory_is_delivered_from_the_database() {
    crate::require_backend!();
    let server = TestServer::start_with(&[
        ("dispatch_buffer", "8"),
        ("dispatch_buffer_per_webhook", "4"),
    ])
    .await;
    let receiver = Receiver::start().await;
    receiver.always(Reply::status(200).after(Duration::from_millis(5)));
    server
        .create_webhook(
            json!({"url": receiver.url, "events": ["*"], "max_in_flight": 2, "ping": false}),
        )
        .await;
    let events: Vec<Value> = (0..300)
        .map(|n| json!({"type": "a.b", "data": {"n": n}}))
        .collect();
    let (status, _) = server
        .post("/api/events/batch", json!({"events": events}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let received = receiver.wait_for(300, Duration::from_secs(30)).await;
    let mut numbers: Vec<u64> = received
        .iter()
        .map(|r| r.json()["data"]["n"].as_u64().unwrap())
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 300, "each event arrived");
    let held = reqwest::get(server.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        held.lines().any(|l| l.starts_with("hookd_dispatch_held")),
        "{held}"
    );
}

/// Fair share: a webhook with a backlog of 100,000 deliveries to a slow receiver does not delay
/// another webhook's: each of B's events arrives within a second of being published (in
/// another tenant, as a noisy tenant's neighbour would be).
#[tokio::test]
async fn a_huge_backlog_for_one_webhook_does_not_delay_another() {
    crate::require_backend!();
    let server = TestServer::start().await;
    let slow = Receiver::start().await;
    slow.always(Reply::status(200).after(Duration::from_millis(200)));
    let quick = Receiver::start().await;
    server
        .create_webhook(json!({"url": slow.url, "events": ["backlog.*"], "ping": false}))
        .await;
    server
        .create_webhook(
            json!({"url": quick.url, "events": ["order.*"], "tenant": "acme", "ping": false}),
        )
        .await;
    let events: Vec<Value> = (0..1000)
        .map(|n| json!({"type": "backlog.item", "data": {"n": n}}))
        .collect();
    for _ in 0..100 {
        let (status, _) = server
            .post("/api/events/batch", json!({"events": events}))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    for n in 0..5 {
        let published = std::time::Instant::now();
        server
            .publish(json!({"type": "order.created", "tenant": "acme", "data": {"n": n}}))
            .await;
        let arrived = quick.wait_for(n + 1, Duration::from_secs(10)).await;
        let waited = arrived[n].at.duration_since(published);
        assert!(
            waited < Duration::from_secs(1),
            "event {n} of webhook B arrived {waited:?} after it was published"
        );
    }
    assert!(
        slow.count() < 1000,
        "the slow webhook's backlog is still there"
    );
}
